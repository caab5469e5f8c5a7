/* Injected faults as a client sees them (hang, also inside AT+CMGS, garbage, reboot, power
 * lost, no network, full SIM), the
 * reboot by AT+CFUN=1,1, and the SIM PIN/PUK lock. */
#include "test_vmodem_harness.h"

#include "hex.h"

#include <gammu.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#define SMSC_HEX    "07915155000000F0"
#define SUBMIT_HEX  "11000891515500100000FF05E8329BFD06"
#define DELIVER_HEX "0408915155002000006211528093850013C8329BFD0699E5EF36685E76CFDF72500C"

static void hang_answers_nothing_until_it_ends(void **state)
{
	struct vmh *h = vmh_client(state, VMODEM_MODEL_GENERIC, 10, NULL);
	vmodem_fault(h->vm, VMODEM_FAULT_HANG, 5000, h->now);
	assert_int_equal(vmodem_next_deadline(h->vm), h->now + 5000);
	assert_false(vmodem_registered(h->vm));
	vmh_type(h, "AT\r");
	vmh_type(h, "AT+CSQ\r");
	vmh_expect(h, "");
	assert_int_equal(vmh_deliver_hex(h, DELIVER_HEX), -ENETDOWN);
	vmh_advance(h, 5000);
	assert_int_equal(vmodem_next_deadline(h->vm), UINT64_MAX);
	vmh_type(h, "AT\r");
	vmh_expect(h, "\r\nOK\r\n");
	assert_true(vmodem_registered(h->vm));
}

static void garbage_comes_before_the_next_reply_only(void **state)
{
	struct vmh *h = vmh_client(state, VMODEM_MODEL_GENERIC, 10, NULL);
	vmodem_fault(h->vm, VMODEM_FAULT_GARBAGE, 0, h->now);
	vmh_type(h, "AT\r");
	const char *out = vmh_take(h);
	size_t len = strlen(out);
	assert_true(len >= 6 + 4 && len <= 6 + 12);
	assert_string_equal(out + len - 6, "\r\nOK\r\n");
	for (size_t i = 0; i + 6 < len; i++)
		assert_true(out[i] != '\r' && out[i] != '\n');
	vmh_type(h, "AT\r");
	vmh_expect(h, "\r\nOK\r\n");
}

static void reboot_drops_settings_keeps_messages_and_prints_boot_urcs(void **state)
{
	struct vmh *h = vmh_client(state, VMODEM_MODEL_GENERIC, 10, NULL);
	vmh_type(h, "AT+CNMI=2,1,0,0,0;+CMGF=0\r");
	vmh_take(h);
	assert_int_equal(vmh_deliver_hex(h, DELIVER_HEX), 0);
	vmh_take(h);
	vmodem_fault(h->vm, VMODEM_FAULT_REBOOT, 0, h->now);
	vmh_expect(h, "");
	assert_false(vmodem_registered(h->vm));
	vmh_type(h, "AT\r");
	vmh_expect(h, "");
	assert_int_equal(vmh_deliver_hex(h, DELIVER_HEX), -ENETDOWN);
	vmh_advance(h, vmodem_next_deadline(h->vm) - h->now);
	vmh_expect(h, "\r\nRDY\r\n\r\n+CPIN: READY\r\n");
	assert_true(vmodem_registered(h->vm));
	vmh_type(h, "AT+CNMI?;+CMEE?\r");
	vmh_expect(h, "AT+CNMI?;+CMEE?\r\r\n+CNMI: 0,0,0,0,0\r\n\r\n+CMEE: 0\r\n\r\nOK\r\n");
	vmh_type(h, "AT+CPMS?\r");
	vmh_expect(h, "AT+CPMS?\r\r\n+CPMS: \"SM\",1,10,\"SM\",1,10,\"SM\",1,10\r\n\r\nOK\r\n");
}

