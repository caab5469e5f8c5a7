/* The unit's sending side in SQLite: the sequence counter reserved in blocks, the readings
 * waiting for a batch, the outbox with its batch step, resends and fallback, and receipts
 * that remove many messages at once. */
#include "store_unit.h"
#include "store_sqlite.h"

#include <assert.h>
#include <errno.h>
#include <string.h>

static struct store_sqlite *unit_of(struct store *s, bool write)
{
	assert(s && s->kind == STORE_KIND_UNIT);
	assert(!write || !s->read_only);
	(void)write;
	return sq_of(s);
}

static int meta_get(struct store_sqlite *q, const char *name, int64_t *value)
{
	sqlite3_stmt *st;
	int err = store_sq_stmt(q, "SELECT value FROM meta WHERE name = ?", &st);
	if (err)
		return err;
	store_sq_bind_text(st, 1, name);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*value = sqlite3_column_int64(st, 0);
	err = rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? -ENOENT : store_sq_fail(q, rc, "meta");
	sqlite3_reset(st);
	return err;
}

static int meta_put(struct store_sqlite *q, const char *name, int64_t value)
{
	sqlite3_stmt *st;
	int err = store_sq_stmt(q,
				"INSERT INTO meta(name, value) VALUES(?, ?)"
				" ON CONFLICT(name) DO UPDATE SET value = excluded.value",
				&st);
	if (err)
		return err;
	store_sq_bind_text(st, 1, name);
	sqlite3_bind_int64(st, 2, value);
	return store_sq_step_done(q, st, "meta");
}

/* ---- sequence numbers ---- */

int store_unit_seq_next(struct store *s, uint32_t *seq)
{
	struct store_sqlite *q = unit_of(s, true);
	if (!q->seq.loaded) {
		int64_t end = 1;
		int err = meta_get(q, "seq_end", &end);
		if (err && err != -ENOENT)
			return err;
		q->seq.next = q->seq.end = end > 0 ? end : 1;
		q->seq.loaded = true;
	}
	if (q->seq.next > UINT32_MAX)
		return -EOVERFLOW;
	if (q->seq.next >= q->seq.end) {
		int64_t end = q->seq.next + STORE_SEQ_BLOCK;
		int err = store_sq_begin(q, "seq_reserve");
		if (!err)
			err = meta_put(q, "seq_end", end);
		err = store_sq_end(q, err, "seq_reserve");
		if (err)
			return err;
		q->seq.end = end;
	}
	*seq = (uint32_t)q->seq.next++;
	return 0;
}

/* ---- readings ---- */

int store_unit_readings_add(struct store *s, struct store_unit_reading *r, size_t n)
{
	struct store_sqlite *q = unit_of(s, true);
	int err = store_sq_begin(q, "readings_add");
	for (size_t i = 0; !err && i < n; i++) {
		sqlite3_stmt *st;
		err = store_sq_stmt(q, "INSERT INTO readings(channel, t_ms, temp_c10) VALUES(?, ?, ?)", &st);
		if (err)
			break;
		sqlite3_bind_int(st, 1, r[i].channel);
		sqlite3_bind_int64(st, 2, r[i].t_ms);
		if (!r[i].fault)
			sqlite3_bind_int(st, 3, r[i].temp_c10);
		err = store_sq_step_done(q, st, "readings_add");
		if (!err)
			r[i].id = sqlite3_last_insert_rowid(q->db);
	}
	return store_sq_end(q, err, "readings_add");
}

