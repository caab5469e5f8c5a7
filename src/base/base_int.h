/* Inside m2base only: the daemon's state shared by its files (base.c wiring, base_jobs.c
 * steps, base_batch.c the write of a step, base_inbox.c, base_unitmsg.c, base_receipts.c,
 * base_alarms.c, base_super.c, base_cmd.c, base_text.c, base_pool.c, base_outbox.c, base_resend.c). */
#ifndef M2_BASE_INT_H
#define M2_BASE_INT_H

#include "alert_engine.h"
#include "base.h"
#include "base_pool.h"
#include "base_receipt.h"
#include "base_ustate.h"
#include "modem_link.h"
#include "phone_cmd.h"
#include "proto.h"
#include "sms_assembly.h"
#include "sms_codec.h"
#include "sms_reports.h"
#include "store_base.h"
#include "store_cluster.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BASE_MAX_INCIDENTS    256
#define BASE_SEQ_MAX          (PHONE_CMDS_MAX + 1) /* sequence numbers one step may need */
#define BASE_COUNTERS_VERSION 1                    /* the layout of struct alert_counters saved as bytes */
#define BASE_REPORT_WAIT_MS   (72LL * 3600 * 1000) /* delivery reports awaited this long */

/* ---- the write of one step (base_batch.c) --------------------------------------------- */

struct base_mark {
	struct store_inbox_mark m;
	char sender[STORE_NUMBER_MAX];
	char reason[STORE_LABEL_MAX];
};

/* What one step changes, owned until its write completes. */
struct base_batch {
	struct base_mark *marks;
	size_t n_marks, cap_marks;
	struct store_unit_proto *units;
	size_t n_units, cap_units;
	struct store_reading *readings;
	size_t n_readings, cap_readings;
	struct store_event *events;
	size_t n_events, cap_events;
	struct store_sms_out *outbox;
	size_t n_outbox, cap_outbox;
	struct store_incident *incidents;
	size_t n_incidents, cap_incidents;
	struct store_mute mutes[ALERT_MUTES_MAX];
	struct store_contact contacts[STORE_CONTACTS_MAX];
	struct alert_counters counters;
	struct store_engine_state engine;
	bool has_engine;
	struct store_inbox_mark *mark_view; /* the marks as the store takes them */
	size_t cap_view;
	int failed; /* -ENOMEM while building: the step is dropped */
};

void base_batch_reset(struct base_batch *bt);
void base_batch_free(struct base_batch *bt);
bool base_batch_empty(const struct base_batch *bt);
/* Fills `out` with the batch as store_base_write takes it. */
void base_batch_view(struct base_batch *bt, struct store_base_batch *out);

/* Each appends one record (copied); on memory failure bt->failed is set. */
void base_batch_mark(struct base_batch *bt, int64_t id, const char *sender, uint16_t ref, uint8_t total,
		     enum store_inbox_state state, const char *reason);
struct store_reading *base_batch_reading(struct base_batch *bt);
struct store_event *base_batch_event(struct base_batch *bt, enum store_event_kind kind, int64_t t_ms);
struct store_sms_out *base_batch_sms(struct base_batch *bt, const char *dest, const char *text,
				     const char *kind, uint32_t incident_id, int64_t now_ms);
struct store_unit_proto *base_batch_unit(struct base_batch *bt);
struct store_incident *base_batch_incident(struct base_batch *bt);

/* ---- the units ------------------------------------------------------------------------ */

struct base_unit {
	const struct base_unit_settings *cfg;
	int64_t last_heard_ms; /* 0: never */
	uint32_t last_seq;
	int64_t clock_offset_ms; /* the unit's clock minus the base's */
	struct base_ustate st;
	struct base_receipt receipt;
	bool dirty;                          /* changed in the step in hand: written with it */
	bool silent;                         /* a SILENT incident is open */
	int16_t seed_map[BASE_CHANNELS_MAX]; /* at start: a saved channel number -> its new one */
};

/* ---- the steps (base_jobs.c) ---------------------------------------------------------- */

