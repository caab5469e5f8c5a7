/* Phone commands at the base (docs/commands.md): a contact's SMS is parsed with the phone
 * grammar, each command answered on its own in order, by role: STATUS, WHO and HELP from
 * what the base knows; ACK, MUTE and UNMUTE by the alarm engine (which writes those replies
 * and refuses viewers); READ and SET relayed to the unit as signed commands, the answer
 * forwarded to the asker when the unit sends it (REPLY, ECHO) or a notice when it does not.
 * Every reply is one GSM 7-bit SMS; every command is an event. */
#include "base_int.h"

#include "alert_text.h"
#include "log.h"
#include "phone_help.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static enum phone_role role_of(enum alert_role r)
{
	switch (r) {
	case ALERT_ROLE_ADMIN:
		return PHONE_ROLE_ADMIN;
	case ALERT_ROLE_OPERATOR:
		return PHONE_ROLE_OPERATOR;
	case ALERT_ROLE_VIEWER:
		break;
	}
	return PHONE_ROLE_VIEWER;
}

static bool relayed(const struct phone_cmd *cmd)
{
	return cmd->verb == PHONE_VERB_READ || cmd->verb == PHONE_VERB_SET;
}

/* The unit a relayed command goes to, when the sender may send it; -1 otherwise. */
static int relay_unit(const struct base *b, int contact, const struct phone_item *it)
{
	if (it->err != PHONE_ERR_NONE || !relayed(&it->cmd))
		return -1;
	if (!phone_role_may(PHONE_SIDE_BASE, role_of(b->policy.contacts[contact].role), it->cmd.verb))
		return -1;
	return base_unit_by_id(b, it->cmd.unit);
}

void base_cmd_plan(struct base *b, struct base_job *job)
{
	job->phone = malloc(sizeof(*job->phone));
	if (!job->phone || phone_parse(PHONE_SIDE_BASE, job->text, job->text_len, job->phone) < 0) {
		free(job->phone);
		job->phone = NULL;
		return;
	}
	for (size_t i = 0; i < job->phone->n && job->n_seq < BASE_SEQ_MAX; i++) {
		int u = relay_unit(b, job->contact, &job->phone->item[i]);
		if (u >= 0)
			job->seq_unit[job->n_seq++] = u;
	}
}

void base_cmd_send(struct base *b, int c, const char *text)
{
	const char *number = b->policy.contacts[c].number;
	base_batch_sms(&b->batch, number, text, "reply", 0, b->now_ms);
	struct store_event *e = base_batch_event(&b->batch, STORE_EVENT_NOTIFIED, b->now_ms);
	if (e) {
		snprintf(e->actor, sizeof(e->actor), "%s", number);
		/* Cut, when it must be, at a character, never inside one. */
		alert_text_clean(e->text, sizeof(e->text), text);
	}
}

static void command_event(struct base *b, int c, const char *unit, const char *text)
{
	struct store_event *e = base_batch_event(&b->batch, STORE_EVENT_COMMAND, b->now_ms);
	if (!e)
		return;
	snprintf(e->actor, sizeof(e->actor), "%s", b->policy.contacts[c].number);
	snprintf(e->unit, sizeof(e->unit), "%s", unit ? unit : "");
	snprintf(e->text, sizeof(e->text), "%s", text);
}

static void refuse(struct base *b, int c, const char *why, const char *tail)
{
	char text[ALERT_TEXT_MAX];
	base_text_refused(b, why, tail, text);
	base_cmd_send(b, c, text);
}

/* The unit named, or a refusal naming the units there are. */
static struct base_unit *unit_named(struct base *b, int c, const char *id)
{
	int u = base_unit_by_id(b, id);
	if (u >= 0)
		return &b->units[u];
	char why[ALERT_TEXT_MAX];
	size_t len = (size_t)snprintf(why, sizeof(why), "no unit %s here; units:", id);
	for (size_t i = 0; i < b->n_units && len < sizeof(why); i++)
		len += (size_t)snprintf(why + len, sizeof(why) - len, "%s %s", i ? "," : "",
					b->units[i].cfg->id);
	refuse(b, c, why, ". Reply STATUS for all units");
	return NULL;
}

