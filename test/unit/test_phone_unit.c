/* The unit's phone commands as alarm-box users send them: every verb and form, case and
 * spacing, the PIN of a message (given, missing, malformed, repeated, misplaced), ';' lists
 * with a bad command in the middle, comma decimals, and the relayed form without a PIN that
 * round-trips through the canonical text. */
#include "phone_cmd.h"
#include "phone_fixture.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#define U PHONE_SIDE_UNIT

static void every_verb_in_its_canonical_form(void **state)
{
	(void)state;
	phone_fx_ok(U, "1234 STATUS", "STATUS");
	phone_fx_ok(U, "1234 READ", "READ");
	phone_fx_ok(U, "1234 READ T1", "READ T1");
	phone_fx_ok(U, "1234 SET T1 HIGH 8", "SET T1 HIGH 8");
	phone_fx_ok(U, "1234 SET T1 LOW 2", "SET T1 LOW 2");
	phone_fx_ok(U, "1234 SET T1 HH 12", "SET T1 HH 12");
	phone_fx_ok(U, "1234 SET T1 LL -1", "SET T1 LL -1");
	phone_fx_ok(U, "1234 SET T1 DELAY 30m", "SET T1 DELAY 30m");
	phone_fx_ok(U, "1234 SET T1 HYST 0.5", "SET T1 HYST 0.5");
	phone_fx_ok(U, "1234 INTERVAL 5m", "INTERVAL 5m");
	phone_fx_ok(U, "1234 REPORT 1h", "REPORT 1h");
	phone_fx_ok(U, "1234 PIN 1234 5678", "PIN 1234 5678");
	phone_fx_ok(U, "1234 HELP", "HELP");
}

static void the_fields_of_each_command(void **state)
{
	(void)state;
	const struct phone_cmd *c = phone_fx_ok(U, "1234 SET T1 HIGH -18.5", "SET T1 HIGH -18.5");
	assert_int_equal(c->verb, PHONE_VERB_SET);
	assert_string_equal(c->unit, "");
	assert_string_equal(c->channel, "T1");
	assert_int_equal(c->setting, PHONE_SETTING_HIGH);
	assert_false(c->off);
	assert_int_equal(c->value_c10, -185);
	c = phone_fx_ok(U, "1234 SET T1 DELAY 1h30m", "SET T1 DELAY 90m");
	assert_int_equal(c->setting, PHONE_SETTING_DELAY);
	assert_int_equal(c->duration_s, 5400);
	c = phone_fx_ok(U, "1234 INTERVAL 90s", "INTERVAL 90s");
	assert_int_equal(c->verb, PHONE_VERB_INTERVAL);
	assert_int_equal(c->duration_s, 90);
	c = phone_fx_ok(U, "1234 REPORT 2d", "REPORT 2d");
	assert_int_equal(c->duration_s, 2 * 86400);
	c = phone_fx_ok(U, "PIN 1234 5678", "PIN 1234 5678");
	assert_string_equal(c->pin, "1234");
	assert_string_equal(c->new_pin, "5678");
}

static void words_are_case_insensitive_and_names_kept_as_typed(void **state)
{
	(void)state;
	phone_fx_ok(U, "1234 status", "STATUS");
	phone_fx_ok(U, "1234 Status", "STATUS");
	const struct phone_cmd *c = phone_fx_ok(U, "1234 set t1 high 8", "SET t1 HIGH 8");
	assert_string_equal(c->channel, "t1");
	assert_true(phone_name_same(c->channel, "T1"));
	assert_false(phone_name_same(c->channel, "T10"));
	phone_fx_ok(U, "1234 Set Frz_2 Low -25", "SET Frz_2 LOW -25");
	phone_fx_ok(U, "1234 interval 10S", "INTERVAL 10s");
}

