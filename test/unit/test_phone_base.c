/* The base's phone commands as people on call send them: every verb and form, ACK in all the
 * ways a tired person types it (and the ambiguous ones refused), signatures, quoted text of
 * the message replied to, lists, and the SET the base relays to a unit. */
#include "phone_cmd.h"
#include "phone_fixture.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#define B PHONE_SIDE_BASE

static void every_verb_in_its_canonical_form(void **state)
{
	(void)state;
	phone_fx_ok(B, "STATUS", "STATUS");
	phone_fx_ok(B, "STATUS WH1", "STATUS WH1");
	phone_fx_ok(B, "READ WH1", "READ WH1");
	phone_fx_ok(B, "READ WH1 T1", "READ WH1 T1");
	phone_fx_ok(B, "ACK", "ACK");
	phone_fx_ok(B, "ACK 12", "ACK 12");
	phone_fx_ok(B, "ACK ALL", "ACK ALL");
	phone_fx_ok(B, "MUTE WH1 2h", "MUTE WH1 2h");
	phone_fx_ok(B, "MUTE WH1 T1 2h", "MUTE WH1 T1 2h");
	phone_fx_ok(B, "UNMUTE WH1", "UNMUTE WH1");
	phone_fx_ok(B, "UNMUTE WH1 T1", "UNMUTE WH1 T1");
	phone_fx_ok(B, "SET WH1 T1 HIGH 8", "SET WH1 T1 HIGH 8");
	phone_fx_ok(B, "SET WH1 T1 LOW 2", "SET WH1 T1 LOW 2");
	phone_fx_ok(B, "SET WH1 T1 HH 12", "SET WH1 T1 HH 12");
	phone_fx_ok(B, "SET WH1 T1 LL OFF", "SET WH1 T1 LL OFF");
	phone_fx_ok(B, "SET WH1 T1 DELAY 30m", "SET WH1 T1 DELAY 30m");
	phone_fx_ok(B, "SET WH1 T1 HYST 0,5", "SET WH1 T1 HYST 0.5");
	phone_fx_ok(B, "WHO", "WHO");
	phone_fx_ok(B, "HELP", "HELP");
}

static void the_fields_of_each_command(void **state)
{
	(void)state;
	const struct phone_cmd *c = phone_fx_ok(B, "STATUS ALL", "STATUS");
	assert_string_equal(c->unit, "");
	c = phone_fx_ok(B, "status cold-room_2", "STATUS cold-room_2");
	assert_string_equal(c->unit, "cold-room_2");
	c = phone_fx_ok(B, "MUTE WH1 T1 90m", "MUTE WH1 T1 90m");
	assert_string_equal(c->unit, "WH1");
	assert_string_equal(c->channel, "T1");
	assert_int_equal(c->duration_s, 5400);
	c = phone_fx_ok(B, "MUTE WH1 1d", "MUTE WH1 1d");
	assert_string_equal(c->channel, "");
	c = phone_fx_ok(B, "SET WH1 T1 LOW -18.5", "SET WH1 T1 LOW -18.5");
	assert_string_equal(c->unit, "WH1");
	assert_int_equal(c->setting, PHONE_SETTING_LOW);
	assert_int_equal(c->value_c10, -185);
	c = phone_fx_ok(B, "ACK 4294967295", "ACK 4294967295");
	assert_int_equal(c->ack, PHONE_ACK_ID);
	assert_int_equal(c->ack_id, 4294967295u);
	c = phone_fx_ok(B, "ACK", "ACK");
	assert_int_equal(c->ack, PHONE_ACK_NEWEST);
	assert_int_equal(c->ack_id, 0);
	assert_int_equal(phone_fx_ok(B, "ACK ALL", "ACK ALL")->ack, PHONE_ACK_ALL);
}

