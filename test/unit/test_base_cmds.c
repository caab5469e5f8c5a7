/* Phone commands at the base, on a real store with a fake clock: who may do what, the exact
 * replies (each one GSM 7-bit SMS, none starting with a command word), READ and SET relayed
 * signed and answered, a stranger never answered, national numbers matched. The texts here
 * are the ones docs/commands.md shows. */
#include "base_fixture.h"

#include "alert_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int setup(void **state)
{
	struct bfx *f = calloc(1, sizeof(*f));
	bfx_setup(f, NULL);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	bfx_teardown(*state);
	free(*state);
	return 0;
}

/* Sends `cmd` from `from` and returns the one reply it got (the test fails otherwise). */
static const char *ask(struct bfx *f, const char *from, const char *cmd)
{
	assert_int_equal(bfx_sms(f, from, cmd), 0);
	bfx_take(f);
	const struct base_text *t = bfx_find(f, from, NULL);
	assert_non_null(t);
	assert_int_equal(bfx_to(f, from, NULL), 1);
	return t->text;
}

static void reply_is(struct bfx *f, const char *from, const char *cmd, const char *want)
{
	const char *got = ask(f, from, cmd);
	assert_string_equal(got, want);
	if (strcmp(cmd, "HELP") != 0)
		assert_int_equal(alert_text_check(got), 0);
	else
		assert_true(alert_text_septets(got) > 0 && alert_text_septets(got) <= 160);
}

static void heard(struct bfx *f, int unit)
{
	struct proto_msg hb = {.head.kind = PROTO_KIND_HEARTBEAT};
	hb.u.status = (struct proto_status){
		.mains = PROTO_MAINS_ON, .battery_pct = -1, .battery_mv = -1, .csq = 17, .n_values = 2};
	hb.u.status.values[0] = (struct proto_value){.channel = "T1", .ok = true, .temp_c10 = 42};
	hb.u.status.values[1] = (struct proto_value){.channel = "T2", .ok = false};
	bfx_unit(f, unit, &hb);
}

static void status_of_every_unit_and_of_one(void **state)
{
	struct bfx *f = *state;
	reply_is(f, ALICE, "STATUS",
		 "North: 0 open. WH1 not heard yet, F2 not heard yet. Reply STATUS WH1 for one unit");
	heard(f, 0);
	bfx_take(f);
	reply_is(f, BOB, "status",
		 "North: 0 open. WH1 ok 4.2C, F2 not heard yet. Reply STATUS WH1 for one unit");
	reply_is(
		f, CAROL, "STATUS wh1",
		"North: WH1 heard 03:00; T1 4.2C, T2 FAULT at 03:00, mains on, signal 17/31. No open alarms. "
		"Reply READ WH1 for a fresh reading");
	bfx_event(f, 0, "T1", PROTO_LEVEL_HIGH, true, 94);
	bfx_take(f);
	reply_is(f, ALICE, "?", "North: 1 open. #1 WH1/T1 HIGH 9.4C, F2 not heard yet. Reply ACK 1");
	/* A viewer is not told to ACK. */
	reply_is(f, CAROL, "STATUS",
		 "North: 1 open. #1 WH1/T1 HIGH 9.4C, F2 not heard yet. Reply STATUS WH1 for one unit");
	reply_is(f, ALICE, "STATUS F3", "North: no unit F3 here; units: WH1, F2. Reply STATUS for all units");
	assert_int_equal(bfx_sms(f, BOB, "ACK 1"), 0);
	bfx_take(f);
	reply_is(f, ALICE, "STATUS WH1",
		 "North: WH1 heard 03:00; T1 9.4C, T2 FAULT at 03:00, mains on, signal 17/31. Open: #1 T1 "
		 "HIGH "
		 "9.4C acked by Bob. Reply READ WH1 for a fresh reading");
}

static void who_and_help_by_role(void **state)
{
	struct bfx *f = *state;
	reply_is(f, CAROL, "WHO",
		 "North on call: tier 1 Alice; tier 2 Bob, Carol (told only). Reply STATUS for open alarms");
	reply_is(
		f, ALICE, "HELP",
		"Send: STATUS, STATUS WH1, READ WH1, WHO, ACK, ACK 12, ACK ALL, MUTE WH1 2h, MUTE WH1 T1 2h, "
		"UNMUTE WH1, SET WH1 T1 HIGH 8 (or LOW HH LL DELAY HYST). Join with ;");
	reply_is(f, CAROL, "HELP",
		 "Send: STATUS (every unit), STATUS WH1, READ WH1 (a fresh reading), WHO (who is on call), "
		 "HELP. "
		 "Several in one SMS: join with ;");
}

