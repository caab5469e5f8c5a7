/* The PostgreSQL backend's handle: opening (the URI checked, the password kept out of logs,
 * a random session id for this handle's claims and write tokens), the main connection's
 * hooks, closing on the loop, and the backend's table of calls. */
#include "store_pg.h"

#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

int64_t store_pg_now_mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Copies [p, end) to `out` with each password=VALUE as password=***; returns what it wrote. */
static size_t copy_masked(const char *p, const char *end, char *out)
{
	size_t o = 0;
	while (p < end) {
		if ((size_t)(end - p) >= 9 && strncmp(p, "password=", 9) == 0) {
			memcpy(out + o, "password=***", 12);
			o += 12;
			p += 9;
			while (p < end && *p != '&')
				p++;
			continue;
		}
		out[o++] = *p++;
	}
	return o;
}

char *store_pg_mask_uri(const char *uri)
{
	size_t n = strlen(uri);
	/* "password=" (9) becomes "password=***" (12): at most 4/3 as long, plus "***". */
	char *out = malloc(2 * n + 16);
	if (!out)
		return NULL;
	const char *scheme = strstr(uri, "://");
	const char *at = scheme ? strchr(scheme + 3, '@') : NULL;
	const char *slash = scheme ? strchr(scheme + 3, '/') : NULL;
	const char *colon = scheme ? strchr(scheme + 3, ':') : NULL;
	size_t o = 0;
	if (at && (!slash || at < slash) && colon && colon < at) {
		/* What comes before the user's password is masked too: a "://" may stand in the
		 * query, after a password= (found by fuzz_store_pg_text). */
		o = copy_masked(uri, colon + 1, out);
		memcpy(out + o, "***", 3);
		o += 3;
		uri = at;
	}
	o += copy_masked(uri, uri + strlen(uri), out + o);
	out[o] = '\0';
	return out;
}

static void main_setup(struct pg_conn *c)
{
	store_pg_setup_main(c);
}

static void main_ready(struct pg_conn *c)
{
	store_pg_ok(c->pg);
	store_pgc_reconnected(c->pg);
}

static void main_notify(struct pg_conn *c, const char *channel)
{
	store_pgc_notify(c->pg, channel);
}

static const struct pg_conn_ops main_ops = {
	.setup = main_setup,
	.ready = main_ready,
	.notify = main_notify,
};

/* A daemon must not look a host name up on its loop (libpq would block in getaddrinfo). */
static int check_host(const char *uri, const char *path)
{
	PQconninfoOption *opts = PQconninfoParse(uri, NULL);
	if (!opts)
		return 0; /* store_pg_conn_init says what is wrong */
	const char *host = NULL, *hostaddr = NULL;
	for (PQconninfoOption *o = opts; o->keyword; o++) {
		if (strcmp(o->keyword, "host") == 0)
			host = o->val;
		if (strcmp(o->keyword, "hostaddr") == 0)
			hostaddr = o->val;
	}
	bool name = host && host[0] && host[0] != '/' && host[0] != '@' && !(hostaddr && hostaddr[0]);
	PQconninfoFree(opts);
	if (!name)
		return 0;
	log_error("store",
		  "event=db_error db=\"%s\" op=open error=\"host is a name\" hint=\"give the server's "
		  "address as hostaddr= (or a socket directory as host=): a name lookup would stall the "
		  "daemon\"",
		  path);
	return -EINVAL;
}

static void pg_free(struct store_pg *pg)
{
	free(pg->uri);
	free(pg->pub.path);
	free(pg);
}

void store_pg_maybe_free(struct store_pg *pg)
{
	if (pg->closing && pg->main.pending_closes == 0 && pg->lead.pending_closes == 0 && !pg->leader)
		pg_free(pg);
}

static void pg_close(struct store *s)
{
	struct store_pg *pg = pg_of(s);
	store_pgc_leader_stop(s);
	pg->closing = true;
	store_pg_conn_close(&pg->lead);
	store_pg_conn_close(&pg->main);
	store_pg_maybe_free(pg);
}

static void pg_defaults(struct store_pg *pg, const struct store_open_cfg *cfg)
{
	pg->loop = cfg->loop;
	pg->fault = cfg->fault;
	pg->migrate_to = cfg->migrate_to;
	pg->call_timeout_ms = cfg->call_timeout_ms > 0 ? cfg->call_timeout_ms : 30000;
	pg->connect_timeout_ms = cfg->connect_timeout_ms > 0 ? cfg->connect_timeout_ms : 10000;
	pg->statement_timeout_ms = cfg->statement_timeout_ms > 0 ? cfg->statement_timeout_ms : 30000;
	pg->claim_lease_ms = cfg->claim_lease_ms > 0 ? cfg->claim_lease_ms : 60000;
	store_base_name_of(cfg, pg->base_name);
	uint64_t r = 0;
	if (getrandom(&r, sizeof(r), 0) != (ssize_t)sizeof(r))
		r = (uint64_t)store_pg_now_mono() ^ ((uint64_t)getpid() << 32);
	pg->session = (r & INT64_MAX) | 1;
}

