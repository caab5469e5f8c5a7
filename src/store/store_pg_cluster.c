/* Several bases on PostgreSQL: the heartbeat that renews a base's claims, giving them back,
 * the wake-ups from LISTEN, and the alarm leader. The leader holds a session advisory lock
 * on a connection of its own whose idle_session_timeout is the lease T, so a frozen or cut
 * off holder loses it on the server's side; it renews the `leader` row's lease every T/4,
 * says LOST itself at T - T/8 after its last renewal went out, and a new leader bumps the
 * epoch at once (fencing every write of the old one) and waits the old lease out. */
#include "store_pg.h"

#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PG_LEADER_LOCK 0x4d324c44 /* "M2LD": the advisory lock's key */

/* ---- heartbeat, release ---- */

struct pg_job *store_pg_count_job(const char *op, store_done_fn cb, void *ud);

void store_pgc_heartbeat(struct store *s, uint32_t up, uint32_t modems, store_done_fn cb, void *ud)
{
	struct store_pg *pg = pg_of(s);
	struct pg_job *j = store_pg_count_job("heartbeat", cb, ud);
	if (!j)
		return;
	struct pg_stmt *st = store_pg_stmt(
		j, "INSERT INTO bases AS b(name, epoch, modems_up, modems, last_seen, started)"
		   " VALUES ($1, current_setting('m2.run')::bigint, $2, $3, now(), now()) ON CONFLICT (name)"
		   " DO UPDATE SET modems_up = $2, modems = $3, last_seen = now()"
		   " WHERE b.epoch = current_setting('m2.run')::bigint");
	store_pg_p_text(j, st, pg->base_name);
	store_pg_p_int(j, st, up);
	store_pg_p_int(j, st, modems);
	st = store_pg_stmt(j, "UPDATE outbox SET lease_until = now() + $2 * interval '1 millisecond'"
			      " WHERE state = 'sending' AND claim_session = $1");
	store_pg_p_uint(j, st, pg->session);
	store_pg_p_int(j, st, pg->claim_lease_ms);
	store_pg_submit(&pg->main, j, false);
}

void store_pgc_release(struct store *s, store_done_fn cb, void *ud)
{
	struct store_pg *pg = pg_of(s);
	struct pg_job *j = store_pg_count_job("release", cb, ud);
	if (!j)
		return;
	struct pg_stmt *st = store_pg_stmt(j, "UPDATE outbox SET state = 'queued', possibly_duplicate = true,"
					      " error = 'released', lease_until = NULL"
					      " WHERE state = 'sending' AND claim_session = $1");
	store_pg_p_uint(j, st, pg->session);
	store_pg_submit(&pg->main, j, false);
}

/* ---- the bases, for the daemon ---- */

struct bases_job {
	struct pg_job job;
	store_bases_fn cb;
	void *ud;
	int64_t now_ms;
	struct store_view_base rows[STORE_BASES_MAX];
	size_t n;
};

static int bases_result(struct pg_job *j, size_t stmt, PGresult *r)
{
	struct bases_job *b = (struct bases_job *)j;
	int n = PQntuples(r);
	if (stmt == 0 && n == 1)
		b->now_ms = store_pg_int(r, 0, 0);
	for (int i = 0; stmt == 1 && i < n && b->n < STORE_BASES_MAX; i++)
		store_pgc_base_row(r, i, &b->rows[b->n++]);
	return 0;
}

static void bases_reset(struct pg_job *j)
{
	((struct bases_job *)j)->n = 0;
}

static void bases_finish(struct pg_job *j, int err)
{
	struct bases_job *b = (struct bases_job *)j;
	b->cb(b->ud, err, b->now_ms, b->rows, err ? 0 : b->n);
	store_pg_job_free(j);
}

