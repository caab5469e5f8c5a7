/* The unit daemon's records: its outbox, the readings not yet reported, the sequence
 * counter, each channel's alarm state, settings changed by SMS, PIN failures, the last
 * receipt and the base's replay window, the messages it acted on and the READs it owes. SQLite only and
 * synchronous: each call is one transaction of its own unless the caller opened one with store_unit_begin(),
 * in which case it joins it (and, when it fails, changes nothing and leaves the transaction open: the caller
 * commits what went well or rolls back). Open the database with store_open() and kind STORE_KIND_UNIT; every
 * call below asserts that kind. Errors are those of store.h, already logged. Records are values: the store
 * copies what it is given and fills what the caller gives it room for. */
#ifndef M2_STORE_UNIT_H
#define M2_STORE_UNIT_H

#include "store.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- transactions -------------------------------------------------------------------- */

/* Groups the calls that follow into one transaction, so that a sample's readings, the
 * channels' alarm state and an alarm's outbox row are kept together or not at all. Nests:
 * only the outermost commit writes. Returns 0 or a negative errno. */
int store_unit_begin(struct store *s);
/* Commits what was done since the matching begin. On failure everything since the
 * outermost begin is rolled back and the error returned. */
int store_unit_commit(struct store *s);
/* Abandons everything since the outermost begin (nested calls roll back the whole). Sequence
 * numbers handed out inside are not given again. */
void store_unit_rollback(struct store *s);

/* ---- sequence numbers ----------------------------------------------------------------- */

/* Hands out the next message sequence number: 1, 2, 3... never 0, never one handed out
 * before, also across a crash or SIGKILL. Numbers are taken from a block whose end is
 * persisted before the first of them is given; a restart starts after the block, so a number
 * may be skipped but is never reused. Inside a transaction that is rolled back, numbers
 * handed out are not given again either. Returns 0, or a negative errno (no number given). */
int store_unit_seq_next(struct store *s, uint32_t *seq);

/* ---- readings not yet reported --------------------------------------------------------- */

struct store_unit_reading {
	int64_t id;       /* set by the store; ascending in the order readings were added */
	uint8_t channel;  /* the channel's index in the configuration, 0..7 */
	int64_t t_ms;     /* when it was sampled */
	bool fault;       /* the probe could not be read: temp_c10 is meaningless (0) */
	int32_t temp_c10; /* tenths of a degree C */
};

/* Adds `n` readings in one transaction; their ids are written back into `r`. */
int store_unit_readings_add(struct store *s, struct store_unit_reading *r, size_t n);

/* Copies up to `max` readings not yet taken into a batch, oldest first (by id), into `out`
 * and sets `*n` to how many it copied. `after_id` pages: 0 from the start, else the last id
 * of the previous page. */
int store_unit_readings_pending(struct store *s, int64_t after_id, struct store_unit_reading *out, size_t max,
				size_t *n);

/* How many readings wait for a batch. */
int store_unit_readings_count(struct store *s, uint64_t *n);

/* ---- the outbox ----------------------------------------------------------------------- */

enum store_umsg_state {
	STORE_UMSG_QUEUED, /* not handed to the modem yet (or the last try failed): due at next_ms */
	STORE_UMSG_SENT,   /* the modem took it; for the base, awaiting a receipt, resent at next_ms */
};

const char *store_umsg_state_str(enum store_umsg_state state);

struct store_unit_msg {
	int64_t id;                  /* set by the store */
	uint32_t seq;                /* its sequence number (store_unit_seq_next), 0 for a text to a phone
					that carries none; unique among the outbox's rows */
	int kind;                    /* the protocol's message kind, as a number; the store keeps it only */
	char dest[STORE_NUMBER_MAX]; /* the base's number, or a phone's */
	char text[STORE_TEXT_MAX];   /* the full SMS text, exactly as it is sent each time */
	int64_t created_ms;
	uint32_t attempts; /* times handed to the modem, failures included */
	int64_t next_ms;   /* when it is due (again) */
	enum store_umsg_state state;
	int64_t fallback_ms; /* when its fallback texts were queued (store_unit_outbox_fallback), 0 */
};

/* Stores one message before it is handed to the modem: `msg->id` is written back; attempts
 * and fallback_ms are taken as 0, the state as QUEUED. -EEXIST when its seq is already in
 * the outbox, -EMSGSIZE for a text that does not fit, -EINVAL for an empty dest or text. */
int store_unit_outbox_add(struct store *s, struct store_unit_msg *msg);

