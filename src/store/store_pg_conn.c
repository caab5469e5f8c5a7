/* One libpq connection of the PostgreSQL backend and the jobs it runs, never blocking: connect
 * with PQconnectStartParams/PQconnectPoll, a non-blocking socket in pipeline mode, results
 * read as they come, our own deadlines for connecting and answering. The same state machine
 * runs under a uv_poll and a uv_timer on the daemon's loop, or under poll(2) for the tools.
 * A lost connection is logged once per episode, retried with backoff, and the job it cut is
 * sent again (jobs are built so that a second sending keeps them once). */
#include "store_pg.h"

#include "log.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PG_BACKOFF_MIN_MS   250
#define PG_BACKOFF_MAX_MS   10000
#define PG_REFUSED_RETRY_MS 60000
#define PG_ANSWER_GRACE_MS  5000 /* beyond the server's statement_timeout */

const char *store_pg_conn_state_str(enum pg_conn_state st)
{
	switch (st) {
	case PG_CONN_DOWN:
		return "down";
	case PG_CONN_CONNECTING:
		return "connecting";
	case PG_CONN_SETUP:
		return "setup";
	case PG_CONN_READY:
		return "ready";
	case PG_CONN_REFUSED:
		return "refused";
	case PG_CONN_CLOSED:
		return "closed";
	}
	return "?";
}

/* ---- the loop's handles, or nothing for poll(2) ---- */

static void conn_io(struct pg_conn *c, bool readable, bool writable);
static void conn_tick(struct pg_conn *c);
static void conn_pump(struct pg_conn *c);

static void on_handle_closed(uv_handle_t *h)
{
	struct pg_conn *c = h->data;
	free(h);
	if (c && c->pending_closes > 0)
		c->pending_closes--;
	if (c)
		store_pg_maybe_free(c->pg);
}

static void poll_close(struct pg_conn *c)
{
	if (!c->poll)
		return;
	uv_poll_stop(c->poll);
	c->pending_closes++;
	uv_close((uv_handle_t *)c->poll, on_handle_closed);
	c->poll = NULL;
	c->poll_fd = -1;
	c->poll_events = 0;
}

static void on_poll(uv_poll_t *h, int status, int events)
{
	struct pg_conn *c = h->data;
	bool err = status < 0;
	conn_io(c, err || (events & UV_READABLE), err || (events & UV_WRITABLE));
}

static void on_timer(uv_timer_t *t)
{
	conn_tick(t->data);
}

static int64_t conn_deadline(const struct pg_conn *c)
{
	int64_t d = 0;
	const int64_t all[] = {c->t_connect, c->t_stmt, c->t_retry, c->t_refused};
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (all[i] && (!d || all[i] < d))
			d = all[i];
	if (c->state != PG_CONN_READY && c->state != PG_CONN_SETUP) {
		for (const struct pg_job *j = c->head; j; j = j->next)
			if (!j->sent && j->deadline_mono_ms && (!d || j->deadline_mono_ms < d))
				d = j->deadline_mono_ms;
	}
	return d;
}

/* Applies what the state machine wants to the loop's handles. */
static void conn_arm(struct pg_conn *c)
{
	c->fd = c->pq ? PQsocket(c->pq) : -1;
	if (!c->pg->loop || c->state == PG_CONN_CLOSED)
		return;
	int events = (c->want_read ? UV_READABLE : 0) | (c->want_write || c->flushing ? UV_WRITABLE : 0);
	if (c->poll && (c->fd != c->poll_fd || c->fd < 0))
		poll_close(c);
	if (c->fd >= 0 && events) {
		if (!c->poll) {
			c->poll = calloc(1, sizeof(*c->poll));
			if (c->poll && uv_poll_init_socket(c->pg->loop, c->poll, c->fd) != 0) {
				free(c->poll);
				c->poll = NULL;
			}
			if (c->poll) {
				c->poll->data = c;
				c->poll_fd = c->fd;
				c->poll_events = 0;
			}
		}
		if (c->poll && events != c->poll_events) {
			uv_poll_start(c->poll, events, on_poll);
			c->poll_events = events;
		}
	} else if (c->poll && c->poll_events) {
		uv_poll_stop(c->poll);
		c->poll_events = 0;
	}
	int64_t d = conn_deadline(c);
	if (d) {
		int64_t wait = d - store_pg_now_mono();
		uv_timer_start(c->timer, on_timer, wait > 0 ? (uint64_t)wait : 0, 0);
	} else {
		uv_timer_stop(c->timer);
	}
}

