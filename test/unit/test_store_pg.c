/* The PostgreSQL backend against a real server (test/pg/pg_cluster.sh): calls that complete
 * on the daemon's loop, migrations from version 1, what each refusal and each outage looks
 * like to the caller and in the log (once per episode), the wake-up by NOTIFY, fencing by
 * the leader's epoch, and a server restarted in the middle of a stream of writes: they
 * reconnect by themselves and every acknowledged write is there once. */
#include "pg_fixture.h"
#include "store_base.h"
#include "store_cluster.h"
#include "store_view.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#define T0 1764000000000LL

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

static struct store_inbox_sms sms(int n)
{
	struct store_inbox_sms m = {.scts_ms = T0 + n, .received_ms = T0, .total = 1, .part = 1};
	snprintf(m.pdu_hex, sizeof(m.pdu_hex), "0791515500000%04dF0", n);
	snprintf(m.sender, sizeof(m.sender), "+15550002001");
	snprintf(m.modem, sizeof(m.modem), "modem0");
	return m;
}

static void calls_complete_on_the_loop(void **state)
{
	struct pgx *x = *state;
	struct store *s = pgx_open(x, "north", true, 0);
	assert_non_null(s);
	struct done d = {0};
	struct store_inbox_sms m = sms(1);
	store_base_inbox_add(s, &m, on_done, &d);
	/* A daemon's handle connects in the background: nothing has been answered yet. */
	assert_int_equal(d.calls, 0);
	assert_true(pgx_wait(x, &d.calls, 1, 10000));
	assert_int_equal(d.result, 0);
	assert_true(d.id > 0);
	store_base_inbox_add(s, &m, on_done, &d);
	assert_true(pgx_wait(x, &d.calls, 2, 10000));
	/* Sent again by this handle: its own row, not a duplicate of another base's. */
	assert_int_equal(d.result, STORE_DUPLICATE);
	struct store_sms_out text = {
		.dest = "+15550003001", .text = "ALARM WH1", .kind = "alarm", .next_ms = T0};
	struct store_base_batch b = {.outbox = &text, .n_outbox = 1};
	store_base_write(s, &b, on_done, &d);
	assert_true(pgx_wait(x, &d.calls, 3, 10000));
	assert_int_equal(d.result, 0);
	assert_true(d.id > 0);
	/* The tools' reads need a handle without a loop. */
	uint64_t v;
	assert_int_equal(store_view_version(s, &v), -EWOULDBLOCK);
	pgx_close(x, s);
}

/* A password in the URI never reaches a log line or store_path(). */
static void the_password_stays_out_of_the_logs(void **state)
{
	struct pgx *x = *state;
	char uri[400];
	snprintf(uri, sizeof(uri), "%s&password=Sesame42", x->fx.path);
	struct store_open_cfg cfg = {.path = uri, .kind = STORE_KIND_BASE, .base_name = "north"};
	struct store *s = NULL;
	fx_capture_begin(&x->fx);
	assert_int_equal(store_open(&cfg, &s), 0);
	assert_null(strstr(store_path(s), "Sesame42"));
	assert_non_null(strstr(store_path(s), "password=***"));
	store_close(s);
	char bad[] = "postgresql://m2mon:Sesame42@/nodb?host=/nonexistent";
	cfg.path = bad;
	assert_int_equal(store_open(&cfg, &s), -ECONNREFUSED);
	fx_capture_end(&x->fx);
	assert_non_null(strstr(x->fx.log, "event=db_created"));
	assert_non_null(strstr(x->fx.log, "event=db_down"));
	assert_null(strstr(x->fx.log, "Sesame42"));
}

static void a_database_of_version_1_is_migrated(void **state)
{
	struct pgx *x = *state;
	struct store_open_cfg cfg = {.path = x->fx.path, .kind = STORE_KIND_BASE, .migrate_to = 1};
	struct store *s = NULL;
	assert_int_equal(store_open(&cfg, &s), 0);
	assert_int_equal(store_schema_version(s), 1);
	store_close(s);
	fx_capture_begin(&x->fx);
	s = pgx_open(x, "north", false, 0);
	fx_capture_end(&x->fx);
	assert_non_null(s);
	assert_int_equal(store_schema_version(s), store_schema_latest(STORE_KIND_BASE));
	assert_non_null(strstr(x->fx.log, "event=schema_upgraded"));
	assert_non_null(strstr(x->fx.log, "from=1"));
	store_close(s);
	/* Read-only now works; it would not have on version 1. */
	cfg = (struct store_open_cfg){.path = x->fx.path, .kind = STORE_KIND_BASE, .read_only = true};
	assert_int_equal(store_open(&cfg, &s), 0);
	store_close(s);
}

