/* Two real `m2mon base` processes (A on modem base, B on modem base2) sharing one real
 * PostgreSQL database (test/pg/pg_cluster.sh runs this test), against the simulator, with
 * short leases (cluster = { lease = "2s"; heartbeat = "500ms"; claim_lease = "3s"; }): the
 * leader killed in the middle of an escalation, the leader frozen past its lease and
 * resumed, the database restarted, and the real `m2mon unit` moving to the other base's
 * number when the base it reports to is killed; and the leader texting the follower's modem
 * dead and the follower frozen. Every wait ends on the event it awaits;
 * IT_TIMEOUT_MS only bounds one that never comes. */
#include "it_multi.h"

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#define LEASE_MS 2000

static const char *m2mon;
static const char *failed_dir = "all"; /* it_multibase_failed_<this>: the logs of a failure */

struct t {
	struct it_sim sim;
	struct it_base a, b;
	char uri[512];
};

#define HAS(b, ...)           it_base_count(b, (const char *const[]){__VA_ARGS__, NULL})
#define WAIT(b, n, ...)       assert_true(it_base_wait(b, (const char *const[]){__VA_ARGS__, NULL}, n))
#define GOT(t, to, needle, n) assert_true(it_base_wait_got(&(t)->a, to, needle, n))

/* A leads (it started first), B follows; both modems ready. The teardown stops what is
 * left when a test fails. */
static struct t *begin_silent(void **state, const char *db, bool real_unit, const char *silent)
{
	struct t *t = calloc(1, sizeof(*t));
	*state = t;
	it_base_net(&t->sim, m2mon, true, real_unit, NULL);
	it_multi_db(db, t->uri, sizeof(t->uri));
	it_multi_conf(&t->a, &t->sim, 'A', "base", t->uri, "2s", "4s", silent);
	it_multi_conf(&t->b, &t->sim, 'B', "base2", t->uri, "2s", "4s", silent);
	it_base_start(&t->a);
	WAIT(&t->a, 1, "event=alarms_leading");
	it_base_start(&t->b);
	WAIT(&t->b, 1, "event=leader_following", "leader=\"A\"");
	return t;
}

/* The tests of the failovers: a base down is not their concern (cluster.silent 60m). */
static struct t *begin(void **state, const char *db, bool real_unit)
{
	return begin_silent(state, db, real_unit, "60m");
}

/* The clean stop a passing test ends with: each exits 0 on SIGTERM. */
static void end(struct t *t)
{
	if (t->a.unit_pid)
		it_base_unit_stop(&t->a);
	if (t->a.pid)
		it_base_stop(&t->a);
	if (t->b.pid)
		it_base_stop(&t->b);
	it_sim_stop(&t->sim);
	t->sim.pid = 0;
}

static void reap(pid_t *pid)
{
	if (*pid <= 0)
		return;
	kill(*pid, SIGCONT);
	kill(*pid, SIGKILL);
	waitpid(*pid, NULL, 0);
	*pid = 0;
}

static int teardown(void **state)
{
	struct t *t = *state;
	if (!t)
		return 0;
	bool failed = t->sim.pid > 0;
	reap(&t->a.unit_pid);
	reap(&t->a.pid);
	reap(&t->b.pid);
	reap(&t->sim.pid);
	if (failed) {
		/* The logs of a failed test are kept beside the test's binary, for the person. */
		char cmd[900];
		snprintf(cmd, sizeof(cmd),
			 "rm -rf it_multibase_failed_%s && cp -r '%s' it_multibase_failed_%s && rm -rf '%s'",
			 failed_dir, t->sim.root, failed_dir, t->sim.root);
		if (system(cmd) != 0)
			fprintf(stderr, "could not keep the logs of %s\n", t->sim.root);
	}
	free(t);
	*state = NULL;
	return 0;
}

static void fault(struct t *t, const char *modem, const char *kind, const char *arg)
{
	const char *args[] = {modem, kind, arg, NULL};
	assert_int_equal(it_cli(&t->sim, "fault", args, NULL, 0), 0);
}

