/* Readings batches: every trace (chiller, freezer, reefer, a noisy worst case) and every
 * channel count comes back bit for bit after being split into whole one-SMS messages; the
 * bits are laid out as docs/protocol.md says; a chiller's day goes in one SMS; a damaged
 * payload is refused however it is damaged. */
#include "proto.h"
#include "proto_batch.h"
#include "proto_fixture.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define T0_S 1764028800LL /* 2025-11-25 00:00:00 UTC */

static int setup(void **state)
{
	(void)state;
	return proto_init();
}

/* What the base gets: the messages of one series, opened and put back together. */
struct received {
	size_t messages, samples, longest;
	int32_t *v[PROTO_CHANNELS_MAX];
};

/* Sends `s` as READINGS messages stamped `time_s` and checks that they give it back whole. */
static void send_and_check(const struct proto_series *s, int64_t time_s, struct received *got)
{
	static struct proto_msg m;
	struct proto_head h = {
		.kind = PROTO_KIND_READINGS, .unit = "WH1", .seq = 100, .time_ms = time_s * 1000};
	char text[PROTO_TEXT_MAX];
	memset(got, 0, sizeof(*got));
	for (size_t c = 0; c < s->n_channels; c++)
		got->v[c] = calloc(s->count, sizeof(int32_t));
	for (size_t from = 0; from < s->count; h.seq++) {
		size_t taken = 0;
		int n = proto_encode_readings(&h, s, from, fixture_key, text, sizeof(text), &taken);
		if (n < 0)
			fail_msg("encode from %zu: %d", from, n);
		struct proto_error err;
		if (proto_open(text, (size_t)n, fixture_key, PROTO_DIR_UNIT_TO_BASE, &m, &err) != 0)
			fail_msg("open \"%s\": %s at %zu", text, proto_reject_str(err.reason), err.at);
		const struct proto_readings *r = &m.u.readings;
		assert_int_equal(r->count, taken);
		assert_int_equal(r->n_channels, s->n_channels);
		assert_int_equal(r->interval_s, s->interval_s);
		assert_int_equal(r->first_ms, s->first_ms + (int64_t)from * s->interval_s * 1000);
		for (size_t c = 0; c < s->n_channels; c++) {
			assert_string_equal(r->channel[c], s->channel[c]);
			for (size_t i = 0; i < taken; i++)
				got->v[c][from + i] = proto_readings_at(r, c, i);
		}
		got->longest = (size_t)n > got->longest ? (size_t)n : got->longest;
		got->messages++;
		got->samples += taken;
		from += taken;
	}
	assert_int_equal(got->samples, s->count);
	for (size_t c = 0; c < s->n_channels; c++)
		assert_memory_equal(got->v[c], s->temp_c10[c], s->count * sizeof(int32_t));
}

static void received_free(struct received *got)
{
	for (size_t c = 0; c < PROTO_CHANNELS_MAX; c++)
		free(got->v[c]);
}

#define WEEK 1008 /* 10-minute samples */

static void every_trace_comes_back_whole_in_one_sms_pieces(void **state)
{
	(void)state;
	static const char *const names[PROTO_CHANNELS_MAX] = {"T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8"};
	static int32_t v[PROTO_CHANNELS_MAX][WEEK];
	static const size_t widths[] = {1, 2, 4, 8};
	for (int t = 0; t < FIXTURE_TRACES; t++) {
		for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]); w++) {
			struct proto_series s = {.n_channels = widths[w],
						 .count = WEEK,
						 .first_ms = T0_S * 1000,
						 .interval_s = 600};
			for (size_t c = 0; c < s.n_channels; c++) {
				fixture_trace((enum fixture_trace)t, 1 + c, T0_S, 600, v[c], WEEK);
				s.channel[c] = names[c];
				s.temp_c10[c] = v[c];
			}
			struct received got;
			/* Sent as a backlog a minute after the last sample: every piece but the
			 * last carries samples from days before the message's time. */
			send_and_check(&s, T0_S + (WEEK - 1) * 600 + 60, &got);
			assert_true(got.longest <= PROTO_SMS_CHARS);
			received_free(&got);
		}
	}
}

