/* The virtual modem's SMS service (27.005 PDU mode): sending through the prompt, storage,
 * +CMTI/+CMT/+CDS/+CDSI per +CNMI, +CNMA, a full store, delete flags, +CPMS forms. */
#include "test_vmodem_harness.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#define SMSC_HEX "07915155000000F0"
/* SMS-SUBMIT to +15550001 "hello" as gammu sends it (at-clients.md 2.2), 17 octets */
#define SUBMIT_HEX "11000891515500100000FF05E8329BFD06"
/* SMS-DELIVER from +15550002 as listed in at-clients.md 2.2, 34 octets */
#define DELIVER_HEX "0408915155002000006211528093850013C8329BFD0699E5EF36685E76CFDF72500C"
/* SMS-STATUS-REPORT, delivered, for MR 1 (at-clients.md 4.3), 23 octets */
#define REPORT_HEX "0601089151550010621152801183006211528011830000"

/* A client's modem once it is registered (the model's delay after power-on is over). */
static struct vmh *quiet_modem(void **state, enum vmodem_model model, int slots)
{
	struct vmh *h = vmh_client(state, model, slots, NULL);
	vmh_advance(h, 10000);
	vmh_take(h);
	return h;
}

static void pdu_send_sets_mr_and_answers_cmgs(void **state)
{
	struct vmh *h = vmh_new(VMODEM_MODEL_GENERIC, NULL, 10);
	*state = h;
	vmh_take(h);
	vmh_type(h, "AT+CMGS=17\r");
	vmh_expect(h, "AT+CMGS=17\r\r\n> ");
	vmh_type(h, SMSC_HEX SUBMIT_HEX);
	vmh_expect(h, SMSC_HEX SUBMIT_HEX);
	vmh_type(h, "\x1a");
	vmh_expect(h, "\x1a\r\n+CMGS: 1\r\n\r\nOK\r\n");
	assert_int_equal(h->n_sub, 1);
	assert_int_equal(h->sub_len[0], 17);
	assert_int_equal(h->sub_mr[0], 1);
	assert_int_equal(h->sub[0][1], 1); /* TP-MR stamped into the TPDU */
	assert_int_equal(h->sub[0][0], 0x11);
	vmh_type(h, "AT+CMGS=17\r");
	vmh_type(h, "00" SUBMIT_HEX "\x1a");
	vmh_expect(h, "AT+CMGS=17\r\r\n> 00" SUBMIT_HEX "\x1a\r\n+CMGS: 2\r\n\r\nOK\r\n");
	assert_int_equal(h->sub_mr[1], 2);
}

static void pdu_length_is_checked_against_the_hex(void **state)
{
	struct vmh *h = quiet_modem(state, VMODEM_MODEL_GENERIC, 10);
	vmh_type(h, "AT+CMGS=16\r");
	vmh_type(h, SMSC_HEX SUBMIT_HEX "\x1a");
	vmh_expect(h, "\r\n> \r\n+CMS ERROR: 304\r\n");
	vmh_type(h, "AT+CMGS=17\r");
	vmh_type(h, SMSC_HEX "11000891515500100000FF05E8329BFD0G\x1a");
	vmh_expect(h, "\r\n> \r\n+CMS ERROR: 304\r\n");
	/* a DELIVER is not something a client may send */
	vmh_type(h, "AT+CMGS=34\r");
	vmh_type(h, "00" DELIVER_HEX "\x1a");
	vmh_expect(h, "\r\n> \r\n+CMS ERROR: 304\r\n");
	vmh_type(h, "AT+CMGS=0\r");
	vmh_expect(h, "\r\n+CMS ERROR: 304\r\n");
	assert_int_equal(h->n_sub, 0);
	vmh_type(h, "AT\r");
	vmh_expect(h, "\r\nOK\r\n");
}

static void esc_cancels_the_prompt(void **state)
{
	struct vmh *h = quiet_modem(state, VMODEM_MODEL_GENERIC, 10);
	vmh_type(h, "AT+CMGS=17\r");
	vmh_type(h, SMSC_HEX "1100\x1b");
	vmh_expect(h, "\r\n> \r\nOK\r\n");
	assert_int_equal(h->n_sub, 0);
	vmh_type(h, "AT+CSQ\r");
	vmh_expect(h, "\r\n+CSQ: 21,0\r\n\r\nOK\r\n");
}

