/* The replay window (proto_window.h) and what a receipt covers: a 128-bit map of the latest
 * sequence numbers, shifted as higher ones arrive. */
#include "proto_window.h"

#include <errno.h>
#include <string.h>

#define WORDS (PROTO_WINDOW_BITS / 64)

void proto_window_init(struct proto_window *w)
{
	memset(w, 0, sizeof(*w));
}

static bool bit_get(const uint64_t *map, uint32_t i)
{
	return (map[i / 64] >> (i % 64)) & 1u;
}

static void bit_set(uint64_t *map, uint32_t i)
{
	map[i / 64] |= (uint64_t)1 << (i % 64);
}

static int refuse(struct proto_error *err, enum proto_reject reason, int rc)
{
	if (err) {
		err->reason = reason;
		err->at = 0;
	}
	return rc;
}

int proto_window_check(const struct proto_window *w, uint32_t seq, struct proto_error *err)
{
	if (seq == 0)
		return refuse(err, PROTO_REJECT_SEQ, -EINVAL);
	if (w->top == 0 || seq > w->top)
		return 0;
	uint32_t back = w->top - seq;
	if (back >= PROTO_WINDOW_BITS)
		return refuse(err, PROTO_REJECT_TOO_OLD, -ESTALE);
	if (bit_get(w->seen, back))
		return refuse(err, PROTO_REJECT_DUPLICATE, -EALREADY);
	return 0;
}

/* Moves the map `by` places towards the old end: bit i becomes bit i + by. */
static void shift_up(uint64_t *map, uint32_t by)
{
	uint64_t out[WORDS] = {0};
	if (by < PROTO_WINDOW_BITS) {
		for (uint32_t i = 0; i + by < PROTO_WINDOW_BITS; i++) {
			if (bit_get(map, i))
				bit_set(out, i + by);
		}
	}
	memcpy(map, out, sizeof(out));
}

void proto_window_accept(struct proto_window *w, uint32_t seq)
{
	if (proto_window_check(w, seq, NULL) != 0)
		return;
	if (w->top == 0) {
		memset(w->seen, 0, sizeof(w->seen));
		w->top = seq;
	} else if (seq > w->top) {
		shift_up(w->seen, seq - w->top);
		w->top = seq;
	}
	bit_set(w->seen, w->top - seq);
}

void proto_window_receipt(const struct proto_window *w, struct proto_receipt *r)
{
	memset(r, 0, sizeof(*r));
	if (w->top == 0)
		return;
	/* Counted from the top (back = top - seq), in 32 bits without wrapping at UINT32_MAX:
	 * the oldest seq the window can still accept, and from there the first one missing. */
	uint32_t span = w->top < PROTO_WINDOW_BITS ? w->top : PROTO_WINDOW_BITS;
	uint32_t back = span;
	while (back > 0 && bit_get(w->seen, back - 1))
		back--;
	if (back == 0) {
		r->upto = w->top;
		return;
	}
	uint32_t missing = w->top - (back - 1); /* the oldest seq not accepted */
	r->upto = missing - 1;
	for (uint32_t b = 0; b + 1 < back; b++) {
		if (bit_get(w->seen, b))
			bit_set(r->beyond, w->top - b - missing);
	}
}

bool proto_receipt_covers(const struct proto_receipt *r, uint32_t seq)
{
	if (seq == 0)
		return false;
	if (seq <= r->upto)
		return true;
	uint64_t i = (uint64_t)seq - r->upto - 1;
	return i < PROTO_RECEIPT_BITS && bit_get(r->beyond, (uint32_t)i);
}
