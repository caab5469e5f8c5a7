/* What the base keeps of one unit beyond the store's columns, saved as the unit's versioned
 * state blob (store_unit_proto.window, window_version BASE_USTATE_VERSION) in the same
 * transaction as the message that changed it: the replay window, the unit's channels by name
 * (their place is the alarm engine's channel number), the newest sequence number applied per
 * alarm level (so a late CLEAR never closes a newer alarm), the last values for STATUS, and
 * the READ and SET commands waiting for the unit's answer. Pure: bytes in, bytes out. */
#ifndef M2_BASE_USTATE_H
#define M2_BASE_USTATE_H

#include "alert_engine.h"
#include "proto.h"
#include "proto_window.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BASE_USTATE_VERSION 2 /* 2: each level keeps its since; 1 is still read */
#define BASE_CHANNELS_MAX   PROTO_CHANNELS_MAX
#define BASE_PENDING_MAX    4
/* The encoded state is at most this long (it fits STORE_BLOB_MAX). */
#define BASE_USTATE_BYTES 1536

/* One alarm level as the unit last told it: raised or not, by the message `seq`. */
struct base_level {
	uint32_t seq; /* 0: never told */
	bool raised;
	int64_t since_ms; /* raised: when the unit says the condition began, its clock (0: not told) */
};

struct base_channel {
	char name[PROTO_CHANNEL_MAX];
	struct base_level level[PROTO_LEVEL_COUNT]; /* by enum proto_level; PROBE: the probe fault */
	bool has_last;                              /* a reading was seen */
	bool last_fault;                            /* the last reading was a failed read */
	int32_t last_c10;
	int64_t last_ms; /* when it was taken (base clock) */
};

enum base_pending_verb {
	BASE_PENDING_READ,
	BASE_PENDING_SET,
};

const char *base_pending_verb_str(enum base_pending_verb verb);

/* A command relayed to the unit, waiting for its REPLY (READ) or ECHO (SET). */
struct base_pending {
	uint32_t cmd_id;
	enum base_pending_verb verb;
	char by[PROTO_NUMBER_MAX];     /* the contact who asked (configured number) */
	char text[PROTO_CMD_TEXT_MAX]; /* what was relayed: "READ T1", "SET T1 HIGH 8" */
	int64_t sent_ms;               /* when it was queued */
};

struct base_ustate {
	struct proto_window win;
	int64_t watch_since_ms;    /* when the base began to watch the unit: silence counts from here
				      until it is first heard */
	int64_t offset_at_ms;      /* when the clock offset was last taken as a new baseline */
	bool clock_warned;         /* the log said the unit's clock is off */
	bool receipt_owed;         /* a message was stored that no receipt queued since covers */
	struct base_level mains;   /* raised: mains lost */
	struct base_level battery; /* raised: battery low */
	int8_t mains_state;        /* enum proto_mains from the last heartbeat */
	int16_t battery_pct;       /* -1: not told */
	int16_t csq;               /* -1: not told */
	int64_t status_ms;         /* when the last heartbeat came, 0: never */
	size_t n_channels;
	struct base_channel ch[BASE_CHANNELS_MAX];
	size_t n_pending;
	struct base_pending pending[BASE_PENDING_MAX];
};

/* A new unit's state: an empty window, no channels, watched since `now_ms`. */
void base_ustate_init(struct base_ustate *s, int64_t now_ms);

/* Writes `s` into `out` (`size` bytes, BASE_USTATE_BYTES suffice). Returns the length, or
 * -ENOSPC. */
int base_ustate_encode(const struct base_ustate *s, uint8_t *out, size_t size);

/* Reads a state written by base_ustate_encode, of layout `version` (1 or
 * BASE_USTATE_VERSION; version 1 has no since: 0). Returns 0, or -EBADMSG when `in` is not
 * one (truncated, a count or an enum out of range, a name that is not a channel name, a
 * version this code does not know): the caller starts the unit afresh. */
