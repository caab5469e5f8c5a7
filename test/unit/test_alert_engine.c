/* The incident engine: one incident per unit, channel and kind; acknowledgement by id and
 * bare ACK with everyone notified told who acknowledged; roles; restarts from saved state. */
#include "alert_fixture.h"

static void first_alarm_goes_to_tier_one_at_once(void **state)
{
	struct fx *f = *state;
	uint32_t who;
	build(f);
	int64_t id = alert_engine_raise(f->e,
					&(struct alert_report){.unit = "f1",
							       .channel = 2,
							       .kind = ALERT_KIND_HIGH,
							       .has_value = true,
							       .value_c10 = 94,
							       .threshold_c10 = 80,
							       .since_ms = T0 - 58 * MIN_MS},
					T0);
	assert_int_equal(id, 17);
	assert_int_equal(take_sms(f, &who, ALERT_MSG_ALARM), 2);
	assert_int_equal(who, A | D);
	assert_string_equal(last_sms(f, 0)->text,
			    "Dairy: ALARM #17 f1/2 HIGH 9.4C (limit 8.0C) since 15:02. Reply ACK 17");
	struct alert_incident v;
	assert_int_equal(alert_engine_incident(f->e, 17, &v), 0);
	assert_int_equal(v.state, ALERT_STATE_NOTIFIED);
	assert_int_equal(alert_engine_next_ms(f->e, T0), T0 + MIN_MS);
}

static void ack_by_id_tells_everyone_notified(void **state)
{
	struct fx *f = *state;
	uint32_t who;
	build(f);
	alert_engine_raise(f->e, HIGHP("f1", 1, 95, T0), T0);
	tick_to(f, T0 + 10 * MIN_MS);
	take_sms(f, &who, ALERT_MSG_ALARM);
	assert_int_equal(alert_engine_ack(f->e, BEN, 17, T0 + 12 * MIN_MS), 1);
	assert_non_null(strstr(last_sms(f, 1)->text, "#17 f1/1 HIGH 9.5C acknowledged by you"));
	f->seen = 0;
	assert_int_equal(take_sms(f, &who, ALERT_MSG_ACK_INFO), 2);
	assert_int_equal(who, A | D);
	assert_non_null(strstr(last_sms(f, 0)->text, "acknowledged by Ben at 16:12"));
	struct alert_incident v;
	alert_engine_incident(f->e, 17, &v);
	assert_int_equal(v.state, ALERT_STATE_ACKED);
	assert_int_equal(v.acked_by, 1);
	tick_to(f, T0 + 40 * MIN_MS); /* Cleo's tier never comes */
	assert_int_equal(take_sms(f, &who, ALERT_MSG_ALARM), 0);
	assert_int_equal(alert_engine_ack(f->e, ANNA, 17, T0 + 41 * MIN_MS), -EALREADY);
	assert_non_null(strstr(last_sms(f, 0)->text, "already acknowledged by Ben"));
}

static void bare_ack_takes_the_newest_of_mine(void **state)
{
	struct fx *f = *state;
	uint32_t who;
	f->p.coalesce_s = 0;
	build(f);
	alert_engine_raise(f->e, HIGHP("f1", 1, 95, T0), T0);
	alert_engine_raise(f->e, HIGHP("f2", 1, 99, T0), T0 + 1000);
	assert_int_equal(take_sms(f, &who, ALERT_MSG_ALARM), 4);
	assert_int_equal(alert_engine_ack(f->e, ANNA, ALERT_ACK_NEWEST, T0 + 2000), 1);
	struct alert_incident v17, v18;
	alert_engine_incident(f->e, 17, &v17);
	alert_engine_incident(f->e, 18, &v18);
	assert_int_equal(v17.state, ALERT_STATE_NOTIFIED);
	assert_int_equal(v18.state, ALERT_STATE_ACKED);
	assert_int_equal(alert_engine_ack(f->e, ANNA, ALERT_ACK_NEWEST, T0 + 3000), 1);
	alert_engine_incident(f->e, 17, &v17);
	assert_int_equal(v17.state, ALERT_STATE_ACKED);
	assert_int_equal(alert_engine_ack(f->e, ANNA, ALERT_ACK_NEWEST, T0 + 4000), -ENOENT);
	assert_non_null(strstr(last_sms(f, 0)->text, "no alarm of yours waits for an ACK"));
	assert_int_equal(alert_engine_ack(f->e, ANNA, 99, T0 + 5000), -ENOENT);
	assert_non_null(strstr(last_sms(f, 0)->text, "no open alarm #99"));
}

