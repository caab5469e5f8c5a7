/* The base's receiving side in SQLite: the inbox with its persistent de-duplication key and
 * the multipart parts it holds until they are whole, each unit's protocol state, and the
 * base's sequence numbers per unit reserved in blocks. */
#include "store_sq_base.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int inbox_check(const struct store_inbox_sms *m)
{
	if (!m->pdu_hex[0] || !m->sender[0] || m->total < 1 || m->part < 1 || m->part > m->total)
		return -EINVAL;
	if (store_sq_fits(m->pdu_hex, sizeof(m->pdu_hex)) || store_sq_fits(m->sender, sizeof(m->sender)) ||
	    store_sq_fits(m->modem, sizeof(m->modem)))
		return -EMSGSIZE;
	return 0;
}

static int inbox_insert(struct store_sqlite *q, const struct store_inbox_sms *m, int64_t *id)
{
	uint8_t key[STORE_DEDUP_KEY_LEN];
	store_dedup_key(m->pdu_hex, m->sender, m->scts_ms, key);
	sqlite3_stmt *st;
	int err = store_sq_stmt(q,
				"INSERT INTO inbox(dedup, pdu_hex, sender, scts_ms, received_ms, modem, ref, "
				"total, part, state)"
				" VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, 'new') ON CONFLICT(dedup) DO NOTHING",
				&st);
	if (err)
		return err;
	sqlite3_bind_blob(st, 1, key, sizeof(key), SQLITE_TRANSIENT);
	store_sq_bind_text(st, 2, m->pdu_hex);
	store_sq_bind_text(st, 3, m->sender);
	sqlite3_bind_int64(st, 4, m->scts_ms);
	sqlite3_bind_int64(st, 5, m->received_ms);
	store_sq_bind_text(st, 6, m->modem);
	sqlite3_bind_int(st, 7, m->ref);
	sqlite3_bind_int(st, 8, m->total);
	sqlite3_bind_int(st, 9, m->part);
	err = store_sq_step_done(q, st, "inbox_add");
	if (err)
		return err;
	if (sqlite3_changes(q->db) == 1) {
		*id = sqlite3_last_insert_rowid(q->db);
		return 0;
	}
	err = store_sq_stmt(q, "SELECT id FROM inbox WHERE dedup = ?", &st);
	if (err)
		return err;
	sqlite3_bind_blob(st, 1, key, sizeof(key), SQLITE_TRANSIENT);
	int rc = sqlite3_step(st);
	*id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	err = rc == SQLITE_ROW ? STORE_DUPLICATE : store_sq_fail(q, rc, "inbox_add");
	sqlite3_reset(st);
	return err;
}

void store_sqb_inbox_add(struct store *s, const struct store_inbox_sms *sms, store_done_fn cb, void *ud)
{
	struct store_sqlite *q = sq_of(s);
	int64_t id = 0;
	int err = inbox_check(sms);
	if (!err) {
		err = store_sq_begin(q, "inbox_add");
		if (!err)
			err = inbox_insert(q, sms, &id);
		/* A duplicate changed nothing: end the transaction as a success. */
		int end = store_sq_end(q, err < 0 ? err : 0, "inbox_add");
		if (end < 0)
			err = end;
	}
	cb(ud, err, err < 0 ? 0 : id);
}

#define INBOX_COLS "id, pdu_hex, sender, scts_ms, received_ms, modem, ref, total, part, state, reason"

static void inbox_row(sqlite3_stmt *st, struct store_inbox_sms *m)
{
	m->id = sqlite3_column_int64(st, 0);
	store_sq_col_text(st, 1, m->pdu_hex, sizeof(m->pdu_hex));
	store_sq_col_text(st, 2, m->sender, sizeof(m->sender));
	m->scts_ms = sqlite3_column_int64(st, 3);
	m->received_ms = sqlite3_column_int64(st, 4);
	store_sq_col_text(st, 5, m->modem, sizeof(m->modem));
	m->ref = (uint16_t)sqlite3_column_int(st, 6);
	m->total = (uint8_t)sqlite3_column_int(st, 7);
	m->part = (uint8_t)sqlite3_column_int(st, 8);
	const char *state = (const char *)sqlite3_column_text(st, 9);
	m->state = !state || strcmp(state, "new") == 0 ? STORE_INBOX_NEW
		   : strcmp(state, "processed") == 0   ? STORE_INBOX_PROCESSED
						       : STORE_INBOX_REJECTED;
	store_sq_col_text(st, 10, m->reason, sizeof(m->reason));
}

