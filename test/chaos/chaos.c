/* `chaos M2MON [--long] [--runs N] [--seed S]`: seeded chaos runs (chaos.h), one line of
 * counts each, then a table of the totals. The bounded mode (the test suite's) is a few
 * runs with short faults; --long (or M2MON_CHAOS_RUNS=N) is 100 runs with a minute of
 * network loss where the plan puts one. Exit status 0 when every run passed. */
#include "chaos.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static const char *m2mon;
static struct chaos_opts opts = {
	.runs = 2,
	.seed = 1,
	.cycles = 2,
	.nonet_ms = 3000,
	.hang_ms = 3000,
	.unplug_ms = 2000,
	.phase_ms = 60000,
	.loss = "0.1", /* every SMS, the base's to phones too: they are resent (report_timeout) */
	.unit_loss_pct = 0,
	.dup = "0.1",
	.reorder = "0.1",
};

static void add(struct chaos_counts *t, const struct chaos_counts *c)
{
	t->alarms += c->alarms;
	t->expected += c->expected;
	t->delivered += c->delivered;
	t->lost += c->lost;
	t->inbound_lost += c->inbound_lost;
	t->duplicated += c->duplicated;
	t->dup_network += c->dup_network;
	t->dup_marked += c->dup_marked;
	t->dup_beyond += c->dup_beyond;
	t->net_lost += c->net_lost;
	t->kills_unit += c->kills_unit;
	t->kills_base += c->kills_base;
	t->power_cuts += c->power_cuts;
	t->faults += c->faults;
	t->integrity_bad += c->integrity_bad;
	t->ms += c->ms;
}

static void line(const char *label, const struct chaos_counts *c)
{
	printf("%s alarms=%d expected=%d delivered=%d lost=%d duplicated=%d (network=%d "
	       "possibly_duplicate=%d beyond=%d) inbound_lost=%d net_dropped=%d faults=%d kills_unit=%d "
	       "kills_base=%d power_cuts=%d integrity_bad=%d time_s=%.1f\n",
	       label, c->alarms, c->expected, c->delivered, c->lost, c->duplicated, c->dup_network,
	       c->dup_marked, c->dup_beyond, c->inbound_lost, c->net_lost, c->faults, c->kills_unit,
	       c->kills_base, c->power_cuts, c->integrity_bad, (double)c->ms / 1000.0);
	fflush(stdout);
}

static void summary(int runs, int failed, const struct chaos_counts *t)
{
	printf("\n| runs | failed | alarms | expected | delivered | lost | duplicated | network dup | "
	       "possibly_duplicate | beyond | faults | unit kills | base kills | power cuts | "
	       "integrity bad | time s |\n");
	printf("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
	printf("| %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %.0f |\n", runs,
	       failed, t->alarms, t->expected, t->delivered, t->lost, t->duplicated, t->dup_network,
	       t->dup_marked, t->dup_beyond, t->faults, t->kills_unit, t->kills_base, t->power_cuts,
	       t->integrity_bad, (double)t->ms / 1000.0);
	fflush(stdout);
}

static void chaos_runs(void **state)
{
	(void)state;
	struct chaos_counts total = {0};
	int failed = 0;
	for (int i = 0; i < opts.runs; i++) {
		uint64_t seed = opts.seed + (uint64_t)i;
		printf("run %d seed %llu\n", i + 1, (unsigned long long)seed);
		struct chaos_counts c;
		bool ok = chaos_run(m2mon, &opts, seed, &c);
		char label[64];
		snprintf(label, sizeof(label), "run %d seed %llu %s:", i + 1, (unsigned long long)seed,
			 ok ? "ok" : "FAILED");
		line(label, &c);
		add(&total, &c);
		failed += !ok;
	}
	summary(opts.runs, failed, &total);
	assert_int_equal(failed, 0);
}

static int usage(const char *prog)
{
	fprintf(stderr, "usage: %s M2MON [--long] [--runs N] [--seed S] [--nonet-ms MS] [--network-loss P]\n",
		prog);
	return 2;
}

static void long_mode(void)
{
	opts.runs = 100;
	opts.nonet_ms = 60000;
	opts.phase_ms = 240000;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage(argv[0]);
	m2mon = argv[1];
	const char *env = getenv("M2MON_CHAOS_RUNS");
	if (env) {
		long_mode();
		opts.runs = atoi(env);
	}
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--long") == 0)
			long_mode();
		else if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc)
			opts.runs = atoi(argv[++i]);
		else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
			opts.seed = strtoull(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--nonet-ms") == 0 && i + 1 < argc)
			opts.nonet_ms = atoi(argv[++i]);
		else if (strcmp(argv[i], "--network-loss") == 0 && i + 1 < argc)
			opts.loss = argv[++i];
		else
			return usage(argv[0]);
	}
	if (opts.runs < 1 || opts.nonet_ms < 1 || opts.cycles > 16)
		return usage(argv[0]);
	assert_int_equal(proto_init(), 0);
	const struct CMUnitTest tests[] = {cmocka_unit_test(chaos_runs)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
