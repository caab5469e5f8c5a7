/* The configuration loader and its walker: every example file loads, and every kind of
 * mistake is reported with the file, the line and the full key, never ignored: unknown keys,
 * types, ranges, durations, temperatures, arrays, the one-or-many keys, and secrets that are
 * never repeated. The unit's and the base's own checks are in test_config_unit.c and
 * test_config_base.c. */
#include "config_fixture.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define cfg fixture_cfg

static void example_files_are_valid(void **state)
{
	(void)state;
	static const struct {
		const char *file;
		enum m2_config_kind kind;
	} files[] = {
		{CONF_DIR "/base.conf", M2_CONFIG_BASE},
		{CONF_DIR "/unit.conf", M2_CONFIG_UNIT},
		{CONF_DIR "/sim.conf", M2_CONFIG_SIM},
	};
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct cfg_report rep = {0};
		if (m2_config_load(files[i].file, &cfg, &rep) != 0)
			fail_msg("%s", rep.msg[0]);
		assert_int_equal(cfg.kind, files[i].kind);
	}
}

static void values_and_defaults_are_filled(void **state)
{
	(void)state;
	load_ok(UNIT_HEAD
		"modem = { device = \"/dev/ttyS1\"; flow_control = \"rtscts\"; pin = \"1234\"; };\n",
		M2_CONFIG_UNIT);
	assert_string_equal(cfg.u.unit.id, "u1");
	assert_string_equal(cfg.u.unit.modem.device, "/dev/ttyS1");
	assert_string_equal(cfg.u.unit.modem.pin, "1234");
	assert_int_equal(cfg.u.unit.modem.flow_control, MODEM_FLOW_RTSCTS);
	assert_int_equal(cfg.u.unit.modem.baud, 115200);
	assert_int_equal(cfg.u.unit.modem.command_timeout_ms, 5000);
	assert_int_equal(cfg.u.unit.modem.status_poll_s, 60);
	assert_string_equal(cfg.u.unit.modem.profile, "auto");
	assert_int_equal(cfg.log.level, 2);
	load_ok(UNIT_HEAD "modem = { device = \"/dev/ttyS1\"; profile = \"ec2x\"; status_poll_s = 5; };\n",
		M2_CONFIG_UNIT);
	assert_string_equal(cfg.u.unit.modem.profile, "ec2x");
	assert_int_equal(cfg.u.unit.modem.status_poll_s, 5);
	assert_false(cfg.log.syslog);
}

static void sim_lists_are_filled(void **state)
{
	(void)state;
	load_ok("sim = { loss = 0.25; duplicate = 1; modems = (\n"
		"  { name = \"a\"; number = \"+1555\"; model = \"e3372\"; },\n"
		"  { name = \"b\"; number = \"1556\"; } ); };\n",
		M2_CONFIG_SIM);
	assert_int_equal(cfg.u.sim.n_modems, 2);
	assert_string_equal(cfg.u.sim.modems[1].name, "b");
	assert_int_equal(cfg.u.sim.modems[0].model, 3);
	assert_int_equal(cfg.u.sim.modems[1].model, 0);
	assert_int_equal(cfg.u.sim.n_phones, 0);
	assert_true(cfg.u.sim.loss == 0.25);
	assert_true(cfg.u.sim.duplicate == 1.0);
	assert_string_equal(cfg.u.sim.smsc, "+15550000000");
}

static void misspelt_key_names_file_line_key_and_suggestion(void **state)
{
	(void)state;
	load_bad(UNIT_HEAD "modem = {\n  device = \"/dev/ttyS1\";\n  buad = 9600;\n};\n",
		 "t.conf:4: modem.buad: unknown setting", "did you mean 'baud'?");
	load_bad("unit = { " UNIT_BODY
		 "\n  sample_intervall = \"1m\"; };\nmodem = { device = \"/dev/x\"; };\n",
		 "t.conf:2: unit.sample_intervall: unknown setting", "did you mean 'sample_interval'?");
	load_bad("unit = { " UNIT_BODY "\n  base_numer = \"+1555\"; };\nmodem = { device = \"/dev/x\"; };\n",
		 "t.conf:2: unit.base_numer: unknown setting", "did you mean 'base_number'?");
}

static void unknown_top_level_group_is_an_error(void **state)
{
	(void)state;
	load_bad(UNIT_MIN "logging = { level = \"info\"; };\n", "t.conf:3: logging: unknown setting", NULL);
}

