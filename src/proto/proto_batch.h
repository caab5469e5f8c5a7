/* The payload of a READINGS message (docs/protocol.md, "The readings payload"): samples at a
 * fixed interval as deltas against the previous value, zigzag-mapped, in a Rice code whose
 * parameter k each channel chooses per message, with an escape for outliers and for runs of
 * missing samples; MSB-first bits, 19 to every three digits of base 81. Pure; proto.c wraps it
 * in the frame, the tests and the benchmark use it directly. */
#ifndef M2_PROTO_BATCH_H
#define M2_PROTO_BATCH_H

#include "proto.h"

#include <stddef.h>
#include <stdint.h>

#define PROTO_BATCH_K_MAX        7          /* the Rice parameter takes 3 bits */
#define PROTO_BATCH_ESCAPE       8          /* a quotient of this many ones is the escape */
#define PROTO_BATCH_INTERVAL_MAX 1048576u   /* seconds (about 12 days) */
#define PROTO_BATCH_OFFSET_MAX   2147483647 /* |time - last sample| in seconds */
#define PROTO_BATCH_RADIX        81         /* digits of the payload */
#define PROTO_BATCH_GROUP_BITS   19         /* bits in three digits */

/* The shape of one payload: how many samples, each channel's k, and the size in bits. */
struct proto_batch_plan {
	size_t n;
	unsigned k[PROTO_CHANNELS_MAX];
	size_t bits;
};

/* Checks a series: 1..8 channels, an interval of 1..PROTO_BATCH_INTERVAL_MAX s, a first
 * time >= 0, and every value either in PROTO_TEMP_MIN_C10..MAX or PROTO_MISSING. Channel
 * names are the frame's business. Returns 0 or -EINVAL. */
int proto_batch_check(const struct proto_series *s);

/* Plans samples [from, from + n) of a checked series for a message stamped `time_s`, with
 * the cheapest k of each channel. Returns 0, or -EINVAL when the range is empty, beyond the
 * series, more than PROTO_READINGS_MAX samples in all, or its last sample lies more than
 * PROTO_BATCH_OFFSET_MAX seconds from `time_s`. */
int proto_batch_plan(const struct proto_series *s, size_t from, size_t n, int64_t time_s,
		     struct proto_batch_plan *plan);

/* Plans the most samples from `from` whose payload takes at most `room_chars` characters,
 * adding one sample at a time until the next would not fit; at least one, even when that
 * one does not fit. Same errors as proto_batch_plan() for n = 1. */
int proto_batch_fit(const struct proto_series *s, size_t from, int64_t time_s, size_t room_chars,
		    struct proto_batch_plan *plan);

/* Characters of a payload of `bits` bits: three per 19 bits, and for the rest one (up to 6
 * bits), two (up to 12) or three. */
size_t proto_batch_chars(size_t bits);

/* Writes the payload `plan` describes into `out` (NUL-terminated). Returns its length, or
 * -ENOSPC when `size` is too small. */
int proto_batch_pack(const struct proto_series *s, size_t from, const struct proto_batch_plan *plan,
		     int64_t time_s, char *out, size_t size);

/* Decodes `len` payload characters of a message stamped `time_s` into `r`, whose n_channels
 * the caller has set: count, interval, first time and samples. Every bit is accounted for:
 * the padding is zero and no digit is there for padding alone. Returns 0, or -EBADMSG with
 * `*at_char` the offset in the payload where it went wrong (a character that is no digit, a
 * group of digits worth more than its bits, a code running
 * past the end, a value outside PROTO_TEMP_MIN_C10..MAX, a run longer than the samples, a
 * count over PROTO_READINGS_MAX, a bad interval or time, bits left over). */
int proto_batch_unpack(const char *payload, size_t len, int64_t time_s, struct proto_readings *r,
		       size_t *at_char);

#endif
