/* The read commands' shared steps (cmd_view.h): the base's configuration, the read-only
 * store, times and unit ids from the command line, and the errors a person meets first. */
#include "cmd_view.h"

#include "cmd.h"
#include "config.h"
#include "store_view.h"
#include "web_time.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

int cmd_view_config_opt(const struct cmd_view *v, int argc, char **argv, int *i, const char **path)
{
	if (strncmp(argv[*i], "--config=", 9) == 0) {
		*path = argv[*i] + 9;
		return 1;
	}
	if (strcmp(argv[*i], "--config") != 0)
		return 0;
	if (*i + 1 >= argc) {
		cmd_usage_error(v->prog, "--config needs the base station's configuration file");
		return -1;
	}
	*path = argv[++*i];
	return 1;
}

int cmd_view_load(struct cmd_view *v, const char *prog, const char *config_path)
{
	memset(v, 0, sizeof(*v));
	v->prog = prog;
	v->config_path = config_path;
	if (!config_path)
		return cmd_usage_error(prog, "missing --config FILE (the base station's configuration)");
	struct m2_config *cfg = malloc(sizeof(*cfg));
	struct cfg_report *rep = calloc(1, sizeof(*rep));
	int status = M2_EXIT_OK;
	if (!cfg || !rep) {
		fprintf(stderr, "%s: out of memory\n", prog);
		status = M2_EXIT_FAIL;
	} else if (m2_config_load(config_path, cfg, rep) != 0) {
		int shown = rep->count < CFG_MAX_ERRORS ? rep->count : CFG_MAX_ERRORS;
		for (int k = 0; k < shown; k++)
			fprintf(stderr, "%s\n", rep->msg[k]);
		fprintf(stderr, "%s: %s is not a valid configuration (m2mon check-config %s)\n", prog,
			config_path, config_path);
		status = M2_EXIT_FAIL;
	} else if (cfg->kind != M2_CONFIG_BASE) {
		fprintf(stderr,
			"%s: %s is a %s configuration: give the base station's, whose store holds the "
			"history\n",
			prog, config_path, m2_config_kind_str(cfg->kind));
		status = M2_EXIT_FAIL;
	} else {
		web_site_from_config(cfg, &v->site);
	}
	free(cfg);
	free(rep);
	return status;
}

int cmd_view_open(struct cmd_view *v)
{
	const char *path = v->site.store;
	struct stat st;
	/* Said here, before the store would log it as an error of its own. */
	if (strncmp(path, "postgresql:", 11) != 0 && stat(path, &st) != 0 && errno == ENOENT) {
		fprintf(stderr,
			"%s: no database at %s yet: the base station creates it when it first starts "
			"(m2mon base --config %s)\n",
			v->prog, path, v->config_path);
		return M2_EXIT_FAIL;
	}
	struct store_open_cfg cfg = {.path = path, .kind = STORE_KIND_BASE, .read_only = true};
	int err = store_open(&cfg, &v->store);
	if (err == -ESTALE) {
		fprintf(stderr,
			"%s: %s was made by an older m2mon: start the base station once to upgrade it\n",
			v->prog, path);
		return M2_EXIT_FAIL;
	}
	if (err) {
		fprintf(stderr, "%s: cannot read %s: %s\n", v->prog, path, store_strerror(err));
		return M2_EXIT_FAIL;
	}
	return M2_EXIT_OK;
}

int cmd_view_failed(const struct cmd_view *v, int err)
{
	fprintf(stderr, "%s: reading %s failed: %s\n", v->prog, v->site.store, store_strerror(err));
	return M2_EXIT_FAIL;
}

void cmd_view_close(struct cmd_view *v)
{
	store_close(v->store);
	v->store = NULL;
}

int64_t cmd_view_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int cmd_view_time(const struct cmd_view *v, const char *opt, const char *value, int64_t now_ms, int64_t *out)
{
	int err = value ? web_time_parse(value, now_ms, out) : -EINVAL;
	if (err == -ERANGE)
		return cmd_usage_error(v->prog,
				       "%s '%s': out of range (at most 366 days back, a year from 1970 on)",
				       opt, value);
	if (err)
		return cmd_usage_error(
			v->prog,
			"%s needs a duration back from now (24h, 90m, 7d) or a time (2026-11-25, "
			"2026-11-25T03:00, 2026-11-25T03:00Z)%s%s%s",
			opt, value ? ", not '" : "", value ? value : "", value ? "'" : "");
	return 0;
}

struct find_unit {
	const char *want;
	char found[STORE_UNIT_MAX];
	char heard[512];
};

static int on_unit(void *ud, const struct store_view_unit *u)
{
	struct find_unit *f = ud;
	if (strcasecmp(u->unit, f->want) == 0)
		snprintf(f->found, sizeof(f->found), "%s", u->unit);
	size_t len = strlen(f->heard);
	snprintf(f->heard + len, sizeof(f->heard) - len, "%s%s", len ? ", " : "", u->unit);
	return 0;
}

int cmd_view_unit(const struct cmd_view *v, const char *arg, char *out)
{
	struct find_unit f = {.want = arg};
	int err = store_view_units(v->store, on_unit, &f);
	if (err)
		return cmd_view_failed(v, err);
	const struct web_site_unit *cu = web_site_unit(&v->site, arg);
	if (f.found[0] || cu) {
		snprintf(out, STORE_UNIT_MAX, "%s", f.found[0] ? f.found : cu->id);
		return M2_EXIT_OK;
	}
	char configured[512] = "";
	for (size_t i = 0; i < v->site.n_units; i++) {
		size_t len = strlen(configured);
		snprintf(configured + len, sizeof(configured) - len, "%s%s", len ? ", " : "",
			 v->site.units[i].id);
	}
	fprintf(stderr, "%s: unknown unit '%s': the configuration has %s; the database has heard %s\n",
		v->prog, arg, configured[0] ? configured : "none", f.heard[0] ? f.heard : "none");
	return M2_EXIT_FAIL;
}
