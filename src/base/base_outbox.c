/* The durable outbox on the modems: each READY modem with nothing in hand claims the row
 * due first, encodes it, sends it, and settles the row with the outcome (sent with its
 * parts' references; tried again later when it surely did not go; resent and marked
 * possibly duplicated when it may have gone; given up after many refusals). Delivery
 * reports are matched to the rows and stored against them, and re-registered from the
 * outbox at start. Rows left in flight by a crash go back to the queue at start. */
#include "base_int.h"

#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ATTEMPTS_MAX     12
#define RECEIPT_STALE_MS (120 * 1000LL)

static void claim(struct base *b, struct base_modem *m);

static bool to_unit(const char *kind)
{
	return strcmp(kind, "receipt") == 0 || strcmp(kind, "command") == 0;
}

static int64_t backoff_ms(uint32_t attempts)
{
	int64_t d = 5000LL << (attempts > 6 ? 6 : attempts ? attempts - 1 : 0);
	return d > 300000 ? 300000 : d;
}

void base_outbox_kick(struct base *b)
{
	if (!b->loop || b->stopping || !b->started || b->pool.n == 0)
		return;
	int order[BASE_MODEMS_MAX];
	size_t n = base_pool_order(&b->pool, order);
	if (n == 0 && base_pool_ready(&b->pool) == 0 && !b->outbox_waiting_logged) {
		char pool[160];
		b->outbox_waiting_logged = true;
		base_pool_describe(&b->pool, pool, sizeof(pool));
		log_warn("base",
			 "event=outbox_waiting reason=no_modem_ready modems=\"%s\" hint=\"texts wait in the "
			 "outbox until a modem is ready: check each modem's power and cable, its SIM (PIN, "
			 "credit) and signal with m2mon modem --device DEV\"",
			 pool);
	}
	for (size_t i = 0; i < n; i++)
		claim(b, &b->pool.m[order[i]]);
}

void base_outbox_tick(struct base *b, int64_t now_ms)
{
	if (now_ms >= b->outbox_due_ms) {
		b->outbox_due_ms = INT64_MAX;
		base_outbox_kick(b);
	}
}

static void on_outcome(void *user_data, int result, int64_t id);

static void settle(struct base_modem *m, enum store_outcome outcome, int64_t next_ms, const char *error)
{
	struct store_sms_outcome o = {
		.id = m->row_id, .outcome = outcome, .next_ms = next_ms, .error = error};
	store_base_outbox_outcome(m->b->store, &o, on_outcome, m);
}

static void given_up(struct base *b, const struct base_modem *m, const char *error)
{
	log_error("base",
		  "event=sms_given_up id=%lld to=%s kind=%s attempts=%u error=%s hint=\"every modem refused "
		  "it; "
		  "check the number and the SIM's credit; the row stays in the outbox as failed\"",
		  (long long)m->row_id, m->dest, m->kind, m->attempts, error);
	base_resend_forget(b, m->row_id);
	struct base_job *job = base_job_new(b, BASE_JOB_EVENT);
	if (!job)
		return;
	job->event.kind = STORE_EVENT_NOT_SENT;
	snprintf(job->event.actor, sizeof(job->event.actor), "%s", m->dest);
	snprintf(job->event.text, sizeof(job->event.text), "%s (outbox #%lld) given up after %u attempts: %s",
		 m->kind, (long long)m->row_id, m->attempts, error);
	base_job_push(b, job);
}

static void on_outcome(void *user_data, int result, int64_t id)
{
	struct base_modem *m = user_data;
	struct base *b = m->b;
	(void)id;
	m->busy = false;
	if (result == -EALREADY)
		log_info("base",
			 "event=sms_claim_gone id=%lld modem=%s hint=\"the row was given back (released, or "
			 "its "
			 "lease lapsed) and is sent again, marked possibly duplicated\"",
			 (long long)m->row_id, m->name);
	else if (result < 0)
		log_error("base",
			  "event=outbox_not_settled id=%lld modem=%s error=\"%s\" hint=\"the row is "
			  "settled at the next start (sent again, marked possibly duplicated)\"",
			  (long long)m->row_id, m->name, store_strerror(result));
	base_outbox_kick(b);
	base_stop_check(b);
}

