/* The base daemon's records: the inbox (with multipart parts and a persistent de-duplication
 * key), each unit's protocol state and outgoing sequence numbers, readings, events, the outbox
 * of texts to phones (claimed and settled atomically, with their delivery reports) and the
 * alarm engine's state. Open with store_open() and kind STORE_KIND_BASE.
 *
 * Every call here completes through its callback, with the result and, for reads, records
 * that are valid during the callback only (copy what you keep). The SQLite backend calls it
 * before returning; a later backend calls it from the event loop: see store_done_fn in
 * store.h. A call never fails without calling its callback exactly once. Errors are those of
 * store.h, logged by the store. Records are values: the store copies what it is given. */
#ifndef M2_STORE_BASE_H
#define M2_STORE_BASE_H

#include "store.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- inbox ---------------------------------------------------------------------------- */

enum store_inbox_state {
	STORE_INBOX_NEW,       /* stored, not yet acted on (processed again after a restart) */
	STORE_INBOX_PROCESSED, /* acted on */
	STORE_INBOX_REJECTED,  /* not acted on: `reason` says why (forged, replay, stranger...) */
};

const char *store_inbox_state_str(enum store_inbox_state state);

/* One received SMS-DELIVER, stored before the modem may delete it. A part of a multipart
 * message carries its concatenation key (ref, total, part); a single message has total 1. */
struct store_inbox_sms {
	int64_t id;                      /* set by the store */
	char pdu_hex[STORE_PDU_HEX_MAX]; /* as the modem gave it, SMSC field included */
	char sender[STORE_NUMBER_MAX];
	int64_t scts_ms;              /* the SMSC's timestamp, 0 when the PDU had none that is valid */
	int64_t received_ms;          /* when the base received it */
	char modem[STORE_NAME_MAX];   /* which modem: its configured name or device */
	uint16_t ref;                 /* concatenation reference (0 for a single message) */
	uint8_t total;                /* parts in the message, 1 for a single message */
	uint8_t part;                 /* this part's number, 1..total */
	enum store_inbox_state state; /* out only: NEW when added */
	char reason[STORE_LABEL_MAX]; /* out only: why it was rejected */
};

/* Stores `sms` in state NEW unless the same message is already stored. The de-duplication
 * key is a SHA-256 of the PDU hex (any case), the sender and scts_ms, kept with the row for
 * good: the same message handed over again after a crash or a failed delete, days later, is
 * recognised. The callback gets 0 and the new row's id, or STORE_DUPLICATE and the id of
 * the row already stored (free the modem's slot in both cases: the message is safe), or a
 * negative errno (keep the message on the SIM). -EINVAL: empty PDU or sender, part outside
 * 1..total. */
void store_base_inbox_add(struct store *s, const struct store_inbox_sms *sms, store_done_fn cb,
			  void *user_data);

/* Rows handed to a store_rows callback: `n` records, valid during the call. When the
 * callback's result is negative, `n` is 0. */
typedef void (*store_inbox_fn)(void *user_data, int result, const struct store_inbox_sms *rows, size_t n);

/* Lists up to `max` NEW rows after `after_id` (0: from the start), in id order: what was
 * stored but not acted on before a restart, single messages and the parts of multipart ones
 * (give those to sms_assembly_reload). Page with the last id seen. */
void store_base_inbox_pending(struct store *s, int64_t after_id, size_t max, store_inbox_fn cb,
			      void *user_data);

/* Lists the NEW parts of multipart messages whose every part is stored (1..total of one
 * sender, ref and total), ordered by sender, ref and part: what can be reassembled now. At
 * most `max` rows, whole messages only. */
void store_base_inbox_complete(struct store *s, size_t max, store_inbox_fn cb, void *user_data);

/* Sets what became of inbox rows, inside a store_base_write (see below): row `id`, or when
 * `id` is 0 every NEW part of the multipart message (sender, ref, total). */
