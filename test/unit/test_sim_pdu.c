/* The simulator's SMS codec helpers: what gammu sends decodes to the number and text the user
 * typed; what the network delivers decodes (with gammu) to what the sender wrote; long texts
 * split the way handsets split them; bad PDUs are refused without a crash. */
#include "sim_pdu.h"
#include "test_sim_util.h"

#include "hex.h"

#include <gammu.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static size_t unhex(const char *hex, uint8_t *out)
{
	int n = hex_decode(hex, strlen(hex), out, SIM_TPDU_MAX);
	assert_true(n > 0);
	return (size_t)n;
}

/* Decodes a DELIVER with gammu itself, as a client listing it would. */
static void gammu_decode(const uint8_t *tpdu, int len, GSM_SMSMessage *sms)
{
	size_t pos = 0;
	assert_int_equal(GSM_DecodePDUFrame(GSM_GetGlobalDebug(), sms, tpdu, (size_t)len, &pos, FALSE),
			 ERR_NONE);
}

static void submit_from_gammu_sendsms_decodes(void **state)
{
	(void)state;
	uint8_t tpdu[SIM_TPDU_MAX];
	/* gammu 1.42 `sendsms TEXT +15550001 -text hello`, SMSC octets removed (at-clients.md 2.2) */
	size_t n = unhex("11000891515500100000FF05E8329BFD06", tpdu);
	struct sim_submit s;
	assert_int_equal(sim_pdu_decode_submit(tpdu, n, &s), 0);
	assert_string_equal(s.to, "+15550001");
	assert_string_equal(s.part.text, "hello");
	assert_int_equal(s.part.coding, SIM_CODING_GSM7);
	assert_int_equal(s.part.concat.total, 0);
	assert_false(s.status_report);
	tpdu[0] = 0x31; /* -report */
	tpdu[1] = 0x2A;
	assert_int_equal(sim_pdu_decode_submit(tpdu, n, &s), 0);
	assert_true(s.status_report);
	assert_int_equal(s.mr, 0x2A);
}

static void submit_parts_keep_concatenation(void **state)
{
	(void)state;
	char text[400];
	for (int i = 0; i < 376; i++)
		text[i] = (char)('A' + i % 26);
	text[376] = '\0';
	uint8_t tpdu[SIM_MAX_PARTS][SIM_TPDU_MAX];
	size_t lens[SIM_MAX_PARTS];
	int n = tsim_submits(text, "+15550001", false, 0, tpdu, lens);
	assert_int_equal(n, 3);
	char joined[400] = "";
	int ref = -1;
	for (int i = 0; i < n; i++) {
		struct sim_submit s;
		assert_int_equal(sim_pdu_decode_submit(tpdu[i], lens[i], &s), 0);
		assert_int_equal(s.part.concat.total, 3);
		assert_int_equal(s.part.concat.seq, i + 1);
		if (ref < 0)
			ref = s.part.concat.ref;
		assert_int_equal(s.part.concat.ref, ref);
		strcat(joined, s.part.text);
	}
	assert_string_equal(joined, text);
}

/* TS 23.038 4: group 01xx ("marked for automatic deletion") and the reserved codings carry
 * GSM 7 bit text, with TP-UDL in septets; the SMSC must take them whole, not as 8-bit data. */
static void submit_dcs_groups_count_septets_as_23038_says(void **state)
{
	(void)state;
	static const uint8_t dcs[] = {0x00, 0x40, 0x0C, 0x80, 0xC0, 0xD4, 0xF1, 0xF8};
	uint8_t tpdu[SIM_MAX_PARTS][SIM_TPDU_MAX];
	size_t lens[SIM_MAX_PARTS];
	for (size_t i = 0; i < sizeof(dcs); i++) {
		assert_int_equal(tsim_submits("Cold room 2 at 9.5C", "+15550001", false, 1, tpdu, lens), 1);
		size_t dcs_pos = 4 + (tpdu[0][2] + 1u) / 2u + 1;
		assert_int_equal(tpdu[0][dcs_pos], 0x00);
		tpdu[0][dcs_pos] = dcs[i];
		assert_int_equal(sim_pdu_submit_size(tpdu[0], lens[0]), (int)lens[0]);
		struct sim_submit s;
		assert_int_equal(sim_pdu_decode_submit(tpdu[0], lens[0], &s), 0);
		assert_int_equal(s.part.coding, SIM_CODING_GSM7);
		assert_string_equal(s.part.text, "Cold room 2 at 9.5C");
	}
}