static void aliases_of_the_alarm_box_families(void **state)
{
	(void)state;
	phone_fx_ok(U, "?", "STATUS");
	phone_fx_ok(U, "1234 ?", "STATUS");
	phone_fx_ok(U, "1234 STATUS?", "STATUS");
	phone_fx_ok(U, "1234 STAT", "STATUS");
	phone_fx_ok(U, "1234 state", "STATUS");
	phone_fx_ok(U, "1234 SET T1 HI 8", "SET T1 HIGH 8");
	phone_fx_ok(U, "1234 SET T1 MAX 8", "SET T1 HIGH 8");
	phone_fx_ok(U, "1234 SET T1 MIN 2", "SET T1 LOW 2");
	phone_fx_ok(U, "1234 SET T1 LO 2", "SET T1 LOW 2");
	phone_fx_ok(U, "1234 SET T1 HIGHHIGH 12", "SET T1 HH 12");
	phone_fx_ok(U, "1234 SET T1 high_high 12", "SET T1 HH 12");
	phone_fx_ok(U, "1234 SET T1 HIHI 12", "SET T1 HH 12");
	phone_fx_ok(U, "1234 SET T1 LOWLOW -1", "SET T1 LL -1");
	phone_fx_ok(U, "1234 SET T1 low-low -1", "SET T1 LL -1");
	phone_fx_ok(U, "1234 SET T1 HYSTERESIS 1", "SET T1 HYST 1");
	phone_fx_ok(U, "1234 SET T1 HIGH=8", "SET T1 HIGH 8");
	phone_fx_ok(U, "1234 SET T1 HIGH:8", "SET T1 HIGH 8");
	phone_fx_ok(U, "1234STATUS", "STATUS"); /* King Pigeon glues the PIN */
}

static void limits_switch_off_and_delays_go_to_zero(void **state)
{
	(void)state;
	const struct phone_cmd *c = phone_fx_ok(U, "1234 SET T1 HH OFF", "SET T1 HH OFF");
	assert_true(c->off);
	assert_int_equal(c->value_c10, 0);
	phone_fx_ok(U, "1234 SET T1 low off", "SET T1 LOW OFF");
	c = phone_fx_ok(U, "1234 SET T1 DELAY OFF", "SET T1 DELAY 0s");
	assert_int_equal(c->duration_s, 0);
	phone_fx_ok(U, "1234 SET T1 DELAY 0", "SET T1 DELAY 0s");
	phone_fx_err(U, "1234 SET T1 HYST OFF", PHONE_ERR_TEMP);
}

static void temperatures_are_exact_tenths_with_comma_or_point(void **state)
{
	(void)state;
	assert_int_equal(phone_fx_ok(U, "1234 SET T1 HIGH 8,5", "SET T1 HIGH 8.5")->value_c10, 85);
	assert_int_equal(phone_fx_ok(U, "1234 SET T1 HIGH 8.5", "SET T1 HIGH 8.5")->value_c10, 85);
	assert_int_equal(phone_fx_ok(U, "1234 SET T1 LOW -0,5", "SET T1 LOW -0.5")->value_c10, -5);
	assert_int_equal(phone_fx_ok(U, "1234 SET T1 LOW .5", "SET T1 LOW 0.5")->value_c10, 5);
	assert_int_equal(phone_fx_ok(U, "1234 SET T1 LOW +3", "SET T1 LOW 3")->value_c10, 30);
	assert_int_equal(phone_fx_ok(U, "1234 SET T1 HIGH 8C", "SET T1 HIGH 8")->value_c10, 80);
	assert_int_equal(phone_fx_ok(U, "1234 SET T1 HIGH 8.5c", "SET T1 HIGH 8.5")->value_c10, 85);
	assert_int_equal(phone_fx_ok(U, "1234 SET T1 HIGH 8 C", "SET T1 HIGH 8")->value_c10, 80);
	assert_int_equal(phone_fx_ok(U,
				     "1234 SET T1 HIGH 8\xC2\xB0"
				     "C",
				     "SET T1 HIGH 8")
				 ->value_c10,
			 80);
	assert_int_equal(phone_fx_ok(U, "1234 SET T1 HIGH 8\xC2\xB0", "SET T1 HIGH 8")->value_c10, 80);
	assert_int_equal(phone_fx_ok(U,
				     "1234 SET T1 LOW \xE2\x88\x92"
				     "18",
				     "SET T1 LOW -18")
				 ->value_c10,
			 -180); /* U+2212 minus sign */
	assert_int_equal(phone_fx_ok(U, "1234 SET T1 HIGH -100", "SET T1 HIGH -100")->value_c10, -1000);
	assert_int_equal(phone_fx_ok(U, "1234 SET T1 HIGH 150.0", "SET T1 HIGH 150")->value_c10, 1500);
	assert_int_equal(phone_fx_ok(U, "1234 SET T1 HIGH -0", "SET T1 HIGH 0")->value_c10, 0);
}

