/* The m2mon executable: one binary, subcommands listed here, each in its own file. */
#include "commands.h"
#include "core/cmd.h"

#include <stdio.h>

#ifndef M2MON_VERSION
#define M2MON_VERSION "0.0.0-dev"
#endif

static const struct cmd commands[] = {
	{ "check-config", "validate a configuration file and tell its kind", cmd_check_config_usage,
	  cmd_check_config },
	{ "demo", "run a simulated site end to end", cmd_demo_usage, cmd_demo },
	{ "ports", "list serial ports, to find the modem", cmd_ports_usage, cmd_ports },
	{ "modem", "ask a modem what it is and how its network is", cmd_modem_usage, cmd_modem },
	{ "sms", "send, list or watch SMS through a modem", cmd_sms_usage, cmd_sms },
};

int main(int argc, char **argv)
{
	return cmd_dispatch("m2mon", M2MON_VERSION, commands, sizeof(commands) / sizeof(commands[0]),
			    argc, argv, stdout, stderr);
}
