/* The base's outbox on PostgreSQL, shared by every base: a row is claimed by one base with
 * FOR UPDATE SKIP LOCKED in a materialised CTE (so that LIMIT 1 is evaluated once), under a
 * lease on the database's clock that the base's heartbeats renew; a claim whose lease lapsed
 * is requeued marked possibly duplicated by the next claim anywhere; a claim sent again after
 * a lost connection finds its own row by the handle's session and token. Settling checks the
 * claim is still this handle's. */
#include "store_pg.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define OUT_COLS                                                                                             \
	"id, dest, text, kind, incident_id, created_ms, state, attempts, next_ms, modem, mr, sent_ms,"       \
	" report, report_ms, possibly_duplicate, error"

static enum store_out_state out_state_of(const char *s)
{
	if (strcmp(s, "sending") == 0)
		return STORE_OUT_SENDING;
	if (strcmp(s, "sent") == 0)
		return STORE_OUT_SENT;
	if (strcmp(s, "failed") == 0)
		return STORE_OUT_FAILED;
	return STORE_OUT_QUEUED;
}

static void out_row(const PGresult *r, int i, struct store_sms_out *m)
{
	memset(m, 0, sizeof(*m));
	m->id = store_pg_int(r, i, 0);
	store_pg_text(r, i, 1, m->dest, sizeof(m->dest));
	store_pg_text(r, i, 2, m->text, sizeof(m->text));
	store_pg_text(r, i, 3, m->kind, sizeof(m->kind));
	m->incident_id = (uint32_t)store_pg_int(r, i, 4);
	m->created_ms = store_pg_int(r, i, 5);
	m->state = out_state_of(PQgetvalue(r, i, 6));
	m->attempts = (uint32_t)store_pg_int(r, i, 7);
	m->next_ms = store_pg_int(r, i, 8);
	store_pg_text(r, i, 9, m->modem, sizeof(m->modem));
	long n = store_pg_bytea(r, i, 10, m->mr, sizeof(m->mr));
	m->n_parts = n > 0 ? (uint8_t)n : 0;
	m->sent_ms = store_pg_int(r, i, 11);
	const char *rep = PQgetvalue(r, i, 12);
	m->report = strcmp(rep, "delivered") == 0 ? STORE_REPORT_DELIVERED
		    : strcmp(rep, "failed") == 0  ? STORE_REPORT_FAILED
						  : STORE_REPORT_NONE;
	m->report_ms = store_pg_int(r, i, 13);
	m->possibly_duplicate = store_pg_bool(r, i, 14);
	store_pg_text(r, i, 15, m->error, sizeof(m->error));
}

/* ---- claim ---- */

struct claim_job {
	struct pg_job job;
	store_claim_fn cb;
	void *ud;
	bool have;
	struct store_sms_out row;
	int64_t next_due;
};

/* Statements: 0 requeue lapsed claims, 1 claim, 2 the claimed row, 3 when the next is due. */
static int claim_result(struct pg_job *j, size_t stmt, PGresult *r)
{
	struct claim_job *c = (struct claim_job *)j;
	if (stmt == 2 && PQntuples(r) == 1) {
		out_row(r, 0, &c->row);
		c->have = true;
	}
	if (stmt == 3 && PQntuples(r) == 1 && !store_pg_isnull(r, 0, 0))
		c->next_due = store_pg_int(r, 0, 0);
	return 0;
}

static void claim_reset(struct pg_job *j)
{
	struct claim_job *c = (struct claim_job *)j;
	c->have = false;
	c->next_due = INT64_MAX;
}

static void claim_finish(struct pg_job *j, int err)
{
	struct claim_job *c = (struct claim_job *)j;
	if (!err && !c->have)
		err = -ENOENT;
	c->cb(c->ud, err, err ? NULL : &c->row, err == -ENOENT ? c->next_due : 0);
	store_pg_job_free(j);
}

