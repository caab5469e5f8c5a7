/* The message format end to end: every kind survives the round trip at its limits, reads as
 * a sentence where a person sees it, fits one SMS when typical; a forged, re-keyed,
 * truncated or turned-around message is refused with its reason, and so is hostile text. */
#include "alert_channel.h"
#include "proto.h"
#include "proto_fixture.h"
#include "proto_window.h"

#include <errno.h>
#include <setjmp.h>
#include <sodium.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

static int setup(void **state)
{
	(void)state;
	return proto_init();
}

static int encode(const struct proto_msg *m, char *out)
{
	int n = proto_encode(m, fixture_key, 0, out, PROTO_TEXT_MAX);
	if (n < 0)
		fail_msg("encode %s: %d", proto_kind_str(m->head.kind), n);
	return n;
}

static int open_text(const char *text, struct proto_msg *m, struct proto_error *err)
{
	struct proto_head h;
	int rc = proto_peek(text, strlen(text), &h, NULL);
	enum proto_dir dir = rc == 0 ? proto_kind_dir(h.kind) : PROTO_DIR_UNIT_TO_BASE;
	return proto_open(text, strlen(text), fixture_key, dir, m, err);
}

/* The tag as docs/protocol.md defines it, computed here without the library's code: HMAC-
 * SHA-256 over the direction letter and the text, the first 11 characters of its base64. */