/* The atomic batch step: in one transaction, removes the readings whose ids are given (`n`
 * of them, every one still pending) and stores `msg`, the batch message made from them.
 * Killed at any point, the database afterwards holds either the readings or the message,
 * never both and never neither. -ESTALE (nothing changed) when one of the readings is no
 * longer pending: it went into another batch. Otherwise as store_unit_outbox_add. */
int store_unit_batch_store(struct store *s, const int64_t *reading_ids, size_t n, struct store_unit_msg *msg);

/* Copies the message due first at `now_ms` (next_ms <= now_ms; the earliest next_ms, then the
 * lowest id) into `out`. Returns 0, or -ENOENT when nothing is due. */
int store_unit_outbox_next(struct store *s, int64_t now_ms, struct store_unit_msg *out);

/* The earliest next_ms of any message, or INT64_MAX when the outbox is empty: arm the
 * timer with it. */
int store_unit_outbox_next_ms(struct store *s, int64_t *next_ms);

/* Copies up to `max` messages, oldest first (by id), after `after_id` (0: from the start);
 * `*n` tells how many. For STATUS, the fallback check and tests. */
int store_unit_outbox_list(struct store *s, int64_t after_id, struct store_unit_msg *out, size_t max,
			   size_t *n);

/* The modem accepted message `id`: attempts + 1, state SENT, due again at `next_ms`, the
 * resend time if no receipt covers it by then. A text to a phone (seq 0) is removed instead:
 * nothing will confirm it. -ENOENT when there is no such message. */
int store_unit_outbox_sent(struct store *s, int64_t id, int64_t next_ms);
/* Handing message `id` to the modem failed: attempts + 1, state QUEUED, due at `next_ms`. */
int store_unit_outbox_retry(struct store *s, int64_t id, int64_t next_ms);
/* Message `id` is done: the daemon gives up on it. -ENOENT when there is no such message. */
int store_unit_outbox_remove(struct store *s, int64_t id);

/* The base has not answered message `id` (an alarm) for too long: in one transaction, queues
 * the `n` fallback texts in `texts` (their ids written back, seq 0) and sets the message's
 * fallback_ms to `now_ms`, so the fallback goes out once however often the daemon restarts.
 * -EALREADY (nothing queued) when its fallback_ms is already set, -ENOENT. */
int store_unit_outbox_fallback(struct store *s, int64_t id, struct store_unit_msg *texts, size_t n,
			       int64_t now_ms);

/* ---- receipts from the base ------------------------------------------------------------ */

/* "I stored your messages up to seq up_to, and these beyond it": bit i of the bitmap stands
 * for seq up_to + 1 + i, least significant bit of bitmap[0] first (bitmap[i / 8] >> (i % 8)
 * & 1). Example: up_to 10, bitmap {0x05}, bits 8 covers 1..10, 11 and 13. */
struct store_receipt {
	uint32_t up_to;
	const uint8_t *bitmap;
	size_t bits;
	int64_t base_ms;     /* the base's clock, as the receipt carried it */
	int64_t received_ms; /* the unit's clock when it arrived */
};

/* Removes every outbox message whose seq the receipt covers and records the receipt's times,
 * in one transaction; `*covered` (may be NULL) tells how many messages it removed. */
int store_unit_receipt_apply(struct store *s, const struct store_receipt *r, size_t *covered);

/* The times of the last receipt applied: both 0 when none ever came. */
int store_unit_receipt_last(struct store *s, int64_t *received_ms, int64_t *base_ms);

/* ---- state blobs: alarm channels and the base's replay window -------------------------- */

/* A channel's alarm-engine state (struct alert_channel, plain data) is kept as bytes with
 * the layout `version` and `size` it was saved under; it is given back only to a caller
 * with the same version and size. Channel `index` is the configuration's, 0..7. */
int store_unit_channel_save(struct store *s, unsigned index, uint32_t version, const void *state,
			    size_t size);
/* Copies channel `index`'s saved state into `state` (`size` bytes). Returns 0; -ENOENT when
 * none was saved; -ESTALE when it was saved with another version or size (logged: the
 * channel starts afresh, as after a first start). */
int store_unit_channel_load(struct store *s, unsigned index, uint32_t version, void *state, size_t size);

/* The base's command replay window: an opaque fixed-size blob that the protocol library
 * defines; kept and given back as bytes, with the same rules as a channel's state. */