static void viewer_cannot_ack_or_set_and_operator_cannot_set(void **state)
{
	struct bfx *f = *state;
	bfx_event(f, 0, "T1", PROTO_LEVEL_HIGH, true, 94);
	bfx_take(f);
	reply_is(f, CAROL, "ACK",
		 "North: viewers cannot acknowledge, ask an operator. Reply STATUS for all open alarms");
	reply_is(
		f, CAROL, "SET WH1 T1 HIGH 9",
		"North: SET is for admins; you may send STATUS, READ, WHO. Reply HELP for what you may send");
	reply_is(f, BOB, "SET WH1 T1 HIGH 9",
		 "North: SET is for admins; you may send STATUS, READ, WHO, ACK, MUTE. Reply HELP for what "
		 "you may "
		 "send");
	reply_is(f, CAROL, "MUTE WH1 2h",
		 "North: viewers cannot mute, ask an operator. Reply STATUS for all open alarms");
	assert_int_equal(bfx_events(f, STORE_EVENT_ACK, NULL), 0);
	assert_int_equal(bfx_to(f, WH1_NUMBER, NULL), 0);
	/* Nothing was acknowledged: the ladder goes on to tier 2. */
	bfx_advance(f, 61 * 1000);
	bfx_take(f);
	assert_int_equal(bfx_to(f, BOB, "ALARM #1"), 1);
}

static void strangers_get_nothing(void **state)
{
	struct bfx *f = *state;
	bfx_event(f, 0, "T1", PROTO_LEVEL_HIGH, true, 94);
	bfx_take(f);
	assert_int_equal(bfx_sms(f, STRANGER, "ACK"), 0);
	assert_int_equal(bfx_sms(f, STRANGER, "STATUS"), 0);
	bfx_take(f);
	assert_int_equal(f->n_out, 0);
	assert_int_equal(bfx_events(f, STORE_EVENT_STRANGER, "no reply to: ACK"), 1);
	assert_int_equal(bfx_events(f, STORE_EVENT_ACK, NULL), 0);
	bfx_advance(f, 61 * 1000);
	bfx_take(f);
	assert_int_equal(bfx_to(f, BOB, "ALARM #1"), 1);
}

/* A flash, a message-waiting and a type 0 "ACK" from the admin are kept, not acted on: the
 * ladder climbs, nobody is answered (TS 23.038 4, TS 23.040 9.2.3.9). */
static void an_ack_that_is_no_text_takes_nothing(void **state)
{
	struct bfx *f = *state;
	bfx_event(f, 0, "T1", PROTO_LEVEL_HIGH, true, 94);
	bfx_take(f);
	assert_int_equal(bfx_pdu(f, "00040B915155003000F100106221202143000003C1E112"), 0);
	assert_int_equal(bfx_pdu(f, "00040B915155003000F100C86221202143000003C1E112"), 0);
	assert_int_equal(bfx_pdu(f, "00040B915155003000F140006221202143000003C1E112"), 0);
	bfx_take(f);
	assert_int_equal(f->n_out, 0);
	assert_int_equal(bfx_events(f, STORE_EVENT_ACK, NULL), 0);
	assert_int_equal(bfx_events(f, STORE_EVENT_OTHER, "no text (flash)"), 1);
	assert_int_equal(bfx_events(f, STORE_EVENT_OTHER, "no text (waiting)"), 1);
	assert_int_equal(bfx_events(f, STORE_EVENT_OTHER, "no text (type0)"), 1);
	assert_int_equal(bfx_inbox_new(f), 0);
	bfx_advance(f, 61 * 1000);
	bfx_take(f);
	assert_int_equal(bfx_to(f, BOB, "ALARM #1"), 1);
}

