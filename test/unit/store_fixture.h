/* The fixture of the store's tests: a temporary folder per test that holds real SQLite
 * files, opening a store of either kind on it, and capturing what the store logs. Run with
 * M2_STORE_BACKEND=postgresql under test/pg/pg_cluster.sh (which sets M2_PG_URI), each test
 * gets a database of its own in that cluster instead, and fx->path is its URI. */
#ifndef M2_TEST_STORE_FIXTURE_H
#define M2_TEST_STORE_FIXTURE_H

#include "store.h"

#include <stdbool.h>
#include <stddef.h>

struct store_fx {
	char dir[256];
	char path[320]; /* dir/test.db, or the test's PostgreSQL database URI */
	bool pg;        /* the base's store is on PostgreSQL */
	char db[64];    /* its database */
	char log[8192]; /* what the store wrote to stderr during fx_capture_begin..end */
	int saved_stderr;
	char log_path[320];
};

/* Creates the folder (under $TMPDIR or /tmp); `name` is the database file's name. */
void fx_setup(struct store_fx *fx, const char *name);
/* Removes the folder and everything in it. */
void fx_teardown(struct store_fx *fx);

/* Opens `fx->path` (or `path` when not NULL) as `kind`; returns store_open's result. */
int fx_open(struct store_fx *fx, enum store_kind kind, bool read_only, struct store **out);
int fx_open_cfg(const struct store_open_cfg *cfg, struct store **out);

/* Everything written to stderr between begin and end lands in fx->log. */
void fx_capture_begin(struct store_fx *fx);
void fx_capture_end(struct store_fx *fx);

/* True when the tests run against PostgreSQL (M2_STORE_BACKEND=postgresql). */
bool fx_pg(void);
/* The URI of database `db` of the tests' cluster (M2_PG_DIR, M2_PG_PORT). */
void fx_pg_uri(const char *db, char *out, size_t n);
/* Runs SQL on the cluster's postgres database (or `db` when not NULL): 0 when it went. */
int fx_pg_exec(const char *db, const char *sql);

/* Builds a file path inside the folder. */
void fx_file(const struct store_fx *fx, const char *name, char *out, size_t n);

#endif
