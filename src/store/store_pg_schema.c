/* The base's schema on PostgreSQL as numbered migrations, the same numbers as SQLite's
 * (store_schema.c) meaning the same records: each version is a DO block that applies itself
 * only to an older database, and all of them run in one transaction under an advisory lock
 * with the version in the m2_schema table, so that bases starting together migrate once; a
 * newer schema, or another program's tables, is refused. Then the main connection's setup:
 * this base's run in `bases`, and LISTEN for the wake-ups. */
#include "store_pg.h"

#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PG_MIGRATE_LOCK 0x4d324d42 /* "M2MB": pg_advisory_xact_lock's key */

struct pg_migration {
	int version;
	const char *what;
	const char *body; /* plpgsql statements */
};

static const char base_v1[] =
	"CREATE TABLE meta(name text PRIMARY KEY, value bigint NOT NULL);"
	"CREATE TABLE inbox(id bigserial PRIMARY KEY, dedup bytea NOT NULL UNIQUE, pdu_hex text NOT NULL,"
	" sender text NOT NULL, scts_ms bigint NOT NULL, received_ms bigint NOT NULL, modem text NOT NULL,"
	" ref int NOT NULL, total int NOT NULL, part int NOT NULL,"
	" state text NOT NULL CHECK(state IN ('new', 'processed', 'rejected')),"
	" reason text NOT NULL DEFAULT '');"
	"CREATE INDEX inbox_new ON inbox(sender, ref, total, part) WHERE state = 'new';"
	"CREATE INDEX inbox_new_id ON inbox(id) WHERE state = 'new';"
	"CREATE TABLE units(unit text PRIMARY KEY, window_version bigint NOT NULL DEFAULT 0,"
	" replay_window bytea, last_heard_ms bigint NOT NULL DEFAULT 0, last_seq bigint NOT NULL DEFAULT 0,"
	" clock_offset_ms bigint NOT NULL DEFAULT 0, seq_end bigint NOT NULL DEFAULT 1);"
	"CREATE TABLE channels(id bigserial PRIMARY KEY, unit text NOT NULL, name text NOT NULL,"
	" UNIQUE(unit, name));"
	"CREATE TABLE readings(channel_id bigint NOT NULL REFERENCES channels(id), t_ms bigint NOT NULL,"
	" temp_c10 int, received_ms bigint NOT NULL, seq bigint NOT NULL, PRIMARY KEY(channel_id, t_ms));"
	"CREATE TABLE events(id bigserial PRIMARY KEY, t_ms bigint NOT NULL, kind text NOT NULL,"
	" unit text NOT NULL, channel text NOT NULL, incident_id bigint NOT NULL, actor text NOT NULL,"
	" value_c10 int, text text NOT NULL);"
	"CREATE INDEX events_t ON events(t_ms);"
	"CREATE INDEX events_unit_t ON events(unit, t_ms);"
	"CREATE TABLE outbox(id bigserial PRIMARY KEY, dest text NOT NULL, text text NOT NULL,"
	" kind text NOT NULL, incident_id bigint NOT NULL, created_ms bigint NOT NULL,"
	" state text NOT NULL CHECK(state IN ('queued', 'sending', 'sent', 'failed')),"
	" attempts int NOT NULL DEFAULT 0, next_ms bigint NOT NULL, modem text NOT NULL DEFAULT '',"
	" mr bytea NOT NULL DEFAULT '', sent_ms bigint NOT NULL DEFAULT 0,"
	" report text NOT NULL DEFAULT 'none' CHECK(report IN ('none', 'delivered', 'failed')),"
	" report_ms bigint NOT NULL DEFAULT 0, possibly_duplicate boolean NOT NULL DEFAULT false,"
	" error text NOT NULL DEFAULT '');"
	"CREATE INDEX outbox_due ON outbox(next_ms, id) WHERE state = 'queued';"
	"CREATE INDEX outbox_sending ON outbox(id) WHERE state = 'sending';"
	"CREATE INDEX outbox_awaiting ON outbox(id) WHERE state = 'sent' AND report = 'none';";

