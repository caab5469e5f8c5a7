/* Receiving: every message found on the modem or routed to it is handed to the application
 * exactly once (even when its delete fails, or it is seen both routed and stored), and is
 * removed from the modem only after the application said it is stored: AT+CMGD for a stored
 * one (through modem_store.c), AT+CNMA for a routed one where the profile acknowledges.
 * Each log line about a message's fate says what really happens to it. */
#include "hex.h"
#include "log.h"
#include "modem_priv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* A routed delivery of the same message not yet stored by the application. */
static bool direct_pending(const struct modem *m, uint64_t fp)
{
	for (int i = 0; i < MODEM_INBOUND_MAX; i++)
		if (m->inbound[i].state == INBOUND_HANDED && m->inbound[i].index < 0 &&
		    m->inbound[i].fp == fp)
			return true;
	return false;
}

struct inbound_slot *modem_rx_slot(struct modem *m, int mem, int index)
{
	for (int i = 0; i < MODEM_INBOUND_MAX; i++)
		if (m->inbound[i].state != INBOUND_FREE && m->inbound[i].index == index &&
		    m->inbound[i].mem == mem && index >= 0)
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
	m->hanging_up = false;
	modem_store_reset(m);
}

/* TP-MTI of the first TPDU octet, after the SMSC field (TS 23.040 9.2.3.1, 27.005 3.1). */
static enum modem_inbound_kind pdu_kind(const char *pdu)
{
	uint8_t o[12];
	size_t len = strlen(pdu);

	if (len < 2 || hex_decode(pdu, 2, o, 1) != 1 || len < 2 * ((size_t)o[0] + 2) ||
	    hex_decode(pdu + 2 * (size_t)(o[0] + 1), 2, o, 1) != 1)
		return MODEM_INBOUND_UNKNOWN;
	switch (o[0] & 0x03) {
	case 0:
		return MODEM_INBOUND_DELIVER;
	case 1:
		return MODEM_INBOUND_SUBMIT;
	case 2:
		return MODEM_INBOUND_STATUS_REPORT;
	default:
		return MODEM_INBOUND_UNKNOWN;
	}
}

static void hand_over(struct modem *m, struct inbound_slot *s, const char *pdu, int tpdu_len, int stat)
{
	enum modem_inbound_kind kind = pdu_kind(pdu);
	const char *mem = s->mem >= 0 ? m->mems[s->mem].name : "";

	s->token = ++m->next_token;
	s->state = INBOUND_HANDED;
	struct modem_inbound in = {s->token, pdu, tpdu_len, s->index, kind == MODEM_INBOUND_STATUS_REPORT,
				   kind,     mem, stat};
	log_info("modem", "event=sms_received mem=%s index=%d stat=%d kind=%s tpdu_len=%d",
		 mem[0] ? mem : "-", s->index, stat, modem_inbound_kind_str(kind), tpdu_len);
	if (m->hooks.sms_received)
		m->hooks.sms_received(m->user_data, &in);
}

void modem_rx_stored(struct modem *m, int mem, int index, int stat, const char *pdu, int tpdu_len)
{
	uint64_t fp = fingerprint(pdu);
	struct inbound_slot *s = modem_rx_slot(m, mem, index);

	if (s && s->fp == fp) {
		s->seen = true;
		if (s->state == INBOUND_DELETE_FAILED)
			modem_store_delete(m, s);
		return;
	}
	if (s)
		s->state = INBOUND_FREE; /* the old message left that index; this one is new */
	/* Some modems both route a message (+CMT) and store it (gammu issue 378, Neoway M590):
	 * the stored copy of a message already handed over routed is not handed over again;
	 * once the routed copy is stored, the stored one is deleted. */
	if (direct_pending(m, fp))
		return;
	s = slot_new(m);
	if (!s) {
		log_warn("modem",
			 "event=inbound_busy mem=%s index=%d action=\"the application is slow to store "
			 "messages; this one stays on the modem for the next sweep\"",
			 m->mems[mem].name, index);
		return;
	}
	s->mem = mem;
	s->index = index;
	s->fp = fp;
	s->seen = true;
	if (recently_stored(m, fp)) {
		log_info(
			"modem",
			"event=duplicate_deleted mem=%s index=%d why=\"the same message was already stored\"",
			m->mems[mem].name, index);
		modem_store_delete(m, s);
		return;
	}
	hand_over(m, s, pdu, tpdu_len, stat);
}

