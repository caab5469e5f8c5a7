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
#include <stdint.h>

enum cfg_kind {
	CFG_INT,      /* an integer of `size` bytes (1, 2, 4 or 8; 0 means int), range [min, max] */
	CFG_DOUBLE,   /* stored as double, range [dmin, dmax]; an integer literal is accepted */
	CFG_BOOL,     /* stored as bool */
	CFG_STRING,   /* stored in char[size], length [min, max]; `check` may refine */
	CFG_ENUM,     /* a string from `names`, stored as int (its index) */
	CFG_GROUP,    /* a nested group of `fields`, stored in place */
	CFG_LIST,     /* a list of groups of `fields`; elements of `size` bytes stored at offset,
			 their number at `count_offset` (`count_size` bytes: int or size_t);
			 min..max elements */
	CFG_DURATION, /* a string of whole numbers with units: "30s", "5m", "1h", "2d", "1h30m";
			 seconds in an unsigned integer of `size` bytes (4 or 8), range [min, max] */
	CFG_TEMP,     /* degrees C as a number (8, 8.0, -18.5), stored as int32_t tenths rounded
			 half away from zero; range [min, max] in tenths */
	CFG_ARRAY,    /* an array [ ... ] of scalars, each as described by `fields[0]` (whose
			 offset is ignored), `size` bytes apart from `offset`, their number at
			 `count_offset` as for CFG_LIST; min..max elements. A lone scalar is taken
			 as an array of one. */
	CFG_CUSTOM,   /* a string turned by `parse` into the `size` bytes at offset; with
			 `ints` an integer is accepted too, handed to `parse` as its decimal text */
};

const char *cfg_kind_str(enum cfg_kind kind);

/* A string refinement: returns NULL when `value` is fine, else a short reason. */
typedef const char *(*cfg_check_fn)(const char *value);

/* A string conversion for CFG_CUSTOM: fills `out` from `value`; returns NULL, or a short
 * reason why `value` is not valid (then `out` is not used). */
typedef const char *(*cfg_parse_fn)(const char *value, void *out);

/* Where a cross-field check reports: the group being checked, in its file. */
struct cfg_ctx;

/* A cross-field check of one group (CFG_GROUP, or each element of a CFG_LIST), run after its
 * settings were read, and only when none of them had a problem. `obj` is the group's struct:
 * the check may fill fields derived from others. Problems go to cfg_ctx_fail. */
typedef void (*cfg_validate_fn)(const struct cfg_ctx *ctx, void *obj);

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
	long long def;            /* default of CFG_INT, CFG_BOOL, CFG_ENUM when absent */
	double ddef;              /* default of CFG_DOUBLE */
	const char *sdef;         /* default of CFG_STRING ("" when NULL), CFG_DURATION ("0s" when NULL)
				     and CFG_CUSTOM (parsed; all zero bytes when NULL) */
	cfg_check_fn check;       /* CFG_STRING only, optional */
	cfg_parse_fn parse;       /* CFG_CUSTOM */
	cfg_validate_fn validate; /* CFG_GROUP and CFG_LIST, optional */
	size_t count_size;        /* CFG_LIST, CFG_ARRAY: sizeof the count (0 means int) */
	const char *single;       /* CFG_LIST, CFG_ARRAY: another key that holds one element (a
				     group, a scalar), e.g. "modem" beside "modems"; one of the two */
	bool secret;              /* a PIN or key: its value is never repeated in a message */
	bool ints;                /* CFG_CUSTOM: an integer is accepted as well as a string */
	const char *help;         /* one line: what the setting means, with its unit */
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

/* Checks every integer the `n` characters of `text` spell (strings and comments skipped)
 * against what libconfig can read: a whole number beyond 32 bits without the L suffix, or
 * beyond 64 bits, is added to `rep` with `name`, its line and the setting's name, since
 * libconfig would read another value silently. Returns 0 or -EINVAL. Called by both parses. */
int cfg_check_numbers(const char *text, size_t n, const char *name, struct cfg_report *rep);

/* Checks `group` (usually config_root_setting()) against `fields` and fills `out`: every
 * problem is added to `rep` with file, line and full key. Returns 0 when there was none,
 * -EINVAL otherwise (then `out` is partly filled and must not be used). */
int cfg_apply(const config_setting_t *group, const char *file, const struct cfg_field *fields, void *out,
	      struct cfg_report *rep);

/* Runs `fn` on `obj` as the cross-field check of `group` (keys are reported from the top, as
 * cfg_apply's are), for checks across top-level groups. Returns 0 when it reported nothing,
 * else -EINVAL. */
int cfg_validate(const config_setting_t *group, const char *file, cfg_validate_fn fn, void *obj,
		 struct cfg_report *rep);

/* Fills `out` with the defaults of `fields` (as if every optional setting were absent). */
void cfg_defaults(const struct cfg_field *fields, void *out);

/* Adds a problem at `key` (a path below the checked group, such as "high", "rate.delta" or
 * "channels[2].name"; NULL for the group itself) as "FILE:LINE: FULLKEY: ...", with the line
 * of that setting, or of the nearest enclosing one that the file has. */
void cfg_ctx_fail(const struct cfg_ctx *ctx, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Problems reported in this file so far (to skip a catch-all check after precise ones). */
int cfg_ctx_problems(const struct cfg_ctx *ctx);

/* True when the file sets `key` (a path as for cfg_ctx_fail) in the checked group. */
bool cfg_ctx_has(const struct cfg_ctx *ctx, const char *key);

/* Parses a duration as CFG_DURATION does ("90s", "1h30m"). Returns 0, -EINVAL (not a
 * duration) or -ERANGE (more than UINT64_MAX seconds). */
int cfg_duration_parse(const char *text, uint64_t *out_s);

/* Writes `s` seconds as the shortest duration text ("90s" is "1m30s", 86400 is "1d"). */
void cfg_duration_format(uint64_t s, char *out, size_t size);

/* Adds one formatted problem to `rep`. */
void cfg_report_add(struct cfg_report *rep, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Common refinements. */
const char *cfg_check_phone(const char *value);  /* "+" and 3..20 digits, or 3..20 digits */
const char *cfg_check_digits(const char *value); /* digits only (PINs) */
const char *cfg_check_ident(const char *value);  /* letters, digits, '-', '_' */
const char *cfg_check_word(const char *value);   /* letters, digits, '_' (channel names) */

/* A 32-byte key written as 64 hex digits (`m2mon keygen`) into uint8_t[32]; all zeros is
 * refused (a placeholder, not a secret). A CFG_CUSTOM parse. */
const char *cfg_parse_key32(const char *value, void *out);

#endif
