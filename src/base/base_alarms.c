/* The alarm engine inside the base: its actions become the step's texts (the outbox) and
 * events, its state (incidents, mutes, counters, the next id, the call list they refer to)
 * is written with every step that changed it, and it is restored at start so that a restart
 * carries on the escalation where it was. */
#include "base_int.h"

#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *base_channel_name(const struct base *b, const char *unit, int16_t channel)
{
	int u = base_unit_by_id(b, unit);
	if (u < 0 || channel < 0 || (size_t)channel >= b->units[u].st.n_channels)
		return NULL;
	return b->units[u].st.ch[channel].name;
}

static const char *engine_channel_name(void *user_data, const char *unit, int16_t channel)
{
	return base_channel_name(user_data, unit, channel);
}

static void incident_event(struct base *b, const struct alert_action *a)
{
	struct alert_incident inc;
	bool found = alert_engine_incident(b->engine, a->incident_id, &inc) == 0;
	for (size_t i = 0; !found && i < b->n_saved; i++) {
		if (b->saved[i].id == a->incident_id) {
			inc = b->saved[i];
			found = true;
		}
	}
	struct store_event *e = base_batch_event(&b->batch, STORE_EVENT_INCIDENT, b->now_ms);
	if (!e)
		return;
	e->incident_id = a->incident_id;
	snprintf(e->text, sizeof(e->text), "%s->%s", alert_state_str(a->from), alert_state_str(a->to));
	if (found) {
		snprintf(e->unit, sizeof(e->unit), "%s", inc.unit);
		const char *ch = base_channel_name(b, inc.unit, inc.channel);
		snprintf(e->channel, sizeof(e->channel), "%s", ch ? ch : "");
		snprintf(e->text, sizeof(e->text), "%s %s->%s", alert_kind_str(inc.kind),
			 alert_state_str(a->from), alert_state_str(a->to));
	}
	if (a->to == ALERT_STATE_ACKED && b->actor) {
		struct store_event *ack = base_batch_event(&b->batch, STORE_EVENT_ACK, b->now_ms);
		if (ack) {
			*ack = *e;
			ack->kind = STORE_EVENT_ACK;
			snprintf(ack->actor, sizeof(ack->actor), "%s", b->actor);
		}
	}
}

static void sink(const struct alert_action *a, void *user_data)
{
	struct base *b = user_data;
	char fields[512];
	alert_action_log_fields(a, fields, sizeof(fields));
	log_info("alerts", "%s", fields);
	uint32_t id = a->incident_id ? a->incident_id : a->n_ids ? a->ids[0] : 0;
	switch (a->kind) {
	case ALERT_ACTION_SMS: {
		base_batch_sms(&b->batch, a->contact->number, a->text, alert_msg_str(a->msg), id, b->now_ms);
		struct store_event *e = base_batch_event(&b->batch, STORE_EVENT_NOTIFIED, b->now_ms);
		if (e) {
			e->incident_id = id;
			snprintf(e->actor, sizeof(e->actor), "%s", a->contact->number);
			snprintf(e->text, sizeof(e->text), "%s", a->text);
		}
		break;
	}
	case ALERT_ACTION_STATE:
		incident_event(b, a);
		break;
	case ALERT_ACTION_DROP: {
		struct store_event *e = base_batch_event(&b->batch, STORE_EVENT_NOT_SENT, b->now_ms);
		if (e) {
			e->incident_id = id;
			snprintf(e->actor, sizeof(e->actor), "%s", a->contact->number);
			snprintf(e->text, sizeof(e->text), "%s not sent: %s", alert_msg_str(a->msg),
				 a->reason ? a->reason : "");
		}
		break;
	}
	}
}

int base_alarms_new(struct base *b)
{
	b->saved = calloc(BASE_MAX_INCIDENTS, sizeof(*b->saved));
	b->snap = calloc(BASE_MAX_INCIDENTS, sizeof(*b->snap));
	if (!b->saved || !b->snap)
		return -ENOMEM;
	return 0;
}

int base_alarms_create(struct base *b, uint32_t first_id)
{
	b->engine = alert_engine_new(&b->policy, BASE_MAX_INCIDENTS, first_id, sink, b);
	if (!b->engine)
		return -ENOMEM;
	alert_engine_set_utc_offset(b->engine, b->utc_offset_s);
	alert_engine_set_channel_names(b->engine, engine_channel_name, b);
	return 0;
}

/* ---- restore ---- */

static bool state_parse(const char *name, enum alert_state *out)
{
	for (int s = ALERT_STATE_OPEN; s <= ALERT_STATE_CLOSED; s++) {
		if (strcmp(alert_state_str((enum alert_state)s), name) == 0) {
			*out = (enum alert_state)s;
			return true;
		}
	}
	return false;
}

