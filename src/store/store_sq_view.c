/* The base's reads for people in SQLite: units, the last reading of each channel, history
 * as a range scan of the (channel, time) key, events by time, and incidents with the names
 * behind their contact masks. Each query's plan rests on an index of store_schema.c. */
#include "store_sq_base.h"

#include <errno.h>
#include <string.h>

void store_sqb_event_row(sqlite3_stmt *st, struct store_event *e)
{
	memset(e, 0, sizeof(*e));
	e->id = sqlite3_column_int64(st, 0);
	e->t_ms = sqlite3_column_int64(st, 1);
	const char *kind = (const char *)sqlite3_column_text(st, 2);
	if (!kind || store_event_kind_parse(kind, &e->kind) != 0)
		e->kind = STORE_EVENT_OTHER;
	store_sq_col_text(st, 3, e->unit, sizeof(e->unit));
	store_sq_col_text(st, 4, e->channel, sizeof(e->channel));
	e->incident_id = (uint32_t)sqlite3_column_int64(st, 5);
	store_sq_col_text(st, 6, e->actor, sizeof(e->actor));
	e->has_value = sqlite3_column_type(st, 7) != SQLITE_NULL;
	e->value_c10 = e->has_value ? sqlite3_column_int(st, 7) : 0;
	store_sq_col_text(st, 8, e->text, sizeof(e->text));
}

/* Steps `st` to the end, handing each row to `row` (which calls the user's callback and
 * returns non-zero to stop). */
