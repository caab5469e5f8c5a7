/* Channel evaluation: per-level condition state machines (NORMAL, PENDING, ACTIVE, CLEARING)
 * driven by readings and time, the dead band of each limit, probe-fault detection and the
 * rate-of-change history. */
#include "alert_channel.h"

#include <errno.h>
#include <stdlib.h>

/* What one reading (or the lack of one) says about a level. */
enum obs {
	OBS_BAD,     /* the condition holds */
	OBS_GOOD,    /* it is gone, beyond the dead band */
	OBS_BAND,    /* inside the dead band: no longer over the limit, not yet clear */
	OBS_UNKNOWN, /* no valid value to judge by */
	OBS_KEEP,    /* nothing new: only delays may run out */
};

const char *alert_level_str(enum alert_level level)
{
	switch (level) {
	case ALERT_LEVEL_LOW_LOW:
		return "low_low";
	case ALERT_LEVEL_LOW:
		return "low";
	case ALERT_LEVEL_HIGH:
		return "high";
	case ALERT_LEVEL_HIGH_HIGH:
		return "high_high";
	case ALERT_LEVEL_PROBE:
		return "probe";
	case ALERT_LEVEL_RATE:
		return "rate";
	}
	return "?";
}

const char *alert_edge_str(enum alert_edge edge)
{
	switch (edge) {
	case ALERT_EDGE_RAISE:
		return "raise";
	case ALERT_EDGE_CLEAR:
		return "clear";
	}
	return "?";
}

const char *alert_cond_state_str(enum alert_cond_state state)
{
	switch (state) {
	case ALERT_COND_NORMAL:
		return "normal";
	case ALERT_COND_PENDING:
		return "pending";
	case ALERT_COND_ACTIVE:
		return "active";
	case ALERT_COND_CLEARING:
		return "clearing";
	}
	return "?";
}

void alert_channel_cfg_default(struct alert_channel_cfg *cfg)
{
	*cfg = (struct alert_channel_cfg){
		.low = {true, 0},
		.high = {true, 80},
		.hysteresis_c10 = 5,
		.on_delay_s = 30 * 60,
		.off_delay_s = 2 * 60,
		.probe_min_c10 = -550,
		.probe_max_c10 = 1250,
		.sample_interval_s = 60,
		.missing_samples = 3,
		.fault_delay_s = 2 * 60,
	};
}

static int fail(const char **why, const char *what)
{
	if (why)
		*why = what;
	return -EINVAL;
}

int alert_channel_cfg_check(const struct alert_channel_cfg *cfg, const char **why)
{
	const struct alert_limit *order[] = {&cfg->low_low, &cfg->low, &cfg->high, &cfg->high_high};
	const struct alert_limit *prev = NULL;
	if (cfg->hysteresis_c10 <= 0)
		return fail(why, "hysteresis must be above 0.0");
	if (cfg->probe_min_c10 >= cfg->probe_max_c10)
		return fail(why, "probe_min must be below probe_max");
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		const struct alert_limit *l = order[i];
		if (!l->enabled)
			continue;
		if (l->temp_c10 <= cfg->probe_min_c10 || l->temp_c10 >= cfg->probe_max_c10)
			return fail(why, "a limit lies outside the probe range");
		/* low_low and low clear above the limit, high and high_high below it. */
		int64_t clear_at = (int64_t)l->temp_c10 + (i < 2 ? 1 : -1) * (int64_t)cfg->hysteresis_c10;
		if (clear_at < cfg->probe_min_c10 || clear_at > cfg->probe_max_c10)
			return fail(why, "hysteresis too wide: a limit's clear level lies outside the "
					 "probe range, so its alarm could never clear");
		if (prev && (int64_t)l->temp_c10 - prev->temp_c10 <= cfg->hysteresis_c10)
			return fail(why, "limits must be in order low_low < low < high < high_high, "
					 "further apart than the hysteresis");
		prev = l;
	}
	if (cfg->missing_samples > 0 && cfg->sample_interval_s == 0)
		return fail(why, "missing_samples needs a sample_interval");
	if ((uint64_t)cfg->missing_samples * cfg->sample_interval_s > 366ULL * 86400)
		return fail(why, "missing_samples x sample_interval must be a year or less");
	if (cfg->rate.enabled && (cfg->rate.window_s == 0 || cfg->rate.delta_c10 <= cfg->hysteresis_c10))
		return fail(why, "rate needs a window and a delta above the hysteresis");
	return 0;
}

void alert_channel_init(struct alert_channel *ch, int64_t now_ms)
{
	*ch = (struct alert_channel){.last_sample_ms = now_ms, .last_valid_ms = now_ms};
}

