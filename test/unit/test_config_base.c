/* The base's file: conf/base.conf as the daemon gets it (a policy the alarm engine accepts,
 * quiet hours resolved, tiers counted), every field of the policy reachable, and every check
 * across settings, each named by file, line and key: distinct units, numbers and keys, a tier
 * for every contact and a contact for every tier, someone who may acknowledge, the modem pool. */
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
	if (m2_config_load(CONF_DIR "/base.conf", &cfg, &rep) != 0)
		fail_msg("%s", rep.msg[0]);
	const struct base_settings *b = &cfg.u.base;
	const struct alert_policy *p = &b->policy;
	assert_string_equal(b->name, "Cold store North");
	assert_string_equal(p->site, "Cold store North");
	assert_int_equal(b->silent_grace_s, 900);
	assert_int_equal(b->n_units, 2);
	assert_string_equal(b->units[1].id, "reefer-7");
	assert_int_equal(b->units[0].key[0], 0x9f);
	assert_int_equal(b->units[1].key[31], 0x52);
	assert_int_equal(b->units[0].heartbeat_s, 6 * 3600);
	assert_int_equal(b->units[1].heartbeat_s, 2 * 3600);
	assert_int_equal(p->n_contacts, 3);
	assert_int_equal(p->contacts[1].role, ALERT_ROLE_OPERATOR);
	assert_int_equal(p->contacts[2].role, ALERT_ROLE_VIEWER);
	assert_int_equal(p->contacts[2].tier, 2);
	/* Alice inherits quiet_hours, Bob has none, Carol her own. */
	assert_true(p->contacts[0].quiet.enabled && p->contacts[0].quiet.start_min == 1320 &&
		    p->contacts[0].quiet.end_min == 360);
	assert_true(p->contacts[1].quiet.enabled &&
		    p->contacts[1].quiet.start_min == p->contacts[1].quiet.end_min);
	assert_false(alert_span_contains(&p->contacts[1].quiet, 0));
	assert_true(p->contacts[2].quiet.start_min == 1380 && p->contacts[2].quiet.end_min == 420);
	assert_int_equal(p->n_tiers, 2);
	assert_int_equal(p->tier_delay_s[0], 600);
	assert_int_equal(p->tier_delay_s[1], 600);
	assert_int_equal(p->repeat_s, 1800);
	assert_int_equal(p->repeat_max, 0);
	assert_int_equal(p->coalesce_s, 120);
	assert_int_equal(p->clear_settle_s, 600);
	assert_true(p->all_clear);
	assert_int_equal(p->cap_contact, 30);
	assert_int_equal(p->cap_site, 200);
	assert_int_equal(p->n_windows, 2);
	assert_int_equal(p->windows[1].channel, 1); /* "T2", the second of WH1's channels */
	assert_int_equal(b->units[0].n_channels, 2);
	assert_string_equal(p->windows[0].unit, "WH1");
	assert_int_equal(p->windows[0].channel, -1);
	assert_int_equal(p->windows[0].days, 0x3e); /* Monday to Friday; bit 0 is Sunday */
	assert_true(p->windows[0].span.start_min == 360 && p->windows[0].span.end_min == 390);
	assert_int_equal(b->n_modems, 2);
	assert_string_equal(b->modems[1].device, "/dev/ttyUSB6");
	assert_true(b->modems[0].status_reports);
	assert_int_equal(alert_policy_check(p, NULL), 0);
}