static void wrong_type_is_an_error(void **state)
{
	(void)state;
	load_bad(BASE_HEAD "modem = { device = \"/dev/x\"; baud = \"fast\"; };\n",
		 "t.conf:2: modem.baud: is a string; it must be an integer", NULL);
	load_bad(BASE_HEAD "modem = { device = \"/dev/x\"; baud = 9600.0; };\n",
		 "modem.baud: is a number with a decimal point", NULL);
	load_bad(BASE_HEAD "modem = { device = \"/dev/x\"; status_reports = 1; };\n",
		 "modem.status_reports: is an integer; it must be true or false", NULL);
	load_bad("base = \"x\";\nmodem = { device = \"/dev/x\"; };\n", "t.conf:1: base: is a string", NULL);
}

static void out_of_range_is_an_error(void **state)
{
	(void)state;
	load_bad(BASE_HEAD "modem = { device = \"/dev/x\"; baud = 12; };\n",
		 "t.conf:2: modem.baud: 12 is out of range 1200..4000000", NULL);
	load_bad("sim = { loss = 1.5; modems = ({ name = \"a\"; number = \"+1555\"; }); };\n",
		 "t.conf:1: sim.loss: 1.5 is out of range 0..1", NULL);
	load_bad("unit = { base_number = \"+15550001000\"; key = \"" KEY1 "\"; pin = \"1234\";\n"
		 " id = \"this-id-is-far-too-long\"; channels = ( { name = \"T1\"; source = \"sim:chiller\"; "
		 "} ); };\n"
		 "modem = { device = \"/dev/x\"; };\n",
		 "t.conf:2: unit.id:", "it must have 1 to 16");
}

static void bad_names_and_numbers_are_errors(void **state)
{
	(void)state;
	load_bad(BASE_HEAD "modem = { device = \"/dev/x\"; flow_control = \"hw\"; };\n",
		 "modem.flow_control: \"hw\" is not one of \"none\", \"rtscts\", \"xonxoff\"", NULL);
	load_bad(BASE_HEAD "modem = { device = \"/dev/x\"; profile = \"ec25\"; };\n",
		 "modem.profile: \"ec25\" is not valid: m2mon knows auto, generic, sim800", NULL);
	load_bad("unit = { id = \"u1\"; base_number = \"+1555-0001\"; key = \"" KEY1 "\"; pin = \"1234\"; "
		 "channels = ( { name = \"T1\"; source = \"sim:chiller\"; } ); };\nmodem = { device = "
		 "\"/dev/x\"; };\n",
		 "t.conf:1: unit.base_number: \"+1555-0001\" is not valid", "phone number");
	load_bad(BASE_HEAD "modem = { device = \"/dev/x\"; pin = \"12a4\"; };\n",
		 "t.conf:2: modem.pin: the value (not shown: it is a secret) is not valid: only digits",
		 NULL);
	load_bad("unit = { base_number = \"+15550001000\"; key = \"" KEY1 "\"; pin = \"1234\"; id = \"u 1\"; "
		 "channels = ( { name = \"T1\"; source = \"sim:chiller\"; } ); };\nmodem = { device = "
		 "\"/dev/x\"; };\n",
		 "unit.id: \"u 1\" is not valid", NULL);
}

static void missing_settings_are_errors(void **state)
{
	(void)state;
	load_bad(BASE_HEAD, "modem: missing", NULL);
	load_bad(BASE_HEAD "modem = { baud = 9600; };\n", "t.conf:2: modem.device: missing", "serial port");
	load_bad("sim = { latency_ms = 5; };\n", "sim.modems: missing", NULL);
	load_bad("unit = { " UNIT_CORE " };\nmodem = { device = \"/dev/x\"; };\n",
		 "t.conf:1: unit.channels: missing", "channels = (");
	load_bad("unit = { id = \"u1\"; key = \"" KEY1 "\"; pin = \"1234\"; "
		 "channels = ( { name = \"T1\"; source = \"sim:chiller\"; } ); };\nmodem = { device = "
		 "\"/dev/x\"; };\n",
		 "t.conf:1: unit.base_number: missing", NULL);
}

static void list_mistakes_name_the_entry(void **state)
{
	(void)state;
	load_bad("sim = { modems = (\n { name = \"a\"; number = \"+1555\"; },\n"
		 " { name = \"b\"; numbr = \"+1556\"; }\n); };\n",
		 "t.conf:3: sim.modems[1].numbr: unknown setting", "did you mean 'number'?");
	load_bad("sim = { modems = ( 5 ); };\n", "sim.modems[0]: is an integer; each entry must be a group",
		 NULL);
	load_bad("sim = { modems = ( ); };\n", "sim.modems: 0 entries; at least 1 is needed", NULL);
}

