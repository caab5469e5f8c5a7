/* The configuration loader: every example file loads, and every kind of mistake is reported
 * with the file, the line and the full key, never ignored. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static struct m2_config cfg;

static void load_ok(const char *text, enum m2_config_kind kind)
{
	struct cfg_report rep = {0};
	int rc = m2_config_load_string(text, "t.conf", &cfg, &rep);
	if (rc != 0)
		fail_msg("unexpected problem: %s", rep.msg[0]);
	assert_int_equal(rep.count, 0);
	assert_int_equal(cfg.kind, kind);
}

/* Loads `text`, expects it to fail with a first message containing every `needle`. */
static void load_bad(const char *text, const char *needle1, const char *needle2)
{
	struct cfg_report rep = {0};
	int rc = m2_config_load_string(text, "t.conf", &cfg, &rep);
	assert_true(rc < 0);
	assert_true(rep.count >= 1);
	if (!strstr(rep.msg[0], needle1))
		fail_msg("'%s' not in '%s'", needle1, rep.msg[0]);
	if (needle2 && !strstr(rep.msg[0], needle2))
		fail_msg("'%s' not in '%s'", needle2, rep.msg[0]);
}

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
	load_ok("unit = { id = \"reefer-7\"; base_number = \"+15550001000\"; };\n"
		"modem = { device = \"/dev/ttyS1\"; flow_control = \"rtscts\"; pin = \"1234\"; };\n",
		M2_CONFIG_UNIT);
	assert_string_equal(cfg.u.unit.unit.id, "reefer-7");
	assert_string_equal(cfg.u.unit.modem.device, "/dev/ttyS1");
	assert_string_equal(cfg.u.unit.modem.pin, "1234");
	assert_int_equal(cfg.u.unit.modem.flow_control, MODEM_FLOW_RTSCTS);
	assert_int_equal(cfg.u.unit.modem.baud, 115200);
	assert_int_equal(cfg.u.unit.modem.command_timeout_ms, 5000);
	assert_int_equal(cfg.u.unit.modem.status_poll_s, 60);
	assert_string_equal(cfg.u.unit.modem.profile, "auto");
	assert_int_equal(cfg.log.level, 2);
	load_ok("unit = { id = \"u1\"; base_number = \"+15550001000\"; };\n"
		"modem = { device = \"/dev/ttyS1\"; profile = \"ec2x\"; status_poll_s = 5; };\n",
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
	load_bad("unit = { id = \"u1\"; base_number = \"+15550001000\"; };\n"
		 "modem = {\n  device = \"/dev/ttyS1\";\n  buad = 9600;\n};\n",
		 "t.conf:4: modem.buad: unknown setting", "did you mean 'baud'?");
}

static void unknown_top_level_group_is_an_error(void **state)
{
	(void)state;
	load_bad("unit = { id = \"u1\"; base_number = \"+15550001000\"; };\n"
		 "modem = { device = \"/dev/x\"; };\nlogging = { level = \"info\"; };\n",
		 "t.conf:3: logging: unknown setting", NULL);
}

static void wrong_type_is_an_error(void **state)
{
	(void)state;
	load_bad("base = { name = \"x\"; };\nmodem = { device = \"/dev/x\"; baud = \"fast\"; };\n",
		 "t.conf:2: modem.baud: is a string; it must be an integer", NULL);
	load_bad("base = { name = \"x\"; };\nmodem = { device = \"/dev/x\"; baud = 9600.0; };\n",
		 "modem.baud: is a number with a decimal point", NULL);
	load_bad("base = { name = \"x\"; };\nmodem = { device = \"/dev/x\"; status_reports = 1; };\n",
		 "modem.status_reports: is an integer; it must be true or false", NULL);
	load_bad("base = \"x\";\nmodem = { device = \"/dev/x\"; };\n", "t.conf:1: base: is a string", NULL);
}

static void out_of_range_is_an_error(void **state)
{
	(void)state;
	load_bad("base = { name = \"x\"; };\nmodem = { device = \"/dev/x\"; baud = 12; };\n",
		 "t.conf:2: modem.baud: 12 is out of range 1200..4000000", NULL);
	load_bad("sim = { loss = 1.5; modems = ({ name = \"a\"; number = \"+1555\"; }); };\n",
		 "t.conf:1: sim.loss: 1.5 is out of range 0..1", NULL);
	load_bad("unit = { id = \"this-id-is-far-too-long\"; base_number = \"+15550001000\"; };\n"
		 "modem = { device = \"/dev/x\"; };\n",
		 "t.conf:1: unit.id:", "it must have 1 to 16");
}

static void bad_names_and_numbers_are_errors(void **state)
{
	(void)state;
	load_bad("base = { name = \"x\"; };\nmodem = { device = \"/dev/x\"; flow_control = \"hw\"; };\n",
		 "modem.flow_control: \"hw\" is not one of \"none\", \"rtscts\", \"xonxoff\"", NULL);
	load_bad(
		"unit = { id = \"u1\"; base_number = \"+1555-0001\"; };\nmodem = { device = \"/dev/x\"; };\n",
		"t.conf:1: unit.base_number: \"+1555-0001\" is not valid", "phone number");
	load_bad("base = { name = \"x\"; };\nmodem = { device = \"/dev/x\"; profile = \"ec25\"; };\n",
		 "modem.profile: \"ec25\" is not valid: m2mon knows auto, generic, sim800", NULL);
	load_bad("base = { name = \"x\"; };\nmodem = { device = \"/dev/x\"; pin = \"12a4\"; };\n",
		 "modem.pin: \"12a4\" is not valid: only digits", NULL);
	load_bad("unit = { id = \"u 1\"; base_number = \"+15550001000\"; };\nmodem = { device = \"/dev/x\"; "
		 "};\n",
		 "unit.id: \"u 1\" is not valid", NULL);
}

static void missing_settings_are_errors(void **state)
{
	(void)state;
	load_bad("base = { name = \"x\"; };\n", "modem: missing", NULL);
	load_bad("base = { name = \"x\"; };\nmodem = { baud = 9600; };\n", "t.conf:2: modem.device: missing",
		 "serial port");
	load_bad("sim = { latency_ms = 5; };\n", "sim.modems: missing", NULL);
}

static void list_mistakes_name_the_entry(void **state)
{
	(void)state;
	load_bad("sim = { modems = (\n { name = \"a\"; number = \"+1555\"; },\n"
		 " { name = \"b\"; numbr = \"+1556\"; }\n); };\n",
		 "t.conf:3: sim.modems[1].numbr: unknown setting", "did you mean 'number'?");
	load_bad("sim = { modems = ( 5 ); };\n", "sim.modems[0]: is an integer; each entry must be a group",
		 NULL);
	load_bad("sim = { modems = ( ); };\n", "sim.modems: 0 entries; at least 1", NULL);
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
	load_bad("base = { name = \"x\"; };\nmodem = { device = \"/dev/x\"; baud = ; };\n",
		 "t.conf:2: syntax error", NULL);
}

static void every_problem_is_reported(void **state)
{
	(void)state;
	struct cfg_report rep = {0};
	int rc = m2_config_load_string("base = { name = \"x\"; nme = 1; };\n"
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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
