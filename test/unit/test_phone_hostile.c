/* Hostile text at both sides: UCS-2-decoded scripts, an 8-bit message shown as hex, ten
 * concatenated SMS, control characters and NULs inside the counted buffer, invalid UTF-8,
 * format strings, shell and SQL. Never a crash, a bounded number of items, a reason fit for a
 * reply and a log; and a seeded random walk over the grammar with the same invariants. */
#include "phone_cmd.h"
#include "phone_fixture.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#define U PHONE_SIDE_UNIT
#define B PHONE_SIDE_BASE

/* Parses `len` bytes on both sides and checks what holds for any input. */
static void survive(const char *text, size_t len)
{
	struct phone_msg m;
	char log[1024];
	for (int side = 0; side < 2; side++) {
		assert_int_equal(phone_parse((enum phone_side)side, text, len, &m), 0);
		assert_true(m.n >= 1 && m.n <= PHONE_CMDS_MAX + 1);
		assert_true(phone_msg_log((enum phone_side)side, &m, log, sizeof(log)) > 0);
		for (size_t i = 0; i < m.n; i++) {
			if (m.item[i].err != PHONE_ERR_NONE) {
				phone_fx_reason_ok(m.item[i].reason);
				assert_int_not_equal(strcmp(phone_err_str(m.item[i].err), "?"), 0);
				continue;
			}
			phone_fx_round_trip((enum phone_side)side, &m.item[i].cmd);
		}
		if (m.has_pin && m.pin[0])
			assert_null(strstr(log, m.pin));
	}
}

static void scripts_outside_ascii(void **state)
{
	(void)state;
	/* "СТАТУС" (Cyrillic), "状态" (Chinese), as a UCS-2 SMS decodes. */
	assert_string_equal(
		phone_fx_err(B, "\xD0\xA1\xD0\xA2\xD0\x90\xD0\xA2\xD0\xA3\xD0\xA1", PHONE_ERR_EMPTY),
		"no command found; send HELP");
	phone_fx_ok(B, "STATUS \xE7\x8A\xB6\xE6\x80\x81", "STATUS"); /* trailing noise, like an emoji */
	phone_fx_err(B, "STATUS \xE7\x8A\xB6 WH1", PHONE_ERR_UNIT);
	phone_fx_err(B, "ST\xC3\x84TUS", PHONE_ERR_UNKNOWN);
	assert_string_equal(phone_fx_err(B, "STATUS K\xC3\xBChlraum", PHONE_ERR_UNIT),
			    "K?hlraum is not a unit id, e.g. WH1");
	survive("\xF0\x9F\x94\xA5\xF0\x9F\x94\xA5\xF0\x9F\x94\xA5", 12);
}

static void an_8bit_message_shown_as_hex(void **state)
{
	(void)state;
	const char *hex = "0548656C6C6F20574F524C44210A0D000102030405060708090A0B0C0D0E0F";
	const struct phone_msg *m = phone_fx_parse(U, hex);
	assert_int_equal(m->item[0].err, PHONE_ERR_UNKNOWN);
	assert_null(strstr(m->item[0].reason, "0548")); /* digit runs masked on the unit side */
	phone_fx_err(B, hex, PHONE_ERR_UNKNOWN);
	m = phone_fx_parse(U, "3132333420535441545553"); /* all digits: a PIN attempt, malformed */
	assert_true(m->has_pin);
	assert_int_equal(m->pin_err, PHONE_ERR_PIN_FORMAT);
	survive(hex, strlen(hex));
}

