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
	{ "sim", "run the simulated cellular network, or talk to it", cmd_sim_usage, cmd_sim },
};

int main(int argc, char **argv)
{
	return cmd_dispatch("m2mon", M2MON_VERSION, commands, sizeof(commands) / sizeof(commands[0]),
			    argc, argv, stdout, stderr);
}
