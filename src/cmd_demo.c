/* `m2mon demo`: a simulated site end to end. Not built yet: it says so and fails. */
#include "cmd.h"
#include "commands.h"

#include <stdio.h>

const char cmd_demo_usage[] =
	"Usage: m2mon demo\n"
	"\n"
	"Runs a simulated site end to end: a virtual network, a unit and a base station.\n";

int cmd_demo(int argc, char **argv)
{
	(void)argv;
	if (argc > 1)
		return cmd_usage_error("m2mon demo", "unexpected argument '%s'", argv[1]);
	fprintf(stderr,
		"m2mon demo: not available yet: the unit and base daemons it runs are not built in\n"
		"this version. Nothing was started.\n"
		"What works today, by hand: a simulated network and the technician commands:\n"
		"  m2mon sim --dir /tmp/site --config conf/sim.conf &\n"
		"  m2mon sms send --device /tmp/site/unit1.tty --pin 1234 +15550003001 'Cold room 4.5C'\n"
		"  m2mon sim inbox --dir /tmp/site +15550003001\n");
	return M2_EXIT_FAIL;
}