/* The value fell back a minute after the text, the person replies ACK to it: their ACK is
 * taken (the incident is texted and not acknowledged), not refused as "nothing to ACK". */

static void bare_ack_takes_an_alarm_that_just_cleared(void **state)
{
	struct fx *f = *state;
	uint32_t who;
	build(f);
	struct alert_report r = high("f1", 1, 95, T0);
	alert_engine_raise(f->e, &r, T0);
	r.value_c10 = 60;
	alert_engine_clear(f->e, &r, T0 + MIN_MS);
	f->seen = f->n;
	assert_int_equal(alert_engine_ack(f->e, ANNA, ALERT_ACK_NEWEST, T0 + 2 * MIN_MS), 1);
	assert_non_null(strstr(last_sms(f, 0)->text, "#17 f1/1 HIGH 6.0C acknowledged by you"));
	assert_int_equal(take_sms(f, &who, ALERT_MSG_ACK_INFO), 1);
	assert_int_equal(who, D);
	tick_to(f, T0 + 6 * MIN_MS);
	assert_int_equal(take_sms(f, &who, ALERT_MSG_ALL_CLEAR), 2);
	assert_int_equal(who, A | D);
}

/* A clear carries the level it cleared at (the limit less the hysteresis) and the value it
 * cleared with: the incident keeps the limit it was raised at, so its record, its texts and the
 * chart's threshold line still say 8.0C, and takes the value. */
static void a_clear_keeps_the_limit_the_alarm_was_raised_at(void **state)
{
	struct fx *f = *state;
	build(f);
	struct alert_report r = high("f1", 1, 95, T0);
	r.threshold_c10 = 80;
	alert_engine_raise(f->e, &r, T0);
	r.value_c10 = 60;
	r.threshold_c10 = 75;
	assert_int_equal(alert_engine_clear(f->e, &r, T0 + MIN_MS), 17);
	struct alert_incident v;
	assert_int_equal(alert_engine_incident(f->e, 17, &v), 0);
	assert_int_equal(v.state, ALERT_STATE_CLEARED);
	assert_int_equal(v.value_c10, 60);
	assert_int_equal(v.threshold_c10, 80);
}

/* A clear learnt only from the next excursion's raise: the incident closes at once, not after
 * the settle time, its all-clear says when at the latest and no value, and the raise that
 * follows opens a new incident that texts everyone again. */
static void a_clear_known_afterwards_closes_at_once(void **state)
{
	struct fx *f = *state;
	uint32_t who;
	build(f);
	alert_engine_raise(f->e, HIGHP("f1", 1, 95, T0), T0);
	assert_int_equal(alert_engine_ack(f->e, ANNA, 17, T0 + MIN_MS), 1);
	f->seen = f->n;
	struct alert_report again = high("f1", 1, 97, T0 + 20 * MIN_MS);
	assert_int_equal(alert_engine_close(f->e, &again, T0 + 21 * MIN_MS), 17);
	struct alert_incident v;
	assert_int_equal(alert_engine_incident(f->e, 17, &v), -ENOENT);
	assert_int_equal(take_sms(f, &who, ALERT_MSG_ALL_CLEAR), 2);
	assert_non_null(strstr(last_sms(f, 0)->text, "CLEARED #17 f1/1 HIGH at 16:20"));
	assert_null(strstr(last_sms(f, 0)->text, "now"));
	assert_int_equal(alert_engine_raise(f->e, &again, T0 + 21 * MIN_MS), 18);
	assert_non_null(strstr(last_sms(f, 0)->text, "ALARM #18"));
	/* None open. */
	assert_int_equal(alert_engine_close(f->e, HIGHP("f2", 1, 95, T0), T0 + 22 * MIN_MS), -ENOENT);
}