/* What the file leaves out is the engine's default. */
static void defaults_are_the_engines(void **state)
{
	(void)state;
	load_ok(BASE_MIN, M2_CONFIG_BASE);
	const struct base_settings *b = &cfg.u.base;
	struct alert_policy want;
	alert_policy_default(&want);
	assert_int_equal(b->policy.repeat_s, want.repeat_s);
	assert_int_equal(b->policy.repeat_max, want.repeat_max);
	assert_int_equal(b->policy.coalesce_s, want.coalesce_s);
	assert_int_equal(b->policy.clear_settle_s, want.clear_settle_s);
	assert_int_equal(b->policy.all_clear, want.all_clear);
	assert_int_equal(b->policy.cap_contact, want.cap_contact);
	assert_int_equal(b->policy.cap_site, want.cap_site);
	assert_int_equal(b->policy.n_tiers, 1);
	assert_int_equal(b->policy.tier_delay_s[0], 15 * 60);
	assert_false(b->policy.contacts[0].quiet.enabled);
	assert_int_equal(b->policy.n_windows, 0);
	assert_string_equal(b->store, "/var/lib/m2mon/base.db");
	assert_int_equal(b->receipt_delay_s, 5);
	assert_int_equal(b->send_timeout_s, 120);
	assert_int_equal(b->command_timeout_s, 600);
	assert_int_equal(b->report_timeout_s, 600);
	assert_int_equal(b->units[0].heartbeat_s, 6 * 3600);
	assert_int_equal(b->units[0].n_channels, 0);
	assert_int_equal(b->n_modems, 1);
	assert_string_equal(b->modems[0].device, "/dev/ttyUSB2");
	assert_int_equal(alert_policy_check(&b->policy, NULL), 0);
}

#define UNITS1 "units = ( { id = \"u1\"; number = \"+15550002001\"; key = \"" KEY1 "\"; } );"
#define ALICE  "{ name = \"Alice\"; number = \"+15550003001\"; role = \"admin\"; tier = 1; }"

/* A base file: name and one unit on line 1, then `rest` from line 2 on, then the modem. */
static const char *base_with(const char *rest, char *buf, size_t size)
{
	snprintf(buf, size,
		 "base = { name = \"x\"; " UNITS1 "\n%s\n};\nmodem = { device = \"/dev/ttyUSB2\"; };\n",
		 rest);
	return buf;
}

static void every_policy_field_is_reachable(void **state)
{
	(void)state;
	char t[4096];
	load_ok(base_with("contacts = ( " ALICE ",\n"
			  "{ name = \"Bob\"; number = \"+15550003002\"; role = \"operator\"; tier = 2; },\n"
			  "{ name = \"Cy\"; number = \"+15550003003\"; role = \"viewer\"; tier = 3; quiet = "
			  "\"0:30-5:00\"; } );\n"
			  "escalation = { tier_delay = [ \"5m\", \"20m\" ]; repeat = \"0s\"; repeat_max = 4; "
			  "coalesce = \"0s\";\n"
			  "clear_settle = \"1h\"; all_clear = false; };\n"
			  "caps = { contact = 0; site = 2; };\n"
			  "quiet_hours = \"21:15-24:00\";\n"
			  "maintenance = ( { unit = \"u1\"; channel = 3; days = \"fri-mon\"; hours = "
			  "\"23:00-01:00\"; },\n"
			  "{ unit = \"u1\"; days = \"sat,SUN,wed\"; hours = \"12:00-13:00\"; } );",
			  t, sizeof(t)),
		M2_CONFIG_BASE);
	const struct alert_policy *p = &cfg.u.base.policy;
	assert_int_equal(p->n_tiers, 3);
	assert_int_equal(p->tier_delay_s[0], 300);
	assert_int_equal(p->tier_delay_s[1], 1200);
	assert_int_equal(p->repeat_s, 0);
	assert_int_equal(p->repeat_max, 4);
	assert_int_equal(p->coalesce_s, 0);
	assert_int_equal(p->clear_settle_s, 3600);
	assert_false(p->all_clear);
	assert_int_equal(p->cap_contact, 0);
	assert_int_equal(p->cap_site, 2);
	assert_true(p->contacts[0].quiet.start_min == 1275 && p->contacts[0].quiet.end_min == 0);
	assert_true(p->contacts[2].quiet.start_min == 30 && p->contacts[2].quiet.end_min == 300);
	assert_int_equal(p->windows[0].channel, 3);
	assert_int_equal(p->windows[0].days, (1 << 5) | (1 << 6) | (1 << 0) | (1 << 1));
	assert_int_equal(p->windows[1].channel, -1);
	assert_int_equal(p->windows[1].days, (1 << 6) | (1 << 0) | (1 << 3));
	assert_true(p->windows[0].span.start_min == 1380 && p->windows[0].span.end_min == 60);
	assert_int_equal(alert_policy_check(p, NULL), 0);
}

