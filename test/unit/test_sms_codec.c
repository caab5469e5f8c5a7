/* The SMS codec as a person sees it: what is sent for a text (one SMS or several, 7-bit or
 * UCS-2, the exact PDU gammu itself sends), what a received PDU says (sender, time, text,
 * parts, report status), and a clear reason for every PDU that cannot be read. */
#include "sms_codec.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static const struct sms_time SCTS = {
	.valid = true,
	.year = 2026,
	.month = 11,
	.day = 25,
	.hour = 3,
	.minute = 0,
	.second = 1,
	.tz_minutes = 60,
};

/* Decodes `hex` expecting success. */
static void decode_ok(const char *hex, int tpdu_len, struct sms_decoded *out)
{
	char why[160];
	int rc = sms_decode_pdu(hex, strlen(hex), tpdu_len, out, why, sizeof(why));

	if (rc != 0)
		fail_msg("decode of %s failed: %s", hex, why);
}

/* Encodes `text`, passes every part through an SMSC (SUBMIT -> DELIVER) and decodes it on
 * the receiving side; returns the text the recipient reads, parts joined in order. */
static char *through_network(const char *text, uint8_t ref, struct sms_submit *sub)
{
	struct sms_submit_opts opts = {.concat_ref = ref};
	char *joined = calloc(1, 8192);
	struct sms_decoded *d = malloc(sizeof(*d));

	assert_int_equal(sms_encode_submit("+15550001", text, &opts, sub), 0);
	for (int i = 0; i < sub->part_count; i++) {
		char hex[SMS_PDU_HEX_MAX];
		int tpdu_len = 0;

		assert_int_equal((int)strlen(sub->parts[i].hex), 2 + 2 * sub->parts[i].tpdu_len);
		assert_int_equal(sms_deliver_from_submit(sub->parts[i].hex, "+15550002", &SCTS, hex,
							 sizeof(hex), &tpdu_len),
				 0);
		decode_ok(hex, tpdu_len, d);
		assert_int_equal(d->kind, SMS_KIND_DELIVER);
		assert_string_equal(d->number, "+15550002");
		assert_int_equal((int)d->encoding, (int)sub->encoding);
		if (sub->part_count > 1) {
			assert_true(d->concat.present);
			assert_false(d->concat.ref16);
			assert_int_equal(d->concat.ref, ref);
			assert_int_equal(d->concat.total, sub->part_count);
			assert_int_equal(d->concat.seq, i + 1);
		} else {
			assert_false(d->concat.present);
		}
		strcat(joined, d->text);
	}
	free(d);
	return joined;
}

static void roundtrip(const char *text, enum sms_encoding enc, int parts, int units)
{
	struct sms_submit *sub = malloc(sizeof(*sub));
	char *got = through_network(text, 0x5a, sub);

	assert_string_equal(got, text);
	assert_int_equal(sub->encoding, enc);
	assert_int_equal(sub->part_count, parts);
	assert_int_equal(sub->units, units);
	free(got);
	free(sub);
}

static char *repeat(const char *unit, int n, const char *tail)
{
	char *s = calloc(1, strlen(unit) * (size_t)n + strlen(tail) + 1);

	for (int i = 0; i < n; i++)
		strcat(s, unit);
	strcat(s, tail);
	return s;
}

/* The PDU gammu 1.42 sends for `gammu sendsms TEXT +15550001 -text hello` (at-clients.md). */
static void test_encode_matches_gammu_cli(void **state)
{
	struct sms_submit_opts opts = {.smsc = "+15550000000", .validity_minutes = 63 * 10080};
	struct sms_submit sub;

	(void)state;
	assert_int_equal(sms_encode_submit("+15550001", "hello", &opts, &sub), 0);
	assert_int_equal(sub.part_count, 1);
	assert_int_equal(sub.encoding, SMS_ENCODING_GSM7);
	assert_string_equal(sub.parts[0].hex, "07915155000000F011000891515500100000FF05E8329BFD06");
	assert_int_equal(sub.parts[0].tpdu_len, 17);
}