/* Steps `st` (bound) into a new array of at most `max` rows. */
static int inbox_fetch(struct store_sqlite *q, sqlite3_stmt *st, size_t max, struct store_inbox_sms **rows,
		       size_t *n)
{
	*rows = NULL;
	*n = 0;
	if (max == 0)
		return 0;
	struct store_inbox_sms *r = calloc(max, sizeof(*r));
	if (!r)
		return -ENOMEM;
	int rc = SQLITE_DONE;
	while (*n < max && (rc = sqlite3_step(st)) == SQLITE_ROW)
		inbox_row(st, &r[(*n)++]);
	int err = *n == max || rc == SQLITE_DONE ? 0 : store_sq_fail(q, rc, "inbox_list");
	sqlite3_reset(st);
	if (err) {
		free(r);
		*n = 0;
		return err;
	}
	*rows = r;
	return 0;
}

void store_sqb_inbox_pending(struct store *s, int64_t after_id, size_t max, store_inbox_fn cb, void *ud)
{
	struct store_sqlite *q = sq_of(s);
	struct store_inbox_sms *rows = NULL;
	size_t n = 0;
	sqlite3_stmt *st;
	int err = store_sq_stmt(q,
				"SELECT " INBOX_COLS
				" FROM inbox INDEXED BY inbox_new WHERE state = 'new' AND id > ?"
				" ORDER BY id LIMIT ?",
				&st);
	if (!err) {
		sqlite3_bind_int64(st, 1, after_id);
		sqlite3_bind_int64(st, 2, (int64_t)max);
		err = inbox_fetch(q, st, max, &rows, &n);
	}
	cb(ud, err, rows, n);
	free(rows);
}

static bool same_message(const struct store_inbox_sms *a, const struct store_inbox_sms *b)
{
	return a->ref == b->ref && a->total == b->total && strcmp(a->sender, b->sender) == 0;
}

void store_sqb_inbox_complete(struct store *s, size_t max, store_inbox_fn cb, void *ud)
{
	struct store_sqlite *q = sq_of(s);
	struct store_inbox_sms *rows = NULL;
	size_t n = 0;
	sqlite3_stmt *st;
	int err = store_sq_stmt(
		q,
		"SELECT " INBOX_COLS " FROM inbox INDEXED BY inbox_new WHERE state = 'new' AND total > 1"
		" AND (sender, ref, total) IN (SELECT sender, ref, total FROM inbox INDEXED BY inbox_new"
		" WHERE state = 'new' AND total > 1 GROUP BY sender, ref, total"
		" HAVING count(DISTINCT part) = total)"
		" ORDER BY sender, ref, total, part, id",
		&st);
	if (!err)
		err = inbox_fetch(q, st, max + 1, &rows, &n);
	if (!err && n > max) {
		/* Whole messages only: drop the one the limit cut. */
		size_t cut = max;
		while (cut > 0 && same_message(&rows[cut - 1], &rows[max]))
			cut--;
		n = cut;
		if (n == 0)
			err = -ENOBUFS;
	}
	cb(ud, err, err ? NULL : rows, err ? 0 : n);
	free(rows);
}

/* ---- units ---- */

void store_sqb_units_load(struct store *s, store_units_fn cb, void *ud)
{
	struct store_sqlite *q = sq_of(s);
	struct store_unit_proto *rows = NULL;
	size_t n = 0, cap = 0;
	sqlite3_stmt *st = NULL;
	int err =
		store_sq_stmt(q,
			      "SELECT unit, window_version, window, last_heard_ms, last_seq, clock_offset_ms"
			      " FROM units ORDER BY unit",
			      &st);
	int rc = SQLITE_DONE;
	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			size_t ncap = cap ? 2 * cap : 16;
			struct store_unit_proto *r = realloc(rows, ncap * sizeof(*r));
			if (!r) {
				err = -ENOMEM;
				break;
			}
			rows = r;
			cap = ncap;
		}
		struct store_unit_proto *u = &rows[n++];
		memset(u, 0, sizeof(*u));
		store_sq_col_text(st, 0, u->unit, sizeof(u->unit));
		u->window_version = (uint32_t)sqlite3_column_int64(st, 1);
		size_t size = (size_t)sqlite3_column_bytes(st, 2);
		const void *blob = sqlite3_column_blob(st, 2);
		if (blob && size <= sizeof(u->window)) {
			memcpy(u->window, blob, size);
			u->window_size = size;
		}
		u->last_heard_ms = sqlite3_column_int64(st, 3);
		u->last_seq = (uint32_t)sqlite3_column_int64(st, 4);
		u->clock_offset_ms = sqlite3_column_int64(st, 5);
	}
	if (!err && rc != SQLITE_DONE)
		err = store_sq_fail(q, rc, "units_load");
	if (st)
		sqlite3_reset(st);
	cb(ud, err, err ? NULL : rows, err ? 0 : n);
	free(rows);
}

