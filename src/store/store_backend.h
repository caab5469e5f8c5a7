/* Inside src/store/ only: the backend table that every store_base_* and store_view_* call
 * goes through, so that a second backend (PostgreSQL, issue 13) implements the same records
 * with the same promises. A backend fills struct store's fields and its ops; store.c checks
 * the arguments that are the same for every backend and dispatches. */
#ifndef M2_STORE_BACKEND_H
#define M2_STORE_BACKEND_H

#include "store.h"
#include "store_base.h"
#include "store_cluster.h"
#include "store_view.h"

struct store_ops {
	const char *name;
	void (*close)(struct store *s);
	int (*integrity_check)(struct store *s, char *detail, size_t n);

	/* The base daemon's calls (store_base.h): each calls its callback exactly once. */
	void (*inbox_add)(struct store *s, const struct store_inbox_sms *sms, store_done_fn cb, void *ud);
	void (*inbox_pending)(struct store *s, int64_t after_id, size_t max, store_inbox_fn cb, void *ud);
	void (*inbox_complete)(struct store *s, size_t max, store_inbox_fn cb, void *ud);
	void (*units_load)(struct store *s, store_units_fn cb, void *ud);
	void (*seq_next)(struct store *s, const char *unit, store_seq_fn cb, void *ud);
	void (*outbox_claim)(struct store *s, int64_t now_ms, const char *modem, store_claim_fn cb, void *ud);
	void (*outbox_outcome)(struct store *s, const struct store_sms_outcome *o, store_done_fn cb,
			       void *ud);
	void (*outbox_report)(struct store *s, int64_t id, enum store_report report, int64_t report_ms,
			      store_done_fn cb, void *ud);
	void (*outbox_resend)(struct store *s, int64_t id, int64_t now_ms, store_done_fn cb, void *ud);
	void (*outbox_recover)(struct store *s, int64_t now_ms, store_done_fn cb, void *ud);
	void (*outbox_awaiting)(struct store *s, int64_t since_ms, int64_t after_id, size_t max,
				store_outbox_fn cb, void *ud);
	void (*outbox_get)(struct store *s, int64_t id, store_outbox_fn cb, void *ud);
	void (*engine_load)(struct store *s, uint32_t counters_version, size_t counters_size,
			    store_engine_fn cb, void *ud);
	void (*write)(struct store *s, const struct store_base_batch *b, store_done_fn cb, void *ud);

	/* The tools' reads (store_view.h), synchronous. */
	int (*view_units)(struct store *s, store_view_unit_fn fn, void *ud);
	int (*view_latest)(struct store *s, const char *unit, store_view_reading_fn fn, void *ud);
	int (*view_history)(struct store *s, const char *unit, const char *channel, int64_t since_ms,
			    int64_t until_ms, store_view_reading_fn fn, void *ud);
	int (*view_events)(struct store *s, const char *unit, int64_t since_ms, store_view_event_fn fn,
			   void *ud);
	int (*view_events_latest)(struct store *s, const char *unit, size_t max, store_view_event_fn fn,
				  void *ud);
	int (*view_incidents_open)(struct store *s, store_view_incident_fn fn, void *ud);
	int (*view_incidents_between)(struct store *s, const char *unit, const char *channel_name,
				      int64_t since_ms, int64_t until_ms, store_view_incident_fn fn,
				      void *ud);
	int (*view_version)(struct store *s, uint64_t *version);

	/* Several bases (store_cluster.h). */
	void (*heartbeat)(struct store *s, uint32_t up, uint32_t modems, store_done_fn cb, void *ud);
	void (*release)(struct store *s, store_done_fn cb, void *ud);
	void (*watch)(struct store *s, store_wake_fn fn, void *ud);
	int (*leader_start)(struct store *s, const struct store_leader_cfg *cfg, store_leader_fn fn,
			    void *ud);
	void (*leader_stop)(struct store *s);
	int64_t (*leader_left_ms)(struct store *s);
	int (*view_bases)(struct store *s, int64_t *now_ms, store_view_base_fn fn, void *ud);
	void (*bases)(struct store *s, store_bases_fn cb, void *ud);
};

/* What every backend's handle starts with. */
struct store {
	const struct store_ops *ops;
	enum store_kind kind;
	bool read_only;
	int schema_version;
	char *path;
};

/* The SQLite backend's open (store_sqlite.c), and PostgreSQL's (store_pg.c). */
int store_sqlite_open(const struct store_open_cfg *cfg, struct store **out);
int store_pg_open(const struct store_open_cfg *cfg, struct store **out);

/* This base's name in a shared database: cfg->base_name, else the host's name; cut to
 * STORE_NAME_MAX - 1 bytes. Both backends' open. */
void store_base_name_of(const struct store_open_cfg *cfg, char out[STORE_NAME_MAX]);

/* SHA-256 (FIPS 180-4) of `len` bytes: for store_dedup_key (store.h), exposed for its test
 * vectors. */
void store_sha256(const void *data, size_t len, uint8_t out[32]);

#endif