static void test_encode_sim_smsc_no_validity(void **state)
{
	struct sms_submit sub;

	(void)state;
	assert_int_equal(sms_encode_submit("+15550001", "hello", NULL, &sub), 0);
	assert_string_equal(sub.parts[0].hex, "0001000891515500100000"
					      "05E8329BFD06");
	assert_int_equal(sub.parts[0].tpdu_len, 16);
}

static void test_encode_status_report_request(void **state)
{
	struct sms_submit_opts opts = {.status_report = true, .validity_minutes = 60};
	struct sms_submit sub;

	(void)state;
	assert_int_equal(sms_encode_submit("0700900123", "x", &opts, &sub), 0);
	/* FO 31: SUBMIT, relative VP, SRR; national number (TON unknown 81); VP 0B = 1 hour */
	assert_string_equal(sub.parts[0].hex, "0031000A817000091032"
					      "0000"
					      "0B"
					      "0178");
}

static void test_validity_rounds_up(void **state)
{
	static const struct {
		uint32_t minutes;
		const char *vp;
	} cases[] = {
		{1, "00"},    {5, "00"},        {6, "01"},        {60, "0B"},        {721, "90"},
		{1440, "A7"}, {3 * 1440, "A9"}, {7 * 1440, "AD"}, {31 * 1440, "C5"}, {100000 * 1440u, "FF"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sms_submit_opts opts = {.validity_minutes = cases[i].minutes};
		struct sms_submit sub;

		assert_int_equal(sms_encode_submit("+1", "a", &opts, &sub), 0);
		/* 00 | FO | MR | 01 91 F1 | PID | DCS | VP */
		assert_memory_equal(sub.parts[0].hex + 16, cases[i].vp, 2);
	}
}

static void test_gsm7_roundtrip(void **state)
{
	(void)state;
	roundtrip("Cold room 2: 7.5C HIGH, reply ACK 17", SMS_ENCODING_GSM7, 1, 36);
	roundtrip("@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./", SMS_ENCODING_GSM7, 1, 45);
	roundtrip("", SMS_ENCODING_GSM7, 1, 0);
}

static void test_extension_table_counts_two(void **state)
{
	(void)state;
	roundtrip("5€ [a] {b} ~c^ |d\\", SMS_ENCODING_GSM7, 1, 27);
}

static void test_one_foreign_char_goes_ucs2(void **state)
{
	(void)state;
	roundtrip("Temperature 7°C in zażółć", SMS_ENCODING_UCS2, 1, 25);
	roundtrip("Привет", SMS_ENCODING_UCS2, 1, 6);
}

static void test_emoji_surrogate_pairs(void **state)
{
	(void)state;
	roundtrip("ok 😀👍", SMS_ENCODING_UCS2, 1, 7);
}

static void test_single_and_multipart_boundaries(void **state)
{
	char *s;

	(void)state;
	roundtrip(s = repeat("a", 160, ""), SMS_ENCODING_GSM7, 1, 160), free(s);
	roundtrip(s = repeat("a", 161, ""), SMS_ENCODING_GSM7, 2, 161), free(s);
	roundtrip(s = repeat("a", 306, ""), SMS_ENCODING_GSM7, 2, 306), free(s);
	roundtrip(s = repeat("a", 307, ""), SMS_ENCODING_GSM7, 3, 307), free(s);
	roundtrip(s = repeat("ж", 70, ""), SMS_ENCODING_UCS2, 1, 70), free(s);
	roundtrip(s = repeat("ж", 71, ""), SMS_ENCODING_UCS2, 2, 71), free(s);
	roundtrip(s = repeat("ж", 134, ""), SMS_ENCODING_UCS2, 2, 134), free(s);
	roundtrip(s = repeat("ж", 135, ""), SMS_ENCODING_UCS2, 3, 135), free(s);
}

/* An escape and its character (or a surrogate pair) stay in the same part. */
static void test_no_split_inside_a_character(void **state)
{
	struct sms_submit sub;
	char *s;

	(void)state;
	s = repeat("a", 152, "€bbbbbbbbbb");
	assert_int_equal(sms_encode_submit("+1", s, NULL, &sub), 0);
	assert_int_equal(sub.part_count, 2);
	/* part 1: UDL 159 = 7 header septets + 152 characters; the euro sign moves on */
	assert_memory_equal(sub.parts[0].hex + 16, "9F", 2);
	roundtrip(s, SMS_ENCODING_GSM7, 2, 164);
	free(s);
	s = repeat("a", 66, "😀xyz");
	assert_int_equal(sms_encode_submit("+1", s, NULL, &sub), 0);
	assert_int_equal(sub.part_count, 2);
	assert_memory_equal(sub.parts[0].hex + 16, "8A", 2); /* 6 + 66 * 2 octets */
	roundtrip(s, SMS_ENCODING_UCS2, 2, 71);
	free(s);
}

/* The three parts of gammu's -len 400 example: FO 51, UDH 050003rr03nn, UDL A0 A0 4D. */
static void test_multipart_headers_like_gammu(void **state)
{
	struct sms_submit_opts opts = {
		.smsc = "+15550000000", .validity_minutes = 63 * 10080, .concat_ref = 0x94};
	struct sms_submit sub;
	char *s = repeat("a", 376, "");

	(void)state;
	assert_int_equal(sms_encode_submit("+15550001", s, &opts, &sub), 0);
	assert_int_equal(sub.part_count, 3);
	assert_memory_equal(sub.parts[0].hex, "07915155000000F051000891515500100000FFA0050003940301", 52);
	assert_memory_equal(sub.parts[1].hex + 38, "A0050003940302", 14);
	assert_memory_equal(sub.parts[2].hex + 38, "4D050003940303", 14);
	assert_int_equal(sub.parts[0].tpdu_len, 152);
	assert_int_equal(sub.parts[2].tpdu_len, 80);
	free(s);
}

/* Long texts: one character that 7-bit cannot carry, wherever it is, makes the text UCS-2;
 * extension characters alone keep it 7-bit. */
static void test_long_text_encoding_choice(void **state)
{
	char *s;

	(void)state;
	roundtrip(s = repeat("a", 300, "ł"), SMS_ENCODING_UCS2, 5, 301), free(s);
	roundtrip(s = repeat("a", 63,
			     "😀 end of a long line that needs more than one SMS to carry "
			     "all of it, really, more than one hundred and sixty units"),
		  SMS_ENCODING_UCS2, 3, 179),
		free(s);
	roundtrip(s = repeat("{x}", 100, ""), SMS_ENCODING_GSM7, 4, 500), free(s);
	roundtrip(s = repeat("Å", 200, "é"), SMS_ENCODING_GSM7, 2, 201), free(s);
}

static void test_plan_tells_parts(void **state)
{
	enum sms_encoding enc;
	int parts, units;
	char *s = repeat("x", 400, "");

	(void)state;
	assert_int_equal(sms_plan(s, &enc, &parts, &units), 0);
	assert_int_equal(enc, SMS_ENCODING_GSM7);
	assert_int_equal(parts, 3);
	assert_int_equal(units, 400);
	assert_int_equal(sms_plan("°", &enc, &parts, &units), 0);
	assert_int_equal(enc, SMS_ENCODING_UCS2);
	free(s);
}

static void test_encode_rejects_bad_input(void **state)
{
	struct sms_submit sub;
	struct sms_submit_opts bad_smsc = {.smsc = "+1555x"};
	char *huge = repeat("a", SMS_MAX_PARTS * 153 + 1, "");

	(void)state;
	assert_int_equal(sms_encode_submit("", "hi", NULL, &sub), -EINVAL);
	assert_int_equal(sms_encode_submit("+", "hi", NULL, &sub), -EINVAL);
	assert_int_equal(sms_encode_submit("+1555 0001", "hi", NULL, &sub), -EINVAL);
	assert_int_equal(sms_encode_submit("123456789012345678901", "hi", NULL, &sub), -EINVAL);
	assert_int_equal(sms_encode_submit("+15550001", "bad \xc3(", NULL, &sub), -EINVAL);
	assert_int_equal(sms_encode_submit("+15550001", "\xed\xa0\x80", NULL, &sub), -EINVAL);
	assert_int_equal(sms_encode_submit("+15550001", "\xc0\xaf", NULL, &sub), -EINVAL);
	assert_int_equal(sms_encode_submit("+15550001", "hi", &bad_smsc, &sub), -EINVAL);
	assert_int_equal(sms_encode_submit("+15550001", huge, NULL, &sub), -EMSGSIZE);
	free(huge);
	huge = repeat("ж", SMS_MAX_PARTS * 67 + 1, "");
	assert_int_equal(sms_encode_submit("+15550001", huge, NULL, &sub), -EMSGSIZE);
	free(huge);
}

/* Received by the simulator in at-clients.md from `gammu sendsms`: +CMGL: 1,0,,34 */
static void test_decode_real_deliver(void **state)
{
	struct sms_decoded d;

	(void)state;
	decode_ok("07915155000000F00408915155002000006211528093850013C8329BFD0699E5EF36685E76CFDF72500C", 34,
		  &d);
	assert_int_equal(d.kind, SMS_KIND_DELIVER);
	assert_string_equal(d.smsc, "+15550000000");
	assert_string_equal(d.number, "+15550002");
	assert_string_equal(d.text, "Hello from sensor 1");
	assert_int_equal(d.text_len, 19);
	assert_int_equal(d.encoding, SMS_ENCODING_GSM7);
	assert_true(d.scts.valid);
	assert_int_equal(d.scts.year, 2026);
	assert_int_equal(d.scts.month, 11);
	assert_int_equal(d.scts.day, 25);
	assert_int_equal(d.scts.hour, 8);
	assert_int_equal(d.scts.minute, 39);
	assert_int_equal(d.scts.second, 58);
	assert_int_equal(d.scts.tz_minutes, 0);
	assert_int_equal(d.scts.utc_s, 1795595998);
	assert_false(d.concat.present);
	/* some modems print lowercase hex */
	decode_ok("07915155000000f00408915155002000006211528093850013c8329bfd0699e5ef36685e76cfdf72500c", 34,
		  &d);
	assert_string_equal(d.text, "Hello from sensor 1");
}

/* An alphanumeric sender (TON 101, TS 23.040 9.1.2.5), a widely published example PDU. */
static void test_decode_alphanumeric_sender(void **state)
{
	struct sms_decoded d;

	(void)state;
	decode_ok("0791448720003023240DD0E474D81C0EBB010000111011315214000BE474D81C0EBB5DE3771B", -1, &d);
	assert_string_equal(d.number, "diafaan");
	assert_string_equal(d.smsc, "+447802000332");
	assert_string_equal(d.text, "diafaan.com");
	assert_int_equal(d.scts.year, 2011);
}

/* The classic example PDU of the GSM 03.40 tutorials (dreamfabric.com): national sender,
 * "hellohello", sent on 29 March 1999 at GMT+2. */
static void test_decode_classic_example(void **state)
{
	struct sms_decoded d;

	(void)state;
	decode_ok("07917283010010F5040BC87238880900F10000993092516195800AE8329BFD4697D9EC37", -1, &d);
	assert_string_equal(d.smsc, "+27381000015");
	assert_string_equal(d.number, "27838890001");
	assert_string_equal(d.text, "hellohello");
	assert_true(d.scts.valid);
	assert_int_equal(d.scts.year, 1999);
	assert_int_equal(d.scts.month, 3);
	assert_int_equal(d.scts.day, 29);
	assert_int_equal(d.scts.hour, 15);
	assert_int_equal(d.scts.minute, 16);
	assert_int_equal(d.scts.second, 59);
	assert_int_equal(d.scts.tz_minutes, 120);
	assert_int_equal(d.scts.utc_s, 922713419);
	/* 85 is 2085, not the 1995 libgammu would also call 2085 */
	decode_ok("07917283010010F5040BC87238880900F10000583092516195800AE8329BFD4697D9EC37", -1, &d);
	assert_int_equal(d.scts.year, 2085);
}

/* Time zones in quarter hours with a sign bit: -05:00 (0A) and +05:30 (22). */
static void test_decode_time_zones(void **state)
{
	struct sms_decoded d;

	(void)state;
	decode_ok("00040B914477000910F20000621152809385"
		  "0A"
		  "0131",
		  -1, &d);
	assert_int_equal(d.scts.tz_minutes, -300);
	assert_int_equal(d.scts.utc_s, 1795595998 + 5 * 3600);
	assert_string_equal(d.number, "+44770090012");
	assert_string_equal(d.text, "1");
	decode_ok("00040B914477000910F20000621152809385"
		  "22"
		  "0131",
		  -1, &d);
	assert_int_equal(d.scts.tz_minutes, 330);
}

static void test_decode_8bit_as_hex(void **state)
{
	struct sms_decoded d;

	(void)state;
	decode_ok("00040B914477000910F200046211528093850005DEADBEEF00", 24, &d);
	assert_int_equal(d.encoding, SMS_ENCODING_8BIT);
	assert_string_equal(d.text, "DEADBEEF00");
	assert_int_equal(d.text_len, 10);
}

/* What a DELIVER is besides text (TS 23.040 9.2.3.9, TS 23.038 4, TS 23.040 9.2.3.24): flash
 * (class 0, in both DCS groups), 8-bit data, WAP push and another port, message waiting by
 * DCS and by IEI 01, type 0. Class 1 and a concatenation header are still text. */
static void test_decode_content(void **state)
{
	static const struct {
		const char *hex;
		int len;
		enum sms_content content;
		int port;
	} cases[] = {
		{"00040B915155003000F100006221202143000006536A905A9D02", 25, SMS_CONTENT_TEXT, 0},
		{"00040B915155003000F100116221202143000006536A905A9D02", 25, SMS_CONTENT_TEXT, 0},
		{"00440B915155003000F10000622120214300000D0500032A0201A6D420B53A05", 31, SMS_CONTENT_TEXT, 0},
		{"00040B915155003000F100106221202143000006536A905A9D02", 25, SMS_CONTENT_FLASH, 0},
		{"00040B915155003000F100F06221202143000006536A905A9D02", 25, SMS_CONTENT_FLASH, 0},
		{"00040B915155003000F100046221202143000006535441545553", 25, SMS_CONTENT_DATA, 0},
		{"00440B915155003000F10004622120214300000E0605040B8423F001060403AE81EA", 33, SMS_CONTENT_PORT,
		 2948},
		{"00440B915155003000F100F5622120214300000B040402E200535441545553", 30, SMS_CONTENT_PORT, 226},
		{"00040B915155003000F100C86221202143000006536A905A9D02", 25, SMS_CONTENT_WAITING, 0},
		{"00440B915155003000F10000622120214300000C04010280034CA9416A750A", 30, SMS_CONTENT_WAITING,
		 0},
		{"00040B915155003000F140006221202143000006536A905A9D02", 25, SMS_CONTENT_TYPE0, 0},
	};
	struct sms_decoded d;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		decode_ok(cases[i].hex, cases[i].len, &d);
		assert_string_equal(sms_content_str(d.content), sms_content_str(cases[i].content));
		assert_int_equal(d.port, cases[i].port);
		assert_string_equal(d.number, "+15550003001");
	}
	assert_string_equal(d.text, "STATUS");
}