static void the_leader_killed_mid_escalation_is_replaced(void **state)
{
	struct t *t = begin(state, "mb_kill", false);
	it_base_event(&t->a, true, 94, IT_BASE_NUMBER);
	GOT(t, IT_ALICE, "ALARM #1 WH1/T1 HIGH 9.4C", 1);
	assert_true(it_base_wait_got(&t->a, IT_WH1_NUMBER, NULL, 1)); /* the receipt is out */
	/* B frozen and A's modem hung: tier 2's texts are A's claims, Bob's in A's hands. */
	assert_int_equal(kill(t->b.pid, SIGSTOP), 0);
	fault(t, "base", "hang", "30000");
	WAIT(&t->a, 1, "event=sms_sending", "to=" IT_BOB);
	int64_t killed = it_mono_ms();
	it_base_kill(&t->a);
	assert_int_equal(kill(t->b.pid, SIGCONT), 0);
	WAIT(&t->b, 1, "event=alarms_leading");
	int64_t took = it_mono_ms() - killed;
	fprintf(stderr, "takeover after the kill: %lld ms (lease %d ms)\n", (long long)took, LEASE_MS);
	assert_true(took <= LEASE_MS + 1000);
	/* The escalation goes on from B: tier 2 gets it, Bob's copy possibly duplicated. */
	GOT(t, IT_BOB, "ALARM #1 WH1/T1 HIGH 9.4C", 1);
	GOT(t, IT_CAROL, "ALARM #1 WH1/T1 HIGH 9.4C", 1);
	WAIT(&t->b, 1, "event=sms_sending", "to=" IT_BOB, "possibly_duplicate=yes");
	assert_int_equal(it_multi_scalar(t->uri,
					 "SELECT count(*) FROM outbox WHERE dest = '" IT_BOB
					 "' AND kind = 'alarm' AND possibly_duplicate AND state = 'sent'"),
			 1);
	/* B carries the incident on: Bob's ACK to B's number takes. */
	it_base_send(&t->b, IT_BOB, IT_BASE2_NUMBER, "ACK");
	GOT(t, IT_ALICE, "acknowledged by Bob", 1);
	assert_int_equal(it_base_got(&t->a, IT_ALICE, "ALARM #1"), 1);
	/* Incident #1's texts (the bases not heard are incidents of their own). */
	assert_int_equal(it_multi_scalar(t->uri, "SELECT count(*) FROM outbox WHERE kind = 'alarm' AND"
						 " incident_id = 1 AND state <> 'sent'"),
			 0);
	assert_int_equal(it_multi_scalar(t->uri, "SELECT count(*) FROM outbox WHERE kind = 'alarm'"
						 " AND incident_id = 1"),
			 3);
	end(t);
}

/* The SMS sms.jsonl holds from `from` (any fate) after its first `skip` lines, with
 * `needle` in their text (NULL: any); `lines` gets how many lines it has now. */
static int sent_from(const struct t *t, const char *from, const char *needle, int skip, int *lines)
{
	char path[400], want[64];
	snprintf(path, sizeof(path), "%s/sms.jsonl", t->sim.dir);
	snprintf(want, sizeof(want), "\"from\":\"%s\"", from);
	FILE *f = fopen(path, "r");
	int n = 0, i = 0;
	char line[8192];
	while (f && fgets(line, sizeof(line), f)) {
		if (i++ >= skip && strstr(line, "\"type\":\"sms\"") && strstr(line, want) &&
		    (!needle || strstr(line, needle)))
			n++;
	}
	if (f)
		fclose(f);
	if (lines)
		*lines = i;
	return n;
}

static void a_frozen_leader_writes_nothing_after_it_lost(void **state)
{
	struct t *t = begin(state, "mb_freeze", false);
	it_base_event(&t->a, true, 94, IT_BASE_NUMBER);
	GOT(t, IT_ALICE, "ALARM #1 WH1/T1 HIGH 9.4C", 1);
	assert_int_equal(kill(t->a.pid, SIGSTOP), 0);
	int alerts = HAS(&t->a, "mod=alerts");
	WAIT(&t->b, 1, "event=alarms_leading");
	GOT(t, IT_BOB, "ALARM #1 WH1/T1 HIGH 9.4C", 1);
	GOT(t, IT_CAROL, "ALARM #1 WH1/T1 HIGH 9.4C", 1);
	int lines = 0;
	int sent = sent_from(t, IT_BASE_NUMBER, NULL, 0, &lines);
	assert_int_equal(kill(t->a.pid, SIGCONT), 0);
	WAIT(&t->a, 1, "event=leader_lost", "base=\"A\"");
	WAIT(&t->a, 1, "event=alarms_stopped");
	WAIT(&t->a, 1, "event=leader_following", "leader=\"B\"");
	/* Until it knew it follows, A (its escalation long due) sent not one SMS. */
	assert_int_equal(sent_from(t, IT_BASE_NUMBER, NULL, 0, NULL), sent);
	/* A new step through A after it resumed: stored by A, acted on by B alone. */
	it_base_send(&t->a, IT_BOB, IT_BASE_NUMBER, "ACK");
	GOT(t, IT_ALICE, "acknowledged by Bob", 1);
	assert_int_equal(HAS(&t->a, "mod=alerts"), alerts);
	/* A sends as a follower (B's texts) but never an alarm of its own after it resumed. */
	assert_int_equal(sent_from(t, IT_BASE_NUMBER, "ALARM", lines, NULL), 0);
	assert_int_equal(it_base_got(&t->a, IT_BOB, "ALARM #1"), 1);
	assert_int_equal(it_base_got(&t->a, IT_ALICE, "acknowledged by Bob"), 1);
	end(t);
}

