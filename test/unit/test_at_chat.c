/* The AT chat engine with a fake clock: every modem answer is fed in pieces of 1..8 bytes;
 * what the engine writes, what each command concludes and which URCs fire is asserted. */
#include "at_chat.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

struct outcome {
	int calls;
	struct at_result result;
	char lines[1024];
};

struct urcs {
	int calls;
	char seen[1024];
};

static void on_resp(void *user_data, const struct at_response *r)
{
	struct outcome *o = user_data;
	o->calls++;
	o->result = r->result;
	o->lines[0] = '\0';
	for (size_t i = 0; i < r->n_lines; i++) {
		size_t at = strlen(o->lines);
		snprintf(o->lines + at, sizeof(o->lines) - at, "%s%s%s|", r->lines[i].text,
			 r->lines[i].pdu ? "/" : "", r->lines[i].pdu ? r->lines[i].pdu : "");
	}
}

static void on_urc(void *user_data, const char *line, const char *pdu)
{
	struct urcs *u = user_data;
	size_t at = strlen(u->seen);
	u->calls++;
	snprintf(u->seen + at, sizeof(u->seen) - at, "%s%s%s|", line, pdu ? "/" : "", pdu ? pdu : "");
}

/* What the engine wrote since the last call, as a string; consumes it. */
static char *written(struct at_chat *chat)
{
	static char buf[2048];
	size_t n;
	const uint8_t *o = at_chat_output(chat, &n);
	assert_true(n < sizeof(buf));
	memcpy(buf, o, n);
	buf[n] = '\0';
	at_chat_consume(chat, n);
	return buf;
}

static void feed(struct at_chat *chat, const char *s, uint64_t now_ms, size_t piece)
{
	size_t len = strlen(s);
	for (size_t i = 0; i < len; i += piece)
		at_chat_feed(chat, s + i, len - i < piece ? len - i : piece, now_ms);
}

static void info_lines_and_ok_with_echo_on(void **state)
{
	(void)state;
	for (size_t piece = 1; piece <= 8; piece++) {
		struct at_chat *chat = at_chat_new();
		struct outcome o = {0};
		struct at_cmd csq = {"AT+CSQ", "+CSQ:", NULL, 1000, false};
		assert_true(at_chat_send(chat, &csq, 0, on_resp, &o) > 0);
		assert_string_equal(written(chat), "AT+CSQ\r");
		feed(chat, "AT+CSQ\r\r\n+CSQ: 17,99\r\n\r\nOK\r\n", 5, piece);
		assert_int_equal(o.calls, 1);
		assert_int_equal(o.result.kind, AT_RESULT_OK);
		assert_string_equal(o.lines, "+CSQ: 17,99|");
		at_chat_free(chat);
	}
}

/* A modem whose port never opened has written nothing: consuming its (empty) output is
 * allowed, as the link does each time it finds no port (a USB modem unplugged at start). */
static void consuming_nothing_before_any_output(void **state)
{
	(void)state;
	struct at_chat *chat = at_chat_new();
	size_t n = 1;
	at_chat_output(chat, &n);
	assert_int_equal(n, 0);
	at_chat_consume(chat, n);
	at_chat_consume(chat, 8);
	at_chat_output(chat, &n);
	assert_int_equal(n, 0);
	at_chat_free(chat);
}

static void commands_wait_their_turn(void **state)
{
	(void)state;
	struct at_chat *chat = at_chat_new();
	struct outcome a = {0}, b = {0};
	struct at_cmd c1 = {"ATE0", "", NULL, 1000, false}, c2 = {"AT+CMEE=1", "", NULL, 1000, false};
	at_chat_send(chat, &c1, 0, on_resp, &a);
	at_chat_send(chat, &c2, 0, on_resp, &b);
	assert_string_equal(written(chat), "ATE0\r");
	feed(chat, "ATE0\r\r\nOK\r\n", 1, 3);
	assert_int_equal(a.calls, 1);
	assert_string_equal(written(chat), "AT+CMEE=1\r");
	feed(chat, "\r\n+CME ERROR: 4\r\n", 2, 8);
	assert_int_equal(b.result.kind, AT_RESULT_CME_ERROR);
	assert_int_equal(b.result.code, 4);
	at_chat_free(chat);
}

static void urc_inside_cmgs_is_dispatched_and_send_completes(void **state)
{
	(void)state;
	for (size_t piece = 1; piece <= 8; piece++) {
		struct at_chat *chat = at_chat_new();
		struct outcome o = {0};
		struct urcs u = {0};
		at_chat_urc_add(chat, "+CMTI:", on_urc, &u);
		struct at_cmd cmgs = {"AT+CMGS=17", "+CMGS:", "0011000B915155001000F00000FF05E8329BFD06",
				      60000, false};
		at_chat_send(chat, &cmgs, 0, on_resp, &o);
		assert_string_equal(written(chat), "AT+CMGS=17\r");
		feed(chat, "AT+CMGS=17\r\r\n+CMTI: \"SM\",2\r\n\r\n> ", 10, piece);
		assert_string_equal(written(chat), "0011000B915155001000F00000FF05E8329BFD06\x1a");
		feed(chat, "0011000B915155001000F00000FF05E8329BFD06\x1a\r\n+CMTI: \"SM\",3\r\n", 20, piece);
		assert_int_equal(o.calls, 0);
		feed(chat, "\r\n+CMGS: 42\r\n\r\nOK\r\n", 3000, piece);
		assert_int_equal(o.calls, 1);
		assert_int_equal(o.result.kind, AT_RESULT_OK);
		assert_string_equal(o.lines, "+CMGS: 42|");
		assert_string_equal(u.seen, "+CMTI: \"SM\",2|+CMTI: \"SM\",3|");
		at_chat_free(chat);
	}
}