static void sign(const char *unsigned_text, char dir, char *out)
{
	uint8_t mac[crypto_auth_hmacsha256_BYTES];
	char b64[sodium_base64_ENCODED_LEN(sizeof(mac), sodium_base64_VARIANT_ORIGINAL_NO_PADDING)];
	crypto_auth_hmacsha256_state st;
	size_t len = strlen(unsigned_text);
	crypto_auth_hmacsha256_init(&st, fixture_key, sizeof(fixture_key));
	crypto_auth_hmacsha256_update(&st, (const uint8_t *)&dir, 1);
	crypto_auth_hmacsha256_update(&st, (const uint8_t *)unsigned_text, len);
	crypto_auth_hmacsha256_update(&st, (const uint8_t *)" ", 1);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2base64(b64, sizeof(b64), mac, sizeof(mac), sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
	snprintf(out, PROTO_TEXT_MAX + 16, "%s %.11s", unsigned_text, b64);
}

static void every_kind_round_trips_at_its_limits(void **state)
{
	(void)state;
	static struct proto_msg m, back;
	char text[PROTO_TEXT_MAX];
	for (int k = 0; k < PROTO_KIND_COUNT; k++) {
		for (int v = 0; v < FIXTURE_VARIANTS; v++) {
			fixture_msg(&m, (enum proto_kind)k, (enum fixture_variant)v);
			int n = encode(&m, text);
			assert_int_equal((size_t)n, strlen(text));
			struct proto_head h;
			assert_int_equal(proto_peek(text, (size_t)n, &h, NULL), 0);
			assert_int_equal(h.kind, k);
			assert_string_equal(h.unit, m.head.unit);
			assert_int_equal(h.seq, m.head.seq);
			struct proto_error err = {0};
			memset(&back, 0x5A, sizeof(back));
			int rc = open_text(text, &back, &err);
			if (rc != 0)
				fail_msg("%s/%d: %s at %zu in \"%s\"", proto_kind_str(k), v,
					 proto_reject_str(err.reason), err.at, text);
			if (memcmp(&m, &back, sizeof(m)) != 0)
				fail_msg("%s/%d: fields differ after the round trip of \"%s\"",
					 proto_kind_str(k), v, text);
		}
	}
}

static void typical_messages_fit_one_sms_in_the_safe_alphabet(void **state)
{
	(void)state;
	static struct proto_msg m;
	char text[PROTO_TEXT_MAX];
	for (int k = 0; k < PROTO_KIND_COUNT; k++) {
		fixture_msg(&m, (enum proto_kind)k, FIXTURE_TYPICAL);
		int n = encode(&m, text);
		if (n > PROTO_SMS_CHARS)
			fail_msg("%s takes %d characters: \"%s\"", proto_kind_str(k), n, text);
		for (int i = 0; i < n; i++) {
			unsigned char c = (unsigned char)text[i];
			assert_true(c >= 0x20 && c < 0x7F);
			assert_null(strchr("@`[]{}\\^~|", c));
		}
	}
}

static void sentence_of(enum proto_kind kind, enum proto_level level, int utc_offset_min, const char *want)
{
	static struct proto_msg m;
	char text[PROTO_TEXT_MAX];
	fixture_msg(&m, kind, FIXTURE_TYPICAL);
	if (kind == PROTO_KIND_ALARM || kind == PROTO_KIND_CLEAR)
		m.u.event.level = level;
	assert_true(proto_encode(&m, fixture_key, utc_offset_min, text, sizeof(text)) > 0);
	if (strncmp(text, want, strlen(want)) != 0 || text[strlen(want)] != '#')
		fail_msg("got \"%s\", want it to start \"%s#\"", text, want);
}

static void alarms_read_as_a_sentence_before_the_machine_fields(void **state)
{
	(void)state;
	static struct proto_msg m;
	char text[PROTO_TEXT_MAX];
	sentence_of(PROTO_KIND_ALARM, PROTO_LEVEL_HIGH, 0, "WH1 ALARM T1 9.4C above 8.0C since 02:52 ");
	sentence_of(PROTO_KIND_ALARM, PROTO_LEVEL_HIGH, 60, "WH1 ALARM T1 9.4C above 8.0C since 03:52 ");
	sentence_of(PROTO_KIND_ALARM, PROTO_LEVEL_HIGH, -180, "WH1 ALARM T1 9.4C above 8.0C since 23:52 ");
	sentence_of(PROTO_KIND_ALARM, PROTO_LEVEL_HIGH_HIGH, 0,
		    "WH1 ALARM T1 9.4C above critical 8.0C since 02:52 ");
	sentence_of(PROTO_KIND_ALARM, PROTO_LEVEL_LOW, 0, "WH1 ALARM T1 9.4C below 8.0C since 02:52 ");
	sentence_of(PROTO_KIND_ALARM, PROTO_LEVEL_LOW_LOW, 0,
		    "WH1 ALARM T1 9.4C below critical 8.0C since 02:52 ");
	sentence_of(PROTO_KIND_ALARM, PROTO_LEVEL_RATE, 0,
		    "WH1 ALARM T1 9.4C changing fast (over 8.0C) since 02:52 ");
	sentence_of(PROTO_KIND_CLEAR, PROTO_LEVEL_HIGH, 0, "WH1 CLEAR T1 7.4C back below 7.5C since 02:52 ");
	sentence_of(PROTO_KIND_CLEAR, PROTO_LEVEL_LOW, 0, "WH1 CLEAR T1 7.4C back above 7.5C since 02:52 ");
	sentence_of(PROTO_KIND_CLEAR, PROTO_LEVEL_HIGH_HIGH, 0,
		    "WH1 CLEAR T1 7.4C out of critical, below 7.5C since 02:52 ");
	sentence_of(PROTO_KIND_CLEAR, PROTO_LEVEL_RATE, 0, "WH1 CLEAR T1 7.4C steady again since 02:52 ");
	sentence_of(PROTO_KIND_FAULT, PROTO_LEVEL_PROBE, 0, "WH1 PROBE FAULT T1 since 02:52, last 9.4C ");
	sentence_of(PROTO_KIND_FAULT_END, PROTO_LEVEL_PROBE, 0, "WH1 PROBE OK T1 9.4C since 02:52 ");
	sentence_of(PROTO_KIND_POWER, PROTO_LEVEL_PROBE, 0,
		    "WH1 BATTERY LOW since 02:59, battery 11% 3.410V ");
	fixture_msg(&m, PROTO_KIND_ALARM, FIXTURE_TYPICAL);
	m.u.event.value_c10 = -5;
	m.u.event.threshold_c10 = -120;
	assert_true(proto_encode(&m, fixture_key, 0, text, sizeof(text)) > 0);
	assert_non_null(strstr(
		text,
		"WH1 ALARM T1 -0.5C above -12.0C since 02:52 #1A WH1 1234 1764039600 T1 H -5 -120 480 "));
	fixture_msg(&m, PROTO_KIND_HEARTBEAT, FIXTURE_TYPICAL);
	assert_true(proto_encode(&m, fixture_key, 0, text, sizeof(text)) > 0);
	assert_int_equal(text[0], '#'); /* machine kinds have no sentence */
}

static void the_tag_is_the_documented_hmac(void **state)
{
	(void)state;
	static struct proto_msg m;
	char text[PROTO_TEXT_MAX], again[PROTO_TEXT_MAX + 16], body[PROTO_TEXT_MAX];
	for (int k = 0; k < PROTO_KIND_COUNT; k++) {
		fixture_msg(&m, (enum proto_kind)k, FIXTURE_TYPICAL);
		int n = encode(&m, text);
		snprintf(body, sizeof(body), "%.*s", n - PROTO_TAG_CHARS - 1, text);
		sign(body, proto_kind_dir((enum proto_kind)k) == PROTO_DIR_UNIT_TO_BASE ? 'U' : 'B', again);
		assert_string_equal(again, text);
	}
}

static void one_character_changed_anywhere_is_refused(void **state)
{
	(void)state;
	static struct proto_msg m, back;
	static const char swaps[] = "0aZ# .-9";
	char text[PROTO_TEXT_MAX], forged[PROTO_TEXT_MAX];
	int tried = 0;
	for (int k = 0; k < PROTO_KIND_COUNT; k++) {
		for (int v = 0; v < FIXTURE_VARIANTS; v++) {
			fixture_msg(&m, (enum proto_kind)k, (enum fixture_variant)v);
			int n = encode(&m, text);
			for (int i = 0; i < n; i++) {
				for (const char *c = swaps; *c; c++) {
					if (*c == text[i])
						continue;
					memcpy(forged, text, (size_t)n + 1);
					forged[i] = *c;
					if (open_text(forged, &back, NULL) == 0)
						fail_msg("accepted \"%s\" (was \"%s\")", forged, text);
					tried++;
				}
			}
		}
	}
	assert_true(tried > 20000);
}

/* The receiver's order (proto.h): peek, the window, open, store, accept. */
static int receive(const char *text, struct proto_window *w, struct proto_error *err)
{
	static struct proto_msg m;
	struct proto_head h;
	int rc = proto_peek(text, strlen(text), &h, err);
	if (rc == 0)
		rc = proto_window_check(w, h.seq, err);
	if (rc == 0)
		rc = proto_open(text, strlen(text), fixture_key, PROTO_DIR_UNIT_TO_BASE, &m, err);
	if (rc == 0)
		proto_window_accept(w, m.head.seq);
	return rc;
}

static void a_copy_or_a_replay_is_refused_and_a_late_message_taken(void **state)
{
	(void)state;
	static struct proto_msg m;
	char texts[200][PROTO_TEXT_MAX];
	struct proto_window w;
	struct proto_error err;
	proto_window_init(&w);
	fixture_msg(&m, PROTO_KIND_HEARTBEAT, FIXTURE_TYPICAL);
	for (int i = 0; i < 200; i++) {
		m.head.seq = 5000 + (uint32_t)i;
		encode(&m, texts[i]);
	}
	assert_int_equal(receive(texts[3], &w, &err), 0);
	assert_int_equal(receive(texts[3], &w, &err), -EALREADY); /* the SMSC delivered it twice */
	assert_int_equal(err.reason, PROTO_REJECT_DUPLICATE);
	assert_int_equal(receive(texts[1], &w, &err), 0); /* overtaken on the way */
	assert_int_equal(receive(texts[2], &w, &err), 0);
	assert_int_equal(receive(texts[199], &w, &err), 0);
	assert_int_equal(receive(texts[199 - 127], &w, &err), 0); /* the oldest the window holds */
	assert_int_equal(receive(texts[199 - 128], &w, &err), -ESTALE);
	assert_int_equal(err.reason, PROTO_REJECT_TOO_OLD);
	assert_int_equal(receive(texts[1], &w, &err), -ESTALE); /* a replay of an old one */
	/* A forged copy of a new seq does not move the window. */
	char forged[PROTO_TEXT_MAX];
	m.head.seq = 9000;
	int n = encode(&m, forged);
	forged[n - 1] = forged[n - 1] == 'A' ? 'B' : 'A';
	assert_int_equal(receive(forged, &w, &err), -EACCES);
	assert_int_equal(w.top, 5199);
}

static void a_wrong_key_or_the_other_direction_is_refused(void **state)
{
	(void)state;
	static struct proto_msg m, back;
	char text[PROTO_TEXT_MAX], turned[PROTO_TEXT_MAX + 16], body[PROTO_TEXT_MAX];
	uint8_t other[PROTO_KEY_LEN];
	memcpy(other, fixture_key, sizeof(other));
	other[31] ^= 1;
	struct proto_error err;
	for (int k = 0; k < PROTO_KIND_COUNT; k++) {
		fixture_msg(&m, (enum proto_kind)k, FIXTURE_TYPICAL);
		int n = encode(&m, text);
		enum proto_dir dir = proto_kind_dir((enum proto_kind)k);
		assert_int_equal(proto_open(text, (size_t)n, other, dir, &back, &err), -EACCES);
		assert_int_equal(err.reason, PROTO_REJECT_TAG);
		/* The same text signed for the other direction does not verify in this one. */
		snprintf(body, sizeof(body), "%.*s", n - PROTO_TAG_CHARS - 1, text);
		sign(body, dir == PROTO_DIR_UNIT_TO_BASE ? 'B' : 'U', turned);
		assert_int_equal(proto_open(turned, strlen(turned), fixture_key, dir, &back, &err), -EACCES);
		assert_int_equal(err.reason, PROTO_REJECT_TAG);
		/* And a kind of one direction arriving at the other end is refused before its tag. */
		enum proto_dir wrong =
			dir == PROTO_DIR_UNIT_TO_BASE ? PROTO_DIR_BASE_TO_UNIT : PROTO_DIR_UNIT_TO_BASE;
		assert_int_equal(proto_open(text, (size_t)n, fixture_key, wrong, &back, &err), -EBADMSG);
		assert_int_equal(err.reason, PROTO_REJECT_DIRECTION);
	}
}

static void a_truncated_tag_is_refused(void **state)
{
	(void)state;
	static struct proto_msg m, back;
	char text[PROTO_TEXT_MAX];
	fixture_msg(&m, PROTO_KIND_ALARM, FIXTURE_TYPICAL);
	int n = encode(&m, text);
	for (int cut = 1; cut <= PROTO_TAG_CHARS + 1; cut++) {
		struct proto_error err;
		text[n - cut] = '\0';
		assert_int_not_equal(open_text(text, &back, &err), 0);
		if (cut < PROTO_TAG_CHARS)
			assert_int_equal(err.reason, PROTO_REJECT_TAG_FORMAT);
	}
}

static void the_head_is_read_before_the_key_is_known(void **state)
{
	(void)state;
	static struct proto_msg m, back, untouched;
	char text[PROTO_TEXT_MAX];
	uint8_t zero[PROTO_KEY_LEN] = {0};
	fixture_msg(&m, PROTO_KIND_READINGS, FIXTURE_TYPICAL);
	int n = encode(&m, text);
	struct proto_head h;
	struct proto_error err;
	assert_int_equal(proto_peek(text, (size_t)n, &h, &err), 0);
	assert_string_equal(h.unit, "WH1");
	assert_int_equal(h.seq, 1234);
	assert_int_equal(h.time_ms, 1764039600000LL);
	assert_int_equal(h.kind, PROTO_KIND_READINGS);
	memset(&back, 0x33, sizeof(back));
	memcpy(&untouched, &back, sizeof(back));
	assert_int_equal(proto_open(text, (size_t)n, zero, PROTO_DIR_UNIT_TO_BASE, &back, &err), -EACCES);
	assert_memory_equal(&back, &untouched, sizeof(back)); /* nothing of a refused message */
}

struct hostile {
	const char *text;
	size_t len; /* 0: strlen */
	enum proto_reject reason;
};

static void hostile_text_gets_a_clear_reason(void **state)
{
	(void)state;
	static char overlong[PROTO_TEXT_LIMIT + 2];
	memset(overlong, 'A', sizeof(overlong) - 1);
	static const char binary[] = "#1A WH1 1 1\0\xff\x80 AAAAAAAAAAA";
	const struct hostile cases[] = {
		{"", 0, PROTO_REJECT_EMPTY},
		{overlong, 0, PROTO_REJECT_TOO_LONG},
		{"WH1 ALARM T1 9.4\xc2\xb0"
		 "C #1A WH1 1 1 T1 H 94 80 0 AAAAAAAAAAA",
		 0, PROTO_REJECT_CHARSET},
		{binary, sizeof(binary) - 1, PROTO_REJECT_CHARSET},
		{"#1A WH1 1 1 T1 H 94 80 0 AAAAAAAAAAA\r\n", 0, PROTO_REJECT_CHARSET},
		{"#1A WH@ 1 1 T1 H 94 80 0 AAAAAAAAAAA", 0, PROTO_REJECT_CHARSET},
		{"#1A WH1 1 1 T1 H 94 80 0 AAAAAAA[AAA", 0, PROTO_REJECT_CHARSET},
		{"1234 STATUS", 0, PROTO_REJECT_NOT_PROTOCOL},
		{"Your balance is 5.00. #offer", 0, PROTO_REJECT_NOT_PROTOCOL},
		{"x#1A WH1 1 1 T1 H 94 80 0 AAAAAAAAAAA", 0, PROTO_REJECT_NOT_PROTOCOL},
		{"#", 0, PROTO_REJECT_NOT_PROTOCOL},
		{"#2A WH1 1 1 T1 H 94 80 0 AAAAAAAAAAA", 0, PROTO_REJECT_VERSION},
		{"#1Z WH1 1 1 T1 H 94 80 0 AAAAAAAAAAA", 0, PROTO_REJECT_KIND},
		{"#1A WH1 1 1 T1 H 94 80 0", 0, PROTO_REJECT_TAG_FORMAT},
		{"#1A WH1 1 1 T1 H 94 80 0 AAAAAAAAAA", 0, PROTO_REJECT_TAG_FORMAT},
		{"#1A WH1 1 1 T1 H 94 80 0 AAAAAAAAA.A", 0, PROTO_REJECT_TAG_FORMAT},
		{"#1A W.1 1 1 T1 H 94 80 0 AAAAAAAAAAA", 0, PROTO_REJECT_UNIT},
		{"#1A ABCDEFGHIJKLMNOPQ 1 1 AAAAAAAAAAA", 0, PROTO_REJECT_UNIT},
		{"#1A WH1 0 1 T1 H 94 80 0 AAAAAAAAAAA", 0, PROTO_REJECT_SEQ},
		{"#1A WH1 4294967296 1 T1 H AAAAAAAAAAA", 0, PROTO_REJECT_SEQ},
		{"#1A WH1 01 1 T1 H 94 80 0 AAAAAAAAAAA", 0, PROTO_REJECT_SEQ},
		{"#1A WH1 1 10000000000 T1 AAAAAAAAAAA", 0, PROTO_REJECT_TIME},
		{"#1A WH1 1 -5 T1 H 94 80 0 AAAAAAAAAAA", 0, PROTO_REJECT_TIME},
		{"#1A  WH1 1 1 T1 H 94 80 0 AAAAAAAAAAA", 0, PROTO_REJECT_UNIT},
		{"#1A WH1 1 1 T1 H 94 80 0 AAAAAAAAAAA", 0, PROTO_REJECT_TAG},
	};
	static struct proto_msg m;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct proto_error err = {0};
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].text);
		int rc = proto_open(cases[i].text, len, fixture_key, PROTO_DIR_UNIT_TO_BASE, &m, &err);
		if (rc == 0 || err.reason != cases[i].reason)
			fail_msg("case %zu: rc %d reason %s, want %s", i, rc, proto_reject_str(err.reason),
				 proto_reject_str(cases[i].reason));
		assert_true(err.at <= len);
	}
}

