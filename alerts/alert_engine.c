/* The incident table and its lifecycle (OPEN, NOTIFIED, ESCALATED, ACKED, CLEARED, CLOSED):
 * alarms open, update, clear and reopen incidents; ACK and MUTE from phones; time closes
 * settled incidents. Who is texted when lives in alert_deliver.c. */
#include "alert_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *alert_kind_str(enum alert_kind kind)
{
	switch (kind) {
	case ALERT_KIND_HIGH:
		return "high";
	case ALERT_KIND_LOW:
		return "low";
	case ALERT_KIND_PROBE:
		return "probe";
	case ALERT_KIND_RATE:
		return "rate";
	case ALERT_KIND_SILENT:
		return "silent";
	case ALERT_KIND_POWER:
		return "power";
	case ALERT_KIND_BATTERY:
		return "battery";
	case ALERT_KIND_MODEM:
		return "modem";
	case ALERT_KIND_SIM_FULL:
		return "sim_full";
	case ALERT_KIND_BASE:
		return "base";
	}
	return "?";
}

enum alert_kind alert_kind_of_level(enum alert_level level, bool *critical)
{
	*critical = level == ALERT_LEVEL_LOW_LOW || level == ALERT_LEVEL_HIGH_HIGH;
	switch (level) {
	case ALERT_LEVEL_LOW_LOW:
	case ALERT_LEVEL_LOW:
		return ALERT_KIND_LOW;
	case ALERT_LEVEL_HIGH:
	case ALERT_LEVEL_HIGH_HIGH:
		return ALERT_KIND_HIGH;
	case ALERT_LEVEL_PROBE:
		return ALERT_KIND_PROBE;
	case ALERT_LEVEL_RATE:
		return ALERT_KIND_RATE;
	}
	return ALERT_KIND_PROBE;
}

const char *alert_state_str(enum alert_state state)
{
	switch (state) {
	case ALERT_STATE_OPEN:
		return "open";
	case ALERT_STATE_NOTIFIED:
		return "notified";
	case ALERT_STATE_ESCALATED:
		return "escalated";
	case ALERT_STATE_ACKED:
		return "acked";
	case ALERT_STATE_CLEARED:
		return "cleared";
	case ALERT_STATE_CLOSED:
		return "closed";
	}
	return "?";
}

const char *alert_msg_str(enum alert_msg msg)
{
	switch (msg) {
	case ALERT_MSG_ALARM:
		return "alarm";
	case ALERT_MSG_ALARMS:
		return "alarms";
	case ALERT_MSG_REMINDER:
		return "reminder";
	case ALERT_MSG_ACK_DONE:
		return "ack_done";
	case ALERT_MSG_ACK_INFO:
		return "ack_info";
	case ALERT_MSG_ALL_CLEAR:
		return "all_clear";
	case ALERT_MSG_MUTE_DONE:
		return "mute_done";
	case ALERT_MSG_REFUSED:
		return "refused";
	case ALERT_MSG_CAP_CONTACT:
		return "cap_contact";
	case ALERT_MSG_CAP_SITE:
		return "cap_site";
	case ALERT_MSG_SUMMARY:
		return "summary";
	}
	return "?";
}

const char *alert_action_kind_str(enum alert_action_kind kind)
{
	switch (kind) {
	case ALERT_ACTION_SMS:
		return "sms";
	case ALERT_ACTION_STATE:
		return "state";
	case ALERT_ACTION_DROP:
		return "drop";
	}
	return "?";
}

bool alert_incident_active(const struct alert_incident *inc)
{
	return inc->state == ALERT_STATE_OPEN || inc->state == ALERT_STATE_NOTIFIED ||
	       inc->state == ALERT_STATE_ESCALATED;
}

void alert_incident_set_state(struct alert_engine *e, struct alert_incident *inc, enum alert_state to,
			      int64_t now_ms)
{
	struct alert_action a = {.kind = ALERT_ACTION_STATE,
				 .incident_id = inc->id,
				 .at_ms = now_ms,
				 .from = inc->state,
				 .to = to};
	inc->state = to;
	e->sink(&a, e->user_data);
}