static bool kind_parse(const char *name, enum alert_kind *out)
{
	for (int k = ALERT_KIND_HIGH; k <= ALERT_KIND_BASE; k++) {
		if (strcmp(alert_kind_str((enum alert_kind)k), name) == 0) {
			*out = (enum alert_kind)k;
			return true;
		}
	}
	return false;
}

static bool incident_from(struct base *b, const struct store_incident *s, struct alert_incident *inc)
{
	memset(inc, 0, sizeof(*inc));
	if (!state_parse(s->state, &inc->state) || !kind_parse(s->kind, &inc->kind))
		return false;
	if (!state_parse(s->before_clear, &inc->before_clear))
		inc->before_clear = ALERT_STATE_OPEN;
	inc->id = s->id;
	snprintf(inc->unit, sizeof(inc->unit), "%s", s->unit);
	inc->channel = s->channel;
	int u = base_unit_by_id(b, s->unit);
	if (u >= 0 && s->channel_name[0]) {
		int idx = base_ustate_channel(&b->units[u].st, s->channel_name, true);
		if (idx >= 0)
			inc->channel = (int16_t)idx;
		b->units[u].dirty |= idx >= 0;
	}
	inc->critical = s->critical;
	inc->normal_raised = s->normal_raised;
	inc->has_value = s->has_value;
	inc->value_c10 = s->value_c10;
	inc->threshold_c10 = s->threshold_c10;
	inc->since_ms = s->since_ms;
	inc->opened_ms = s->opened_ms;
	inc->cleared_ms = s->cleared_ms;
	inc->ladder_ms = s->ladder_ms;
	inc->notified = s->notified;
	inc->told = s->told;
	inc->capped = s->capped;
	inc->reminders = s->reminders;
	inc->acked_by = s->acked_by;
	inc->acked_ms = s->acked_ms;
	inc->reopened = s->reopened;
	return true;
}

/* The saved call list differs from the configured one: masks must follow people. */
static bool list_changed(const struct base *b, const struct store_engine_state *st)
{
	if (st->n_contacts != b->policy.n_contacts)
		return true;
	for (size_t i = 0; i < st->n_contacts; i++)
		if (strcmp(st->contacts[i].number, b->policy.contacts[i].number) != 0)
			return true;
	return false;
}

static void restore_one(struct base *b, const struct store_incident *s, const char *const *old, size_t n_old,
			bool remap)
{
	struct alert_incident inc;
	if (!incident_from(b, s, &inc)) {
		log_warn("base", "event=incident_not_restored id=%u state=%s kind=%s reason=unknown_name",
			 s->id, s->state, s->kind);
		return;
	}
	if (remap)
		alert_engine_remap(b->engine, &inc, old, n_old);
	int rc = alert_engine_restore(b->engine, &inc);
	if (rc < 0) {
		log_warn("base", "event=incident_not_restored id=%u unit=%s kind=%s error=\"%s\"", inc.id,
			 inc.unit, alert_kind_str(inc.kind), strerror(-rc));
		return;
	}
	b->saved[b->n_saved++] = inc;
}

void base_alarms_restore(struct base *b, const struct store_engine_state *st)
{
	const char *old[STORE_CONTACTS_MAX];
	size_t n_old = st->n_contacts < STORE_CONTACTS_MAX ? st->n_contacts : STORE_CONTACTS_MAX;
	for (size_t i = 0; i < n_old; i++)
		old[i] = st->contacts[i].number;
	bool remap = n_old > 0 && list_changed(b, st);
	for (size_t i = 0; i < st->n_incidents && b->n_saved < BASE_MAX_INCIDENTS; i++)
		restore_one(b, &st->incidents[i], old, n_old, remap);
	for (size_t i = 0; i < st->n_mutes; i++) {
		struct alert_mute m = {.channel = st->mutes[i].channel, .until_ms = st->mutes[i].until_ms};
		snprintf(m.unit, sizeof(m.unit), "%s", st->mutes[i].unit);
		int u = base_unit_by_id(b, m.unit);
		if (u >= 0 && m.channel >= 0 && m.channel < BASE_CHANNELS_MAX)
			m.channel = b->units[u].seed_map[m.channel];
		if (alert_engine_restore_mute(b->engine, &m, b->now_ms) < 0)
			log_warn("base", "event=mute_not_restored unit=%s", m.unit);
	}
	if (st->counters && st->counters_size == sizeof(struct alert_counters)) {
		struct alert_counters c;
		memcpy(&c, st->counters, sizeof(c));
		if (remap)
			alert_engine_remap_counters(b->engine, &c, old, n_old);
		alert_engine_restore_counters(b->engine, &c);
	}
	alert_engine_counters(b->engine, &b->saved_counters);
	b->n_saved_mutes = alert_engine_mutes(b->engine, b->saved_mutes, ALERT_MUTES_MAX, b->now_ms);
	b->saved_next_id = alert_engine_next_id(b->engine);
	b->saved_contacts = !remap && n_old > 0;
	if (b->n_saved)
		log_info("base", "event=incidents_restored count=%zu next_id=%u", b->n_saved,
			 b->saved_next_id);
}