static void viewers_cannot_ack_and_strangers_get_no_reply(void **state)
{
	struct fx *f = *state;
	build(f);
	alert_engine_raise(f->e, HIGHP("f1", 1, 95, T0), T0);
	size_t before = f->n;
	assert_int_equal(alert_engine_ack(f->e, "+4400000000", 17, T0 + 1000), -EACCES);
	assert_int_equal(alert_engine_mute(f->e, "+4400000000", "f1", -1, 3600, T0 + 1000), -EACCES);
	assert_int_equal(f->n, before);
	assert_int_equal(alert_engine_ack(f->e, DAN, 17, T0 + 2000), -EPERM);
	assert_non_null(strstr(last_sms(f, 3)->text, "viewers cannot acknowledge"));
	assert_int_equal(alert_engine_mute(f->e, DAN, "f1", -1, 3600, T0 + 2000), -EPERM);
	struct alert_incident v;
	alert_engine_incident(f->e, 17, &v);
	assert_int_equal(v.state, ALERT_STATE_NOTIFIED);
}

/* A viewer cannot acknowledge: their texts must not tell them to reply ACK. */

static void viewers_are_never_told_to_reply_ack(void **state)
{
	struct fx *f = *state;
	char text[ALERT_TEXT_MAX];
	build(f);
	alert_engine_raise(f->e, HIGHP("f1", 1, 95, T0), T0);
	assert_string_equal(last_sms(f, 3)->text, "Dairy: ALARM #17 f1/1 HIGH 9.5C (limit 8.0C) since "
						  "16:00. Reply STATUS for all open alarms");
	alert_engine_raise(f->e, HIGHP("f2", 1, 95, T0), T0 + 1000);
	alert_engine_raise(f->e, HIGHP("f3", 1, 95, T0), T0 + 2000);
	tick_to(f, T0 + MIN_MS);
	assert_int_equal(last_sms(f, 3)->msg, ALERT_MSG_ALARMS);
	assert_null(strstr(last_sms(f, 3)->text, "ACK"));
	assert_non_null(strstr(last_sms(f, 0)->text, "Reply ACK ALL or ACK 18"));
	assert_int_equal(alert_engine_status_text(f->e, DAN, text), 3);
	assert_null(strstr(text, "Reply ACK"));
	assert_int_equal(alert_engine_status_text(f->e, BEN, text), 3);
	assert_non_null(strstr(text, "Reply ACK 19"));
	assert_int_equal(alert_engine_status_text(f->e, "+4400000000", text), -EACCES);
}

static void flapping_value_stays_one_incident(void **state)
{
	struct fx *f = *state;
	uint32_t who;
	build(f);
	struct alert_report r = high("f1", 1, 95, T0);
	for (int i = 0; i < 10; i++) {
		int64_t t = T0 + i * MIN_MS;
		assert_int_equal(alert_engine_raise(f->e, &r, t), 17);
		assert_int_equal(alert_engine_clear(f->e, &r, t + 30000), 17);
		tick_to(f, t + 30000);
	}
	f->seen = 0;
	assert_int_equal(take_sms(f, &who, ALERT_MSG_ALARM), 2);
	struct alert_incident v;
	alert_engine_incident(f->e, 17, &v);
	assert_int_equal(v.reopened, 9);
	assert_int_equal(v.state, ALERT_STATE_CLEARED);
	tick_to(f, T0 + 9 * MIN_MS + 30000 + 5 * MIN_MS - 1);
	assert_int_equal(take_sms(f, &who, ALERT_MSG_ALL_CLEAR), 0);
	tick_to(f, T0 + 9 * MIN_MS + 30000 + 5 * MIN_MS);
	assert_int_equal(take_sms(f, &who, ALERT_MSG_ALL_CLEAR), 2);
	assert_int_equal(f->n > 0 && alert_engine_open_count(f->e), 0);
}