size_t alert_engine_open_alarms(const struct alert_engine *e)
{
	size_t n = 0;
	for (size_t i = 0; i < e->cap; i++)
		if (e->inc[i].id &&
		    (alert_incident_active(&e->inc[i]) || e->inc[i].state == ALERT_STATE_ACKED))
			n++;
	return n;
}

struct alert_engine *alert_engine_new(const struct alert_policy *policy, size_t max_incidents,
				      uint32_t first_id, alert_sink_fn sink, void *user_data)
{
	struct alert_engine *e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->inc = calloc(max_incidents ? max_incidents : 1, sizeof(*e->inc));
	e->remind = calloc(max_incidents ? max_incidents : 1, sizeof(*e->remind));
	e->held = calloc(max_incidents ? max_incidents : 1, sizeof(*e->held));
	e->owed = calloc(max_incidents ? max_incidents : 1, sizeof(*e->owed));
	if (!e->inc || !e->remind || !e->held || !e->owed) {
		alert_engine_free(e);
		return NULL;
	}
	e->p = *policy;
	/* Names go into every text: keep them short and inside the GSM 7-bit alphabet. */
	alert_text_clean(e->p.site, 21, policy->site);
	for (size_t i = 0; i < policy->n_contacts; i++)
		alert_text_clean(e->p.contacts[i].name, 17, policy->contacts[i].name);
	e->cap = max_incidents;
	e->next_id = first_id ? first_id : 1;
	e->sink = sink;
	e->user_data = user_data;
	e->cnt.day = INT64_MIN;
	return e;
}

void alert_engine_free(struct alert_engine *e)
{
	if (!e)
		return;
	free(e->inc);
	free(e->remind);
	free(e->held);
	free(e->owed);
	free(e);
}

void alert_engine_set_utc_offset(struct alert_engine *e, int32_t offset_s)
{
	e->utc_offset_s = offset_s;
}

void alert_engine_set_channel_names(struct alert_engine *e, alert_channel_name_fn fn, void *user_data)
{
	e->channel_name = fn;
	e->channel_name_data = user_data;
}

/* Unit ids are letters, digits, '-' and '_' (the unit config's rule); anything else becomes
 * '?', so that an id can never pose as part of a text's reply hint ("Reply MUTE <id> 0"). */