static void no_smsc_anywhere_is_330(void **state)
{
	struct vmh *h = quiet_modem(state, VMODEM_MODEL_GENERIC, 10);
	vmh_type(h, "AT+CSCA=\"\"\r");
	vmh_expect(h, "\r\nOK\r\n");
	vmh_type(h, "AT+CMGS=17\r");
	vmh_type(h, "00" SUBMIT_HEX "\x1a");
	vmh_expect(h, "\r\n> \r\n+CMS ERROR: 330\r\n");
	vmh_type(h, "AT+CMGS=17\r");
	vmh_type(h, SMSC_HEX SUBMIT_HEX "\x1a");
	vmh_expect(h, "\r\n> \r\n+CMGS: 1\r\n\r\nOK\r\n");
}

static void network_refusal_is_a_cms_error(void **state)
{
	struct vmh *h = quiet_modem(state, VMODEM_MODEL_GENERIC, 10);
	h->submit_rc = 500;
	vmh_type(h, "AT+CMGS=17\r");
	vmh_type(h, SMSC_HEX SUBMIT_HEX "\x1a");
	vmh_expect(h, "\r\n> \r\n+CMS ERROR: 500\r\n");
}

static void delivery_is_stored_announced_listed_and_read(void **state)
{
	struct vmh *h = quiet_modem(state, VMODEM_MODEL_GENERIC, 10);
	vmh_type(h, "AT+CNMI=2,1,0,1,0\r");
	vmh_expect(h, "\r\nOK\r\n");
	assert_int_equal(vmh_deliver_hex(h, DELIVER_HEX), 0);
	vmh_expect(h, "\r\n+CMTI: \"SM\",1\r\n");
	vmh_type(h, "AT+CPMS?\r");
	vmh_expect(h, "\r\n+CPMS: \"SM\",1,10,\"SM\",1,10,\"SM\",1,10\r\n\r\nOK\r\n");
	vmh_type(h, "AT+CMGL=4\r");
	vmh_expect(h, "\r\n+CMGL: 1,0,,34\r\n" SMSC_HEX DELIVER_HEX "\r\n\r\nOK\r\n");
	vmh_type(h, "AT+CMGL=0\r");
	vmh_expect(h, "\r\nOK\r\n");
	vmh_type(h, "AT+CMGR=1\r");
	vmh_expect(h, "\r\n+CMGR: 1,,34\r\n" SMSC_HEX DELIVER_HEX "\r\n\r\nOK\r\n");
	vmh_type(h, "AT+CMGR=2\r");
	vmh_expect(h, "\r\n+CMS ERROR: 321\r\n");
	vmh_type(h, "AT+CMGR=11\r");
	vmh_expect(h, "\r\n+CMS ERROR: 321\r\n");
	vmh_type(h, "AT+CMGD=1\r");
	vmh_expect(h, "\r\nOK\r\n");
	vmh_type(h, "AT+CMGL=4\r");
	vmh_expect(h, "\r\nOK\r\n");
}

static void cnmi_mode_0_buffers_until_mode_2(void **state)
{
	struct vmh *h = quiet_modem(state, VMODEM_MODEL_GENERIC, 10);
	vmh_type(h, "AT+CNMI=0,1,0,0,0\r");
	vmh_take(h);
	assert_int_equal(vmh_deliver_hex(h, DELIVER_HEX), 0);
	vmh_expect(h, "");
	vmh_type(h, "AT+CNMI=2,1,0,0,0\r");
	vmh_expect(h, "\r\nOK\r\n\r\n+CMTI: \"SM\",1\r\n");
	/* <mode> 2 holds indications while the prompt is open, then flushes them */
	vmh_type(h, "AT+CMGS=17\r");
	vmh_expect(h, "\r\n> ");
	assert_int_equal(vmh_deliver_hex(h, DELIVER_HEX), 0);
	vmh_expect(h, "");
	vmh_type(h, SMSC_HEX SUBMIT_HEX "\x1a");
	vmh_expect(h, "\r\n+CMGS: 1\r\n\r\nOK\r\n\r\n+CMTI: \"SM\",2\r\n");
}

