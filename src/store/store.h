/* The durable store of both daemons: opening, schema migration, errors, integrity.
 *
 * One database per daemon: a unit's (store_unit.h) or a base's (store_base.h, read by the
 * command-line tools and the office display through store_view.h). The interface speaks in
 * records (structs with temp_c10, *_ms UTC epoch milliseconds, ids); no SQL leaves
 * src/store/. Two backends: SQLite, the embedded default (a single file in WAL mode,
 * synchronous=FULL, foreign keys on, every change in a transaction, `PRAGMA user_version`
 * numbered migrations), and for the base only PostgreSQL, which several bases share
 * (store_cluster.h), selected by a store setting that is a libpq URI. The base side runs
 * through a backend table (store_backend.h); its writes complete through callbacks, which
 * PostgreSQL calls later from the daemon's libuv loop.
 *
 * Errors. Every call returns (or hands its callback) 0 or a negative errno; a failure a
 * person must act on is logged once by the store, naming the file and what to do:
 *   -ENOSPC     the disk is full (SQLite's SQLITE_FULL): nothing of the change was kept
 *   -EBUSY      another process held the database locked longer than busy_timeout_ms
 *   -EUCLEAN    the file is corrupt, or is not an SQLite database at all
 *   -EMEDIUMTYPE an SQLite database, but not this kind of m2mon database (another program's,
 *               or the other daemon's)
 *   -ENOTSUP    the database was made by a newer m2mon (its schema is newer than this one's)
 *   -ESTALE     a read-only open of a database with an older schema: the daemon upgrades it
 *   -EACCES, -EROFS, -ENOENT   the file or its directory cannot be opened or written
 *   -EIO        any other I/O error from the disk
 *   -ENOMEM     out of memory
 *   -EINVAL     a record that breaks its documented limits (a programmer's error is an assert)
 *   -EMSGSIZE   a text or blob longer than its record allows
 * and on PostgreSQL (the log says which of server down, authentication refused, database
 * missing... and what to do, once per episode, and when the database is back):
 *   -ENOTCONN   not connected: the call waited call_timeout_ms for the connection and never
 *               reached the database (nothing of it was done)
 *   -ECONNREFUSED the server is not running or not reachable (a synchronous open)
 *   -ETIMEDOUT  the server took longer than statement_timeout_ms (nothing was written)
 *   -EPERM      a write fenced by a leader epoch that is no longer the current one
 *               (store_cluster.h): nothing was written
 *   -EWOULDBLOCK a view (store_view.h) on a daemon's handle, which has a loop: it would block
 *               the loop; open a second handle without a loop for it
 *   -ECANCELED  the handle was closed first (a write then in flight may or may not be kept)
 * A call whose outcome a lost connection left unknown is settled after the reconnect, never
 * reported as failed when it may have gone through: the store sends it again and the
 * database recognises it if it had been kept.
 * docs/operations.md says what each logged error means to the operator. */
#ifndef M2_STORE_H
#define M2_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Limits of the fields of every record, NUL included where a field is text. */
#define STORE_UNIT_MAX    17   /* a unit id: 1..16 of [A-Za-z0-9_-] (ALERT_UNIT_MAX) */
#define STORE_CHANNEL_MAX 9    /* a channel name: 1..8 of [A-Za-z0-9_] */
#define STORE_NUMBER_MAX  48   /* a phone number or an alphanumeric sender (SMS_NUMBER_MAX) */
#define STORE_NAME_MAX    33   /* a contact's name (ALERT_NAME_MAX), a modem's name */
#define STORE_LABEL_MAX   24   /* a short machine word: a kind, a state, a reason code */
#define STORE_TEXT_MAX    2048 /* the text of one message, multipart included */
#define STORE_PDU_HEX_MAX 353  /* one PDU as hex, SMSC field included (SMS_PDU_HEX_MAX) */
#define STORE_PARTS_MAX   16   /* parts of one sent text (SMS_MAX_PARTS) */
#define STORE_BLOB_MAX    4096 /* a state blob (alarm channel, counters, replay window) */

/* How many sequence numbers one write reserves, on the unit and per unit on the base: a
 * restart skips what was left of the block. */
#define STORE_SEQ_BLOCK 32

/* A result for "this record was already stored": not an error (see store_base_inbox_add). */
#define STORE_DUPLICATE 1

/* The de-duplication key of one received SMS (a part of a multipart one on its own), the
 * same bytes on both daemons and every backend: SHA-256 over the PDU hex in upper case, a
 * NUL, the sender, a NUL and scts_ms (the SMSC's timestamp as UTC epoch ms, 0 when the PDU
 * has none that is valid) as 8 big-endian octets. The base's inbox keeps it with every row
 * (store_base_inbox_add), the unit with every message it has acted on
 * (store_unit_handled_add): the same message handed over again after a crash or a failed
 * delete is recognised, while the same text sent again is a new message (another SCTS). */
#define STORE_DEDUP_KEY_LEN 32
void store_dedup_key(const char *pdu_hex, const char *sender, int64_t scts_ms,
		     uint8_t out[STORE_DEDUP_KEY_LEN]);

struct uv_loop_s;