int store_pg_open(const struct store_open_cfg *cfg, struct store **out)
{
	if (cfg->kind != STORE_KIND_BASE) {
		log_error("store",
			  "event=db_error db=postgresql op=open error=\"%s\" hint=\"a unit's store is an "
			  "SQLite file: give its path\"",
			  store_strerror(-EPROTONOSUPPORT));
		return -EPROTONOSUPPORT;
	}
	struct store_pg *pg = calloc(1, sizeof(*pg));
	char *path = store_pg_mask_uri(cfg->path);
	char *uri = strdup(cfg->path);
	if (!pg || !path || !uri) {
		free(pg);
		free(path);
		free(uri);
		return -ENOMEM;
	}
	pg->uri = uri;
	pg->pub.ops = &store_pg_base_ops;
	pg->pub.kind = cfg->kind;
	pg->pub.read_only = cfg->read_only;
	pg->pub.path = path;
	pg_defaults(pg, cfg);
	int err = cfg->loop ? check_host(cfg->path, path) : 0;
	char options[128];
	snprintf(options, sizeof(options),
		 "-c statement_timeout=%d -c idle_in_transaction_session_timeout=%d",
		 pg->statement_timeout_ms, pg->statement_timeout_ms);
	if (!err)
		err = store_pg_conn_init(&pg->main, pg, "main", &main_ops, cfg->path, options);
	if (err) {
		pg->closing = true;
		store_pg_conn_close(&pg->main);
		if (pg->main.pending_closes == 0)
			pg_free(pg);
		return err;
	}
	store_pg_conn_start(&pg->main);
	if (!cfg->loop) {
		store_pg_conn_run_open(&pg->main, store_pg_now_mono() + pg->connect_timeout_ms +
							  pg->statement_timeout_ms);
		if (pg->main.state != PG_CONN_READY) {
			err = pg->main.state == PG_CONN_REFUSED ? pg->main.refused_err
			      : pg->main.episode_err            ? pg->main.episode_err
								: -ETIMEDOUT;
			pg_close(&pg->pub);
			return err;
		}
	}
	log_debug("store", "event=open db=\"%s\" kind=base read_only=%d loop=%d base=\"%s\"", path,
		  cfg->read_only, cfg->loop != NULL, pg->base_name);
	*out = &pg->pub;
	return 0;
}

static int pg_integrity(struct store *s, char *detail, size_t n)
{
	(void)s;
	if (detail && n)
		snprintf(detail, n, "not checked: the server checks its own pages (data_checksums)");
	return 0;
}

static void pg_watch(struct store *s, store_wake_fn fn, void *ud)
{
	struct store_pg *pg = pg_of(s);
	pg->wake = fn;
	pg->wake_ud = ud;
}

const struct store_ops store_pg_base_ops = {
	.name = "postgresql",
	.close = pg_close,
	.integrity_check = pg_integrity,
	.inbox_add = store_pgb_inbox_add,
	.inbox_pending = store_pgb_inbox_pending,
	.inbox_complete = store_pgb_inbox_complete,
	.units_load = store_pgb_units_load,
	.seq_next = store_pgb_seq_next,
	.outbox_claim = store_pgb_outbox_claim,
	.outbox_outcome = store_pgb_outbox_outcome,
	.outbox_report = store_pgb_outbox_report,
	.outbox_resend = store_pgb_outbox_resend,
	.outbox_recover = store_pgb_outbox_recover,
	.outbox_awaiting = store_pgb_outbox_awaiting,
	.outbox_get = store_pgb_outbox_get,
	.engine_load = store_pgb_engine_load,
	.write = store_pgb_write,
	.view_units = store_pgb_view_units,
	.view_latest = store_pgb_view_latest,
	.view_history = store_pgb_view_history,
	.view_events = store_pgb_view_events,
	.view_events_latest = store_pgb_view_events_latest,
	.view_incidents_open = store_pgb_view_incidents_open,
	.view_incidents_between = store_pgb_view_incidents_between,
	.view_version = store_pgb_view_version,
	.heartbeat = store_pgc_heartbeat,
	.release = store_pgc_release,
	.watch = pg_watch,
	.leader_start = store_pgc_leader_start,
	.leader_stop = store_pgc_leader_stop,
	.leader_left_ms = store_pgc_leader_left_ms,
	.view_bases = store_pgc_view_bases,
	.bases = store_pgc_bases,
};