struct store_inbox_mark {
	int64_t id;
	const char *sender;
	uint16_t ref;
	uint8_t total;
	enum store_inbox_state state; /* PROCESSED or REJECTED */
	const char *reason;           /* REJECTED: a short code ("forged", "replay"); else NULL */
};

/* ---- units ------------------------------------------------------------------------------ */

/* What the base keeps of one unit's protocol: its replay window (the protocol library's
 * fixed-size blob, kept as bytes), when it was last heard, the last seq it used, and how far
 * its clock is off the base's. */
struct store_unit_proto {
	char unit[STORE_UNIT_MAX];
	uint32_t window_version; /* the layout it was saved under: use the window only if it is yours */
	size_t window_size;      /* 0: no window saved */
	uint8_t window[STORE_BLOB_MAX];
	int64_t last_heard_ms; /* 0: never */
	uint32_t last_seq;
	int64_t clock_offset_ms; /* the unit's clock minus the base's */
};

typedef void (*store_units_fn)(void *user_data, int result, const struct store_unit_proto *rows, size_t n);

/* Lists every unit's protocol state, by unit id: load it at start. */
void store_base_units_load(struct store *s, store_units_fn cb, void *user_data);

/* The completion of store_base_seq_next: `seq` is valid when result is 0. */
typedef void (*store_seq_fn)(void *user_data, int result, uint32_t seq);

/* The next sequence number of a message from the base to `unit`: 1, 2, 3... never one
 * handed out before, also across a crash: blocks of STORE_SEQ_BLOCK numbers are reserved
 * with one write each and the block's end is persisted before its first number is given
 * (a restart skips the rest of a block). -EINVAL for an empty unit id. */
void store_base_seq_next(struct store *s, const char *unit, store_seq_fn cb, void *user_data);

/* ---- readings and events ----------------------------------------------------------------- */

struct store_reading {
	char unit[STORE_UNIT_MAX];
	char channel[STORE_CHANNEL_MAX];
	int64_t t_ms; /* when the unit sampled it (the unit's clock, corrected) */
	bool fault;   /* the probe could not be read: temp_c10 is meaningless (0) */
	int32_t temp_c10;
	int64_t received_ms; /* when the base received the message that carried it */
	uint32_t seq;        /* that message's sequence number */
};

enum store_event_kind {
	STORE_EVENT_ALARM,     /* a unit raised an alarm */
	STORE_EVENT_CLEAR,     /* a unit cleared one */
	STORE_EVENT_INCIDENT,  /* an incident changed state (text: "from->to") */
	STORE_EVENT_NOTIFIED,  /* a text went to a person */
	STORE_EVENT_DELIVERED, /* a delivery report came back (text: delivered/failed) */
	STORE_EVENT_NOT_SENT,  /* a text was not sent (caps, quiet hours: text says why) */
	STORE_EVENT_ACK,
	STORE_EVENT_MUTE,
	STORE_EVENT_UNMUTE,
	STORE_EVENT_COMMAND,  /* a phone command or its refusal */
	STORE_EVENT_CONFIG,   /* a setting changed (on a unit, relayed, or echoed) */
	STORE_EVENT_SILENT,   /* a unit missed its heartbeat */
	STORE_EVENT_HEARD,    /* a silent unit was heard again */
	STORE_EVENT_FORGED,   /* a message with a wrong tag, dropped */
	STORE_EVENT_REPLAY,   /* a replayed message, dropped */
	STORE_EVENT_STRANGER, /* a text from a number not configured, dropped */
	STORE_EVENT_MODEM,    /* a modem went dead, came back, its SIM filled */
	STORE_EVENT_PROBE,    /* a probe fault began or ended */
	STORE_EVENT_POWER,    /* mains or battery */
	STORE_EVENT_OTHER,
};
#define STORE_EVENT_KIND_COUNT 20

/* The kind's name as stored and shown ("alarm", "notified"...). */
const char *store_event_kind_str(enum store_event_kind kind);
/* The kind named `name`; -EINVAL when there is none. */
int store_event_kind_parse(const char *name, enum store_event_kind *out);

