/* The m2mon configuration files: a base station, a remote unit, or a simulated network.
 * The kind of a file is told by its top-level group (`base`, `unit` or `sim`); the shared
 * groups (`log`, `modem`) mean the same in every kind.
 *
 * What a daemon takes is a plain struct filled once and then read only: struct unit_settings
 * (u.unit) or struct base_settings (u.base). Every value in it has been checked, alone and
 * against the others, so a daemon does not check again: temperatures are tenths (temp_c10),
 * durations seconds (_s), keys 32 bytes, sources parsed. conf/unit.conf and conf/base.conf
 * show every key with a comment. */
#ifndef M2_CONFIG_H
#define M2_CONFIG_H

#include "alert_channel.h"
#include "alert_policy.h"
#include "cfg.h"
#include "modem_settings.h"
#include "sensor_power.h"
#include "sensor_spec.h"
#include "sim_settings.h"

#include <stdbool.h>
#include <stdint.h>

enum m2_config_kind {
	M2_CONFIG_BASE,
	M2_CONFIG_UNIT,
	M2_CONFIG_SIM,
};

const char *m2_config_kind_str(enum m2_config_kind kind);

#define M2_CONFIG_CHANNELS_MAX     8
#define M2_CONFIG_PHONES_MAX       16
#define M2_CONFIG_BASE_NUMBERS_MAX 4
#define M2_CONFIG_FALLBACK_MAX     4
#define M2_CONFIG_UNITS_MAX        64
#define M2_CONFIG_MODEMS_MAX       4
#define M2_CONFIG_PATH_MAX         256
#define M2_CONFIG_KEY_BYTES        32
#define M2_CONFIG_NUMBER_MAX       21 /* a phone number, NUL included */
#define M2_CONFIG_CHANNEL_NAME_MAX 9  /* "T1": 1..8 of [A-Za-z0-9_], NUL included */

struct log_settings {
	int level; /* enum log_level */
	bool syslog;
};

/* One temperature channel of a unit: unit.channels[i]. */
struct unit_channel_settings {
	char name[M2_CONFIG_CHANNEL_NAME_MAX]; /* unique in the unit, ignoring case */
	struct sensor_spec source;             /* `source`, parsed; source.text as written */
	int32_t offset_c10;                    /* `offset`: added to every good reading */
	uint32_t timeout_s;                    /* `timeout`: how long a cmd: program may run */
	/* high, low, high_high, low_low (enabled when set), delay (on_delay_s), off_delay,
	 * hysteresis, probe_min, probe_max, fault_delay, missing_samples, rate { delta, window }
	 * (enabled when set); sample_interval_s is the unit's sample_interval. Passes
	 * alert_channel_cfg_check. */
	struct alert_channel_cfg alert;
};

/* A phone that may send commands to the unit: unit.phones[i]. */
struct unit_phone_settings {
	char number[M2_CONFIG_NUMBER_MAX]; /* unique in the unit (sms_number_same) */
	int role;                          /* enum alert_role: ALERT_ROLE_ADMIN or ALERT_ROLE_OPERATOR */
};

/* Where the unit learns about its power: unit.power. */
struct unit_power_settings {
	int source;                    /* enum sensor_power_source */
	char root[M2_CONFIG_PATH_MAX]; /* the power_supply class for sysfs */
	int battery_low_pct;           /* battery low at or below this percent */
};

struct unit_settings {
	char id[ALERT_UNIT_MAX]; /* the unit's name in messages and on phones: letters, digits, - _ */
	/* `base_number = "..."` or `base_numbers = [ ... ]`: where messages go, the first first;
	 * distinct (sms_number_same). */
	char base_numbers[M2_CONFIG_BASE_NUMBERS_MAX][M2_CONFIG_NUMBER_MAX];
	int n_base_numbers;
	uint8_t key[M2_CONFIG_KEY_BYTES]; /* HMAC key shared with the base; never logged */
	char store[M2_CONFIG_PATH_MAX];   /* the SQLite file */
	char pin[9];                      /* 4 to 8 digits that open phone commands; never logged */
	uint32_t sample_interval_s;       /* each channel is read this often */
	uint32_t report_interval_s;       /* readings are batched into one report this often */
	uint32_t heartbeat_s;             /* a heartbeat when nothing else went out for this long */
	uint32_t resend_s;                /* first resend of a message no receipt covered... */
	uint32_t resend_max_s;            /* ...doubling up to this (>= resend_s) */
	uint32_t send_timeout_s;          /* the modem's AT+CMGS answer: past it the send may have gone */
	uint32_t fallback_after_s;        /* no receipt for this long: alarms go to fallback_numbers */
	char fallback_numbers[M2_CONFIG_FALLBACK_MAX][M2_CONFIG_NUMBER_MAX]; /* none of them a base number */
	int n_fallback_numbers;
	char w1_root[M2_CONFIG_PATH_MAX]; /* where w1: ids are looked up */
	struct unit_power_settings power;
	struct unit_channel_settings channels[M2_CONFIG_CHANNELS_MAX]; /* at least one */
	int n_channels;
	struct unit_phone_settings phones[M2_CONFIG_PHONES_MAX];
	int n_phones;
	struct modem_settings modem; /* the top-level `modem` group */
};

