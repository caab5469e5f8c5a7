/* Personalities: what SIM800, Quectel EC2x and E3372-class modems do differently from the generic
 * one (boot URCs, registration delay, storage names and indexes, full-store URCs, empty
 * reads, commands they lack). */
#include "test_vmodem_harness.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#define SMSC_HEX    "07915155000000F0"
#define DELIVER_HEX "0408915155002000006211528093850013C8329BFD0699E5EF36685E76CFDF72500C"
#define SUBMIT_HEX  "11000891515500100000FF05E8329BFD06"
#define REPORT_HEX  "0601089151550010621152801183006211528011830000"

static void sim800_boots_registers_late_and_names_itself(void **state)
{
	struct vmh *h = vmh_new(VMODEM_MODEL_SIM800, NULL, 5);
	*state = h;
	vmh_expect(h, "\r\nRDY\r\n\r\n+CFUN: 1\r\n\r\n+CPIN: READY\r\n\r\nCall Ready\r\n\r\nSMS Ready\r\n");
	vmh_type(h, "ATE0;+CREG=1\r");
	vmh_take(h);
	assert_false(vmodem_registered(h->vm));
	assert_int_equal(vmh_deliver_hex(h, DELIVER_HEX), -ENETDOWN);
	vmh_advance(h, vmodem_next_deadline(h->vm) - h->now);
	vmh_expect(h, "\r\n+CREG: 1\r\n");
	assert_true(vmodem_registered(h->vm));
	vmh_type(h, "ATI;+CGMI;+COPS?\r");
	vmh_expect(h, "\r\nSIM800 R14.18\r\n\r\nSIMCOM_Ltd\r\n\r\n+COPS: 0,0,\"VirtualNet\",0\r\n\r\nOK\r\n");
	vmh_type(h, "AT+CEREG?\r");
	vmh_expect(h, "\r\nERROR\r\n");
	vmh_type(h, "AT+CBC\r");
	vmh_expect(h, "\r\n+CBC: 0,95,4120\r\n\r\nOK\r\n");
}

static void sim800_storage_names_empty_reads_and_full_urc(void **state)
{
	struct vmh *h = vmh_new(VMODEM_MODEL_SIM800, NULL, 1);
	*state = h;
	vmh_advance(h, 5000);
	vmh_type(h, "ATE0;+CMEE=1;+CNMI=2,1,0,2,0\r");
	vmh_take(h);
	vmh_type(h, "AT+CPMS=\"SM_P\",\"ME_P\"\r");
	vmh_expect(h, "\r\n+CPMS: 0,1,0,1,0,1\r\n\r\nOK\r\n");
	vmh_type(h, "AT+CPMS=\"SR\"\r");
	vmh_expect(h, "\r\n+CMS ERROR: 302\r\n");
	vmh_type(h, "AT+CMGR=1\r");
	vmh_expect(h, "\r\nOK\r\n");
	/* no SR store: a status report goes to <mem3> */
	assert_int_equal(vmh_report_hex(h, REPORT_HEX), 0);
	vmh_expect(h, "\r\n+CDSI: \"SM\",1\r\n");
	assert_int_equal(vmh_deliver_hex(h, DELIVER_HEX), -ENOSPC);
	vmh_expect(h, "\r\n+CIEV: \"SMSFULL\"\r\n");
	assert_int_equal(vmh_deliver_hex(h, DELIVER_HEX), -ENOSPC);
	vmh_expect(h, "");
}

static void sim800_quotes_the_empty_alpha(void **state)
{
	struct vmh *h = vmh_new(VMODEM_MODEL_SIM800, NULL, 5);
	*state = h;
	vmh_advance(h, 5000);
	vmh_type(h, "ATE0;+CNMI=2,2,0,0,0\r");
	vmh_take(h);
	assert_int_equal(vmh_deliver_hex(h, DELIVER_HEX), 0);
	vmh_expect(h, "\r\n+CMT: \"\",34\r\n" SMSC_HEX DELIVER_HEX "\r\n");
	vmh_type(h, "AT+CNMI=2,1,0,0,0\r");
	vmh_take(h);
	assert_int_equal(vmh_deliver_hex(h, DELIVER_HEX), 0);
	vmh_type(h, "AT+CMGL=4;+CMGR=1\r");
	vmh_expect(h, "\r\n+CMTI: \"SM\",1\r\n\r\n+CMGL: 1,0,\"\",34\r\n" SMSC_HEX DELIVER_HEX "\r\n"
		      "\r\n+CMGR: 1,\"\",34\r\n" SMSC_HEX DELIVER_HEX "\r\n\r\nOK\r\n");
}

