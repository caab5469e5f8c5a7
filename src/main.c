/* The m2mon executable: global logging options, then one subcommand from the table below,
 * each in its own file. */
#include "cmd.h"
#include "commands.h"
#include "log.h"

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#ifndef M2MON_VERSION
#define M2MON_VERSION "0.0.0-dev"
#endif

static const struct cmd commands[] = {
	{"check-config", "validate a configuration file and tell its kind", cmd_check_config_usage,
	 cmd_check_config},
	{"demo", "run a simulated site end to end", cmd_demo_usage, cmd_demo},
	{"ports", "list serial ports, to find the modem", cmd_ports_usage, cmd_ports},
	{"modem", "ask a modem what it is and how its network is", cmd_modem_usage, cmd_modem},
	{"sms", "send, list or watch SMS through a modem", cmd_sms_usage, cmd_sms},
	{"sim", "run the simulated cellular network, or talk to it", cmd_sim_usage, cmd_sim},
	{"keygen", "print a new random key for a unit", cmd_keygen_usage, cmd_keygen},
	{"base", "run the base station: inbox, alarms to phones, commands", cmd_base_usage, cmd_base},
	{"status", "show every unit, its last readings and the open alarms", cmd_status_usage, cmd_status},
	{"history", "print a unit's readings as a table, CSV or a chart (SVG)", cmd_history_usage,
	 cmd_history},
	{"events", "print what happened: alarms, texts, ACKs, mutes, changes", cmd_events_usage, cmd_events},
	{"web", "serve the office display (a read-only web page)", cmd_web_usage, cmd_web},
	{"unit", "run the remote unit daemon", cmd_unit_usage, cmd_unit},
};

static const char global_options[] =
	"\nOptions before COMMAND:\n"
	"  --log-level LEVEL  error, warn, info (default), debug, or trace (every byte on the line)\n"
	"  --syslog           log to syslog instead of stderr\n"
	"  --version          print the version\n";

/* Consumes the global options at the front of argv; returns how many words they took, or
 * -1 after a usage message. */
static int global_opts(int argc, char **argv)
{
	enum log_level level = LOG_LEVEL_INFO;
	bool to_syslog = false;
	int i = 1;
	while (i < argc) {
		if (strcmp(argv[i], "--syslog") == 0) {
			to_syslog = true;
			i++;
		} else if (strcmp(argv[i], "--log-level") == 0) {
			if (i + 1 >= argc || log_level_parse(argv[i + 1], &level) != 0) {
				cmd_usage_error("m2mon",
						"--log-level needs one of error, warn, info, debug, trace");
				return -1;
			}
			i += 2;
		} else {
			break;
		}
	}
	log_setup(level, to_syslog, "m2mon");
	return i - 1;
}

/* A process started by `m2mon demo` (or anything that sets M2MON_PARENT_PID) ends with its
 * parent: SIGTERM when the parent dies, even by SIGKILL. The parent may have died before the
 * prctl took hold, so its pid is checked after it. Returns false when the parent is gone. */
static bool follow_parent(void)
{
	const char *want = getenv("M2MON_PARENT_PID");
	if (!want)
		return true;
	char *end;
	long pid = strtol(want, &end, 10);
	bool number = end != want && !*end;
	unsetenv("M2MON_PARENT_PID"); /* for this process only, not for what it starts */
	if (!number || pid <= 1)
		return true;
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if ((long)getppid() == pid)
		return true;
	fprintf(stderr, "m2mon: the process that started this one (pid %ld) is gone; not starting\n", pid);
	return false;
}

int main(int argc, char **argv)
{
	if (!follow_parent())
		return M2_EXIT_FAIL;
	/* With TZ unset, glibc stats /etc/localtime on every localtime() call, which libgammu
	 * makes for each PDU (a third of the encode time); naming the file loads it once. */
	setenv("TZ", ":/etc/localtime", 0);
	tzset();
	int used = global_opts(argc, argv);
	if (used < 0)
		return M2_EXIT_USAGE;
	argv[used] = argv[0];
	argc -= used;
	argv += used;
	int rc = cmd_dispatch("m2mon", M2MON_VERSION, commands, sizeof(commands) / sizeof(commands[0]), argc,
			      argv, stdout, stderr);
	if (rc == M2_EXIT_OK && argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0))
		fputs(global_options, stdout);
	return rc;
}
