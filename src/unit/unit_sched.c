/* The outbox's schedule: backoff, the oldest-first choice inside the base's replay window,
 * events ahead of readings and heartbeats, and the fallback deadline of an event. Pure; unit_outbox.c acts on
 * it. */
#include "unit_sched.h"

#include "proto.h"

int64_t unit_sched_backoff_ms(uint32_t attempts, uint32_t resend_s, uint32_t resend_max_s)
{
	int64_t d = (int64_t)resend_s * 1000;
	int64_t cap = (int64_t)resend_max_s * 1000;
	for (uint32_t i = 1; i < attempts && d < cap; i++)
		d *= 2;
	return d < cap ? d : cap;
}

int64_t unit_sched_patience_ms(uint32_t resend_s, uint32_t resend_max_s)
{
	int64_t total = 0, cap = (int64_t)resend_max_s * 1000;
	for (uint32_t k = 1; k < 64; k++) {
		int64_t d = unit_sched_backoff_ms(k, resend_s, resend_max_s);
		total += d;
		if (d >= cap)
			break;
	}
	return total;
}

bool unit_sched_covers(const struct store_receipt *r, uint32_t seq)
{
	if (seq <= r->up_to)
		return true;
	uint64_t i = (uint64_t)seq - r->up_to - 1;
	return r->bitmap && i < r->bits && (r->bitmap[i / 8] >> (i % 8) & 1);
}

static uint32_t oldest_seq(const struct store_unit_msg *msgs, size_t n)
{
	uint32_t oldest = 0;
	for (size_t i = 0; i < n; i++)
		if (msgs[i].seq && (!oldest || msgs[i].seq < oldest))
			oldest = msgs[i].seq;
	return oldest;
}

bool unit_sched_routine_kind(int kind)
{
	return kind == PROTO_KIND_READINGS || kind == PROTO_KIND_HEARTBEAT;
}

/* Lower goes first: anything else before readings and heartbeats, new before resends. */
static int rank(const struct store_unit_msg *m)
{
	return (unit_sched_routine_kind(m->kind) ? 2 : 0) + (m->attempts > 0);
}

void unit_sched_pick(const struct store_unit_msg *msgs, size_t n, int64_t now_ms, bool hold_routine,
		     struct unit_sched_pick *out)
{
	*out = (struct unit_sched_pick){.next_ms = INT64_MAX};
	out->oldest_seq = oldest_seq(msgs, n);
	uint64_t limit = (uint64_t)out->oldest_seq + UNIT_SCHED_AHEAD;
	for (size_t i = 0; i < n; i++) {
		const struct store_unit_msg *m = &msgs[i];
		if (m->seq && m->seq > limit) {
			out->blocked++;
			continue;
		}
		if (m->next_ms <= now_ms && hold_routine && unit_sched_routine_kind(m->kind)) {
			out->held++;
		} else if (m->next_ms <= now_ms) {
			if (!out->found || rank(m) < rank(&msgs[out->index])) {
				out->found = true;
				out->index = i;
			}
		} else if (m->next_ms < out->next_ms) {
			out->next_ms = m->next_ms;
		}
	}
}

bool unit_sched_fallback_kind(int kind)
{
	return kind == PROTO_KIND_ALARM || kind == PROTO_KIND_CLEAR || kind == PROTO_KIND_FAULT ||
	       kind == PROTO_KIND_FAULT_END || kind == PROTO_KIND_POWER;
}

int64_t unit_sched_fallback_at(const struct store_unit_msg *m, uint32_t fallback_after_s)
{
	if (!m->seq || !unit_sched_fallback_kind(m->kind) || m->fallback_ms)
		return INT64_MAX;
	return m->created_ms + (int64_t)fallback_after_s * 1000;
}
