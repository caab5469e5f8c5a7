/* Several bases on one PostgreSQL, each a store handle, some in child processes that the
 * test kills (SIGKILL) or freezes (SIGSTOP): a message both store is one inbox row; no
 * outbox row is claimed twice; a dead claimer's rows come back after its lease, marked
 * possibly duplicated; the alarm leader's lock passes to the other base when the holder's
 * session dies, and a frozen holder's late engine write is refused by the epoch. Waits are
 * on events, bounded; the takeover time is printed, not asserted. */
#include "pg_fixture.h"
#include "store_base.h"
#include "store_cluster.h"
#include "store_view.h"

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#define T0    1764000000000LL
#define LEASE 2000

static int setup(void **state)
{
	static struct pgx x;
	pgx_setup(&x);
	*state = &x;
	return 0;
}

static int teardown(void **state)
{
	pgx_teardown(*state);
	return 0;
}

struct done {
	int calls;
	int result;
	int64_t id;
};

static void on_done(void *ud, int result, int64_t id)
{
	struct done *d = ud;
	d->calls++;
	d->result = result;
	d->id = id;
}

static void queue_texts(struct store *s, int n)
{
	struct store_sms_out *t = calloc((size_t)n, sizeof(*t));
	assert_non_null(t);
	for (int i = 0; i < n; i++) {
		snprintf(t[i].dest, sizeof(t[i].dest), "+1555000%04d", i);
		snprintf(t[i].text, sizeof(t[i].text), "ALARM %d", i);
		snprintf(t[i].kind, sizeof(t[i].kind), "alarm");
		t[i].next_ms = T0;
	}
	struct done d = {0};
	store_base_write(s, &(struct store_base_batch){.outbox = t, .n_outbox = (size_t)n}, on_done, &d);
	assert_int_equal(d.calls, 1);
	assert_int_equal(d.result, 0);
	free(t);
}

static void a_message_two_bases_store_is_one_row(void **state)
{
	struct pgx *x = *state;
	struct store *a = pgx_open(x, "north", false, 0), *b = pgx_open(x, "south", false, 0);
	assert_non_null(a);
	assert_non_null(b);
	struct store_inbox_sms m = {
		.pdu_hex = "07915155000000F0040B91", .sender = "+15550002001", .total = 1, .part = 1};
	snprintf(m.modem, sizeof(m.modem), "north0");
	struct done da = {0}, db = {0};
	store_base_inbox_add(a, &m, on_done, &da);
	snprintf(m.modem, sizeof(m.modem), "south0");
	store_base_inbox_add(b, &m, on_done, &db);
	assert_int_equal(da.result, 0);
	assert_int_equal(db.result, STORE_DUPLICATE);
	assert_int_equal(db.id, da.id);
	assert_int_equal(pgx_scalar(x, "SELECT count(*) FROM inbox"), 1);
	/* Both beat; the tools see both. */
	store_cluster_heartbeat(a, 2, 2, on_done, &da);
	store_cluster_heartbeat(b, 0, 1, on_done, &db);
	assert_int_equal(da.result, 0);
	assert_int_equal(db.result, 0);
	store_close(a);
	store_close(b);
}

/* ---- claims ---- */

#define N_TEXTS 60

struct claimer {
	struct store *s;
	const char *modem;
	int *seen; /* per row id: how many claims */
	int got, calls;
	bool done;
	int errors;
};

static void claim_next(struct claimer *c);

static void on_claim(void *ud, int result, const struct store_sms_out *row, int64_t next_due_ms)
{
	struct claimer *c = ud;
	(void)next_due_ms;
	c->calls++;
	if (result == -ENOENT) {
		c->done = true;
		return;
	}
	if (result != 0 || row->id <= 0 || row->id > 4 * N_TEXTS) {
		c->errors++;
		c->done = true;
		return;
	}
	c->seen[row->id]++;
	c->got++;
	claim_next(c);
}

static void claim_next(struct claimer *c)
{
	store_base_outbox_claim(c->s, T0, c->modem, on_claim, c);
}

static bool both_done(void *arg)
{
	struct claimer *c = arg;
	return c[0].done && c[1].done;
}

