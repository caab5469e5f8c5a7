/* The schema walker behind every m2mon configuration file: unknown keys, wrong types,
 * out-of-range values and missing required settings, each reported with file, line and key. */
#include "cfg.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define CFG_KEY_MAX 200 /* a full key such as "sim.modems[3].number" */

void cfg_report_add(struct cfg_report *rep, const char *fmt, ...)
{
	if (rep->count < CFG_MAX_ERRORS) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(rep->msg[rep->count], sizeof(rep->msg[0]), fmt, ap);
		va_end(ap);
	}
	rep->count++;
}

static int parse_result(config_t *cfg, const char *name, struct cfg_report *rep, int ok)
{
	if (ok == CONFIG_TRUE)
		return 0;
	if (config_error_type(cfg) == CONFIG_ERR_FILE_IO) {
		cfg_report_add(rep, "%s: cannot read the file: %s", name, strerror(errno ? errno : EIO));
		return -ENOENT;
	}
	cfg_report_add(rep, "%s:%d: syntax error: %s", config_error_file(cfg) ? config_error_file(cfg) : name,
		       config_error_line(cfg), config_error_text(cfg));
	return -EINVAL;
}

int cfg_parse_file(config_t *cfg, const char *path, struct cfg_report *rep)
{
	errno = 0;
	return parse_result(cfg, path, rep, config_read_file(cfg, path));
}

int cfg_parse_string(config_t *cfg, const char *text, const char *name, struct cfg_report *rep)
{
	return parse_result(cfg, name, rep, config_read_string(cfg, text));
}

/* Levenshtein distance, capped: enough to suggest "baud" for "buad". */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 31 || lb > 31)
		return SIZE_MAX;
	size_t row[32];
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
			size_t best = diag + cost;
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

