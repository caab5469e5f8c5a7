/* `m2mon check-config FILE...`: says what each configuration file is, or every problem in it. */
#include "cmd.h"
#include "commands.h"
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char cmd_check_config_usage[] =
	"Usage: m2mon check-config FILE...\n"
	"\n"
	"Checks each m2mon configuration file (base station, unit or simulator) and prints\n"
	"  FILE: valid unit configuration\n"
	"or one line per problem, naming the file, line and setting:\n"
	"  FILE:12: modem.buad: unknown setting (did you mean 'baud'?)\n"
	"\n"
	"Exit status: 0 when every file is valid, 1 when one is not, 2 on a usage error.\n";

int cmd_check_config(int argc, char **argv)
{
	int first = 1;
	if (argc > 1 && strcmp(argv[1], "--") == 0)
		first = 2;
	else if (argc > 1 && argv[1][0] == '-' && argv[1][1] != '\0')
		return cmd_usage_error("m2mon check-config", "unknown option '%s'", argv[1]);
	if (argc <= first)
		return cmd_usage_error("m2mon check-config", "missing FILE");

	int status = M2_EXIT_OK;
	struct m2_config *cfg = malloc(sizeof(*cfg));
	if (!cfg) {
		fprintf(stderr, "m2mon check-config: out of memory\n");
		return M2_EXIT_FAIL;
	}
	for (int i = first; i < argc; i++) {
		struct cfg_report rep = {0};
		if (m2_config_load(argv[i], cfg, &rep) == 0) {
			printf("%s: valid %s configuration\n", argv[i], m2_config_kind_str(cfg->kind));
			unsigned mode = m2_config_exposed(argv[i], cfg);
			if (mode)
				fprintf(stderr,
					"%s: warning: any user of this machine can %s it (mode %04o) and it "
					"holds keys: chmod o-rwx %s\n",
					argv[i], mode & S_IWOTH ? "change" : "read", mode, argv[i]);
			continue;
		}
		status = M2_EXIT_FAIL;
		int shown = rep.count < CFG_MAX_ERRORS ? rep.count : CFG_MAX_ERRORS;
		for (int k = 0; k < shown; k++)
			fprintf(stderr, "%s\n", rep.msg[k]);
		if (rep.count > shown)
			fprintf(stderr, "%s: %d more problems not shown; fix these first\n", argv[i],
				rep.count - shown);
	}
	free(cfg);
	return status;
}
