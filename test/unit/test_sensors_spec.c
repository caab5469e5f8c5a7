/* The source grammar: each kind parses into what the reader needs, and every kind of bad
 * string is refused with a reason that says what a good one looks like. */
#include "sensor_spec.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

static struct sensor_spec spec;

static void parse_ok(const char *source, enum sensor_kind kind)
{
	const char *why = NULL;
	if (sensor_source_parse(source, &spec, &why) != 0)
		fail_msg("'%s' refused: %s", source, why);
	assert_int_equal(spec.kind, kind);
	assert_string_equal(spec.text, source);
	assert_null(sensor_source_check(source));
}

/* Refused, with a reason holding `needle`; the check function says the same. */
static void parse_bad(const char *source, const char *needle)
{
	const char *why = NULL;
	assert_int_equal(sensor_source_parse(source, &spec, &why), -EINVAL);
	assert_non_null(why);
	if (!strstr(why, needle))
		fail_msg("'%s': '%s' not in '%s'", source, needle, why);
	assert_string_equal(sensor_source_check(source), why);
}

static void w1_ids_parse_in_lower_case(void **state)
{
	(void)state;
	parse_ok("w1:28-0316a2794aff", SENSOR_KIND_W1);
	assert_string_equal(spec.arg, "28-0316a2794aff");
	parse_ok("w1:28-0316A2794AFF", SENSOR_KIND_W1);
	assert_string_equal(spec.arg, "28-0316a2794aff");
	parse_ok("w1:10-000802b4f2a1", SENSOR_KIND_W1);
}

static void bad_w1_ids_are_refused(void **state)
{
	(void)state;
	parse_bad("w1:", "needs the probe's id");
	parse_bad("w1:28-0316a2794af", "12 hex digits");
	parse_bad("w1:28-0316a2794affe", "12 hex digits");
	parse_bad("w1:280316a2794aff0", "12 hex digits");
	parse_bad("w1:28-0316a2794agf", "12 hex digits");
	parse_bad("w1:28_0316a2794aff", "12 hex digits");
	parse_bad("w1:28-0316a2 94aff", "holds a space");
	parse_bad("w1:/sys/bus/w1/devices/28-0316a2794aff", "12 hex digits");
}

static void paths_parse_whole(void **state)
{
	(void)state;
	parse_ok("hwmon:/sys/class/hwmon/hwmon0/temp1_input", SENSOR_KIND_HWMON);
	assert_string_equal(spec.arg, "/sys/class/hwmon/hwmon0/temp1_input");
	parse_ok("file:/run/probe1", SENSOR_KIND_FILE);
	assert_string_equal(spec.arg, "/run/probe1");
	assert_int_equal(spec.argc, 1);
}

static void bad_paths_are_refused(void **state)
{
	(void)state;
	parse_bad("hwmon:", "whole path");
	parse_bad("hwmon:hwmon0/temp1_input", "whole path");
	parse_bad("hwmon:/sys/class/hwmon/hwmon0/", "directory");
	parse_bad("file:", "absolute path");
	parse_bad("file:run/probe1", "absolute path");
	parse_bad("file:~/probe", "absolute path");
	parse_bad("file:/run/my probe", "holds a space");
}

static void commands_split_into_words(void **state)
{
	(void)state;
	parse_ok("cmd:/usr/local/bin/read-probe --bus 1  -t\t28", SENSOR_KIND_CMD);
	assert_int_equal(spec.argc, 5);
	const char *want[] = {"/usr/local/bin/read-probe", "--bus", "1", "-t", "28"};
	const char *a = spec.arg;
	for (int i = 0; i < 5; i++, a += strlen(a) + 1)
		assert_string_equal(a, want[i]);
	parse_ok("cmd:/bin/true", SENSOR_KIND_CMD);
	assert_int_equal(spec.argc, 1);
}

static void bad_commands_are_refused(void **state)
{
	(void)state;
	parse_bad("cmd:", "needs a program");
	parse_bad("cmd:read-probe", "absolute path");
	parse_bad("cmd:./read-probe", "absolute path");
	parse_bad("cmd:/bin/cat /sys/x | head -1", "without a shell");
	parse_bad("cmd:/bin/echo 'a b'", "without a shell");
	parse_bad("cmd:/bin/echo \"a\"", "without a shell");
	parse_bad("cmd:/bin/echo $HOME", "without a shell");
	parse_bad("cmd:/bin/echo `id`", "without a shell");
	parse_bad("cmd:/bin/read; rm -rf /", "without a shell");
	parse_bad("cmd:/bin/read > /tmp/x", "without a shell");
	parse_bad("cmd:/bin/read &", "without a shell");
	parse_bad("cmd:/bin/read a\\ b", "without a shell");
	parse_bad("cmd:/bin/ls /tmp/*", "without a shell");
	parse_bad("cmd:/bin/x 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16", "at most 15 arguments");
	parse_ok("cmd:/bin/x 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15", SENSOR_KIND_CMD);
}

