/* Who is texted when: escalation through the tiers and reminders, the all-clear, daily caps
 * with one notice, coalescing, quiet hours, mute and maintenance windows, and texts that
 * read well; every text is checked to be one GSM 7-bit SMS ending with what to reply. */
#include "alert_fixture.h"

static void nobody_acks_so_three_tiers_then_reminders(void **state)
{
	struct fx *f = *state;
	uint32_t who;
	build(f);
	alert_engine_raise(f->e, HIGHP("f1", 1, 95, T0), T0);
	assert_int_equal(take_sms(f, &who, ALERT_MSG_ALARM), 2);
	tick_to(f, T0 + 10 * MIN_MS - 1);
	assert_int_equal(take_sms(f, &who, ALERT_MSG_ALARM), 0);
	tick_to(f, T0 + 10 * MIN_MS);
	assert_int_equal(take_sms(f, &who, ALERT_MSG_ALARM), 1);
	assert_int_equal(who, B);
	struct alert_incident v;
	alert_engine_incident(f->e, 17, &v);
	assert_int_equal(v.state, ALERT_STATE_ESCALATED);
	tick_to(f, T0 + 30 * MIN_MS);
	assert_int_equal(take_sms(f, &who, ALERT_MSG_ALARM), 1);
	assert_int_equal(who, C);
	tick_to(f, T0 + 60 * MIN_MS); /* the last tier is reminded, the others are not */
	assert_int_equal(take_sms(f, &who, ALERT_MSG_REMINDER), 1);
	assert_int_equal(who, C);
	assert_non_null(strstr(last_sms(f, 2)->text, "STILL ALARM #17"));
	tick_to(f, T0 + 75 * MIN_MS);
	assert_int_equal(take_sms(f, &who, ALERT_MSG_REMINDER), 0);
	tick_to(f, T0 + 90 * MIN_MS);
	assert_int_equal(take_sms(f, &who, ALERT_MSG_REMINDER), 1);
	assert_int_equal(alert_engine_ack(f->e, CLEO, 17, T0 + 91 * MIN_MS), 1);
	for (int m = 92; m < 400; m += 7)
		tick_to(f, T0 + m * MIN_MS);
	assert_int_equal(take_sms(f, &who, ALERT_MSG_REMINDER), 0);
	assert_int_equal(take_sms(f, &who, ALERT_MSG_ALARM), 0);
}

static void all_clear_after_settling_to_everyone_notified(void **state)
{
	struct fx *f = *state;
	uint32_t who;
	build(f);
	struct alert_report r = high("f1", 1, 95, T0);
	alert_engine_raise(f->e, &r, T0);
	tick_to(f, T0 + 10 * MIN_MS);
	alert_engine_ack(f->e, BEN, 17, T0 + 11 * MIN_MS);
	r.value_c10 = 51;
	assert_int_equal(alert_engine_clear(f->e, &r, T0 + 40 * MIN_MS), 17);
	tick_to(f, T0 + 44 * MIN_MS);
	f->seen = 0;
	assert_int_equal(take_sms(f, &who, ALERT_MSG_ALL_CLEAR), 0);
	tick_to(f, T0 + 45 * MIN_MS);
	assert_int_equal(take_sms(f, &who, ALERT_MSG_ALL_CLEAR), 3);
	assert_int_equal(who, A | B | D);
	assert_string_equal(
		last_sms(f, 1)->text,
		"Dairy: CLEARED #17 f1/1 HIGH at 16:40, now 5.1C. Reply STATUS for all open alarms");
	assert_int_equal(alert_engine_open_count(f->e), 0);
	assert_int_equal(alert_engine_clear(f->e, &r, T0 + 46 * MIN_MS), -ENOENT);
}

