/* Commands: a listed phone's `[PIN ]VERB...` (PIN lockout, roles, one reply, an echo to the
 * base for every change) and the base's signed COMMAND (no PIN: the base checked the
 * sender's role), both through unit_conf_apply; READ answered once the fresh reading is in. */
#include "unit_int.h"

#include "log.h"
#include "phone_pin.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int queue_echo(struct unit *u, uint32_t cmd_id, enum proto_result res, const char *by,
		      const char *text)
{
	struct proto_msg m = {.head.kind = PROTO_KIND_ECHO};
	m.u.echo.cmd_id = cmd_id;
	m.u.echo.result = res;
	snprintf(m.u.echo.by, sizeof(m.u.echo.by), "%s", by);
	snprintf(m.u.echo.text, sizeof(m.u.echo.text), "%.*s", (int)sizeof(m.u.echo.text) - 1,
		 *text ? text : "?");
	for (char *p = m.u.echo.text; *p; p++)
		if (*p == '#')
			*p = '?';
	for (size_t n = strlen(m.u.echo.text); n > 1 && m.u.echo.text[n - 1] == ' ';)
		m.u.echo.text[--n] = '\0'; /* cut at 64: the text may not end in a space */
	return unit_queue_proto(u, &m);
}

/* Appends one part of a reply; the parts after the first lose the unit id they start with. */
static void add_part(const struct unit *u, char *reply, size_t n, const char *part)
{
	size_t idl = strlen(u->set->id), len = strlen(reply);
	if (len && strncmp(part, u->set->id, idl) == 0 && part[idl] == ' ')
		part += idl + 1;
	if (len)
		snprintf(reply + len, n - len, "; %s", part);
	else if (strncmp(part, u->set->id, idl) == 0)
		snprintf(reply, n, "%s", part);
	else
		snprintf(reply, n, "%s %s", u->set->id, part);
}

static int channel_arg(struct unit *u, const char *name, char *why, size_t n)
{
	if (!*name)
		return -1;
	int ch = unit_conf_channel(&u->conf, name);
	if (ch < 0)
		snprintf(why, n, "no channel %s here", name);
	return ch < 0 ? -2 : ch;
}

struct phone_ctx {
	const char *from;
	enum phone_role role;
	char reply[UNIT_REPLY_MAX];
	bool rearm;
	int rc;
};

static void run_change(struct unit *u, struct phone_ctx *c, const struct phone_cmd *cmd)
{
	struct unit_conf_change ch;
	unit_conf_apply(&u->conf, u->store, u->set->id, cmd, c->from, unit_now_ms(u), &ch);
	add_part(u, c->reply, sizeof(c->reply), ch.reply);
	if (ch.result == PROTO_RESULT_OK) {
		c->rearm |= ch.intervals;
		int rc = queue_echo(u, 0, PROTO_RESULT_OK, c->from, ch.echo);
		if (rc < 0)
			c->rc = rc;
	}
}

static void run_item(struct unit *u, struct phone_ctx *c, const struct phone_item *it)
{
	char part[UNIT_REPLY_MAX];
	const struct phone_cmd *cmd = &it->cmd;
	if (it->err != PHONE_ERR_NONE) {
		add_part(u, c->reply, sizeof(c->reply), it->reason);
	} else if (!phone_role_may(PHONE_SIDE_UNIT, c->role, cmd->verb)) {
		snprintf(part, sizeof(part), "%s needs an admin's phone", phone_verb_str(cmd->verb));
		add_part(u, c->reply, sizeof(c->reply), part);
	} else if (cmd->verb == PHONE_VERB_STATUS) {
		unit_text_status(u, part, sizeof(part));
		add_part(u, c->reply, sizeof(c->reply), part);
	} else if (cmd->verb == PHONE_VERB_HELP) {
		add_part(u, c->reply, sizeof(c->reply), phone_help(PHONE_SIDE_UNIT, c->role));
	} else if (cmd->verb == PHONE_VERB_READ) {
		struct unit_waiter w = {.channel = channel_arg(u, cmd->channel, part, sizeof(part))};
		snprintf(w.number, sizeof(w.number), "%s", c->from);
		if (w.channel == -2)
			add_part(u, c->reply, sizeof(c->reply), part);
		else if (unit_sample_read(u, &w) < 0)
			add_part(u, c->reply, sizeof(c->reply), "busy reading; send READ again in a minute");
	} else {
		run_change(u, c, cmd);
	}
}