static const char base_v2[] =
	"CREATE TABLE incidents(id bigint PRIMARY KEY, state text NOT NULL, before_clear text NOT NULL,"
	" unit text NOT NULL, channel int NOT NULL, channel_name text NOT NULL, kind text NOT NULL,"
	" critical boolean NOT NULL, normal_raised boolean NOT NULL, has_value boolean NOT NULL,"
	" value_c10 int NOT NULL, threshold_c10 int NOT NULL, since_ms bigint NOT NULL,"
	" opened_ms bigint NOT NULL, cleared_ms bigint NOT NULL, ladder_ms bigint NOT NULL,"
	" notified bigint NOT NULL, told bigint NOT NULL, capped bigint NOT NULL,"
	" reminders bigint NOT NULL, acked_by int NOT NULL, acked_ms bigint NOT NULL,"
	" reopened bigint NOT NULL, closed_ms bigint NOT NULL);"
	"CREATE INDEX incidents_open ON incidents(id) WHERE closed_ms = 0;"
	"CREATE INDEX incidents_unit ON incidents(unit, opened_ms);"
	"CREATE TABLE mutes(unit text NOT NULL, channel int NOT NULL, until_ms bigint NOT NULL,"
	" PRIMARY KEY(unit, channel));"
	"CREATE TABLE contacts(idx int PRIMARY KEY, number text NOT NULL, name text NOT NULL);"
	"CREATE TABLE blobs(name text PRIMARY KEY, version bigint NOT NULL, data bytea NOT NULL);";

/* Several bases: their heartbeats and runs, the leader's epoch and lease, the outbox's
 * claims with their leases, the token of the call that stored an inbox row, the writes' tokens (a write sent
 * again after a lost connection is recognised), the fencing check, and the wake-ups. */
static const char base_v3[] =
	"CREATE TABLE bases(name text PRIMARY KEY, epoch bigint NOT NULL, modems_up int NOT NULL DEFAULT 0,"
	" modems int NOT NULL DEFAULT 0, last_seen timestamptz NOT NULL, started timestamptz NOT NULL);"
	"CREATE TABLE leader(id int PRIMARY KEY CHECK(id = 1), epoch bigint NOT NULL, holder text NOT NULL,"
	" lease_until timestamptz NOT NULL, since timestamptz NOT NULL);"
	"ALTER TABLE outbox ADD COLUMN claimed_by text NOT NULL DEFAULT '',"
	" ADD COLUMN claim_epoch bigint NOT NULL DEFAULT 0, ADD COLUMN claim_session bigint NOT NULL DEFAULT "
	"0,"
	" ADD COLUMN claim_seq bigint NOT NULL DEFAULT 0, ADD COLUMN lease_until timestamptz;"
	"ALTER TABLE inbox ADD COLUMN ins_token bigint NOT NULL DEFAULT 0;"
	"CREATE TABLE m2_tx(session bigint PRIMARY KEY, seq bigint NOT NULL, result bigint NOT NULL DEFAULT "
	"0,"
	" at timestamptz NOT NULL);"
	"CREATE FUNCTION m2_tx_once(s bigint, q bigint) RETURNS void LANGUAGE plpgsql AS $f$ BEGIN"
	" INSERT INTO m2_tx(session, seq, result, at) VALUES (s, q, 0, now()) ON CONFLICT (session)"
	" DO UPDATE SET seq = excluded.seq, result = 0, at = excluded.at WHERE m2_tx.seq < excluded.seq;"
	" IF NOT FOUND THEN RAISE EXCEPTION USING ERRCODE = 'M2T01',"
	" MESSAGE = 'this write was committed before'; END IF; END $f$;"
	"CREATE FUNCTION m2_leader_check(e bigint) RETURNS void LANGUAGE plpgsql AS $f$ BEGIN"
	" PERFORM 1 FROM leader WHERE id = 1 AND epoch = e AND lease_until > clock_timestamp() FOR SHARE;"
	" IF NOT FOUND THEN RAISE EXCEPTION USING ERRCODE = 'M2L01',"
	" MESSAGE = 'epoch ' || e || ' is not the alarm leader''s'; END IF; END $f$;"
	"CREATE FUNCTION m2_assert(ok boolean, what text) RETURNS void LANGUAGE plpgsql AS $f$ BEGIN"
	" IF NOT ok THEN RAISE EXCEPTION USING ERRCODE = 'M2N01', MESSAGE = what; END IF; END $f$;"
	"CREATE FUNCTION m2_notify() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN"
	" PERFORM pg_notify(TG_ARGV[0], ''); RETURN NULL; END $f$;"
	"CREATE TRIGGER outbox_queued AFTER INSERT OR UPDATE OF state ON outbox FOR EACH ROW"
	" WHEN (NEW.state = 'queued') EXECUTE FUNCTION m2_notify('m2_outbox');"
	"CREATE TRIGGER inbox_added AFTER INSERT ON inbox FOR EACH STATEMENT"
	" EXECUTE FUNCTION m2_notify('m2_inbox');";

