/* Texts for phones: the GSM 7-bit septet count, the one-SMS check, name cleaning and the
 * temperature format that every alarm text relies on. */
#include "alert_text.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

static void septets_count_extension_characters_twice(void **state)
{
	(void)state;
	assert_int_equal(alert_text_septets("ACK 17"), 6);
	assert_int_equal(alert_text_septets("[x]"), 5);
	assert_int_equal(alert_text_septets("{}~^|\\"), 12);
	assert_int_equal(alert_text_septets("\xE2\x82\xAC"), 2);    /* euro sign */
	assert_int_equal(alert_text_septets("K\xC3\xBChlraum"), 8); /* Kühlraum */
	assert_int_equal(alert_text_septets("\xCE\x94T"), 2);       /* Greek Delta is GSM */
}

static void septets_reject_what_would_force_ucs2(void **state)
{
	(void)state;
	assert_int_equal(alert_text_septets("9.4\xC2\xB0"
					    "C"),
			 -EILSEQ); /* degree sign */
	assert_int_equal(alert_text_septets("`"), -EILSEQ);
	assert_int_equal(alert_text_septets("\xF0\x9F\x94\xA5"), -EILSEQ); /* emoji */
	assert_int_equal(alert_text_septets("\xC3"), -EILSEQ);             /* cut UTF-8 */
	assert_int_equal(alert_text_septets("\xC0\x80"), -EILSEQ);         /* overlong NUL */
	assert_int_equal(alert_text_septets("a\tb"), -EILSEQ);
}

static void check_accepts_exactly_one_sms_ending_with_reply(void **state)
{
	(void)state;
	char text[200];
	memset(text, 'x', 147);
	strcpy(text + 147, ". Reply ACK 17"); /* 161 septets */
	assert_int_equal(alert_text_check(text), -EMSGSIZE);
	strcpy(text + 146, ". Reply ACK 17"); /* 160 */
	assert_int_equal(alert_text_check(text), 0);
	text[0] = '['; /* 161 again: '[' takes two */
	assert_int_equal(alert_text_check(text), -EMSGSIZE);
	assert_int_equal(alert_text_check("Site: ALARM #1 f1 HIGH 9.4C"), -EBADMSG);
	assert_int_equal(alert_text_check("Reply ACK 1. Then more text"), -EBADMSG);
	assert_int_equal(alert_text_check("Site: ALARM 9.4\xC2\xB0"
					  "C. Reply ACK 1"),
			 -EILSEQ);
	assert_int_equal(alert_text_check("Site: x. Reply ack 1"), -EBADMSG);
	assert_int_equal(alert_text_check("Reply Farm: ALARM #1. Reply ACK 1"), 0);
	assert_int_equal(alert_text_check("Farm: ALARM #1. Reply ACK 1. Reply"), -EBADMSG);
	assert_int_equal(alert_text_check("Farm: ALARM #1. Reply ACK 1\nthanks"), -EBADMSG);
}

static void clean_keeps_gsm_letters_and_masks_the_rest(void **state)
{
	(void)state;
	char out[32];
	alert_text_clean(out, sizeof(out),
			 "Freezer\xC2\xB0"
			 "1 [A]");
	assert_string_equal(out, "Freezer?1 ?A?");
	alert_text_clean(out, sizeof(out), "K\xC3\xBChlraum\n");
	assert_string_equal(out, "K\xC3\xBChlraum?");
	alert_text_clean(out, 3, "K\xC3\xBCh"); /* no room for the two-byte letter */
	assert_string_equal(out, "K");
	alert_text_clean(out, sizeof(out),
			 "a\xFF"
			 "b");
	assert_string_equal(out, "a?b");
	assert_true(alert_text_septets(out) > 0);
}

static void temperatures_read_naturally(void **state)
{
	(void)state;
	char out[16];
	alert_text_temp(out, sizeof(out), 94);
	assert_string_equal(out, "9.4C");
	alert_text_temp(out, sizeof(out), -5);
	assert_string_equal(out, "-0.5C");
	alert_text_temp(out, sizeof(out), -120);
	assert_string_equal(out, "-12.0C");
	alert_text_temp(out, sizeof(out), 0);
	assert_string_equal(out, "0.0C");
	alert_text_temp(out, sizeof(out), INT32_MIN);
	assert_string_equal(out, "-214748364.8C");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(septets_count_extension_characters_twice),
		cmocka_unit_test(septets_reject_what_would_force_ucs2),
		cmocka_unit_test(check_accepts_exactly_one_sms_ending_with_reply),
		cmocka_unit_test(clean_keeps_gsm_letters_and_masks_the_rest),
		cmocka_unit_test(temperatures_read_naturally),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
