/* Receiving: +CMTI -> AT+CMGR -> the application -> AT+CMGD once it has stored the message;
 * +CMT/+CDS direct deliveries (+CNMA where the profile needs it); the +CMGL sweep; and the
 * bookkeeping that hands each stored message over exactly once, even when its delete fails. */
#include "at_iter.h"
#include "log.h"
#include "modem_priv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rx_op {
	struct modem *m;
	int index;
};

static uint64_t fingerprint(const char *pdu)
{
	uint64_t h = 14695981039346656037u; /* FNV-1a */

	for (const unsigned char *p = (const unsigned char *)pdu; *p; p++)
		h = (h ^ (uint64_t)(*p | 0x20)) * 1099511628211u;
	return h ? h : 1;
}

static bool recently_stored(const struct modem *m, uint64_t fp)
{
	for (int i = 0; i < MODEM_RECENT_MAX; i++)
		if (m->recent_fp[i] == fp)
			return true;
	return false;
}

static void remember_stored(struct modem *m, uint64_t fp)
{
	if (recently_stored(m, fp))
		return;
	m->recent_fp[m->recent_next] = fp;
	m->recent_next = (m->recent_next + 1) % MODEM_RECENT_MAX;
}

/* A direct delivery of the same message not yet stored by the application. */
static bool direct_pending(const struct modem *m, uint64_t fp)
{
	for (int i = 0; i < MODEM_INBOUND_MAX; i++)
		if (m->inbound[i].state == INBOUND_HANDED && m->inbound[i].index < 0 &&
		    m->inbound[i].fp == fp)
			return true;
	return false;
}

static struct inbound_slot *slot_by_index(struct modem *m, int index)
{
	for (int i = 0; i < MODEM_INBOUND_MAX; i++)
		if (m->inbound[i].state != INBOUND_FREE && m->inbound[i].index == index && index >= 0)
			return &m->inbound[i];
	return NULL;
}

static struct inbound_slot *slot_by_token(struct modem *m, uint64_t token)
{
	for (int i = 0; i < MODEM_INBOUND_MAX; i++)
		if (m->inbound[i].state != INBOUND_FREE && m->inbound[i].token == token)
			return &m->inbound[i];
	return NULL;
}

static struct inbound_slot *slot_new(struct modem *m)
{
	for (int i = 0; i < MODEM_INBOUND_MAX; i++) {
		if (m->inbound[i].state == INBOUND_FREE) {
			memset(&m->inbound[i], 0, sizeof(m->inbound[i]));
			return &m->inbound[i];
		}
	}
	return NULL;
}

void modem_rx_reset(struct modem *m)
{
	/* The storage outlives a re-init: what was handed over stays handed over (the
	 * application may still report it stored), and a delete that was cut off is retried by
	 * the start-up sweep. */
	for (int i = 0; i < MODEM_INBOUND_MAX; i++)
		if (m->inbound[i].state == INBOUND_DELETING)
			m->inbound[i].state = INBOUND_DELETE_FAILED;
	m->sweeping = false;
}

static void delete_done(void *user_data, const struct at_response *r)
{
	struct rx_op *op = user_data;
	struct modem *m = op->m;
	struct inbound_slot *s = slot_by_index(m, op->index);

	free(op);
	if (!s || s->state != INBOUND_DELETING)
		return;
	if (r->result.kind == AT_RESULT_ABORTED) {
		s->state = INBOUND_DELETE_FAILED;
		return;
	}
	modem_note_result(m, r);
	if (r->result.kind == AT_RESULT_OK) {
		log_debug("modem", "event=sms_deleted index=%d", s->index);
		s->state = INBOUND_FREE;
		return;
	}
	if (!s->warned)
		log_warn("modem",
			 "event=delete_failed index=%d result=%s code=%d action=\"the message is stored and "
			 "will not be handed over again; m2mon retries the delete at the next sweep\"",
			 s->index, at_result_kind_str(r->result.kind), r->result.code);
	s->warned = true;
	s->state = INBOUND_DELETE_FAILED;
}