static void register_reports(struct base *b, const struct base_modem *m, const struct modem_send_result *res)
{
	if (!m->report) {
		base_resend_forget(b, m->row_id);
		return;
	}
	uint8_t mr[STORE_PARTS_MAX];
	int n = res->parts_sent < STORE_PARTS_MAX ? res->parts_sent : STORE_PARTS_MAX;
	for (int i = 0; i < n; i++)
		mr[i] = (uint8_t)res->refs[i];
	base_resend_watch(b, m->row_id, m->dest, m->attempts, base_now_ms(b), n, mr);
}

static void on_sent(void *user_data, const struct modem_send_result *res)
{
	struct base_modem *m = user_data;
	struct base *b = m->b;
	int64_t now = base_now_ms(b);
	const struct at_result *r = &res->result;
	if (r->kind == AT_RESULT_OK) {
		struct store_sms_outcome o = {.id = m->row_id,
					      .outcome = STORE_OUTCOME_SENT,
					      .at_ms = now,
					      .n_parts = (uint8_t)res->parts_sent};
		for (int i = 0; i < res->parts_sent && i < STORE_PARTS_MAX; i++)
			o.mr[i] = (uint8_t)res->refs[i];
		log_info("base", "event=sms_sent id=%lld modem=%s to=%s kind=%s parts=%d attempt=%u",
			 (long long)m->row_id, m->name, m->dest, m->kind, res->parts_sent, m->attempts);
		register_reports(b, m, res);
		store_base_outbox_outcome(b->store, &o, on_outcome, m);
		return;
	}
	bool maybe = r->kind == AT_RESULT_TIMEOUT || r->kind == AT_RESULT_ABORTED || res->parts_sent > 0;
	const char *why = at_result_describe(r);
	char error[STORE_LABEL_MAX];
	snprintf(error, sizeof(error), "%s%s%d", at_result_kind_str(r->kind), r->code ? ":" : "", r->code);
	if (!r->code)
		snprintf(error, sizeof(error), "%s", at_result_kind_str(r->kind));
	log_warn("base",
		 "event=%s id=%lld modem=%s to=%s kind=%s result=%s why=\"%s\" attempt=%u hint=\"%s\"",
		 maybe ? "sms_outcome_unknown" : "sms_refused", (long long)m->row_id, m->name, m->dest,
		 m->kind, error, why ? why : "", m->attempts,
		 maybe ? "the modem did not confirm it: it is sent again (maybe through another modem) and "
			 "marked possibly duplicated"
		       : "tried again later, maybe through another modem");
	if (!maybe && m->attempts >= ATTEMPTS_MAX) {
		given_up(b, m, error);
		settle(m, STORE_OUTCOME_FAILED, 0, error);
		return;
	}
	settle(m, maybe ? STORE_OUTCOME_UNKNOWN : STORE_OUTCOME_RETRY,
	       now + (maybe ? 1000 : backoff_ms(m->attempts)), error);
}

/* A receipt that waited long in the outbox carries a stale clock: a fresh one replaces it. */
static bool stale_receipt(struct base *b, const struct store_sms_out *row, int64_t now)
{
	if (strcmp(row->kind, "receipt") != 0 || now - row->created_ms < RECEIPT_STALE_MS)
		return false;
	int u = base_unit_by_number(b, row->dest);
	if (u >= 0)
		base_receipt_note(&b->units[u].receipt, now, 0, true);
	log_info("base", "event=receipt_replaced id=%lld to=%s waited_s=%lld", (long long)row->id, row->dest,
		 (long long)((now - row->created_ms) / 1000));
	return true;
}