bool alert_channel_raised(const struct alert_channel *ch, enum alert_level level)
{
	enum alert_cond_state s = ch->cond[level].state;
	return s == ALERT_COND_ACTIVE || s == ALERT_COND_CLEARING;
}

/* Above-limit observation for HIGH levels; `sign` -1 mirrors it for LOW levels. */
static enum obs judge_limit(const struct alert_limit *l, int32_t hyst, int32_t v, int sign)
{
	if (!l->enabled)
		return OBS_GOOD;
	int64_t over = ((int64_t)v - l->temp_c10) * sign;
	if (over > 0)
		return OBS_BAD;
	return over <= -(int64_t)hyst ? OBS_GOOD : OBS_BAND;
}

static int32_t limit_of(const struct alert_channel_cfg *cfg, enum alert_level level, enum alert_edge edge)
{
	int32_t h = edge == ALERT_EDGE_CLEAR ? cfg->hysteresis_c10 : 0;
	switch (level) {
	case ALERT_LEVEL_LOW_LOW:
		return cfg->low_low.temp_c10 + h;
	case ALERT_LEVEL_LOW:
		return cfg->low.temp_c10 + h;
	case ALERT_LEVEL_HIGH:
		return cfg->high.temp_c10 - h;
	case ALERT_LEVEL_HIGH_HIGH:
		return cfg->high_high.temp_c10 - h;
	case ALERT_LEVEL_PROBE:
		return 0;
	case ALERT_LEVEL_RATE:
		return cfg->rate.delta_c10 - h;
	}
	return 0;
}

static void delays_of(const struct alert_channel_cfg *cfg, enum alert_level level, int64_t *on_ms,
		      int64_t *off_ms)
{
	if (level == ALERT_LEVEL_PROBE) {
		*on_ms = (int64_t)cfg->fault_delay_s * 1000;
		*off_ms = *on_ms;
	} else {
		*on_ms = (int64_t)cfg->on_delay_s * 1000;
		*off_ms = (int64_t)cfg->off_delay_s * 1000;
	}
}

/* Moves one level's state machine; returns true and fills `ev` when it raised or cleared. */
static bool step(struct alert_channel *ch, const struct alert_channel_cfg *cfg, enum alert_level level,
		 enum obs obs, int64_t now_ms, struct alert_channel_event *ev)
{
	struct alert_cond *c = &ch->cond[level];
	int64_t on_ms, off_ms;
	delays_of(cfg, level, &on_ms, &off_ms);
	switch (c->state) {
	case ALERT_COND_NORMAL:
		if (obs != OBS_BAD)
			return false;
		*c = (struct alert_cond){ALERT_COND_PENDING, now_ms};
		return step(ch, cfg, level, OBS_KEEP, now_ms, ev);
	case ALERT_COND_PENDING:
		if (obs != OBS_BAD && obs != OBS_KEEP) {
			*c = (struct alert_cond){ALERT_COND_NORMAL, now_ms};
			return false;
		}
		if (now_ms - c->since_ms < on_ms)
			return false;
		*ev = (struct alert_channel_event){ALERT_EDGE_RAISE,   level,
						   ch->last_value_c10, limit_of(cfg, level, ALERT_EDGE_RAISE),
						   c->since_ms,        now_ms};
		*c = (struct alert_cond){ALERT_COND_ACTIVE, c->since_ms};
		return true;
	case ALERT_COND_ACTIVE:
		if (obs != OBS_GOOD)
			return false;
		*c = (struct alert_cond){ALERT_COND_CLEARING, now_ms};
		return step(ch, cfg, level, OBS_KEEP, now_ms, ev);
	case ALERT_COND_CLEARING:
		if (obs != OBS_GOOD && obs != OBS_KEEP) {
			c->state = ALERT_COND_ACTIVE;
			return false;
		}
		if (now_ms - c->since_ms < off_ms)
			return false;
		*ev = (struct alert_channel_event){ALERT_EDGE_CLEAR,   level,
						   ch->last_value_c10, limit_of(cfg, level, ALERT_EDGE_CLEAR),
						   c->since_ms,        now_ms};
		*c = (struct alert_cond){ALERT_COND_NORMAL, c->since_ms};
		return true;
	}
	return false;
}

/* Largest movement between `v` and the readings kept within the rate window, then keeps `v`
 * (at most one kept reading per 1/8 window, so 16 slots always cover the window). */