static void delete_stored(struct modem *m, struct inbound_slot *s)
{
	char req[32];
	struct rx_op *op = malloc(sizeof(*op));

	if (!op)
		return;
	op->m = m;
	op->index = s->index;
	snprintf(req, sizeof(req), "AT+CMGD=%d", s->index);
	struct at_cmd c = {req, "", NULL, m->timing.command_ms};
	if (modem_command(m, &c, delete_done, op) < 0)
		free(op);
}

static void hand_over(struct modem *m, struct inbound_slot *s, const char *pdu, int tpdu_len, bool report)
{
	s->token = ++m->next_token;
	s->state = INBOUND_HANDED;
	struct modem_inbound in = {s->token, pdu, tpdu_len, s->index, report};
	log_info("modem", "event=sms_received index=%d tpdu_len=%d report=%s", s->index, tpdu_len,
		 report ? "yes" : "no");
	if (m->hooks.sms_received)
		m->hooks.sms_received(m->user_data, &in);
}

/* A message found in storage at `index`: handed over unless it already was. */
static void stored_message(struct modem *m, int index, const char *pdu, int tpdu_len)
{
	uint64_t fp = fingerprint(pdu);
	struct inbound_slot *s = slot_by_index(m, index);

	if (s && s->fp == fp) {
		s->seen = true;
		if (s->state == INBOUND_DELETE_FAILED) {
			s->state = INBOUND_DELETING;
			delete_stored(m, s);
		}
		return;
	}
	if (s)
		s->state = INBOUND_FREE; /* the old message left that index; this one is new */
	/* Some modems both route a message (+CMT) and store it (gammu issue 378, Neoway M590):
	 * the stored copy of a message already handed over directly is not handed over again;
	 * once the direct copy is stored, the stored one is deleted. */
	if (direct_pending(m, fp))
		return;
	s = slot_new(m);
	if (!s) {
		log_warn("modem",
			 "event=inbound_busy index=%d action=\"the application is slow to store messages; "
			 "this one stays on the modem for the next sweep\"",
			 index);
		return;
	}
	s->index = index;
	s->fp = fp;
	s->seen = true;
	if (recently_stored(m, fp)) {
		log_info("modem",
			 "event=duplicate_deleted index=%d why=\"the same message was already stored\"",
			 index);
		s->state = INBOUND_DELETING;
		delete_stored(m, s);
		return;
	}
	hand_over(m, s, pdu, tpdu_len, false);
}

/* The <length> field of a +CMGR:/+CMGL: header: the last field (TS 27.005 3.4.1, 4.1). */
static int header_length(const char *line, const char *prefix, int *index)
{
	struct at_iter it;
	int v, last = -1;

	at_iter_init(&it, line);
	if (!at_iter_prefix(&it, prefix))
		return -1;
	if (index && at_iter_next_int(&it, index) != 0)
		return -1;
	for (;;) {
		int rc = at_iter_next_int(&it, &v);
		if (rc == 0)
			last = v;
		else if (rc == -ENODATA)
			last = -1;
		else if (rc == -ENOENT || at_iter_skip(&it) != 0)
			break;
		else
			last = -1;
	}
	return last;
}

static void cmgr_done(void *user_data, const struct at_response *r)
{
	struct rx_op *op = user_data;
	struct modem *m = op->m;
	int index = op->index;

	free(op);
	if (r->result.kind == AT_RESULT_ABORTED)
		return;
	modem_note_result(m, r);
	if (r->result.kind != AT_RESULT_OK) {
		log_debug("modem", "event=read_failed index=%d result=%s code=%d", index,
			  at_result_kind_str(r->result.kind), r->result.code);
		return;
	}
	for (size_t i = 0; i < r->n_lines; i++) {
		if (!r->lines[i].pdu)
			continue; /* an empty slot: "+CMGR: 0,,0" */
		stored_message(m, index, r->lines[i].pdu, header_length(r->lines[i].text, "+CMGR:", NULL));
	}
}