static void repeated_raise_sends_nothing_new_but_critical_does(void **state)
{
	struct fx *f = *state;
	uint32_t who;
	f->p.coalesce_s = 0;
	build(f);
	struct alert_report r = high("f1", 1, 95, T0);
	alert_engine_raise(f->e, &r, T0);
	r.value_c10 = 97;
	alert_engine_raise(f->e, &r, T0 + 1000); /* the unit resent its alarm */
	assert_int_equal(take_sms(f, &who, ALERT_MSG_ALARM), 2);
	r.critical = true;
	r.value_c10 = 160;
	alert_engine_raise(f->e, &r, T0 + 2000);
	assert_int_equal(take_sms(f, &who, ALERT_MSG_ALARM), 2);
	assert_non_null(strstr(last_sms(f, 0)->text, "#17 f1/1 VERY HIGH 16.0C"));
	assert_int_equal(alert_engine_open_count(f->e), 1);
}

/* The unit's channel evaluation feeding the base engine, as the daemons will wire them. */

static void unit_events_drive_one_incident_per_kind(void **state)
{
	struct fx *f = *state;
	uint32_t who;
	f->p.coalesce_s = 0;
	build(f);
	struct alert_channel_cfg cfg;
	struct alert_channel ch;
	struct alert_channel_event ev[ALERT_CHANNEL_EVENTS_MAX];
	alert_channel_cfg_default(&cfg);
	cfg.on_delay_s = cfg.off_delay_s = 0;
	cfg.high_high = (struct alert_limit){true, 150};
	alert_channel_init(&ch, T0);
	const int32_t temps[] = {40, 120, 200, 120, 40};
	for (size_t s = 0; s < sizeof(temps) / sizeof(temps[0]); s++) {
		int64_t now = T0 + (int64_t)s * MIN_MS;
		size_t n = alert_channel_feed(&ch, &cfg, &(struct alert_reading){true, temps[s]}, now, ev);
		for (size_t i = 0; i < n; i++) {
			struct alert_report r = {.unit = "f1",
						 .channel = 1,
						 .has_value = true,
						 .value_c10 = ev[i].value_c10,
						 .threshold_c10 = ev[i].threshold_c10,
						 .since_ms = ev[i].since_ms};
			r.kind = alert_kind_of_level(ev[i].level, &r.critical);
			if (ev[i].edge == ALERT_EDGE_RAISE)
				assert_int_equal(alert_engine_raise(f->e, &r, now), 17);
			else
				assert_int_equal(alert_engine_clear(f->e, &r, now), 17);
		}
		struct alert_incident v;
		if (s == 3) { /* HIGH_HIGH cleared, HIGH holds: still an alarm, normal level */
			assert_int_equal(alert_engine_incident(f->e, 17, &v), 0);
			assert_int_not_equal(v.state, ALERT_STATE_CLEARED);
			assert_false(v.critical);
		}
	}
	f->seen = 0;
	assert_int_equal(take_sms(f, &who, ALERT_MSG_ALARM), 4); /* HIGH, then VERY HIGH */
	assert_non_null(strstr(last_sms(f, 0)->text, "#17 f1/1 VERY HIGH 20.0C (limit 15.0C)"));
	tick_to(f, T0 + 10 * MIN_MS);
	assert_int_equal(take_sms(f, &who, ALERT_MSG_ALL_CLEAR), 2);
	assert_int_equal(alert_engine_open_count(f->e), 0);
}

