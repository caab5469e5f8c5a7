/* The unit's file (struct unit_settings): the unit group with its channels and phones, and the
 * checks across settings: limits in order and further apart than the hysteresis, inside the
 * probe range, one name per channel, one entry per number, a report no more often than a sample. */
#include "config_int.h"

#include "sms_number.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *parse_source(const char *value, void *out)
{
	const char *why = NULL;
	return sensor_source_parse(value, out, &why) == 0 ? NULL : why;
}

struct number_elem {
	char number[M2_CONFIG_NUMBER_MAX];
};

static const struct cfg_field number_elem[] = {
	STR(struct number_elem, number, true, 3, cfg_check_phone, NULL, "a phone number"),
	END,
};

#define CH    struct unit_channel_settings
#define C_MIN (-2730) /* -273.0 C */
#define C_MAX 20000   /* 2000.0 C */

static const struct cfg_field rate_fields[] = {
	TEMP("delta", CH, alert.rate.delta_c10, true, 1, 1000, 0,
	     "how far the temperature may move within the window, degrees C"),
	DUR("window", CH, alert.rate.window_s, true, 1, 86400, NULL, "the window, e.g. \"10m\""),
	END,
};

static const struct cfg_field channel_fields[] = {
	STR(CH, name, true, 1, cfg_check_word, NULL, "the channel's name, e.g. \"T1\""),
	CUSTOM("source", CH, source, true, parse_source, NULL, false,
	       "where the temperature comes from, e.g. \"w1:28-0316a2794aff\" or \"file:/run/probe1\""),
	TEMP("high", CH, alert.high.temp_c10, false, C_MIN, C_MAX, 0, "alarm above this, degrees C"),
	TEMP("low", CH, alert.low.temp_c10, false, C_MIN, C_MAX, 0, "alarm below this, degrees C"),
	TEMP("high_high", CH, alert.high_high.temp_c10, false, C_MIN, C_MAX, 0, "critical above this"),
	TEMP("low_low", CH, alert.low_low.temp_c10, false, C_MIN, C_MAX, 0, "critical below this"),
	DUR("delay", CH, alert.on_delay_s, false, 0, 7 * 86400, "30m",
	    "how long a limit must stay crossed before it alarms (longer than a defrost)"),
	DUR("off_delay", CH, alert.off_delay_s, false, 0, 86400, "2m",
	    "how long it must be back before it clears"),
	TEMP("hysteresis", CH, alert.hysteresis_c10, false, 1, 500, 5,
	     "how far back inside a limit before it clears, degrees C"),
	TEMP("offset", CH, offset_c10, false, -500, 500, 0,
	     "added to every reading (calibration), degrees C"),
	TEMP("probe_min", CH, alert.probe_min_c10, false, C_MIN, C_MAX, -550,
	     "the probe reads nothing below this"),
	TEMP("probe_max", CH, alert.probe_max_c10, false, C_MIN, C_MAX, 1250,
	     "the probe reads nothing above this"),
	DUR("fault_delay", CH, alert.fault_delay_s, false, 0, 86400, "2m",
	    "how long a probe fault lasts before it alarms"),
	INTN("missing_samples", CH, alert.missing_samples, false, 0, 100000, 3,
	     "this many samples without a reading is a probe fault; 0: off"),
	{.name = "rate",
	 .kind = CFG_GROUP,
	 .offset = 0,
	 .fields = rate_fields,
	 .help = "rate-of-change alarm"},
	DUR("timeout", CH, timeout_s, false, 1, 600, "10s", "how long a cmd: program may run"),
	END,
};

static const char *c10_str(int32_t c10, char *buf, size_t size)
{
	snprintf(buf, size, "%.1f C", (double)c10 / 10.0);
	return buf;
}

/* low_low < low < high < high_high where set, each inside the probe range, each gap wider
 * than the hysteresis, each clear level inside the probe range. */
static void check_limits(const struct cfg_ctx *ctx, struct alert_channel_cfg *a)
{
	const struct {
		const char *key;
		struct alert_limit *l;
	} order[] = {
		{"low_low", &a->low_low}, {"low", &a->low}, {"high", &a->high}, {"high_high", &a->high_high}};
	char x[24], y[24], z[24];
	int prev = -1;
	for (int i = 0; i < 4; i++) {
		const struct alert_limit *l = order[i].l;
		if (!l->enabled)
			continue;
		int32_t clear_at = l->temp_c10 + (i < 2 ? a->hysteresis_c10 : -a->hysteresis_c10);
		if (l->temp_c10 <= a->probe_min_c10 || l->temp_c10 >= a->probe_max_c10)
			cfg_ctx_fail(ctx, order[i].key,
				     "%s lies outside the probe's range %s..%s, so it could never be reached",
				     c10_str(l->temp_c10, x, sizeof(x)),
				     c10_str(a->probe_min_c10, y, sizeof(y)),
				     c10_str(a->probe_max_c10, z, sizeof(z)));
		else if (prev >= 0 && l->temp_c10 <= order[prev].l->temp_c10)
			cfg_ctx_fail(ctx, order[i].key, "%s must be above %s (%s)",
				     c10_str(l->temp_c10, x, sizeof(x)), order[prev].key,
				     c10_str(order[prev].l->temp_c10, y, sizeof(y)));
		else if (prev >= 0 && l->temp_c10 - order[prev].l->temp_c10 <= a->hysteresis_c10)
			cfg_ctx_fail(ctx, "hysteresis",
				     "%s must be smaller than the band from %s to %s (%s), or an alarm could "
				     "clear "
				     "into the other",
				     c10_str(a->hysteresis_c10, x, sizeof(x)), order[prev].key, order[i].key,
				     c10_str(l->temp_c10 - order[prev].l->temp_c10, y, sizeof(y)));
		else if (clear_at < a->probe_min_c10 || clear_at > a->probe_max_c10)
			cfg_ctx_fail(ctx, "hysteresis",
				     "%s would put %s's clear level at %s, outside the probe's range",
				     c10_str(a->hysteresis_c10, x, sizeof(x)), order[i].key,
				     c10_str(clear_at, y, sizeof(y)));
		prev = i;
	}
}

