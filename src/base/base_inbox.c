/* The inbox: every SMS a modem hands over is stored (with its de-duplication key) before the
 * modem may delete it; parts of a multipart message are stored as they come and reassembled
 * from the store, also across a restart; what was stored but not acted on before a crash is
 * acted on at start. Each whole message becomes one step, sorted by its sender: a unit, a
 * contact, or a stranger (no reply, logged). */
#include "base_int.h"

#include "alert_text.h"
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct arrival {
	struct base *b;
	void (*stored)(void *user_data, int result);
	void *user_data;
	struct sms_decoded d;
	char pdu[SMS_PDU_HEX_MAX];
	int64_t received_ms;
	bool undecodable;
	bool not_text; /* a DELIVER that is no person's text (sms_content) */
	char why[128];
};

static int64_t scts_ms_of(const struct sms_time *t)
{
	return t->valid ? t->utc_s * 1000 : 0;
}

static struct base_job *message_job(struct base *b, int64_t id, const char *sender, const char *text,
				    size_t len)
{
	struct base_job *job = base_job_new(b, BASE_JOB_INBOX);
	if (!job)
		return NULL;
	job->inbox_id = id;
	snprintf(job->sender, sizeof(job->sender), "%s", sender);
	job->text = malloc(len + 1);
	if (!job->text) {
		base_job_free(job);
		return NULL;
	}
	memcpy(job->text, text, len);
	job->text[len] = '\0';
	job->text_len = len;
	job->total = 1;
	return job;
}

/* A whole multipart message from the assembly (complete, or given up on). */
static void on_message(const struct sms_message *msg, void *user_data)
{
	struct base *b = user_data;
	struct base_job *job = message_job(b, 0, msg->key.sender, msg->text, msg->text_len);
	if (!job)
		return;
	job->ref = msg->key.ref;
	job->total = msg->key.total;
	job->scts_ms = scts_ms_of(&msg->scts);
	job->received_ms = msg->first_ms;
	job->incomplete = !msg->complete;
	if (!msg->complete)
		log_warn("base",
			 "event=multipart_incomplete from=%s parts=%d missing=%d hint=\"the network never "
			 "delivered the rest; what came is acted on as it is\"",
			 msg->key.sender, msg->part_count, msg->missing_count);
	base_job_push(b, job);
}

static void reload(struct base *b, const char *pdu, int64_t received_ms)
{
	int rc = sms_assembly_reload(b->assembly, pdu, received_ms);
	if (rc < 0)
		log_warn("base",
			 "event=multipart_part_held error=\"%s\" hint=\"the part is stored; it is assembled "
			 "again at the next start\"",
			 strerror(-rc));
}

static void on_added(void *user_data, int result, int64_t id)
{
	struct arrival *a = user_data;
	struct base *b = a->b;
	if (result < 0) {
		log_error(
			"base",
			"event=sms_not_stored from=%s error=\"%s\" hint=\"kept on the modem's SIM and handed "
			"over again; see the store's line about the database\"",
			a->d.number, store_strerror(result));
		a->stored(a->user_data, result);
		free(a);
		return;
	}
	a->stored(a->user_data, 0);
	if (result == STORE_DUPLICATE) {
		log_info("base",
			 "event=sms_seen_before inbox_id=%lld from=%s hint=\"the modem handed over a "
			 "message already stored; it is deleted from the SIM, not acted on twice\"",
			 (long long)id, a->d.number);
	} else if (b->cluster) {
		base_cluster_sweep(b); /* the leader acts on it, whichever base stored it */
	} else if (a->undecodable || a->not_text) {
		struct base_job *job =
			message_job(b, id, a->not_text ? a->d.number : "unknown", a->why, strlen(a->why));
		if (job)
			job->undecodable = a->undecodable, job->not_text = a->not_text;
		base_job_push(b, job);
	} else if (a->d.concat.present && a->d.concat.total > 1) {
		reload(b, a->pdu, a->received_ms);
	} else {
		struct base_job *job = message_job(b, id, a->d.number, a->d.text, a->d.text_len);
		if (job) {
			job->scts_ms = scts_ms_of(&a->d.scts);
			job->received_ms = a->received_ms;
		}
		base_job_push(b, job);
	}
	free(a);
}