static void unit_wide_alarms_and_status_read_well(void **state)
{
	struct fx *f = *state;
	char text[ALERT_TEXT_MAX];
	f->p.coalesce_s = 0;
	build(f);
	assert_int_equal(alert_engine_status_text(f->e, ANNA, text), 0);
	assert_string_equal(text, "Dairy: no open alarms. Reply STATUS to check again");
	alert_engine_raise(f->e,
			   &(struct alert_report){.unit = "pump3",
						  .channel = -1,
						  .kind = ALERT_KIND_SILENT,
						  .since_ms = T0 - 3 * 3600000LL},
			   T0);
	assert_string_equal(last_sms(f, 0)->text, "Dairy: ALARM #17 pump3 SILENT since 13:00. Reply ACK 17");
	alert_engine_raise(f->e,
			   &(struct alert_report){
				   .unit = "pump3", .channel = -1, .kind = ALERT_KIND_POWER, .since_ms = T0},
			   T0 + 1000);
	assert_string_equal(last_sms(f, 0)->text,
			    "Dairy: ALARM #18 pump3 POWER LOST since 16:00. Reply ACK 18");
	alert_engine_raise(f->e, HIGHP("f1", 2, -35, T0), T0 + 2000);
	alert_engine_ack(f->e, BEN, 17, T0 + 3000);
	assert_int_equal(alert_engine_status_text(f->e, ANNA, text), 3);
	assert_string_equal(text, "Dairy: 3 open: #17 pump3 SILENT acked by Ben; #18 pump3 POWER LOST; "
				  "#19 f1/2 HIGH -3.5C. Reply ACK 19");
	assert_int_equal(alert_text_check(text), 0);
	for (int i = 0; i < 40; i++) {
		char unit[17];
		snprintf(unit, sizeof(unit), "cold-store-%02d", i);
		alert_engine_raise(f->e, HIGHP(unit, 1, 95, T0), T0 + 4000 + i);
	}
	assert_int_equal(alert_engine_status_text(f->e, ANNA, text), 43);
	assert_int_equal(alert_text_check(text), 0);
	assert_non_null(strstr(text, "more. Reply ACK 59"));
}

/* A fast change quotes how far the value moved, not a level the reading seems to contradict
 * ("-2.6C (over 3.0C)" reads as a reading above 3.0). */

static void restart_from_saved_state_carries_on_the_ladder(void **state)
{
	struct fx *f = *state;
	uint32_t who;
	struct alert_incident saved[8];
	struct alert_counters cnt;
	f->p.cap_contact = 5;
	build(f);
	alert_engine_raise(f->e, HIGHP("f1", 1, 95, T0), T0);
	alert_engine_raise(f->e, HIGHP("f2", 1, 95, T0), T0 + 90000);
	tick_to(f, T0 + 10 * MIN_MS);
	alert_engine_ack(f->e, BEN, 17, T0 + 11 * MIN_MS);
	assert_int_equal(alert_engine_incidents(f->e, saved, 8), 2);
	alert_engine_counters(f->e, &cnt);
	uint32_t anna_sent = alert_engine_sent_today(f->e, 0);
	uint32_t next_id = alert_engine_next_id(f->e);
	alert_engine_free(f->e);

	f->e = alert_engine_new(&f->p, 64, next_id, sink, f); /* the base restarts */
	assert_non_null(f->e);
	for (int i = 0; i < 2; i++)
		assert_int_equal(alert_engine_restore(f->e, &saved[i]), 0);
	assert_int_equal(alert_engine_restore(f->e, &saved[0]), -EEXIST);
	struct alert_incident bad = saved[0];
	bad.id = 99;
	assert_int_equal(alert_engine_restore(f->e, &bad), -EEXIST); /* same unit, channel, kind */
	bad.acked_by = 7;
	assert_int_equal(alert_engine_restore(f->e, &bad), -EINVAL);
	/* A damaged record from the store is refused, not put in a state no code path knows. */
	bad = saved[0];
	bad.id = 99;
	bad.unit[0] = 'x';
	bad.state = (enum alert_state)42;
	assert_int_equal(alert_engine_restore(f->e, &bad), -EINVAL);
	bad.state = ALERT_STATE_CLEARED;
	bad.before_clear = ALERT_STATE_CLOSED;
	assert_int_equal(alert_engine_restore(f->e, &bad), -EINVAL);
	bad.before_clear = ALERT_STATE_NOTIFIED;
	bad.kind = (enum alert_kind)99;
	assert_int_equal(alert_engine_restore(f->e, &bad), -EINVAL);
	alert_engine_restore_counters(f->e, &cnt);
	assert_int_equal(alert_engine_sent_today(f->e, 0), anna_sent);
	f->seen = f->n;
	tick_to(f, T0 + 32 * MIN_MS); /* tiers 2 and 3 for #18 only: #17 was acknowledged */
	assert_int_equal(take_sms(f, &who, ALERT_MSG_ALARM), 2);
	assert_int_equal(who, B | C);
	assert_int_equal(last_sms(f, 2)->id, 18);
	alert_engine_clear(f->e, HIGHP("f1", 1, 50, T0), T0 + 33 * MIN_MS);
	tick_to(f, T0 + 38 * MIN_MS);
	assert_int_equal(take_sms(f, &who, ALERT_MSG_ALL_CLEAR), 3);
	assert_int_equal(who, A | B | D);
	assert_int_equal(alert_engine_raise(f->e, HIGHP("f3", 1, 95, T0), T0 + 39 * MIN_MS), 19);
}

