/* The base's receiving side on PostgreSQL: the inbox with its shared de-duplication key (a
 * message two bases store is one row; an insert sent again after a lost connection knows
 * its own row by the call's token, while a second call for the same message is a
 * duplicate), multipart parts, units' protocol state, and the
 * base's sequence numbers per unit reserved in blocks by an atomic increment, so that two
 * bases never hand out the same number. */
#include "store_pg.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ---- inbox ---- */

struct inbox_add_job {
	struct pg_job job;
	store_done_fn cb;
	void *ud;
	uint64_t token;
	int result;
	int64_t id;
	bool known;
};

static int inbox_add_result(struct pg_job *j, size_t stmt, PGresult *r)
{
	struct inbox_add_job *a = (struct inbox_add_job *)j;
	if (a->known || PQntuples(r) != 1)
		return 0;
	a->id = store_pg_int(r, 0, 0);
	a->known = true;
	if (stmt == 0)
		a->result = 0;
	else
		a->result = (uint64_t)store_pg_int(r, 0, 1) == a->token ? 0 : STORE_DUPLICATE;
	return 0;
}

static void inbox_add_reset(struct pg_job *j)
{
	((struct inbox_add_job *)j)->known = false;
}

static void inbox_add_finish(struct pg_job *j, int err)
{
	struct inbox_add_job *a = (struct inbox_add_job *)j;
	if (!err && !a->known)
		err = -EIO;
	a->cb(a->ud, err ? err : a->result, err ? 0 : a->id);
	store_pg_job_free(j);
}

static int inbox_check(const struct store_inbox_sms *m)
{
	if (!m->pdu_hex[0] || !m->sender[0] || m->total < 1 || m->part < 1 || m->part > m->total)
		return -EINVAL;
	if (store_pg_fits(m->pdu_hex, sizeof(m->pdu_hex)) || store_pg_fits(m->sender, sizeof(m->sender)) ||
	    store_pg_fits(m->modem, sizeof(m->modem)))
		return -EMSGSIZE;
	return 0;
}

void store_pgb_inbox_add(struct store *s, const struct store_inbox_sms *m, store_done_fn cb, void *ud)
{
	struct store_pg *pg = pg_of(s);
	int err = inbox_check(m);
	struct inbox_add_job *a =
		err ? NULL : store_pg_job_new(sizeof(*a), "inbox_add", inbox_add_result, inbox_add_finish);
	if (!a) {
		cb(ud, err ? err : -ENOMEM, 0);
		return;
	}
	a->cb = cb;
	a->ud = ud;
	a->job.reset = inbox_add_reset;
	/* This call's token: the handle's session mixed with a counter, below 2^63. */
	a->token = (pg->session ^ (++pg->tx_seq * 0x9E3779B97F4A7C15ULL)) & INT64_MAX;
	uint8_t key[STORE_DEDUP_KEY_LEN];
	store_dedup_key(m->pdu_hex, m->sender, m->scts_ms, key);
	struct pg_job *j = &a->job;
	struct pg_stmt *st = store_pg_stmt(
		j, "INSERT INTO inbox(dedup, pdu_hex, sender, scts_ms, received_ms, modem, ref, total, part,"
		   " state, ins_token) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'new', $10)"
		   " ON CONFLICT (dedup) DO NOTHING RETURNING id");
	store_pg_p_bytea(j, st, key, sizeof(key));
	store_pg_p_text(j, st, m->pdu_hex);
	store_pg_p_text(j, st, m->sender);
	store_pg_p_int(j, st, m->scts_ms);
	store_pg_p_int(j, st, m->received_ms);
	store_pg_p_text(j, st, m->modem);
	store_pg_p_int(j, st, m->ref);
	store_pg_p_int(j, st, m->total);
	store_pg_p_int(j, st, m->part);
	store_pg_p_uint(j, st, a->token);
	st = store_pg_stmt(j, "SELECT id, ins_token FROM inbox WHERE dedup = $1");
	store_pg_p_bytea(j, st, key, sizeof(key));
	store_pg_submit(&pg->main, j, false);
}

#define INBOX_COLS "id, pdu_hex, sender, scts_ms, received_ms, modem, ref, total, part, state, reason"

struct inbox_list_job {
	struct pg_job job;
	store_inbox_fn cb;
	void *ud;
	size_t max; /* complete: whole messages within max */
	bool whole;
	struct store_inbox_sms *rows;
	size_t n;
};