static void store_arrival(struct base *b, struct arrival *a, int modem)
{
	struct store_inbox_sms row = {.received_ms = a->received_ms, .total = 1, .part = 1};
	snprintf(row.pdu_hex, sizeof(row.pdu_hex), "%s", a->pdu);
	snprintf(row.sender, sizeof(row.sender), "%s", a->d.number[0] ? a->d.number : "unknown");
	row.scts_ms = a->undecodable ? 0 : scts_ms_of(&a->d.scts);
	snprintf(row.modem, sizeof(row.modem), "%s", modem >= 0 ? b->pool.m[modem].name : "test");
	if (!a->undecodable && !a->not_text && a->d.concat.present && a->d.concat.total > 1) {
		row.ref = a->d.concat.ref;
		row.total = a->d.concat.total;
		row.part = a->d.concat.seq;
	}
	store_base_inbox_add(b->store, &row, on_added, a);
}

void base_sms_received(struct base *b, const struct base_inbound *in)
{
	struct arrival *a = calloc(1, sizeof(*a));
	size_t len = strlen(in->pdu);
	if (!a || len >= sizeof(a->pdu)) {
		log_error("base", "event=sms_not_stored reason=%s hint=\"kept on the modem's SIM\"",
			  a ? "pdu_too_long" : "out_of_memory");
		free(a);
		in->stored(in->user_data, -ENOMEM);
		return;
	}
	*a = (struct arrival){.b = b, .stored = in->stored, .user_data = in->user_data};
	memcpy(a->pdu, in->pdu, len + 1);
	a->received_ms = base_now_ms(b);
	if (sms_decode_pdu(a->pdu, len, in->tpdu_len, &a->d, a->why, sizeof(a->why)) < 0) {
		a->undecodable = true;
		memset(&a->d, 0, sizeof(a->d));
		log_warn("base",
			 "event=sms_undecodable why=\"%s\" hint=\"kept in the inbox as it came, then "
			 "deleted from the SIM so that it frees its slot\"",
			 a->why);
	} else if (a->d.kind == SMS_KIND_STATUS_REPORT) {
		base_outbox_report(b, &a->d, in->stored, in->user_data);
		free(a);
		return;
	} else if (a->d.kind == SMS_KIND_DELIVER && a->d.content != SMS_CONTENT_TEXT) {
		a->not_text = true;
		snprintf(a->why, sizeof(a->why), "%s", sms_content_str(a->d.content));
		log_warn("base",
			 "event=sms_not_text from=%s content=%s port=%d hint=\"kept in the inbox, not acted "
			 "on: a flash, data, WAP push or voicemail message is no command\"",
			 a->d.number, sms_content_str(a->d.content), a->d.port);
	} else if (a->d.kind == SMS_KIND_SUBMIT) {
		/* A SIM taken from a phone keeps its sent messages: kept as they were, then freed. */
		snprintf(a->why, sizeof(a->why), "a stored outgoing message to %s, not one received",
			 a->d.number);
		a->undecodable = true;
		memset(&a->d, 0, sizeof(a->d));
		log_info("base",
			 "event=sms_stored_submit hint=\"an outgoing message left on the SIM: kept in the "
			 "inbox, then deleted so that it frees its slot\"");
	}
	store_arrival(b, a, in->modem);
}

/* ---- at start: what was stored and not acted on ---- */

#define PENDING_PAGE 64

static void on_pending(void *user_data, int result, const struct store_inbox_sms *rows, size_t n);

static void pending_page(struct base *b)
{
	store_base_inbox_pending(b->store, b->start_after_id, PENDING_PAGE, on_pending, b);
}

void base_inbox_pending_row(struct base *b, const struct store_inbox_sms *r)
{
	struct sms_decoded *d = malloc(sizeof(*d));
	char why[128];
	if (!d)
		return;
	int rc = sms_decode_pdu(r->pdu_hex, strlen(r->pdu_hex), -1, d, why, sizeof(why));
	if (rc == 0 && d->kind != SMS_KIND_DELIVER) {
		snprintf(why, sizeof(why), "a %s kept as it came", sms_kind_str(d->kind));
		rc = -EBADMSG;
	}
	bool not_text = rc == 0 && d->content != SMS_CONTENT_TEXT;
	if (not_text)
		snprintf(why, sizeof(why), "%s", sms_content_str(d->content));
	if (rc == 0 && !not_text && r->total > 1) {
		reload(b, r->pdu_hex, r->received_ms);
	} else {
		struct base_job *job =
			rc == 0 && !not_text
				? message_job(b, r->id, r->sender, d->text, d->text_len)
				: message_job(b, r->id, not_text ? r->sender : "unknown", why, strlen(why));
		if (job) {
			job->undecodable = rc != 0;
			job->not_text = not_text;
			job->scts_ms = r->scts_ms;
			job->received_ms = r->received_ms;
		}
		base_job_push(b, job);
	}
	free(d);
}