static void clean_unit(char dst[ALERT_UNIT_MAX], const char *src)
{
	size_t i = 0;
	for (; src[i] && i < ALERT_UNIT_MAX - 1; i++) {
		char c = src[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			  c == '-' || c == '_';
		dst[i] = ok ? c : '?';
	}
	dst[i] = '\0';
}

static struct alert_incident *find(struct alert_engine *e, const char *unit, int16_t channel,
				   enum alert_kind kind)
{
	for (size_t i = 0; i < e->cap; i++) {
		struct alert_incident *inc = &e->inc[i];
		if (inc->id && inc->kind == kind && inc->channel == channel && strcmp(inc->unit, unit) == 0)
			return inc;
	}
	return NULL;
}

static struct alert_incident *by_id(struct alert_engine *e, int64_t id)
{
	for (size_t i = 0; i < e->cap; i++)
		if (e->inc[i].id && e->inc[i].id == id)
			return &e->inc[i];
	return NULL;
}

static void take_values(struct alert_incident *inc, const struct alert_report *r)
{
	if (!r->has_value)
		return;
	inc->has_value = true;
	inc->value_c10 = r->value_c10;
	inc->threshold_c10 = r->threshold_c10;
}

/* A clear's threshold is the level it cleared at (the limit less the hysteresis): the incident
 * keeps the limit it was raised at and takes only the value. */
static void take_clear_value(struct alert_incident *inc, const struct alert_report *r)
{
	if (!r->has_value)
		return;
	inc->has_value = true;
	inc->value_c10 = r->value_c10;
}

static void reraise(struct alert_engine *e, struct alert_incident *inc, const struct alert_report *r,
		    int64_t now_ms)
{
	if (inc->state == ALERT_STATE_CLEARED) {
		inc->reopened++;
		inc->cleared_ms = 0;
		alert_incident_set_state(e, inc, inc->before_clear, now_ms);
	}
	take_values(inc, r);
	inc->normal_raised |= !r->critical;
	if (r->critical && !inc->critical) {
		/* Worse than the text people got: the ladder starts over with the new level. */
		inc->critical = true;
		inc->since_ms = r->since_ms;
		if (alert_incident_active(inc)) {
			inc->notified = inc->capped = 0;
			inc->reminders = 0;
			inc->ladder_ms = 0;
		}
	}
}

int64_t alert_engine_raise(struct alert_engine *e, const struct alert_report *r, int64_t now_ms)
{
	char unit[ALERT_UNIT_MAX];
	clean_unit(unit, r->unit);
	struct alert_incident *inc = find(e, unit, r->channel, r->kind);
	if (inc) {
		reraise(e, inc, r, now_ms);
	} else {
		for (size_t i = 0; !inc && i < e->cap; i++)
			if (e->inc[i].id == 0)
				inc = &e->inc[i];
		if (!inc)
			return -ENOSPC;
		if (e->next_id == 0) /* 0 marks a free slot: skip it when the counter wraps */
			e->next_id = 1;
		*inc = (struct alert_incident){.id = e->next_id++,
					       .state = ALERT_STATE_CLOSED,
					       .channel = r->channel,
					       .kind = r->kind,
					       .critical = r->critical,
					       .normal_raised = !r->critical,
					       .since_ms = r->since_ms,
					       .opened_ms = now_ms,
					       .acked_by = -1};
		memcpy(inc->unit, unit, sizeof(unit));
		take_values(inc, r);
		alert_incident_set_state(e, inc, ALERT_STATE_OPEN, now_ms);
	}
	uint32_t id = inc->id;
	alert_deliver_due(e, now_ms);
	return id;
}

static void close_incident(struct alert_engine *e, struct alert_incident *inc, int64_t now_ms)
{
	char text[ALERT_TEXT_MAX];
	if (e->p.all_clear && inc->told) {
		alert_msg_all_clear(e, text, inc);
		for (size_t c = 0; c < e->p.n_contacts; c++)
			if (inc->told & (1u << c))
				alert_send_info(e, (int)c, ALERT_MSG_ALL_CLEAR, &inc->id, 1, inc->critical,
						text, now_ms);
	}
	alert_incident_set_state(e, inc, ALERT_STATE_CLOSED, now_ms);
	inc->id = 0;
	e->owed[inc - e->inc] = 0;
}

/* The incident a report names, or NULL. */
static struct alert_incident *reported(struct alert_engine *e, const struct alert_report *r)
{
	char unit[ALERT_UNIT_MAX];
	clean_unit(unit, r->unit);
	return find(e, unit, r->channel, r->kind);
}

int64_t alert_engine_clear(struct alert_engine *e, const struct alert_report *r, int64_t now_ms)
{
	struct alert_incident *inc = reported(e, r);
	if (!inc)
		return -ENOENT;
	uint32_t id = inc->id;
	if (r->critical && inc->normal_raised && inc->state != ALERT_STATE_CLEARED) {
		/* HIGH_HIGH cleared but HIGH still holds: the incident goes on at its normal level. */
		take_clear_value(inc, r);
		inc->critical = false;
		return id;
	}
	if (inc->state != ALERT_STATE_CLEARED) {
		take_clear_value(inc, r);
		inc->before_clear = inc->state;
		inc->cleared_ms = now_ms;
		alert_incident_set_state(e, inc, ALERT_STATE_CLEARED, now_ms);
	}
	if (e->p.clear_settle_s == 0)
		close_incident(e, inc, now_ms);
	return id;
}

int64_t alert_engine_close(struct alert_engine *e, const struct alert_report *r, int64_t now_ms)
{
	struct alert_incident *inc = r->critical ? NULL : reported(e, r);
	if (!inc)
		return r->critical ? alert_engine_clear(e, r, now_ms) : -ENOENT;
	uint32_t id = inc->id;
	if (inc->state != ALERT_STATE_CLEARED) {
		inc->before_clear = inc->state;
		alert_incident_set_state(e, inc, ALERT_STATE_CLEARED, now_ms);
	}
	inc->has_value = false;
	inc->cleared_ms = r->since_ms > 0 && r->since_ms < now_ms ? r->since_ms : now_ms;
	close_incident(e, inc, now_ms);
	return id;
}

static int contact_of(const struct alert_engine *e, const char *number)
{
	for (size_t i = 0; i < e->p.n_contacts; i++)
		if (strcmp(e->p.contacts[i].number, number) == 0)
			return (int)i;
	return -1;
}

static int refuse(struct alert_engine *e, int c, int err, const char *why, int64_t now_ms)
{
	char text[ALERT_TEXT_MAX];
	alert_msg_refused(e, text, why);
	alert_send_text(e, c, ALERT_MSG_REFUSED, NULL, 0, text, now_ms);
	return err;
}

/* The incidents an ACK from contact `c` names; returns their count or a negative errno. */
static int ack_targets(struct alert_engine *e, int c, int64_t id, struct alert_incident **out, int64_t now_ms)
{
	char why[80];
	if (id > 0) {
		struct alert_incident *inc = by_id(e, id);
		if (!inc) {
			snprintf(why, sizeof(why), "no open alarm #%lld", (long long)id);
			return refuse(e, c, -ENOENT, why, now_ms);
		}
		if (inc->acked_by != -1) {
			snprintf(why, sizeof(why), "#%u was already acknowledged by %s", inc->id,
				 alert_acker_name(e, inc));
			return refuse(e, c, -EALREADY, why, now_ms);
		}
		out[0] = inc;
		return 1;
	}
	int n = 0;
	for (size_t i = 0; i < e->cap; i++) {
		struct alert_incident *inc = &e->inc[i];
		bool waiting = alert_incident_active(inc) || inc->state == ALERT_STATE_CLEARED;
		if (!inc->id || !waiting || inc->acked_by != -1 || !(inc->told & (1u << c)))
			continue;
		if (id == ALERT_ACK_ALL)
			out[n++] = inc;
		else if (n == 0 || inc->id > out[0]->id)
			out[(n = 1) - 1] = inc;
	}
	if (n == 0)
		return refuse(e, c, -ENOENT, "no alarm of yours waits for an ACK", now_ms);
	return n;
}

/* Everyone else told of the incidents `acked` gets one text naming who took them, however
 * many there are (ACK ALL after a storm must not start another). */
static void tell_others(struct alert_engine *e, int acker, struct alert_incident **acked, size_t n,
			int64_t now_ms)
{
	char text[ALERT_TEXT_MAX];
	const struct alert_incident **mine = calloc(n, sizeof(*mine));
	uint32_t *ids = calloc(n, sizeof(*ids));
	for (size_t o = 0; mine && ids && o < e->p.n_contacts; o++) {
		size_t k = 0;
		bool critical = false;
		for (size_t i = 0; (int)o != acker && i < n; i++) {
			if (!(acked[i]->told & (1u << o)))
				continue;
			critical |= acked[i]->critical;
			ids[k] = acked[i]->id;
			mine[k++] = acked[i];
		}
		if (k == 0)
			continue;
		alert_msg_ack_info(e, text, mine, k);
		alert_send_info(e, (int)o, ALERT_MSG_ACK_INFO, ids, k, critical, text, now_ms);
	}
	free(mine);
	free(ids);
}

int alert_engine_ack(struct alert_engine *e, const char *number, int64_t id, int64_t now_ms)
{
	char text[ALERT_TEXT_MAX];
	int c = contact_of(e, number);
	if (c < 0)
		return -EACCES;
	if (!alert_contact_can_ack(e, c))
		return refuse(e, c, -EPERM, "viewers cannot acknowledge, ask an operator", now_ms);
	struct alert_incident **targets = calloc(e->cap ? e->cap : 1, sizeof(*targets));
	if (!targets)
		return -ENOMEM;
	int n = ack_targets(e, c, id, targets, now_ms);
	for (int i = 0; i < n; i++) {
		struct alert_incident *inc = targets[i];
		inc->acked_by = c;
		inc->acked_ms = now_ms;
		if (inc->state == ALERT_STATE_CLEARED)
			inc->before_clear = ALERT_STATE_ACKED;
		else
			alert_incident_set_state(e, inc, ALERT_STATE_ACKED, now_ms);
	}
	if (n > 0) {
		alert_msg_ack_done(e, text, targets[0], (size_t)n);
		alert_send_text(e, c, ALERT_MSG_ACK_DONE, n == 1 ? &targets[0]->id : NULL, n == 1, text,
				now_ms);
	}
	if (n > 0)
		tell_others(e, c, targets, (size_t)n, now_ms);
	free(targets);
	return n;
}

static struct alert_mute *mute_slot(struct alert_engine *e, const char *unit, int16_t channel, int64_t now_ms)
{
	struct alert_mute *free_slot = NULL;
	for (size_t i = 0; i < ALERT_MUTES_MAX; i++) {
		struct alert_mute *m = &e->mutes[i];
		if (m->unit[0] && m->until_ms > now_ms) {
			if (m->channel == channel && strcmp(m->unit, unit) == 0)
				return m;
		} else if (!free_slot) {
			free_slot = m;
		}
	}
	return free_slot;
}

/* Ends the mutes of `unit` that an unmute names (channel -1: all of them); returns until when
 * a mute of the whole unit still holds `channel` (0: none). */
static int64_t unmute(struct alert_engine *e, const char *unit, int16_t channel, int64_t now_ms)
{
	int64_t unit_until = 0;
	for (size_t i = 0; i < ALERT_MUTES_MAX; i++) {
		struct alert_mute *m = &e->mutes[i];
		if (!m->unit[0] || strcmp(m->unit, unit) != 0)
			continue;
		if (channel < 0 || m->channel == channel)
			m->unit[0] = '\0';
		else if (m->channel < 0 && m->until_ms > now_ms)
			unit_until = m->until_ms;
	}
	return unit_until;
}

int alert_engine_mute(struct alert_engine *e, const char *number, const char *unit, int16_t channel,
		      uint32_t duration_s, int64_t now_ms)
{
	char text[ALERT_TEXT_MAX], clean[ALERT_UNIT_MAX];
	int c = contact_of(e, number);
	if (c < 0)
		return -EACCES;
	if (!alert_contact_can_ack(e, c))
		return refuse(e, c, -EPERM, "viewers cannot mute, ask an operator", now_ms);
	clean_unit(clean, unit);
	if (!clean[0])
		return refuse(e, c, -EINVAL, "MUTE needs a unit, as in MUTE f1 2h", now_ms);
	channel = channel < 0 ? -1 : channel;
	int64_t until = 0, unit_until = 0;
	if (duration_s == 0) {
		unit_until = unmute(e, clean, channel, now_ms);
	} else {
		struct alert_mute *m = mute_slot(e, clean, channel, now_ms);
		if (!m)
			return refuse(e, c, -ENOSPC, "too many mutes in force, unmute one first", now_ms);
		until = now_ms + (int64_t)duration_s * 1000;
		*m = (struct alert_mute){.channel = channel, .until_ms = until};
		memcpy(m->unit, clean, sizeof(clean));
	}
	alert_msg_mute_done(e, text, clean, channel, until, unit_until, now_ms);
	alert_send_text(e, c, ALERT_MSG_MUTE_DONE, NULL, 0, text, now_ms);
	alert_deliver_due(e, now_ms);
	return 0;
}

size_t alert_engine_mutes(const struct alert_engine *e, struct alert_mute *out, size_t max, int64_t now_ms)
{
	size_t n = 0;
	for (size_t i = 0; i < ALERT_MUTES_MAX; i++) {
		const struct alert_mute *m = &e->mutes[i];
		if (!m->unit[0] || m->until_ms <= now_ms)
			continue;
		if (n < max)
			out[n] = *m;
		n++;
	}
	return n;
}

int alert_engine_restore_mute(struct alert_engine *e, const struct alert_mute *m, int64_t now_ms)
{
	char clean[ALERT_UNIT_MAX];
	char unit[ALERT_UNIT_MAX];
	memcpy(unit, m->unit, sizeof(unit));
	unit[ALERT_UNIT_MAX - 1] = '\0';
	clean_unit(clean, unit);
	if (!clean[0])
		return -EINVAL;
	if (m->until_ms <= now_ms)
		return 0;
	int16_t channel = m->channel < 0 ? -1 : m->channel;
	struct alert_mute *slot = mute_slot(e, clean, channel, now_ms);
	if (!slot)
		return -ENOSPC;
	*slot = (struct alert_mute){.channel = channel, .until_ms = m->until_ms};
	memcpy(slot->unit, clean, sizeof(clean));
	return 0;
}

void alert_engine_tick(struct alert_engine *e, int64_t now_ms)
{
	int64_t settle_ms = (int64_t)e->p.clear_settle_s * 1000;
	for (size_t i = 0; i < ALERT_MUTES_MAX; i++)
		if (e->mutes[i].unit[0] && e->mutes[i].until_ms <= now_ms)
			e->mutes[i].unit[0] = '\0';
	for (size_t i = 0; i < e->cap; i++) {
		struct alert_incident *inc = &e->inc[i];
		if (inc->id && inc->state == ALERT_STATE_CLEARED && now_ms - inc->cleared_ms >= settle_ms)
			close_incident(e, inc, now_ms);
	}
	alert_deliver_due(e, now_ms);
}

int64_t alert_engine_next_ms(const struct alert_engine *e, int64_t now_ms)
{
	int64_t next = alert_deliver_next_ms(e, now_ms);
	for (size_t i = 0; i < e->cap; i++) {
		const struct alert_incident *inc = &e->inc[i];
		int64_t at = inc->cleared_ms + (int64_t)e->p.clear_settle_s * 1000;
		if (inc->id && inc->state == ALERT_STATE_CLEARED && at < next)
			next = at;
	}
	for (size_t i = 0; i < ALERT_MUTES_MAX; i++)
		if (e->mutes[i].unit[0] && e->mutes[i].until_ms < next)
			next = e->mutes[i].until_ms;
	return next < now_ms ? now_ms : next;
}

int alert_engine_incident(const struct alert_engine *e, uint32_t id, struct alert_incident *out)
{
	for (size_t i = 0; id && i < e->cap; i++) {
		if (e->inc[i].id == id) {
			*out = e->inc[i];
			return 0;
		}
	}
	return -ENOENT;
}

size_t alert_engine_incidents(const struct alert_engine *e, struct alert_incident *out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < e->cap; i++) {
		if (!e->inc[i].id)
			continue;
		if (n < max)
			out[n] = e->inc[i];
		n++;
	}
	return n;
}