static void cmgl_collects_each_pdu_with_its_header(void **state)
{
	(void)state;
	for (size_t piece = 1; piece <= 8; piece++) {
		struct at_chat *chat = at_chat_new();
		struct outcome o = {0};
		struct at_cmd cmgl = {"AT+CMGL=4", "+CMGL:", NULL, 5000, false};
		at_chat_send(chat, &cmgl, 0, on_resp, &o);
		feed(chat, "\r\n+CMGL: 1,0,,3\r\n\r\n00AABB\r\n+CMGL: 4,1,,2\r\n00CC\r\n\r\nOK\r\n", 1,
		     piece);
		assert_int_equal(o.result.kind, AT_RESULT_OK);
		assert_string_equal(o.lines, "+CMGL: 1,0,,3/00AABB|+CMGL: 4,1,,2/00CC|");
		at_chat_free(chat);
	}
}

static void cmt_urc_carries_its_pdu(void **state)
{
	(void)state;
	for (size_t piece = 1; piece <= 8; piece++) {
		struct at_chat *chat = at_chat_new();
		struct urcs u = {0};
		at_chat_urc_add(chat, "+CMT:", on_urc, &u);
		feed(chat, "\r\n+CMT: ,24\r\n0791AABB\r\n", 1, piece);
		assert_string_equal(u.seen, "+CMT: ,24/0791AABB|");
		at_chat_free(chat);
	}
}

static void timeout_then_late_answer_is_not_taken_by_the_next_command(void **state)
{
	(void)state;
	struct at_chat *chat = at_chat_new();
	struct outcome a = {0}, b = {0};
	struct at_cmd c1 = {"AT+CGMM", NULL, NULL, 500, false}, c2 = {"AT+CPIN?", "+CPIN:", NULL, 500, false};
	at_chat_send(chat, &c1, 0, on_resp, &a);
	at_chat_send(chat, &c2, 0, on_resp, &b);
	written(chat);
	assert_int_equal(at_chat_next_deadline(chat), 500);
	at_chat_tick(chat, 499);
	assert_int_equal(a.calls, 0);
	at_chat_tick(chat, 500);
	assert_int_equal(a.calls, 1);
	assert_int_equal(a.result.kind, AT_RESULT_TIMEOUT);
	/* The modem answers the abandoned AT+CGMM late: nothing is written meanwhile, and
	 * its OK is not taken for AT+CPIN?'s. */
	assert_string_equal(written(chat), "");
	feed(chat, "\r\nSIM800 R14.18\r\n\r\nOK\r\n", 800, 8);
	assert_int_equal(b.calls, 0);
	assert_int_equal(at_chat_next_deadline(chat), 800 + AT_CHAT_SETTLE_MS);
	at_chat_tick(chat, 800 + AT_CHAT_SETTLE_MS - 1);
	assert_string_equal(written(chat), "");
	at_chat_tick(chat, 800 + AT_CHAT_SETTLE_MS);
	assert_string_equal(written(chat), "AT+CPIN?\r");
	assert_int_equal(b.calls, 0);
	feed(chat, "\r\n+CPIN: READY\r\n\r\nOK\r\n", 1900, 8);
	assert_int_equal(b.calls, 1);
	assert_int_equal(b.result.kind, AT_RESULT_OK);
	assert_string_equal(b.lines, "+CPIN: READY|");
	assert_int_equal(at_chat_stats(chat).timeouts, 1);
	at_chat_free(chat);
}

static void a_babbling_modem_holds_the_queue_only_so_long(void **state)
{
	(void)state;
	struct at_chat *chat = at_chat_new();
	struct outcome a = {0}, b = {0};
	struct at_cmd c1 = {"AT+CSQ", "+CSQ:", NULL, 500, false}, c2 = {"AT", "", NULL, 500, false};
	at_chat_send(chat, &c1, 0, on_resp, &a);
	at_chat_send(chat, &c2, 0, on_resp, &b);
	written(chat);
	at_chat_tick(chat, 500);
	uint64_t t = 500;
	for (; t < 500 + AT_CHAT_SETTLE_MAX_MS; t += AT_CHAT_SETTLE_MS / 2) {
		feed(chat, "~#\r\n", t, 8);
		at_chat_tick(chat, t);
		assert_string_equal(written(chat), "");
	}
	assert_int_equal(at_chat_next_deadline(chat), 500 + AT_CHAT_SETTLE_MAX_MS);
	at_chat_tick(chat, 500 + AT_CHAT_SETTLE_MAX_MS);
	assert_string_equal(written(chat), "AT\r");
	at_chat_free(chat);
}

