/* The base's calls and the tools' reads: checks that hold for every backend, then dispatch
 * through the backend's table (store_backend.h). */
#include "store_backend.h"

#include <assert.h>

static struct store *base(struct store *s, bool write)
{
	assert(s && s->kind == STORE_KIND_BASE);
	assert(!write || !s->read_only);
	(void)write;
	return s;
}

void store_base_inbox_add(struct store *s, const struct store_inbox_sms *sms, store_done_fn cb,
			  void *user_data)
{
	assert(sms && cb);
	base(s, true)->ops->inbox_add(s, sms, cb, user_data);
}

void store_base_inbox_pending(struct store *s, int64_t after_id, size_t max, store_inbox_fn cb,
			      void *user_data)
{
	assert(cb);
	base(s, false)->ops->inbox_pending(s, after_id, max, cb, user_data);
}

void store_base_inbox_complete(struct store *s, size_t max, store_inbox_fn cb, void *user_data)
{
	assert(cb);
	base(s, false)->ops->inbox_complete(s, max, cb, user_data);
}

void store_base_units_load(struct store *s, store_units_fn cb, void *user_data)
{
	assert(cb);
	base(s, false)->ops->units_load(s, cb, user_data);
}

void store_base_seq_next(struct store *s, const char *unit, store_seq_fn cb, void *user_data)
{
	assert(cb);
	base(s, true)->ops->seq_next(s, unit, cb, user_data);
}

void store_base_outbox_claim(struct store *s, int64_t now_ms, const char *modem, store_claim_fn cb,
			     void *user_data)
{
	assert(cb);
	base(s, true)->ops->outbox_claim(s, now_ms, modem, cb, user_data);
}

void store_base_outbox_outcome(struct store *s, const struct store_sms_outcome *o, store_done_fn cb,
			       void *user_data)
{
	assert(o && cb);
	base(s, true)->ops->outbox_outcome(s, o, cb, user_data);
}

void store_base_outbox_report(struct store *s, int64_t id, enum store_report report, int64_t report_ms,
			      store_done_fn cb, void *user_data)
{
	assert(cb);
	base(s, true)->ops->outbox_report(s, id, report, report_ms, cb, user_data);
}

void store_base_outbox_resend(struct store *s, int64_t id, int64_t now_ms, store_done_fn cb, void *user_data)
{
	assert(cb);
	base(s, true)->ops->outbox_resend(s, id, now_ms, cb, user_data);
}

void store_base_outbox_recover(struct store *s, int64_t now_ms, store_done_fn cb, void *user_data)
{
	assert(cb);
	base(s, true)->ops->outbox_recover(s, now_ms, cb, user_data);
}

void store_base_outbox_awaiting(struct store *s, int64_t since_ms, int64_t after_id, size_t max,
				store_outbox_fn cb, void *user_data)
{
	assert(cb);
	base(s, false)->ops->outbox_awaiting(s, since_ms, after_id, max, cb, user_data);
}

void store_base_outbox_get(struct store *s, int64_t id, store_outbox_fn cb, void *user_data)
{
	assert(cb);
	base(s, false)->ops->outbox_get(s, id, cb, user_data);
}

void store_base_engine_load(struct store *s, uint32_t counters_version, size_t counters_size,
			    store_engine_fn cb, void *user_data)
{
	assert(cb);
	base(s, false)->ops->engine_load(s, counters_version, counters_size, cb, user_data);
}

void store_base_write(struct store *s, const struct store_base_batch *b, store_done_fn cb, void *user_data)
{
	assert(b && cb);
	base(s, true)->ops->write(s, b, cb, user_data);
}

int store_view_units(struct store *s, store_view_unit_fn fn, void *user_data)
{
	assert(fn);
	return base(s, false)->ops->view_units(s, fn, user_data);
}

int store_view_latest(struct store *s, const char *unit, store_view_reading_fn fn, void *user_data)
{
	assert(fn);
	return base(s, false)->ops->view_latest(s, unit, fn, user_data);
}

int store_view_history(struct store *s, const char *unit, const char *channel, int64_t since_ms,
		       int64_t until_ms, store_view_reading_fn fn, void *user_data)
{
	assert(unit && fn);
	return base(s, false)->ops->view_history(s, unit, channel, since_ms, until_ms, fn, user_data);
}

int store_view_events(struct store *s, const char *unit, int64_t since_ms, store_view_event_fn fn,
		      void *user_data)
{
	assert(fn);
	return base(s, false)->ops->view_events(s, unit, since_ms, fn, user_data);
}

int store_view_events_latest(struct store *s, const char *unit, size_t max, store_view_event_fn fn,
			     void *user_data)
{
	assert(fn);
	return base(s, false)->ops->view_events_latest(s, unit, max, fn, user_data);
}

int store_view_incidents_open(struct store *s, store_view_incident_fn fn, void *user_data)
{
	assert(fn);
	return base(s, false)->ops->view_incidents_open(s, fn, user_data);
}

int store_view_incidents_between(struct store *s, const char *unit, const char *channel_name,
				 int64_t since_ms, int64_t until_ms, store_view_incident_fn fn,
				 void *user_data)
{
	assert(unit && fn);
	return base(s, false)->ops->view_incidents_between(s, unit, channel_name, since_ms, until_ms, fn,
							   user_data);
}

int store_view_version(struct store *s, uint64_t *version)
{
	assert(version);
	return base(s, false)->ops->view_version(s, version);
}

void store_cluster_heartbeat(struct store *s, uint32_t modems_up, uint32_t modems, store_done_fn cb,
			     void *user_data)
{
	assert(cb);
	base(s, true)->ops->heartbeat(s, modems_up, modems, cb, user_data);
}

void store_cluster_release(struct store *s, store_done_fn cb, void *user_data)
{
	assert(cb);
	base(s, true)->ops->release(s, cb, user_data);
}

void store_cluster_watch(struct store *s, store_wake_fn fn, void *user_data)
{
	base(s, false)->ops->watch(s, fn, user_data);
}

int store_leader_start(struct store *s, const struct store_leader_cfg *cfg, store_leader_fn fn,
		       void *user_data)
{
	assert(fn);
	return base(s, true)->ops->leader_start(s, cfg, fn, user_data);
}

void store_leader_stop(struct store *s)
{
	base(s, false)->ops->leader_stop(s);
}

int64_t store_leader_left_ms(struct store *s)
{
	return base(s, false)->ops->leader_left_ms(s);
}

int store_view_bases(struct store *s, int64_t *now_ms, store_view_base_fn fn, void *user_data)
{
	assert(now_ms && fn);
	return base(s, false)->ops->view_bases(s, now_ms, fn, user_data);
}

void store_cluster_bases(struct store *s, store_bases_fn cb, void *user_data)
{
	assert(cb);
	base(s, false)->ops->bases(s, cb, user_data);
}
