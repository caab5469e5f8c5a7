/* Between the frame (proto_frame.c) and the bodies of the kinds (proto_body.c, proto_fields.c,
 * proto_sentence.c): a bounded text builder, the field readers the head shares, and the
 * per-kind writers and readers. Internal to m2proto. */
#ifndef M2_PROTO_BODY_H
#define M2_PROTO_BODY_H

#include "proto.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROTO_TIME_MAX_S 9999999999LL
#define PROTO_AGO_MAX_S  2147483647LL /* |time - since|, about 68 years */

/* Text being built; `over` once something did not fit. */
struct proto_sb {
	char buf[PROTO_TEXT_LIMIT + 1];
	size_t len;
	bool over;
};

void proto_sb_add(struct proto_sb *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* 0 when the `len` characters at `s` are a unit id (1..16 of [A-Za-z0-9_-]), else -EINVAL. */
int proto_body_unit(const char *s, size_t len);
/* 0 for a channel name (1..8 of [A-Za-z0-9_]), else -EINVAL. */
int proto_body_channel(const char *s, size_t len);
/* Canonical decimal (no sign, no leading zero) of at most `max`: 0 or -EINVAL. */
int proto_body_u64(const char *s, size_t len, uint64_t max, uint64_t *v);
/* Canonical signed decimal ("-" then digits, never "-0") within [-max, max]: 0 or -EINVAL. */
int proto_body_i64(const char *s, size_t len, int64_t max, int64_t *v);

/* Seconds of a millisecond time, rounded down. */
int64_t proto_floor_s(int64_t ms);

/* The head's fields: a unit id, seq >= 1, 0 <= time <= PROTO_TIME_MAX_S seconds, a kind. */
int proto_head_check(const struct proto_head *h, const char **why);

/* The sentence and its separating space, for the kinds a person reads; nothing for others. */
void proto_sentence_write(const struct proto_msg *m, int utc_offset_min, struct proto_sb *sb);

/* " field field ..." after the time. Returns 0, -EINVAL or -EMSGSIZE. */
int proto_body_write(const struct proto_msg *m, struct proto_sb *sb);

/* The READINGS body of samples [from, from + n) of `s`, or as many as fit one SMS when
 * n is 0 (`*taken` says how many). Returns 0, -EINVAL or -EMSGSIZE. */
int proto_body_write_series(const struct proto_series *s, size_t from, size_t n, int64_t time_s,
			    struct proto_sb *sb, size_t *taken);

/* Parses the body text[at, end) of a verified message whose head is in m->head. */
int proto_body_read(struct proto_msg *m, const char *text, size_t at, size_t end, struct proto_error *err);

#endif