static void read_index(struct modem *m, int index)
{
	char req[32];
	struct rx_op *op;
	struct inbound_slot *s = slot_by_index(m, index);

	if (s && (s->state == INBOUND_HANDED || s->state == INBOUND_DELETING))
		return;
	op = malloc(sizeof(*op));
	if (!op)
		return;
	op->m = m;
	op->index = index;
	snprintf(req, sizeof(req), "AT+CMGR=%d", index);
	struct at_cmd c = {req, "+CMGR:", NULL, m->timing.command_ms};
	if (modem_command(m, &c, cmgr_done, op) < 0)
		free(op);
}

static void on_cmti(void *user_data, const char *line, const char *pdu)
{
	struct modem *m = user_data;
	struct at_iter it;
	char mem[8];
	int index;

	(void)pdu;
	at_iter_init(&it, line);
	/* TS 27.005 3.4.1: +CMTI: <mem>,<index>; Huawei sticks count from 0 (profile_e3372.c). */
	if (!at_iter_prefix(&it, "+CMTI:") || at_iter_next_string(&it, mem, sizeof(mem)) != 0 ||
	    at_iter_next_int(&it, &index) != 0 || index < 0) {
		log_warn("modem",
			 "event=bad_urc line=\"%s\" action=\"ignored; the next sweep reads the message\"",
			 line);
		return;
	}
	if (m->state != MODEM_STATE_READY)
		return; /* the start-up sweep reads it */
	if (strcmp(mem, m->profile->storage) != 0)
		log_warn("modem",
			 "event=storage_mismatch mem=%s expected=%s action=\"set modem.profile for this "
			 "model; reading index %d of %s\"",
			 mem, m->profile->storage, index, m->profile->storage);
	read_index(m, index);
}

static void acknowledge(struct modem *m);

static void on_direct(struct modem *m, const char *line, const char *pdu, const char *prefix, bool report)
{
	struct inbound_slot *s;

	if (!pdu)
		return;
	uint64_t fp = fingerprint(pdu);
	if (recently_stored(m, fp) || direct_pending(m, fp)) {
		log_info("modem", "event=duplicate_ignored why=\"the same message was already handed over\"");
		if (m->profile->cnma && recently_stored(m, fp))
			acknowledge(m);
		return;
	}
	s = slot_new(m);
	if (!s) {
		log_error("modem", "event=inbound_full action=\"direct message dropped unacknowledged; the "
				   "network retries it\"");
		return;
	}
	s->index = -1;
	s->fp = fp;
	hand_over(m, s, pdu, header_length(line, prefix, NULL), report);
}

static void on_cmt(void *user_data, const char *line, const char *pdu)
{
	on_direct(user_data, line, pdu, "+CMT:", false);
}

static void on_cds(void *user_data, const char *line, const char *pdu)
{
	on_direct(user_data, line, pdu, "+CDS:", true);
}

static void on_reg(void *user_data, const char *line, const char *pdu)
{
	(void)pdu;
	modem_parse_reg(user_data, line);
}

static void on_boot(void *user_data, const char *line, const char *pdu)
{
	struct modem *m = user_data;

	(void)pdu;
	log_info("modem", "event=boot_indication line=\"%s\"", line);
	modem_post(m, MODEM_EV_BOOTED);
}

void modem_rx_register_urcs(struct modem *m)
{
	at_chat_urc_add(m->chat, "+CMTI:", on_cmti, m);
	at_chat_urc_add(m->chat, "+CMT:", on_cmt, m);
	at_chat_urc_add(m->chat, "+CDS:", on_cds, m);
	at_chat_urc_add(m->chat, "+CREG:", on_reg, m);
	at_chat_urc_add(m->chat, "+CEREG:", on_reg, m);
	at_chat_urc_add(m->chat, "RDY", on_boot, m);
}

