/* Which stored readings go into one READINGS message, pure. The store keeps readings as
 * (channel, time, value or fault); a READINGS message holds samples of a fixed set of
 * channels at a fixed interval. A "tick" is the readings of one sample time; a "run" is
 * ticks of the same channels, each one interval after the one before (give or take a
 * quarter of it), which is what proto_encode_readings takes as a series. A restart, a
 * changed INTERVAL or a channel added in the file starts a new run. */
#ifndef M2_UNIT_BATCH_H
#define M2_UNIT_BATCH_H

#include "store_unit.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UNIT_BATCH_CHANNELS 8

struct unit_batch_run {
	size_t n_ticks;                       /* >= 1 */
	size_t n_channels;                    /* 1..UNIT_BATCH_CHANNELS */
	uint8_t channel[UNIT_BATCH_CHANNELS]; /* configuration indices, ascending */
	int64_t first_ms;                     /* the first tick's time */
	uint32_t interval_s;                  /* >= 1 */
};

/* Sorts readings by time, then channel, then id: the order runs are read in. */
void unit_batch_sort(struct store_unit_reading *r, size_t n);

/* The run that starts at r[0] of the sorted readings r[0..n). `more` says that readings
 * after r[n-1] may exist (a page of the store that was full): the last tick may then be
 * cut, so it is left out unless it is the only one. `interval_s` is the interval for a run
 * of one tick. The run's readings are r[0 .. n_ticks * n_channels), tick k's channel c at
 * r[k * n_channels + c]. Returns 0, or -ENOENT when n is 0. */
int unit_batch_first(const struct store_unit_reading *r, size_t n, bool more, uint32_t interval_s,
		     struct unit_batch_run *run);

#endif