/* ---- failures, logged once per episode ---- */

static void log_down(struct pg_conn *c, int err, const char *detail)
{
	if (err == c->episode_err)
		return;
	c->episode_err = err;
	char esc[384];
	log_escape(detail ? detail : "", detail ? strlen(detail) : 0, esc, sizeof(esc));
	if (c->pg->loop)
		log_error("store",
			  "event=db_down db=\"%s\" conn=%s error=\"%s\" detail=\"%s\" hint=\"%s\" "
			  "retry=\"every %d s at most, by itself\"",
			  c->pg->pub.path, c->name, store_strerror(err), esc, store_pg_hint(err),
			  PG_BACKOFF_MAX_MS / 1000);
	else
		log_error("store", "event=db_down db=\"%s\" conn=%s error=\"%s\" detail=\"%s\" hint=\"%s\"",
			  c->pg->pub.path, c->name, store_strerror(err), esc, store_pg_hint(err));
}

static void finish_job(struct pg_conn *c, struct pg_job *j, int err)
{
	(void)c;
	j->finish(j, err);
}

/* Removes `j` from the queue (it need not be the head). */
static void unlink_job(struct pg_conn *c, struct pg_job *j)
{
	struct pg_job **pp = &c->head, *prev = NULL;
	while (*pp && *pp != j) {
		prev = *pp;
		pp = &(*pp)->next;
	}
	if (!*pp)
		return;
	*pp = j->next;
	if (c->tail == j)
		c->tail = prev;
	j->next = NULL;
}

/* Fails the jobs not yet sent whose wait ended (or all of them, `all`), with `err`. */
static void fail_unsent(struct pg_conn *c, int err, bool all)
{
	int64_t now = store_pg_now_mono();
	struct pg_job *j = c->head;
	while (j) {
		struct pg_job *next = j->next;
		bool due = all || (j->deadline_mono_ms && j->deadline_mono_ms <= now);
		if (!j->sent && !j->setup && due) {
			unlink_job(c, j);
			finish_job(c, j, err);
		}
		j = next;
	}
}

static void drop_setup_jobs(struct pg_conn *c)
{
	struct pg_job *j = c->head;
	while (j) {
		struct pg_job *next = j->next;
		if (j->setup) {
			unlink_job(c, j);
			finish_job(c, j, -ECANCELED);
		}
		j = next;
	}
}

static void conn_teardown(struct pg_conn *c)
{
	poll_close(c);
	if (c->pq)
		PQfinish(c->pq);
	c->pq = NULL;
	c->fd = -1;
	c->want_read = c->want_write = c->flushing = false;
	c->busy = false;
	c->t_connect = c->t_stmt = 0;
	for (struct pg_job *j = c->head; j; j = j->next) {
		j->err = 0;
		j->sqlstate[0] = '\0';
		j->at = 0;
	}
}

void store_pg_conn_drop(struct pg_conn *c, int err, const char *why)
{
	if (c->state == PG_CONN_CLOSED || c->state == PG_CONN_DOWN)
		return;
	bool was_up = c->state == PG_CONN_READY || c->state == PG_CONN_SETUP;
	struct pg_job *cut = c->busy ? c->head : NULL;
	log_down(c, err, why);
	conn_teardown(c);
	if (cut && cut->once) {
		unlink_job(c, cut);
		finish_job(c, cut, -ECONNRESET);
	}
	drop_setup_jobs(c);
	c->state = PG_CONN_DOWN;
	c->t_retry = store_pg_now_mono() + c->backoff_ms;
	c->backoff_ms = c->backoff_ms * 2 > PG_BACKOFF_MAX_MS ? PG_BACKOFF_MAX_MS : c->backoff_ms * 2;
	/* Without a loop nobody waits for a reconnect: what never went out fails now. */
	if (!c->pg->loop)
		fail_unsent(c, err, true);
	if (was_up && c->ops->lost)
		c->ops->lost(c, err);
	/* A drop from outside the connection's own handlers (the leader's timer) arms the retry. */
	if (c->state == PG_CONN_DOWN)
		conn_arm(c);
}

void store_pg_conn_refuse(struct pg_conn *c, int err)
{
	log_down(c, err, "the database refuses this m2mon");
	conn_teardown(c);
	drop_setup_jobs(c);
	c->state = PG_CONN_REFUSED;
	c->refused_err = err;
	c->t_refused = store_pg_now_mono() + PG_REFUSED_RETRY_MS;
	fail_unsent(c, err, true);
}

