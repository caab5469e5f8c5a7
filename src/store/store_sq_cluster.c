/* Several bases' calls on SQLite, where there is one: the heartbeat row kept for the tools,
 * claims given back, no wake-ups, and the leader that this base always is (epoch 1). */
#include "store_sq_base.h"

#include <errno.h>
#include <string.h>
#include <time.h>

static int64_t wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void store_sqb_heartbeat(struct store *s, uint32_t up, uint32_t modems, store_done_fn cb, void *ud)
{
	struct store_sqlite *q = sq_of(s);
	sqlite3_stmt *st;
	int err = store_sq_begin(q, "heartbeat");
	if (!err)
		err = store_sq_stmt(q,
				    "INSERT INTO bases(name, modems_up, modems, last_seen_ms, started_ms)"
				    " VALUES(?1, ?2, ?3, ?4, ?4) ON CONFLICT(name) DO UPDATE SET"
				    " modems_up = excluded.modems_up, modems = excluded.modems,"
				    " last_seen_ms = excluded.last_seen_ms",
				    &st);
	if (!err) {
		store_sq_bind_text(st, 1, q->base_name);
		sqlite3_bind_int64(st, 2, up);
		sqlite3_bind_int64(st, 3, modems);
		sqlite3_bind_int64(st, 4, wall_ms());
		err = store_sq_step_done(q, st, "heartbeat");
	}
	err = store_sq_end(q, err, "heartbeat");
	cb(ud, err, 0);
}

void store_sqb_release(struct store *s, store_done_fn cb, void *ud)
{
	struct store_sqlite *q = sq_of(s);
	int64_t n = 0;
	int err = store_sq_begin(q, "release");
	if (!err)
		err = store_sq_exec(
			q,
			"UPDATE outbox SET state = 'queued', possibly_duplicate = 1, error = 'released'"
			" WHERE state = 'sending'",
			"release");
	if (!err)
		n = sqlite3_changes(q->db);
	err = store_sq_end(q, err, "release");
	cb(ud, err, err ? 0 : n);
}

void store_sqb_watch(struct store *s, store_wake_fn fn, void *ud)
{
	(void)s;
	(void)fn;
	(void)ud;
}

int store_sqb_leader_start(struct store *s, const struct store_leader_cfg *cfg, store_leader_fn fn, void *ud)
{
	struct store_sqlite *q = sq_of(s);
	(void)cfg;
	if (q->leading)
		return -EALREADY;
	q->leading = true;
	struct store_leader_event ev = {
		.state = STORE_LEADER_LEADING, .epoch = 1, .deadline_mono_ms = INT64_MAX};
	memcpy(ev.holder, q->base_name, sizeof(ev.holder));
	fn(ud, &ev);
	return 0;
}

void store_sqb_leader_stop(struct store *s)
{
	sq_of(s)->leading = false;
}

int64_t store_sqb_leader_left_ms(struct store *s)
{
	return sq_of(s)->leading ? INT64_MAX : 0;
}

int store_sqb_view_bases(struct store *s, int64_t *now_ms, store_view_base_fn fn, void *ud)
{
	struct store_sqlite *q = sq_of(s);
	sqlite3_stmt *st;
	*now_ms = wall_ms();
	int err = store_sq_stmt(
		q, "SELECT name, modems_up, modems, last_seen_ms, started_ms FROM bases ORDER BY name", &st);
	if (err)
		return err;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_view_base b = {.leader = true, .epoch = 1};
		store_sq_col_text(st, 0, b.name, sizeof(b.name));
		b.modems_up = (uint32_t)sqlite3_column_int64(st, 1);
		b.modems = (uint32_t)sqlite3_column_int64(st, 2);
		b.last_seen_ms = sqlite3_column_int64(st, 3);
		b.started_ms = sqlite3_column_int64(st, 4);
		b.self = strcmp(b.name, q->base_name) == 0;
		if (fn(ud, &b) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	err = rc == SQLITE_DONE ? 0 : store_sq_fail(q, rc, "view_bases");
	sqlite3_reset(st);
	return err;
}

struct bases_read {
	struct store_view_base rows[STORE_BASES_MAX];
	size_t n;
};

static int bases_row(void *ud, const struct store_view_base *b)
{
	struct bases_read *r = ud;
	r->rows[r->n++] = *b;
	return r->n == STORE_BASES_MAX;
}

void store_sqb_bases(struct store *s, store_bases_fn cb, void *ud)
{
	struct bases_read r = {.n = 0};
	int64_t now_ms = 0;
	int err = store_sqb_view_bases(s, &now_ms, bases_row, &r);
	cb(ud, err, now_ms, r.rows, err ? 0 : r.n);
}