static void kind_must_be_exactly_one(void **state)
{
	(void)state;
	load_bad("log = { level = \"info\"; };\n", "t.conf:1: not an m2mon configuration", NULL);
	load_bad("base = { name = \"x\"; };\nunit = { id = \"u\"; base_number = \"1234\"; };\n",
		 "t.conf:2: unit: a file describes one thing", NULL);
}

static void syntax_error_names_line(void **state)
{
	(void)state;
	load_bad(BASE_HEAD "modem = { device = \"/dev/x\"; baud = ; };\n", "t.conf:2: syntax error", NULL);
}

static void every_problem_is_reported(void **state)
{
	(void)state;
	struct cfg_report rep = {0};
	int rc = m2_config_load_string("base = { " BASE_BODY " nme = 1; };\n"
				       "modem = { device = \"/dev/x\"; baud = 1; pin = \"x\"; };\n",
				       "t.conf", &cfg, &rep);
	assert_true(rc < 0);
	assert_int_equal(rep.count, 3);
}

static void unreadable_file_is_an_error(void **state)
{
	(void)state;
	struct cfg_report rep = {0};
	assert_true(m2_config_load("/nonexistent/m2mon.conf", &cfg, &rep) < 0);
	assert_non_null(strstr(rep.msg[0], "/nonexistent/m2mon.conf: cannot read the file"));
}

/* A unit file with one extra line 2 inside the unit group. */
static const char *unit_with(const char *line2, char *buf, size_t size)
{
	snprintf(buf, size, "unit = { " UNIT_BODY "\n%s\n};\nmodem = { device = \"/dev/x\"; };\n", line2);
	return buf;
}

static void durations_take_units(void **state)
{
	(void)state;
	char t[1024];
	static const struct {
		const char *text;
		uint32_t s;
	} good[] = {{"\"30s\"", 30},     {"\"5m\"", 300}, {"\"1h\"", 3600}, {"\"1d\"", 86400},
		    {"\"1h30m\"", 5400}, {"\"90s\"", 90}, {"\"0d10s\"", 10}};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		char line[64];
		snprintf(line, sizeof(line), "sample_interval = %s; report_interval = \"7d\";", good[i].text);
		load_ok(unit_with(line, t, sizeof(t)), M2_CONFIG_UNIT);
		assert_int_equal(cfg.u.unit.sample_interval_s, good[i].s);
		assert_int_equal(cfg.u.unit.channels[0].alert.sample_interval_s, good[i].s);
	}
	load_ok(UNIT_MIN, M2_CONFIG_UNIT);
	assert_int_equal(cfg.u.unit.sample_interval_s, 60);
	assert_int_equal(cfg.u.unit.report_interval_s, 3600);
	assert_int_equal(cfg.u.unit.heartbeat_s, 6 * 3600);
	assert_int_equal(cfg.u.unit.fallback_after_s, 15 * 60);
}

static void bad_durations_name_line_and_key(void **state)
{
	(void)state;
	char t[1024];
	static const char *const bad[] = {"\"5x\"",  "\"\"",   "\"m\"",    "\"5\"", "\"5 m\"",
					  "\"-5m\"", "\"5M\"", "\"1.5h\"", "\"h5\""};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char line[64], want[80];
		snprintf(line, sizeof(line), "sample_interval = %s;", bad[i]);
		snprintf(want, sizeof(want), "t.conf:2: unit.sample_interval: %s is not a duration", bad[i]);
		load_bad(unit_with(line, t, sizeof(t)), want, "\"30s\", \"5m\", \"1h30m\", \"2d\"");
	}
	load_bad(unit_with("sample_interval = 60;", t, sizeof(t)),
		 "t.conf:2: unit.sample_interval: is an integer; it must be a duration in quotes", NULL);
	load_bad(unit_with("sample_interval = \"0s\";", t, sizeof(t)),
		 "t.conf:2: unit.sample_interval: \"0s\" is out of range 1s..1d", NULL);
	load_bad(unit_with("heartbeat = \"8d\";", t, sizeof(t)),
		 "t.conf:2: unit.heartbeat: \"8d\" is out of range 1s..7d", NULL);
	load_bad(unit_with("heartbeat = \"99999999999999999999s\";", t, sizeof(t)),
		 "t.conf:2: unit.heartbeat: \"99999999999999999999s\" is out of range", NULL);
	load_bad(unit_with("heartbeat = \"999999999999999d\";", t, sizeof(t)),
		 "t.conf:2: unit.heartbeat: \"999999999999999d\" is out of range", NULL);
	load_bad(unit_with("heartbeat = \"4294967296s\";", t, sizeof(t)),
		 "t.conf:2: unit.heartbeat:", "out of range");
}