void store_pgb_outbox_claim(struct store *s, int64_t now_ms, const char *modem, store_claim_fn cb, void *ud)
{
	struct store_pg *pg = pg_of(s);
	if (!modem || store_pg_fits(modem, STORE_NAME_MAX)) {
		cb(ud, -EMSGSIZE, NULL, INT64_MAX);
		return;
	}
	struct claim_job *c = store_pg_job_new(sizeof(*c), "outbox_claim", claim_result, claim_finish);
	if (!c) {
		cb(ud, -ENOMEM, NULL, INT64_MAX);
		return;
	}
	c->cb = cb;
	c->ud = ud;
	c->next_due = INT64_MAX;
	c->job.reset = claim_reset;
	struct pg_job *j = &c->job;
	uint64_t token = ++pg->tx_seq;
	struct pg_stmt *st = store_pg_stmt(
		j, "UPDATE outbox SET state = 'queued', next_ms = $1, possibly_duplicate = true,"
		   " error = 'lease_lapsed' WHERE state = 'sending' AND lease_until < now()");
	store_pg_p_int(j, st, now_ms);
	st = store_pg_stmt(
		j, "WITH prev AS MATERIALIZED (SELECT id FROM outbox WHERE state = 'sending'"
		   " AND claim_session = $5 AND claim_seq = $6),"
		   " pick AS MATERIALIZED (SELECT id FROM outbox WHERE state = 'queued' AND next_ms <= $1"
		   " AND NOT EXISTS (SELECT 1 FROM prev) ORDER BY next_ms, id LIMIT 1 FOR UPDATE SKIP LOCKED)"
		   " UPDATE outbox o SET state = 'sending', attempts = o.attempts + 1, modem = $2,"
		   " claimed_by = $3, claim_epoch = current_setting('m2.run')::bigint, claim_session = $5,"
		   " claim_seq = $6, lease_until = now() + $4 * interval '1 millisecond'"
		   " FROM pick WHERE o.id = pick.id");
	store_pg_p_int(j, st, now_ms);
	store_pg_p_text(j, st, modem);
	store_pg_p_text(j, st, pg->base_name);
	store_pg_p_int(j, st, pg->claim_lease_ms);
	store_pg_p_uint(j, st, pg->session);
	store_pg_p_uint(j, st, token);
	st = store_pg_stmt(j, "SELECT " OUT_COLS " FROM outbox WHERE state = 'sending' AND claim_session = $1"
			      " AND claim_seq = $2");
	store_pg_p_uint(j, st, pg->session);
	store_pg_p_uint(j, st, token);
	store_pg_stmt(j, "SELECT least((SELECT min(next_ms) FROM outbox WHERE state = 'queued'),"
			 " (SELECT (extract(epoch FROM min(lease_until)) * 1000)::bigint FROM outbox"
			 " WHERE state = 'sending'))");
	store_pg_submit(&pg->main, j, false);
}

/* ---- settling ---- */

struct settle_job {
	struct pg_job job;
	store_done_fn cb;
	void *ud;
	int64_t id;
	bool changed, exists;
};

/* Statements: 0 the change (RETURNING id), 1 whether the row exists. */
static int settle_result(struct pg_job *j, size_t stmt, PGresult *r)
{
	struct settle_job *t = (struct settle_job *)j;
	if (stmt == 0)
		t->changed = PQntuples(r) > 0;
	else
		t->exists = PQntuples(r) > 0;
	return 0;
}

static void settle_finish(struct pg_job *j, int err)
{
	struct settle_job *t = (struct settle_job *)j;
	if (!err && !t->changed)
		err = t->exists ? -EALREADY : -ENOENT;
	t->cb(t->ud, err, t->id);
	store_pg_job_free(j);
}

static struct settle_job *settle_new(const char *op, int64_t id, store_done_fn cb, void *ud)
{
	struct settle_job *t = store_pg_job_new(sizeof(*t), op, settle_result, settle_finish);
	if (!t) {
		cb(ud, -ENOMEM, id);
		return NULL;
	}
	t->cb = cb;
	t->ud = ud;
	t->id = id;
	return t;
}

static void settle_submit(struct store_pg *pg, struct settle_job *t)
{
	struct pg_stmt *st = store_pg_stmt(&t->job, "SELECT 1 FROM outbox WHERE id = $1");
	store_pg_p_int(&t->job, st, t->id);
	store_pg_submit(&pg->main, &t->job, false);
}

