/* The power supply read from power_supply trees laid out like sysfs (mains, USB, batteries,
 * missing and garbled attributes), and the watcher's mains and battery events. */
#include "sensor_power.h"
#include "test_tree.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

static char root[256];

static int setup(void **state)
{
	(void)state;
	tree_new(root);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tree_remove(root);
	return 0;
}

static void supply(const char *name, const char *type, const char *attr, const char *value)
{
	char rel[128];
	snprintf(rel, sizeof(rel), "%s/type", name);
	tree_write(root, rel, type, 0);
	if (attr) {
		snprintf(rel, sizeof(rel), "%s/%s", name, attr);
		tree_write(root, rel, value, 0);
	}
}

static struct sensor_power read_ok(void)
{
	struct sensor_power p;
	assert_int_equal(sensor_power_read_sysfs(root, &p), 0);
	return p;
}

static void mains_and_battery(void **state)
{
	(void)state;
	supply("AC", "Mains\n", "online", "1\n");
	supply("BAT0", "Battery\n", "capacity", "57\n");
	tree_write(root, "BAT0/status", "Discharging\n", 0);
	tree_write(root, "BAT0/voltage_now", "3912000\n", 0);
	struct sensor_power p = read_ok();
	assert_int_equal(p.origin, SENSOR_POWER_ORIGIN_SYSFS);
	assert_true(p.mains_known);
	assert_true(p.mains_online);
	assert_true(p.battery_known);
	assert_int_equal(p.battery_pct, 57);
	assert_int_equal(p.battery_status, SENSOR_BATTERY_DISCHARGING);
	assert_int_equal(p.battery_mv, 3912);
	supply("AC", "Mains\n", "online", "0\n");
	tree_write(root, "BAT0/status", "Charging\n", 0);
	p = read_ok();
	assert_true(p.mains_known);
	assert_false(p.mains_online);
	assert_int_equal(p.battery_status, SENSOR_BATTERY_CHARGING);
}

static void usb_counts_as_external_power_and_any_online_wins(void **state)
{
	(void)state;
	supply("AC", "Mains\n", "online", "0\n");
	supply("usb", "USB\n", "online", "1\n");
	struct sensor_power p = read_ok();
	assert_true(p.mains_known);
	assert_true(p.mains_online);
	assert_false(p.battery_known);
	assert_int_equal(p.battery_mv, -1);
}

static void first_battery_by_name_and_clamped(void **state)
{
	(void)state;
	supply("BAT1", "Battery\n", "capacity", "20\n");
	supply("BAT0", "Battery\n", "capacity", "104\n");
	tree_write(root, "BAT0/status", "Full\n", 0);
	struct sensor_power p = read_ok();
	assert_int_equal(p.battery_pct, 100);
	assert_int_equal(p.battery_status, SENSOR_BATTERY_FULL);
	assert_false(p.mains_known);
}

static void garbled_and_missing_attributes_stay_unknown(void **state)
{
	(void)state;
	supply("AC", "Mains\n", "online", "yes\n");
	supply("BAT0", "Battery\n", "capacity", "lots\n");
	supply("BAT1", "Battery\n", NULL, NULL);
	supply("hidpp_battery_0", "Wireless\n", "capacity", "10\n");
	tree_write(root, "odd/online", "1\n", 0);
	struct sensor_power p = read_ok();
	assert_int_equal(p.origin, SENSOR_POWER_ORIGIN_SYSFS);
	assert_false(p.mains_known);
	assert_false(p.battery_known);
	supply("BAT2", "Battery\n", "capacity", "30\n");
	tree_write(root, "BAT2/status", "Exploding\n", 0);
	p = read_ok();
	assert_true(p.battery_known);
	assert_int_equal(p.battery_pct, 30);
	assert_int_equal(p.battery_status, SENSOR_BATTERY_UNKNOWN);
}