/* ---- routed messages and their acknowledgement (TS 27.005 3.4.4) ---- */

static void cnma_done(void *user_data, const struct at_response *r)
{
	struct modem *m = user_data;
	char res[96];

	if (r->result.kind == AT_RESULT_ABORTED)
		return;
	modem_note_result(m, r);
	if (r->result.kind == AT_RESULT_CMS_ERROR && r->result.code == 340) {
		modem_rx_ack_failed(m, r);
	} else if (r->result.kind != AT_RESULT_OK && r->result.kind != AT_RESULT_TIMEOUT) {
		log_warn("modem",
			 "event=ack_failed cmd=\"%s\" result=\"%s\" action=\"none; the network delivers the "
			 "message again and the application must recognise it\"",
			 r->request, modem_result_text(&r->result, res, sizeof(res)));
	}
}

/* AT+CNMA (RP-ACK) or, for a message not stored, AT+CNMA=2 (RP-ERROR: the network keeps it
 * and delivers it again). */
static void acknowledge(struct modem *m, bool stored)
{
	struct at_cmd c = {stored ? "AT+CNMA" : "AT+CNMA=2", "", NULL, m->timing.command_ms, false};

	if (m->state != MODEM_STATE_READY)
		return; /* the modem was re-initialised meanwhile: it no longer waits for this one */
	modem_command(m, &c, cnma_done, m);
}

/* The modem waited too long for +CNMA and turned routing off (27.005 3.4.1: <mt> and <ds>
 * set to 0); the message it could not hand over it stored, or the network delivers again. */
void modem_rx_ack_failed(struct modem *m, const struct at_response *r)
{
	struct at_cmd c = {m->profile->cnmi, "", NULL, m->timing.command_ms, false};
	char res[96];

	log_warn("modem",
		 "event=ack_late result=\"%s\" action=\"none; the modem stopped routing messages while "
		 "it waited for AT+CNMA; m2mon sets %s again and reads the storage\"",
		 modem_result_text(&r->result, res, sizeof(res)), m->profile->cnmi);
	modem_command(m, &c, NULL, NULL);
	modem_rx_sweep(m);
}

/* What happens to a routed message the application did not store (`why`). */
static void direct_not_stored(struct modem *m, const char *why)
{
	if (m->acking) {
		log_warn("modem",
			 "event=direct_refused why=\"%s\" action=\"none; refused with AT+CNMA=2, the network "
			 "delivers it again\"",
			 why);
		acknowledge(m, false);
		return;
	}
	log_error("modem",
		  "event=direct_lost why=\"%s\" profile=%s action=\"the message is lost: the modem does not "
		  "keep a routed message and this profile cannot refuse it; set modem.profile to one that "
		  "stores messages\"",
		  why, m->profile->name);
}

void modem_rx_direct(struct modem *m, const char *line, const char *pdu, const char *prefix)
{
	struct inbound_slot *s;

	if (!pdu) {
		direct_not_stored(m, "the modem announced a routed message but gave no PDU line");
		return;
	}
	uint64_t fp = fingerprint(pdu);
	if (recently_stored(m, fp) || direct_pending(m, fp)) {
		log_info("modem", "event=duplicate_ignored why=\"the same message was already handed over\"");
		if (m->acking && recently_stored(m, fp))
			acknowledge(m, true);
		return;
	}
	s = slot_new(m);
	if (!s) {
		direct_not_stored(m, "the application holds too many messages not yet stored");
		return;
	}
	s->mem = -1;
	s->index = -1;
	s->fp = fp;
	hand_over(m, s, pdu, modem_header(line, prefix, NULL, NULL), -1);
}

