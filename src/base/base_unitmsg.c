/* A message from a unit: its form, its unit id against the number it came from, its tag,
 * then the replay window; only then is it applied (readings and events stored, alarms to the
 * engine in the order of the unit's sequence numbers, commands answered) and a receipt owed.
 * Forgeries, copies and replays change nothing: they are logged, recorded as events, and the
 * inbox row says why it was refused. */
#include "base_int.h"

#include "alert_text.h"
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define CLOCK_WARN_MS   (120 * 1000LL) /* a unit's clock this far off is logged */
#define CLOCK_OK_MS     (60 * 1000LL)  /* and within this it counts as right again */
#define CLOCK_REBASE_MS (3600 * 1000LL)

int64_t base_unit_time(const struct base_unit *u, int64_t unit_ms)
{
	int64_t off = u->clock_offset_ms;
	return off >= CLOCK_OK_MS || off <= -CLOCK_OK_MS ? unit_ms - off : unit_ms;
}

static void refuse(struct base *b, const struct base_job *job, const char *unit, const char *reason,
		   enum store_event_kind kind, const char *detail)
{
	base_inbox_mark(b, job, STORE_INBOX_REJECTED, reason);
	struct store_event *e = base_batch_event(&b->batch, kind, b->now_ms);
	if (!e)
		return;
	snprintf(e->unit, sizeof(e->unit), "%s", unit);
	snprintf(e->actor, sizeof(e->actor), "%s", job->sender);
	snprintf(e->text, sizeof(e->text), "%s", detail);
}

/* The unit's clock against the base's: the largest offset seen lately, because a message
 * that waited in the unit's outbox or at the network only looks older. */
static void clock_take(struct base *b, struct base_unit *u, const struct base_job *job, int64_t unit_ms)
{
	int64_t ref = job->received_ms ? job->received_ms : b->now_ms;
	if (job->scts_ms && ref - job->scts_ms > CLOCK_OK_MS)
		ref = job->scts_ms; /* it waited at the network: the SMSC's clock says when it was sent */
	int64_t sample = unit_ms - ref;
	if (!u->st.offset_at_ms || sample > u->clock_offset_ms ||
	    b->now_ms - u->st.offset_at_ms > CLOCK_REBASE_MS) {
		u->clock_offset_ms = sample;
		u->st.offset_at_ms = b->now_ms;
	}
	int64_t off = u->clock_offset_ms;
	if (!u->st.clock_warned && (off > CLOCK_WARN_MS || off < -CLOCK_WARN_MS)) {
		u->st.clock_warned = true;
		log_warn("base",
			 "event=unit_clock_off unit=%s offset_s=%lld hint=\"the unit sets its clock from the "
			 "base's "
			 "receipts, which carry the base's clock; its readings are stored corrected "
			 "meanwhile; "
			 "check the base's own clock too\"",
			 u->cfg->id, (long long)(off / 1000));
	} else if (u->st.clock_warned && off < CLOCK_OK_MS && off > -CLOCK_OK_MS) {
		u->st.clock_warned = false;
		log_info("base", "event=unit_clock_ok unit=%s offset_s=%lld", u->cfg->id,
			 (long long)(off / 1000));
	}
}

static void reading(struct base *b, struct base_unit *u, const char *channel, int64_t t_ms, bool fault,
		    int32_t c10, uint32_t seq, int64_t received_ms)
{
	struct store_reading *r = base_batch_reading(&b->batch);
	if (r) {
		snprintf(r->unit, sizeof(r->unit), "%s", u->cfg->id);
		snprintf(r->channel, sizeof(r->channel), "%s", channel);
		r->t_ms = t_ms;
		r->fault = fault;
		r->temp_c10 = fault ? 0 : c10;
		r->received_ms = received_ms;
		r->seq = seq;
	}
	int idx = base_ustate_channel(&u->st, channel, true);
	if (idx < 0)
		return;
	struct base_channel *ch = &u->st.ch[idx];
	if (!ch->has_last || t_ms >= ch->last_ms) {
		ch->has_last = true;
		ch->last_fault = fault;
		ch->last_c10 = fault ? 0 : c10;
		ch->last_ms = t_ms;
	}
}