enum base_job_kind {
	BASE_JOB_START,   /* the units' state as the configuration seeds it */
	BASE_JOB_INBOX,   /* one stored message (or a whole multipart one) */
	BASE_JOB_RECEIPT, /* a receipt to a unit */
	BASE_JOB_TICK,    /* time passed */
	BASE_JOB_MODEM,   /* a modem died, came back, or its SIM filled */
	BASE_JOB_EVENT,   /* one event to record (a delivery report, a text given up) */
};

const char *base_job_kind_str(enum base_job_kind kind);

enum base_modem_news {
	BASE_MODEM_DEAD,
	BASE_MODEM_ALIVE,
	BASE_MODEM_SIM_FULL,
	BASE_MODEM_SIM_OK,
};

struct base_job {
	enum base_job_kind kind;
	struct base_job *next;
	/* Sequence numbers to fetch before the step runs: seq_unit[i] is a unit's place. */
	size_t n_seq, got_seq;
	int seq_unit[BASE_SEQ_MAX];
	uint32_t seq[BASE_SEQ_MAX];
	uint64_t epoch; /* the leader's epoch it was computed under, 0: a follower's step */
	int retries;    /* writes that failed and were tried again */
	bool computed;  /* its batch is built: a retry writes it again */
	/* INBOX */
	int64_t inbox_id; /* 0: a multipart message, marked by key */
	char sender[STORE_NUMBER_MAX];
	uint16_t ref;
	uint8_t total;
	char *text;
	size_t text_len;
	int64_t scts_ms, received_ms;
	bool undecodable;
	bool not_text;           /* flash, data, a port, a waiting indication, type 0: kept only */
	bool incomplete;         /* a multipart message given up on with parts missing */
	struct phone_msg *phone; /* a contact's message, parsed when planned */
	int contact;             /* its sender's place in the call list, -1 none */
	/* RECEIPT, MODEM */
	int unit;
	int modem;
	enum base_modem_news news;
	/* EVENT */
	struct store_event event;
};

struct base_job *base_job_new(struct base *b, enum base_job_kind kind);
/* Queues `job` (taken over) and runs the queue. */
void base_job_push(struct base *b, struct base_job *job);
void base_job_free(struct base_job *job);
/* Runs queued steps while none is in hand. */
void base_jobs_pump(struct base *b);

/* ---- the other bases (base_peers.c) ---------------------------------------------------- */

struct base_peer {
	char name[STORE_NAME_MAX];
	char unit[ALERT_UNIT_MAX]; /* its incidents' unit: "base-" and its name */
	int64_t last_seen_ms;      /* the database's clock */
	uint32_t up, modems;
	bool silent;     /* not heard for cluster.silent */
	bool modem_dead; /* beating with fewer modems READY than it has */
};

/* The leader reads the other bases' rows (at each heartbeat of its own). */
void base_peers_read(struct base *b);
/* 0 when the rows differ from the incidents open: a tick is due. */
int64_t base_peers_next_ms(const struct base *b);
/* In the leader's tick: opens and closes the other bases' incidents. */
void base_peers_tick(struct base *b);

/* ---- texts whose delivery report is awaited (base_resend.c) ---------------------------- */

/* A row claimed this often with no report: undelivered. A claim cut short (a restart, a modem
 * that did not confirm) counts too; with 1 SMS in 10 lost, 5 sends lose 1 text in 100,000. */
#define BASE_RESEND_ATTEMPTS 5
#define BASE_RESEND_TAG      56 /* an earlier attempt's parts: the row's id | attempt << 56 */
#define BASE_RESEND_ID_MASK  ((UINT64_C(1) << BASE_RESEND_TAG) - 1)

struct base_await {
	int64_t id;
	int64_t sent_ms;   /* its last send */
	int64_t retry_ms;  /* a resend the store refused is tried again then (0: none) */
	uint32_t attempts; /* the row's claims so far */
	char dest[STORE_NUMBER_MAX];
	uint8_t n_parts;
	uint8_t mr[STORE_PARTS_MAX];
	uint8_t tag;    /* the last earlier attempt kept under a tagged id */
	bool resending; /* requeued: waiting for its next send */
};