/* A saved incident comes from a file that may be damaged: every enum and index in range. */
static bool restorable(const struct alert_engine *e, const struct alert_incident *inc)
{
	uint32_t all = e->p.n_contacts >= 32 ? UINT32_MAX : (1u << e->p.n_contacts) - 1;
	if (inc->id == 0 || (unsigned)inc->state >= ALERT_STATE_CLOSED ||
	    (unsigned)inc->kind > ALERT_KIND_BASE || inc->acked_by >= (int)e->p.n_contacts ||
	    inc->acked_by < ALERT_ACKED_BY_GONE || ((inc->notified | inc->told | inc->capped) & ~all))
		return false;
	if (inc->state == ALERT_STATE_CLEARED && (unsigned)inc->before_clear > ALERT_STATE_ACKED)
		return false;
	return inc->state != ALERT_STATE_ACKED || inc->acked_by != -1;
}

/* The new index of the contact who was `old` in a call list of `old_numbers`, or -1. */
static int new_index(const struct alert_engine *e, int old, const char *const *old_numbers, size_t n_old)
{
	return old >= 0 && (size_t)old < n_old ? contact_of(e, old_numbers[old]) : -1;
}

static uint32_t remap_mask(const struct alert_engine *e, uint32_t mask, const char *const *old_numbers,
			   size_t n_old)
{
	uint32_t out = 0;
	for (int i = 0; i < ALERT_CONTACTS_MAX; i++) {
		int j = (mask & (1u << i)) ? new_index(e, i, old_numbers, n_old) : -1;
		if (j >= 0)
			out |= 1u << j;
	}
	return out;
}