static void both_bases_come_back_after_a_database_restart(void **state)
{
	struct t *t = begin(state, "mb_restart", false);
	it_base_event(&t->a, true, 94, IT_BASE_NUMBER);
	GOT(t, IT_ALICE, "ALARM #1 WH1/T1 HIGH 9.4C", 1);
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "bash %s restart %s fast", PG_CLUSTER_SH, getenv("M2_PG_DIR"));
	assert_int_equal(system(cmd), 0);
	WAIT(&t->a, 1, "event=db_up");
	WAIT(&t->b, 1, "event=db_up");
	GOT(t, IT_BOB, "ALARM #1 WH1/T1 HIGH 9.4C", 1);
	GOT(t, IT_CAROL, "ALARM #1 WH1/T1 HIGH 9.4C", 1);
	it_base_send(&t->a, IT_BOB, IT_BASE2_NUMBER, "ACK");
	GOT(t, IT_ALICE, "acknowledged by Bob", 1);
	it_base_event(&t->a, false, 41, IT_BASE_NUMBER);
	GOT(t, IT_ALICE, "CLEARED #1", 1);
	assert_int_equal(it_base_got(&t->a, IT_ALICE, "ALARM #1"), 1);
	assert_int_equal(it_base_got(&t->a, IT_BOB, "ALARM #1"), 1);
	assert_int_equal(it_multi_scalar(t->uri, "SELECT count(*) FROM inbox WHERE state = 'new'"), 0);
	end(t);
}

/* The leader texts what goes wrong at the follower: its modem dead (from B's heartbeat row),
 * then B itself not heard (frozen), closed when it beats again. */
static void the_leader_tells_of_the_other_base(void **state)
{
	struct t *t = begin_silent(state, "mb_peer", false, "2s");
	/* Unplugged, the modem is dead at once (a hang would climb the whole recovery ladder). */
	fault(t, "base2", "unplug", "600000");
	assert_true(it_base_wait_ms(&t->b, (const char *const[]){"event=modem_dead", NULL}, 1, 60000));
	WAIT(&t->a, 1, "event=base_modems_dead", "base=\"B\"", "up=0", "modems=1");
	GOT(t, IT_ALICE, "North: ALARM #1 base-B MODEM DEAD since", 1);
	assert_int_equal(kill(t->b.pid, SIGSTOP), 0);
	WAIT(&t->a, 1, "event=base_not_heard", "base=\"B\"");
	GOT(t, IT_ALICE, "North: ALARM #2 base-B NOT HEARD since", 1);
	assert_int_equal(kill(t->b.pid, SIGCONT), 0);
	WAIT(&t->a, 1, "event=base_heard_again", "base=\"B\"");
	GOT(t, IT_ALICE, "CLEARED #2 base-B NOT HEARD", 1);
	/* B still beats with its modem dead: that incident stays open, texted once. */
	assert_int_equal(it_base_got(&t->a, IT_ALICE, "base-B MODEM DEAD"), 1);
	assert_int_equal(it_base_got(&t->a, IT_ALICE, "CLEARED #1"), 0);
	end(t);
}

/* The real unit WH1 knowing both bases, A's number first; resends after 2 s then 4 s, so it
 * moves on after 6 s without a receipt; heartbeats (its probes of A) every 3 s. */
