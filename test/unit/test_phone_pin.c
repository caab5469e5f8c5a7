/* The pieces around the grammar: PIN lockout per number on a fake clock, the role table and
 * the one-SMS HELP texts written from it, the name checks the config uses, and the value
 * readers and writers on their own. */
#include "alert_text.h"
#include "phone_cmd.h"
#include "phone_fixture.h"
#include "phone_help.h"
#include "phone_pin.h"
#include "phone_value.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#define T0   1764000000000LL /* 2025-11-24, UTC epoch ms */
#define HOUR PHONE_LOCK_MS

static void three_wrong_pins_lock_the_number_for_an_hour(void **state)
{
	(void)state;
	struct phone_lock l = {0};
	assert_int_equal(phone_lock_check(&l, "1111", "1234", T0), PHONE_PIN_WRONG);
	assert_int_equal(l.failures, 1);
	assert_int_equal(phone_lock_check(&l, "2222", "1234", T0 + 1000), PHONE_PIN_WRONG);
	assert_int_equal(phone_lock_check(&l, "3333", "1234", T0 + 2000), PHONE_PIN_LOCKOUT);
	assert_int_equal(l.locked_until_ms, T0 + 2000 + HOUR);
	assert_true(phone_lock_active(&l, T0 + 2000));
	/* Locked: nothing is compared, not even the right PIN, and nothing is counted. */
	struct phone_lock before = l;
	assert_int_equal(phone_lock_check(&l, "1234", "1234", T0 + 3000), PHONE_PIN_LOCKED);
	assert_int_equal(phone_lock_check(&l, "9999", "1234", T0 + 2000 + HOUR - 1), PHONE_PIN_LOCKED);
	assert_int_equal(phone_lock_check(&l, NULL, "1234", T0 + 4000), PHONE_PIN_LOCKED);
	assert_false(phone_lock_changed(&before, &l));
	/* An hour later the lock and the count are gone. */
	assert_false(phone_lock_active(&l, T0 + 2000 + HOUR));
	assert_int_equal(phone_lock_check(&l, "1234", "1234", T0 + 2000 + HOUR), PHONE_PIN_OK);
	assert_int_equal(l.failures, 0);
	assert_int_equal(l.locked_until_ms, 0);
	assert_true(phone_lock_changed(&before, &l));
}

static void a_right_pin_resets_the_count(void **state)
{
	(void)state;
	struct phone_lock l = {0};
	assert_int_equal(phone_lock_check(&l, "1111", "1234", T0), PHONE_PIN_WRONG);
	assert_int_equal(phone_lock_check(&l, "2222", "1234", T0), PHONE_PIN_WRONG);
	assert_int_equal(phone_lock_check(&l, "1234", "1234", T0), PHONE_PIN_OK);
	assert_int_equal(l.failures, 0);
	assert_int_equal(phone_lock_check(&l, "1111", "1234", T0), PHONE_PIN_WRONG);
	assert_int_equal(phone_lock_check(&l, "2222", "1234", T0), PHONE_PIN_WRONG);
	assert_int_equal(l.locked_until_ms, 0);
	/* After a lock ended, three more wrong ones are needed. */
	assert_int_equal(phone_lock_check(&l, "3333", "1234", T0), PHONE_PIN_LOCKOUT);
	assert_int_equal(phone_lock_check(&l, "1111", "1234", T0 + HOUR), PHONE_PIN_WRONG);
	assert_int_equal(l.failures, 1);
}

static void missing_pins_are_not_counted_malformed_ones_are(void **state)
{
	(void)state;
	struct phone_lock l = {0};
	for (int i = 0; i < 10; i++)
		assert_int_equal(phone_lock_check(&l, NULL, "1234", T0 + i), PHONE_PIN_MISSING);
	assert_int_equal(l.failures, 0);
	/* As phone_parse() gives them: "12 STATUS" is has_pin with pin "". */
	const struct phone_msg *m = phone_fx_parse(PHONE_SIDE_UNIT, "12 STATUS");
	assert_int_equal(phone_lock_check(&l, m->has_pin ? m->pin : NULL, "1234", T0), PHONE_PIN_WRONG);
	m = phone_fx_parse(PHONE_SIDE_UNIT, "STATUS");
	assert_int_equal(phone_lock_check(&l, m->has_pin ? m->pin : NULL, "1234", T0), PHONE_PIN_MISSING);
	m = phone_fx_parse(PHONE_SIDE_UNIT, "1234 STATUS");
	assert_int_equal(phone_lock_check(&l, m->has_pin ? m->pin : NULL, "1234", T0), PHONE_PIN_OK);
	/* Close to the PIN is still wrong. */
	assert_int_equal(phone_lock_check(&l, "12345", "1234", T0), PHONE_PIN_WRONG);
	assert_int_equal(phone_lock_check(&l, "123", "1234", T0), PHONE_PIN_WRONG);
	assert_int_equal(phone_lock_check(&l, "", "1234", T0), PHONE_PIN_LOCKOUT);
	l = (struct phone_lock){0};
	assert_int_equal(phone_lock_check(&l, "123456789", "12345678", T0), PHONE_PIN_WRONG);
	assert_int_equal(phone_lock_check(&l, "12345678", "12345678", T0), PHONE_PIN_OK);
}