static void temperatures_refused_with_a_reason_never_rounded(void **state)
{
	(void)state;
	assert_string_equal(phone_fx_err(U, "1234 SET T1 HIGH 8.25", PHONE_ERR_DECIMALS),
			    "8.25: one decimal at most, e.g. 8.5");
	phone_fx_err(U, "1234 SET T1 HIGH 8,25", PHONE_ERR_DECIMALS);
	assert_string_equal(phone_fx_err(U, "1234 SET T1 HIGH 150.1", PHONE_ERR_RANGE),
			    "150.1 is outside -100 to 150 C");
	phone_fx_err(U, "1234 SET T1 LOW -100.1", PHONE_ERR_RANGE);
	phone_fx_err(U, "1234 SET T1 LOW 99999999999999999999", PHONE_ERR_RANGE);
	assert_string_equal(phone_fx_err(U, "1234 SET T1 HIGH 46F", PHONE_ERR_FAHRENHEIT),
			    "46F: degrees C only, e.g. 8 or -18.5");
	phone_fx_err(U, "1234 SET T1 HIGH 46 F", PHONE_ERR_FAHRENHEIT);
	assert_string_equal(phone_fx_err(U, "1234 SET T1 HIGH eight", PHONE_ERR_TEMP),
			    "bad temperature eight, e.g. 8 or -18.5");
	phone_fx_err(U, "1234 SET T1 HIGH 8..5", PHONE_ERR_TEMP);
	phone_fx_err(U, "1234 SET T1 HIGH 8.5.1", PHONE_ERR_TEMP);
	phone_fx_err(U, "1234 SET T1 HIGH 1e2", PHONE_ERR_TEMP);
	phone_fx_err(U, "1234 SET T1 HIGH 0x10", PHONE_ERR_TEMP);
	phone_fx_err(U, "1234 SET T1 HIGH --8", PHONE_ERR_TEMP);
	assert_string_equal(phone_fx_err(U, "1234 SET T1 HYST 0", PHONE_ERR_RANGE), "HYST must be 0.1 to 20");
	phone_fx_err(U, "1234 SET T1 HYST -0.5", PHONE_ERR_RANGE);
	phone_fx_err(U, "1234 SET T1 HYST 20.1", PHONE_ERR_RANGE);
}

static void durations_need_a_unit(void **state)
{
	(void)state;
	assert_string_equal(phone_fx_err(U, "1234 INTERVAL 5", PHONE_ERR_DURATION_UNIT),
			    "5 needs a unit: s, m, h or d, e.g. 30m");
	phone_fx_ok(U, "1234 INTERVAL 5 min", "INTERVAL 5m");
	phone_fx_ok(U, "1234 REPORT 2 hours", "REPORT 2h");
	phone_fx_ok(U, "1234 REPORT 1hr", "REPORT 1h");
	phone_fx_ok(U, "1234 REPORT 1 week", "REPORT 7d");
	phone_fx_ok(U, "1234 SET T1 DELAY 45mins", "SET T1 DELAY 45m");
	assert_string_equal(phone_fx_err(U, "1234 REPORT 1.5h", PHONE_ERR_DURATION),
			    "bad time 1.5h; whole numbers with s, m, h or d");
	phone_fx_err(U, "1234 REPORT 1h30", PHONE_ERR_DURATION);
	phone_fx_err(U, "1234 REPORT 3mo", PHONE_ERR_DURATION);
	phone_fx_err(U, "1234 REPORT h", PHONE_ERR_DURATION);
	assert_string_equal(phone_fx_err(U, "1234 INTERVAL 5s", PHONE_ERR_RANGE),
			    "INTERVAL must be 10s to 1d");
	phone_fx_err(U, "1234 INTERVAL 2d", PHONE_ERR_RANGE);
	phone_fx_err(U, "1234 INTERVAL 0", PHONE_ERR_RANGE);
	phone_fx_err(U, "1234 REPORT 30s", PHONE_ERR_RANGE);
	phone_fx_err(U, "1234 REPORT 8d", PHONE_ERR_RANGE);
	phone_fx_err(U, "1234 REPORT 400d", PHONE_ERR_RANGE);
	phone_fx_err(U, "1234 REPORT 99999999999999999999d", PHONE_ERR_RANGE);
	phone_fx_ok(U, "1234 SET T1 DELAY 1d", "SET T1 DELAY 1d");
	assert_string_equal(phone_fx_err(U, "1234 SET T1 DELAY 25h", PHONE_ERR_RANGE),
			    "DELAY must be 0s to 1d");
}