struct signed_case {
	const char *body; /* signed here, so only the fields can be wrong */
	enum proto_reject reason;
};

/* Signed with the right key, so only the fields can be wrong. */
static const struct signed_case signed_cases[] = {
	{"#1A WH1 5 1764000000 T1 H 094 80 0", PROTO_REJECT_FIELD},
	{"#1A WH1 5 1764000000 T1 H -0 80 0", PROTO_REJECT_FIELD},
	{"#1A WH1 5 1764000000 T1 H 32768 80 0", PROTO_REJECT_FIELD},
	{"#1A WH1 5 1764000000 T1 P 94 80 0", PROTO_REJECT_FIELD},
	{"#1A WH1 5 1764000000 T1 H 94 80", PROTO_REJECT_FIELDS},
	{"#1A WH1 5 1764000000 T1 H 94 80 0 7", PROTO_REJECT_FIELDS},
	{"#1A WH1 5 1764000000 T1 H 94  80 0", PROTO_REJECT_FIELD},
	{"#1A WH1 5 1764000000 T1.5 H 94 80 0", PROTO_REJECT_FIELD},
	{"#1A WH1 5 1764000000 T1 H 94 80 1764000001", PROTO_REJECT_FIELD},
	{"#1F WH1 5 1764000000 T1 X 0", PROTO_REJECT_FIELD},
	{"#1P WH1 5 1764000000 XX - - 0", PROTO_REJECT_FIELD},
	{"#1P WH1 5 1764000000 ML 101 - 0", PROTO_REJECT_FIELD},
	{"#1H WH1 5 1764000000 1 87 4012 32 0 0", PROTO_REJECT_FIELD},
	{"#1H WH1 5 1764000000 1 87 4012 17 0 0 T1=4 T1=5", PROTO_REJECT_FIELD},
	{"#1H WH1 5 1764000000 1 87 4012 17 0 0 T1", PROTO_REJECT_FIELD},
	{"#1H WH1 5 1764000000 1 87 4012 17 0 0 a=1 b=1 c=1 d=1 e=1 f=1 g=1 h=1 i=1", PROTO_REJECT_FIELDS},
	{"#1E WH1 5 1764000000 17 MAYBE - SET T1 HIGH 8", PROTO_REJECT_FIELD},
	{"#1E WH1 5 1764000000 17 OK +1555x SET T1 HIGH 8", PROTO_REJECT_FIELD},
	{"#1E WH1 5 1764000000 17 OK - SET T1 HIGH 8 #", PROTO_REJECT_FIELD},
	{"#1E WH1 5 1764000000 17 OK -  SET", PROTO_REJECT_FIELD},
	{"#1E WH1 5 1764000000 17 OK -", PROTO_REJECT_FIELDS},
	{"#1Y WH1 5 1764000000 0 T1=4", PROTO_REJECT_FIELD},
	{"#1R WH1 5 1764000000 T1,T1 h0", PROTO_REJECT_FIELD},
	{"#1R WH1 5 1764000000 T1, h0", PROTO_REJECT_FIELD},
	{"#1R WH1 5 1764000000 T1 h", PROTO_REJECT_BATCH},
	{"#1K WH1 5 1764000000 12 0F", PROTO_REJECT_FIELD},
	{"#1K WH1 5 1764000000 12 f", PROTO_REJECT_FIELD},
	{"#1K WH1 5 1764000000 12 100000000000000000000000000000000", PROTO_REJECT_FIELD},
	{"#1X WH1 5 1764000000 0 - READ", PROTO_REJECT_FIELD},
	{"#1X WH1 5 1764000000 9 - READ ", PROTO_REJECT_FIELD},
	{"#1X WH1 5 1764000000 9 - "
	 "0123456789012345678901234567890123456789012345678901234567890123456789",
	 PROTO_REJECT_FIELD},
};

