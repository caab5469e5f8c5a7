/* `m2mon unit --config FILE`: the remote unit daemon in the foreground (src/unit/). */
#include "cmd.h"
#include "commands.h"
#include "config.h"
#include "log.h"
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROG "m2mon unit"

const char cmd_unit_usage[] =
	"Usage: m2mon unit --config FILE\n"
	"\n"
	"Runs the remote unit in the foreground: reads every channel each sample_interval, sends\n"
	"alarms at once and the readings every report_interval to the base by SMS, keeps every\n"
	"message in its store until the base confirms it, texts the fallback phones when the base\n"
	"does not answer, and answers SMS commands from the phones in the file. FILE holds a\n"
	"`unit` and a `modem` group (see conf/unit.conf; `m2mon check-config FILE` checks it).\n"
	"SIGTERM or Ctrl-C lets the send in hand finish and exits 0. docs/operations.md says\n"
	"what each log line means.\n"
	"\n"
	"  --config FILE   the unit's configuration\n"
	"\n"
	"Exit status: 0 after a clean stop, 1 when it cannot start (a bad file, the store cannot\n"
	"be opened), 2 on a usage error.\n";

static int parse(int argc, char **argv, const char **path)
{
	*path = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			*path = argv[++i];
		else if (strcmp(argv[i], "--config") == 0)
			return cmd_usage_error(PROG, "--config needs a FILE");
		else
			return cmd_usage_error(PROG, "unexpected '%s'", argv[i]);
	}
	if (!*path)
		return cmd_usage_error(PROG, "missing --config FILE");
	return 0;
}

static int load(const char *path, struct m2_config *cfg)
{
	struct cfg_report rep = {0};
	if (m2_config_load(path, cfg, &rep) < 0) {
		int shown = rep.count < CFG_MAX_ERRORS ? rep.count : CFG_MAX_ERRORS;
		for (int k = 0; k < shown; k++)
			fprintf(stderr, "%s\n", rep.msg[k]);
		return -1;
	}
	if (cfg->kind != M2_CONFIG_UNIT) {
		fprintf(stderr, "%s: %s is a %s configuration, not a unit's\n", PROG, path,
			m2_config_kind_str(cfg->kind));
		return -1;
	}
	return 0;
}

int cmd_unit(int argc, char **argv)
{
	const char *path;
	if (parse(argc, argv, &path))
		return M2_EXIT_USAGE;
	struct m2_config *cfg = malloc(sizeof(*cfg));
	if (!cfg || load(path, cfg) < 0) {
		free(cfg);
		return M2_EXIT_FAIL;
	}
	/* The file's log level holds unless --log-level asked for more. */
	if (!log_enabled((enum log_level)cfg->log.level) || cfg->log.syslog)
		log_setup((enum log_level)cfg->log.level, cfg->log.syslog, "m2mon");
	m2_config_warn_exposed(path, cfg);
	struct unit_test_opts test = {.crash_at = UNIT_CRASH_NONE};
	const char *crash = getenv("M2MON_TEST_CRASH");
	if (crash && unit_crash_point_parse(crash, &test.crash_at) < 0) {
		free(cfg);
		return cmd_usage_error(PROG, "M2MON_TEST_CRASH='%s' names no crash point (rx-handled)",
				       crash);
	}
	int rc = unit_run(&cfg->u.unit, &test);
	free(cfg);
	return rc < 0 ? M2_EXIT_FAIL : M2_EXIT_OK;
}