static void caps_stop_texts_with_one_notice(void **state)
{
	struct fx *f = *state;
	uint32_t who;
	f->p.cap_contact = 4;
	f->p.coalesce_s = 0;
	f->p.repeat_s = 0;
	f->p.n_tiers = 1;
	f->p.contacts[1].tier = f->p.contacts[2].tier = 1;
	build(f);
	for (int i = 0; i < 8; i++) {
		char unit[8];
		snprintf(unit, sizeof(unit), "u%d", i);
		alert_engine_raise(f->e, HIGHP(unit, 1, 95, T0), T0 + i * 1000);
	}
	f->seen = 0;
	assert_int_equal(take_sms(f, &who, ALERT_MSG_ALARM), 4 * 3);
	f->seen = 0;
	assert_int_equal(take_sms(f, &who, ALERT_MSG_CAP_CONTACT), 4);
	assert_non_null(strstr(last_sms(f, 0)->text, "daily limit of 4 texts to you reached, 4 alarms open"));
	for (int c = 0; c < 4; c++)
		assert_int_equal(alert_engine_sent_today(f->e, c), 4);
	size_t drops = 0;
	for (size_t i = 0; i < f->n; i++)
		drops += f->a[i].kind == ALERT_ACTION_DROP && strcmp(f->a[i].reason, "cap_contact") == 0;
	assert_int_equal(drops, 4 * 5);
	char line[512];
	alert_action_log_fields(&(struct alert_action){.kind = ALERT_ACTION_DROP,
						       .incident_id = 21,
						       .msg = ALERT_MSG_ALARM,
						       .contact = &f->p.contacts[0],
						       .reason = "cap_contact"},
				line, sizeof(line));
	assert_non_null(strstr(line, "event=sms_not_sent msg=alarm id=21 to=\"Anna\" reason=cap_contact "
				     "hint=\"daily cap_contact reached: texts resume at local midnight"));
	tick_to(f, T0 + 8 * 3600 * 1000LL); /* local midnight: what was held back goes out */
	assert_int_equal(alert_engine_sent_today(f->e, 0), 1);
	assert_int_equal(last_sms(f, 0)->msg, ALERT_MSG_ALARMS);
	assert_int_equal(last_sms(f, 0)->n_ids, 5);
}

static void site_cap_sends_its_notice_to_the_admin(void **state)
{
	struct fx *f = *state;
	uint32_t who;
	f->p.cap_site = 5;
	f->p.coalesce_s = 0;
	build(f);
	for (int i = 0; i < 5; i++) {
		char unit[8];
		snprintf(unit, sizeof(unit), "u%d", i);
		alert_engine_raise(f->e, HIGHP(unit, 1, 95, T0), T0 + i * 1000);
	}
	assert_int_equal(alert_engine_site_sent_today(f->e), 5);
	assert_int_equal(take_sms(f, &who, ALERT_MSG_ALARM), 4);
	f->seen = 0;
	assert_int_equal(take_sms(f, &who, ALERT_MSG_CAP_SITE), 1);
	assert_int_equal(who, A);
	assert_non_null(strstr(last_sms(f, 0)->text, "site daily limit of 5 texts reached"));
}

static void alarm_storm_is_coalesced_into_one_text(void **state)
{
	struct fx *f = *state;
	uint32_t who;
	build(f);
	for (int i = 0; i < 6; i++) {
		char unit[8];
		snprintf(unit, sizeof(unit), "room%d", i);
		alert_engine_raise(f->e, HIGHP(unit, 1, 95 + i, T0), T0 + i * 5000);
	}
	assert_int_equal(take_sms(f, &who, ALERT_MSG_ALARM), 2); /* the first, at once */
	assert_int_equal(alert_engine_next_ms(f->e, T0 + 30000), T0 + MIN_MS);
	tick_to(f, T0 + MIN_MS);
	assert_int_equal(take_sms(f, &who, ALERT_MSG_ALARMS), 2);
	assert_int_equal(who, A | D);
	const struct act *a = last_sms(f, 0);
	assert_int_equal(a->n_ids, 5);
	assert_string_equal(a->text, "Dairy: 5 ALARMS #18 room1/1 HIGH 9.6C; #19 room2/1 HIGH 9.7C; "
				     "#20 room3/1 HIGH 9.8C; #21 room4/1 HIGH 9.9C; #22 room5/1 HIGH "
				     "10.0C. Reply ACK ALL or ACK 18");
	f->seen = f->n;
	assert_int_equal(alert_engine_ack(f->e, ANNA, ALERT_ACK_ALL, T0 + 2 * MIN_MS), 6);
	assert_non_null(strstr(last_sms(f, 0)->text, "6 alarms acknowledged by you"));
	/* Dan hears of it in one text, not six. */
	assert_int_equal(take_sms(f, &who, ALERT_MSG_ACK_INFO), 1);
	assert_int_equal(who, D);
	assert_string_equal(last_sms(f, 3)->text, "Dairy: 6 alarms acknowledged by Anna at 16:02: #17 #18 "
						  "#19 #20 #21 #22. Reply STATUS for all open alarms");
	assert_int_equal(last_sms(f, 3)->n_ids, 6);
}