/* Row `id` went to a person with a status report asked for, at `sent_ms` (its parts'
 * references `mr`): registers them with the tracker, and watches for its report. */
void base_resend_watch(struct base *b, int64_t id, const char *dest, uint32_t attempts, int64_t sent_ms,
		       int n_parts, const uint8_t *mr);
/* Its final report came, or it is given up: no longer watched. */
void base_resend_forget(struct base *b, int64_t id);
void base_resend_tick(struct base *b, int64_t now_ms);
int64_t base_resend_next_ms(const struct base *b);
void base_resend_free(struct base *b);

/* ---- the daemon ----------------------------------------------------------------------- */

struct base {
	const struct base_settings *cfg;
	struct store *store;
	uv_loop_t *loop;
	int64_t (*wall_ms)(void *user_data);
	void *clock_data;
	int32_t utc_offset_s;
	struct alert_policy policy; /* cfg->policy with windows by name resolved */
	struct alert_engine *engine;
	struct base_unit units[M2_CONFIG_UNITS_MAX];
	size_t n_units;
	struct sms_assembly *assembly;
	struct sms_reports *reports;
	/* Steps. */
	struct base_job *head, *tail;
	struct base_job *current; /* in hand: computing or writing */
	bool pumping;
	bool started;        /* the start-up loads are done */
	bool stopping;       /* SIGTERM: no new step */
	int64_t retry_at_ms; /* a failed write is tried again then (0: none) */
	bool tick_queued;
	int64_t engine_next_ms; /* when the engine said it next has something to do */
	int64_t supervise_ms;   /* silence is judged from then on (0: no modem ready yet) */
	int64_t now_ms;         /* the clock at the start of the step in hand */
	const char *actor;      /* the number acting in the step in hand (ACK, MUTE), or NULL */
	struct base_batch batch;
	struct proto_msg *msg; /* scratch for a unit message (large) */
	/* The engine's state as last written, to write only what changed. */
	struct alert_incident *saved, *snap;
	size_t n_saved, n_snap;
	struct alert_mute saved_mutes[ALERT_MUTES_MAX], snap_mutes[ALERT_MUTES_MAX];
	size_t n_saved_mutes, n_snap_mutes;
	struct alert_counters saved_counters, snap_counters;
	uint32_t saved_next_id, snap_next_id;
	bool saved_contacts;
	/* The modems. */
	struct base_pool pool;
	int64_t outbox_due_ms; /* the earliest queued text not yet due (INT64_MAX: none) */
	bool outbox_waiting_logged;
	struct base_await *await; /* texts whose report is awaited (base_resend.c) */
	size_t n_await, cap_await;
	/* Several bases (base_cluster.c). On SQLite the one base leads with epoch 1 from the
	 * start; on PostgreSQL only the leader runs the engine, every base stores and sends. */
	bool cluster;         /* the store is shared: inbox by sweeps, leadership by the store */
	bool leading;         /* the engine runs: its state was loaded while this base led */
	bool deadline_passed; /* it stopped at the lease's local deadline, before the store said */
	uint64_t epoch;       /* the leader's epoch every engine write carries */
	enum store_leader_state lead_state;
	bool load_begun;     /* base_start's loads began: a later LEADING reloads */
	bool reload_wanted;  /* LEADING came: reload once the step in hand is done */
	bool reloading;      /* the reload's loads are in flight */
	uint64_t lead_gen;   /* bumped at every leader change: a stale reload is dropped */
	uint64_t reload_gen; /* lead_gen when the reload in flight began */
	int64_t sweep_after; /* the inbox sweep's high-water id */
	bool sweep_busy, sweep_again;
	uint64_t sweep_gen;                      /* lead_gen when the sweep in flight began */
	size_t modems_up;                        /* READY modems at the last heartbeat */
	struct base_peer peers[STORE_BASES_MAX]; /* the other bases as last read (leader) */
	size_t n_peers;
	bool peers_busy, peers_due;
	uint64_t peers_gen; /* lead_gen when the read in flight began */
	uv_timer_t hb_timer;
	/* Start-up. */
	void (*ready)(void *user_data, int result);
	void *ready_data;
	int64_t start_after_id;
	/* Stop. */
	void (*stopped)(void *user_data);
	void *stopped_data;
	uv_timer_t timer;
	uv_timer_t stop_timer;
	bool timer_on;
	bool stop_done;
	int handles_open;
};