static void a_signed_body_is_still_read_strictly(void **state)
{
	(void)state;
	static struct proto_msg m;
	char text[PROTO_TEXT_MAX + 16];
	for (size_t i = 0; i < sizeof(signed_cases) / sizeof(signed_cases[0]); i++) {
		struct proto_error err = {0};
		int kind = signed_cases[i].body[2];
		char dir = kind == 'K' || kind == 'X' ? 'B' : 'U';
		sign(signed_cases[i].body, dir, text);
		int rc = open_text(text, &m, &err);
		if (rc != -EBADMSG || err.reason != signed_cases[i].reason)
			fail_msg("\"%s\": rc %d reason %s at %zu, want %s", text, rc,
				 proto_reject_str(err.reason), err.at,
				 proto_reject_str(signed_cases[i].reason));
	}
	/* A readings payload that decodes, then one field too many. */
	fixture_msg(&m, PROTO_KIND_READINGS, FIXTURE_TYPICAL);
	int n = encode(&m, text);
	char body[PROTO_TEXT_MAX];
	snprintf(body, sizeof(body), "%.*s 1", n - PROTO_TAG_CHARS - 1, text);
	sign(body, 'U', text);
	struct proto_error err;
	assert_int_equal(open_text(text, &m, &err), -EBADMSG);
	assert_int_equal(err.reason, PROTO_REJECT_FIELDS);
	/* The same kinds well formed are taken: the cases above fail for the field named. */
	sign("#1A WH1 5 1764000000 T1 H 94 80 0", 'U', text);
	assert_int_equal(open_text(text, &m, NULL), 0);
	sign("#1K WH1 5 1764000000 12 F", 'B', text);
	assert_int_equal(open_text(text, &m, NULL), 0);
	assert_int_equal(m.u.receipt.beyond[0], 15);
	sign("#1X WH1 5 1764000000 9 - READ", 'B', text);
	assert_int_equal(open_text(text, &m, NULL), 0);
	assert_string_equal(m.u.command.text, "READ");
	assert_string_equal(m.u.command.by, "");
}

