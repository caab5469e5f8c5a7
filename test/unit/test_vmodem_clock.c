/* The virtual modem's clock and battery: AT+CCLK? runs from 2004 until it is set or, on the
 * models that have the switch (Quectel AT+CTZU, SIMCom AT+CLTS), until a registered modem
 * gets the network's time, skew and zone included; the others answer the switch with an
 * error. AT+CBC answers what the network's owner set, with or without a voltage by model. */
#include "test_vmodem_harness.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#define OK "\r\nOK\r\n"

static void a_generic_modem_keeps_its_own_clock(void **state)
{
	struct vmh *h = vmh_client(state, VMODEM_MODEL_GENERIC, 5, NULL);
	vmh_type(h, "AT+CCLK?\r");
	vmh_expect(h, "\r\n+CCLK: \"04/01/01,00:00:01+00\"\r\n" OK);
	vmh_type(h, "AT+CTZU=1\r");
	vmh_expect(h, "\r\n+CME ERROR: 4\r\n");
	vmh_type(h, "AT+CLTS=1\r");
	vmh_expect(h, "\r\n+CME ERROR: 4\r\n");
	/* The network's time never reaches a modem without the switch. */
	assert_int_equal(vmodem_network_time(h->vm, 3600000, 60, h->now), 0);
	vmh_advance(h, 60000);
	vmh_type(h, "AT+CCLK?\r");
	vmh_expect(h, "\r\n+CCLK: \"04/01/01,00:01:01+00\"\r\n" OK);
	/* Set by hand, it runs on from there, in its zone. */
	vmh_type(h, "AT+CCLK=\"26/06/15,12:30:00-20\"\r");
	vmh_expect(h, OK);
	vmh_advance(h, 61000);
	vmh_type(h, "AT+CCLK?\r");
	vmh_expect(h, "\r\n+CCLK: \"26/06/15,12:31:01-20\"\r\n" OK);
}

static void a_bad_time_is_refused(void **state)
{
	struct vmh *h = vmh_client(state, VMODEM_MODEL_GENERIC, 5, NULL);
	const char *bad[] = {
		"AT+CCLK=\"26/02/30,00:00:00+00\"\r",
		"AT+CCLK=\"25/02/29,00:00:00+00\"\r",
		"AT+CCLK=\"26/01/01,24:00:00+00\"\r",
		"AT+CCLK=\"26/01/01,00:00:00+73\"\r",
		"AT+CCLK=\"26/01/01,00:00:00\"\r",
		"AT+CCLK=\"26/1/01,00:00:00+00\"\r",
		"AT+CCLK=\"26/01/01,00:00:00+00x\"\r",
		"AT+CCLK=26\r",
		"AT+CCLK\r",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		vmh_type(h, bad[i]);
		vmh_expect(h, "\r\n+CME ERROR: 50\r\n");
	}
	vmh_type(h, "AT+CCLK=\"28/02/29,23:59:59+00\"\r");
	vmh_expect(h, OK);
	vmh_type(h, "AT+CCLK=?\r");
	vmh_expect(h, OK);
}

static void quectel_takes_the_network_time_once_registered(void **state)
{
	struct vmh *h = vmh_client(state, VMODEM_MODEL_EC2X, 5, NULL);
	vmh_type(h, "AT+CTZU?;+CTZU=1;+CTZU?\r");
	vmh_expect(h, "\r\n+CTZU: 0\r\n\r\n+CTZU: 1\r\n" OK);
	vmh_type(h, "AT+CLTS=1\r");
	vmh_expect(h, "\r\n+CME ERROR: 4\r\n");
	/* Not registered yet (the model's 1.5 s): the clock is its own. */
	vmh_type(h, "AT+CCLK?\r");
	vmh_expect(h, "\r\n+CCLK: \"04/01/01,00:00:01+00\"\r\n" OK);
	vmh_advance(h, 2000);
	vmh_type(h, "AT+CCLK?\r");
	vmh_expect(h, "\r\n+CCLK: \"26/01/01,00:00:03+00\"\r\n" OK);
	/* The cell says it is two hours later, in UTC+2: local time and zone as it says. */
	assert_int_equal(vmodem_network_time(h->vm, 7200000, 120, h->now), 0);
	vmh_type(h, "AT+CCLK?\r");
	vmh_expect(h, "\r\n+CCLK: \"26/01/01,04:00:03+08\"\r\n" OK);
	assert_int_equal(vmodem_network_time(h->vm, 0, 125, h->now), -EINVAL);
	assert_int_equal(vmodem_network_time(h->vm, 0, -19 * 60, h->now), -EINVAL);
	/* A power cycle forgets the switch and keeps the clock running. */
	vmodem_fault(h->vm, VMODEM_FAULT_REBOOT, 0, h->now);
	assert_int_equal(vmodem_network_time(h->vm, -3600000, 0, h->now), 0);
	vmh_advance(h, 60000);
	vmh_type(h, "AT+CTZU?;+CCLK?\r");
	const char *out = vmh_take(h);
	assert_non_null(strstr(out, "+CTZU: 0"));
	assert_non_null(strstr(out, "+CCLK: \"26/01/01,04:01:0"));
	/* Switched on again once registered: the network's time at once, an hour behind now. */
	vmh_advance(h, 2000);
	vmh_type(h, "ATE0;+CTZU=1;+CCLK?\r");
	out = vmh_take(h);
	assert_non_null(strstr(out, "+CCLK: \"25/12/31,23:01:0"));
	assert_non_null(strstr(out, "+00\""));
}