void alert_engine_remap(const struct alert_engine *e, struct alert_incident *inc,
			const char *const *old_numbers, size_t n_old)
{
	inc->notified = remap_mask(e, inc->notified, old_numbers, n_old);
	inc->told = remap_mask(e, inc->told, old_numbers, n_old);
	inc->capped = remap_mask(e, inc->capped, old_numbers, n_old);
	if (inc->acked_by >= 0) {
		int j = new_index(e, inc->acked_by, old_numbers, n_old);
		inc->acked_by = j >= 0 ? j : ALERT_ACKED_BY_GONE;
	}
}

void alert_engine_remap_counters(const struct alert_engine *e, struct alert_counters *cnt,
				 const char *const *old_numbers, size_t n_old)
{
	struct alert_counters old = *cnt;
	memset(cnt->sent, 0, sizeof(cnt->sent));
	memset(cnt->last_alarm_ms, 0, sizeof(cnt->last_alarm_ms));
	cnt->quiet_missed = remap_mask(e, old.quiet_missed, old_numbers, n_old);
	for (int i = 0; i < ALERT_CONTACTS_MAX; i++) {
		int j = new_index(e, i, old_numbers, n_old);
		if (j < 0)
			continue;
		cnt->sent[j] = old.sent[i];
		cnt->last_alarm_ms[j] = old.last_alarm_ms[i];
	}
}