/* A unit the base listens to: base.units[i]. Ids (ignoring case), numbers and keys distinct. */
struct base_unit_settings {
	char id[ALERT_UNIT_MAX];
	char number[M2_CONFIG_NUMBER_MAX];
	uint8_t key[M2_CONFIG_KEY_BYTES]; /* never logged */
	uint32_t heartbeat_s;             /* silent this long (plus silent_grace): SILENT */
	/* `channels = [ "T1", "T2" ]`: the unit's channel names in the order of its own file
	 * (optional, distinct ignoring case). The base numbers a unit's channels in this order,
	 * then any other name it hears from the unit, in the order it first hears them. */
	char channels[M2_CONFIG_CHANNELS_MAX][M2_CONFIG_CHANNEL_NAME_MAX];
	int n_channels;
};

/* A window's channel as the file names it: `channel = -1` (all), `channel = 2` (the place in
 * the unit's list, 0 first), or `channel = "T1"` (by name: `name` set, `index` as resolved). */
struct base_channel_ref {
	int16_t index;
	char name[M2_CONFIG_CHANNEL_NAME_MAX];
};

/* A channel index that no incident has: a window naming a channel of a unit without a
 * `channels` list, until the daemon resolves the name (see base_settings.windows). */
#define M2_CONFIG_CHANNEL_UNRESOLVED INT16_MIN

/* base.maintenance[i] as written; policy.windows[i] is built from it. */
struct base_window_settings {
	char unit[ALERT_UNIT_MAX];
	struct base_channel_ref channel;
	uint8_t days;
	struct alert_span span;
};

/* `cluster = { name = "north-a"; lease = "10s"; heartbeat = "5s"; claim_lease = "60s"; }`:
 * several bases on one PostgreSQL database (store_cluster.h); SQLite ignores all but name. */
#define M2_CONFIG_BASE_NAME_MAX 33
struct base_cluster_settings {
	char name[M2_CONFIG_BASE_NAME_MAX]; /* this base in the shared database; "": the host's name */
	uint32_t lease_ms;                  /* the alarm leader's lease (1s..10m) */
	uint32_t heartbeat_ms;              /* the base's heartbeat row; at most lease / 2 */
	uint32_t claim_lease_ms;            /* an outbox claim lives this long unrenewed */
	uint32_t silent_ms;                 /* another base not heard this long: an incident */
};

struct base_settings {
	char name[ALERT_NAME_MAX]; /* the site, as people call it; policy.site too */
	char store[M2_CONFIG_PATH_MAX];
	struct base_cluster_settings cluster;
	uint32_t silent_grace_s;    /* added to a unit's heartbeat before it counts as silent */
	uint32_t receipt_delay_s;   /* messages of a unit within this long share one receipt */
	uint32_t send_timeout_s;    /* a modem's AT+CMGS answer: past it the send may have gone */
	uint32_t command_timeout_s; /* a READ or SET relayed to a unit: no answer this long */
	uint32_t report_timeout_s;  /* a text to a person with no delivery report this long: resent */
	struct base_unit_settings units[M2_CONFIG_UNITS_MAX]; /* at least one */
	int n_units;
	/* Ready for alert_engine_new (passes alert_policy_check): site, contacts (quiet hours
	 * resolved), tier delays and n_tiers (the highest tier a contact has), escalation,
	 * caps, maintenance windows. A window that names a channel of a unit without a
	 * `channels` list has channel M2_CONFIG_CHANNEL_UNRESOLVED: the daemon resolves
	 * as_written.windows[i].channel.name to its own number for that channel before it
	 * creates the engine. */
	struct alert_policy policy;
	/* `modems = ( {...}, ... )` or a single `modem = {...}`: at least one, devices distinct. */
	struct modem_settings modems[M2_CONFIG_MODEMS_MAX];
	int n_modems;
	/* The file's words that the loader folded into `policy`; daemons read policy. */
	struct {
		uint32_t tier_delays_s[ALERT_TIERS_MAX];
		int n_tier_delays;
		struct alert_span quiet_hours;
		struct base_window_settings windows[ALERT_WINDOWS_MAX];
		int n_windows;
	} as_written;
};

struct m2_config {
	enum m2_config_kind kind;
	struct log_settings log;
	union {
		struct base_settings base;
		struct unit_settings unit;
		struct sim_settings sim;
	} u;
};

/* Loads `path`: parses it, tells its kind, checks every setting and fills `out`. Problems
 * (syntax, unknown key, wrong type, value out of range, missing setting, no kind or two
 * kinds, settings that contradict each other) go to `rep`, each naming the file, line and
 * key; a secret's value is never repeated. Returns 0, or a negative errno (then `out` must
 * not be used). */
int m2_config_load(const char *path, struct m2_config *out, struct cfg_report *rep);

/* The same for text in memory; `name` stands for the file name in messages. */
int m2_config_load_string(const char *text, const char *name, struct m2_config *out, struct cfg_report *rep);

/* A base's or a unit's file holds keys (a unit's its PIN, a base's maybe a database
 * password): its permission bits (07777) when users other than its owner and group may read
 * or write it, else 0 (also when it cannot be looked at, or `cfg` is another kind). */
unsigned m2_config_exposed(const char *path, const struct m2_config *cfg);

/* The daemons' warning at start when m2_config_exposed says so. */
void m2_config_warn_exposed(const char *path, const struct m2_config *cfg);

#endif
