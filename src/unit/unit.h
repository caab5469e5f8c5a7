/* The remote unit daemon (`m2mon unit`): samples its probes, raises alarms, batches readings,
 * keeps a durable outbox towards the base with receipts, resends and fallback phones, and
 * answers SMS commands. One libuv loop; see README.md's architecture and docs/operations.md
 * for what it logs. */
#ifndef M2_UNIT_H
#define M2_UNIT_H

#include "config.h"

/* Runs the unit on `set` (loaded and checked by m2_config_load) until SIGTERM or SIGINT,
 * which let the send in hand finish (at most UNIT_STOP_GRACE_MS) and close the store.
 * Returns 0 after a clean stop, or a negative errno when it could not start (the store could
 * not be opened, logged with what to do). */
int unit_run(const struct unit_settings *set);

#define UNIT_STOP_GRACE_MS 10000

#endif
