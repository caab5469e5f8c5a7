/* The base's one-transaction writes on PostgreSQL and the load of the alarm engine's state:
 * a write is one pipeline that opens with its token (m2_tx_once: a write sent again after a
 * lost connection finds it committed and reports that commit's result instead of writing
 * twice), then the leader's epoch check when fenced, then every record, with the records'
 * limits checked before anything is sent. */
#include "store_pg.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define COUNTERS_BLOB "engine.counters"

struct write_job {
	struct pg_job job;
	struct store_pg *pg;
	store_done_fn cb;
	void *ud;
	uint64_t token;
	size_t first_out_stmt; /* the statement that returns the first outbox id, 0: none */
	int64_t first_out;
};

static int write_result(struct pg_job *j, size_t stmt, PGresult *r)
{
	struct write_job *w = (struct write_job *)j;
	if (w->first_out_stmt && stmt == w->first_out_stmt && PQntuples(r) == 1)
		w->first_out = store_pg_int(r, 0, 0);
	return 0;
}

/* After M2T01: the write had been committed before the connection was lost; its result. */
static int redo_result(struct pg_job *j, size_t stmt, PGresult *r)
{
	struct write_job *w = (struct write_job *)j;
	(void)stmt;
	if (PQntuples(r) != 1)
		return -EIO;
	w->first_out = store_pg_int(r, 0, 0);
	return 0;
}

static void redo_finish(struct pg_job *j, int err)
{
	struct write_job *w = (struct write_job *)j;
	w->cb(w->ud, err, err ? 0 : w->first_out);
	store_pg_job_free(j);
}

static void write_finish(struct pg_job *j, int err)
{
	struct write_job *w = (struct write_job *)j;
	if (err == -EALREADY && strcmp(j->sqlstate, PG_STATE_DONE_BEFORE) == 0) {
		struct write_job *r = store_pg_job_new(sizeof(*r), "write", redo_result, redo_finish);
		if (r) {
			struct store_pg *pg = w->pg;
			r->pg = pg;
			r->cb = w->cb;
			r->ud = w->ud;
			struct pg_stmt *st =
				store_pg_stmt(&r->job, "SELECT result FROM m2_tx WHERE session = $1"
						       " AND seq = $2");
			store_pg_p_uint(&r->job, st, w->pg->session);
			store_pg_p_uint(&r->job, st, w->token);
			store_pg_job_free(j);
			store_pg_submit(&pg->main, &r->job, true);
			return;
		}
		err = -ENOMEM;
	}
	if (!err)
		store_pg_ok(w->pg);
	w->cb(w->ud, err, err ? 0 : w->first_out);
	store_pg_job_free(j);
}

/* ---- the records ---- */

static int add_mark(struct pg_job *j, const struct store_inbox_mark *m)
{
	if (m->state == STORE_INBOX_NEW || (unsigned)m->state > STORE_INBOX_REJECTED)
		return -EINVAL;
	if (m->reason && store_pg_fits(m->reason, STORE_LABEL_MAX))
		return -EMSGSIZE;
	struct pg_stmt *st;
	if (m->id > 0) {
		st = store_pg_stmt(
			j, "WITH u AS (UPDATE inbox SET state = $1, reason = $2 WHERE id = $3 RETURNING 1)"
			   " SELECT m2_assert(EXISTS (SELECT 1 FROM u), 'an inbox mark names no row')");
	} else {
		if (!m->sender)
			return -EINVAL;
		st = store_pg_stmt(
			j, "UPDATE inbox SET state = $1, reason = $2 WHERE state = 'new' AND sender = $3"
			   " AND ref = $4 AND total = $5");
	}
	store_pg_p_text(j, st, store_inbox_state_str(m->state));
	store_pg_p_text(j, st, m->reason);
	if (m->id > 0) {
		store_pg_p_int(j, st, m->id);
	} else {
		store_pg_p_text(j, st, m->sender);
		store_pg_p_int(j, st, m->ref);
		store_pg_p_int(j, st, m->total);
	}
	return 0;
}