static void deliver_round_trips_through_gammu(void **state)
{
	(void)state;
	struct sim_part p = {.text = "Temp 4.5C ok {alarm} €", .coding = SIM_CODING_GSM7};
	uint8_t tpdu[SIM_TPDU_MAX];
	int n = sim_pdu_build_deliver("+15550002001", &p, 1795594298, tpdu);
	assert_true(n > 0 && n <= SIM_TPDU_MAX);
	assert_int_equal(tpdu[0] & 0x03, 0x00); /* SMS-DELIVER */
	GSM_SMSMessage sms;
	gammu_decode(tpdu, n, &sms);
	assert_int_equal(sms.PDU, SMS_Deliver);
	assert_int_equal(sms.Class, -1); /* a plain SMS, not a flash (class 0) one */
	char num[64];
	EncodeUTF8(num, sms.Number);
	assert_string_equal(num, "+15550002001");
	char text[256];
	EncodeUTF8(text, sms.Text);
	assert_string_equal(text, "Temp 4.5C ok {alarm} €");
	assert_int_equal(sms.DateTime.Year, 2026);
	assert_int_equal(sms.DateTime.Month, 11);
	assert_int_equal(sms.DateTime.Day, 25);
}

static void deliver_ucs2_part_with_udh(void **state)
{
	(void)state;
	struct sim_part p = {
		.text = "Тревога", .coding = SIM_CODING_UCS2, .concat = {.ref = 7, .total = 2, .seq = 2}};
	uint8_t tpdu[SIM_TPDU_MAX];
	int n = sim_pdu_build_deliver("+15550003001", &p, 0, tpdu);
	assert_true(n > 0);
	assert_int_equal(tpdu[0] & 0x40, 0x40); /* UDHI */
	GSM_SMSMessage sms;
	gammu_decode(tpdu, n, &sms);
	assert_int_equal(sms.Coding, SMS_Coding_Unicode_No_Compression);
	assert_int_equal(sms.Class, -1);
	assert_int_equal(sms.UDH.ID8bit, 7);
	assert_int_equal(sms.UDH.PartNumber, 2);
	assert_int_equal(sms.UDH.AllParts, 2);
	char text[256];
	EncodeUTF8(text, sms.Text);
	assert_string_equal(text, "Тревога");
}

static void status_report_matches_what_gammu_smsd_decoded(void **state)
{
	(void)state;
	/* The +CDS PDU gammu-smsd logged as "Delivered to +15550001, message reference 0x01"
	 * (at-clients.md 4.3), SMSC octets removed: 2026-11-25 08:11:38 UTC. */
	uint8_t tpdu[SIM_TPDU_MAX];
	int n = sim_pdu_build_status_report(1, "+15550001", 1795594298, 1795594298, SIM_TP_STATUS_DELIVERED,
					    tpdu);
	char hex[2 * SIM_TPDU_MAX + 1];
	hex_encode(tpdu, (size_t)n, hex);
	assert_string_equal(hex, "0601089151550010621152801183006211528011830000");
	GSM_SMSMessage sms;
	n = sim_pdu_build_status_report(9, "+15559999", 0, 60, SIM_TP_STATUS_INCOMPATIBLE, tpdu);
	gammu_decode(tpdu, n, &sms);
	assert_int_equal(sms.PDU, SMS_Status_Report);
	assert_int_equal(sms.MessageReference, 9);
	assert_int_equal(sms.DeliveryStatus, SIM_TP_STATUS_INCOMPATIBLE);
}

