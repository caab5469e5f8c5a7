/* Hostile input end to end: the real `m2mon sim`, `m2mon base` and `m2mon unit` (WH1 on modem
 * unit1), one site shared by every check, in order. An attacker has only the network: texts
 * from any number, a forged sender (`sim send --spoof`: the unit modem's number, the base's own)
 * and whole SMS-DELIVER TPDUs (`--tpdu`: flash, 8-bit, ports, WAP push, message waiting,
 * type 0, an operator's name). Each check asserts on effects: nothing sent to the attacker,
 * no incident, no setting changed, the refusal in the log with its reason, every SMS kept
 * in the base's inbox, both daemons alive and answering, the databases intact, no secret in
 * a log. The forgeries it_base_story.c already sends (one digit changed, a genuine message
 * from a stranger, a stranger's ACK, a copy seconds later) are not repeated here. */
#include "sec_util.h"

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#define WH1_OTHER_KEY "1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100"

struct t {
	struct it_sim sim;
	struct it_base base;
	char pwned[400]; /* a file that exists only if some text reached a shell */
};

static const char *m2mon;

#define B(t)                       (&(t)->base)
#define WAIT_LOG(t, n, ...)        assert_true(it_base_wait(B(t), (const char *const[]){__VA_ARGS__, NULL}, n))
#define WAIT_UNIT(t, n, ...)       assert_true(it_base_unit_wait(B(t), (const char *const[]){__VA_ARGS__, NULL}, n))
#define COUNT_LOG(t, ...)          it_base_count(B(t), (const char *const[]){__VA_ARGS__, NULL})
#define COUNT_UNIT(t, ...)         it_base_unit_count(B(t), (const char *const[]){__VA_ARGS__, NULL})
#define WAIT_GOT(t, to, needle, n) assert_true(it_base_wait_got(B(t), to, needle, n))

/* SMS the network carried from `from` to `to` (delivered or not). */
static int carried(const struct t *t, const char *from, const char *to)
{
	char f[64], d[64];
	snprintf(f, sizeof(f), "\"from\":\"%s\"", from);
	snprintf(d, sizeof(d), "\"to\":\"%s\"", to);
	return it_jsonl_count(&t->sim, (const char *const[]){"\"type\":\"sms\"", f, d, NULL});
}

static void both_alive(const struct t *t)
{
	assert_int_equal(kill(t->base.pid, 0), 0);
	assert_int_equal(kill(t->base.unit_pid, 0), 0);
}

static int group_setup(void **state)
{
	struct t *t = calloc(1, sizeof(*t));
	it_base_net(&t->sim, m2mon, false, true, NULL);
	it_base_conf(B(t), &t->sim, false, NULL, NULL);
	it_base_unit_conf(B(t), IT_BASE_NUMBER, "4.0", "3s");
	snprintf(t->pwned, sizeof(t->pwned), "%s/pwned", t->sim.root);
	it_base_start(B(t));
	it_base_unit_start(B(t));
	/* A genuine message of the unit, taken, to replay later. */
	WAIT_LOG(t, 1, "event=unit_message unit=WH1");
	*state = t;
	return 0;
}

static int group_teardown(void **state)
{
	struct t *t = *state;
	if (t->base.unit_pid)
		it_base_unit_stop(B(t));
	if (t->base.pid)
		it_base_stop(B(t));
	it_sim_stop(&t->sim);
	free(t);
	return 0;
}

/* The first text the unit sent to the base, from sms.jsonl. */
static void first_unit_text(const struct t *t, char *text, size_t size)
{
	uint32_t seqs[64];
	assert_true(it_base_unit_sent(B(t), seqs, 64) >= 1);
	char path[400], line[8192];
	snprintf(path, sizeof(path), "%s/sms.jsonl", t->sim.dir);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	text[0] = '\0';
	while (!text[0] && fgets(line, sizeof(line), f)) {
		char *at = strstr(line, "\"text\":\"");
		if (!strstr(line, "\"from\":\"" IT_WH1_NUMBER "\"") || !at || !strstr(line, "#1R WH1"))
			continue;
		at += 8;
		char *end = strchr(at, '"');
		assert_non_null(end);
		snprintf(text, size, "%.*s", (int)(end - at), at);
	}
	fclose(f);
	assert_true(text[0] != '\0');
}

