/* The outbox's schedule, pure: when a message goes again (the backoff), which message goes
 * next (events before readings, oldest first, never further ahead of the oldest unconfirmed seq than the
 * base's replay window can hold), and when the daemon must wake for the outbox. */
#ifndef M2_UNIT_SCHED_H
#define M2_UNIT_SCHED_H

#include "store_unit.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* How far ahead of the oldest unconfirmed seq a message may go: the base remembers 128
 * seqs (PROTO_WINDOW_BITS), so a seq 128 or more above one it has not stored would push
 * that one below its window, where a receipt counts it as covered though it never came. */
#define UNIT_SCHED_AHEAD 127u

/* The wait before attempt `attempts` + 1 of a message handed to the modem `attempts` times
 * (>= 1): resend_s, then twice that for each further attempt, never more than resend_max_s.
 * In milliseconds. */
int64_t unit_sched_backoff_ms(uint32_t attempts, uint32_t resend_s, uint32_t resend_max_s);

/* How long a base may leave the unit without a receipt before the unit moves to its next
 * base number: the whole resend schedule, every wait from resend_s doubling up to and
 * including one of resend_max_s. In milliseconds. */
int64_t unit_sched_patience_ms(uint32_t resend_s, uint32_t resend_max_s);

/* True when receipt `r` covers `seq` (at or below up_to, or its bit beyond it). */
bool unit_sched_covers(const struct store_receipt *r, uint32_t seq);

/* The choice among the outbox rows `msgs[0..n)` (in id order, as store_unit_outbox_list gives
 * them) at `now_ms`. */
struct unit_sched_pick {
	bool found; /* msgs[index] is due and may go now */
	size_t index;
	int64_t next_ms;     /* when the earliest row that may go (but is not due) is due;
				INT64_MAX when none: a receipt or a new message wakes the outbox */
	uint32_t oldest_seq; /* the lowest seq of the rows (0: no row carries a seq) */
	size_t blocked;      /* rows held back by the window (UNIT_SCHED_AHEAD) */
	size_t held;         /* due readings and heartbeats held back by hold_routine */
};

/* The due rows whose seq is 0 (a text to a phone) or at most oldest_seq + UNIT_SCHED_AHEAD:
 * first every kind but readings and heartbeats (an alarm, a clear, a fault, a power event, a
 * reply: they never wait behind a report; the base orders events by seq per level and takes
 * readings in any order), then readings and heartbeats; in each, first those never handed to
 * the modem, then the resends; oldest (lowest id) first in each. With `hold_routine` (a
 * sample that may raise an alarm is being read) due readings and heartbeats are counted in
 * `held`, not picked, and not in next_ms: the caller kicks again when the sample is done. */
void unit_sched_pick(const struct store_unit_msg *msgs, size_t n, int64_t now_ms, bool hold_routine,
		     struct unit_sched_pick *out);

/* Readings and heartbeats: the kinds that wait for an event due at the same moment. */
bool unit_sched_routine_kind(int kind);

/* Event kinds (alarm, clear, probe fault and its end, power) that go to the fallback phones
 * when the base does not confirm them within fallback_after_s. */
bool unit_sched_fallback_kind(int kind);

/* When row `m` must go to the fallback phones: created_ms + fallback_after_s, or INT64_MAX
 * when it never does (not an event kind, or its fallback went out already). */
int64_t unit_sched_fallback_at(const struct store_unit_msg *m, uint32_t fallback_after_s);

#endif
