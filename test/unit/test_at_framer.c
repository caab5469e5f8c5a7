/* The AT framer: every input is fed whole and in pieces of 1..8 bytes, and must give the
 * same frames: lines, the `> ` prompt, PDU lines after their headers, garbage kept apart. */
#include "at_framer.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

struct seen {
	char text[4096];
	size_t n;
};

static void record(void *user_data, const struct at_frame *f)
{
	struct seen *s = user_data;
	int w = snprintf(s->text + strlen(s->text), sizeof(s->text) - strlen(s->text), "%s:%s|",
			 at_frame_kind_str(f->kind), f->text);
	assert_true(w > 0);
	s->n++;
}

/* Frames of `input` fed in pieces of `piece` bytes, flushed at the end when `flush`. */
static void frames(const char *input, size_t len, size_t piece, bool flush, struct seen *s)
{
	struct at_framer f;

	memset(s, 0, sizeof(*s));
	at_framer_init(&f, record, s);
	for (size_t i = 0; i < len; i += piece)
		at_framer_feed(&f, input + i, len - i < piece ? len - i : piece);
	if (flush)
		at_framer_flush(&f);
}

static void expect_frames(const char *input, size_t len, bool flush, const char *want)
{
	for (size_t piece = 1; piece <= 8; piece++) {
		struct seen s;
		frames(input, len, piece, flush, &s);
		assert_string_equal(s.text, want);
	}
	struct seen whole;
	frames(input, len, len ? len : 1, flush, &whole);
	assert_string_equal(whole.text, want);
}

#define EXPECT(in, flush, want) expect_frames(in, sizeof(in) - 1, flush, want)

static void echo_info_and_final_become_lines(void **state)
{
	(void)state;
	EXPECT("AT+CSQ\r\r\n+CSQ: 17,99\r\n\r\nOK\r\n", false, "line:AT+CSQ|line:+CSQ: 17,99|line:OK|");
}

static void prompt_is_recognised_with_or_without_leading_crlf(void **state)
{
	(void)state;
	EXPECT("AT+CMGS=17\r\r\n> ", false, "line:AT+CMGS=17|prompt:> |");
	EXPECT("> ", false, "prompt:> |");
	/* `>` without the space is not a prompt (gammu's behaviour too); it waits for more. */
	EXPECT("\r\n>", false, "");
}

static void pdu_follows_its_header_even_after_blank_lines(void **state)
{
	(void)state;
	EXPECT("+CMGL: 1,0,,5\r\n\r\n\r\n07911111AA\r\n+CMGL: 2,0,,5\r\n0791222233\r\n\r\nOK\r\n", false,
	       "line:+CMGL: 1,0,,5|pdu:07911111AA|line:+CMGL: 2,0,,5|pdu:0791222233|line:OK|");
}

/* gammu's recorded answers (tests/at-sms/04) show a PDU line ending in a quote: still a PDU,
 * without it; a quoted line that is not hex stays a line, untouched. */
static void quoted_pdu_is_a_pdu(void **state)
{
	(void)state;
	EXPECT("+CMGR: 1,,5\r\n07911111AA\"\r\nOK\r\n", false, "line:+CMGR: 1,,5|pdu:07911111AA|line:OK|");
	EXPECT("+CMGR: 1,,5\r\n\"07911111AA\"\r\n", false, "line:+CMGR: 1,,5|pdu:07911111AA|");
	EXPECT("+CMGR: 1,,5\r\n\"SM\"\r\n", false, "line:+CMGR: 1,,5|line:\"SM\"|");
}

static void hex_without_header_is_a_plain_line(void **state)
{
	(void)state;
	EXPECT("+CMTI: \"SM\",3\r\n0011\r\n", false, "line:+CMTI: \"SM\",3|line:0011|");
}

static void empty_cmgr_slot_does_not_swallow_ok(void **state)
{
	(void)state;
	EXPECT("+CMGR: 0,,0\r\nOK\r\n", false, "line:+CMGR: 0,,0|line:OK|");
}

static void control_bytes_are_dropped_and_garbage_kept_apart(void **state)
{
	(void)state;
	static const char in[] = "\x00\xff\xfe\x01junk\r\n07AB\x1a\r\nOK\r\n";
	expect_frames(in, sizeof(in) - 1, false, "line:\xff\xfejunk|line:07AB|line:OK|");
}

static void missing_final_cr_is_completed_by_flush(void **state)
{
	(void)state;
	EXPECT("\r\nOK", false, "");
	EXPECT("\r\nOK", true, "line:OK|");
}

static void overlong_line_is_reported_once_and_framing_resumes(void **state)
{
	(void)state;
	char in[AT_FRAMER_LINE_MAX * 2 + 16];
	memset(in, 'x', AT_FRAMER_LINE_MAX * 2);
	memcpy(in + AT_FRAMER_LINE_MAX * 2, "\r\nOK\r\n", 6);
	struct seen s;
	frames(in, AT_FRAMER_LINE_MAX * 2 + 6, 7, false, &s);
	assert_int_equal(s.n, 2);
	assert_non_null(strstr(s.text, "overlong:"));
	assert_non_null(strstr(s.text, "|line:OK|"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(echo_info_and_final_become_lines),
		cmocka_unit_test(prompt_is_recognised_with_or_without_leading_crlf),
		cmocka_unit_test(pdu_follows_its_header_even_after_blank_lines),
		cmocka_unit_test(quoted_pdu_is_a_pdu),
		cmocka_unit_test(hex_without_header_is_a_plain_line),
		cmocka_unit_test(empty_cmgr_slot_does_not_swallow_ok),
		cmocka_unit_test(control_bytes_are_dropped_and_garbage_kept_apart),
		cmocka_unit_test(missing_final_cr_is_completed_by_flush),
		cmocka_unit_test(overlong_line_is_reported_once_and_framing_resumes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
