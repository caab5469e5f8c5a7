/* The real `m2mon base` against the simulator on a real SQLite file, driven only through the
 * network: WH1's messages (made with the protocol library, sent from its phone) and the
 * contacts' texts. The alarm climbs the ladder to the all-clear; silence is raised and
 * closed; forged, replayed and misrouted messages, a stranger's ACK and a viewer's ACK and
 * SET change nothing. The real unit's stories, a hung modem among them, are in it_base_unit.c. */
#include "it_base.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <sqlite3.h>

struct t {
	struct it_sim sim;
	struct it_base base;
};

static const char *m2mon;

static struct t *begin(bool two_modems, const char *heartbeat, const char *extra)
{
	struct t *t = calloc(1, sizeof(*t));
	it_base_net(&t->sim, m2mon, two_modems, false, NULL);
	it_base_conf(&t->base, &t->sim, two_modems, heartbeat, extra);
	it_base_start(&t->base);
	return t;
}

static void end(struct t *t)
{
	if (t->base.pid)
		it_base_stop(&t->base);
	it_sim_stop(&t->sim);
	free(t);
}

#define WAIT_GOT(t, to, needle, n) assert_true(it_base_wait_got(&(t)->base, to, needle, n))
#define WAIT_LOG(t, n, ...)        assert_true(it_base_wait(&(t)->base, (const char *const[]){__VA_ARGS__, NULL}, n))

static void alarm_climbs_to_tier_two_ack_and_all_clear(void **state)
{
	(void)state;
	struct t *t = begin(false, NULL, NULL);
	uint32_t first = it_base_event(&t->base, true, 94, IT_BASE_NUMBER);
	WAIT_GOT(t, IT_ALICE, "North: ALARM #1 WH1/T1 HIGH 9.4C", 1);
	assert_int_equal(it_base_got(&t->base, IT_BOB, NULL), 0);
	/* Nobody answers: tier 2 after the tier delay. */
	WAIT_GOT(t, IT_BOB, "ALARM #1", 1);
	WAIT_GOT(t, IT_CAROL, "ALARM #1", 1);
	it_base_send(&t->base, IT_BOB, IT_BASE_NUMBER, "Ack, on my way");
	WAIT_GOT(t, IT_BOB, "#1 WH1/T1 HIGH 9.4C acknowledged by you", 1);
	WAIT_GOT(t, IT_ALICE, "acknowledged by Bob", 1);
	uint32_t last = it_base_event(&t->base, false, 74, IT_BASE_NUMBER);
	WAIT_GOT(t, IT_ALICE, "CLEARED #1", 1);
	WAIT_GOT(t, IT_BOB, "CLEARED #1", 1);
	WAIT_GOT(t, IT_CAROL, "CLEARED #1", 1);
	/* The unit got receipts for both its messages. */
	WAIT_LOG(t, 2, "event=receipt_queued");
	WAIT_GOT(t, IT_WH1_NUMBER, "#1K WH1", 2);
	assert_true(it_base_covered(&t->base, first, last));
	/* Every step is in m2mon events, in order. */
	WAIT_LOG(t, 1, "event=incident id=1 from=cleared to=closed");
	WAIT_LOG(t, 9, "event=sms_delivered");
	assert_true(it_base_events_in_order(
		&t->base, (const char *const[]){"alarm:HIGH raised at 9.4C", "notified:Alice",
						"incident:open->notified", "delivered:Alice", "notified:Bob",
						"notified:Carol", "incident:notified->escalated",
						"command:ACK", "ack:Bob", "notified:acknowledged by you",
						"notified:acknowledged by Bob", "clear:HIGH cleared at 7.4C",
						"incident:acked->cleared", "notified:CLEARED #1",
						"incident:cleared->closed", NULL}));
	assert_int_equal(it_base_got(&t->base, IT_ALICE, "ALARM #1"), 1);
	assert_int_equal(it_base_got(&t->base, IT_BOB, "ALARM #1"), 1);
	end(t);
}