/* UCS-2 with a surrogate pair, part 1 of 3 with a 16-bit reference (9.2.3.24.8). */
static void test_decode_ucs2_16bit_concat(void **state)
{
	struct sms_decoded d;

	(void)state;
	decode_ok("00440B914477000910F20008621152809385001106080401020301004800690020D83DDE00", -1, &d);
	assert_int_equal(d.encoding, SMS_ENCODING_UCS2);
	assert_string_equal(d.text, "Hi 😀");
	assert_true(d.concat.present);
	assert_true(d.concat.ref16);
	assert_int_equal(d.concat.ref, 0x0102);
	assert_int_equal(d.concat.total, 3);
	assert_int_equal(d.concat.seq, 1);
}

/* A concatenation IE after another IE (a port IE 05): still found (9.2.3.24). */
static void test_decode_concat_among_other_ies(void **state)
{
	struct sms_decoded d;

	(void)state;
	decode_ok("00440B914477000910F2000862115280938500100B0504158100000003AB020200480069", -1, &d);
	assert_true(d.concat.present);
	assert_false(d.concat.ref16);
	assert_int_equal(d.concat.ref, 0xAB);
	assert_int_equal(d.concat.seq, 2);
	assert_string_equal(d.text, "Hi");
}

/* A concatenation IE with part 0 is ignored (9.2.3.24.1): the part is shown alone. */
static void test_decode_concat_part_zero_ignored(void **state)
{
	struct sms_decoded d;

	(void)state;
	decode_ok("00440B914477000910F200086211528093850008050003AB02000048", -1, &d);
	assert_false(d.concat.present);
}