#define STORE_EVENT_TEXT_MAX 256
struct store_event {
	int64_t id; /* set by the store; ascending in the order events were stored */
	int64_t t_ms;
	enum store_event_kind kind;
	char unit[STORE_UNIT_MAX];       /* "" when it concerns no unit */
	char channel[STORE_CHANNEL_MAX]; /* "" when it concerns no channel */
	uint32_t incident_id;            /* 0 when none */
	char actor[STORE_NUMBER_MAX];    /* the number that acted or was told, "" when none */
	bool has_value;
	int32_t value_c10;
	char text[STORE_EVENT_TEXT_MAX]; /* for a person: the text sent, the reason... */
};

/* ---- outbox to phones ---------------------------------------------------------------- */

enum store_out_state {
	STORE_OUT_QUEUED,  /* waiting for next_ms and a modem */
	STORE_OUT_SENDING, /* claimed: handed to a modem, outcome not known yet */
	STORE_OUT_SENT,    /* the modem accepted every part (a delivery report may follow) */
	STORE_OUT_FAILED,  /* given up */
};

const char *store_out_state_str(enum store_out_state state);

enum store_report {
	STORE_REPORT_NONE,      /* no delivery report (yet) */
	STORE_REPORT_DELIVERED, /* the network delivered every part */
	STORE_REPORT_FAILED,    /* the network could not deliver it */
};

const char *store_report_str(enum store_report report);

struct store_sms_out {
	int64_t id; /* set by the store */
	char dest[STORE_NUMBER_MAX];
	char text[STORE_TEXT_MAX];
	char kind[STORE_LABEL_MAX]; /* the alarm engine's message kind ("alarm", "reminder"...),
				       or the daemon's ("reply", "receipt") */
	uint32_t incident_id;       /* 0 when none */
	int64_t created_ms;
	/* Out only (the store keeps them): */
	enum store_out_state state;
	uint32_t attempts;          /* claims so far */
	int64_t next_ms;            /* QUEUED: when it is due; in: when it is first due (0: now) */
	char modem[STORE_NAME_MAX]; /* the modem it went through last */
	uint8_t n_parts;
	uint8_t mr[STORE_PARTS_MAX]; /* TP-MR of each part, for delivery reports */
	int64_t sent_ms;
	enum store_report report;
	int64_t report_ms;
	bool possibly_duplicate;     /* resent after an outcome that was not known: it may arrive twice */
	char error[STORE_LABEL_MAX]; /* the last failure, "" when none */
};

/* The completion of store_base_outbox_claim: `row` (valid during the call) when result is
 * 0; with -ENOENT nothing is due and `next_due_ms` is when the earliest QUEUED row is
 * (INT64_MAX when there is none): arm the timer with it. */
typedef void (*store_claim_fn)(void *user_data, int result, const struct store_sms_out *row,
			       int64_t next_due_ms);

/* Atomically takes the QUEUED row due first at `now_ms` (next_ms <= now_ms, the earliest,
 * then the lowest id) for `modem`: it becomes SENDING with attempts + 1 and modem set, and
 * nothing else can claim it. Hand it to the modem, then report with outcome. On PostgreSQL
 * the claim is this base's (store_cluster.h), with a lease on the database's clock that its
 * heartbeats renew; a row whose lease lapsed (its base died or froze) is QUEUED again,
 * possibly_duplicate, by the next claim of any base, and next_due_ms also counts the leases
 * running. */
void store_base_outbox_claim(struct store *s, int64_t now_ms, const char *modem, store_claim_fn cb,
			     void *user_data);

enum store_outcome {
	STORE_OUTCOME_SENT,    /* the modem accepted every part: SENT with mr[] and sent_ms */
	STORE_OUTCOME_RETRY,   /* it surely did not go (modem not ready, an error before the
				  text was taken): QUEUED again at next_ms */
	STORE_OUTCOME_UNKNOWN, /* it may have gone (AT+CMGS timed out): QUEUED again at next_ms,
				  marked possibly_duplicate */
	STORE_OUTCOME_FAILED,  /* give up: FAILED, kept for the record */
};