void store_pgc_bases(struct store *s, store_bases_fn cb, void *ud)
{
	struct store_pg *pg = pg_of(s);
	struct bases_job *b = store_pg_job_new(sizeof(*b), "bases", bases_result, bases_finish);
	if (!b) {
		cb(ud, -ENOMEM, 0, NULL, 0);
		return;
	}
	b->cb = cb;
	b->ud = ud;
	b->job.reset = bases_reset;
	store_pg_stmt(&b->job, PGC_NOW_SQL);
	struct pg_stmt *st = store_pg_stmt(&b->job, PGC_BASES_SQL);
	store_pg_p_text(&b->job, st, pg->base_name);
	store_pg_submit(&pg->main, &b->job, false);
}

/* ---- wake-ups ---- */

void store_pgc_reconnected(struct store_pg *pg)
{
	if (pg->wake)
		pg->wake(pg->wake_ud, STORE_WAKE_RECONNECTED);
}

void store_pgc_notify(struct store_pg *pg, const char *channel)
{
	if (!pg->wake)
		return;
	if (strcmp(channel, "m2_outbox") == 0)
		pg->wake(pg->wake_ud, STORE_WAKE_OUTBOX);
	else if (strcmp(channel, "m2_inbox") == 0)
		pg->wake(pg->wake_ud, STORE_WAKE_INBOX);
}

/* ---- the leader ---- */

struct pg_leader {
	struct store_pg *pg;
	store_leader_fn fn;
	void *ud;
	int lease_ms;
	enum store_leader_state state;
	uint64_t epoch;
	char holder[STORE_NAME_MAX];
	int64_t renewed_mono; /* when the last renewal that went through was sent */
	int64_t wait_until;   /* WAITING: when the old lease is over */
	bool locked;          /* this session holds the lock */
	bool busy;            /* a leader job is in flight */
	uv_timer_t *tick;
};

static int64_t leader_deadline(const struct pg_leader *l)
{
	return l->renewed_mono + l->lease_ms - l->lease_ms / 8;
}

static void leader_emit(struct pg_leader *l, enum store_leader_state st)
{
	l->state = st;
	struct store_leader_event ev = {.state = st, .epoch = l->epoch};
	snprintf(ev.holder, sizeof(ev.holder), "%s", l->holder);
	if (st == STORE_LEADER_LEADING)
		ev.deadline_mono_ms = leader_deadline(l);
	l->fn(l->ud, &ev);
}

/* Says LOST then FOLLOWING; `drop` ends the session (the lock may still be held by it). */
static void leader_lose(struct pg_leader *l, const char *why, bool drop)
{
	log_warn("store",
		 "event=leader_lost db=\"%s\" base=\"%s\" epoch=%llu reason=\"%s\" hint=\"this base stopped "
		 "working the alarms: another base takes over; it competes again\"",
		 l->pg->pub.path, l->pg->base_name, (unsigned long long)l->epoch, why);
	leader_emit(l, STORE_LEADER_LOST);
	if (drop) {
		/* Ending the session frees the lock for sure; the connection comes back by itself. */
		l->locked = false;
		store_pg_conn_drop(&l->pg->lead, -ECONNRESET, "leadership lost");
	}
	if (l->state == STORE_LEADER_LOST)
		leader_emit(l, STORE_LEADER_FOLLOWING);
}

static void on_leader_tick(uv_timer_t *t);

struct leader_job {
	struct pg_job job;
	struct pg_leader *l;
	int64_t sent_mono;
	bool got;            /* try: the lock; renew: the row */
	uint64_t epoch;      /* take: the epoch now */
	int64_t old_left_ms; /* take: what was left of the old lease */
	bool continued;      /* take: our epoch went on */
	char holder[STORE_NAME_MAX];
};

static struct leader_job *leader_job(struct pg_leader *l, const char *op, pg_result_fn res, pg_finish_fn fin)
{
	struct leader_job *j = store_pg_job_new(sizeof(*j), op, res, fin);
	if (j) {
		j->l = l;
		j->sent_mono = store_pg_now_mono();
		l->busy = true;
	}
	return j;
}

static void became_leading(struct pg_leader *l)
{
	log_info("store", "event=leader_leading db=\"%s\" base=\"%s\" epoch=%llu", l->pg->pub.path,
		 l->pg->base_name, (unsigned long long)l->epoch);
	leader_emit(l, STORE_LEADER_LEADING);
}

