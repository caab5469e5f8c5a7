/* The real `m2mon base` and the real `m2mon unit` against the simulator, each on its own
 * SQLite file, driven only through what a person has: the unit's probe (a file: source),
 * the contacts' phones and the configuration files. The probe crosses its limit: tier 1,
 * tier 2 after the delay, Bob's ACK, the all-clear, every step in `m2mon events`; the unit
 * goes silent and is heard again through a READ; a SET is relayed and confirmed; with two
 * modems the one that does not carry the unit's messages hangs mid-story. */
#include "it_base.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

struct t {
	struct it_sim sim;
	struct it_base base;
};

static const char *m2mon;

static struct t *begin(bool two_modems, const char *heartbeat, const char *unit_to, const char *report)
{
	struct t *t = calloc(1, sizeof(*t));
	it_base_net(&t->sim, m2mon, two_modems, true, NULL);
	it_base_conf(&t->base, &t->sim, two_modems, heartbeat, NULL);
	it_base_unit_conf(&t->base, unit_to, "4.0", report);
	it_base_start(&t->base);
	it_base_unit_start(&t->base);
	return t;
}

static void end(struct t *t)
{
	if (t->base.unit_pid)
		it_base_unit_stop(&t->base);
	if (t->base.pid)
		it_base_stop(&t->base);
	it_sim_stop(&t->sim);
	free(t);
}

#define WAIT_GOT(t, to, needle, n) assert_true(it_base_wait_got(&(t)->base, to, needle, n))
#define WAIT_LOG(t, n, ...)        assert_true(it_base_wait(&(t)->base, (const char *const[]){__VA_ARGS__, NULL}, n))

static void the_probe_crosses_its_limit_and_comes_back(void **state)
{
	(void)state;
	struct t *t = begin(false, NULL, IT_BASE_NUMBER, "5s");
	it_base_probe(&t->base, "9.4");
	WAIT_GOT(t, IT_ALICE, "North: ALARM #1 WH1/T1 HIGH 9.4C (limit 8.0C)", 1);
	WAIT_GOT(t, IT_BOB, "ALARM #1 WH1/T1 HIGH 9.4C", 1);
	WAIT_GOT(t, IT_CAROL, "ALARM #1 WH1/T1 HIGH 9.4C", 1);
	it_base_send(&t->base, IT_BOB, IT_BASE_NUMBER, "ACK");
	WAIT_GOT(t, IT_BOB, "acknowledged by you", 1);
	WAIT_GOT(t, IT_ALICE, "acknowledged by Bob", 1);
	const char *readings[] = {"event=unit_message unit=WH1 kind=readings", NULL};
	it_base_probe(&t->base, "4.1");
	WAIT_GOT(t, IT_ALICE, "CLEARED #1 WH1/T1 HIGH", 1);
	int reports = it_base_count(&t->base, readings);
	WAIT_GOT(t, IT_BOB, "CLEARED #1", 1);
	WAIT_GOT(t, IT_CAROL, "CLEARED #1", 1);
	/* The unit's messages are all confirmed by the base's receipts. */
	assert_true(it_base_unit_wait(&t->base, (const char *const[]){"event=receipt", NULL}, 2));
	int sent = 0;
	assert_int_equal(it_base_wait_covered(&t->base, &sent), 0);
	assert_true(sent >= 2);
	WAIT_LOG(t, 1, "event=incident id=1 from=cleared to=closed");
	assert_true(it_base_events_in_order(
		&t->base, (const char *const[]){"alarm:HIGH raised at 9.4C", "notified:Alice", "notified:Bob",
						"notified:Carol", "incident:notified->escalated", "ack:Bob",
						"notified:acknowledged by Bob", "clear:HIGH cleared at 4.1C",
						"notified:CLEARED #1", "incident:cleared->closed", NULL}));
	assert_int_equal(it_base_got(&t->base, IT_ALICE, "ALARM"), 1);
	/* The readings the unit reports every 5 s are the base's history: the next report after
	 * the clear holds the 4.1 that cleared it. */
	assert_true(it_base_wait(&t->base, readings, reports + 1));
	char cmd[1200], out[8192] = "";
	snprintf(cmd, sizeof(cmd), "'%s' history --config '%s' WH1 T1 --csv", m2mon, t->base.conf);
	FILE *p = popen(cmd, "r");
	size_t got = fread(out, 1, sizeof(out) - 1, p);
	assert_int_equal(pclose(p), 0);
	out[got] = '\0';
	assert_non_null(strstr(out, ",9.4"));
	assert_non_null(strstr(out, ",4.1"));
	end(t);
}