/* The engine's number of channel `typed` of `u`, -1 for "" (all), or a refusal (-2). */
static int channel_named(struct base *b, int c, struct base_unit *u, const char *typed)
{
	if (!typed[0])
		return -1;
	int idx = base_ustate_find(&u->st, typed);
	if (idx >= 0)
		return idx;
	char why[ALERT_TEXT_MAX], tail[48];
	size_t len =
		(size_t)snprintf(why, sizeof(why), "%s has no channel %s the base knows", u->cfg->id, typed);
	for (size_t i = 0; i < u->st.n_channels && len < sizeof(why); i++)
		len += (size_t)snprintf(why + len, sizeof(why) - len, "%s%s", i ? ", " : " (",
					u->st.ch[i].name);
	if (u->st.n_channels && len < sizeof(why))
		snprintf(why + len, sizeof(why) - len, ")");
	snprintf(tail, sizeof(tail), ". Reply STATUS %s", u->cfg->id);
	refuse(b, c, why, tail);
	return -2;
}

static void do_status(struct base *b, int c, const struct phone_cmd *cmd)
{
	char text[ALERT_TEXT_MAX];
	bool can_ack = b->policy.contacts[c].role != ALERT_ROLE_VIEWER;
	if (!cmd->unit[0]) {
		base_text_status_all(b, can_ack, text);
	} else {
		struct base_unit *u = unit_named(b, c, cmd->unit);
		if (!u)
			return;
		base_text_status_unit(b, u, can_ack, text);
	}
	base_cmd_send(b, c, text);
}

static void do_mute(struct base *b, int c, const struct phone_cmd *cmd)
{
	struct base_unit *u = unit_named(b, c, cmd->unit);
	int ch = u ? channel_named(b, c, u, cmd->channel) : -2;
	if (ch < -1)
		return;
	uint32_t dur = cmd->verb == PHONE_VERB_MUTE ? cmd->duration_s : 0;
	int rc = alert_engine_mute(b->engine, b->policy.contacts[c].number, u->cfg->id, (int16_t)ch, dur,
				   b->now_ms);
	if (rc < 0)
		return; /* the engine has told them why */
	struct store_event *e =
		base_batch_event(&b->batch, dur ? STORE_EVENT_MUTE : STORE_EVENT_UNMUTE, b->now_ms);
	if (e) {
		snprintf(e->unit, sizeof(e->unit), "%s", u->cfg->id);
		snprintf(e->channel, sizeof(e->channel), "%s", ch >= 0 ? u->st.ch[ch].name : "");
		snprintf(e->actor, sizeof(e->actor), "%s", b->policy.contacts[c].number);
		snprintf(e->text, sizeof(e->text), dur ? "muted for %us" : "unmuted", dur);
	}
}

static void do_ack(struct base *b, int c, const struct phone_cmd *cmd)
{
	int64_t id = ALERT_ACK_NEWEST;
	if (cmd->ack == PHONE_ACK_ALL)
		id = ALERT_ACK_ALL;
	else if (cmd->ack == PHONE_ACK_ID)
		id = (int64_t)cmd->ack_id;
	int rc = alert_engine_ack(b->engine, b->policy.contacts[c].number, id, b->now_ms);
	log_info("base", "event=ack from=%s name=\"%s\" which=%s result=%d", b->policy.contacts[c].number,
		 b->policy.contacts[c].name, phone_ack_str(cmd->ack), rc);
}

