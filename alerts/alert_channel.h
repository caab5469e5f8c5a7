/* Channel evaluation, run on the unit: one temperature channel's readings become RAISE and
 * CLEAR events per alarm level, with hysteresis, on-delay and off-delay, probe-fault detection
 * and an optional rate-of-change alarm. Pure: the caller gives readings and `now_ms`. */
#ifndef M2_ALERT_CHANNEL_H
#define M2_ALERT_CHANNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Each level is an alarm of its own: it raises and clears independently (a HIGH_HIGH
 * excursion raises HIGH first, then HIGH_HIGH; on the way down they clear in reverse). */
enum alert_level {
	ALERT_LEVEL_LOW_LOW,
	ALERT_LEVEL_LOW,
	ALERT_LEVEL_HIGH,
	ALERT_LEVEL_HIGH_HIGH,
	ALERT_LEVEL_PROBE,
	ALERT_LEVEL_RATE,
};
#define ALERT_LEVEL_COUNT 6

const char *alert_level_str(enum alert_level level);

/* A limit that may be switched off; temperatures in tenths of a degree Celsius. */
struct alert_limit {
	bool enabled;
	int32_t temp_c10;
};

/* One channel's settings, shaped for a libconfig schema: plain fields, tenths, seconds. */
struct alert_channel_cfg {
	struct alert_limit low_low, low, high, high_high;
	/* A HIGH level clears at or below limit - hysteresis, a LOW at or above limit +
	 * hysteresis: the dead band that keeps a value sitting on a limit quiet. > 0. */
	int32_t hysteresis_c10;
	uint32_t on_delay_s;  /* the condition must hold this long before it raises (defrost) */
	uint32_t off_delay_s; /* and be gone this long before it clears */
	/* Probe fault: a failed read, a value outside [probe_min, probe_max] (the probe's
	 * physical range), or no reading for `missing_samples` sample intervals (0: off). */
	int32_t probe_min_c10, probe_max_c10;
	uint32_t sample_interval_s;
	uint32_t missing_samples;
	uint32_t fault_delay_s; /* a fault must last this long to raise, good readings to clear */
	/* Rate of change: raises when the value moved more than `delta_c10` within `window_s`,
	 * clears when the movement within the window is back to delta - hysteresis or less. */
	struct {
		bool enabled;
		int32_t delta_c10;
		uint32_t window_s;
	} rate;
};

/* Fills `cfg` with a chiller's defaults: high 8.0, low 0.0, no critical levels, hysteresis
 * 0.5, on-delay 30 min (longer than a defrost cycle), off-delay 2 min, probe range -55..125
 * (DS18B20), sampled every 60 s, fault after 3 missing samples or 2 min. */
void alert_channel_cfg_default(struct alert_channel_cfg *cfg);

/* Checks that the settings make sense together: LOW_LOW < LOW < HIGH < HIGH_HIGH where
 * enabled, hysteresis > 0 and smaller than the gap between adjacent limits, limits and their
 * clear levels inside the probe range (else the alarm could never clear), rate delta >
 * hysteresis and a window, missing samples spanning a year at most. Returns 0, or -EINVAL with `*why`
 * (a static string naming the setting) when `why` is not NULL. */
int alert_channel_cfg_check(const struct alert_channel_cfg *cfg, const char **why);

enum alert_edge {
	ALERT_EDGE_RAISE,
	ALERT_EDGE_CLEAR,
};

const char *alert_edge_str(enum alert_edge edge);

struct alert_channel_event {
	enum alert_edge edge;
	enum alert_level level;
	int32_t value_c10;     /* the reading that completed the transition (last valid one) */
	int32_t threshold_c10; /* the limit (RAISE) or clear level (CLEAR); the delta for RATE */
	int64_t since_ms;      /* when the condition started to hold (RAISE) or ended (CLEAR) */
	int64_t at_ms;         /* when the delay ran out and the event was decided */
};

/* One sample from the probe: `ok` false when the read failed. */
struct alert_reading {
	bool ok;
	int32_t temp_c10;
};

enum alert_cond_state {
	ALERT_COND_NORMAL,
	ALERT_COND_PENDING,  /* condition holds, on-delay running */
	ALERT_COND_ACTIVE,   /* raised */
	ALERT_COND_CLEARING, /* condition gone, off-delay running */
};

const char *alert_cond_state_str(enum alert_cond_state state);

struct alert_cond {
	enum alert_cond_state state;
	int64_t since_ms;
};

#define ALERT_RATE_SLOTS 16

/* Caller-owned state of one channel; initialise with alert_channel_init(). */
struct alert_channel {
	struct alert_cond cond[ALERT_LEVEL_COUNT];
	int64_t last_sample_ms; /* last reading of any kind */
	int64_t last_valid_ms;  /* last valid reading */
	int32_t last_value_c10;
	bool have_value;
	bool probe_bad; /* the last reading was a fault */
	struct {
		int64_t t_ms[ALERT_RATE_SLOTS];
		int32_t v_c10[ALERT_RATE_SLOTS];
		unsigned head, count;
	} hist;
};

/* Starts a channel with every level normal; `now_ms` starts the missing-sample clock. */
void alert_channel_init(struct alert_channel *ch, int64_t now_ms);

/* Room for the events of one call: at most one per level. */
#define ALERT_CHANNEL_EVENTS_MAX ALERT_LEVEL_COUNT

/* Feeds one reading taken at `now_ms` (non-decreasing across calls). Writes the events it
 * decides into `out` (room for ALERT_CHANNEL_EVENTS_MAX) and returns their number. While
 * the probe is at fault, temperature levels neither raise nor clear: a pending raise starts
 * over and a raised alarm stays raised until good readings return. */
size_t alert_channel_feed(struct alert_channel *ch, const struct alert_channel_cfg *cfg,
			  const struct alert_reading *reading, int64_t now_ms,
			  struct alert_channel_event *out);

/* Lets time pass without a reading: delays that ran out raise or clear, and a channel that
 * missed `missing_samples` samples turns into a probe fault. Same output as feed(). */
size_t alert_channel_tick(struct alert_channel *ch, const struct alert_channel_cfg *cfg, int64_t now_ms,
			  struct alert_channel_event *out);

/* True when `level` is raised (ACTIVE or CLEARING). */
bool alert_channel_raised(const struct alert_channel *ch, enum alert_level level);

#endif