static void one_or_many_modems(void **state)
{
	(void)state;
	char t[4096];
	snprintf(t, sizeof(t),
		 BASE_HEAD "modems = ( { device = \"/dev/ttyUSB2\"; },\n{ device = \"/dev/ttyUSB4\"; } );\n");
	load_ok(t, M2_CONFIG_BASE);
	assert_int_equal(cfg.u.base.n_modems, 2);
	load_bad(BASE_HEAD
		 "modem = { device = \"/dev/ttyUSB2\"; };\nmodems = ( { device = \"/dev/ttyUSB3\"; } );\n",
		 "t.conf:2: modem: 'modems' is set too; keep one of 'modem' and 'modems'", NULL);
	load_bad(BASE_HEAD "modems = ( { device = \"/dev/ttyUSB2\"; },\n{ device = \"/dev/ttyUSB2\"; } );\n",
		 "t.conf:3: modems[1].device: \"/dev/ttyUSB2\" is also modems[0]'s device", NULL);
	load_bad(BASE_HEAD "modems = ( );\n", "t.conf:2: modems: 0 entries; at least 1 is needed", NULL);
	load_bad(BASE_HEAD "modem = ( { device = \"/dev/ttyUSB2\"; } );\n",
		 "t.conf:2: modem: is a list ( ... ); it must be a group", NULL);
	load_bad(BASE_HEAD, "modem: missing", "modems = (");
	load_bad(BASE_HEAD "modems = ( { device = \"/dev/ttyUSB2\"; buad = 1; } );\n",
		 "t.conf:2: modems[0].buad: unknown setting (did you mean 'baud'?)", NULL);
}

static void units_are_distinct(void **state)
{
	(void)state;
	char t[4096];
	snprintf(t, sizeof(t),
		 "base = { name = \"x\"; contacts = ( " ALICE
		 " );\nunits = ( { id = \"WH1\"; number = \"+447700900001\"; key = \"" KEY1
		 "\"; },\n{ id = \"wh1\"; number = \"07700900001\"; key = \"" KEY1
		 "\"; } ); };\nmodem = { device = \"/dev/x\"; };\n");
	load_problem(t, "t.conf:3: base.units[1].id: \"wh1\" is also units[0]'s id (ignoring case)", 3);
	load_problem(t,
		     "t.conf:3: base.units[1].number: \"07700900001\" is also units[0]'s number: two units "
		     "with one number",
		     3);
	load_problem(t, "t.conf:3: base.units[1].key: units[0] has this key too", 3);
	snprintf(t, sizeof(t),
		 "base = { name = \"x\"; contacts = ( " ALICE
		 " );\nunits = ( { id = \"WH1\"; number = \"+15550002001\";\n"
		 "key = \"" KEY1 "0\"; heartbeat = \"8d\"; } ); };\nmodem = { device = \"/dev/x\"; };\n");
	load_problem(t, "t.conf:3: base.units[0].key: the value (not shown: it is a secret) is not valid", 2);
	load_problem(t, "t.conf:3: base.units[0].heartbeat: \"8d\" is out of range 1s..7d", 2);
	load_bad("base = { name = \"x\"; contacts = ( " ALICE " ); };\nmodem = { device = \"/dev/x\"; };\n",
		 "t.conf:1: base.units: missing", NULL);
}