int base_ustate_decode(const uint8_t *in, size_t len, uint32_t version, struct base_ustate *s);

/* The engine's number of channel `name` (exact case, as the unit sends it), adding it at the
 * end when `add` is set. Returns 0..7, -ENOENT (absent, not added) or -ENOSPC (eight
 * channels already). */
int base_ustate_channel(struct base_ustate *s, const char *name, bool add);

/* The channel a person typed (case-insensitive), or -ENOENT. */
int base_ustate_find(const struct base_ustate *s, const char *typed);

/* Puts the names of the unit's `channels` list (n of them) first, in that order, and the
 * others after them as they were: `map[old] = new` for each old number (n_channels before
 * the call). Returns 0, or -ENOSPC when the names together are more than eight (then the
 * state is unchanged and map[i] == i). */
int base_ustate_seed(struct base_ustate *s, const char (*names)[PROTO_CHANNEL_MAX], size_t n,
		     int16_t map[BASE_CHANNELS_MAX]);

/* The pending command `cmd_id`, or NULL. */
struct base_pending *base_ustate_pending(struct base_ustate *s, uint32_t cmd_id);
/* Drops pending command `cmd_id` (no effect when absent). */
void base_ustate_pending_drop(struct base_ustate *s, uint32_t cmd_id);

/* ---- the order of a unit's events (base_order.c) ----------------------------------------- */

/* What the unit says of one alarm kind of a channel: its normal level and its critical one
 * (HIGH and HIGH_HIGH make the engine's HIGH; a kind without a critical level uses normal). */
struct base_kind_state {
	bool normal;
	bool critical;
};

enum base_op_kind {
	BASE_OP_RAISE,
	BASE_OP_CLEAR,
	BASE_OP_CLOSE, /* a CLEAR the unit sent that has not come: the incident closes at once */
};

struct base_op {
	enum base_op_kind op;
	bool critical;
};

#define BASE_OPS_MAX 3 /* a missed clear, then a normal and a critical raise */

/* Takes the unit's word on `level` from message `seq` when it is newer than what `level`
 * holds. Returns true when it was taken (a change or not), false for an older message,
 * which must change nothing: the unit has said something newer about this level. */
bool base_level_update(struct base_level *level, uint32_t seq, bool raised);

/* The engine calls that move an incident from what the unit said before to what it says
 * now, in order (at most two: a normal raise before a critical one). Returns their number. */
size_t base_order_ops(struct base_kind_state from, struct base_kind_state to, struct base_op ops[2]);

/* One unit event: message `seq` says the level is `raised` or not; a raise says since when
 * (`since_ms`, the unit's clock). A raise of a level already raised whose condition began
 * `settle_ms` or more after the one the base holds is a new excursion: the unit cleared the
 * level in between and that CLEAR has not come (lost, or late behind this message). The ops
 * then close the old incident at once (BASE_OP_CLOSE) before the raise opens a new one, as the
 * CLEAR would have done had it come more than the settle time (clear_settle) before.
 * A new excursion that began sooner than that would have reopened the incident: nothing. */
struct base_word {
	uint32_t seq;
	bool raised;
	int64_t since_ms;
	int64_t settle_ms;
};

/* One ALARM/CLEAR (or FAULT/FAULT_END: level PROBE) of channel `ch`: takes it when newer than
 * what the level holds, and gives the engine calls it needs for the alarm kind the level
 * belongs to (`*kind`, as alert_kind_of_level). Returns their number: 0 for a message older
 * than the level's last word, or one that changes nothing. */
size_t base_order_event(struct base_channel *ch, enum proto_level level, const struct base_word *w,
			enum alert_kind *kind, struct base_op ops[BASE_OPS_MAX]);

/* A unit-wide level (mains, battery): the calls it needs (0 to 2: a missed clear first). */
size_t base_order_unit(struct base_level *level, const struct base_word *w, struct base_op ops[BASE_OPS_MAX]);

#endif
