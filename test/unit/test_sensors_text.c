/* What the probes write, parsed: the DS18B20's w1_slave with its CRC line and power-on value,
 * hwmon millidegrees, degrees in a file, the first number a program prints; every failure a
 * fault with a reason, and tenths rounded half away from zero from the decimal text itself. */
#include "sensor_text.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

typedef void (*parse_fn)(const char *text, size_t len, struct sensor_reading *out);

static void expect_c10(parse_fn fn, const char *text, int32_t want)
{
	struct sensor_reading r;
	memset(&r, 0x55, sizeof(r));
	fn(text, strlen(text), &r);
	if (!r.ok)
		fail_msg("'%s' refused: %s", text, r.detail);
	assert_int_equal(r.fault, SENSOR_FAULT_NONE);
	if (r.temp_c10 != want)
		fail_msg("'%s' gave %d, want %d", text, r.temp_c10, want);
}

static void expect_fault(parse_fn fn, const char *text, enum sensor_fault fault, const char *needle)
{
	struct sensor_reading r;
	fn(text, strlen(text), &r);
	assert_false(r.ok);
	if (r.fault != fault)
		fail_msg("'%s': fault %s, want %s (%s)", text, sensor_fault_str(r.fault),
			 sensor_fault_str(fault), r.detail);
	assert_int_equal(r.temp_c10, 0);
	if (!strstr(r.detail, needle))
		fail_msg("'%s': '%s' not in '%s'", text, needle, r.detail);
}

#define W1_GOOD_L1 "72 01 4b 46 7f ff 0e 10 57 : crc=57 YES\n"

static void w1_slave_good_readings(void **state)
{
	(void)state;
	expect_c10(sensor_text_w1_slave, W1_GOOD_L1 "72 01 4b 46 7f ff 0e 10 57 t=23125\n", 231);
	expect_c10(sensor_text_w1_slave, W1_GOOD_L1 "72 01 4b 46 7f ff 0e 10 57 t=23150\n", 232);
	expect_c10(sensor_text_w1_slave,
		   "5e ff 4b 46 7f ff 0c 10 1c : crc=1c YES\n5e ff 4b 46 7f ff 0c 10 1c t=-10125\n", -101);
	expect_c10(sensor_text_w1_slave,
		   "90 fc 4b 46 7f ff 10 10 0c : crc=0c YES\n90 fc 4b 46 7f ff 10 10 0c t=-55000\n", -550);
	expect_c10(sensor_text_w1_slave, W1_GOOD_L1 "72 01 4b 46 7f ff 0e 10 57 t=0\n", 0);
	expect_c10(sensor_text_w1_slave, W1_GOOD_L1 "72 01 4b 46 7f ff 0e 10 57 t=-62", -1);
	expect_c10(sensor_text_w1_slave, W1_GOOD_L1 "72 01 4b 46 7f ff 0e 10 57 t=85062\n", 851);
	expect_c10(sensor_text_w1_slave, "72 01 4b 46 7f ff 0e 10 57 : crc=57 YES \r\nt=4000\n", 40);
}

static void w1_slave_crc_failure_is_a_fault(void **state)
{
	(void)state;
	expect_fault(sensor_text_w1_slave,
		     "72 01 4b 46 7f ff 0e 10 ff : crc=57 NO\n72 01 4b 46 7f ff 0e 10 ff t=23125\n",
		     SENSOR_FAULT_CRC, "CRC check failed");
	expect_fault(sensor_text_w1_slave,
		     "ff ff ff ff ff ff ff ff ff : crc=c9 NO\nff ff ff ff ff ff ff ff ff t=-62\n",
		     SENSOR_FAULT_CRC, "pull-up");
}

static void w1_slave_power_on_value_is_a_fault(void **state)
{
	(void)state;
	expect_fault(sensor_text_w1_slave,
		     "50 05 4b 46 7f ff 0c 10 1c : crc=1c YES\n50 05 4b 46 7f ff 0c 10 1c t=85000\n",
		     SENSOR_FAULT_POWER_ON, "power-on value");
}

static void w1_slave_all_zero_scratchpad_is_a_fault(void **state)
{
	(void)state;
	expect_fault(sensor_text_w1_slave,
		     "00 00 00 00 00 00 00 00 00 : crc=00 YES\n00 00 00 00 00 00 00 00 00 t=0\n",
		     SENSOR_FAULT_BUS, "all zeros");
}