static void direct_cmt_needs_cnma_when_csms_is_1(void **state)
{
	struct vmh *h = quiet_modem(state, VMODEM_MODEL_GENERIC, 10);
	vmh_type(h, "AT+CSMS=1\r");
	vmh_expect(h, "\r\n+CSMS: 1,1,1\r\n\r\nOK\r\n");
	vmh_type(h, "AT+CNMI=2,2,0,1,0\r");
	vmh_take(h);
	assert_int_equal(vmh_deliver_hex(h, DELIVER_HEX), 0);
	vmh_expect(h, "\r\n+CMT: ,34\r\n" SMSC_HEX DELIVER_HEX "\r\n");
	vmh_type(h, "AT+CNMA\r");
	vmh_expect(h, "\r\nOK\r\n");
	vmh_type(h, "AT+CNMA\r");
	vmh_expect(h, "\r\n+CMS ERROR: 340\r\n");
	/* not acknowledged in time: routing off (27.005 3.4.1), the message kept in storage */
	assert_int_equal(vmh_deliver_hex(h, DELIVER_HEX), 0);
	vmh_take(h);
	assert_int_equal(vmodem_next_deadline(h->vm), h->now + 15000);
	vmh_advance(h, 15000);
	vmh_type(h, "AT+CNMI?;+CPMS?\r");
	vmh_expect(h, "\r\n+CNMI: 2,0,0,0,0\r\n\r\n+CPMS: \"SM\",1,10,\"SM\",1,10,\"SM\",1,10\r\n\r\nOK\r\n");
}

static void direct_cmt_without_csms_needs_no_ack(void **state)
{
	struct vmh *h = quiet_modem(state, VMODEM_MODEL_GENERIC, 10);
	vmh_type(h, "AT+CNMI=2,2,0,0,0\r");
	vmh_take(h);
	assert_int_equal(vmh_deliver_hex(h, DELIVER_HEX), 0);
	vmh_expect(h, "\r\n+CMT: ,34\r\n" SMSC_HEX DELIVER_HEX "\r\n");
	assert_int_equal(vmodem_next_deadline(h->vm), UINT64_MAX);
	vmh_type(h, "AT+CPMS?\r");
	vmh_expect(h, "\r\n+CPMS: \"SM\",0,10,\"SM\",0,10,\"SM\",0,10\r\n\r\nOK\r\n");
}

/* 27.005 3.4.1 <mode> 1: while the prompt reserves the line the ME rejects a message it would
 * route (+CMT/+CDS), so the network keeps it and retries; it must not vanish. */
static void mode_1_rejects_routed_messages_while_the_prompt_is_open(void **state)
{
	struct vmh *h = quiet_modem(state, VMODEM_MODEL_GENERIC, 10);
	vmh_type(h, "AT+CNMI=1,2,0,1,0\r");
	vmh_expect(h, "\r\nOK\r\n");
	vmh_type(h, "AT+CMGS=17\r");
	vmh_expect(h, "\r\n> ");
	assert_int_equal(vmh_deliver_hex(h, DELIVER_HEX), -EBUSY);
	assert_int_equal(vmh_report_hex(h, REPORT_HEX), -EBUSY);
	vmh_type(h, "\x1b");
	vmh_expect(h, "\r\nOK\r\n");
	assert_int_equal(vmh_deliver_hex(h, DELIVER_HEX), 0);
	vmh_expect(h, "\r\n+CMT: ,34\r\n" SMSC_HEX DELIVER_HEX "\r\n");
	assert_int_equal(vmh_report_hex(h, REPORT_HEX), 0);
	vmh_expect(h, "\r\n+CDS: 23\r\n" SMSC_HEX REPORT_HEX "\r\n");
	vmh_type(h, "AT+CPMS?\r");
	vmh_expect(h, "\r\n+CPMS: \"SM\",0,10,\"SM\",0,10,\"SM\",0,10\r\n\r\nOK\r\n");
}