static void ack_as_people_type_it(void **state)
{
	(void)state;
	phone_fx_ok(B, "ack", "ACK");
	phone_fx_ok(B, "Ack.", "ACK");
	phone_fx_ok(B, "ACK!", "ACK");
	phone_fx_ok(B, "Ack thanks", "ACK");
	phone_fx_ok(B, "Ack, on my way", "ACK");
	phone_fx_ok(B, "ok", "ACK");
	phone_fx_ok(B, "OK", "ACK");
	phone_fx_ok(B, "Okay", "ACK");
	phone_fx_ok(B, "ok ACK", "ACK");
	phone_fx_ok(B, "OK 12", "ACK 12");
	phone_fx_ok(B, "ACK 12 on my way", "ACK 12");
	phone_fx_ok(B, "ACK 12, on my way, there in 10 min", "ACK 12");
	phone_fx_ok(B, "ACK 12. On my way", "ACK 12");
	phone_fx_ok(B, "ACK #12", "ACK 12");
	phone_fx_ok(B, "ACK12", "ACK 12");
	phone_fx_ok(B, "ack#12", "ACK 12");
	phone_fx_ok(B, "ACKALL", "ACK ALL");
	phone_fx_ok(B, "ack all", "ACK ALL");
	phone_fx_ok(B, "ACK ALL!", "ACK ALL");
	phone_fx_ok(B, "  ack    12  ", "ACK 12");
	phone_fx_ok(B, "ACK -- Bob", "ACK");
	phone_fx_ok(B, "ACK ALL --Bob", "ACK ALL");
}

static void ambiguous_acks_are_refused(void **state)
{
	(void)state;
	assert_string_equal(phone_fx_err(B, "ACK ALL good", PHONE_ERR_AMBIGUOUS),
			    "ACK ALL must stand alone; nothing acknowledged");
	phone_fx_err(B, "Ack all good", PHONE_ERR_AMBIGUOUS);
	assert_string_equal(phone_fx_err(B, "ACK 12 13", PHONE_ERR_AMBIGUOUS),
			    "one alarm per ACK: ACK 12; ACK 13");
	phone_fx_err(B, "ACK 12, 13", PHONE_ERR_AMBIGUOUS);
	phone_fx_err(B, "ACK 12 ALL", PHONE_ERR_AMBIGUOUS);
	assert_string_equal(phone_fx_err(B, "ACK the one from 12", PHONE_ERR_AMBIGUOUS),
			    "unclear ACK; send ACK alone, or ACK 12");
	phone_fx_err(B, "ack on my way, 10 min", PHONE_ERR_AMBIGUOUS);
	assert_string_equal(phone_fx_err(B, "ACK 0", PHONE_ERR_ACK_ID), "bad alarm number 0, e.g. ACK 12");
	phone_fx_err(B, "ACK 12a", PHONE_ERR_ACK_ID);
	phone_fx_err(B, "ACK 4294967296", PHONE_ERR_ACK_ID);
	phone_fx_err(B, "ACK 99999999999999999999", PHONE_ERR_ACK_ID);
	phone_fx_ok(B, "ACK #", "ACK");
	/* An alarm number alone is not guessed into an ACK, but the reply says how. */
	assert_string_equal(phone_fx_err(B, "12", PHONE_ERR_UNKNOWN), "to acknowledge alarm 12, send ACK 12");
	/* "ok" counts only as a bare reply, not inside a list or on a later line. */
	phone_fx_list(B, "STATUS; OK", "STATUS; !unknown");
	phone_fx_list(B, "ACK\nOk thanks", "ACK");
}