static void a_national_number_is_the_contact(void **state)
{
	struct bfx *f = *state;
	bfx_event(f, 0, "T1", PROTO_LEVEL_HIGH, true, 94);
	bfx_take(f);
	/* Bob's phone shows up in national form on some networks. */
	assert_int_equal(bfx_sms(f, "05550003002", "ACK 1"), 0);
	bfx_take(f);
	assert_int_equal(bfx_to(f, BOB, "acknowledged by you"), 1);
	assert_int_equal(bfx_to(f, ALICE, "acknowledged by Bob"), 1);
}

static void read_is_relayed_and_answered(void **state)
{
	struct bfx *f = *state;
	heard(f, 0);
	bfx_advance(f, 6000);
	bfx_take(f); /* the receipt */
	assert_int_equal(bfx_sms(f, CAROL, "READ WH1 T1"), 0);
	bfx_take(f);
	assert_string_equal(bfx_find(f, CAROL, NULL)->text,
			    "North: asked WH1 for a fresh reading, the answer follows. Reply STATUS WH1");
	const struct base_text *cmd = bfx_find(f, WH1_NUMBER, NULL);
	assert_non_null(cmd);
	assert_string_equal(cmd->kind, "command");
	struct proto_msg m;
	assert_int_equal(bfx_open_for_unit(f, 0, cmd->text, &m), 0);
	assert_int_equal(m.head.kind, PROTO_KIND_COMMAND);
	assert_string_equal(m.u.command.text, "READ T1");
	assert_string_equal(m.u.command.by, CAROL);
	struct proto_msg reply = {.head.kind = PROTO_KIND_REPLY};
	reply.u.reply.cmd_id = m.u.command.cmd_id;
	reply.u.reply.n_values = 1;
	reply.u.reply.values[0] = (struct proto_value){.channel = "T1", .ok = true, .temp_c10 = 39};
	bfx_advance(f, 20 * 1000);
	bfx_unit(f, 0, &reply);
	bfx_take(f);
	assert_string_equal(bfx_find(f, CAROL, NULL)->text,
			    "North: WH1 now T1 3.9C at 03:00. Reply READ WH1 to ask again");
	/* The reading is stored as the unit's latest. */
	reply_is(
		f, ALICE, "STATUS WH1",
		"North: WH1 heard 03:00; T1 3.9C, T2 FAULT at 03:00, mains on, signal 17/31. No open alarms. "
		"Reply READ WH1 for a fresh reading");
}

static void set_is_relayed_confirmed_or_timed_out(void **state)
{
	struct bfx *f = *state;
	heard(f, 0);
	assert_int_equal(bfx_sms(f, ALICE, "set wh1 t1 high 8,5"), 0);
	bfx_take(f);
	assert_string_equal(
		bfx_find(f, ALICE, NULL)->text,
		"North: sent SET t1 HIGH 8.5 to WH1, you are told when it applies it. Reply STATUS WH1");
	struct proto_msg m;
	assert_int_equal(bfx_open_for_unit(f, 0, bfx_find(f, WH1_NUMBER, "#1X")->text, &m), 0);
	assert_string_equal(m.u.command.text, "SET t1 HIGH 8.5");
	/* The base restarts before the unit answers: the answer still finds Alice. */
	bfx_restart(f);
	struct proto_msg echo = {.head.kind = PROTO_KIND_ECHO};
	echo.u.echo = (struct proto_echo){.cmd_id = m.u.command.cmd_id,
					  .result = PROTO_RESULT_OK,
					  .by = ALICE,
					  .text = "SET T1 HIGH 8.5"};
	bfx_unit(f, 0, &echo);
	bfx_take(f);
	assert_string_equal(bfx_find(f, ALICE, NULL)->text,
			    "North: WH1 applied SET T1 HIGH 8.5. Reply STATUS WH1");
	assert_int_equal(bfx_events(f, STORE_EVENT_CONFIG, "OK: SET T1 HIGH 8.5"), 1);
	/* A unit that does not answer: the admin is told after the command timeout (10 min). */
	assert_int_equal(bfx_sms(f, ALICE, "SET WH1 T1 LOW 2"), 0);
	bfx_take(f);
	bfx_advance(f, 10 * 60 * 1000 + 1000);
	bfx_take(f);
	assert_string_equal(
		bfx_find(f, ALICE, "no answer")->text,
		"North: no answer from WH1 to SET T1 LOW 2 within 10m; it may be out of signal. Reply "
		"STATUS WH1");
	/* A refusal from the unit is passed on with its reason. */
	assert_int_equal(bfx_sms(f, ALICE, "SET WH1 T1 LOW 20"), 0);
	bfx_take(f);
	assert_int_equal(bfx_open_for_unit(f, 0, bfx_find(f, WH1_NUMBER, "#1X")->text, &m), 0);
	echo.head.seq = echo.head.time_ms = 0;
	echo.u.echo = (struct proto_echo){.cmd_id = m.u.command.cmd_id,
					  .result = PROTO_RESULT_INVALID,
					  .by = ALICE,
					  .text = "low must be below high 8.5"};
	bfx_unit(f, 0, &echo);
	bfx_take(f);
	assert_string_equal(
		bfx_find(f, ALICE, NULL)->text,
		"North: WH1 did not apply SET T1 LOW 20 (INVALID): low must be below high 8.5. Reply "
		"STATUS WH1");
}

