/* The base's one-transaction writes in SQLite (a verified unit message, the alarm engine's
 * reaction to a step: inbox marks, unit state, readings, events, texts, engine state) and
 * the load of the engine's state at start. */
#include "store_sq_base.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define SQB_COUNTERS_BLOB "engine.counters"

static int mark_one(struct store_sqlite *q, const struct store_inbox_mark *m)
{
	if (m->state == STORE_INBOX_NEW || (m->reason && store_sq_fits(m->reason, STORE_LABEL_MAX)))
		return m->state == STORE_INBOX_NEW ? -EINVAL : -EMSGSIZE;
	sqlite3_stmt *st;
	int err;
	if (m->id > 0) {
		err = store_sq_stmt(q, "UPDATE inbox SET state = ?1, reason = ?2 WHERE id = ?3", &st);
		if (!err)
			sqlite3_bind_int64(st, 3, m->id);
	} else {
		if (!m->sender)
			return -EINVAL;
		err = store_sq_stmt(
			q,
			"UPDATE inbox SET state = ?1, reason = ?2 WHERE state = 'new' AND sender = ?3"
			" AND ref = ?4 AND total = ?5",
			&st);
		if (!err) {
			store_sq_bind_text(st, 3, m->sender);
			sqlite3_bind_int(st, 4, m->ref);
			sqlite3_bind_int(st, 5, m->total);
		}
	}
	if (err)
		return err;
	store_sq_bind_text(st, 1, store_inbox_state_str(m->state));
	store_sq_bind_text(st, 2, m->reason);
	err = store_sq_step_done(q, st, "inbox_mark");
	if (!err && m->id > 0 && sqlite3_changes(q->db) == 0)
		err = -ENOENT;
	return err;
}

/* The channel ids of one write, so that a batch looks each channel's id up once. */
#define CHAN_CACHE 16
struct chan_slot {
	char unit[STORE_UNIT_MAX];
	char name[STORE_CHANNEL_MAX];
	int64_t id;
};
struct chan_cache {
	struct chan_slot slot[CHAN_CACHE];
	size_t n, next; /* slots in use, the one to replace next */
};

static int channel_lookup(struct store_sqlite *q, const char *sql, const char *unit, const char *name,
			  int64_t *id)
{
	sqlite3_stmt *st;
	int err = store_sq_stmt(q, sql, &st);
	if (err)
		return err;
	store_sq_bind_text(st, 1, unit);
	store_sq_bind_text(st, 2, name);
	int rc = sqlite3_step(st);
	*id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	err = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : store_sq_fail(q, rc, "channel");
	sqlite3_reset(st);
	return err;
}

static int channel_id(struct store_sqlite *q, const char *unit, const char *name, struct chan_cache *c,
		      int64_t *id)
{
	for (size_t i = 0; i < c->n; i++) {
		if (strcmp(c->slot[i].unit, unit) == 0 && strcmp(c->slot[i].name, name) == 0) {
			*id = c->slot[i].id;
			return 0;
		}
	}
	int err = channel_lookup(q, "SELECT id FROM channels WHERE unit = ? AND name = ?", unit, name, id);
	if (!err && *id == 0)
		err = channel_lookup(q, "INSERT INTO channels(unit, name) VALUES(?, ?) RETURNING id", unit,
				     name, id);
	if (err)
		return err;
	struct chan_slot *slot = &c->slot[c->n < CHAN_CACHE ? c->n++ : c->next++ % CHAN_CACHE];
	memcpy(slot->unit, unit, strlen(unit) + 1);
	memcpy(slot->name, name, strlen(name) + 1);
	slot->id = *id;
	return 0;
}

static int reading_insert(struct store_sqlite *q, const struct store_reading *r, struct chan_cache *c)
{
	if (!r->unit[0] || !r->channel[0])
		return -EINVAL;
	if (store_sq_fits(r->unit, sizeof(r->unit)) || store_sq_fits(r->channel, sizeof(r->channel)))
		return -EMSGSIZE;
	int64_t channel = 0;
	int err = channel_id(q, r->unit, r->channel, c, &channel);
	sqlite3_stmt *st;
	if (!err)
		err = store_sq_stmt(
			q,
			"INSERT INTO readings(channel_id, t_ms, temp_c10, received_ms, seq) VALUES(?, "
			"?, ?, ?, ?)"
			" ON CONFLICT DO NOTHING",
			&st);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, channel);
	sqlite3_bind_int64(st, 2, r->t_ms);
	if (!r->fault)
		sqlite3_bind_int(st, 3, r->temp_c10);
	sqlite3_bind_int64(st, 4, r->received_ms);
	sqlite3_bind_int64(st, 5, r->seq);
	return store_sq_step_done(q, st, "reading");
}

