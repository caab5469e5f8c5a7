/* The SQLite backend's connection: opening with the pragmas every database gets, telling a
 * database of ours from anything else, SQLite's errors as errno with one log line that names
 * the file and what to do, the statement cache, transactions and the integrity check. */
#include "store_sqlite.h"
#include "store_unit.h"

#include "log.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* PRAGMA application_id of each kind of database: "M2MU" and "M2MB" in ASCII. */
#define SQ_APP_UNIT 0x4d324d55
#define SQ_APP_BASE 0x4d324d42

#define SQ_BUSY_TIMEOUT_MS 5000

int store_sq_errno(sqlite3 *db, int rc)
{
	int sys = db ? sqlite3_system_errno(db) : 0;
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return 0;
	case SQLITE_FULL:
		return -ENOSPC;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return -EBUSY;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
	case SQLITE_FORMAT:
		return -EUCLEAN;
	case SQLITE_CANTOPEN:
		return sys == ENOENT || sys == EROFS || sys == EACCES ? -sys : -EACCES;
	case SQLITE_READONLY:
		return sys == EACCES ? -EACCES : -EROFS;
	case SQLITE_PERM:
	case SQLITE_AUTH:
		return -EACCES;
	case SQLITE_NOMEM:
		return -ENOMEM;
	case SQLITE_TOOBIG:
		return -EMSGSIZE;
	case SQLITE_CONSTRAINT:
		return -EEXIST;
	case SQLITE_IOERR:
		return sys == ENOSPC ? -ENOSPC : -EIO;
	default:
		return -EIO;
	}
}

const char *store_strerror(int err)
{
	switch (err) {
	case 0:
		return "ok";
	case -ENOSPC:
		return "disk full";
	case -EBUSY:
		return "database locked by another process";
	case -EUCLEAN:
		return "database file corrupt or not a database";
	case -EMEDIUMTYPE:
		return "not this kind of m2mon database";
	case -ENOTSUP:
		return "database made by a newer m2mon";
	case -ESTALE:
		return "database schema older than this m2mon";
	case -EACCES:
		return "permission denied";
	case -EROFS:
		return "read-only file or file system";
	case -ENOENT:
		return "no such file, directory or database";
	case -EIO:
		return "disk I/O error";
	case -ENOMEM:
		return "out of memory";
	case -EMSGSIZE:
		return "record too long";
	case -EINVAL:
		return "invalid record";
	case -EEXIST:
		return "already stored";
	case -EPROTONOSUPPORT:
		return "store backend not available";
	case -ENOTCONN:
		return "not connected to the database";
	case -ECONNREFUSED:
		return "database server not running or not reachable";
	case -ECONNRESET:
		return "connection to the database lost";
	case -ETIMEDOUT:
		return "database did not answer in time";
	case -EPERM:
		return "not the alarm leader (its epoch was superseded)";
	case -EWOULDBLOCK:
		return "a synchronous read on a daemon's handle";
	case -ECANCELED:
		return "store closed before the call completed";
	case -EUSERS:
		return "database server has no connection slot left";
	case -EHOSTUNREACH:
		return "database server address not reachable";
	case -EALREADY:
		return "already done";
	default:
		return "store error";
	}
}

/* What the person reading the log does about `err`. */
static const char *sq_hint(int err)
{
	switch (err) {
	case -ENOSPC:
		return "the disk holding the database is full: free space; nothing of this change was kept";
	case -EBUSY:
		return "another process holds the database: check that no second daemon uses this store file";
	case -EUCLEAN:
		return "stop the daemon, move the file (with its -wal and -shm) aside for inspection, and "
		       "restore "
		       "a backup or let the daemon start an empty one";
	case -EMEDIUMTYPE:
		return "check the store setting: it names another program's database or the other daemon's";
	case -ENOTSUP:
		return "run the newer m2mon that made it, or restore a backup made by this version";
	case -ESTALE:
		return "start the daemon once: it upgrades the database";
	case -EACCES:
	case -EROFS:
	case -ENOENT:
		return "check the store path (the daemon creates the file at its first start) and that its "
		       "directory exists and is writable by the daemon (SQLite creates -wal and -shm files "
		       "beside "
		       "it) on a disk mounted read-write";
	case -EIO:
		return "the disk reported an error: check it (dmesg) and the file's integrity";
	case -ENOMEM:
		return "the machine is out of memory";
	default:
		return "see the error";
	}
}