/* The report gammu-smsd decoded in at-clients.md: +CDS: 23 */
static void test_decode_real_status_report(void **state)
{
	struct sms_decoded d;

	(void)state;
	decode_ok("07915155000000F00601089151550010621152801183006211528011830000", 23, &d);
	assert_int_equal(d.kind, SMS_KIND_STATUS_REPORT);
	assert_int_equal(d.message_ref, 1);
	assert_string_equal(d.number, "+15550001");
	assert_int_equal(d.tp_status, 0);
	assert_int_equal(d.delivery, SMS_DELIVERY_DELIVERED);
	assert_true(d.discharge.valid);
	assert_int_equal(d.discharge.minute, 11);
}

static void test_decode_report_statuses(void **state)
{
	struct sms_decoded d;

	(void)state;
	decode_ok("0006"
		  "2A"
		  "0B914477000910F2"
		  "62115280938500"
		  "6211528004950A"
		  "46",
		  -1, &d);
	assert_int_equal(d.message_ref, 0x2A);
	assert_int_equal(d.delivery, SMS_DELIVERY_FAILED);
	assert_int_equal(d.discharge.tz_minutes, -300);
	assert_int_equal(d.discharge.hour, 8);
	decode_ok("0006"
		  "2B"
		  "0B914477000910F2"
		  "62115280938500"
		  "62115280049500"
		  "21",
		  -1, &d);
	assert_int_equal(d.delivery, SMS_DELIVERY_PENDING);
	/* TP-PI and what it announces may follow TP-ST (9.2.2.3) */
	decode_ok("0006"
		  "2C"
		  "0B914477000910F2"
		  "62115280938500"
		  "62115280049500"
		  "00"
		  "00",
		  -1, &d);
	assert_int_equal(d.delivery, SMS_DELIVERY_DELIVERED);
	assert_int_equal(sms_delivery_classify(0x1f), SMS_DELIVERY_DELIVERED);
	assert_int_equal(sms_delivery_classify(0x3f), SMS_DELIVERY_PENDING);
	assert_int_equal(sms_delivery_classify(0x60), SMS_DELIVERY_FAILED);
}