static void reboot_keeps_an_unacknowledged_cmt(void **state)
{
	struct vmh *h = vmh_client(state, VMODEM_MODEL_GENERIC, 10, NULL);
	vmh_type(h, "AT+CSMS=1;+CNMI=2,2,0,0,0\r");
	vmh_take(h);
	assert_int_equal(vmh_deliver_hex(h, DELIVER_HEX), 0);
	vmh_expect(h, "\r\n+CMT: ,34\r\n" SMSC_HEX DELIVER_HEX "\r\n");
	vmodem_fault(h->vm, VMODEM_FAULT_REBOOT, 0, h->now);
	vmh_advance(h, 1000);
	vmh_take(h);
	vmh_type(h, "AT+CPMS?\r");
	vmh_expect(h, "AT+CPMS?\r\r\n+CPMS: \"SM\",1,10,\"SM\",1,10,\"SM\",1,10\r\n\r\nOK\r\n");
}

static void reboot_cures_a_hang(void **state)
{
	struct vmh *h = vmh_client(state, VMODEM_MODEL_GENERIC, 10, NULL);
	vmodem_fault(h->vm, VMODEM_FAULT_HANG, 60000, h->now);
	vmodem_fault(h->vm, VMODEM_FAULT_REBOOT, 0, h->now);
	vmh_advance(h, 1000);
	vmh_expect(h, "\r\nRDY\r\n\r\n+CPIN: READY\r\n");
	assert_int_equal(vmodem_next_deadline(h->vm), UINT64_MAX);
	vmh_type(h, "AT\r");
	vmh_expect(h, "AT\r\r\nOK\r\n");
}

static void cfun_1_1_answers_ok_then_reboots(void **state)
{
	struct vmh *h = vmh_client(state, VMODEM_MODEL_GENERIC, 10, NULL);
	vmh_type(h, "AT+CFUN=1,1\r");
	vmh_expect(h, "\r\nOK\r\n");
	vmh_type(h, "AT\r");
	vmh_expect(h, "");
	vmh_advance(h, 1000);
	vmh_expect(h, "\r\nRDY\r\n\r\n+CPIN: READY\r\n");
	vmh_type(h, "AT\r");
	vmh_expect(h, "AT\r\r\nOK\r\n");
}

static void no_network_deregisters_with_urcs_and_refuses_sms(void **state)
{
	struct vmh *h = vmh_client(state, VMODEM_MODEL_GENERIC, 10, NULL);
	vmh_type(h, "AT+CREG=1\r");
	vmh_take(h);
	vmodem_fault(h->vm, VMODEM_FAULT_NO_NETWORK, 3000, h->now);
	vmh_expect(h, "\r\n+CREG: 2\r\n");
	assert_false(vmodem_registered(h->vm));
	vmh_type(h, "AT+CSQ;+CREG?;+COPS?\r");
	vmh_expect(h, "\r\n+CSQ: 99,99\r\n\r\n+CREG: 1,2\r\n\r\n+COPS: 0\r\n\r\nOK\r\n");
	vmh_type(h, "AT+CMGS=17\r");
	vmh_type(h, SMSC_HEX SUBMIT_HEX "\x1a");
	vmh_expect(h, "\r\n> \r\n+CMS ERROR: 331\r\n");
	assert_int_equal(h->n_sub, 0);
	assert_int_equal(vmh_deliver_hex(h, DELIVER_HEX), -ENETDOWN);
	vmh_advance(h, 3000);
	vmh_expect(h, "\r\n+CREG: 1\r\n");
	assert_true(vmodem_registered(h->vm));
}

/* Armed: the next AT+CMGS shows its prompt and then hangs; the PDU typed meanwhile is lost,
 * nothing reaches the network, and the module takes commands again when the hang ends. */
