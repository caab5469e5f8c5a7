/* Subcommand dispatch for the m2mon command line: `m2mon [--help|--version] SUB [ARGS]`,
 * nested (`m2mon sms send ...`) by calling cmd_dispatch again from a subcommand. */
#ifndef M2_CMD_H
#define M2_CMD_H

#include <stddef.h>
#include <stdio.h>

enum {
	M2_EXIT_OK = 0,
	M2_EXIT_FAIL = 1,  /* the command ran and failed: bad config, modem refused, timeout */
	M2_EXIT_USAGE = 2, /* the command line itself is wrong */
};

struct cmd {
	const char *name;
	const char *summary; /* one line, shown by `--help` of the parent */
	const char *usage;   /* full help, shown by `NAME --help`; starts with the synopsis */
	/* argv[0] is the subcommand's name; returns an M2_EXIT_* status. */
	int (*run)(int argc, char **argv);
};

/* Runs the entry of `cmds` named by argv[1]. `prog` is the command path shown in messages
 * ("m2mon", "m2mon sms"). Handles `--help`/`-h` (list of subcommands on `out`), `--version`
 * when `version` is not NULL, and `NAME --help` (that entry's usage on `out`) itself.
 * Returns the subcommand's status, M2_EXIT_OK for help and version, or M2_EXIT_USAGE with a
 * message on `err` for a missing or unknown subcommand or option. */
int cmd_dispatch(const char *prog, const char *version, const struct cmd *cmds, size_t n, int argc,
		 char **argv, FILE *out, FILE *err);

/* Prints "PROG: MESSAGE\nTry 'PROG --help'.\n" on stderr and returns M2_EXIT_USAGE. */
int cmd_usage_error(const char *prog, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* True when argv holds `--help` or `-h` before any `--`. */
int cmd_wants_help(int argc, char **argv);

#endif
