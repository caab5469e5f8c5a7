/* The base's outbox of texts to phones in SQLite: a row is claimed atomically by one modem,
 * settled by the outcome of the send (sent with its parts' TP-MR, retried, possibly
 * duplicated when the outcome was unknown, or failed), then by its delivery report; rows a
 * crash left in flight go back to the queue marked possibly duplicated. */
#include "store_sq_base.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define OUT_COLS                                                                                             \
	"id, dest, text, kind, incident_id, created_ms, state, attempts, next_ms, modem, mr, sent_ms, "      \
	"report,"                                                                                            \
	" report_ms, possibly_duplicate, error"

static enum store_out_state out_state_of(const char *s)
{
	if (!s)
		return STORE_OUT_QUEUED;
	if (strcmp(s, "sending") == 0)
		return STORE_OUT_SENDING;
	if (strcmp(s, "sent") == 0)
		return STORE_OUT_SENT;
	if (strcmp(s, "failed") == 0)
		return STORE_OUT_FAILED;
	return STORE_OUT_QUEUED;
}

static enum store_report report_of(const char *s)
{
	if (s && strcmp(s, "delivered") == 0)
		return STORE_REPORT_DELIVERED;
	if (s && strcmp(s, "failed") == 0)
		return STORE_REPORT_FAILED;
	return STORE_REPORT_NONE;
}

static void out_row(sqlite3_stmt *st, struct store_sms_out *m)
{
	memset(m, 0, sizeof(*m));
	m->id = sqlite3_column_int64(st, 0);
	store_sq_col_text(st, 1, m->dest, sizeof(m->dest));
	store_sq_col_text(st, 2, m->text, sizeof(m->text));
	store_sq_col_text(st, 3, m->kind, sizeof(m->kind));
	m->incident_id = (uint32_t)sqlite3_column_int64(st, 4);
	m->created_ms = sqlite3_column_int64(st, 5);
	m->state = out_state_of((const char *)sqlite3_column_text(st, 6));
	m->attempts = (uint32_t)sqlite3_column_int64(st, 7);
	m->next_ms = sqlite3_column_int64(st, 8);
	store_sq_col_text(st, 9, m->modem, sizeof(m->modem));
	size_t n = (size_t)sqlite3_column_bytes(st, 10);
	const void *mr = sqlite3_column_blob(st, 10);
	if (mr && n <= STORE_PARTS_MAX) {
		memcpy(m->mr, mr, n);
		m->n_parts = (uint8_t)n;
	}
	m->sent_ms = sqlite3_column_int64(st, 11);
	m->report = report_of((const char *)sqlite3_column_text(st, 12));
	m->report_ms = sqlite3_column_int64(st, 13);
	m->possibly_duplicate = sqlite3_column_int(st, 14) != 0;
	store_sq_col_text(st, 15, m->error, sizeof(m->error));
}

int store_sqb_outbox_insert(struct store_sqlite *q, const struct store_sms_out *m, int64_t *id)
{
	if (!m->dest[0] || !m->text[0])
		return -EINVAL;
	if (store_sq_fits(m->dest, sizeof(m->dest)) || store_sq_fits(m->text, sizeof(m->text)) ||
	    store_sq_fits(m->kind, sizeof(m->kind)))
		return -EMSGSIZE;
	sqlite3_stmt *st;
	int err =
		store_sq_stmt(q,
			      "INSERT INTO outbox(dest, text, kind, incident_id, created_ms, state, next_ms)"
			      " VALUES(?, ?, ?, ?, ?, 'queued', ?)",
			      &st);
	if (err)
		return err;
	store_sq_bind_text(st, 1, m->dest);
	store_sq_bind_text(st, 2, m->text);
	store_sq_bind_text(st, 3, m->kind);
	sqlite3_bind_int64(st, 4, m->incident_id);
	sqlite3_bind_int64(st, 5, m->created_ms);
	sqlite3_bind_int64(st, 6, m->next_ms);
	err = store_sq_step_done(q, st, "outbox_add");
	if (!err)
		*id = sqlite3_last_insert_rowid(q->db);
	return err;
}

/* Copies row `id` into `out`: 0, -ENOENT, or an error. */
static int out_get(struct store_sqlite *q, int64_t id, struct store_sms_out *out)
{
	sqlite3_stmt *st;
	int err = store_sq_stmt(q, "SELECT " OUT_COLS " FROM outbox WHERE id = ?", &st);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		out_row(st, out);
	err = rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? -ENOENT : store_sq_fail(q, rc, "outbox_get");
	sqlite3_reset(st);
	return err;
}

/* One integer from a query bound with `arg`: `*out` keeps `dflt` for no row or NULL. */
static int out_scalar(struct store_sqlite *q, const char *sql, int64_t arg, int64_t dflt, int64_t *out)
{
	sqlite3_stmt *st;
	int err = store_sq_stmt(q, sql, &st);
	if (err)
		return err;
	if (sqlite3_bind_parameter_count(st) > 0)
		sqlite3_bind_int64(st, 1, arg);
	int rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL ? sqlite3_column_int64(st, 0)
									     : dflt;
	err = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : store_sq_fail(q, rc, "outbox");
	sqlite3_reset(st);
	return err;
}

