/* The PostgreSQL tests' loop, waits, child processes and cluster restarts (pg_fixture.h). */
#include "pg_fixture.h"

#include <fcntl.h>
#include <libpq-fe.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

void pgx_setup(struct pgx *x)
{
	memset(x, 0, sizeof(*x));
	fx_setup(&x->fx, "base.db");
	if (uv_loop_init(&x->loop) != 0)
		abort();
}

static void close_walk(uv_handle_t *h, void *arg)
{
	(void)arg;
	if (!uv_is_closing(h))
		uv_close(h, NULL);
}

void pgx_teardown(struct pgx *x)
{
	uv_walk(&x->loop, close_walk, NULL);
	while (uv_run(&x->loop, UV_RUN_NOWAIT) != 0) {
	}
	uv_loop_close(&x->loop);
	fx_teardown(&x->fx);
}

struct store *pgx_open(struct pgx *x, const char *base, bool async, int claim_lease_ms)
{
	struct store_open_cfg cfg = {.path = x->fx.path,
				     .kind = STORE_KIND_BASE,
				     .loop = async ? &x->loop : NULL,
				     .base_name = base,
				     .claim_lease_ms = claim_lease_ms};
	struct store *s = NULL;
	if (store_open(&cfg, &s) != 0)
		return NULL;
	return s;
}

void pgx_close(struct pgx *x, struct store *s)
{
	store_close(s);
	for (int i = 0; i < 4; i++)
		uv_run(&x->loop, UV_RUN_NOWAIT);
}

struct deadline {
	uv_timer_t t;
	bool passed;
};

static void on_deadline(uv_timer_t *t)
{
	((struct deadline *)t)->passed = true;
}

bool pgx_wait_pred(struct pgx *x, bool (*pred)(void *arg), void *arg, int timeout_ms)
{
	struct deadline d = {.passed = false};
	uv_timer_init(&x->loop, &d.t);
	uv_timer_start(&d.t, on_deadline, (uint64_t)timeout_ms, 0);
	bool ok;
	while (!(ok = pred(arg)) && !d.passed)
		uv_run(&x->loop, UV_RUN_ONCE);
	uv_close((uv_handle_t *)&d.t, NULL);
	uv_run(&x->loop, UV_RUN_NOWAIT);
	return ok;
}

struct count_arg {
	const int *counter;
	int target;
};

static bool count_reached(void *arg)
{
	struct count_arg *a = arg;
	return *a->counter >= a->target;
}

bool pgx_wait(struct pgx *x, const int *counter, int target, int timeout_ms)
{
	struct count_arg a = {counter, target};
	return pgx_wait_pred(x, count_reached, &a, timeout_ms);
}

/* ---- children ---- */

static void on_child_out(uv_poll_t *p, int status, int events)
{
	struct pgx_child *c = p->data;
	(void)status;
	(void)events;
	ssize_t n = read(c->from_child, c->out + c->n_out, sizeof(c->out) - 1 - c->n_out);
	if (n <= 0) {
		uv_poll_stop(p);
		return;
	}
	c->n_out += (size_t)n;
	c->out[c->n_out] = '\0';
}

void pgx_child_start(struct pgx *x, struct pgx_child *c, pgx_child_fn fn, void *arg, const char *log_path)
{
	memset(c, 0, sizeof(*c));
	int down[2], up[2];
	if (pipe(down) != 0 || pipe(up) != 0)
		abort();
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		abort();
	if (pid == 0) {
		close(down[1]);
		close(up[0]);
		if (log_path) {
			int fd = open(log_path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
			if (fd >= 0) {
				dup2(fd, 2);
				close(fd);
			}
		}
		fn(arg, down[0], up[1]);
		_exit(0);
	}
	close(down[0]);
	close(up[1]);
	c->pid = pid;
	c->to_child = down[1];
	c->from_child = up[0];
	fcntl(c->from_child, F_SETFL, O_NONBLOCK);
	uv_poll_init(&x->loop, &c->poll, c->from_child);
	c->poll.data = c;
	uv_poll_start(&c->poll, UV_READABLE, on_child_out);
	c->polling = true;
}

struct said_arg {
	struct pgx_child *c;
	const char *text;
};

static bool child_said(void *arg)
{
	struct said_arg *a = arg;
	return strstr(a->c->out, a->text) != NULL;
}

bool pgx_child_said(struct pgx *x, struct pgx_child *c, const char *text, int timeout_ms)
{
	struct said_arg a = {c, text};
	return pgx_wait_pred(x, child_said, &a, timeout_ms);
}

void pgx_child_send(struct pgx_child *c, const char *line)
{
	size_t n = strlen(line);
	if (write(c->to_child, line, n) != (ssize_t)n)
		abort();
}

void pgx_child_end(struct pgx *x, struct pgx_child *c)
{
	if (c->pid > 0) {
		kill(c->pid, SIGKILL);
		waitpid(c->pid, NULL, 0);
		c->pid = 0;
	}
	if (c->polling) {
		uv_poll_stop(&c->poll);
		uv_close((uv_handle_t *)&c->poll, NULL);
		uv_run(&x->loop, UV_RUN_NOWAIT);
		c->polling = false;
	}
	if (c->to_child > 0)
		close(c->to_child);
	if (c->from_child > 0)
		close(c->from_child);
	c->to_child = c->from_child = -1;
}

/* ---- the cluster ---- */

struct restart {
	uv_process_t proc;
	bool *done;
	int *status;
};

static void free_restart(uv_handle_t *h)
{
	free(h->data);
}

static void on_restarted(uv_process_t *p, int64_t status, int signal)
{
	struct restart *r = p->data;
	(void)signal;
	*r->status = (int)status;
	*r->done = true;
	uv_close((uv_handle_t *)p, free_restart);
}

void pgx_restart(struct pgx *x, const char *mode, bool *done, int *status)
{
	struct restart *r = calloc(1, sizeof(*r));
	if (!r)
		abort();
	char script[] = PG_CLUSTER_SH, bash[] = "bash", restart[] = "restart", how[16];
	snprintf(how, sizeof(how), "%s", mode);
	char *args[] = {bash, script, restart, getenv("M2_PG_DIR"), how, NULL};
	uv_process_options_t o = {.file = "bash", .args = args, .exit_cb = on_restarted};
	r->done = done;
	r->status = status;
	r->proc.data = r;
	*done = false;
	if (uv_spawn(&x->loop, &r->proc, &o) != 0)
		abort();
}

long long pgx_scalar(struct pgx *x, const char *sql)
{
	char uri[320];
	fx_pg_uri(x->fx.db, uri, sizeof(uri));
	PGconn *c = PQconnectdb(uri);
	long long v = -1;
	if (PQstatus(c) == CONNECTION_OK) {
		PGresult *r = PQexec(c, sql);
		if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
			v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
		else
			fprintf(stderr, "pgx_scalar: %s: %s", sql, PQerrorMessage(c));
		PQclear(r);
	}
	PQfinish(c);
	return v;
}
