/* Real clients' dialogues replayed byte by byte against the generic virtual modem: gammu's
 * connection (both passes, the first one byte per write), identify, networkinfo, sendsms,
 * getallsms, and gammu-smsd's startup and polling loop, as shared/reference/at-clients.md
 * sections 2.1, 2.2 and 4 record them. Every answer is compared whole, echo included. */
#include "test_vmodem_harness.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

struct step {
	const char *send;
	const char *want; /* everything the modem writes back, echo included */
};

/* An AT command line: echoed, then answered. */
#define CMD(c, answer)                                                                                       \
	{                                                                                                    \
		c "\r", c "\r" answer                                                                        \
	}
#define OK          "\r\nOK\r\n"
#define CME4        "\r\n+CME ERROR: 4\r\n"
#define SMSC_HEX    "07915155000000F0"
#define DELIVER_HEX "0408915155002000006211528093850013C8329BFD0699E5EF36685E76CFDF72500C"

static void replay(struct vmh *h, const struct step *s, size_t n, bool bytewise)
{
	for (size_t i = 0; i < n; i++) {
		if (bytewise)
			vmh_type_bytes(h, s[i].send);
		else
			vmh_type(h, s[i].send);
		vmh_expect(h, s[i].want);
	}
}

static const struct step pass1[] = {
	{"\x1b\r", "\x1b\r"},
	CMD("AT", OK),
	CMD("ATE1", OK),
	CMD("AT+MODE=2", "\r\nERROR\r\n"),
	CMD("AT+CMEE=1", OK),
	CMD("AT+CSCS?", "\r\n+CSCS: \"IRA\"\r\n" OK),
	CMD("AT+CSCS=?", "\r\n+CSCS: (\"IRA\",\"GSM\",\"UCS2\")\r\n" OK),
	CMD("AT+CSCS=\"GSM\"", OK),
	CMD("AT+CSCS?", "\r\n+CSCS: \"GSM\"\r\n" OK),
	CMD("AT+CGMM", "\r\nVM-1\r\n" OK),
};

static const struct step pass2[] = {
	CMD("AT+CGMI", "\r\nVirtualGSM\r\n" OK),
	CMD("AT+CPROT=?", CME4),
	CMD("AT+SYNCML=?", CME4),
	CMD("AT$TSSPCSW=?", CME4),
	CMD("AT+CHUP=?", CME4),
	{"\x1b\r", "\x1b\r"},
	CMD("AT", OK),
	CMD("ATE1", OK),
	CMD("AT+MODE=2", CME4),
	CMD("AT+CMEE=1", OK),
	CMD("AT+CSCS?", "\r\n+CSCS: \"GSM\"\r\n" OK),
	CMD("AT+CGMR", "\r\nVM1.0.0\r\n" OK),
	CMD("AT+CFUN=1", OK),
};

static const struct step identify_and_networkinfo[] = {
	CMD("AT+CGSN", "\r\n350005234055973\r\n" OK),
	CMD("AT+CIMI", "\r\n001015550001000\r\n" OK),
	CMD("AT+CPIN?", "\r\n+CPIN: READY\r\n" OK),
	CMD("AT+CREG=2", OK),
	CMD("AT+CGREG=2", OK),
	CMD("AT+CGATT?", "\r\n+CGATT: 1\r\n" OK),
	CMD("AT+CREG?", "\r\n+CREG: 2,1,\"1A2B\",\"3C4D\",7\r\n" OK),
	CMD("AT+CGREG?", "\r\n+CGREG: 2,1,\"1A2B\",\"3C4D\",7\r\n" OK),
	CMD("AT+COPS=3,2", OK),
	CMD("AT+COPS?", "\r\n+COPS: 0,2,\"00101\",7\r\n" OK),
	CMD("AT+COPS=3,0", OK),
	CMD("AT+COPS?", "\r\n+COPS: 0,0,\"VirtualNet\",7\r\n" OK),
};

static const struct step sendsms[] = {
	CMD("AT+CSCA?", "\r\n+CSCA: \"+15550000000\",145\r\n" OK),
	CMD("AT+CMGF=0", OK),
	CMD("AT+CMGS=17", "\r\n> "),
	{SMSC_HEX "11000891515500100000FF05E8329BFD06", SMSC_HEX "11000891515500100000FF05E8329BFD06"},
	{"\x1a", "\x1a\r\n+CMGS: 1\r\n" OK},
};

static void gammu_connects_identifies_and_sends(void **state)
{
	struct vmh *h = vmh_new(VMODEM_MODEL_GENERIC, NULL, 30);
	*state = h;
	vmh_take(h);
	replay(h, pass1, sizeof(pass1) / sizeof(pass1[0]), true);
	replay(h, pass2, sizeof(pass2) / sizeof(pass2[0]), false);
	replay(h, identify_and_networkinfo,
	       sizeof(identify_and_networkinfo) / sizeof(identify_and_networkinfo[0]), false);
	replay(h, sendsms, sizeof(sendsms) / sizeof(sendsms[0]), false);
	assert_int_equal(h->n_sub, 1);
}

