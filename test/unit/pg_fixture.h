/* The PostgreSQL tests' fixture, on top of store_fixture: a libuv loop for the daemon's
 * asynchronous handles, bounded waits on events (never on a stopwatch), child processes that
 * hold a handle (to kill or freeze them) with a line-oriented pipe each way, and restarting
 * the tests' cluster (test/pg/pg_cluster.sh) without stopping the loop. */
#ifndef M2_TEST_PG_FIXTURE_H
#define M2_TEST_PG_FIXTURE_H

#include "store.h"
#include "store_fixture.h"

#include <stdbool.h>
#include <sys/types.h>
#include <uv.h>

struct pgx {
	struct store_fx fx;
	uv_loop_t loop;
};

void pgx_setup(struct pgx *x);
void pgx_teardown(struct pgx *x);

/* Opens the test's database as base `base` (with the loop when `async`). */
struct store *pgx_open(struct pgx *x, const char *base, bool async, int claim_lease_ms);
/* Closes a handle and runs the loop until its handles are gone. */
void pgx_close(struct pgx *x, struct store *s);

/* Runs the loop until `*counter` reaches `target` or `timeout_ms` passes: true when it did. */
bool pgx_wait(struct pgx *x, const int *counter, int target, int timeout_ms);
/* Runs the loop for a while, e.g. to let a callback that must not come, not come. */
bool pgx_wait_pred(struct pgx *x, bool (*pred)(void *arg), void *arg, int timeout_ms);

/* A child process running `fn` (with its own loop); its stdout and stdin are pipes, its
 * stderr goes to `log_path` when not NULL. */
struct pgx_child {
	pid_t pid;
	int to_child;
	int from_child;
	uv_poll_t poll;
	bool polling;
	char out[8192];
	size_t n_out;
};

typedef void (*pgx_child_fn)(void *arg, int in_fd, int out_fd);
void pgx_child_start(struct pgx *x, struct pgx_child *c, pgx_child_fn fn, void *arg, const char *log_path);
/* Waits (running the loop) until the child has written `text`: true when it did. */
bool pgx_child_said(struct pgx *x, struct pgx_child *c, const char *text, int timeout_ms);
void pgx_child_send(struct pgx_child *c, const char *line);
/* Kills (SIGKILL) and reaps the child, if still there. */
void pgx_child_end(struct pgx *x, struct pgx_child *c);

/* Restarts the cluster (pg_ctl restart -m `mode`) in a child process; `*done` is set when it
 * exited, with its status in `*status`. */
void pgx_restart(struct pgx *x, const char *mode, bool *done, int *status);

/* Reads one integer from SQL on the test's database (sync libpq): -1 on error. */
long long pgx_scalar(struct pgx *x, const char *sql);

#endif
