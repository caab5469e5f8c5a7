/* The unit's file: conf/unit.conf as the daemon gets it, the defaults of a channel (the alarm
 * engine's), and every check across settings, each named by file, line and key: limits in
 * order, hysteresis inside the band and the probe range, a source that parses, one name per
 * channel, one entry per number, reports no more often than samples. */
#include "config_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#define cfg fixture_cfg

static void example_file_as_the_daemon_gets_it(void **state)
{
	(void)state;
	struct cfg_report rep = {0};
	if (m2_config_load(CONF_DIR "/unit.conf", &cfg, &rep) != 0)
		fail_msg("%s", rep.msg[0]);
	const struct unit_settings *u = &cfg.u.unit;
	assert_string_equal(u->id, "WH1");
	assert_int_equal(u->n_base_numbers, 1);
	assert_string_equal(u->base_numbers[0], "+15550001000");
	assert_int_equal(u->key[0], 0x9f);
	assert_int_equal(u->key[31], 0x08);
	assert_string_equal(u->pin, "1234");
	assert_int_equal(u->sample_interval_s, 60);
	assert_int_equal(u->report_interval_s, 3600);
	assert_int_equal(u->heartbeat_s, 6 * 3600);
	assert_int_equal(u->fallback_after_s, 900);
	assert_int_equal(u->resend_s, 120);
	assert_int_equal(u->resend_max_s, 3600);
	assert_int_equal(u->send_timeout_s, 120);
	assert_int_equal(u->n_fallback_numbers, 1);
	assert_string_equal(u->w1_root, "/sys/bus/w1/devices");
	assert_int_equal(u->power.source, SENSOR_POWER_SOURCE_AUTO);
	assert_int_equal(u->power.battery_low_pct, 20);
	assert_int_equal(u->n_channels, 5);
	const struct unit_channel_settings *t1 = &u->channels[0];
	assert_string_equal(t1->name, "T1");
	assert_int_equal(t1->source.kind, SENSOR_KIND_W1);
	assert_string_equal(t1->source.arg, "28-0316a2794aff");
	assert_true(t1->alert.high.enabled && t1->alert.high.temp_c10 == 80);
	assert_true(t1->alert.low.enabled && t1->alert.low.temp_c10 == 20);
	assert_true(t1->alert.high_high.enabled && t1->alert.high_high.temp_c10 == 120);
	assert_true(t1->alert.low_low.enabled && t1->alert.low_low.temp_c10 == 0);
	assert_int_equal(t1->alert.on_delay_s, 300);
	assert_int_equal(t1->alert.off_delay_s, 120);
	assert_int_equal(t1->alert.hysteresis_c10, 5);
	assert_true(t1->alert.rate.enabled);
	assert_int_equal(t1->alert.rate.delta_c10, 30);
	assert_int_equal(t1->alert.rate.window_s, 600);
	assert_int_equal(t1->alert.sample_interval_s, 60);
	assert_int_equal(u->channels[1].source.kind, SENSOR_KIND_HWMON);
	assert_true(u->channels[1].alert.high.enabled && u->channels[1].alert.high.temp_c10 == -150);
	assert_false(u->channels[1].alert.low.enabled);
	assert_false(u->channels[1].alert.rate.enabled);
	assert_int_equal(u->channels[2].source.kind, SENSOR_KIND_CMD);
	assert_int_equal(u->channels[2].source.argc, 3);
	assert_int_equal(u->channels[2].timeout_s, 10);
	assert_int_equal(u->channels[4].source.kind, SENSOR_KIND_SIM);
	assert_true(u->channels[4].source.sim.fail_after_s == 600);
	assert_int_equal(u->n_phones, 2);
	assert_int_equal(u->phones[0].role, ALERT_ROLE_ADMIN);
	assert_int_equal(u->phones[1].role, ALERT_ROLE_OPERATOR);
	assert_string_equal(u->modem.device, "/dev/ttyS1");
	for (int i = 0; i < u->n_channels; i++)
		assert_int_equal(alert_channel_cfg_check(&u->channels[i].alert, NULL), 0);
}

