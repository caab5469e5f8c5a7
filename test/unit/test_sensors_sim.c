/* The simulated traces: the same seed and instant give the same reading in any order of
 * calls, each profile stays where its real thing is held, and a compressor that fails at a
 * given time warms the room until it is repaired, then the room recovers. */
#include "sensor_sim.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#define DAY_S 86400
#define T0    1764028800LL /* 2025-11-25 00:00 UTC */

static struct sensor_sim make(enum sensor_sim_profile p, uint64_t seed)
{
	return (struct sensor_sim){p, seed, INT64_MAX, INT64_MAX};
}

static void same_seed_same_trace_in_any_order(void **state)
{
	(void)state;
	struct sensor_sim a = make(SENSOR_SIM_CHILLER, 7), b = make(SENSOR_SIM_CHILLER, 7);
	int32_t forward[200];
	for (int i = 0; i < 200; i++)
		forward[i] = sensor_sim_temp_c10(&a, T0 + i * 431);
	for (int i = 199; i >= 0; i--)
		assert_int_equal(sensor_sim_temp_c10(&b, T0 + i * 431), forward[i]);
}

static void another_seed_another_trace(void **state)
{
	(void)state;
	for (int p = 0; p < SENSOR_SIM_PROFILE_COUNT; p++) {
		struct sensor_sim a = make((enum sensor_sim_profile)p, 7),
				  b = make((enum sensor_sim_profile)p, 8);
		int differ = 0;
		for (int64_t t = T0; t < T0 + DAY_S; t += 600)
			differ += sensor_sim_temp_c10(&a, t) != sensor_sim_temp_c10(&b, t);
		assert_true(differ > 20);
	}
}

static void profiles_stay_where_they_are_held(void **state)
{
	(void)state;
	static const struct {
		enum sensor_sim_profile p;
		int32_t lo, hi;
	} band[] = {
		{SENSOR_SIM_CHILLER, 20, 80},
		{SENSOR_SIM_FREEZER, -220, -120},
		{SENSOR_SIM_REEFER, -10, 60},
	};
	for (size_t i = 0; i < sizeof(band) / sizeof(band[0]); i++) {
		struct sensor_sim s = make(band[i].p, 3);
		int32_t lo = INT32_MAX, hi = INT32_MIN;
		for (int64_t t = T0; t < T0 + 7 * DAY_S; t += 60) {
			int32_t v = sensor_sim_temp_c10(&s, t);
			lo = v < lo ? v : lo;
			hi = v > hi ? v : hi;
		}
		if (lo < band[i].lo || hi > band[i].hi)
			fail_msg("%s: %d..%d outside %d..%d", sensor_sim_profile_str(band[i].p), lo, hi,
				 band[i].lo, band[i].hi);
		assert_true(hi - lo >= 10); /* it moves: cycling, doors, noise */
	}
}

static void failure_warms_until_repair_then_recovers(void **state)
{
	(void)state;
	const int64_t fail = T0 + 3 * 3600, repair = fail + 2 * 3600;
	struct sensor_sim calm = make(SENSOR_SIM_CHILLER, 7);
	struct sensor_sim broken = calm;
	broken.fail_at_s = fail;
	broken.repair_at_s = repair;
	for (int64_t t = T0; t <= fail; t += 60)
		assert_int_equal(sensor_sim_temp_c10(&broken, t), sensor_sim_temp_c10(&calm, t));
	int32_t prev = sensor_sim_temp_c10(&broken, fail + 600);
	for (int64_t t = fail + 1200; t <= repair; t += 600) {
		int32_t v = sensor_sim_temp_c10(&broken, t);
		assert_true(v > prev - 3); /* climbing, noise aside */
		prev = v;
	}
	assert_true(sensor_sim_temp_c10(&broken, fail + 3600) > 100);   /* above 10 C an hour in */
	assert_true(sensor_sim_temp_c10(&broken, repair) > 150);        /* above 15 C at repair */
	assert_true(sensor_sim_temp_c10(&broken, repair + 3600) < 100); /* falling an hour after */
	for (int64_t t = repair + 4 * 3600; t < repair + 6 * 3600; t += 300) {
		int32_t d = sensor_sim_temp_c10(&broken, t) - sensor_sim_temp_c10(&calm, t);
		assert_true(d >= -3 && d <= 3);
	}
}

static void failure_never_repaired_approaches_the_ambient(void **state)
{
	(void)state;
	struct sensor_sim s = make(SENSOR_SIM_FREEZER, 1);
	s.fail_at_s = T0;
	int32_t v = sensor_sim_temp_c10(&s, T0 + 2 * DAY_S);
	assert_true(v > 150 && v < 250);
}

static void profile_names_round_trip(void **state)
{
	(void)state;
	for (int p = 0; p < SENSOR_SIM_PROFILE_COUNT; p++) {
		enum sensor_sim_profile out;
		assert_int_equal(
			sensor_sim_profile_parse(sensor_sim_profile_str((enum sensor_sim_profile)p), &out),
			0);
		assert_int_equal(out, p);
	}
	enum sensor_sim_profile out;
	assert_int_equal(sensor_sim_profile_parse("fridge", &out), -EINVAL);
	assert_int_equal(sensor_sim_profile_parse("", &out), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_seed_same_trace_in_any_order),
		cmocka_unit_test(another_seed_another_trace),
		cmocka_unit_test(profiles_stay_where_they_are_held),
		cmocka_unit_test(failure_warms_until_repair_then_recovers),
		cmocka_unit_test(failure_never_repaired_approaches_the_ambient),
		cmocka_unit_test(profile_names_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