/* A valid ALARM of WH1 (made by the test with `key`), unsent, with a seq far above the
 * unit's so that a genuine one would be taken. */
static void signed_alarm(const char *key_hex, uint32_t seq, char *text, size_t size)
{
	struct proto_msg m = {.head.kind = PROTO_KIND_ALARM, .head.seq = seq};
	m.u.event = (struct proto_event){.channel = "T1",
					 .level = PROTO_LEVEL_HIGH,
					 .has_value = true,
					 .value_c10 = 94,
					 .threshold_c10 = 80};
	snprintf(m.head.unit, sizeof(m.head.unit), "WH1");
	m.head.time_ms = (int64_t)time(NULL) * 1000;
	uint8_t key[PROTO_KEY_LEN];
	assert_int_equal(proto_key_parse(key_hex, key), 0);
	assert_true(proto_encode(&m, key, 0, text, size) > 0);
}

/* Forgeries from the unit modem's own number, as a spoofer sends them: a tag of the right
 * form that is not the message's, a message signed with another key, a tag cut short, and
 * a genuine message with its seq changed. None raises an alarm. */
static void forged_unit_messages_from_the_units_number(void **state)
{
	struct t *t = *state;
	char text[PROTO_TEXT_MAX], forged[PROTO_TEXT_MAX];
	int before = COUNT_LOG(t, "event=unit_forged unit=WH1");
	signed_alarm(IT_WH1_KEY, 100000, text, sizeof(text));
	size_t len = strlen(text);
	snprintf(forged, sizeof(forged), "%.*sAAAAAAAAAAA", (int)(len - 11), text);
	sec_send_spoofed(B(t), IT_WH1_NUMBER, IT_BASE_NUMBER, forged);
	WAIT_LOG(t, before + 1, "event=unit_forged unit=WH1", "reason=tag");
	signed_alarm(WH1_OTHER_KEY, 100001, forged, sizeof(forged));
	sec_send_spoofed(B(t), IT_WH1_NUMBER, IT_BASE_NUMBER, forged);
	WAIT_LOG(t, before + 2, "event=unit_forged unit=WH1", "reason=tag");
	snprintf(forged, sizeof(forged), "%.*s", (int)(len - 1), text);
	sec_send_spoofed(B(t), IT_WH1_NUMBER, IT_BASE_NUMBER, forged);
	WAIT_LOG(t, 1, "event=unit_text_refused unit=WH1", "reason=tag_format");
	snprintf(forged, sizeof(forged), "%s", text);
	char *seq = strstr(forged, " 100000 ");
	assert_non_null(seq);
	seq[6] = '1'; /* seq 100001: the tag was made for 100000 */
	sec_send_spoofed(B(t), IT_WH1_NUMBER, IT_BASE_NUMBER, forged);
	WAIT_LOG(t, before + 3, "event=unit_forged unit=WH1", "reason=tag");
	assert_int_equal(it_base_got(B(t), IT_ALICE, "ALARM"), 0);
	assert_int_equal(COUNT_LOG(t, "event=incident"), 0);
	assert_int_equal(carried(t, IT_BASE_NUMBER, IT_STRANGER), 0);
	both_alive(t);
}

/* The base's own number as the sender, to the base and to the unit: a command, a protocol
 * frame the base would send, a plain SET. The base answers nobody (least of all itself);
 * the unit acts only on what the base's key signed. */