/* A time stamp that is not a date does not lose the message. */
static void test_decode_garbage_time_keeps_text(void **state)
{
	struct sms_decoded d;

	(void)state;
	decode_ok("00040B914477000910F20000"
		  "99999999999999"
		  "0131",
		  -1, &d);
	assert_false(d.scts.valid);
	assert_string_equal(d.text, "1");
}

static void expect_bad(const char *hex, int tpdu_len, const char *reason)
{
	struct sms_decoded d;
	char why[160] = "unchanged";
	int rc = sms_decode_pdu(hex, strlen(hex), tpdu_len, &d, why, sizeof(why));

	if (rc != -EBADMSG || strstr(why, reason) == NULL)
		fail_msg("%s: rc %d why \"%s\", wanted \"%s\"", hex, rc, why, reason);
}

static void test_decode_bad_pdus_named(void **state)
{
	static const char good[] =
		"07915155000000F00408915155002000006211528093850013C8329BFD0699E5EF36685E76CFDF72500C";
	char cut[sizeof(good)];

	(void)state;
	expect_bad("", -1, "empty");
	expect_bad("0791515500000", -1, "odd number of hex digits");
	expect_bad("00G4", -1, "position 2 is not a hex digit");
	expect_bad("07 91", -1, "not a hex digit");
	memcpy(cut, good, 60);
	cut[60] = '\0';
	expect_bad(cut, -1, "TP-UDL announces 17 octets of user data, only 5 present");
	expect_bad("07915155000000F004089151550020", -1, "truncated in TP-PID");
	expect_bad("07915155000000F00408915155002000006211528093850030C8329BFD06", -1,
		   "TP-UDL announces 42 octets");
	expect_bad("00040B914477000910F20000621152809385"
		   "00"
		   "A1",
		   -1, "exceeds 160 septets");
	expect_bad("00040B914477000910F20004621152809385"
		   "00"
		   "8D",
		   -1, "exceeds 140 octets");
	expect_bad("0003", -1, "reserved message type");
	expect_bad("0004FF91", -1, "TP-OA length 255 exceeds 20 digits");
	expect_bad("0408915155002000006211528093850013C8329BFD0699E5EF36685E76CFDF72500C", -1, "");
	expect_bad("2A00", -1, "SMSC length 42 exceeds 11 octets");
	expect_bad("0791515500", -1, "truncated in SMSC address");
	expect_bad("00040B914477000910F200006211528093850001310A", -1, "1 octets follow the user data");
	expect_bad("00440B914477000910F200006211528093850002"
		   "0500",
		   -1, "user data header length 5 does not fit 2 octets");
	expect_bad("00040B914477000910F20020621152809385000131", -1, "compressed");
	expect_bad("0006"
		   "2A"
		   "0B914477000910F2"
		   "62115280938500"
		   "6211528004",
		   -1, "truncated in TP-DT");
	expect_bad("0006", -1, "truncated in TP-MR");
}