/* READ and SET: a signed command to the unit, waiting for its answer. */
static void do_relay(struct base *b, int c, const struct phone_cmd *cmd, uint32_t seq)
{
	struct base_unit *u = unit_named(b, c, cmd->unit);
	char text[PROTO_CMD_TEXT_MAX], reply[ALERT_TEXT_MAX], body[ALERT_TEXT_MAX], tail[48];
	if (!u)
		return;
	snprintf(tail, sizeof(tail), ". Reply STATUS %s", u->cfg->id);
	if (cmd->verb == PHONE_VERB_SET && u->cfg->n_channels && channel_named(b, c, u, cmd->channel) < -1)
		return;
	if (u->st.n_pending == BASE_PENDING_MAX) {
		snprintf(body, sizeof(body), "%s has %d commands waiting for an answer, try again later",
			 u->cfg->id, BASE_PENDING_MAX);
		refuse(b, c, body, tail);
		return;
	}
	int len = phone_cmd_format(PHONE_SIDE_UNIT, cmd, text, sizeof(text));
	if (len < 0 || (size_t)len >= sizeof(text) || seq == 0 ||
	    base_receipts_command(b, u, seq, b->policy.contacts[c].number, text) < 0) {
		refuse(b, c, "that command cannot be relayed", tail);
		return;
	}
	struct base_pending *p = &u->st.pending[u->st.n_pending++];
	*p = (struct base_pending){.cmd_id = seq,
				   .verb = cmd->verb == PHONE_VERB_SET ? BASE_PENDING_SET : BASE_PENDING_READ,
				   .sent_ms = b->now_ms};
	alert_text_clean(p->by, sizeof(p->by), b->policy.contacts[c].number);
	snprintf(p->text, sizeof(p->text), "%s", text);
	u->dirty = true;
	if (cmd->verb == PHONE_VERB_READ)
		snprintf(body, sizeof(body), "%s: asked %s for a fresh reading, the answer follows",
			 b->policy.site, u->cfg->id);
	else
		snprintf(body, sizeof(body), "%s: sent %s to %s, you are told when it applies it",
			 b->policy.site, text, u->cfg->id);
	base_text_fit(reply, body, tail);
	base_cmd_send(b, c, reply);
}

static void do_command(struct base *b, struct base_job *job, const struct phone_cmd *cmd, size_t *seq_i)
{
	int c = job->contact;
	enum phone_role role = role_of(b->policy.contacts[c].role);
	char text[ALERT_TEXT_MAX], why[96];
	bool may = phone_role_may(PHONE_SIDE_BASE, role, cmd->verb);
	if (relayed(cmd) && may && base_unit_by_id(b, cmd->unit) >= 0) {
		uint32_t seq = *seq_i < job->got_seq ? job->seq[*seq_i] : 0;
		(*seq_i)++;
		do_relay(b, c, cmd, seq);
		return;
	}
	switch (cmd->verb) {
	case PHONE_VERB_STATUS:
		do_status(b, c, cmd);
		return;
	case PHONE_VERB_WHO:
		base_text_who(b, b->now_ms, text);
		base_cmd_send(b, c, text);
		return;
	case PHONE_VERB_HELP:
		base_cmd_send(b, c, phone_help(PHONE_SIDE_BASE, role));
		return;
	case PHONE_VERB_ACK:
		do_ack(b, c, cmd);
		return;
	case PHONE_VERB_MUTE:
	case PHONE_VERB_UNMUTE:
		do_mute(b, c, cmd);
		return;
	case PHONE_VERB_READ:
	case PHONE_VERB_SET:
		if (!may) {
			snprintf(why, sizeof(why), "%s is for admins; you may send STATUS, READ, WHO%s",
				 phone_verb_str(cmd->verb), role == PHONE_ROLE_OPERATOR ? ", ACK, MUTE" : "");
			refuse(b, c, why, NULL);
		} else {
			unit_named(b, c, cmd->unit);
		}
		return;
	case PHONE_VERB_INTERVAL:
	case PHONE_VERB_REPORT:
	case PHONE_VERB_PIN:
		snprintf(why, sizeof(why), "%s goes to a unit, not to the base", phone_verb_str(cmd->verb));
		refuse(b, c, why, NULL);
		return;
	}
}

void base_cmd_step(struct base *b, struct base_job *job)
{
	int c = job->contact;
	const struct alert_contact *who = &b->policy.contacts[c];
	base_inbox_mark(b, job, STORE_INBOX_PROCESSED, NULL);
	if (!job->phone) {
		refuse(b, c, "the base could not read that now", ". Reply HELP or try again");
		return;
	}
	char fields[512], cmd_text[128];
	phone_msg_log(PHONE_SIDE_BASE, job->phone, fields, sizeof(fields));
	log_info("base", "event=phone_command from=%s name=\"%s\" role=%s %s", who->number, who->name,
		 alert_role_str(who->role), fields);
	b->actor = who->number;
	size_t seq_i = 0;
	for (size_t i = 0; i < job->phone->n; i++) {
		const struct phone_item *it = &job->phone->item[i];
		if (it->err != PHONE_ERR_NONE) {
			refuse(b, c, it->reason, NULL);
			snprintf(cmd_text, sizeof(cmd_text), "refused (%s): %s", phone_err_str(it->err),
				 it->reason);
			command_event(b, c, NULL, cmd_text);
			continue;
		}
		if (phone_cmd_log(PHONE_SIDE_BASE, &it->cmd, cmd_text, sizeof(cmd_text)) < 0)
			snprintf(cmd_text, sizeof(cmd_text), "%s", phone_verb_str(it->cmd.verb));
		command_event(b, c, it->cmd.unit, cmd_text);
		do_command(b, job, &it->cmd, &seq_i);
	}
	b->actor = NULL;
}