static void unit_file(struct t *t)
{
	struct it_base *b = &t->a;
	it_base_unit_conf(b, IT_BASE_NUMBER, "4.0", NULL);
	char text[4096];
	snprintf(
		text, sizeof(text),
		"unit = {\n  id = \"WH1\"; base_numbers = [ \"" IT_BASE_NUMBER "\", \"" IT_BASE2_NUMBER
		"\" ];\n  key = \"" IT_WH1_KEY "\";\n"
		"  store = \"%s\"; pin = \"1234\";\n  power = { source = \"none\"; };\n"
		"  sample_interval = \"1s\"; report_interval = \"1h\"; heartbeat = \"3s\";\n"
		"  resend = \"2s\"; resend_max = \"4s\";\n"
		"  channels = ( { name = \"T1\"; source = \"file:%s\"; high = 8.0; low = 2.0; delay = \"0s\";"
		" off_delay = \"0s\"; } );\n};\n"
		"modem = { device = \"%s/unit1.tty\"; profile = \"generic\"; };\n",
		b->unit_db, b->probe, t->sim.dir);
	it_write_file(b->unit_conf, text);
}

#define UNIT_WAIT(t, n, ...)                                                                                 \
	assert_true(it_base_unit_wait(&(t)->a, (const char *const[]){__VA_ARGS__, NULL}, n))

static void the_unit_moves_to_the_other_base_and_back(void **state)
{
	struct t *t = begin(state, "mb_unit", true);
	unit_file(t);
	it_base_unit_start(&t->a);
	UNIT_WAIT(t, 1, "event=receipt");
	/* A, the leader and the unit's base, dies: B leads, and the unit's alarm reaches B. */
	it_base_kill(&t->a);
	WAIT(&t->b, 1, "event=alarms_leading");
	it_base_probe(&t->a, "9.4");
	UNIT_WAIT(t, 1, "event=base_switched", "from=" IT_BASE_NUMBER, "to=" IT_BASE2_NUMBER);
	GOT(t, IT_ALICE, "ALARM #1 WH1/T1 HIGH 9.4C", 1);
	GOT(t, IT_BOB, "ALARM #1 WH1/T1 HIGH 9.4C", 1);
	/* Restarted, the unit goes on with the number it had moved to. */
	it_base_unit_stop(&t->a);
	it_base_unit_start(&t->a);
	UNIT_WAIT(t, 1, "event=started", "base=" IT_BASE2_NUMBER);
	/* A comes back (following): the unit's next probe reaches it, and the unit goes back. */
	it_base_start(&t->a);
	WAIT(&t->a, 1, "event=leader_following", "leader=\"B\"");
	UNIT_WAIT(t, 1, "event=base_back", "to=" IT_BASE_NUMBER);
	it_base_probe(&t->a, "4.1");
	GOT(t, IT_ALICE, "CLEARED #1", 1);
	assert_int_equal(it_base_got(&t->a, IT_ALICE, "ALARM #1"), 1);
	int sent = 0;
	assert_int_equal(it_base_wait_covered(&t->a, &sent), 0);
	end(t);
}

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: %s M2MON [CASE]\n", argv[0]);
		return 2;
	}
	m2mon = argv[1];
	assert_int_equal(proto_init(), 0);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(the_leader_killed_mid_escalation_is_replaced, teardown),
		cmocka_unit_test_teardown(a_frozen_leader_writes_nothing_after_it_lost, teardown),
		cmocka_unit_test_teardown(both_bases_come_back_after_a_database_restart, teardown),
		cmocka_unit_test_teardown(the_unit_moves_to_the_other_base_and_back, teardown),
		cmocka_unit_test_teardown(the_leader_tells_of_the_other_base, teardown),
	};
	size_t n = sizeof(tests) / sizeof(tests[0]);
	if (argc == 2)
		return cmocka_run_group_tests(tests, NULL, NULL);
	/* One case by its name (ctest runs each on its own cluster, in parallel). */
	for (size_t i = 0; i < n; i++) {
		if (strcmp(tests[i].name, argv[2]) == 0) {
			const struct CMUnitTest one[] = {tests[i]};
			failed_dir = argv[2];
			return cmocka_run_group_tests_name(argv[2], one, NULL, NULL);
		}
	}
	fprintf(stderr, "%s: no case named \"%s\"\n", argv[0], argv[2]);
	return 2;
}