static int take_result(struct pg_job *pj, size_t stmt, PGresult *r)
{
	struct leader_job *j = (struct leader_job *)pj;
	if (stmt == 0 && PQntuples(r) == 1) {
		store_pg_text(r, 0, 1, j->holder, sizeof(j->holder));
		j->old_left_ms = store_pg_int(r, 0, 2);
	}
	if (stmt == 1 && PQntuples(r) == 1) {
		j->epoch = (uint64_t)store_pg_int(r, 0, 0);
		j->continued = store_pg_bool(r, 0, 1);
	}
	return 0;
}

static void take_finish(struct pg_job *pj, int err)
{
	struct leader_job *j = (struct leader_job *)pj;
	struct pg_leader *l = j->l;
	int64_t sent = j->sent_mono;
	uint64_t epoch = j->epoch;
	bool continued = j->continued;
	int64_t left = j->old_left_ms;
	store_pg_job_free(pj);
	if (err == -ECANCELED)
		return;
	l->busy = false;
	if (err || !epoch) {
		store_pg_conn_drop(&l->pg->lead, err ? err : -EIO, "could not take the leader row");
		return;
	}
	bool was_leading = l->state == STORE_LEADER_LEADING && l->epoch == epoch;
	l->renewed_mono = sent;
	l->epoch = epoch;
	snprintf(l->holder, sizeof(l->holder), "%s", l->pg->base_name);
	if (continued && was_leading)
		return; /* the same epoch went on across a reconnect: nothing changed */
	if (l->state == STORE_LEADER_LEADING)
		leader_lose(l, "the epoch moved while this base was away", false);
	int64_t wait = continued || left < 0 ? 0 : left;
	log_info("store", "event=leader_acquired db=\"%s\" base=\"%s\" epoch=%llu wait_ms=%lld",
		 l->pg->pub.path, l->pg->base_name, (unsigned long long)epoch, (long long)wait);
	if (wait == 0) {
		became_leading(l);
		return;
	}
	l->wait_until = store_pg_now_mono() + wait;
	leader_emit(l, STORE_LEADER_WAITING);
	uv_timer_start(l->tick, on_leader_tick, (uint64_t)(wait < l->lease_ms / 4 ? wait : l->lease_ms / 4),
		       0);
}

static void leader_take(struct pg_leader *l)
{
	struct leader_job *j = leader_job(l, "leader_take", take_result, take_finish);
	if (!j)
		return;
	struct pg_stmt *st = store_pg_stmt(
		&j->job,
		"SELECT epoch, holder, (extract(epoch FROM lease_until - clock_timestamp()) * 1000)::bigint"
		" FROM leader WHERE id = 1 FOR UPDATE");
	st = store_pg_stmt(
		&j->job,
		"INSERT INTO leader AS l(id, epoch, holder, lease_until, since)"
		" VALUES (1, 1, $1, clock_timestamp() + $3 * interval '1 millisecond', now())"
		" ON CONFLICT (id) DO UPDATE SET"
		" epoch = CASE WHEN l.epoch = $2 AND l.holder = $1 THEN l.epoch ELSE l.epoch + 1 END,"
		" since = CASE WHEN l.epoch = $2 AND l.holder = $1 THEN l.since ELSE now() END,"
		" holder = $1, lease_until = clock_timestamp() + $3 * interval '1 millisecond'"
		" RETURNING epoch, epoch = $2");
	store_pg_p_text(&j->job, st, l->pg->base_name);
	store_pg_p_uint(&j->job, st, l->epoch);
	store_pg_p_int(&j->job, st, l->lease_ms);
	store_pg_submit(&l->pg->lead, &j->job, false);
}

static int try_result(struct pg_job *pj, size_t stmt, PGresult *r)
{
	struct leader_job *j = (struct leader_job *)pj;
	if (stmt == 0 && PQntuples(r) == 1)
		j->got = store_pg_bool(r, 0, 0);
	if (stmt == 1 && PQntuples(r) == 1)
		store_pg_text(r, 0, 0, j->holder, sizeof(j->holder));
	return 0;
}