/* A channel with nothing but a name and a source has the engine's defaults and no limits. */
static void channel_defaults_are_the_engines(void **state)
{
	(void)state;
	load_ok(UNIT_MIN, M2_CONFIG_UNIT);
	const struct unit_settings *u = &cfg.u.unit;
	struct alert_channel_cfg want;
	alert_channel_cfg_default(&want);
	want.low.enabled = want.high.enabled = false;
	want.low.temp_c10 = want.high.temp_c10 = 0;
	assert_memory_equal(&u->channels[0].alert, &want, sizeof(want));
	assert_int_equal(u->channels[0].offset_c10, 0);
	assert_int_equal(u->channels[0].timeout_s, 10);
	assert_string_equal(u->store, "/var/lib/m2mon/unit.db");
	assert_string_equal(u->power.root, "/sys/class/power_supply");
	assert_int_equal(u->n_phones, 0);
	assert_int_equal(u->n_fallback_numbers, 0);
}

/* A unit file whose only channel has `body` from line 2 on. */
static const char *chan(const char *body, char *buf, size_t size)
{
	snprintf(buf, size,
		 "unit = { " UNIT_CORE
		 "channels = ( { name = \"T1\"; source = \"sim:chiller\";\n%s\n} ); };\n"
		 "modem = { device = \"/dev/x\"; };\n",
		 body);
	return buf;
}

static void limits_must_be_in_order(void **state)
{
	(void)state;
	char t[2048];
	load_bad(chan("low = 8.0;\nhigh = 2.0;", t, sizeof(t)),
		 "t.conf:3: unit.channels[0].high: 2.0 C must be above low (8.0 C)", NULL);
	load_bad(chan("high = 8.0;\nhigh_high = 8.0;", t, sizeof(t)),
		 "t.conf:3: unit.channels[0].high_high: 8.0 C must be above high (8.0 C)", NULL);
	load_bad(chan("low_low = 3.0;\nlow = 2.0;", t, sizeof(t)),
		 "t.conf:3: unit.channels[0].low: 2.0 C must be above low_low (3.0 C)", NULL);
	load_bad(chan("low_low = 9.0;\nhigh = 8.0;", t, sizeof(t)),
		 "t.conf:3: unit.channels[0].high: 8.0 C must be above low_low (9.0 C)", NULL);
	load_ok(chan("low_low = -1.0;\nlow = 2.0;\nhigh = 8.0;\nhigh_high = 12.0;", t, sizeof(t)),
		M2_CONFIG_UNIT);
	load_ok(chan("high_high = 12.0;", t, sizeof(t)), M2_CONFIG_UNIT);
	assert_false(cfg.u.unit.channels[0].alert.high.enabled);
	assert_true(cfg.u.unit.channels[0].alert.high_high.enabled);
}

static void hysteresis_must_fit_inside_the_band(void **state)
{
	(void)state;
	char t[2048];
	load_bad(chan("low = 7.6;\nhigh = 8.0;\nhysteresis = 0.5;", t, sizeof(t)),
		 "t.conf:4: unit.channels[0].hysteresis: 0.5 C must be smaller than the band from low to "
		 "high (0.4 C)",
		 NULL);
	load_bad(chan("high = 8.0;\nhigh_high = 9.0;\nhysteresis = 1.0;", t, sizeof(t)),
		 "t.conf:4: unit.channels[0].hysteresis: 1.0 C must be smaller than the band from high to "
		 "high_high",
		 NULL);
	load_bad(chan("high = -54.0;\nhysteresis = 2.0;", t, sizeof(t)),
		 "t.conf:3: unit.channels[0].hysteresis: 2.0 C would put high's clear level at -56.0 C, "
		 "outside",
		 NULL);
	load_bad(chan("low = 124.0;\nhysteresis = 2.0;", t, sizeof(t)),
		 "t.conf:3: unit.channels[0].hysteresis: 2.0 C would put low's clear level at 126.0 C", NULL);
	load_bad(chan("low = 2.0;\nhigh = 8.0;\nhysteresis = 0.5;\nrate = { delta = 0.5;\nwindow = \"10m\"; "
		      "};",
		      t, sizeof(t)),
		 "t.conf:5: unit.channels[0].rate.delta: 0.5 C must be above the hysteresis (0.5 C)", NULL);
}