/* A reminder that falls due while its reader is inside the coalescing hold (another alarm
 * texted moments ago) goes out when the hold ends, not an hour later. */

static void a_reminder_waits_out_the_coalescing_hold(void **state)
{
	struct fx *f = *state;
	uint32_t who;
	f->p.n_tiers = 1;
	f->p.contacts[1].tier = f->p.contacts[2].tier = 1;
	build(f);
	alert_engine_raise(f->e, HIGHP("f1", 1, 95, T0), T0);
	alert_engine_raise(f->e, HIGHP("f2", 1, 95, T0), T0 + 30 * MIN_MS - 10000);
	f->seen = f->n;
	tick_to(f, T0 + 30 * MIN_MS); /* #17's reminder is due; everyone is in the hold */
	assert_int_equal(take_sms(f, &who, ALERT_MSG_REMINDER), 0);
	assert_true(alert_engine_next_ms(f->e, T0 + 30 * MIN_MS) <= T0 + 30 * MIN_MS + 50000);
	tick_to(f, T0 + 30 * MIN_MS + 50000);
	assert_int_equal(take_sms(f, &who, ALERT_MSG_REMINDER), 4);
	assert_int_equal(who, A | B | C | D);
	assert_non_null(strstr(last_sms(f, 0)->text, "STILL ALARM #17"));
	tick_to(f, T0 + 45 * MIN_MS);
	assert_int_equal(take_sms(f, &who, ALERT_MSG_REMINDER), 0);
}

static void long_lists_and_names_still_fit_one_sms(void **state)
{
	struct fx *f = *state;
	snprintf(f->p.site, sizeof(f->p.site), "Molkerei Sch\xC3\xB6nbrunn [Nord] K\xC3\xBC");
	snprintf(f->p.contacts[0].name, sizeof(f->p.contacts[0].name), "Anna-Maria Ottilie von Berg");
	build(f);
	for (int i = 0; i < 30; i++) {
		char unit[17];
		snprintf(unit, sizeof(unit), "freezer-hall-%03d", i);
		alert_engine_raise(f->e, HIGHP(unit, 12, -1234, T0), T0 + i * 100);
	}
	tick_to(f, T0 + MIN_MS);
	const struct act *a = last_sms(f, 0);
	assert_int_equal(a->msg, ALERT_MSG_ALARMS);
	assert_non_null(strstr(a->text, "more. Reply ACK ALL"));
	assert_int_equal(a->n_ids, 16); /* capped by the recorder; the engine listed all 29 */
	alert_engine_ack(f->e, ANNA, 17, T0 + 2 * MIN_MS);
	assert_non_null(strstr(last_sms(f, 3)->text, "acknowledged by Anna-Maria Ottil"));
}

static void quiet_hours_hold_all_but_critical(void **state)
{
	struct fx *f = *state;
	uint32_t who;
	f->p.contacts[0].quiet = (struct alert_span){true, 15 * 60, 17 * 60}; /* 15:00-17:00 */
	build(f);
	alert_engine_raise(f->e, HIGHP("f1", 1, 95, T0), T0);
	assert_int_equal(take_sms(f, &who, ALERT_MSG_ALARM), 1);
	assert_int_equal(who, D);
	struct alert_report crit = high("f2", 1, 200, T0);
	crit.critical = true;
	alert_engine_raise(f->e, &crit, T0 + 2 * MIN_MS);
	assert_int_equal(take_sms(f, &who, ALERT_MSG_ALARM), 2);
	assert_int_equal(who, A | D);
	assert_non_null(strstr(last_sms(f, 0)->text, "VERY HIGH 20.0C"));
	alert_engine_ack(f->e, BEN, 17, T0 + 3 * MIN_MS);
	alert_engine_ack(f->e, BEN, 18, T0 + 3 * MIN_MS);
	alert_engine_raise(f->e, HIGHP("f3", 1, 95, T0), T0 + 4 * MIN_MS);
	tick_to(f, T0 + 59 * MIN_MS);
	f->seen = 0;
	uint32_t acks;
	take_sms(f, &acks, ALERT_MSG_ACK_INFO);
	assert_int_equal(acks & A, A); /* critical: Anna hears who took it */
	tick_to(f, T0 + 60 * MIN_MS);  /* 17:00: quiet hours end, #19 reaches Anna */
	f->seen = 0;
	size_t n = 0;
	for (size_t i = 0; i < f->n; i++)
		n += f->a[i].kind == ALERT_ACTION_SMS && f->a[i].contact == 0 &&
		     f->a[i].msg == ALERT_MSG_ALARM && f->a[i].id == 19;
	assert_int_equal(n, 1);
}