static void missing_and_extra_words_are_refused_not_guessed(void **state)
{
	(void)state;
	assert_string_equal(phone_fx_err(U, "1234 SET", PHONE_ERR_MISSING), "SET needs: SET T1 HIGH 8");
	phone_fx_err(U, "1234 SET T1", PHONE_ERR_MISSING);
	phone_fx_err(U, "1234 SET T1 HIGH", PHONE_ERR_MISSING);
	phone_fx_err(U, "1234 SET HIGH 8", PHONE_ERR_MISSING); /* no channel: not guessed */
	assert_string_equal(phone_fx_err(U, "1234 SET T1 HIGH 8 5", PHONE_ERR_EXTRA),
			    "unexpected 5 after SET");
	assert_string_equal(phone_fx_err(U, "1234 SET WH1 T1 HIGH 8", PHONE_ERR_EXTRA),
			    "a unit takes SET T1 HIGH 8, with no unit id");
	assert_string_equal(phone_fx_err(U, "1234 SET T1 WARM 8", PHONE_ERR_SETTING),
			    "unknown setting WARM; use HIGH LOW HH LL DELAY HYST");
	assert_string_equal(phone_fx_err(U, "1234 SET T1.1 HIGH 8", PHONE_ERR_CHANNEL),
			    "T1.1 is not a channel, e.g. T1");
	phone_fx_err(U, "1234 SET PROBE_NINE HIGH 8", PHONE_ERR_CHANNEL); /* 10 characters */
	phone_fx_err(U, "1234 SET ALL HIGH 8", PHONE_ERR_CHANNEL);
	phone_fx_err(U, "1234 STATUS T1", PHONE_ERR_EXTRA);
	phone_fx_err(U, "1234 READ T1 T2", PHONE_ERR_EXTRA);
	assert_string_equal(phone_fx_err(U, "1234 INTERVAL", PHONE_ERR_MISSING),
			    "INTERVAL needs a time, e.g. INTERVAL 5m");
	phone_fx_err(U, "1234 REPORT", PHONE_ERR_MISSING);
	phone_fx_err(U, "1234 INTERVAL 5m 10m", PHONE_ERR_EXTRA);
	phone_fx_ok(U, "1234 HELP me please", "HELP");
}

static void commands_of_the_base_are_named_as_such(void **state)
{
	(void)state;
	assert_string_equal(phone_fx_err(U, "ACK", PHONE_ERR_ELSEWHERE),
			    "ACK goes to the base, not to a unit");
	phone_fx_err(U, "1234 ACK 12", PHONE_ERR_ELSEWHERE);
	phone_fx_err(U, "1234 MUTE WH1 2h", PHONE_ERR_ELSEWHERE);
	phone_fx_err(U, "1234 UNMUTE WH1", PHONE_ERR_ELSEWHERE);
	phone_fx_err(U, "1234 WHO", PHONE_ERR_ELSEWHERE);
	phone_fx_err(U, "OK", PHONE_ERR_ELSEWHERE);
	assert_string_equal(phone_fx_err(U, "1234 FOO", PHONE_ERR_UNKNOWN), "unknown command FOO; send HELP");
}

