/* When a unit gets its receipt: the first message accepted opens a window of receipt_delay,
 * and one receipt at its end covers everything that arrived within it (an SMS costs money).
 * A copy of a message already stored (the unit did not get our receipt) asks for one too,
 * but at most once a minute per unit, so a replayed message cannot make the base text.
 * Pure: times are the caller's wall clock. */
#ifndef M2_BASE_RECEIPT_H
#define M2_BASE_RECEIPT_H

#include <stdbool.h>
#include <stdint.h>

/* A copy alone asks for a receipt at most this often. */
#define BASE_RECEIPT_COPY_MS 60000

struct base_receipt {
	bool pending;    /* a receipt is owed */
	int64_t due_ms;  /* when it is sent, when pending */
	int64_t last_ms; /* when the last one was queued, 0: never */
};

/* A message of the unit was stored (`fresh`) or was a copy of one stored before. */
void base_receipt_note(struct base_receipt *r, int64_t now_ms, int64_t delay_ms, bool fresh);

/* True when the owed receipt is due at `now_ms`. */
bool base_receipt_due(const struct base_receipt *r, int64_t now_ms);

/* When it is due, INT64_MAX when none is owed. */
int64_t base_receipt_next_ms(const struct base_receipt *r);

/* A receipt was made at `now_ms`: it covers everything stored so far. */
void base_receipt_sent(struct base_receipt *r, int64_t now_ms);

#endif
