/* Text mode (+CMGF=1): sending with AT+CMGS="<da>" and the +CSMP parameters, and messages
 * shown as header fields and text in +CMGL, +CMGR, +CMT and +CDS, with and without +CSDH. */
#include "test_vmodem_harness.h"

#include "sim_pdu.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#define DELIVER_HEX "0408915155002000006211528093850013C8329BFD0699E5EF36685E76CFDF72500C"
#define REPORT_HEX  "0601089151550010621152801183006211528011830000"
#define SCTS        "\"26/11/25,08:39:58+00\""

static void text_send_builds_a_submit_with_csmp(void **state)
{
	struct vmh *h = vmh_client(state, VMODEM_MODEL_GENERIC, 10, "+CMGF=1");
	vmh_type(h, "AT+CSMP?\r");
	vmh_expect(h, "\r\n+CSMP: 17,167,0,0\r\n\r\nOK\r\n");
	vmh_type(h, "AT+CSMP=49,11,0,0\r");
	vmh_expect(h, "\r\nOK\r\n");
	vmh_type(h, "AT+CMGS=\"+15550001\"\r");
	vmh_expect(h, "\r\n> ");
	vmh_type(h, "temp 4.5 C\x1a");
	vmh_expect(h, "\r\n+CMGS: 1\r\n\r\nOK\r\n");
	assert_int_equal(h->n_sub, 1);
	struct sim_submit sub;
	assert_int_equal(sim_pdu_decode_submit(h->sub[0], h->sub_len[0], &sub), 0);
	assert_string_equal(sub.to, "+15550001");
	assert_string_equal(sub.part.text, "temp 4.5 C");
	assert_true(sub.status_report); /* +CSMP first octet 49 asks for a report */
	assert_int_equal(sub.mr, 1);
	assert_int_equal(h->sub[0][0], 0x31);
	assert_int_equal(h->sub[0][9], 0x00); /* TP-DCS: GSM 7-bit, no message class */
	assert_int_equal(h->sub[0][10], 11);  /* TP-VP from +CSMP */
}

static void text_send_in_ucs2_when_csmp_asks(void **state)
{
	struct vmh *h = vmh_client(state, VMODEM_MODEL_GENERIC, 10, "+CMGF=1");
	vmh_type(h, "AT+CSMP=17,167,0,8;+CMGS=\"+15550001\"\r");
	vmh_type(h, "Ol\xc3\xa1\x1a");
	vmh_expect(h, "\r\n> \r\n+CMGS: 1\r\n\r\nOK\r\n");
	struct sim_submit sub;
	assert_int_equal(sim_pdu_decode_submit(h->sub[0], h->sub_len[0], &sub), 0);
	assert_int_equal(sub.part.coding, SIM_CODING_UCS2);
	assert_string_equal(sub.part.text, "Ol\xc3\xa1");
	assert_int_equal(h->sub[0][9], 0x08);
}

static void text_prompt_reprompts_per_line_and_esc_cancels(void **state)
{
	struct vmh *h = vmh_client(state, VMODEM_MODEL_GENERIC, 10, "+CMGF=1");
	vmh_type(h, "AT+CMGS=\"+15550001\"\r");
	vmh_type(h, "line one\r");
	vmh_expect(h, "\r\n> \r\n> ");
	vmh_type(h, "line two\x1b");
	vmh_expect(h, "\r\nOK\r\n");
	assert_int_equal(h->n_sub, 0);
	vmh_type(h, "AT+CMGS=\"+15550001\"\r");
	vmh_type(h, "a\rb\x1a");
	vmh_take(h);
	struct sim_submit sub;
	assert_int_equal(sim_pdu_decode_submit(h->sub[0], h->sub_len[0], &sub), 0);
	assert_string_equal(sub.part.text, "a\rb");
}