static void try_finish(struct pg_job *pj, int err)
{
	struct leader_job *j = (struct leader_job *)pj;
	struct pg_leader *l = j->l;
	bool got = j->got;
	char holder[STORE_NAME_MAX];
	memcpy(holder, j->holder, sizeof(holder));
	store_pg_job_free(pj);
	if (err == -ECANCELED)
		return;
	l->busy = false;
	if (err)
		return; /* the connection's log says why; the next tick tries again */
	if (!got) {
		if (strcmp(holder, l->holder) != 0) {
			snprintf(l->holder, sizeof(l->holder), "%s", holder);
			if (l->state == STORE_LEADER_FOLLOWING)
				leader_emit(l, STORE_LEADER_FOLLOWING);
		}
		return;
	}
	l->locked = true;
	leader_take(l);
}

static void leader_try(struct pg_leader *l)
{
	struct leader_job *j = leader_job(l, "leader_try", try_result, try_finish);
	if (!j)
		return;
	struct pg_stmt *st = store_pg_stmt(&j->job, "SELECT pg_try_advisory_lock($1)");
	store_pg_p_int(&j->job, st, PG_LEADER_LOCK);
	store_pg_stmt(&j->job, "SELECT holder FROM leader WHERE id = 1 AND lease_until > clock_timestamp()");
	store_pg_submit(&l->pg->lead, &j->job, false);
}

static int renew_result(struct pg_job *pj, size_t stmt, PGresult *r)
{
	struct leader_job *j = (struct leader_job *)pj;
	(void)stmt;
	j->got = PQntuples(r) == 1;
	return 0;
}

static void renew_finish(struct pg_job *pj, int err)
{
	struct leader_job *j = (struct leader_job *)pj;
	struct pg_leader *l = j->l;
	bool got = j->got;
	int64_t sent = j->sent_mono;
	store_pg_job_free(pj);
	if (err == -ECANCELED)
		return;
	l->busy = false;
	if (err)
		return; /* not renewed: the deadline decides */
	if (!got) {
		leader_lose(l, "another base took the lead (the epoch moved)", true);
		return;
	}
	l->renewed_mono = sent;
}

static void leader_renew(struct pg_leader *l)
{
	struct leader_job *j = leader_job(l, "leader_renew", renew_result, renew_finish);
	if (!j)
		return;
	struct pg_stmt *st = store_pg_stmt(
		&j->job, "UPDATE leader SET lease_until = clock_timestamp() + $3 * interval '1 millisecond'"
			 " WHERE id = 1 AND epoch = $1 AND holder = $2 RETURNING epoch");
	store_pg_p_uint(&j->job, st, l->epoch);
	store_pg_p_text(&j->job, st, l->pg->base_name);
	store_pg_p_int(&j->job, st, l->lease_ms);
	store_pg_submit(&l->pg->lead, &j->job, false);
}

static void leader_step(struct pg_leader *l)
{
	int64_t now = store_pg_now_mono();
	bool holds = l->state == STORE_LEADER_LEADING || l->state == STORE_LEADER_WAITING;
	if (holds && now >= leader_deadline(l)) {
		leader_lose(l, "the lease was not renewed in time (frozen, or cut off from the database)",
			    true);
		return;
	}
	if (l->state == STORE_LEADER_WAITING && now >= l->wait_until)
		became_leading(l);
	if (l->busy || l->pg->lead.state != PG_CONN_READY)
		return;
	/* A leader that cannot write (its main connection is down) lets the lease run out rather
	 * than hold the lead it cannot use; a reconnect within the lease keeps it. */
	if (holds && l->locked && l->pg->main.state == PG_CONN_READY)
		leader_renew(l);
	else if (!l->locked)
		leader_try(l);
}