int alert_engine_restore(struct alert_engine *e, const struct alert_incident *inc)
{
	char unit[ALERT_UNIT_MAX];
	struct alert_incident *slot = NULL;
	if (!restorable(e, inc))
		return -EINVAL;
	clean_unit(unit, inc->unit);
	if (by_id(e, inc->id) || find(e, unit, inc->channel, inc->kind))
		return -EEXIST;
	for (size_t i = 0; !slot && i < e->cap; i++)
		if (e->inc[i].id == 0)
			slot = &e->inc[i];
	if (!slot)
		return -ENOSPC;
	*slot = *inc;
	memcpy(slot->unit, unit, sizeof(unit));
	if (inc->id >= e->next_id)
		e->next_id = inc->id + 1;
	return 0;
}

void alert_engine_counters(const struct alert_engine *e, struct alert_counters *out)
{
	*out = e->cnt;
}

uint32_t alert_engine_next_id(const struct alert_engine *e)
{
	return e->next_id;
}

void alert_engine_restore_counters(struct alert_engine *e, const struct alert_counters *in)
{
	e->cnt = *in;
}

size_t alert_engine_open_count(const struct alert_engine *e)
{
	size_t n = 0;
	for (size_t i = 0; i < e->cap; i++)
		n += e->inc[i].id != 0;
	return n;
}

