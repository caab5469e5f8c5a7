/* The supervision's timing, pure (base_super.c): when a unit counts as silent. */
#ifndef M2_BASE_SUPER_H
#define M2_BASE_SUPER_H

#include <stdint.h>

/* The wall-clock time at which a unit last heard at `last_heard_ms` (0: never, then counted
 * from `watch_since_ms`, when the base began to watch it) becomes SILENT: its heartbeat plus
 * the grace later. */
int64_t base_silent_deadline(int64_t last_heard_ms, int64_t watch_since_ms, uint32_t heartbeat_s,
			     uint32_t grace_s);

#endif