static void the_pin_of_a_message(void **state)
{
	(void)state;
	const struct phone_msg *m = phone_fx_parse(U, "1234 STATUS");
	assert_true(m->has_pin);
	assert_string_equal(m->pin, "1234");
	assert_int_equal(m->pin_err, PHONE_ERR_NONE);
	m = phone_fx_parse(U, "87654321 STATUS");
	assert_string_equal(m->pin, "87654321");
	/* Missing: no PIN at all, the command still parsed (the daemon decides). */
	m = phone_fx_parse(U, "STATUS");
	assert_false(m->has_pin);
	assert_string_equal(m->pin, "");
	assert_int_equal(m->item[0].err, PHONE_ERR_NONE);
	/* Malformed: a PIN was tried, so it counts as a wrong one; nothing of it is kept. */
	m = phone_fx_parse(U, "12 STATUS");
	assert_true(m->has_pin);
	assert_string_equal(m->pin, "");
	assert_int_equal(m->pin_err, PHONE_ERR_PIN_FORMAT);
	m = phone_fx_parse(U, "123456789 STATUS");
	assert_int_equal(m->pin_err, PHONE_ERR_PIN_FORMAT);
	assert_string_equal(m->pin, "");
	/* A PIN alone. */
	m = phone_fx_parse(U, "1234");
	assert_true(m->has_pin);
	assert_int_equal(m->item[0].err, PHONE_ERR_MISSING);
	assert_string_equal(m->item[0].reason, "send a command after the PIN, e.g. STATUS");
	/* The PIN is not a command word: wrong digits glued to a word stay unknown. */
	m = phone_fx_parse(U, "12a4 STATUS");
	assert_false(m->has_pin);
	assert_int_equal(m->item[0].err, PHONE_ERR_UNKNOWN);
}

static void one_pin_per_message_repeated_or_not(void **state)
{
	(void)state;
	phone_fx_list(U, "1234 SET T1 HIGH 8; SET T1 LOW 2", "SET T1 HIGH 8; SET T1 LOW 2");
	phone_fx_list(U, "1234 SET T1 HIGH 8;1234 SET T1 LOW 2", "SET T1 HIGH 8; SET T1 LOW 2");
	phone_fx_list(U, "1234 STATUS; 9999 READ", "STATUS; !pin_mismatch");
	phone_fx_list(U, "STATUS; 1234 READ", "STATUS; !pin_place");
	phone_fx_list(U, "12 STATUS; 12 READ", "STATUS; !pin_mismatch");
	const struct phone_msg *m = phone_fx_parse(U, "STATUS; 1234 READ");
	assert_false(m->has_pin); /* no second chance at a PIN within one message */
}

static void changing_the_pin(void **state)
{
	(void)state;
	/* PIN OLD NEW with no leading PIN: the old PIN is the message's. */
	const struct phone_msg *m = phone_fx_parse(U, "PIN 1234 5678");
	assert_true(m->has_pin);
	assert_string_equal(m->pin, "1234");
	m = phone_fx_parse(U, "PIN 12 5678");
	assert_true(m->has_pin);
	assert_int_equal(m->pin_err, PHONE_ERR_PIN_FORMAT);
	assert_string_equal(m->item[0].reason, "old PIN must be 4 to 8 digits");
	/* After a leading PIN, the new one alone, or both when they agree. */
	phone_fx_ok(U, "1234 PIN 5678", "PIN 1234 5678");
	phone_fx_ok(U, "1234 PIN 1234 5678", "PIN 1234 5678");
	assert_string_equal(phone_fx_err(U, "1234 PIN 1111 5678", PHONE_ERR_PIN_MISMATCH),
			    "the old PIN differs from the PIN before it");
	assert_string_equal(phone_fx_err(U, "1234 PIN 1234", PHONE_ERR_PIN_SAME),
			    "the new PIN is the old one");
	assert_string_equal(phone_fx_err(U, "1234 PIN 56", PHONE_ERR_PIN_FORMAT),
			    "new PIN must be 4 to 8 digits");
	phone_fx_err(U, "1234 PIN 5678x", PHONE_ERR_PIN_FORMAT);
	phone_fx_err(U, "1234 PIN 123456789", PHONE_ERR_PIN_FORMAT);
	assert_string_equal(phone_fx_err(U, "PIN 5678", PHONE_ERR_MISSING),
			    "PIN needs the old and the new PIN: PIN 1234 5678");
	phone_fx_err(U, "1234 PIN", PHONE_ERR_MISSING);
	assert_string_equal(phone_fx_err(U, "1234 PIN 1234 5678 9999", PHONE_ERR_EXTRA),
			    "unexpected words after PIN OLD NEW");
	/* A refused PIN command keeps no digits in the struct. */
	m = phone_fx_parse(U, "1234 PIN 1234 1234");
	assert_string_equal(m->item[0].cmd.pin, "");
	assert_string_equal(m->item[0].cmd.new_pin, "");
}