/* ---- connecting ---- */

static void connect_failed(struct pg_conn *c, int err, const char *why)
{
	c->state = PG_CONN_CONNECTING; /* so that drop logs and schedules */
	store_pg_conn_drop(c, err, why);
}

void store_pg_conn_start(struct pg_conn *c)
{
	if (c->state == PG_CONN_CLOSED)
		return;
	c->t_retry = c->t_refused = 0;
	c->pq = PQconnectStartParams((const char *const *)c->kw, (const char *const *)c->val, 0);
	if (!c->pq) {
		connect_failed(c, -ENOMEM, "out of memory");
		return;
	}
	if (PQstatus(c->pq) == CONNECTION_BAD) {
		char msg[512];
		snprintf(msg, sizeof(msg), "%s", PQerrorMessage(c->pq));
		connect_failed(c, store_pg_connect_errno(msg), msg);
		return;
	}
	c->state = PG_CONN_CONNECTING;
	c->want_read = false;
	c->want_write = true; /* the first poll is as if PGRES_POLLING_WRITING */
	c->t_connect = store_pg_now_mono() + c->pg->connect_timeout_ms;
	conn_arm(c);
}

/* The server's notices (CREATE ... IF NOT EXISTS) are for debugging only. */
static void on_notice(void *arg, const char *message)
{
	struct pg_conn *c = arg;
	char esc[256];
	log_escape(message, strlen(message), esc, sizeof(esc));
	log_debug("store", "event=db_notice db=\"%s\" conn=%s text=\"%s\"", c->pg->pub.path, c->name, esc);
}

static void connected(struct pg_conn *c)
{
	c->t_connect = 0;
	PQsetNoticeProcessor(c->pq, on_notice, c);
	if (PQsetnonblocking(c->pq, 1) != 0 || PQenterPipelineMode(c->pq) != 1) {
		store_pg_conn_drop(c, -EIO, PQerrorMessage(c->pq));
		return;
	}
	c->state = PG_CONN_SETUP;
	c->want_read = true;
	c->want_write = false;
	if (c->ops->setup)
		c->ops->setup(c);
}

static void poll_connect(struct pg_conn *c)
{
	switch (PQconnectPoll(c->pq)) {
	case PGRES_POLLING_READING:
		c->want_read = true;
		c->want_write = false;
		return;
	case PGRES_POLLING_WRITING:
		c->want_read = false;
		c->want_write = true;
		return;
	case PGRES_POLLING_OK:
		connected(c);
		return;
	case PGRES_POLLING_FAILED:
	case PGRES_POLLING_ACTIVE: {
		char msg[512];
		snprintf(msg, sizeof(msg), "%s", PQerrorMessage(c->pq));
		connect_failed(c, store_pg_connect_errno(msg), msg);
		return;
	}
	}
}

static void become_ready(struct pg_conn *c)
{
	c->state = PG_CONN_READY;
	c->backoff_ms = PG_BACKOFF_MIN_MS;
	if (c->episode_err)
		log_info("store", "event=db_up db=\"%s\" conn=%s after=\"%s\"", c->pg->pub.path, c->name,
			 store_strerror(c->episode_err));
	c->episode_err = 0;
	c->ever_ready = true;
	if (c->ops->ready)
		c->ops->ready(c);
}

/* ---- sending and reading ---- */

static void conn_flush(struct pg_conn *c)
{
	int r = PQflush(c->pq);
	if (r < 0)
		store_pg_conn_drop(c, -ECONNRESET, PQerrorMessage(c->pq));
	else
		c->flushing = r == 1;
}

static void send_job(struct pg_conn *c, struct pg_job *j)
{
	if (j->sent && j->reset)
		j->reset(j);
	for (size_t i = 0; i < j->n_stmts; i++) {
		const struct pg_stmt *st = &j->stmts[i];
		if (!PQsendQueryParams(c->pq, st->sql, st->n, NULL, (const char *const *)st->v, NULL, NULL,
				       0)) {
			store_pg_conn_drop(c, -ECONNRESET, PQerrorMessage(c->pq));
			return;
		}
	}
	if (!PQpipelineSync(c->pq)) {
		store_pg_conn_drop(c, -ECONNRESET, PQerrorMessage(c->pq));
		return;
	}
	j->sent = true;
	j->at = 0;
	j->err = 0;
	j->sqlstate[0] = '\0';
	c->busy = true;
	c->t_stmt = store_pg_now_mono() + c->pg->statement_timeout_ms + PG_ANSWER_GRACE_MS;
	conn_flush(c);
}