static void no_row_is_claimed_twice(void **state)
{
	struct pgx *x = *state;
	struct store *w = pgx_open(x, "north", false, 0);
	assert_non_null(w);
	queue_texts(w, N_TEXTS);
	store_close(w);
	int seen[4 * N_TEXTS + 1] = {0};
	struct claimer c[2] = {{.modem = "north0", .seen = seen}, {.modem = "south0", .seen = seen}};
	c[0].s = pgx_open(x, "north", true, 0);
	c[1].s = pgx_open(x, "south", true, 0);
	assert_non_null(c[0].s);
	assert_non_null(c[1].s);
	/* Both claim at once, each as fast as its answers come. */
	claim_next(&c[0]);
	claim_next(&c[1]);
	assert_true(pgx_wait_pred(x, both_done, c, 30000));
	assert_int_equal(c[0].errors + c[1].errors, 0);
	assert_int_equal(c[0].got + c[1].got, N_TEXTS);
	for (int id = 1; id <= 4 * N_TEXTS; id++)
		assert_true(seen[id] <= 1);
	print_message("claims: north %d, south %d\n", c[0].got, c[1].got);
	assert_int_equal(
		pgx_scalar(x, "SELECT count(DISTINCT claimed_by) FROM outbox WHERE state = 'sending'"),
		(c[0].got > 0) + (c[1].got > 0));
	/* A base whose modems die gives its claims back. */
	struct done d = {0};
	store_cluster_release(c[0].s, on_done, &d);
	assert_true(pgx_wait(x, &d.calls, 1, 10000));
	assert_int_equal(d.result, 0);
	assert_int_equal(d.id, c[0].got);
	assert_int_equal(
		pgx_scalar(x, "SELECT count(*) FROM outbox WHERE state = 'queued' AND possibly_duplicate"),
		c[0].got);
	pgx_close(x, c[0].s);
	pgx_close(x, c[1].s);
}

/* A child that claims one row through a handle of its own, says which, then waits to die. */
struct child_arg {
	const char *uri;
	const char *base;
	int lease_ms;
};

static void child_claims(void *arg, int in_fd, int out_fd)
{
	struct child_arg *a = arg;
	struct store_open_cfg cfg = {
		.path = a->uri, .kind = STORE_KIND_BASE, .base_name = a->base, .claim_lease_ms = a->lease_ms};
	struct store *s = NULL;
	if (store_open(&cfg, &s) != 0)
		_exit(1);
	struct claimer c = {.s = s, .modem = "north0"};
	int seen[4 * N_TEXTS + 1] = {0};
	c.seen = seen;
	store_base_outbox_claim(s, T0, "north0", on_claim, &c); /* claims them all, one by one */
	dprintf(out_fd, "claimed %d\n", c.got);
	char buf[8];
	while (read(in_fd, buf, sizeof(buf)) > 0) {
	}
	_exit(0);
}

struct retry {
	struct pgx *x;
	struct store *s;
	uv_timer_t t;
	int calls, got, dup;
	int64_t wait_ms;
};

static void retry_claim(uv_timer_t *t);

static void on_retry_claim(void *ud, int result, const struct store_sms_out *row, int64_t next_due_ms)
{
	struct retry *r = ud;
	r->calls++;
	if (result == 0) {
		r->got++;
		r->dup += row->possibly_duplicate && row->attempts == 2;
		store_base_outbox_claim(r->s, T0, "south0", on_retry_claim, r);
		return;
	}
	if (result == -ENOENT && next_due_ms != INT64_MAX) {
		/* The store says when the next lease runs out: come back then. */
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		int64_t now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
		r->wait_ms = next_due_ms > T0 && next_due_ms - now > 0 ? next_due_ms - now + 20 : 20;
		uv_timer_start(&r->t, retry_claim, (uint64_t)r->wait_ms, 0);
	}
}

static void retry_claim(uv_timer_t *t)
{
	struct retry *r = t->data;
	store_base_outbox_claim(r->s, T0, "south0", on_retry_claim, r);
}

static bool retry_done(void *arg)
{
	struct retry *r = arg;
	return r->got == 3;
}

