/* Inside src/store/ only: the PostgreSQL backend's handle, its connections and the jobs they
 * run. A call becomes a job: a list of parameterised statements sent as one libpq pipeline
 * (one implicit transaction, one round trip) and read back statement by statement. A
 * connection runs one job at a time, either on the daemon's libuv loop or, for the tools,
 * driven by poll(2) until the job is done; the same state machine connects, reconnects with
 * backoff, and sends a job again when a lost connection left its outcome unknown (every job
 * is built so that sending it twice keeps it once). */
#ifndef M2_STORE_PG_H
#define M2_STORE_PG_H

#include "store_backend.h"
#include "store_cluster.h"

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#define PG_PARAMS_MAX 32

struct pg_stmt {
	const char *sql; /* a static string, or `owned` */
	char *owned;
	int n;
	char *v[PG_PARAMS_MAX]; /* owned; NULL is SQL NULL */
};

struct pg_job;
/* One statement's result (TUPLES_OK or COMMAND_OK): 0 or a negative errno. */
typedef int (*pg_result_fn)(struct pg_job *j, size_t stmt, PGresult *r);
/* Called once with the job's outcome; calls the user's callback and frees the job. */
typedef void (*pg_finish_fn)(struct pg_job *j, int err);

struct pg_job {
	struct pg_job *next;
	const char *op; /* for the log */
	struct pg_stmt *stmts;
	size_t n_stmts, cap;
	pg_result_fn on_result;
	pg_finish_fn finish;
	/* Forgets what an earlier sending collected, before the job is sent again; NULL when
	 * its results are idempotent. */
	void (*reset)(struct pg_job *j);
	bool once;                /* never sent again: a lost connection fails it with -ECONNRESET (views,
				     whose rows went to the caller already) */
	int64_t deadline_mono_ms; /* not yet sent by then while disconnected: -ENOTCONN */
	bool sent;                /* reached the wire at least once */
	bool setup;               /* a connection's own job, run before it is READY */
	int err;                  /* the first error */
	char sqlstate[6];
	size_t at; /* the statement whose result is being read */
	int alloc_err;
	struct pg_stmt sink; /* where statements go when the list could not grow */
};

enum pg_conn_state {
	PG_CONN_DOWN,       /* waiting to try again */
	PG_CONN_CONNECTING, /* PQconnectPoll in progress */
	PG_CONN_SETUP,      /* connected, running its setup jobs */
	PG_CONN_READY,
	PG_CONN_REFUSED, /* the database cannot be used (a newer schema...): calls fail */
	PG_CONN_CLOSED,
};

const char *store_pg_conn_state_str(enum pg_conn_state st);

struct pg_conn;

struct pg_conn_ops {
	/* Connected: queue the setup jobs (store_pg_submit_setup); READY follows when they are
	 * done. NULL: READY at once. */
	void (*setup)(struct pg_conn *c);
	void (*ready)(struct pg_conn *c);
	void (*lost)(struct pg_conn *c, int err);
	void (*notify)(struct pg_conn *c, const char *channel);
};

struct pg_conn {
	struct store_pg *pg;
	const char *name; /* "main", "leader" */
	const struct pg_conn_ops *ops;
	PGconn *pq;
	enum pg_conn_state state;
	char **kw, **val; /* the connection's parameters, NULL-terminated */
	/* I/O wanted, and the loop's handles (NULL without a loop). */
	int fd;
	bool want_read, want_write, flushing;
	uv_poll_t *poll;
	int poll_fd, poll_events;
	uv_timer_t *timer;
	/* Deadlines on the monotonic clock (ms, 0: none). */
	int64_t t_connect, t_stmt, t_retry, t_refused;
	int backoff_ms;
	struct pg_job *head, *tail; /* the queue; head is in flight when `busy` */
	bool busy;
	int episode_err; /* the failure logged for the current episode, 0 when up */
	int refused_err;
	bool ever_ready;
	bool reading; /* results are being read: nothing is sent until they are */
	bool driving; /* the tools' poll(2) driver is running it */
	unsigned pending_closes;
};