static void news_held_by_quiet_hours_becomes_one_summary(void **state)
{
	struct fx *f = *state;
	uint32_t who;
	f->p.contacts[0].quiet = (struct alert_span){true, 16 * 60 + 30, 17 * 60};
	build(f);
	struct alert_report r = high("f1", 1, 95, T0);
	alert_engine_raise(f->e, &r, T0); /* 16:00: Anna is told */
	alert_engine_raise(f->e, HIGHP("f2", 1, 95, T0), T0 + 35 * MIN_MS);
	alert_engine_ack(f->e, BEN, 17, T0 + 40 * MIN_MS);
	r.value_c10 = 40;
	alert_engine_clear(f->e, &r, T0 + 45 * MIN_MS);
	tick_to(f, T0 + 50 * MIN_MS);
	f->seen = 0;
	take_sms(f, &who, ALERT_MSG_ACK_INFO);
	assert_int_equal(who & A, 0);
	f->seen = 0;
	take_sms(f, &who, ALERT_MSG_ALL_CLEAR);
	assert_int_equal(who & A, 0);
	assert_true(alert_engine_next_ms(f->e, T0 + 59 * MIN_MS) <= T0 + 60 * MIN_MS);
	size_t before = f->n;
	tick_to(f, T0 + 60 * MIN_MS); /* 17:00: one text, not the alarm and then a summary of it */
	size_t to_anna = 0;
	for (size_t i = before; i < f->n; i++)
		to_anna += f->a[i].kind == ALERT_ACTION_SMS && f->a[i].contact == 0;
	assert_int_equal(to_anna, 1);
	struct alert_incident v;
	assert_int_equal(alert_engine_incident(f->e, 18, &v), 0);
	assert_true(v.told & A); /* the summary told her of #18: a bare ACK takes it */
	assert_int_equal(last_sms(f, 0)->n_ids, 1);
	f->seen = 0;
	assert_int_equal(take_sms(f, &who, ALERT_MSG_SUMMARY), 1);
	assert_int_equal(who, A);
	const struct act *a = last_sms(f, 0);
	assert_int_equal(a->msg, ALERT_MSG_SUMMARY);
	assert_string_equal(a->text, "Dairy: 1 open: #18 f2/1 HIGH 9.5C. Reply ACK 18");
	tick_to(f, T0 + 61 * MIN_MS);
	f->seen = 0;
	assert_int_equal(take_sms(f, &who, ALERT_MSG_SUMMARY), 1);
}

static void mute_holds_texts_and_the_ladder_resumes_after(void **state)
{
	struct fx *f = *state;
	uint32_t who;
	build(f);
	assert_int_equal(alert_engine_mute(f->e, ANNA, "f1", -1, 30 * 60, T0), 0);
	assert_non_null(strstr(last_sms(f, 0)->text, "f1 muted until 16:30"));
	assert_non_null(strstr(last_sms(f, 0)->text, "Reply MUTE f1 0 to undo"));
	alert_engine_raise(f->e, HIGHP("f1", 3, 95, T0), T0 + MIN_MS);
	alert_engine_raise(f->e, HIGHP("f2", 3, 95, T0), T0 + MIN_MS);
	f->seen = 0;
	assert_int_equal(take_sms(f, &who, ALERT_MSG_ALARM), 2); /* f2 only */
	assert_int_equal(alert_engine_next_ms(f->e, T0 + MIN_MS), T0 + 2 * MIN_MS);
	tick_to(f, T0 + 29 * MIN_MS);
	struct alert_incident v;
	alert_engine_incident(f->e, 17, &v);
	assert_int_equal(v.state, ALERT_STATE_OPEN);
	assert_int_equal(v.told, 0);
	take_sms(f, &who, ALERT_MSG_ALARM);
	tick_to(f, T0 + 30 * MIN_MS);
	assert_int_equal(take_sms(f, &who, ALERT_MSG_ALARM), 2);
	assert_int_equal(who, A | D);
	assert_int_equal(alert_engine_mute(f->e, ANNA, "f1", -1, 0, T0 + 31 * MIN_MS), 0);
	assert_non_null(strstr(last_sms(f, 0)->text, "f1 unmuted"));
	/* Muted again with a reminder overdue: the daemon must not be woken in a busy loop. */
	assert_int_equal(alert_engine_mute(f->e, ANNA, "f2", -1, 24 * 3600, T0 + 32 * MIN_MS), 0);
	int64_t late = T0 + 5 * 60 * MIN_MS;
	assert_true(alert_engine_next_ms(f->e, late) >= late + MIN_MS);
}

