/* The base as one of several on a shared database (store_cluster.h): its heartbeat with its
 * modems, the claims it gives back when its last modem dies, the wake-ups (a text queued,
 * a message stored, a reconnect), and the alarm leadership: only the leader runs the engine;
 * on becoming leader it reloads the units and the engine from the database and acts on what
 * is stored; on losing it stops at once, and a write the fence refused says so. On SQLite
 * the one base leads from the start with epoch 1 and nothing wakes it. */
#include "base_int.h"

#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define SWEEP_PAGE 64

/* ---- heartbeat ---- */

static void on_beat(void *user_data, int result, int64_t id)
{
	(void)user_data;
	(void)id;
	if (result < 0)
		log_debug("base", "event=heartbeat_not_written error=\"%s\"", store_strerror(result));
}

static void beat(struct base *b)
{
	b->modems_up = base_pool_ready(&b->pool);
	store_cluster_heartbeat(b->store, (uint32_t)b->modems_up, (uint32_t)b->pool.n, on_beat, b);
}

static void deadline_check(struct base *b);

static void on_hb_timer(uv_timer_t *t)
{
	beat(t->data);
	deadline_check(t->data);
	base_peers_read(t->data);
}

static void on_released(void *user_data, int result, int64_t n)
{
	(void)user_data;
	if (result == 0 && n > 0)
		log_warn(
			"base",
			"event=claims_released rows=%lld hint=\"no modem of this base is ready: the texts it "
			"held go back to the queue for another base, marked possibly duplicated\"",
			(long long)n);
}

void base_cluster_modems(struct base *b)
{
	size_t was = b->modems_up, up = base_pool_ready(&b->pool);
	if (up == was || !b->load_begun)
		return;
	beat(b);
	if (up == 0 && was > 0)
		store_cluster_release(b->store, on_released, b);
}

/* ---- leadership ---- */

static bool leader_job(const struct base_job *job)
{
	return job->kind != BASE_JOB_EVENT && job->kind != BASE_JOB_MODEM;
}

/* Drops the queued steps only a leader takes (they are stored, or come again). */
static void drop_leader_jobs(struct base *b)
{
	struct base_job **at = &b->head;
	b->tail = NULL;
	while (*at) {
		struct base_job *job = *at;
		if (leader_job(job)) {
			*at = job->next;
			if (job->kind == BASE_JOB_TICK)
				b->tick_queued = false;
			base_job_free(job);
			continue;
		}
		b->tail = job;
		at = &job->next;
	}
}

static void stop_acting(struct base *b, const char *reason, const char *why)
{
	bool was = b->leading || b->reloading || b->reload_wanted;
	b->deadline_passed = false;
	b->lead_gen++;
	b->leading = false;
	b->reload_wanted = false;
	b->peers_due = false;
	b->n_peers = 0;
	if (!was)
		return;
	drop_leader_jobs(b);
	log_warn("base",
		 "event=alarms_stopped epoch=%llu reason=%s detail=\"%s\" hint=\"this base no longer "
		 "works the alarms; the leader carries on from the database; this base still stores and "
		 "sends\"",
		 (unsigned long long)b->epoch, reason, why);
	base_wake(b);
}

bool base_cluster_acts(struct base *b)
{
	if (!b->leading)
		return false;
	if (!b->cluster || store_leader_left_ms(b->store) > 0)
		return true;
	/* Frozen (or slow) past the lease: the store's LOST may not have come yet, but another
	 * base may lead already. Stop now; the store's callback says what comes next. */
	stop_acting(b, "lease_deadline",
		    "the local deadline passed before a lease renewal went through (frozen, or cut "
		    "off from the database)");
	b->deadline_passed = true;
	return false;
}

/* A renewal in flight at the deadline went through after it, and the store still leads:
 * this base leads again, from the state in the database. */
static void deadline_check(struct base *b)
{
	if (!b->deadline_passed || b->lead_state != STORE_LEADER_LEADING ||
	    store_leader_left_ms(b->store) <= 0)
		return;
	b->deadline_passed = false;
	b->lead_gen++;
	b->reload_wanted = true;
	log_info("base", "event=leader_restoring epoch=%llu reason=renewed_late",
		 (unsigned long long)b->epoch);
	base_cluster_idle(b);
}

static void on_sweep(void *user_data, int result, const struct store_inbox_sms *rows, size_t n);

void base_cluster_sweep(struct base *b)
{
	if (!b->cluster || b->stopping || !base_cluster_acts(b))
		return;
	if (b->sweep_busy) {
		b->sweep_again = true;
		return;
	}
	b->sweep_busy = true;
	b->sweep_again = false;
	b->sweep_gen = b->lead_gen;
	store_base_inbox_pending(b->store, b->sweep_after, SWEEP_PAGE, on_sweep, b);
}

static void on_sweep(void *user_data, int result, const struct store_inbox_sms *rows, size_t n)
{
	struct base *b = user_data;
	b->sweep_busy = false;
	if (result < 0) {
		log_warn("base",
			 "event=inbox_sweep_failed error=\"%s\" hint=\"tried again at the next wake-up\"",
			 store_strerror(result));
		return;
	}
	if (b->sweep_gen != b->lead_gen) {
		/* Read under another leadership: what it found may have been dropped since; the
		 * sweep starts again from where the new leadership begins. */
		base_cluster_sweep(b);
		return;
	}
	for (size_t i = 0; i < n && base_cluster_acts(b); i++) {
		base_inbox_pending_row(b, &rows[i]);
		b->sweep_after = rows[i].id;
	}
	if (n == SWEEP_PAGE || b->sweep_again)
		base_cluster_sweep(b);
}

