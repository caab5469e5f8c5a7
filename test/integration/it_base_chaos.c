/* The base killed with SIGKILL at a random point of the alarm story, 20 seeded runs, with
 * the real `m2mon unit` whose probe (a file) crosses its limit and comes back: the point is
 * the n-th time the base logs one of the story's events (chosen by the seed), the kill lands
 * as soon as the test sees the line, and the base is started again at once. After each run,
 * nothing the unit or a phone sent is lost (the unit's last receipt covers every message it
 * sent; Bob's ACK took), every notification due reached its phone, and no phone got the same
 * text twice beyond the one that may have been in flight at the kill. Each run prints its
 * counts. IT_CHAOS_RUNS and IT_CHAOS_SEED change how many runs and where they start. */
#include "it_base.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

static const char *m2mon;

/* Lines the base writes in every run of the story, and how many times at least. */
static const struct point {
	const char *needle;
	int most;
} points[] = {
	{"event=unit_message", 2},   {"mod=alerts event=sms ", 9}, {"event=sms_sending", 9},
	{"event=sms_sent", 9},       {"event=phone_command", 1},   {"event=receipt_queued", 1},
	{"event=incident id=1 ", 6}, {"event=sms_delivered", 6},
};

struct run {
	struct it_sim sim;
	struct it_base base;
	const char *kill_needle;
	int kill_at; /* the occurrence of kill_needle that triggers the kill */
	int kills;
};

/* Kills and restarts the base once the kill point is in its log. */
static void maybe_kill(struct run *r)
{
	if (r->kills || it_base_count(&r->base, (const char *const[]){r->kill_needle, NULL}) < r->kill_at)
		return;
	it_base_kill(&r->base);
	r->kills++;
	it_base_start(&r->base);
}

struct wanted {
	struct run *r;
	const char *to, *needle;
};

static bool kill_then_got(void *ctx)
{
	struct wanted *w = ctx;
	maybe_kill(w->r);
	return it_base_got(&w->r->base, w->to, w->needle) > 0;
}

/* Waits until `to` got a text with `needle`, killing the base on the way when its point comes;
 * woken by writes to the base's log and to the network's record. */
static bool await(struct run *r, const char *to, const char *needle)
{
	struct wanted w = {r, to, needle};
	const char *watch[] = {r->sim.root, r->sim.dir};
	return it_wait_until(watch, 2, kill_then_got, &w, 4 * IT_TIMEOUT_MS);
}

static const struct due {
	const char *to, *needle;
} dues[] = {
	{IT_ALICE, "ALARM #1 WH1/T1"},     {IT_BOB, "ALARM #1 WH1/T1"},
	{IT_CAROL, "ALARM #1 WH1/T1"},     {IT_BOB, "acknowledged by you"},
	{IT_ALICE, "acknowledged by Bob"}, {IT_CAROL, "acknowledged by Bob"},
	{IT_ALICE, "CLEARED #1"},          {IT_BOB, "CLEARED #1"},
	{IT_CAROL, "CLEARED #1"},
};

/* The story; returns the notifications that never came. */
static int story(struct run *r)
{
	int lost = 0;
	it_base_probe(&r->base, "9.4");
	for (int i = 0; i < 3; i++)
		lost += !await(r, dues[i].to, dues[i].needle);
	it_base_send(&r->base, IT_BOB, IT_BASE_NUMBER, "ACK");
	for (int i = 3; i < 6; i++)
		lost += !await(r, dues[i].to, dues[i].needle);
	it_base_probe(&r->base, "4.0");
	for (int i = 6; i < 9; i++)
		lost += !await(r, dues[i].to, dues[i].needle);
	return lost;
}

/* The unit's messages are safe once a receipt covers them: every one it sent must be, soon
 * (a receipt owed at the kill is saved with the message it covers). */
static int inbound_lost(struct run *r, bool acked)
{
	int sent = 0;
	int lost = it_base_wait_covered(&r->base, &sent);
	return lost + (sent < 2) + !acked;
}