static void pin_reply(struct unit *u, struct phone_ctx *c, enum phone_pin_result r,
		      const struct phone_lock *l)
{
	char t[200];
	switch (r) {
	case PHONE_PIN_MISSING:
		add_part(u, c->reply, sizeof(c->reply), "start the message with your PIN, then the command");
		break;
	case PHONE_PIN_WRONG:
		snprintf(t, sizeof(t), "wrong PIN; %u more wrong and this phone is locked out for 1 hour",
			 PHONE_LOCK_TRIES - l->failures);
		add_part(u, c->reply, sizeof(c->reply), t);
		break;
	case PHONE_PIN_LOCKOUT:
		add_part(u, c->reply, sizeof(c->reply),
			 "wrong PIN 3 times; this phone is locked out for 1 hour");
		snprintf(t, sizeof(t), "%s: %s is locked out for 1 hour after 3 wrong PINs", u->set->id,
			 c->from);
		for (int i = 0; i < u->set->n_phones; i++)
			if (u->set->phones[i].role == ALERT_ROLE_ADMIN &&
			    strcmp(u->set->phones[i].number, c->from))
				if (unit_queue_text(u, u->set->phones[i].number, t, UNIT_KIND_TEXT) < 0)
					c->rc = -EIO;
		log_warn(MOD,
			 "event=phone_locked_out from=%s minutes=60 advice=\"three wrong PINs; the admins "
			 "were "
			 "told\"",
			 c->from);
		break;
	case PHONE_PIN_OK:
	case PHONE_PIN_LOCKED:
		break;
	}
}

static int save_lock(struct unit *u, const char *from, const struct phone_lock *l, int64_t now)
{
	if (!l->failures && !l->locked_until_ms)
		return store_unit_pin_clear(u->store, from);
	struct store_pin_state st = {
		.failures = l->failures, .last_failure_ms = now, .locked_until_ms = l->locked_until_ms};
	snprintf(st.number, sizeof(st.number), "%s", from);
	return store_unit_pin_put(u->store, &st);
}

static void load_lock(struct unit *u, const char *from, struct phone_lock *l)
{
	struct store_pin_state st;
	memset(l, 0, sizeof(*l));
	if (store_unit_pin_get(u->store, from, &st) == 0) {
		l->failures = st.failures;
		l->locked_until_ms = st.locked_until_ms;
	}
}

static void handle_phone(struct unit *u, struct phone_ctx *c, const struct phone_msg *pm, int64_t now)
{
	struct phone_lock lock, before;
	load_lock(u, c->from, &lock);
	before = lock;
	enum phone_pin_result r = phone_lock_check(&lock, pm->has_pin ? pm->pin : NULL, u->conf.pin, now);
	if (phone_lock_changed(&before, &lock))
		c->rc = save_lock(u, c->from, &lock, now);
	if (r == PHONE_PIN_OK)
		for (size_t i = 0; i < pm->n && c->rc == 0; i++)
			run_item(u, c, &pm->item[i]);
	else
		pin_reply(u, c, r, &lock);
	if (c->rc == 0 && c->reply[0])
		c->rc = unit_queue_text(u, c->from, c->reply, UNIT_KIND_TEXT);
	log_info(MOD, "event=phone_command from=%s pin=%s replied=%s", c->from, phone_pin_result_str(r),
		 c->reply[0] ? "yes" : "no");
}

int unit_cmd_phone(struct unit *u, const char *from, enum phone_role role, const char *text, size_t len)
{
	struct phone_msg *pm = malloc(sizeof(*pm));
	struct phone_ctx *c = calloc(1, sizeof(*c));
	int64_t now = unit_now_ms(u);
	if (!pm || !c || phone_parse(PHONE_SIDE_UNIT, text, len, pm) < 0) {
		free(pm);
		free(c);
		return -ENOMEM;
	}
	struct phone_lock probe;
	load_lock(u, from, &probe);
	if (phone_lock_active(&probe, now)) {
		log_info(MOD, "event=phone_ignored from=%s why=locked_out until_ms=%lld", from,
			 (long long)probe.locked_until_ms);
		free(pm);
		free(c);
		return 0;
	}
	c->from = from;
	c->role = role;
	struct unit_conf before = u->conf;
	c->rc = store_unit_begin(u->store);
	u->in_tx = true;
	if (c->rc == 0)
		handle_phone(u, c, pm, now);
	int rc = c->rc == 0 ? store_unit_commit(u->store) : c->rc;
	if (c->rc)
		store_unit_rollback(u->store);
	u->in_tx = false;
	if (rc < 0) {
		u->conf = before;
		log_error(
			MOD,
			"event=phone_command_not_stored from=%s error=\"%s\" advice=\"it stays on the modem "
			"and is read again; check the disk\"",
			from, store_strerror(rc));
	} else {
		if (c->rearm) {
			unit_sample_rearm(u);
			unit_report_rearm(u);
		}
		unit_outbox_kick(u);
	}
	free(pm);
	free(c);
	return rc;
}