static void duration_text_round_trips(void **state)
{
	(void)state;
	char buf[32];
	static const struct {
		uint64_t s;
		const char *text;
	} cases[] = {{0, "0s"}, {90, "1m30s"}, {86400, "1d"}, {90061, "1d1h1m1s"}, {7200, "2h"}};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cfg_duration_format(cases[i].s, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].text);
		uint64_t back = 1;
		assert_int_equal(cfg_duration_parse(buf, &back), 0);
		assert_true(back == cases[i].s);
	}
	uint64_t v;
	assert_int_equal(cfg_duration_parse("18446744073709551616s", &v), -ERANGE);
	assert_int_equal(cfg_duration_parse("213503982334602d", &v), -ERANGE);
	assert_int_equal(cfg_duration_parse("5w", &v), -EINVAL);
	assert_string_equal(cfg_kind_str(CFG_DURATION), "duration");
	assert_string_equal(cfg_kind_str(CFG_CUSTOM), "custom");
}

static void temperatures_are_tenths(void **state)
{
	(void)state;
	char t[1024];
	static const struct {
		const char *text;
		int32_t c10;
	} cases[] = {{"8", 80},     {"8.0", 80}, {"-18.5", -185}, {"8.05", 81},
		     {"-0.05", -1}, {"0.04", 0}, {"124.9", 1249}};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(t, sizeof(t),
			 "unit = { " UNIT_CORE "channels = ( { name = \"T1\"; source = \"sim:chiller\";\n"
			 "high = %s; } ); };\nmodem = { device = \"/dev/x\"; };\n",
			 cases[i].text);
		load_ok(t, M2_CONFIG_UNIT);
		assert_int_equal(cfg.u.unit.channels[0].alert.high.temp_c10, cases[i].c10);
		assert_true(cfg.u.unit.channels[0].alert.high.enabled);
	}
	load_bad("unit = { " UNIT_CORE "channels = ( { name = \"T1\"; source = \"sim:chiller\";\n"
		 "high = \"8.0\"; } ); };\nmodem = { device = \"/dev/x\"; };\n",
		 "t.conf:2: unit.channels[0].high: is a string; it must be a number of degrees C", NULL);
	load_bad("unit = { " UNIT_CORE "channels = ( { name = \"T1\"; source = \"sim:chiller\";\n"
		 "high = 2500.0; } ); };\nmodem = { device = \"/dev/x\"; };\n",
		 "t.conf:2: unit.channels[0].high: 2500 is out of range -273.0..2000.0 (degrees C)", NULL);
	load_bad("unit = { " UNIT_CORE "channels = ( { name = \"T1\"; source = \"sim:chiller\";\n"
		 "hysteresis = 0.0; } ); };\nmodem = { device = \"/dev/x\"; };\n",
		 "t.conf:2: unit.channels[0].hysteresis: 0 is out of range 0.1..50.0", NULL);
	load_bad("unit = { " UNIT_CORE "channels = ( { name = \"T1\"; source = \"sim:chiller\";\n"
		 "offset = 1e300; } ); };\nmodem = { device = \"/dev/x\"; };\n",
		 "t.conf:2: unit.channels[0].offset: 1e+300 is out of range -50.0..50.0", NULL);
}

