/* The unit's receiving side in SQLite: the keys of the messages it acted on (so a copy the
 * modem offers again is recognised), the newest STORE_UNIT_HANDLED_KEEP of them, and the READ
 * requests accepted and not yet answered. */
#include "store_sqlite.h"
#include "store_unit.h"

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

/* ---- messages acted on ---- */

static int handled_insert(struct store_sqlite *q, const uint8_t *key, int64_t handled_ms)
{
	sqlite3_stmt *st;
	int err = store_sq_stmt(q,
				"INSERT INTO handled(dedup, handled_ms) VALUES(?, ?)"
				" ON CONFLICT(dedup) DO NOTHING",
				&st);
	if (err)
		return err;
	sqlite3_bind_blob(st, 1, key, STORE_DEDUP_KEY_LEN, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, handled_ms);
	err = store_sq_step_done(q, st, "handled_add");
	if (err || sqlite3_changes(q->db) != 1)
		return err;
	int64_t id = sqlite3_last_insert_rowid(q->db);
	err = store_sq_stmt(q, "DELETE FROM handled WHERE id <= ?", &st);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, id - STORE_UNIT_HANDLED_KEEP);
	return store_sq_step_done(q, st, "handled_add");
}

int store_unit_handled_add(struct store *s, const uint8_t key[STORE_DEDUP_KEY_LEN], int64_t handled_ms)
{
	struct store_sqlite *q = unit_of(s, true);
	int err = store_sq_begin(q, "handled_add");
	if (!err)
		err = handled_insert(q, key, handled_ms);
	return store_sq_end(q, err, "handled_add");
}

int store_unit_handled_has(struct store *s, const uint8_t key[STORE_DEDUP_KEY_LEN])
{
	struct store_sqlite *q = unit_of(s, false);
	sqlite3_stmt *st;
	int err = store_sq_stmt(q, "SELECT 1 FROM handled WHERE dedup = ?", &st);
	if (err)
		return err;
	sqlite3_bind_blob(st, 1, key, STORE_DEDUP_KEY_LEN, SQLITE_TRANSIENT);
	int rc = sqlite3_step(st);
	err = rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : store_sq_fail(q, rc, "handled_has");
	sqlite3_reset(st);
	return err;
}

/* ---- READs owed ---- */

int store_unit_read_add(struct store *s, struct store_unit_read *r)
{
	struct store_sqlite *q = unit_of(s, true);
	if ((!r->base && !r->number[0]) || r->channel < -1)
		return -EINVAL;
	if (store_sq_fits(r->number, sizeof(r->number)))
		return -EMSGSIZE;
	sqlite3_stmt *st;
	int err = store_sq_begin(q, "read_add");
	if (!err)
		err = store_sq_stmt(q,
				    "INSERT INTO reads(base, cmd_id, number, channel, asked_ms)"
				    " VALUES(?, ?, ?, ?, ?)",
				    &st);
	if (!err) {
		sqlite3_bind_int(st, 1, r->base);
		sqlite3_bind_int64(st, 2, r->cmd_id);
		store_sq_bind_text(st, 3, r->base ? "" : r->number);
		sqlite3_bind_int(st, 4, r->channel);
		sqlite3_bind_int64(st, 5, r->asked_ms);
		err = store_sq_step_done(q, st, "read_add");
	}
	if (!err)
		r->id = sqlite3_last_insert_rowid(q->db);
	return store_sq_end(q, err, "read_add");
}

int store_unit_read_list(struct store *s, struct store_unit_read *out, size_t max, size_t *n)
{
	struct store_sqlite *q = unit_of(s, false);
	sqlite3_stmt *st;
	*n = 0;
	int err = store_sq_stmt(q,
				"SELECT id, base, cmd_id, number, channel, asked_ms FROM reads ORDER BY id"
				" LIMIT ?",
				&st);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, (int64_t)max);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_unit_read *r = &out[(*n)++];
		memset(r, 0, sizeof(*r));
		r->id = sqlite3_column_int64(st, 0);
		r->base = sqlite3_column_int(st, 1) != 0;
		r->cmd_id = (uint32_t)sqlite3_column_int64(st, 2);
		store_sq_col_text(st, 3, r->number, sizeof(r->number));
		r->channel = sqlite3_column_int(st, 4);
		r->asked_ms = sqlite3_column_int64(st, 5);
	}
	err = rc == SQLITE_DONE ? 0 : store_sq_fail(q, rc, "read_list");
	sqlite3_reset(st);
	return err;
}

int store_unit_read_remove(struct store *s, int64_t id)
{
	struct store_sqlite *q = unit_of(s, true);
	sqlite3_stmt *st;
	int err = store_sq_begin(q, "read_remove");
	if (!err)
		err = store_sq_stmt(q, "DELETE FROM reads WHERE id = ?", &st);
	if (!err) {
		sqlite3_bind_int64(st, 1, id);
		err = store_sq_step_done(q, st, "read_remove");
	}
	if (!err && sqlite3_changes(q->db) != 1)
		err = -ENOENT;
	return store_sq_end(q, err, "read_remove");
}