static void status_reports_as_cds_or_stored_with_cdsi(void **state)
{
	struct vmh *h = quiet_modem(state, VMODEM_MODEL_GENERIC, 10);
	vmh_type(h, "AT+CNMI=2,1,0,1,0\r");
	vmh_take(h);
	assert_int_equal(vmh_report_hex(h, REPORT_HEX), 0);
	vmh_expect(h, "\r\n+CDS: 23\r\n" SMSC_HEX REPORT_HEX "\r\n");
	vmh_type(h, "AT+CNMI=2,1,0,2,0\r");
	vmh_take(h);
	assert_int_equal(vmh_report_hex(h, REPORT_HEX), 0);
	vmh_expect(h, "\r\n+CDSI: \"SR\",1\r\n");
	vmh_type(h, "AT+CPMS=\"SR\";+CMGL=4\r");
	vmh_expect(h, "\r\n+CPMS: 1,10,0,10,0,10\r\n\r\n+CMGL: 1,0,,23\r\n" SMSC_HEX REPORT_HEX
		      "\r\n\r\nOK\r\n");
	vmh_type(h, "AT+CNMI=2,1,0,0,0\r");
	vmh_take(h);
	assert_int_equal(vmh_report_hex(h, REPORT_HEX), 0);
	vmh_expect(h, "");
}

static void full_store_refuses_and_frees_on_delete(void **state)
{
	struct vmh *h = quiet_modem(state, VMODEM_MODEL_GENERIC, 2);
	vmh_type(h, "AT+CNMI=2,1,0,0,0\r");
	vmh_take(h);
	assert_int_equal(vmh_deliver_hex(h, DELIVER_HEX), 0);
	assert_int_equal(vmh_deliver_hex(h, DELIVER_HEX), 0);
	vmh_expect(h, "\r\n+CMTI: \"SM\",1\r\n\r\n+CMTI: \"SM\",2\r\n");
	assert_int_equal(vmh_deliver_hex(h, DELIVER_HEX), -ENOSPC);
	vmh_expect(h, "");
	vmh_type(h, "AT+CPMS?\r");
	vmh_expect(h, "\r\n+CPMS: \"SM\",2,2,\"SM\",2,2,\"SM\",2,2\r\n\r\nOK\r\n");
	vmh_type(h, "AT+CMGD=2\r");
	vmh_take(h);
	assert_int_equal(vmh_deliver_hex(h, DELIVER_HEX), 0);
	vmh_expect(h, "\r\n+CMTI: \"SM\",2\r\n");
}

static void delete_flags_pick_by_status(void **state)
{
	struct vmh *h = quiet_modem(state, VMODEM_MODEL_GENERIC, 10);
	for (int i = 0; i < 3; i++)
		assert_int_equal(vmh_deliver_hex(h, DELIVER_HEX), 0);
	vmh_type(h, "AT+CMGR=2\r");
	vmh_take(h);
	vmh_type(h, "AT+CMGD=?\r");
	vmh_expect(h, "\r\n+CMGD: (1,2,3),(0-4)\r\n\r\nOK\r\n");
	vmh_type(h, "AT+CMGD=1,1\r");
	vmh_expect(h, "\r\nOK\r\n");
	vmh_type(h, "AT+CMGD=?\r");
	vmh_expect(h, "\r\n+CMGD: (1,3),(0-4)\r\n\r\nOK\r\n");
	vmh_type(h, "AT+CMGD=1,4\r");
	vmh_expect(h, "\r\nOK\r\n");
	vmh_type(h, "AT+CMGD=?\r");
	vmh_expect(h, "\r\n+CMGD: (),(0-4)\r\n\r\nOK\r\n");
	vmh_type(h, "AT+CMGD=1,5\r");
	vmh_expect(h, "\r\n+CMS ERROR: 304\r\n");
	vmh_type(h, "AT+CMGD=99\r");
	vmh_expect(h, "\r\n+CMS ERROR: 321\r\n");
}