static void numbers_are_independent(void **state)
{
	(void)state;
	struct phone_lock alice = {0}, bob = {0};
	for (int i = 0; i < PHONE_LOCK_TRIES; i++)
		phone_lock_check(&alice, "0000", "1234", T0);
	assert_true(phone_lock_active(&alice, T0));
	assert_int_equal(phone_lock_check(&bob, "1234", "1234", T0), PHONE_PIN_OK);
}

static void a_clock_set_back_or_a_damaged_record(void **state)
{
	(void)state;
	/* Locked, then the clock goes back a day: the lock lasts an hour from now, not 25. */
	struct phone_lock l = {.failures = PHONE_LOCK_TRIES, .locked_until_ms = T0 + HOUR};
	int64_t back = T0 - 86400000LL;
	assert_int_equal(phone_lock_check(&l, "1234", "1234", back), PHONE_PIN_LOCKED);
	assert_int_equal(l.locked_until_ms, back + HOUR);
	assert_int_equal(phone_lock_check(&l, "1234", "1234", back + HOUR), PHONE_PIN_OK);
	/* Damaged values from a store: no overflow, and the next wrong PIN locks. */
	l = (struct phone_lock){.failures = UINT32_MAX, .locked_until_ms = INT64_MAX};
	assert_int_equal(phone_lock_check(&l, "1234", "1234", INT64_MAX - 5), PHONE_PIN_LOCKED);
	l = (struct phone_lock){.failures = UINT32_MAX, .locked_until_ms = 0};
	assert_int_equal(phone_lock_check(&l, "0000", "1234", T0), PHONE_PIN_LOCKOUT);
	l = (struct phone_lock){.failures = 2, .locked_until_ms = INT64_MIN};
	assert_int_equal(phone_lock_check(&l, "0000", "1234", INT64_MIN + 1), PHONE_PIN_WRONG);
	assert_int_equal(l.failures, 1); /* a lock that ended is forgotten with its count */
	assert_int_equal(phone_lock_check(&l, "0000", "1234", INT64_MAX), PHONE_PIN_WRONG);
	assert_int_equal(phone_lock_check(&l, "0000", "1234", INT64_MAX), PHONE_PIN_LOCKOUT);
	assert_int_equal(l.locked_until_ms, INT64_MAX);
	l = (struct phone_lock){.failures = 2};
	assert_int_equal(phone_lock_check(&l, "0000", "1234", -HOUR), PHONE_PIN_LOCKOUT);
	assert_int_not_equal(l.locked_until_ms, 0); /* 0 would read as unlocked */
	assert_true(phone_lock_active(&l, -1));
	assert_string_equal(phone_pin_result_str(PHONE_PIN_LOCKOUT), "lockout");
}