/* The clock for the step in hand. */
int64_t base_clock(struct base *b);
/* The next_ms changed: re-arm the loop's timer (no-op without a loop). */
void base_wake(struct base *b);
/* The local minute of the day and "HH:MM" of `t_ms`. */
unsigned base_local_minute(const struct base *b, int64_t t_ms);
void base_hhmm(const struct base *b, int64_t t_ms, char *out, size_t n);
/* The configured unit whose number `sender` is (sms_number_same), or -1. */
int base_unit_by_number(const struct base *b, const char *sender);
/* The configured unit whose id is `id` (ignoring case, as people type it), or -1. */
int base_unit_by_id(const struct base *b, const char *id);
/* The contact whose number `sender` is, or -1. */
int base_contact_by_number(const struct base *b, const char *sender);

/* base_inbox.c */
void base_inbox_start(struct base *b);
void base_inbox_step(struct base *b, struct base_job *job);
/* Plans a stored message's step: which sequence numbers it needs. */
void base_inbox_plan(struct base *b, struct base_job *job);
void base_inbox_mark(struct base *b, const struct base_job *job, enum store_inbox_state state,
		     const char *reason);
void base_inbox_tick(struct base *b, int64_t now_ms);
int64_t base_inbox_next_ms(const struct base *b);

/* base_unitmsg.c: a message from unit `u`. */
void base_unitmsg_step(struct base *b, struct base_job *job, struct base_unit *u);
/* A message that names a unit but came from another number. */
bool base_unitmsg_misrouted(struct base *b, struct base_job *job);
/* The unit's time of a moment told in its clock, on the base's clock. */
int64_t base_unit_time(const struct base_unit *u, int64_t unit_ms);

/* base_receipts.c */
void base_receipts_note(struct base *b, struct base_unit *u, bool fresh);
void base_receipts_tick(struct base *b, int64_t now_ms);
/* At start: receipts owed before the stop are sent. */
void base_receipts_resume(struct base *b, int64_t now_ms);
int64_t base_receipts_next_ms(const struct base *b);
void base_receipts_step(struct base *b, struct base_job *job);
/* Queues a signed COMMAND with sequence number `seq` (its id) to unit `u`. Returns 0 or
 * -EINVAL when it cannot be encoded. */
int base_receipts_command(struct base *b, struct base_unit *u, uint32_t seq, const char *by,
			  const char *text);

/* base_alarms.c */
int base_alarms_new(struct base *b);
/* Creates the engine numbering new incidents from `first_id`. */
int base_alarms_create(struct base *b, uint32_t first_id);
void base_alarms_restore(struct base *b, const struct store_engine_state *st);
/* Adds what the engine changed since the last write to the batch. */
void base_alarms_snapshot(struct base *b);
void base_alarms_commit(struct base *b);
/* The unit's report of a kind raised or cleared. */
void base_alarms_apply(struct base *b, const struct alert_report *r, enum base_op_kind op);
const char *base_channel_name(const struct base *b, const char *unit, int16_t channel);
/* The open incident of (unit, channel, kind), or NULL. */
bool base_alarms_find(const struct base *b, const char *unit, int16_t channel, enum alert_kind kind,
		      struct alert_incident *out);