struct pg_seq_slot {
	char unit[STORE_UNIT_MAX];
	int64_t next, end;
};

#define PG_SEQ_SLOTS 64

struct store_pg {
	struct store pub;
	uv_loop_t *loop;
	struct pg_conn main;
	struct pg_conn lead;
	char *uri; /* as given, password included: for connecting only, never logged */
	char base_name[STORE_NAME_MAX];
	uint64_t session;   /* this handle, random: its claims and its writes' tokens */
	uint64_t tx_seq;    /* the last write token used */
	int64_t base_epoch; /* this base's run, from its row in `bases` (0: not joined yet) */
	int migrate_to;
	int call_timeout_ms, connect_timeout_ms, statement_timeout_ms, claim_lease_ms;
	int last_logged; /* the query error last logged, so a failing server is logged once */
	struct pg_seq_slot seq[PG_SEQ_SLOTS];
	size_t n_seq;
	uint64_t view_version_hash;
	store_wake_fn wake;
	void *wake_ud;
	struct pg_leader *leader;
	struct store_fault *fault; /* tests: a lost answer (store_pg_conn.c) */
	bool closing;
};

static inline struct store_pg *pg_of(struct store *s)
{
	return (struct store_pg *)s;
}

/* ---- store_pg.c: the handle ---- */

int store_pg_open(const struct store_open_cfg *cfg, struct store **out);
int64_t store_pg_now_mono(void);
/* The store URI for logs: a password (user:PASSWORD@, password=) becomes "***". Allocated
 * (free it), NULL when out of memory. */
char *store_pg_mask_uri(const char *uri);
/* Frees the handle once its last loop handle is closed. */
void store_pg_maybe_free(struct store_pg *pg);

/* ---- store_pg_conn.c: connections ---- */

/* Sets up `c` with its parameters (copied) and starts connecting; `extra_options` is added
 * to the server options (-c name=value ...), or NULL. 0 or a negative errno. */
int store_pg_conn_init(struct pg_conn *c, struct store_pg *pg, const char *name,
		       const struct pg_conn_ops *ops, const char *uri, const char *extra_options);
void store_pg_conn_start(struct pg_conn *c);
/* Fails every job with -ECANCELED, closes the connection and the loop's handles. */
void store_pg_conn_close(struct pg_conn *c);
/* Drops the connection as lost (reconnects after the backoff). */
void store_pg_conn_drop(struct pg_conn *c, int err, const char *why);
/* Without a loop: runs the connection's first attempt until it is READY, refused or down,
 * or `deadline_mono_ms` passes. */
void store_pg_conn_run_open(struct pg_conn *c, int64_t deadline_mono_ms);
/* The connection's database refuses this m2mon: every call fails with `err` until retried. */
void store_pg_conn_refuse(struct pg_conn *c, int err);

/* ---- jobs (store_pg_job.c; submitting them: store_pg_conn.c) ---- */

/* A new job of `size` bytes (a struct that starts with struct pg_job), zeroed. */
void *store_pg_job_new(size_t size, const char *op, pg_result_fn on_result, pg_finish_fn finish);
/* Adds a statement; then its parameters with the helpers below. */
struct pg_stmt *store_pg_stmt(struct pg_job *j, const char *sql);
/* The same with SQL text the job takes over (NULL: out of memory). */
struct pg_stmt *store_pg_stmt_owned(struct pg_job *j, char *sql);
void store_pg_p_text(struct pg_job *j, struct pg_stmt *st, const char *text); /* NULL: "" */
void store_pg_p_null(struct pg_job *j, struct pg_stmt *st);
void store_pg_p_int(struct pg_job *j, struct pg_stmt *st, int64_t v);
void store_pg_p_uint(struct pg_job *j, struct pg_stmt *st, uint64_t v);
void store_pg_p_bool(struct pg_job *j, struct pg_stmt *st, bool v);
void store_pg_p_bytea(struct pg_job *j, struct pg_stmt *st, const void *data, size_t n);
/* Frees the job's statements and the job. */
void store_pg_job_free(struct pg_job *j);