struct bad_field {
	void (*spoil)(struct proto_msg *m);
	enum proto_kind kind;
	const char *why;
};

static void no_unit(struct proto_msg *m)
{
	m->head.unit[0] = '\0';
}
static void unit_dot(struct proto_msg *m)
{
	strcpy(m->head.unit, "W.1");
}
static void seq_zero(struct proto_msg *m)
{
	m->head.seq = 0;
}
static void time_negative(struct proto_msg *m)
{
	m->head.time_ms = -1000;
}
static void channel_long(struct proto_msg *m)
{
	memcpy(m->u.event.channel, "T12345678", 9); /* no NUL within the field */
}
static void value_high(struct proto_msg *m)
{
	m->u.event.value_c10 = 32768;
}
static void level_probe(struct proto_msg *m)
{
	m->u.event.level = PROTO_LEVEL_PROBE;
}
static void since_far(struct proto_msg *m)
{
	m->u.event.since_ms = m->head.time_ms - 2147483648000LL;
}
static void text_hash(struct proto_msg *m)
{
	strcpy(m->u.command.text, "SET #1");
}
static void text_space(struct proto_msg *m)
{
	strcpy(m->u.command.text, " READ");
}
static void by_letters(struct proto_msg *m)
{
	strcpy(m->u.echo.by, "Alice");
}
static void csq_99(struct proto_msg *m)
{
	m->u.status.csq = 99;
}
static void values_twice(struct proto_msg *m)
{
	strcpy(m->u.status.values[1].channel, "T1");
}
static void reply_no_id(struct proto_msg *m)
{
	m->u.reply.cmd_id = 0;
}
static void readings_too_many(struct proto_msg *m)
{
	m->u.readings.count = PROTO_READINGS_MAX + 1;
}
static void readings_odd_value(struct proto_msg *m)
{
	m->u.readings.temp_c10[3] = -40000;
}