int store_unit_replay_save(struct store *s, uint32_t version, const void *window, size_t size);
int store_unit_replay_load(struct store *s, uint32_t version, void *window, size_t size);

/* ---- inbound messages acted on ----------------------------------------------------------- */

/* Keys (store_dedup_key) kept of the messages the unit acted on: the newest this many.
 * A message left on the modem is offered again at the next sweep, within minutes, and a SIM
 * holds tens: a key older than a thousand messages is never asked for. */
#define STORE_UNIT_HANDLED_KEEP 1024

/* Records that the received SMS part with `key` has been acted on, at `handled_ms`. Call it
 * inside the transaction (store_unit_begin) that keeps what acting on it changed, so that a
 * kill before the modem deleted it leaves either both or neither. A key recorded again is
 * not an error. Drops the oldest keys beyond STORE_UNIT_HANDLED_KEEP. */
int store_unit_handled_add(struct store *s, const uint8_t key[STORE_DEDUP_KEY_LEN], int64_t handled_ms);

/* 1 when `key` was recorded by store_unit_handled_add, 0 when not, or a negative errno. */
int store_unit_handled_has(struct store *s, const uint8_t key[STORE_DEDUP_KEY_LEN]);

/* ---- READ requests waiting for their reading ------------------------------------------- */

/* A READ (or the base's STATUS) accepted and not answered yet: the probes are still being
 * read. Kept so that a restart answers it. */
struct store_unit_read {
	int64_t id;                    /* set by the store; ascending in the order they were asked */
	bool base;                     /* the base asked (cmd_id), else the phone `number` */
	uint32_t cmd_id;               /* the base's command id */
	char number[STORE_NUMBER_MAX]; /* the phone's, "" for the base */
	int channel;                   /* the channel's index, -1 for every channel */
	int64_t asked_ms;
};

/* Stores one request; `r->id` is written back. -EINVAL for a phone's without a number or a
 * channel below -1, -EMSGSIZE for a number that does not fit. */
int store_unit_read_add(struct store *s, struct store_unit_read *r);
/* Copies up to `max` requests, oldest first, into `out`; `*n` tells how many it copied. */
int store_unit_read_list(struct store *s, struct store_unit_read *out, size_t max, size_t *n);
/* Request `id` is answered. -ENOENT when there is no such request. */
int store_unit_read_remove(struct store *s, int64_t id);

/* ---- settings changed by SMS ----------------------------------------------------------- */

/* A setting changed by an SMS command; it overrides the configuration file and survives
 * restarts. `name` is the daemon's (e.g. "T1.high", "sample_interval", "pin"): the store
 * keeps it as it is given. A number (temp_c10, seconds) goes into `value`; a text (the PIN)
 * into `text`, which the store never logs. */
#define STORE_SETTING_NAME_MAX 32
#define STORE_SETTING_TEXT_MAX 33
struct store_unit_setting {
	char name[STORE_SETTING_NAME_MAX];
	int64_t value;
	char text[STORE_SETTING_TEXT_MAX];
	int64_t changed_ms;
	char changed_by[STORE_NUMBER_MAX]; /* the number that sent it, "" for the base */
};

/* Sets (replaces) one setting. -EINVAL for an empty name. */
int store_unit_setting_put(struct store *s, const struct store_unit_setting *set);
/* Copies setting `name` into `out`; -ENOENT when it was never changed by SMS. */
int store_unit_setting_get(struct store *s, const char *name, struct store_unit_setting *out);
/* Copies up to `max` settings, by name, into `out`; `*n` tells how many there are in all. */
int store_unit_setting_list(struct store *s, struct store_unit_setting *out, size_t max, size_t *n);
/* Forgets setting `name`, so the file's value holds again. Not an error when absent. */
int store_unit_setting_delete(struct store *s, const char *name);

/* ---- PIN failures and lockouts ---------------------------------------------------------- */

struct store_pin_state {
	char number[STORE_NUMBER_MAX];
	uint32_t failures; /* wrong PINs in a row */
	int64_t last_failure_ms;
	int64_t locked_until_ms; /* 0: not locked */
};

/* Sets the record of `st->number`. */
int store_unit_pin_put(struct store *s, const struct store_pin_state *st);
/* Copies the record of `number`; -ENOENT when it has none (no failures). */
int store_unit_pin_get(struct store *s, const char *number, struct store_pin_state *out);
/* Forgets `number`'s failures (a right PIN). Not an error when absent. */
int store_unit_pin_clear(struct store *s, const char *number);

#endif