static const struct cfg_field *find_field(const struct cfg_field *fields, const char *name)
{
	for (const struct cfg_field *f = fields; f->name; f++)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

static void report_unknown(struct cfg_report *rep, const char *file, int line, const char *key,
			   const char *name, const struct cfg_field *fields)
{
	const struct cfg_field *best = NULL;
	size_t best_d = 3;
	for (const struct cfg_field *f = fields; f->name; f++) {
		size_t d = edit_distance(name, f->name);
		if (d < best_d) {
			best_d = d;
			best = f;
		}
	}
	if (best)
		cfg_report_add(rep, "%s:%d: %s: unknown setting (did you mean '%s'?)", file, line, key,
			       best->name);
	else
		cfg_report_add(rep, "%s:%d: %s: unknown setting", file, line, key);
}

static const char *type_name(int type)
{
	switch (type) {
	case CONFIG_TYPE_GROUP:
		return "a group { ... }";
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		return "an integer";
	case CONFIG_TYPE_FLOAT:
		return "a number with a decimal point";
	case CONFIG_TYPE_STRING:
		return "a string";
	case CONFIG_TYPE_BOOL:
		return "true or false";
	case CONFIG_TYPE_ARRAY:
		return "an array [ ... ]";
	case CONFIG_TYPE_LIST:
		return "a list ( ... )";
	default:
		return "nothing";
	}
}

static const char *expected_name(const struct cfg_field *f)
{
	switch (f->kind) {
	case CFG_INT:
		return "an integer";
	case CFG_DOUBLE:
		return "a number";
	case CFG_BOOL:
		return "true or false";
	case CFG_STRING:
	case CFG_ENUM:
		return "a string";
	case CFG_GROUP:
		return "a group { ... }";
	case CFG_LIST:
		return "a list of groups ( { ... }, ... )";
	}
	return "?";
}

static void apply_default(const struct cfg_field *f, char *base)
{
	void *at = base + f->offset;
	switch (f->kind) {
	case CFG_INT:
	case CFG_ENUM:
		*(int *)at = (int)f->def;
		break;
	case CFG_DOUBLE:
		*(double *)at = f->ddef;
		break;
	case CFG_BOOL:
		*(bool *)at = f->def != 0;
		break;
	case CFG_STRING:
		snprintf(at, f->size, "%s", f->sdef ? f->sdef : "");
		break;
	case CFG_GROUP:
		cfg_defaults(f->fields, at);
		break;
	case CFG_LIST:
		*(int *)(base + f->count_offset) = 0;
		break;
	}
}

void cfg_defaults(const struct cfg_field *fields, void *out)
{
	for (const struct cfg_field *f = fields; f->name; f++)
		apply_default(f, out);
}

struct walk {
	const char *file;
	struct cfg_report *rep;
};

static int apply_group(struct walk *w, const config_setting_t *group, const char *prefix,
		       const struct cfg_field *fields, char *base);

static bool type_fits(const struct cfg_field *f, int type)
{
	switch (f->kind) {
	case CFG_INT:
		return type == CONFIG_TYPE_INT || type == CONFIG_TYPE_INT64;
	case CFG_DOUBLE:
		return type == CONFIG_TYPE_FLOAT || type == CONFIG_TYPE_INT || type == CONFIG_TYPE_INT64;
	case CFG_BOOL:
		return type == CONFIG_TYPE_BOOL;
	case CFG_STRING:
	case CFG_ENUM:
		return type == CONFIG_TYPE_STRING;
	case CFG_GROUP:
		return type == CONFIG_TYPE_GROUP;
	case CFG_LIST:
		return type == CONFIG_TYPE_LIST;
	}
	return false;
}

static void apply_string(struct walk *w, const struct cfg_field *f, const config_setting_t *s,
			 const char *key, int line, char *at)
{
	const char *v = config_setting_get_string(s);
	size_t len = strlen(v);
	if ((long long)len < f->min || (long long)len > f->max || len >= f->size) {
		cfg_report_add(w->rep, "%s:%d: %s: \"%s\" has %zu characters; it must have %lld to %lld",
			       w->file, line, key, v, len, f->min, f->max);
		return;
	}
	const char *why = f->check ? f->check(v) : NULL;
	if (why) {
		cfg_report_add(w->rep, "%s:%d: %s: \"%s\" is not valid: %s", w->file, line, key, v, why);
		return;
	}
	memcpy(at, v, len + 1);
}

static void apply_enum(struct walk *w, const struct cfg_field *f, const config_setting_t *s, const char *key,
		       int line, int *at)
{
	const char *v = config_setting_get_string(s);
	char allowed[200] = "";
	for (int i = 0; f->names[i]; i++) {
		if (strcmp(v, f->names[i]) == 0) {
			*at = i;
			return;
		}
		size_t used = strlen(allowed);
		snprintf(allowed + used, sizeof(allowed) - used, "%s\"%s\"", i ? ", " : "", f->names[i]);
	}
	cfg_report_add(w->rep, "%s:%d: %s: \"%s\" is not one of %s", w->file, line, key, v, allowed);
}

static void apply_list(struct walk *w, const struct cfg_field *f, const config_setting_t *s, const char *key,
		       int line, char *base)
{
	int n = config_setting_length(s);
	if (n > f->max) {
		cfg_report_add(w->rep, "%s:%d: %s: %d entries; at most %lld are allowed", w->file, line, key,
			       n, f->max);
		return;
	}
	if (n < f->min) {
		cfg_report_add(w->rep, "%s:%d: %s: %d entries; at least %lld are needed", w->file, line, key,
			       n, f->min);
		return;
	}
	char *elems = base + f->offset;
	for (int i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		char ekey[CFG_KEY_MAX];
		if (snprintf(ekey, sizeof(ekey), "%s[%d]", key, i) >= (int)sizeof(ekey))
			ekey[sizeof(ekey) - 1] = '\0';
		if (config_setting_type(e) != CONFIG_TYPE_GROUP) {
			cfg_report_add(w->rep, "%s:%d: %s: is %s; each entry must be a group { ... }",
				       w->file, config_setting_source_line(e), ekey,
				       type_name(config_setting_type(e)));
			continue;
		}
		cfg_defaults(f->fields, elems + (size_t)i * f->size);
		apply_group(w, e, ekey, f->fields, elems + (size_t)i * f->size);
	}
	*(int *)(base + f->count_offset) = n;
}

static void apply_setting(struct walk *w, const struct cfg_field *f, const config_setting_t *s,
			  const char *key, char *base)
{
	int line = config_setting_source_line(s);
	int type = config_setting_type(s);
	void *at = base + f->offset;
	if (!type_fits(f, type)) {
		cfg_report_add(w->rep, "%s:%d: %s: is %s; it must be %s", w->file, line, key, type_name(type),
			       expected_name(f));
		return;
	}
	switch (f->kind) {
	case CFG_INT: {
		long long v = config_setting_get_int64(s);
		if (v < f->min || v > f->max)
			cfg_report_add(w->rep, "%s:%d: %s: %lld is out of range %lld..%lld", w->file, line,
				       key, v, f->min, f->max);
		else
			*(int *)at = (int)v;
		break;
	}
	case CFG_DOUBLE: {
		double v = type == CONFIG_TYPE_FLOAT ? config_setting_get_float(s)
						     : (double)config_setting_get_int64(s);
		if (!(v >= f->dmin && v <= f->dmax))
			cfg_report_add(w->rep, "%s:%d: %s: %g is out of range %g..%g", w->file, line, key, v,
				       f->dmin, f->dmax);
		else
			*(double *)at = v;
		break;
	}
	case CFG_BOOL:
		*(bool *)at = config_setting_get_bool(s) != 0;
		break;
	case CFG_STRING:
		apply_string(w, f, s, key, line, at);
		break;
	case CFG_ENUM:
		apply_enum(w, f, s, key, line, at);
		break;
	case CFG_GROUP:
		apply_group(w, s, key, f->fields, at);
		break;
	case CFG_LIST:
		apply_list(w, f, s, key, line, base);
		break;
	}
}

static int apply_group(struct walk *w, const config_setting_t *group, const char *prefix,
		       const struct cfg_field *fields, char *base)
{
	int before = w->rep->count;
	int n = config_setting_length(group);
	for (int i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(group, (unsigned)i);
		const char *name = config_setting_name(s);
		char key[CFG_KEY_MAX];
		if (snprintf(key, sizeof(key), "%s%s%s", prefix, *prefix ? "." : "", name ? name : "?") >=
		    (int)sizeof(key))
			key[sizeof(key) - 1] = '\0';
		const struct cfg_field *f = name ? find_field(fields, name) : NULL;
		if (!f) {
			report_unknown(w->rep, w->file, config_setting_source_line(s), key, name ? name : "?",
				       fields);
			continue;
		}
		apply_setting(w, f, s, key, base);
	}
	for (const struct cfg_field *f = fields; f->name; f++) {
		if (f->required && !config_setting_get_member(group, f->name)) {
			int line = config_setting_source_line(group);
			cfg_report_add(w->rep, "%s:%d: %s%s%s: missing; %s", w->file, line > 0 ? line : 1,
				       prefix, *prefix ? "." : "", f->name,
				       f->help ? f->help : "this setting is required");
		}
	}
	return w->rep->count == before ? 0 : -EINVAL;
}

int cfg_apply(const config_setting_t *group, const char *file, const struct cfg_field *fields, void *out,
	      struct cfg_report *rep)
{
	struct walk w = {file, rep};
	int before = rep->count;
	cfg_defaults(fields, out);
	apply_group(&w, group, "", fields, out);
	return rep->count == before ? 0 : -EINVAL;
}

const char *cfg_check_phone(const char *value)
{
	const char *p = value[0] == '+' ? value + 1 : value;
	size_t n = strlen(p);
	if (n < 3 || n > 20)
		return "a phone number has 3 to 20 digits, with an optional leading '+'";
	for (; *p; p++)
		if (!isdigit((unsigned char)*p))
			return "a phone number has only digits after an optional leading '+'";
	return NULL;
}

const char *cfg_check_digits(const char *value)
{
	for (const char *p = value; *p; p++)
		if (!isdigit((unsigned char)*p))
			return "only digits are allowed";
	return NULL;
}

const char *cfg_check_ident(const char *value)
{
	for (const char *p = value; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
			return "only letters, digits, '-' and '_' are allowed";
	return NULL;
}