/* A power blip restarts the base: a unit muted for a repair stays muted. */

static void a_restart_keeps_the_mutes(void **state)
{
	struct fx *f = *state;
	uint32_t who;
	struct alert_mute saved[ALERT_MUTES_MAX];
	build(f);
	assert_int_equal(alert_engine_mute(f->e, ANNA, "f1", -1, 3600, T0), 0);
	assert_int_equal(alert_engine_mute(f->e, ANNA, "f2", 1, 60, T0), 0);
	assert_int_equal(alert_engine_mutes(f->e, saved, ALERT_MUTES_MAX, T0 + 1000), 2);
	alert_engine_free(f->e);
	f->e = alert_engine_new(&f->p, 64, 17, sink, f);
	assert_non_null(f->e);
	assert_int_equal(alert_engine_restore_mute(f->e, &saved[0], T0 + 2 * MIN_MS), 0);
	assert_int_equal(alert_engine_restore_mute(f->e, &saved[1], T0 + 2 * MIN_MS), 0); /* ended */
	struct alert_mute nameless = {.unit = "", .channel = -1, .until_ms = T0 + 3600000};
	assert_int_equal(alert_engine_restore_mute(f->e, &nameless, T0), -EINVAL);
	assert_int_equal(alert_engine_mutes(f->e, saved, ALERT_MUTES_MAX, T0 + 2 * MIN_MS), 1);
	f->seen = f->n;
	alert_engine_raise(f->e, HIGHP("f1", 1, 95, T0), T0 + 3 * MIN_MS);
	alert_engine_raise(f->e, HIGHP("f2", 1, 95, T0), T0 + 3 * MIN_MS);
	assert_int_equal(take_sms(f, &who, ALERT_MSG_ALARM), 2);
	assert_int_equal(last_sms(f, 0)->id, 18); /* f2 only */
	tick_to(f, T0 + 60 * MIN_MS);             /* f1's mute ends; f2's ladder reached Ben and Cleo */
	assert_int_equal(take_sms(f, &who, ALERT_MSG_ALARM), 4);
	assert_int_equal(last_sms(f, 0)->id, 17);
	assert_int_equal(last_sms(f, 2)->id, 18);
}

/* The call list is edited (Anna leaves, Eve joins at the top) and the base restarts: what
 * each person was told follows them by number, not by their place in the list. */