/* What libgammu's AT driver reads, m2mon reads (see also test_sms_gammu_parity): a <length>
 * the modem miscounted, 0xFF padding after the user data, a quoted PDU, a header flag on an
 * empty message. */
static void test_decode_as_liberally_as_gammu(void **state)
{
	static const char good[] =
		"07915155000000F00408915155002000006211528093850013C8329BFD0699E5EF36685E76CFDF72500C";
	struct sms_decoded d;
	char quoted[sizeof(good) + 2];

	(void)state;
	decode_ok(good, 35, &d);
	assert_string_equal(d.text, "Hello from sensor 1");
	decode_ok("00040B914477000910F20000621152809385000131FFFFFF", -1, &d);
	assert_string_equal(d.text, "1");
	snprintf(quoted, sizeof(quoted), "%s\"", good);
	decode_ok(quoted, -1, &d);
	assert_string_equal(d.number, "+15550002");
	decode_ok("00440B914477000910F2000062115280938500"
		  "00",
		  -1, &d);
	assert_string_equal(d.text, "");
}

/* A stored SUBMIT (a phone's sent items on its SIM) decodes as one: recipient, text, TP-MR. */
static void test_decode_stored_submit(void **state)
{
	struct sms_decoded d;

	(void)state;
	decode_ok("0011000891515500100000FF05E8329BFD06", 17, &d);
	assert_int_equal(d.kind, SMS_KIND_SUBMIT);
	assert_string_equal(d.number, "+15550001");
	assert_string_equal(d.text, "hello");
	assert_false(d.scts.valid);
	decode_ok("0031070891515500100000FF05E8329BFD06", -1, &d);
	assert_int_equal(d.message_ref, 7);
	assert_string_equal(sms_kind_str(d.kind), "submit");
}