static void sq_log(struct store_sqlite *q, int err, const char *op, const char *detail)
{
	if (err == q->last_logged)
		return;
	q->last_logged = err;
	char esc[256];
	log_escape(detail ? detail : "", detail ? strlen(detail) : 0, esc, sizeof(esc));
	log_error("store", "event=db_error file=\"%s\" op=%s error=\"%s\" detail=\"%s\" hint=\"%s\"",
		  q->pub.path, op, store_strerror(err), esc, sq_hint(err));
}

int store_sq_fail(struct store_sqlite *q, int rc, const char *op)
{
	int err = store_sq_errno(q->db, rc);
	if (err == 0)
		err = -EIO;
	if (err == -EEXIST || err == -EMSGSIZE)
		return err; /* the caller's record, not the database: the caller reports it */
	sq_log(q, err, op, q->db ? sqlite3_errmsg(q->db) : sqlite3_errstr(rc));
	return err;
}

void store_sq_ok(struct store_sqlite *q)
{
	if (q->last_logged)
		log_info("store", "event=db_recovered file=\"%s\" after=\"%s\"", q->pub.path,
			 store_strerror(q->last_logged));
	q->last_logged = 0;
}

int store_sq_stmt(struct store_sqlite *q, const char *sql, sqlite3_stmt **out)
{
	for (size_t i = 0; i < q->n_stmts; i++) {
		if (q->stmts[i].sql == sql) {
			sqlite3_reset(q->stmts[i].st);
			sqlite3_clear_bindings(q->stmts[i].st);
			*out = q->stmts[i].st;
			return 0;
		}
	}
	if (q->n_stmts == SQ_STMT_CACHE) {
		assert(!"SQ_STMT_CACHE is smaller than the store's statements");
		return -ENOBUFS;
	}
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v3(q->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
	if (rc != SQLITE_OK)
		return store_sq_fail(q, rc, "prepare");
	q->stmts[q->n_stmts++] = (struct store_sq_stmt){.sql = sql, .st = st};
	*out = st;
	return 0;
}

int store_sq_step_done(struct store_sqlite *q, sqlite3_stmt *st, const char *op)
{
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE || rc == SQLITE_ROW) {
		sqlite3_reset(st);
		return 0;
	}
	int err = store_sq_fail(q, rc, op);
	sqlite3_reset(st);
	return err;
}