/* Queues `j` on `c` (at the end; at the front when `first`), runs it when it can; without a
 * loop, returns when it is done. A job that could not be built (out of memory) finishes
 * with -ENOMEM. */
void store_pg_submit(struct pg_conn *c, struct pg_job *j, bool first);
/* A setup job: sent before the connection is READY. */
void store_pg_submit_setup(struct pg_conn *c, struct pg_job *j);

/* ---- store_pg_util.c: results, errors ---- */

int64_t store_pg_int(const PGresult *r, int row, int col);
bool store_pg_bool(const PGresult *r, int row, int col);
bool store_pg_isnull(const PGresult *r, int row, int col);
void store_pg_text(const PGresult *r, int row, int col, char *out, size_t n);
/* A bytea in hex output into `out` of `cap` bytes: its length, or -1 when it does not fit
 * or is not "\\x" and pairs of hex digits. store_pg_unhex does it on the text. */
long store_pg_bytea(const PGresult *r, int row, int col, void *out, size_t cap);
long store_pg_unhex(const char *v, void *out, size_t cap);
/* The errno for an SQLSTATE (and the m2mon codes of store_pg_schema.c). */
int store_pg_errno_of(const char *sqlstate);
/* The errno and the hint for a failed connection, from libpq's message. */
int store_pg_connect_errno(const char *msg);
const char *store_pg_hint(int err);
/* Logs a query's failure once per kind of failure until a success clears it. */
void store_pg_log_error(struct store_pg *pg, int err, const char *op, const char *detail);
void store_pg_ok(struct store_pg *pg);
int store_pg_fits(const char *text, size_t n);
/* Reads row `i` of `r` into element `i` of the array `rows`. */
typedef void (*pg_row_fn)(const PGresult *r, int i, void *rows);
/* Every row of `r`, read by `row` into a new array of `size`-byte elements (free it): *rows
 * and *n, left alone when there is none. 0, or -ENOMEM. */
int store_pg_rows(const PGresult *r, size_t size, pg_row_fn row, void **rows, size_t *n);

/* m2mon's own SQLSTATEs, raised by the functions of the schema. */
#define PG_STATE_DONE_BEFORE "M2T01" /* the write's token was committed before */
#define PG_STATE_NOT_LEADER  "M2L01" /* the epoch is not the leader's */
#define PG_STATE_NO_ROW      "M2N01" /* a mark by id named no row */
#define PG_STATE_FOREIGN     "M2E01" /* tables of another program, no m2mon schema */
#define PG_STATE_NEWER       "M2E02" /* a schema newer than this m2mon */

/* ---- store_pg_schema.c ---- */

/* Queues the setup of the main connection: the schema (migrated, or checked when read-only),
 * this base's run in `bases` at the first connection, LISTEN with a loop. */
void store_pg_setup_main(struct pg_conn *c);

/* ---- the ops (store_pg_base.c, store_pg_write.c, store_pg_view.c) ---- */

extern const struct store_ops store_pg_base_ops;

void store_pgb_inbox_add(struct store *s, const struct store_inbox_sms *sms, store_done_fn cb, void *ud);
void store_pgb_inbox_pending(struct store *s, int64_t after_id, size_t max, store_inbox_fn cb, void *ud);
void store_pgb_inbox_complete(struct store *s, size_t max, store_inbox_fn cb, void *ud);
void store_pgb_units_load(struct store *s, store_units_fn cb, void *ud);
void store_pgb_seq_next(struct store *s, const char *unit, store_seq_fn cb, void *ud);
void store_pgb_outbox_claim(struct store *s, int64_t now_ms, const char *modem, store_claim_fn cb, void *ud);
void store_pgb_outbox_outcome(struct store *s, const struct store_sms_outcome *o, store_done_fn cb, void *ud);
void store_pgb_outbox_resend(struct store *s, int64_t id, int64_t now_ms, store_done_fn cb, void *ud);
void store_pgb_outbox_report(struct store *s, int64_t id, enum store_report report, int64_t report_ms,
			     store_done_fn cb, void *ud);
