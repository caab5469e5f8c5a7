/* `m2mon base --config FILE`: the base station daemon in the foreground: loads and checks the
 * file, opens the store, runs the base (src/base/) on one libuv loop until SIGTERM or SIGINT,
 * which let the step in hand finish and then exit 0. */
#include "base.h"
#include "cmd.h"
#include "commands.h"
#include "config.h"
#include "log.h"
#include "proto.h"
#include "store.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <uv.h>

#define PROG "m2mon base"

const char cmd_base_usage[] =
	"Usage: m2mon base --config FILE\n"
	"\n"
	"Runs the base station in the foreground: receives every SMS on the modems of FILE's\n"
	"`modems` (or `modem`) group and stores it before the modem deletes it, verifies and\n"
	"stores the units' messages and sends them receipts, texts alarms to the call list tier by\n"
	"tier until someone replies ACK, raises SILENT for a unit that misses its heartbeat, and\n"
	"answers the contacts' commands (STATUS, READ, SET, ACK, MUTE, WHO, HELP). Everything\n"
	"goes to `base.store`, an SQLite file or a PostgreSQL database that several bases share\n"
	"(then only the base that leads works the alarms; the others store and send, and one\n"
	"takes over when it dies: `base.cluster`); `m2mon status`, `history` and `events` read it.\n"
	"\n"
	"Logs one line per event on stderr (or syslog), at the more verbose of --log-level and the\n"
	"file's log.level; docs/operations.md says what each line means and what to do.\n"
	"SIGTERM or Ctrl-C finishes the step in hand and exits 0.\n"
	"\n"
	"Exit status: 0 after SIGTERM or SIGINT, 1 when the file or the database is unusable,\n"
	"2 on a usage error.\n";

struct run {
	uv_loop_t loop;
	uv_signal_t sig_term, sig_int;
	struct base *base;
	struct store *store;
	int status;
	bool stopping;
};

static void on_signal_closed(uv_handle_t *h)
{
	(void)h;
}

static void on_stopped(void *user_data)
{
	struct run *r = user_data;
	uv_close((uv_handle_t *)&r->sig_term, on_signal_closed);
	uv_close((uv_handle_t *)&r->sig_int, on_signal_closed);
	/* A PostgreSQL store's connections close on the loop, which then ends. */
	store_close(r->store);
	r->store = NULL;
}

static void stop(struct run *r)
{
	if (r->stopping)
		return;
	r->stopping = true;
	base_stop(r->base, on_stopped, r);
}

static void on_signal(uv_signal_t *s, int signum)
{
	struct run *r = s->data;
	log_info("base", "event=signal signal=%s", signum == SIGTERM ? "SIGTERM" : "SIGINT");
	stop(r);
}

static void on_ready(void *user_data, int result)
{
	struct run *r = user_data;
	if (result < 0) {
		r->status = M2_EXIT_FAIL;
		stop(r);
	}
}

/* The file's log level, when it is more verbose than the command line's. */
static void apply_log(const struct log_settings *ls)
{
	int current = LOG_LEVEL_ERROR;
	for (int l = LOG_LEVEL_ERROR; l <= LOG_LEVEL_TRACE; l++)
		if (log_enabled((enum log_level)l))
			current = l;
	if (ls->level > current || ls->syslog)
		log_setup((enum log_level)(ls->level > current ? ls->level : current), ls->syslog, "m2mon");
}

static int32_t local_offset_s(void)
{
	time_t now = time(NULL);
	struct tm tm;
	return localtime_r(&now, &tm) ? (int32_t)tm.tm_gmtoff : 0;
}

static int run_base(const struct base_settings *cfg)
{
	struct run r = {.status = M2_EXIT_OK};
	uv_loop_init(&r.loop);
	struct store_open_cfg scfg = {.path = cfg->store,
				      .kind = STORE_KIND_BASE,
				      .loop = &r.loop,
				      .base_name = cfg->cluster.name[0] ? cfg->cluster.name : NULL,
				      .claim_lease_ms = (int)cfg->cluster.claim_lease_ms};
	if (store_open(&scfg, &r.store) < 0) {
		uv_loop_close(&r.loop);
		return M2_EXIT_FAIL; /* the store said why */
	}
	struct base_opts opts = {
		.cfg = cfg, .store = r.store, .loop = &r.loop, .utc_offset_s = local_offset_s()};
	if (base_new(&opts, &r.base) < 0) {
		fprintf(stderr, "%s: out of memory\n", PROG);
		store_close(r.store);
		uv_run(&r.loop, UV_RUN_DEFAULT);
		uv_loop_close(&r.loop);
		return M2_EXIT_FAIL;
	}
	uv_signal_init(&r.loop, &r.sig_term);
	uv_signal_init(&r.loop, &r.sig_int);
	r.sig_term.data = r.sig_int.data = &r;
	uv_signal_start(&r.sig_term, on_signal, SIGTERM);
	uv_signal_start(&r.sig_int, on_signal, SIGINT);
	base_start(r.base, on_ready, &r);
	uv_run(&r.loop, UV_RUN_DEFAULT);
	base_free(r.base);
	if (uv_loop_close(&r.loop) != 0)
		log_warn("base", "event=loop_not_empty hint=\"a handle was left open at exit\"");
	log_info("base", "event=exit status=%d", r.status);
	return r.status;
}

int cmd_base(int argc, char **argv)
{
	const char *path = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			path = argv[++i];
		else
			return cmd_usage_error(PROG, "unexpected argument '%s'", argv[i]);
	}
	if (!path)
		return cmd_usage_error(PROG, "--config FILE is required");
	struct m2_config *cfg = malloc(sizeof(*cfg));
	struct cfg_report rep = {0};
	if (!cfg || proto_init() < 0) {
		fprintf(stderr, "%s: cannot start (out of memory, or libsodium failed)\n", PROG);
		free(cfg);
		return M2_EXIT_FAIL;
	}
	if (m2_config_load(path, cfg, &rep) < 0 || cfg->kind != M2_CONFIG_BASE) {
		for (int k = 0; k < rep.count && k < CFG_MAX_ERRORS; k++)
			fprintf(stderr, "%s\n", rep.msg[k]);
		if (rep.count == 0)
			fprintf(stderr, "%s: %s is a %s configuration, not a base's\n", PROG, path,
				m2_config_kind_str(cfg->kind));
		free(cfg);
		return M2_EXIT_FAIL;
	}
	apply_log(&cfg->log);
	m2_config_warn_exposed(path, cfg);
	char where[M2_CONFIG_PATH_MAX];
	store_redact(cfg->u.base.store, where, sizeof(where));
	log_info("base", "event=config file=\"%s\" site=\"%s\" store=\"%s\"", path, cfg->u.base.name, where);
	int rc = run_base(&cfg->u.base);
	free(cfg);
	return rc;
}