static void w1_slave_garbage_is_a_fault(void **state)
{
	(void)state;
	expect_fault(sensor_text_w1_slave, "", SENSOR_FAULT_GARBAGE, "YES");
	expect_fault(sensor_text_w1_slave, "hello\n", SENSOR_FAULT_GARBAGE, "\"hello\"");
	expect_fault(sensor_text_w1_slave, W1_GOOD_L1, SENSOR_FAULT_GARBAGE, "t=");
	expect_fault(sensor_text_w1_slave, "72 01 : crc=57 YES", SENSOR_FAULT_GARBAGE, "second line");
	expect_fault(sensor_text_w1_slave, W1_GOOD_L1 "72 01 4b 46 7f ff 0e 10 57\n", SENSOR_FAULT_GARBAGE,
		     "t=");
	expect_fault(sensor_text_w1_slave, W1_GOOD_L1 "72 01 t=\n", SENSOR_FAULT_GARBAGE, "t=");
	expect_fault(sensor_text_w1_slave, W1_GOOD_L1 "72 01 t=12.5\n", SENSOR_FAULT_GARBAGE, "t=");
	expect_fault(sensor_text_w1_slave, W1_GOOD_L1 "72 01 t=abc\n", SENSOR_FAULT_GARBAGE, "t=");
	expect_fault(sensor_text_w1_slave, W1_GOOD_L1 "72 01 t=99999999999999999999\n", SENSOR_FAULT_RANGE,
		     "no temperature");
	expect_fault(sensor_text_w1_slave, "72 01 4b 46 7f ff 0e 10 57 : crc=57 MAYBE\nt=1000\n",
		     SENSOR_FAULT_GARBAGE, "YES");
}

static void millidegrees_round_half_away_from_zero(void **state)
{
	(void)state;
	assert_int_equal(sensor_mdeg_to_c10(12950), 130);
	assert_int_equal(sensor_mdeg_to_c10(12949), 129);
	assert_int_equal(sensor_mdeg_to_c10(-12950), -130);
	assert_int_equal(sensor_mdeg_to_c10(-12949), -129);
	assert_int_equal(sensor_mdeg_to_c10(50), 1);
	assert_int_equal(sensor_mdeg_to_c10(-50), -1);
	assert_int_equal(sensor_mdeg_to_c10(49), 0);
	assert_int_equal(sensor_mdeg_to_c10(-49), 0);
	expect_c10(sensor_text_mdeg, "45000\n", 450);
	expect_c10(sensor_text_mdeg, "-18062\n", -181);
	expect_c10(sensor_text_mdeg, "  +1000 ", 10);
	expect_fault(sensor_text_mdeg, "", SENSOR_FAULT_GARBAGE, "millidegrees");
	expect_fault(sensor_text_mdeg, "45.0\n", SENSOR_FAULT_GARBAGE, "\"45.0?\"");
	expect_fault(sensor_text_mdeg, "45000 47000\n", SENSOR_FAULT_GARBAGE, "millidegrees");
	expect_fault(sensor_text_mdeg, "-\n", SENSOR_FAULT_GARBAGE, "millidegrees");
	expect_fault(sensor_text_mdeg, "2100000\n", SENSOR_FAULT_RANGE, "no temperature");
	expect_fault(sensor_text_mdeg, "-273250\n", SENSOR_FAULT_RANGE, "no temperature");
	expect_c10(sensor_text_mdeg, "-273150\n", -2732);
}

