/* The receipt window of one unit (see base_receipt.h). */
#include "base_receipt.h"

void base_receipt_note(struct base_receipt *r, int64_t now_ms, int64_t delay_ms, bool fresh)
{
	if (r->pending)
		return;
	if (!fresh && r->last_ms && now_ms - r->last_ms < BASE_RECEIPT_COPY_MS)
		return;
	r->pending = true;
	r->due_ms = now_ms + (delay_ms > 0 ? delay_ms : 0);
}

bool base_receipt_due(const struct base_receipt *r, int64_t now_ms)
{
	return r->pending && now_ms >= r->due_ms;
}

int64_t base_receipt_next_ms(const struct base_receipt *r)
{
	return r->pending ? r->due_ms : INT64_MAX;
}

void base_receipt_sent(struct base_receipt *r, int64_t now_ms)
{
	r->pending = false;
	r->last_ms = now_ms;
}