int store_unit_readings_pending(struct store *s, int64_t after_id, struct store_unit_reading *out, size_t max,
				size_t *n)
{
	struct store_sqlite *q = unit_of(s, false);
	sqlite3_stmt *st;
	*n = 0;
	int err = store_sq_stmt(
		q, "SELECT id, channel, t_ms, temp_c10 FROM readings WHERE id > ? ORDER BY id LIMIT ?", &st);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, after_id);
	sqlite3_bind_int64(st, 2, (int64_t)max);
	int rc = SQLITE_DONE;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_unit_reading *r = &out[(*n)++];
		r->id = sqlite3_column_int64(st, 0);
		r->channel = (uint8_t)sqlite3_column_int(st, 1);
		r->t_ms = sqlite3_column_int64(st, 2);
		r->fault = sqlite3_column_type(st, 3) == SQLITE_NULL;
		r->temp_c10 = r->fault ? 0 : sqlite3_column_int(st, 3);
	}
	err = rc == SQLITE_DONE ? 0 : store_sq_fail(q, rc, "readings_pending");
	sqlite3_reset(st);
	return err;
}

int store_unit_readings_count(struct store *s, uint64_t *n)
{
	struct store_sqlite *q = unit_of(s, false);
	sqlite3_stmt *st;
	int err = store_sq_stmt(q, "SELECT count(*) FROM readings", &st);
	if (err)
		return err;
	int rc = sqlite3_step(st);
	*n = rc == SQLITE_ROW ? (uint64_t)sqlite3_column_int64(st, 0) : 0;
	err = rc == SQLITE_ROW ? 0 : store_sq_fail(q, rc, "readings_count");
	sqlite3_reset(st);
	return err;
}

/* ---- outbox ---- */

#define UMSG_COLS "id, seq, kind, dest, text, created_ms, attempts, next_ms, state, fallback_ms"

static void umsg_row(sqlite3_stmt *st, struct store_unit_msg *m)
{
	m->id = sqlite3_column_int64(st, 0);
	m->seq = (uint32_t)sqlite3_column_int64(st, 1);
	m->kind = sqlite3_column_int(st, 2);
	store_sq_col_text(st, 3, m->dest, sizeof(m->dest));
	store_sq_col_text(st, 4, m->text, sizeof(m->text));
	m->created_ms = sqlite3_column_int64(st, 5);
	m->attempts = (uint32_t)sqlite3_column_int64(st, 6);
	m->next_ms = sqlite3_column_int64(st, 7);
	const unsigned char *state = sqlite3_column_text(st, 8);
	m->state = state && strcmp((const char *)state, "sent") == 0 ? STORE_UMSG_SENT : STORE_UMSG_QUEUED;
	m->fallback_ms = sqlite3_column_int64(st, 9);
}

static int umsg_check(const struct store_unit_msg *m)
{
	if (!m->dest[0] || !m->text[0])
		return -EINVAL;
	if (store_sq_fits(m->dest, sizeof(m->dest)) || store_sq_fits(m->text, sizeof(m->text)))
		return -EMSGSIZE;
	return 0;
}

/* Inserts one message inside the caller's transaction. */
static int umsg_insert(struct store_sqlite *q, struct store_unit_msg *m)
{
	int err = umsg_check(m);
	sqlite3_stmt *st;
	if (!err)
		err = store_sq_stmt(q,
				    "INSERT INTO outbox(seq, kind, dest, text, created_ms, next_ms, state)"
				    " VALUES(?, ?, ?, ?, ?, ?, 'queued')",
				    &st);
	if (err)
		return err;
	if (m->seq)
		sqlite3_bind_int64(st, 1, m->seq);
	sqlite3_bind_int(st, 2, m->kind);
	store_sq_bind_text(st, 3, m->dest);
	store_sq_bind_text(st, 4, m->text);
	sqlite3_bind_int64(st, 5, m->created_ms);
	sqlite3_bind_int64(st, 6, m->next_ms);
	err = store_sq_step_done(q, st, "outbox_add");
	if (err)
		return err;
	m->id = sqlite3_last_insert_rowid(q->db);
	m->attempts = 0;
	m->state = STORE_UMSG_QUEUED;
	m->fallback_ms = 0;
	return 0;
}

