/* Simulated temperature traces (sensor_sim.h): a sum of a compressor cycle, a day curve,
 * door openings, defrost, noise and the failure excursion, each a function of time and seed. */
#include "sensor_sim.h"

#include <errno.h>
#include <math.h>
#include <string.h>

struct profile_shape {
	const char *name;
	double setpoint_c; /* middle of the compressor cycle */
	double cycle_c;    /* peak-to-peak swing of the cycle */
	double cycle_s;    /* period of one on/off cycle */
	double day_c;      /* amplitude of the day curve (warmest mid-afternoon) */
	double door_c;     /* rise of one door opening before it recovers */
	double door_rate;  /* chance of an opening per 15-minute slot, 07:00-19:00 */
	double defrost_c;  /* rise during a defrost; 0: none */
	double defrost_every_s;
	double noise_c10;  /* largest noise in tenths (uniform, symmetric) */
	double ambient_c;  /* where a failed compressor lets it drift */
	double warm_tau_s; /* time constant of that drift */
};

static const struct profile_shape shapes[SENSOR_SIM_PROFILE_COUNT] = {
	[SENSOR_SIM_CHILLER] = {"chiller", 4.0, 0.5, 1800, 0.4, 0.8, 0.25, 1.0, 6 * 3600, 1, 22.0, 3600},
	[SENSOR_SIM_FREEZER] = {"freezer", -18.0, 0.8, 2700, 0.3, 1.2, 0.15, 4.0, 8 * 3600, 1, 20.0, 5400},
	[SENSOR_SIM_REEFER] = {"reefer", 2.0, 0.6, 1200, 1.0, 0.0, 0.0, 1.0, 6 * 3600, 1.5, 28.0, 2700},
};

const char *sensor_sim_profile_str(enum sensor_sim_profile p)
{
	switch (p) {
	case SENSOR_SIM_CHILLER:
	case SENSOR_SIM_FREEZER:
	case SENSOR_SIM_REEFER:
		return shapes[p].name;
	}
	return "?";
}

int sensor_sim_profile_parse(const char *name, enum sensor_sim_profile *out)
{
	for (int p = 0; p < SENSOR_SIM_PROFILE_COUNT; p++) {
		if (strcmp(name, shapes[p].name) == 0) {
			*out = (enum sensor_sim_profile)p;
			return 0;
		}
	}
	return -EINVAL;
}

/* splitmix64 of (seed, slot): a repeatable random number for one slot of time. */
static uint64_t mix(uint64_t seed, int64_t slot)
{
	uint64_t z = seed + (uint64_t)slot * 0x9E3779B97F4A7C15ull;
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static double unit_rand(uint64_t seed, int64_t slot)
{
	return (double)(mix(seed, slot) >> 11) / (double)(1ull << 53);
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Sawtooth of the compressor: a slow rise while it is off, a faster pull-down while on. */
static double cycle(const struct profile_shape *sh, int64_t t_s)
{
	double phase = fmod((double)t_s, sh->cycle_s) / sh->cycle_s;
	double x = phase < 0.6 ? phase / 0.6 : 1.0 - (phase - 0.6) / 0.4;
	return (x - 0.5) * sh->cycle_c;
}

static double day_curve(const struct profile_shape *sh, int64_t t_s)
{
	double day = (double)(t_s - floor_div(t_s, 86400) * 86400) / 86400.0;
	return sh->day_c * cos(2.0 * M_PI * (day - 15.0 / 24.0));
}

/* Openings start at a random minute of a 15-minute slot in working hours and decay over
 * about eight minutes; the last two slots can still be recovering. */
static double doors(const struct profile_shape *sh, uint64_t seed, int64_t t_s)
{
	double rise = 0;
	int64_t slot = floor_div(t_s, 900);
	for (int64_t s = slot - 2; s <= slot; s++) {
		int64_t hour = (s * 900 - floor_div(s * 900, 86400) * 86400) / 3600;
		if (hour < 7 || hour >= 19 || unit_rand(seed ^ 0xD00Bu, s) >= sh->door_rate)
			continue;
		int64_t start = s * 900 + (int64_t)(unit_rand(seed ^ 0x0DE7u, s) * 840);
		if (t_s >= start)
			rise += sh->door_c * exp(-(double)(t_s - start) / 480.0);
	}
	return rise;
}

/* A defrost heats for 20 minutes, then the cold returns over about ten. */
static double defrost(const struct profile_shape *sh, int64_t t_s)
{
	if (sh->defrost_c == 0)
		return 0;
	double in = fmod((double)t_s, sh->defrost_every_s);
	if (in < 1200)
		return sh->defrost_c * in / 1200.0;
	return sh->defrost_c * exp(-(in - 1200.0) / 600.0);
}

static double failure(const struct profile_shape *sh, const struct sensor_sim *s, double base, int64_t t_s)
{
	if (t_s <= s->fail_at_s)
		return 0;
	double gap = sh->ambient_c - base;
	int64_t warm_end = t_s < s->repair_at_s ? t_s : s->repair_at_s;
	double peak = gap * (1.0 - exp(-(double)(warm_end - s->fail_at_s) / sh->warm_tau_s));
	if (t_s <= s->repair_at_s)
		return peak;
	return peak * exp(-(double)(t_s - s->repair_at_s) / (sh->warm_tau_s / 4.0));
}

int32_t sensor_sim_temp_c10(const struct sensor_sim *s, int64_t t_s)
{
	const struct profile_shape *sh = &shapes[s->profile];
	double c = sh->setpoint_c + day_curve(sh, t_s) + doors(sh, s->seed, t_s) + defrost(sh, t_s);
	bool running = t_s <= s->fail_at_s || t_s > s->repair_at_s;
	if (running)
		c += cycle(sh, t_s);
	c += failure(sh, s, c, t_s);
	double noise = (unit_rand(s->seed ^ 0x4015Eu, t_s) * 2.0 - 1.0) * sh->noise_c10;
	return (int32_t)lround(c * 10.0 + noise);
}
