/* The subcommand dispatcher: finds the entry, prints help and version, and turns every
 * command-line mistake into one clear message and exit status 2. */
#include "cmd.h"

#include <stdarg.h>
#include <string.h>

int cmd_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return 0;
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return 1;
	}
	return 0;
}

int cmd_usage_error(const char *prog, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "%s: ", prog);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help'.\n", prog);
	return M2_EXIT_USAGE;
}

static void list_commands(const char *prog, const struct cmd *cmds, size_t n, FILE *out)
{
	size_t width = 0;
	for (size_t i = 0; i < n; i++)
		if (strlen(cmds[i].name) > width)
			width = strlen(cmds[i].name);
	fprintf(out, "Usage: %s COMMAND [ARGS]...\n\nCommands:\n", prog);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "  %-*s  %s\n", (int)width, cmds[i].name, cmds[i].summary);
	fprintf(out, "\nRun '%s COMMAND --help' for the options of one command.\n", prog);
}

int cmd_dispatch(const char *prog, const char *version, const struct cmd *cmds, size_t n, int argc,
		 char **argv, FILE *out, FILE *err)
{
	if (argc < 2) {
		fprintf(err, "%s: missing command\nTry '%s --help'.\n", prog, prog);
		return M2_EXIT_USAGE;
	}
	const char *name = argv[1];
	if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
		list_commands(prog, cmds, n, out);
		return M2_EXIT_OK;
	}
	if (version && strcmp(name, "--version") == 0) {
		fprintf(out, "%s %s\n", prog, version);
		return M2_EXIT_OK;
	}
	if (name[0] == '-') {
		fprintf(err, "%s: unknown option '%s'\nTry '%s --help'.\n", prog, name, prog);
		return M2_EXIT_USAGE;
	}
	for (size_t i = 0; i < n; i++) {
		if (strcmp(cmds[i].name, name) != 0)
			continue;
		/* `SUB --help` shows the entry's usage, unless SUB dispatches further itself
		 * (no usage text), in which case its own dispatcher lists its commands. */
		if (cmds[i].usage && cmd_wants_help(argc - 1, argv + 1)) {
			fputs(cmds[i].usage, out);
			return M2_EXIT_OK;
		}
		return cmds[i].run(argc - 1, argv + 1);
	}
	fprintf(err, "%s: unknown command '%s'\nTry '%s --help'.\n", prog, name, prog);
	return M2_EXIT_USAGE;
}