static int out_claim(struct store_sqlite *q, int64_t now_ms, const char *modem, struct store_sms_out *row,
		     int64_t *next_due)
{
	int64_t id = 0;
	int err = out_scalar(q,
			     "SELECT id FROM outbox WHERE state = 'queued' AND next_ms <= ?"
			     " ORDER BY next_ms, id LIMIT 1",
			     now_ms, 0, &id);
	if (err)
		return err;
	if (id == 0) {
		err = out_scalar(q, "SELECT min(next_ms) FROM outbox WHERE state = 'queued'", 0, INT64_MAX,
				 next_due);
		return err ? err : -ENOENT;
	}
	sqlite3_stmt *st;
	err = store_sq_stmt(
		q, "UPDATE outbox SET state = 'sending', attempts = attempts + 1, modem = ? WHERE id = ?",
		&st);
	if (err)
		return err;
	store_sq_bind_text(st, 1, modem);
	sqlite3_bind_int64(st, 2, id);
	err = store_sq_step_done(q, st, "outbox_claim");
	return err ? err : out_get(q, id, row);
}

void store_sqb_outbox_claim(struct store *s, int64_t now_ms, const char *modem, store_claim_fn cb, void *ud)
{
	struct store_sqlite *q = sq_of(s);
	struct store_sms_out row;
	int64_t next_due = INT64_MAX;
	if (!modem || store_sq_fits(modem, STORE_NAME_MAX)) {
		cb(ud, -EMSGSIZE, NULL, INT64_MAX);
		return;
	}
	int err = store_sq_begin(q, "outbox_claim");
	if (!err)
		err = out_claim(q, now_ms, modem, &row, &next_due);
	/* Nothing due is no failure of the transaction. */
	int end = store_sq_end(q, err == -ENOENT ? 0 : err, "outbox_claim");
	if (end < 0)
		err = end;
	cb(ud, err, err ? NULL : &row, err == -ENOENT ? next_due : 0);
}

/* The row's state and report, for the checks before a change. */
static int out_state(struct store_sqlite *q, int64_t id, enum store_out_state *state,
		     enum store_report *report)
{
	sqlite3_stmt *st;
	int err = store_sq_stmt(q, "SELECT state, report FROM outbox WHERE id = ?", &st);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*state = out_state_of((const char *)sqlite3_column_text(st, 0));
		*report = report_of((const char *)sqlite3_column_text(st, 1));
	}
	err = rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? -ENOENT : store_sq_fail(q, rc, "outbox");
	sqlite3_reset(st);
	return err;
}

static int out_settle(struct store_sqlite *q, const struct store_sms_outcome *o)
{
	enum store_out_state state;
	enum store_report report;
	int err = out_state(q, o->id, &state, &report);
	if (!err && state != STORE_OUT_SENDING)
		err = -EALREADY;
	if (err)
		return err;
	static const char *const sql[] = {
		[STORE_OUTCOME_SENT] = "UPDATE outbox SET state = 'sent', sent_ms = ?2, mr = ?3, error = ''"
				       " WHERE id = ?1",
		[STORE_OUTCOME_RETRY] =
			"UPDATE outbox SET state = 'queued', next_ms = ?4, error = ?5 WHERE id = ?1",
		[STORE_OUTCOME_UNKNOWN] = "UPDATE outbox SET state = 'queued', next_ms = ?4, error = ?5,"
					  " possibly_duplicate = 1 WHERE id = ?1",
		[STORE_OUTCOME_FAILED] = "UPDATE outbox SET state = 'failed', error = ?5 WHERE id = ?1",
	};
	sqlite3_stmt *st;
	err = store_sq_stmt(q, sql[o->outcome], &st);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, o->id);
	if (o->outcome == STORE_OUTCOME_SENT) {
		sqlite3_bind_int64(st, 2, o->at_ms);
		sqlite3_bind_blob(st, 3, o->mr, o->n_parts, SQLITE_TRANSIENT);
	} else {
		if (o->outcome != STORE_OUTCOME_FAILED)
			sqlite3_bind_int64(st, 4, o->next_ms);
		store_sq_bind_text(st, 5, o->error);
	}
	return store_sq_step_done(q, st, "outbox_outcome");
}

void store_sqb_outbox_outcome(struct store *s, const struct store_sms_outcome *o, store_done_fn cb, void *ud)
{
	struct store_sqlite *q = sq_of(s);
	int err = 0;
	if (o->n_parts > STORE_PARTS_MAX || (o->error && store_sq_fits(o->error, STORE_LABEL_MAX)))
		err = -EMSGSIZE;
	if (!err && (unsigned)o->outcome > STORE_OUTCOME_FAILED)
		err = -EINVAL;
	if (!err) {
		err = store_sq_begin(q, "outbox_outcome");
		if (!err)
			err = out_settle(q, o);
		err = store_sq_end(q, err, "outbox_outcome");
	}
	cb(ud, err, o->id);
}