static void the_role_table(void **state)
{
	(void)state;
	const enum phone_side U = PHONE_SIDE_UNIT, B = PHONE_SIDE_BASE;
	for (int r = 0; r < PHONE_ROLE_COUNT; r++) {
		enum phone_role role = (enum phone_role)r;
		assert_true(phone_role_may(U, role, PHONE_VERB_STATUS));
		assert_true(phone_role_may(U, role, PHONE_VERB_READ));
		assert_true(phone_role_may(B, role, PHONE_VERB_WHO));
		assert_false(phone_role_may(U, role, PHONE_VERB_ACK));
		assert_false(phone_role_may(B, role, PHONE_VERB_PIN));
		enum phone_role back;
		assert_int_equal(phone_role_parse(phone_role_str(role), &back), 0);
		assert_int_equal(back, role);
	}
	assert_true(phone_role_may(B, PHONE_ROLE_OPERATOR, PHONE_VERB_ACK));
	assert_false(phone_role_may(B, PHONE_ROLE_VIEWER, PHONE_VERB_ACK));
	assert_false(phone_role_may(B, PHONE_ROLE_VIEWER, PHONE_VERB_MUTE));
	assert_false(phone_role_may(B, PHONE_ROLE_OPERATOR, PHONE_VERB_SET));
	assert_true(phone_role_may(B, PHONE_ROLE_ADMIN, PHONE_VERB_SET));
	assert_false(phone_role_may(U, PHONE_ROLE_OPERATOR, PHONE_VERB_SET));
	assert_false(phone_role_may(U, PHONE_ROLE_OPERATOR, PHONE_VERB_PIN));
	assert_true(phone_role_may(U, PHONE_ROLE_ADMIN, PHONE_VERB_INTERVAL));
	enum phone_role r;
	assert_int_equal(phone_role_parse("Admin", &r), -EINVAL);
	assert_int_equal(phone_role_parse(NULL, &r), -EINVAL);
}

/* True when `word` stands in `text` as a whole word. */
static bool mentions(const char *text, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = strstr(text, word); p; p = strstr(p + 1, word)) {
		bool start = p == text || !(p[-1] >= 'A' && p[-1] <= 'Z');
		bool end = !(p[n] >= 'A' && p[n] <= 'Z');
		if (start && end)
			return true;
	}
	return false;
}

static void help_is_one_sms_naming_only_what_the_role_may(void **state)
{
	(void)state;
	for (int s = 0; s < 2; s++) {
		for (int r = 0; r < PHONE_ROLE_COUNT; r++) {
			enum phone_side side = (enum phone_side)s;
			enum phone_role role = (enum phone_role)r;
			const char *help = phone_help(side, role);
			/* One septet per character: no escape-table character, nothing outside GSM 7-bit. */
			assert_int_equal(alert_text_septets(help), (int)strlen(help));
			assert_true(strlen(help) <= ALERT_SMS_SEPTETS);
			for (int v = 0; v < PHONE_VERB_COUNT; v++) {
				enum phone_verb verb = (enum phone_verb)v;
				/* The unit's texts say "start with your PIN": the code, not the command. */
				if (side == PHONE_SIDE_UNIT && verb == PHONE_VERB_PIN &&
				    role != PHONE_ROLE_ADMIN)
					continue;
				if (!phone_role_may(side, role, verb) && mentions(help, phone_verb_str(verb)))
					fail_msg("%s help for %s names %s", phone_side_str(side),
						 phone_role_str(role), phone_verb_str(verb));
			}
			assert_true(mentions(help, "STATUS"));
			/* Quoted back under a reply, it reads as no command. */
			char reply[256];
			snprintf(reply, sizeof(reply), "STATUS\n%s", help);
			phone_fx_list(side, reply, "STATUS");
		}
	}
	assert_true(mentions(phone_help(PHONE_SIDE_BASE, PHONE_ROLE_OPERATOR), "ACK"));
	assert_true(mentions(phone_help(PHONE_SIDE_BASE, PHONE_ROLE_ADMIN), "SET"));
	assert_true(mentions(phone_help(PHONE_SIDE_UNIT, PHONE_ROLE_ADMIN), "PIN"));
	assert_true(mentions(phone_help(PHONE_SIDE_UNIT, PHONE_ROLE_ADMIN), "INTERVAL"));
}