static void readings(struct base *b, struct base_unit *u, const struct base_job *job,
		     const struct proto_msg *m)
{
	const struct proto_readings *r = &m->u.readings;
	for (size_t c = 0; c < r->n_channels; c++) {
		for (size_t i = 0; i < r->count; i++) {
			int32_t v = proto_readings_at(r, c, i);
			int64_t t = base_unit_time(u, r->first_ms + (int64_t)i * r->interval_s * 1000);
			reading(b, u, r->channel[c], t, v == PROTO_MISSING, v, m->head.seq, job->received_ms);
		}
	}
}

static void values(struct base *b, struct base_unit *u, const struct base_job *job, const struct proto_msg *m,
		   const struct proto_value *v, size_t n)
{
	int64_t t = base_unit_time(u, m->head.time_ms);
	for (size_t i = 0; i < n; i++)
		reading(b, u, v[i].channel, t, !v[i].ok, v[i].temp_c10, m->head.seq, job->received_ms);
}

static void heartbeat(struct base *b, struct base_unit *u, const struct base_job *job,
		      const struct proto_msg *m)
{
	const struct proto_status *s = &m->u.status;
	values(b, u, job, m, s->values, s->n_values);
	u->st.mains_state = (int8_t)s->mains;
	u->st.battery_pct = s->battery_pct;
	u->st.csq = s->csq;
	u->st.status_ms = b->now_ms;
	log_debug("base", "event=unit_heartbeat unit=%s mains=%s csq=%d pending=%u uptime_s=%u", u->cfg->id,
		  proto_mains_str(s->mains), s->csq, s->pending, s->uptime_s);
}

static const char *level_words(enum proto_level level)
{
	switch (level) {
	case PROTO_LEVEL_LOW_LOW:
		return "LOW_LOW";
	case PROTO_LEVEL_LOW:
		return "LOW";
	case PROTO_LEVEL_HIGH:
		return "HIGH";
	case PROTO_LEVEL_HIGH_HIGH:
		return "HIGH_HIGH";
	case PROTO_LEVEL_PROBE:
		return "PROBE";
	case PROTO_LEVEL_RATE:
		return "RATE";
	}
	return "?";
}

/* The value that completed an alarm's transition is the channel's latest reading too. */
static void event_value(struct base_unit *u, int idx, const struct proto_msg *m)
{
	const struct proto_event *ev = &m->u.event;
	struct base_channel *ch = &u->st.ch[idx];
	int64_t t = base_unit_time(u, m->head.time_ms);
	if (!ev->has_value || (ch->has_last && t < ch->last_ms))
		return;
	ch->has_last = true;
	ch->last_fault = m->head.kind == PROTO_KIND_FAULT;
	ch->last_c10 = ch->last_fault ? 0 : ev->value_c10;
	ch->last_ms = t;
}

static void event_record(struct base *b, struct base_unit *u, const struct proto_msg *m, bool raised,
			 bool late)
{
	const struct proto_event *ev = &m->u.event;
	bool probe = ev->level == PROTO_LEVEL_PROBE;
	enum store_event_kind kind = probe    ? STORE_EVENT_PROBE
				     : raised ? STORE_EVENT_ALARM
					      : STORE_EVENT_CLEAR;
	struct store_event *e = base_batch_event(&b->batch, kind, b->now_ms);
	if (!e)
		return;
	char v[16] = "-", t[16] = "-", since[8];
	if (ev->has_value)
		alert_text_temp(v, sizeof(v), ev->value_c10);
	alert_text_temp(t, sizeof(t), ev->threshold_c10);
	base_hhmm(b, base_unit_time(u, ev->since_ms), since, sizeof(since));
	snprintf(e->unit, sizeof(e->unit), "%s", u->cfg->id);
	snprintf(e->channel, sizeof(e->channel), "%s", ev->channel);
	e->has_value = ev->has_value;
	e->value_c10 = ev->value_c10;
	if (probe)
		snprintf(e->text, sizeof(e->text), "probe %s, value %s, since %s, seq %u%s",
			 raised ? "fault" : "good again", v, since, m->head.seq,
			 late ? ", late: not applied" : "");
	else
		snprintf(e->text, sizeof(e->text), "%s %s at %s (%s %s) since %s, seq %u%s",
			 level_words(ev->level), raised ? "raised" : "cleared", v,
			 raised ? "limit" : "clears at", t, since, m->head.seq,
			 late ? ", late: not applied" : "");
}