/* Why is optional, and a tiny buffer is truncated, never overrun. */
static void test_decode_why_buffer_optional(void **state)
{
	struct sms_decoded d;
	char why[8];

	(void)state;
	assert_int_equal(sms_decode_pdu("0003", 4, -1, &d, NULL, 0), -EBADMSG);
	assert_int_equal(sms_decode_pdu("0003", 4, -1, &d, why, sizeof(why)), -EBADMSG);
	assert_int_equal(strlen(why), 7);
}

static void test_deliver_from_submit_rejects(void **state)
{
	char hex[SMS_PDU_HEX_MAX];
	int len;
	struct sms_time bad = SCTS;

	(void)state;
	bad.valid = false;
	assert_int_equal(sms_deliver_from_submit("0003", "+1", &SCTS, hex, sizeof(hex), &len), -EBADMSG);
	/* a SUBMIT whose TP-UDL claims 255 septets: refused before libgammu reads it */
	assert_int_equal(sms_deliver_from_submit("0001000891515500100000FFE8329BFD06", "+1", &SCTS, hex,
						 sizeof(hex), &len),
			 -EBADMSG);
	assert_int_equal(sms_deliver_from_submit("0001000891515500100000"
						 "05E8329BFD0600",
						 "+1", &SCTS, hex, sizeof(hex), &len),
			 -EBADMSG);
	assert_int_equal(sms_deliver_from_submit("0001000891515500100000"
						 "05E8329BFD06",
						 "+1x", &SCTS, hex, sizeof(hex), &len),
			 -EINVAL);
	assert_int_equal(sms_deliver_from_submit("00040B914477000910F20000621152809385000131", "+1", &SCTS,
						 hex, sizeof(hex), &len),
			 -EBADMSG);
	assert_int_equal(sms_deliver_from_submit("0001000891515500100000"
						 "05E8329BFD06",
						 "+1", &bad, hex, sizeof(hex), &len),
			 -EINVAL);
	bad = SCTS;
	bad.tz_minutes = 19 * 60;
	assert_int_equal(sms_deliver_from_submit("0001000891515500100000"
						 "05E8329BFD06",
						 "+1", &bad, hex, sizeof(hex), &len),
			 -EINVAL);
	assert_int_equal(sms_deliver_from_submit("0001000891515500100000"
						 "05E8329BFD06",
						 "+1", &SCTS, hex, 10, &len),
			 -ENOSPC);
	assert_int_equal(sms_deliver_from_submit("0001000891515500100000"
						 "05E8329BFD06",
						 "+1", &SCTS, hex, sizeof(hex), &len),
			 0);
	/* SMSC 00, FO 04, OA +1, PID, DCS, SCTS with +01:00 (40), UDL 5, "hello" */
	assert_string_equal(hex, "0004"
				 "0191F1"
				 "0000"
				 "62115230001040"
				 "05E8329BFD06");
}

