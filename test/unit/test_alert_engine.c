/* Incidents and notification on the base, with a fake clock: who gets which text when, the
 * tier ladder, ACK by id and bare ACK, roles, all-clear, flapping, caps, coalescing, quiet
 * hours, mutes and maintenance windows. Every text is checked to be one GSM 7-bit SMS. */
#include "alert_engine.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#define MIN_MS (60 * 1000LL)
#define T0 1764000000000LL /* 16:00 UTC */

struct act {
	enum alert_action_kind kind;
	enum alert_msg msg;
	int contact;
	uint32_t id;
	uint32_t ids[16];
	size_t n_ids;
	enum alert_state from, to;
	char text[ALERT_TEXT_MAX];
	char reason[16];
};

struct fx {
	struct alert_policy p;
	struct alert_engine *e;
	struct act a[512];
	size_t n;
	size_t seen; /* actions already looked at by take_sms() */
};

static void sink(const struct alert_action *action, void *user_data)
{
	struct fx *f = user_data;
	assert_true(f->n < 512);
	struct act *a = &f->a[f->n++];
	memset(a, 0, sizeof(*a));
	a->kind = action->kind;
	a->id = action->incident_id;
	a->from = action->from;
	a->to = action->to;
	a->msg = action->msg;
	a->contact = action->contact ? action->contact_idx : -1;
	if (action->kind == ALERT_ACTION_SMS) {
		if (alert_text_check(action->text) != 0)
			fail_msg("not one GSM 7-bit SMS ending with a reply: \"%s\"", action->text);
		snprintf(a->text, sizeof(a->text), "%s", action->text);
		a->n_ids = action->n_ids < 16 ? action->n_ids : 16;
		if (a->n_ids)
			memcpy(a->ids, action->ids, a->n_ids * sizeof(uint32_t));
	}
	if (action->kind == ALERT_ACTION_DROP)
		snprintf(a->reason, sizeof(a->reason), "%s", action->reason);
}

static void add_contact(struct alert_policy *p, const char *name, const char *number,
			enum alert_role role, uint8_t tier)
{
	struct alert_contact *c = &p->contacts[p->n_contacts++];
	snprintf(c->name, sizeof(c->name), "%s", name);
	snprintf(c->number, sizeof(c->number), "%s", number);
	c->role = role;
	c->tier = tier;
}

#define ANNA "+4917000001"
#define BEN "+4917000002"
#define CLEO "+4917000003"
#define DAN "+4917000004"

static int setup(void **state)
{
	static struct fx f;
	memset(&f, 0, sizeof(f));
	alert_policy_default(&f.p);
	snprintf(f.p.site, sizeof(f.p.site), "Dairy");
	add_contact(&f.p, "Anna", ANNA, ALERT_ROLE_ADMIN, 1);
	add_contact(&f.p, "Ben", BEN, ALERT_ROLE_OPERATOR, 2);
	add_contact(&f.p, "Cleo", CLEO, ALERT_ROLE_OPERATOR, 3);
	add_contact(&f.p, "Dan", DAN, ALERT_ROLE_VIEWER, 1);
	f.p.n_tiers = 3;
	f.p.tier_delay_s[0] = 10 * 60;
	f.p.tier_delay_s[1] = 20 * 60;
	f.p.repeat_s = 30 * 60;
	f.p.coalesce_s = 60;
	f.p.clear_settle_s = 5 * 60;
	f.p.cap_contact = 0;
	f.p.cap_site = 0;
	*state = &f;
	return 0;
}

static void build(struct fx *f)
{
	const char *why = NULL;
	if (alert_policy_check(&f->p, &why) != 0)
		fail_msg("policy: %s", why);
	f->e = alert_engine_new(&f->p, 64, 17, sink, f);
	assert_non_null(f->e);
}

static int teardown(void **state)
{
	struct fx *f = *state;
	alert_engine_free(f->e);
	return 0;
}

static struct alert_report high(const char *unit, int16_t ch, int32_t v, int64_t since)
{
	return (struct alert_report){.unit = unit, .channel = ch, .kind = ALERT_KIND_HIGH,
				     .has_value = true, .value_c10 = v, .threshold_c10 = 80,
				     .since_ms = since};
}

#define HIGHP(...) (&(struct alert_report[1]){high(__VA_ARGS__)}[0])

/* Texts sent since the last call: a bitmask of contacts, and the count. */
static size_t take_sms(struct fx *f, uint32_t *who, enum alert_msg msg)
{
	size_t n = 0;
	*who = 0;
	for (; f->seen < f->n; f->seen++) {
		const struct act *a = &f->a[f->seen];
		if (a->kind == ALERT_ACTION_SMS && a->msg == msg) {
			*who |= 1u << a->contact;
			n++;
		}
	}
	return n;
}