static void hang_prompt_swallows_the_pdu(void **state)
{
	struct vmh *h = vmh_client(state, VMODEM_MODEL_GENERIC, 10, NULL);
	vmodem_fault(h->vm, VMODEM_FAULT_HANG_PROMPT, 4000, h->now);
	assert_int_equal(vmodem_next_deadline(h->vm), UINT64_MAX); /* armed, not hung yet */
	vmh_type(h, "AT\r");
	vmh_expect(h, "\r\nOK\r\n");
	vmh_type(h, "AT+CMGS=17\r");
	vmh_expect(h, "\r\n> ");
	vmh_type(h, SMSC_HEX SUBMIT_HEX "\x1a");
	vmh_expect(h, "");
	assert_int_equal(h->n_sub, 0);
	vmh_advance(h, 4000);
	vmh_type(h, "AT\r");
	vmh_expect(h, "\r\nOK\r\n");
	vmh_type(h, "AT+CMGS=17\r"); /* armed once only */
	vmh_type(h, SMSC_HEX SUBMIT_HEX "\x1a");
	vmh_expect(h, "\r\n> \r\n+CMGS: 1\r\n\r\nOK\r\n");
	assert_int_equal(h->n_sub, 1);
}

/* Armed: the next SMS reaches the network and the module hangs before its +CMGS answer. */
static void hang_sent_lets_the_sms_go_unanswered(void **state)
{
	struct vmh *h = vmh_client(state, VMODEM_MODEL_GENERIC, 10, NULL);
	vmodem_fault(h->vm, VMODEM_FAULT_HANG_SENT, 3000, h->now);
	vmh_type(h, "AT+CMGS=17\r");
	vmh_type(h, SMSC_HEX SUBMIT_HEX "\x1a");
	vmh_expect(h, "\r\n> ");
	assert_int_equal(h->n_sub, 1);
	vmh_type(h, "AT\r");
	vmh_expect(h, "");
	vmh_advance(h, 3000);
	vmh_type(h, "AT\r");
	vmh_expect(h, "\r\nOK\r\n");
}

/* Power lost (unplugged): nothing written, off the network; back on, it boots afresh with
 * its messages kept. */
static void power_off_then_on_boots_afresh(void **state)
{
	struct vmh *h = vmh_client(state, VMODEM_MODEL_GENERIC, 10, NULL);
	assert_int_equal(vmh_deliver_hex(h, DELIVER_HEX), 0);
	vmh_take(h);
	vmodem_power_off(h->vm, h->now);
	vmh_expect(h, "");
	assert_false(vmodem_registered(h->vm));
	assert_int_equal(vmh_deliver_hex(h, DELIVER_HEX), -ENETDOWN);
	vmh_advance(h, 2000);
	vmh_expect(h, "");
	vmodem_power_on(h->vm, h->now);
	vmh_expect(h, "\r\nRDY\r\n\r\n+CPIN: READY\r\n");
	vmh_advance(h, vmodem_next_deadline(h->vm) == UINT64_MAX ? 0 : vmodem_next_deadline(h->vm) - h->now);
	assert_true(vmodem_registered(h->vm));
	vmh_type(h, "AT+CPMS?\r");
	vmh_expect(h, "AT+CPMS?\r\r\n+CPMS: \"SM\",1,10,\"SM\",1,10,\"SM\",1,10\r\n\r\nOK\r\n");
}

/* The text a handset shows for the PDU line of a +CMGR answer (SMSC octets first). */
static void read_listed_text(const char *answer, char *text, size_t size)
{
	const char *hex = strstr(answer + 2, "\r\n");
	assert_non_null(hex);
	hex += 2;
	uint8_t pdu[200];
	int n = hex_decode(hex, strcspn(hex, "\r"), pdu, sizeof(pdu));
	assert_true(n > 1 + pdu[0]);
	GSM_SMSMessage sms;
	memset(&sms, 0, sizeof(sms));
	size_t pos = 0;
	assert_int_equal(GSM_DecodePDUFrame(GSM_GetGlobalDebug(), &sms, pdu + 1 + pdu[0],
					    (size_t)n - 1 - pdu[0], &pos, FALSE),
			 ERR_NONE);
	assert_int_equal(sms.PDU, SMS_Deliver);
	snprintf(text, size, "%s", DecodeUnicodeString(sms.Text));
}