static void arrays_check_each_element(void **state)
{
	(void)state;
	char t[1024];
	load_ok(unit_with("fallback_numbers = [ \"+15550003001\", \"+15550003002\" ];", t, sizeof(t)),
		M2_CONFIG_UNIT);
	assert_int_equal(cfg.u.unit.n_fallback_numbers, 2);
	assert_string_equal(cfg.u.unit.fallback_numbers[1], "+15550003002");
	load_ok(unit_with("fallback_numbers = ( \"+15550003001\" );", t, sizeof(t)), M2_CONFIG_UNIT);
	assert_int_equal(cfg.u.unit.n_fallback_numbers, 1);
	load_ok(unit_with("fallback_numbers = \"+15550003009\";", t, sizeof(t)), M2_CONFIG_UNIT);
	assert_int_equal(cfg.u.unit.n_fallback_numbers, 1);
	assert_string_equal(cfg.u.unit.fallback_numbers[0], "+15550003009");
	load_ok(unit_with("fallback_numbers = [ ];", t, sizeof(t)), M2_CONFIG_UNIT);
	assert_int_equal(cfg.u.unit.n_fallback_numbers, 0);
	load_bad(unit_with("fallback_numbers = [ \"+15550003001\", \"bad-number\" ];", t, sizeof(t)),
		 "t.conf:2: unit.fallback_numbers[1]: \"bad-number\" is not valid", "phone number");
	load_bad(unit_with("fallback_numbers = [ 1555 ];", t, sizeof(t)),
		 "t.conf:2: unit.fallback_numbers[0]: is an integer; it must be a string", NULL);
	/* Too large for libconfig to read as written (it would keep the low 32 bits). */
	load_bad(unit_with("fallback_numbers = [ 15550003001 ];", t, sizeof(t)),
		 "t.conf:2: fallback_numbers: 15550003001 is too large a number",
		 "a phone number goes in quotes");
	load_bad(unit_with("# 4294967296 in a comment, \"4294967296\" in a string: no numbers\nfoo = "
			   "4294967297;",
			   t, sizeof(t)),
		 "t.conf:3: foo: 4294967297 is too large a number", NULL);
	load_bad(unit_with("fallback_numbers = ( { number = \"+1555\"; } );", t, sizeof(t)),
		 "t.conf:2: unit.fallback_numbers[0]: is a group { ... }; each entry must be a string", NULL);
	load_bad(unit_with("fallback_numbers = [ \"+15550003001\", \"+15550003002\", \"+15550003003\", "
			   "\"+15550003004\", \"+15550003005\" ];",
			   t, sizeof(t)),
		 "t.conf:2: unit.fallback_numbers: 5 entries; at most 4 are allowed", NULL);
	load_bad(unit_with("fallback_numbers = { a = 1; };", t, sizeof(t)),
		 "t.conf:2: unit.fallback_numbers: is a group { ... }; it must be an array", NULL);
}

static void one_or_many_keys(void **state)
{
	(void)state;
	char t[1024];
	load_ok("unit = { id = \"u1\"; base_numbers = [ \"+15550001000\", \"+15550001001\" ]; key = \"" KEY1
		"\"; pin = \"1234\"; channels = ( { name = \"T1\"; source = \"sim:chiller\"; } ); };\n"
		"modem = { device = \"/dev/x\"; };\n",
		M2_CONFIG_UNIT);
	assert_int_equal(cfg.u.unit.n_base_numbers, 2);
	assert_string_equal(cfg.u.unit.base_numbers[1], "+15550001001");
	load_ok(UNIT_MIN, M2_CONFIG_UNIT);
	assert_int_equal(cfg.u.unit.n_base_numbers, 1);
	assert_string_equal(cfg.u.unit.base_numbers[0], "+15550001000");
	load_bad(unit_with("base_numbers = [ \"+15550001001\" ];", t, sizeof(t)),
		 "t.conf:1: unit.base_number: 'base_numbers' is set too; keep one of 'base_number' and "
		 "'base_numbers'",
		 NULL);
	load_bad("unit = { id = \"u1\"; base_number = [ \"+15550001000\" ]; key = \"" KEY1
		 "\"; pin = \"1234\"; "
		 "channels = ( { name = \"T1\"; source = \"sim:chiller\"; } ); };\nmodem = { device = "
		 "\"/dev/x\"; };\n",
		 "t.conf:1: unit.base_number: is an array [ ... ]; it must be a string", NULL);
	load_bad("unit = { id = \"u1\"; base_numbers = [ ]; key = \"" KEY1 "\"; pin = \"1234\"; "
		 "channels = ( { name = \"T1\"; source = \"sim:chiller\"; } ); };\nmodem = { device = "
		 "\"/dev/x\"; };\n",
		 "t.conf:1: unit.base_numbers: 0 entries; at least 1 is needed", NULL);
}