static void limits_and_probe_range(void **state)
{
	(void)state;
	char t[2048];
	load_bad(chan("high = 130.0;", t, sizeof(t)),
		 "t.conf:2: unit.channels[0].high: 130.0 C lies outside the probe's range -55.0 C..125.0 C",
		 NULL);
	load_bad(chan("probe_min = -10.0;\nlow = -20.0;", t, sizeof(t)),
		 "t.conf:3: unit.channels[0].low: -20.0 C lies outside the probe's range -10.0 C..125.0 C",
		 NULL);
	load_bad(chan("probe_min = 10.0;\nprobe_max = 10.0;", t, sizeof(t)),
		 "t.conf:3: unit.channels[0].probe_max: 10.0 C must be above probe_min (10.0 C)", NULL);
	load_ok(chan("probe_min = -200.0;\nprobe_max = 400.0;\nhigh = 300.0;", t, sizeof(t)), M2_CONFIG_UNIT);
	assert_int_equal(cfg.u.unit.channels[0].alert.probe_max_c10, 4000);
}

static void rate_group(void **state)
{
	(void)state;
	char t[2048];
	load_ok(chan("rate = { delta = 2.5; window = \"15m\"; };", t, sizeof(t)), M2_CONFIG_UNIT);
	assert_true(cfg.u.unit.channels[0].alert.rate.enabled);
	assert_int_equal(cfg.u.unit.channels[0].alert.rate.delta_c10, 25);
	assert_int_equal(cfg.u.unit.channels[0].alert.rate.window_s, 900);
	load_bad(chan("rate = { delta = 2.5; };", t, sizeof(t)),
		 "t.conf:2: unit.channels[0].rate.window: missing", NULL);
	load_bad(chan("rate = { window = \"1m\"; };", t, sizeof(t)),
		 "t.conf:2: unit.channels[0].rate.delta: missing", NULL);
	load_bad(chan("rate = { delta = 2.5; window = \"10m\"; windows = 1; };", t, sizeof(t)),
		 "t.conf:2: unit.channels[0].rate.windows: unknown setting (did you mean 'window'?)", NULL);
	load_bad(chan("rate = 2.5;", t, sizeof(t)),
		 "t.conf:2: unit.channels[0].rate: is a number with a decimal point", NULL);
}

static void channel_values(void **state)
{
	(void)state;
	char t[2048];
	load_ok(chan("delay = \"1h\";\noff_delay = \"0s\";\noffset = -1.25;\nfault_delay = "
		     "\"30s\";\nmissing_samples = 0;\n"
		     "timeout = \"2m\";",
		     t, sizeof(t)),
		M2_CONFIG_UNIT);
	const struct unit_channel_settings *c = &cfg.u.unit.channels[0];
	assert_int_equal(c->alert.on_delay_s, 3600);
	assert_int_equal(c->alert.off_delay_s, 0);
	assert_int_equal(c->offset_c10, -13);
	assert_int_equal(c->alert.fault_delay_s, 30);
	assert_int_equal(c->alert.missing_samples, 0);
	assert_int_equal(c->timeout_s, 120);
	load_bad(chan("offset = 60.0;", t, sizeof(t)),
		 "t.conf:2: unit.channels[0].offset: 60 is out of range -50.0..50.0", NULL);
	load_bad(chan("timeout = \"11m\";", t, sizeof(t)),
		 "t.conf:2: unit.channels[0].timeout: \"11m\" is out of range 1s..10m", NULL);
	load_bad(chan("delay = 300;", t, sizeof(t)),
		 "t.conf:2: unit.channels[0].delay: is an integer; it must be a duration", NULL);
	load_bad(chan("missing_samples = -1;", t, sizeof(t)),
		 "t.conf:2: unit.channels[0].missing_samples: -1 is out of range", NULL);
}

