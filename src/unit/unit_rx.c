/* Inbound SMS: decoded, multipart parts held on the modem until their message is whole, then
 * handled by sender: a base number (protocol: receipts and signed commands, the replay window
 * kept in the same transaction), a listed phone (commands), anyone else (logged, no reply).
 * Only once a message has been handled and what it changed is stored is it released to be
 * deleted from the modem (modem_sms_stored). The key of each part acted on (store_dedup_key)
 * is stored with what it changed: a part the modem offers again, because a crash came
 * before its delete, is only deleted. */
#include "unit_int.h"

#include "log.h"
#include "sms_number.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define ASSEMBLY_TIMEOUT_MS (24LL * 3600 * 1000)

static void release(struct unit *u, uint64_t token, int rc)
{
	if (u->link)
		modem_sms_stored(modem_link_modem(u->link), token, rc, unit_mono(u));
}

static bool same_key(const struct sms_assembly_key *a, const struct sms_assembly_key *b)
{
	return a->ref == b->ref && a->ref16 == b->ref16 && a->total == b->total &&
	       strcmp(a->sender, b->sender) == 0;
}

static void receipt_bitmap(const struct proto_receipt *r, uint8_t bm[PROTO_RECEIPT_BITS / 8])
{
	memset(bm, 0, PROTO_RECEIPT_BITS / 8);
	for (unsigned i = 0; i < PROTO_RECEIPT_BITS; i++)
		if ((r->beyond[i / 64] >> (i % 64)) & 1)
			bm[i / 8] |= (uint8_t)(1u << (i % 8));
}

static int apply_receipt(struct unit *u, const struct proto_msg *m, int64_t board_ms)
{
	uint8_t bm[PROTO_RECEIPT_BITS / 8];
	receipt_bitmap(&m->u.receipt, bm);
	struct store_receipt r = {.up_to = m->u.receipt.upto,
				  .bitmap = bm,
				  .bits = PROTO_RECEIPT_BITS,
				  .base_ms = m->head.time_ms,
				  .received_ms = unit_clock_now(&u->clock, board_ms)};
	size_t covered = 0;
	int rc = store_unit_receipt_apply(u->store, &r, &covered);
	if (rc < 0)
		return rc;
	log_info(MOD, "event=receipt seq=%u upto=%u confirmed=%zu", m->head.seq, r.up_to, covered);
	unit_bases_receipt(u, &r, r.received_ms);
	if (unit_clock_learn(&u->clock, UNIT_CLOCK_BASE, m->head.time_ms, board_ms)) {
		log_info(MOD, "event=clock_set source=base offset_ms=%lld", (long long)u->clock.offset_ms);
		unit_clock_persist(u);
	}
	return 0;
}

static int act_base(struct unit *u, const struct proto_msg *m, int64_t board_ms)
{
	struct proto_window w = u->window;
	struct unit_conf before = u->conf;
	int rc = store_unit_begin(u->store);
	u->in_tx = true;
	if (!rc)
		rc = m->head.kind == PROTO_KIND_RECEIPT ? apply_receipt(u, m, board_ms) : unit_cmd_base(u, m);
	if (!rc) {
		proto_window_accept(&w, m->head.seq);
		rc = store_unit_replay_save(u->store, 1, &w, sizeof(w));
	}
	if (!rc)
		rc = unit_rx_mark_handled(u);
	if (!rc)
		rc = store_unit_commit(u->store);
	else
		store_unit_rollback(u->store);
	u->in_tx = false;
	if (rc < 0) {
		u->conf = before;
		unit_sample_reads_drop(u);
		log_error(MOD,
			  "event=base_message_not_stored seq=%u error=\"%s\" advice=\"it stays on the modem "
			  "and "
			  "is read again; check the disk\"",
			  m->head.seq, store_strerror(rc));
		return rc;
	}
	u->window = w;
	unit_sample_reads_start(u);
	return 0;
}

