/* Who gets which alarm text when: the tier ladder and reminders, coalescing per contact,
 * quiet hours, mutes and maintenance windows, and the daily caps with their one notice. */
#include "alert_internal.h"

#include <errno.h>
#include <string.h>

#define DAY_S 86400

int64_t alert_local_day(const struct alert_engine *e, int64_t now_ms)
{
	int64_t s = now_ms / 1000 + e->utc_offset_s;
	return s >= 0 ? s / DAY_S : (s - DAY_S + 1) / DAY_S;
}

unsigned alert_local_minute(const struct alert_engine *e, int64_t now_ms)
{
	int64_t s = now_ms / 1000 + e->utc_offset_s;
	return (unsigned)((s - alert_local_day(e, now_ms) * DAY_S) / 60);
}

static bool window_covers(const struct alert_engine *e, const struct alert_window *w,
			  const struct alert_incident *inc, int64_t now_ms)
{
	if (strcmp(w->unit, inc->unit) != 0 || (w->channel >= 0 && w->channel != inc->channel))
		return false;
	unsigned min = alert_local_minute(e, now_ms);
	if (!alert_span_contains(&w->span, min))
		return false;
	/* A span past midnight belongs to the day it started on (Monday 22:00-02:00 holds
	 * Tuesday 01:00, not Monday 01:00). */
	int64_t day =
		alert_local_day(e, now_ms) - (w->span.start_min > w->span.end_min && min < w->span.end_min);
	unsigned weekday = (unsigned)((day % 7 + 7 + 4) % 7); /* 1970-01-01 was a Thursday */
	return w->days == 0 || (w->days & (1u << weekday));
}

bool alert_incident_held(const struct alert_engine *e, const struct alert_incident *inc, int64_t now_ms)
{
	for (size_t i = 0; i < ALERT_MUTES_MAX; i++) {
		const struct alert_mute *m = &e->mutes[i];
		if (m->unit[0] && m->until_ms > now_ms && strcmp(m->unit, inc->unit) == 0 &&
		    (m->channel < 0 || m->channel == inc->channel))
			return true;
	}
	for (size_t i = 0; i < e->p.n_windows; i++)
		if (window_covers(e, &e->p.windows[i], inc, now_ms))
			return true;
	return false;
}

bool alert_contact_quiet(const struct alert_engine *e, int c, int64_t now_ms)
{
	return alert_span_contains(&e->p.contacts[c].quiet, alert_local_minute(e, now_ms));
}

int64_t alert_tier_start_ms(const struct alert_engine *e, const struct alert_incident *inc, unsigned tier)
{
	int64_t t = inc->ladder_ms;
	for (unsigned i = 1; i < tier && i <= e->p.n_tiers; i++)
		t += (int64_t)e->p.tier_delay_s[i - 1] * 1000;
	return t;
}

static void drop(struct alert_engine *e, int c, enum alert_msg msg, uint32_t id, const char *why,
		 int64_t now_ms)
{
	struct alert_action a = {.kind = ALERT_ACTION_DROP,
				 .incident_id = id,
				 .at_ms = now_ms,
				 .msg = msg,
				 .contact = &e->p.contacts[c],
				 .contact_idx = c,
				 .reason = why};
	e->sink(&a, e->user_data);
}

static void emit_sms(struct alert_engine *e, int c, enum alert_msg msg, const uint32_t *ids, size_t n_ids,
		     const char *text, int64_t now_ms)
{
	struct alert_action a = {.kind = ALERT_ACTION_SMS,
				 .incident_id = n_ids == 1 ? ids[0] : 0,
				 .at_ms = now_ms,
				 .msg = msg,
				 .contact = &e->p.contacts[c],
				 .contact_idx = c,
				 .text = text,
				 .ids = ids,
				 .n_ids = n_ids};
	e->cnt.sent[c]++;
	e->cnt.site_sent++;
	e->sink(&a, e->user_data);
}

static int first_admin(const struct alert_engine *e)
{
	for (size_t i = 0; i < e->p.n_contacts; i++)
		if (e->p.contacts[i].role == ALERT_ROLE_ADMIN)
			return (int)i;
	return 0;
}