const char *store_outcome_str(enum store_outcome outcome);

struct store_sms_outcome {
	int64_t id;
	enum store_outcome outcome;
	int64_t at_ms;   /* SENT: sent_ms */
	int64_t next_ms; /* RETRY, UNKNOWN: when to try again */
	uint8_t n_parts; /* SENT: the parts and their TP-MR */
	uint8_t mr[STORE_PARTS_MAX];
	const char *error; /* RETRY, UNKNOWN, FAILED: a short code for the record, or NULL */
};

/* Settles a claimed (SENDING) row. -ENOENT when there is no such row, -EALREADY when it is
 * not SENDING (nothing changed); on PostgreSQL also when it is no longer this handle's claim
 * (its lease lapsed and it was requeued: it is or was resent, marked possibly duplicate). */
void store_base_outbox_outcome(struct store *s, const struct store_sms_outcome *o, store_done_fn cb,
			       void *user_data);

/* A delivery report for row `id` (SENT): DELIVERED or FAILED at `report_ms`. -ENOENT,
 * -EALREADY when the row already has a final report. */
void store_base_outbox_report(struct store *s, int64_t id, enum store_report report, int64_t report_ms,
			      store_done_fn cb, void *user_data);

/* A row SENT with no report yet (its delivery report is overdue) goes back to QUEUED, due at
 * `now_ms`, marked possibly_duplicate, error "no_report": it is sent again. -ENOENT, or
 * -EALREADY when it is not SENT or has a report (nothing changed). */
void store_base_outbox_resend(struct store *s, int64_t id, int64_t now_ms, store_done_fn cb, void *user_data);

typedef void (*store_outbox_fn)(void *user_data, int result, const struct store_sms_out *rows, size_t n);

/* At start: every row left SENDING by a crash (its outcome is unknown) goes back to QUEUED,
 * due at `now_ms`, marked possibly_duplicate. The callback's id is how many rows it requeued.
 * On PostgreSQL only the rows of this base's earlier runs: other bases' claims lapse by
 * their lease. */
void store_base_outbox_recover(struct store *s, int64_t now_ms, store_done_fn cb, void *user_data);

/* Lists up to `max` SENT rows with no report yet that were sent at or after `since_ms`, by
 * id after `after_id`: register their parts with sms_reports_sent() again after a restart.
 * On PostgreSQL the rows this base sent (the reports come back to its modems). */
void store_base_outbox_awaiting(struct store *s, int64_t since_ms, int64_t after_id, size_t max,
				store_outbox_fn cb, void *user_data);

/* Copies row `id` (a read for tests and the daemon's logs): result -ENOENT when absent. */
void store_base_outbox_get(struct store *s, int64_t id, store_outbox_fn cb, void *user_data);

/* ---- the alarm engine's state ---------------------------------------------------------- */

/* One incident: the fields of struct alert_incident (alerts/alert_engine.h) one for one, with
 * its enums by their names (alert_state_str, alert_kind_str) so that the record outlives a
 * renumbering, and closed_ms, which the store adds: an incident the engine closed is kept
 * for the record (alarm periods, history) and not loaded again. Masks are by index in the
 * call list saved with it (store_engine_state.contacts). */
struct store_incident {
	uint32_t id;
	char state[STORE_LABEL_MAX];
	char before_clear[STORE_LABEL_MAX];
	char unit[STORE_UNIT_MAX];
	int16_t channel;                      /* -1: the whole unit */
	char channel_name[STORE_CHANNEL_MAX]; /* the channel's name, "" when unit-wide; for people */
	char kind[STORE_LABEL_MAX];
	bool critical;
	bool normal_raised;
	bool has_value;
	int32_t value_c10;
	int32_t threshold_c10;
	int64_t since_ms;
	int64_t opened_ms;
	int64_t cleared_ms;
	int64_t ladder_ms;
	uint32_t notified;
	uint32_t told;
	uint32_t capped;
	uint32_t reminders;
	int acked_by; /* contact index, -1 none, -2 someone no longer listed */
	int64_t acked_ms;
	uint32_t reopened;
	int64_t closed_ms; /* 0: not closed */
};

