/* Inside src/store/ only: the SQLite implementations of the base's calls, shared by the
 * files that implement them and the ops table that gathers them (store_sq_base.c). */
#ifndef M2_STORE_SQ_BASE_H
#define M2_STORE_SQ_BASE_H

#include "store_sqlite.h"

/* store_sq_inbox.c */
void store_sqb_inbox_add(struct store *s, const struct store_inbox_sms *sms, store_done_fn cb, void *ud);
void store_sqb_inbox_pending(struct store *s, int64_t after_id, size_t max, store_inbox_fn cb, void *ud);
void store_sqb_inbox_complete(struct store *s, size_t max, store_inbox_fn cb, void *ud);
void store_sqb_units_load(struct store *s, store_units_fn cb, void *ud);
void store_sqb_seq_next(struct store *s, const char *unit, store_seq_fn cb, void *ud);
/* Upserts one unit's protocol state inside the caller's transaction. */
int store_sqb_unit_upsert(struct store_sqlite *q, const struct store_unit_proto *u);

/* store_sq_outbox.c */
void store_sqb_outbox_claim(struct store *s, int64_t now_ms, const char *modem, store_claim_fn cb, void *ud);
void store_sqb_outbox_outcome(struct store *s, const struct store_sms_outcome *o, store_done_fn cb, void *ud);
void store_sqb_outbox_resend(struct store *s, int64_t id, int64_t now_ms, store_done_fn cb, void *ud);
void store_sqb_outbox_report(struct store *s, int64_t id, enum store_report report, int64_t report_ms,
			     store_done_fn cb, void *ud);
void store_sqb_outbox_recover(struct store *s, int64_t now_ms, store_done_fn cb, void *ud);
void store_sqb_outbox_awaiting(struct store *s, int64_t since_ms, int64_t after_id, size_t max,
			       store_outbox_fn cb, void *ud);
void store_sqb_outbox_get(struct store *s, int64_t id, store_outbox_fn cb, void *ud);
/* Queues one text inside the caller's transaction; `*id` gets its row. */
int store_sqb_outbox_insert(struct store_sqlite *q, const struct store_sms_out *m, int64_t *id);

/* store_sq_write.c */
void store_sqb_engine_load(struct store *s, uint32_t counters_version, size_t counters_size,
			   store_engine_fn cb, void *ud);
void store_sqb_write(struct store *s, const struct store_base_batch *b, store_done_fn cb, void *ud);

/* store_sq_view.c */
int store_sqb_view_units(struct store *s, store_view_unit_fn fn, void *ud);
int store_sqb_view_latest(struct store *s, const char *unit, store_view_reading_fn fn, void *ud);
int store_sqb_view_history(struct store *s, const char *unit, const char *channel, int64_t since_ms,
			   int64_t until_ms, store_view_reading_fn fn, void *ud);
int store_sqb_view_events(struct store *s, const char *unit, int64_t since_ms, store_view_event_fn fn,
			  void *ud);
int store_sqb_view_events_latest(struct store *s, const char *unit, size_t max, store_view_event_fn fn,
				 void *ud);
int store_sqb_view_incidents_open(struct store *s, store_view_incident_fn fn, void *ud);
int store_sqb_view_incidents_between(struct store *s, const char *unit, const char *channel_name,
				     int64_t since_ms, int64_t until_ms, store_view_incident_fn fn, void *ud);
int store_sqb_view_version(struct store *s, uint64_t *version);

/* store_sq_cluster.c */
void store_sqb_heartbeat(struct store *s, uint32_t up, uint32_t modems, store_done_fn cb, void *ud);
void store_sqb_release(struct store *s, store_done_fn cb, void *ud);
void store_sqb_watch(struct store *s, store_wake_fn fn, void *ud);
int store_sqb_leader_start(struct store *s, const struct store_leader_cfg *cfg, store_leader_fn fn, void *ud);
void store_sqb_leader_stop(struct store *s);
int64_t store_sqb_leader_left_ms(struct store *s);
int store_sqb_view_bases(struct store *s, int64_t *now_ms, store_view_base_fn fn, void *ud);
void store_sqb_bases(struct store *s, store_bases_fn cb, void *ud);

/* Reading an event row (store_sq_view.c), the same columns everywhere: EVENT_COLS. */
#define SQB_EVENT_COLS "id, t_ms, kind, unit, channel, incident_id, actor, value_c10, text"
void store_sqb_event_row(sqlite3_stmt *st, struct store_event *e);

/* Reading an incident row (store_sq_engine.c): SQB_INCIDENT_COLS in this order. */
#define SQB_INCIDENT_COLS                                                                                    \
	"id, state, before_clear, unit, channel, channel_name, kind, critical, normal_raised, has_value,"    \
	" value_c10, threshold_c10, since_ms, opened_ms, cleared_ms, ladder_ms, notified, told, capped,"     \
	" reminders, acked_by, acked_ms, reopened, closed_ms"
void store_sqb_incident_row(sqlite3_stmt *st, struct store_incident *i);
/* The call list saved with the engine's state, in its order (at most STORE_CONTACTS_MAX). */
int store_sqb_contacts_load(struct store_sqlite *q, struct store_contact *out, size_t *n);

#endif
