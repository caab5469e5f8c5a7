/* A USB modem unplugged and plugged back (`m2mon sim fault NAME unplug MS`), with the real
 * base and the real unit: each daemon's modem layer sees its port vanish, finds no port for
 * a while, and is ready again on its own once the port is back; the alarm raised meanwhile
 * reaches its phone. The unit's modem goes while the probe crosses its limit, the base's
 * while the alarm is on its way; and a daemon started while its modem is unplugged gets
 * ready once it is plugged in (the unit crashed there: chaos seed 201 with
 * --network-loss 0.1, a kill while its modem was unplugged). */
#include "it_base.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

static const char *m2mon;

static void unplug(const struct it_sim *sim, const char *modem)
{
	const char *args[] = {modem, "unplug", "2000", NULL};
	assert_int_equal(it_cli(sim, "fault", args, NULL, 0), 0);
}

static void both_daemons_recover_a_replugged_modem(void **state)
{
	(void)state;
	struct it_sim sim;
	struct it_base b;
	it_base_net(&sim, m2mon, false, true, NULL);
	it_base_conf(&b, &sim, false, NULL, NULL);
	it_base_unit_conf(&b, IT_BASE_NUMBER, "4.0", NULL);
	it_base_start(&b);
	it_base_unit_start(&b);
	const char *const unit_ready[] = {"mod=modem event=state", "to=ready", NULL};
	int ready = it_base_unit_count(&b, unit_ready);
	unplug(&sim, "unit1");
	it_base_probe(&b, "9.4");
	assert_true(it_base_unit_wait(&b, (const char *const[]){"event=port_lost", NULL}, 1));
	assert_true(it_base_unit_wait(&b, unit_ready, ready + 1));
	assert_true(it_base_wait_got(&b, IT_ALICE, "ALARM #1 WH1/T1", 1));

	const char *const base_ready[] = {"event=modem_state", "to=ready", NULL};
	ready = it_base_count(&b, base_ready);
	unplug(&sim, "base");
	it_base_probe(&b, "4.0");
	assert_true(it_base_wait(&b, (const char *const[]){"event=port_lost", NULL}, 1));
	assert_true(it_base_wait(&b, base_ready, ready + 1));
	assert_true(it_base_wait_got(&b, IT_ALICE, "CLEARED #1 WH1/T1", 1));
	int sent = 0;
	assert_int_equal(it_base_wait_covered(&b, &sent), 0);
	it_base_unit_stop(&b);
	it_base_stop(&b);
	it_sim_stop(&sim);
}

static void a_daemon_started_unplugged_gets_ready_when_plugged(void **state)
{
	(void)state;
	struct it_sim sim;
	struct it_base b;
	it_base_net(&sim, m2mon, false, true, NULL);
	it_base_conf(&b, &sim, false, NULL, NULL);
	it_base_unit_conf(&b, IT_BASE_NUMBER, "9.4", NULL);
	const char *args[] = {"unit1", "unplug", "3000", NULL};
	assert_int_equal(it_cli(&sim, "fault", args, NULL, 0), 0);
	const char *bargs[] = {"base", "unplug", "3000", NULL};
	assert_int_equal(it_cli(&sim, "fault", bargs, NULL, 0), 0);
	it_base_spawn(&b);
	it_base_unit_start(&b);
	assert_true(it_base_unit_wait(&b, (const char *const[]){"event=modem_dead", NULL}, 1));
	assert_true(it_base_wait(&b, (const char *const[]){"event=modem_dead", NULL}, 1));
	assert_true(
		it_base_unit_wait(&b, (const char *const[]){"mod=modem event=state", "to=ready", NULL}, 1));
	assert_true(it_base_wait(&b, (const char *const[]){"event=modem_state", "to=ready", NULL}, 1));
	assert_true(it_base_wait_got(&b, IT_ALICE, "ALARM #", 1));
	it_base_unit_stop(&b);
	it_base_stop(&b);
	it_sim_stop(&sim);
}

int main(int argc, char **argv)
{
	m2mon = it_base_main(argc, argv);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(both_daemons_recover_a_replugged_modem),
		cmocka_unit_test(a_daemon_started_unplugged_gets_ready_when_plugged),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