/* What message `m` says of a level, for base_order. */
static struct base_word word(const struct base *b, const struct proto_msg *m, bool raised, int64_t since_ms)
{
	return (struct base_word){.seq = m->head.seq,
				  .raised = raised,
				  .since_ms = since_ms,
				  .settle_ms = (int64_t)b->policy.clear_settle_s * 1000};
}

static void missed_clear(const struct base_unit *u, const char *channel, const char *level, uint32_t seq)
{
	log_warn("base",
		 "event=unit_clear_missed unit=%s channel=%s level=%s seq=%u hint=\"the unit raises it "
		 "again for a new excursion, so it cleared in between and that CLEAR has not come (lost "
		 "or late): the old incident is closed with an all-clear and a new one opened\"",
		 u->cfg->id, channel, level, seq);
}

/* ALARM, CLEAR, FAULT, FAULT_END: stored, then given to the engine in the unit's order. */
static void channel_event(struct base *b, struct base_unit *u, const struct proto_msg *m, bool raised)
{
	const struct proto_event *ev = &m->u.event;
	int idx = base_ustate_channel(&u->st, ev->channel, true);
	bool late = idx >= 0 && m->head.seq <= u->st.ch[idx].level[ev->level].seq;
	event_record(b, u, m, raised, late);
	if (idx < 0) {
		log_warn("base", "event=unit_channel_ignored unit=%s channel=%s reason=more_than_8_channels",
			 u->cfg->id, ev->channel);
		return;
	}
	event_value(u, idx, m);
	if (late) {
		log_info("base",
			 "event=unit_event_late unit=%s channel=%s level=%s seq=%u newer=%u hint=\"the unit "
			 "said something newer about this level; the late message changes nothing\"",
			 u->cfg->id, ev->channel, proto_level_str(ev->level), m->head.seq,
			 u->st.ch[idx].level[ev->level].seq);
		return;
	}
	struct base_op ops[BASE_OPS_MAX];
	enum alert_kind kind;
	struct base_word w = word(b, m, raised, ev->since_ms);
	size_t n = base_order_event(&u->st.ch[idx], ev->level, &w, &kind, ops);
	for (size_t i = 0; i < n; i++) {
		if (ops[i].op == BASE_OP_CLOSE)
			missed_clear(u, ev->channel, proto_level_str(ev->level), m->head.seq);
		struct alert_report r = {.unit = u->cfg->id,
					 .channel = (int16_t)idx,
					 .kind = kind,
					 .critical = ops[i].critical,
					 .has_value = ev->has_value,
					 .value_c10 = ev->value_c10,
					 .threshold_c10 = ev->threshold_c10,
					 .since_ms = base_unit_time(u, ev->since_ms)};
		base_alarms_apply(b, &r, ops[i].op);
	}
}

