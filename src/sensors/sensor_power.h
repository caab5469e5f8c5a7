/* The unit's power: is the mains (external supply) there, and how full is the battery. One
 * struct whoever knows fills: the Linux power_supply class here, or the modem's AT+CBC (the
 * modem layer reads that; the unit copies its answer into the same struct). A small pure
 * watcher turns successive states into the events the GSM alarm boxes send: mains lost, mains
 * back, battery low, battery fine again. */
#ifndef M2_SENSOR_POWER_H
#define M2_SENSOR_POWER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SENSOR_POWER_ROOT_DEFAULT "/sys/class/power_supply"

enum sensor_power_origin {
	SENSOR_POWER_ORIGIN_NONE,  /* nobody could tell */
	SENSOR_POWER_ORIGIN_SYSFS, /* /sys/class/power_supply */
	SENSOR_POWER_ORIGIN_MODEM, /* the module's AT+CBC, filled by the unit */
};

const char *sensor_power_origin_str(enum sensor_power_origin origin);

/* Where the unit takes its power state from (the `power.source` setting), NULL-terminated
 * names indexed by the enum. AUTO: sysfs when the root lists a supply, else the modem. */
enum sensor_power_source {
	SENSOR_POWER_SOURCE_AUTO,
	SENSOR_POWER_SOURCE_SYSFS,
	SENSOR_POWER_SOURCE_MODEM,
	SENSOR_POWER_SOURCE_NONE,
};
extern const char *const sensor_power_source_names[];
const char *sensor_power_source_str(enum sensor_power_source source);

enum sensor_battery_status {
	SENSOR_BATTERY_UNKNOWN,
	SENSOR_BATTERY_CHARGING,
	SENSOR_BATTERY_DISCHARGING,
	SENSOR_BATTERY_NOT_CHARGING,
	SENSOR_BATTERY_FULL,
};

const char *sensor_battery_status_str(enum sensor_battery_status status);

struct sensor_power {
	enum sensor_power_origin origin;
	bool mains_known;  /* a mains supply was seen, so mains_online means something */
	bool mains_online; /* external power present */
	bool battery_known;
	int battery_pct; /* 0..100, when battery_known */
	enum sensor_battery_status battery_status;
	int32_t battery_mv; /* -1 when not told */
};

/* Reads the power_supply class under `root` (NULL: SENSOR_POWER_ROOT_DEFAULT): every
 * ROOT/NAME/type of "Mains" or "USB" is external power, online when any of their `online`
 * files says 1; the first "Battery" in name order with a `capacity` gives the percent (clamped
 * to 0..100), its `status` and `voltage_now` (microvolts). What is not there stays unknown;
 * with no supply at all, origin is NONE. Small synchronous sysfs reads. Returns 0, or -ENOENT
 * (or another negative errno) when `root` cannot be listed. */
int sensor_power_read_sysfs(const char *root, struct sensor_power *out);

enum sensor_power_event {
	SENSOR_POWER_MAINS_LOST,
	SENSOR_POWER_MAINS_BACK,
	SENSOR_POWER_BATTERY_LOW,
	SENSOR_POWER_BATTERY_OK,
};

const char *sensor_power_event_str(enum sensor_power_event event);

/* Caller-owned memory of what was last reported; zero it to start (all well). The unit
 * persists it if a restart must not report a standing condition again. */
struct sensor_power_watch {
	bool mains_lost;
	bool battery_low;
};

/* Battery low at or below `low_pct`; fine again only at low_pct + this, so a battery that
 * hovers around the limit does not text every sample. */
#define SENSOR_BATTERY_HYST_PCT 5

/* Feeds one state; writes the events it causes into `out` (room for 2) and returns their
 * number. The first known state reports what is wrong at once (a unit started on battery
 * says MAINS_LOST); unknown fields cause nothing and keep what was known. */
size_t sensor_power_watch_feed(struct sensor_power_watch *w, const struct sensor_power *p, int low_pct,
			       enum sensor_power_event *out);

#endif
