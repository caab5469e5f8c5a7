/* Status-report matching: every part we sent, by TP-MR and recipient (TS 23.040 9.2.3.6,
 * 9.2.2.3), settled by the reports that come back; a message's state is the sum of its
 * parts'. Entries expire, then linger as tombstones so that a late report is named late. */
#include "sms_reports.h"

#include "sms_number.h"

#include "log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum part_state {
	PART_AWAITED, /* no report yet */
	PART_TRYING,  /* "still trying" report: the SC keeps going */
	PART_DELIVERED,
	PART_FAILED,
};

struct sent_part {
	uint64_t message_id;
	int part;
	int part_count;
	uint8_t mr;
	char recipient[SMS_NUMBER_MAX];
	int64_t sent_ms;
	enum part_state state;
	bool expired;
	int64_t expired_ms;
};

struct sms_reports {
	struct sms_reports_cfg cfg;
	struct sent_part *parts;
	size_t count, cap;
};

const char *sms_report_outcome_str(enum sms_report_outcome outcome)
{
	switch (outcome) {
	case SMS_REPORT_MATCHED:
		return "matched";
	case SMS_REPORT_UNMATCHED:
		return "unmatched";
	case SMS_REPORT_LATE:
		return "late";
	}
	return "?";
}

struct sms_reports *sms_reports_new(const struct sms_reports_cfg *cfg)
{
	struct sms_reports *r;

	if (cfg == NULL || cfg->expire_ms <= 0)
		return NULL;
	r = calloc(1, sizeof(*r));
	if (r != NULL)
		r->cfg = *cfg;
	return r;
}

void sms_reports_free(struct sms_reports *r)
{
	if (r == NULL)
		return;
	free(r->parts);
	free(r);
}

/* The state of message `id` from all its parts. */
static void message_state(const struct sms_reports *r, uint64_t id, struct sms_sent_state *st)
{
	memset(st, 0, sizeof(*st));
	st->message_id = id;
	for (size_t i = 0; i < r->count; i++) {
		const struct sent_part *p = &r->parts[i];

		if (p->message_id != id)
			continue;
		strcpy(st->recipient, p->recipient);
		st->part_count = p->part_count;
		st->delivered += p->state == PART_DELIVERED;
		st->failed += p->state == PART_FAILED;
	}
	st->pending = st->part_count - st->delivered - st->failed;
	if (st->failed > 0)
		st->state = SMS_DELIVERY_FAILED;
	else if (st->part_count > 0 && st->delivered == st->part_count)
		st->state = SMS_DELIVERY_DELIVERED;
	else
		st->state = SMS_DELIVERY_PENDING;
	st->final = st->state != SMS_DELIVERY_PENDING;
}

static void remove_at(struct sms_reports *r, size_t i)
{
	r->parts[i] = r->parts[--r->count];
}

/* Checks `part` agrees with parts of the same message already registered, and drops
 * entries it replaces. Returns 0 or -EINVAL. */
static int make_room(struct sms_reports *r, uint64_t id, int part, int part_count, uint8_t mr,
		     const char *recipient)
{
	for (size_t i = 0; i < r->count;) {
		struct sent_part *p = &r->parts[i];

		if (p->message_id == id && !p->expired &&
		    (p->part_count != part_count || strcmp(p->recipient, recipient) != 0))
			return -EINVAL;
		if ((p->message_id == id && p->part == part) ||
		    (p->mr == mr && sms_number_same(p->recipient, recipient)))
			remove_at(r, i);
		else
			i++;
	}
	return 0;
}

int sms_reports_sent(struct sms_reports *r, uint64_t message_id, int part, int part_count,
		     uint8_t message_ref, const char *recipient, int64_t now_ms)
{
	struct sent_part *p;
	int err;

	if (part < 1 || part > part_count || part_count > 255 || recipient == NULL || recipient[0] == '\0' ||
	    strlen(recipient) >= SMS_NUMBER_MAX)
		return -EINVAL;
	err = make_room(r, message_id, part, part_count, message_ref, recipient);
	if (err)
		return err;
	if (r->count == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 16;
		struct sent_part *grown = realloc(r->parts, cap * sizeof(*grown));

		if (grown == NULL)
			return -ENOMEM;
		r->parts = grown;
		r->cap = cap;
	}
	p = &r->parts[r->count++];
	memset(p, 0, sizeof(*p));
	p->message_id = message_id;
	p->part = part;
	p->part_count = part_count;
	p->mr = message_ref;
	strcpy(p->recipient, recipient);
	p->sent_ms = now_ms;
	p->state = PART_AWAITED;
	return 0;
}

/* The entry a report is about: the live one if any, else the newest tombstone. */
static struct sent_part *lookup(struct sms_reports *r, const struct sms_decoded *rep)
{
	struct sent_part *best = NULL;

