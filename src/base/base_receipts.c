/* Receipts and commands to units: a receipt says what the base has stored of a unit (its
 * replay window, docs/protocol.md "Receipts") and carries the base's clock; one is owed after
 * receipt_delay from the first message it will cover. Both are signed protocol messages with
 * the base's own sequence number for that unit, stored in the outbox before a modem sends
 * them. A receipt that waited so long in the outbox that its clock is stale is replaced by a
 * fresh one when a modem takes it (base_outbox.c). */
#include "base_int.h"

#include "log.h"

#include <stdio.h>
#include <string.h>

void base_receipts_note(struct base *b, struct base_unit *u, bool fresh)
{
	base_receipt_note(&u->receipt, b->now_ms, (int64_t)b->cfg->receipt_delay_s * 1000, fresh);
	if (fresh && !u->st.receipt_owed) {
		/* Saved with the message: a restart before the receipt still sends it. */
		u->st.receipt_owed = true;
		u->dirty = true;
	}
}

void base_receipts_resume(struct base *b, int64_t now_ms)
{
	for (size_t i = 0; i < b->n_units; i++)
		if (b->units[i].st.receipt_owed)
			base_receipt_note(&b->units[i].receipt, now_ms, 0, true);
}

void base_receipts_tick(struct base *b, int64_t now_ms)
{
	for (size_t i = 0; i < b->n_units; i++) {
		struct base_unit *u = &b->units[i];
		if (!base_receipt_due(&u->receipt, now_ms))
			continue;
		/* Taken off the timer now; the step makes it from the window as it is then. */
		u->receipt.pending = false;
		struct base_job *job = base_job_new(b, BASE_JOB_RECEIPT);
		if (!job)
			continue;
		job->unit = (int)i;
		job->n_seq = 1;
		job->seq_unit[0] = (int)i;
		base_job_push(b, job);
	}
}

int64_t base_receipts_next_ms(const struct base *b)
{
	int64_t next = INT64_MAX;
	for (size_t i = 0; i < b->n_units; i++) {
		int64_t t = base_receipt_next_ms(&b->units[i].receipt);
		next = t < next ? t : next;
	}
	return next;
}

/* Encodes `m` for unit `u` and queues it as an outbox row of `kind`. */
static int queue(struct base *b, struct base_unit *u, struct proto_msg *m, const char *kind)
{
	char text[PROTO_TEXT_MAX];
	snprintf(m->head.unit, sizeof(m->head.unit), "%s", u->cfg->id);
	m->head.time_ms = b->now_ms;
	int len = proto_encode(m, u->cfg->key, b->utc_offset_s / 60, text, sizeof(text));
	if (len < 0) {
		log_error(
			"base",
			"event=unit_message_not_made unit=%s kind=%s error=\"%s\" hint=\"a command text the "
			"protocol refuses; nothing was sent\"",
			u->cfg->id, proto_kind_str(m->head.kind), strerror(-len));
		return len;
	}
	base_batch_sms(&b->batch, u->cfg->number, text, kind, 0, b->now_ms);
	return 0;
}

void base_receipts_step(struct base *b, struct base_job *job)
{
	struct base_unit *u = &b->units[job->unit];
	struct proto_msg m = {.head = {.kind = PROTO_KIND_RECEIPT, .seq = job->seq[0]}};
	proto_window_receipt(&u->st.win, &m.u.receipt);
	if (queue(b, u, &m, "receipt") == 0) {
		base_receipt_sent(&u->receipt, b->now_ms);
		u->st.receipt_owed = false;
		u->dirty = true;
		log_info("base", "event=receipt_queued unit=%s seq=%u upto=%u beyond=%016llx%016llx",
			 u->cfg->id, m.head.seq, m.u.receipt.upto, (unsigned long long)m.u.receipt.beyond[1],
			 (unsigned long long)m.u.receipt.beyond[0]);
	}
}

int base_receipts_command(struct base *b, struct base_unit *u, uint32_t seq, const char *by, const char *text)
{
	struct proto_msg m = {.head = {.kind = PROTO_KIND_COMMAND, .seq = seq}};
	m.u.command.cmd_id = seq;
	snprintf(m.u.command.by, sizeof(m.u.command.by), "%s", by);
	snprintf(m.u.command.text, sizeof(m.u.command.text), "%s", text);
	int rc = queue(b, u, &m, "command");
	if (rc == 0)
		log_info("base", "event=command_queued unit=%s cmd=%u by=%s text=\"%s\"", u->cfg->id, seq, by,
			 text);
	return rc;
}