/* ---- what changed ---- */

static bool same_incident(const struct alert_incident *a, const struct alert_incident *b)
{
	return a->id == b->id && a->state == b->state && a->before_clear == b->before_clear &&
	       strcmp(a->unit, b->unit) == 0 && a->channel == b->channel && a->kind == b->kind &&
	       a->critical == b->critical && a->normal_raised == b->normal_raised &&
	       a->has_value == b->has_value && a->value_c10 == b->value_c10 &&
	       a->threshold_c10 == b->threshold_c10 && a->since_ms == b->since_ms &&
	       a->opened_ms == b->opened_ms && a->cleared_ms == b->cleared_ms &&
	       a->ladder_ms == b->ladder_ms && a->notified == b->notified && a->told == b->told &&
	       a->capped == b->capped && a->reminders == b->reminders && a->acked_by == b->acked_by &&
	       a->acked_ms == b->acked_ms && a->reopened == b->reopened;
}

static void incident_to(const struct base *b, const struct alert_incident *inc, int64_t closed_ms,
			struct store_incident *s)
{
	memset(s, 0, sizeof(*s));
	s->id = inc->id;
	snprintf(s->state, sizeof(s->state), "%s",
		 alert_state_str(closed_ms ? ALERT_STATE_CLOSED : inc->state));
	snprintf(s->before_clear, sizeof(s->before_clear), "%s", alert_state_str(inc->before_clear));
	snprintf(s->unit, sizeof(s->unit), "%s", inc->unit);
	s->channel = inc->channel;
	const char *name = base_channel_name(b, inc->unit, inc->channel);
	snprintf(s->channel_name, sizeof(s->channel_name), "%s", name ? name : "");
	snprintf(s->kind, sizeof(s->kind), "%s", alert_kind_str(inc->kind));
	s->critical = inc->critical;
	s->normal_raised = inc->normal_raised;
	s->has_value = inc->has_value;
	s->value_c10 = inc->value_c10;
	s->threshold_c10 = inc->threshold_c10;
	s->since_ms = inc->since_ms;
	s->opened_ms = inc->opened_ms;
	s->cleared_ms = inc->cleared_ms;
	s->ladder_ms = inc->ladder_ms;
	s->notified = inc->notified;
	s->told = inc->told;
	s->capped = inc->capped;
	s->reminders = inc->reminders;
	s->acked_by = inc->acked_by;
	s->acked_ms = inc->acked_ms;
	s->reopened = inc->reopened;
	s->closed_ms = closed_ms;
}

static const struct alert_incident *by_id(const struct alert_incident *list, size_t n, uint32_t id)
{
	for (size_t i = 0; i < n; i++)
		if (list[i].id == id)
			return &list[i];
	return NULL;
}

static void snapshot_incidents(struct base *b)
{
	b->n_snap = alert_engine_incidents(b->engine, b->snap, BASE_MAX_INCIDENTS);
	if (b->n_snap > BASE_MAX_INCIDENTS)
		b->n_snap = BASE_MAX_INCIDENTS;
	for (size_t i = 0; i < b->n_snap; i++) {
		const struct alert_incident *was = by_id(b->saved, b->n_saved, b->snap[i].id);
		struct store_incident *s =
			was && same_incident(was, &b->snap[i]) ? NULL : base_batch_incident(&b->batch);
		if (s)
			incident_to(b, &b->snap[i], 0, s);
	}
	for (size_t i = 0; i < b->n_saved; i++) {
		if (by_id(b->snap, b->n_snap, b->saved[i].id))
			continue;
		struct store_incident *s = base_batch_incident(&b->batch);
		if (s)
			incident_to(b, &b->saved[i], b->now_ms, s);
	}
}

static bool same_mutes(const struct alert_mute *a, size_t na, const struct alert_mute *c, size_t nc)
{
	if (na != nc)
		return false;
	for (size_t i = 0; i < na; i++)
		if (strcmp(a[i].unit, c[i].unit) != 0 || a[i].channel != c[i].channel ||
		    a[i].until_ms != c[i].until_ms)
			return false;
	return true;
}