static void mute_unmute_and_a_list_of_commands(void **state)
{
	struct bfx *f = *state;
	heard(f, 0);
	bfx_take(f);
	assert_int_equal(bfx_sms(f, BOB, "MUTE WH1 T1 2h; UNMUTE WH1 T9; INTERVAL 5m; STATUS F2"), 0);
	bfx_take(f);
	assert_int_equal(bfx_to(f, BOB, NULL), 4);
	assert_string_equal(
		f->out[0].text,
		"North: WH1/T1 muted until 05:00, alarms are still recorded. Reply MUTE WH1 0 to undo");
	assert_string_equal(f->out[1].text,
			    "North: WH1 has no channel T9 the base knows (T1, T2). Reply STATUS WH1");
	assert_string_equal(
		f->out[2].text,
		"North: INTERVAL goes to a unit, not to the base. Reply HELP for what you may send");
	assert_string_equal(
		f->out[3].text,
		"North: F2 not heard yet (watched since 03:00). No open alarms. Reply READ F2 for a fresh "
		"reading");
	for (size_t i = 0; i < f->n_out; i++)
		assert_int_equal(alert_text_check(f->out[i].text), 0);
	assert_int_equal(bfx_events(f, STORE_EVENT_MUTE, NULL), 1);
	/* The mute survives a restart: an alarm of T1 texts nobody. */
	bfx_restart(f);
	bfx_event(f, 0, "T1", PROTO_LEVEL_HIGH, true, 94);
	bfx_take(f);
	assert_int_equal(bfx_to(f, ALICE, NULL), 0);
	assert_int_equal(bfx_events(f, STORE_EVENT_ALARM, NULL), 1);
	reply_is(f, BOB, "UNMUTE WH1",
		 "North: WH1 unmuted, alarms are texted again. Reply STATUS for all open alarms");
	assert_int_equal(bfx_to(f, ALICE, "ALARM #1 WH1/T1"), 1); /* the ladder starts at the unmute */
}

/* Every reply docs/commands.md shows for the base is one SMS ending with what to reply. */
static void documented_replies_are_one_sms(void **state)
{
	(void)state;
	FILE *doc = fopen(DOCS_DIR "/commands.md", "r");
	assert_non_null(doc);
	char line[2048];
	bool in = false;
	int checked = 0;
	while (fgets(line, sizeof(line), doc)) {
		if (strncmp(line, "## ", 3) == 0)
			in = strncmp(line, "## Replies from the base", 24) == 0;
		for (char *p = line; in && (p = strstr(p, "`North")) != NULL;) {
			char *end = strchr(p + 1, '`');
			if (!end)
				break;
			*end = '\0';
			if (strstr(p + 1, ": ") && strstr(p + 1, ". Reply ") && !strstr(p + 1, "...")) {
				if (alert_text_check(p + 1) != 0)
					fail_msg("not one SMS ending with a reply: %s", p + 1);
				checked++;
			}
			p = end + 1;
		}
	}
	fclose(doc);
	assert_true(checked >= 30);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(documented_replies_are_one_sms),
		T(status_of_every_unit_and_of_one),
		T(who_and_help_by_role),
		T(viewer_cannot_ack_or_set_and_operator_cannot_set),
		T(strangers_get_nothing),
		T(an_ack_that_is_no_text_takes_nothing),
		T(a_national_number_is_the_contact),
		T(read_is_relayed_and_answered),
		T(set_is_relayed_confirmed_or_timed_out),
		T(mute_unmute_and_a_list_of_commands),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
