/* Runs of readings for the READINGS messages: ticks of one time, ticks one interval apart
 * with the same channels. Pure; unit_report.c turns a run into messages. */
#include "unit_batch.h"

#include <errno.h>
#include <stdlib.h>

static int cmp_reading(const void *a, const void *b)
{
	const struct store_unit_reading *x = a, *y = b;
	if (x->t_ms != y->t_ms)
		return x->t_ms < y->t_ms ? -1 : 1;
	if (x->channel != y->channel)
		return x->channel < y->channel ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

void unit_batch_sort(struct store_unit_reading *r, size_t n)
{
	qsort(r, n, sizeof(*r), cmp_reading);
}

/* The readings of the tick at r[at]: one time, channels strictly ascending. */
static size_t tick_len(const struct store_unit_reading *r, size_t n, size_t at)
{
	size_t k = at + 1;
	while (k < n && r[k].t_ms == r[at].t_ms && r[k].channel > r[k - 1].channel)
		k++;
	return k - at;
}

static bool same_channels(const struct store_unit_reading *a, const struct store_unit_reading *b, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (a[i].channel != b[i].channel)
			return false;
	return true;
}

static uint32_t interval_between(int64_t a_ms, int64_t b_ms)
{
	int64_t d = (b_ms - a_ms + 500) / 1000;
	return d < 1 ? 0 : d > UINT32_MAX ? 0 : (uint32_t)d;
}

static bool on_grid(int64_t first_ms, uint32_t interval_s, size_t k, int64_t t_ms)
{
	int64_t want = first_ms + (int64_t)k * interval_s * 1000;
	int64_t tol = (int64_t)interval_s * 250;
	if (tol < 1000)
		tol = 1000;
	if (tol >= (int64_t)interval_s * 1000)
		tol = (int64_t)interval_s * 500;
	return llabs(t_ms - want) <= tol;
}

int unit_batch_first(const struct store_unit_reading *r, size_t n, bool more, uint32_t interval_s,
		     struct unit_batch_run *run)
{
	if (n == 0)
		return -ENOENT;
	size_t len = tick_len(r, n, 0);
	if (len > UNIT_BATCH_CHANNELS)
		len = UNIT_BATCH_CHANNELS;
	*run = (struct unit_batch_run){.n_ticks = 1, .n_channels = len, .first_ms = r[0].t_ms};
	for (size_t c = 0; c < len; c++)
		run->channel[c] = r[c].channel;
	run->interval_s = interval_s ? interval_s : 1;
	size_t at = len;
	while (at < n) {
		size_t next = tick_len(r, n, at);
		if (next != len || !same_channels(r, r + at, len))
			break;
		if (more && at + next == n)
			break; /* the page may have cut this tick's channels short */
		if (run->n_ticks == 1) {
			uint32_t iv = interval_between(r[0].t_ms, r[at].t_ms);
			if (!iv)
				break;
			run->interval_s = iv;
		}
		if (!on_grid(run->first_ms, run->interval_s, run->n_ticks, r[at].t_ms))
			break;
		run->n_ticks++;
		at += next;
	}
	return 0;
}