static void refusals_say_what_is_wrong(void **state)
{
	struct pgx *x = *state;
	struct store *s = NULL;
	struct store_open_cfg cfg = {.path = x->fx.path, .kind = STORE_KIND_BASE, .read_only = true};
	/* Empty: the daemon has not made it yet. */
	assert_int_equal(store_open(&cfg, &s), -ESTALE);
	/* Another program's tables. */
	char sql[160];
	assert_int_equal(fx_pg_exec(x->fx.db, "CREATE TABLE accounts(id int)"), 0);
	fx_capture_begin(&x->fx);
	assert_null(pgx_open(x, "north", false, 0));
	fx_capture_end(&x->fx);
	assert_non_null(strstr(x->fx.log, "another program"));
	assert_int_equal(fx_pg_exec(x->fx.db, "DROP TABLE accounts"), 0);
	/* A newer m2mon's schema. */
	s = pgx_open(x, "north", false, 0);
	assert_non_null(s);
	store_close(s);
	snprintf(sql, sizeof(sql), "UPDATE m2_schema SET version = %d",
		 store_schema_latest(STORE_KIND_BASE) + 1);
	assert_int_equal(fx_pg_exec(x->fx.db, sql), 0);
	cfg.read_only = false;
	fx_capture_begin(&x->fx);
	assert_int_equal(store_open(&cfg, &s), -ENOTSUP);
	fx_capture_end(&x->fx);
	assert_non_null(strstr(x->fx.log, "newer m2mon"));
	/* The daemon's handle opens, and every call fails with the same reason. */
	cfg.loop = &x->loop;
	assert_int_equal(store_open(&cfg, &s), 0);
	struct done d = {0};
	struct store_inbox_sms m = sms(2);
	store_base_inbox_add(s, &m, on_done, &d);
	assert_true(pgx_wait(x, &d.calls, 1, 10000));
	assert_int_equal(d.result, -ENOTSUP);
	pgx_close(x, s);
}

static int count(const char *log, const char *what)
{
	int n = 0;
	for (const char *p = log; (p = strstr(p, what)) != NULL; p += strlen(what))
		n++;
	return n;
}

static void an_unreachable_database_is_logged_once_and_calls_wait(void **state)
{
	struct pgx *x = *state;
	char uri[320];
	struct store *s = NULL;
	fx_pg_uri("no_such_db", uri, sizeof(uri));
	struct store_open_cfg cfg = {.path = uri, .kind = STORE_KIND_BASE};
	fx_capture_begin(&x->fx);
	assert_int_equal(store_open(&cfg, &s), -ENOENT);
	fx_capture_end(&x->fx);
	assert_non_null(strstr(x->fx.log, "createdb"));
	cfg.path = "postgresql:///postgres?host=/nonexistent&user=postgres";
	assert_int_equal(store_open(&cfg, &s), -ECONNREFUSED);
	cfg.path = "postgresql://db.example/m2mon";
	cfg.loop = &x->loop;
	assert_int_equal(store_open(&cfg, &s), -EINVAL); /* a name lookup would block the loop */
	/* The daemon retries with backoff; the log says it once; calls give up after their wait. */
	cfg.path = uri;
	cfg.call_timeout_ms = 1500;
	fx_capture_begin(&x->fx);
	assert_int_equal(store_open(&cfg, &s), 0);
	struct done d = {0};
	struct store_inbox_sms m = sms(3);
	store_base_inbox_add(s, &m, on_done, &d);
	bool answered = pgx_wait(x, &d.calls, 1, 20000);
	pgx_close(x, s);
	fx_capture_end(&x->fx);
	assert_true(answered);
	assert_int_equal(d.result, -ENOTCONN);
	assert_int_equal(count(x->fx.log, "event=db_down"), 1);
}

struct wakes {
	int outbox, inbox, reconnected;
};

static void on_wake(void *ud, enum store_wake w)
{
	struct wakes *k = ud;
	switch (w) {
	case STORE_WAKE_OUTBOX:
		k->outbox++;
		break;
	case STORE_WAKE_INBOX:
		k->inbox++;
		break;
	case STORE_WAKE_RECONNECTED:
		k->reconnected++;
		break;
	}
}