int unit_cmd_base(struct unit *u, const struct proto_msg *m)
{
	const struct proto_command *cmd = &m->u.command;
	struct phone_item it;
	if (phone_parse_unit_cmd(cmd->text, strlen(cmd->text), &it) < 0)
		return queue_echo(u, cmd->cmd_id, PROTO_RESULT_INVALID, cmd->by, it.reason);
	log_info(MOD, "event=base_command cmd_id=%u verb=%s by=%s", cmd->cmd_id, phone_verb_str(it.cmd.verb),
		 *cmd->by ? cmd->by : "-");
	switch (it.cmd.verb) {
	case PHONE_VERB_READ:
	case PHONE_VERB_STATUS: {
		char why[64];
		struct unit_waiter w = {.base = true, .cmd_id = cmd->cmd_id};
		w.channel = channel_arg(u, it.cmd.channel, why, sizeof(why));
		if (w.channel == -2)
			return queue_echo(u, cmd->cmd_id, PROTO_RESULT_INVALID, cmd->by, why);
		if (unit_sample_read(u, &w) < 0)
			return queue_echo(u, cmd->cmd_id, PROTO_RESULT_FAILED, cmd->by,
					  "busy reading; ask again");
		return 0;
	}
	case PHONE_VERB_SET:
	case PHONE_VERB_INTERVAL:
	case PHONE_VERB_REPORT: {
		struct unit_conf_change ch;
		unit_conf_apply(&u->conf, u->store, u->set->id, &it.cmd, cmd->by, unit_now_ms(u), &ch);
		if (ch.result == PROTO_RESULT_OK && ch.intervals) {
			unit_sample_rearm(u);
			unit_report_rearm(u);
		}
		return queue_echo(u, cmd->cmd_id, ch.result, cmd->by, ch.echo);
	}
	case PHONE_VERB_PIN:
		return queue_echo(u, cmd->cmd_id, PROTO_RESULT_INVALID, cmd->by,
				  "the PIN changes from an admin phone only");
	case PHONE_VERB_HELP:
	case PHONE_VERB_ACK:
	case PHONE_VERB_MUTE:
	case PHONE_VERB_UNMUTE:
	case PHONE_VERB_WHO:
		return queue_echo(u, cmd->cmd_id, PROTO_RESULT_INVALID, cmd->by,
				  "not a command for the unit");
	}
	return 0;
}

static int answer(struct unit *u, const struct unit_tick *t, const struct unit_waiter *w)
{
	if (w->base) {
		struct proto_msg m = {.head.kind = PROTO_KIND_REPLY};
		m.u.reply.cmd_id = w->cmd_id;
		unit_values(u, t, w->channel, m.u.reply.values, &m.u.reply.n_values);
		return unit_queue_proto(u, &m);
	}
	char text[UNIT_REPLY_MAX];
	unit_text_values(u, t, w->channel, text, sizeof(text));
	return unit_queue_text(u, w->number, text, UNIT_KIND_TEXT);
}

void unit_cmd_read_done(struct unit *u, const struct unit_tick *t)
{
	int rc = store_unit_begin(u->store);
	for (size_t i = 0; !rc && i < t->n_waiters; i++)
		rc = answer(u, t, &t->waiters[i]);
	if (!rc)
		rc = store_unit_commit(u->store);
	else
		store_unit_rollback(u->store);
	if (rc < 0)
		log_error(MOD, "event=read_answer_not_stored error=\"%s\" advice=\"send READ again\"",
			  store_strerror(rc));
	unit_outbox_kick(u);
}
