/* Texts to people whose delivery report does not come: each text sent to a person with a
 * status report asked for is watched from its sent time; past `report_timeout` with no
 * final report it goes back to the queue (store_base_outbox_resend: marked possibly
 * duplicated) and is sent again, up to BASE_RESEND_ATTEMPTS claims of the row, then logged
 * as undelivered and left to the engine's reminders and escalation. The parts of an earlier
 * attempt stay registered with the tracker under the row's id tagged with the attempt
 * (BASE_RESEND_TAG), so that a late report for them still settles the row. After a restart
 * the watch is taken up again from the outbox (base_outbox.c) with the stored sent time. */
#include "base_int.h"

#include "log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static struct base_await *find(struct base *b, int64_t id)
{
	for (size_t i = 0; i < b->n_await; i++)
		if (b->await[i].id == id)
			return &b->await[i];
	return NULL;
}

static struct base_await *find_or_add(struct base *b, int64_t id)
{
	struct base_await *a = find(b, id);
	if (a)
		return a;
	if (b->n_await == b->cap_await) {
		size_t cap = b->cap_await ? 2 * b->cap_await : 16;
		struct base_await *grown = realloc(b->await, cap * sizeof(*grown));
		if (!grown)
			return NULL;
		b->await = grown;
		b->cap_await = cap;
	}
	a = &b->await[b->n_await++];
	memset(a, 0, sizeof(*a));
	a->id = id;
	return a;
}

void base_resend_forget(struct base *b, int64_t id)
{
	struct base_await *a = find(b, id);
	if (a)
		*a = b->await[--b->n_await];
}

/* The earlier attempt's parts under the tagged id: their late report still counts. */
static void keep_earlier(struct base *b, struct base_await *a)
{
	if (a->n_parts == 0 || !b->reports)
		return;
	a->tag = (uint8_t)(a->tag % 255 + 1);
	uint64_t tagged = (uint64_t)a->id | ((uint64_t)a->tag << BASE_RESEND_TAG);
	for (int p = 0; p < a->n_parts; p++)
		sms_reports_sent(b->reports, tagged, p + 1, a->n_parts, a->mr[p], a->dest, a->sent_ms);
}

void base_resend_watch(struct base *b, int64_t id, const char *dest, uint32_t attempts, int64_t sent_ms,
		       int n_parts, const uint8_t *mr)
{
	struct base_await *a = find(b, id);
	if (a)
		keep_earlier(b, a); /* an earlier attempt was sent: its report may still come */
	else
		a = find_or_add(b, id);
	if (!a) {
		log_error("base", "event=out_of_memory what=report_watch id=%lld", (long long)id);
		return;
	}
	snprintf(a->dest, sizeof(a->dest), "%s", dest);
	a->attempts = attempts;
	a->sent_ms = sent_ms;
	a->n_parts = (uint8_t)(n_parts > STORE_PARTS_MAX ? STORE_PARTS_MAX : n_parts);
	memcpy(a->mr, mr, a->n_parts);
	a->resending = false;
	for (int p = 0; b->reports && p < n_parts; p++)
		sms_reports_sent(b->reports, (uint64_t)id, p + 1, n_parts, mr[p], dest, sent_ms);
}

int64_t base_resend_next_ms(const struct base *b)
{
	int64_t next = INT64_MAX;
	int64_t timeout = (int64_t)b->cfg->report_timeout_s * 1000;
	for (size_t i = 0; i < b->n_await; i++) {
		const struct base_await *a = &b->await[i];
		int64_t due = a->retry_ms ? a->retry_ms : a->sent_ms + timeout;
		if (!a->resending && due < next)
			next = due;
	}
	return next;
}

struct resend_ctx {
	struct base *b;
	int64_t id;
};

static void on_requeued(void *user_data, int result, int64_t id)
{
	struct resend_ctx *ctx = user_data;
	struct base *b = ctx->b;
	free(ctx);
	struct base_await *a = find(b, id);
	if (result == 0) {
		base_outbox_kick(b);
	} else if (result == -EALREADY || result == -ENOENT) {
		base_resend_forget(b, id); /* its report came meanwhile, or the row is gone */
	} else if (a) {
		a->resending = false;
		a->retry_ms = base_now_ms(b) + 5000;
		log_error("base",
			  "event=outbox_not_settled id=%lld error=\"%s\" hint=\"the resend is tried again\"",
			  (long long)id, store_strerror(result));
	}
	base_wake(b);
}

static void undelivered(const struct base_await *a, int64_t now)
{
	log_warn("base",
		 "event=sms_undelivered id=%lld to=%s attempts=%u waited_s=%lld hint=\"no delivery report "
		 "came for any of its sends: check that the phone is on and in coverage and that the number "
		 "is right; the alarm's reminders and escalation go on\"",
		 (long long)a->id, a->dest, a->attempts, (long long)((now - a->sent_ms) / 1000));
}

static void overdue(struct base *b, struct base_await *a, int64_t now)
{
	struct resend_ctx *ctx = calloc(1, sizeof(*ctx));
	if (!ctx) {
		a->retry_ms = now + 5000;
		return;
	}
	log_warn("base",
		 "event=sms_report_overdue id=%lld to=%s attempt=%u waited_s=%lld hint=\"no delivery report "
		 "within report_timeout: the network may have lost it; it is sent again, marked possibly "
		 "duplicated\"",
		 (long long)a->id, a->dest, a->attempts, (long long)((now - a->sent_ms) / 1000));
	*ctx = (struct resend_ctx){.b = b, .id = a->id};
	a->resending = true;
	a->retry_ms = 0;
	store_base_outbox_resend(b->store, a->id, now, on_requeued, ctx);
}

void base_resend_tick(struct base *b, int64_t now_ms)
{
	int64_t timeout = (int64_t)b->cfg->report_timeout_s * 1000;
	for (size_t i = 0; i < b->n_await;) {
		struct base_await *a = &b->await[i];
		int64_t due = a->retry_ms ? a->retry_ms : a->sent_ms + timeout;
		if (a->resending && now_ms - a->sent_ms > BASE_REPORT_WAIT_MS) {
			*a = b->await[--b->n_await]; /* resent by another base of the cluster, or given up */
		} else if (a->resending || now_ms < due) {
			i++;
		} else if (a->attempts >= BASE_RESEND_ATTEMPTS) {
			undelivered(a, now_ms);
			*a = b->await[--b->n_await];
		} else {
			overdue(b, a, now_ms);
			i++;
		}
	}
}

void base_resend_free(struct base *b)
{
	free(b->await);
	b->await = NULL;
	b->n_await = b->cap_await = 0;
}