static void reload_done(struct base *b, const char *what, int result)
{
	b->reloading = false;
	if (result == -ECANCELED || b->stopping)
		return;
	log_error(
		"base",
		"event=leader_restore_failed what=%s error=\"%s\" hint=\"the alarm state could not be read; "
		"tried again at once\"",
		what, store_strerror(result));
	b->reload_wanted = true;
	base_cluster_idle(b);
}

/* The leadership changed while the reload's loads were in flight: they are dropped. */
static bool stale(struct base *b)
{
	if (b->reload_gen == b->lead_gen)
		return false;
	b->reloading = false;
	base_cluster_idle(b);
	base_jobs_pump(b);
	return true;
}

static void on_reload_engine(void *user_data, int result, const struct store_engine_state *st)
{
	struct base *b = user_data;
	if (stale(b))
		return;
	if (result == 0)
		result = base_engine_take(b, st);
	if (result < 0) {
		reload_done(b, "engine", result);
		return;
	}
	b->reloading = false;
	b->leading = true;
	b->sweep_after = 0;
	base_inbox_reset(b);
	base_receipts_resume(b, base_now_ms(b));
	log_info("base",
		 "event=alarms_leading epoch=%llu incidents=%zu hint=\"this base works the alarms now, "
		 "from the state in the database\"",
		 (unsigned long long)b->epoch, alert_engine_open_count(b->engine));
	base_job_push(b, base_job_new(b, BASE_JOB_START));
	base_cluster_sweep(b);
	base_jobs_pump(b);
	base_wake(b);
}

static void on_reload_units(void *user_data, int result, const struct store_unit_proto *rows, size_t n)
{
	struct base *b = user_data;
	if (stale(b))
		return;
	if (result < 0) {
		reload_done(b, "units", result);
		return;
	}
	base_units_take(b, rows, n);
	store_base_engine_load(b->store, BASE_COUNTERS_VERSION, sizeof(struct alert_counters),
			       on_reload_engine, b);
}

void base_cluster_idle(struct base *b)
{
	if (!b->reload_wanted || b->reloading || b->current || !b->started || b->stopping)
		return;
	b->reload_wanted = false;
	b->reloading = true;
	b->reload_gen = b->lead_gen;
	store_base_units_load(b->store, on_reload_units, b);
}

static void on_leader(void *user_data, const struct store_leader_event *ev)
{
	struct base *b = user_data;
	enum store_leader_state was = b->lead_state;
	b->lead_state = ev->state;
	b->deadline_passed = false;
	switch (ev->state) {
	case STORE_LEADER_LEADING:
		b->epoch = ev->epoch;
		if (!b->load_begun) {
			b->leading = true; /* SQLite, before the loads: they are the leader's */
			return;
		}
		b->lead_gen++;
		b->reload_wanted = true;
		log_info("base", "event=leader_restoring epoch=%llu", (unsigned long long)ev->epoch);
		base_cluster_idle(b);
		return;
	case STORE_LEADER_WAITING:
		log_info("base",
			 "event=leader_waiting epoch=%llu hint=\"the old leader's lease runs out first\"",
			 (unsigned long long)ev->epoch);
		return;
	case STORE_LEADER_LOST:
		stop_acting(b, "lead_lost", "the lead was lost (frozen, cut off, or another base took it)");
		return;
	case STORE_LEADER_FOLLOWING:
		if (was != STORE_LEADER_FOLLOWING || ev->holder[0])
			log_info("base", "event=leader_following leader=\"%s\"",
				 ev->holder[0] ? ev->holder : "-");
		stop_acting(b, "following", "another base leads");
		return;
	}
}

void base_cluster_fenced(struct base *b, const struct base_job *job)
{
	log_error("base",
		  "event=write_fenced step=%s epoch=%llu hint=\"another base leads now: this step wrote "
		  "nothing and this base stops working the alarms\"",
		  base_job_kind_str(job->kind), (unsigned long long)job->epoch);
	stop_acting(b, "write_fenced", "a write was refused: the epoch moved");
}

/* ---- wake-ups ---- */

static void on_wake(void *user_data, enum store_wake wake)
{
	struct base *b = user_data;
	log_debug("base", "event=wake what=%s", store_wake_str(wake));
	if (!b->started || b->stopping)
		return;
	if (wake == STORE_WAKE_RECONNECTED) {
		beat(b);
		if (b->leading && base_idle(b) && !b->sweep_busy)
			b->sweep_after = 0; /* notifications were lost: look at everything not acted on */
	}
	if (wake != STORE_WAKE_INBOX)
		base_outbox_kick(b);
	if (wake != STORE_WAKE_OUTBOX)
		base_cluster_sweep(b);
}

void base_cluster_start(struct base *b)
{
	store_cluster_watch(b->store, on_wake, b);
	struct store_leader_cfg lc = {.lease_ms = (int)b->cfg->cluster.lease_ms};
	b->lead_state = STORE_LEADER_FOLLOWING;
	int rc = store_leader_start(b->store, &lc, on_leader, b);
	if (rc < 0)
		log_error("base", "event=leader_not_started error=\"%s\"", store_strerror(rc));
	if (b->loop) {
		uint64_t ms =
			b->cfg->cluster.heartbeat_ms ? b->cfg->cluster.heartbeat_ms : STORE_HEARTBEAT_MS;
		uv_timer_start(&b->hb_timer, on_hb_timer, 0, ms);
	}
}

void base_cluster_stop(struct base *b)
{
	store_cluster_watch(b->store, NULL, NULL);
	store_leader_stop(b->store);
	if (b->loop)
		uv_timer_stop(&b->hb_timer);
}
