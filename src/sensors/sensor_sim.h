/* Simulated temperature traces for the demo, the tests and the benchmarks: a chiller, a
 * freezer and a reefer as a pure function of time, so the same seed and instant always give
 * the same reading. Each trace has the habits of the real thing: compressor cycling, a day
 * curve, door openings in working hours, defrost, sensor noise at 0.1 C, and a compressor
 * that fails at a given time (the temperature climbs towards the ambient) and is repaired. */
#ifndef M2_SENSOR_SIM_H
#define M2_SENSOR_SIM_H

#include <stdbool.h>
#include <stdint.h>

enum sensor_sim_profile {
	SENSOR_SIM_CHILLER, /* held at +2..+8 C around 4 C (a cold room for food) */
	SENSOR_SIM_FREEZER, /* held around -18 C, defrost every 8 hours */
	SENSOR_SIM_REEFER,  /* a refrigerated container on the road: 2 C, more noise */
};
#define SENSOR_SIM_PROFILE_COUNT 3

const char *sensor_sim_profile_str(enum sensor_sim_profile p);

/* Parses "chiller", "freezer" or "reefer". Returns 0 or -EINVAL. */
int sensor_sim_profile_parse(const char *name, enum sensor_sim_profile *out);

struct sensor_sim {
	enum sensor_sim_profile profile;
	uint64_t seed;       /* door openings and noise; the same seed, the same trace */
	int64_t fail_at_s;   /* UTC epoch seconds when the compressor stops; INT64_MAX: never */
	int64_t repair_at_s; /* when it runs again (after fail_at_s); INT64_MAX: never */
};

/* The reading at `t_s` (UTC epoch seconds; the day curve and door hours use UTC), in
 * tenths of a degree C. Pure: no state changes, any order of calls. */
int32_t sensor_sim_temp_c10(const struct sensor_sim *s, int64_t t_s);

#endif