int store_unit_outbox_add(struct store *s, struct store_unit_msg *msg)
{
	struct store_sqlite *q = unit_of(s, true);
	int err = store_sq_begin(q, "outbox_add");
	if (!err)
		err = umsg_insert(q, msg);
	return store_sq_end(q, err, "outbox_add");
}

int store_unit_batch_store(struct store *s, const int64_t *reading_ids, size_t n, struct store_unit_msg *msg)
{
	struct store_sqlite *q = unit_of(s, true);
	int err = store_sq_begin(q, "batch_store");
	for (size_t i = 0; !err && i < n; i++) {
		sqlite3_stmt *st;
		err = store_sq_stmt(q, "DELETE FROM readings WHERE id = ?", &st);
		if (err)
			break;
		sqlite3_bind_int64(st, 1, reading_ids[i]);
		err = store_sq_step_done(q, st, "batch_store");
		if (!err && sqlite3_changes(q->db) != 1)
			err = -ESTALE;
	}
	if (!err)
		err = umsg_insert(q, msg);
	return store_sq_end(q, err, "batch_store");
}

int store_unit_outbox_next(struct store *s, int64_t now_ms, struct store_unit_msg *out)
{
	struct store_sqlite *q = unit_of(s, false);
	sqlite3_stmt *st;
	int err = store_sq_stmt(
		q, "SELECT " UMSG_COLS " FROM outbox WHERE next_ms <= ? ORDER BY next_ms, id LIMIT 1", &st);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, now_ms);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		umsg_row(st, out);
	err = rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? -ENOENT : store_sq_fail(q, rc, "outbox_next");
	sqlite3_reset(st);
	return err;
}

int store_unit_outbox_next_ms(struct store *s, int64_t *next_ms)
{
	struct store_sqlite *q = unit_of(s, false);
	sqlite3_stmt *st;
	int err = store_sq_stmt(q, "SELECT min(next_ms) FROM outbox", &st);
	if (err)
		return err;
	int rc = sqlite3_step(st);
	*next_ms = rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL ? sqlite3_column_int64(st, 0)
										 : INT64_MAX;
	err = rc == SQLITE_ROW ? 0 : store_sq_fail(q, rc, "outbox_next_ms");
	sqlite3_reset(st);
	return err;
}

int store_unit_outbox_list(struct store *s, int64_t after_id, struct store_unit_msg *out, size_t max,
			   size_t *n)
{
	struct store_sqlite *q = unit_of(s, false);
	sqlite3_stmt *st;
	*n = 0;
	int err = store_sq_stmt(q, "SELECT " UMSG_COLS " FROM outbox WHERE id > ? ORDER BY id LIMIT ?", &st);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, after_id);
	sqlite3_bind_int64(st, 2, (int64_t)max);
	int rc = SQLITE_DONE;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		umsg_row(st, &out[(*n)++]);
	err = rc == SQLITE_DONE ? 0 : store_sq_fail(q, rc, "outbox_list");
	sqlite3_reset(st);
	return err;
}

/* Runs one statement on row `id` (bound last) in a transaction of its own: -ENOENT when no
 * row changed. */
static int umsg_update(struct store_sqlite *q, const char *sql, int64_t value, bool has_value, int64_t id,
		       const char *op)
{
	sqlite3_stmt *st;
	int err = store_sq_begin(q, op);
	if (!err)
		err = store_sq_stmt(q, sql, &st);
	if (!err) {
		int i = 1;
		if (has_value)
			sqlite3_bind_int64(st, i++, value);
		sqlite3_bind_int64(st, i, id);
		err = store_sq_step_done(q, st, op);
		if (!err && sqlite3_changes(q->db) == 0)
			err = -ENOENT;
	}
	return store_sq_end(q, err, op);
}

int store_unit_outbox_sent(struct store *s, int64_t id, int64_t next_ms)
{
	struct store_sqlite *q = unit_of(s, true);
	int err = umsg_update(q, "DELETE FROM outbox WHERE seq IS NULL AND id = ?", 0, false, id,
			      "outbox_sent");
	if (err != -ENOENT)
		return err;
	return umsg_update(
		q, "UPDATE outbox SET attempts = attempts + 1, state = 'sent', next_ms = ? WHERE id = ?",
		next_ms, true, id, "outbox_sent");
}