static void roll_day(struct alert_engine *e, int64_t now_ms)
{
	int64_t day = alert_local_day(e, now_ms);
	if (day == e->cnt.day)
		return;
	e->cnt.day = day;
	e->cnt.site_sent = 0;
	e->cnt.site_noticed = false;
	for (size_t i = 0; i < ALERT_CONTACTS_MAX; i++)
		e->cnt.sent[i] = 0;
	for (size_t i = 0; i < e->cap; i++)
		e->inc[i].capped = 0; /* what a cap held back goes out in the new day */
}

/* The site's last text of the day goes to the first admin as the "cap reached" notice. */
static bool site_notice(struct alert_engine *e, int64_t now_ms)
{
	char text[ALERT_TEXT_MAX];
	int admin = first_admin(e);
	e->cnt.site_noticed = true;
	if (e->p.cap_contact && e->cnt.sent[admin] >= e->p.cap_contact)
		return false;
	alert_msg_cap_site(e, text);
	emit_sms(e, admin, ALERT_MSG_CAP_SITE, NULL, 0, text, now_ms);
	return true;
}

int alert_send_text(struct alert_engine *e, int c, enum alert_msg msg, const uint32_t *ids, size_t n_ids,
		    const char *text, int64_t now_ms)
{
	uint32_t incident_id = n_ids == 1 ? ids[0] : 0;
	char notice[ALERT_TEXT_MAX];
	roll_day(e, now_ms);
	if (e->p.cap_contact && e->cnt.sent[c] >= e->p.cap_contact) {
		drop(e, c, msg, incident_id, "cap_contact", now_ms);
		return -EDQUOT;
	}
	if (e->p.cap_site && (e->cnt.site_sent >= e->p.cap_site ||
			      (e->cnt.site_sent + 1 == e->p.cap_site && !e->cnt.site_noticed))) {
		if (e->cnt.site_sent < e->p.cap_site)
			site_notice(e, now_ms);
		drop(e, c, msg, incident_id, "cap_site", now_ms);
		return -EDQUOT;
	}
	if (e->p.cap_contact && e->cnt.sent[c] + 1 == e->p.cap_contact) {
		alert_msg_cap_contact(e, notice);
		emit_sms(e, c, ALERT_MSG_CAP_CONTACT, NULL, 0, notice, now_ms);
		drop(e, c, msg, incident_id, "cap_contact", now_ms);
		return -EDQUOT;
	}
	emit_sms(e, c, msg, ids, n_ids, text, now_ms);
	return 0;
}

void alert_send_info(struct alert_engine *e, int c, enum alert_msg msg, const uint32_t *ids, size_t n_ids,
		     bool critical, const char *text, int64_t now_ms)
{
	if (!critical && alert_contact_quiet(e, c, now_ms)) {
		drop(e, c, msg, n_ids == 1 ? ids[0] : 0, "quiet_hours", now_ms);
		e->cnt.quiet_missed |= 1u << c;
		return;
	}
	alert_send_text(e, c, msg, ids, n_ids, text, now_ms);
}

static bool alarm_due(const struct alert_engine *e, const struct alert_incident *inc, int c, int64_t now_ms)
{
	uint32_t bit = 1u << c;
	if (!alert_incident_active(inc) || inc->ladder_ms == 0 || ((inc->notified | inc->capped) & bit))
		return false;
	if (alert_tier_start_ms(e, inc, e->p.contacts[c].tier) > now_ms)
		return false;
	return inc->critical || !alert_contact_quiet(e, c, now_ms);
}

static int64_t reminder_at_ms(const struct alert_engine *e, const struct alert_incident *inc)
{
	if (e->p.repeat_s == 0 || (e->p.repeat_max && inc->reminders >= e->p.repeat_max))
		return INT64_MAX;
	return alert_tier_start_ms(e, inc, (unsigned)e->p.n_tiers) +
	       (int64_t)(inc->reminders + 1) * e->p.repeat_s * 1000;
}

