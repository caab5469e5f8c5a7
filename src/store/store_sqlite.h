/* Inside src/store/ only: the SQLite backend's handle and the helpers its files share
 * (cached statements, transactions, the mapping of SQLite's errors to errno with one log
 * line naming the file and what to do). */
#ifndef M2_STORE_SQLITE_H
#define M2_STORE_SQLITE_H

#include "store_backend.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#define SQ_STMT_CACHE     96
#define SQ_BASE_SEQ_SLOTS 64

struct store_sq_stmt {
	const char *sql; /* a static string: matched by address */
	sqlite3_stmt *st;
};

struct sq_seq {
	char unit[STORE_UNIT_MAX]; /* "" for the unit daemon's own counter */
	int64_t next;              /* the next number to hand out */
	int64_t end;               /* numbers below it are reserved on disk */
	bool loaded;
};

struct store_sqlite {
	struct store pub;
	sqlite3 *db;
	struct store_sq_stmt stmts[SQ_STMT_CACHE];
	size_t n_stmts;
	int tx_depth;      /* store_unit_begin nesting; 0: none open */
	unsigned nest;     /* store_sq_begin nesting inside one call */
	uint32_t opened;   /* bit i: the store_sq_begin of level i opened its transaction or savepoint */
	bool tx_doomed;    /* a call inside the open transaction failed: commit rolls back */
	int last_logged;   /* the errno last logged, so a failing disk is logged once */
	struct sq_seq seq; /* the unit's counter */
	struct sq_seq base_seq[SQ_BASE_SEQ_SLOTS]; /* the base's, per unit, least recently used out */
	size_t n_base_seq;
	struct store_fault *fault;
	char base_name[STORE_NAME_MAX]; /* its row in `bases` */
	bool leading;                   /* store_leader_start was called */
	sqlite3_vfs *fault_vfs;         /* registered for this handle only, NULL without a fault */
};

static inline struct store_sqlite *sq_of(struct store *s)
{
	return (struct store_sqlite *)s;
}

/* Returns the cached statement for `sql` (a string literal), reset with no bindings, or a
 * negative errno (logged). */
int store_sq_stmt(struct store_sqlite *q, const char *sql, sqlite3_stmt **out);

/* Maps an SQLite result to a negative errno and logs it (once per kind of failure until a
 * success clears it) with the file, the operation `op` and what to do. */
int store_sq_fail(struct store_sqlite *q, int rc, const char *op);

/* The errno an SQLite result stands for, without logging. */
int store_sq_errno(sqlite3 *db, int rc);

/* Marks the handle healthy after a commit went through: the next failure is logged again. */
void store_sq_ok(struct store_sqlite *q);

/* Runs a statement with no result rows to the end: 0 or a negative errno (logged). */
int store_sq_step_done(struct store_sqlite *q, sqlite3_stmt *st, const char *op);

/* Executes SQL text with no bindings (migrations, pragmas). */
int store_sq_exec(struct store_sqlite *q, const char *sql, const char *op);

/* Transactions. store_sq_begin opens one (BEGIN IMMEDIATE: the write lock is taken at once, so a
 * busy database fails here, before anything is done) or, inside store_unit_begin or another
 * store_sq_begin, a savepoint. Every store_sq_begin is matched by one store_sq_end, also when it failed (pass
 * its error on as `rc`): store_sq_end commits (or releases) when `rc` is 0 and rolls back
 * otherwise, and returns `rc` or the commit's error. A call that fails inside an open
 * transaction changes nothing and leaves the transaction open. */
int store_sq_begin(struct store_sqlite *q, const char *op);
int store_sq_end(struct store_sqlite *q, int rc, const char *op);

/* Binding helpers: text that may be NULL binds "", all copied by SQLite. */
void store_sq_bind_text(sqlite3_stmt *st, int i, const char *text);
/* Copies column `i` (text, NULL as "") into `out` of `n` bytes, NUL-terminated. */
void store_sq_col_text(sqlite3_stmt *st, int i, char *out, size_t n);

/* A text that must fit a record field: -EMSGSIZE unless strlen(text) < n. */
int store_sq_fits(const char *text, size_t n);

/* Migrations (store_schema.c): brings the database to `to` (0: latest), one transaction per
 * step. Returns 0 or a negative errno (logged). */
int store_sq_migrate(struct store_sqlite *q, int to);

/* The fault seam (store_fault.c): registers a VFS for this handle that counts writes and
 * syncs and fails one when `fault` says; `name` receives its name for sqlite3_open_v2. */
int store_sq_fault_vfs_new(struct store_fault *fault, sqlite3_vfs **out);
void store_sq_fault_vfs_free(sqlite3_vfs *vfs);

/* The state blobs (store_sq_blob.c): a named blob with its layout version. */
int store_sq_blob_save(struct store_sqlite *q, const char *name, uint32_t version, const void *data,
		       size_t size);
/* -ENOENT when absent, -ESTALE when saved with another version or size. */
int store_sq_blob_load(struct store_sqlite *q, const char *name, uint32_t version, void *data, size_t size);

/* close and integrity_check of every SQLite ops table. */
void store_sq_close_store(struct store *s);
int store_sq_integrity(struct store *s, char *detail, size_t n);

/* The base's ops (store_sq_*.c). */
extern const struct store_ops store_sqlite_base_ops;
extern const struct store_ops store_sqlite_unit_ops;

#endif
