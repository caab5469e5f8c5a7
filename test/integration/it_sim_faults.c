/* Every fault kind of `m2mon sim fault`, injected into a running simulator and observed by an
 * AT client as it would see a real module or network misbehave. */
#include "it_util.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

struct net {
	struct it_sim sim;
	int base, unit;
};

static int open_modem(const struct it_sim *sim, const char *name)
{
	char path[400];
	int fd = it_at_open(it_tty(sim, name, path, sizeof(path)));
	assert_true(it_at_cmd(fd, "AT", NULL, 0));
	assert_true(it_at_cmd(fd, "ATE0", NULL, 0));
	assert_true(it_at_cmd(fd, "AT+CMEE=1;+CMGF=0;+CNMI=2,1,0,1,0", NULL, 0));
	assert_true(it_at_registered(fd));
	return fd;
}

static int setup(void **state)
{
	static const char *const args[] = {"--modem", "base=+15550001000", "--modem", "unit1=+15550002001",
					   NULL};
	const char *m2mon = *state; /* the test's prestate, replaced by the network */
	struct net *n = calloc(1, sizeof(*n));
	it_sim_start(&n->sim, m2mon, args);
	n->base = open_modem(&n->sim, "base");
	n->unit = open_modem(&n->sim, "unit1");
	*state = n;
	return 0;
}

static int teardown(void **state)
{
	struct net *n = *state;
	close(n->base);
	close(n->unit);
	it_sim_stop(&n->sim);
	free(n);
	return 0;
}

static void fault(struct net *n, const char *modem, const char *kind, const char *arg)
{
	const char *args[] = {modem, kind, arg, NULL};
	assert_int_equal(it_cli(&n->sim, "fault", args, NULL, 0), 0);
}

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The simulator's clock (libuv's, CLOCK_MONOTONIC_COARSE) may lag ours by its resolution. */
#define CLOCK_SLACK_MS 5

/* As a client recovers a silent module: AT again after each 200 ms without an answer. The
 * bound is on the whole wait; a slow machine only makes the first OK later. */
static void hang_ignores_commands_for_its_duration(void **state)
{
	struct net *n = *state;
	int64_t t0 = mono_ms();
	fault(n, "base", "hang", "800");
	char acc[4096] = "";
	do
		it_at_write(n->base, "AT\r");
	while (!it_at_wait(n->base, "OK\r\n", 200, acc, sizeof(acc)) && mono_ms() - t0 < IT_TIMEOUT_MS);
	assert_true(mono_ms() - t0 >= 800 - CLOCK_SLACK_MS); /* nothing was answered while it hung */
	assert_int_equal(strncmp(acc, "\r\nOK\r\n", 6), 0);
	assert_true(it_at_cmd(n->base, "AT", NULL, 0));
}

static void garbage_puts_stray_bytes_in_the_next_reply(void **state)
{
	struct net *n = *state;
	fault(n, "base", "garbage", NULL);
	char reply[1024];
	assert_true(it_at_cmd(n->base, "AT", reply, sizeof(reply)));
	assert_string_not_equal(reply, "\r\nOK\r\n");
	assert_true(it_at_cmd(n->base, "AT", reply, sizeof(reply)));
	assert_string_equal(reply, "\r\nOK\r\n");
}

static void reboot_prints_boot_urcs_and_forgets_settings(void **state)
{
	struct net *n = *state;
	fault(n, "base", "reboot", NULL);
	char acc[1024] = "";
	assert_true(it_at_wait(n->base, "RDY", IT_TIMEOUT_MS, acc, sizeof(acc)));
	char reply[1024];
	assert_true(it_at_cmd(n->base, "AT", reply, sizeof(reply)));
	assert_non_null(strstr(reply, "AT\r")); /* echo is back on, as after power-up */
}

static void no_network_refuses_sends_and_holds_deliveries(void **state)
{
	struct net *n = *state;
	fault(n, "base", "no-network", "3000");
	char acc[4096] = "";
	assert_true(it_at_wait(n->base, "+CREG: ", IT_TIMEOUT_MS, acc, sizeof(acc)));
	assert_null(strstr(acc, "+CREG: 1"));
	assert_int_equal(it_at_send_sms(n->base, "+15550002001", "from the dark", false), -1);
	assert_int_equal(it_at_send_sms(n->unit, "+15550001000", "wait for me", false), 1);
	/* both sends happened inside the outage, or the test would prove nothing; the URC of its
	 * end may come in the same read as this answer, so the wait below starts from it */
	assert_true(it_at_cmd(n->base, "AT+CREG?", acc, sizeof(acc)));
	assert_null(strstr(acc, "+CREG: 1,1"));
	assert_null(strstr(acc, "+CMTI:"));
	assert_true(it_at_wait(n->base, "\r\n+CREG: 1\r\n", IT_TIMEOUT_MS, acc, sizeof(acc)));
	assert_true(it_at_wait(n->base, "+CMTI:", IT_TIMEOUT_MS, acc, sizeof(acc)));
	struct it_sms sms[4];
	assert_int_equal(it_at_list(n->base, sms, 4), 1);
	assert_string_equal(sms[0].text, "wait for me");
	assert_true(it_drain(&n->sim, IT_TIMEOUT_MS)); /* the record follows the delivery */
	assert_int_equal(it_jsonl_count(&n->sim, (const char *const[]){"wait for me", "no-network",
								       "delivered", NULL}),
			 1);
}

