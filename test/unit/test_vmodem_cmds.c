/* The answers of the 27.007 commands and the `=?` test forms real clients probe: radio on
 * and off, operator deregistration, USSD, charsets, identification, and registration URCs. */
#include "test_vmodem_harness.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#define OK "\r\nOK\r\n"

static void test_forms_answer_their_ranges(void **state)
{
	struct vmh *h = vmh_client(state, VMODEM_MODEL_GENERIC, 10, NULL);
	static const char *const probes[][2] = {
		{"AT+CREG=?\r", "\r\n+CREG: (0-2)\r\n" OK},
		{"AT+CEREG=?\r", "\r\n+CEREG: (0-2)\r\n" OK},
		{"AT+CFUN=?\r", "\r\n+CFUN: (0,1,4),(0,1)\r\n" OK},
		{"AT+CSQ=?\r", "\r\n+CSQ: (0-31,99),(0-7,99)\r\n" OK},
		{"AT+CMEE=?\r", "\r\n+CMEE: (0-2)\r\n" OK},
		{"AT+CMGF=?\r", "\r\n+CMGF: (0-1)\r\n" OK},
		{"AT+CSMS=?\r", "\r\n+CSMS: (0,1)\r\n" OK},
		{"AT+CNMA=?\r", "\r\n+CNMA: (0-2)\r\n" OK},
		{"AT+CMGL=?\r", "\r\n+CMGL: (0-4)\r\n" OK},
		{"AT+CMGS=?\r", OK},
		{"AT+CMGR=?\r", OK},
		{"AT+CGATT=?\r", "\r\n+CGATT: (0,1)\r\n" OK},
		{"AT+COPS=?\r", "\r\n+COPS: (2,\"VirtualNet\",\"VNet\",\"00101\",7),,(0-4),(0-2)\r\n" OK},
		{"AT+CUSD=?\r", "\r\n+CUSD: (0-2)\r\n" OK},
		{"AT+CLIP=?\r", "\r\n+CLIP: (0-1)\r\n" OK},
		{"AT+CGMI=?\r", OK},
		{"AT+CPIN=?\r", OK},
	};
	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		vmh_type(h, probes[i][0]);
		vmh_expect(h, probes[i][1]);
	}
}

static void reads_show_the_settings(void **state)
{
	struct vmh *h = vmh_client(state, VMODEM_MODEL_GENERIC, 10, NULL);
	vmh_type(h, "AT+CSMS?;+CMMS?;+CMGF?;+CSDH?;+CNMI?;+CFUN?;+CLIP?;+CRC?;+CCWA?;+CUSD?\r");
	vmh_expect(h, "\r\n+CSMS: 0,1,1,1\r\n\r\n+CMMS: 0\r\n\r\n+CMGF: 0\r\n\r\n+CSDH: 0\r\n"
		      "\r\n+CNMI: 0,0,0,0,0\r\n\r\n+CFUN: 1\r\n\r\n+CLIP: 0,1\r\n\r\n+CRC: 0\r\n"
		      "\r\n+CCWA: 0\r\n\r\n+CUSD: 0\r\n" OK);
	vmh_type(h, "AT+CLIP=1;+CRC=1;+CCWA=1;+CMMS=2;+CLIP?;+CMMS?\r");
	vmh_expect(h, "\r\n+CLIP: 1,1\r\n\r\n+CMMS: 2\r\n" OK);
	vmh_type(h, "ATI\r");
	vmh_expect(h, "\r\nVirtualGSM\r\nVM-1\r\nRevision: VM1.0.0\r\n" OK);
	vmh_type(h, "ATI3;+GMM\r");
	vmh_expect(h, "\r\nVirtualGSM\r\n\r\nVM-1\r\n" OK);
	vmh_type(h, "AT+CSCS=\"KOI8\"\r");
	vmh_expect(h, "\r\n+CME ERROR: 4\r\n");
	vmh_type(h, "AT+CSCS=\"UCS2\";+CSCS?\r");
	vmh_expect(h, "\r\n+CSCS: \"UCS2\"\r\n" OK);
}

static void radio_off_and_operator_deregistration(void **state)
{
	struct vmh *h = vmh_client(state, VMODEM_MODEL_GENERIC, 10, NULL);
	vmh_type(h, "AT+CREG=1;+CEREG=2\r");
	vmh_expect(h, OK);
	vmh_type(h, "AT+CFUN=4\r");
	vmh_expect(h, "\r\n+CREG: 0\r\n\r\n+CEREG: 0\r\n" OK);
	assert_false(vmodem_registered(h->vm));
	vmh_type(h, "AT+CFUN=1\r");
	vmh_expect(h, "\r\n+CREG: 1\r\n\r\n+CEREG: 1,\"0001\",\"01A2B3C\",7\r\n" OK);
	vmh_type(h, "AT+COPS=2\r");
	vmh_expect(h, "\r\n+CREG: 0\r\n\r\n+CEREG: 0\r\n" OK);
	vmh_type(h, "AT+COPS?;+CGATT?\r");
	vmh_expect(h, "\r\n+COPS: 2\r\n\r\n+CGATT: 0\r\n" OK);
	vmh_type(h, "AT+COPS=1,0,\"Elsewhere\"\r");
	vmh_expect(h, "\r\n+CME ERROR: 30\r\n");
	vmh_type(h, "AT+COPS=0\r");
	vmh_expect(h, "\r\n+CREG: 1\r\n\r\n+CEREG: 1,\"0001\",\"01A2B3C\",7\r\n" OK);
	assert_true(vmodem_registered(h->vm));
}

static void ussd_request_is_answered_not_supported(void **state)
{
	struct vmh *h = vmh_client(state, VMODEM_MODEL_GENERIC, 10, NULL);
	vmh_type(h, "AT+CUSD=1,\"*100#\",15\r");
	vmh_expect(h, OK "\r\n+CUSD: 4\r\n");
	vmh_type(h, "AT+CUSD=1,*100#\r");
	vmh_expect(h, "\r\n+CME ERROR: 50\r\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_forms_answer_their_ranges, vmh_teardown),
		cmocka_unit_test_teardown(reads_show_the_settings, vmh_teardown),
		cmocka_unit_test_teardown(radio_off_and_operator_deregistration, vmh_teardown),
		cmocka_unit_test_teardown(ussd_request_is_answered_not_supported, vmh_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