static void a_dead_claimers_rows_come_back_after_its_lease(void **state)
{
	struct pgx *x = *state;
	struct store *w = pgx_open(x, "north", false, 0);
	assert_non_null(w);
	queue_texts(w, 3);
	store_close(w);
	struct child_arg a = {.uri = x->fx.path, .base = "north", .lease_ms = LEASE};
	struct pgx_child child;
	pgx_child_start(x, &child, child_claims, &a, NULL);
	assert_true(pgx_child_said(x, &child, "claimed 3", 20000));
	kill(child.pid, SIGKILL);
	struct retry r = {.x = x};
	r.s = pgx_open(x, "south", true, 0);
	assert_non_null(r.s);
	uv_timer_init(&x->loop, &r.t);
	r.t.data = &r;
	/* At first nothing is due; once the dead base's lease lapsed, its three come back. */
	store_base_outbox_claim(r.s, T0, "south0", on_retry_claim, &r);
	assert_true(pgx_wait_pred(x, retry_done, &r, 8 * LEASE));
	assert_int_equal(r.got, 3);
	assert_int_equal(r.dup, 3);
	assert_int_equal(pgx_scalar(x, "SELECT count(*) FROM outbox WHERE claimed_by = 'south'"), 3);
	uv_close((uv_handle_t *)&r.t, NULL);
	pgx_close(x, r.s);
	pgx_child_end(x, &child);
}

/* ---- the leader ---- */

struct leader_child {
	struct child_arg a;
	uv_loop_t loop;
	struct store *s;
	uint64_t epoch;
	int out;
	uv_poll_t in;
	int in_fd;
};

static void child_on_leader(void *ud, const struct store_leader_event *ev)
{
	struct leader_child *c = ud;
	if (ev->state == STORE_LEADER_LEADING)
		c->epoch = ev->epoch;
	dprintf(c->out, "%s %llu\n", store_leader_state_str(ev->state), (unsigned long long)ev->epoch);
}

static void child_on_write(void *ud, int result, int64_t id)
{
	struct leader_child *c = ud;
	(void)id;
	dprintf(c->out, "write %d\n", result);
}

/* "write" on stdin: an engine write with the epoch this child was given. */
static void child_on_stdin(uv_poll_t *p, int status, int events)
{
	struct leader_child *c = p->data;
	(void)status;
	(void)events;
	char buf[64];
	ssize_t n = read(c->in_fd, buf, sizeof(buf) - 1);
	if (n <= 0) {
		uv_poll_stop(p);
		return;
	}
	struct store_incident inc = {
		.id = 77, .state = "notified", .unit = "WH1", .kind = "high", .channel = -1};
	struct store_engine_state e = {.incidents = &inc, .n_incidents = 1};
	store_base_write(c->s, &(struct store_base_batch){.engine = &e, .epoch = c->epoch}, child_on_write,
			 c);
}

static void child_leads(void *arg, int in_fd, int out_fd)
{
	struct leader_child *c = arg;
	c->out = out_fd;
	c->in_fd = in_fd;
	uv_loop_init(&c->loop);
	struct store_open_cfg cfg = {
		.path = c->a.uri, .kind = STORE_KIND_BASE, .base_name = c->a.base, .loop = &c->loop};
	if (store_open(&cfg, &c->s) != 0)
		_exit(1);
	if (store_leader_start(c->s, &(struct store_leader_cfg){.lease_ms = c->a.lease_ms}, child_on_leader,
			       c) != 0)
		_exit(1);
	uv_poll_init(&c->loop, &c->in, in_fd);
	c->in.data = c;
	uv_poll_start(&c->in, UV_READABLE, child_on_stdin);
	uv_run(&c->loop, UV_RUN_DEFAULT);
	_exit(0);
}

struct leader_seen {
	enum store_leader_state state;
	uint64_t epoch;
	int leading;
};

static void on_leader(void *ud, const struct store_leader_event *ev)
{
	struct leader_seen *l = ud;
	l->state = ev->state;
	if (ev->state == STORE_LEADER_LEADING) {
		l->leading++;
		l->epoch = ev->epoch;
	}
}

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static struct store *second_base(struct pgx *x, struct leader_seen *l)
{
	struct store *b = pgx_open(x, "south", true, 0);
	assert_non_null(b);
	assert_int_equal(store_leader_start(b, &(struct store_leader_cfg){.lease_ms = LEASE}, on_leader, l),
			 0);
	return b;
}

struct bases_seen {
	size_t n;
	struct store_view_base b[4];
};

static int take_base(void *ud, const struct store_view_base *b)
{
	struct bases_seen *s = ud;
	if (s->n < 4)
		s->b[s->n++] = *b;
	return 0;
}