static void signatures_and_quoted_text_are_not_read(void **state)
{
	(void)state;
	phone_fx_list(B, "ACK\n-- Sent from my phone", "ACK");
	phone_fx_list(B, "ACK\n--\nAlice", "ACK");
	phone_fx_list(B, "ACK 12\n__________\nSent from Outlook", "ACK 12");
	phone_fx_list(B, "ACK\nSent from my iPhone", "ACK");
	phone_fx_list(B, "ACK\n\xE2\x80\x94 Bob", "ACK"); /* em dash */
	phone_fx_list(B, "ACK 12\n> WH1 ALARM T1 9.4C above 8.0C since 03:12. Reply ACK 12", "ACK 12");
	phone_fx_list(B, "> WH1 ALARM T1 9.4C above 8.0C\n> Reply ACK 12\nACK 12", "ACK 12");
	phone_fx_list(B, "ACK 12\n\"WH1 ALARM T1 9.4C above 8.0C. Reply ACK 12\"", "ACK 12");
	phone_fx_list(B, "ACK 12\nWH1 ALARM T1 9.4C; SET WH1 T1 HIGH 20", "ACK 12");
	phone_fx_list(B, "\n\n  ACK 12\n\n", "ACK 12");
	phone_fx_list(B, "STATUS WH1\r\nREAD WH1\r\nThanks, Bob", "STATUS WH1; READ WH1");
	const struct phone_msg *m = phone_fx_parse(B, "ACK\n-- Bob");
	assert_true(m->rest_ignored);
	m = phone_fx_parse(B, "ACK");
	assert_false(m->rest_ignored);
	assert_int_equal(phone_fx_parse(B, "-- Sent from my phone")->item[0].err, PHONE_ERR_EMPTY);
}

static void punctuation_and_spaces_around_commands(void **state)
{
	(void)state;
	phone_fx_ok(B, "\"ACK 12\"", "ACK 12");
	phone_fx_ok(B, "*ACK#", "ACK");
	phone_fx_ok(B, "(STATUS)", "STATUS");
	phone_fx_ok(B, "STATUS WH1?", "STATUS WH1");
	phone_fx_ok(B, "Who is on call?", "WHO");
	phone_fx_ok(B, "who?", "WHO");
	phone_fx_ok(B, "help!", "HELP");
	phone_fx_ok(B,
		    "\xE2\x80\x9C"
		    "ACK 12\xE2\x80\x9D",
		    "ACK 12"); /* curly quotes */
	phone_fx_ok(B, "\xEF\xBC\xA1\xEF\xBC\xA3\xEF\xBC\xAB\xE3\x80\x80\xEF\xBC\x91\xEF\xBC\x92",
		    "ACK 12");                                                /* fullwidth ACK 12 */
	phone_fx_ok(B, "\xF0\x9F\x91\x8D ACK 12 \xF0\x9F\x91\x8D", "ACK 12"); /* thumbs up */
	phone_fx_ok(B, "MUTE WH1 2 hours", "MUTE WH1 2h");
	phone_fx_ok(B, "mute wh1 t1 30 min", "MUTE wh1 t1 30m");
	phone_fx_ok(B, "SET WH1 T1 HIGH=8", "SET WH1 T1 HIGH 8");
}