void store_pgb_outbox_outcome(struct store *s, const struct store_sms_outcome *o, store_done_fn cb, void *ud)
{
	struct store_pg *pg = pg_of(s);
	int err = 0;
	if (o->n_parts > STORE_PARTS_MAX || (o->error && store_pg_fits(o->error, STORE_LABEL_MAX)))
		err = -EMSGSIZE;
	if (!err && (unsigned)o->outcome > STORE_OUTCOME_FAILED)
		err = -EINVAL;
	if (err) {
		cb(ud, err, o->id);
		return;
	}
	static const char *const sql[] = {
		[STORE_OUTCOME_SENT] = "UPDATE outbox SET state = 'sent', sent_ms = $2, mr = $3, error = '',"
				       " lease_until = NULL WHERE id = $1 AND state = 'sending'"
				       " AND claim_session = $4 RETURNING id",
		[STORE_OUTCOME_RETRY] = "UPDATE outbox SET state = 'queued', next_ms = $2, error = $3,"
					" lease_until = NULL WHERE id = $1 AND state = 'sending'"
					" AND claim_session = $4 RETURNING id",
		[STORE_OUTCOME_UNKNOWN] = "UPDATE outbox SET state = 'queued', next_ms = $2, error = $3,"
					  " possibly_duplicate = true, lease_until = NULL WHERE id = $1"
					  " AND state = 'sending' AND claim_session = $4 RETURNING id",
		[STORE_OUTCOME_FAILED] = "UPDATE outbox SET state = 'failed', error = $3, lease_until = NULL"
					 " WHERE id = $1 AND state = 'sending' AND claim_session = $4"
					 " AND $2::bigint IS NOT NULL RETURNING id",
	};
	struct settle_job *t = settle_new("outbox_outcome", o->id, cb, ud);
	if (!t)
		return;
	struct pg_job *j = &t->job;
	struct pg_stmt *st = store_pg_stmt(j, sql[o->outcome]);
	store_pg_p_int(j, st, o->id);
	if (o->outcome == STORE_OUTCOME_SENT) {
		store_pg_p_int(j, st, o->at_ms);
		store_pg_p_bytea(j, st, o->mr, o->n_parts);
	} else {
		store_pg_p_int(j, st, o->next_ms);
		store_pg_p_text(j, st, o->error);
	}
	store_pg_p_uint(j, st, pg->session);
	settle_submit(pg, t);
}

void store_pgb_outbox_report(struct store *s, int64_t id, enum store_report report, int64_t report_ms,
			     store_done_fn cb, void *ud)
{
	if (report != STORE_REPORT_DELIVERED && report != STORE_REPORT_FAILED) {
		cb(ud, -EINVAL, id);
		return;
	}
	struct settle_job *t = settle_new("outbox_report", id, cb, ud);
	if (!t)
		return;
	struct pg_stmt *st =
		store_pg_stmt(&t->job, "UPDATE outbox SET report = $2, report_ms = $3 WHERE id = $1"
				       " AND state = 'sent' AND report = 'none' RETURNING id");
	store_pg_p_int(&t->job, st, id);
	store_pg_p_text(&t->job, st, store_report_str(report));
	store_pg_p_int(&t->job, st, report_ms);
	settle_submit(pg_of(s), t);
}

void store_pgb_outbox_resend(struct store *s, int64_t id, int64_t now_ms, store_done_fn cb, void *ud)
{
	struct settle_job *t = settle_new("outbox_resend", id, cb, ud);
	if (!t)
		return;
	struct pg_stmt *st = store_pg_stmt(
		&t->job, "UPDATE outbox SET state = 'queued', next_ms = $2, possibly_duplicate = true,"
			 " error = 'no_report' WHERE id = $1 AND state = 'sent' AND report = 'none'"
			 " RETURNING id");
	store_pg_p_int(&t->job, st, id);
	store_pg_p_int(&t->job, st, now_ms);
	settle_submit(pg_of(s), t);
}

/* ---- requeueing ---- */

struct count_job {
	struct pg_job job;
	store_done_fn cb;
	void *ud;
	int64_t n;
};

static int count_result(struct pg_job *j, size_t stmt, PGresult *r)
{
	struct count_job *c = (struct count_job *)j;
	(void)stmt;
	const char *t = PQcmdTuples(r);
	if (t && t[0])
		c->n += strtoll(t, NULL, 10);
	return 0;
}

static void count_reset(struct pg_job *j)
{
	((struct count_job *)j)->n = 0;
}

static void count_finish(struct pg_job *j, int err)
{
	struct count_job *c = (struct count_job *)j;
	c->cb(c->ud, err, err ? 0 : c->n);
	store_pg_job_free(j);
}

/* A job whose callback's id is how many rows its statements changed. */
struct pg_job *store_pg_count_job(const char *op, store_done_fn cb, void *ud);

