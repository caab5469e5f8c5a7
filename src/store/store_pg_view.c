/* The base's reads for people on PostgreSQL, synchronous (a handle opened without a loop):
 * units, the last reading of each channel, history as a range scan of the (channel, time)
 * key, events by time, incidents with the names behind their contact masks, and the
 * display's change token: the server's snapshot, which moves when any transaction that
 * wrote commits. */
#include "store_pg.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct view_job {
	struct pg_job job;
	size_t data_stmt; /* the statement whose rows go to the callback */
	int (*row)(struct view_job *v, const PGresult *r, int i);
	union {
		store_view_unit_fn unit;
		store_view_reading_fn reading;
		store_view_event_fn event;
		store_view_incident_fn incident;
		store_view_base_fn base;
	} fn;
	void *ud;
	bool stop;
	bool contacts_first; /* statement 0 is the call list the incidents name */
	int64_t *now_out;    /* statement 0 is the server's clock */
	int *out;
	struct store_contact contacts[STORE_CONTACTS_MAX];
	size_t n_contacts;
};

static int view_result(struct pg_job *j, size_t stmt, PGresult *r)
{
	struct view_job *v = (struct view_job *)j;
	int n = PQntuples(r);
	if (stmt == 0 && v->now_out && n == 1)
		*v->now_out = store_pg_int(r, 0, 0);
	if (stmt == 0 && v->contacts_first) {
		for (int i = 0; i < n && v->n_contacts < STORE_CONTACTS_MAX; i++) {
			store_pg_text(r, i, 0, v->contacts[v->n_contacts].number, STORE_NUMBER_MAX);
			store_pg_text(r, i, 1, v->contacts[v->n_contacts].name, STORE_NAME_MAX);
			v->n_contacts++;
		}
	}
	if (stmt != v->data_stmt)
		return 0;
	for (int i = 0; i < n && !v->stop; i++)
		if (v->row(v, r, i) != 0)
			v->stop = true;
	return 0;
}

static void view_finish(struct pg_job *j, int err)
{
	struct view_job *v = (struct view_job *)j;
	*v->out = err;
	store_pg_job_free(j);
}

static struct view_job *view_new(struct store *s, const char *op, int *err)
{
	*err = pg_of(s)->loop ? -EWOULDBLOCK : 0;
	if (*err)
		return NULL;
	struct view_job *v = store_pg_job_new(sizeof(*v), op, view_result, view_finish);
	if (!v) {
		*err = -ENOMEM;
	} else {
		v->out = err;
		v->job.once = true;
	}
	return v;
}

static int view_run(struct store *s, struct view_job *v, int *err)
{
	*err = -EIO;
	store_pg_submit(&pg_of(s)->main, &v->job, false);
	return *err;
}

/* ---- units ---- */

static int unit_row(struct view_job *v, const PGresult *r, int i)
{
	struct store_view_unit u = {0};
	store_pg_text(r, i, 0, u.unit, sizeof(u.unit));
	u.last_heard_ms = store_pg_int(r, i, 1);
	u.last_seq = (uint32_t)store_pg_int(r, i, 2);
	u.clock_offset_ms = store_pg_int(r, i, 3);
	u.channels = (uint32_t)store_pg_int(r, i, 4);
	u.last_reading_ms = store_pg_int(r, i, 5);
	return v->fn.unit(v->ud, &u);
}

int store_pgb_view_units(struct store *s, store_view_unit_fn fn, void *ud)
{
	int err;
	struct view_job *v = view_new(s, "view_units", &err);
	if (!v)
		return err;
	v->row = unit_row;
	v->fn.unit = fn;
	v->ud = ud;
	store_pg_stmt(&v->job,
		      "WITH names(unit) AS (SELECT unit FROM units UNION SELECT unit FROM channels)"
		      " SELECT n.unit, coalesce(u.last_heard_ms, 0), coalesce(u.last_seq, 0),"
		      " coalesce(u.clock_offset_ms, 0),"
		      " (SELECT count(*) FROM channels c WHERE c.unit = n.unit),"
		      " coalesce((SELECT max((SELECT max(r.t_ms) FROM readings r WHERE r.channel_id = c.id))"
		      " FROM channels c WHERE c.unit = n.unit), 0)"
		      " FROM names n LEFT JOIN units u ON u.unit = n.unit ORDER BY n.unit");
	return view_run(s, v, &err);
}

/* ---- readings ---- */

static int reading_row(struct view_job *v, const PGresult *r, int i)
{
	struct store_reading rd = {0};
	store_pg_text(r, i, 0, rd.unit, sizeof(rd.unit));
	store_pg_text(r, i, 1, rd.channel, sizeof(rd.channel));
	rd.t_ms = store_pg_int(r, i, 2);
	rd.fault = store_pg_isnull(r, i, 3);
	rd.temp_c10 = rd.fault ? 0 : (int32_t)store_pg_int(r, i, 3);
	rd.received_ms = store_pg_int(r, i, 4);
	rd.seq = (uint32_t)store_pg_int(r, i, 5);
	return v->fn.reading(v->ud, &rd);
}