/* ---- the unit's answers ---- */

/* The result as the wire writes it: OK, INVALID, FAILED. */
static const char *result_word(enum proto_result r)
{
	switch (r) {
	case PROTO_RESULT_OK:
		return "OK";
	case PROTO_RESULT_INVALID:
		return "INVALID";
	case PROTO_RESULT_FAILED:
		return "FAILED";
	}
	return "?";
}

void base_cmd_reply(struct base *b, struct base_unit *u, const struct proto_reply *r)
{
	struct base_pending *p = base_ustate_pending(&u->st, r->cmd_id);
	if (!p) {
		log_info("base",
			 "event=reply_unasked unit=%s cmd=%u hint=\"an answer to a READ that timed out or "
			 "was asked before a restart; its readings are stored\"",
			 u->cfg->id, r->cmd_id);
		return;
	}
	char body[ALERT_TEXT_MAX], text[ALERT_TEXT_MAX], tail[48], at[8], v[16];
	base_hhmm(b, b->now_ms, at, sizeof(at));
	size_t len = (size_t)snprintf(body, sizeof(body), "%s: %s now", b->policy.site, u->cfg->id);
	for (size_t i = 0; i < r->n_values && len < sizeof(body); i++) {
		base_text_value(v, sizeof(v), !r->values[i].ok, r->values[i].temp_c10);
		len += (size_t)snprintf(body + len, sizeof(body) - len, "%s %s %s", i ? "," : "",
					r->values[i].channel, v);
	}
	if (len < sizeof(body))
		snprintf(body + len, sizeof(body) - len, "%s at %s", r->n_values ? "" : " no channel", at);
	snprintf(tail, sizeof(tail), ". Reply READ %s to ask again", u->cfg->id);
	base_text_fit(text, body, tail);
	int c = base_contact_by_number(b, p->by);
	if (c >= 0)
		base_cmd_send(b, c, text);
	base_ustate_pending_drop(&u->st, r->cmd_id);
}

void base_cmd_echo(struct base *b, struct base_unit *u, const struct proto_echo *e)
{
	struct base_pending *p = e->cmd_id ? base_ustate_pending(&u->st, e->cmd_id) : NULL;
	struct store_event *ev = base_batch_event(&b->batch, STORE_EVENT_CONFIG, b->now_ms);
	if (ev) {
		snprintf(ev->unit, sizeof(ev->unit), "%s", u->cfg->id);
		snprintf(ev->actor, sizeof(ev->actor), "%s", e->by);
		snprintf(ev->text, sizeof(ev->text), "cmd %u %s: %s", e->cmd_id, result_word(e->result),
			 e->text);
	}
	log_info("base", "event=unit_setting unit=%s cmd=%u result=%s by=%s text=\"%s\"", u->cfg->id,
		 e->cmd_id, proto_result_str(e->result), e->by[0] ? e->by : "-", e->text);
	if (e->cmd_id == 0)
		return; /* changed by a phone at the unit: recorded */
	const char *asker = p ? p->by : e->by;
	int c = base_contact_by_number(b, asker);
	char body[ALERT_TEXT_MAX], text[ALERT_TEXT_MAX], tail[48];
	snprintf(tail, sizeof(tail), ". Reply STATUS %s", u->cfg->id);
	if (e->result == PROTO_RESULT_OK)
		snprintf(body, sizeof(body), "%s: %s applied %s", b->policy.site, u->cfg->id, e->text);
	else
		snprintf(body, sizeof(body), "%s: %s did not apply %s (%s): %s", b->policy.site, u->cfg->id,
			 p ? p->text : "the change", result_word(e->result), e->text);
	base_text_fit(text, body, tail);
	if (c >= 0 && (p || e->by[0]))
		base_cmd_send(b, c, text);
	if (p) {
		base_ustate_pending_drop(&u->st, e->cmd_id);
		u->dirty = true;
	}
}