struct pg_job *store_pg_count_job(const char *op, store_done_fn cb, void *ud)
{
	struct count_job *c = store_pg_job_new(sizeof(*c), op, count_result, count_finish);
	if (!c) {
		cb(ud, -ENOMEM, 0);
		return NULL;
	}
	c->cb = cb;
	c->ud = ud;
	c->job.reset = count_reset;
	return &c->job;
}

void store_pgb_outbox_recover(struct store *s, int64_t now_ms, store_done_fn cb, void *ud)
{
	struct store_pg *pg = pg_of(s);
	struct pg_job *j = store_pg_count_job("outbox_recover", cb, ud);
	if (!j)
		return;
	/* This base's earlier runs (and rows claimed before several bases existed). */
	struct pg_stmt *st = store_pg_stmt(
		j, "UPDATE outbox SET state = 'queued', next_ms = $1, possibly_duplicate = true,"
		   " error = 'outcome_unknown', lease_until = NULL WHERE state = 'sending'"
		   " AND ((claimed_by = $2 AND claim_epoch <> current_setting('m2.run')::bigint)"
		   " OR claimed_by = '')");
	store_pg_p_int(j, st, now_ms);
	store_pg_p_text(j, st, pg->base_name);
	store_pg_submit(&pg->main, j, false);
}

/* ---- reads ---- */

struct out_list_job {
	struct pg_job job;
	store_outbox_fn cb;
	void *ud;
	struct store_sms_out *rows;
	size_t n;
	bool one; /* outbox_get: -ENOENT when none */
};

static void out_row_at(const PGresult *r, int i, void *rows)
{
	out_row(r, i, (struct store_sms_out *)rows + i);
}

static int out_list_result(struct pg_job *j, size_t stmt, PGresult *r)
{
	struct out_list_job *l = (struct out_list_job *)j;
	(void)stmt;
	void *rows = NULL;
	int err = store_pg_rows(r, sizeof(*l->rows), out_row_at, &rows, &l->n);
	if (rows)
		l->rows = rows;
	return err;
}

static void out_list_finish(struct pg_job *j, int err)
{
	struct out_list_job *l = (struct out_list_job *)j;
	if (!err && l->one && l->n == 0)
		err = -ENOENT;
	l->cb(l->ud, err, err ? NULL : l->rows, err ? 0 : l->n);
	free(l->rows);
	store_pg_job_free(j);
}

static void out_list_reset(struct pg_job *j)
{
	struct out_list_job *l = (struct out_list_job *)j;
	free(l->rows);
	l->rows = NULL;
	l->n = 0;
}

static struct out_list_job *out_list_new(const char *op, store_outbox_fn cb, void *ud)
{
	struct out_list_job *l = store_pg_job_new(sizeof(*l), op, out_list_result, out_list_finish);
	if (!l) {
		cb(ud, -ENOMEM, NULL, 0);
		return NULL;
	}
	l->cb = cb;
	l->ud = ud;
	l->job.reset = out_list_reset;
	return l;
}

void store_pgb_outbox_awaiting(struct store *s, int64_t since_ms, int64_t after_id, size_t max,
			       store_outbox_fn cb, void *ud)
{
	struct store_pg *pg = pg_of(s);
	if (max == 0) {
		cb(ud, 0, NULL, 0);
		return;
	}
	struct out_list_job *l = out_list_new("outbox_awaiting", cb, ud);
	if (!l)
		return;
	struct pg_stmt *st = store_pg_stmt(
		&l->job, "SELECT " OUT_COLS " FROM outbox WHERE state = 'sent' AND report = 'none'"
			 " AND sent_ms >= $1 AND id > $2 AND claimed_by IN ($4, '') ORDER BY id LIMIT $3");
	store_pg_p_int(&l->job, st, since_ms);
	store_pg_p_int(&l->job, st, after_id);
	store_pg_p_int(&l->job, st, (int64_t)max);
	store_pg_p_text(&l->job, st, pg->base_name);
	store_pg_submit(&pg->main, &l->job, false);
}

void store_pgb_outbox_get(struct store *s, int64_t id, store_outbox_fn cb, void *ud)
{
	struct out_list_job *l = out_list_new("outbox_get", cb, ud);
	if (!l)
		return;
	l->one = true;
	struct pg_stmt *st = store_pg_stmt(&l->job, "SELECT " OUT_COLS " FROM outbox WHERE id = $1");
	store_pg_p_int(&l->job, st, id);
	store_pg_submit(&pg_of(s)->main, &l->job, false);
}