static void sources_must_parse(void **state)
{
	(void)state;
	static const struct {
		const char *source, *why;
	} bad[] = {
		{"w1:28-0316a2794af", "12 hex digits"},
		{"hwmon:hwmon0/temp1_input", "whole path"},
		{"file:probe1", "absolute path"},
		{"cmd:read-probe", "absolute path"},
		{"cmd:/bin/cat /x | head", "without a shell"},
		{"sim:fridge", "chiller, freezer or reefer"},
		{"sim:chiller,repair_at=5", "needs a fail_at"},
		{"serial:/dev/ttyUSB0", "unknown kind"},
		{"", "empty"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char t[2048], want[200];
		snprintf(t, sizeof(t),
			 "unit = { " UNIT_CORE "channels = ( { name = \"T1\";\nsource = \"%s\"; } ); };\n"
			 "modem = { device = \"/dev/x\"; };\n",
			 bad[i].source);
		snprintf(want, sizeof(want),
			 "t.conf:2: unit.channels[0].source: \"%s\" is not valid: ", bad[i].source);
		load_bad(t, want, bad[i].why);
	}
	char t[1024];
	snprintf(t, sizeof(t),
		 "unit = { " UNIT_CORE
		 "channels = ( { name = \"T1\";\n} ); };\nmodem = { device = \"/dev/x\"; };\n");
	load_bad(t, "t.conf:1: unit.channels[0].source: missing", "w1:28-0316a2794aff");
}

/* A unit file with `channels` from line 2 on. */
static const char *chans(const char *list, char *buf, size_t size)
{
	snprintf(buf, size,
		 "unit = { " UNIT_CORE "channels = (\n%s\n); };\nmodem = { device = \"/dev/x\"; };\n", list);
	return buf;
}

static void channel_names(void **state)
{
	(void)state;
	char t[2048];
	load_bad(chans("{ name = \"T1\"; source = \"sim:chiller\"; },\n{ name = \"t1\"; source = "
		       "\"sim:freezer\"; }",
		       t, sizeof(t)),
		 "t.conf:3: unit.channels[1].name: \"t1\" is also channels[0]'s name (ignoring case)", NULL);
	load_bad(chans("{ name = \"T-1\"; source = \"sim:chiller\"; }", t, sizeof(t)),
		 "t.conf:2: unit.channels[0].name: \"T-1\" is not valid: only letters, digits and '_'", NULL);
	load_bad(chans("{ name = \"TEMPERATURE\"; source = \"sim:chiller\"; }", t, sizeof(t)),
		 "t.conf:2: unit.channels[0].name: \"TEMPERATURE\" has 11 characters; it must have 1 to 8",
		 NULL);
	load_bad(chans("", t, sizeof(t)), "t.conf:1: unit.channels: 0 entries; at least 1 is needed", NULL);
	char nine[2048] = "";
	for (int i = 0; i < 9; i++)
		snprintf(nine + strlen(nine), sizeof(nine) - strlen(nine),
			 "%s{ name = \"T%d\"; source = \"sim:chiller\"; }", i ? ",\n" : "", i);
	load_bad(chans(nine, t, sizeof(t)), "t.conf:1: unit.channels: 9 entries; at most 8 are allowed",
		 NULL);
}

/* A unit file with `line` (which may span lines) from line 2 on, inside the unit group. */
static const char *unit_with(const char *line, char *buf, size_t size)
{
	snprintf(buf, size, "unit = { " UNIT_BODY "\n%s\n};\nmodem = { device = \"/dev/x\"; };\n", line);
	return buf;
}

#define UNIT_NO_BASE                                                                                         \
	"id = \"u1\"; key = \"" KEY1                                                                         \
	"\"; pin = \"1234\"; channels = ( { name = \"T1\"; source = \"sim:chiller\"; } );"

static void numbers_are_distinct(void **state)
{
	(void)state;
	char t[2048];
	load_bad(unit_with("phones = ( { number = \"+447700900123\"; role = \"admin\"; },\n"
			   "{ number = \"07700900123\"; role = \"operator\"; } );",
			   t, sizeof(t)),
		 "t.conf:3: unit.phones[1].number: \"07700900123\" is also phones[0]'s number", NULL);
	load_bad("unit = { " UNIT_NO_BASE "\nbase_numbers = [ \"+15550001000\", \"+15550001000\" ]; };\n"
		 "modem = { device = \"/dev/x\"; };\n",
		 "t.conf:2: unit.base_numbers[1]: \"+15550001000\" is also base_numbers[0]'s number", NULL);
	load_bad(unit_with("fallback_numbers = [ \"+15550003001\",\n\"+15550001000\" ];", t, sizeof(t)),
		 "t.conf:3: unit.fallback_numbers[1]: \"+15550001000\" is a base number",
		 "when the base is silent");
	load_ok(unit_with("phones = ( { number = \"+15550003001\"; role = \"admin\"; },\n"
			  "{ number = \"+15550003002\"; role = \"operator\"; } );",
			  t, sizeof(t)),
		M2_CONFIG_UNIT);
	assert_int_equal(cfg.u.unit.phones[1].role, ALERT_ROLE_OPERATOR);
	load_bad(unit_with("phones = ( { number = \"+15550003001\"; } );", t, sizeof(t)),
		 "t.conf:2: unit.phones[0].role: missing", "\"operator\" (may ask)");
}

static void intervals_fit_together(void **state)
{
	(void)state;
	char t[2048];
	load_bad(unit_with("sample_interval = \"10m\";\nreport_interval = \"5m\";", t, sizeof(t)),
		 "t.conf:3: unit.report_interval: 5m is shorter than sample_interval (10m)", NULL);
	load_ok(unit_with("sample_interval = \"10m\";\nreport_interval = \"10m\";", t, sizeof(t)),
		M2_CONFIG_UNIT);
	load_bad("unit = { " UNIT_CORE
		 "sample_interval = \"1d\"; report_interval = \"7d\";\nchannels = ( { name = \"T1\"; "
		 "source = \"sim:chiller\"; missing_samples = 400; } ); };\nmodem = { device = \"/dev/x\"; "
		 "};\n",
		 "t.conf:2: unit.channels[0].missing_samples: 400 samples of 1d each is more than a year",
		 NULL);
	load_bad(unit_with("fallback_after = \"0s\";", t, sizeof(t)),
		 "t.conf:2: unit.fallback_after: \"0s\" is out of range 1s..7d", NULL);
	load_bad(unit_with("resend = \"10m\";\nresend_max = \"5m\";", t, sizeof(t)),
		 "t.conf:3: unit.resend_max: 5m is shorter than resend (10m)", NULL);
	load_bad(unit_with("send_timeout = \"2s\";", t, sizeof(t)),
		 "t.conf:2: unit.send_timeout: \"2s\" is out of range 5s..10m", NULL);
}

static void key_pin_and_id(void **state)
{
	(void)state;
	char t[2048];
	static const struct {
		const char *line, *want;
	} bad[] = {
		{"key = \"9f86\";",
		 "unit.key: the value (not shown: it is a secret) is not valid: a key is 64 hex digits"},
		{"key = \"0000000000000000000000000000000000000000000000000000000000000000\";",
		 "placeholder"},
		{"key = 42;", "unit.key: is an integer; it must be a string"},
		{"pin = \"12a4\";",
		 "unit.pin: the value (not shown: it is a secret) is not valid: only digits"},
		{"pin = \"123\";",
		 "unit.pin: the value (not shown: it is a secret) has 3 characters; it must have 4 to 8"},
		{"pin = \"123456789\";", "has 9 characters; it must have 4 to 8"},
		{"id = \"WH 1\";", "unit.id: \"WH 1\" is not valid"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(t, sizeof(t),
			 "unit = { base_number = \"+15550001000\"; channels = ( { name = \"T1\"; source = "
			 "\"sim:chiller\"; } );"
			 "%s%s%s\n%s };\nmodem = { device = \"/dev/x\"; };\n",
			 strncmp(bad[i].line, "key", 3) ? " key = \"" KEY1 "\";" : "",
			 strncmp(bad[i].line, "pin", 3) ? " pin = \"1234\";" : "",
			 strncmp(bad[i].line, "id", 2) ? " id = \"u1\";" : "", bad[i].line);
		load_bad(t, "t.conf:2: ", bad[i].want);
	}
	load_bad("unit = { id = \"u1\"; base_number = \"+15550001000\"; key = \"" KEY1
		 "\"; channels = ( { name = \"T1\"; source = \"sim:chiller\"; } ); };\nmodem = { device = "
		 "\"/dev/x\"; };\n",
		 "t.conf:1: unit.pin: missing", NULL);
	load_bad("unit = { id = \"u1\"; base_number = \"+15550001000\"; pin = \"1234\"; "
		 "channels = ( { name = \"T1\"; source = \"sim:chiller\"; } ); };\nmodem = { device = "
		 "\"/dev/x\"; };\n",
		 "t.conf:1: unit.key: missing", "m2mon keygen");
}

static void phones_power_and_roots(void **state)
{
	(void)state;
	char t[2048];
	load_bad(unit_with("phones = ( { number = \"+15550003001\"; role = \"viewer\"; } );", t, sizeof(t)),
		 "t.conf:2: unit.phones[0].role: \"viewer\" is not one of \"admin\", \"operator\"", NULL);
	load_bad(unit_with("phones = ( { role = \"admin\"; } );", t, sizeof(t)),
		 "t.conf:2: unit.phones[0].number: missing", NULL);
	load_bad(unit_with("power = { source = \"battery\"; };", t, sizeof(t)),
		 "t.conf:2: unit.power.source: \"battery\" is not one of \"auto\", \"sysfs\", \"modem\", "
		 "\"none\"",
		 NULL);
	load_bad(unit_with("power = { battery_low = 101; };", t, sizeof(t)),
		 "t.conf:2: unit.power.battery_low: 101 is out of range 0..100", NULL);
	load_bad(unit_with("power = { root = \"sys/class/power_supply\"; };", t, sizeof(t)),
		 "t.conf:2: unit.power.root: \"sys/class/power_supply\" is not valid: write the whole path",
		 NULL);
	load_bad(unit_with("w1_root = \"devices\";", t, sizeof(t)),
		 "t.conf:2: unit.w1_root: \"devices\" is not valid: write the whole path", NULL);
	load_ok(unit_with("w1_root = \"/tmp/w1\";\npower = { source = \"modem\"; root = \"/tmp/ps\"; "
			  "battery_low = 35; };",
			  t, sizeof(t)),
		M2_CONFIG_UNIT);
	assert_string_equal(cfg.u.unit.w1_root, "/tmp/w1");
	assert_int_equal(cfg.u.unit.power.source, SENSOR_POWER_SOURCE_MODEM);
	assert_string_equal(cfg.u.unit.power.root, "/tmp/ps");
	assert_int_equal(cfg.u.unit.power.battery_low_pct, 35);
}

/* A channel with a problem of its own does not also get the unit's checks reported. */
static void cross_checks_wait_for_clean_values(void **state)
{
	(void)state;
	char t[2048];
	load_problem(chan("low = 8.0;\nhigh = \"x\";", t, sizeof(t)),
		     "t.conf:3: unit.channels[0].high: is a string", 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(example_file_as_the_daemon_gets_it),
		cmocka_unit_test(channel_defaults_are_the_engines),
		cmocka_unit_test(limits_must_be_in_order),
		cmocka_unit_test(hysteresis_must_fit_inside_the_band),
		cmocka_unit_test(limits_and_probe_range),
		cmocka_unit_test(rate_group),
		cmocka_unit_test(channel_values),
		cmocka_unit_test(sources_must_parse),
		cmocka_unit_test(channel_names),
		cmocka_unit_test(numbers_are_distinct),
		cmocka_unit_test(intervals_fit_together),
		cmocka_unit_test(key_pin_and_id),
		cmocka_unit_test(phones_power_and_roots),
		cmocka_unit_test(cross_checks_wait_for_clean_values),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