static void lists_answer_each_command_in_order(void **state)
{
	(void)state;
	phone_fx_list(U, "1234 STATUS; FOO; READ", "STATUS; !unknown; READ");
	phone_fx_list(U, "1234 SET T1 HIGH 8; SET T1 LOW 8.25; SET T1 DELAY 30m",
		      "SET T1 HIGH 8; !decimals; SET T1 DELAY 30m");
	phone_fx_list(U, "1234 STATUS;;; READ;", "STATUS; READ");
	phone_fx_list(U, "1234 STATUS ; READ ; HELP", "STATUS; READ; HELP");
	phone_fx_list(U, "1234 INTERVAL 5m;REPORT 1h", "INTERVAL 5m; REPORT 1h");
	/* Lines are lists too, while they start with a command. */
	phone_fx_list(U, "1234 STATUS\nSET T1 HIGH 9", "STATUS; SET T1 HIGH 9");
	phone_fx_list(U, "1234 STATUS\r\n1234 READ T1", "STATUS; READ T1");
}

static void spaces_and_punctuation_around_a_command(void **state)
{
	(void)state;
	phone_fx_ok(U, "   1234    SET   T1   HIGH    8   ", "SET T1 HIGH 8");
	phone_fx_ok(U, "\t1234\tSTATUS\t", "STATUS");
	phone_fx_ok(U, "1234 SET T1 HIGH 8.", "SET T1 HIGH 8");
	phone_fx_ok(U, "1234 SET T1 HIGH 8!", "SET T1 HIGH 8");
	phone_fx_ok(U, "\"1234 STATUS\"", "STATUS");
	phone_fx_ok(U, "*1234 STATUS#", "STATUS");
	phone_fx_ok(U, "1234 SET T1, HIGH, 8", "SET T1 HIGH 8");
	phone_fx_ok(U, "1234\xC2\xA0STATUS", "STATUS"); /* no-break space */
	phone_fx_ok(U,
		    "\xEF\xBB\xBF"
		    "1234 STATUS",
		    "STATUS");                                             /* byte-order mark */
	phone_fx_ok(U, "1234 SET T1\xE2\x80\x8B HIGH 8", "SET T1 HIGH 8"); /* zero-width space */
}

