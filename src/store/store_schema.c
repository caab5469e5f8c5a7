/* The schemas of both kinds of database as numbered migrations kept as data: each version is
 * a list of SQL steps run in one transaction that ends by setting PRAGMA user_version. The
 * numbers are shared with every backend: a PostgreSQL backend gets its own steps under the
 * same numbers, meaning the same records. A step is never edited once released: a change is
 * a new version. */
#include "store_sqlite.h"

#include "log.h"

#include <stdio.h>

struct sq_migration {
	int version;
	const char *what; /* for the log line of the upgrade */
	const char *const *steps;
};

/* ---- the unit ---- */

static const char *const unit_v1[] = {
	"PRAGMA application_id = 1295142229", /* "M2MU" */
	/* Counters and times: seq_end (numbers below it are reserved), receipt_ms, receipt_base_ms. */
	"CREATE TABLE meta(name TEXT PRIMARY KEY, value INTEGER NOT NULL) STRICT",
	/* Readings not yet in a batch; temp_c10 NULL is a probe fault. */
	"CREATE TABLE readings(id INTEGER PRIMARY KEY, channel INTEGER NOT NULL CHECK(channel BETWEEN 0 AND "
	"255),"
	" t_ms INTEGER NOT NULL, temp_c10 INTEGER) STRICT",
	/* Every message until a receipt covers it (seq NULL: a text to a phone). */
	"CREATE TABLE outbox(id INTEGER PRIMARY KEY, seq INTEGER UNIQUE, kind INTEGER NOT NULL,"
	" dest TEXT NOT NULL, text TEXT NOT NULL, created_ms INTEGER NOT NULL,"
	" attempts INTEGER NOT NULL DEFAULT 0, next_ms INTEGER NOT NULL,"
	" state TEXT NOT NULL CHECK(state IN ('queued', 'sent')),"
	" fallback_ms INTEGER NOT NULL DEFAULT 0) STRICT",
	NULL,
};

static const char *const unit_v2[] = {
	"CREATE INDEX outbox_due ON outbox(next_ms, id)",
	/* Alarm channels' state and the base's replay window, with their layout. */
	"CREATE TABLE blobs(name TEXT PRIMARY KEY, version INTEGER NOT NULL, data BLOB NOT NULL) STRICT",
	"CREATE TABLE settings(name TEXT PRIMARY KEY, value INTEGER NOT NULL, text TEXT NOT NULL,"
	" changed_ms INTEGER NOT NULL, changed_by TEXT NOT NULL) STRICT",
	"CREATE TABLE pins(number TEXT PRIMARY KEY, failures INTEGER NOT NULL,"
	" last_failure_ms INTEGER NOT NULL, locked_until_ms INTEGER NOT NULL) STRICT",
	NULL,
};

static const char *const unit_v3[] = {
	/* The messages acted on, by their store_dedup_key, so a copy left on the modem is only
	 * deleted; the READs accepted and not answered yet (number '' for the base's). */
	"CREATE TABLE handled(id INTEGER PRIMARY KEY, dedup BLOB NOT NULL UNIQUE,"
	" handled_ms INTEGER NOT NULL) STRICT",
	"CREATE TABLE reads(id INTEGER PRIMARY KEY, base INTEGER NOT NULL, cmd_id INTEGER NOT NULL,"
	" number TEXT NOT NULL, channel INTEGER NOT NULL, asked_ms INTEGER NOT NULL) STRICT",
	NULL,
};

static const struct sq_migration unit_migrations[] = {
	{1, "outbox, readings, sequence counter, receipts", unit_v1},
	{2, "alarm state, SMS settings, PIN lockouts", unit_v2},
	{3, "messages acted on, READs owed", unit_v3},
};

/* ---- the base ---- */