/* "MUTE f1 0" ends every mute of f1, also one on a single channel; an unmute needs no slot. */

static void unmute_ends_what_the_reply_says_it_ends(void **state)
{
	struct fx *f = *state;
	uint32_t who;
	build(f);
	assert_int_equal(alert_engine_mute(f->e, ANNA, "f1", 3, 3600, T0), 0);
	for (int i = 0; i < ALERT_MUTES_MAX - 1; i++) {
		char unit[8];
		snprintf(unit, sizeof(unit), "m%d", i);
		assert_int_equal(alert_engine_mute(f->e, BEN, unit, -1, 3600, T0), 0);
	}
	assert_int_equal(alert_engine_mute(f->e, BEN, "m99", -1, 3600, T0), -ENOSPC);
	assert_int_equal(alert_engine_mute(f->e, BEN, "", -1, 3600, T0), -EINVAL);
	assert_non_null(strstr(last_sms(f, 1)->text, "MUTE needs a unit"));
	assert_int_equal(alert_engine_mute(f->e, ANNA, "f1", -1, 0, T0 + MIN_MS), 0);
	assert_non_null(strstr(last_sms(f, 0)->text, "f1 unmuted"));
	f->seen = f->n;
	alert_engine_raise(f->e, HIGHP("f1", 3, 95, T0), T0 + 2 * MIN_MS);
	assert_int_equal(take_sms(f, &who, ALERT_MSG_ALARM), 2);
	assert_int_equal(who, A | D);
	/* A channel cannot be unmuted out of a mute of its whole unit: the reply says so. */
	assert_int_equal(alert_engine_mute(f->e, ANNA, "m0", 2, 0, T0 + 3 * MIN_MS), 0);
	assert_non_null(strstr(last_sms(f, 0)->text, "m0/2 stays muted with all of m0 until 17:00"));
	assert_non_null(strstr(last_sms(f, 0)->text, "Reply MUTE m0 0"));
	f->seen = f->n;
	alert_engine_raise(f->e, HIGHP("m0", 2, 95, T0), T0 + 4 * MIN_MS);
	assert_int_equal(take_sms(f, &who, ALERT_MSG_ALARM), 0);
}

static void maintenance_window_holds_texts(void **state)
{
	struct fx *f = *state;
	uint32_t who;
	struct alert_window *w = &f->p.windows[f->p.n_windows++];
	snprintf(w->unit, sizeof(w->unit), "f1");
	w->channel = -1;
	w->span = (struct alert_span){true, 15 * 60 + 30, 16 * 60 + 30};
	build(f);
	alert_engine_raise(f->e, HIGHP("f1", 3, 95, T0), T0);
	assert_int_equal(take_sms(f, &who, ALERT_MSG_ALARM), 0);
	tick_to(f, T0 + 29 * MIN_MS);
	assert_int_equal(take_sms(f, &who, ALERT_MSG_ALARM), 0);
	tick_to(f, T0 + 30 * MIN_MS);
	assert_int_equal(take_sms(f, &who, ALERT_MSG_ALARM), 2);
}

/* A Monday night window, 22:00-02:00, holds Tuesday 01:00 and not Monday 01:00: the days
 * name the night the window starts, as a person reads "Mondays 22:00-02:00". */

static void maintenance_window_past_midnight_belongs_to_its_start_day(void **state)
{
	struct fx *f = *state;
	uint32_t who;
	struct alert_window *w = &f->p.windows[f->p.n_windows++];
	snprintf(w->unit, sizeof(w->unit), "f1");
	w->channel = -1;
	w->days = 1u << 1; /* Monday; T0 is Monday 2025-11-24 16:00 UTC */
	w->span = (struct alert_span){true, 22 * 60, 2 * 60};
	build(f);
	int64_t mon_0100 = T0 - 15 * 60 * MIN_MS, tue_0100 = T0 + 9 * 60 * MIN_MS;
	alert_engine_raise(f->e, HIGHP("f1", 1, 95, mon_0100), mon_0100);
	assert_int_equal(take_sms(f, &who, ALERT_MSG_ALARM), 2);
	alert_engine_ack(f->e, ANNA, 17, mon_0100 + MIN_MS);
	alert_engine_raise(f->e, HIGHP("f1", 2, 95, tue_0100), tue_0100);
	tick_to(f, tue_0100 + 59 * MIN_MS);
	assert_int_equal(take_sms(f, &who, ALERT_MSG_ALARM), 0);
	tick_to(f, tue_0100 + 60 * MIN_MS); /* 02:00: the window ends */
	assert_int_equal(take_sms(f, &who, ALERT_MSG_ALARM), 2);
}

