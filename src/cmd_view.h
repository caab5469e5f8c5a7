/* What the read commands (`m2mon status`, `history`, `events`, `web`) share: the base's
 * configuration read for its site (store path, units, contacts), the store opened
 * read-only beside the running daemon, times given on the command line, and errors said
 * once, in words a person can act on. */
#ifndef M2_CMD_VIEW_H
#define M2_CMD_VIEW_H

#include "store.h"
#include "web_site.h"

#include <stdint.h>

struct cmd_view {
	const char *prog; /* "m2mon status" */
	const char *config_path;
	struct web_site site;
	struct store *store;
};

/* Loads `config_path` (NULL: prints that --config is missing and returns M2_EXIT_USAGE),
 * which must be a base station's configuration; prints every problem. Returns an M2_EXIT_*. */
int cmd_view_load(struct cmd_view *v, const char *prog, const char *config_path);

/* Opens the site's store read-only; when it cannot, says why and what to do (no database
 * yet, an older schema...). Returns an M2_EXIT_*. */
int cmd_view_open(struct cmd_view *v);

/* Prints a store error met while reading and returns M2_EXIT_FAIL. */
int cmd_view_failed(const struct cmd_view *v, int err);

void cmd_view_close(struct cmd_view *v);

/* The wall clock in epoch milliseconds. */
int64_t cmd_view_now_ms(void);

/* Reads the value of `opt` (--since, --until) with web_time_parse; a usage error names the
 * forms it takes. Returns 0 or M2_EXIT_USAGE. */
int cmd_view_time(const struct cmd_view *v, const char *opt, const char *value, int64_t now_ms, int64_t *out);

/* Finds `arg` among the configured units and those the store has heard (ignoring case) and
 * copies its id into `out` (STORE_UNIT_MAX bytes). An unknown one is said, with the units
 * there are. Returns an M2_EXIT_*. */
int cmd_view_unit(const struct cmd_view *v, const char *arg, char *out);

/* When argv[*i] is `--config FILE` or `--config=FILE`, takes FILE (advancing *i) and returns
 * 1; returns 0 for another argument, -1 after a usage message when FILE is missing. */
int cmd_view_config_opt(const struct cmd_view *v, int argc, char **argv, int *i, const char **path);

#endif