static void ten_concatenated_sms(void **state)
{
	(void)state;
	char text[1600];
	/* One line of prose: one command, too long. */
	memset(text, 'a', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	memcpy(text, "ACK ", 4);
	phone_fx_err(B, text, PHONE_ERR_TOO_LONG);
	survive(text, strlen(text));
	/* Three hundred commands: eight read, then one refusal for the rest. */
	size_t n = 0;
	for (int i = 0; i < 300 && n + 16 < sizeof(text); i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "ACK %d;", i + 1);
	const struct phone_msg *m = phone_fx_parse(B, text);
	assert_int_equal(m->n, PHONE_CMDS_MAX + 1);
	assert_int_equal(m->item[PHONE_CMDS_MAX - 1].cmd.ack_id, PHONE_CMDS_MAX);
	assert_int_equal(m->item[PHONE_CMDS_MAX].err, PHONE_ERR_TOO_MANY);
	assert_string_equal(m->item[PHONE_CMDS_MAX].reason, "more than 8 commands; the rest was not read");
	assert_true(m->rest_ignored);
	/* Exactly eight: no refusal. */
	m = phone_fx_parse(B, "WHO;WHO;WHO;WHO;WHO;WHO;WHO;WHO");
	assert_int_equal(m->n, 8);
	assert_false(m->rest_ignored);
	/* Many lines: reading stops at the first that is no command. */
	n = (size_t)snprintf(text, sizeof(text), "ACK 1\n");
	while (n + 40 < sizeof(text))
		n += (size_t)snprintf(text + n, sizeof(text) - n, "lorem ipsum dolor; SET WH1 T1 HIGH 99\n");
	phone_fx_list(B, text, "ACK 1");
	/* A command of exactly the limit is read; one more character is too long. */
	char exact[PHONE_CMD_TEXT_MAX + 2];
	memset(exact, 'x', sizeof(exact));
	memcpy(exact, "ACK 1 ", 6);
	exact[PHONE_CMD_TEXT_MAX] = '\0';
	phone_fx_ok(B, exact, "ACK 1");
	exact[PHONE_CMD_TEXT_MAX] = 'x';
	exact[PHONE_CMD_TEXT_MAX + 1] = '\0';
	phone_fx_err(B, exact, PHONE_ERR_TOO_LONG);
}

static void control_characters_and_nuls(void **state)
{
	(void)state;
	struct phone_msg m;
	assert_int_equal(phone_parse(B, "ACK\0 12", 7, &m), 0);
	assert_int_equal(m.n, 1);
	assert_int_equal(m.item[0].err, PHONE_ERR_UNKNOWN);
	assert_int_equal(phone_parse(B, "ACK 1\0002", 7, &m), 0);
	assert_int_equal(m.item[0].err, PHONE_ERR_ACK_ID);
	assert_int_equal(phone_parse(B, "\0\0\0ACK 12", 9, &m), 0); /* leading NULs: noise */
	assert_int_equal(m.item[0].err, PHONE_ERR_NONE);
	assert_int_equal(m.item[0].cmd.ack_id, 12);
	assert_int_equal(phone_parse(U, "1234 SET T1\x01 HIGH 8", 19, &m), 0);
	assert_int_equal(m.item[0].err, PHONE_ERR_CHANNEL);
	assert_int_equal(phone_parse(U, "1234 SET T1 HIGH 8\x1b[2J", 22, &m), 0); /* a terminal escape */
	assert_int_not_equal(m.item[0].err, PHONE_ERR_NONE);
	char zeros[4096] = {0};
	survive(zeros, sizeof(zeros));
	survive(zeros, 5);
	for (int c = 0; c < 256; c++) {
		char one = (char)c;
		survive(&one, 1);
	}
	assert_int_equal(phone_parse(B, NULL, 0, &m), 0);
	assert_int_equal(m.item[0].err, PHONE_ERR_EMPTY);
	assert_int_equal(phone_parse(B, NULL, 1, &m), -EINVAL);
	assert_int_equal(phone_parse(B, "ACK", 3, NULL), -EINVAL);
}

static void invalid_utf8(void **state)
{
	(void)state;
	survive("\xC3", 1);
	survive("ACK \xC3", 5);
	survive("\xC0\x80STATUS", 8);   /* overlong NUL */
	survive("\xED\xA0\x80 ACK", 7); /* a lone surrogate */
	survive("\xF4\x90\x80\x80", 4); /* above U+10FFFF */
	survive("\xE2\x82", 2);         /* cut in the middle */
	phone_fx_err(B, "AC\xFFK", PHONE_ERR_UNKNOWN);
	phone_fx_ok(B,
		    "\xFF\xFE"
		    "ACK 12",
		    "ACK 12"); /* noise before the command */
}

static void format_strings_shell_and_sql(void **state)
{
	(void)state;
	const char *reason = phone_fx_err(B, "%n%s%x%n", PHONE_ERR_UNKNOWN);
	assert_null(strchr(reason, '%'));
	reason = phone_fx_err(U, "1234 SET T1 %n%n%n 8", PHONE_ERR_SETTING);
	assert_null(strchr(reason, '%'));
	phone_fx_list(B, "; rm -rf /", "!unknown");
	phone_fx_list(B, "STATUS; rm -rf / #", "STATUS; !unknown");
	phone_fx_list(B, "$(reboot)", "!unknown");
	phone_fx_list(B, "`reboot`", "!unknown");
	phone_fx_list(B, "ACK 12'; DROP TABLE incidents;--", "ACK 12; !unknown");
	phone_fx_list(B, "'; DROP TABLE contacts; --", "!unknown");
	phone_fx_list(B, "STATUS WH1' OR '1'='1", "!unit");
	phone_fx_list(B, "#PWD123456#STATUS?", "!unknown");
	phone_fx_list(U, "#PWD123456#WHL004=+15550001", "!unknown");
	survive("\"\\\"\\\\\"", 6);
}

/* xorshift64*: the same walk on every run. */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ull;
}