static int walk(struct store_sqlite *q, sqlite3_stmt *st, int (*row)(sqlite3_stmt *st, void *arg), void *arg,
		const char *op)
{
	int rc = SQLITE_DONE;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (row(st, arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	int err = rc == SQLITE_DONE ? 0 : store_sq_fail(q, rc, op);
	sqlite3_reset(st);
	return err;
}

struct walk_arg {
	union {
		store_view_unit_fn unit;
		store_view_reading_fn reading;
		store_view_event_fn event;
		store_view_incident_fn incident;
	} fn;
	void *ud;
	struct store_contact contacts[STORE_CONTACTS_MAX];
	size_t n_contacts;
};

static int unit_row(sqlite3_stmt *st, void *arg)
{
	struct walk_arg *w = arg;
	struct store_view_unit u = {0};
	store_sq_col_text(st, 0, u.unit, sizeof(u.unit));
	u.last_heard_ms = sqlite3_column_int64(st, 1);
	u.last_seq = (uint32_t)sqlite3_column_int64(st, 2);
	u.clock_offset_ms = sqlite3_column_int64(st, 3);
	u.channels = (uint32_t)sqlite3_column_int64(st, 4);
	u.last_reading_ms = sqlite3_column_int64(st, 5);
	return w->fn.unit(w->ud, &u);
}

int store_sqb_view_units(struct store *s, store_view_unit_fn fn, void *ud)
{
	struct store_sqlite *q = sq_of(s);
	sqlite3_stmt *st;
	int err = store_sq_stmt(
		q,
		"WITH names(unit) AS (SELECT unit FROM units UNION SELECT unit FROM channels)"
		" SELECT n.unit, coalesce(u.last_heard_ms, 0), coalesce(u.last_seq, 0),"
		" coalesce(u.clock_offset_ms, 0),"
		" (SELECT count(*) FROM channels c WHERE c.unit = n.unit),"
		" coalesce((SELECT max((SELECT max(r.t_ms) FROM readings r WHERE r.channel_id = c.id))"
		" FROM channels c WHERE c.unit = n.unit), 0)"
		" FROM names n LEFT JOIN units u ON u.unit = n.unit ORDER BY n.unit",
		&st);
	struct walk_arg w = {.fn.unit = fn, .ud = ud};
	return err ? err : walk(q, st, unit_row, &w, "view_units");
}

static int reading_row(sqlite3_stmt *st, void *arg)
{
	struct walk_arg *w = arg;
	struct store_reading r = {0};
	store_sq_col_text(st, 0, r.unit, sizeof(r.unit));
	store_sq_col_text(st, 1, r.channel, sizeof(r.channel));
	r.t_ms = sqlite3_column_int64(st, 2);
	r.fault = sqlite3_column_type(st, 3) == SQLITE_NULL;
	r.temp_c10 = r.fault ? 0 : sqlite3_column_int(st, 3);
	r.received_ms = sqlite3_column_int64(st, 4);
	r.seq = (uint32_t)sqlite3_column_int64(st, 5);
	return w->fn.reading(w->ud, &r);
}

#define READING_COLS "c.unit, c.name, r.t_ms, r.temp_c10, r.received_ms, r.seq"

int store_sqb_view_latest(struct store *s, const char *unit, store_view_reading_fn fn, void *ud)
{
	struct store_sqlite *q = sq_of(s);
	sqlite3_stmt *st;
	int err =
		store_sq_stmt(q,
			      "SELECT " READING_COLS " FROM channels c JOIN readings r ON r.channel_id = c.id"
			      " AND r.t_ms = (SELECT max(t_ms) FROM readings WHERE channel_id = c.id)"
			      " WHERE ?1 IS NULL OR c.unit = ?1 ORDER BY c.unit, c.name",
			      &st);
	if (err)
		return err;
	if (unit)
		store_sq_bind_text(st, 1, unit);
	struct walk_arg w = {.fn.reading = fn, .ud = ud};
	return walk(q, st, reading_row, &w, "view_latest");
}

int store_sqb_view_history(struct store *s, const char *unit, const char *channel, int64_t since_ms,
			   int64_t until_ms, store_view_reading_fn fn, void *ud)
{
	struct store_sqlite *q = sq_of(s);
	sqlite3_stmt *st;
	bool one = channel && channel[0];
	int err =
		one ? store_sq_stmt(
			      q,
			      "SELECT " READING_COLS " FROM channels c JOIN readings r ON r.channel_id = c.id"
			      " WHERE c.unit = ?1 AND c.name = ?2 AND r.t_ms >= ?3 AND r.t_ms < ?4 ORDER BY "
			      "r.t_ms",
			      &st)
		    : store_sq_stmt(
			      q,
			      "SELECT " READING_COLS " FROM channels c JOIN readings r ON r.channel_id = c.id"
			      " WHERE c.unit = ?1 AND r.t_ms >= ?3 AND r.t_ms < ?4 ORDER BY r.t_ms, c.name",
			      &st);
	if (err)
		return err;
	store_sq_bind_text(st, 1, unit);
	if (one)
		store_sq_bind_text(st, 2, channel);
	sqlite3_bind_int64(st, 3, since_ms);
	sqlite3_bind_int64(st, 4, until_ms > 0 ? until_ms : INT64_MAX);
	struct walk_arg w = {.fn.reading = fn, .ud = ud};
	return walk(q, st, reading_row, &w, "view_history");
}

static int event_row(sqlite3_stmt *st, void *arg)
{
	struct walk_arg *w = arg;
	struct store_event e;
	store_sqb_event_row(st, &e);
	return w->fn.event(w->ud, &e);
}

int store_sqb_view_events(struct store *s, const char *unit, int64_t since_ms, store_view_event_fn fn,
			  void *ud)
{
	struct store_sqlite *q = sq_of(s);
	sqlite3_stmt *st;
	int err = unit ? store_sq_stmt(q,
				       "SELECT " SQB_EVENT_COLS " FROM events WHERE unit = ?2 AND t_ms >= ?1"
				       " ORDER BY t_ms, id",
				       &st)
		       : store_sq_stmt(q,
				       "SELECT " SQB_EVENT_COLS
				       " FROM events WHERE t_ms >= ?1 ORDER BY t_ms, id",
				       &st);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, since_ms);
	if (unit)
		store_sq_bind_text(st, 2, unit);
	struct walk_arg w = {.fn.event = fn, .ud = ud};
	return walk(q, st, event_row, &w, "view_events");
}

int store_sqb_view_events_latest(struct store *s, const char *unit, size_t max, store_view_event_fn fn,
				 void *ud)
{
	struct store_sqlite *q = sq_of(s);
	sqlite3_stmt *st;
	int err = unit ? store_sq_stmt(q,
				       "SELECT " SQB_EVENT_COLS " FROM events WHERE unit = ?2"
				       " ORDER BY t_ms DESC, id DESC LIMIT ?1",
				       &st)
		       : store_sq_stmt(q,
				       "SELECT " SQB_EVENT_COLS
				       " FROM events ORDER BY t_ms DESC, id DESC LIMIT ?1",
				       &st);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, (int64_t)max);
	if (unit)
		store_sq_bind_text(st, 2, unit);
	struct walk_arg w = {.fn.event = fn, .ud = ud};
	return walk(q, st, event_row, &w, "view_events");
}