/* A mute in force: struct alert_mute. */
struct store_mute {
	char unit[STORE_UNIT_MAX];
	int16_t channel; /* -1: the whole unit */
	int64_t until_ms;
};

/* A person of the call list the state was saved under, in the list's order: what
 * alert_engine_remap() needs after the list was edited, and who an index names. */
#define STORE_CONTACTS_MAX 32
struct store_contact {
	char number[STORE_NUMBER_MAX];
	char name[STORE_NAME_MAX];
};

/* The engine's state as one record. In a write: incidents are upserted by id (one with
 * closed_ms set is closed for good), mutes replace every saved mute when `mutes_set`, the
 * call list replaces the saved one when `contacts_set`, counters (struct alert_counters as
 * bytes, with their layout's version and size) replace the saved ones when `counters` is not
 * NULL, and next_incident_id is kept when not 0. In a load: every incident not closed, every
 * mute, the call list, the counters when saved with the version and size asked for. */
struct store_engine_state {
	const struct store_incident *incidents;
	size_t n_incidents;
	bool mutes_set;
	const struct store_mute *mutes;
	size_t n_mutes;
	bool contacts_set;
	const struct store_contact *contacts;
	size_t n_contacts;
	uint32_t counters_version;
	const void *counters;
	size_t counters_size;
	uint32_t next_incident_id;
};

typedef void (*store_engine_fn)(void *user_data, int result, const struct store_engine_state *st);

/* Loads the engine's saved state (all empty and next_incident_id 1 on a new database). The
 * counters are given when saved with `counters_version` and `counters_size`; otherwise
 * st->counters is NULL (a new layout: the day's counts start over). */
void store_base_engine_load(struct store *s, uint32_t counters_version, size_t counters_size,
			    store_engine_fn cb, void *user_data);

/* ---- one transaction of many records ----------------------------------------------------- */

/* Everything one step of the daemon changes, written in one transaction so that a crash keeps
 * all of it or none: the unit message that was verified (inbox marked, unit state, its
 * readings and events), or the alarm engine's reaction to an ACK (inbox marked, engine
 * state, the texts it sends, the events). Any part may be empty (NULL, 0). A reading of a
 * channel at a time already stored is kept once (the first). */
struct store_base_batch {
	const struct store_inbox_mark *marks;
	size_t n_marks;
	const struct store_unit_proto *units; /* upserted by unit id */
	size_t n_units;
	const struct store_reading *readings;
	size_t n_readings;
	const struct store_event *events;
	size_t n_events;
	const struct store_sms_out *outbox; /* queued; next_ms 0: due at once */
	size_t n_outbox;
	const struct store_engine_state *engine; /* NULL: no change */
	/* The alarm leader's epoch (store_cluster.h) when the alarm engine writes: the write then
	 * commits only while `epoch` is the current leader's and its lease runs, else -EPERM and
	 * nothing is written (a frozen old leader cannot write). 0: not fenced (a write that is
	 * not the engine's; the leader passes its epoch in every write it makes). SQLite: the
	 * one base is the leader with epoch 1. */
	uint64_t epoch;
};

/* Writes `b` in one transaction. The callback's id is that of the first outbox row queued,
 * or 0 when none. -ENOENT (nothing written) when a mark by id names no row (a mark by key
 * that finds no NEW part is not an error); -EPERM (nothing written) when `epoch` is not the
 * leader's; the record errors of store.h otherwise. */
void store_base_write(struct store *s, const struct store_base_batch *b, store_done_fn cb, void *user_data);

#endif
