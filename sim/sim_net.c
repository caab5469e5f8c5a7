/* The SMSC of the simulated network: accepts SMS from modems and phones, applies the
 * configured and injected faults with its own seeded PRNG, keeps a due-time queue, delivers
 * to modems (retrying while they refuse) and phones, and sends status reports. */
#include "sim_net.h"

#include "hex.h"
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REORDER_MIN_MS    1000 /* a held-back SMS waits 1..3 s more: later ones overtake it */
#define REORDER_SPAN_MS   2000
#define DUPLICATE_SPAN_MS 500

enum item_kind {
	ITEM_SMS,
	ITEM_REPORT,
};

struct item {
	uint64_t due_ms;
	uint64_t order;
	enum item_kind kind;
	uint64_t id;
	int src_modem; /* -1: sent by a phone */
	char from[SIM_NUMBER_MAX];
	char to[SIM_NUMBER_MAX];
	struct sim_part part;
	bool srr;
	uint8_t mr;
	uint8_t tp_status;  /* ITEM_REPORT */
	uint64_t submit_ms; /* now_ms when accepted */
	unsigned faults;
	int attempts;
	uint8_t tpdu[SIM_TPDU_MAX]; /* built at the first attempt */
	size_t tpdu_len;
};

struct modem_state {
	uint32_t drop_next;
	uint32_t delay_ms;
	uint32_t loss_pct;
};

struct sim_net {
	struct sim_settings s;
	uint64_t epoch_ms;
	uint32_t retry_ms;
	struct sim_net_hooks hooks;
	void *user;
	uint64_t rng;
	uint64_t next_id, next_order;
	struct modem_state modems[SIM_MAX_MODEMS];
	struct sim_phone *phones[SIM_MAX_PHONES];
	struct item **queue; /* sorted by (due_ms, order) */
	size_t n_queue, cap_queue;
};

static const char *const fault_bit_names[SIM_NET_F_COUNT] = {
	"loss", "drop-next", "duplicate", "reorder", "delay", "storage-full", "no-network",
};

const char *sim_net_fault_bit_str(int bit)
{
	return bit >= 0 && bit < SIM_NET_F_COUNT ? fault_bit_names[bit] : "?";
}

const char *sim_net_status_str(enum sim_net_status status)
{
	switch (status) {
	case SIM_NET_DELIVERED:
		return "delivered";
	case SIM_NET_LOST:
		return "lost";
	case SIM_NET_UNKNOWN_NUMBER:
		return "unknown-number";
	case SIM_NET_REFUSED:
		return "refused";
	}
	return "?";
}

