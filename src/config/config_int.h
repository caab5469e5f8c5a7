/* Inside m2config: the macros that write schema tables as data, and the tables and checks
 * that more than one file's schema uses. Not for use outside src/config/. */
#ifndef M2_CONFIG_INT_H
#define M2_CONFIG_INT_H

#include "config.h"

#include <stddef.h>

#define MEMBER_SIZE(st, m)   sizeof(((st *)0)->m)
#define FIELD(st, m, k)      .name = #m, .kind = k, .offset = offsetof(st, m)
#define FIELDN(nm, st, m, k) .name = nm, .kind = k, .offset = offsetof(st, m)

#define INT(st, m, req, lo, hi, d, h)                                                                        \
	{                                                                                                    \
		FIELD(st, m, CFG_INT), .required = req, .size = MEMBER_SIZE(st, m), .min = lo, .max = hi,    \
				       .def = d, .help = h                                                   \
	}
#define INTN(nm, st, m, req, lo, hi, d, h)                                                                   \
	{                                                                                                    \
		FIELDN(nm, st, m, CFG_INT), .required = req, .size = MEMBER_SIZE(st, m), .min = lo,          \
					    .max = hi, .def = d, .help = h                                   \
	}
#define DBL(st, m, lo, hi, d, h)                                                                             \
	{                                                                                                    \
		FIELD(st, m, CFG_DOUBLE), .dmin = lo, .dmax = hi, .ddef = d, .help = h                       \
	}
#define BOOL(st, m, d, h)                                                                                    \
	{                                                                                                    \
		FIELD(st, m, CFG_BOOL), .def = d, .help = h                                                  \
	}
#define BOOLN(nm, st, m, d, h)                                                                               \
	{                                                                                                    \
		FIELDN(nm, st, m, CFG_BOOL), .def = d, .help = h                                             \
	}
#define STR(st, m, req, lo, chk, d, h)                                                                       \
	{                                                                                                    \
		FIELD(st, m, CFG_STRING), .required = req, .size = MEMBER_SIZE(st, m), .min = lo,            \
					  .max = MEMBER_SIZE(st, m) - 1, .check = chk, .sdef = d, .help = h  \
	}
/* A secret string (PIN): its value never appears in a message. */
#define SECRET(st, m, req, lo, chk, h)                                                                       \
	{                                                                                                    \
		FIELD(st, m, CFG_STRING), .required = req, .size = MEMBER_SIZE(st, m), .min = lo,            \
					  .max = MEMBER_SIZE(st, m) - 1, .check = chk, .secret = true,       \
					  .help = h                                                          \
	}
#define ENUM(st, m, nm, d, h)                                                                                \
	{                                                                                                    \
		FIELD(st, m, CFG_ENUM), .names = nm, .def = d, .help = h                                     \
	}
#define ENUMR(st, m, nm, h)                                                                                  \
	{                                                                                                    \
		FIELD(st, m, CFG_ENUM), .required = true, .names = nm, .help = h                             \
	}
/* Seconds from a duration string; `d` the default as text ("30m"). */
#define DUR(nm, st, m, req, lo, hi, d, h)                                                                    \
	{                                                                                                    \
		FIELDN(nm, st, m, CFG_DURATION), .required = req, .size = MEMBER_SIZE(st, m), .min = lo,     \
						 .max = hi, .sdef = d, .help = h                             \
	}
/* Tenths from degrees C; `lo`, `hi`, `d` in tenths. */
#define TEMP(nm, st, m, req, lo, hi, d, h)                                                                   \
	{                                                                                                    \
		FIELDN(nm, st, m, CFG_TEMP), .required = req, .min = lo, .max = hi, .def = d, .help = h      \
	}
#define CUSTOM(nm, st, m, req, fn, d, sec, h)                                                                \
	{                                                                                                    \
		FIELDN(nm, st, m, CFG_CUSTOM), .required = req, .size = MEMBER_SIZE(st, m), .parse = fn,     \
					       .sdef = d, .secret = sec, .help = h                           \
	}
/* A CUSTOM that takes an integer too (handed to `fn` as its decimal text). */
#define CUSTOMI(nm, st, m, req, fn, d, h)                                                                    \
	{                                                                                                    \
		FIELDN(nm, st, m, CFG_CUSTOM), .required = req, .size = MEMBER_SIZE(st, m), .parse = fn,     \
					       .sdef = d, .ints = true, .help = h                            \
	}
#define GROUP(nm, st, m, req, f, h)                                                                          \
	{                                                                                                    \
		.name = nm, .kind = CFG_GROUP, .offset = offsetof(st, m), .required = req, .fields = f,      \
		.help = h                                                                                    \
	}
#define GROUPV(nm, st, m, req, f, v, h)                                                                      \
	{                                                                                                    \
		.name = nm, .kind = CFG_GROUP, .offset = offsetof(st, m), .required = req, .fields = f,      \
		.validate = v, .help = h                                                                     \
	}
/* A list of groups; `one`: the key that holds a single group instead (NULL: none). */
#define LISTV(nm, one, st, m, cnt, lo, f, v, h)                                                              \
	{                                                                                                    \
		FIELDN(nm, st, m, CFG_LIST),                                                                 \
			.single = one, .required = (lo) > 0, .size = MEMBER_SIZE(st, m[0]),                  \
			.count_offset = offsetof(st, cnt), .count_size = MEMBER_SIZE(st, cnt), .min = lo,    \
			.max = MEMBER_SIZE(st, m) / MEMBER_SIZE(st, m[0]), .fields = f, .validate = v,       \
			.help = h                                                                            \
	}
#define LIST(st, m, cnt, lo, f, h) LISTV(#m, NULL, st, m, cnt, lo, f, NULL, h)
/* An array of scalars described by the one-field table `e`. */
#define ARRAY(nm, one, st, m, cnt, lo, e, h)                                                                 \
	{                                                                                                    \
		FIELDN(nm, st, m, CFG_ARRAY),                                                                \
			.single = one, .required = (lo) > 0, .size = MEMBER_SIZE(st, m[0]),                  \
			.count_offset = offsetof(st, cnt), .count_size = MEMBER_SIZE(st, cnt), .min = lo,    \
			.max = MEMBER_SIZE(st, m) / MEMBER_SIZE(st, m[0]), .fields = e, .help = h            \
	}
#define END                                                                                                  \
	{                                                                                                    \
		0                                                                                            \
	}

extern const struct cfg_field m2_config_log_fields[];
extern const struct cfg_field m2_config_modem_fields[];

/* The schemas of the top-level groups of a unit's and a base's file (config_unit.c,
 * config_base.c), and their cross-group checks, run on the whole struct m2_config. */
extern const struct cfg_field m2_config_unit_schema[];
extern const struct cfg_field m2_config_base_schema[];
void m2_config_base_check(const struct cfg_ctx *ctx, void *conf);

/* An absolute path: starts with '/'. */
const char *m2_config_check_abspath(const char *value);

#endif