static void sim_full_keeps_the_sms_until_space_is_freed(void **state)
{
	struct net *n = *state;
	fault(n, "base", "sim-full", NULL);
	assert_int_equal(it_at_send_sms(n->unit, "+15550001000", "room for me?", false), 1);
	struct it_sms sms[64];
	int before = it_at_list(n->base, sms, 64);
	assert_true(before > 0);
	for (int i = 0; i < before; i++)
		assert_string_not_equal(sms[i].text, "room for me?");
	assert_true(it_at_cmd(n->base, "AT+CMGD=1,4", NULL, 0));
	char acc[4096] = "";
	assert_true(it_at_wait(n->base, "+CMTI:", IT_TIMEOUT_MS, acc, sizeof(acc)));
	assert_int_equal(it_at_list(n->base, sms, 64), 1);
	assert_string_equal(sms[0].text, "room for me?");
	assert_true(it_drain(&n->sim, IT_TIMEOUT_MS)); /* the record follows the delivery */
	assert_int_equal(it_jsonl_count(&n->sim, (const char *const[]){"room for me?", "storage-full",
								       "delivered", NULL}),
			 1);
}

static void drop_next_loses_exactly_that_many(void **state)
{
	struct net *n = *state;
	fault(n, "unit1", "drop-next", "2");
	assert_int_equal(it_at_send_sms(n->unit, "+15550001000", "one", false), 1);
	assert_int_equal(it_at_send_sms(n->unit, "+15550001000", "two", false), 1);
	assert_int_equal(it_at_send_sms(n->unit, "+15550001000", "three", false), 1);
	char acc[4096] = "";
	assert_true(it_at_wait(n->base, "+CMTI:", IT_TIMEOUT_MS, acc, sizeof(acc)));
	struct it_sms sms[4];
	assert_int_equal(it_at_list(n->base, sms, 4), 1);
	assert_string_equal(sms[0].text, "three");
	assert_true(it_drain(&n->sim, IT_TIMEOUT_MS)); /* the record follows the delivery */
	assert_int_equal(it_jsonl_count(&n->sim, (const char *const[]){"\"lost\"", "drop-next", NULL}), 2);
}

static void delay_holds_that_modems_sms(void **state)
{
	struct net *n = *state;
	fault(n, "unit1", "delay", "1000");
	int64_t t0 = mono_ms();
	assert_int_equal(it_at_send_sms(n->unit, "+15550001000", "slow", false), 1);
	char acc[4096] = "";
	assert_true(it_at_wait(n->base, "+CMTI:", IT_TIMEOUT_MS, acc, sizeof(acc)));
	assert_true(mono_ms() - t0 >= 1000 - CLOCK_SLACK_MS);
	assert_true(it_drain(&n->sim, IT_TIMEOUT_MS)); /* the record follows the delivery */
	assert_int_equal(
		it_jsonl_count(&n->sim, (const char *const[]){"slow", "\"delay\"", "delivered", NULL}), 1);
}

static void bad_fault_requests_are_usage_errors(void **state)
{
	struct net *n = *state;
	assert_int_equal(it_cli(&n->sim, "fault", (const char *const[]){"base", "melt", NULL}, NULL, 0), 2);
	assert_int_equal(it_cli(&n->sim, "fault", (const char *const[]){"base", "hang", NULL}, NULL, 0), 2);
	assert_int_equal(
		it_cli(&n->sim, "fault", (const char *const[]){"base", "reboot", "5", NULL}, NULL, 0), 2);
	assert_int_equal(it_cli(&n->sim, "fault", (const char *const[]){"nobody", "reboot", NULL}, NULL, 0),
			 1);
	assert_true(it_at_cmd(n->base, "AT", NULL, 0));
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s PATH-TO-M2MON\n", argv[0]);
		return 2;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_prestate_setup_teardown(hang_ignores_commands_for_its_duration, setup,
							 teardown, argv[1]),
		cmocka_unit_test_prestate_setup_teardown(garbage_puts_stray_bytes_in_the_next_reply, setup,
							 teardown, argv[1]),
		cmocka_unit_test_prestate_setup_teardown(reboot_prints_boot_urcs_and_forgets_settings, setup,
							 teardown, argv[1]),
		cmocka_unit_test_prestate_setup_teardown(no_network_refuses_sends_and_holds_deliveries, setup,
							 teardown, argv[1]),
		cmocka_unit_test_prestate_setup_teardown(sim_full_keeps_the_sms_until_space_is_freed, setup,
							 teardown, argv[1]),
		cmocka_unit_test_prestate_setup_teardown(drop_next_loses_exactly_that_many, setup, teardown,
							 argv[1]),
		cmocka_unit_test_prestate_setup_teardown(delay_holds_that_modems_sms, setup, teardown,
							 argv[1]),
		cmocka_unit_test_prestate_setup_teardown(bad_fault_requests_are_usage_errors, setup, teardown,
							 argv[1]),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