static void conn_pump(struct pg_conn *c)
{
	while (!c->busy && !c->reading && c->pq) {
		if (c->state == PG_CONN_SETUP && (!c->head || !c->head->setup)) {
			become_ready(c);
			continue;
		}
		if ((c->state != PG_CONN_SETUP && c->state != PG_CONN_READY) || !c->head)
			return;
		send_job(c, c->head);
	}
}

static void rollback_finish(struct pg_job *j, int err)
{
	(void)err;
	store_pg_job_free(j);
}

static void job_done(struct pg_conn *c)
{
	struct pg_job *j = c->head;
	c->busy = false;
	c->t_stmt = 0;
	unlink_job(c, j);
	PGTransactionStatusType ts = PQtransactionStatus(c->pq);
	if (ts == PQTRANS_INTRANS || ts == PQTRANS_INERROR) {
		/* A job with an explicit BEGIN failed: its transaction is still open. */
		struct pg_job *rb = store_pg_job_new(sizeof(*rb), "rollback", NULL, rollback_finish);
		if (rb) {
			store_pg_stmt(rb, "ROLLBACK");
			rb->setup = c->state == PG_CONN_SETUP;
			rb->next = c->head;
			c->head = rb;
			if (!c->tail)
				c->tail = rb;
		}
	}
	if (!j->err && j->n_stmts && j->at < j->n_stmts)
		j->err = -EIO; /* fewer results than statements: never seen, but never a success */
	finish_job(c, j, j->err);
}

/* The fault seam (store_open_cfg.fault, tests only): the answer of the job after `after`
 * completed ones is dropped with the connection, once. */
static bool fault_fires(struct pg_conn *c, const struct pg_job *j)
{
	struct store_fault *f = c->pg->fault;
	if (!f || f->action == STORE_FAULT_NONE || j->setup)
		return false;
	if (f->count++ < f->after)
		return false;
	f->action = STORE_FAULT_NONE;
	return true;
}

static void take_result(struct pg_conn *c, PGresult *r)
{
	struct pg_job *j = c->busy ? c->head : NULL;
	ExecStatusType st = PQresultStatus(r);
	if (!j) {
		PQclear(r);
		return;
	}
	switch (st) {
	case PGRES_PIPELINE_SYNC:
		PQclear(r);
		if (fault_fires(c, j)) {
			/* Tests: the answer of a committed job is lost, as when the link dies then. */
			store_pg_conn_drop(c, -ECONNRESET, "fault injected: the answer was lost");
			return;
		}
		job_done(c);
		return;
	case PGRES_TUPLES_OK:
	case PGRES_COMMAND_OK:
		if (!j->err && j->on_result)
			j->err = j->on_result(j, j->at, r);
		break;
	case PGRES_FATAL_ERROR:
		if (!j->err) {
			const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
			snprintf(j->sqlstate, sizeof(j->sqlstate), "%s", state ? state : "");
			j->err = store_pg_errno_of(j->sqlstate);
			if (j->err != -EPERM && strncmp(j->sqlstate, "M2", 2) != 0 && j->err != -ENOTCONN)
				store_pg_log_error(c->pg, j->err, j->op,
						   PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY));
		}
		break;
	case PGRES_PIPELINE_ABORTED:
		break;
	case PGRES_EMPTY_QUERY:
	case PGRES_COPY_OUT:
	case PGRES_COPY_IN:
	case PGRES_BAD_RESPONSE:
	case PGRES_NONFATAL_ERROR:
	case PGRES_COPY_BOTH:
	case PGRES_SINGLE_TUPLE:
		if (!j->err)
			j->err = -EIO;
		break;
	}
	PQclear(r);
}

static void read_results(struct pg_conn *c)
{
	if (!PQconsumeInput(c->pq)) {
		store_pg_conn_drop(c, -ECONNRESET, PQerrorMessage(c->pq));
		return;
	}
	c->reading = true;
	while (c->pq && !PQisBusy(c->pq)) {
		PGresult *r = PQgetResult(c->pq);
		if (!r) {
			if (!c->busy)
				break;
			c->head->at++;
			continue;
		}
		take_result(c, r);
	}
	c->reading = false;
	if (!c->pq)
		return;
	if (PQstatus(c->pq) == CONNECTION_BAD) {
		store_pg_conn_drop(c, -ECONNRESET, PQerrorMessage(c->pq));
		return;
	}
	PGnotify *n;
	while (c->pq && (n = PQnotifies(c->pq)) != NULL) {
		if (c->ops->notify)
			c->ops->notify(c, n->relname);
		PQfreemem(n);
	}
}