static int event_insert(struct store_sqlite *q, const struct store_event *e)
{
	if ((unsigned)e->kind >= STORE_EVENT_KIND_COUNT)
		return -EINVAL;
	if (store_sq_fits(e->unit, sizeof(e->unit)) || store_sq_fits(e->channel, sizeof(e->channel)) ||
	    store_sq_fits(e->actor, sizeof(e->actor)) || store_sq_fits(e->text, sizeof(e->text)))
		return -EMSGSIZE;
	sqlite3_stmt *st;
	int err = store_sq_stmt(
		q,
		"INSERT INTO events(t_ms, kind, unit, channel, incident_id, actor, value_c10, text)"
		" VALUES(?, ?, ?, ?, ?, ?, ?, ?)",
		&st);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, e->t_ms);
	store_sq_bind_text(st, 2, store_event_kind_str(e->kind));
	store_sq_bind_text(st, 3, e->unit);
	store_sq_bind_text(st, 4, e->channel);
	sqlite3_bind_int64(st, 5, e->incident_id);
	store_sq_bind_text(st, 6, e->actor);
	if (e->has_value)
		sqlite3_bind_int(st, 7, e->value_c10);
	store_sq_bind_text(st, 8, e->text);
	return store_sq_step_done(q, st, "event");
}

static int incident_check(const struct store_incident *i)
{
	if (i->id == 0 || !i->unit[0] || !i->state[0] || !i->kind[0])
		return -EINVAL;
	if (store_sq_fits(i->state, sizeof(i->state)) ||
	    store_sq_fits(i->before_clear, sizeof(i->before_clear)) ||
	    store_sq_fits(i->unit, sizeof(i->unit)) ||
	    store_sq_fits(i->channel_name, sizeof(i->channel_name)) ||
	    store_sq_fits(i->kind, sizeof(i->kind)))
		return -EMSGSIZE;
	return 0;
}