static void channel_check(const struct cfg_ctx *ctx, void *obj)
{
	CH *c = obj;
	struct alert_channel_cfg *a = &c->alert;
	char x[24], y[24];
	a->low_low.enabled = cfg_ctx_has(ctx, "low_low");
	a->low.enabled = cfg_ctx_has(ctx, "low");
	a->high.enabled = cfg_ctx_has(ctx, "high");
	a->high_high.enabled = cfg_ctx_has(ctx, "high_high");
	a->rate.enabled = cfg_ctx_has(ctx, "rate");
	if (a->probe_min_c10 >= a->probe_max_c10) {
		cfg_ctx_fail(ctx, "probe_max", "%s must be above probe_min (%s)",
			     c10_str(a->probe_max_c10, x, sizeof(x)),
			     c10_str(a->probe_min_c10, y, sizeof(y)));
		return;
	}
	check_limits(ctx, a);
	if (a->rate.enabled && a->rate.delta_c10 <= a->hysteresis_c10)
		cfg_ctx_fail(ctx, "rate.delta", "%s must be above the hysteresis (%s)",
			     c10_str(a->rate.delta_c10, x, sizeof(x)),
			     c10_str(a->hysteresis_c10, y, sizeof(y)));
}

static const char *const unit_role_names[] = {"admin", "operator", NULL};

static const struct cfg_field phone_fields[] = {
	STR(struct unit_phone_settings, number, true, 3, cfg_check_phone, NULL, "the phone's number"),
	ENUMR(struct unit_phone_settings, role, unit_role_names,
	      "\"admin\" (may change settings and the PIN) or \"operator\" (may ask)"),
	END,
};

static const struct cfg_field power_fields[] = {
	ENUM(struct unit_power_settings, source, sensor_power_source_names, SENSOR_POWER_SOURCE_AUTO,
	     "where mains and battery are read"),
	STR(struct unit_power_settings, root, false, 1, m2_config_check_abspath, SENSOR_POWER_ROOT_DEFAULT,
	    "the power_supply class in sysfs"),
	INTN("battery_low", struct unit_power_settings, battery_low_pct, false, 0, 100, 20,
	     "battery low at or below this percent"),
	END,
};

#define U struct unit_settings

/* Reports the later of two entries of `list` (at `member`) that `same` says are one. */
static void check_distinct(const struct cfg_ctx *ctx, const char *list, const char *member,
			   const char *const *v, int n, bool (*same)(const char *, const char *),
			   const char *what)
{
	for (int j = 1; j < n; j++) {
		for (int i = 0; i < j; i++) {
			if (!same(v[i], v[j]))
				continue;
			char key[64];
			snprintf(key, sizeof(key), "%s[%d]%s%s", list, j, *member ? "." : "", member);
			cfg_ctx_fail(ctx, key, "\"%s\" is also %s[%d]'s %s; each needs its own", v[j], list,
				     i, what);
			break;
		}
	}
}

static bool same_word(const char *a, const char *b)
{
	return strcasecmp(a, b) == 0;
}