/* ---- the application's answer ---- */

void modem_rx_deleted(struct modem *m, int mem, int index, const struct at_response *r)
{
	struct inbound_slot *s = modem_rx_slot(m, mem, index);
	char res[96];

	if (!s || s->state != INBOUND_DELETING)
		return;
	if (r->result.kind == AT_RESULT_OK) {
		log_debug("modem", "event=sms_deleted mem=%s index=%d", m->mems[mem].name, index);
		s->state = INBOUND_FREE;
		m->full_seen = false;
		return;
	}
	if (!s->warned && r->result.kind != AT_RESULT_ABORTED)
		log_warn("modem",
			 "event=delete_failed mem=%s index=%d result=\"%s\" action=\"none; the message is "
			 "stored and will not be handed over again; m2mon retries the delete at the next "
			 "sweep\"",
			 m->mems[mem].name, index, modem_result_text(&r->result, res, sizeof(res)));
	s->warned = s->warned || r->result.kind != AT_RESULT_ABORTED;
	s->state = INBOUND_DELETE_FAILED;
}

static void stored_failed(struct modem *m, struct inbound_slot *s, int result)
{
	char why[128];

	if (s->index < 0) {
		s->state = INBOUND_FREE;
		snprintf(why, sizeof(why), "the application could not store it: %s", strerror(-result));
		direct_not_stored(m, why);
		return;
	}
	log_warn("modem",
		 "event=store_failed mem=%s index=%d error=\"%s\" action=\"none; the message stays on the "
		 "modem and is handed over again at the next sweep, in at most %u s\"",
		 m->mems[s->mem].name, s->index, strerror(-result), m->timing.sweep_ms / 1000);
	s->state = INBOUND_FREE;
}

void modem_sms_stored(struct modem *m, uint64_t token, int result, uint64_t now_ms)
{
	struct inbound_slot *s = slot_by_token(m, token);

	if (now_ms > m->now_ms)
		m->now_ms = now_ms;
	if (!s || s->state != INBOUND_HANDED)
		return;
	if (result < 0) {
		stored_failed(m, s, result);
		return;
	}
	remember_stored(m, s->fp);
	if (s->index < 0) {
		s->state = INBOUND_FREE;
		if (m->acking)
			acknowledge(m, true);
		return;
	}
	if (m->state != MODEM_STATE_READY) {
		s->state = INBOUND_DELETE_FAILED; /* the sweep on the way back to ready deletes it */
		return;
	}
	modem_store_delete(m, s);
}

void modem_sms_keep(struct modem *m, uint64_t token, uint64_t now_ms)
{
	struct inbound_slot *s = slot_by_token(m, token);

	if (now_ms > m->now_ms)
		m->now_ms = now_ms;
	if (s && s->state == INBOUND_HANDED)
		s->state = s->index < 0 ? INBOUND_FREE : INBOUND_KEPT;
	if (s && s->index < 0 && m->acking)
		acknowledge(m, true); /* kept by the application, so the network may forget it */
}

void modem_rx_list_begin(struct modem *m, int mem)
{
	for (int i = 0; i < MODEM_INBOUND_MAX; i++)
		if (m->inbound[i].mem == mem)
			m->inbound[i].seen = false;
}

void modem_rx_list_end(struct modem *m, int mem)
{
	/* A message whose delete failed (or that was kept) and that is no longer listed is
	 * gone: forget it. */
	for (int i = 0; i < MODEM_INBOUND_MAX; i++) {
		struct inbound_slot *s = &m->inbound[i];
		if (s->mem == mem && !s->seen &&
		    (s->state == INBOUND_DELETE_FAILED || s->state == INBOUND_KEPT))
			s->state = INBOUND_FREE;
	}
}