static void silent_is_raised_and_closed(void **state)
{
	(void)state;
	struct t *t = begin(false, "3s", NULL);
	assert_true(it_base_wait_got_ms(&t->base, IT_ALICE, "WH1 SILENT", 1, 30000));
	WAIT_LOG(t, 1, "event=unit_silent unit=WH1");
	/* A restart neither raises it again nor forgets it. */
	it_base_stop(&t->base);
	it_base_start(&t->base);
	struct proto_msg hb = {.head.kind = PROTO_KIND_HEARTBEAT};
	hb.u.status = (struct proto_status){
		.mains = PROTO_MAINS_ON, .battery_pct = -1, .battery_mv = -1, .csq = 20};
	it_base_unit(&t->base, &hb, IT_BASE_NUMBER, NULL, 0);
	WAIT_LOG(t, 1, "event=unit_heard_again unit=WH1");
	WAIT_GOT(t, IT_ALICE, "CLEARED #1 WH1 SILENT", 1);
	assert_int_equal(it_base_got(&t->base, IT_ALICE, "WH1 SILENT"), 2); /* the alarm, the all-clear */
	end(t);
}

static void forged_replayed_and_strangers_change_nothing(void **state)
{
	(void)state;
	struct t *t = begin(false, NULL, NULL);
	struct proto_msg m = {.head.kind = PROTO_KIND_ALARM};
	m.u.event = (struct proto_event){.channel = "T1",
					 .level = PROTO_LEVEL_HIGH,
					 .has_value = true,
					 .value_c10 = 94,
					 .threshold_c10 = 80};
	char text[PROTO_TEXT_MAX], forged[PROTO_TEXT_MAX];
	it_base_unit(&t->base, &m, NULL, text, sizeof(text));
	snprintf(forged, sizeof(forged), "%s", text);
	char *at = strstr(forged, " 94 ");
	at[2] = '9'; /* 9.9C: one digit changed, the tag no longer verifies */
	it_base_send(&t->base, IT_WH1_NUMBER, IT_BASE_NUMBER, forged);
	WAIT_LOG(t, 1, "event=unit_forged unit=WH1", "reason=tag");
	it_base_send(&t->base, IT_STRANGER, IT_BASE_NUMBER, text);
	WAIT_LOG(t, 1, "event=unit_wrong_number unit=WH1", "genuine=yes");
	it_base_send(&t->base, IT_STRANGER, IT_BASE_NUMBER, "ACK");
	WAIT_LOG(t, 1, "event=stranger from=" IT_STRANGER);
	assert_int_equal(it_base_got(&t->base, IT_ALICE, NULL), 0);
	/* The genuine message raises the alarm once; its replay is refused. */
	it_base_send(&t->base, IT_WH1_NUMBER, IT_BASE_NUMBER, text);
	WAIT_GOT(t, IT_ALICE, "ALARM #1", 1);
	/* The stranger's ACK acknowledged nothing: the ladder climbs. */
	it_base_send(&t->base, IT_STRANGER, IT_BASE_NUMBER, "ACK 1");
	WAIT_LOG(t, 2, "event=stranger from=" IT_STRANGER);
	WAIT_GOT(t, IT_BOB, "ALARM #1", 1);
	/* Seconds later (a copy within the same second is the same SMS to the network), a replay. */
	it_base_send(&t->base, IT_WH1_NUMBER, IT_BASE_NUMBER, text);
	WAIT_LOG(t, 1, "event=unit_copy unit=WH1", "reason=duplicate");
	assert_int_equal(it_base_got(&t->base, IT_STRANGER, NULL), 0);
	assert_int_equal(it_base_got(&t->base, IT_ALICE, "ALARM"), 1);
	assert_int_equal(it_base_count(&t->base, (const char *const[]){"event=unit_message", NULL}), 1);
	end(t);
}