static const struct step getallsms[] = {
	CMD("AT+CPMS=?",
	    "\r\n+CPMS: (\"SM\",\"ME\",\"MT\",\"SR\"),(\"SM\",\"ME\",\"MT\"),(\"SM\",\"ME\",\"MT\")\r\n" OK),
	CMD("AT+CMGF=0", OK),
	CMD("AT+CPMS=\"SM\",\"SM\"", "\r\n+CPMS: 1,30,1,30,1,30\r\n" OK),
	CMD("AT+CMGL=4", "\r\n+CMGL: 1,0,,34\r\n" SMSC_HEX DELIVER_HEX "\r\n" OK),
	CMD("AT+CPMS=\"ME\"", "\r\n+CPMS: 0,30,1,30,1,30\r\n" OK),
	CMD("AT+CPMS=\"ME\",\"ME\"", "\r\n+CPMS: 0,30,0,30,1,30\r\n" OK),
	CMD("AT+CMGL=4", OK),
};

static void gammu_getallsms_lists_with_smsc_octets(void **state)
{
	struct vmh *h = vmh_new(VMODEM_MODEL_GENERIC, NULL, 30);
	*state = h;
	vmh_take(h);
	assert_int_equal(vmh_deliver_hex(h, DELIVER_HEX), 0);
	replay(h, getallsms, sizeof(getallsms) / sizeof(getallsms[0]), false);
}

static const struct step smsd_startup[] = {
	CMD("AT+CPIN?", "\r\n+CPIN: READY\r\n" OK),
	CMD("AT+CPMS=?",
	    "\r\n+CPMS: (\"SM\",\"ME\",\"MT\",\"SR\"),(\"SM\",\"ME\",\"MT\"),(\"SM\",\"ME\",\"MT\")\r\n" OK),
	CMD("AT+CNMI=?", "\r\n+CNMI: (0-3),(0-3),(0,2),(0,1),(0,1)\r\n" OK),
	CMD("AT+CNMI=2,1,0,1,0", OK),
	CMD("AT+CUSD=1", OK),
	CMD("AT+CGSN", "\r\n350005234055973\r\n" OK),
	CMD("AT+CIMI", "\r\n001015550001000\r\n" OK),
	CMD("AT+CMMS=2", OK),
};

static const struct step smsd_poll[] = {
	CMD("AT+CPIN?", "\r\n+CPIN: READY\r\n" OK),
	CMD("AT+CPMS=\"SM\",\"SM\"", "\r\n+CPMS: 1,30,1,30,1,30\r\n" OK),
	CMD("AT+CPMS=\"SM\",\"SM\"", "\r\n+CPMS: 1,30,1,30,1,30\r\n" OK),
	CMD("AT+CMGL=4", "\r\n+CMGL: 1,0,,34\r\n" SMSC_HEX DELIVER_HEX "\r\n" OK),
	CMD("AT+CPMS=\"SM\"", "\r\n+CPMS: 1,30,1,30,1,30\r\n" OK),
	CMD("AT+CMGR=1", "\r\n+CMGR: 1,,34\r\n" SMSC_HEX DELIVER_HEX "\r\n" OK),
	CMD("AT+CPMS=\"SM\",\"SM\"", "\r\n+CPMS: 1,30,1,30,1,30\r\n" OK),
	CMD("AT+CMGD=1", OK),
	CMD("AT+CPIN?", "\r\n+CPIN: READY\r\n" OK),
	CMD("AT+CPMS=\"SM\",\"SM\"", "\r\n+CPMS: 0,30,0,30,0,30\r\n" OK),
};

static const struct step smsd_status_and_stop[] = {
	CMD("AT+CBC", "\r\n+CBC: 0,100\r\n" OK),
	CMD("AT+CSQ", "\r\n+CSQ: 21,0\r\n" OK),
	CMD("AT+CREG=2", OK),
	CMD("AT+CGREG=2", OK),
	CMD("AT+CGATT?", "\r\n+CGATT: 1\r\n" OK),
	CMD("AT+COPS=3,2", OK),
	CMD("AT+COPS?", "\r\n+COPS: 0,2,\"00101\",7\r\n" OK),
	CMD("AT+CUSD=2", OK),
	CMD("AT+CUSD=0", OK),
	CMD("AT+CMMS=0", OK),
};

static void gammu_smsd_startup_poll_and_status(void **state)
{
	struct vmh *h = vmh_new(VMODEM_MODEL_GENERIC, NULL, 30);
	*state = h;
	vmh_take(h);
	replay(h, pass1, sizeof(pass1) / sizeof(pass1[0]), true);
	replay(h, smsd_startup, sizeof(smsd_startup) / sizeof(smsd_startup[0]), false);
	assert_int_equal(vmh_deliver_hex(h, DELIVER_HEX), 0);
	vmh_expect(h, "\r\n+CMTI: \"SM\",1\r\n");
	replay(h, smsd_poll, sizeof(smsd_poll) / sizeof(smsd_poll[0]), false);
	/* with <ds>=1 a delivery report is routed as +CDS, which gammu-smsd decodes */
	assert_int_equal(vmh_report_hex(h, "0601089151550010621152801183006211528011830000"), 0);
	vmh_expect(h, "\r\n+CDS: 23\r\n" SMSC_HEX "0601089151550010621152801183006211528011830000\r\n");
	replay(h, smsd_status_and_stop, sizeof(smsd_status_and_stop) / sizeof(smsd_status_and_stop[0]),
	       false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(gammu_connects_identifies_and_sends, vmh_teardown),
		cmocka_unit_test_teardown(gammu_getallsms_lists_with_smsc_octets, vmh_teardown),
		cmocka_unit_test_teardown(gammu_smsd_startup_poll_and_status, vmh_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