static const struct pg_migration migrations[] = {
	{1, "inbox, units, readings, events, outbox", base_v1},
	{2, "alarm engine state", base_v2},
	{3, "several bases: heartbeats, leader, claims", base_v3},
};

#define N_MIGRATIONS (sizeof(migrations) / sizeof(migrations[0]))

/* ---- the schema job ---- */

struct schema_job {
	struct pg_job job;
	struct pg_conn *c;
	bool read_only;
	int64_t from, to;
};

/* The read-write job's statement that returns the version before the migrations. */
#define SCHEMA_FROM_STMT 4

static int schema_result(struct pg_job *j, size_t stmt, PGresult *r)
{
	struct schema_job *s = (struct schema_job *)j;
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		return 0;
	int64_t v = PQntuples(r) > 0 ? store_pg_int(r, 0, 0) : 0;
	if (s->read_only || stmt == SCHEMA_FROM_STMT)
		s->from = v;
	s->to = v;
	return 0;
}

static char *migration_sql(const struct pg_migration *m)
{
#define MIGRATION_FMT                                                                                        \
	"DO $m$ BEGIN IF (SELECT version FROM m2_schema WHERE kind = 'base') < %d"                           \
	" AND current_setting('m2.target')::int >= %d THEN %s"                                               \
	" UPDATE m2_schema SET version = %d WHERE kind = 'base'; END IF; END $m$"
	size_t n = sizeof(MIGRATION_FMT) + strlen(m->body) + 64;
	char *sql = malloc(n);
	if (sql)
		snprintf(sql, n, MIGRATION_FMT, m->version, m->version, m->body, m->version);
	return sql;
}

static char *newer_check_sql(void)
{
	char *sql = malloc(512);
	int latest = store_schema_latest(STORE_KIND_BASE);
	if (sql)
		snprintf(sql, 512,
			 "DO $m$ BEGIN IF EXISTS (SELECT 1 FROM m2_schema WHERE kind <> 'base') THEN"
			 " RAISE EXCEPTION USING ERRCODE = 'M2E01', MESSAGE = 'not a base database';"
			 " END IF; IF (SELECT version FROM m2_schema WHERE kind = 'base') > %d THEN"
			 " RAISE EXCEPTION USING ERRCODE = 'M2E02', MESSAGE = 'schema newer than %d'; END IF;"
			 " END $m$",
			 latest, latest);
	return sql;
}

static void setup_join(struct pg_conn *c);
static void setup_listen(struct pg_conn *c);

/* A setup job that failed: the database refuses us, or the connection went (retried). */
static void setup_failed(struct pg_conn *c, int err, const char *sqlstate)
{
	if (c->state != PG_CONN_SETUP)
		return; /* dropped meanwhile: the next connection sets up again */
	switch (err) {
	case -ENOTSUP:
	case -EMEDIUMTYPE:
	case -ESTALE:
	case -EACCES:
	case -EROFS:
		store_pg_conn_refuse(c, err);
		return;
	default: {
		char why[64];
		snprintf(why, sizeof(why), "setup failed (SQLSTATE %s)", sqlstate);
		store_pg_conn_drop(c, err, why);
		return;
	}
	}
}