static void send_row(struct base *b, struct base_modem *m, const struct store_sms_out *row)
{
	int64_t now = base_now_ms(b);
	struct sms_submit_opts opts = {.status_report = m->cfg->status_reports && !to_unit(row->kind),
				       .concat_ref = (uint8_t)row->id};
	m->report = opts.status_report;
	if (sms_encode_submit(row->dest, row->text, &opts, &m->sub) < 0) {
		given_up(b, m, "encode");
		settle(m, STORE_OUTCOME_FAILED, 0, "encode");
		return;
	}
	struct modem_pdu parts[SMS_MAX_PARTS];
	for (int i = 0; i < m->sub.part_count; i++)
		parts[i] = (struct modem_pdu){m->sub.parts[i].hex, m->sub.parts[i].tpdu_len};
	struct modem *mo = modem_link_modem(m->link);
	int rc = modem_send(mo, parts, m->sub.part_count, modem_link_now(m->link), on_sent, m);
	if (rc < 0) {
		settle(m, STORE_OUTCOME_RETRY, now, "not_ready");
		return;
	}
	log_info("base", "event=sms_sending id=%lld modem=%s to=%s kind=%s attempt=%u parts=%d%s",
		 (long long)row->id, m->name, row->dest, row->kind, row->attempts, m->sub.part_count,
		 row->possibly_duplicate ? " possibly_duplicate=yes" : "");
	modem_link_service(m->link);
}

static void on_claim(void *user_data, int result, const struct store_sms_out *row, int64_t next_due_ms)
{
	struct base_modem *m = user_data;
	struct base *b = m->b;
	int64_t now = base_now_ms(b);
	if (result < 0) {
		m->busy = false;
		if (result == -ENOENT) {
			b->outbox_due_ms = next_due_ms < b->outbox_due_ms ? next_due_ms : b->outbox_due_ms;
		} else {
			b->outbox_due_ms = now + 5000;
			log_error("base", "event=outbox_claim_failed modem=%s error=\"%s\"", m->name,
				  store_strerror(result));
		}
		base_wake(b);
		base_stop_check(b);
		return;
	}
	m->row_id = row->id;
	m->attempts = row->attempts;
	snprintf(m->dest, sizeof(m->dest), "%s", row->dest);
	snprintf(m->kind, sizeof(m->kind), "%s", row->kind);
	if (b->stopping || m->state != MODEM_STATE_READY)
		settle(m, STORE_OUTCOME_RETRY, now, "not_ready");
	else if (stale_receipt(b, row, now))
		settle(m, STORE_OUTCOME_FAILED, 0, "stale");
	else
		send_row(b, m, row);
}

static void claim(struct base *b, struct base_modem *m)
{
	m->busy = true;
	store_base_outbox_claim(b->store, base_now_ms(b), m->name, on_claim, m);
}

/* ---- delivery reports ---- */

struct report_ctx {
	struct base *b;
	void (*done)(void *, int);
	void *ud;
	int64_t id;
	bool delivered;
	char dest[STORE_NUMBER_MAX];
};

static void on_report_stored(void *user_data, int result, int64_t id)
{
	struct report_ctx *ctx = user_data;
	(void)id;
	ctx->done(ctx->ud, result == -EALREADY || result == -ENOENT ? 0 : result);
	if (result == 0) {
		struct base_job *job = base_job_new(ctx->b, BASE_JOB_EVENT);
		if (job) {
			job->event.kind = STORE_EVENT_DELIVERED;
			snprintf(job->event.actor, sizeof(job->event.actor), "%s", ctx->dest);
			snprintf(job->event.text, sizeof(job->event.text), "%s (outbox #%lld)",
				 ctx->delivered ? "delivered" : "failed", (long long)ctx->id);
			base_job_push(ctx->b, job);
		}
	}
	free(ctx);
}