static void sim_full_until_messages_are_deleted(void **state)
{
	struct vmh *h = vmh_client(state, VMODEM_MODEL_GENERIC, 3, NULL);
	vmh_type(h, "AT+CNMI=2,1,0,0,0\r");
	vmh_take(h);
	vmodem_fault(h->vm, VMODEM_FAULT_SIM_FULL, 0, h->now);
	vmh_type(h, "AT+CPMS?\r");
	vmh_expect(h, "\r\n+CPMS: \"SM\",3,3,\"SM\",3,3,\"SM\",3,3\r\n\r\nOK\r\n");
	assert_int_equal(vmh_deliver_hex(h, DELIVER_HEX), -ENOSPC);
	vmh_expect(h, "");
	vmh_type(h, "AT+CMGR=1\r");
	const char *out = vmh_take(h);
	assert_int_equal(strncmp(out, "\r\n+CMGR: 1,,", 12), 0); /* an old, read message */
	char text[64];
	read_listed_text(out, text, sizeof(text));
	assert_string_equal(text, "OLD MESSAGE 1");
	vmh_type(h, "AT+CMGD=1\r");
	vmh_take(h);
	assert_int_equal(vmh_deliver_hex(h, DELIVER_HEX), 0);
	vmh_expect(h, "\r\n+CMTI: \"SM\",1\r\n");
}

static void wrong_pin_counts_down_to_puk(void **state)
{
	struct vmh *h = vmh_new(VMODEM_MODEL_GENERIC, "1234", 10);
	*state = h;
	vmh_type(h, "ATE0;+CMEE=1\r");
	vmh_take(h);
	assert_false(vmodem_registered(h->vm));
	vmh_type(h, "AT+CREG?\r");
	vmh_expect(h, "\r\n+CREG: 0,0\r\n\r\nOK\r\n");
	for (int i = 0; i < 3; i++) {
		vmh_type(h, "AT+CPIN=\"0000\"\r");
		vmh_expect(h, "\r\n+CME ERROR: 16\r\n");
	}
	vmh_type(h, "AT+CPIN?\r");
	vmh_expect(h, "\r\n+CPIN: SIM PUK\r\n\r\nOK\r\n");
	vmh_type(h, "AT+CPIN=\"1234\"\r");
	vmh_expect(h, "\r\n+CME ERROR: 16\r\n");
	vmh_type(h, "AT+CMGL=4\r");
	vmh_expect(h, "\r\n+CMS ERROR: 316\r\n");
	vmh_type(h, "AT+CPIN=\"12345678\",\"4321\"\r");
	vmh_expect(h, "\r\nOK\r\n\r\n+CPIN: READY\r\n");
	assert_true(vmodem_registered(h->vm));
	vmh_type(h, "AT+CPIN=\"4321\"\r");
	vmh_expect(h, "\r\n+CME ERROR: 3\r\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(hang_answers_nothing_until_it_ends, vmh_teardown),
		cmocka_unit_test_teardown(garbage_comes_before_the_next_reply_only, vmh_teardown),
		cmocka_unit_test_teardown(reboot_drops_settings_keeps_messages_and_prints_boot_urcs,
					  vmh_teardown),
		cmocka_unit_test_teardown(reboot_keeps_an_unacknowledged_cmt, vmh_teardown),
		cmocka_unit_test_teardown(reboot_cures_a_hang, vmh_teardown),
		cmocka_unit_test_teardown(hang_prompt_swallows_the_pdu, vmh_teardown),
		cmocka_unit_test_teardown(hang_sent_lets_the_sms_go_unanswered, vmh_teardown),
		cmocka_unit_test_teardown(power_off_then_on_boots_afresh, vmh_teardown),
		cmocka_unit_test_teardown(cfun_1_1_answers_ok_then_reboots, vmh_teardown),
		cmocka_unit_test_teardown(no_network_deregisters_with_urcs_and_refuses_sms, vmh_teardown),
		cmocka_unit_test_teardown(sim_full_until_messages_are_deleted, vmh_teardown),
		cmocka_unit_test_teardown(wrong_pin_counts_down_to_puk, vmh_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