static void the_encoder_refuses_what_the_parser_would(void **state)
{
	(void)state;
	static const struct bad_field cases[] = {
		{no_unit, PROTO_KIND_ALARM, "unit"},
		{unit_dot, PROTO_KIND_RECEIPT, "unit"},
		{seq_zero, PROTO_KIND_HEARTBEAT, "seq"},
		{time_negative, PROTO_KIND_CLEAR, "time_ms"},
		{channel_long, PROTO_KIND_ALARM, "channel"},
		{value_high, PROTO_KIND_ALARM, "value_c10"},
		{level_probe, PROTO_KIND_CLEAR, "level"},
		{since_far, PROTO_KIND_FAULT, "since_ms"},
		{text_hash, PROTO_KIND_COMMAND, "text"},
		{text_space, PROTO_KIND_COMMAND, "text"},
		{by_letters, PROTO_KIND_ECHO, "by"},
		{csq_99, PROTO_KIND_HEARTBEAT, "csq"},
		{values_twice, PROTO_KIND_HEARTBEAT, "values"},
		{reply_no_id, PROTO_KIND_REPLY, "cmd_id"},
		{readings_too_many, PROTO_KIND_READINGS, "count"},
		{readings_odd_value, PROTO_KIND_READINGS, "temp_c10"},
	};
	static struct proto_msg m;
	char text[PROTO_TEXT_MAX];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *why = NULL;
		fixture_msg(&m, cases[i].kind, FIXTURE_TYPICAL);
		cases[i].spoil(&m);
		assert_int_equal(proto_msg_check(&m, &why), -EINVAL);
		assert_non_null(why);
		assert_string_equal(why, cases[i].why);
		assert_int_equal(proto_encode(&m, fixture_key, 0, text, sizeof(text)), -EINVAL);
	}
	fixture_msg(&m, PROTO_KIND_ALARM, FIXTURE_TYPICAL);
	assert_int_equal(proto_encode(&m, fixture_key, 0, text, 20), -ENOSPC);
}