static void names_the_config_may_use(void **state)
{
	(void)state;
	const char *why = NULL;
	assert_int_equal(phone_name_check(PHONE_NAME_UNIT, "WH1", &why), 0);
	assert_int_equal(phone_name_check(PHONE_NAME_UNIT, "cold-room_2", NULL), 0);
	assert_int_equal(phone_name_check(PHONE_NAME_UNIT, "ABCDEFGHIJKLMNOP", NULL), 0);
	assert_int_equal(phone_name_check(PHONE_NAME_UNIT, "ABCDEFGHIJKLMNOPQ", &why), -EINVAL);
	assert_string_equal(why, "a unit id is 1 to 16 letters, digits, '-' or '_'");
	assert_int_equal(phone_name_check(PHONE_NAME_UNIT, "", NULL), -EINVAL);
	assert_int_equal(phone_name_check(PHONE_NAME_UNIT, NULL, NULL), -EINVAL);
	assert_int_equal(phone_name_check(PHONE_NAME_UNIT, "WH 1", NULL), -EINVAL);
	assert_int_equal(phone_name_check(PHONE_NAME_CHANNEL, "T1", NULL), 0);
	assert_int_equal(phone_name_check(PHONE_NAME_CHANNEL, "1", NULL), 0);
	assert_int_equal(phone_name_check(PHONE_NAME_CHANNEL, "probe_1", NULL), 0);
	assert_int_equal(phone_name_check(PHONE_NAME_CHANNEL, "probe-1", NULL), -EINVAL);
	assert_int_equal(phone_name_check(PHONE_NAME_CHANNEL, "ABCDEFGHI", NULL), -EINVAL);
	const char *reserved[] = {"ALL",   "all",  "OFF", "STATUS", "ack", "OK",    "HIGH", "HH",
				  "delay", "HYST", "2h",  "0",      "30m", "1h30m", "WHO",  "set"};
	for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
		why = NULL;
		assert_int_equal(phone_name_check(PHONE_NAME_CHANNEL, reserved[i], &why), -EINVAL);
		assert_non_null(why);
		assert_int_equal(phone_name_check(PHONE_NAME_UNIT, reserved[i], NULL), -EINVAL);
	}
	assert_true(phone_name_same("wh1", "WH1"));
	assert_false(phone_name_same("WH1", "WH12"));
	assert_false(phone_name_same(NULL, "WH1"));
}

static void temperatures_on_their_own(void **state)
{
	(void)state;
	int32_t v;
	char out[16];
	assert_int_equal(phone_temp_parse("8", 1, &v), 0);
	assert_int_equal(v, 80);
	assert_int_equal(phone_temp_parse("8.", 2, &v), 0);
	assert_int_equal(v, 80);
	assert_int_equal(phone_temp_parse("-18,5", 5, &v), 0);
	assert_int_equal(v, -185);
	assert_int_equal(phone_temp_parse("8.5XYZ", 3, &v), 0); /* only `len` bytes are read */
	assert_int_equal(v, 85);
	assert_int_equal(phone_temp_parse("-4.5\xC2\xB0"
					  "C",
					  7, &v),
			 0); /* a degree sign in UTF-8, as a config file may hold it */
	assert_int_equal(v, -45);
	assert_int_equal(phone_temp_parse("40\xC2\xB0"
					  "F",
					  5, &v),
			 -EPROTO);
	assert_int_equal(phone_temp_parse("4\xC2", 2, &v), -EINVAL);
	assert_int_equal(phone_temp_parse("", 0, &v), -EINVAL);
	assert_int_equal(phone_temp_parse("-", 1, &v), -EINVAL);
	assert_int_equal(phone_temp_parse(".", 1, &v), -EINVAL);
	assert_int_equal(phone_temp_parse("C", 1, &v), -EINVAL);
	assert_int_equal(phone_temp_parse("8CC", 3, &v), -EINVAL);
	assert_int_equal(phone_temp_parse("8.05", 4, &v), -EDOM);
	assert_int_equal(phone_temp_parse("8.00", 4, &v), -EDOM);
	assert_int_equal(phone_temp_parse("8F", 2, &v), -EPROTO);
	assert_int_equal(phone_temp_parse("150.1", 5, &v), -ERANGE);
	assert_int_equal(phone_temp_parse(NULL, 0, &v), -EINVAL);
	const int32_t values[] = {0, 5, -5, 80, -185, 1500, -1000, INT32_MAX, INT32_MIN};
	const char *texts[] = {"0",   "0.5",  "-0.5",        "8",           "-18.5",
			       "150", "-100", "214748364.7", "-214748364.8"};
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		assert_int_equal(phone_temp_format(values[i], out, sizeof(out)), (int)strlen(texts[i]));
		assert_string_equal(out, texts[i]);
	}
}