static const char *const base_v1[] = {
	"PRAGMA application_id = 1295142210", /* "M2MB" */
	"CREATE TABLE meta(name TEXT PRIMARY KEY, value INTEGER NOT NULL) STRICT",
	/* Every SMS before the modem deletes it; dedup is the SHA-256 key (store_dedup_key). */
	"CREATE TABLE inbox(id INTEGER PRIMARY KEY, dedup BLOB NOT NULL UNIQUE, pdu_hex TEXT NOT NULL,"
	" sender TEXT NOT NULL, scts_ms INTEGER NOT NULL, received_ms INTEGER NOT NULL,"
	" modem TEXT NOT NULL, ref INTEGER NOT NULL, total INTEGER NOT NULL, part INTEGER NOT NULL,"
	" state TEXT NOT NULL CHECK(state IN ('new', 'processed', 'rejected')),"
	" reason TEXT NOT NULL DEFAULT '') STRICT",
	"CREATE INDEX inbox_new ON inbox(sender, ref, total, part) WHERE state = 'new'",
	/* Per unit: the replay window, heard, seq, clock, and the base's own seq reservation. */
	"CREATE TABLE units(unit TEXT PRIMARY KEY, window_version INTEGER NOT NULL DEFAULT 0, window BLOB,"
	" last_heard_ms INTEGER NOT NULL DEFAULT 0, last_seq INTEGER NOT NULL DEFAULT 0,"
	" clock_offset_ms INTEGER NOT NULL DEFAULT 0, seq_end INTEGER NOT NULL DEFAULT 1) STRICT",
	"CREATE TABLE channels(id INTEGER PRIMARY KEY, unit TEXT NOT NULL, name TEXT NOT NULL,"
	" UNIQUE(unit, name)) STRICT",
	/* Clustered by channel and time: a history is one range scan. temp_c10 NULL: a fault. */
	"CREATE TABLE readings(channel_id INTEGER NOT NULL REFERENCES channels(id), t_ms INTEGER NOT NULL,"
	" temp_c10 INTEGER, received_ms INTEGER NOT NULL, seq INTEGER NOT NULL,"
	" PRIMARY KEY(channel_id, t_ms)) STRICT, WITHOUT ROWID",
	"CREATE TABLE events(id INTEGER PRIMARY KEY, t_ms INTEGER NOT NULL, kind TEXT NOT NULL,"
	" unit TEXT NOT NULL, channel TEXT NOT NULL, incident_id INTEGER NOT NULL, actor TEXT NOT NULL,"
	" value_c10 INTEGER, text TEXT NOT NULL) STRICT",
	"CREATE INDEX events_t ON events(t_ms)",
	"CREATE INDEX events_unit_t ON events(unit, t_ms)",
	"CREATE TABLE outbox(id INTEGER PRIMARY KEY, dest TEXT NOT NULL, text TEXT NOT NULL,"
	" kind TEXT NOT NULL, incident_id INTEGER NOT NULL, created_ms INTEGER NOT NULL,"
	" state TEXT NOT NULL CHECK(state IN ('queued', 'sending', 'sent', 'failed')),"
	" attempts INTEGER NOT NULL DEFAULT 0, next_ms INTEGER NOT NULL, modem TEXT NOT NULL DEFAULT '',"
	" mr BLOB NOT NULL DEFAULT x'', sent_ms INTEGER NOT NULL DEFAULT 0,"
	" report TEXT NOT NULL DEFAULT 'none' CHECK(report IN ('none', 'delivered', 'failed')),"
	" report_ms INTEGER NOT NULL DEFAULT 0, possibly_duplicate INTEGER NOT NULL DEFAULT 0,"
	" error TEXT NOT NULL DEFAULT '') STRICT",
	"CREATE INDEX outbox_due ON outbox(next_ms, id) WHERE state = 'queued'",
	"CREATE INDEX outbox_sending ON outbox(id) WHERE state = 'sending'",
	"CREATE INDEX outbox_awaiting ON outbox(id) WHERE state = 'sent' AND report = 'none'",
	NULL,
};