static void the_bases_own_number_forged(void **state)
{
	struct t *t = *state;
	sec_send_spoofed(B(t), IT_BASE_NUMBER, IT_BASE_NUMBER, "STATUS");
	WAIT_LOG(t, 1, "event=stranger from=" IT_BASE_NUMBER);
	sec_send_spoofed(B(t), IT_BASE_NUMBER, IT_WH1_NUMBER, "SET T1 HIGH 50");
	WAIT_UNIT(t, 1, "event=base_message_refused from=" IT_BASE_NUMBER, "reason=not_protocol");
	/* A command frame as the base makes them, signed with another key. */
	struct proto_msg m = {.head.kind = PROTO_KIND_COMMAND, .head.seq = 500000};
	snprintf(m.head.unit, sizeof(m.head.unit), "WH1");
	m.head.time_ms = (int64_t)time(NULL) * 1000;
	m.u.command.cmd_id = 77;
	snprintf(m.u.command.text, sizeof(m.u.command.text), "SET T1 HIGH 50");
	uint8_t key[PROTO_KEY_LEN];
	assert_int_equal(proto_key_parse(WH1_OTHER_KEY, key), 0);
	char text[PROTO_TEXT_MAX];
	assert_true(proto_encode(&m, key, 0, text, sizeof(text)) > 0);
	sec_send_spoofed(B(t), IT_BASE_NUMBER, IT_WH1_NUMBER, text);
	WAIT_UNIT(t, 1, "event=base_message_refused from=" IT_BASE_NUMBER, "reason=tag");
	/* The unit's own number to the unit: no phone of its list. */
	sec_send_spoofed(B(t), IT_WH1_NUMBER, IT_WH1_NUMBER, "1234 SET T1 HIGH 50");
	WAIT_UNIT(t, 1, "event=unknown_sender from=" IT_WH1_NUMBER);
	/* Nothing changed: no setting stored, the unit still answers its admin. */
	it_base_send(B(t), IT_ALICE, IT_WH1_NUMBER, "1234 STATUS");
	WAIT_GOT(t, IT_ALICE, "WH1 T1 4.0C", 1);
	assert_int_equal(sec_db_int(t->base.unit_db, "SELECT count(*) FROM settings"), 0);
	assert_int_equal(carried(t, IT_BASE_NUMBER, IT_BASE_NUMBER), 1); /* the forgery, no answer */
	both_alive(t);
}

/* Numbers nobody configured: no reply from either, a log line each. */
static void strangers_get_no_reply(void **state)
{
	struct t *t = *state;
	int base_before = COUNT_LOG(t, "event=stranger from=" IT_STRANGER);
	it_base_send(B(t), IT_STRANGER, IT_BASE_NUMBER, "HELP");
	it_base_send(B(t), IT_STRANGER, IT_BASE_NUMBER, "STATUS WH1");
	WAIT_LOG(t, base_before + 2, "event=stranger from=" IT_STRANGER);
	it_base_send(B(t), IT_STRANGER, IT_WH1_NUMBER, "1234 STATUS");
	it_base_send(B(t), IT_STRANGER, IT_WH1_NUMBER, "HELP");
	WAIT_UNIT(t, 2, "event=unknown_sender from=" IT_STRANGER);
	/* Guessing the PIN from there: no answer, nobody locked out, nobody told. */
	const char *guesses[] = {"0000 STATUS", "1111 STATUS", "2222 STATUS", "1234 SET T1 HIGH 50"};
	for (int i = 0; i < 4; i++)
		it_base_send(B(t), IT_STRANGER, IT_WH1_NUMBER, guesses[i]);
	WAIT_UNIT(t, 6, "event=unknown_sender from=" IT_STRANGER);
	/* An operator's notice (an alphanumeric sender only the network can use). */
	char hex[512];
	sec_deliver_hex("Operator", 0x00, 0x00, NULL, 0, "Your balance is low Reply STOP", NULL, 0, hex,
			sizeof(hex));
	sec_send_tpdu(B(t), IT_STRANGER, IT_BASE_NUMBER, hex);
	sec_send_tpdu(B(t), IT_STRANGER, IT_WH1_NUMBER, hex);
	WAIT_LOG(t, 1, "event=stranger from=Operator");
	WAIT_UNIT(t, 1, "event=unknown_sender from=Operator");
	assert_true(it_drain(&t->sim, IT_TIMEOUT_MS));
	assert_int_equal(carried(t, IT_BASE_NUMBER, IT_STRANGER), 0);
	assert_int_equal(carried(t, IT_WH1_NUMBER, IT_STRANGER), 0);
	assert_int_equal(it_base_got(B(t), IT_ALICE, "locked out"), 0);
	assert_int_equal(sec_db_int(t->base.unit_db, "SELECT count(*) FROM pins"), 0);
	assert_int_equal(sec_db_int(t->base.unit_db, "SELECT count(*) FROM settings"), 0);
}