static void notify_wakes_a_waiting_handle(void **state)
{
	struct pgx *x = *state;
	struct store *a = pgx_open(x, "north", true, 0);
	assert_non_null(a);
	struct wakes k = {0};
	store_cluster_watch(a, on_wake, &k);
	assert_true(pgx_wait(x, &k.reconnected, 1, 10000)); /* connected and listening */
	struct store *b = pgx_open(x, "south", false, 0);
	assert_non_null(b);
	struct done d = {0};
	struct store_sms_out text = {.dest = "+15550003001", .text = "ALARM", .kind = "alarm", .next_ms = T0};
	store_base_write(b, &(struct store_base_batch){.outbox = &text, .n_outbox = 1}, on_done, &d);
	assert_int_equal(d.result, 0);
	assert_true(pgx_wait(x, &k.outbox, 1, 10000));
	struct store_inbox_sms m = sms(4);
	store_base_inbox_add(b, &m, on_done, &d);
	assert_true(pgx_wait(x, &k.inbox, 1, 10000));
	store_close(b);
	pgx_close(x, a);
}

/* ---- fencing ---- */

struct leader_seen {
	int leading;
	int lost;
	uint64_t epoch;
};

static void on_leader(void *ud, const struct store_leader_event *ev)
{
	struct leader_seen *l = ud;
	if (ev->state == STORE_LEADER_LEADING) {
		l->leading++;
		l->epoch = ev->epoch;
	}
	if (ev->state == STORE_LEADER_LOST)
		l->lost++;
}

struct moved {
	struct store *s;
	int64_t deadline; /* the first local deadline, on the monotonic clock */
};

static int64_t mono_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool deadline_moved(void *arg)
{
	const struct moved *m = arg;
	return mono_now_ms() + store_leader_left_ms(m->s) > m->deadline + 100;
}

static void a_write_with_another_epoch_is_refused(void **state)
{
	struct pgx *x = *state;
	struct store *s = pgx_open(x, "north", true, 0);
	assert_non_null(s);
	struct leader_seen l = {0};
	assert_int_equal(store_leader_start(s, &(struct store_leader_cfg){.lease_ms = 2000}, on_leader, &l),
			 0);
	assert_int_equal(store_leader_start(s, NULL, on_leader, &l), -EALREADY);
	assert_true(pgx_wait(x, &l.leading, 1, 10000));
	assert_true(l.epoch >= 1);
	/* The local deadline: ahead, within lease - lease/8, and moved forward by a renewal. */
	int64_t left = store_leader_left_ms(s);
	assert_true(left > 0 && left <= 2000 - 250);
	struct moved m = {s, mono_now_ms() + left};
	assert_true(pgx_wait_pred(x, deadline_moved, &m, 10000));
	struct store_incident inc = {
		.id = 5, .state = "notified", .unit = "WH1", .kind = "high", .channel = -1};
	struct store_engine_state e = {.incidents = &inc, .n_incidents = 1};
	struct done d = {0};
	store_base_write(s, &(struct store_base_batch){.engine = &e, .epoch = l.epoch}, on_done, &d);
	assert_true(pgx_wait(x, &d.calls, 1, 10000));
	assert_int_equal(d.result, 0);
	store_base_write(s, &(struct store_base_batch){.engine = &e, .epoch = l.epoch + 1}, on_done, &d);
	assert_true(pgx_wait(x, &d.calls, 2, 10000));
	assert_int_equal(d.result, -EPERM);
	store_leader_stop(s);
	/* Stepped down: the epoch's lease is no longer renewed and its writes stop once it ends. */
	assert_int_equal(store_leader_left_ms(s), 0);
	pgx_close(x, s);
	assert_int_equal(l.lost, 0);
}

/* A call whose answer was lost after its commit is sent again and recognised: kept once,
 * answered as the first sending would have been. */
struct claimed {
	int calls;
	int result;
	struct store_sms_out row;
};

static void on_claim(void *ud, int result, const struct store_sms_out *row, int64_t next_due_ms)
{
	struct claimed *c = ud;
	(void)next_due_ms;
	c->calls++;
	c->result = result;
	if (row)
		c->row = *row;
}