static void cpms_forms(void **state)
{
	struct vmh *h = quiet_modem(state, VMODEM_MODEL_GENERIC, 5);
	vmh_type(h, "AT+CPMS=?\r");
	vmh_expect(
		h,
		"\r\n+CPMS: "
		"(\"SM\",\"ME\",\"MT\",\"SR\"),(\"SM\",\"ME\",\"MT\"),(\"SM\",\"ME\",\"MT\")\r\n\r\nOK\r\n");
	vmh_type(h, "AT+CPMS=\"ME\",\"ME\"\r");
	vmh_expect(h, "\r\n+CPMS: 0,5,0,5,0,5\r\n\r\nOK\r\n");
	vmh_type(h, "AT+CPMS?\r");
	vmh_expect(h, "\r\n+CPMS: \"ME\",0,5,\"ME\",0,5,\"SM\",0,5\r\n\r\nOK\r\n");
	vmh_type(h, "AT+CPMS=\"MT\",\"SM\",\"MT\"\r");
	vmh_expect(h, "\r\n+CPMS: 0,10,0,5,0,10\r\n\r\nOK\r\n");
	vmh_type(h, "AT+CPMS=\"XX\"\r");
	vmh_expect(h, "\r\n+CMS ERROR: 302\r\n");
	vmh_type(h, "AT+CPMS=\"SM\",\"SR\"\r");
	vmh_expect(h, "\r\n+CMS ERROR: 302\r\n");
}

static void sms_commands_wait_for_the_pin(void **state)
{
	struct vmh *h = vmh_new(VMODEM_MODEL_GENERIC, "1234", 10);
	*state = h;
	vmh_expect(h, "\r\nRDY\r\n\r\n+CPIN: SIM PIN\r\n");
	vmh_type(h, "ATE0;+CMEE=1\r");
	vmh_take(h);
	vmh_type(h, "AT+CPMS?\r");
	vmh_expect(h, "\r\n+CMS ERROR: 311\r\n");
	vmh_type(h, "AT+CIMI\r");
	vmh_expect(h, "\r\n+CME ERROR: 11\r\n");
	assert_int_equal(vmh_deliver_hex(h, DELIVER_HEX), -ENETDOWN);
	vmh_type(h, "AT+CPIN=\"1234\"\r");
	vmh_expect(h, "\r\nOK\r\n\r\n+CPIN: READY\r\n");
	vmh_type(h, "AT+CIMI\r");
	vmh_expect(h, "\r\n001015550001000\r\n\r\nOK\r\n");
	assert_int_equal(vmh_deliver_hex(h, DELIVER_HEX), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(pdu_send_sets_mr_and_answers_cmgs, vmh_teardown),
		cmocka_unit_test_teardown(pdu_length_is_checked_against_the_hex, vmh_teardown),
		cmocka_unit_test_teardown(esc_cancels_the_prompt, vmh_teardown),
		cmocka_unit_test_teardown(no_smsc_anywhere_is_330, vmh_teardown),
		cmocka_unit_test_teardown(network_refusal_is_a_cms_error, vmh_teardown),
		cmocka_unit_test_teardown(delivery_is_stored_announced_listed_and_read, vmh_teardown),
		cmocka_unit_test_teardown(cnmi_mode_0_buffers_until_mode_2, vmh_teardown),
		cmocka_unit_test_teardown(direct_cmt_needs_cnma_when_csms_is_1, vmh_teardown),
		cmocka_unit_test_teardown(direct_cmt_without_csms_needs_no_ack, vmh_teardown),
		cmocka_unit_test_teardown(mode_1_rejects_routed_messages_while_the_prompt_is_open,
					  vmh_teardown),
		cmocka_unit_test_teardown(status_reports_as_cds_or_stored_with_cdsi, vmh_teardown),
		cmocka_unit_test_teardown(full_store_refuses_and_frees_on_delete, vmh_teardown),
		cmocka_unit_test_teardown(delete_flags_pick_by_status, vmh_teardown),
		cmocka_unit_test_teardown(cpms_forms, vmh_teardown),
		cmocka_unit_test_teardown(sms_commands_wait_for_the_pin, vmh_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
