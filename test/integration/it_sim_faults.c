/* Every fault kind of `m2mon sim fault`, injected into a running simulator and observed by an
 * AT client as it would see a real module or network misbehave. */
#include "it_util.h"

#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/* The hung module takes the command and answers nothing, until a power cycle cures it. The
 * hang outlasts the test: that it ends after its duration is the next test's event, and its
 * length is test_vmodem_faults' (on a fake clock). */
static void hang_ignores_commands_until_a_power_cycle(void **state)
{
	struct net *n = *state;
	const char *const ignored[] = {"event=input_ignored modem=base", "reason=hang", NULL};
	fault(n, "base", "hang", "3600000");
	it_at_write(n->base, "AT\r");
	assert_true(it_log_wait(&n->sim, ignored, 1, IT_TIMEOUT_MS));
	fault(n, "base", "reboot", NULL);
	char acc[4096] = "";
	assert_true(it_at_wait(n->base, "RDY", IT_TIMEOUT_MS, acc, sizeof(acc)));
	/* the line carries its bytes in order: an answer to the ignored AT would precede RDY */
	*strstr(acc, "RDY") = '\0';
	assert_null(strstr(acc, "OK"));
	assert_true(it_at_cmd(n->base, "AT", NULL, 0));
	assert_int_equal(it_log_count(&n->sim, ignored), 1);
	assert_int_equal(it_log_count(&n->sim, (const char *const[]){"event=hang_end modem=base", NULL}), 0);
}

static void hang_ends_after_its_duration(void **state)
{
	struct net *n = *state;
	fault(n, "base", "hang", "300");
	assert_true(it_log_wait(&n->sim, (const char *const[]){"event=hang_end modem=base", NULL}, 1,
				IT_TIMEOUT_MS));
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

/* The SMSC holds that modem's SMS while others pass: "fast", sent after "slow", arrives
 * first. The delay outlasts the test; its length is test_sim_net's (on a fake clock). */
static void delay_holds_that_modems_sms(void **state)
{
	struct net *n = *state;
	fault(n, "unit1", "delay", "3600000");
	assert_int_equal(it_at_send_sms(n->unit, "+15550001000", "slow", false), 1);
	assert_int_equal(it_at_send_sms(n->base, "+15550002001", "fast", false), 1);
	char acc[4096] = "";
	assert_true(it_at_wait(n->unit, "+CMTI:", IT_TIMEOUT_MS, acc, sizeof(acc)));
	struct it_sms sms[4];
	assert_int_equal(it_at_list(n->unit, sms, 4), 1);
	assert_string_equal(sms[0].text, "fast");
	assert_int_equal(it_at_list(n->base, sms, 4), 0);
	assert_false(it_drain(&n->sim, 0)); /* the SMSC still has it to deliver */
	assert_int_equal(it_jsonl_count(&n->sim, (const char *const[]){"fast", "delivered", NULL}), 1);
	assert_int_equal(it_jsonl_count(&n->sim, (const char *const[]){"slow", NULL}), 0);
}

/* A USB modem unplugged: its client's port reads EIO or hangs up, the link is gone; an SMS
 * for it waits in the SMSC. Plugged back, the same link leads to a new PTY where the module
 * boots afresh, and the SMS comes. */
static void unplug_removes_the_port_and_plugs_it_back(void **state)
{
	struct net *n = *state;
	char path[400];
	it_tty(&n->sim, "base", path, sizeof(path));
	fault(n, "base", "unplug", "1500");
	struct stat st;
	assert_int_equal(lstat(path, &st), -1);
	struct pollfd p = {.fd = n->base, .events = POLLIN};
	assert_int_equal(poll(&p, 1, IT_TIMEOUT_MS), 1);
	char buf[64];
	ssize_t r = read(n->base, buf, sizeof(buf));
	assert_true(r == 0 || (r < 0 && errno == EIO));
	assert_int_equal(it_at_send_sms(n->unit, "+15550001000", "while unplugged", false), 1);
	assert_true(it_log_wait(&n->sim, (const char *const[]){"event=replugged modem=base", NULL}, 1,
				IT_TIMEOUT_MS));
	close(n->base);
	n->base = it_at_open(path);
	char acc[4096] = "";
	assert_true(it_at_wait(n->base, "RDY", IT_TIMEOUT_MS, acc, sizeof(acc)));
	assert_true(it_at_cmd(n->base, "ATE0", NULL, 0));
	assert_true(it_at_cmd(n->base, "AT+CMEE=1;+CMGF=0;+CNMI=2,1,0,1,0", NULL, 0));
	assert_true(it_at_registered(n->base));
	struct it_sms sms[4];
	int got = it_at_list(n->base, sms, 4); /* stored before +CNMI was set again: no +CMTI */
	if (got == 0) {
		acc[0] = '\0';
		assert_true(it_at_wait(n->base, "+CMTI:", IT_TIMEOUT_MS, acc, sizeof(acc)));
		got = it_at_list(n->base, sms, 4);
	}
	assert_int_equal(got, 1);
	assert_string_equal(sms[0].text, "while unplugged");
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
	assert_int_equal(
		it_cli(&n->sim, "fault", (const char *const[]){"base", "loss", "101", NULL}, NULL, 0), 1);
	assert_int_equal(it_cli(&n->sim, "fault", (const char *const[]){"base", "unplug", NULL}, NULL, 0), 2);
	assert_true(it_at_cmd(n->base, "AT", NULL, 0));
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s PATH-TO-M2MON\n", argv[0]);
		return 2;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_prestate_setup_teardown(hang_ignores_commands_until_a_power_cycle, setup,
							 teardown, argv[1]),
		cmocka_unit_test_prestate_setup_teardown(hang_ends_after_its_duration, setup, teardown,
							 argv[1]),
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
		cmocka_unit_test_prestate_setup_teardown(unplug_removes_the_port_and_plugs_it_back, setup,
							 teardown, argv[1]),
		cmocka_unit_test_prestate_setup_teardown(bad_fault_requests_are_usage_errors, setup, teardown,
							 argv[1]),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