/* No message ever holds a secret, whatever was wrong with it. */
static void secrets_are_never_repeated(void **state)
{
	(void)state;
	static const char *const texts[] = {
		"unit = { id = \"u1\"; base_number = \"+15550001000\"; key = \"S3CRETKEY\"; pin = \"98765\"; "
		"channels = ( { name = \"T1\"; source = \"sim:chiller\"; } ); };\nmodem = { device = "
		"\"/dev/x\"; };\n",
		"unit = { id = \"u1\"; base_number = \"+15550001000\"; key = \"" KEY1
		"\"; pin = \"S3CRETKEY\"; "
		"channels = ( { name = \"T1\"; source = \"sim:chiller\"; } ); };\nmodem = { device = "
		"\"/dev/x\"; };\n",
		"unit = { id = \"u1\"; base_number = \"+15550001000\"; key = \"" KEY1
		"\"; pin = \"S3CRETKEY12\"; "
		"channels = ( { name = \"T1\"; source = \"sim:chiller\"; } ); };\nmodem = { device = "
		"\"/dev/x\"; };\n",
		UNIT_HEAD "modem = { device = \"/dev/x\"; pin = \"S3CRETKEY\"; };\n",
		"base = { name = \"x\"; units = ( { id = \"u1\"; number = \"+15550002001\"; key = "
		"\"S3CRETKEY\"; } ); "
		"contacts = ( { name = \"A\"; number = \"+1555\"; role = \"admin\"; tier = 1; } ); };\n"
		"modem = { device = \"/dev/x\"; };\n",
		"unit = { id = \"u1\"; base_number = \"+15550001000\"; key = \"5"
		"3CRE7KEY53CRE7KEY53CRE7KEY53CRE7KEY53CRE7KEY53CRE7KEY53CRE7KE\"; pin = \"1234\"; "
		"channels = ( { name = \"T1\"; source = \"sim:chiller\"; } ); };\nmodem = { device = "
		"\"/dev/x\"; };\n",
	};
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct cfg_report rep = {0};
		assert_true(m2_config_load_string(texts[i], "t.conf", &cfg, &rep) < 0);
		assert_true(rep.count >= 1);
		for (int k = 0; k < rep.count && k < CFG_MAX_ERRORS; k++) {
			if (strstr(rep.msg[k], "S3CRET") || strstr(rep.msg[k], "3CRE7") ||
			    strstr(rep.msg[k], "98765"))
				fail_msg("a secret in: %s", rep.msg[k]);
			assert_non_null(strstr(rep.msg[k], "not shown: it is a secret"));
		}
	}
}

static void keys_are_64_hex_digits(void **state)
{
	(void)state;
	uint8_t key[32];
	assert_null(cfg_parse_key32(KEY1, key));
	assert_int_equal(key[0], 0x9f);
	assert_int_equal(key[31], 0x08);
	assert_null(cfg_parse_key32("9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08", key));
	assert_int_equal(key[1], 0x86);
	assert_non_null(strstr(cfg_parse_key32("9f86", key), "64 hex digits"));
	assert_non_null(strstr(cfg_parse_key32(KEY1 "00", key), "64 hex digits"));
	assert_non_null(strstr(
		cfg_parse_key32("zz86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", key),
		"64 hex digits"));
	assert_non_null(strstr(
		cfg_parse_key32("0000000000000000000000000000000000000000000000000000000000000000", key),
		"placeholder"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(example_files_are_valid),
		cmocka_unit_test(values_and_defaults_are_filled),
		cmocka_unit_test(sim_lists_are_filled),
		cmocka_unit_test(misspelt_key_names_file_line_key_and_suggestion),
		cmocka_unit_test(unknown_top_level_group_is_an_error),
		cmocka_unit_test(wrong_type_is_an_error),
		cmocka_unit_test(out_of_range_is_an_error),
		cmocka_unit_test(bad_names_and_numbers_are_errors),
		cmocka_unit_test(missing_settings_are_errors),
		cmocka_unit_test(list_mistakes_name_the_entry),
		cmocka_unit_test(kind_must_be_exactly_one),
		cmocka_unit_test(syntax_error_names_line),
		cmocka_unit_test(every_problem_is_reported),
		cmocka_unit_test(unreadable_file_is_an_error),
		cmocka_unit_test(durations_take_units),
		cmocka_unit_test(bad_durations_name_line_and_key),
		cmocka_unit_test(duration_text_round_trips),
		cmocka_unit_test(temperatures_are_tenths),
		cmocka_unit_test(arrays_check_each_element),
		cmocka_unit_test(one_or_many_keys),
		cmocka_unit_test(secrets_are_never_repeated),
		cmocka_unit_test(keys_are_64_hex_digits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