static void text_list_and_read_show_fields_and_text(void **state)
{
	struct vmh *h = vmh_client(state, VMODEM_MODEL_GENERIC, 10, "+CMGF=1");
	assert_int_equal(vmh_deliver_hex(h, DELIVER_HEX), 0);
	vmh_type(h, "AT+CMGL=\"REC UNREAD\"\r");
	vmh_expect(h, "\r\n+CMGL: 1,\"REC UNREAD\",\"+15550002\",," SCTS
		      "\r\nHello from sensor 1\r\n\r\nOK\r\n");
	vmh_type(h, "AT+CMGL=\"REC UNREAD\"\r");
	vmh_expect(h, "\r\nOK\r\n");
	vmh_type(h, "AT+CMGR=1\r");
	vmh_expect(h, "\r\n+CMGR: \"REC READ\",\"+15550002\",," SCTS "\r\nHello from sensor 1\r\n\r\nOK\r\n");
	vmh_type(h, "AT+CSDH=1;+CMGR=1\r");
	vmh_expect(h, "\r\n+CMGR: \"REC READ\",\"+15550002\",," SCTS ",145,4,0,0,\"+15550000000\",145,19\r\n"
		      "Hello from sensor 1\r\n\r\nOK\r\n");
	vmh_type(h, "AT+CMGL=\"ALL\"\r");
	vmh_expect(h, "\r\n+CMGL: 1,\"REC READ\",\"+15550002\",," SCTS
		      ",145,19\r\nHello from sensor 1\r\n\r\nOK\r\n");
	vmh_type(h, "AT+CMGL=4\r");
	vmh_expect(h, "\r\n+CMS ERROR: 305\r\n");
}

static void text_cmt_and_cds_are_routed_as_fields(void **state)
{
	struct vmh *h = vmh_client(state, VMODEM_MODEL_GENERIC, 10, "+CMGF=1");
	vmh_type(h, "AT+CNMI=2,2,0,1,0\r");
	vmh_take(h);
	assert_int_equal(vmh_deliver_hex(h, DELIVER_HEX), 0);
	vmh_expect(h, "\r\n+CMT: \"+15550002\",," SCTS "\r\nHello from sensor 1\r\n");
	assert_int_equal(vmh_report_hex(h, REPORT_HEX), 0);
	vmh_expect(h,
		   "\r\n+CDS: 6,1,\"+15550001\",145,\"26/11/25,08:11:38+00\",\"26/11/25,08:11:38+00\",0\r\n");
}

static void text_shows_hex_in_ucs2_charset(void **state)
{
	struct vmh *h = vmh_client(state, VMODEM_MODEL_GENERIC, 10, "+CMGF=1");
	assert_int_equal(vmh_deliver_hex(h, DELIVER_HEX), 0);
	vmh_type(h, "AT+CSCS=\"UCS2\";+CMGR=1\r");
	vmh_expect(h, "\r\n+CMGR: \"REC UNREAD\",\"+15550002\",," SCTS "\r\n"
		      "00480065006C006C006F002000660072006F006D002000730065006E0073006F00720020"
		      "0031\r\n\r\nOK\r\n");
}

static void text_cmt_carries_160_characters_as_ucs2_hex(void **state)
{
	struct vmh *h = vmh_client(state, VMODEM_MODEL_GENERIC, 10, "+CMGF=1");
	char text[161];
	memset(text, 'A', 160);
	text[160] = '\0';
	struct sim_part parts[SIM_MAX_PARTS];
	uint8_t tpdu[SIM_TPDU_MAX];
	assert_int_equal(sim_pdu_split(text, false, 0, parts), 1);
	int len = sim_pdu_build_deliver("+15550002", &parts[0], 0, tpdu);
	assert_true(len > 140);
	vmh_type(h, "AT+CSDH=1;+CNMI=2,2,0,0,0;+CSCS=\"UCS2\"\r");
	vmh_take(h);
	assert_int_equal(vmodem_deliver(h->vm, tpdu, (size_t)len, ++h->now), 0);
	const char *out = vmh_take(h);
	const char *head = "\r\n+CMT: \"+15550002\",,";
	assert_int_equal(strncmp(out, head, strlen(head)), 0);
	assert_non_null(strstr(out, ",\"+15550000000\",145,160\r\n"));
	char hex[4 * 160 + 3];
	for (int i = 0; i < 160; i++)
		memcpy(hex + 4 * i, "0041", 4);
	memcpy(hex + 4 * 160, "\r\n", 3);
	assert_non_null(strstr(out, hex));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(text_send_builds_a_submit_with_csmp, vmh_teardown),
		cmocka_unit_test_teardown(text_send_in_ucs2_when_csmp_asks, vmh_teardown),
		cmocka_unit_test_teardown(text_prompt_reprompts_per_line_and_esc_cancels, vmh_teardown),
		cmocka_unit_test_teardown(text_list_and_read_show_fields_and_text, vmh_teardown),
		cmocka_unit_test_teardown(text_cmt_and_cds_are_routed_as_fields, vmh_teardown),
		cmocka_unit_test_teardown(text_shows_hex_in_ucs2_charset, vmh_teardown),
		cmocka_unit_test_teardown(text_cmt_carries_160_characters_as_ucs2_hex, vmh_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