static void viewer_cannot_ack_or_set(void **state)
{
	(void)state;
	struct t *t = begin(false, NULL, NULL);
	it_base_event(&t->base, true, 94, IT_BASE_NUMBER);
	WAIT_GOT(t, IT_CAROL, "ALARM #1", 1); /* tier 2, after the delay */
	it_base_send(&t->base, IT_CAROL, IT_BASE_NUMBER, "ACK");
	WAIT_GOT(t, IT_CAROL, "viewers cannot acknowledge, ask an operator", 1);
	it_base_send(&t->base, IT_CAROL, IT_BASE_NUMBER, "SET WH1 T1 HIGH 12");
	WAIT_GOT(t, IT_CAROL, "SET is for admins", 1);
	assert_int_equal(it_base_count(&t->base, (const char *const[]){"event=command_queued", NULL}), 0);
	assert_int_equal(it_base_got(&t->base, IT_ALICE, "acknowledged"), 0);
	/* An admin's SET is relayed to the unit, signed. */
	it_base_send(&t->base, IT_ALICE, IT_BASE_NUMBER, "SET WH1 T1 HIGH 12");
	WAIT_GOT(t, IT_ALICE, "sent SET T1 HIGH 12 to WH1", 1);
	WAIT_GOT(t, IT_WH1_NUMBER, "#1X WH1", 1);
	end(t);
}

/* SIGTERM while the modem holds a text it does not confirm (hung): the base waits for it at
 * most the send timeout, exits 0, and the next start sends it again, marked possibly
 * duplicated, once the modem answers. */
static void sigterm_with_a_text_in_a_modems_hands(void **state)
{
	(void)state;
	struct t *t = begin(false, NULL, NULL);
	it_base_event(&t->base, true, 94, IT_BASE_NUMBER);
	WAIT_GOT(t, IT_ALICE, "ALARM #1", 1);
	const char *sending[] = {"event=sms_sending", NULL};
	int before = it_base_count(&t->base, sending);
	const char *hang[] = {"base", "hang", "600000", NULL};
	assert_int_equal(it_cli(&t->sim, "fault", hang, NULL, 0), 0);
	/* The next text (the receipt, or tier 2 when it comes due) goes to the hung modem. */
	assert_true(it_base_wait(&t->base, sending, before + 1));
	it_base_stop(&t->base); /* exits 0 once the send's outcome is known: at most send_timeout */
	assert_int_equal(it_base_count(&t->base, (const char *const[]){"event=exit status=0", NULL}), 1);
	assert_int_equal(it_base_count(&t->base, (const char *const[]){"event=sms_outcome_unknown", NULL}) +
				 it_base_count(&t->base, (const char *const[]){"event=stop_forced", NULL}),
			 1);
	const char *reboot[] = {"base", "reboot", NULL};
	assert_int_equal(it_cli(&t->sim, "fault", reboot, NULL, 0), 0);
	it_base_start(&t->base);
	/* Sent again, marked possibly duplicated, and the ladder carries on. */
	WAIT_LOG(t, 1, "event=sms_sending", "possibly_duplicate=yes");
	WAIT_GOT(t, IT_BOB, "ALARM #1", 1);
	WAIT_GOT(t, IT_CAROL, "ALARM #1", 1);
	end(t);
}