static void unit_check(const struct cfg_ctx *ctx, void *obj)
{
	U *u = obj;
	const char *v[M2_CONFIG_PHONES_MAX + M2_CONFIG_BASE_NUMBERS_MAX];
	if (u->report_interval_s < u->sample_interval_s) {
		char r[32], s[32];
		cfg_duration_format(u->report_interval_s, r, sizeof(r));
		cfg_duration_format(u->sample_interval_s, s, sizeof(s));
		cfg_ctx_fail(ctx, "report_interval",
			     "%s is shorter than sample_interval (%s): a report carries samples", r, s);
	}
	if (u->resend_max_s < u->resend_s) {
		char r[32], s[32];
		cfg_duration_format(u->resend_max_s, r, sizeof(r));
		cfg_duration_format(u->resend_s, s, sizeof(s));
		cfg_ctx_fail(ctx, "resend_max", "%s is shorter than resend (%s)", r, s);
	}
	for (int i = 0; i < u->n_channels; i++)
		v[i] = u->channels[i].name;
	check_distinct(ctx, "channels", "name", v, u->n_channels, same_word, "name (ignoring case)");
	for (int i = 0; i < u->n_channels; i++) {
		struct alert_channel_cfg *a = &u->channels[i].alert;
		const char *why = NULL;
		char key[48], s[32];
		a->sample_interval_s = u->sample_interval_s;
		snprintf(key, sizeof(key), "channels[%d].missing_samples", i);
		cfg_duration_format(u->sample_interval_s, s, sizeof(s));
		if ((uint64_t)a->missing_samples * a->sample_interval_s > 366ULL * 86400) {
			cfg_ctx_fail(ctx, key, "%u samples of %s each is more than a year",
				     a->missing_samples, s);
		} else if (alert_channel_cfg_check(a, &why) < 0) {
			/* What the checks above do not name, in the engine's words, at the channel. */
			key[strcspn(key, ".")] = '\0';
			cfg_ctx_fail(ctx, key, "%s", why);
		}
	}
	for (int i = 0; i < u->n_phones; i++)
		v[i] = u->phones[i].number;
	check_distinct(ctx, "phones", "number", v, u->n_phones, sms_number_same, "number");
	for (int i = 0; i < u->n_base_numbers; i++)
		v[i] = u->base_numbers[i];
	check_distinct(ctx, "base_numbers", "", v, u->n_base_numbers, sms_number_same, "number");
	for (int j = 0; j < u->n_fallback_numbers; j++) {
		for (int i = 0; i < u->n_base_numbers; i++) {
			if (!sms_number_same(u->fallback_numbers[j], u->base_numbers[i]))
				continue;
			char key[32];
			snprintf(key, sizeof(key), "fallback_numbers[%d]", j);
			cfg_ctx_fail(
				ctx, key,
				"\"%s\" is a base number; fallbacks are phones for when the base is silent",
				u->fallback_numbers[j]);
			break;
		}
	}
}

static const struct cfg_field unit_fields[] = {
	STR(U, id, true, 1, cfg_check_ident, NULL, "the unit's name, e.g. \"WH1\""),
	ARRAY("base_numbers", "base_number", U, base_numbers, n_base_numbers, 1, number_elem,
	      "the base station's number, e.g. base_number = \"+15550001000\";"),
	CUSTOM("key", U, key, true, cfg_parse_key32, NULL, true,
	       "the key shared with the base: 64 hex digits from `m2mon keygen`"),
	STR(U, store, false, 1, NULL, "/var/lib/m2mon/unit.db", "the unit's SQLite file"),
	SECRET(U, pin, true, 4, cfg_check_digits, "4 to 8 digits that phone commands start with"),
	/* Minimums of a second: the tests and the demo run a site's day in minutes. */
	DUR("sample_interval", U, sample_interval_s, false, 1, 86400, "1m", "how often each channel is read"),
	DUR("report_interval", U, report_interval_s, false, 1, 7 * 86400, "1h",
	    "how often readings are sent"),
	DUR("heartbeat", U, heartbeat_s, false, 1, 7 * 86400, "6h", "the longest silence towards the base"),
	DUR("resend", U, resend_s, false, 1, 86400, "2m",
	    "a message no receipt covered is sent again after this, then after twice as long..."),
	DUR("resend_max", U, resend_max_s, false, 1, 7 * 86400, "1h", "...up to this"),
	DUR("send_timeout", U, send_timeout_s, false, 5, 600, "2m",
	    "how long the modem has to confirm a text before it counts as maybe sent (sent again)"),
	DUR("fallback_after", U, fallback_after_s, false, 1, 7 * 86400, "15m",
	    "no receipt from the base for this long: alarms also go to fallback_numbers"),
	ARRAY("fallback_numbers", NULL, U, fallback_numbers, n_fallback_numbers, 0, number_elem,
	      "phones that get alarms when the base is silent"),
	STR(U, w1_root, false, 1, m2_config_check_abspath, SENSOR_W1_ROOT_DEFAULT,
	    "where w1: probes are listed"),
	GROUP("power", U, power, false, power_fields, "mains and battery"),
	LISTV("channels", NULL, U, channels, n_channels, 1, channel_fields, channel_check,
	      "the probes: channels = ( { name = \"T1\"; source = \"w1:28-...\"; high = 8.0; } );"),
	LISTV("phones", NULL, U, phones, n_phones, 0, phone_fields, NULL, "phones that may send commands"),
	END,
};

#define CONF struct m2_config
const struct cfg_field m2_config_unit_schema[] = {
	GROUP("log", CONF, log, false, m2_config_log_fields, NULL),
	GROUPV("unit", CONF, u.unit, true, unit_fields, unit_check, NULL),
	GROUP("modem", CONF, u.unit.modem, true, m2_config_modem_fields,
	      "the unit's modem: modem = { device = \"/dev/ttyUSB2\"; };"),
	END,
};