static void power(struct base *b, struct base_unit *u, const struct proto_msg *m)
{
	const struct proto_power *p = &m->u.power;
	bool battery = p->event == PROTO_POWER_BATTERY_LOW || p->event == PROTO_POWER_BATTERY_OK;
	bool raised = p->event == PROTO_POWER_MAINS_LOST || p->event == PROTO_POWER_BATTERY_LOW;
	struct store_event *e = base_batch_event(&b->batch, STORE_EVENT_POWER, b->now_ms);
	if (e) {
		snprintf(e->unit, sizeof(e->unit), "%s", u->cfg->id);
		snprintf(e->text, sizeof(e->text), "%s, battery %d%% %dmV, seq %u",
			 proto_power_event_str(p->event), p->battery_pct, p->battery_mv, m->head.seq);
	}
	if (p->battery_pct >= 0)
		u->st.battery_pct = p->battery_pct;
	struct base_op ops[BASE_OPS_MAX];
	struct base_word w = word(b, m, raised, p->since_ms);
	size_t n = base_order_unit(battery ? &u->st.battery : &u->st.mains, &w, ops);
	for (size_t i = 0; i < n; i++) {
		if (ops[i].op == BASE_OP_CLOSE)
			missed_clear(u, "-", battery ? "battery" : "mains", m->head.seq);
		struct alert_report r = {.unit = u->cfg->id,
					 .channel = -1,
					 .kind = battery ? ALERT_KIND_BATTERY : ALERT_KIND_POWER,
					 .since_ms = base_unit_time(u, p->since_ms)};
		base_alarms_apply(b, &r, ops[i].op);
	}
}

static void apply(struct base *b, struct base_unit *u, const struct base_job *job, const struct proto_msg *m)
{
	switch (m->head.kind) {
	case PROTO_KIND_READINGS:
		readings(b, u, job, m);
		break;
	case PROTO_KIND_ALARM:
	case PROTO_KIND_FAULT:
		channel_event(b, u, m, true);
		break;
	case PROTO_KIND_CLEAR:
	case PROTO_KIND_FAULT_END:
		channel_event(b, u, m, false);
		break;
	case PROTO_KIND_POWER:
		power(b, u, m);
		break;
	case PROTO_KIND_HEARTBEAT:
		heartbeat(b, u, job, m);
		break;
	case PROTO_KIND_ECHO:
		base_cmd_echo(b, u, &m->u.echo);
		break;
	case PROTO_KIND_REPLY:
		values(b, u, job, m, m->u.reply.values, m->u.reply.n_values);
		base_cmd_reply(b, u, &m->u.reply);
		break;
	case PROTO_KIND_RECEIPT:
	case PROTO_KIND_COMMAND:
		break; /* proto_open refuses the base's own kinds */
	}
}

static void take(struct base *b, struct base_unit *u, const struct base_job *job, const struct proto_msg *m)
{
	proto_window_accept(&u->st.win, m->head.seq);
	u->last_heard_ms = job->received_ms ? job->received_ms : b->now_ms;
	if (m->head.seq > u->last_seq)
		u->last_seq = m->head.seq;
	clock_take(b, u, job, m->head.time_ms);
	u->dirty = true;
	base_inbox_mark(b, job, STORE_INBOX_PROCESSED, NULL);
	log_info("base", "event=unit_message unit=%s kind=%s seq=%u", u->cfg->id,
		 proto_kind_str(m->head.kind), m->head.seq);
	apply(b, u, job, m);
	base_receipts_note(b, u, true);
	base_super_heard(b, u);
}