/* base_super.c */
void base_super_tick(struct base *b, int64_t now_ms);
/* A modem is ready: silence may be judged a moment later. */
void base_super_modem_ready(struct base *b, int64_t now_ms);
int64_t base_super_next_ms(const struct base *b);
/* The unit was heard: a SILENT incident closes. */
void base_super_heard(struct base *b, struct base_unit *u);
void base_super_modem_step(struct base *b, struct base_job *job);
void base_super_commands_tick(struct base *b, int64_t now_ms);
int64_t base_super_commands_next_ms(const struct base *b);

/* base_cmd.c: a message from contact `c`. */
void base_cmd_plan(struct base *b, struct base_job *job);
void base_cmd_step(struct base *b, struct base_job *job);
/* Tells the asker what unit `u` answered to a pending command. */
void base_cmd_reply(struct base *b, struct base_unit *u, const struct proto_reply *r);
void base_cmd_echo(struct base *b, struct base_unit *u, const struct proto_echo *e);
/* Queues `text` to contact `c` as a reply and records it. */
void base_cmd_send(struct base *b, int c, const char *text);

/* base_text.c: the replies (one GSM 7-bit SMS each, ending with what to reply). */
void base_text_status_all(const struct base *b, bool can_ack, char *out);
void base_text_status_unit(const struct base *b, const struct base_unit *u, bool can_ack, char *out);
void base_text_who(const struct base *b, int64_t now_ms, char *out);
void base_text_refused(const struct base *b, const char *why, const char *tail, char *out);
void base_text_fit(char *out, const char *body, const char *tail);
/* "9.4C" or "FAULT" for a reading. */
void base_text_value(char *out, size_t n, bool fault, int32_t c10);

/* base_pool.c */
void base_pool_init(struct base *b);
int base_pool_open(struct base *b);
void base_pool_close(struct base *b);
bool base_pool_busy(const struct base *b);
/* Raises or closes SIM FULL for modems whose storage stays full (modem_info). */
void base_pool_check_storage(struct base *b, int64_t now_ms);
int64_t base_pool_next_ms(const struct base *b);

/* base.c: the saved state is loaded (the inbox comes next); the start-up loads ended (0) or
 * failed; a stop may complete. */
void base_loaded(struct base *b);
void base_started(struct base *b, int result);
void base_stop_check(struct base *b);

/* base_cluster.c */
/* Before the loads: the leader election, the wake-ups and the heartbeat. */
void base_cluster_start(struct base *b);
void base_cluster_stop(struct base *b);
/* A modem changed state: a heartbeat now; claims given back when the last one died. */
void base_cluster_modems(struct base *b);
/* A write was refused by the leader's fence (-EPERM): this base stops acting. */
void base_cluster_fenced(struct base *b, const struct base_job *job);
/* No step in hand: a reload the leadership asked for may start. */
void base_cluster_idle(struct base *b);
/* Looks for stored messages not yet acted on (the leader only). */
void base_cluster_sweep(struct base *b);
/* Before every step only the leader takes (engine tick, escalation, SILENT, receipts, phone
 * commands): true while it leads and the lease's local deadline (store_leader_left_ms) is
 * ahead; past it, it stops acting (logged once) and waits for the store's callback. */
bool base_cluster_acts(struct base *b);
/* base.c, also for a reload: the units' saved rows into their state; the engine created
 * afresh from its saved state (0 or -ENOMEM); windows by channel name resolved. */
void base_units_take(struct base *b, const struct store_unit_proto *rows, size_t n);
int base_engine_take(struct base *b, const struct store_engine_state *st);
void base_resolve_windows(struct base *b);
/* base_inbox.c: one NEW row found by a sweep or at start. */
void base_inbox_pending_row(struct base *b, const struct store_inbox_sms *r);
/* base_inbox.c: the multipart assembly afresh (a new leader reloads the parts). */
void base_inbox_reset(struct base *b);

/* base_outbox.c */
void base_outbox_kick(struct base *b);
void base_outbox_tick(struct base *b, int64_t now_ms);
void base_outbox_start(struct base *b);
/* A status report arrived: settles the row it matches; `done` as base_inbound.stored. */
void base_outbox_report(struct base *b, const struct sms_decoded *d, void (*done)(void *, int), void *ud);

#endif