static const struct act *last_sms(const struct fx *f, int contact)
{
	for (size_t i = f->n; i-- > 0;)
		if (f->a[i].kind == ALERT_ACTION_SMS && f->a[i].contact == contact)
			return &f->a[i];
	return NULL;
}

static void tick_to(struct fx *f, int64_t to)
{
	alert_engine_tick(f->e, to);
}

#define A (1u << 0)
#define B (1u << 1)
#define C (1u << 2)
#define D (1u << 3)

static void first_alarm_goes_to_tier_one_at_once(void **state)
{
	struct fx *f = *state;
	uint32_t who;
	build(f);
	int64_t id = alert_engine_raise(f->e, &(struct alert_report){
		.unit = "f1", .channel = 2, .kind = ALERT_KIND_HIGH, .has_value = true,
		.value_c10 = 94, .threshold_c10 = 80, .since_ms = T0 - 58 * MIN_MS}, T0);
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
	assert_string_equal(last_sms(f, 1)->text,
			    "Dairy: CLEARED #17 f1/1 HIGH at 16:40, now 5.1C. Reply STATUS for all open alarms");
	assert_int_equal(alert_engine_open_count(f->e), 0);
	assert_int_equal(alert_engine_clear(f->e, &r, T0 + 46 * MIN_MS), -ENOENT);
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
	alert_action_log_fields(&(struct alert_action){.kind = ALERT_ACTION_DROP, .incident_id = 21,
						      .msg = ALERT_MSG_ALARM, .contact = &f->p.contacts[0],
						      .reason = "cap_contact"}, line, sizeof(line));
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
	tick_to(f, T0 + 60 * MIN_MS); /* 17:00: quiet hours end, #19 reaches Anna */
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
			struct alert_report r = {.unit = "f1", .channel = 1, .has_value = true,
						 .value_c10 = ev[i].value_c10,
						 .threshold_c10 = ev[i].threshold_c10, .since_ms = ev[i].since_ms};
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
	alert_engine_raise(f->e, &(struct alert_report){.unit = "pump3", .channel = -1,
						       .kind = ALERT_KIND_SILENT, .since_ms = T0 - 3 * 3600000LL},
			   T0);
	assert_string_equal(last_sms(f, 0)->text, "Dairy: ALARM #17 pump3 SILENT since 13:00. Reply ACK 17");
	alert_engine_raise(f->e, &(struct alert_report){.unit = "pump3", .channel = -1,
						       .kind = ALERT_KIND_POWER, .since_ms = T0}, T0 + 1000);
	assert_string_equal(last_sms(f, 0)->text, "Dairy: ALARM #18 pump3 POWER LOST since 16:00. Reply ACK 18");
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
static void fast_change_text_says_how_far_it_moved(void **state)
{
	struct fx *f = *state;
	build(f);
	alert_engine_raise(f->e, &(struct alert_report){.unit = "f9", .channel = 1, .kind = ALERT_KIND_RATE,
						       .has_value = true, .value_c10 = -26,
						       .threshold_c10 = 30, .since_ms = T0}, T0);
	assert_string_equal(last_sms(f, 0)->text, "Dairy: ALARM #17 f9/1 FAST CHANGE -2.6C (moved over "
						  "3.0C) since 16:00. Reply ACK 17");
}

/* "since 13:00" on an alarm that began days ago reads as today: an earlier day is named. */
static void times_on_another_day_name_the_day(void **state)
{
	struct fx *f = *state;
	f->p.coalesce_s = 0;
	build(f);
	struct alert_report r = {.unit = "pump3", .channel = -1, .kind = ALERT_KIND_SILENT,
				 .since_ms = T0 - 51 * 3600000LL};
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
	tick_to(f, T0 + 60 * MIN_MS); /* f1's mute ends; f2's ladder reached Ben and Cleo */
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

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(first_alarm_goes_to_tier_one_at_once),
		T(nobody_acks_so_three_tiers_then_reminders),
		T(ack_by_id_tells_everyone_notified),
		T(bare_ack_takes_the_newest_of_mine),
		T(bare_ack_takes_an_alarm_that_just_cleared),
		T(viewers_cannot_ack_and_strangers_get_no_reply),
		T(viewers_are_never_told_to_reply_ack),
		T(all_clear_after_settling_to_everyone_notified),
		T(flapping_value_stays_one_incident),
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
		T(repeated_raise_sends_nothing_new_but_critical_does),
		T(unit_events_drive_one_incident_per_kind),
		T(unit_wide_alarms_and_status_read_well),
		T(fast_change_text_says_how_far_it_moved),
		T(times_on_another_day_name_the_day),
		T(all_clear_reaches_everyone_told_before_a_critical_restart),
		T(restart_from_saved_state_carries_on_the_ladder),
		T(a_restart_keeps_the_mutes),
		T(a_restart_with_an_edited_call_list_follows_people_by_number),
		T(full_table_refuses_without_losing_the_open_ones),
		T(policy_mistakes_are_named),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