static void missing_final_cr_completes_after_silence(void **state)
{
	(void)state;
	struct at_chat *chat = at_chat_new();
	struct outcome o = {0};
	struct at_cmd c = {"AT", "", NULL, 5000, false};
	at_chat_send(chat, &c, 0, on_resp, &o);
	feed(chat, "\r\nOK", 10, 8);
	assert_int_equal(o.calls, 0);
	assert_int_equal(at_chat_next_deadline(chat), 10 + AT_CHAT_FLUSH_MS);
	at_chat_tick(chat, 10 + AT_CHAT_FLUSH_MS);
	assert_int_equal(o.calls, 1);
	assert_int_equal(o.result.kind, AT_RESULT_OK);
	at_chat_free(chat);
}

static void garbage_then_recovery(void **state)
{
	(void)state;
	struct at_chat *chat = at_chat_new();
	struct outcome o = {0};
	struct at_cmd c = {"AT+CPIN?", "+CPIN:", NULL, 5000, false};
	at_chat_send(chat, &c, 0, on_resp, &o);
	static const char junk[] = "\xff\xfe\x00~~#@!\r\n\x80\x81\r\n";
	at_chat_feed(chat, junk, sizeof(junk) - 1, 1);
	feed(chat, "\r\n+CPIN: READY\r\n\r\nOK\r\n", 2, 3);
	assert_int_equal(o.result.kind, AT_RESULT_OK);
	assert_string_equal(o.lines, "+CPIN: READY|");
	assert_int_equal(at_chat_stats(chat).unexpected, 2);
	at_chat_free(chat);
}

static void prompt_timeout_cancels_text_entry(void **state)
{
	(void)state;
	struct at_chat *chat = at_chat_new();
	struct outcome o = {0};
	struct at_cmd c = {"AT+CMGS=5", "+CMGS:", "00AA", 1000, false};
	at_chat_send(chat, &c, 0, on_resp, &o);
	written(chat);
	at_chat_tick(chat, 1000);
	assert_int_equal(o.result.kind, AT_RESULT_TIMEOUT);
	assert_string_equal(written(chat), "\x1b");
	at_chat_free(chat);
}

static void error_instead_of_prompt_ends_the_send(void **state)
{
	(void)state;
	struct at_chat *chat = at_chat_new();
	struct outcome o = {0};
	struct at_cmd c = {"AT+CMGS=5", "+CMGS:", "00AA", 1000, false};
	at_chat_send(chat, &c, 0, on_resp, &o);
	written(chat);
	feed(chat, "\r\n+CMS ERROR: 500\r\n", 5, 4);
	assert_int_equal(o.result.kind, AT_RESULT_CMS_ERROR);
	assert_int_equal(o.result.code, 500);
	assert_string_equal(written(chat), "");
	at_chat_free(chat);
}

static void removed_urc_handler_no_longer_fires(void **state)
{
	(void)state;
	struct at_chat *chat = at_chat_new();
	struct urcs u = {0};
	int id = at_chat_urc_add(chat, "RING", on_urc, &u);
	feed(chat, "\r\nRING\r\n", 0, 8);
	at_chat_urc_remove(chat, id);
	feed(chat, "\r\nRING\r\n", 0, 8);
	assert_int_equal(u.calls, 1);
	at_chat_free(chat);
}

static void abort_ends_every_queued_command(void **state)
{
	(void)state;
	struct at_chat *chat = at_chat_new();
	struct outcome a = {0}, b = {0};
	struct at_cmd c = {"AT", "", NULL, 1000, false};
	at_chat_send(chat, &c, 0, on_resp, &a);
	at_chat_send(chat, &c, 0, on_resp, &b);
	at_chat_abort_all(chat);
	assert_int_equal(a.result.kind, AT_RESULT_ABORTED);
	assert_int_equal(b.result.kind, AT_RESULT_ABORTED);
	assert_int_equal(at_chat_queue_len(chat), 0);
	assert_int_equal(at_chat_next_deadline(chat), UINT64_MAX);
	at_chat_free(chat);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(info_lines_and_ok_with_echo_on),
		cmocka_unit_test(commands_wait_their_turn),
		cmocka_unit_test(consuming_nothing_before_any_output),
		cmocka_unit_test(urc_inside_cmgs_is_dispatched_and_send_completes),
		cmocka_unit_test(cmgl_collects_each_pdu_with_its_header),
		cmocka_unit_test(cmt_urc_carries_its_pdu),
		cmocka_unit_test(timeout_then_late_answer_is_not_taken_by_the_next_command),
		cmocka_unit_test(a_babbling_modem_holds_the_queue_only_so_long),
		cmocka_unit_test(missing_final_cr_completes_after_silence),
		cmocka_unit_test(garbage_then_recovery),
		cmocka_unit_test(prompt_timeout_cancels_text_entry),
		cmocka_unit_test(error_instead_of_prompt_ends_the_send),
		cmocka_unit_test(removed_urc_handler_no_longer_fires),
		cmocka_unit_test(abort_ends_every_queued_command),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