void base_outbox_report(struct base *b, const struct sms_decoded *d, void (*done)(void *, int), void *ud)
{
	struct sms_report_match mt = {.outcome = SMS_REPORT_UNMATCHED};
	int64_t now = base_now_ms(b);
	if (sms_reports_match(b->reports, d, now, &mt) < 0 || mt.outcome != SMS_REPORT_MATCHED ||
	    !mt.message_changed || !mt.message.final) {
		log_debug("base", "event=status_report to=%s ref=%u status=%s outcome=%s", d->number,
			  d->message_ref, sms_delivery_str(d->delivery), sms_report_outcome_str(mt.outcome));
		done(ud, 0);
		return;
	}
	bool delivered = mt.message.state == SMS_DELIVERY_DELIVERED;
	bool earlier = (mt.message.message_id >> BASE_RESEND_TAG) != 0; /* an earlier attempt's */
	if (earlier && !delivered) {
		log_debug("base", "event=status_report to=%s ref=%u status=%s outcome=earlier_attempt_failed",
			  d->number, d->message_ref, sms_delivery_str(d->delivery));
		done(ud, 0);
		return;
	}
	struct report_ctx *ctx = calloc(1, sizeof(*ctx));
	if (!ctx) {
		done(ud, -ENOMEM);
		return;
	}
	*ctx = (struct report_ctx){.b = b,
				   .done = done,
				   .ud = ud,
				   .id = (int64_t)(mt.message.message_id & BASE_RESEND_ID_MASK),
				   .delivered = delivered};
	base_resend_forget(b, ctx->id);
	snprintf(ctx->dest, sizeof(ctx->dest), "%s", mt.message.recipient);
	log_info("base", "event=sms_%s id=%lld to=%s", ctx->delivered ? "delivered" : "not_delivered",
		 (long long)ctx->id, ctx->dest);
	store_base_outbox_report(b->store, ctx->id,
				 ctx->delivered ? STORE_REPORT_DELIVERED : STORE_REPORT_FAILED, now,
				 on_report_stored, ctx);
}

/* ---- at start ---- */

static void on_expired(const struct sms_sent_state *st, void *user_data)
{
	(void)user_data;
	log_info("base", "event=no_delivery_report id=%llu to=%s parts=%d delivered=%d",
		 (unsigned long long)(st->message_id & BASE_RESEND_ID_MASK), st->recipient, st->part_count,
		 st->delivered);
}

static void on_awaiting(void *user_data, int result, const struct store_sms_out *rows, size_t n);

/* Whether the modem a row went through asks for status reports (it is still configured). */
static bool reports_asked(const struct base *b, const struct store_sms_out *row)
{
	for (size_t i = 0; i < b->pool.n; i++)
		if (strcmp(b->pool.m[i].name, row->modem) == 0)
			return b->pool.m[i].cfg->status_reports && !to_unit(row->kind);
	return false;
}

/* A row still awaiting its report: its parts registered again with their sent time; a
 * text to a person watched again for its resend, its deadline from that time. */
static void await_row(struct base *b, const struct store_sms_out *row)
{
	if (reports_asked(b, row)) {
		base_resend_watch(b, row->id, row->dest, row->attempts, row->sent_ms, row->n_parts, row->mr);
		return;
	}
	for (int p = 0; p < row->n_parts; p++)
		sms_reports_sent(b->reports, (uint64_t)row->id, p + 1, row->n_parts, row->mr[p], row->dest,
				 row->sent_ms);
}

#define AWAIT_PAGE 64

static void awaiting_page(struct base *b, int64_t after_id)
{
	store_base_outbox_awaiting(b->store, base_now_ms(b) - BASE_REPORT_WAIT_MS, after_id, AWAIT_PAGE,
				   on_awaiting, b);
}

static void on_awaiting(void *user_data, int result, const struct store_sms_out *rows, size_t n)
{
	struct base *b = user_data;
	if (result < 0) {
		base_started(b, result);
		return;
	}
	for (size_t i = 0; i < n; i++)
		await_row(b, &rows[i]);
	if (n == AWAIT_PAGE) {
		awaiting_page(b, rows[n - 1].id);
		return;
	}
	base_loaded(b);
}

static void on_recovered(void *user_data, int result, int64_t n)
{
	struct base *b = user_data;
	if (result < 0) {
		base_started(b, result);
		return;
	}
	if (n > 0)
		log_warn("base",
			 "event=outbox_recovered rows=%lld hint=\"texts in flight when the base stopped are "
			 "sent again, marked possibly duplicated\"",
			 (long long)n);
	awaiting_page(b, 0);
}

void base_outbox_start(struct base *b)
{
	struct sms_reports_cfg cfg = {
		.expire_ms = BASE_REPORT_WAIT_MS, .on_expired = on_expired, .user_data = b};
	if (!b->reports)
		b->reports = sms_reports_new(&cfg);
	b->outbox_due_ms = INT64_MAX;
	store_base_outbox_recover(b->store, base_now_ms(b), on_recovered, b);
}