static const uint8_t wap_udh[] = {0x05, 0x04, 0x0B, 0x84, 0x23, 0xF0}; /* ports 2948 <- 9200 */
static const uint8_t wap_push[] = {0x01, 0x06, 0x04, 0x03, 0xAE, 0x81, 0xEA, 0x02, 0x05, 0x6A, 0x00,
				   0x45, 0xC6, 0x0C, 0x03, 'S',  'T',  'A',  'T',  'U',  'S',  0x00};
static const uint8_t port_udh[] = {0x05, 0x04, 0x15, 0x81, 0x00, 0x00}; /* port 5505 */
static const uint8_t mwi_udh[] = {0x01, 0x02, 0x80, 0x03};              /* 3 voicemails waiting, stored */
static const uint8_t status_8bit[] = {'S', 'T', 'A', 'T', 'U', 'S'};

/* The base's inbox rows from the admin, and those that did not decode (no sender known). */
static int inbox_rows(const struct t *t)
{
	return sec_db_int(t->base.db,
			  "SELECT count(*) FROM inbox WHERE sender IN ('" IT_ALICE "', 'unknown')");
}

/* Sends each kind a keyboard cannot make from `from` to `to`; returns how many. */
static int send_odd_kinds(struct t *t, const char *from, const char *to, const char *command)
{
	char hex[512];
	int n = 0;
	sec_deliver_hex(from, 0x00, 0x10, NULL, 0, command, NULL, 0, hex, sizeof(hex)); /* flash */
	sec_send_tpdu(B(t), from, to, hex), n++;
	sec_deliver_hex(from, 0x00, 0x04, NULL, 0, NULL, status_8bit, sizeof(status_8bit), hex, sizeof(hex));
	sec_send_tpdu(B(t), from, to, hex), n++;
	sec_deliver_hex(from, 0x00, 0x04, wap_udh, sizeof(wap_udh), NULL, wap_push, sizeof(wap_push), hex,
			sizeof(hex));
	sec_send_tpdu(B(t), from, to, hex), n++;
	sec_deliver_hex(from, 0x00, 0xF5, port_udh, sizeof(port_udh), NULL, status_8bit, sizeof(status_8bit),
			hex, sizeof(hex));
	sec_send_tpdu(B(t), from, to, hex), n++;
	sec_deliver_hex(from, 0x00, 0xC8, NULL, 0, command, NULL, 0, hex, sizeof(hex)); /* MWI, discard */
	sec_send_tpdu(B(t), from, to, hex), n++;
	sec_deliver_hex(from, 0x00, 0x00, mwi_udh, sizeof(mwi_udh), command, NULL, 0, hex, sizeof(hex));
	sec_send_tpdu(B(t), from, to, hex), n++;
	sec_deliver_hex(from, 0x40, 0x00, NULL, 0, command, NULL, 0, hex, sizeof(hex)); /* type 0 */
	sec_send_tpdu(B(t), from, to, hex), n++;
	sec_send_tpdu(B(t), from, to, "040B91515500"), n++; /* cut short */
	return n;
}

/* Flash, 8-bit, WAP push, a port-addressed binary, message-waiting indications, a type 0
 * SMS and a TPDU cut short, from the admin to the base and to the unit, each carrying a
 * command: every one is kept in the base's inbox, none is answered or acted on. */
