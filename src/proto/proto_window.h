/* The replay window: which sequence numbers of one sender have been accepted, so a copy or a
 * replay is refused while messages that SMS delivers out of order are still taken. Each
 * receiver keeps one per sender and direction (the base one per unit, the unit one for its
 * base). A plain struct of fixed-width integers without padding: the store saves it as-is,
 * in the same transaction as the message it accepted. Pure. */
#ifndef M2_PROTO_WINDOW_H
#define M2_PROTO_WINDOW_H

#include "proto.h"

#include <stdint.h>

/* Sequence numbers top - PROTO_WINDOW_BITS + 1 .. top are remembered one by one; anything
 * older is refused. As wide as a receipt's bitmap, so a receipt can say all it knows. */
#define PROTO_WINDOW_BITS 128

struct proto_window {
	uint32_t top;  /* the highest seq accepted; 0: none yet (a new unit or a new store) */
	uint32_t zero; /* always 0: no hidden padding */
	uint64_t seen[PROTO_WINDOW_BITS / 64]; /* bit i (word i / 64, bit i % 64): top - i accepted */
};

/* An empty window: the first message accepted may have any seq. */
void proto_window_init(struct proto_window *w);

/* Would `seq` be accepted? Returns 0 (new, or out of order inside the window), -EALREADY
 * (DUPLICATE: accepted before), -ESTALE (TOO_OLD: below the window), -EINVAL (SEQ: 0); `err`
 * (may be NULL) gets the reason, with `at` 0. Changes nothing. */
int proto_window_check(const struct proto_window *w, uint32_t seq, struct proto_error *err);

/* Records `seq` as accepted, after proto_window_check() said 0 and the message was verified
 * and stored. A seq the check would refuse leaves the window as it was. */
void proto_window_accept(struct proto_window *w, uint32_t seq);

/* The receipt that says what the window holds: upto is the seq before the oldest one still
 * missing inside the window (top when none is), and the bitmap covers everything accepted
 * after it. Older seqs count as covered: the window could no longer accept them. */
void proto_window_receipt(const struct proto_window *w, struct proto_receipt *r);

#endif