static int schema_outcome(struct store_pg *pg, struct schema_job *s)
{
	int latest = store_schema_latest(STORE_KIND_BASE);
	if (s->to > latest)
		return -ENOTSUP;
	if (s->read_only && s->to < latest)
		return -ESTALE;
	if (!s->read_only && s->from == 0 && s->to > 0)
		log_info("store", "event=db_created db=\"%s\" kind=base schema=%lld", pg->pub.path,
			 (long long)s->to);
	else if (!s->read_only && s->to > s->from)
		log_info("store",
			 "event=schema_upgraded db=\"%s\" kind=base from=%lld version=%lld adds=\"%s\"",
			 pg->pub.path, (long long)s->from, (long long)s->to,
			 s->to >= 1 && s->to <= (int64_t)N_MIGRATIONS ? migrations[s->to - 1].what : "");
	pg->pub.schema_version = (int)s->to;
	return 0;
}

static void schema_finish(struct pg_job *j, int err)
{
	struct schema_job *s = (struct schema_job *)j;
	struct pg_conn *c = s->c;
	if (!err && c->state == PG_CONN_SETUP)
		err = schema_outcome(c->pg, s);
	char state[6];
	memcpy(state, j->sqlstate, sizeof(state));
	store_pg_job_free(j);
	if (err == -ECANCELED)
		return;
	if (err) {
		setup_failed(c, err, state);
		return;
	}
	setup_join(c);
	setup_listen(c);
}

static void setup_schema(struct pg_conn *c)
{
	struct store_pg *pg = c->pg;
	struct schema_job *s = store_pg_job_new(sizeof(*s), "migrate", schema_result, schema_finish);
	if (!s) {
		store_pg_conn_drop(c, -ENOMEM, "out of memory");
		return;
	}
	struct pg_job *j = &s->job;
	s->c = c;
	s->read_only = pg->pub.read_only;
	if (s->read_only) {
		store_pg_stmt(j, "SELECT version FROM m2_schema WHERE kind = 'base'");
		store_pg_submit_setup(c, j);
		return;
	}
	struct pg_stmt *st = store_pg_stmt(j, "SELECT pg_advisory_xact_lock($1)");
	store_pg_p_int(j, st, PG_MIGRATE_LOCK);
	store_pg_stmt(j,
		      "DO $m$ BEGIN IF to_regclass('m2_schema') IS NULL AND EXISTS (SELECT 1 FROM pg_tables"
		      " WHERE schemaname = current_schema()) THEN RAISE EXCEPTION USING ERRCODE = 'M2E01',"
		      " MESSAGE = 'tables of another program and no m2mon schema'; END IF; END $m$");
	store_pg_stmt(j, "CREATE TABLE IF NOT EXISTS m2_schema(kind text PRIMARY KEY, version int NOT NULL)");
	store_pg_stmt(j, "INSERT INTO m2_schema VALUES ('base', 0) ON CONFLICT DO NOTHING");
	store_pg_stmt(j, "SELECT version FROM m2_schema WHERE kind = 'base'"); /* SCHEMA_FROM_STMT */
	store_pg_stmt_owned(j, newer_check_sql());
	st = store_pg_stmt(j, "SELECT set_config('m2.target', $1, true)");
	store_pg_p_int(j, st, pg->migrate_to > 0 ? pg->migrate_to : store_schema_latest(STORE_KIND_BASE));
	for (size_t i = 0; i < N_MIGRATIONS; i++)
		store_pg_stmt_owned(j, migration_sql(&migrations[i]));
	store_pg_stmt(j, "SELECT version FROM m2_schema WHERE kind = 'base'");
	store_pg_submit_setup(c, j);
}

/* ---- this base's run ---- */

struct join_job {
	struct pg_job job;
	struct pg_conn *c;
	int64_t epoch;
	int64_t seen_ago_ms; /* -1: no earlier row */
};

static int join_result(struct pg_job *j, size_t stmt, PGresult *r)
{
	struct join_job *jj = (struct join_job *)j;
	if (stmt != 0 || PQntuples(r) != 1)
		return 0;
	jj->epoch = store_pg_int(r, 0, 0);
	jj->seen_ago_ms = store_pg_isnull(r, 0, 1) ? -1 : store_pg_int(r, 0, 1);
	return 0;
}