static bool reminder_due(const struct alert_engine *e, const struct alert_incident *inc, int64_t now_ms)
{
	return alert_incident_active(inc) && inc->state != ALERT_STATE_OPEN && inc->ladder_ms != 0 &&
	       reminder_at_ms(e, inc) <= now_ms;
}

#define DUE_MAX 64

/* The incidents due to contact `c` now: fresh alarms first come to them (`fresh`, also in
 * `due`) and reminders. Returns how many are in `due`. */
static size_t collect_due(struct alert_engine *e, int c, const bool *remind, int64_t now_ms,
			  const struct alert_incident **due, struct alert_incident **fresh, size_t *n_fresh)
{
	size_t n = 0;
	bool last_tier = e->p.contacts[c].tier >= e->p.n_tiers;
	*n_fresh = 0;
	for (size_t i = 0; i < e->cap && n < DUE_MAX; i++) {
		struct alert_incident *inc = &e->inc[i];
		if (inc->id == 0 || e->held[i])
			continue;
		if (alarm_due(e, inc, c, now_ms)) {
			due[n++] = inc;
			fresh[(*n_fresh)++] = inc;
		} else if ((remind[i] || (e->owed[i] & (1u << c))) && alert_incident_active(inc) &&
			   last_tier && (inc->notified & (1u << c)) &&
			   (inc->critical || !alert_contact_quiet(e, c, now_ms))) {
			due[n++] = inc;
		}
	}
	return n;
}

/* A contact whose quiet hours ended after news was held back: the summary of the open
 * alarms is due, and carries whatever alarm is due to them at the same moment. */
static bool summary_due(const struct alert_engine *e, int c, int64_t now_ms)
{
	return (e->cnt.quiet_missed & (1u << c)) && !alert_contact_quiet(e, c, now_ms);
}

/* Texts contact `c` everything due to them, in one text when there are several. A contact
 * still inside the coalescing hold gets it all when the hold ends, reminders included. */
static void deliver_contact(struct alert_engine *e, int c, const bool *remind, int64_t now_ms)
{
	const struct alert_incident *due[DUE_MAX];
	struct alert_incident *fresh[DUE_MAX];
	size_t n_fresh;
	size_t n = collect_due(e, c, remind, now_ms, due, fresh, &n_fresh);
	if (n == 0)
		return;
	int64_t hold = e->cnt.last_alarm_ms[c] + (int64_t)e->p.coalesce_s * 1000;
	for (size_t i = 0; i < n; i++) /* owed until sent, dropped by a cap, or held by the hold */
		e->owed[due[i] - e->inc] &= ~(1u << c);
	if (e->cnt.last_alarm_ms[c] != 0 && now_ms < hold) {
		for (size_t i = 0; i < n; i++)
			e->owed[due[i] - e->inc] |= 1u << c;
		return;
	}
	char text[ALERT_TEXT_MAX];
	enum alert_msg msg = ALERT_MSG_ALARMS;
	if (summary_due(e, c, now_ms) && alert_engine_status(e, text, alert_contact_can_ack(e, c)) >= 0) {
		msg = ALERT_MSG_SUMMARY;
		e->cnt.quiet_missed &= ~(1u << c);
	} else if (n == 1) {
		msg = n_fresh ? ALERT_MSG_ALARM : ALERT_MSG_REMINDER;
		alert_msg_alarm(e, text, due[0], n_fresh == 0, alert_contact_can_ack(e, c), now_ms);
	} else {
		alert_msg_alarms(e, text, due, n, alert_contact_can_ack(e, c));
	}
	uint32_t ids[DUE_MAX];
	for (size_t i = 0; i < n; i++)
		ids[i] = due[i]->id;
	int rc = alert_send_text(e, c, msg, ids, n, text, now_ms);
	for (size_t i = 0; i < n_fresh; i++) {
		if (rc == 0) {
			fresh[i]->notified |= 1u << c;
			fresh[i]->told |= 1u << c;
		} else {
			fresh[i]->capped |= 1u << c;
		}
	}
	if (rc == 0)
		e->cnt.last_alarm_ms[c] = now_ms;
}