static void a_restart_with_an_edited_call_list_follows_people_by_number(void **state)
{
	struct fx *f = *state;
	uint32_t who;
	struct alert_incident saved[8];
	struct alert_counters cnt;
	char text[ALERT_TEXT_MAX];
	const char *old_numbers[] = {ANNA, BEN, CLEO, DAN};
	f->p.coalesce_s = 0;
	build(f);
	alert_engine_raise(f->e, HIGHP("f1", 1, 95, T0), T0);
	alert_engine_raise(f->e, HIGHP("f2", 1, 95, T0), T0 + 1000);
	tick_to(f, T0 + 10 * MIN_MS); /* Ben is told of both */
	alert_engine_ack(f->e, BEN, 17, T0 + 11 * MIN_MS);
	alert_engine_ack(f->e, ANNA, 18, T0 + 12 * MIN_MS);
	assert_int_equal(alert_engine_incidents(f->e, saved, 8), 2);
	alert_engine_counters(f->e, &cnt);
	uint32_t ben_sent = alert_engine_sent_today(f->e, 1);
	alert_engine_free(f->e);

	add_contact(&f->p, "Eve", "+4917000005", ALERT_ROLE_ADMIN, 1);
	f->p.contacts[0] = f->p.contacts[4]; /* Eve takes Anna's place at the top */
	f->p.n_contacts = 4;
	f->e = alert_engine_new(&f->p, 64, 19, sink, f);
	assert_non_null(f->e);
	for (int i = 0; i < 2; i++) {
		alert_engine_remap(f->e, &saved[i], old_numbers, 4);
		assert_int_equal(alert_engine_restore(f->e, &saved[i]), 0);
	}
	alert_engine_remap_counters(f->e, &cnt, old_numbers, 4);
	alert_engine_restore_counters(f->e, &cnt);
	assert_int_equal(alert_engine_sent_today(f->e, 1), ben_sent);
	assert_int_equal(alert_engine_sent_today(f->e, 0), 0); /* Eve sent nothing yet */
	assert_int_equal(alert_engine_status_text(f->e, BEN, text), 2);
	assert_non_null(strstr(text, "#17 f1/1 HIGH 9.5C acked by Ben; #18 f2/1 HIGH 9.5C acked by "
				     "a former contact"));
	f->seen = f->n;
	alert_engine_clear(f->e, HIGHP("f1", 1, 50, T0), T0 + 20 * MIN_MS);
	tick_to(f, T0 + 25 * MIN_MS);
	assert_int_equal(take_sms(f, &who, ALERT_MSG_ALL_CLEAR), 2);
	assert_int_equal(who, B | D); /* not Eve, who never heard of it */
	assert_int_equal(alert_engine_ack(f->e, CLEO, 18, T0 + 26 * MIN_MS), -EALREADY);
	assert_non_null(strstr(last_sms(f, 2)->text, "already acknowledged by a former contact"));
}

static void full_table_refuses_without_losing_the_open_ones(void **state)
{
	struct fx *f = *state;
	const char *why = NULL;
	assert_int_equal(alert_policy_check(&f->p, &why), 0);
	f->e = alert_engine_new(&f->p, 2, 1, sink, f);
	assert_int_equal(alert_engine_raise(f->e, HIGHP("a", 1, 95, T0), T0), 1);
	assert_int_equal(alert_engine_raise(f->e, HIGHP("b", 1, 95, T0), T0), 2);
	assert_int_equal(alert_engine_raise(f->e, HIGHP("c", 1, 95, T0), T0), -ENOSPC);
	assert_int_equal(alert_engine_open_count(f->e), 2);
}

static void policy_mistakes_are_named(void **state)
{
	struct fx *f = *state;
	const char *why = NULL;
	f->p.contacts[2].tier = 4;
	assert_int_equal(alert_policy_check(&f->p, &why), -EINVAL);
	assert_non_null(strstr(why, "tier"));
	f->p.contacts[2].tier = 3;
	snprintf(f->p.contacts[1].number, ALERT_NUMBER_MAX, ANNA);
	assert_int_equal(alert_policy_check(&f->p, &why), -EINVAL);
	assert_non_null(strstr(why, "share a number"));
	snprintf(f->p.contacts[1].number, ALERT_NUMBER_MAX, BEN);
	f->p.cap_site = 1;
	assert_int_equal(alert_policy_check(&f->p, &why), -EINVAL);
	f->p.cap_site = 0;
	for (size_t i = 0; i < f->p.n_contacts; i++)
		f->p.contacts[i].role = ALERT_ROLE_VIEWER;
	assert_int_equal(alert_policy_check(&f->p, &why), -EINVAL);
	assert_non_null(strstr(why, "acknowledge"));
	f->e = NULL;
}