uint32_t alert_engine_sent_today(const struct alert_engine *e, int idx)
{
	return e->cnt.sent[idx];
}

uint32_t alert_engine_site_sent_today(const struct alert_engine *e)
{
	return e->cnt.site_sent;
}

static int by_incident_id(const void *a, const void *b)
{
	uint32_t x = (*(const struct alert_incident *const *)a)->id;
	uint32_t y = (*(const struct alert_incident *const *)b)->id;
	return (x > y) - (x < y);
}

const char *alert_acker_name(const struct alert_engine *e, const struct alert_incident *inc)
{
	return inc->acked_by >= 0 ? e->p.contacts[inc->acked_by].name : "a former contact";
}

bool alert_contact_can_ack(const struct alert_engine *e, int c)
{
	return e->p.contacts[c].role != ALERT_ROLE_VIEWER;
}

int alert_engine_status_text(const struct alert_engine *e, const char *number, char *out)
{
	int c = contact_of(e, number);
	if (c < 0)
		return -EACCES;
	return alert_engine_status(e, out, alert_contact_can_ack(e, c));
}

int alert_engine_status(const struct alert_engine *e, char *out, bool can_ack)
{
	const struct alert_incident **list = calloc(e->cap ? e->cap : 1, sizeof(*list));
	if (!list)
		return -ENOMEM;
	size_t n = 0;
	for (size_t i = 0; i < e->cap; i++)
		if (e->inc[i].id)
			list[n++] = &e->inc[i];
	qsort(list, n, sizeof(*list), by_incident_id);
	alert_msg_status(e, out, list, n, can_ack);
	free(list);
	return (int)n;
}