static void contacts_and_tiers(void **state)
{
	(void)state;
	char t[4096];
	load_bad(base_with("contacts = ( " ALICE
			   ",\n{ name = \"Bob\"; number = \"+15550003002\"; role = \"operator\"; } );",
			   t, sizeof(t)),
		 "t.conf:3: base.contacts[1].tier: missing; who is called first (1)", NULL);
	load_bad(
		base_with(
			"contacts = ( " ALICE
			",\n{ name = \"Bob\"; number = \"+15550003002\"; role = \"operator\"; tier = 9; } );",
			t, sizeof(t)),
		"t.conf:3: base.contacts[1].tier: 9 is out of range 1..8", NULL);
	load_bad(
		base_with(
			"contacts = ( " ALICE
			",\n{ name = \"Bob\"; number = \"+15550003002\"; role = \"operator\"; tier = 3; } );",
			t, sizeof(t)),
		"t.conf:2: base.contacts: no contact has tier 2 but one has tier 3", "without a gap");
	load_bad(base_with("contacts = ( " ALICE ",\n{ name = \"alice\"; number = \"+15550003002\"; role = "
			   "\"operator\"; tier = 2; } );",
			   t, sizeof(t)),
		 "t.conf:3: base.contacts[1].name: \"alice\" is also contacts[0]'s name (ignoring case)",
		 NULL);
	load_bad(
		base_with(
			"contacts = ( " ALICE
			",\n{ name = \"Bob\"; number = \"+15550003001\"; role = \"operator\"; tier = 2; } );",
			t, sizeof(t)),
		"t.conf:3: base.contacts[1].number: \"+15550003001\" is also contacts[0]'s number", NULL);
	load_bad(
		base_with(
			"contacts = ( " ALICE
			",\n{ name = \"Bob\"; number = \"+15550002001\"; role = \"operator\"; tier = 2; } );",
			t, sizeof(t)),
		"t.conf:3: base.contacts[1].number: \"+15550002001\" is units[0]'s number, not a person's",
		NULL);
	load_bad(base_with("contacts = ( { name = \"V\"; number = \"+15550003001\"; role = \"viewer\"; tier "
			   "= 1; } );",
			   t, sizeof(t)),
		 "t.conf:2: base.contacts: nobody may acknowledge: make a contact an admin or an operator",
		 NULL);
	load_bad(
		base_with("contacts = ( { name = \"A\"; number = \"+15550003001\"; role = \"boss\"; tier = "
			  "1; } );",
			  t, sizeof(t)),
		"t.conf:2: base.contacts[0].role: \"boss\" is not one of \"admin\", \"operator\", \"viewer\"",
		NULL);
	load_bad(base_with("contacts = ( { name = \"Ren\xc3\xa9"
			   "e\xc2\xb0\"; number = \"+15550003001\"; role = \"admin\"; tier = 1; } );",
			   t, sizeof(t)),
		 "t.conf:2: base.contacts[0].name:", "GSM 7-bit");
	load_bad(base_with("contacts = ( );", t, sizeof(t)),
		 "t.conf:2: base.contacts: 0 entries; at least 1 is needed", NULL);
	load_ok(base_with("contacts = ( { name = \"Ren\xc3\xa9"
			  "e\"; number = \"+15550003001\"; role = \"admin\"; tier = 1; } );",
			  t, sizeof(t)),
		M2_CONFIG_BASE);
}

static void tier_delays(void **state)
{
	(void)state;
	char t[4096];
	const char *three =
		"contacts = ( " ALICE ",\n"
		"{ name = \"B\"; number = \"+15550003002\"; role = \"operator\"; tier = 2; },\n"
		"{ name = \"C\"; number = \"+15550003003\"; role = \"operator\"; tier = 3; } );\n";
	char rest[2048];
	snprintf(rest, sizeof(rest), "%sescalation = { tier_delay = [ \"5m\", \"10m\", \"15m\" ]; };", three);
	load_bad(base_with(rest, t, sizeof(t)),
		 "t.conf:5: base.escalation.tier_delay: 3 delays for 3 tiers: give one for all, or one for "
		 "each tier but "
		 "the last (2)",
		 NULL);
	snprintf(rest, sizeof(rest), "%sescalation = { tier_delay = \"7m\"; };", three);
	load_ok(base_with(rest, t, sizeof(t)), M2_CONFIG_BASE);
	assert_int_equal(cfg.u.base.policy.tier_delay_s[0], 420);
	assert_int_equal(cfg.u.base.policy.tier_delay_s[1], 420);
	snprintf(rest, sizeof(rest), "%sescalation = { tier_delay = [ \"0s\" ]; };", three);
	load_bad(base_with(rest, t, sizeof(t)),
		 "t.conf:5: base.escalation.tier_delay[0]: \"0s\" is out of range 1s..1d", NULL);
	snprintf(rest, sizeof(rest), "%sescalation = { tier_delay = 600; };", three);
	load_bad(base_with(rest, t, sizeof(t)),
		 "t.conf:5: base.escalation.tier_delay: is an integer; it must be", NULL);
	snprintf(rest, sizeof(rest), "%sescalation = { repeat = \"1w\"; };", three);
	load_bad(base_with(rest, t, sizeof(t)), "t.conf:5: base.escalation.repeat: \"1w\" is not a duration",
		 NULL);
}