static int add_unit(struct pg_job *j, const struct store_unit_proto *u)
{
	if (!u->unit[0])
		return -EINVAL;
	if (store_pg_fits(u->unit, sizeof(u->unit)) || u->window_size > sizeof(u->window))
		return -EMSGSIZE;
	struct pg_stmt *st = store_pg_stmt(
		j, "INSERT INTO units(unit, window_version, replay_window, last_heard_ms, last_seq, "
		   "clock_offset_ms)"
		   " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (unit) DO UPDATE SET"
		   " window_version = excluded.window_version, replay_window = excluded.replay_window,"
		   " last_heard_ms = excluded.last_heard_ms, last_seq = excluded.last_seq,"
		   " clock_offset_ms = excluded.clock_offset_ms");
	store_pg_p_text(j, st, u->unit);
	store_pg_p_int(j, st, u->window_version);
	if (u->window_size)
		store_pg_p_bytea(j, st, u->window, u->window_size);
	else
		store_pg_p_null(j, st);
	store_pg_p_int(j, st, u->last_heard_ms);
	store_pg_p_int(j, st, u->last_seq);
	store_pg_p_int(j, st, u->clock_offset_ms);
	return 0;
}

static int add_readings(struct pg_job *j, const struct store_reading *rd, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct store_reading *r = &rd[i];
		if (!r->unit[0] || !r->channel[0])
			return -EINVAL;
		if (store_pg_fits(r->unit, sizeof(r->unit)) || store_pg_fits(r->channel, sizeof(r->channel)))
			return -EMSGSIZE;
		bool seen = false;
		for (size_t k = 0; k < i && !seen; k++)
			seen = strcmp(rd[k].unit, r->unit) == 0 && strcmp(rd[k].channel, r->channel) == 0;
		struct pg_stmt *st;
		if (!seen) {
			st = store_pg_stmt(
				j, "INSERT INTO channels(unit, name) VALUES ($1, $2) ON CONFLICT DO NOTHING");
			store_pg_p_text(j, st, r->unit);
			store_pg_p_text(j, st, r->channel);
		}
		st = store_pg_stmt(j, "INSERT INTO readings(channel_id, t_ms, temp_c10, received_ms, seq)"
				      " SELECT id, $3, $4, $5, $6 FROM channels WHERE unit = $1 AND name = $2"
				      " ON CONFLICT DO NOTHING");
		store_pg_p_text(j, st, r->unit);
		store_pg_p_text(j, st, r->channel);
		store_pg_p_int(j, st, r->t_ms);
		if (r->fault)
			store_pg_p_null(j, st);
		else
			store_pg_p_int(j, st, r->temp_c10);
		store_pg_p_int(j, st, r->received_ms);
		store_pg_p_int(j, st, r->seq);
	}
	return 0;
}