static void every_other_form_refused_with_its_reason(void **state)
{
	(void)state;
	assert_string_equal(phone_fx_err(B, "READ", PHONE_ERR_MISSING), "READ needs a unit, e.g. READ WH1");
	assert_string_equal(phone_fx_err(B, "MUTE", PHONE_ERR_MISSING),
			    "MUTE needs a unit and a time, e.g. MUTE WH1 2h");
	phone_fx_err(B, "MUTE WH1", PHONE_ERR_MISSING);
	assert_string_equal(phone_fx_err(B, "MUTE WH1 T1", PHONE_ERR_MISSING),
			    "MUTE needs a time, e.g. MUTE WH1 T1 2h");
	assert_string_equal(phone_fx_err(B, "MUTE WH1 30", PHONE_ERR_DURATION_UNIT),
			    "30 needs a unit: s, m, h or d, e.g. 30m");
	assert_string_equal(phone_fx_err(B, "MUTE WH1 30s", PHONE_ERR_RANGE), "MUTE must be 1m to 7d");
	phone_fx_err(B, "MUTE WH1 8d", PHONE_ERR_RANGE);
	phone_fx_err(B, "MUTE WH1 T1 2h now", PHONE_ERR_EXTRA);
	assert_string_equal(phone_fx_err(B, "MUTE ALL 2h", PHONE_ERR_UNIT), "ALL is not a unit id, e.g. WH1");
	phone_fx_err(B, "MUTE WH1 OFF 2h", PHONE_ERR_CHANNEL);
	assert_string_equal(phone_fx_err(B, "UNMUTE", PHONE_ERR_MISSING),
			    "UNMUTE needs a unit, e.g. UNMUTE WH1");
	phone_fx_err(B, "UNMUTE WH1 T1 T2", PHONE_ERR_EXTRA);
	assert_string_equal(phone_fx_err(B, "STATUS WH1 please", PHONE_ERR_EXTRA),
			    "unexpected please after STATUS");
	phone_fx_err(B, "STATUS WH/1", PHONE_ERR_UNIT);
	phone_fx_err(B, "STATUS ABCDEFGHIJKLMNOPQ", PHONE_ERR_UNIT); /* 17 characters */
	phone_fx_ok(B, "STATUS ABCDEFGHIJKLMNOP", "STATUS ABCDEFGHIJKLMNOP");
	phone_fx_err(B, "READ WH1 T1 T2", PHONE_ERR_EXTRA);
	assert_string_equal(phone_fx_err(B, "SET T1 HIGH 8", PHONE_ERR_MISSING),
			    "SET needs the unit: SET WH1 T1 HIGH 8");
	assert_string_equal(phone_fx_err(B, "SET WH1", PHONE_ERR_MISSING), "SET needs: SET WH1 T1 HIGH 8");
	phone_fx_err(B, "SET WH1 T1 HIGH 8 9", PHONE_ERR_EXTRA);
	phone_fx_err(B, "SET WH1 T1 HIGH 8 thanks", PHONE_ERR_EXTRA);
	phone_fx_err(B, "SET WH1 T1 COLD 8", PHONE_ERR_SETTING);
	phone_fx_err(B, "SET WH1 T1 HIGH 8.25", PHONE_ERR_DECIMALS);
	phone_fx_err(B, "SET WH1 T1 HIGH 46F", PHONE_ERR_FAHRENHEIT);
	assert_string_equal(phone_fx_err(B, "INTERVAL 5m", PHONE_ERR_ELSEWHERE),
			    "INTERVAL goes to a unit, not to the base");
	phone_fx_err(B, "REPORT 1h", PHONE_ERR_ELSEWHERE);
	phone_fx_err(B, "PIN 1234 5678", PHONE_ERR_ELSEWHERE);
	assert_string_equal(phone_fx_err(B, "1234 STATUS", PHONE_ERR_NO_PIN_HERE),
			    "the base needs no PIN; send the command alone");
	assert_string_equal(phone_fx_err(B, "FOO", PHONE_ERR_UNKNOWN), "unknown command FOO; send HELP");
	assert_string_equal(phone_fx_err(B, "Thanks", PHONE_ERR_UNKNOWN),
			    "unknown command Thanks; send HELP");
}

static void lists_answer_each_command_in_order(void **state)
{
	(void)state;
	phone_fx_list(B, "STATUS; ACK; WHO", "STATUS; ACK; WHO");
	phone_fx_list(B, "ACK 12; ACK 13", "ACK 12; ACK 13");
	phone_fx_list(B, "ACK 12; FOO; MUTE WH1 2h", "ACK 12; !unknown; MUTE WH1 2h");
	phone_fx_list(B, "SET WH1 T1 HIGH 8; SET WH1 T1 LOW 8.25; STATUS WH1",
		      "SET WH1 T1 HIGH 8; !decimals; STATUS WH1");
	phone_fx_list(B, "ACK 12\nACK 13", "ACK 12; ACK 13");
	phone_fx_list(B, "Hello\nACK 12", "!unknown; ACK 12");
}