static void a_chillers_day_fits_one_sms(void **state)
{
	(void)state;
	int32_t v[200];
	char text[PROTO_TEXT_MAX];
	for (uint64_t seed = 1; seed <= 10; seed++) {
		for (int day = 0; day < 7; day++) {
			int64_t t0 = T0_S + day * 86400LL;
			fixture_trace(FIXTURE_CHILLER, seed, t0, 600, v, 200);
			struct proto_series s = {.n_channels = 1,
						 .channel = {"T1"},
						 .temp_c10 = {v},
						 .count = 200,
						 .first_ms = t0 * 1000,
						 .interval_s = 600};
			/* A unit a year in: a six-digit seq, the report made just after the sample. */
			struct proto_head h = {.kind = PROTO_KIND_READINGS,
					       .unit = "WH1",
					       .seq = 104000,
					       .time_ms = (t0 + 143 * 600 + 5) * 1000};
			size_t taken;
			int n = proto_encode_readings(&h, &s, 0, fixture_key, text, sizeof(text), &taken);
			assert_true(n > 0 && n <= PROTO_SMS_CHARS);
			if (taken < 144)
				fail_msg("seed %llu day %d: %zu readings in one SMS",
					 (unsigned long long)seed, day, taken);
		}
	}
}

static void missing_samples_and_extremes_survive(void **state)
{
	(void)state;
	enum { N = 300 };
	static int32_t v[4][N];
	for (int i = 0; i < N; i++) {
		v[0][i] =
			i < 5 || (i > 100 && i < 160) || i == 200 || i >= N - 3 ? PROTO_MISSING : 40 + i % 7;
		v[1][i] = PROTO_MISSING;
		v[2][i] = i % 2 ? PROTO_TEMP_MIN_C10 : PROTO_TEMP_MAX_C10;
		v[3][i] = i % 3 == 0 ? PROTO_MISSING : (i * 7919) % 2001 - 1000;
	}
	for (size_t c = 0; c < 4; c++) {
		struct proto_series s = {.n_channels = 1,
					 .channel = {"T1"},
					 .temp_c10 = {v[c]},
					 .count = N,
					 .first_ms = T0_S * 1000,
					 .interval_s = 60};
		struct received got;
		send_and_check(&s, T0_S + N * 60, &got);
		received_free(&got);
	}
	/* All four side by side, at intervals that are not whole minutes. */
	static const uint32_t intervals[] = {1, 45, 61, 3600, PROTO_BATCH_INTERVAL_MAX};
	for (size_t i = 0; i < sizeof(intervals) / sizeof(intervals[0]); i++) {
		struct proto_series s = {.n_channels = 4,
					 .channel = {"a", "b", "c", "d"},
					 .temp_c10 = {v[0], v[1], v[2], v[3]},
					 .count = N,
					 .first_ms = 1000,
					 .interval_s = intervals[i]};
		struct received got;
		send_and_check(&s, 1, &got); /* a message stamped before its samples: clock set back */
		received_free(&got);
	}
}

static void a_long_fault_fills_messages_to_their_cap(void **state)
{
	(void)state;
	enum { N = 5000 };
	static int32_t v[N];
	for (int i = 0; i < N; i++)
		v[i] = PROTO_MISSING;
	struct proto_series s = {.n_channels = 1,
				 .channel = {"T1"},
				 .temp_c10 = {v},
				 .count = N,
				 .first_ms = T0_S * 1000,
				 .interval_s = 60};
	struct received got;
	send_and_check(&s, T0_S + N * 60, &got);
	assert_int_equal(got.messages, (N + PROTO_READINGS_MAX - 1) / PROTO_READINGS_MAX);
	received_free(&got);
}