static void advance_states(struct alert_engine *e, int64_t now_ms)
{
	for (size_t i = 0; i < e->cap; i++) {
		struct alert_incident *inc = &e->inc[i];
		if (inc->id == 0 || !alert_incident_active(inc))
			continue;
		if (inc->state == ALERT_STATE_OPEN && (inc->notified | inc->capped))
			alert_incident_set_state(e, inc, ALERT_STATE_NOTIFIED, now_ms);
		if (inc->state == ALERT_STATE_NOTIFIED && e->p.n_tiers > 1 &&
		    alert_tier_start_ms(e, inc, 2) <= now_ms)
			alert_incident_set_state(e, inc, ALERT_STATE_ESCALATED, now_ms);
	}
}

/* One text with the open alarms as they are now, to each contact whose quiet hours ended
 * after news was held back: what they slept through, without replaying every text. */
static void summarize_missed(struct alert_engine *e, int64_t now_ms)
{
	char text[ALERT_TEXT_MAX];
	for (size_t c = 0; e->cnt.quiet_missed && c < e->p.n_contacts; c++) {
		if (!summary_due(e, (int)c, now_ms))
			continue;
		e->cnt.quiet_missed &= ~(1u << c);
		if (alert_engine_status(e, text, alert_contact_can_ack(e, (int)c)) >= 0)
			alert_send_text(e, (int)c, ALERT_MSG_SUMMARY, NULL, 0, text, now_ms);
	}
}

void alert_deliver_due(struct alert_engine *e, int64_t now_ms)
{
	bool *rem = e->remind;
	roll_day(e, now_ms);
	for (size_t i = 0; i < e->cap; i++) {
		struct alert_incident *inc = &e->inc[i];
		rem[i] = false;
		e->held[i] = false;
		if (inc->id == 0 || !alert_incident_active(inc))
			continue;
		e->held[i] = alert_incident_held(e, inc, now_ms);
		if (inc->ladder_ms == 0 && !e->held[i])
			inc->ladder_ms = now_ms;
		rem[i] = !e->held[i] && reminder_due(e, inc, now_ms);
	}
	for (size_t c = 0; c < e->p.n_contacts; c++)
		deliver_contact(e, (int)c, rem, now_ms);
	summarize_missed(e, now_ms);
	for (size_t i = 0; i < e->cap; i++) {
		if (!rem[i])
			continue;
		struct alert_incident *inc = &e->inc[i];
		int64_t last = alert_tier_start_ms(e, inc, (unsigned)e->p.n_tiers);
		inc->reminders = (uint32_t)((now_ms - last) / ((int64_t)e->p.repeat_s * 1000));
		if (e->p.repeat_max && inc->reminders > e->p.repeat_max)
			inc->reminders = e->p.repeat_max;
	}
	advance_states(e, now_ms);
}

int64_t alert_deliver_next_ms(const struct alert_engine *e, int64_t now_ms)
{
	int64_t next = INT64_MAX;
	bool waiting = false;
	for (size_t i = 0; i < e->cap; i++) {
		const struct alert_incident *inc = &e->inc[i];
		if (inc->id == 0 || !alert_incident_active(inc))
			continue;
		waiting = true;
		/* Only times still ahead: one that passed without a text (muted, quiet hours) is
		 * picked up by the minute re-check below, never by waking at once again. */
		for (unsigned t = 2; t <= e->p.n_tiers && inc->ladder_ms; t++) {
			int64_t at = alert_tier_start_ms(e, inc, t);
			if (at > now_ms && at < next)
				next = at;
		}
		int64_t remind_at = inc->ladder_ms ? reminder_at_ms(e, inc) : INT64_MAX;
		if (remind_at > now_ms && remind_at < next)
			next = remind_at;
	}
	for (size_t c = 0; waiting && c < e->p.n_contacts; c++) {
		int64_t hold = e->cnt.last_alarm_ms[c] + (int64_t)e->p.coalesce_s * 1000;
		if (e->cnt.last_alarm_ms[c] && hold > now_ms && hold < next)
			next = hold;
	}
	if ((waiting || e->cnt.quiet_missed) && now_ms + 60000 < next)
		next = now_ms + 60000;
	return next;
}