static void the_relayed_form_has_no_pin_and_round_trips(void **state)
{
	(void)state;
	struct phone_item item;
	const char *texts[] = {"STATUS",
			       "READ",
			       "READ T1",
			       "SET T1 HIGH 8",
			       "SET T1 LOW -18.5",
			       "SET T1 HH OFF",
			       "SET T1 LL -30",
			       "SET T1 DELAY 90s",
			       "SET T1 HYST 0.5",
			       "INTERVAL 10s",
			       "REPORT 7d",
			       "PIN 1234 98765432",
			       "HELP"};
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		char out[64];
		assert_int_equal(phone_parse_unit_cmd(texts[i], strlen(texts[i]), &item), 0);
		assert_int_equal(phone_cmd_format(U, &item.cmd, out, sizeof(out)), (int)strlen(texts[i]));
		assert_string_equal(out, texts[i]);
	}
	assert_int_equal(phone_parse_unit_cmd("set t1 high 8", 13, &item), 0);
	assert_int_equal(item.cmd.value_c10, 80);
	assert_int_equal(phone_parse_unit_cmd("1234 STATUS", 11, &item), -EINVAL);
	assert_int_equal(item.err, PHONE_ERR_PIN_PLACE);
	assert_int_equal(phone_parse_unit_cmd("STATUS; READ", 12, &item), -EINVAL);
	assert_int_equal(item.err, PHONE_ERR_EXTRA);
	assert_int_equal(phone_parse_unit_cmd("STATUS\nREAD", 11, &item), -EINVAL);
	assert_int_equal(phone_parse_unit_cmd("STATUS\0", 7, &item), -EINVAL);
	assert_int_equal(phone_parse_unit_cmd("", 0, &item), -EINVAL);
	assert_int_equal(item.err, PHONE_ERR_EMPTY);
	assert_int_equal(phone_parse_unit_cmd("ACK 12", 6, &item), -EINVAL);
	assert_int_equal(item.err, PHONE_ERR_ELSEWHERE);
	assert_int_equal(phone_parse_unit_cmd("SET T1 HIGH 8.25", 16, &item), -EINVAL);
	assert_int_equal(item.err, PHONE_ERR_DECIMALS);
	assert_int_equal(phone_parse_unit_cmd(NULL, 0, &item), -EINVAL);
	assert_int_equal(phone_parse_unit_cmd(NULL, 3, &item), -EINVAL);
	assert_int_equal(phone_parse_unit_cmd("STATUS", 6, NULL), -EINVAL);
}

static void round_trips_at_every_limit(void **state)
{
	(void)state;
	struct phone_cmd c = {.verb = PHONE_VERB_SET};
	strcpy(c.channel, "ABCDEFG_");
	for (int s = 0; s < PHONE_SETTING_COUNT; s++) {
		c.setting = (enum phone_setting)s;
		int32_t lo = PHONE_TEMP_MIN_C10, hi = PHONE_TEMP_MAX_C10;
		if (c.setting == PHONE_SETTING_HYST) {
			lo = PHONE_HYST_MIN_C10;
			hi = PHONE_HYST_MAX_C10;
		}
		for (int32_t v = lo; c.setting != PHONE_SETTING_DELAY && v <= hi; v++) {
			c.value_c10 = v;
			phone_fx_round_trip(U, &c);
		}
	}
	c.setting = PHONE_SETTING_DELAY;
	c.value_c10 = 0;
	for (uint32_t d = 0; d <= PHONE_DELAY_MAX_S; d += d < 7200 ? 1 : 997) {
		c.duration_s = d;
		phone_fx_round_trip(U, &c);
	}
	c.duration_s = PHONE_DELAY_MAX_S;
	phone_fx_round_trip(U, &c);
	struct phone_cmd every = {.verb = PHONE_VERB_REPORT, .duration_s = PHONE_REPORT_MAX_S};
	phone_fx_round_trip(U, &every);
	every.duration_s = PHONE_REPORT_MIN_S;
	phone_fx_round_trip(U, &every);
	every = (struct phone_cmd){.verb = PHONE_VERB_INTERVAL, .duration_s = PHONE_INTERVAL_MAX_S - 1};
	phone_fx_round_trip(U, &every);
}