static void sweep_done(void *user_data, const struct at_response *r)
{
	struct modem *m = user_data;

	m->sweeping = false;
	if (r->result.kind == AT_RESULT_ABORTED)
		return;
	modem_note_result(m, r);
	if (r->result.kind != AT_RESULT_OK) {
		log_warn("modem",
			 "event=sweep_failed result=%s code=%d action=\"messages stay on the modem; next "
			 "sweep in %u s\"",
			 at_result_kind_str(r->result.kind), r->result.code, m->timing.sweep_ms / 1000);
		return;
	}
	for (int i = 0; i < MODEM_INBOUND_MAX; i++)
		m->inbound[i].seen = false;
	for (size_t i = 0; i < r->n_lines; i++) {
		int index = -1;
		int len = header_length(r->lines[i].text, "+CMGL:", &index);
		if (!r->lines[i].pdu || index < 0) {
			log_warn("modem", "event=bad_listing line=\"%s\"", r->lines[i].text);
			continue;
		}
		stored_message(m, index, r->lines[i].pdu, len);
	}
	/* A message whose delete failed (or that was kept) and that is no longer listed is
	 * gone: forget it. */
	for (int i = 0; i < MODEM_INBOUND_MAX; i++)
		if ((m->inbound[i].state == INBOUND_DELETE_FAILED || m->inbound[i].state == INBOUND_KEPT) &&
		    !m->inbound[i].seen)
			m->inbound[i].state = INBOUND_FREE;
	log_debug("modem", "event=sweep_done listed=%zu", r->n_lines);
}

void modem_rx_sweep(struct modem *m)
{
	/* TS 27.005 3.4.2: <stat> 4 lists every message, read or not, in PDU mode. */
	struct at_cmd c = {"AT+CMGL=4", "+CMGL:", NULL, m->timing.command_ms * 6};

	if (m->sweeping)
		return;
	if (modem_command(m, &c, sweep_done, m) >= 0)
		m->sweeping = true;
}

static void cnma_done(void *user_data, const struct at_response *r)
{
	struct modem *m = user_data;

	if (r->result.kind != AT_RESULT_OK && r->result.kind != AT_RESULT_ABORTED)
		log_warn("modem",
			 "event=cnma_failed result=%s code=%d action=\"the network may deliver the message "
			 "again; the application de-duplicates it\"",
			 at_result_kind_str(r->result.kind), r->result.code);
	modem_note_result(m, r);
}

static void acknowledge(struct modem *m)
{
	struct at_cmd c = {"AT+CNMA", "", NULL, m->timing.command_ms};

	modem_command(m, &c, cnma_done, m);
}

void modem_sms_stored(struct modem *m, uint64_t token, int result, uint64_t now_ms)
{
	struct inbound_slot *s = slot_by_token(m, token);

	if (now_ms > m->now_ms)
		m->now_ms = now_ms;
	if (!s || s->state != INBOUND_HANDED)
		return;
	if (result < 0) {
		log_warn("modem",
			 "event=store_failed index=%d error=%d action=\"the message stays on the modem and "
			 "is handed over again at the next sweep\"",
			 s->index, result);
		s->state = INBOUND_FREE;
		return;
	}
	remember_stored(m, s->fp);
	if (s->index < 0) {
		s->state = INBOUND_FREE;
		if (m->profile->cnma)
			acknowledge(m);
		return;
	}
	if (m->state != MODEM_STATE_READY) {
		s->state = INBOUND_DELETE_FAILED; /* the sweep on the way back to ready deletes it */
		return;
	}
	s->state = INBOUND_DELETING;
	delete_stored(m, s);
}

void modem_sms_keep(struct modem *m, uint64_t token, uint64_t now_ms)
{
	struct inbound_slot *s = slot_by_token(m, token);

	if (now_ms > m->now_ms)
		m->now_ms = now_ms;
	if (s && s->state == INBOUND_HANDED)
		s->state = s->index < 0 ? INBOUND_FREE : INBOUND_KEPT;
}
