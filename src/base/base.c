/* The base daemon's wiring: creation, the start-up loads in order (units and their state,
 * maintenance windows resolved to channel numbers, the engine and its saved state, the
 * outbox left in flight, reports still awaited, the inbox not yet acted on), the one timer
 * at the earliest thing due, the stop on SIGTERM, and the lookups every file uses. */
#include "base_int.h"

#include "alert_text.h"
#include "log.h"
#include "sms_number.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static int64_t system_ms(void *user_data)
{
	(void)user_data;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t base_now_ms(const struct base *b)
{
	return b->wall_ms(b->clock_data);
}

int64_t base_clock(struct base *b)
{
	return b->now_ms;
}

unsigned base_local_minute(const struct base *b, int64_t t_ms)
{
	int64_t s = t_ms / 1000 + b->utc_offset_s;
	int64_t day = 86400;
	return (unsigned)(((s % day) + day) % day / 60);
}

void base_hhmm(const struct base *b, int64_t t_ms, char *out, size_t n)
{
	unsigned m = base_local_minute(b, t_ms);
	snprintf(out, n, "%02u:%02u", m / 60, m % 60);
}

int base_unit_by_number(const struct base *b, const char *sender)
{
	for (size_t i = 0; i < b->n_units; i++)
		if (sms_number_same(b->units[i].cfg->number, sender))
			return (int)i;
	return -1;
}

int base_unit_by_id(const struct base *b, const char *id)
{
	for (size_t i = 0; i < b->n_units; i++)
		if (strcasecmp(b->units[i].cfg->id, id) == 0)
			return (int)i;
	return -1;
}

int base_contact_by_number(const struct base *b, const char *sender)
{
	for (size_t i = 0; i < b->policy.n_contacts; i++)
		if (sms_number_same(b->policy.contacts[i].number, sender))
			return (int)i;
	return -1;
}

int base_new(const struct base_opts *o, struct base **out)
{
	*out = NULL;
	struct base *b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	b->cfg = o->cfg;
	b->store = o->store;
	b->loop = o->loop;
	b->wall_ms = o->wall_ms ? o->wall_ms : system_ms;
	b->clock_data = o->clock_data;
	b->utc_offset_s = o->utc_offset_s;
	b->policy = o->cfg->policy;
	alert_text_clean(b->policy.site, sizeof(b->policy.site), o->cfg->policy.site);
	b->n_units = (size_t)o->cfg->n_units;
	for (size_t i = 0; i < b->n_units; i++)
		b->units[i].cfg = &o->cfg->units[i];
	b->msg = malloc(sizeof(*b->msg));
	b->outbox_due_ms = INT64_MAX;
	b->cluster = strncmp(o->cfg->store, "postgres", 8) == 0;
	base_pool_init(b);
	if (!b->msg || base_alarms_new(b) < 0) {
		base_free(b);
		return -ENOMEM;
	}
	if (b->loop) {
		uv_timer_init(b->loop, &b->timer);
		uv_timer_init(b->loop, &b->stop_timer);
		uv_timer_init(b->loop, &b->hb_timer);
		b->timer.data = b->stop_timer.data = b->hb_timer.data = b;
		b->timer_on = true;
	}
	*out = b;
	return 0;
}

/* ---- start-up ---- */

static void seed_unit(struct base *b, struct base_unit *u)
{
	char names[BASE_CHANNELS_MAX][PROTO_CHANNEL_MAX];
	size_t n = (size_t)u->cfg->n_channels;
	for (size_t i = 0; i < n; i++)
		snprintf(names[i], sizeof(names[i]), "%s", u->cfg->channels[i]);
	if (base_ustate_seed(&u->st, (const char(*)[PROTO_CHANNEL_MAX])names, n, u->seed_map) < 0)
		log_warn("base",
			 "event=unit_channels_kept unit=%s reason=more_than_8_names hint=\"the unit's "
			 "channels list and the names heard from it make more than 8; the list is not "
			 "applied\"",
			 u->cfg->id);
	(void)b;
}

static void take_unit_row(struct base *b, struct base_unit *u, const struct store_unit_proto *r)
{
	u->last_heard_ms = r->last_heard_ms;
	u->last_seq = r->last_seq;
	u->clock_offset_ms = r->clock_offset_ms;
	if (base_ustate_decode(r->window, r->window_size, r->window_version, &u->st) == 0)
		return;
	log_warn("base",
		 "event=unit_state_reset unit=%s version=%u size=%zu hint=\"its saved state is not one "
		 "this build reads: the replay window starts afresh (the unit's next message is "
		 "taken whatever its number)\"",
		 u->cfg->id, r->window_version, r->window_size);
	base_ustate_init(&u->st, base_now_ms(b));
}

/* Windows that name a channel of a unit without a `channels` list get its number here. */
void base_resolve_windows(struct base *b)
{
	for (int i = 0; i < b->cfg->as_written.n_windows; i++) {
		const struct base_window_settings *w = &b->cfg->as_written.windows[i];
		int u = base_unit_by_id(b, w->unit);
		if (u < 0 || !w->channel.name[0] ||
		    b->policy.windows[i].channel != M2_CONFIG_CHANNEL_UNRESOLVED)
			continue;
		int idx = base_ustate_find(&b->units[u].st, w->channel.name);
		if (idx < 0)
			idx = base_ustate_channel(&b->units[u].st, w->channel.name, true);
		if (idx >= 0)
			b->policy.windows[i].channel = (int16_t)idx;
		else
			log_warn(
				"base",
				"event=window_channel_unknown unit=%s channel=%s reason=more_than_8_channels",
				w->unit, w->channel.name);
	}
}

int base_engine_take(struct base *b, const struct store_engine_state *st)
{
	alert_engine_free(b->engine);
	b->engine = NULL;
	b->n_saved = 0;
	int result = base_alarms_create(b, st->next_incident_id ? st->next_incident_id : 1);
	if (result < 0)
		return result;
	base_alarms_restore(b, st);
	/* Due at once: a tier or reminder that came due while the base was down goes out now
	 * (the engine names only times still ahead, and would wait for its minute re-check). */
	b->engine_next_ms = base_now_ms(b);
	struct alert_incident inc;
	for (size_t i = 0; i < b->n_units; i++)
		b->units[i].silent = base_alarms_find(b, b->units[i].cfg->id, -1, ALERT_KIND_SILENT, &inc);
	return 0;
}

static void on_engine(void *user_data, int result, const struct store_engine_state *st)
{
	struct base *b = user_data;
	if (result == 0)
		result = base_engine_take(b, st);
	if (result < 0) {
		base_started(b, result);
		return;
	}
	base_outbox_start(b);
}

void base_units_take(struct base *b, const struct store_unit_proto *rows, size_t n)
{
	int64_t now = base_now_ms(b);
	for (size_t i = 0; i < b->n_units; i++) {
		struct base_unit *u = &b->units[i];
		base_ustate_init(&u->st, now);
		for (size_t k = 0; k < BASE_CHANNELS_MAX; k++)
			u->seed_map[k] = (int16_t)k;
		for (size_t r = 0; r < n; r++)
			if (strcmp(rows[r].unit, u->cfg->id) == 0)
				take_unit_row(b, u, &rows[r]);
		seed_unit(b, u);
		u->receipt = (struct base_receipt){0};
		u->dirty = false;
	}
	base_resolve_windows(b);
}

static void on_units(void *user_data, int result, const struct store_unit_proto *rows, size_t n)
{
	struct base *b = user_data;
	if (result < 0) {
		base_started(b, result);
		return;
	}
	base_units_take(b, rows, n);
	store_base_engine_load(b->store, BASE_COUNTERS_VERSION, sizeof(struct alert_counters), on_engine, b);
}

void base_start(struct base *b, void (*ready)(void *user_data, int result), void *user_data)
{
	b->ready = ready;
	b->ready_data = user_data;
	b->now_ms = base_now_ms(b);
	base_cluster_start(b);
	b->load_begun = true;
	store_base_units_load(b->store, on_units, b);
}

void base_loaded(struct base *b)
{
	b->started = true;
	if (!b->leading) {
		/* Another base leads (or none yet): this one stores and sends until it leads. */
		base_started(b, 0);
		base_cluster_idle(b);
		return;
	}
	base_receipts_resume(b, base_now_ms(b));
	base_job_push(b, base_job_new(b, BASE_JOB_START));
	base_inbox_start(b);
}

void base_started(struct base *b, int result)
{
	if (result < 0) {
		log_error("base",
			  "event=start_failed error=\"%s\" hint=\"the database could not be read; see the "
			  "store's line about the file\"",
			  store_strerror(result));
	} else {
		log_info("base", "event=started units=%zu contacts=%zu modems=%zu incidents=%zu", b->n_units,
			 b->policy.n_contacts, b->pool.n, alert_engine_open_count(b->engine));
		if (b->loop && base_pool_open(b) < 0)
			result = -ENOMEM;
	}
	base_wake(b);
	if (b->ready)
		b->ready(b->ready_data, result);
}

/* ---- time ---- */

static int64_t min64(int64_t a, int64_t c)
{
	return a < c ? a : c;
}

int64_t base_next_ms(const struct base *b)
{
	int64_t next = b->retry_at_ms ? b->retry_at_ms : INT64_MAX;
	if (!b->started || b->stopping)
		return next;
	next = min64(next, b->outbox_due_ms);
	next = min64(next, base_resend_next_ms(b));
	next = min64(next, base_pool_next_ms(b));
	if (!b->leading)
		return next;
	next = min64(next, base_receipts_next_ms(b));
	next = min64(next, base_inbox_next_ms(b));
	if (b->tick_queued)
		return next; /* what the tick does is waited for by it; its step's end wakes again */
	next = min64(next, b->engine_next_ms);
	next = min64(next, base_super_next_ms(b));
	next = min64(next, base_super_commands_next_ms(b));
	next = min64(next, base_peers_next_ms(b));
	return next;
}

void base_tick(struct base *b)
{
	int64_t now = base_now_ms(b);
	if (b->retry_at_ms && now >= b->retry_at_ms)
		base_jobs_pump(b);
	if (b->started && !b->stopping) {
		if (base_cluster_acts(b)) {
			base_receipts_tick(b, now);
			base_inbox_tick(b, now);
		} else if (b->reports) {
			sms_reports_expire(b->reports, now); /* the leader's ticks do it for itself */
		}
		base_outbox_tick(b, now);
		base_resend_tick(b, now);
		base_pool_check_storage(b, now);
		bool due =
			b->leading && (b->engine_next_ms <= now || base_super_next_ms(b) <= now ||
				       base_super_commands_next_ms(b) <= now || base_peers_next_ms(b) <= now);
		if (due && !b->tick_queued)
			base_job_push(b, base_job_new(b, BASE_JOB_TICK));
	}
	base_wake(b);
}

static void on_timer(uv_timer_t *t)
{
	base_tick(t->data);
}

void base_wake(struct base *b)
{
	if (!b->loop || !b->timer_on)
		return;
	int64_t next = base_next_ms(b), now = base_now_ms(b);
	if (next == INT64_MAX) {
		uv_timer_stop(&b->timer);
		return;
	}
	int64_t d = next - now;
	/* A time already past while the step that handles it waits for the one in hand would
	 * re-arm at 0 ms from inside the timer's callback, which libuv 1.44 runs again at once
	 * without polling: the queued TICK is left out of base_next_ms for that reason. */
	/* The wall clock may be set while we wait: look again at least every hour. */
	uint64_t ms = d <= 0 ? 0 : d > 3600000 ? 3600000 : (uint64_t)d;
	uv_timer_start(&b->timer, on_timer, ms, 0);
}

bool base_idle(const struct base *b)
{
	return !b->current && !b->head;
}

/* ---- stop ---- */

static void on_closed(uv_handle_t *h)
{
	struct base *b = h->data;
	if (--b->handles_open == 0 && b->stopped)
		b->stopped(b->stopped_data);
}

static void close_all(struct base *b)
{
	void (*done)(void *) = b->stopped;
	if (!done)
		return;
	if (b->stop_done)
		return;
	b->stop_done = true;
	log_info("base", "event=stopped steps_left=%s sends_in_hand=%s", b->current ? "yes" : "no",
		 base_pool_busy(b) ? "yes" : "no");
	base_pool_close(b);
	base_cluster_stop(b);
	if (!b->loop) {
		done(b->stopped_data);
		return;
	}
	b->handles_open = 3;
	uv_close((uv_handle_t *)&b->hb_timer, on_closed);
	uv_close((uv_handle_t *)&b->timer, on_closed);
	uv_close((uv_handle_t *)&b->stop_timer, on_closed);
}

void base_stop_check(struct base *b)
{
	if (b->stopping && !b->current && !base_pool_busy(b))
		close_all(b);
}

static void on_stop_timer(uv_timer_t *t)
{
	struct base *b = t->data;
	log_warn("base",
		 "event=stop_forced hint=\"a text was still in a modem's hands; it is sent again at the "
		 "next start, marked possibly duplicated\"");
	close_all(b);
}

void base_stop(struct base *b, void (*done)(void *user_data), void *user_data)
{
	if (b->stopping)
		return;
	b->stopping = true;
	b->stopped = done;
	b->stopped_data = user_data;
	log_info("base",
		 "event=stopping hint=\"the step in hand and texts in a modem's hands finish first\"");
	while (b->head) {
		struct base_job *job = b->head;
		b->head = job->next;
		base_job_free(job);
	}
	b->tail = NULL;
	if (b->loop && b->timer_on) {
		uv_timer_stop(&b->timer);
		uv_timer_start(&b->stop_timer, on_stop_timer, (uint64_t)b->cfg->send_timeout_s * 1000 + 1000,
			       0);
	}
	base_stop_check(b);
}

void base_free(struct base *b)
{
	if (!b)
		return;
	while (b->head) {
		struct base_job *job = b->head;
		b->head = job->next;
		base_job_free(job);
	}
	base_job_free(b->current);
	alert_engine_free(b->engine);
	sms_assembly_free(b->assembly);
	sms_reports_free(b->reports);
	base_resend_free(b);
	base_batch_free(&b->batch);
	free(b->msg);
	free(b->saved);
	free(b->snap);
	free(b);
}