static void a_lost_answer_is_resent_and_kept_once(void **state)
{
	struct pgx *x = *state;
	struct store_fault fault = {.action = STORE_FAULT_NONE};
	struct store_open_cfg cfg = {.path = x->fx.path,
				     .kind = STORE_KIND_BASE,
				     .loop = &x->loop,
				     .base_name = "north",
				     .fault = &fault};
	struct store *s = NULL;
	assert_int_equal(store_open(&cfg, &s), 0);
	struct store_sms_out texts[2] = {{.dest = "+15550003001", .text = "ALARM one", .kind = "alarm"},
					 {.dest = "+15550003002", .text = "ALARM two", .kind = "alarm"}};
	struct store_event ev = {.t_ms = T0, .kind = STORE_EVENT_NOTIFIED, .text = "once"};
	struct done d = {0};
	fault = (struct store_fault){.action = STORE_FAULT_IOERR, .after = 0};
	store_base_write(
		s, &(struct store_base_batch){.outbox = texts, .n_outbox = 2, .events = &ev, .n_events = 1},
		on_done, &d);
	assert_true(pgx_wait(x, &d.calls, 1, 20000));
	assert_int_equal(fault.action, STORE_FAULT_NONE); /* it fired */
	assert_int_equal(d.result, 0);
	assert_int_equal(d.id, pgx_scalar(x, "SELECT min(id) FROM outbox"));
	assert_int_equal(pgx_scalar(x, "SELECT count(*) FROM outbox"), 2);
	assert_int_equal(pgx_scalar(x, "SELECT count(*) FROM events"), 1);
	/* The same for a new inbox row: ours, not a duplicate. */
	struct store_inbox_sms m = sms(7);
	fault = (struct store_fault){.action = STORE_FAULT_IOERR, .after = 0};
	store_base_inbox_add(s, &m, on_done, &d);
	assert_true(pgx_wait(x, &d.calls, 2, 20000));
	assert_int_equal(fault.action, STORE_FAULT_NONE);
	assert_int_equal(d.result, 0);
	assert_int_equal(d.id, pgx_scalar(x, "SELECT id FROM inbox"));
	/* And a claim: the row it took, once. */
	struct claimed c = {0};
	fault = (struct store_fault){.action = STORE_FAULT_IOERR, .after = 0};
	store_base_outbox_claim(s, T0, "modem0", on_claim, &c);
	assert_true(pgx_wait(x, &c.calls, 1, 20000));
	assert_int_equal(fault.action, STORE_FAULT_NONE);
	assert_int_equal(c.result, 0);
	assert_int_equal(c.row.attempts, 1);
	assert_int_equal(pgx_scalar(x, "SELECT count(*) FROM outbox WHERE state = 'sending'"), 1);
	pgx_close(x, s);
}

/* A text sent with no report yet goes back to the queue, marked; once it has its report (or
 * is not sent), it stays. */
static int resend(struct pgx *x, struct store *s, int64_t id)
{
	struct done d = {0};
	store_base_outbox_resend(s, id, T0 + 5000, on_done, &d);
	assert_true(pgx_wait(x, &d.calls, 1, 20000));
	return d.result;
}

static void sent(struct pgx *x, struct store *s, int64_t id)
{
	struct done d = {0};
	struct store_sms_outcome o = {
		.id = id, .outcome = STORE_OUTCOME_SENT, .at_ms = T0, .n_parts = 1, .mr = {7}};
	store_base_outbox_outcome(s, &o, on_done, &d);
	assert_true(pgx_wait(x, &d.calls, 1, 20000));
	assert_int_equal(d.result, 0);
}

static void a_text_without_report_is_queued_again(void **state)
{
	struct pgx *x = *state;
	struct store *s = pgx_open(x, "north", true, 0);
	struct store_sms_out text = {.dest = "+15550003001", .text = "ALARM one", .kind = "alarm"};
	struct done d = {0};
	store_base_write(s, &(struct store_base_batch){.outbox = &text, .n_outbox = 1}, on_done, &d);
	assert_true(pgx_wait(x, &d.calls, 1, 20000));
	int64_t id = d.id;
	struct claimed c = {0};
	store_base_outbox_claim(s, T0, "modem0", on_claim, &c);
	assert_true(pgx_wait(x, &c.calls, 1, 20000));
	assert_int_equal(resend(x, s, id), -EALREADY); /* SENDING: not yet */
	sent(x, s, id);
	assert_int_equal(resend(x, s, id), 0);
	assert_int_equal(pgx_scalar(x,
				    "SELECT count(*) FROM outbox WHERE state = 'queued' AND "
				    "possibly_duplicate AND error = 'no_report' AND next_ms = 1764000005000"),
			 1);
	assert_int_equal(resend(x, s, id), -EALREADY);
	store_base_outbox_claim(s, T0 + 5000, "modem0", on_claim, &c);
	assert_true(pgx_wait(x, &c.calls, 2, 20000));
	assert_int_equal(c.result, 0);
	assert_int_equal(c.row.attempts, 2);
	assert_true(c.row.possibly_duplicate);
	sent(x, s, id);
	store_base_outbox_report(s, id, STORE_REPORT_DELIVERED, T0 + 6000, on_done, &d);
	assert_true(pgx_wait(x, &d.calls, 2, 20000));
	assert_int_equal(resend(x, s, id), -EALREADY);
	assert_int_equal(resend(x, s, id + 99), -ENOENT);
	pgx_close(x, s);
}