#define READING_COLS "c.unit, c.name, r.t_ms, r.temp_c10, r.received_ms, r.seq"

int store_pgb_view_latest(struct store *s, const char *unit, store_view_reading_fn fn, void *ud)
{
	int err;
	struct view_job *v = view_new(s, "view_latest", &err);
	if (!v)
		return err;
	v->row = reading_row;
	v->fn.reading = fn;
	v->ud = ud;
	struct pg_stmt *st = store_pg_stmt(
		&v->job, "SELECT " READING_COLS " FROM channels c JOIN LATERAL (SELECT * FROM readings"
			 " WHERE channel_id = c.id ORDER BY t_ms DESC LIMIT 1) r ON true"
			 " WHERE $1::text IS NULL OR c.unit = $1 ORDER BY c.unit, c.name");
	if (unit)
		store_pg_p_text(&v->job, st, unit);
	else
		store_pg_p_null(&v->job, st);
	return view_run(s, v, &err);
}

int store_pgb_view_history(struct store *s, const char *unit, const char *channel, int64_t since_ms,
			   int64_t until_ms, store_view_reading_fn fn, void *ud)
{
	int err;
	struct view_job *v = view_new(s, "view_history", &err);
	if (!v)
		return err;
	v->row = reading_row;
	v->fn.reading = fn;
	v->ud = ud;
	bool one = channel && channel[0];
	struct pg_stmt *st =
		one ? store_pg_stmt(&v->job, "SELECT " READING_COLS " FROM channels c JOIN readings r"
					     " ON r.channel_id = c.id WHERE c.unit = $1 AND c.name = $4"
					     " AND r.t_ms >= $2 AND r.t_ms < $3 ORDER BY r.t_ms")
		    : store_pg_stmt(&v->job, "SELECT " READING_COLS " FROM channels c JOIN readings r"
					     " ON r.channel_id = c.id WHERE c.unit = $1 AND r.t_ms >= $2"
					     " AND r.t_ms < $3 ORDER BY r.t_ms, c.name");
	store_pg_p_text(&v->job, st, unit);
	store_pg_p_int(&v->job, st, since_ms);
	store_pg_p_int(&v->job, st, until_ms > 0 ? until_ms : INT64_MAX);
	if (one)
		store_pg_p_text(&v->job, st, channel);
	return view_run(s, v, &err);
}

/* ---- events ---- */

static int event_row(struct view_job *v, const PGresult *r, int i)
{
	struct store_event e;
	memset(&e, 0, sizeof(e));
	e.id = store_pg_int(r, i, 0);
	e.t_ms = store_pg_int(r, i, 1);
	if (store_event_kind_parse(PQgetvalue(r, i, 2), &e.kind) != 0)
		e.kind = STORE_EVENT_OTHER;
	store_pg_text(r, i, 3, e.unit, sizeof(e.unit));
	store_pg_text(r, i, 4, e.channel, sizeof(e.channel));
	e.incident_id = (uint32_t)store_pg_int(r, i, 5);
	store_pg_text(r, i, 6, e.actor, sizeof(e.actor));
	e.has_value = !store_pg_isnull(r, i, 7);
	e.value_c10 = e.has_value ? (int32_t)store_pg_int(r, i, 7) : 0;
	store_pg_text(r, i, 8, e.text, sizeof(e.text));
	return v->fn.event(v->ud, &e);
}

#define EVENT_COLS "id, t_ms, kind, unit, channel, incident_id, actor, value_c10, text"

/* The events, of `unit` (its SQL, $2 the unit) or of all (its SQL), $1 `first`. */
static int events_view(struct store *s, const char *unit, int64_t first, const char *of_unit,
		       const char *of_all, store_view_event_fn fn, void *ud)
{
	int err;
	struct view_job *v = view_new(s, "view_events", &err);
	if (!v)
		return err;
	v->row = event_row;
	v->fn.event = fn;
	v->ud = ud;
	struct pg_stmt *st = store_pg_stmt(&v->job, unit ? of_unit : of_all);
	store_pg_p_int(&v->job, st, first);
	if (unit)
		store_pg_p_text(&v->job, st, unit);
	return view_run(s, v, &err);
}

int store_pgb_view_events(struct store *s, const char *unit, int64_t since_ms, store_view_event_fn fn,
			  void *ud)
{
	return events_view(s, unit, since_ms,
			   "SELECT " EVENT_COLS
			   " FROM events WHERE unit = $2 AND t_ms >= $1 ORDER BY t_ms, id",
			   "SELECT " EVENT_COLS " FROM events WHERE t_ms >= $1 ORDER BY t_ms, id", fn, ud);
}

int store_pgb_view_events_latest(struct store *s, const char *unit, size_t max, store_view_event_fn fn,
				 void *ud)
{
	return events_view(s, unit, (int64_t)max,
			   "SELECT " EVENT_COLS " FROM events WHERE unit = $2"
			   " ORDER BY t_ms DESC, id DESC LIMIT $1",
			   "SELECT " EVENT_COLS " FROM events ORDER BY t_ms DESC, id DESC LIMIT $1", fn, ud);
}