static int incident_row(sqlite3_stmt *st, void *arg)
{
	struct walk_arg *w = arg;
	struct store_view_incident vi;
	memset(&vi, 0, sizeof(vi));
	store_sqb_incident_row(st, &vi.inc);
	if (vi.inc.acked_by >= 0 && (size_t)vi.inc.acked_by < w->n_contacts)
		vi.acked_by = w->contacts[vi.inc.acked_by];
	for (size_t i = 0; i < w->n_contacts && i < 32; i++) {
		if (vi.inc.told >> i & 1)
			vi.told[vi.n_told++] = w->contacts[i];
	}
	return w->fn.incident(w->ud, &vi);
}

int store_sqb_view_incidents_open(struct store *s, store_view_incident_fn fn, void *ud)
{
	struct store_sqlite *q = sq_of(s);
	struct walk_arg w = {.fn.incident = fn, .ud = ud};
	int err = store_sqb_contacts_load(q, w.contacts, &w.n_contacts);
	sqlite3_stmt *st;
	if (!err)
		err = store_sq_stmt(q,
				    "SELECT " SQB_INCIDENT_COLS " FROM incidents INDEXED BY incidents_open"
				    " WHERE closed_ms = 0 ORDER BY opened_ms, id",
				    &st);
	return err ? err : walk(q, st, incident_row, &w, "view_incidents");
}

int store_sqb_view_incidents_between(struct store *s, const char *unit, const char *channel_name,
				     int64_t since_ms, int64_t until_ms, store_view_incident_fn fn, void *ud)
{
	struct store_sqlite *q = sq_of(s);
	struct walk_arg w = {.fn.incident = fn, .ud = ud};
	int err = store_sqb_contacts_load(q, w.contacts, &w.n_contacts);
	sqlite3_stmt *st;
	if (!err)
		err = store_sq_stmt(q,
				    "SELECT " SQB_INCIDENT_COLS " FROM incidents WHERE unit = ?1"
				    " AND (?2 IS NULL OR channel_name = ?2) AND opened_ms < ?4"
				    " AND (closed_ms = 0 OR closed_ms >= ?3) ORDER BY opened_ms, id",
				    &st);
	if (err)
		return err;
	store_sq_bind_text(st, 1, unit);
	if (channel_name)
		store_sq_bind_text(st, 2, channel_name);
	sqlite3_bind_int64(st, 3, since_ms);
	sqlite3_bind_int64(st, 4, until_ms > 0 ? until_ms : INT64_MAX);
	return walk(q, st, incident_row, &w, "view_incidents");
}

int store_sqb_view_version(struct store *s, uint64_t *version)
{
	struct store_sqlite *q = sq_of(s);
	sqlite3_stmt *st;
	int err = store_sq_stmt(q, "PRAGMA data_version", &st);
	if (err)
		return err;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*version = (uint64_t)sqlite3_column_int64(st, 0);
	err = rc == SQLITE_ROW ? 0 : store_sq_fail(q, rc, "view_version");
	sqlite3_reset(st);
	return err;
}