static void fast_change_text_says_how_far_it_moved(void **state)
{
	struct fx *f = *state;
	build(f);
	alert_engine_raise(f->e,
			   &(struct alert_report){.unit = "f9",
						  .channel = 1,
						  .kind = ALERT_KIND_RATE,
						  .has_value = true,
						  .value_c10 = -26,
						  .threshold_c10 = 30,
						  .since_ms = T0},
			   T0);
	assert_string_equal(last_sms(f, 0)->text, "Dairy: ALARM #17 f9/1 FAST CHANGE -2.6C (moved over "
						  "3.0C) since 16:00. Reply ACK 17");
}

/* "since 13:00" on an alarm that began days ago reads as today: an earlier day is named. */

static void times_on_another_day_name_the_day(void **state)
{
	struct fx *f = *state;
	f->p.coalesce_s = 0;
	build(f);
	struct alert_report r = {
		.unit = "pump3", .channel = -1, .kind = ALERT_KIND_SILENT, .since_ms = T0 - 51 * 3600000LL};
	alert_engine_raise(f->e, &r, T0);
	assert_string_equal(last_sms(f, 0)->text,
			    "Dairy: ALARM #17 pump3 SILENT since Sat 13:00. Reply ACK 17");
	r.unit = "pump4";
	r.since_ms = T0 - 10 * 86400000LL;
	alert_engine_raise(f->e, &r, T0 + 1000);
	assert_string_equal(last_sms(f, 0)->text,
			    "Dairy: ALARM #18 pump4 SILENT since 14 Nov 16:00. Reply ACK 18");
	assert_int_equal(alert_engine_mute(f->e, ANNA, "f1", -1, 3 * 86400, T0), 0);
	assert_non_null(strstr(last_sms(f, 0)->text, "f1 muted until Thu 16:00"));
	assert_int_equal(alert_engine_mute(f->e, ANNA, "f2", -1, 3600, T0), 0);
	assert_non_null(strstr(last_sms(f, 0)->text, "f2 muted until 17:00"));
}

static void all_clear_reaches_everyone_told_before_a_critical_restart(void **state)
{
	struct fx *f = *state;
	uint32_t who;
	build(f);
	struct alert_report r = high("f1", 1, 95, T0);
	alert_engine_raise(f->e, &r, T0);
	tick_to(f, T0 + 10 * MIN_MS); /* Ben, tier 2, is told */
	r.critical = true;
	r.value_c10 = 170;
	alert_engine_raise(f->e, &r, T0 + 11 * MIN_MS); /* the ladder starts over at tier 1 */
	f->seen = 0;
	assert_int_equal(take_sms(f, &who, ALERT_MSG_ALARM), 5);
	r.critical = false;
	alert_engine_clear(f->e, &r, T0 + 12 * MIN_MS);
	tick_to(f, T0 + 17 * MIN_MS);
	assert_int_equal(take_sms(f, &who, ALERT_MSG_ALL_CLEAR), 3);
	assert_int_equal(who, A | B | D);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(nobody_acks_so_three_tiers_then_reminders),
		T(all_clear_after_settling_to_everyone_notified),
		T(caps_stop_texts_with_one_notice),
		T(site_cap_sends_its_notice_to_the_admin),
		T(alarm_storm_is_coalesced_into_one_text),
		T(a_reminder_waits_out_the_coalescing_hold),
		T(long_lists_and_names_still_fit_one_sms),
		T(quiet_hours_hold_all_but_critical),
		T(news_held_by_quiet_hours_becomes_one_summary),
		T(mute_holds_texts_and_the_ladder_resumes_after),
		T(unmute_ends_what_the_reply_says_it_ends),
		T(maintenance_window_holds_texts),
		T(maintenance_window_past_midnight_belongs_to_its_start_day),
		T(fast_change_text_says_how_far_it_moved),
		T(times_on_another_day_name_the_day),
		T(all_clear_reaches_everyone_told_before_a_critical_restart),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