int store_sqb_unit_upsert(struct store_sqlite *q, const struct store_unit_proto *u)
{
	if (!u->unit[0])
		return -EINVAL;
	if (store_sq_fits(u->unit, sizeof(u->unit)) || u->window_size > sizeof(u->window))
		return -EMSGSIZE;
	sqlite3_stmt *st;
	int err = store_sq_stmt(
		q,
		"INSERT INTO units(unit, window_version, window, last_heard_ms, last_seq, clock_offset_ms)"
		" VALUES(?, ?, ?, ?, ?, ?) ON CONFLICT(unit) DO UPDATE SET"
		" window_version = excluded.window_version, window = excluded.window,"
		" last_heard_ms = excluded.last_heard_ms, last_seq = excluded.last_seq,"
		" clock_offset_ms = excluded.clock_offset_ms",
		&st);
	if (err)
		return err;
	store_sq_bind_text(st, 1, u->unit);
	sqlite3_bind_int64(st, 2, u->window_version);
	if (u->window_size)
		sqlite3_bind_blob(st, 3, u->window, (int)u->window_size, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, u->last_heard_ms);
	sqlite3_bind_int64(st, 5, u->last_seq);
	sqlite3_bind_int64(st, 6, u->clock_offset_ms);
	return store_sq_step_done(q, st, "unit_state");
}

/* ---- the base's sequence numbers ---- */

static struct sq_seq *seq_slot(struct store_sqlite *q, const char *unit)
{
	for (size_t i = 0; i < q->n_base_seq; i++) {
		if (strcmp(q->base_seq[i].unit, unit) == 0) {
			struct sq_seq hit = q->base_seq[i];
			memmove(&q->base_seq[1], &q->base_seq[0], i * sizeof(hit));
			q->base_seq[0] = hit;
			return &q->base_seq[0];
		}
	}
	/* Not held: take the last slot (forgetting a slot only skips the rest of its block). */
	if (q->n_base_seq < SQ_BASE_SEQ_SLOTS)
		q->n_base_seq++;
	memmove(&q->base_seq[1], &q->base_seq[0], (q->n_base_seq - 1) * sizeof(q->base_seq[0]));
	memset(&q->base_seq[0], 0, sizeof(q->base_seq[0]));
	memcpy(q->base_seq[0].unit, unit, strlen(unit) + 1);
	return &q->base_seq[0];
}

static int seq_reserve(struct store_sqlite *q, struct sq_seq *slot)
{
	sqlite3_stmt *st;
	int err = store_sq_begin(q, "seq_reserve");
	if (!err && !slot->loaded) {
		err = store_sq_stmt(q, "SELECT seq_end FROM units WHERE unit = ?", &st);
		if (!err) {
			store_sq_bind_text(st, 1, slot->unit);
			int rc = sqlite3_step(st);
			int64_t end = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 1;
			err = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : store_sq_fail(q, rc, "seq_reserve");
			sqlite3_reset(st);
			slot->next = end > 0 ? end : 1;
		}
	}
	int64_t end = slot->next + STORE_SEQ_BLOCK;
	if (!err)
		err = store_sq_stmt(q,
				    "INSERT INTO units(unit, seq_end) VALUES(?, ?)"
				    " ON CONFLICT(unit) DO UPDATE SET seq_end = excluded.seq_end",
				    &st);
	if (!err) {
		store_sq_bind_text(st, 1, slot->unit);
		sqlite3_bind_int64(st, 2, end);
		err = store_sq_step_done(q, st, "seq_reserve");
	}
	err = store_sq_end(q, err, "seq_reserve");
	if (!err) {
		slot->loaded = true;
		slot->end = end;
	}
	return err;
}

void store_sqb_seq_next(struct store *s, const char *unit, store_seq_fn cb, void *ud)
{
	struct store_sqlite *q = sq_of(s);
	if (!unit || !unit[0] || store_sq_fits(unit, STORE_UNIT_MAX)) {
		cb(ud, -EINVAL, 0);
		return;
	}
	struct sq_seq *slot = seq_slot(q, unit);
	int err = 0;
	if (!slot->loaded || slot->next >= slot->end)
		err = seq_reserve(q, slot);
	if (!err && slot->next > UINT32_MAX)
		err = -EOVERFLOW;
	if (err) {
		slot->loaded = false; /* read the disk again next time */
		cb(ud, err, 0);
		return;
	}
	cb(ud, 0, (uint32_t)slot->next++);
}