/* The SC passes the user data through octet for octet, whatever header it carries (found by
 * fuzz_pdu: re-encoding a 17-octet header with 7-bit text added an octet). */
static void test_deliver_keeps_user_data_octets(void **state)
{
	static const char submit[] = "0071000C914477000910320000A718"
				     "100006840404F0783C2E8FC7E3F1783C1E8FC7E3F1";
	char hex[SMS_PDU_HEX_MAX];
	struct sms_decoded d;
	int len;

	(void)state;
	assert_int_equal(sms_deliver_from_submit(submit, "+15550002", &SCTS, hex, sizeof(hex), &len), 0);
	assert_string_equal(hex + strlen(hex) - 44, "18"
						    "100006840404F0783C2E8FC7E3F1783C1E8FC7E3F1");
	decode_ok(hex, len, &d);
	assert_int_equal(d.encoding, SMS_ENCODING_GSM7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode_matches_gammu_cli),
		cmocka_unit_test(test_encode_sim_smsc_no_validity),
		cmocka_unit_test(test_encode_status_report_request),
		cmocka_unit_test(test_validity_rounds_up),
		cmocka_unit_test(test_gsm7_roundtrip),
		cmocka_unit_test(test_extension_table_counts_two),
		cmocka_unit_test(test_one_foreign_char_goes_ucs2),
		cmocka_unit_test(test_emoji_surrogate_pairs),
		cmocka_unit_test(test_single_and_multipart_boundaries),
		cmocka_unit_test(test_no_split_inside_a_character),
		cmocka_unit_test(test_multipart_headers_like_gammu),
		cmocka_unit_test(test_long_text_encoding_choice),
		cmocka_unit_test(test_plan_tells_parts),
		cmocka_unit_test(test_encode_rejects_bad_input),
		cmocka_unit_test(test_decode_real_deliver),
		cmocka_unit_test(test_decode_alphanumeric_sender),
		cmocka_unit_test(test_decode_classic_example),
		cmocka_unit_test(test_decode_time_zones),
		cmocka_unit_test(test_decode_8bit_as_hex),
		cmocka_unit_test(test_decode_content),
		cmocka_unit_test(test_decode_ucs2_16bit_concat),
		cmocka_unit_test(test_decode_concat_among_other_ies),
		cmocka_unit_test(test_decode_concat_part_zero_ignored),
		cmocka_unit_test(test_decode_real_status_report),
		cmocka_unit_test(test_decode_report_statuses),
		cmocka_unit_test(test_decode_garbage_time_keeps_text),
		cmocka_unit_test(test_decode_bad_pdus_named),
		cmocka_unit_test(test_decode_as_liberally_as_gammu),
		cmocka_unit_test(test_decode_stored_submit),
		cmocka_unit_test(test_decode_why_buffer_optional),
		cmocka_unit_test(test_deliver_from_submit_rejects),
		cmocka_unit_test(test_deliver_keeps_user_data_octets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
