/* The remote unit daemon (`m2mon unit`): samples its probes, raises alarms, batches readings,
 * keeps a durable outbox towards the base with receipts, resends and fallback phones, and
 * answers SMS commands. One libuv loop; see README.md's architecture and docs/operations.md
 * for what it logs. */
#ifndef M2_UNIT_H
#define M2_UNIT_H

#include "config.h"

/* Tests only: a point at which the daemon kills itself with SIGKILL, standing for a power
 * cut exactly there, a moment that no signal sent from outside can be sure to hit. */
enum unit_crash_point {
	UNIT_CRASH_NONE,
	/* An inbound SMS was acted on and what it changed is committed; the modem has not been
	 * told to delete it yet. */
	UNIT_CRASH_RX_HANDLED,
};
/* "none", "rx-handled": the names M2MON_TEST_CRASH takes (cmd_unit.c). */
const char *unit_crash_point_str(enum unit_crash_point point);
/* The point named `name`; -EINVAL for a name it does not know. */
int unit_crash_point_parse(const char *name, enum unit_crash_point *out);

struct unit_test_opts {
	enum unit_crash_point crash_at;
};

/* Runs the unit on `set` (loaded and checked by m2_config_load) until SIGTERM or SIGINT,
 * which let the send in hand finish (at most UNIT_STOP_GRACE_MS) and close the store.
 * `test` is NULL in service. Returns 0 after a clean stop, or a negative errno when it could
 * not start (the store could not be opened, logged with what to do). */
int unit_run(const struct unit_settings *set, const struct unit_test_opts *test);

#define UNIT_STOP_GRACE_MS 10000

#endif