static void the_lead_passes_when_the_leaders_session_dies(void **state)
{
	struct pgx *x = *state;
	struct store *w = pgx_open(x, "south", false, 0); /* the schema, before both start */
	assert_non_null(w);
	store_close(w);
	struct leader_child lc = {.a = {.uri = x->fx.path, .base = "north", .lease_ms = LEASE}};
	struct pgx_child child;
	pgx_child_start(x, &child, child_leads, &lc, NULL);
	assert_true(pgx_child_said(x, &child, "leading 1", 20000));
	struct leader_seen l = {0};
	struct store *b = second_base(x, &l);
	/* While the other leads, this one follows. */
	assert_false(pgx_wait(x, &l.leading, 1, LEASE));
	assert_int_equal(l.state, STORE_LEADER_FOLLOWING);
	kill(child.pid, SIGKILL);
	int64_t killed = mono_ms();
	assert_true(pgx_wait(x, &l.leading, 1, 5 * LEASE));
	print_message("takeover after SIGKILL: %lld ms (lease %d ms)\n", (long long)(mono_ms() - killed),
		      LEASE);
	assert_int_equal(l.epoch, 2);
	/* What `m2mon status` reads: which base leads, with which epoch. */
	struct store_open_cfg cfg = {.path = x->fx.path, .kind = STORE_KIND_BASE, .read_only = true};
	struct store *r = NULL;
	assert_int_equal(store_open(&cfg, &r), 0);
	struct bases_seen seen = {0};
	int64_t now = 0;
	assert_int_equal(store_view_bases(r, &now, take_base, &seen), 0);
	store_close(r);
	assert_true(now > T0);
	assert_int_equal(seen.n, 2);
	assert_string_equal(seen.b[0].name, "north");
	assert_false(seen.b[0].leader);
	assert_string_equal(seen.b[1].name, "south");
	assert_true(seen.b[1].leader);
	assert_int_equal(seen.b[1].epoch, 2);
	pgx_close(x, b);
	pgx_child_end(x, &child);
}

static void a_frozen_leader_loses_and_cannot_write(void **state)
{
	struct pgx *x = *state;
	struct store *w = pgx_open(x, "south", false, 0);
	assert_non_null(w);
	store_close(w);
	char log_path[400];
	fx_file(&x->fx, "north.log", log_path, sizeof(log_path));
	struct leader_child lc = {.a = {.uri = x->fx.path, .base = "north", .lease_ms = LEASE}};
	struct pgx_child child;
	pgx_child_start(x, &child, child_leads, &lc, log_path);
	assert_true(pgx_child_said(x, &child, "leading 1", 20000));
	pgx_child_send(&child, "write\n");
	assert_true(pgx_child_said(x, &child, "write 0", 10000)); /* the leader writes */
	assert_int_equal(pgx_scalar(x, "SELECT count(*) FROM incidents"), 1);
	assert_int_equal(fx_pg_exec(x->fx.db, "DELETE FROM incidents"), 0);
	struct leader_seen l = {0};
	struct store *b = second_base(x, &l);
	kill(child.pid, SIGSTOP);
	/* The server ends the frozen session after the lease: the other base takes over. */
	assert_true(pgx_wait(x, &l.leading, 1, 6 * LEASE));
	assert_int_equal(l.epoch, 2);
	/* Thawed, the old leader tries an engine write with its epoch: refused. */
	pgx_child_send(&child, "write\n");
	kill(child.pid, SIGCONT);
	assert_true(pgx_child_said(x, &child, "write -", 10000));
	print_message("the frozen leader said:\n%s", child.out);
	char want[32];
	snprintf(want, sizeof(want), "write %d", -EPERM);
	assert_non_null(strstr(strstr(child.out, "leading 1"), want));
	assert_true(pgx_child_said(x, &child, "lost 1", 10000));
	assert_int_equal(pgx_scalar(x, "SELECT count(*) FROM incidents"), 0);
	pgx_close(x, b);
	pgx_child_end(x, &child);
	FILE *f = fopen(log_path, "r");
	assert_non_null(f);
	char log[16384];
	size_t n = fread(log, 1, sizeof(log) - 1, f);
	log[n] = '\0';
	fclose(f);
	assert_non_null(strstr(log, "event=leader_lost"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(a_message_two_bases_store_is_one_row, setup, teardown),
		cmocka_unit_test_setup_teardown(no_row_is_claimed_twice, setup, teardown),
		cmocka_unit_test_setup_teardown(a_dead_claimers_rows_come_back_after_its_lease, setup,
						teardown),
		cmocka_unit_test_setup_teardown(the_lead_passes_when_the_leaders_session_dies, setup,
						teardown),
		cmocka_unit_test_setup_teardown(a_frozen_leader_loses_and_cannot_write, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