static void inbox_row(const PGresult *r, int i, struct store_inbox_sms *m)
{
	memset(m, 0, sizeof(*m));
	m->id = store_pg_int(r, i, 0);
	store_pg_text(r, i, 1, m->pdu_hex, sizeof(m->pdu_hex));
	store_pg_text(r, i, 2, m->sender, sizeof(m->sender));
	m->scts_ms = store_pg_int(r, i, 3);
	m->received_ms = store_pg_int(r, i, 4);
	store_pg_text(r, i, 5, m->modem, sizeof(m->modem));
	m->ref = (uint16_t)store_pg_int(r, i, 6);
	m->total = (uint8_t)store_pg_int(r, i, 7);
	m->part = (uint8_t)store_pg_int(r, i, 8);
	const char *state = PQgetvalue(r, i, 9);
	m->state = strcmp(state, "processed") == 0  ? STORE_INBOX_PROCESSED
		   : strcmp(state, "rejected") == 0 ? STORE_INBOX_REJECTED
						    : STORE_INBOX_NEW;
	store_pg_text(r, i, 10, m->reason, sizeof(m->reason));
}

static void inbox_row_at(const PGresult *r, int i, void *rows)
{
	inbox_row(r, i, (struct store_inbox_sms *)rows + i);
}

static int inbox_list_result(struct pg_job *j, size_t stmt, PGresult *r)
{
	struct inbox_list_job *l = (struct inbox_list_job *)j;
	(void)stmt;
	void *rows = NULL;
	int err = store_pg_rows(r, sizeof(*l->rows), inbox_row_at, &rows, &l->n);
	if (rows)
		l->rows = rows;
	return err;
}

static bool same_message(const struct store_inbox_sms *a, const struct store_inbox_sms *b)
{
	return a->ref == b->ref && a->total == b->total && strcmp(a->sender, b->sender) == 0;
}

static void inbox_list_finish(struct pg_job *j, int err)
{
	struct inbox_list_job *l = (struct inbox_list_job *)j;
	size_t n = l->n;
	if (!err && l->whole && n > l->max) {
		size_t cut = l->max;
		while (cut > 0 && same_message(&l->rows[cut - 1], &l->rows[l->max]))
			cut--;
		n = cut;
		if (n == 0)
			err = -ENOBUFS;
	}
	l->cb(l->ud, err, err ? NULL : l->rows, err ? 0 : n);
	free(l->rows);
	store_pg_job_free(j);
}

static void inbox_list_reset(struct pg_job *j)
{
	struct inbox_list_job *l = (struct inbox_list_job *)j;
	free(l->rows);
	l->rows = NULL;
	l->n = 0;
}

static struct inbox_list_job *inbox_list_new(store_inbox_fn cb, void *ud)
{
	struct inbox_list_job *l =
		store_pg_job_new(sizeof(*l), "inbox_list", inbox_list_result, inbox_list_finish);
	if (!l) {
		cb(ud, -ENOMEM, NULL, 0);
		return NULL;
	}
	l->cb = cb;
	l->ud = ud;
	l->job.reset = inbox_list_reset;
	return l;
}

void store_pgb_inbox_pending(struct store *s, int64_t after_id, size_t max, store_inbox_fn cb, void *ud)
{
	if (max == 0) {
		cb(ud, 0, NULL, 0);
		return;
	}
	struct inbox_list_job *l = inbox_list_new(cb, ud);
	if (!l)
		return;
	struct pg_stmt *st =
		store_pg_stmt(&l->job, "SELECT " INBOX_COLS
				       " FROM inbox WHERE state = 'new' AND id > $1 ORDER BY id LIMIT $2");
	store_pg_p_int(&l->job, st, after_id);
	store_pg_p_int(&l->job, st, (int64_t)max);
	store_pg_submit(&pg_of(s)->main, &l->job, false);
}

void store_pgb_inbox_complete(struct store *s, size_t max, store_inbox_fn cb, void *ud)
{
	struct inbox_list_job *l = inbox_list_new(cb, ud);
	if (!l)
		return;
	l->whole = true;
	l->max = max;
	struct pg_stmt *st =
		store_pg_stmt(&l->job, "SELECT " INBOX_COLS " FROM inbox WHERE state = 'new' AND total > 1"
				       " AND (sender, ref, total) IN (SELECT sender, ref, total FROM inbox"
				       " WHERE state = 'new' AND total > 1 GROUP BY sender, ref, total"
				       " HAVING count(DISTINCT part) = total)"
				       " ORDER BY sender, ref, total, part, id LIMIT $1");
	store_pg_p_int(&l->job, st, (int64_t)max + 1);
	store_pg_submit(&pg_of(s)->main, &l->job, false);
}

/* ---- units ---- */

struct units_job {
	struct pg_job job;
	store_units_fn cb;
	void *ud;
	struct store_unit_proto *rows;
	size_t n;
};

static int units_result(struct pg_job *j, size_t stmt, PGresult *r)
{
	struct units_job *u = (struct units_job *)j;
	(void)stmt;
	int n = PQntuples(r);
	if (n == 0)
		return 0;
	u->rows = calloc((size_t)n, sizeof(*u->rows));
	if (!u->rows)
		return -ENOMEM;
	for (int i = 0; i < n; i++) {
		struct store_unit_proto *p = &u->rows[i];
		store_pg_text(r, i, 0, p->unit, sizeof(p->unit));
		p->window_version = (uint32_t)store_pg_int(r, i, 1);
		long size = store_pg_bytea(r, i, 2, p->window, sizeof(p->window));
		p->window_size = size > 0 ? (size_t)size : 0;
		p->last_heard_ms = store_pg_int(r, i, 3);
		p->last_seq = (uint32_t)store_pg_int(r, i, 4);
		p->clock_offset_ms = store_pg_int(r, i, 5);
	}
	u->n = (size_t)n;
	return 0;
}