static const char *const base_v2[] = {
	/* The alarm engine's incidents (kept after they close: alarm periods), mutes, the call
	 * list the masks refer to, and its counters as a blob. */
	"CREATE TABLE incidents(id INTEGER PRIMARY KEY, state TEXT NOT NULL, before_clear TEXT NOT NULL,"
	" unit TEXT NOT NULL, channel INTEGER NOT NULL, channel_name TEXT NOT NULL, kind TEXT NOT NULL,"
	" critical INTEGER NOT NULL, normal_raised INTEGER NOT NULL, has_value INTEGER NOT NULL,"
	" value_c10 INTEGER NOT NULL, threshold_c10 INTEGER NOT NULL, since_ms INTEGER NOT NULL,"
	" opened_ms INTEGER NOT NULL, cleared_ms INTEGER NOT NULL, ladder_ms INTEGER NOT NULL,"
	" notified INTEGER NOT NULL, told INTEGER NOT NULL, capped INTEGER NOT NULL,"
	" reminders INTEGER NOT NULL, acked_by INTEGER NOT NULL, acked_ms INTEGER NOT NULL,"
	" reopened INTEGER NOT NULL, closed_ms INTEGER NOT NULL) STRICT",
	"CREATE INDEX incidents_open ON incidents(id) WHERE closed_ms = 0",
	"CREATE INDEX incidents_unit ON incidents(unit, opened_ms)",
	"CREATE TABLE mutes(unit TEXT NOT NULL, channel INTEGER NOT NULL, until_ms INTEGER NOT NULL,"
	" PRIMARY KEY(unit, channel)) STRICT",
	"CREATE TABLE contacts(idx INTEGER PRIMARY KEY, number TEXT NOT NULL, name TEXT NOT NULL) STRICT",
	"CREATE TABLE blobs(name TEXT PRIMARY KEY, version INTEGER NOT NULL, data BLOB NOT NULL) STRICT",
	NULL,
};

/* Several bases share PostgreSQL only; the one base of a file keeps its heartbeat row for
 * the tools. */
static const char *const base_v3[] = {
	"CREATE TABLE bases(name TEXT PRIMARY KEY, modems_up INTEGER NOT NULL, modems INTEGER NOT NULL,"
	" last_seen_ms INTEGER NOT NULL, started_ms INTEGER NOT NULL) STRICT",
	NULL,
};

static const struct sq_migration base_migrations[] = {
	{1, "inbox, units, readings, events, outbox", base_v1},
	{2, "alarm engine state", base_v2},
	{3, "several bases: heartbeats", base_v3},
};

static const struct sq_migration *sq_migrations(enum store_kind kind, size_t *n)
{
	switch (kind) {
	case STORE_KIND_UNIT:
		*n = sizeof(unit_migrations) / sizeof(unit_migrations[0]);
		return unit_migrations;
	case STORE_KIND_BASE:
		*n = sizeof(base_migrations) / sizeof(base_migrations[0]);
		return base_migrations;
	}
	*n = 0;
	return NULL;
}

int store_schema_latest(enum store_kind kind)
{
	size_t n = 0;
	const struct sq_migration *m = sq_migrations(kind, &n);
	return n ? m[n - 1].version : 0;
}

static int sq_migrate_one(struct store_sqlite *q, const struct sq_migration *m, bool upgrade)
{
	int err = store_sq_begin(q, "migrate");
	for (size_t i = 0; !err && m->steps[i]; i++)
		err = store_sq_exec(q, m->steps[i], "migrate");
	char pragma[48];
	snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", m->version);
	if (!err)
		err = store_sq_exec(q, pragma, "migrate");
	err = store_sq_end(q, err, "migrate");
	if (!err && upgrade)
		log_info("store", "event=schema_upgraded file=\"%s\" kind=%s version=%d adds=\"%s\"",
			 q->pub.path, store_kind_str(q->pub.kind), m->version, m->what);
	return err;
}

int store_sq_migrate(struct store_sqlite *q, int to)
{
	size_t n = 0;
	const struct sq_migration *m = sq_migrations(q->pub.kind, &n);
	sqlite3_stmt *st = NULL;
	int64_t version = 0;
	int rc = sqlite3_prepare_v2(q->db, "PRAGMA user_version", -1, &st, NULL);
	if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_OK)
		return store_sq_fail(q, rc, "migrate");
	int target = to > 0 ? to : store_schema_latest(q->pub.kind);
	int64_t from = version;
	for (size_t i = 0; i < n; i++) {
		if (m[i].version <= version || m[i].version > target)
			continue;
		int err = sq_migrate_one(q, &m[i], from > 0);
		if (err)
			return err;
		version = m[i].version;
	}
	if (from == 0 && version > 0)
		log_info("store", "event=db_created file=\"%s\" kind=%s schema=%lld", q->pub.path,
			 store_kind_str(q->pub.kind), (long long)version);
	q->pub.schema_version = (int)version;
	return 0;
}