static void a_series_the_codec_cannot_carry_is_refused(void **state)
{
	(void)state;
	int32_t v[4] = {1, 2, 3, 4};
	char text[PROTO_TEXT_MAX];
	size_t taken = 99;
	struct proto_head h = {.kind = PROTO_KIND_READINGS, .unit = "WH1", .seq = 1, .time_ms = T0_S * 1000};
	struct proto_series s = {.n_channels = 1,
				 .channel = {"T1"},
				 .temp_c10 = {v},
				 .count = 4,
				 .first_ms = T0_S * 1000,
				 .interval_s = 60};
	assert_int_equal(proto_encode_readings(&h, &s, 4, fixture_key, text, sizeof(text), &taken), -EINVAL);
	v[2] = 40000;
	assert_int_equal(proto_encode_readings(&h, &s, 0, fixture_key, text, sizeof(text), &taken), -EINVAL);
	v[2] = 3;
	s.interval_s = 0;
	assert_int_equal(proto_encode_readings(&h, &s, 0, fixture_key, text, sizeof(text), &taken), -EINVAL);
	s.interval_s = 60;
	s.channel[0] = "T 1";
	assert_int_equal(proto_encode_readings(&h, &s, 0, fixture_key, text, sizeof(text), &taken), -EINVAL);
	s.channel[0] = "T1";
	h.time_ms += 2147484000000LL; /* the last sample more than 68 years before the message */
	assert_int_equal(proto_encode_readings(&h, &s, 0, fixture_key, text, sizeof(text), &taken), -EINVAL);
	h.time_ms = T0_S * 1000;
	h.kind = PROTO_KIND_ALARM;
	assert_int_equal(proto_encode_readings(&h, &s, 0, fixture_key, text, sizeof(text), &taken), -EINVAL);
	h.kind = PROTO_KIND_READINGS;
	assert_int_equal(proto_encode_readings(&h, &s, 0, fixture_key, text, 30, &taken), -ENOSPC);
	assert_true(proto_encode_readings(&h, &s, 0, fixture_key, text, sizeof(text), &taken) > 0);
	assert_int_equal(taken, 4);
}

/* A bit string written the way docs/protocol.md says, independently of the library: groups
 * of 19 bits as three base-81 digits, the rest as one (up to 6 bits) or two (up to 12).
 * Spaces in `spaced` only separate the fields for the reader. */
static void digits_of(const char *spaced, char *out)
{
	static const char d81[] =
		"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#%&()*+,-./:;<=>?_";
	char bits[512];
	size_t n = 0, len = 0;
	for (const char *p = spaced; *p && n + 1 < sizeof(bits); p++) {
		if (*p != ' ')
			bits[n++] = *p;
	}
	for (size_t at = 0; at < n; at += 19) {
		size_t left = n - at, take = left >= 19 ? 19 : left;
		unsigned width = take > 12 ? 19 : take > 6 ? 12 : 6, digits = width == 19 ? 3 : width / 6;
		uint32_t v = 0;
		for (size_t i = 0; i < width; i++)
			v = (v << 1) | (i < take && bits[at + i] == '1');
		for (unsigned i = digits; i-- > 0;) {
			out[len + i] = d81[v % 81];
			v /= 81;
		}
		len += digits;
	}
	out[len] = '\0';
}

static void the_bits_are_laid_out_as_documented(void **state)
{
	(void)state;
	int32_t v[6] = {40, 41, 39, PROTO_MISSING, PROTO_MISSING, 45};
	struct proto_series s = {.n_channels = 1,
				 .channel = {"T1"},
				 .temp_c10 = {v},
				 .count = 6,
				 .first_ms = (T0_S - 5 * 600) * 1000,
				 .interval_s = 600};
	/* interval 10 min | count 6 | offset 0 | k=2 | base 40 | 40 41 39 | 2 missing | 45 */
	static const char bits[] = "1 0001010 00110 1 010 0000000000101000 000 010 011 11111111 1 010 111000";
	char want[64], got[64];
	digits_of(bits, want);
	struct proto_batch_plan plan;
	assert_int_equal(proto_batch_plan(&s, 0, 6, T0_S, &plan), 0);
	assert_int_equal(plan.bits, 60);
	assert_int_equal(plan.k[0], 2);
	assert_int_equal(proto_batch_pack(&s, 0, &plan, T0_S, got, sizeof(got)), (int)strlen(want));
	assert_string_equal(got, want);
	assert_int_equal(proto_batch_chars(plan.bits), strlen(want));
}

struct damaged {
	const char *bits;
	int64_t time_s;
	size_t channels;
	int want;
};