static void on_pending(void *user_data, int result, const struct store_inbox_sms *rows, size_t n)
{
	struct base *b = user_data;
	if (result < 0) {
		base_started(b, result);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		base_inbox_pending_row(b, &rows[i]);
		b->start_after_id = rows[i].id;
	}
	if (n == PENDING_PAGE) {
		pending_page(b);
		return;
	}
	if (b->start_after_id)
		log_info("base",
			 "event=inbox_resumed last_id=%lld hint=\"messages stored before the last stop "
			 "and not yet acted on were acted on now\"",
			 (long long)b->start_after_id);
	base_started(b, 0);
}

void base_inbox_reset(struct base *b)
{
	struct sms_assembly_cfg cfg = {.timeout_ms = 24LL * 3600 * 1000,
				       .max_pending = 256,
				       .on_message = on_message,
				       .user_data = b};
	sms_assembly_free(b->assembly);
	b->assembly = sms_assembly_new(&cfg);
}

void base_inbox_start(struct base *b)
{
	if (!b->assembly)
		base_inbox_reset(b);
	b->start_after_id = 0;
	pending_page(b);
}

void base_inbox_tick(struct base *b, int64_t now_ms)
{
	sms_assembly_tick(b->assembly, now_ms);
}

int64_t base_inbox_next_ms(const struct base *b)
{
	return b->assembly ? sms_assembly_next_deadline(b->assembly) : INT64_MAX;
}

/* ---- one stored message ---- */

void base_inbox_mark(struct base *b, const struct base_job *job, enum store_inbox_state state,
		     const char *reason)
{
	base_batch_mark(&b->batch, job->inbox_id, job->sender, job->ref, job->total, state, reason);
}

/* Printable ASCII of at most 60 characters of what someone sent, for an event. */
static void excerpt(const char *text, size_t len, char *out, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < len && k + 4 < n && k < 60; i++)
		out[k++] = text[i] >= 0x20 && text[i] < 0x7f ? text[i] : '?';
	if (len > 60 && k + 4 < n)
		k += (size_t)snprintf(out + k, n - k, "...");
	out[k] = '\0';
}

static void stranger(struct base *b, const struct base_job *job)
{
	char what[80];
	excerpt(job->text, job->text_len, what, sizeof(what));
	log_info("base",
		 "event=stranger from=%s chars=%zu hint=\"not a unit or contact of this base: no reply was "
		 "sent; "
		 "add the number to contacts if it should be answered\"",
		 job->sender, job->text_len);
	base_inbox_mark(b, job, STORE_INBOX_REJECTED, "stranger");
	struct store_event *e = base_batch_event(&b->batch, STORE_EVENT_STRANGER, b->now_ms);
	if (e) {
		snprintf(e->actor, sizeof(e->actor), "%s", job->sender);
		snprintf(e->text, sizeof(e->text), "no reply to: %s", what);
	}
}

void base_inbox_plan(struct base *b, struct base_job *job)
{
	if (!job->undecodable && !job->not_text && base_unit_by_number(b, job->sender) < 0) {
		job->contact = base_contact_by_number(b, job->sender);
		if (job->contact >= 0)
			base_cmd_plan(b, job);
	}
}

void base_inbox_step(struct base *b, struct base_job *job)
{
	if (job->undecodable) {
		base_inbox_mark(b, job, STORE_INBOX_REJECTED, "undecodable");
		struct store_event *e = base_batch_event(&b->batch, STORE_EVENT_OTHER, b->now_ms);
		if (e)
			snprintf(e->text, sizeof(e->text), "an SMS that does not decode: %s", job->text);
		return;
	}
	if (job->not_text) {
		base_inbox_mark(b, job, STORE_INBOX_REJECTED, job->text);
		struct store_event *e = base_batch_event(&b->batch, STORE_EVENT_OTHER, b->now_ms);
		if (e) {
			snprintf(e->actor, sizeof(e->actor), "%s", job->sender);
			snprintf(e->text, sizeof(e->text), "an SMS that is no text (%s): kept, not acted on",
				 job->text);
		}
		return;
	}
	int u = base_unit_by_number(b, job->sender);
	if (u >= 0)
		base_unitmsg_step(b, job, &b->units[u]);
	else if (job->contact >= 0)
		base_cmd_step(b, job);
	else if (!base_unitmsg_misrouted(b, job))
		stranger(b, job);
}