int store_unit_outbox_retry(struct store *s, int64_t id, int64_t next_ms)
{
	return umsg_update(
		unit_of(s, true),
		"UPDATE outbox SET attempts = attempts + 1, state = 'queued', next_ms = ? WHERE id = ?",
		next_ms, true, id, "outbox_retry");
}

int store_unit_outbox_remove(struct store *s, int64_t id)
{
	return umsg_update(unit_of(s, true), "DELETE FROM outbox WHERE id = ?", 0, false, id,
			   "outbox_remove");
}

static int umsg_fallback(struct store_sqlite *q, int64_t id, struct store_unit_msg *texts, size_t n,
			 int64_t now_ms)
{
	sqlite3_stmt *st;
	int err = store_sq_stmt(q, "SELECT fallback_ms FROM outbox WHERE id = ?", &st);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	int64_t done = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	err = rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? -ENOENT : store_sq_fail(q, rc, "outbox_fallback");
	sqlite3_reset(st);
	if (!err && done)
		err = -EALREADY;
	for (size_t i = 0; !err && i < n; i++) {
		texts[i].seq = 0;
		err = umsg_insert(q, &texts[i]);
	}
	if (!err)
		err = store_sq_stmt(q, "UPDATE outbox SET fallback_ms = ? WHERE id = ?", &st);
	if (!err) {
		sqlite3_bind_int64(st, 1, now_ms);
		sqlite3_bind_int64(st, 2, id);
		err = store_sq_step_done(q, st, "outbox_fallback");
	}
	return err;
}

int store_unit_outbox_fallback(struct store *s, int64_t id, struct store_unit_msg *texts, size_t n,
			       int64_t now_ms)
{
	struct store_sqlite *q = unit_of(s, true);
	int err = store_sq_begin(q, "outbox_fallback");
	if (!err)
		err = umsg_fallback(q, id, texts, n, now_ms);
	return store_sq_end(q, err, "outbox_fallback");
}

/* ---- receipts ---- */

static int receipt_remove(struct store_sqlite *q, const char *sql, int64_t seq, size_t *covered)
{
	sqlite3_stmt *st;
	int err = store_sq_stmt(q, sql, &st);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, seq);
	err = store_sq_step_done(q, st, "receipt");
	if (!err)
		*covered += (size_t)sqlite3_changes(q->db);
	return err;
}

int store_unit_receipt_apply(struct store *s, const struct store_receipt *r, size_t *covered)
{
	struct store_sqlite *q = unit_of(s, true);
	size_t n = 0;
	int err = store_sq_begin(q, "receipt");
	if (!err)
		err = receipt_remove(q, "DELETE FROM outbox WHERE seq <= ?", r->up_to, &n);
	for (size_t i = 0; !err && i < r->bits; i++) {
		if (r->bitmap[i / 8] >> (i % 8) & 1)
			err = receipt_remove(q, "DELETE FROM outbox WHERE seq = ?",
					     (int64_t)r->up_to + 1 + (int64_t)i, &n);
	}
	if (!err)
		err = meta_put(q, "receipt_ms", r->received_ms);
	if (!err)
		err = meta_put(q, "receipt_base_ms", r->base_ms);
	err = store_sq_end(q, err, "receipt");
	if (covered)
		*covered = err ? 0 : n;
	return err;
}

int store_unit_receipt_last(struct store *s, int64_t *received_ms, int64_t *base_ms)
{
	struct store_sqlite *q = unit_of(s, false);
	*received_ms = *base_ms = 0;
	int err = meta_get(q, "receipt_ms", received_ms);
	if (!err)
		err = meta_get(q, "receipt_base_ms", base_ms);
	return err == -ENOENT ? 0 : err;
}