	for (size_t i = 0; i < r->count; i++) {
		struct sent_part *p = &r->parts[i];

		if (p->mr != rep->message_ref || !sms_number_same(p->recipient, rep->number))
			continue;
		if (best == NULL || (best->expired && !p->expired) ||
		    (best->expired == p->expired && p->sent_ms > best->sent_ms))
			best = p;
	}
	return best;
}

static enum part_state part_state_of(enum sms_delivery d)
{
	switch (d) {
	case SMS_DELIVERY_DELIVERED:
		return PART_DELIVERED;
	case SMS_DELIVERY_PENDING:
		return PART_TRYING;
	case SMS_DELIVERY_FAILED:
		return PART_FAILED;
	}
	return PART_FAILED;
}

int sms_reports_match(struct sms_reports *r, const struct sms_decoded *rep, int64_t now_ms,
		      struct sms_report_match *out)
{
	struct sent_part *p;
	struct sms_sent_state before;

	if (rep == NULL || rep->kind != SMS_KIND_STATUS_REPORT)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	out->part_state = rep->delivery;
	p = lookup(r, rep);
	if (p == NULL) {
		out->outcome = SMS_REPORT_UNMATCHED;
		log_info("sms",
			 "event=report_unmatched mr=%u recipient=%s status=%s "
			 "what=\"no message sent to that number with that reference is known; "
			 "it may predate a restart\"",
			 rep->message_ref, rep->number, sms_delivery_str(rep->delivery));
		return 0;
	}
	out->part = p->part;
	message_state(r, p->message_id, &before);
	if (p->expired || now_ms - p->sent_ms >= r->cfg.expire_ms || p->state == PART_DELIVERED ||
	    p->state == PART_FAILED || before.final) {
		out->outcome = SMS_REPORT_LATE;
		out->message = before;
		log_debug("sms", "event=report_late message=%llu part=%d mr=%u status=%s",
			  (unsigned long long)p->message_id, p->part, rep->message_ref,
			  sms_delivery_str(rep->delivery));
		return 0;
	}
	out->outcome = SMS_REPORT_MATCHED;
	p->state = part_state_of(rep->delivery);
	message_state(r, p->message_id, &out->message);
	out->message_changed =
		out->message.delivered != before.delivered || out->message.failed != before.failed;
	return 0;
}

/* Latest time a live part of message `id` was sent. */
static int64_t newest_send(const struct sms_reports *r, uint64_t id)
{
	int64_t newest = INT64_MIN;

	for (size_t i = 0; i < r->count; i++) {
		if (r->parts[i].message_id == id && !r->parts[i].expired && r->parts[i].sent_ms > newest)
			newest = r->parts[i].sent_ms;
	}
	return newest;
}

static void expire_message(struct sms_reports *r, uint64_t id, int64_t now_ms)
{
	struct sms_sent_state st;

	message_state(r, id, &st);
	for (size_t i = 0; i < r->count; i++) {
		if (r->parts[i].message_id == id) {
			r->parts[i].expired = true;
			r->parts[i].expired_ms = now_ms;
		}
	}
	if (st.final)
		return;
	log_warn("sms",
		 "event=report_missing message=%llu recipient=%s delivered=%d/%d "
		 "what=\"no final delivery report came; the recipient's phone may be off "
		 "or out of coverage\"",
		 (unsigned long long)id, st.recipient, st.delivered, st.part_count);
	if (r->cfg.on_expired)
		r->cfg.on_expired(&st, r->cfg.user_data);
}

int sms_reports_expire(struct sms_reports *r, int64_t now_ms)
{
	int expired = 0;

	for (size_t i = 0; i < r->count; i++) {
		const struct sent_part *p = &r->parts[i];

		if (p->expired || now_ms - newest_send(r, p->message_id) < r->cfg.expire_ms)
			continue;
		struct sms_sent_state st;

		message_state(r, p->message_id, &st);
		expired += !st.final;
		expire_message(r, p->message_id, now_ms);
	}
	for (size_t i = 0; i < r->count;) {
		if (r->parts[i].expired && now_ms - r->parts[i].expired_ms >= r->cfg.expire_ms)
			remove_at(r, i);
		else
			i++;
	}
	return expired;
}

int sms_reports_pending(const struct sms_reports *r)
{
	int pending = 0;

	for (size_t i = 0; i < r->count; i++) {
		const struct sent_part *p = &r->parts[i];
		struct sms_sent_state st;
		bool seen = false;

		if (p->expired)
			continue;
		for (size_t j = 0; j < i && !seen; j++)
			seen = r->parts[j].message_id == p->message_id && !r->parts[j].expired;
		if (seen)
			continue;
		message_state(r, p->message_id, &st);
		pending += !st.final;
	}
	return pending;
}