/* ---- the server restarted under a stream of writes ---- */

#define STREAM 240

struct stream {
	struct pgx *x;
	struct store *s;
	int issued, acked, failed, dup;
	bool restart_started, restarted;
	int restart_status;
	struct store_event ev;
	struct store_inbox_sms m;
};

static void stream_next(struct stream *st);

static void on_stream(void *ud, int result, int64_t id)
{
	struct stream *st = ud;
	(void)id;
	if (result == 0)
		st->acked++;
	else if (result == STORE_DUPLICATE)
		st->dup++;
	else
		st->failed++;
	if (st->acked == 40 && !st->restart_started) {
		st->restart_started = true;
		pgx_restart(st->x, "fast", &st->restarted, &st->restart_status);
	}
	stream_next(st);
}

static void stream_next(struct stream *st)
{
	if (st->issued == STREAM)
		return;
	int i = st->issued++;
	if (i % 2) {
		st->m = sms(100 + i);
		store_base_inbox_add(st->s, &st->m, on_stream, st);
		return;
	}
	memset(&st->ev, 0, sizeof(st->ev));
	st->ev.t_ms = T0 + i;
	st->ev.kind = STORE_EVENT_OTHER;
	snprintf(st->ev.text, sizeof(st->ev.text), "write %d", i);
	store_base_write(st->s, &(struct store_base_batch){.events = &st->ev, .n_events = 1}, on_stream, st);
}

static bool stream_done(void *arg)
{
	struct stream *st = arg;
	return st->acked + st->failed + st->dup == STREAM && st->restarted;
}

static void a_restart_loses_no_acknowledged_write(void **state)
{
	struct pgx *x = *state;
	struct stream st = {.x = x};
	fx_capture_begin(&x->fx);
	st.s = pgx_open(x, "north", true, 0);
	assert_non_null(st.s);
	struct wakes k = {0};
	store_cluster_watch(st.s, on_wake, &k);
	stream_next(&st);
	bool finished = pgx_wait_pred(x, stream_done, &st, 60000);
	pgx_close(x, st.s);
	fx_capture_end(&x->fx);
	assert_true(finished);
	assert_int_equal(st.restart_status, 0);
	assert_int_equal(st.failed, 0);
	assert_int_equal(st.dup, 0);
	assert_int_equal(st.acked, STREAM);
	/* Each write is there once: none lost, none written twice by a resend. */
	assert_int_equal(pgx_scalar(x, "SELECT count(*) FROM events"), STREAM / 2);
	assert_int_equal(pgx_scalar(x, "SELECT count(DISTINCT text) FROM events"), STREAM / 2);
	assert_int_equal(pgx_scalar(x, "SELECT count(*) FROM inbox"), STREAM / 2);
	assert_true(count(x->fx.log, "event=db_down") >= 1);
	assert_true(count(x->fx.log, "event=db_up") >= 1);
	assert_true(k.reconnected >= 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(calls_complete_on_the_loop, setup, teardown),
		cmocka_unit_test_setup_teardown(the_password_stays_out_of_the_logs, setup, teardown),
		cmocka_unit_test_setup_teardown(a_database_of_version_1_is_migrated, setup, teardown),
		cmocka_unit_test_setup_teardown(refusals_say_what_is_wrong, setup, teardown),
		cmocka_unit_test_setup_teardown(an_unreachable_database_is_logged_once_and_calls_wait, setup,
						teardown),
		cmocka_unit_test_setup_teardown(notify_wakes_a_waiting_handle, setup, teardown),
		cmocka_unit_test_setup_teardown(a_write_with_another_epoch_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(a_lost_answer_is_resent_and_kept_once, setup, teardown),
		cmocka_unit_test_setup_teardown(a_text_without_report_is_queued_again, setup, teardown),
		cmocka_unit_test_setup_teardown(a_restart_loses_no_acknowledged_write, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