static void conn_io(struct pg_conn *c, bool readable, bool writable)
{
	if (c->state == PG_CONN_CONNECTING) {
		poll_connect(c);
	} else if (c->pq && (c->state == PG_CONN_SETUP || c->state == PG_CONN_READY)) {
		if (writable && c->flushing)
			conn_flush(c);
		if (c->pq && readable)
			read_results(c);
	}
	conn_pump(c);
	conn_arm(c);
}

static void conn_tick(struct pg_conn *c)
{
	int64_t now = store_pg_now_mono();
	if (c->state == PG_CONN_CONNECTING && c->t_connect && now >= c->t_connect) {
		char why[96];
		snprintf(why, sizeof(why), "no answer within %d ms", c->pg->connect_timeout_ms);
		conn_teardown(c);
		connect_failed(c, -ETIMEDOUT, why);
	}
	if (c->busy && c->t_stmt && now >= c->t_stmt) {
		char why[96];
		snprintf(why, sizeof(why), "no answer within %d ms",
			 c->pg->statement_timeout_ms + PG_ANSWER_GRACE_MS);
		store_pg_conn_drop(c, -ETIMEDOUT, why);
	}
	if (c->state == PG_CONN_DOWN && c->t_retry && now >= c->t_retry)
		store_pg_conn_start(c);
	if (c->state == PG_CONN_REFUSED && c->t_refused && now >= c->t_refused)
		store_pg_conn_start(c);
	if (c->state != PG_CONN_READY && c->state != PG_CONN_SETUP)
		fail_unsent(c, c->state == PG_CONN_REFUSED ? c->refused_err : -ENOTCONN, false);
	conn_pump(c);
	conn_arm(c);
}

/* ---- submitting ---- */

static void enqueue(struct pg_conn *c, struct pg_job *j, bool first)
{
	j->next = NULL;
	if (!first || !c->head) {
		if (c->tail)
			c->tail->next = j;
		else
			c->head = j;
		c->tail = j;
		return;
	}
	/* At the front, behind the setup jobs and the one in flight. */
	struct pg_job **pp = &c->head;
	if (c->busy)
		pp = &(*pp)->next;
	while (*pp && (*pp)->setup)
		pp = &(*pp)->next;
	j->next = *pp;
	*pp = j;
	if (!j->next)
		c->tail = j;
}

static void run_sync(struct pg_conn *c);

static void submit(struct pg_conn *c, struct pg_job *j, bool first)
{
	if (j->alloc_err) {
		finish_job(c, j, j->alloc_err);
		return;
	}
	if (c->state == PG_CONN_CLOSED) {
		finish_job(c, j, -ECANCELED);
		return;
	}
	if (c->state == PG_CONN_REFUSED && !j->setup) {
		finish_job(c, j, c->refused_err);
		return;
	}
	j->deadline_mono_ms = store_pg_now_mono() + c->pg->call_timeout_ms;
	enqueue(c, j, first);
	if (!c->pg->loop) {
		/* The tools: connect now rather than after a backoff, and wait for the answer. */
		if (c->state == PG_CONN_DOWN)
			store_pg_conn_start(c);
		run_sync(c);
		return;
	}
	conn_pump(c);
	conn_arm(c);
}

void store_pg_submit(struct pg_conn *c, struct pg_job *j, bool first)
{
	submit(c, j, first);
}

void store_pg_submit_setup(struct pg_conn *c, struct pg_job *j)
{
	j->setup = true;
	/* Setup jobs run in the order queued, before everything else. */
	struct pg_job **pp = &c->head;
	while (*pp && (*pp)->setup)
		pp = &(*pp)->next;
	if (j->alloc_err) {
		finish_job(c, j, j->alloc_err);
		return;
	}
	j->next = *pp;
	*pp = j;
	if (!j->next)
		c->tail = j;
	conn_pump(c);
	conn_arm(c);
}

/* ---- the tools' driver ---- */

static void wait_io(struct pg_conn *c)
{
	int64_t d = conn_deadline(c);
	int64_t wait = d ? d - store_pg_now_mono() : 1000;
	if (wait < 0)
		wait = 0;
	if (wait > 1000)
		wait = 1000;
	struct pollfd p = {.fd = c->fd, .events = 0};
	if (c->want_read)
		p.events |= POLLIN;
	if (c->want_write || c->flushing)
		p.events |= POLLOUT;
	int n = poll(&p, c->fd >= 0 && p.events ? 1 : 0, (int)wait);
	if (n > 0)
		conn_io(c, p.revents & (POLLIN | POLLERR | POLLHUP),
			p.revents & (POLLOUT | POLLERR | POLLHUP));
	else
		conn_tick(c);
}