static void the_set_the_base_relays_to_a_unit(void **state)
{
	(void)state;
	char text[64];
	struct phone_item item;
	const struct phone_cmd *c = phone_fx_ok(B, "set wh1 t1 high 8,5", "SET wh1 t1 HIGH 8.5");
	assert_int_equal(phone_cmd_format(PHONE_SIDE_UNIT, c, text, sizeof(text)), 15);
	assert_string_equal(text, "SET t1 HIGH 8.5");
	assert_int_equal(phone_parse_unit_cmd(text, strlen(text), &item), 0);
	assert_string_equal(item.cmd.channel, "t1");
	assert_int_equal(item.cmd.value_c10, 85);
	c = phone_fx_ok(B, "READ WH1 T2", "READ WH1 T2");
	assert_true(phone_cmd_format(PHONE_SIDE_UNIT, c, text, sizeof(text)) > 0);
	assert_string_equal(text, "READ T2");
	c = phone_fx_ok(B, "SET WH1 T1 DELAY 2h", "SET WH1 T1 DELAY 2h");
	phone_cmd_format(PHONE_SIDE_UNIT, c, text, sizeof(text));
	assert_string_equal(text, "SET T1 DELAY 2h");
	/* Base verbs have no unit form. */
	c = phone_fx_ok(B, "MUTE WH1 2h", "MUTE WH1 2h");
	assert_int_equal(phone_cmd_format(PHONE_SIDE_UNIT, c, text, sizeof(text)), -EINVAL);
}

static void format_checks_the_base_fields(void **state)
{
	(void)state;
	char out[64];
	struct phone_cmd c = {.verb = PHONE_VERB_READ};
	assert_int_equal(phone_cmd_format(B, &c, out, sizeof(out)), -EINVAL); /* READ needs a unit */
	strcpy(c.unit, "WH1");
	assert_int_equal(phone_cmd_format(B, &c, out, sizeof(out)), 8);
	strcpy(c.unit, "ALL");
	assert_int_equal(phone_cmd_format(B, &c, out, sizeof(out)), -EINVAL);
	struct phone_cmd ack = {.verb = PHONE_VERB_ACK, .ack = PHONE_ACK_ID};
	assert_int_equal(phone_cmd_format(B, &ack, out, sizeof(out)), -EINVAL); /* id 0 */
	struct phone_cmd mute = {.verb = PHONE_VERB_MUTE, .duration_s = 3600};
	strcpy(mute.unit, "WH1");
	strcpy(mute.channel, "2h"); /* would read as the duration */
	assert_int_equal(phone_cmd_format(B, &mute, out, sizeof(out)), -EINVAL);
	strcpy(mute.channel, "1");
	assert_true(phone_cmd_format(B, &mute, out, sizeof(out)) > 0);
	assert_string_equal(out, "MUTE WH1 1 1h");
	phone_fx_round_trip(B, &mute);
	struct phone_cmd pin = {.verb = PHONE_VERB_PIN};
	strcpy(pin.pin, "1234");
	strcpy(pin.new_pin, "5678");
	assert_int_equal(phone_cmd_format(B, &pin, out, sizeof(out)), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_verb_in_its_canonical_form),
		cmocka_unit_test(the_fields_of_each_command),
		cmocka_unit_test(ack_as_people_type_it),
		cmocka_unit_test(ambiguous_acks_are_refused),
		cmocka_unit_test(signatures_and_quoted_text_are_not_read),
		cmocka_unit_test(punctuation_and_spaces_around_commands),
		cmocka_unit_test(every_other_form_refused_with_its_reason),
		cmocka_unit_test(lists_answer_each_command_in_order),
		cmocka_unit_test(the_set_the_base_relays_to_a_unit),
		cmocka_unit_test(format_checks_the_base_fields),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
