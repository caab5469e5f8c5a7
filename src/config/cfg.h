/* Schema-driven configuration loading over libconfig.
 *
 * libconfig parses the syntax but knows no schema; this module walks every setting of a
 * file against a const table of fields, rejects what it does not know (so a typo is an
 * error, never silently ignored), checks types and ranges, applies defaults and fills a
 * caller-owned struct. Every problem is reported as "FILE:LINE: KEY: what is wrong". */
#ifndef M2_CFG_H
#define M2_CFG_H

#include <libconfig.h>
#include <stdbool.h>
#include <stddef.h>

enum cfg_kind {
	CFG_INT,    /* stored as int, range [min, max] */
	CFG_DOUBLE, /* stored as double, range [dmin, dmax]; an integer literal is accepted */
	CFG_BOOL,   /* stored as bool */
	CFG_STRING, /* stored in char[size], length [min, max]; `check` may refine */
	CFG_ENUM,   /* a string from `names`, stored as int (its index) */
	CFG_GROUP,  /* a nested group of `fields`, stored in place */
	CFG_LIST,   /* a list of groups of `fields`; elements of `size` bytes stored at offset,
		       their number (int) at `count_offset`; at most `max` elements */
};

/* A string refinement: returns NULL when `value` is fine, else a short reason. */
typedef const char *(*cfg_check_fn)(const char *value);

struct cfg_field {
	const char *name; /* NULL ends a field table */
	enum cfg_kind kind;
	bool required;
	size_t offset;
	size_t size;
	long long min, max;
	double dmin, dmax;
	const char *const *names; /* CFG_ENUM: NULL-terminated */
	const struct cfg_field *fields;
	size_t count_offset;
	long long def;      /* default of CFG_INT, CFG_BOOL, CFG_ENUM when absent */
	double ddef;        /* default of CFG_DOUBLE */
	const char *sdef;   /* default of CFG_STRING ("" when NULL) */
	cfg_check_fn check; /* CFG_STRING only, optional */
	const char *help;   /* one line: what the setting means, with its unit */
};

#define CFG_MAX_ERRORS 16

struct cfg_report {
	int count; /* problems found; only the first CFG_MAX_ERRORS are kept */
	char msg[CFG_MAX_ERRORS][256];
};

/* Parses `path` into `cfg` (which the caller has config_init()ed). A syntax error or an
 * unreadable file is added to `rep`. Returns 0, -EINVAL (syntax) or -ENOENT/-EIO. */
int cfg_parse_file(config_t *cfg, const char *path, struct cfg_report *rep);

/* Like cfg_parse_file for text held in memory; `name` stands for the file in messages. */
int cfg_parse_string(config_t *cfg, const char *text, const char *name, struct cfg_report *rep);

/* Checks `group` (usually config_root_setting()) against `fields` and fills `out`: every
 * problem is added to `rep` with file, line and full key. Returns 0 when there was none,
 * -EINVAL otherwise (then `out` is partly filled and must not be used). */
int cfg_apply(const config_setting_t *group, const char *file, const struct cfg_field *fields, void *out,
	      struct cfg_report *rep);

/* Fills `out` with the defaults of `fields` (as if every optional setting were absent). */
void cfg_defaults(const struct cfg_field *fields, void *out);

/* Adds one formatted problem to `rep`. */
void cfg_report_add(struct cfg_report *rep, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Common refinements. */
const char *cfg_check_phone(const char *value);  /* "+" and 3..20 digits, or 3..20 digits */
const char *cfg_check_digits(const char *value); /* digits only (PINs) */
const char *cfg_check_ident(const char *value);  /* letters, digits, '-', '_' */

#endif