static void odd_kinds_are_kept_and_not_acted_on(void **state)
{
	struct t *t = *state;
	int before = inbox_rows(t), replies = it_base_got(B(t), IT_ALICE, NULL);
	int n = send_odd_kinds(t, IT_ALICE, IT_BASE_NUMBER, "STATUS");
	send_odd_kinds(t, IT_ALICE, IT_WH1_NUMBER, "1234 STATUS");
	assert_true(it_drain(&t->sim, IT_TIMEOUT_MS));
	/* The base kept every one (the last cannot be decoded, and is kept as it came). */
	WAIT_LOG(t, n - 1, "event=sms_not_text from=" IT_ALICE);
	WAIT_LOG(t, 1, "event=sms_undecodable");
	WAIT_UNIT(t, n - 1, "event=sms_not_text from=" IT_ALICE);
	WAIT_UNIT(t, 1, "event=sms_undecodable");
	assert_int_equal(inbox_rows(t), before + n);
	/* Both still answer the admin's plain text, and that is the only answer she got. */
	it_base_send(B(t), IT_ALICE, IT_BASE_NUMBER, "STATUS");
	it_base_send(B(t), IT_ALICE, IT_WH1_NUMBER, "1234 STATUS");
	assert_true(it_base_wait_got(B(t), IT_ALICE, NULL, replies + 2));
	assert_true(it_drain(&t->sim, IT_TIMEOUT_MS));
	assert_int_equal(it_base_got(B(t), IT_ALICE, NULL), replies + 2);
	both_alive(t);
}

/* UCS-2 and a text of 14 parts, from a stranger and from the admin. */
static void ucs2_and_overlong(void **state)
{
	struct t *t = *state;
	char lng[2200];
	memset(lng, 'A', 2000);
	memcpy(lng, "STATUS ", 7);
	lng[2000] = '\0';
	int replies = it_base_got(B(t), IT_ALICE, NULL);
	const char *ucs2[] = {"--ucs2", "--from", IT_STRANGER, "--to", IT_BASE_NUMBER, "STATUS \u2603", NULL};
	assert_int_equal(it_cli(&t->sim, "send", ucs2, NULL, 0), 0);
	it_base_send(B(t), IT_STRANGER, IT_BASE_NUMBER, lng);
	it_base_send(B(t), IT_STRANGER, IT_WH1_NUMBER, lng);
	it_base_send(B(t), IT_ALICE, IT_BASE_NUMBER, lng);
	it_base_send(B(t), IT_ALICE, IT_WH1_NUMBER, lng);
	assert_true(it_drain(&t->sim, IT_TIMEOUT_MS));
	it_base_send(B(t), IT_ALICE, IT_BASE_NUMBER, "STATUS");
	assert_true(it_base_wait_got(B(t), IT_ALICE, NULL, replies + 1));
	assert_true(it_drain(&t->sim, IT_TIMEOUT_MS));
	assert_int_equal(carried(t, IT_BASE_NUMBER, IT_STRANGER), 0);
	assert_int_equal(carried(t, IT_WH1_NUMBER, IT_STRANGER), 0);
	both_alive(t);
}

/* Texts meant for a shell, printf or SQL, from the admin to both: nothing runs, both
 * databases stay whole, and the answers are the grammar's refusals. */