static int rx_base(struct unit *u, const char *from, const char *text, size_t len)
{
	struct proto_head h;
	struct proto_error err = {0};
	struct proto_msg *m = NULL;
	int64_t board_ms = unit_board_ms();
	int rc = proto_peek(text, len, &h, &err);
	if (rc == 0 && strcmp(h.unit, u->set->id) != 0)
		rc = -EBADMSG, err.reason = PROTO_REJECT_UNIT;
	if (rc == 0)
		rc = proto_window_check(&u->window, h.seq, &err);
	if (rc == 0 && !(m = malloc(sizeof(*m))))
		return -ENOMEM;
	if (rc == 0)
		rc = proto_open(text, len, u->set->key, PROTO_DIR_BASE_TO_UNIT, m, &err);
	if (rc < 0) {
		bool copy = rc == -EALREADY || rc == -ESTALE;
		log_write(
			copy ? LOG_LEVEL_INFO : LOG_LEVEL_WARN, MOD,
			"event=base_message_refused from=%s reason=%s at=%zu len=%zu%s", from,
			proto_reject_str(err.reason), err.at, len,
			copy ? ""
			     : " advice=\"not acted on; if the base keeps sending this, check that both have "
			       "the same key\"");
		free(m);
		return 0;
	}
	rc = act_base(u, m, board_ms);
	free(m);
	if (rc == 0)
		unit_outbox_kick(u);
	return rc;
}

static enum phone_role role_of(int alert_role)
{
	return alert_role == ALERT_ROLE_ADMIN ? PHONE_ROLE_ADMIN : PHONE_ROLE_OPERATOR;
}

static int route(struct unit *u, const char *from, const char *text, size_t len)
{
	for (int i = 0; i < u->set->n_base_numbers; i++)
		if (sms_number_same(from, u->set->base_numbers[i]))
			return rx_base(u, from, text, len);
	for (int i = 0; i < u->set->n_phones; i++)
		if (sms_number_same(from, u->set->phones[i].number))
			return unit_cmd_phone(u, u->set->phones[i].number, role_of(u->set->phones[i].role),
					      text, len);
	struct phone_msg *pm = malloc(sizeof(*pm));
	char fields[256] = "";
	if (pm && phone_parse(PHONE_SIDE_UNIT, text, len, pm) == 0)
		phone_msg_log(PHONE_SIDE_UNIT, pm, fields, sizeof(fields));
	free(pm);
	log_warn(MOD,
		 "event=unknown_sender from=%s len=%zu %s advice=\"no reply is sent; add the number to "
		 "phones if it should be answered\"",
		 from, len, fields);
	return 0;
}

int unit_rx_mark_handled(struct unit *u)
{
	int rc = 0;
	int64_t now = unit_now_ms(u);
	for (size_t i = 0; !rc && i < u->n_rx_keys; i++)
		rc = store_unit_handled_add(u->store, u->rx_keys[i], now);
	return rc;
}

/* The keys of the parts of `msg`: those held, and the one being added. */
static void collect_keys(struct unit *u, const struct sms_message *msg)
{
	u->n_rx_keys = 0;
	for (size_t i = 0; i < u->n_parts; i++)
		if (same_key(&u->parts[i].key, &msg->key))
			memcpy(u->rx_keys[u->n_rx_keys++], u->parts[i].dedup, STORE_DEDUP_KEY_LEN);
	if (u->rx_adding && same_key(&u->rx_part.key, &msg->key))
		memcpy(u->rx_keys[u->n_rx_keys++], u->rx_part.dedup, STORE_DEDUP_KEY_LEN);
}

static void on_message(const struct sms_message *msg, void *user_data)
{
	struct unit *u = user_data;
	if (!msg->complete)
		log_warn(MOD,
			 "event=sms_incomplete from=%s parts=%d missing=%d advice=\"handled with what came\"",
			 msg->key.sender, msg->part_count, msg->missing_count);
	collect_keys(u, msg);
	int rc = route(u, msg->key.sender, msg->text, msg->text_len);
	u->n_rx_keys = 0;
	u->rx_result = rc;
	if (rc == 0)
		unit_crash_if(u, UNIT_CRASH_RX_HANDLED);
	size_t keep = 0;
	for (size_t i = 0; i < u->n_parts; i++) {
		if (same_key(&u->parts[i].key, &msg->key))
			release(u, u->parts[i].token, rc);
		else
			u->parts[keep++] = u->parts[i];
	}
	u->n_parts = keep;
}

static void part_of(struct unit_part *p, const struct sms_decoded *d, const char *pdu, uint64_t token)
{
	p->token = token;
	memset(&p->key, 0, sizeof(p->key));
	snprintf(p->key.sender, sizeof(p->key.sender), "%s", d->number);
	p->key.ref = d->concat.ref; /* as sms_assembly keys it */
	p->key.ref16 = d->concat.ref16;
	p->key.total = d->concat.present && d->concat.total > 1 ? d->concat.total : 1;
	store_dedup_key(pdu, d->number, d->scts.valid ? d->scts.utc_s * 1000 : 0, p->dedup);
}