/* splitmix64: small, fast and fully determined by the seed. */
static uint64_t rng_next(struct sim_net *net)
{
	uint64_t z = (net->rng += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static double rng_unit(struct sim_net *net)
{
	return (double)(rng_next(net) >> 11) / 9007199254740992.0;
}

struct sim_net *sim_net_new(const struct sim_settings *s, uint64_t epoch_ms, uint32_t retry_ms,
			    const struct sim_net_hooks *hooks, void *user)
{
	struct sim_net *net = calloc(1, sizeof(*net));
	if (!net)
		return NULL;
	net->s = *s;
	net->epoch_ms = epoch_ms;
	net->retry_ms = retry_ms ? retry_ms : 1000;
	net->hooks = *hooks;
	net->user = user;
	net->rng = (uint64_t)(uint32_t)s->seed;
	net->next_id = 1;
	for (int i = 0; i < s->n_phones; i++) {
		net->phones[i] = sim_phone_new(s->phones[i].name, s->phones[i].number);
		if (!net->phones[i]) {
			sim_net_free(net);
			return NULL;
		}
	}
	return net;
}

void sim_net_free(struct sim_net *net)
{
	if (!net)
		return;
	for (int i = 0; i < net->s.n_phones; i++)
		sim_phone_free(net->phones[i]);
	for (size_t i = 0; i < net->n_queue; i++)
		free(net->queue[i]);
	free(net->queue);
	free(net);
}

static int queue_insert(struct sim_net *net, struct item *it)
{
	if (net->n_queue == net->cap_queue) {
		size_t cap = net->cap_queue ? net->cap_queue * 2 : 64;
		struct item **q = realloc(net->queue, cap * sizeof(*q));
		if (!q)
			return -ENOMEM;
		net->queue = q;
		net->cap_queue = cap;
	}
	it->order = net->next_order++;
	size_t i = net->n_queue;
	while (i > 0 && net->queue[i - 1]->due_ms > it->due_ms)
		i--;
	memmove(net->queue + i + 1, net->queue + i, (net->n_queue - i) * sizeof(it));
	net->queue[i] = it;
	net->n_queue++;
	return 0;
}

static void emit_record(struct sim_net *net, const struct item *it, enum sim_net_status status,
			uint64_t now_ms)
{
	if (!net->hooks.record)
		return;
	struct sim_net_record rec = {
		.id = it->id,
		.submit_ms = net->epoch_ms + it->submit_ms,
		.done_ms = net->epoch_ms + now_ms,
		.from = it->from,
		.to = it->to,
		.part = &it->part,
		.status = status,
		.faults = it->faults,
		.attempts = it->attempts,
		.status_report = it->srr,
		.is_report = it->kind == ITEM_REPORT,
		.tp_status = it->tp_status,
		.mr = it->mr,
	};
	net->hooks.record(net->user, &rec);
}

/* Same subscriber: the digits match, with or without the international "+" (a TP-DA of
 * type 0x81 "unknown" carries the same digits as one of type 0x91, TS 23.040 9.1.2.5). */
static bool same_number(const char *a, const char *b)
{
	return strcmp(a + (a[0] == '+'), b + (b[0] == '+')) == 0;
}

static int modem_by_number(const struct sim_net *net, const char *number)
{
	for (int i = 0; i < net->s.n_modems; i++)
		if (same_number(net->s.modems[i].number, number))
			return i;
	return -1;
}

static struct sim_phone *phone_by_number(const struct sim_net *net, const char *number)
{
	for (int i = 0; i < net->s.n_phones; i++)
		if (same_number(net->s.phones[i].number, number))
			return net->phones[i];
	return NULL;
}

/* Applies loss, duplication, reordering and the sender's faults, then queues the SMS. The
 * three draws are made for every SMS so that one --seed gives one sequence of faults. */
static int accept_sms(struct sim_net *net, struct item *it, uint64_t now_ms)
{
	double loss = rng_unit(net), dup = rng_unit(net), reorder = rng_unit(net);
	uint64_t extra = rng_next(net);
	it->id = net->next_id++;
	it->submit_ms = now_ms;
	it->due_ms = now_ms + (uint64_t)net->s.latency_ms;
	struct modem_state *ms = it->src_modem >= 0 ? &net->modems[it->src_modem] : NULL;
	if (ms && ms->drop_next > 0) {
		ms->drop_next--;
		it->faults |= SIM_NET_F_DROP_NEXT;
	} else if (loss < net->s.loss || (ms && loss * 100 < ms->loss_pct)) {
		it->faults |= SIM_NET_F_LOSS;
	}
	if (it->faults & (SIM_NET_F_DROP_NEXT | SIM_NET_F_LOSS)) {
		log_info("sim", "event=sms_lost id=%llu from=%s to=%s cause=%s", (unsigned long long)it->id,
			 it->from, it->to, it->faults & SIM_NET_F_DROP_NEXT ? "drop-next" : "loss");
		emit_record(net, it, SIM_NET_LOST, now_ms);
		free(it);
		return 0;
	}
	if (ms && ms->delay_ms) {
		it->due_ms += ms->delay_ms;
		it->faults |= SIM_NET_F_DELAY;
	}
	if (reorder < net->s.reorder) {
		it->due_ms += REORDER_MIN_MS + extra % REORDER_SPAN_MS;
		it->faults |= SIM_NET_F_REORDER;
	}
	struct item *copy = NULL;
	if (dup < net->s.duplicate && (copy = malloc(sizeof(*copy))) != NULL) {
		*copy = *it;
		copy->faults |= SIM_NET_F_DUPLICATE;
		copy->due_ms += 1 + (extra >> 32) % DUPLICATE_SPAN_MS;
	}
	if (queue_insert(net, it) < 0) {
		free(it);
		free(copy);
		return -ENOMEM;
	}
	if (copy && queue_insert(net, copy) < 0)
		free(copy);
	return 0;
}

int sim_net_modem_submit(struct sim_net *net, int modem, const uint8_t *tpdu, size_t len, uint64_t now_ms)
{
	struct sim_submit sub;
	if (sim_pdu_decode_submit(tpdu, len, &sub) < 0) {
		log_warn("sim",
			 "event=submit_refused modem=%s len=%zu reason=\"not a valid SMS-SUBMIT "
			 "TPDU; the modem answers +CMS ERROR: 304\"",
			 net->s.modems[modem].name, len);
		return 304; /* TS 27.005 3.2.5: invalid PDU mode parameter */
	}
	struct item *it = calloc(1, sizeof(*it));
	if (!it)
		return 500;
	it->kind = ITEM_SMS;
	it->src_modem = modem;
	snprintf(it->from, sizeof(it->from), "%s", net->s.modems[modem].number);
	snprintf(it->to, sizeof(it->to), "%s", sub.to);
	it->part = sub.part;
	it->srr = sub.status_report;
	it->mr = sub.mr;
	log_debug("sim", "event=sms_submitted modem=%s to=%s mr=%u srr=%d", net->s.modems[modem].name, sub.to,
		  sub.mr, sub.status_report);
	return accept_sms(net, it, now_ms) < 0 ? 500 : 0;
}

static bool number_valid(const char *n)
{
	size_t i = n[0] == '+' ? 1 : 0, digits = 0;
	for (; n[i]; i++, digits++)
		if (n[i] < '0' || n[i] > '9')
			return false;
	return digits >= 3 && digits <= 20;
}

static struct item *phone_item(const struct sim_net_send *req)
{
	struct item *it = calloc(1, sizeof(*it));
	if (!it)
		return NULL;
	it->kind = ITEM_SMS;
	it->src_modem = -1;
	snprintf(it->from, sizeof(it->from), "%s", req->from);
	snprintf(it->to, sizeof(it->to), "%s", req->to);
	return it;
}

/* A TPDU given whole: the record shows it in hex as the 8-bit text it is not. */
static int send_tpdu(struct sim_net *net, const struct sim_net_send *req, uint64_t now_ms)
{
	if (req->tpdu_len > SIM_TPDU_MAX || modem_by_number(net, req->to) < 0)
		return -EINVAL;
	struct item *it = phone_item(req);
	if (!it)
		return -ENOMEM;
	memcpy(it->tpdu, req->tpdu, req->tpdu_len);
	it->tpdu_len = req->tpdu_len;
	it->part.coding = SIM_CODING_8BIT;
	hex_encode(req->tpdu, req->tpdu_len, it->part.text);
	return accept_sms(net, it, now_ms) < 0 ? -ENOMEM : 1;
}

int sim_net_send(struct sim_net *net, const struct sim_net_send *req, uint64_t now_ms)
{
	if (!number_valid(req->from) || !number_valid(req->to))
		return -EINVAL;
	if (!req->spoof && modem_by_number(net, req->from) >= 0)
		return -EPERM;
	if (req->tpdu_len)
		return send_tpdu(net, req, now_ms);
	struct sim_part parts[SIM_MAX_PARTS];
	int n = sim_pdu_split(req->text, req->ucs2, (uint8_t)rng_next(net), parts);
	if (n < 0)
		return n;
	for (int i = 0; i < n; i++) {
		struct item *it = phone_item(req);
		if (!it)
			return -ENOMEM;
		it->part = parts[i];
		if (accept_sms(net, it, now_ms) < 0)
			return -ENOMEM;
	}
	return n;
}

int sim_net_phone_send(struct sim_net *net, const char *from, const char *to, const char *text, bool ucs2,
		       uint64_t now_ms)
{
	struct sim_net_send req = {.from = from, .to = to, .text = text, .ucs2 = ucs2};
	return sim_net_send(net, &req, now_ms);
}

void sim_net_drop_next(struct sim_net *net, int modem, uint32_t n)
{
	net->modems[modem].drop_next = n;
}

void sim_net_delay(struct sim_net *net, int modem, uint32_t ms)
{
	net->modems[modem].delay_ms = ms;
}

void sim_net_loss(struct sim_net *net, int modem, uint32_t pct)
{
	net->modems[modem].loss_pct = pct > 100 ? 100 : pct;
}

uint64_t sim_net_next_deadline(const struct sim_net *net)
{
	return net->n_queue ? net->queue[0]->due_ms : UINT64_MAX;
}

static void queue_report(struct sim_net *net, const struct item *sms, uint8_t status, uint64_t now_ms)
{
	if (!sms->srr || sms->src_modem < 0)
		return;
	struct item *r = calloc(1, sizeof(*r));
	if (!r)
		return;
	r->kind = ITEM_REPORT;
	r->id = sms->id;
	r->mr = sms->mr;
	r->tp_status = status;
	r->src_modem = sms->src_modem;
	snprintf(r->from, sizeof(r->from), "%s", sms->to);
	snprintf(r->to, sizeof(r->to), "%s", sms->from);
	r->submit_ms = now_ms;
	r->due_ms = now_ms + (uint64_t)net->s.latency_ms;
	time_t scts = (time_t)((net->epoch_ms + sms->submit_ms) / 1000);
	time_t discharge = (time_t)((net->epoch_ms + now_ms) / 1000);
	int n = sim_pdu_build_status_report(sms->mr, sms->to, scts, discharge, status, r->tpdu);
	r->tpdu_len = n > 0 ? (size_t)n : 0;
	if (n < 0 || queue_insert(net, r) < 0)
		free(r);
}

enum attempt {
	ATTEMPT_DONE,    /* the modem took it */
	ATTEMPT_RETRY,   /* storage full, off the network or line reserved: try again later */
	ATTEMPT_REFUSED, /* it can never take it */
};

/* Hands `it` to a modem. */
static enum attempt try_modem(struct sim_net *net, struct item *it, int modem, uint64_t now_ms)
{
	if (!it->tpdu_len) {
		time_t scts = (time_t)((net->epoch_ms + it->submit_ms) / 1000);
		int n = sim_pdu_build_deliver(it->from, &it->part, scts, it->tpdu);
		if (n < 0) {
			log_error("sim", "event=deliver_build_failed id=%llu from=%s",
				  (unsigned long long)it->id, it->from);
			return ATTEMPT_REFUSED;
		}
		it->tpdu_len = (size_t)n;
	}
	it->attempts++;
	int rc = it->kind == ITEM_SMS
			 ? net->hooks.deliver(net->user, modem, it->tpdu, it->tpdu_len, now_ms)
			 : net->hooks.status_report(net->user, modem, it->tpdu, it->tpdu_len, now_ms);
	if (rc == 0)
		return ATTEMPT_DONE;
	if (rc == -EBUSY) {
		log_debug("sim", "event=delivery_rejected id=%llu modem=%s cause=line-reserved retry_ms=%u",
			  (unsigned long long)it->id, net->s.modems[modem].name, net->retry_ms);
		return ATTEMPT_RETRY;
	}
	if (rc != -ENOSPC && rc != -ENETDOWN) {
		log_error("sim",
			  "event=delivery_refused id=%llu modem=%s len=%zu err=%d hint=\"the modem "
			  "rejected the TPDU itself; this is a simulator bug, please report it\"",
			  (unsigned long long)it->id, net->s.modems[modem].name, it->tpdu_len, rc);
		return ATTEMPT_REFUSED;
	}
	unsigned bit = rc == -ENOSPC ? SIM_NET_F_STORAGE_FULL : SIM_NET_F_NO_NETWORK;
	if (!(it->faults & bit))
		log_info("sim",
			 "event=delivery_deferred id=%llu modem=%s kind=%s cause=%s retry_ms=%u "
			 "hint=\"%s\"",
			 (unsigned long long)it->id, net->s.modems[modem].name,
			 it->kind == ITEM_SMS ? "sms" : "status-report",
			 rc == -ENOSPC ? "storage-full" : "no-network", net->retry_ms,
			 rc == -ENOSPC ? "the SMSC keeps it until the client deletes messages (AT+CMGD)"
				       : "the SMSC keeps it until the modem is registered again");
	it->faults |= bit;
	return ATTEMPT_RETRY;
}

/* Delivers one due item; returns true when it is finished, false to requeue it. */
static bool deliver_item(struct sim_net *net, struct item *it, uint64_t now_ms)
{
	if (it->kind == ITEM_REPORT) {
		enum attempt a = try_modem(net, it, it->src_modem, now_ms);
		if (a != ATTEMPT_RETRY)
			emit_record(net, it, a == ATTEMPT_DONE ? SIM_NET_DELIVERED : SIM_NET_REFUSED, now_ms);
		return a != ATTEMPT_RETRY;
	}
	int modem = modem_by_number(net, it->to);
	struct sim_phone *phone = modem < 0 ? phone_by_number(net, it->to) : NULL;
	if (modem < 0 && !phone) {
		log_info("sim",
			 "event=sms_undeliverable id=%llu from=%s to=%s reason=\"no modem or phone "
			 "has this number\"",
			 (unsigned long long)it->id, it->from, it->to);
		emit_record(net, it, SIM_NET_UNKNOWN_NUMBER, now_ms);
		queue_report(net, it, SIM_TP_STATUS_INCOMPATIBLE, now_ms);
		return true;
	}
	enum attempt a = modem >= 0 ? try_modem(net, it, modem, now_ms) : ATTEMPT_DONE;
	if (a == ATTEMPT_RETRY)
		return false;
	if (a == ATTEMPT_REFUSED) {
		emit_record(net, it, SIM_NET_REFUSED, now_ms);
		queue_report(net, it, SIM_TP_STATUS_INCOMPATIBLE, now_ms);
		return true;
	}
	bool whole = false;
	if (phone) {
		it->attempts++;
		whole = sim_phone_receive(phone, it->from, &it->part, net->epoch_ms + now_ms) > 0;
	}
	emit_record(net, it, SIM_NET_DELIVERED, now_ms);
	queue_report(net, it, SIM_TP_STATUS_DELIVERED, now_ms);
	/* after the record, so that whoever is told of the message finds it recorded */
	if (whole && net->hooks.phone_received)
		net->hooks.phone_received(net->user, phone);
	return true;
}

void sim_net_tick(struct sim_net *net, uint64_t now_ms)
{
	size_t budget = net->n_queue; /* each item at most once per tick */
	while (budget-- > 0 && net->n_queue > 0 && net->queue[0]->due_ms <= now_ms) {
		struct item *it = net->queue[0];
		memmove(net->queue, net->queue + 1, (net->n_queue - 1) * sizeof(it));
		net->n_queue--;
		if (deliver_item(net, it, now_ms)) {
			free(it);
			continue;
		}
		it->due_ms = now_ms + net->retry_ms;
		if (queue_insert(net, it) < 0)
			free(it);
	}
}

int sim_net_modem_index(const struct sim_net *net, const char *name)
{
	for (int i = 0; i < net->s.n_modems; i++)
		if (strcmp(net->s.modems[i].name, name) == 0)
			return i;
	return -1;
}

const struct sim_phone *sim_net_phone(const struct sim_net *net, const char *number)
{
	return phone_by_number(net, number);
}

size_t sim_net_pending(const struct sim_net *net)
{
	return net->n_queue;
}

size_t sim_net_pending_for(const struct sim_net *net, int modem)
{
	size_t n = 0;
	for (size_t i = 0; i < net->n_queue; i++) {
		const struct item *it = net->queue[i];
		n += it->kind == ITEM_REPORT ? it->src_modem == modem : modem_by_number(net, it->to) == modem;
	}
	return n;
}