int store_sq_exec(struct store_sqlite *q, const char *sql, const char *op)
{
	int rc = sqlite3_exec(q->db, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? 0 : store_sq_fail(q, rc, op);
}

int store_sq_begin(struct store_sqlite *q, const char *op)
{
	assert(q->nest < 32);
	unsigned level = q->nest++;
	int err;
	if (level == 0 && q->tx_depth == 0)
		err = store_sq_exec(q, "BEGIN IMMEDIATE", op);
	else if (q->tx_doomed)
		err = q->last_logged ? q->last_logged : -EIO;
	else
		err = store_sq_exec(q, "SAVEPOINT sq", op);
	if (!err)
		q->opened |= 1u << level;
	return err;
}

int store_sq_end(struct store_sqlite *q, int rc, const char *op)
{
	assert(q->nest > 0);
	unsigned level = --q->nest;
	bool opened = q->opened >> level & 1;
	q->opened &= ~(1u << level);
	if (!opened)
		return rc; /* its begin failed and returned the error that `rc` carries */
	if (level > 0 || q->tx_depth > 0) {
		if (sqlite3_get_autocommit(q->db)) {
			/* SQLite rolled the whole transaction back itself (a full disk, an I/O error). */
			q->tx_doomed = q->tx_depth > 0;
			return rc < 0 ? rc : -EIO;
		}
		if (rc == 0)
			return store_sq_exec(q, "RELEASE sq", op);
		sqlite3_exec(q->db, "ROLLBACK TO sq; RELEASE sq", NULL, NULL, NULL);
		return rc;
	}
	if (rc == 0) {
		int c = sqlite3_exec(q->db, "COMMIT", NULL, NULL, NULL);
		if (c == SQLITE_OK) {
			store_sq_ok(q);
			return 0;
		}
		rc = store_sq_fail(q, c, op);
	}
	if (!sqlite3_get_autocommit(q->db))
		sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

void store_sq_bind_text(sqlite3_stmt *st, int i, const char *text)
{
	sqlite3_bind_text(st, i, text ? text : "", -1, SQLITE_TRANSIENT);
}

void store_sq_col_text(sqlite3_stmt *st, int i, char *out, size_t n)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	snprintf(out, n, "%s", t ? (const char *)t : "");
}

int store_sq_fits(const char *text, size_t n)
{
	return text && strnlen(text, n) < n ? 0 : -EMSGSIZE;
}

/* Reads one integer pragma; a file that is not a database fails here. */
static int sq_pragma_int(struct store_sqlite *q, const char *sql, int64_t *out)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(q->db, sql, -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int64(st, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_OK || rc == SQLITE_DONE ? 0 : store_sq_fail(q, rc, "open");
}

/* Tells our database of this kind from a new file and from anything else. */
static int sq_identify(struct store_sqlite *q, int64_t *version)
{
	int64_t app = 0, tables = 0;
	int err = sq_pragma_int(q, "PRAGMA application_id", &app);
	if (!err)
		err = sq_pragma_int(q, "PRAGMA user_version", version);
	if (!err)
		err = sq_pragma_int(q, "SELECT count(*) FROM sqlite_schema", &tables);
	if (err)
		return err;
	int64_t want = q->pub.kind == STORE_KIND_UNIT ? SQ_APP_UNIT : SQ_APP_BASE;
	int64_t other = q->pub.kind == STORE_KIND_UNIT ? SQ_APP_BASE : SQ_APP_UNIT;
	char why[96];
	if (app == want || (app == 0 && *version == 0 && tables == 0))
		return 0;
	if (app == other)
		snprintf(why, sizeof(why), "a %s database, not a %s one",
			 store_kind_str(q->pub.kind == STORE_KIND_UNIT ? STORE_KIND_BASE : STORE_KIND_UNIT),
			 store_kind_str(q->pub.kind));
	else
		snprintf(why, sizeof(why), "an SQLite database of another program (application_id %lld)",
			 (long long)app);
	sq_log(q, -EMEDIUMTYPE, "open", why);
	return -EMEDIUMTYPE;
}

static int sq_check_version(struct store_sqlite *q, int64_t version, bool read_only)
{
	int latest = store_schema_latest(q->pub.kind);
	char why[96];
	if (version > latest) {
		snprintf(why, sizeof(why), "schema %lld, this m2mon knows up to %d", (long long)version,
			 latest);
		sq_log(q, -ENOTSUP, "open", why);
		return -ENOTSUP;
	}
	if (read_only && version < latest) {
		snprintf(why, sizeof(why), "schema %lld, this m2mon reads %d", (long long)version, latest);
		sq_log(q, -ESTALE, "open", why);
		return -ESTALE;
	}
	return 0;
}

/* The pragmas of a daemon's connection. synchronous=FULL: in WAL mode NORMAL would let a
 * power cut take back the last commits (they are synced only at checkpoints), and the
 * daemons act on a commit at once (the modem deletes the SMS, the text goes out): a commit
 * must survive the power cut, so every commit waits for its fsync. */
static int sq_setup_rw(struct store_sqlite *q)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(q->db, "PRAGMA journal_mode=WAL", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	bool wal = rc == SQLITE_ROW && strcmp((const char *)sqlite3_column_text(st, 0), "wal") == 0;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return store_sq_fail(q, rc, "open");
	if (!wal) {
		sq_log(q, -EIO, "open", "the file system refused WAL mode");
		return -EIO;
	}
	return store_sq_exec(q, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON", "open");
}

static void sq_close(struct store *s)
{
	struct store_sqlite *q = sq_of(s);
	for (size_t i = 0; i < q->n_stmts; i++)
		sqlite3_finalize(q->stmts[i].st);
	if (q->db)
		sqlite3_close(q->db);
	if (q->fault_vfs)
		store_sq_fault_vfs_free(q->fault_vfs);
	free(q->pub.path);
	free(q);
}

static int sq_connect(struct store_sqlite *q, const struct store_open_cfg *cfg)
{
	int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE |
		    (cfg->read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
	if (cfg->fault) {
		int err = store_sq_fault_vfs_new(cfg->fault, &q->fault_vfs);
		if (err)
			return err;
	}
	int rc = sqlite3_open_v2(cfg->path, &q->db, flags, q->fault_vfs ? q->fault_vfs->zName : NULL);
	if (rc != SQLITE_OK)
		return store_sq_fail(q, rc, "open");
	sqlite3_busy_timeout(q->db, cfg->busy_timeout_ms > 0 ? cfg->busy_timeout_ms : SQ_BUSY_TIMEOUT_MS);
	int64_t version = 0;
	int err = sq_identify(q, &version);
	if (!err)
		err = sq_check_version(q, version, cfg->read_only);
	if (err)
		return err;
	if (cfg->read_only) {
		q->pub.schema_version = (int)version;
		return store_sq_exec(q, "PRAGMA query_only=1", "open");
	}
	err = sq_setup_rw(q);
	if (!err)
		err = store_sq_migrate(q, cfg->migrate_to);
	return err;
}

int store_sqlite_open(const struct store_open_cfg *cfg, struct store **out)
{
	struct store_sqlite *q = calloc(1, sizeof(*q));
	char *path = strdup(cfg->path);
	if (!q || !path) {
		free(q);
		free(path);
		return -ENOMEM;
	}
	q->pub.ops = cfg->kind == STORE_KIND_UNIT ? &store_sqlite_unit_ops : &store_sqlite_base_ops;
	q->pub.kind = cfg->kind;
	q->pub.read_only = cfg->read_only;
	q->pub.path = path;
	q->fault = cfg->fault;
	store_base_name_of(cfg, q->base_name);
	int err = sq_connect(q, cfg);
	if (err) {
		sq_close(&q->pub);
		return err;
	}
	q->last_logged = 0;
	log_debug("store", "event=open file=\"%s\" kind=%s schema=%d read_only=%d", path,
		  store_kind_str(cfg->kind), q->pub.schema_version, cfg->read_only);
	*out = &q->pub;
	return 0;
}

static int sq_integrity_check(struct store *s, char *detail, size_t n)
{
	struct store_sqlite *q = sq_of(s);
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(q->db, "PRAGMA integrity_check", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(st);
		return store_sq_fail(q, rc, "integrity_check");
	}
	const char *first = (const char *)sqlite3_column_text(st, 0);
	int err = first && strcmp(first, "ok") == 0 ? 0 : -EUCLEAN;
	if (detail && n)
		snprintf(detail, n, "%s", first ? first : "");
	if (err)
		sq_log(q, err, "integrity_check", first);
	sqlite3_finalize(st);
	return err;
}

/* ---- the unit's explicit transactions ---- */

int store_unit_begin(struct store *s)
{
	assert(s->kind == STORE_KIND_UNIT);
	struct store_sqlite *q = sq_of(s);
	assert(q->nest == 0);
	if (q->tx_depth == 0) {
		int err = store_sq_exec(q, "BEGIN IMMEDIATE", "begin");
		if (err)
			return err;
		q->tx_doomed = false;
	}
	q->tx_depth++;
	return 0;
}

/* After the outermost transaction ended without committing, numbers handed out inside it
 * may have been reserved by a write that is gone: reserve afresh above them. */
static void sq_tx_forget_reservations(struct store_sqlite *q)
{
	q->seq.end = q->seq.next;
	for (size_t i = 0; i < q->n_base_seq; i++)
		q->base_seq[i].end = q->base_seq[i].next;
}

int store_unit_commit(struct store *s)
{
	struct store_sqlite *q = sq_of(s);
	assert(q->tx_depth > 0);
	if (--q->tx_depth > 0)
		return 0;
	int rc = q->tx_doomed ? (q->last_logged ? q->last_logged : -EIO) : 0;
	if (rc == 0) {
		int c = sqlite3_exec(q->db, "COMMIT", NULL, NULL, NULL);
		rc = c == SQLITE_OK ? 0 : store_sq_fail(q, c, "commit");
	}
	if (rc == 0) {
		store_sq_ok(q);
	} else {
		if (!sqlite3_get_autocommit(q->db))
			sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
		sq_tx_forget_reservations(q);
	}
	q->tx_doomed = false;
	return rc;
}

void store_unit_rollback(struct store *s)
{
	struct store_sqlite *q = sq_of(s);
	assert(q->tx_depth > 0);
	q->tx_depth = 0;
	q->tx_doomed = false;
	if (!sqlite3_get_autocommit(q->db))
		sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
	sq_tx_forget_reservations(q);
}

const struct store_ops store_sqlite_unit_ops = {
	.name = "sqlite",
	.close = sq_close,
	.integrity_check = sq_integrity_check,
};

void store_sq_close_store(struct store *s)
{
	sq_close(s);
}

int store_sq_integrity(struct store *s, char *detail, size_t n)
{
	return sq_integrity_check(s, detail, n);
}