static void split_long_gsm_text_like_a_handset(void **state)
{
	(void)state;
	char text[400];
	for (int i = 0; i < 376; i++)
		text[i] = (char)('a' + i % 26);
	text[376] = '\0';
	struct sim_part parts[SIM_MAX_PARTS];
	int n = sim_pdu_split(text, false, 0x94, parts);
	assert_int_equal(n, 3);
	char joined[400] = "";
	for (int i = 0; i < n; i++) {
		assert_int_equal(parts[i].coding, SIM_CODING_GSM7);
		assert_int_equal(parts[i].concat.ref, 0x94);
		assert_int_equal(parts[i].concat.total, 3);
		assert_int_equal(parts[i].concat.seq, i + 1);
		strcat(joined, parts[i].text);
		uint8_t tpdu[SIM_TPDU_MAX];
		assert_true(sim_pdu_build_deliver("+1555", &parts[i], 0, tpdu) > 0);
	}
	assert_int_equal(strlen(parts[0].text), 153);
	assert_string_equal(joined, text);
}

static void split_chooses_ucs2_when_needed_or_asked(void **state)
{
	(void)state;
	struct sim_part parts[SIM_MAX_PARTS];
	assert_int_equal(sim_pdu_split("Hello", false, 1, parts), 1);
	assert_int_equal(parts[0].coding, SIM_CODING_GSM7);
	assert_int_equal(parts[0].concat.total, 0);
	assert_int_equal(sim_pdu_split("Hello", true, 1, parts), 1);
	assert_int_equal(parts[0].coding, SIM_CODING_UCS2);
	assert_int_equal(sim_pdu_split("ACK 日本", false, 1, parts), 1);
	assert_int_equal(parts[0].coding, SIM_CODING_UCS2);
	assert_string_equal(parts[0].text, "ACK 日本");
	char text[80 * 3 + 1] = "";
	for (int i = 0; i < 80; i++)
		strcat(text, "Ж");
	assert_int_equal(sim_pdu_split(text, false, 1, parts), 2);
}

static void split_refuses_bad_text(void **state)
{
	(void)state;
	struct sim_part parts[SIM_MAX_PARTS];
	assert_int_equal(sim_pdu_split("", false, 1, parts), -EINVAL);
	assert_int_equal(sim_pdu_split("bad \xC3\x28 utf8", false, 1, parts), -EINVAL);
	assert_int_equal(sim_pdu_split("\xED\xA0\x80", false, 1, parts), -EINVAL);
	size_t big = 153 * (SIM_MAX_PARTS + 1);
	char *text = malloc(big + 1);
	memset(text, 'x', big);
	text[big] = '\0';
	assert_int_equal(sim_pdu_split(text, false, 1, parts), -EMSGSIZE);
	free(text);
}

static void bad_submits_are_refused(void **state)
{
	(void)state;
	uint8_t good[SIM_TPDU_MAX];
	size_t n = unhex("11000891515500100000FF05E8329BFD06", good);
	struct sim_submit s;
	for (size_t cut = 0; cut < n; cut++)
		assert_int_equal(sim_pdu_decode_submit(good, cut, &s), -EINVAL);
	uint8_t deliver[SIM_TPDU_MAX];
	memcpy(deliver, good, n);
	deliver[0] = 0x04; /* an SMS-DELIVER is not a SUBMIT */
	assert_int_equal(sim_pdu_decode_submit(deliver, n, &s), -EINVAL);
	uint8_t longaddr[SIM_TPDU_MAX];
	memcpy(longaddr, good, n);
	longaddr[2] = 0xF0; /* 240 digits */
	assert_int_equal(sim_pdu_decode_submit(longaddr, n, &s), -EINVAL);
	uint8_t longud[SIM_TPDU_MAX];
	memcpy(longud, good, n);
	longud[11] = 0xA0; /* UDL 160 septets but 5 octets present */
	assert_int_equal(sim_pdu_decode_submit(longud, n, &s), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(submit_from_gammu_sendsms_decodes),
		cmocka_unit_test(submit_parts_keep_concatenation),
		cmocka_unit_test(submit_dcs_groups_count_septets_as_23038_says),
		cmocka_unit_test(deliver_round_trips_through_gammu),
		cmocka_unit_test(deliver_ucs2_part_with_udh),
		cmocka_unit_test(status_report_matches_what_gammu_smsd_decoded),
		cmocka_unit_test(split_long_gsm_text_like_a_handset),
		cmocka_unit_test(split_chooses_ucs2_when_needed_or_asked),
		cmocka_unit_test(split_refuses_bad_text),
		cmocka_unit_test(bad_submits_are_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