/* Whether outbox row(s) to `to` with `like` in their text are marked possibly duplicated. */
static int outbox_marked(const struct t *t, const char *to, const char *like)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_open_v2(t->base.db, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(
		sqlite3_prepare_v2(db,
				   "SELECT count(*) FROM outbox WHERE dest = ? AND instr(text, ?) > 0"
				   " AND possibly_duplicate = 1 AND state = 'sent' AND report = 'delivered'",
				   -1, &st, NULL),
		SQLITE_OK);
	sqlite3_bind_text(st, 1, to, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, like, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

/* Alice got ALARM #1 and the unit its receipt: the next text, tier 2's to Bob or Carol, is
 * lost by the network (the base's modem's next SMS dropped). */
static void drop_tier_two(struct t *t)
{
	it_base_event(&t->base, true, 94, IT_BASE_NUMBER);
	WAIT_GOT(t, IT_ALICE, "ALARM #1", 1);
	WAIT_GOT(t, IT_WH1_NUMBER, "#1K WH1", 1);
	const char *drop[] = {"base", "drop-next", "1", NULL};
	assert_int_equal(it_cli(&t->sim, "fault", drop, NULL, 0), 0);
}

/* The lost text was sent again, marked possibly duplicated, and reached its phone once. */
static void got_once_more(struct t *t)
{
	WAIT_LOG(t, 1, "event=sms_report_overdue", "attempt=1");
	WAIT_LOG(t, 1, "event=sms_sending", "possibly_duplicate=yes");
	WAIT_GOT(t, IT_BOB, "ALARM #1", 1);
	WAIT_GOT(t, IT_CAROL, "ALARM #1", 1);
	int lost_bob =
		it_jsonl_count(&t->sim, (const char *const[]){"\"lost\"", "\"to\":\"" IT_BOB "\"", NULL});
	int lost_carol =
		it_jsonl_count(&t->sim, (const char *const[]){"\"lost\"", "\"to\":\"" IT_CAROL "\"", NULL});
	assert_int_equal(lost_bob + lost_carol, 1);
	const char *who = lost_bob ? IT_BOB : IT_CAROL;
	/* The resend's report settles the row: nothing more goes. */
	WAIT_LOG(t, 1, "event=sms_delivered", who);
	it_base_stop(&t->base);
	assert_int_equal(it_base_got(&t->base, IT_BOB, "ALARM #1"), 1);
	assert_int_equal(it_base_got(&t->base, IT_CAROL, "ALARM #1"), 1);
	assert_int_equal(it_base_count(&t->base, (const char *const[]){"event=sms_report_overdue", NULL}), 1);
	assert_int_equal(outbox_marked(t, who, "ALARM #1"), 1);
}

/* No delivery report within report_timeout: the base says so and sends the text again. */
static void a_text_the_network_lost_is_sent_again(void **state)
{
	(void)state;
	struct t *t = begin(false, NULL, "report_timeout = \"3s\";");
	drop_tier_two(t);
	got_once_more(t);
	end(t);
}

/* The base killed after the lost send: the next start takes the deadline from the stored
 * sent time and resends it. */
static void a_lost_text_is_sent_again_after_a_restart(void **state)
{
	(void)state;
	struct t *t = begin(false, NULL, "report_timeout = \"6s\";");
	drop_tier_two(t);
	WAIT_LOG(t, 1, "event=sms_sent", IT_BOB);
	WAIT_LOG(t, 1, "event=sms_sent", IT_CAROL);
	it_base_kill(&t->base);
	assert_int_equal(it_base_count(&t->base, (const char *const[]){"event=sms_report_overdue", NULL}), 0);
	it_base_start(&t->base);
	got_once_more(t);
	end(t);
}

/* WH1's word on T1 HIGH with message `seq`: raised (at 9.4C) or cleared, since `since_ms`. */
static void high(struct t *t, uint32_t seq, bool raised, int64_t since_ms)
{
	struct proto_msg m = {.head = {.kind = raised ? PROTO_KIND_ALARM : PROTO_KIND_CLEAR, .seq = seq}};
	m.u.event = (struct proto_event){.channel = "T1",
					 .level = PROTO_LEVEL_HIGH,
					 .has_value = true,
					 .value_c10 = raised ? 94 : 40,
					 .threshold_c10 = raised ? 80 : 75,
					 .since_ms = since_ms};
	it_base_unit(&t->base, &m, IT_BASE_NUMBER, NULL, 0);
}

/* ALARM #1 acknowledged; the unit's CLEAR is lost and the probe goes high again a minute
 * later: the ALARM for that excursion closes #1 with its all-clear and opens #2 for
 * everyone, instead of merging into the acknowledged #1 unseen. The late CLEAR changes
 * nothing. */
static void a_new_excursion_behind_a_lost_clear_is_a_new_alarm(void **state)
{
	(void)state;
	struct t *t = begin(false, NULL, NULL);
	int64_t first = (int64_t)time(NULL) * 1000 - 120000;
	uint32_t seq = t->base.seq;
	t->base.seq += 3;
	high(t, seq, true, first);
	WAIT_GOT(t, IT_ALICE, "ALARM #1", 1);
	it_base_send(&t->base, IT_ALICE, IT_BASE_NUMBER, "ACK 1");
	WAIT_GOT(t, IT_ALICE, "acknowledged by you", 1);
	high(t, seq + 2, true, first + 60000); /* CLEAR seq + 1 lost */
	WAIT_LOG(t, 1, "event=unit_clear_missed", "unit=WH1", "channel=T1", "level=high");
	WAIT_GOT(t, IT_ALICE, "CLEARED #1 WH1/T1 HIGH at", 1);
	WAIT_GOT(t, IT_ALICE, "ALARM #2 WH1/T1 HIGH 9.4C", 1);
	WAIT_GOT(t, IT_BOB, "ALARM #2", 1); /* nobody acknowledges #2: tier 2 */
	high(t, seq + 1, false, first + 30000);
	WAIT_LOG(t, 1, "event=unit_event_late", "level=high");
	it_base_stop(&t->base);
	assert_int_equal(it_base_got(&t->base, IT_ALICE, "CLEARED #1"), 1);
	assert_int_equal(it_base_got(&t->base, IT_ALICE, "CLEARED #2"), 0);
	assert_int_equal(it_base_got(&t->base, IT_ALICE, "now "), 0); /* the clear's value is not known */
	assert_int_equal(it_base_got(&t->base, IT_BOB, "ALARM #1"), 0);
	end(t);
}

/* A phone that never reports (every text the base's modem sends is lost): the CLEARED to
 * each of the three is sent 5 times in all, then logged undelivered and not sent again. */
static void a_text_never_reported_is_given_up_after_five_sends(void **state)
{
	(void)state;
	struct t *t = begin(false, NULL, "report_timeout = \"2s\";");
	it_base_event(&t->base, true, 94, IT_BASE_NUMBER);
	WAIT_GOT(t, IT_BOB, "ALARM #1", 1);
	WAIT_GOT(t, IT_CAROL, "ALARM #1", 1);
	WAIT_LOG(t, 3, "event=sms_delivered");
	const char *lose[] = {"base", "loss", "100", NULL};
	assert_int_equal(it_cli(&t->sim, "fault", lose, NULL, 0), 0);
	it_base_event(&t->base, false, 74, IT_BASE_NUMBER);
	/* 5 sends 2 s apart: past it_base_wait's 10 s */
	assert_true(it_base_wait_ms(
		&t->base, (const char *const[]){"event=sms_undelivered", "attempts=5", NULL}, 3, 30000));
	it_base_stop(&t->base);
	const char *people[] = {IT_ALICE, IT_BOB, IT_CAROL};
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(it_base_got(&t->base, people[i], "CLEARED #1"), 0);
		assert_int_equal(it_base_count(&t->base, (const char *const[]){"event=sms_sending", people[i],
									       "kind=all_clear", NULL}),
				 5);
		assert_int_equal(it_base_count(&t->base, (const char *const[]){"event=sms_report_overdue",
									       people[i], NULL}),
				 4);
		assert_int_equal(it_base_count(&t->base, (const char *const[]){"event=sms_undelivered",
									       people[i], NULL}),
				 1);
	}
	end(t);
}

int main(int argc, char **argv)
{
	m2mon = it_base_main(argc, argv);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(alarm_climbs_to_tier_two_ack_and_all_clear),
		cmocka_unit_test(silent_is_raised_and_closed),
		cmocka_unit_test(forged_replayed_and_strangers_change_nothing),
		cmocka_unit_test(viewer_cannot_ack_or_set),
		cmocka_unit_test(sigterm_with_a_text_in_a_modems_hands),
		cmocka_unit_test(a_text_the_network_lost_is_sent_again),
		cmocka_unit_test(a_lost_text_is_sent_again_after_a_restart),
		cmocka_unit_test(a_text_never_reported_is_given_up_after_five_sends),
		cmocka_unit_test(a_new_excursion_behind_a_lost_clear_is_a_new_alarm),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