static void sim_profiles_and_options(void **state)
{
	(void)state;
	parse_ok("sim:chiller", SENSOR_KIND_SIM);
	assert_int_equal(spec.sim.profile, SENSOR_SIM_CHILLER);
	assert_true(spec.sim.fail_after_s == INT64_MAX);
	assert_true(spec.sim.repair_after_s == INT64_MAX);
	assert_true(spec.sim.seed == 0);
	parse_ok("sim:freezer,seed=7", SENSOR_KIND_SIM);
	assert_int_equal(spec.sim.profile, SENSOR_SIM_FREEZER);
	assert_true(spec.sim.seed == 7);
	parse_ok("sim:reefer,repair_at=900,fail_at=600,seed=123456789012345678", SENSOR_KIND_SIM);
	assert_int_equal(spec.sim.profile, SENSOR_SIM_REEFER);
	assert_true(spec.sim.fail_after_s == 600);
	assert_true(spec.sim.repair_after_s == 900);
	assert_true(spec.sim.seed == 123456789012345678ULL);
	parse_ok("sim:chiller,fail_at=0", SENSOR_KIND_SIM);
	assert_true(spec.sim.fail_after_s == 0);
}

static void bad_sims_are_refused(void **state)
{
	(void)state;
	parse_bad("sim:", "needs a profile");
	parse_bad("sim:,seed=1", "needs a profile");
	parse_bad("sim:fridge", "chiller, freezer or reefer");
	parse_bad("sim:Chiller", "chiller, freezer or reefer");
	parse_bad("sim:chillerchillerchiller", "chiller, freezer or reefer");
	parse_bad("sim:chiller,", "the options are");
	parse_bad("sim:chiller,fail=600", "the options are");
	parse_bad("sim:chiller,fail_at", "the options are");
	parse_bad("sim:chiller,fail_at=", "whole numbers");
	parse_bad("sim:chiller,fail_at=-5", "whole numbers");
	parse_bad("sim:chiller,fail_at=10m", "whole numbers");
	parse_bad("sim:chiller,fail_at=1.5", "whole numbers");
	parse_bad("sim:chiller,seed=1234567890123456789", "whole numbers");
	parse_bad("sim:chiller,fail_at=600,fail_at=700", "given twice");
	parse_bad("sim:chiller,repair_at=900", "needs a fail_at");
	parse_bad("sim:chiller,fail_at=900,repair_at=900", "later than fail_at");
	parse_bad("sim:chiller,fail_at=900,repair_at=600", "later than fail_at");
	parse_bad("sim:chiller fail_at=600", "chiller, freezer or reefer");
}

static void bad_strings_of_any_kind(void **state)
{
	(void)state;
	parse_bad("", "empty");
	parse_bad("28-0316a2794aff", "unknown kind");
	parse_bad("W1:28-0316a2794aff", "unknown kind");
	parse_bad("serial:/dev/ttyUSB0", "unknown kind");
	parse_bad(":/run/probe", "unknown kind");
	parse_bad(" file:/run/probe1", "space");
	parse_bad("file:/run/probe1 ", "space");
	parse_bad("file:/run/pro\nbe1", "control character");
	parse_bad("file:/run/pro\x1b[2Jbe", "control character");
	char longer[400];
	memset(longer, 'a', sizeof(longer));
	memcpy(longer, "file:/", 6);
	longer[sizeof(longer) - 1] = '\0';
	parse_bad(longer, "longer than 255");
	longer[256] = '\0';
	parse_bad(longer, "longer than 255");
	longer[255] = '\0';
	parse_ok(longer, SENSOR_KIND_FILE);
}

static void kinds_have_names(void **state)
{
	(void)state;
	const char *names[] = {"w1", "hwmon", "file", "cmd", "sim"};
	for (int k = 0; k < SENSOR_KIND_COUNT; k++)
		assert_string_equal(sensor_kind_str((enum sensor_kind)k), names[k]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(w1_ids_parse_in_lower_case), cmocka_unit_test(bad_w1_ids_are_refused),
		cmocka_unit_test(paths_parse_whole),          cmocka_unit_test(bad_paths_are_refused),
		cmocka_unit_test(commands_split_into_words),  cmocka_unit_test(bad_commands_are_refused),
		cmocka_unit_test(sim_profiles_and_options),   cmocka_unit_test(bad_sims_are_refused),
		cmocka_unit_test(bad_strings_of_any_kind),    cmocka_unit_test(kinds_have_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
