/* Readings per SMS: a week of 10-minute samples of 1, 2 and 4 channels of the chiller, the
 * freezer, the reefer and a noisy worst case (test/unit/proto_fixture.c), reported once a
 * day in messages of one SMS each: how many readings one SMS holds, the bits each sample
 * costs, how many SMS a day takes; then the CPU time to encode and to verify and parse one
 * message. Prints figures, never a verdict. Usage: bench_readings [seeds] (default 10). */
#include "proto.h"
#include "proto_batch.h"
#include "proto_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef M2_BUILD_TYPE
#define M2_BUILD_TYPE "unknown"
#endif
#ifndef M2_SANITIZE
#define M2_SANITIZE 0
#endif

#define T0_S       1764028800LL
#define WEEK       1008
#define INTERVAL_S 600

static double cpu_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct tally {
	size_t days, rows, rows_min, rows_max, messages;
	size_t sample_bits, samples; /* the sample codes alone */
};

/* The bits of the sample codes of samples [from, from + n): the plan less its header. */
static size_t code_bits(const struct proto_series *s, size_t from, size_t n, int64_t time_s)
{
	struct proto_batch_plan one, all;
	if (proto_batch_plan(s, from, n, time_s, &all) != 0 ||
	    proto_batch_plan(s, from, 1, time_s, &one) != 0)
		return 0;
	/* one.bits holds the header and one sample per channel (at least a bit each). */
	return all.bits - (one.bits - s->n_channels);
}

/* Day `day` of the week: how many rows one SMS holds when the unit reports at the day's end
 * (and more samples follow), and how many messages the day's 144 rows take. */
static void report_day(const struct proto_series *week, size_t day, struct tally *t)
{
	struct proto_head h = {.kind = PROTO_KIND_READINGS, .unit = "WH1", .seq = 104000};
	char text[PROTO_TEXT_MAX];
	size_t from = day * 144, taken = 0;
	h.time_ms = (week->first_ms / 1000 + (int64_t)(from + 143) * INTERVAL_S + 60) * 1000;
	if (proto_encode_readings(&h, week, from, fixture_key, text, sizeof(text), &taken) < 0) {
		fprintf(stderr, "bench_readings: encode failed\n");
		exit(1);
	}
	t->days++;
	t->rows += taken;
	t->rows_min = t->rows_min == 0 || taken < t->rows_min ? taken : t->rows_min;
	t->rows_max = taken > t->rows_max ? taken : t->rows_max;
	t->sample_bits += code_bits(week, from, taken, h.time_ms / 1000);
	t->samples += taken * week->n_channels;
	struct proto_series one_day = *week;
	one_day.count = from + 144;
	for (size_t at = from; at < one_day.count; h.seq++, t->messages++) {
		proto_encode_readings(&h, &one_day, at, fixture_key, text, sizeof(text), &taken);
		at += taken;
	}
}

static void row(enum fixture_trace trace, size_t channels, unsigned seeds)
{
	static int32_t v[PROTO_CHANNELS_MAX][WEEK];
	static const char *const names[PROTO_CHANNELS_MAX] = {"T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8"};
	struct tally t = {0};
	for (unsigned seed = 1; seed <= seeds; seed++) {
		struct proto_series s = {.n_channels = channels,
					 .count = WEEK,
					 .first_ms = T0_S * 1000,
					 .interval_s = INTERVAL_S};
		for (size_t c = 0; c < channels; c++) {
			fixture_trace(trace, seed * 16 + c, T0_S, INTERVAL_S, v[c], WEEK);
			s.channel[c] = names[c];
			s.temp_c10[c] = v[c];
		}
		for (size_t day = 0; day + 1 < WEEK / 144; day++)
			report_day(&s, day, &t);
	}
	double per_sms = (double)t.rows / (double)t.days;
	printf("%-8s %3zu %9.1f %5zu %5zu %10.1f %9.2f %9.2f %9.2f\n", fixture_trace_str(trace), channels,
	       per_sms, t.rows_min, t.rows_max, per_sms * (double)channels,
	       (double)t.sample_bits / (double)t.samples, 1120.0 / (per_sms * (double)channels),
	       (double)t.messages / (double)t.days);
}

static void cpu(const char *what, const struct proto_msg *m, int iterations)
{
	static struct proto_msg back;
	char text[PROTO_TEXT_MAX];
	int n = 0;
	double t0 = cpu_s();
	for (int i = 0; i < iterations; i++)
		n = proto_encode(m, fixture_key, 0, text, sizeof(text));
	double enc = (cpu_s() - t0) / iterations;
	unsigned ok = 0;
	t0 = cpu_s();
	for (int i = 0; i < iterations; i++)
		ok += proto_open(text, (size_t)n, fixture_key, proto_kind_dir(m->head.kind), &back, NULL) ==
		      0;
	double open = (cpu_s() - t0) / iterations;
	printf("%-28s %4d chars  encode %7.2f us  verify+parse %7.2f us  (%u/%d opened)\n", what, n,
	       enc * 1e6, open * 1e6, ok, iterations);
}

int main(int argc, char **argv)
{
	unsigned seeds = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 10;
	static struct proto_msg m;
	if (seeds == 0 || proto_init() != 0) {
		fprintf(stderr, "usage: bench_readings [seeds]\n");
		return 2;
	}
	printf("m2mon bench_readings: build %s%s, %u seeds x a week of %d-minute samples per row\n",
	       M2_BUILD_TYPE, M2_SANITIZE ? " with sanitizers (slow)" : "", seeds, INTERVAL_S / 60);
	printf("rows/SMS: samples of every channel one SMS holds in a day's report (mean, min, max);\n"
	       "readings: rows x channels; bits/smp: the sample codes alone; SMS b/rd: 1120 bits of the\n"
	       "SMS over the readings; SMS/day: messages a day of 144 rows takes\n\n");
	printf("%-8s %3s %9s %5s %5s %10s %9s %9s %9s\n", "trace", "ch", "rows/SMS", "min", "max", "readings",
	       "bits/smp", "SMS b/rd", "SMS/day");
	static const size_t widths[] = {1, 2, 4};
	for (int t = 0; t < FIXTURE_TRACES; t++)
		for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]); w++)
			row((enum fixture_trace)t, widths[w], seeds);
	printf("\nCPU per message:\n");
	int iterations = 20000;
	fixture_msg(&m, PROTO_KIND_ALARM, FIXTURE_TYPICAL);
	cpu("alarm", &m, iterations);
	fixture_msg(&m, PROTO_KIND_RECEIPT, FIXTURE_TYPICAL);
	cpu("receipt", &m, iterations);
	fixture_msg(&m, PROTO_KIND_READINGS, FIXTURE_TYPICAL);
	cpu("readings, 144 samples", &m, iterations / 10);
	fixture_msg(&m, PROTO_KIND_READINGS, FIXTURE_MAX);
	cpu("readings, 8 x 128 samples", &m, iterations / 10);
	return 0;
}