static void simcom_switches_with_clts(void **state)
{
	struct vmh *h = vmh_client(state, VMODEM_MODEL_SIM800, 5, NULL);
	vmh_advance(h, vmodem_next_deadline(h->vm) - h->now);
	assert_true(vmodem_registered(h->vm));
	vmh_type(h, "AT+CTZU=1\r");
	vmh_expect(h, "\r\n+CME ERROR: 4\r\n");
	vmh_type(h, "AT+CLTS=?;+CLTS=1\r");
	vmh_expect(h, "\r\n+CLTS: (0,1)\r\n" OK);
	assert_int_equal(vmodem_network_time(h->vm, -90000, -300, h->now), 0);
	vmh_type(h, "AT+CCLK?\r");
	const char *out = vmh_take(h);
	assert_non_null(strstr(out, "+CCLK: \"25/12/31,18:58:3"));
	assert_non_null(strstr(out, "-20\""));
}

static void the_battery_reads_what_was_set(void **state)
{
	struct vmh *h = vmh_client(state, VMODEM_MODEL_SIM800, 5, NULL);
	vmh_type(h, "AT+CBC\r");
	vmh_expect(h, "\r\n+CBC: 0,95,4120\r\n" OK);
	assert_int_equal(vmodem_battery(h->vm, 15, -1), 0);
	vmh_type(h, "AT+CBC\r");
	vmh_expect(h, "\r\n+CBC: 0,15,3435\r\n" OK);
	assert_int_equal(vmodem_battery(h->vm, 40, 3710), 0);
	vmh_type(h, "AT+CBC\r");
	vmh_expect(h, "\r\n+CBC: 0,40,3710\r\n" OK);
	assert_int_equal(vmodem_battery(h->vm, 101, -1), -EINVAL);
	assert_int_equal(vmodem_battery(h->vm, 50, 0), -EINVAL);
	assert_int_equal(vmodem_battery(h->vm, 50, 70000), -EINVAL);
	/* It is the hardware's: a reboot keeps it. */
	vmodem_fault(h->vm, VMODEM_FAULT_REBOOT, 0, h->now);
	vmh_advance(h, 10000);
	vmh_type(h, "ATE0;+CBC\r");
	assert_non_null(strstr(vmh_take(h), "+CBC: 0,40,3710"));
}

static void models_without_a_voltage_or_a_battery(void **state)
{
	struct vmh *h = vmh_client(state, VMODEM_MODEL_GENERIC, 5, NULL);
	assert_int_equal(vmodem_battery(h->vm, 15, 3700), 0);
	vmh_type(h, "AT+CBC\r");
	vmh_expect(h, "\r\n+CBC: 0,15\r\n" OK);
	vmh_free(h);
	*state = NULL;
	h = vmh_client(state, VMODEM_MODEL_E3372, 5, NULL);
	assert_int_equal(vmodem_battery(h->vm, 15, -1), -ENOTSUP);
	vmh_type(h, "AT+CBC\r");
	vmh_expect(h, "\r\n+CME ERROR: 4\r\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(a_generic_modem_keeps_its_own_clock, vmh_teardown),
		cmocka_unit_test_teardown(a_bad_time_is_refused, vmh_teardown),
		cmocka_unit_test_teardown(quectel_takes_the_network_time_once_registered, vmh_teardown),
		cmocka_unit_test_teardown(simcom_switches_with_clts, vmh_teardown),
		cmocka_unit_test_teardown(the_battery_reads_what_was_set, vmh_teardown),
		cmocka_unit_test_teardown(models_without_a_voltage_or_a_battery, vmh_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
