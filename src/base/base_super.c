/* Supervision: a unit silent past its heartbeat plus silent_grace opens a SILENT incident
 * (the alarm engine texts the call list), closed when the unit is heard again; the base's
 * own modems dead or their SIM full are incidents too (texted through any other modem that
 * is ready); a READ or SET relayed to a unit that got no answer within command_timeout is
 * reported to whoever asked. Silence counts on the wall clock from the last message heard
 * (both persisted), so a restart neither raises it again nor forgets it. */
#include "base_int.h"

#include "base_super.h"
#include "log.h"

#include <stdio.h>
#include <string.h>

int64_t base_silent_deadline(int64_t last_heard_ms, int64_t watch_since_ms, uint32_t heartbeat_s,
			     uint32_t grace_s)
{
	int64_t from = last_heard_ms ? last_heard_ms : watch_since_ms;
	return from + ((int64_t)heartbeat_s + grace_s) * 1000;
}

/* Silence is judged once the modems had a moment to hand over what waited on their SIMs
 * while the base was down (base_super_modem_ready), so a restart after hours does not text
 * SILENT for units whose messages are there. */
#define SUPERVISE_SETTLE_MS (5 * 1000LL)

void base_super_modem_ready(struct base *b, int64_t now_ms)
{
	if (!b->supervise_ms) {
		b->supervise_ms = now_ms + SUPERVISE_SETTLE_MS;
		base_wake(b);
	}
}

static int64_t deadline(const struct base *b, const struct base_unit *u)
{
	if (b->pool.n && !b->supervise_ms)
		return INT64_MAX;
	int64_t t = base_silent_deadline(u->last_heard_ms, u->st.watch_since_ms, u->cfg->heartbeat_s,
					 b->cfg->silent_grace_s);
	return t > b->supervise_ms ? t : b->supervise_ms;
}

static void unit_event(struct base *b, enum store_event_kind kind, const char *unit, const char *text)
{
	struct store_event *e = base_batch_event(&b->batch, kind, b->now_ms);
	if (!e)
		return;
	snprintf(e->unit, sizeof(e->unit), "%s", unit);
	snprintf(e->text, sizeof(e->text), "%s", text);
}

void base_super_tick(struct base *b, int64_t now_ms)
{
	for (size_t i = 0; i < b->n_units; i++) {
		struct base_unit *u = &b->units[i];
		if (u->silent || now_ms < deadline(b, u))
			continue;
		char since[8], text[128];
		int64_t from = u->last_heard_ms ? u->last_heard_ms : u->st.watch_since_ms;
		base_hhmm(b, from, since, sizeof(since));
		snprintf(text, sizeof(text), "%s since %s (heartbeat %us, grace %us)",
			 u->last_heard_ms ? "not heard" : "never heard", since, u->cfg->heartbeat_s,
			 b->cfg->silent_grace_s);
		log_warn("base",
			 "event=unit_silent unit=%s last_heard_ms=%lld hint=\"no message within its "
			 "heartbeat and "
			 "grace: check the unit's power, its modem's signal and SIM credit\"",
			 u->cfg->id, (long long)u->last_heard_ms);
		unit_event(b, STORE_EVENT_SILENT, u->cfg->id, text);
		struct alert_report r = {
			.unit = u->cfg->id, .channel = -1, .kind = ALERT_KIND_SILENT, .since_ms = from};
		base_alarms_apply(b, &r, BASE_OP_RAISE);
		u->silent = true;
	}
}

int64_t base_super_next_ms(const struct base *b)
{
	int64_t next = INT64_MAX;
	for (size_t i = 0; i < b->n_units; i++) {
		const struct base_unit *u = &b->units[i];
		int64_t t = u->silent ? INT64_MAX : deadline(b, u);
		next = t < next ? t : next;
	}
	return next;
}

