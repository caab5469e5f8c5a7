/* The SQLite backend's table of the base's calls: what store_base_* and store_view_*
 * dispatch to when the store is a file. */
#include "store_sq_base.h"

const struct store_ops store_sqlite_base_ops = {
	.name = "sqlite",
	.close = store_sq_close_store,
	.integrity_check = store_sq_integrity,
	.inbox_add = store_sqb_inbox_add,
	.inbox_pending = store_sqb_inbox_pending,
	.inbox_complete = store_sqb_inbox_complete,
	.units_load = store_sqb_units_load,
	.seq_next = store_sqb_seq_next,
	.outbox_claim = store_sqb_outbox_claim,
	.outbox_outcome = store_sqb_outbox_outcome,
	.outbox_report = store_sqb_outbox_report,
	.outbox_recover = store_sqb_outbox_recover,
	.outbox_awaiting = store_sqb_outbox_awaiting,
	.outbox_get = store_sqb_outbox_get,
	.engine_load = store_sqb_engine_load,
	.write = store_sqb_write,
	.view_units = store_sqb_view_units,
	.view_latest = store_sqb_view_latest,
	.view_history = store_sqb_view_history,
	.view_events = store_sqb_view_events,
	.view_events_latest = store_sqb_view_events_latest,
	.view_incidents_open = store_sqb_view_incidents_open,
	.view_incidents_between = store_sqb_view_incidents_between,
	.view_version = store_sqb_view_version,
};