static void on_leader_tick(uv_timer_t *t)
{
	struct pg_leader *l = t->data;
	leader_step(l);
	int64_t next = l->lease_ms / 4;
	if (l->state == STORE_LEADER_LEADING || l->state == STORE_LEADER_WAITING) {
		int64_t left = leader_deadline(l) - store_pg_now_mono();
		if (left < next)
			next = left > 0 ? left : 0;
	}
	if (l->state == STORE_LEADER_WAITING) {
		int64_t left = l->wait_until - store_pg_now_mono();
		if (left < next)
			next = left > 0 ? left : 0;
	}
	uv_timer_start(l->tick, on_leader_tick, (uint64_t)next, 0);
}

static void lead_ready(struct pg_conn *c)
{
	struct pg_leader *l = c->pg->leader;
	if (l) {
		l->locked = false; /* a new session holds nothing */
		l->busy = false;
		leader_step(l);
	}
}

static void lead_lost(struct pg_conn *c, int err)
{
	(void)err;
	struct pg_leader *l = c->pg->leader;
	if (l) {
		l->locked = false;
		l->busy = false;
	}
}

static const struct pg_conn_ops lead_ops = {.ready = lead_ready, .lost = lead_lost};

int store_pgc_leader_start(struct store *s, const struct store_leader_cfg *cfg, store_leader_fn fn, void *ud)
{
	struct store_pg *pg = pg_of(s);
	if (!pg->loop)
		return -EINVAL;
	if (pg->leader)
		return -EALREADY;
	struct pg_leader *l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	l->pg = pg;
	l->fn = fn;
	l->ud = ud;
	l->lease_ms = cfg && cfg->lease_ms > 0 ? cfg->lease_ms : 10000;
	if (l->lease_ms < 1000)
		l->lease_ms = 1000;
	l->state = STORE_LEADER_FOLLOWING;
	l->tick = calloc(1, sizeof(*l->tick));
	char opts[128];
	snprintf(opts, sizeof(opts), "-c idle_session_timeout=%d -c statement_timeout=%d", l->lease_ms,
		 l->lease_ms / 2);
	char *uri = NULL;
	int err = l->tick ? 0 : -ENOMEM;
	/* The leader's connection is the main one's twin, with the lease as its idle timeout. */
	if (!err) {
		uri = strdup(pg->uri);
		err = uri ? 0 : -ENOMEM;
	}
	if (!err)
		err = store_pg_conn_init(&pg->lead, pg, "leader", &lead_ops, uri, opts);
	free(uri);
	if (err) {
		free(l->tick);
		free(l);
		return err;
	}
	uv_timer_init(pg->loop, l->tick);
	l->tick->data = l;
	pg->leader = l;
	log_info("store", "event=leader_start db=\"%s\" base=\"%s\" lease_ms=%d", pg->pub.path, pg->base_name,
		 l->lease_ms);
	store_pg_conn_start(&pg->lead);
	uv_timer_start(l->tick, on_leader_tick, 0, 0);
	return 0;
}

int64_t store_pgc_leader_left_ms(struct store *s)
{
	const struct pg_leader *l = pg_of(s)->leader;
	if (!l || l->state != STORE_LEADER_LEADING || uv_is_closing((uv_handle_t *)l->tick))
		return 0; /* stepped down (store_leader_stop), or not leading */
	return leader_deadline(l) - store_pg_now_mono();
}

static void on_tick_closed(uv_handle_t *h)
{
	struct pg_leader *l = h->data;
	struct store_pg *pg = l->pg;
	free(h);
	free(l);
	pg->leader = NULL;
	store_pg_maybe_free(pg);
}

void store_pgc_leader_stop(struct store *s)
{
	struct store_pg *pg = pg_of(s);
	struct pg_leader *l = pg->leader;
	if (!l || !l->tick || uv_is_closing((uv_handle_t *)l->tick))
		return;
	if (l->state == STORE_LEADER_LEADING || l->state == STORE_LEADER_WAITING)
		log_info("store", "event=leader_resigned db=\"%s\" base=\"%s\" epoch=%llu", pg->pub.path,
			 pg->base_name, (unsigned long long)l->epoch);
	store_pg_conn_close(&pg->lead);
	uv_timer_stop(l->tick);
	uv_close((uv_handle_t *)l->tick, on_tick_closed);
}