static void hold_part(struct unit *u, const struct unit_part *p)
{
	if (u->n_parts == UNIT_PARTS_MAX) {
		release(u, p->token, -ENOSPC);
		return;
	}
	u->parts[u->n_parts++] = *p;
}

/* A part acted on before (a crash came between its store and its delete): only deleted.
 * Returns true when it was taken care of. */
static bool known(struct unit *u, const struct unit_part *p, const struct modem_inbound *in)
{
	int rc = store_unit_handled_has(u->store, p->dedup);
	if (rc == 0)
		return false;
	if (rc > 0)
		log_info(MOD, "event=sms_already_handled from=%s mem=%s index=%d", p->key.sender, in->mem,
			 in->index);
	release(u, p->token, rc > 0 ? 0 : rc);
	return true;
}

static void on_assembly_timer(uv_timer_t *t)
{
	struct unit *u = t->data;
	sms_assembly_tick(u->assembly, unit_now_ms(u));
}

static void arm_assembly(struct unit *u)
{
	int64_t at = sms_assembly_next_deadline(u->assembly), now = unit_now_ms(u);
	if (at == INT64_MAX)
		uv_timer_stop(&u->t_assembly);
	else
		uv_timer_start(&u->t_assembly, on_assembly_timer, at > now ? (uint64_t)(at - now) : 0, 0);
}

void unit_rx_sms(struct unit *u, const struct modem_inbound *in)
{
	if (in->kind != MODEM_INBOUND_DELIVER && in->kind != MODEM_INBOUND_UNKNOWN) {
		/* A status report (the unit asks for none) or a sent message kept on a SIM taken
		 * from a phone: nothing to act on; deleting it frees the slot. */
		log_info(MOD, "event=sms_dropped kind=%s mem=%s index=%d", modem_inbound_kind_str(in->kind),
			 in->mem, in->index);
		release(u, in->token, 0);
		return;
	}
	struct sms_decoded *d = malloc(sizeof(*d));
	char why[160] = "";
	int rc = d ? sms_decode_pdu(in->pdu, strlen(in->pdu), in->tpdu_len, d, why, sizeof(why)) : -ENOMEM;
	if (rc < 0 || d->kind != SMS_KIND_DELIVER) {
		if (rc < 0)
			log_warn(MOD,
				 "event=sms_undecodable index=%d why=\"%s\" advice=\"deleted: nothing in it "
				 "can be "
				 "acted on\"",
				 in->index, why);
		release(u, in->token, rc == -ENOMEM ? rc : 0);
		free(d);
		return;
	}
	if (d->content != SMS_CONTENT_TEXT) {
		log_warn(MOD,
			 "event=sms_not_text from=%s content=%s port=%d index=%d advice=\"deleted, not acted "
			 "on: a flash, data, WAP push or voicemail message is no command\"",
			 d->number, sms_content_str(d->content), d->port, in->index);
		release(u, in->token, 0);
		free(d);
		return;
	}
	part_of(&u->rx_part, d, in->pdu, in->token);
	if (known(u, &u->rx_part, in)) {
		free(d);
		return;
	}
	u->rx_result = 0;
	u->rx_adding = true;
	rc = sms_assembly_add(u->assembly, d, in->pdu, unit_now_ms(u));
	u->rx_adding = false;
	if (rc == SMS_ASSEMBLY_STORED)
		hold_part(u, &u->rx_part);
	else
		release(u, in->token, rc == SMS_ASSEMBLY_DELIVERED ? u->rx_result : rc < 0 ? rc : 0);
	free(d);
	arm_assembly(u);
}

int unit_rx_init(struct unit *u)
{
	struct sms_assembly_cfg cfg = {.timeout_ms = ASSEMBLY_TIMEOUT_MS,
				       .max_pending = UNIT_PARTS_MAX,
				       .on_message = on_message,
				       .user_data = u};
	u->assembly = sms_assembly_new(&cfg);
	return u->assembly ? 0 : -ENOMEM;
}

void unit_rx_close(struct unit *u)
{
	sms_assembly_free(u->assembly);
	u->assembly = NULL;
	u->n_parts = 0;
}