static void run_sync(struct pg_conn *c)
{
	if (c->driving)
		return; /* the outer driver runs it */
	c->driving = true;
	while (c->head && c->state != PG_CONN_CLOSED) {
		conn_pump(c);
		if (!c->head)
			break;
		conn_arm(c);
		wait_io(c);
	}
	c->driving = false;
}

void store_pg_conn_run_open(struct pg_conn *c, int64_t deadline_mono_ms)
{
	c->driving = true;
	while ((c->state == PG_CONN_CONNECTING || c->state == PG_CONN_SETUP) &&
	       store_pg_now_mono() < deadline_mono_ms) {
		conn_arm(c);
		wait_io(c);
	}
	c->driving = false;
}

/* ---- setting up and closing ---- */

static int add_param(struct pg_conn *c, size_t *n, const char *k, const char *v)
{
	c->kw[*n] = strdup(k);
	c->val[*n] = strdup(v);
	if (!c->kw[*n] || !c->val[*n])
		return -ENOMEM;
	(*n)++;
	return 0;
}

int store_pg_conn_init(struct pg_conn *c, struct store_pg *pg, const char *name,
		       const struct pg_conn_ops *ops, const char *uri, const char *extra_options)
{
	c->pg = pg;
	c->name = name;
	c->ops = ops;
	c->fd = c->poll_fd = -1;
	c->backoff_ms = PG_BACKOFF_MIN_MS;
	char *msg = NULL;
	PQconninfoOption *opts = PQconninfoParse(uri, &msg);
	if (!opts) {
		char esc[256];
		log_escape(msg ? msg : "", msg ? strlen(msg) : 0, esc, sizeof(esc));
		log_error("store",
			  "event=db_error db=\"%s\" op=open error=\"invalid store URI\" detail=\"%s\" "
			  "hint=\"write store as postgresql:///DATABASE?host=/run/postgresql (see "
			  "docs/operations.md)\"",
			  pg->pub.path, esc);
		PQfreemem(msg);
		return -EINVAL;
	}
	size_t count = 0;
	for (PQconninfoOption *o = opts; o->keyword; o++)
		count++;
	c->kw = calloc(count + 3, sizeof(*c->kw));
	c->val = calloc(count + 3, sizeof(*c->val));
	int err = c->kw && c->val ? 0 : -ENOMEM;
	size_t n = 0;
	char options[512] = "";
	bool have_app = false;
	for (PQconninfoOption *o = opts; !err && o->keyword; o++) {
		if (!o->val)
			continue;
		if (strcmp(o->keyword, "options") == 0) {
			snprintf(options, sizeof(options), "%s", o->val);
			continue;
		}
		have_app |= strcmp(o->keyword, "application_name") == 0;
		err = add_param(c, &n, o->keyword, o->val);
	}
	PQconninfoFree(opts);
	if (!err && extra_options) {
		size_t len = strlen(options);
		snprintf(options + len, sizeof(options) - len, "%s%s", len ? " " : "", extra_options);
	}
	if (!err && options[0])
		err = add_param(c, &n, "options", options);
	if (!err && !have_app)
		err = add_param(c, &n, "application_name", "m2mon");
	if (err)
		return err;
	if (pg->loop) {
		c->timer = calloc(1, sizeof(*c->timer));
		if (!c->timer)
			return -ENOMEM;
		uv_timer_init(pg->loop, c->timer);
		c->timer->data = c;
	}
	return 0;
}

void store_pg_conn_close(struct pg_conn *c)
{
	if (c->state == PG_CONN_CLOSED || !c->pg)
		return;
	conn_teardown(c);
	c->state = PG_CONN_CLOSED;
	while (c->head) {
		struct pg_job *j = c->head;
		unlink_job(c, j);
		finish_job(c, j, -ECANCELED);
	}
	if (c->timer) {
		uv_timer_stop(c->timer);
		c->pending_closes++;
		uv_close((uv_handle_t *)c->timer, on_handle_closed);
		c->timer = NULL;
	}
	for (size_t i = 0; c->kw && c->kw[i]; i++) {
		free(c->kw[i]);
		free(c->val[i]);
	}
	free(c->kw);
	free(c->val);
	c->kw = c->val = NULL;
}