static void levels_are_the_alarm_engines(void **state)
{
	(void)state;
	assert_int_equal(PROTO_LEVEL_COUNT, ALERT_LEVEL_COUNT);
	for (int l = 0; l < ALERT_LEVEL_COUNT; l++)
		assert_string_equal(proto_level_str((enum proto_level)l),
				    alert_level_str((enum alert_level)l));
}

static void every_reason_and_kind_has_a_name(void **state)
{
	(void)state;
	for (int r = 0; r < PROTO_REJECT_COUNT; r++)
		assert_string_not_equal(proto_reject_str((enum proto_reject)r), "?");
	assert_string_equal(proto_reject_str((enum proto_reject)PROTO_REJECT_COUNT), "?");
	for (int k = 0; k < PROTO_KIND_COUNT; k++)
		assert_string_not_equal(proto_kind_str((enum proto_kind)k), "?");
	assert_string_equal(proto_dir_str(PROTO_DIR_BASE_TO_UNIT), "base_to_unit");
	assert_string_equal(proto_power_event_str(PROTO_POWER_MAINS_RESTORED), "mains_restored");
	assert_string_equal(proto_result_str(PROTO_RESULT_INVALID), "invalid");
	assert_string_equal(proto_mains_str(PROTO_MAINS_OFF), "off");
}

