/* The schema walker behind every m2mon configuration file: unknown keys, wrong types,
 * out-of-range values and missing required settings, each reported with file, line and key;
 * then each group's cross-field check, which reports through a cfg_ctx. */
#include "cfg.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
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

/* The file's numbers as cfg_check_numbers sees them; an unreadable file is left to libconfig. */
static int check_file_numbers(const char *path, struct cfg_report *rep)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	size_t cap = 1 << 20;
	char *text = malloc(cap);
	size_t n = text ? fread(text, 1, cap, f) : 0;
	fclose(f);
	int rc = text ? cfg_check_numbers(text, n, path, rep) : 0;
	free(text);
	return rc;
}

int cfg_parse_file(config_t *cfg, const char *path, struct cfg_report *rep)
{
	if (check_file_numbers(path, rep) < 0)
		return -EINVAL;
	errno = 0;
	return parse_result(cfg, path, rep, config_read_file(cfg, path));
}

int cfg_parse_string(config_t *cfg, const char *text, const char *name, struct cfg_report *rep)
{
	if (cfg_check_numbers(text, strlen(text), name, rep) < 0)
		return -EINVAL;
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

static void report_unknown(struct cfg_report *rep, const char *file, int line, const char *key,
			   const char *name, const struct cfg_field *fields)
{
	const struct cfg_field *best = NULL;
	size_t best_d = 3;
	const char *best_name = NULL;
	for (const struct cfg_field *f = fields; f->name; f++) {
		for (int alt = 0; alt < 2; alt++) {
			const char *cand = alt ? f->single : f->name;
			size_t d = cand ? edit_distance(name, cand) : SIZE_MAX;
			if (d < best_d) {
				best_d = d;
				best = f;
				best_name = cand;
			}
		}
	}
	if (best)
		cfg_report_add(rep, "%s:%d: %s: unknown setting (did you mean '%s'?)", file, line, key,
			       best_name);
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

const char *cfg_kind_str(enum cfg_kind kind)
{
	switch (kind) {
	case CFG_INT:
		return "int";
	case CFG_DOUBLE:
		return "double";
	case CFG_BOOL:
		return "bool";
	case CFG_STRING:
		return "string";
	case CFG_ENUM:
		return "enum";
	case CFG_GROUP:
		return "group";
	case CFG_LIST:
		return "list";
	case CFG_DURATION:
		return "duration";
	case CFG_TEMP:
		return "temp";
	case CFG_ARRAY:
		return "array";
	case CFG_CUSTOM:
		return "custom";
	}
	return "?";
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
	case CFG_CUSTOM:
		return "a string";
	case CFG_GROUP:
		return "a group { ... }";
	case CFG_LIST:
		return "a list of groups ( { ... }, ... )";
	case CFG_DURATION:
		return "a duration in quotes with its unit: \"30s\", \"5m\", \"1h\" or \"2d\"";
	case CFG_TEMP:
		return "a number of degrees C, e.g. 8.0 or -18.5";
	case CFG_ARRAY:
		return "an array [ ... ] of values";
	}
	return "?";
}

/* Stores `v` (already range-checked) in an integer of `size` bytes (0: int). */
static void store_int(void *at, size_t size, long long v)
{
	switch (size) {
	case 1: {
		uint8_t b = (uint8_t)v;
		memcpy(at, &b, 1);
		break;
	}
	case 2: {
		uint16_t h = (uint16_t)v;
		memcpy(at, &h, 2);
		break;
	}
	case 8: {
		uint64_t q = (uint64_t)v;
		memcpy(at, &q, 8);
		break;
	}
	default: {
		uint32_t w = (uint32_t)v;
		memcpy(at, &w, 4);
		break;
	}
	}
}

static void apply_default(const struct cfg_field *f, char *base)
{
	void *at = base + f->offset;
	uint64_t secs = 0;
	switch (f->kind) {
	case CFG_INT:
	case CFG_TEMP:
		store_int(at, f->kind == CFG_TEMP ? sizeof(int32_t) : f->size, f->def);
		break;
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
	case CFG_DURATION:
		if (f->sdef && cfg_duration_parse(f->sdef, &secs) < 0)
			secs = 0;
		store_int(at, f->size, (long long)secs);
		break;
	case CFG_CUSTOM:
		memset(at, 0, f->size);
		if (f->sdef)
			f->parse(f->sdef, at);
		break;
	case CFG_GROUP:
		cfg_defaults(f->fields, at);
		break;
	case CFG_LIST:
	case CFG_ARRAY:
		store_int(base + f->count_offset, f->count_size, 0);
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

struct cfg_ctx {
	struct walk *w;
	const config_setting_t *group;
	const char *prefix; /* the group's full key */
};

static int apply_group(struct walk *w, const config_setting_t *group, const char *prefix,
		       const struct cfg_field *fields, char *base);

static bool scalar_kind(enum cfg_kind k)
{
	return k != CFG_GROUP && k != CFG_LIST && k != CFG_ARRAY;
}

static bool type_fits(const struct cfg_field *f, int type)
{
	switch (f->kind) {
	case CFG_INT:
		return type == CONFIG_TYPE_INT || type == CONFIG_TYPE_INT64;
	case CFG_DOUBLE:
	case CFG_TEMP:
		return type == CONFIG_TYPE_FLOAT || type == CONFIG_TYPE_INT || type == CONFIG_TYPE_INT64;
	case CFG_BOOL:
		return type == CONFIG_TYPE_BOOL;
	case CFG_CUSTOM:
		return type == CONFIG_TYPE_STRING ||
		       (f->ints && (type == CONFIG_TYPE_INT || type == CONFIG_TYPE_INT64));
	case CFG_STRING:
	case CFG_ENUM:
	case CFG_DURATION:
		return type == CONFIG_TYPE_STRING;
	case CFG_GROUP:
		return type == CONFIG_TYPE_GROUP;
	case CFG_LIST:
		return type == CONFIG_TYPE_LIST;
	case CFG_ARRAY:
		return type == CONFIG_TYPE_ARRAY || type == CONFIG_TYPE_LIST || type_fits(f->fields, type);
	}
	return false;
}

/* A string's value for messages: quoted, control characters as \xNN so that a line break in
 * a value cannot start a line of its own, cut with "..." so that the reason after it is never
 * lost; or a note when it is a secret. */
static const char *shown(const struct cfg_field *f, const char *v, char *buf, size_t size)
{
	if (f->secret)
		return "the value (not shown: it is a secret)";
	size_t k = 0, cap = size < 64 ? size : 64; /* room for the message's reason after it */
	buf[k++] = '"';
	for (; *v && k + 6 < cap; v++) {
		unsigned char c = (unsigned char)*v;
		if (c < 0x20 || c == 0x7f)
			k += (size_t)snprintf(buf + k, size - k, "\\x%02X", c);
		else
			buf[k++] = (char)c;
	}
	snprintf(buf + k, size - k, *v ? "...\"" : "\"");
	return buf;
}

static void apply_string(struct walk *w, const struct cfg_field *f, const config_setting_t *s,
			 const char *key, int line, char *at)
{
	const char *v = config_setting_get_string(s);
	size_t len = strlen(v);
	char q[CFG_KEY_MAX];
	if ((long long)len < f->min || (long long)len > f->max || len >= f->size) {
		cfg_report_add(w->rep, "%s:%d: %s: %s has %zu characters; it must have %lld to %lld", w->file,
			       line, key, shown(f, v, q, sizeof(q)), len, f->min, f->max);
		return;
	}
	const char *why = f->check ? f->check(v) : NULL;
	if (why) {
		cfg_report_add(w->rep, "%s:%d: %s: %s is not valid: %s", w->file, line, key,
			       shown(f, v, q, sizeof(q)), why);
		return;
	}
	memcpy(at, v, len + 1);
}

static void apply_custom(struct walk *w, const struct cfg_field *f, const config_setting_t *s,
			 const char *key, int line, char *at)
{
	char num[24], q[CFG_KEY_MAX];
	const char *v = config_setting_get_string(s);
	if (!v) {
		snprintf(num, sizeof(num), "%lld", (long long)config_setting_get_int64(s));
		v = num;
	}
	const char *why = f->parse(v, at);
	if (why)
		cfg_report_add(w->rep, "%s:%d: %s: %s is not valid: %s", w->file, line, key,
			       shown(f, v, q, sizeof(q)), why);
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

static void apply_duration(struct walk *w, const struct cfg_field *f, const config_setting_t *s,
			   const char *key, int line, void *at)
{
	const char *v = config_setting_get_string(s);
	uint64_t secs = 0;
	int rc = cfg_duration_parse(v, &secs);
	if (rc == -EINVAL) {
		cfg_report_add(w->rep,
			       "%s:%d: %s: \"%s\" is not a duration: whole numbers with s, m, h or d, "
			       "e.g. \"30s\", \"5m\", \"1h30m\", \"2d\"",
			       w->file, line, key, v);
		return;
	}
	if (rc < 0 || secs < (uint64_t)f->min || secs > (uint64_t)f->max) {
		char lo[32], hi[32];
		cfg_duration_format((uint64_t)f->min, lo, sizeof(lo));
		cfg_duration_format((uint64_t)f->max, hi, sizeof(hi));
		cfg_report_add(w->rep, "%s:%d: %s: \"%s\" is out of range %s..%s", w->file, line, key, v, lo,
			       hi);
		return;
	}
	store_int(at, f->size, (long long)secs);
}

static void apply_temp(struct walk *w, const struct cfg_field *f, const config_setting_t *s, const char *key,
		       int line, void *at)
{
	int type = config_setting_type(s);
	double v =
		type == CONFIG_TYPE_FLOAT ? config_setting_get_float(s) : (double)config_setting_get_int64(s);
	/* Tenths, half away from zero; the magnitude check keeps lround() defined. */
	long c10 = fabs(v) < 1e8 ? lround(v * 10.0) : LONG_MAX;
	if (c10 < f->min || c10 > f->max) {
		cfg_report_add(w->rep, "%s:%d: %s: %g is out of range %.1f..%.1f (degrees C)", w->file, line,
			       key, v, (double)f->min / 10.0, (double)f->max / 10.0);
		return;
	}
	store_int(at, sizeof(int32_t), c10);
}

static void apply_int(struct walk *w, const struct cfg_field *f, const config_setting_t *s, const char *key,
		      int line, void *at)
{
	long long v = config_setting_get_int64(s);
	if (v < f->min || v > f->max)
		cfg_report_add(w->rep, "%s:%d: %s: %lld is out of range %lld..%lld", w->file, line, key, v,
			       f->min, f->max);
	else
		store_int(at, f->size, v);
}

static void run_validate(struct walk *w, const struct cfg_field *f, const config_setting_t *s,
			 const char *key, void *obj, int before)
{
	if (!f->validate || w->rep->count != before)
		return;
	struct cfg_ctx ctx = {w, s, key};
	f->validate(&ctx, obj);
}

static void apply_setting(struct walk *w, const struct cfg_field *f, const config_setting_t *s,
			  const char *key, char *base);

static void element_key(char *ekey, const char *key, int i)
{
	if (snprintf(ekey, CFG_KEY_MAX, "%s[%d]", key, i) >= CFG_KEY_MAX)
		ekey[CFG_KEY_MAX - 1] = '\0';
}

/* One element of a CFG_LIST (a group) or CFG_ARRAY (a scalar), stored at index `i`. */
static void apply_element(struct walk *w, const struct cfg_field *f, const config_setting_t *e,
			  const char *ekey, char *elems, int i)
{
	char *at = elems + (size_t)i * f->size;
	int type = config_setting_type(e);
	if (f->kind == CFG_LIST) {
		if (type != CONFIG_TYPE_GROUP) {
			cfg_report_add(w->rep, "%s:%d: %s: is %s; each entry must be a group { ... }",
				       w->file, config_setting_source_line(e), ekey, type_name(type));
			return;
		}
		int before = w->rep->count;
		cfg_defaults(f->fields, at);
		apply_group(w, e, ekey, f->fields, at);
		run_validate(w, f, e, ekey, at, before);
		return;
	}
	struct cfg_field ef = f->fields[0];
	ef.offset = 0;
	if (!scalar_kind(ef.kind) || type == CONFIG_TYPE_GROUP || type == CONFIG_TYPE_LIST ||
	    type == CONFIG_TYPE_ARRAY) {
		cfg_report_add(w->rep, "%s:%d: %s: is %s; each entry must be %s", w->file,
			       config_setting_source_line(e), ekey, type_name(type), expected_name(&ef));
		return;
	}
	apply_default(&ef, at);
	apply_setting(w, &ef, e, ekey, at);
}

/* A CFG_LIST or CFG_ARRAY: `s` is the list or array, or the lone element given under the
 * field's `single` name or as a scalar (`lone`). */
static void apply_elements(struct walk *w, const struct cfg_field *f, const config_setting_t *s,
			   const char *key, int line, char *base, bool lone)
{
	int n = lone ? 1 : config_setting_length(s);
	if (n > f->max) {
		cfg_report_add(w->rep, "%s:%d: %s: %d entries; at most %lld are allowed", w->file, line, key,
			       n, f->max);
		return;
	}
	if (n < f->min) {
		cfg_report_add(w->rep, "%s:%d: %s: %d entries; at least %lld %s needed", w->file, line, key,
			       n, f->min, f->min == 1 ? "is" : "are");
		return;
	}
	for (int i = 0; i < n; i++) {
		char ekey[CFG_KEY_MAX];
		if (lone)
			snprintf(ekey, sizeof(ekey), "%s", key);
		else
			element_key(ekey, key, i);
		apply_element(w, f, lone ? s : config_setting_get_elem(s, (unsigned)i), ekey,
			      base + f->offset, i);
	}
	store_int(base + f->count_offset, f->count_size, n);
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
	int before = w->rep->count;
	switch (f->kind) {
	case CFG_INT:
		apply_int(w, f, s, key, line, at);
		break;
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
	case CFG_DURATION:
		apply_duration(w, f, s, key, line, at);
		break;
	case CFG_TEMP:
		apply_temp(w, f, s, key, line, at);
		break;
	case CFG_CUSTOM:
		apply_custom(w, f, s, key, line, at);
		break;
	case CFG_GROUP:
		apply_group(w, s, key, f->fields, at);
		run_validate(w, f, s, key, at, before);
		break;
	case CFG_LIST:
	case CFG_ARRAY:
		apply_elements(w, f, s, key, line, base,
			       type != CONFIG_TYPE_LIST && type != CONFIG_TYPE_ARRAY);
		break;
	}
}

static const struct cfg_field *find_field(const struct cfg_field *fields, const char *name, bool *single)
{
	for (const struct cfg_field *f = fields; f->name; f++) {
		*single = f->single && strcmp(f->single, name) == 0;
		if (strcmp(f->name, name) == 0 || *single)
			return f;
	}
	return NULL;
}

static void full_key(char *key, const char *prefix, const char *name)
{
	if (snprintf(key, CFG_KEY_MAX, "%s%s%s", prefix, *prefix ? "." : "", name) >= CFG_KEY_MAX)
		key[CFG_KEY_MAX - 1] = '\0';
}

/* A setting under `single` holds the one element of the list or array. */
static void apply_named(struct walk *w, const config_setting_t *group, const struct cfg_field *f,
			const config_setting_t *s, const char *key, bool single, char *base)
{
	if (f->single && config_setting_get_member(group, f->name) &&
	    config_setting_get_member(group, f->single)) {
		if (single)
			cfg_report_add(w->rep, "%s:%d: %s: '%s' is set too; keep one of '%s' and '%s'",
				       w->file, config_setting_source_line(s), key, f->name, f->single,
				       f->name);
		return;
	}
	if (!single) {
		apply_setting(w, f, s, key, base);
		return;
	}
	int type = config_setting_type(s);
	bool fits = f->kind == CFG_LIST ? type == CONFIG_TYPE_GROUP : type_fits(f->fields, type);
	if (!fits) {
		cfg_report_add(w->rep, "%s:%d: %s: is %s; it must be %s", w->file,
			       config_setting_source_line(s), key, type_name(type),
			       f->kind == CFG_LIST ? "a group { ... }" : expected_name(f->fields));
		return;
	}
	apply_elements(w, f, s, key, config_setting_source_line(s), base, true);
}

static void report_missing(struct walk *w, const config_setting_t *group, const char *prefix,
			   const struct cfg_field *fields)
{
	for (const struct cfg_field *f = fields; f->name; f++) {
		if (!f->required || config_setting_get_member(group, f->name) ||
		    (f->single && config_setting_get_member(group, f->single)))
			continue;
		int line = config_setting_source_line(group);
		cfg_report_add(w->rep, "%s:%d: %s%s%s: missing; %s", w->file, line > 0 ? line : 1, prefix,
			       *prefix ? "." : "", f->single ? f->single : f->name,
			       f->help ? f->help : "this setting is required");
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
		full_key(key, prefix, name ? name : "?");
		bool single = false;
		const struct cfg_field *f = name ? find_field(fields, name, &single) : NULL;
		if (!f) {
			report_unknown(w->rep, w->file, config_setting_source_line(s), key, name ? name : "?",
				       fields);
			continue;
		}
		apply_named(w, group, f, s, key, single, base);
	}
	report_missing(w, group, prefix, fields);
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

/* The setting at `path` below `group` ("a.b[2].c"); `*found` is the deepest one that exists. */
static const config_setting_t *resolve(const config_setting_t *group, const char *path,
				       const config_setting_t **found)
{
	const config_setting_t *s = group;
	*found = group;
	while (path && *path) {
		char name[64];
		size_t len = strcspn(path, ".[");
		if (len == 0 || len >= sizeof(name) || config_setting_type(s) != CONFIG_TYPE_GROUP)
			return NULL;
		memcpy(name, path, len);
		name[len] = '\0';
		s = config_setting_get_member(s, name);
		if (!s)
			return NULL;
		*found = s;
		path += len;
		while (*path == '[') {
			char *end;
			long i = strtol(path + 1, &end, 10);
			if (*end != ']' || i < 0 || !config_setting_is_aggregate(s))
				return NULL;
			s = config_setting_get_elem(s, (unsigned)i);
			if (!s)
				return NULL;
			*found = s;
			path = end + 1;
		}
		if (*path == '.')
			path++;
	}
	return s;
}

void cfg_ctx_fail(const struct cfg_ctx *ctx, const char *key, const char *fmt, ...)
{
	const config_setting_t *found;
	resolve(ctx->group, key, &found);
	int line = config_setting_source_line(found);
	char full[CFG_KEY_MAX], msg[256];
	if (key && *ctx->prefix)
		full_key(full, ctx->prefix, key);
	else
		snprintf(full, sizeof(full), "%s", key ? key : ctx->prefix);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cfg_report_add(ctx->w->rep, "%s:%d: %s: %s", ctx->w->file, line > 0 ? line : 1, full, msg);
}

int cfg_validate(const config_setting_t *group, const char *file, cfg_validate_fn fn, void *obj,
		 struct cfg_report *rep)
{
	struct walk w = {file, rep};
	struct cfg_ctx ctx = {&w, group, ""};
	int before = rep->count;
	fn(&ctx, obj);
	return rep->count == before ? 0 : -EINVAL;
}

int cfg_ctx_problems(const struct cfg_ctx *ctx)
{
	return ctx->w->rep->count;
}

bool cfg_ctx_has(const struct cfg_ctx *ctx, const char *key)
{
	const config_setting_t *found;
	return resolve(ctx->group, key, &found) != NULL;
}