static void silence_then_a_read_and_a_set(void **state)
{
	(void)state;
	struct t *t = begin(false, "3s", IT_BASE_NUMBER, NULL);
	/* The unit sends nothing for its own 10 minutes; the base expects it every 3 s. */
	assert_true(it_base_wait_got_ms(&t->base, IT_ALICE, "ALARM #1 WH1 SILENT", 1, 30000));
	it_base_send(&t->base, IT_ALICE, IT_BASE_NUMBER, "READ WH1");
	WAIT_GOT(t, IT_ALICE, "asked WH1 for a fresh reading", 1);
	WAIT_GOT(t, IT_ALICE, "North: WH1 now T1 4.0C at", 1);
	WAIT_LOG(t, 1, "event=unit_heard_again unit=WH1");
	WAIT_GOT(t, IT_ALICE, "CLEARED #1 WH1 SILENT", 1);
	it_base_send(&t->base, IT_ALICE, IT_BASE_NUMBER, "SET WH1 T1 HIGH 9.5");
	WAIT_GOT(t, IT_ALICE, "sent SET T1 HIGH 9.5 to WH1", 1);
	WAIT_GOT(t, IT_ALICE, "WH1 applied SET T1 HIGH 9.5", 1);
	/* The unit applies it: 9.4 is no longer an alarm. */
	assert_true(it_base_wait(&t->base,
				 (const char *const[]){"event=unit_setting unit=WH1", "result=ok", NULL}, 1));
	end(t);
}

static void one_of_two_modems_hangs_mid_story(void **state)
{
	(void)state;
	struct t *t = begin(true, NULL, IT_BASE2_NUMBER, NULL);
	it_base_probe(&t->base, "9.4");
	WAIT_GOT(t, IT_ALICE, "ALARM #1", 1);
	const char *hang[] = {"base", "hang", "600000", NULL};
	assert_int_equal(it_cli(&t->sim, "fault", hang, NULL, 0), 0);
	/* Tier 2 gets it all the same, through the other modem, and the hung one is reported. */
	WAIT_GOT(t, IT_BOB, "ALARM #1", 1);
	WAIT_GOT(t, IT_CAROL, "ALARM #1", 1);
	assert_true(it_base_wait_ms(&t->base, (const char *const[]){"event=modem_dead modem=modem1", NULL}, 1,
				    180000));
	WAIT_GOT(t, IT_ALICE, "modem1 MODEM DEAD", 1);
	/* Inbound on the other still works: Bob's ACK, and the unit's clear. */
	it_base_send(&t->base, IT_BOB, IT_BASE2_NUMBER, "ACK 1");
	WAIT_GOT(t, IT_BOB, "#1 WH1/T1 HIGH 9.4C acknowledged by you", 1);
	it_base_probe(&t->base, "4.0");
	WAIT_GOT(t, IT_BOB, "CLEARED #1", 1);
	end(t);
}

int main(int argc, char **argv)
{
	m2mon = it_base_main(argc, argv);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_probe_crosses_its_limit_and_comes_back),
		cmocka_unit_test(silence_then_a_read_and_a_set),
		cmocka_unit_test(one_of_two_modems_hangs_mid_story),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