static void join_finish(struct pg_job *j, int err)
{
	struct join_job *jj = (struct join_job *)j;
	struct pg_conn *c = jj->c;
	struct store_pg *pg = c->pg;
	if (!err && jj->epoch > 0) {
		pg->base_epoch = jj->epoch;
		if (jj->seen_ago_ms >= 0 && jj->seen_ago_ms < 3 * STORE_HEARTBEAT_MS)
			log_warn(
				"store",
				"event=base_name_in_use db=\"%s\" base=\"%s\" seen_ms_ago=%lld hint=\"unless "
				"this base just restarted, another one runs with its name: give every base "
				"its own name\"",
				pg->pub.path, pg->base_name, (long long)jj->seen_ago_ms);
		log_info("store", "event=base_joined db=\"%s\" base=\"%s\" run=%lld", pg->pub.path,
			 pg->base_name, (long long)jj->epoch);
	}
	char state[6];
	memcpy(state, j->sqlstate, sizeof(state));
	store_pg_job_free(j);
	if (err && err != -ECANCELED)
		setup_failed(c, err, state);
}

static void setup_join(struct pg_conn *c)
{
	struct store_pg *pg = c->pg;
	if (pg->pub.read_only || pg->pub.schema_version < 3)
		return;
	struct pg_stmt *st;
	if (pg->base_epoch > 0) {
		/* A reconnect keeps the run (the claims made before are still ours): the new
		 * session learns it again. Calls built before they knew it read it from there. */
		struct join_job *jj = store_pg_job_new(sizeof(*jj), "join", NULL, join_finish);
		if (!jj) {
			store_pg_conn_drop(c, -ENOMEM, "out of memory");
			return;
		}
		jj->c = c;
		st = store_pg_stmt(&jj->job, "SELECT set_config('m2.run', $1, false)");
		store_pg_p_int(&jj->job, st, pg->base_epoch);
		store_pg_submit_setup(c, &jj->job);
		return;
	}
	struct join_job *jj = store_pg_job_new(sizeof(*jj), "join", join_result, join_finish);
	if (!jj) {
		store_pg_conn_drop(c, -ENOMEM, "out of memory");
		return;
	}
	jj->c = c;
	st = store_pg_stmt(
		&jj->job,
		"WITH old AS (SELECT last_seen FROM bases WHERE name = $1)"
		" INSERT INTO bases AS b(name, epoch, last_seen, started) VALUES ($1, 1, now(), now())"
		" ON CONFLICT (name) DO UPDATE SET epoch = b.epoch + 1, started = now(), last_seen = now()"
		" RETURNING epoch, (SELECT (extract(epoch FROM now() - last_seen) * 1000)::bigint FROM old)");
	store_pg_p_text(&jj->job, st, pg->base_name);
	st = store_pg_stmt(&jj->job,
			   "SELECT set_config('m2.run', epoch::text, false) FROM bases WHERE name = $1");
	store_pg_p_text(&jj->job, st, pg->base_name);
	store_pg_stmt(&jj->job, "DELETE FROM m2_tx WHERE at < now() - interval '7 days'");
	store_pg_submit_setup(c, &jj->job);
}

static void listen_finish(struct pg_job *j, int err)
{
	struct pg_conn *c = *(struct pg_conn **)(j + 1);
	char state[6];
	memcpy(state, j->sqlstate, sizeof(state));
	store_pg_job_free(j);
	if (err && err != -ECANCELED)
		setup_failed(c, err, state);
}

static void setup_listen(struct pg_conn *c)
{
	if (!c->pg->loop)
		return;
	struct pg_job *j = store_pg_job_new(sizeof(*j) + sizeof(c), "listen", NULL, listen_finish);
	if (!j) {
		store_pg_conn_drop(c, -ENOMEM, "out of memory");
		return;
	}
	*(struct pg_conn **)(j + 1) = c;
	store_pg_stmt(j, "LISTEN m2_outbox");
	store_pg_stmt(j, "LISTEN m2_inbox");
	store_pg_submit_setup(c, j);
}

void store_pg_setup_main(struct pg_conn *c)
{
	setup_schema(c);
}