static void a_seeded_walk_over_the_grammar(void **state)
{
	(void)state;
	static const char *const words[] = {
		"1234", "STATUS", "?",     "READ",     "SET",    "T1",    "WH1",    "HIGH", "LOW",
		"HH",   "LL",     "DELAY", "HYST",     "8",      "-18.5", "8,5",    "8.25", "OFF",
		"30m",  "2",      "hours", "INTERVAL", "REPORT", "PIN",   "5678",   "ACK",  "12",
		"#12",  "ALL",    "OK",    "MUTE",     "UNMUTE", "WHO",   "HELP",   ";",    "\n",
		"\n> ", "\n-- ",  "C",     "\xC2\xB0", "F",      ",",     ".",      "!",    "\xC3\xA4",
		"\xFF", "\0",     "%n",    "=",        ":",      "ACK12", "1234SET"};
	uint64_t seed = 0x9E3779B97F4A7C15ull;
	char text[512];
	size_t accepted = 0;
	for (int round = 0; round < 20000; round++) {
		size_t n = 0, count = rnd(&seed) % 12;
		for (size_t i = 0; i < count; i++) {
			const char *w = words[rnd(&seed) % (sizeof(words) / sizeof(words[0]))];
			size_t wl = w[0] ? strlen(w) : 1;
			if (n + wl + 1 >= sizeof(text))
				break;
			memcpy(text + n, w, wl);
			n += wl;
			if (rnd(&seed) % 4)
				text[n++] = ' ';
		}
		survive(text, n);
		struct phone_msg m;
		phone_parse(B, text, n, &m);
		accepted += m.item[0].err == PHONE_ERR_NONE;
	}
	/* The walk reaches accepted commands, not just refusals. */
	assert_true(accepted > 500);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(scripts_outside_ascii),
		cmocka_unit_test(an_8bit_message_shown_as_hex),
		cmocka_unit_test(ten_concatenated_sms),
		cmocka_unit_test(control_characters_and_nuls),
		cmocka_unit_test(invalid_utf8),
		cmocka_unit_test(format_strings_shell_and_sql),
		cmocka_unit_test(a_seeded_walk_over_the_grammar),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