/* Texts whose delivery report never got stored: each of the nine texts to phones is one
 * outbox row, and its report (event=sms_delivered id=N) must come, also across the kill. */
static int reports_missing(struct run *r)
{
	int64_t deadline = it_mono_ms() + IT_TIMEOUT_MS;
	int have = 0;
	const char *const delivered[] = {"event=sms_delivered", NULL};
	for (;;) {
		/* Counted before the file is read: a line that lands in between makes the wait
		 * below return at once and the file is read again, instead of waiting for one more. */
		int lines = it_base_count(&r->base, delivered);
		bool seen[64] = {false};
		have = 0;
		FILE *f = fopen(r->base.log, "r");
		char line[4096];
		while (f && fgets(line, sizeof(line), f)) {
			const char *at = strstr(line, "event=sms_delivered id=");
			int id = at ? atoi(at + strlen("event=sms_delivered id=")) : 0;
			if (id > 0 && id < 64 && !seen[id]) {
				seen[id] = true;
				have++;
			}
		}
		if (f)
			fclose(f);
		if (have >= 9 || it_mono_ms() >= deadline)
			break;
		if (!it_base_wait(&r->base, delivered, lines + 1))
			break;
	}
	return have >= 9 ? 0 : 9 - have;
}

static void one_run(int n, uint64_t seed, int *failures)
{
	struct run r = {0};
	uint64_t s = seed;
	const struct point *p = &points[it_splitmix(&s) % (sizeof(points) / sizeof(points[0]))];
	r.kill_needle = p->needle;
	r.kill_at = 1 + (int)(it_splitmix(&s) % (uint64_t)p->most);
	it_base_net(&r.sim, m2mon, false, true, NULL);
	it_base_conf(&r.base, &r.sim, false, NULL, NULL);
	it_base_unit_conf(&r.base, IT_BASE_NUMBER, "4.0", NULL);
	it_base_start(&r.base);
	it_base_unit_start(&r.base);
	int lost = story(&r);
	bool acked = it_base_got(&r.base, IT_BOB, "acknowledged by you") > 0;
	int in_lost = inbound_lost(&r, acked);
	int dups = 0, d;
	const char *phones[] = {IT_ALICE, IT_BOB, IT_CAROL};
	for (int i = 0; i < 3; i++) {
		it_base_distinct(&r.base, phones[i], &d);
		dups += d;
	}
	int beyond = dups > r.kills ? dups - r.kills : 0;
	int reports = reports_missing(&r);
	printf("run %2d seed %llu kill=\"%s\"#%d kills=%d: inbound_lost=%d notifications_lost=%d "
	       "duplicates_beyond_in_flight=%d (duplicates=%d, delivery_reports_missing=%d)\n",
	       n, (unsigned long long)seed, r.kill_needle, r.kill_at, r.kills, in_lost, lost, beyond, dups,
	       reports);
	fflush(stdout);
	if (in_lost || lost || beyond || reports || r.kills != 1) {
		(*failures)++;
		printf("  kept for a look: %s (base.log, net/sms.jsonl)\n", r.sim.root);
		setenv("IT_KEEP", "1", 1);
	}
	it_base_unit_stop(&r.base);
	it_base_stop(&r.base);
	it_sim_stop(&r.sim);
	unsetenv("IT_KEEP");
}

static void sigkill_at_random_points_loses_nothing(void **state)
{
	(void)state;
	const char *runs_env = getenv("IT_CHAOS_RUNS"), *seed_env = getenv("IT_CHAOS_SEED");
	int runs = runs_env ? atoi(runs_env) : 20;
	uint64_t seed = seed_env ? strtoull(seed_env, NULL, 10) : 1;
	int failures = 0;
	for (int i = 0; i < runs; i++)
		one_run(i + 1, seed + (uint64_t)i, &failures);
	assert_int_equal(failures, 0);
}

int main(int argc, char **argv)
{
	m2mon = it_base_main(argc, argv);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sigkill_at_random_points_loses_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