static void quiet_hours_and_windows(void **state)
{
	(void)state;
	char t[4096];
	static const struct {
		const char *span, *why;
	} bad[] = {
		{"25:00-06:00", "HH:MM-HH:MM"}, {"22:00", "HH:MM-HH:MM"}, {"22-06", "HH:MM-HH:MM"},
		{"7:5-8:00", "HH:MM-HH:MM"},    {"22:60-06:00", "HH:MM"}, {"24:01-06:00", "HH:MM"},
		{"06:00-06:00", "empty"},       {"none", "or \"off\""},   {"", "HH:MM-HH:MM"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char rest[256], want[128];
		snprintf(rest, sizeof(rest), "contacts = ( " ALICE " );\nquiet_hours = \"%s\";", bad[i].span);
		snprintf(want, sizeof(want),
			 "t.conf:3: base.quiet_hours: \"%s\" is not valid: ", bad[i].span);
		load_bad(base_with(rest, t, sizeof(t)), want, bad[i].why);
	}
	load_bad(base_with("contacts = ( { name = \"A\"; number = \"+15550003001\"; role = \"admin\"; tier = "
			   "1;\n"
			   "quiet = \"late\"; } );",
			   t, sizeof(t)),
		 "t.conf:3: base.contacts[0].quiet: \"late\" is not valid", NULL);
	load_bad(base_with("contacts = ( " ALICE
			   " );\nmaintenance = ( { unit = \"u2\"; hours = \"02:00-03:00\"; } );",
			   t, sizeof(t)),
		 "t.conf:3: base.maintenance[0].unit: \"u2\" is not the id of one of the units", NULL);
	load_bad(base_with("contacts = ( " ALICE
			   " );\nmaintenance = ( { unit = \"u1\"; hours = \"02:00-03:00\"; channel = 8; } );",
			   t, sizeof(t)),
		 "t.conf:3: base.maintenance[0].channel: \"8\" is not valid: a channel is -1", NULL);
	load_bad(base_with("contacts = ( " ALICE " );\nmaintenance = ( { unit = \"u1\"; } );", t, sizeof(t)),
		 "t.conf:3: base.maintenance[0].hours: missing", NULL);
	static const char *const bad_days[] = {"mon-fry", "", "monday", "mon,", "-fri", "mon--fri"};
	for (size_t i = 0; i < sizeof(bad_days) / sizeof(bad_days[0]); i++) {
		char rest[256], want[128];
		snprintf(rest, sizeof(rest),
			 "contacts = ( " ALICE
			 " );\nmaintenance = ( { unit = \"u1\"; hours = \"02:00-03:00\"; days = \"%s\"; } );",
			 bad_days[i]);
		snprintf(want, sizeof(want),
			 "t.conf:3: base.maintenance[0].days: \"%s\" is not valid: days are", bad_days[i]);
		load_bad(base_with(rest, t, sizeof(t)), want, NULL);
	}
}

/* A window names a channel by name or by place; with the unit's `channels` listed both are
 * checked against that list, without one a name waits for the daemon to resolve it. */
static void windows_by_channel_name(void **state)
{
	(void)state;
	char t[4096];
	snprintf(t, sizeof(t),
		 "base = { name = \"x\"; units = ( { id = \"u1\"; number = \"+15550002001\"; key = \"" KEY1
		 "\"; channels = [ \"T1\", \"T2\" ]; },\n{ id = \"u2\"; number = \"+15550002002\"; key = "
		 "\"" KEY2 "\"; heartbeat = \"3s\"; } );\n"
		 "contacts = ( " ALICE " );\nescalation = { tier_delay = \"2s\"; };\n"
		 "maintenance = ( { unit = \"u1\"; channel = \"t2\"; hours = \"02:00-03:00\"; },\n"
		 "{ unit = \"u1\"; channel = 1; hours = \"02:00-03:00\"; },\n"
		 "{ unit = \"u2\"; channel = \"Probe_A\"; hours = \"02:00-03:00\"; },\n"
		 "{ unit = \"u2\"; channel = -1; hours = \"02:00-03:00\"; } );\n"
		 "receipt_delay = \"0s\"; send_timeout = \"10s\"; command_timeout = \"1m\";\n"
		 "report_timeout = \"3s\"; };\n"
		 "modem = { device = \"/dev/ttyUSB2\"; };\n");
	load_ok(t, M2_CONFIG_BASE);
	const struct base_settings *b = &cfg.u.base;
	assert_int_equal(b->units[0].n_channels, 2);
	assert_string_equal(b->units[0].channels[1], "T2");
	assert_int_equal(b->units[1].n_channels, 0);
	assert_int_equal(b->policy.n_windows, 4);
	assert_int_equal(b->policy.windows[0].channel, 1);
	assert_int_equal(b->policy.windows[1].channel, 1);
	assert_int_equal(b->policy.windows[2].channel, M2_CONFIG_CHANNEL_UNRESOLVED);
	assert_string_equal(b->as_written.windows[2].channel.name, "Probe_A");
	assert_int_equal(b->policy.windows[3].channel, -1);
	assert_int_equal(b->receipt_delay_s, 0);
	assert_int_equal(b->send_timeout_s, 10);
	assert_int_equal(b->command_timeout_s, 60);
	assert_int_equal(b->report_timeout_s, 3);
	assert_int_equal(b->units[1].heartbeat_s, 3); /* seconds-long, as the tests use them */
	assert_int_equal(b->policy.tier_delay_s[0], 2);
	assert_int_equal(alert_policy_check(&b->policy, NULL), 0);
	load_bad(base_with("contacts = ( " ALICE " );\nmaintenance = ( { unit = \"u1\"; hours = "
			   "\"02:00-03:00\"; channel = \"T.1\"; } );",
			   t, sizeof(t)),
		 "base.maintenance[0].channel: \"T.1\" is not valid", NULL);
	snprintf(t, sizeof(t),
		 "base = { name = \"x\"; units = ( { id = \"u1\"; number = \"+15550002001\"; key = \"" KEY1
		 "\"; channels = [ \"T1\", \"t1\" ]; } );\ncontacts = ( " ALICE " );\n"
		 "maintenance = ( { unit = \"u1\"; channel = \"T3\"; hours = \"02:00-03:00\"; },\n"
		 "{ unit = \"u1\"; channel = 2; hours = \"02:00-03:00\"; } ); };\n"
		 "modem = { device = \"/dev/ttyUSB2\"; };\n");
	load_problem(t, "base.units[0].channels: \"t1\" is listed twice (ignoring case)", 3);
	load_problem(t, "base.maintenance[0].channel: \"T3\" is not one of unit \"u1\"'s channels", 3);
	load_problem(t, "base.maintenance[1].channel: 2 is past the end of unit \"u1\"'s 2 channels", 3);
}

static void cluster_leases(void **state)
{
	(void)state;
	char t[4096];
	load_ok(base_with("contacts = ( " ALICE " );", t, sizeof(t)), M2_CONFIG_BASE);
	assert_string_equal(cfg.u.base.cluster.name, "");
	assert_int_equal(cfg.u.base.cluster.lease_ms, 10000);
	assert_int_equal(cfg.u.base.cluster.heartbeat_ms, 5000);
	assert_int_equal(cfg.u.base.cluster.claim_lease_ms, 60000);
	load_ok(base_with("contacts = ( " ALICE " );\ncluster = { name = \"north-a\"; lease = \"2s\"; "
			  "heartbeat = \"500ms\"; claim_lease = \"1s500ms\"; };",
			  t, sizeof(t)),
		M2_CONFIG_BASE);
	assert_string_equal(cfg.u.base.cluster.name, "north-a");
	assert_int_equal(cfg.u.base.cluster.lease_ms, 2000);
	assert_int_equal(cfg.u.base.cluster.heartbeat_ms, 500);
	assert_int_equal(cfg.u.base.cluster.claim_lease_ms, 1500);
	load_bad(base_with("contacts = ( " ALICE " );\ncluster = { lease = \"2 s\"; };", t, sizeof(t)),
		 "t.conf:3: base.cluster.lease:", "\"500ms\"");
	load_bad(base_with("contacts = ( " ALICE
			   " );\ncluster = { lease = \"500ms\"; heartbeat = \"100ms\"; };",
			   t, sizeof(t)),
		 "base.cluster.lease: at least 1s", NULL);
	load_bad(base_with("contacts = ( " ALICE " );\ncluster = { lease = \"2s\"; heartbeat = \"2s\"; };", t,
			   sizeof(t)),
		 "base.cluster.heartbeat: from 100ms up to half the lease (1000ms)", NULL);
	load_bad(base_with("contacts = ( " ALICE " );\ncluster = { name = \"a b\"; };", t, sizeof(t)),
		 "base.cluster.name:", "letters, digits");
}

static void caps_and_names(void **state)
{
	(void)state;
	char t[4096];
	load_bad(base_with("contacts = ( " ALICE " );\ncaps = { contact = 1; };", t, sizeof(t)),
		 "t.conf:3: base.caps.contact: 1 is too few", "0 for no cap, or 2 or more");
	load_bad(base_with("contacts = ( " ALICE " );\ncaps = { site = 1; };", t, sizeof(t)),
		 "t.conf:3: base.caps.site: 1 is too few", NULL);
	load_bad(base_with("contacts = ( " ALICE " );\ncaps = { site = -5; };", t, sizeof(t)),
		 "t.conf:3: base.caps.site: -5 is out of range "
		 "0..100000",
		 NULL);
	load_bad("base = { " UNITS1 " contacts = ( " ALICE
		 " );\nname = \"A site name that is far too long!\"; "
		 "};\n"
		 "modem = { device = \"/dev/x\"; };\n",
		 "t.conf:2: base.name: \"A site name that is far too "
		 "long!\" has 33 characters; it must have "
		 "1 to 32",
		 NULL);
	load_bad("base = { " UNITS1 " contacts = ( " ALICE " );\nname = \"Freezer\xc2\xb0"
		 "1\"; };\n"
		 "modem = { device = \"/dev/x\"; };\n",
		 "t.conf:2: base.name:", "GSM 7-bit");
	/* A line break would forge a line in the log and in every text. */
	load_bad("base = { " UNITS1 " contacts = ( " ALICE " );\nname = \"North\\nlevel=error x\"; };\n"
		 "modem = { device = \"/dev/x\"; };\n",
		 "t.conf:2: base.name:", "a control character");
	load_bad("base = { " UNITS1 " name = \"North\";\ncontacts = ( { name = \"Al\\tice\"; number = "
		 "\"+15550003001\"; role = \"admin\"; tier = 1; } ); };\nmodem = { device = \"/dev/x\"; };\n",
		 "t.conf:2: base.contacts[0].name:", "a control character");
	load_bad("base = { " UNITS1 " contacts = ( " ALICE " ); };\nmodem = { device = \"/dev/x\"; };\n",
		 "t.conf:1: base.name: missing", NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(windows_by_channel_name),
		cmocka_unit_test(example_file_as_the_daemon_gets_it),
		cmocka_unit_test(defaults_are_the_engines),
		cmocka_unit_test(every_policy_field_is_reachable),
		cmocka_unit_test(one_or_many_modems),
		cmocka_unit_test(units_are_distinct),
		cmocka_unit_test(contacts_and_tiers),
		cmocka_unit_test(tier_delays),
		cmocka_unit_test(quiet_hours_and_windows),
		cmocka_unit_test(caps_and_names),
		cmocka_unit_test(cluster_leases),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