void base_unitmsg_step(struct base *b, struct base_job *job, struct base_unit *u)
{
	struct proto_head head;
	struct proto_error err = {0};
	char why[160];
	if (proto_peek(job->text, job->text_len, &head, &err) < 0) {
		log_warn("base",
			 "event=unit_text_refused unit=%s from=%s reason=%s at=%zu hint=\"the unit's number "
			 "sent a text that is no protocol message (the SIM's operator, a person using the "
			 "unit's SIM?); nothing was acted on\"",
			 u->cfg->id, job->sender, proto_reject_str(err.reason), err.at);
		snprintf(why, sizeof(why), "not a protocol message (%s at %zu)", proto_reject_str(err.reason),
			 err.at);
		refuse(b, job, u->cfg->id, proto_reject_str(err.reason), STORE_EVENT_OTHER, why);
		return;
	}
	if (strcmp(head.unit, u->cfg->id) != 0) {
		log_warn("base",
			 "event=unit_forged unit=%s from=%s says_unit=\"%s\" reason=unit_mismatch hint=\"a "
			 "message naming another unit from this unit's number: nothing was acted on\"",
			 u->cfg->id, job->sender, head.unit);
		snprintf(why, sizeof(why), "message says unit %s, seq %u", head.unit, head.seq);
		refuse(b, job, u->cfg->id, "unit_mismatch", STORE_EVENT_FORGED, why);
		return;
	}
	int rc = proto_open(job->text, job->text_len, u->cfg->key, PROTO_DIR_UNIT_TO_BASE, b->msg, &err);
	if (rc < 0) {
		bool forged = rc == -EACCES || err.reason == PROTO_REJECT_DIRECTION;
		log_warn("base", "event=%s unit=%s from=%s seq=%u reason=%s at=%zu hint=\"%s\"",
			 forged ? "unit_forged" : "unit_malformed", u->cfg->id, job->sender, head.seq,
			 proto_reject_str(err.reason), err.at,
			 forged ? "the tag does not verify: a wrong key in the unit's or the base's file, or "
				  "someone else's text; nothing was acted on"
				: "a message the protocol refuses; nothing was acted on");
		snprintf(why, sizeof(why), "%s, seq %u (%s at %zu)", forged ? "forged" : "malformed",
			 head.seq, proto_reject_str(err.reason), err.at);
		refuse(b, job, u->cfg->id, forged ? "forged" : "malformed",
		       forged ? STORE_EVENT_FORGED : STORE_EVENT_OTHER, why);
		return;
	}
	if (proto_window_check(&u->st.win, head.seq, &err) < 0) {
		log_info("base",
			 "event=unit_copy unit=%s seq=%u reason=%s hint=\"a copy of a message already "
			 "stored (the unit missed a receipt, or a replay): not acted on again\"",
			 u->cfg->id, head.seq, proto_reject_str(err.reason));
		snprintf(why, sizeof(why), "%s %s seq %u, not acted on", proto_reject_str(err.reason),
			 proto_kind_str(head.kind), head.seq);
		refuse(b, job, u->cfg->id, proto_reject_str(err.reason), STORE_EVENT_REPLAY, why);
		base_receipts_note(b, u, false);
		return;
	}
	take(b, u, job, b->msg);
}

bool base_unitmsg_misrouted(struct base *b, struct base_job *job)
{
	struct proto_head head;
	if (proto_peek(job->text, job->text_len, &head, NULL) < 0)
		return false;
	int u = -1;
	for (size_t i = 0; i < b->n_units && u < 0; i++)
		if (strcmp(b->units[i].cfg->id, head.unit) == 0)
			u = (int)i;
	if (u < 0)
		return false;
	const struct base_unit *unit = &b->units[u];
	struct proto_error err;
	bool genuine = proto_open(job->text, job->text_len, unit->cfg->key, PROTO_DIR_UNIT_TO_BASE, b->msg,
				  &err) == 0;
	log_warn("base", "event=unit_wrong_number unit=%s from=%s expected=%s genuine=%s hint=\"%s\"",
		 unit->cfg->id, job->sender, unit->cfg->number, genuine ? "yes" : "no",
		 genuine ? "a valid message of this unit from another number: if its SIM changed, set its "
			   "number in the base's file; nothing was acted on"
			 : "a forged message naming this unit; nothing was acted on");
	char why[96];
	snprintf(why, sizeof(why), "seq %u from %s, not the unit's number", head.seq, job->sender);
	refuse(b, job, unit->cfg->id, genuine ? "wrong_number" : "forged", STORE_EVENT_FORGED, why);
	return true;
}
