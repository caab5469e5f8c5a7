/* Failover time of two real `m2mon base` processes on one real PostgreSQL database (run it
 * under test/pg/pg_cluster.sh run): base A leads, B follows; A is killed with SIGKILL and at
 * once a unit's ALARM is sent to B's number; measured from the kill: B leading (its
 * event=alarms_leading), and the first notification from the new leader on Alice's phone.
 * Several runs per lease, each on a fresh simulator and database; prints each run and the
 * median. Figures only, never a pass or fail.
 *
 *   bash test/pg/pg_cluster.sh run build/bench/bench_failover build/src/m2mon [RUNS] [LEASE...]
 *
 * RUNS defaults to 5, the leases to "2s 10s" (10 s is the default lease). */
#include "it_multi.h"

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#define RUNS_MAX 50

static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

static int64_t median(int64_t *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp64);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

struct pair {
	struct it_sim sim;
	struct it_base a, b;
	char uri[512];
};

static void one_run(const char *m2mon, const char *lease, int run, int64_t *lead_ms, int64_t *told_ms)
{
	struct pair *p = calloc(1, sizeof(*p));
	it_base_net(&p->sim, m2mon, true, false, NULL);
	char db[32];
	snprintf(db, sizeof(db), "fo_%s_%d", lease, run);
	it_multi_db(db, p->uri, sizeof(p->uri));
	it_multi_conf(&p->a, &p->sim, 'A', "base", p->uri, lease, "1h", "60m");
	it_multi_conf(&p->b, &p->sim, 'B', "base2", p->uri, lease, "1h", "60m");
	it_base_start(&p->a);
	if (!it_base_wait_ms(&p->a, (const char *const[]){"event=alarms_leading", NULL}, 1, 60000))
		fail_msg("A did not lead (see %s)", p->a.log);
	it_base_start(&p->b);
	if (!it_base_wait_ms(&p->b, (const char *const[]){"event=leader_following", NULL}, 1, 60000))
		fail_msg("B did not follow (see %s)", p->b.log);
	int64_t t0 = it_mono_ms();
	it_base_kill(&p->a);
	it_base_event(&p->b, true, 94, IT_BASE2_NUMBER);
	/* The waits end on the line or the SMS record itself (inotify), not on a poll. */
	if (it_base_wait_ms(&p->b, (const char *const[]){"event=alarms_leading", NULL}, 1, 60000))
		*lead_ms = it_mono_ms() - t0;
	if (it_base_wait_got_ms(&p->a, IT_ALICE, "ALARM #1", 1, 60000))
		*told_ms = it_mono_ms() - t0;
	it_base_stop(&p->b);
	it_sim_stop(&p->sim);
	free(p);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s M2MON [RUNS] [LEASE...]\n", argv[0]);
		return 2;
	}
	const char *m2mon = argv[1];
	int runs = argc > 2 ? atoi(argv[2]) : 5;
	if (runs < 1 || runs > RUNS_MAX)
		runs = 5;
	const char *def[] = {"2s", "10s"};
	const char *const *leases = argc > 3 ? (const char *const *)&argv[3] : def;
	int n_leases = argc > 3 ? argc - 3 : 2;
	if (proto_init() < 0)
		return 1;
	printf("bench_failover: two bases on PostgreSQL, A killed (SIGKILL), an ALARM to B at once\n");
	printf("%-6s %4s %14s %22s\n", "lease", "run", "kill->leading", "kill->first_notified");
	for (int l = 0; l < n_leases; l++) {
		int64_t lead[RUNS_MAX], told[RUNS_MAX];
		int ok = 0;
		for (int r = 0; r < runs; r++) {
			int64_t a = -1, t = -1;
			one_run(m2mon, leases[l], r, &a, &t);
			printf("%-6s %4d %11lld ms %19lld ms\n", leases[l], r + 1, (long long)a,
			       (long long)t);
			fflush(stdout);
			if (a >= 0 && t >= 0) {
				lead[ok] = a;
				told[ok] = t;
				ok++;
			}
		}
		if (ok)
			printf("%-6s %4s %11lld ms %19lld ms   (median of %d)\n", leases[l], "med",
			       (long long)median(lead, ok), (long long)median(told, ok), ok);
	}
	return 0;
}
