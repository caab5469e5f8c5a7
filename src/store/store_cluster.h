/* Several bases sharing one database (issue 13): each base's heartbeat row, its claims on the
 * outbox with their leases, the wake-up when another base queues a text, and the one alarm
 * leader with its epoch. The calls exist on every backend: on SQLite (one base, one file)
 * they are trivial (the base is always the leader, epoch 1; claims are local; nothing wakes
 * it), so the base daemon makes the same calls whichever backend it has.
 *
 * When the base calls what, on PostgreSQL (docs/operations.md has the operator's side):
 *   - at start: store_open with a loop and base_name, store_base_outbox_recover (requeues what
 *     this base's previous run left SENDING), store_cluster_heartbeat with its modems, then
 *     store_leader_start;
 *   - every STORE_HEARTBEAT_MS or so: store_cluster_heartbeat (it renews this base's claims;
 *     a base that stops beating loses them after claim_lease_ms: another base resends them,
 *     marked possibly duplicated);
 *   - while a modem is READY: store_base_outbox_claim until -ENOENT, again on a wake-up
 *     (STORE_WAKE_OUTBOX), after every reconnect (STORE_WAKE_RECONNECTED) and at next_due_ms;
 *   - when its last modem dies: settle what it knows, then store_cluster_release;
 *   - the alarm engine runs only between STORE_LEADER_LEADING and the next other state, and
 *     every store_base_write it makes carries the epoch it was given (batch.epoch).
 * Errors are those of store.h; the ones these calls add are named with each. */
#ifndef M2_STORE_CLUSTER_H
#define M2_STORE_CLUSTER_H

#include "store.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* How often a base is expected to beat: the tools call a base whose last beat is older
 * than 3 of these "not seen". */
#define STORE_HEARTBEAT_MS 5000

/* ---- heartbeat ---------------------------------------------------------------------------- */

/* Writes this base's row (store_open_cfg.base_name, the host's name when none): how many of
 * its modems are READY and how many it has, seen now on the database's clock; renews the
 * leases of the outbox rows it holds SENDING. SQLite keeps the row too, for `m2mon status`.
 * The callback's id is how many rows it touched (tests). */
void store_cluster_heartbeat(struct store *s, uint32_t modems_up, uint32_t modems, store_done_fn cb,
			     void *user_data);

/* Gives back every outbox row this base holds SENDING: QUEUED again at once, marked possibly
 * duplicated (settle first the ones whose fate the base knows). The callback's id is how
 * many rows went back. */
void store_cluster_release(struct store *s, store_done_fn cb, void *user_data);

/* ---- wake-up ---------------------------------------------------------------------------------- */

enum store_wake {
	STORE_WAKE_OUTBOX,      /* a text was queued or requeued (by any base): claim */
	STORE_WAKE_INBOX,       /* a message was stored (by any base): the leader processes it */
	STORE_WAKE_RECONNECTED, /* the connection is back after a loss: notifications sent in
				   between are gone, so sweep the outbox and the inbox */
};

const char *store_wake_str(enum store_wake wake);

typedef void (*store_wake_fn)(void *user_data, enum store_wake wake);

/* Calls `fn` on the loop whenever another base (or this one) committed something worth a
 * look, and after every reconnect. One watcher per handle; NULL removes it. SQLite never
 * calls it: the one base knows what it queued. */
void store_cluster_watch(struct store *s, store_wake_fn fn, void *user_data);

/* ---- the alarm leader --------------------------------------------------------------------------- */

enum store_leader_state {
	STORE_LEADER_FOLLOWING, /* another base leads, or nobody yet: do not run the engine */
	STORE_LEADER_WAITING,   /* this base took the lock and waits the old lease out */
	STORE_LEADER_LEADING,   /* run the engine; write with `epoch` */
	STORE_LEADER_LOST,      /* it led and lost (frozen, cut off, superseded): stop at once;
				   FOLLOWING follows */
};

const char *store_leader_state_str(enum store_leader_state state);

struct store_leader_event {
	enum store_leader_state state;
	uint64_t epoch;              /* LEADING: the epoch every engine write must carry */
	char holder[STORE_NAME_MAX]; /* the leading base as last seen, "" when unknown */
	/* LEADING: the monotonic time (modem_link_now()'s clock, ms) by which the lease must have
	 * been renewed; the store says LOST itself when it passes, so this is for logs. */
	int64_t deadline_mono_ms;
};

typedef void (*store_leader_fn)(void *user_data, const struct store_leader_event *ev);

struct store_leader_cfg {
	/* The lease T: a leader that stops renewing loses the lock after T (the server ends its
	 * session: idle_session_timeout); it renews every T/4 and stops acting at T - T/8 after
	 * its last renewal; a new leader waits the old lease out. 0: 10000. At least 1000. */
	int lease_ms;
};

/* Starts taking part in the election on a dedicated connection (PostgreSQL: a session
 * advisory lock, the `leader` row with its epoch, heartbeats). `fn` is called on the loop
 * at every change of state. SQLite calls it once, before returning, with LEADING and epoch
 * 1. -EINVAL on a PostgreSQL handle without a loop, -EALREADY when started. */
int store_leader_start(struct store *s, const struct store_leader_cfg *cfg, store_leader_fn fn,
		       void *user_data);

/* How long this base may still act as the leader, in ms: the local deadline (when the last
 * renewal that went through was sent + the lease - lease/8, on the monotonic clock) less now.
 * Every renewal moves it forward. <= 0 when it passed (the store says LOST at its next tick:
 * a leader that was frozen may run before that tick, so it asks before every step) or when
 * this base does not lead; INT64_MAX on SQLite. */
int64_t store_leader_left_ms(struct store *s);

/* Steps down (the lock is released at once: another base takes over after the lease) and
 * stops taking part. No call of `fn` follows. */
void store_leader_stop(struct store *s);

/* ---- what the tools show ------------------------------------------------------------------------- */

struct store_view_base {
	char name[STORE_NAME_MAX];
	uint32_t modems_up;
	uint32_t modems;
	int64_t last_seen_ms; /* the database's clock */
	int64_t started_ms;
	bool leader;    /* it holds the leader row's lease now */
	uint64_t epoch; /* the leader's epoch when `leader` */
	bool self;      /* the row of this handle's base (store_open_cfg.base_name) */
};

typedef int (*store_view_base_fn)(void *user_data, const struct store_view_base *b);

/* Every base that ever beat, by name, with the database's clock at the read in `now_ms`
 * (compare last_seen_ms with it, not with the reader's clock). Synchronous, like
 * store_view.h. */
int store_view_bases(struct store *s, int64_t *now_ms, store_view_base_fn fn, void *user_data);

/* The bases the daemon watches (store_cluster_bases): at most this many rows are read. */
#define STORE_BASES_MAX 16

typedef void (*store_bases_fn)(void *user_data, int result, int64_t now_ms,
			       const struct store_view_base *rows, size_t n);

/* The same rows as store_view_bases for the daemon, without blocking its loop: the first
 * STORE_BASES_MAX by name, and the database's clock in `now_ms`; the rows live for the
 * callback only. Errors are those of store.h. */
void store_cluster_bases(struct store *s, store_bases_fn cb, void *user_data);

#endif
