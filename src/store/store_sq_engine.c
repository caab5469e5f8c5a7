/* The alarm engine's saved state read back from SQLite: the incidents not closed, the mutes,
 * the call list they were saved under, the counters and the next incident id; the incident
 * and contact rows are shared with the views. */
#include "store_sq_base.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void store_sqb_incident_row(sqlite3_stmt *st, struct store_incident *i)
{
	memset(i, 0, sizeof(*i));
	i->id = (uint32_t)sqlite3_column_int64(st, 0);
	store_sq_col_text(st, 1, i->state, sizeof(i->state));
	store_sq_col_text(st, 2, i->before_clear, sizeof(i->before_clear));
	store_sq_col_text(st, 3, i->unit, sizeof(i->unit));
	i->channel = (int16_t)sqlite3_column_int(st, 4);
	store_sq_col_text(st, 5, i->channel_name, sizeof(i->channel_name));
	store_sq_col_text(st, 6, i->kind, sizeof(i->kind));
	i->critical = sqlite3_column_int(st, 7) != 0;
	i->normal_raised = sqlite3_column_int(st, 8) != 0;
	i->has_value = sqlite3_column_int(st, 9) != 0;
	i->value_c10 = sqlite3_column_int(st, 10);
	i->threshold_c10 = sqlite3_column_int(st, 11);
	i->since_ms = sqlite3_column_int64(st, 12);
	i->opened_ms = sqlite3_column_int64(st, 13);
	i->cleared_ms = sqlite3_column_int64(st, 14);
	i->ladder_ms = sqlite3_column_int64(st, 15);
	i->notified = (uint32_t)sqlite3_column_int64(st, 16);
	i->told = (uint32_t)sqlite3_column_int64(st, 17);
	i->capped = (uint32_t)sqlite3_column_int64(st, 18);
	i->reminders = (uint32_t)sqlite3_column_int64(st, 19);
	i->acked_by = sqlite3_column_int(st, 20);
	i->acked_ms = sqlite3_column_int64(st, 21);
	i->reopened = (uint32_t)sqlite3_column_int64(st, 22);
	i->closed_ms = sqlite3_column_int64(st, 23);
}

int store_sqb_contacts_load(struct store_sqlite *q, struct store_contact *out, size_t *n)
{
	sqlite3_stmt *st;
	*n = 0;
	int err = store_sq_stmt(q, "SELECT number, name FROM contacts ORDER BY idx", &st);
	if (err)
		return err;
	int rc = SQLITE_DONE;
	while (*n < STORE_CONTACTS_MAX && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		store_sq_col_text(st, 0, out[*n].number, sizeof(out[*n].number));
		store_sq_col_text(st, 1, out[*n].name, sizeof(out[*n].name));
		(*n)++;
	}
	err = *n == STORE_CONTACTS_MAX || rc == SQLITE_DONE ? 0 : store_sq_fail(q, rc, "contacts");
	sqlite3_reset(st);
	return err;
}

struct engine_rows {
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

static int load_incidents(struct store_sqlite *q, struct engine_rows *r)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int err = store_sq_stmt(
		q, "SELECT " SQB_INCIDENT_COLS " FROM incidents WHERE closed_ms = 0 ORDER BY id", &st);
	int rc = SQLITE_DONE;
	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (r->n_inc == cap) {
			size_t ncap = cap ? 2 * cap : 16;
			struct store_incident *p = realloc(r->inc, ncap * sizeof(*p));
			if (!p) {
				err = -ENOMEM;
				break;
			}
			r->inc = p;
			cap = ncap;
		}
		store_sqb_incident_row(st, &r->inc[r->n_inc++]);
	}
	if (!err && rc != SQLITE_DONE)
		err = store_sq_fail(q, rc, "engine_load");
	if (st)
		sqlite3_reset(st);
	return err;
}

static int load_mutes(struct store_sqlite *q, struct engine_rows *r)
{
	sqlite3_stmt *st;
	int err = store_sq_stmt(q, "SELECT unit, channel, until_ms FROM mutes ORDER BY unit, channel", &st);
	if (err)
		return err;
	int rc = SQLITE_DONE;
	while (r->n_mutes < sizeof(r->mutes) / sizeof(r->mutes[0]) && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_mute *m = &r->mutes[r->n_mutes++];
		store_sq_col_text(st, 0, m->unit, sizeof(m->unit));
		m->channel = (int16_t)sqlite3_column_int(st, 1);
		m->until_ms = sqlite3_column_int64(st, 2);
	}
	err = r->n_mutes == sizeof(r->mutes) / sizeof(r->mutes[0]) || rc == SQLITE_DONE
		      ? 0
		      : store_sq_fail(q, rc, "mutes");
	sqlite3_reset(st);
	return err;
}

static int load_all(struct store_sqlite *q, uint32_t counters_version, size_t counters_size,
		    struct engine_rows *r)
{
	int err = load_incidents(q, r);
	if (!err)
		err = load_mutes(q, r);
	if (!err)
		err = store_sqb_contacts_load(q, r->contacts, &r->n_contacts);
	if (!err && counters_size > 0 && counters_size <= sizeof(r->counters)) {
		err = store_sq_blob_load(q, "engine.counters", counters_version, r->counters, counters_size);
		r->have_counters = err == 0;
		if (err == -ENOENT || err == -ESTALE)
			err = 0;
	}
	sqlite3_stmt *st;
	if (!err)
		err = store_sq_stmt(q, "SELECT value FROM meta WHERE name = 'next_incident_id'", &st);
	if (!err) {
		int rc = sqlite3_step(st);
		r->next_id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 1;
		err = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : store_sq_fail(q, rc, "engine_load");
		sqlite3_reset(st);
	}
	return err;
}

void store_sqb_engine_load(struct store *s, uint32_t counters_version, size_t counters_size,
			   store_engine_fn cb, void *ud)
{
	struct store_sqlite *q = sq_of(s);
	struct engine_rows *r = calloc(1, sizeof(*r));
	if (!r) {
		cb(ud, -ENOMEM, NULL);
		return;
	}
	/* One read transaction: the parts are of one moment. */
	int err = store_sq_exec(q, "BEGIN", "engine_load");
	if (!err) {
		err = load_all(q, counters_version, counters_size, r);
		sqlite3_exec(q->db, "COMMIT", NULL, NULL, NULL);
	}
	struct store_engine_state st = {
		.incidents = r->inc,
		.n_incidents = r->n_inc,
		.mutes_set = true,
		.mutes = r->mutes,
		.n_mutes = r->n_mutes,
		.contacts_set = true,
		.contacts = r->contacts,
		.n_contacts = r->n_contacts,
		.counters_version = counters_version,
		.counters = r->have_counters ? r->counters : NULL,
		.counters_size = r->have_counters ? counters_size : 0,
		.next_incident_id = r->next_id > 0 && r->next_id <= UINT32_MAX ? (uint32_t)r->next_id : 1,
	};
	cb(ud, err, err ? NULL : &st);
	free(r->inc);
	free(r);
}