/* ---- incidents ---- */

static int incident_row(struct view_job *v, const PGresult *r, int i)
{
	struct store_view_incident vi;
	memset(&vi, 0, sizeof(vi));
	store_pgb_incident_row(r, i, &vi.inc);
	if (vi.inc.acked_by >= 0 && (size_t)vi.inc.acked_by < v->n_contacts)
		vi.acked_by = v->contacts[vi.inc.acked_by];
	for (size_t k = 0; k < v->n_contacts && k < 32; k++)
		if (vi.inc.told >> k & 1)
			vi.told[vi.n_told++] = v->contacts[k];
	return v->fn.incident(v->ud, &vi);
}

static struct view_job *incidents_new(struct store *s, store_view_incident_fn fn, void *ud, int *err)
{
	struct view_job *v = view_new(s, "view_incidents", err);
	if (!v)
		return NULL;
	v->row = incident_row;
	v->fn.incident = fn;
	v->ud = ud;
	v->data_stmt = 1;
	v->contacts_first = true;
	store_pg_stmt(&v->job, "SELECT number, name FROM contacts ORDER BY idx");
	return v;
}

int store_pgb_view_incidents_open(struct store *s, store_view_incident_fn fn, void *ud)
{
	int err;
	struct view_job *v = incidents_new(s, fn, ud, &err);
	if (!v)
		return err;
	store_pg_stmt(&v->job, "SELECT " PGB_INCIDENT_COLS " FROM incidents WHERE closed_ms = 0"
			       " ORDER BY opened_ms, id");
	return view_run(s, v, &err);
}

int store_pgb_view_incidents_between(struct store *s, const char *unit, const char *channel_name,
				     int64_t since_ms, int64_t until_ms, store_view_incident_fn fn, void *ud)
{
	int err;
	struct view_job *v = incidents_new(s, fn, ud, &err);
	if (!v)
		return err;
	struct pg_stmt *st =
		store_pg_stmt(&v->job, "SELECT " PGB_INCIDENT_COLS " FROM incidents WHERE unit = $1"
				       " AND ($2::text IS NULL OR channel_name = $2) AND opened_ms < $4"
				       " AND (closed_ms = 0 OR closed_ms >= $3) ORDER BY opened_ms, id");
	store_pg_p_text(&v->job, st, unit);
	if (channel_name)
		store_pg_p_text(&v->job, st, channel_name);
	else
		store_pg_p_null(&v->job, st);
	store_pg_p_int(&v->job, st, since_ms);
	store_pg_p_int(&v->job, st, until_ms > 0 ? until_ms : INT64_MAX);
	return view_run(s, v, &err);
}

/* ---- the change token ---- */

static int version_row(struct view_job *v, const PGresult *r, int i)
{
	/* FNV-1a of the snapshot's text (xmin:xmax:xip...). */
	uint64_t h = 1469598103934665603ULL;
	for (const char *p = PQgetvalue(r, i, 0); *p; p++)
		h = (h ^ (uint8_t)*p) * 1099511628211ULL;
	*(uint64_t *)v->ud = h;
	return 0;
}

int store_pgb_view_version(struct store *s, uint64_t *version)
{
	int err;
	struct view_job *v = view_new(s, "view_version", &err);
	if (!v)
		return err;
	v->row = version_row;
	v->ud = version;
	store_pg_stmt(&v->job, "SELECT pg_current_snapshot()::text");
	return view_run(s, v, &err);
}

/* ---- the bases ---- */

void store_pgc_base_row(const PGresult *r, int i, struct store_view_base *b)
{
	memset(b, 0, sizeof(*b));
	store_pg_text(r, i, 0, b->name, sizeof(b->name));
	b->modems_up = (uint32_t)store_pg_int(r, i, 1);
	b->modems = (uint32_t)store_pg_int(r, i, 2);
	b->last_seen_ms = store_pg_int(r, i, 3);
	b->started_ms = store_pg_int(r, i, 4);
	b->leader = store_pg_bool(r, i, 5);
	b->epoch = b->leader ? (uint64_t)store_pg_int(r, i, 6) : 0;
	b->self = store_pg_bool(r, i, 7);
}

static int base_row(struct view_job *v, const PGresult *r, int i)
{
	struct store_view_base b;
	store_pgc_base_row(r, i, &b);
	return v->fn.base(v->ud, &b);
}

int store_pgc_view_bases(struct store *s, int64_t *now_ms, store_view_base_fn fn, void *ud)
{
	int err;
	struct view_job *v = view_new(s, "view_bases", &err);
	if (!v)
		return err;
	v->row = base_row;
	v->fn.base = fn;
	v->ud = ud;
	v->data_stmt = 1;
	v->now_out = now_ms;
	store_pg_stmt(&v->job, PGC_NOW_SQL);
	struct pg_stmt *st = store_pg_stmt(&v->job, PGC_BASES_SQL);
	store_pg_p_text(&v->job, st, pg_of(s)->base_name);
	return view_run(s, v, &err);
}