void base_super_heard(struct base *b, struct base_unit *u)
{
	if (!u->silent)
		return;
	u->silent = false;
	log_info("base", "event=unit_heard_again unit=%s", u->cfg->id);
	unit_event(b, STORE_EVENT_HEARD, u->cfg->id, "heard again");
	struct alert_report r = {.unit = u->cfg->id, .channel = -1, .kind = ALERT_KIND_SILENT};
	base_alarms_apply(b, &r, BASE_OP_CLEAR);
}

void base_super_modem_step(struct base *b, struct base_job *job)
{
	const struct base_modem *m = &b->pool.m[job->modem];
	bool sim = job->news == BASE_MODEM_SIM_FULL || job->news == BASE_MODEM_SIM_OK;
	bool raise = job->news == BASE_MODEM_DEAD || job->news == BASE_MODEM_SIM_FULL;
	char text[STORE_EVENT_TEXT_MAX];
	snprintf(text, sizeof(text), "%s %s (%.80s)", m->name,
		 sim ? (raise ? "SIM storage full" : "SIM storage has room again")
		     : (raise ? "dead: no answer after every recovery step" : "ready again"),
		 m->cfg->device);
	unit_event(b, STORE_EVENT_MODEM, "", text);
	if (!job->epoch)
		return; /* the leader's engine raises incidents; this base records what it saw */
	struct alert_report r = {.unit = m->name,
				 .channel = -1,
				 .kind = sim ? ALERT_KIND_SIM_FULL : ALERT_KIND_MODEM,
				 .since_ms = b->now_ms};
	base_alarms_apply(b, &r, raise ? BASE_OP_RAISE : BASE_OP_CLEAR);
}

/* ---- relayed commands without an answer ---- */

static int64_t command_deadline(const struct base *b, const struct base_pending *p)
{
	return p->sent_ms + (int64_t)b->cfg->command_timeout_s * 1000;
}

void base_super_commands_tick(struct base *b, int64_t now_ms)
{
	for (size_t i = 0; i < b->n_units; i++) {
		struct base_unit *u = &b->units[i];
		for (size_t k = 0; k < u->st.n_pending;) {
			struct base_pending p = u->st.pending[k];
			if (now_ms < command_deadline(b, &p)) {
				k++;
				continue;
			}
			base_ustate_pending_drop(&u->st, p.cmd_id);
			u->dirty = true;
			log_warn("base",
				 "event=command_unanswered unit=%s cmd=%u text=\"%s\" by=%s after_s=%u "
				 "hint=\"the unit did not answer: out of signal, off, or its SIM out of "
				 "credit; it may still apply it when the text reaches it\"",
				 u->cfg->id, p.cmd_id, p.text, p.by, b->cfg->command_timeout_s);
			char body[ALERT_TEXT_MAX], tail[48], text[ALERT_TEXT_MAX], dur[16];
			uint32_t s = b->cfg->command_timeout_s;
			snprintf(dur, sizeof(dur),
				 s % 3600 == 0 ? "%uh"
				 : s % 60 == 0 ? "%um"
					       : "%us",
				 s % 3600 == 0 ? s / 3600
				 : s % 60 == 0 ? s / 60
					       : s);
			snprintf(body, sizeof(body),
				 "%s: no answer from %s to %s within %s; it may be out of signal",
				 b->policy.site, u->cfg->id, p.text, dur);
			snprintf(tail, sizeof(tail), ". Reply STATUS %s", u->cfg->id);
			base_text_fit(text, body, tail);
			int c = base_contact_by_number(b, p.by);
			if (c >= 0)
				base_cmd_send(b, c, text);
		}
	}
}

int64_t base_super_commands_next_ms(const struct base *b)
{
	int64_t next = INT64_MAX;
	for (size_t i = 0; i < b->n_units; i++)
		for (size_t k = 0; k < b->units[i].st.n_pending; k++) {
			int64_t t = command_deadline(b, &b->units[i].st.pending[k]);
			next = t < next ? t : next;
		}
	return next;
}
