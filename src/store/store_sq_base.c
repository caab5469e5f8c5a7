/* The SQLite backend's table of the base's calls: what store_base_* and store_view_*
 * dispatch to when the store is a file. */
#include "store_sq_base.h"

const struct store_ops store_sqlite_base_ops = {
	.name = "sqlite",
	.close = sq_close_store,
	.integrity_check = sq_integrity,
	.inbox_add = sqb_inbox_add,
	.inbox_pending = sqb_inbox_pending,
	.inbox_complete = sqb_inbox_complete,
	.units_load = sqb_units_load,
	.seq_next = sqb_seq_next,
	.outbox_claim = sqb_outbox_claim,
	.outbox_outcome = sqb_outbox_outcome,
	.outbox_report = sqb_outbox_report,
	.outbox_recover = sqb_outbox_recover,
	.outbox_awaiting = sqb_outbox_awaiting,
	.outbox_get = sqb_outbox_get,
	.engine_load = sqb_engine_load,
	.write = sqb_write,
	.view_units = sqb_view_units,
	.view_latest = sqb_view_latest,
	.view_history = sqb_view_history,
	.view_events = sqb_view_events,
	.view_events_latest = sqb_view_events_latest,
	.view_incidents_open = sqb_view_incidents_open,
	.view_incidents_between = sqb_view_incidents_between,
};