static void format_refuses_what_the_parser_would(void **state)
{
	(void)state;
	char out[64];
	struct phone_cmd c = {.verb = PHONE_VERB_SET, .setting = PHONE_SETTING_HIGH, .value_c10 = 1501};
	strcpy(c.channel, "T1");
	assert_int_equal(phone_cmd_format(U, &c, out, sizeof(out)), -EINVAL);
	c.value_c10 = 80;
	strcpy(c.channel, "T 1");
	assert_int_equal(phone_cmd_format(U, &c, out, sizeof(out)), -EINVAL);
	strcpy(c.channel, "HIGH");
	assert_int_equal(phone_cmd_format(U, &c, out, sizeof(out)), -EINVAL);
	strcpy(c.channel, "T1");
	c.setting = PHONE_SETTING_HYST;
	c.value_c10 = 0;
	assert_int_equal(phone_cmd_format(U, &c, out, sizeof(out)), -EINVAL);
	struct phone_cmd ack = {.verb = PHONE_VERB_ACK};
	assert_int_equal(phone_cmd_format(U, &ack, out, sizeof(out)), -EINVAL);
	struct phone_cmd pin = {.verb = PHONE_VERB_PIN};
	strcpy(pin.pin, "1234");
	strcpy(pin.new_pin, "1234");
	assert_int_equal(phone_cmd_format(U, &pin, out, sizeof(out)), -EINVAL);
	struct phone_cmd rep = {.verb = PHONE_VERB_REPORT, .duration_s = 59};
	assert_int_equal(phone_cmd_format(U, &rep, out, sizeof(out)), -EINVAL);
	/* snprintf semantics: the length needed, the text cut. */
	rep.duration_s = 3600;
	assert_int_equal(phone_cmd_format(U, &rep, out, 4), 9);
	assert_string_equal(out, "REP");
	assert_int_equal(phone_cmd_format(U, &rep, NULL, 0), 9);
}

static void logs_hide_every_pin(void **state)
{
	(void)state;
	char log[256];
	const struct phone_msg *m = phone_fx_parse(U, "4711 PIN 4711 90210; STATUS");
	assert_int_equal(phone_cmd_log(U, &m->item[0].cmd, log, sizeof(log)), 21);
	assert_string_equal(log, "PIN <hidden> <hidden>");
	assert_true(phone_msg_log(U, m, log, sizeof(log)) > 0);
	assert_string_equal(log, "pin=<hidden> cmds=2 refused=0 list=\"PIN <hidden> <hidden>; STATUS\"");
	m = phone_fx_parse(U, "12 STATUS");
	phone_msg_log(U, m, log, sizeof(log));
	assert_string_equal(log, "pin=malformed cmds=1 refused=0 list=\"STATUS\"");
	m = phone_fx_parse(U, "STATUS\n-- Bob");
	phone_msg_log(U, m, log, sizeof(log));
	assert_string_equal(log, "pin=none cmds=1 refused=0 list=\"STATUS\" rest_ignored=1");
	/* A PIN typed where a word was due never reaches a reason (which daemons log). */
	m = phone_fx_parse(U, "4711 STATUS 4711");
	assert_string_equal(m->item[0].reason, "unexpected **** after STATUS");
	m = phone_fx_parse(U, "4711 SET T1 HIGH 90210");
	assert_null(strstr(m->item[0].reason, "90210"));
	m = phone_fx_parse(U, "4711XYZ STATUS");
	assert_null(strstr(m->item[0].reason, "4711"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_verb_in_its_canonical_form),
		cmocka_unit_test(the_fields_of_each_command),
		cmocka_unit_test(words_are_case_insensitive_and_names_kept_as_typed),
		cmocka_unit_test(aliases_of_the_alarm_box_families),
		cmocka_unit_test(limits_switch_off_and_delays_go_to_zero),
		cmocka_unit_test(temperatures_are_exact_tenths_with_comma_or_point),
		cmocka_unit_test(temperatures_refused_with_a_reason_never_rounded),
		cmocka_unit_test(durations_need_a_unit),
		cmocka_unit_test(missing_and_extra_words_are_refused_not_guessed),
		cmocka_unit_test(commands_of_the_base_are_named_as_such),
		cmocka_unit_test(the_pin_of_a_message),
		cmocka_unit_test(one_pin_per_message_repeated_or_not),
		cmocka_unit_test(changing_the_pin),
		cmocka_unit_test(lists_answer_each_command_in_order),
		cmocka_unit_test(spaces_and_punctuation_around_a_command),
		cmocka_unit_test(the_relayed_form_has_no_pin_and_round_trips),
		cmocka_unit_test(round_trips_at_every_limit),
		cmocka_unit_test(format_refuses_what_the_parser_would),
		cmocka_unit_test(logs_hide_every_pin),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