static int incident_upsert(struct store_sqlite *q, const struct store_incident *i)
{
	int err = incident_check(i);
	sqlite3_stmt *st;
	if (!err)
		err = store_sq_stmt(
			q,
			"INSERT OR REPLACE INTO incidents(id, state, before_clear, unit, channel, "
			"channel_name,"
			" kind, critical, normal_raised, has_value, value_c10, threshold_c10, since_ms,"
			" opened_ms, cleared_ms, ladder_ms, notified, told, capped, reminders, acked_by,"
			" acked_ms, reopened, closed_ms)"
			" VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			&st);
	if (err)
		return err;
	int c = 1;
	sqlite3_bind_int64(st, c++, i->id);
	store_sq_bind_text(st, c++, i->state);
	store_sq_bind_text(st, c++, i->before_clear);
	store_sq_bind_text(st, c++, i->unit);
	sqlite3_bind_int(st, c++, i->channel);
	store_sq_bind_text(st, c++, i->channel_name);
	store_sq_bind_text(st, c++, i->kind);
	sqlite3_bind_int(st, c++, i->critical);
	sqlite3_bind_int(st, c++, i->normal_raised);
	sqlite3_bind_int(st, c++, i->has_value);
	sqlite3_bind_int(st, c++, i->value_c10);
	sqlite3_bind_int(st, c++, i->threshold_c10);
	const int64_t wide[] = {i->since_ms, i->opened_ms, i->cleared_ms, i->ladder_ms,
				i->notified, i->told,      i->capped,     i->reminders,
				i->acked_by, i->acked_ms,  i->reopened,   i->closed_ms};
	for (size_t k = 0; k < sizeof(wide) / sizeof(wide[0]); k++)
		sqlite3_bind_int64(st, c++, wide[k]);
	return store_sq_step_done(q, st, "incident");
}

static int engine_lists(struct store_sqlite *q, const struct store_engine_state *e)
{
	int err = 0;
	sqlite3_stmt *st;
	if (e->mutes_set) {
		err = store_sq_exec(q, "DELETE FROM mutes", "mutes");
		for (size_t i = 0; !err && i < e->n_mutes; i++) {
			const struct store_mute *m = &e->mutes[i];
			if (!m->unit[0] || store_sq_fits(m->unit, sizeof(m->unit)))
				return -EINVAL;
			err = store_sq_stmt(
				q, "INSERT OR REPLACE INTO mutes(unit, channel, until_ms) VALUES(?, ?, ?)",
				&st);
			if (err)
				break;
			store_sq_bind_text(st, 1, m->unit);
			sqlite3_bind_int(st, 2, m->channel);
			sqlite3_bind_int64(st, 3, m->until_ms);
			err = store_sq_step_done(q, st, "mutes");
		}
	}
	if (!err && e->contacts_set) {
		if (e->n_contacts > STORE_CONTACTS_MAX)
			return -EINVAL;
		err = store_sq_exec(q, "DELETE FROM contacts", "contacts");
		for (size_t i = 0; !err && i < e->n_contacts; i++) {
			const struct store_contact *c = &e->contacts[i];
			if (store_sq_fits(c->number, sizeof(c->number)) ||
			    store_sq_fits(c->name, sizeof(c->name)))
				return -EMSGSIZE;
			err = store_sq_stmt(q, "INSERT INTO contacts(idx, number, name) VALUES(?, ?, ?)",
					    &st);
			if (err)
				break;
			sqlite3_bind_int64(st, 1, (int64_t)i);
			store_sq_bind_text(st, 2, c->number);
			store_sq_bind_text(st, 3, c->name);
			err = store_sq_step_done(q, st, "contacts");
		}
	}
	return err;
}

static int engine_save(struct store_sqlite *q, const struct store_engine_state *e)
{
	int err = 0;
	for (size_t i = 0; !err && i < e->n_incidents; i++)
		err = incident_upsert(q, &e->incidents[i]);
	if (!err)
		err = engine_lists(q, e);
	if (!err && e->counters)
		err = store_sq_blob_save(q, SQB_COUNTERS_BLOB, e->counters_version, e->counters,
					 e->counters_size);
	if (!err && e->next_incident_id) {
		sqlite3_stmt *st;
		err = store_sq_stmt(q,
				    "INSERT INTO meta(name, value) VALUES('next_incident_id', ?)"
				    " ON CONFLICT(name) DO UPDATE SET value = excluded.value",
				    &st);
		if (!err) {
			sqlite3_bind_int64(st, 1, e->next_incident_id);
			err = store_sq_step_done(q, st, "engine");
		}
	}
	return err;
}

static int write_all(struct store_sqlite *q, const struct store_base_batch *b, int64_t *first_out)
{
	int err = 0;
	for (size_t i = 0; !err && i < b->n_marks; i++)
		err = mark_one(q, &b->marks[i]);
	for (size_t i = 0; !err && i < b->n_units; i++)
		err = store_sqb_unit_upsert(q, &b->units[i]);
	struct chan_cache cache = {.n = 0};
	for (size_t i = 0; !err && i < b->n_readings; i++)
		err = reading_insert(q, &b->readings[i], &cache);
	for (size_t i = 0; !err && i < b->n_events; i++)
		err = event_insert(q, &b->events[i]);
	for (size_t i = 0; !err && i < b->n_outbox; i++) {
		int64_t id = 0;
		err = store_sqb_outbox_insert(q, &b->outbox[i], &id);
		if (!err && i == 0)
			*first_out = id;
	}
	if (!err && b->engine)
		err = engine_save(q, b->engine);
	return err;
}

void store_sqb_write(struct store *s, const struct store_base_batch *b, store_done_fn cb, void *ud)
{
	struct store_sqlite *q = sq_of(s);
	int64_t first = 0;
	if (b->epoch > 1) {
		/* The one base of a file is the leader with epoch 1: another epoch is nobody's. */
		cb(ud, -EPERM, 0);
		return;
	}
	int err = store_sq_begin(q, "write");
	if (!err)
		err = write_all(q, b, &first);
	err = store_sq_end(q, err, "write");
	cb(ud, err, err ? 0 : first);
}