static void degrees_round_as_written(void **state)
{
	(void)state;
	expect_c10(sensor_text_degrees, "4.5", 45);
	expect_c10(sensor_text_degrees, "4.25\n", 43);
	expect_c10(sensor_text_degrees, "4.2499999\n", 42);
	expect_c10(sensor_text_degrees, "0.15", 2);
	expect_c10(sensor_text_degrees, "-0.15", -2);
	expect_c10(sensor_text_degrees, "-4.25", -43);
	expect_c10(sensor_text_degrees, "-18", -180);
	expect_c10(sensor_text_degrees, "  +7.04  \n", 70);
	expect_c10(sensor_text_degrees, ".5", 5);
	expect_c10(sensor_text_degrees, "-.05", -1);
	expect_c10(sensor_text_degrees, "3.", 30);
	expect_c10(sensor_text_degrees, "-0.04", 0);
	expect_c10(sensor_text_degrees, "2000", 20000);
	expect_fault(sensor_text_degrees, "2000.1", SENSOR_FAULT_RANGE, "no temperature");
	expect_fault(sensor_text_degrees, "-300", SENSOR_FAULT_RANGE, "no temperature");
	expect_fault(sensor_text_degrees, "", SENSOR_FAULT_GARBAGE, "empty");
	expect_fault(sensor_text_degrees, " \n", SENSOR_FAULT_GARBAGE, "empty");
	expect_fault(sensor_text_degrees, "4,5", SENSOR_FAULT_GARBAGE, "\"4,5\"");
	expect_fault(sensor_text_degrees, "4.5 C", SENSOR_FAULT_GARBAGE, "not a number");
	expect_fault(sensor_text_degrees, "1e3", SENSOR_FAULT_GARBAGE, "not a number");
	expect_fault(sensor_text_degrees, "4.5.6", SENSOR_FAULT_GARBAGE, "not a number");
	expect_fault(sensor_text_degrees, "nan", SENSOR_FAULT_GARBAGE, "not a number");
	expect_fault(sensor_text_degrees, "--4", SENSOR_FAULT_GARBAGE, "not a number");
	expect_fault(sensor_text_degrees, "4.5\n5.5\n", SENSOR_FAULT_GARBAGE, "not a number");
	expect_fault(sensor_text_degrees, "\x01\xff{}@", SENSOR_FAULT_GARBAGE, "\"?????\"");
}

static void first_number_is_found_outside_words(void **state)
{
	(void)state;
	expect_c10(sensor_text_first_number, "4.5\n", 45);
	expect_c10(sensor_text_first_number, "probe2: 4.5 C\n", 45);
	expect_c10(sensor_text_first_number, "T1=-3.25", -33);
	expect_c10(sensor_text_first_number, "4.5C", 45);
	expect_c10(sensor_text_first_number, "temp -18.0 C (sensor 3)", -180);
	expect_c10(sensor_text_first_number, "abc-3 then 7", 70);
	expect_c10(sensor_text_first_number, "v1.2.3 ok 12", 120);
	expect_c10(sensor_text_first_number, "1e3 or 5", 50);
	expect_c10(sensor_text_first_number, "\x01\x02 9", 90);
	expect_fault(sensor_text_first_number, "", SENSOR_FAULT_GARBAGE, "printed nothing");
	expect_fault(sensor_text_first_number, " \n\t", SENSOR_FAULT_GARBAGE, "printed nothing");
	expect_fault(sensor_text_first_number, "error: no probe", SENSOR_FAULT_GARBAGE,
		     "\"error: no probe\"");
	expect_fault(sensor_text_first_number, "T1 T2 x.y", SENSOR_FAULT_GARBAGE, "no number");
	expect_fault(sensor_text_first_number, "99999999999999999999999", SENSOR_FAULT_RANGE,
		     "no temperature");
	expect_fault(sensor_text_first_number, "a very long line of output with no digits at all, none",
		     SENSOR_FAULT_GARBAGE, "...");
}

static void faults_have_names(void **state)
{
	(void)state;
	for (int f = 0; f < SENSOR_FAULT_COUNT; f++)
		assert_string_not_equal(sensor_fault_str((enum sensor_fault)f), "?");
	assert_string_equal(sensor_fault_str(SENSOR_FAULT_POWER_ON), "power_on");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(w1_slave_good_readings),
		cmocka_unit_test(w1_slave_crc_failure_is_a_fault),
		cmocka_unit_test(w1_slave_power_on_value_is_a_fault),
		cmocka_unit_test(w1_slave_all_zero_scratchpad_is_a_fault),
		cmocka_unit_test(w1_slave_garbage_is_a_fault),
		cmocka_unit_test(millidegrees_round_half_away_from_zero),
		cmocka_unit_test(degrees_round_as_written),
		cmocka_unit_test(first_number_is_found_outside_words),
		cmocka_unit_test(faults_have_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
