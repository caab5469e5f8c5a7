/* The settings in force on a unit: the configuration file's, with the changes that phones
 * and the base made by SMS on top (kept in the store as settings, so they survive a
 * restart), and the one place such a change is checked, applied and persisted. Used by the
 * daemon and by its tests against a store in a temporary file; no event loop here.
 *
 * Store setting names: "<CH>.high", "<CH>.low", "<CH>.hh", "<CH>.ll" (value: tenths; text
 * "off" when switched off), "<CH>.delay" (seconds), "<CH>.hyst" (tenths),
 * "sample_interval", "report_interval" (seconds), "pin" (text, never logged). Names that
 * start with "state." are the daemon's own memory (clock offset, power state), not
 * settings. */
#ifndef M2_UNIT_CONF_H
#define M2_UNIT_CONF_H

#include "alert_channel.h"
#include "config.h"
#include "phone_cmd.h"
#include "proto.h"
#include "store_unit.h"

#include <stdbool.h>
#include <stdint.h>

struct unit_conf {
	uint32_t sample_interval_s;
	uint32_t report_interval_s;
	char pin[PHONE_PIN_SIZE];
	int n_channels;
	char name[M2_CONFIG_CHANNELS_MAX][M2_CONFIG_CHANNEL_NAME_MAX];
	struct alert_channel_cfg alert[M2_CONFIG_CHANNELS_MAX]; /* sample_interval_s kept equal */
};

/* The file's settings. */
void unit_conf_from_file(struct unit_conf *c, const struct unit_settings *file);

/* Applies the SMS changes kept in `s` over `c`. A channel whose changes no longer pass the
 * channel check with the file's other values (the file was edited since) keeps the file's
 * values; that is logged with what to do. Returns 0 or the store's error. */
int unit_conf_load(struct unit_conf *c, struct store *s);

/* The configuration index of channel `name` (case-insensitive), or -1. */
int unit_conf_channel(const struct unit_conf *c, const char *name);

/* What a change did. */
struct unit_conf_change {
	enum proto_result result;      /* OK: applied and persisted; INVALID: refused, nothing
					  changed; FAILED: the store refused, nothing changed */
	char echo[PROTO_CMD_TEXT_MAX]; /* for the base: the canonical command applied ("SET T1
					  HIGH 9", "PIN CHANGED"), or why not */
	char reply[160];               /* for the phone: the whole new setting, or why not */
	bool intervals;                /* sample or report interval changed: rearm timers */
};

/* Checks and applies a change (SET, INTERVAL, REPORT, PIN) to `c` and persists it in `s`
 * (inside the caller's transaction when one is open) as made by `by` ("" for the base) at
 * `now_ms`. `unit_id` starts the reply. A SET is checked on the whole channel (a low limit
 * above the high one is refused); INTERVAL must stay at or below the report interval,
 * REPORT at or above the sample interval. On INVALID or FAILED `c` is unchanged. Asking
 * verbs (STATUS, READ, HELP) are not changes: INVALID. Returns 0 (see out->result). */
int unit_conf_apply(struct unit_conf *c, struct store *s, const char *unit_id, const struct phone_cmd *cmd,
		    const char *by, int64_t now_ms, struct unit_conf_change *out);

/* "T1 HIGH 9.0C LOW 2.0C HH off LL off DELAY 5m HYST 0.5C": a channel's limits in full. */
int unit_conf_describe(const struct unit_conf *c, int ch, char *out, size_t n);

#endif