static void units_reset(struct pg_job *j)
{
	struct units_job *u = (struct units_job *)j;
	free(u->rows);
	u->rows = NULL;
	u->n = 0;
}

static void units_finish(struct pg_job *j, int err)
{
	struct units_job *u = (struct units_job *)j;
	u->cb(u->ud, err, err ? NULL : u->rows, err ? 0 : u->n);
	free(u->rows);
	store_pg_job_free(j);
}

void store_pgb_units_load(struct store *s, store_units_fn cb, void *ud)
{
	struct units_job *u = store_pg_job_new(sizeof(*u), "units_load", units_result, units_finish);
	if (!u) {
		cb(ud, -ENOMEM, NULL, 0);
		return;
	}
	u->cb = cb;
	u->ud = ud;
	u->job.reset = units_reset;
	store_pg_stmt(&u->job, "SELECT unit, window_version, replay_window, last_heard_ms, last_seq,"
			       " clock_offset_ms FROM units ORDER BY unit");
	store_pg_submit(&pg_of(s)->main, &u->job, false);
}

/* ---- the base's sequence numbers ---- */

static struct pg_seq_slot *seq_slot(struct store_pg *pg, const char *unit)
{
	for (size_t i = 0; i < pg->n_seq; i++)
		if (strcmp(pg->seq[i].unit, unit) == 0)
			return &pg->seq[i];
	size_t i = pg->n_seq < PG_SEQ_SLOTS ? pg->n_seq++ : (size_t)(pg->tx_seq % PG_SEQ_SLOTS);
	memset(&pg->seq[i], 0, sizeof(pg->seq[i]));
	memcpy(pg->seq[i].unit, unit, strlen(unit) + 1);
	return &pg->seq[i];
}

struct seq_job {
	struct pg_job job;
	struct store_pg *pg;
	char unit[STORE_UNIT_MAX];
	store_seq_fn cb;
	void *ud;
	int64_t end;
};

static int seq_result(struct pg_job *j, size_t stmt, PGresult *r)
{
	struct seq_job *q = (struct seq_job *)j;
	(void)stmt;
	if (PQntuples(r) == 1)
		q->end = store_pg_int(r, 0, 0);
	return 0;
}

static void seq_finish(struct pg_job *j, int err)
{
	struct seq_job *q = (struct seq_job *)j;
	if (!err && q->end <= STORE_SEQ_BLOCK)
		err = -EIO;
	if (!err && q->end - 1 > UINT32_MAX)
		err = -EOVERFLOW;
	uint32_t seq = 0;
	if (!err) {
		/* Numbers below `end` are ours from end - STORE_SEQ_BLOCK; a newer block replaces
		 * an older one in the slot (skipping is allowed, reuse never). */
		struct pg_seq_slot *slot = seq_slot(q->pg, q->unit);
		int64_t start = q->end - STORE_SEQ_BLOCK;
		if (slot->end < q->end) {
			slot->next = start;
			slot->end = q->end;
		}
		seq = (uint32_t)slot->next++;
	}
	q->cb(q->ud, err, seq);
	store_pg_job_free(j);
}

void store_pgb_seq_next(struct store *s, const char *unit, store_seq_fn cb, void *ud)
{
	struct store_pg *pg = pg_of(s);
	if (!unit || !unit[0] || store_pg_fits(unit, STORE_UNIT_MAX)) {
		cb(ud, -EINVAL, 0);
		return;
	}
	struct pg_seq_slot *slot = seq_slot(pg, unit);
	if (slot->next > 0 && slot->next < slot->end) {
		cb(ud, 0, (uint32_t)slot->next++);
		return;
	}
	struct seq_job *q = store_pg_job_new(sizeof(*q), "seq_reserve", seq_result, seq_finish);
	if (!q) {
		cb(ud, -ENOMEM, 0);
		return;
	}
	q->pg = pg;
	q->cb = cb;
	q->ud = ud;
	memcpy(q->unit, unit, strlen(unit) + 1);
	struct pg_stmt *st =
		store_pg_stmt(&q->job, "INSERT INTO units AS u(unit, seq_end) VALUES ($1, 1 + $2)"
				       " ON CONFLICT (unit) DO UPDATE SET seq_end = u.seq_end + $2"
				       " RETURNING seq_end");
	store_pg_p_text(&q->job, st, unit);
	store_pg_p_int(&q->job, st, STORE_SEQ_BLOCK);
	store_pg_submit(&pg->main, &q->job, false);
}