void store_pgb_outbox_recover(struct store *s, int64_t now_ms, store_done_fn cb, void *ud);
void store_pgb_outbox_awaiting(struct store *s, int64_t since_ms, int64_t after_id, size_t max,
			       store_outbox_fn cb, void *ud);
void store_pgb_outbox_get(struct store *s, int64_t id, store_outbox_fn cb, void *ud);
void store_pgb_engine_load(struct store *s, uint32_t counters_version, size_t counters_size,
			   store_engine_fn cb, void *ud);
void store_pgb_write(struct store *s, const struct store_base_batch *b, store_done_fn cb, void *ud);
void store_pgb_incident_row(const PGresult *r, int row, struct store_incident *i);
#define PGB_INCIDENT_COLS                                                                                    \
	"id, state, before_clear, unit, channel, channel_name, kind, critical, normal_raised, has_value,"    \
	" value_c10, threshold_c10, since_ms, opened_ms, cleared_ms, ladder_ms, notified, told, capped,"     \
	" reminders, acked_by, acked_ms, reopened, closed_ms"

int store_pgb_view_units(struct store *s, store_view_unit_fn fn, void *ud);
int store_pgb_view_latest(struct store *s, const char *unit, store_view_reading_fn fn, void *ud);
int store_pgb_view_history(struct store *s, const char *unit, const char *channel, int64_t since_ms,
			   int64_t until_ms, store_view_reading_fn fn, void *ud);
int store_pgb_view_events(struct store *s, const char *unit, int64_t since_ms, store_view_event_fn fn,
			  void *ud);
int store_pgb_view_events_latest(struct store *s, const char *unit, size_t max, store_view_event_fn fn,
				 void *ud);
int store_pgb_view_incidents_open(struct store *s, store_view_incident_fn fn, void *ud);
int store_pgb_view_incidents_between(struct store *s, const char *unit, const char *channel_name,
				     int64_t since_ms, int64_t until_ms, store_view_incident_fn fn, void *ud);
int store_pgb_view_version(struct store *s, uint64_t *version);

/* ---- store_pg_cluster.c ---- */

void store_pgc_heartbeat(struct store *s, uint32_t up, uint32_t modems, store_done_fn cb, void *ud);
void store_pgc_release(struct store *s, store_done_fn cb, void *ud);
int store_pgc_leader_start(struct store *s, const struct store_leader_cfg *cfg, store_leader_fn fn, void *ud);
void store_pgc_leader_stop(struct store *s);
int64_t store_pgc_leader_left_ms(struct store *s);
int store_pgc_view_bases(struct store *s, int64_t *now_ms, store_view_base_fn fn, void *ud);
void store_pgc_bases(struct store *s, store_bases_fn cb, void *ud);
/* The bases' rows (store_view_base's fields in order, then whether it is this handle's: $1
 * is its name) and the database's clock, for the tools and the daemon. */
#define PGC_NOW_SQL "SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint"
#define PGC_BASES_SQL                                                                                        \
	"SELECT b.name, b.modems_up, b.modems, (extract(epoch FROM b.last_seen) * 1000)::bigint,"            \
	" (extract(epoch FROM b.started) * 1000)::bigint,"                                                   \
	" coalesce(l.holder = b.name AND l.lease_until > clock_timestamp(), false), l.epoch, b.name = $1"    \
	" FROM bases b LEFT JOIN leader l ON l.id = 1 ORDER BY b.name"
/* One row of PGC_BASES_SQL. */
void store_pgc_base_row(const PGresult *r, int i, struct store_view_base *b);
/* The main connection is back: wake the watcher. */
void store_pgc_reconnected(struct store_pg *pg);
void store_pgc_notify(struct store_pg *pg, const char *channel);

#endif