/* Each refused payload next to the one that differs from it by the damage. */
static const struct damaged damaged[] = {
	/* 60 s, two samples, offset 0, k=0, base 32767, two zero deltas; then a +1 leaves int16 */
	{"1 1 010 1 000 0111111111111111 0 0", T0_S, 1, 0},
	{"1 1 010 1 000 0111111111111111 0 110", T0_S, 1, -EBADMSG},
	/* a run of two missing samples in a batch of two, then of three */
	{"1 1 010 1 000 0000000000000000 11111111 1 010", T0_S, 1, 0},
	{"1 1 010 1 000 0000000000000000 11111111 1 011", T0_S, 1, -EBADMSG},
	/* ten minutes in their minute form, then in seconds: refused, one form only */
	{"1 0001010 1 1 000 0000000000000000 0", T0_S, 1, 0},
	{"0 000000000 1001011000 1 1 000 0000000000000000 0", T0_S, 1, -EBADMSG},
	/* 1024 samples (all missing) in one channel; in each of two; 1025 in one */
	{"1 1 0000000000 10000000000 1 000 0000000000000000 11111111 1 0000000000 10000000000", T0_S, 1, 0},
	{"1 1 0000000000 10000000000 1 000 0000000000000000 11111111 1 0000000000 10000000000 000 "
	 "0000000000000000 "
	 "11111111 1 0000000000 10000000000",
	 T0_S, 2, -EBADMSG},
	{"1 1 0000000000 10000000001 1 000 0000000000000000 11111111 1 0000000000 10000000001", T0_S, 1,
	 -EBADMSG},
	/* samples before 1970 */
	{"1 1 010 1 000 0000000000000000 0 0", 30, 1, -EBADMSG},
	/* a code of 33 leading zeros */
	{"1 000000000000000000000000000000000 1", T0_S, 1, -EBADMSG},
	/* padding that is not zero; a last digit that holds padding alone */
	{"1 1 010 1 000 0000000000000000 0 0 1", T0_S, 1, -EBADMSG},
	{"1 1 010 1 000 0000000000000000 0 0 0000000", T0_S, 1, -EBADMSG},
};

static void a_damaged_payload_is_refused(void **state)
{
	(void)state;
	static struct proto_readings r;
	char digits[512];
	size_t at = 99;
	for (size_t i = 0; i < sizeof(damaged) / sizeof(damaged[0]); i++) {
		digits_of(damaged[i].bits, digits);
		r.n_channels = damaged[i].channels;
		int rc = proto_batch_unpack(digits, strlen(digits), damaged[i].time_s, &r, &at);
		if (rc != damaged[i].want)
			fail_msg("\"%s\": %d, want %d", damaged[i].bits, rc, damaged[i].want);
	}
}

static void damaged_digits_are_refused(void **state)
{
	(void)state;
	static struct proto_readings r;
	size_t at = 99;
	char good[32], bad[40];
	digits_of("1 1 010 1 000 0000000000000000 0 0", good);
	r.n_channels = 1;
	assert_int_equal(proto_batch_unpack(good, strlen(good), T0_S, &r, &at), 0);
	assert_int_equal(r.count, 2);
	assert_int_equal(r.interval_s, 60);
	assert_int_equal(r.first_ms, (T0_S - 60) * 1000);
	snprintf(bad, sizeof(bad), "%s", good);
	bad[1] = '$'; /* not a digit */
	assert_int_equal(proto_batch_unpack(bad, strlen(bad), T0_S, &r, &at), -EBADMSG);
	assert_int_equal(at, 1);
	assert_int_equal(proto_batch_unpack("___", 3, T0_S, &r, &at), -EBADMSG); /* 531440 > 2^19 - 1 */
	snprintf(bad, sizeof(bad), "%s0", good);
	assert_int_equal(proto_batch_unpack(bad, strlen(bad), T0_S, &r, &at), -EBADMSG);
	assert_int_equal(proto_batch_unpack(good, strlen(good) - 1, T0_S, &r, &at), -EBADMSG);
	assert_int_equal(proto_batch_unpack("", 0, T0_S, &r, &at), -EBADMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_trace_comes_back_whole_in_one_sms_pieces),
		cmocka_unit_test(a_chillers_day_fits_one_sms),
		cmocka_unit_test(missing_samples_and_extremes_survive),
		cmocka_unit_test(a_long_fault_fills_messages_to_their_cap),
		cmocka_unit_test(a_series_the_codec_cannot_carry_is_refused),
		cmocka_unit_test(the_bits_are_laid_out_as_documented),
		cmocka_unit_test(a_damaged_payload_is_refused),
		cmocka_unit_test(damaged_digits_are_refused),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