static void no_supply_and_no_root(void **state)
{
	(void)state;
	struct sensor_power p = read_ok();
	assert_int_equal(p.origin, SENSOR_POWER_ORIGIN_NONE);
	assert_false(p.mains_known);
	assert_false(p.battery_known);
	assert_int_equal(sensor_power_read_sysfs("/nonexistent/power_supply", &p), -ENOENT);
	assert_int_equal(p.origin, SENSOR_POWER_ORIGIN_NONE);
}

static size_t feed(struct sensor_power_watch *w, int mains, int pct, enum sensor_power_event *ev)
{
	struct sensor_power p = {.origin = SENSOR_POWER_ORIGIN_MODEM,
				 .mains_known = mains >= 0,
				 .mains_online = mains == 1,
				 .battery_known = pct >= 0,
				 .battery_pct = pct,
				 .battery_mv = -1};
	return sensor_power_watch_feed(w, &p, 20, ev);
}

static void watcher_reports_changes_once(void **state)
{
	(void)state;
	struct sensor_power_watch w = {0};
	enum sensor_power_event ev[2];
	assert_int_equal(feed(&w, 1, 80, ev), 0);
	assert_int_equal(feed(&w, 0, 80, ev), 1);
	assert_int_equal(ev[0], SENSOR_POWER_MAINS_LOST);
	assert_int_equal(feed(&w, 0, 60, ev), 0);
	assert_int_equal(feed(&w, -1, 21, ev), 0); /* mains unknown: no news, still lost */
	assert_int_equal(feed(&w, 0, 20, ev), 1);
	assert_int_equal(ev[0], SENSOR_POWER_BATTERY_LOW);
	assert_int_equal(feed(&w, 0, 22, ev), 0); /* inside the hysteresis */
	assert_int_equal(feed(&w, 0, 24, ev), 0);
	assert_int_equal(feed(&w, 1, 25, ev), 2);
	assert_int_equal(ev[0], SENSOR_POWER_MAINS_BACK);
	assert_int_equal(ev[1], SENSOR_POWER_BATTERY_OK);
	assert_int_equal(feed(&w, 1, 21, ev), 0);
	assert_string_equal(sensor_power_event_str(SENSOR_POWER_MAINS_LOST), "mains_lost");
}

static void watcher_reports_a_bad_start_at_once(void **state)
{
	(void)state;
	struct sensor_power_watch w = {0};
	enum sensor_power_event ev[2];
	assert_int_equal(feed(&w, 0, 5, ev), 2);
	assert_int_equal(ev[0], SENSOR_POWER_MAINS_LOST);
	assert_int_equal(ev[1], SENSOR_POWER_BATTERY_LOW);
	struct sensor_power_watch fresh = {0};
	assert_int_equal(feed(&fresh, -1, -1, ev), 0);
}

static void names(void **state)
{
	(void)state;
	assert_string_equal(sensor_power_source_str(SENSOR_POWER_SOURCE_AUTO), "auto");
	assert_string_equal(sensor_power_source_names[SENSOR_POWER_SOURCE_NONE], "none");
	assert_null(sensor_power_source_names[4]);
	assert_string_equal(sensor_battery_status_str(SENSOR_BATTERY_NOT_CHARGING), "not_charging");
	assert_string_equal(sensor_power_origin_str(SENSOR_POWER_ORIGIN_MODEM), "modem");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(mains_and_battery, setup, teardown),
		cmocka_unit_test_setup_teardown(usb_counts_as_external_power_and_any_online_wins, setup,
						teardown),
		cmocka_unit_test_setup_teardown(first_battery_by_name_and_clamped, setup, teardown),
		cmocka_unit_test_setup_teardown(garbled_and_missing_attributes_stay_unknown, setup, teardown),
		cmocka_unit_test_setup_teardown(no_supply_and_no_root, setup, teardown),
		cmocka_unit_test(watcher_reports_changes_once),
		cmocka_unit_test(watcher_reports_a_bad_start_at_once),
		cmocka_unit_test(names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