static bool same_counters(const struct alert_counters *a, const struct alert_counters *c)
{
	if (a->day != c->day || a->site_sent != c->site_sent || a->site_noticed != c->site_noticed ||
	    a->quiet_missed != c->quiet_missed)
		return false;
	for (size_t i = 0; i < ALERT_CONTACTS_MAX; i++)
		if (a->sent[i] != c->sent[i] || a->last_alarm_ms[i] != c->last_alarm_ms[i])
			return false;
	return true;
}

static void snapshot_lists(struct base *b, struct store_engine_state *st)
{
	struct base_batch *bt = &b->batch;
	b->n_snap_mutes = alert_engine_mutes(b->engine, b->snap_mutes, ALERT_MUTES_MAX, b->now_ms);
	if (!same_mutes(b->snap_mutes, b->n_snap_mutes, b->saved_mutes, b->n_saved_mutes)) {
		st->mutes_set = true;
		for (size_t i = 0; i < b->n_snap_mutes; i++) {
			snprintf(bt->mutes[i].unit, sizeof(bt->mutes[i].unit), "%s", b->snap_mutes[i].unit);
			bt->mutes[i].channel = b->snap_mutes[i].channel;
			bt->mutes[i].until_ms = b->snap_mutes[i].until_ms;
		}
		st->mutes = bt->mutes;
		st->n_mutes = b->n_snap_mutes;
	}
	if (!b->saved_contacts) {
		st->contacts_set = true;
		for (size_t i = 0; i < b->policy.n_contacts; i++) {
			snprintf(bt->contacts[i].number, sizeof(bt->contacts[i].number), "%s",
				 b->policy.contacts[i].number);
			snprintf(bt->contacts[i].name, sizeof(bt->contacts[i].name), "%s",
				 b->policy.contacts[i].name);
		}
		st->contacts = bt->contacts;
		st->n_contacts = b->policy.n_contacts;
	}
	alert_engine_counters(b->engine, &b->snap_counters);
	if (!same_counters(&b->snap_counters, &b->saved_counters)) {
		bt->counters = b->snap_counters;
		st->counters_version = BASE_COUNTERS_VERSION;
		st->counters = &bt->counters;
		st->counters_size = sizeof(bt->counters);
	}
	b->snap_next_id = alert_engine_next_id(b->engine);
	if (b->snap_next_id != b->saved_next_id)
		st->next_incident_id = b->snap_next_id;
}

void base_alarms_snapshot(struct base *b)
{
	struct store_engine_state *st = &b->batch.engine;
	memset(st, 0, sizeof(*st));
	snapshot_incidents(b);
	snapshot_lists(b, st);
	b->batch.has_engine = b->batch.n_incidents || st->mutes_set || st->contacts_set || st->counters ||
			      st->next_incident_id;
}

void base_alarms_commit(struct base *b)
{
	struct alert_incident *t = b->saved;
	b->saved = b->snap;
	b->snap = t;
	b->n_saved = b->n_snap;
	memcpy(b->saved_mutes, b->snap_mutes, sizeof(b->saved_mutes));
	b->n_saved_mutes = b->n_snap_mutes;
	b->saved_counters = b->snap_counters;
	b->saved_next_id = b->snap_next_id;
	b->saved_contacts = true;
}

bool base_alarms_find(const struct base *b, const char *unit, int16_t channel, enum alert_kind kind,
		      struct alert_incident *out)
{
	struct alert_incident *list = calloc(BASE_MAX_INCIDENTS, sizeof(*list));
	bool found = false;
	size_t n = list ? alert_engine_incidents(b->engine, list, BASE_MAX_INCIDENTS) : 0;
	for (size_t i = 0; i < n && i < BASE_MAX_INCIDENTS && !found; i++) {
		if (list[i].kind == kind && list[i].channel == channel && strcmp(list[i].unit, unit) == 0) {
			*out = list[i];
			found = true;
		}
	}
	free(list);
	return found;
}

void base_alarms_apply(struct base *b, const struct alert_report *r, enum base_op_kind op)
{
	int64_t rc = op == BASE_OP_RAISE   ? alert_engine_raise(b->engine, r, b->now_ms)
		     : op == BASE_OP_CLOSE ? alert_engine_close(b->engine, r, b->now_ms)
					   : alert_engine_clear(b->engine, r, b->now_ms);
	const char *ch = base_channel_name(b, r->unit, r->channel);
	if (rc == -ENOSPC)
		log_error("base",
			  "event=incident_table_full unit=%s channel=%s kind=%s open=%zu hint=\"the alarm is "
			  "in the "
			  "events only; close old incidents (ACK, fix the cause) or raise the limit\"",
			  r->unit, ch ? ch : "-", alert_kind_str(r->kind),
			  alert_engine_open_count(b->engine));
	else if (rc < 0)
		log_debug("base", "event=clear_without_incident unit=%s channel=%s kind=%s", r->unit,
			  ch ? ch : "-", alert_kind_str(r->kind));
}