/* The completion of a base-side write. `result` is 0, STORE_DUPLICATE where the call says
 * so, or a negative errno (the store has logged it); `id` is the row the call names (a new
 * inbox or outbox row, an event), or 0. The SQLite backend calls it before the write call
 * returns; a later backend may call it afterwards from the event loop, so write the caller
 * for both: never assume the callback has or has not run when the call returns. */
typedef void (*store_done_fn)(void *user_data, int result, int64_t id);

enum store_kind {
	STORE_KIND_UNIT, /* the unit daemon's database (store_unit.h) */
	STORE_KIND_BASE, /* the base daemon's (store_base.h, store_view.h) */
};

const char *store_kind_str(enum store_kind kind);

/* Faults at the store's I/O seam, for tests (store_open_cfg.fault). Every write and every
 * sync of any of the database's files (the database, its WAL, the shared memory index
 * excluded) counts one operation; operation number `after` + 1 and every later one fails
 * with `action`. `count` is how many operations ran so far; the test reads it. */
enum store_fault_action {
	STORE_FAULT_NONE,
	STORE_FAULT_FULL,  /* the write fails as on a full disk (ENOSPC) */
	STORE_FAULT_IOERR, /* the write or sync fails as on a failing disk (EIO) */
	STORE_FAULT_KILL,  /* the process SIGKILLs itself before the operation */
};

const char *store_fault_action_str(enum store_fault_action action);

struct store_fault {
	enum store_fault_action action;
	uint64_t after;
	uint64_t count;
};

struct store_open_cfg {
	/* The SQLite file, created (with its directory's rights) if absent; or, for a base, a
	 * libpq connection URI ("postgresql:///m2mon?host=/run/postgresql"; over TCP give
	 * hostaddr=, an address: a host name lookup would block the daemon). */
	const char *path;
	enum store_kind kind;
	bool read_only;      /* the tools and the display: no writes, no migration, no creation */
	int busy_timeout_ms; /* how long to wait for another writer's lock; 0: 5000 */
	/* Tests only: migrate a new or older database up to this schema version and no further
	 * (0: the latest). A database opened so accepts no record calls but its own tests'. */
	int migrate_to;
	/* Tests only: faults at the I/O seam (NULL: none). Caller-owned; it must outlive the
	 * store and may be changed between calls to arm a fault. On PostgreSQL any action but
	 * NONE loses, once, the answer of the call after `after` answered ones (it was
	 * committed): the connection drops then, as when the link dies at that moment. */
	struct store_fault *fault;

	/* PostgreSQL only (SQLite ignores them). */
	/* The daemon's loop: every store_base_* and store_cluster_* call then completes on it,
	 * the connection is made and remade in the background (store_open returns at once) and
	 * calls made meanwhile wait for it. NULL (the tools): each call blocks until done. */
	struct uv_loop_s *loop;
	const char *base_name;    /* this base in the shared database (its heartbeat, claims) */
	int call_timeout_ms;      /* how long a call waits for a connection; 0: 30000 */
	int connect_timeout_ms;   /* one connection attempt; 0: 10000 */
	int statement_timeout_ms; /* the server's limit on one call; 0: 30000 */
	int claim_lease_ms;       /* how long an outbox claim lives unrenewed; 0: 60000 */
};

struct store;

/* Opens (creating when absent and not read_only) the database of `cfg->kind` at `cfg->path`
 * and migrates it to the latest schema in one transaction per step. On success `*out` owns
 * the database until store_close(). Returns 0 or a negative errno from the list above
 * (logged with the file and what to do); `*out` is then NULL. A path starting with
 * "postgresql:" or "postgres:" is a PostgreSQL database (kind BASE only, else
 * -EPROTONOSUPPORT): all its migrations run in one transaction under an advisory lock, so
 * that bases starting together do not race; with cfg->loop the open returns at once and a
 * database that cannot be used yet is logged and retried in the background. */
int store_open(const struct store_open_cfg *cfg, struct store **out);

/* Closes the database (a transaction still open is rolled back). NULL is allowed. Calls not
 * completed get -ECANCELED. A PostgreSQL handle with a loop is freed by that loop: run it
 * (uv_run) after the close until its handles are closed. */
void store_close(struct store *s);

/* `path` (a store setting) as it may be shown in a log, a message or a page: the password
 * of a PostgreSQL URI becomes "***", a file path stays as it is. Into `out` of `n` bytes,
 * cut to fit. */
void store_redact(const char *path, char *out, size_t n);

/* The file or the URI (its password masked) the store was opened on, for logs. */
const char *store_path(const struct store *s);
enum store_kind store_kind_of(const struct store *s);

/* The schema version of the open database, and the latest this build knows for `kind`.
 * Version numbers are shared by every backend: migration N means the same records on each. */
int store_schema_version(const struct store *s);
int store_schema_latest(enum store_kind kind);

/* Runs `PRAGMA integrity_check` over the whole file. Returns 0 when it reports "ok";
 * -EUCLEAN when it finds damage, with its first complaint copied into `detail` (`n` bytes,
 * NUL-terminated; may be NULL); or another negative errno when it could not run. */
int store_integrity_check(struct store *s, char *detail, size_t n);

/* What a negative errno from the store means, in a few words for a log line or a person
 * ("disk full", "database locked by another process"...). Never NULL. */
const char *store_strerror(int err);

#endif