static int add_event(struct pg_job *j, const struct store_event *e)
{
	if ((unsigned)e->kind >= STORE_EVENT_KIND_COUNT)
		return -EINVAL;
	if (store_pg_fits(e->unit, sizeof(e->unit)) || store_pg_fits(e->channel, sizeof(e->channel)) ||
	    store_pg_fits(e->actor, sizeof(e->actor)) || store_pg_fits(e->text, sizeof(e->text)))
		return -EMSGSIZE;
	struct pg_stmt *st = store_pg_stmt(
		j, "INSERT INTO events(t_ms, kind, unit, channel, incident_id, actor, value_c10, text)"
		   " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
	store_pg_p_int(j, st, e->t_ms);
	store_pg_p_text(j, st, store_event_kind_str(e->kind));
	store_pg_p_text(j, st, e->unit);
	store_pg_p_text(j, st, e->channel);
	store_pg_p_int(j, st, e->incident_id);
	store_pg_p_text(j, st, e->actor);
	if (e->has_value)
		store_pg_p_int(j, st, e->value_c10);
	else
		store_pg_p_null(j, st);
	store_pg_p_text(j, st, e->text);
	return 0;
}

static int add_outbox(struct write_job *w, const struct store_sms_out *m, bool first)
{
	struct pg_job *j = &w->job;
	if (!m->dest[0] || !m->text[0])
		return -EINVAL;
	if (store_pg_fits(m->dest, sizeof(m->dest)) || store_pg_fits(m->text, sizeof(m->text)) ||
	    store_pg_fits(m->kind, sizeof(m->kind)))
		return -EMSGSIZE;
	if (first)
		w->first_out_stmt = j->n_stmts;
	struct pg_stmt *st =
		first ? store_pg_stmt(
				j, "WITH o AS (INSERT INTO outbox(dest, text, kind, incident_id, created_ms,"
				   " state, next_ms) VALUES ($1, $2, $3, $4, $5, 'queued', $6) RETURNING id),"
				   " t AS (UPDATE m2_tx SET result = (SELECT id FROM o) WHERE session = $7)"
				   " SELECT id FROM o")
		      : store_pg_stmt(j,
				      "INSERT INTO outbox(dest, text, kind, incident_id, created_ms, state,"
				      " next_ms) VALUES ($1, $2, $3, $4, $5, 'queued', $6)");
	store_pg_p_text(j, st, m->dest);
	store_pg_p_text(j, st, m->text);
	store_pg_p_text(j, st, m->kind);
	store_pg_p_int(j, st, m->incident_id);
	store_pg_p_int(j, st, m->created_ms);
	store_pg_p_int(j, st, m->next_ms);
	if (first)
		store_pg_p_uint(j, st, w->pg->session);
	return 0;
}

static int incident_check(const struct store_incident *i)
{
	if (i->id == 0 || !i->unit[0] || !i->state[0] || !i->kind[0])
		return -EINVAL;
	if (store_pg_fits(i->state, sizeof(i->state)) ||
	    store_pg_fits(i->before_clear, sizeof(i->before_clear)) ||
	    store_pg_fits(i->unit, sizeof(i->unit)) ||
	    store_pg_fits(i->channel_name, sizeof(i->channel_name)) ||
	    store_pg_fits(i->kind, sizeof(i->kind)))
		return -EMSGSIZE;
	return 0;
}

static int add_incident(struct pg_job *j, const struct store_incident *i)
{
	int err = incident_check(i);
	if (err)
		return err;
	struct pg_stmt *st = store_pg_stmt(
		j,
		"INSERT INTO incidents(" PGB_INCIDENT_COLS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,"
		" $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24)"
		" ON CONFLICT (id) DO UPDATE SET state = excluded.state, before_clear = "
		"excluded.before_clear,"
		" unit = excluded.unit, channel = excluded.channel, channel_name = excluded.channel_name,"
		" kind = excluded.kind, critical = excluded.critical, normal_raised = excluded.normal_raised,"
		" has_value = excluded.has_value, value_c10 = excluded.value_c10,"
		" threshold_c10 = excluded.threshold_c10, since_ms = excluded.since_ms,"
		" opened_ms = excluded.opened_ms, cleared_ms = excluded.cleared_ms,"
		" ladder_ms = excluded.ladder_ms, notified = excluded.notified, told = excluded.told,"
		" capped = excluded.capped, reminders = excluded.reminders, acked_by = excluded.acked_by,"
		" acked_ms = excluded.acked_ms, reopened = excluded.reopened, closed_ms = "
		"excluded.closed_ms");
	store_pg_p_int(j, st, i->id);
	store_pg_p_text(j, st, i->state);
	store_pg_p_text(j, st, i->before_clear);
	store_pg_p_text(j, st, i->unit);
	store_pg_p_int(j, st, i->channel);
	store_pg_p_text(j, st, i->channel_name);
	store_pg_p_text(j, st, i->kind);
	store_pg_p_bool(j, st, i->critical);
	store_pg_p_bool(j, st, i->normal_raised);
	store_pg_p_bool(j, st, i->has_value);
	store_pg_p_int(j, st, i->value_c10);
	store_pg_p_int(j, st, i->threshold_c10);
	const int64_t wide[] = {i->since_ms, i->opened_ms, i->cleared_ms, i->ladder_ms,
				i->notified, i->told,      i->capped,     i->reminders,
				i->acked_by, i->acked_ms,  i->reopened,   i->closed_ms};
	for (size_t k = 0; k < sizeof(wide) / sizeof(wide[0]); k++)
		store_pg_p_int(j, st, wide[k]);
	return 0;
}

static int add_lists(struct pg_job *j, const struct store_engine_state *e)
{
	struct pg_stmt *st;
	if (e->mutes_set) {
		store_pg_stmt(j, "DELETE FROM mutes");
		for (size_t i = 0; i < e->n_mutes; i++) {
			const struct store_mute *m = &e->mutes[i];
			if (!m->unit[0] || store_pg_fits(m->unit, sizeof(m->unit)))
				return -EINVAL;
			st = store_pg_stmt(
				j, "INSERT INTO mutes(unit, channel, until_ms) VALUES ($1, $2, $3)"
				   " ON CONFLICT (unit, channel) DO UPDATE SET until_ms = excluded.until_ms");
			store_pg_p_text(j, st, m->unit);
			store_pg_p_int(j, st, m->channel);
			store_pg_p_int(j, st, m->until_ms);
		}
	}
	if (e->contacts_set) {
		if (e->n_contacts > STORE_CONTACTS_MAX)
			return -EINVAL;
		store_pg_stmt(j, "DELETE FROM contacts");
		for (size_t i = 0; i < e->n_contacts; i++) {
			const struct store_contact *c = &e->contacts[i];
			if (store_pg_fits(c->number, sizeof(c->number)) ||
			    store_pg_fits(c->name, sizeof(c->name)))
				return -EMSGSIZE;
			st = store_pg_stmt(j, "INSERT INTO contacts(idx, number, name) VALUES ($1, $2, $3)");
			store_pg_p_int(j, st, (int64_t)i);
			store_pg_p_text(j, st, c->number);
			store_pg_p_text(j, st, c->name);
		}
	}
	return 0;
}

static int add_engine(struct pg_job *j, const struct store_engine_state *e)
{
	int err = 0;
	for (size_t i = 0; !err && i < e->n_incidents; i++)
		err = add_incident(j, &e->incidents[i]);
	if (!err)
		err = add_lists(j, e);
	if (!err && e->counters) {
		if (e->counters_size > STORE_BLOB_MAX)
			return -EMSGSIZE;
		struct pg_stmt *st =
			store_pg_stmt(j, "INSERT INTO blobs(name, version, data) VALUES ($1, $2, $3)"
					 " ON CONFLICT (name) DO UPDATE SET version = excluded.version,"
					 " data = excluded.data");
		store_pg_p_text(j, st, COUNTERS_BLOB);
		store_pg_p_int(j, st, e->counters_version);
		store_pg_p_bytea(j, st, e->counters, e->counters_size);
	}
	if (!err && e->next_incident_id) {
		struct pg_stmt *st =
			store_pg_stmt(j, "INSERT INTO meta(name, value) VALUES ('next_incident_id', $1)"
					 " ON CONFLICT (name) DO UPDATE SET value = excluded.value");
		store_pg_p_int(j, st, e->next_incident_id);
	}
	return err;
}

static int build_write(struct write_job *w, const struct store_base_batch *b)
{
	struct pg_job *j = &w->job;
	struct pg_stmt *st = store_pg_stmt(j, "SELECT m2_tx_once($1, $2)");
	store_pg_p_uint(j, st, w->pg->session);
	store_pg_p_uint(j, st, w->token);
	if (b->epoch) {
		st = store_pg_stmt(j, "SELECT m2_leader_check($1)");
		store_pg_p_uint(j, st, b->epoch);
	}
	int err = 0;
	for (size_t i = 0; !err && i < b->n_marks; i++)
		err = add_mark(j, &b->marks[i]);
	for (size_t i = 0; !err && i < b->n_units; i++)
		err = add_unit(j, &b->units[i]);
	if (!err)
		err = add_readings(j, b->readings, b->n_readings);
	for (size_t i = 0; !err && i < b->n_events; i++)
		err = add_event(j, &b->events[i]);
	for (size_t i = 0; !err && i < b->n_outbox; i++)
		err = add_outbox(w, &b->outbox[i], i == 0);
	if (!err && b->engine)
		err = add_engine(j, b->engine);
	return err ? err : j->alloc_err;
}

void store_pgb_write(struct store *s, const struct store_base_batch *b, store_done_fn cb, void *ud)
{
	struct store_pg *pg = pg_of(s);
	struct write_job *w = store_pg_job_new(sizeof(*w), "write", write_result, write_finish);
	if (!w) {
		cb(ud, -ENOMEM, 0);
		return;
	}
	w->pg = pg;
	w->cb = cb;
	w->ud = ud;
	w->token = ++pg->tx_seq;
	int err = build_write(w, b);
	if (err) {
		store_pg_job_free(&w->job);
		cb(ud, err, 0);
		return;
	}
	store_pg_submit(&pg->main, &w->job, false);
}

/* ---- the engine's state at start ---- */

void store_pgb_incident_row(const PGresult *r, int row, struct store_incident *i)
{
	memset(i, 0, sizeof(*i));
	i->id = (uint32_t)store_pg_int(r, row, 0);
	store_pg_text(r, row, 1, i->state, sizeof(i->state));
	store_pg_text(r, row, 2, i->before_clear, sizeof(i->before_clear));
	store_pg_text(r, row, 3, i->unit, sizeof(i->unit));
	i->channel = (int16_t)store_pg_int(r, row, 4);
	store_pg_text(r, row, 5, i->channel_name, sizeof(i->channel_name));
	store_pg_text(r, row, 6, i->kind, sizeof(i->kind));
	i->critical = store_pg_bool(r, row, 7);
	i->normal_raised = store_pg_bool(r, row, 8);
	i->has_value = store_pg_bool(r, row, 9);
	i->value_c10 = (int32_t)store_pg_int(r, row, 10);
	i->threshold_c10 = (int32_t)store_pg_int(r, row, 11);
	i->since_ms = store_pg_int(r, row, 12);
	i->opened_ms = store_pg_int(r, row, 13);
	i->cleared_ms = store_pg_int(r, row, 14);
	i->ladder_ms = store_pg_int(r, row, 15);
	i->notified = (uint32_t)store_pg_int(r, row, 16);
	i->told = (uint32_t)store_pg_int(r, row, 17);
	i->capped = (uint32_t)store_pg_int(r, row, 18);
	i->reminders = (uint32_t)store_pg_int(r, row, 19);
	i->acked_by = (int)store_pg_int(r, row, 20);
	i->acked_ms = store_pg_int(r, row, 21);
	i->reopened = (uint32_t)store_pg_int(r, row, 22);
	i->closed_ms = store_pg_int(r, row, 23);
}

struct engine_job {
	struct pg_job job;
	store_engine_fn cb;
	void *ud;
	uint32_t counters_version;
	size_t counters_size;
	struct store_incident *inc;
	size_t n_inc;
	struct store_mute mutes[64];
	size_t n_mutes;
	struct store_contact contacts[STORE_CONTACTS_MAX];
	size_t n_contacts;
	uint8_t counters[STORE_BLOB_MAX];
	bool have_counters;
	int64_t next_id;
};

/* Statements: 0 BEGIN, 1 incidents, 2 mutes, 3 contacts, 4 counters, 5 next id, 6 COMMIT. */
static int engine_result(struct pg_job *j, size_t stmt, PGresult *r)
{
	struct engine_job *e = (struct engine_job *)j;
	int n = PQntuples(r);
	if (stmt == 1 && n > 0) {
		e->inc = calloc((size_t)n, sizeof(*e->inc));
		if (!e->inc)
			return -ENOMEM;
		for (int i = 0; i < n; i++)
			store_pgb_incident_row(r, i, &e->inc[i]);
		e->n_inc = (size_t)n;
	}
	for (int i = 0; stmt == 2 && i < n && e->n_mutes < 64; i++) {
		struct store_mute *m = &e->mutes[e->n_mutes++];
		store_pg_text(r, i, 0, m->unit, sizeof(m->unit));
		m->channel = (int16_t)store_pg_int(r, i, 1);
		m->until_ms = store_pg_int(r, i, 2);
	}
	for (int i = 0; stmt == 3 && i < n && e->n_contacts < STORE_CONTACTS_MAX; i++) {
		store_pg_text(r, i, 0, e->contacts[e->n_contacts].number, STORE_NUMBER_MAX);
		store_pg_text(r, i, 1, e->contacts[e->n_contacts].name, STORE_NAME_MAX);
		e->n_contacts++;
	}
	if (stmt == 4 && n == 1 && (uint32_t)store_pg_int(r, 0, 0) == e->counters_version && e->counters_size)
		e->have_counters =
			store_pg_bytea(r, 0, 1, e->counters, sizeof(e->counters)) == (long)e->counters_size;
	if (stmt == 5)
		e->next_id = n == 1 ? store_pg_int(r, 0, 0) : 1;
	return 0;
}

static void engine_reset(struct pg_job *j)
{
	struct engine_job *e = (struct engine_job *)j;
	free(e->inc);
	e->inc = NULL;
	e->n_inc = e->n_mutes = e->n_contacts = 0;
	e->have_counters = false;
}

static void engine_finish(struct pg_job *j, int err)
{
	struct engine_job *e = (struct engine_job *)j;
	struct store_engine_state st = {
		.incidents = e->inc,
		.n_incidents = e->n_inc,
		.mutes_set = true,
		.mutes = e->mutes,
		.n_mutes = e->n_mutes,
		.contacts_set = true,
		.contacts = e->contacts,
		.n_contacts = e->n_contacts,
		.counters_version = e->counters_version,
		.counters = e->have_counters ? e->counters : NULL,
		.counters_size = e->have_counters ? e->counters_size : 0,
		.next_incident_id = e->next_id > 0 && e->next_id <= UINT32_MAX ? (uint32_t)e->next_id : 1,
	};
	e->cb(e->ud, err, err ? NULL : &st);
	free(e->inc);
	store_pg_job_free(j);
}

void store_pgb_engine_load(struct store *s, uint32_t counters_version, size_t counters_size,
			   store_engine_fn cb, void *ud)
{
	struct engine_job *e = store_pg_job_new(sizeof(*e), "engine_load", engine_result, engine_finish);
	if (!e) {
		cb(ud, -ENOMEM, NULL);
		return;
	}
	e->cb = cb;
	e->ud = ud;
	e->job.reset = engine_reset;
	e->counters_version = counters_version;
	e->counters_size = counters_size <= STORE_BLOB_MAX ? counters_size : 0;
	struct pg_job *j = &e->job;
	/* One snapshot: the parts are of one moment. */
	store_pg_stmt(j, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
	store_pg_stmt(j, "SELECT " PGB_INCIDENT_COLS " FROM incidents WHERE closed_ms = 0 ORDER BY id");
	store_pg_stmt(j, "SELECT unit, channel, until_ms FROM mutes ORDER BY unit, channel");
	store_pg_stmt(j, "SELECT number, name FROM contacts ORDER BY idx");
	struct pg_stmt *st = store_pg_stmt(j, "SELECT version, data FROM blobs WHERE name = $1");
	store_pg_p_text(j, st, COUNTERS_BLOB);
	store_pg_stmt(j, "SELECT value FROM meta WHERE name = 'next_incident_id'");
	store_pg_stmt(j, "COMMIT");
	store_pg_submit(&pg_of(s)->main, j, false);
}