static int32_t rate_delta(struct alert_channel *ch, const struct alert_channel_cfg *cfg, int32_t v,
			  int64_t now_ms)
{
	int64_t window_ms = (int64_t)cfg->rate.window_s * 1000;
	int64_t max = 0;
	unsigned n = ch->hist.count;
	for (unsigned i = 0; i < n; i++) {
		unsigned k = (ch->hist.head + ALERT_RATE_SLOTS - 1 - i) % ALERT_RATE_SLOTS;
		if (now_ms - ch->hist.t_ms[k] > window_ms)
			break;
		int64_t d = llabs((long long)v - ch->hist.v_c10[k]);
		if (d > max)
			max = d;
	}
	unsigned newest = (ch->hist.head + ALERT_RATE_SLOTS - 1) % ALERT_RATE_SLOTS;
	if (n == 0 || now_ms - ch->hist.t_ms[newest] >= window_ms / 8) {
		ch->hist.t_ms[ch->hist.head] = now_ms;
		ch->hist.v_c10[ch->hist.head] = v;
		ch->hist.head = (ch->hist.head + 1) % ALERT_RATE_SLOTS;
		if (ch->hist.count < ALERT_RATE_SLOTS)
			ch->hist.count++;
	}
	return max > INT32_MAX ? INT32_MAX : (int32_t)max;
}

static enum obs judge_rate(struct alert_channel *ch, const struct alert_channel_cfg *cfg, int32_t v,
			   int64_t now_ms)
{
	if (!cfg->rate.enabled)
		return OBS_GOOD;
	int32_t d = rate_delta(ch, cfg, v, now_ms);
	if (d > cfg->rate.delta_c10)
		return OBS_BAD;
	return d <= cfg->rate.delta_c10 - cfg->hysteresis_c10 ? OBS_GOOD : OBS_BAND;
}

static size_t step_all(struct alert_channel *ch, const struct alert_channel_cfg *cfg,
		       const enum obs obs[ALERT_LEVEL_COUNT], int64_t now_ms, struct alert_channel_event *out)
{
	size_t n = 0;
	for (int l = 0; l < ALERT_LEVEL_COUNT; l++)
		if (step(ch, cfg, (enum alert_level)l, obs[l], now_ms, &out[n]))
			n++;
	return n;
}

size_t alert_channel_feed(struct alert_channel *ch, const struct alert_channel_cfg *cfg,
			  const struct alert_reading *reading, int64_t now_ms,
			  struct alert_channel_event *out)
{
	int32_t v = reading->temp_c10;
	bool valid = reading->ok && v >= cfg->probe_min_c10 && v <= cfg->probe_max_c10;
	enum obs obs[ALERT_LEVEL_COUNT];
	ch->last_sample_ms = now_ms;
	ch->probe_bad = !valid;
	obs[ALERT_LEVEL_PROBE] = valid ? OBS_GOOD : OBS_BAD;
	if (!valid) {
		obs[ALERT_LEVEL_LOW_LOW] = obs[ALERT_LEVEL_LOW] = OBS_UNKNOWN;
		obs[ALERT_LEVEL_HIGH] = obs[ALERT_LEVEL_HIGH_HIGH] = OBS_UNKNOWN;
		obs[ALERT_LEVEL_RATE] = OBS_UNKNOWN;
		return step_all(ch, cfg, obs, now_ms, out);
	}
	ch->last_value_c10 = v;
	ch->last_valid_ms = now_ms;
	ch->have_value = true;
	obs[ALERT_LEVEL_LOW_LOW] = judge_limit(&cfg->low_low, cfg->hysteresis_c10, v, -1);
	obs[ALERT_LEVEL_LOW] = judge_limit(&cfg->low, cfg->hysteresis_c10, v, -1);
	obs[ALERT_LEVEL_HIGH] = judge_limit(&cfg->high, cfg->hysteresis_c10, v, 1);
	obs[ALERT_LEVEL_HIGH_HIGH] = judge_limit(&cfg->high_high, cfg->hysteresis_c10, v, 1);
	obs[ALERT_LEVEL_RATE] = judge_rate(ch, cfg, v, now_ms);
	return step_all(ch, cfg, obs, now_ms, out);
}

size_t alert_channel_tick(struct alert_channel *ch, const struct alert_channel_cfg *cfg, int64_t now_ms,
			  struct alert_channel_event *out)
{
	enum obs obs[ALERT_LEVEL_COUNT];
	int64_t quiet_ms = (int64_t)cfg->missing_samples * cfg->sample_interval_s * 1000;
	bool stale = cfg->missing_samples > 0 && now_ms - ch->last_sample_ms > quiet_ms;
	for (int l = 0; l < ALERT_LEVEL_COUNT; l++)
		obs[l] = stale ? OBS_UNKNOWN : OBS_KEEP;
	if (stale)
		obs[ALERT_LEVEL_PROBE] = OBS_BAD;
	return step_all(ch, cfg, obs, now_ms, out);
}