static void shell_format_and_sql_texts(void **state)
{
	struct t *t = *state;
	char subst[480], ticks[480];
	snprintf(subst, sizeof(subst), "STATUS $(touch %s)", t->pwned);
	snprintf(ticks, sizeof(ticks), "STATUS `touch %s`", t->pwned);
	const char *texts[] = {"STATUS WH1;rm -rf /",
			       subst,
			       ticks,
			       "%n%s%x%n%s%x",
			       "STATUS %s%s%s%n",
			       "'; DROP TABLE events; --",
			       "SET WH1 T1 HIGH 9'; DROP TABLE incidents; --",
			       "ACK 1; DELETE FROM inbox"};
	size_t n = sizeof(texts) / sizeof(texts[0]);
	int replies = it_base_got(B(t), IT_ALICE, NULL);
	for (size_t i = 0; i < n; i++) {
		char unit_text[600];
		snprintf(unit_text, sizeof(unit_text), "1234 %s", texts[i]);
		it_base_send(B(t), IT_ALICE, IT_BASE_NUMBER, texts[i]);
		it_base_send(B(t), IT_ALICE, IT_WH1_NUMBER, unit_text);
	}
	assert_true(it_base_wait_got(B(t), IT_ALICE, NULL, replies + 2 * (int)n));
	assert_true(it_drain(&t->sim, IT_TIMEOUT_MS));
	assert_int_equal(access(t->pwned, F_OK), -1);
	assert_int_equal(it_base_got(B(t), IT_ALICE, "%n"), 0); /* no format string came back live */
	char result[64];
	int tables = 0, unit_tables = 0;
	sec_db_check(t->base.db, result, sizeof(result), &tables);
	assert_string_equal(result, "ok");
	sec_db_check(t->base.unit_db, result, sizeof(result), &unit_tables);
	assert_string_equal(result, "ok");
	assert_true(tables >= 10);
	assert_true(unit_tables >= 5);
	assert_int_equal(COUNT_LOG(t, "event=incident"), 0);
	both_alive(t);
}

/* Replays of a genuine message of the unit: inside the window it is a copy; once the window
 * has moved past it (a message of the key's holder 200 seqs on), too old. Last, since the
 * unit's own next messages are then too old as well. */
static void replays_inside_and_outside_the_window(void **state)
{
	struct t *t = *state;
	char genuine[PROTO_TEXT_MAX], ahead[PROTO_TEXT_MAX];
	first_unit_text(t, genuine, sizeof(genuine));
	sec_send_spoofed(B(t), IT_WH1_NUMBER, IT_BASE_NUMBER, genuine);
	WAIT_LOG(t, 1, "event=unit_copy unit=WH1", "reason=duplicate");
	struct proto_head head;
	assert_int_equal(proto_peek(genuine, strlen(genuine), &head, NULL), 0);
	struct proto_msg hb = {.head.kind = PROTO_KIND_HEARTBEAT, .head.seq = head.seq + 300};
	hb.u.status = (struct proto_status){
		.mains = PROTO_MAINS_ON, .battery_pct = -1, .battery_mv = -1, .csq = 20};
	it_base_unit(B(t), &hb, NULL, ahead, sizeof(ahead));
	sec_send_spoofed(B(t), IT_WH1_NUMBER, IT_BASE_NUMBER, ahead);
	WAIT_LOG(t, 1, "event=unit_message unit=WH1 kind=heartbeat");
	sec_send_spoofed(B(t), IT_WH1_NUMBER, IT_BASE_NUMBER, genuine);
	WAIT_LOG(t, 1, "event=unit_copy unit=WH1", "reason=too_old");
	assert_int_equal(COUNT_LOG(t, "event=incident"), 0);
	both_alive(t);
}

/* No PIN, no key in either daemon's log, at any level (both ran at debug). */
static void no_secret_in_a_log(void **state)
{
	struct t *t = *state;
	assert_false(sec_file_has(t->base.log, IT_WH1_KEY));
	assert_false(sec_file_has(t->base.unit_log, IT_WH1_KEY));
	assert_false(sec_file_has(t->base.unit_log, "1234 STATUS"));
	assert_false(sec_file_has(t->base.unit_log, "pin=1234"));
	assert_false(sec_file_has(t->base.log, "1234 STATUS"));
}

int main(int argc, char **argv)
{
	assert_true(argc == 2);
	m2mon = argv[1];
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(forged_unit_messages_from_the_units_number),
		cmocka_unit_test(the_bases_own_number_forged),
		cmocka_unit_test(strangers_get_no_reply),
		cmocka_unit_test(odd_kinds_are_kept_and_not_acted_on),
		cmocka_unit_test(ucs2_and_overlong),
		cmocka_unit_test(shell_format_and_sql_texts),
		cmocka_unit_test(replays_inside_and_outside_the_window),
		cmocka_unit_test(no_secret_in_a_log),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