static const char *names_of_f1(void *user_data, const char *unit, int16_t channel)
{
	(void)user_data;
	if (strcmp(unit, "f1") != 0)
		return NULL;
	return channel == 1 ? "T1" : channel == 2 ? "bad name" : NULL;
}

/* The daemon knows channels by name: texts say f1/T1, a channel without a (safe) name keeps
 * its number, and the base's own modem is an incident that reads as one. */
static void texts_name_channels_and_modems(void **state)
{
	struct fx *f = *state;
	uint32_t who;
	f->p.coalesce_s = 0;
	build(f);
	alert_engine_set_channel_names(f->e, names_of_f1, NULL);
	alert_engine_raise(f->e, HIGHP("f1", 1, 95, T0), T0);
	assert_int_equal(take_sms(f, &who, ALERT_MSG_ALARM), 2);
	assert_non_null(strstr(last_sms(f, 0)->text, "#17 f1/T1 HIGH 9.5C"));
	alert_engine_raise(f->e, HIGHP("f1", 2, 96, T0), T0 + 1000);
	assert_int_equal(take_sms(f, &who, ALERT_MSG_ALARM), 2);
	assert_non_null(strstr(last_sms(f, 0)->text, "#18 f1/2 HIGH 9.6C"));
	assert_int_equal(alert_engine_mute(f->e, ANNA, "f1", 1, 3600, T0 + 2000), 0);
	assert_non_null(strstr(last_sms(f, 0)->text, "f1/T1 muted until"));
	alert_engine_raise(f->e,
			   &(struct alert_report){
				   .unit = "modem2", .channel = -1, .kind = ALERT_KIND_MODEM, .since_ms = T0},
			   T0 + 3000);
	assert_int_equal(take_sms(f, &who, ALERT_MSG_ALARM), 2);
	assert_non_null(strstr(last_sms(f, 0)->text, "#19 modem2 MODEM DEAD since"));
	alert_engine_raise(
		f->e,
		&(struct alert_report){
			.unit = "modem2", .channel = -1, .kind = ALERT_KIND_SIM_FULL, .since_ms = T0},
		T0 + 4000);
	assert_int_equal(take_sms(f, &who, ALERT_MSG_ALARM), 2);
	assert_non_null(strstr(last_sms(f, 0)->text, "#20 modem2 SIM FULL since"));
	assert_string_equal(alert_kind_str(ALERT_KIND_MODEM), "modem");
	assert_string_equal(alert_kind_str(ALERT_KIND_SIM_FULL), "sim_full");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(first_alarm_goes_to_tier_one_at_once),
		T(ack_by_id_tells_everyone_notified),
		T(bare_ack_takes_the_newest_of_mine),
		T(bare_ack_takes_an_alarm_that_just_cleared),
		T(a_clear_keeps_the_limit_the_alarm_was_raised_at),
		T(a_clear_known_afterwards_closes_at_once),
		T(viewers_cannot_ack_and_strangers_get_no_reply),
		T(viewers_are_never_told_to_reply_ack),
		T(flapping_value_stays_one_incident),
		T(repeated_raise_sends_nothing_new_but_critical_does),
		T(unit_events_drive_one_incident_per_kind),
		T(unit_wide_alarms_and_status_read_well),
		T(restart_from_saved_state_carries_on_the_ladder),
		T(a_restart_keeps_the_mutes),
		T(a_restart_with_an_edited_call_list_follows_people_by_number),
		T(full_table_refuses_without_losing_the_open_ones),
		T(policy_mistakes_are_named),
		T(texts_name_channels_and_modems),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