static void durations_on_their_own(void **state)
{
	(void)state;
	uint32_t s;
	char out[16];
	assert_int_equal(phone_duration_parse("30s", 3, &s), 0);
	assert_int_equal(s, 30);
	assert_int_equal(phone_duration_parse("5M", 2, &s), 0);
	assert_int_equal(s, 300);
	assert_int_equal(phone_duration_parse("1d2h3m4s", 8, &s), 0);
	assert_int_equal(s, 93784);
	assert_int_equal(phone_duration_parse("2weeks", 6, &s), 0);
	assert_int_equal(s, 14 * 86400);
	assert_int_equal(phone_duration_parse("0", 1, &s), 0);
	assert_int_equal(s, 0);
	assert_int_equal(phone_duration_parse("366d", 4, &s), 0);
	assert_int_equal(s, PHONE_DURATION_MAX_S);
	assert_int_equal(phone_duration_parse("367d", 4, &s), -ERANGE);
	assert_int_equal(phone_duration_parse("365d24h1s", 9, &s), -ERANGE);
	assert_int_equal(phone_duration_parse("30", 2, &s), -EDOM);
	assert_int_equal(phone_duration_parse("00", 2, &s), 0);
	assert_int_equal(phone_duration_parse("", 0, &s), -EINVAL);
	assert_int_equal(phone_duration_parse("m", 1, &s), -EINVAL);
	assert_int_equal(phone_duration_parse("5x", 2, &s), -EINVAL);
	assert_int_equal(phone_duration_parse("-5m", 3, &s), -EINVAL);
	assert_int_equal(phone_duration_parse("5 m", 3, &s), -EINVAL);
	assert_int_equal(phone_duration_parse(NULL, 0, &s), -EINVAL);
	const uint32_t secs[] = {0, 59, 60, 90, 3600, 5400, 86400, 90000, PHONE_DURATION_MAX_S, UINT32_MAX};
	const char *texts[] = {"0s", "59s", "1m", "90s", "1h", "90m", "1d", "25h", "366d", "4294967295s"};
	for (size_t i = 0; i < sizeof(secs) / sizeof(secs[0]); i++) {
		assert_int_equal(phone_duration_format(secs[i], out, sizeof(out)), (int)strlen(texts[i]));
		assert_string_equal(out, texts[i]);
	}
	assert_int_equal(phone_pin_valid("1234"), 0);
	assert_int_equal(phone_pin_valid("12345678"), 0);
	assert_int_equal(phone_pin_valid("123"), -EINVAL);
	assert_int_equal(phone_pin_valid("123456789"), -EINVAL);
	assert_int_equal(phone_pin_valid("12a4"), -EINVAL);
	assert_int_equal(phone_pin_valid(NULL), -EINVAL);
}

static void every_enum_has_a_name(void **state)
{
	(void)state;
	for (int e = 0; e < PHONE_ERR_COUNT; e++) {
		assert_string_not_equal(phone_err_str((enum phone_err)e), "?");
		for (int f = 0; f < e; f++)
			assert_string_not_equal(phone_err_str((enum phone_err)e),
						phone_err_str((enum phone_err)f));
	}
	assert_string_equal(phone_err_str((enum phone_err)PHONE_ERR_COUNT), "?");
	for (int v = 0; v < PHONE_VERB_COUNT; v++) {
		assert_string_not_equal(phone_verb_str((enum phone_verb)v), "?");
		assert_true(phone_verb_on(PHONE_SIDE_UNIT, (enum phone_verb)v) ||
			    phone_verb_on(PHONE_SIDE_BASE, (enum phone_verb)v));
	}
	for (int s = 0; s < PHONE_SETTING_COUNT; s++)
		assert_string_not_equal(phone_setting_str((enum phone_setting)s), "?");
	assert_string_equal(phone_ack_str(PHONE_ACK_ALL), "all");
	assert_string_equal(phone_side_str(PHONE_SIDE_BASE), "base");
	assert_true(phone_verb_changes(PHONE_VERB_ACK));
	assert_false(phone_verb_changes(PHONE_VERB_READ));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(three_wrong_pins_lock_the_number_for_an_hour),
		cmocka_unit_test(a_right_pin_resets_the_count),
		cmocka_unit_test(missing_pins_are_not_counted_malformed_ones_are),
		cmocka_unit_test(numbers_are_independent),
		cmocka_unit_test(a_clock_set_back_or_a_damaged_record),
		cmocka_unit_test(the_role_table),
		cmocka_unit_test(help_is_one_sms_naming_only_what_the_role_may),
		cmocka_unit_test(names_the_config_may_use),
		cmocka_unit_test(temperatures_on_their_own),
		cmocka_unit_test(durations_on_their_own),
		cmocka_unit_test(every_enum_has_a_name),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