static void keys_are_read_as_keygen_writes_them(void **state)
{
	(void)state;
	uint8_t key[PROTO_KEY_LEN], back[PROTO_KEY_LEN];
	char hex[PROTO_KEY_HEX + 1];
	proto_key_format(fixture_key, hex);
	assert_string_equal(hex, "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
	assert_int_equal(proto_key_parse(hex, key), 0);
	assert_memory_equal(key, fixture_key, sizeof(key));
	assert_int_equal(
		proto_key_parse("000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F", back), 0);
	assert_memory_equal(back, fixture_key, sizeof(back));
	assert_int_equal(proto_key_parse("0001", key), -EINVAL);
	assert_int_equal(proto_key_parse(NULL, key), -EINVAL);
	assert_int_equal(
		proto_key_parse("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f0", key),
		-EINVAL);
	assert_int_equal(
		proto_key_parse("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1g", key),
		-EILSEQ);
	char placeholder[PROTO_KEY_HEX + 1];
	snprintf(placeholder, sizeof(placeholder), "%-64s", "<64 hex digits from m2mon keygen>");
	assert_int_equal(proto_key_parse(placeholder, key), -EILSEQ);
	assert_int_equal(
		proto_key_parse("0000000000000000000000000000000000000000000000000000000000000000", key),
		-EKEYREJECTED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_kind_round_trips_at_its_limits),
		cmocka_unit_test(typical_messages_fit_one_sms_in_the_safe_alphabet),
		cmocka_unit_test(alarms_read_as_a_sentence_before_the_machine_fields),
		cmocka_unit_test(the_tag_is_the_documented_hmac),
		cmocka_unit_test(one_character_changed_anywhere_is_refused),
		cmocka_unit_test(a_copy_or_a_replay_is_refused_and_a_late_message_taken),
		cmocka_unit_test(a_wrong_key_or_the_other_direction_is_refused),
		cmocka_unit_test(a_truncated_tag_is_refused),
		cmocka_unit_test(the_head_is_read_before_the_key_is_known),
		cmocka_unit_test(hostile_text_gets_a_clear_reason),
		cmocka_unit_test(a_signed_body_is_still_read_strictly),
		cmocka_unit_test(the_encoder_refuses_what_the_parser_would),
		cmocka_unit_test(levels_are_the_alarm_engines),
		cmocka_unit_test(every_reason_and_kind_has_a_name),
		cmocka_unit_test(keys_are_read_as_keygen_writes_them),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