static void sim800_answers_cmgs_after_the_network_and_urcs_may_come_first(void **state)
{
	struct vmh *h = vmh_new(VMODEM_MODEL_SIM800, NULL, 5);
	*state = h;
	vmh_advance(h, 5000);
	vmh_type(h, "ATE0;+CNMI=2,1,0,0,0\r");
	vmh_take(h);
	vmh_type(h, "AT+CMGS=17\r");
	vmh_type(h, "00" SUBMIT_HEX "\x1a");
	vmh_expect(h, "\r\n> ");
	assert_int_equal(h->n_sub, 0);
	assert_int_equal(vmodem_next_deadline(h->vm), h->now + 1500);
	/* an indication is not held back while the result is awaited: clients must cope */
	assert_int_equal(vmh_deliver_hex(h, DELIVER_HEX), 0);
	vmh_expect(h, "\r\n+CMTI: \"SM\",1\r\n");
	vmh_type(h, "AT\r");
	vmh_advance(h, 1500);
	vmh_expect(h, "\r\n+CMGS: 1\r\n\r\nOK\r\n");
	assert_int_equal(h->n_sub, 1);
	assert_int_equal(h->sub_mr[0], 1);
	/* the network goes away during the round trip: the send times out */
	vmh_type(h, "AT+CMEE=1;+CMGS=17\r");
	vmh_type(h, "00" SUBMIT_HEX "\x1a");
	vmodem_fault(h->vm, VMODEM_FAULT_NO_NETWORK, 60000, h->now);
	vmh_advance(h, 1500);
	vmh_expect(h, "\r\n> \r\n+CMS ERROR: 332\r\n");
	assert_int_equal(h->n_sub, 1);
	vmh_type(h, "AT\r");
	vmh_expect(h, "\r\nOK\r\n");
}

/* Quectel EC2x: its boot lines, storage numbered from 0, +QIND: "smsfull" when full. */
static void ec2x_boot_urcs_and_full_urc(void **state)
{
	struct vmh *h = vmh_new(VMODEM_MODEL_EC2X, NULL, 1);
	*state = h;
	vmh_expect(h, "\r\nRDY\r\n\r\n+CPIN: READY\r\n\r\n+QUSIM: 1\r\n\r\n+QIND: SMS DONE\r\n\r\n+QIND: PB "
		      "DONE\r\n");
	vmh_advance(h, 5000);
	vmh_type(h, "ATE0;+CNMI=2,1,0,0,0\r");
	vmh_take(h);
	vmh_type(h, "AT+CNMI=3,1,0,0,0\r");
	vmh_expect(h, "\r\nERROR\r\n");
	assert_int_equal(vmh_deliver_hex(h, DELIVER_HEX), 0);
	vmh_expect(h, "\r\n+CMTI: \"SM\",0\r\n");
	assert_int_equal(vmh_deliver_hex(h, DELIVER_HEX), -ENOSPC);
	vmh_expect(h, "\r\n+QIND: \"smsfull\",\"SM\"\r\n");
}

static void e3372_stores_in_me_from_index_0(void **state)
{
	struct vmh *h = vmh_new(VMODEM_MODEL_E3372, NULL, 5);
	*state = h;
	vmh_expect(h, "\r\n^SYSSTART\r\n\r\n+CPIN: READY\r\n");
	vmh_advance(h, 5000);
	vmh_type(h, "ATE0;+CMEE=1;+CNMI=2,1,0,0,0;+CPMS=\"SM\",\"SM\",\"SM\"\r");
	vmh_take(h);
	assert_int_equal(vmh_deliver_hex(h, DELIVER_HEX), 0);
	vmh_expect(h, "\r\n+CMTI: \"ME\",0\r\n");
	vmh_type(h, "AT+CMGL=4\r");
	vmh_expect(h, "\r\nOK\r\n");
	vmh_type(h, "AT+CPMS=\"ME\";+CMGR=0\r");
	vmh_expect(h, "\r\n+CPMS: 1,5,0,5,0,5\r\n\r\n+CMGR: 0,,34\r\n" SMSC_HEX DELIVER_HEX "\r\n\r\nOK\r\n");
	vmh_type(h, "AT+CMGD=?\r");
	vmh_expect(h, "\r\n+CMGD: (0),(0-4)\r\n\r\nOK\r\n");
	vmh_type(h, "AT+CMGD=0;+CMGR=0\r");
	vmh_expect(h, "\r\n+CMS ERROR: 321\r\n");
	vmh_type(h, "AT+CBC\r");
	vmh_expect(h, "\r\n+CME ERROR: 4\r\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(sim800_boots_registers_late_and_names_itself, vmh_teardown),
		cmocka_unit_test_teardown(sim800_storage_names_empty_reads_and_full_urc, vmh_teardown),
		cmocka_unit_test_teardown(sim800_quotes_the_empty_alpha, vmh_teardown),
		cmocka_unit_test_teardown(sim800_answers_cmgs_after_the_network_and_urcs_may_come_first,
					  vmh_teardown),
		cmocka_unit_test_teardown(ec2x_boot_urcs_and_full_urc, vmh_teardown),
		cmocka_unit_test_teardown(e3372_stores_in_me_from_index_0, vmh_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