/* 0 when the row is sent and no report of it came yet, the one state a report or a resend
 * changes; -EALREADY otherwise, -ENOENT when there is no such row, or the store's error. */
static int out_sent_unreported(struct store_sqlite *q, int64_t id)
{
	enum store_out_state state;
	enum store_report have;
	int err = out_state(q, id, &state, &have);
	if (!err && (state != STORE_OUT_SENT || have != STORE_REPORT_NONE))
		err = -EALREADY;
	return err;
}

static int out_report(struct store_sqlite *q, int64_t id, enum store_report report, int64_t report_ms)
{
	int err = out_sent_unreported(q, id);
	sqlite3_stmt *st;
	if (!err)
		err = store_sq_stmt(q, "UPDATE outbox SET report = ?, report_ms = ? WHERE id = ?", &st);
	if (err)
		return err;
	store_sq_bind_text(st, 1, store_report_str(report));
	sqlite3_bind_int64(st, 2, report_ms);
	sqlite3_bind_int64(st, 3, id);
	return store_sq_step_done(q, st, "outbox_report");
}

void store_sqb_outbox_report(struct store *s, int64_t id, enum store_report report, int64_t report_ms,
			     store_done_fn cb, void *ud)
{
	struct store_sqlite *q = sq_of(s);
	int err = report == STORE_REPORT_DELIVERED || report == STORE_REPORT_FAILED ? 0 : -EINVAL;
	if (!err) {
		err = store_sq_begin(q, "outbox_report");
		if (!err)
			err = out_report(q, id, report, report_ms);
		err = store_sq_end(q, err, "outbox_report");
	}
	cb(ud, err, id);
}

static int out_resend(struct store_sqlite *q, int64_t id, int64_t now_ms)
{
	int err = out_sent_unreported(q, id);
	sqlite3_stmt *st;
	if (!err)
		err = store_sq_stmt(q,
				    "UPDATE outbox SET state = 'queued', next_ms = ?, possibly_duplicate = 1,"
				    " error = 'no_report' WHERE id = ?",
				    &st);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, now_ms);
	sqlite3_bind_int64(st, 2, id);
	return store_sq_step_done(q, st, "outbox_resend");
}

void store_sqb_outbox_resend(struct store *s, int64_t id, int64_t now_ms, store_done_fn cb, void *ud)
{
	struct store_sqlite *q = sq_of(s);
	int err = store_sq_begin(q, "outbox_resend");
	if (!err)
		err = out_resend(q, id, now_ms);
	err = store_sq_end(q, err, "outbox_resend");
	cb(ud, err, id);
}

void store_sqb_outbox_recover(struct store *s, int64_t now_ms, store_done_fn cb, void *ud)
{
	struct store_sqlite *q = sq_of(s);
	sqlite3_stmt *st;
	int64_t n = 0;
	int err = store_sq_begin(q, "outbox_recover");
	if (!err)
		err = store_sq_stmt(q,
				    "UPDATE outbox SET state = 'queued', next_ms = ?, possibly_duplicate = 1,"
				    " error = 'outcome_unknown' WHERE state = 'sending'",
				    &st);
	if (!err) {
		sqlite3_bind_int64(st, 1, now_ms);
		err = store_sq_step_done(q, st, "outbox_recover");
		n = err ? 0 : sqlite3_changes(q->db);
	}
	err = store_sq_end(q, err, "outbox_recover");
	cb(ud, err, err ? 0 : n);
}

void store_sqb_outbox_awaiting(struct store *s, int64_t since_ms, int64_t after_id, size_t max,
			       store_outbox_fn cb, void *ud)
{
	struct store_sqlite *q = sq_of(s);
	struct store_sms_out *rows = max ? calloc(max, sizeof(*rows)) : NULL;
	size_t n = 0;
	sqlite3_stmt *st;
	int err = max && !rows ? -ENOMEM : 0;
	if (!err)
		err = store_sq_stmt(
			q,
			"SELECT " OUT_COLS " FROM outbox INDEXED BY outbox_awaiting"
			" WHERE state = 'sent' AND report = 'none' AND sent_ms >= ? AND id > ? ORDER "
			"BY id LIMIT ?",
			&st);
	if (!err) {
		sqlite3_bind_int64(st, 1, since_ms);
		sqlite3_bind_int64(st, 2, after_id);
		sqlite3_bind_int64(st, 3, (int64_t)max);
		int rc = SQLITE_DONE;
		while (n < max && (rc = sqlite3_step(st)) == SQLITE_ROW)
			out_row(st, &rows[n++]);
		if (n < max && rc != SQLITE_DONE)
			err = store_sq_fail(q, rc, "outbox_awaiting");
		sqlite3_reset(st);
	}
	cb(ud, err, err ? NULL : rows, err ? 0 : n);
	free(rows);
}

void store_sqb_outbox_get(struct store *s, int64_t id, store_outbox_fn cb, void *ud)
{
	struct store_sms_out row;
	int err = out_get(sq_of(s), id, &row);
	cb(ud, err, err ? NULL : &row, err ? 0 : 1);
}
