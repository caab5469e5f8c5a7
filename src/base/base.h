/* The base station daemon (`m2mon base`): every SMS stored before the modem may delete it,
 * unit messages verified, de-duplicated and applied in sequence order, receipts batched back,
 * alarms worked by the alarm engine with a durable outbox spread over a pool of modems,
 * silence and dead modems supervised, phone commands answered by role. One libuv loop; the
 * store's writes complete by callback; the wall clock is injected.
 *
 * The daemon works in steps: each inbound message, receipt, timer round or modem change is
 * one step that ends with one store_base_write of everything it changed (inbox mark, unit
 * state, readings, events, texts to send, the engine's state), and the next step starts when
 * that write has completed. A text is handed to a modem only once its row is stored. */
#ifndef M2_BASE_H
#define M2_BASE_H

#include "config.h"
#include "store.h"

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

struct base;

struct base_opts {
	const struct base_settings *cfg; /* checked by the config loader; must outlive the base */
	struct store *store;             /* a base store, open; the caller closes it after base_free */
	/* The loop for the modems and the timers. NULL: no modems and no timers (tests), the
	 * caller drives base_tick() with its own clock and reads the outbox from the store. */
	uv_loop_t *loop;
	/* The wall clock, UTC epoch milliseconds. NULL: the system's (CLOCK_REALTIME). */
	int64_t (*wall_ms)(void *user_data);
	void *clock_data;
	int32_t utc_offset_s; /* local time minus UTC, for quiet hours and the clock in texts */
};

/* Creates the base (nothing runs yet). Returns 0, -ENOMEM, or -EINVAL for a configuration
 * the engine refuses (logged). */
int base_new(const struct base_opts *opts, struct base **out);

/* Loads what the store holds (units, the engine's state, the outbox left in flight, reports
 * still awaited, messages stored but not acted on), acts on those, then opens the modems.
 * `ready` is called once with 0, or a negative errno when the store could not be read
 * (logged; the daemon should exit). */
void base_start(struct base *b, void (*ready)(void *user_data, int result), void *user_data);

/* One message as a modem handed it over (struct modem_inbound): stored, then `stored(ud,
 * result)` is called with 0 (the message is safe: let the modem delete it) or a negative
 * errno (keep it on the modem), then acted on. */
struct base_inbound {
	const char *pdu; /* SMSC octets and TPDU, hex */
	int tpdu_len;    /* -1 when unknown */
	int modem;       /* the modem's place in the pool, -1 when none (tests) */
	void (*stored)(void *user_data, int result);
	void *user_data;
};
void base_sms_received(struct base *b, const struct base_inbound *in);

/* Lets time pass: due receipts, the engine's tiers and reminders, silence, commands that got
 * no answer. The loop's timer calls it at base_next_ms(); tests call it after moving their
 * clock. */
void base_tick(struct base *b);

/* The wall-clock time at which base_tick() has something to do (INT64_MAX: nothing). */
int64_t base_next_ms(const struct base *b);

/* True when no step is in hand and none is queued. */
bool base_idle(const struct base *b);

/* SIGTERM: takes no new step, lets the one in hand finish its write, waits (at most the send
 * timeout) for texts a modem is sending so their outcome is recorded, closes the modems, then
 * calls `done`. Run the loop until it returns, then base_free(). */
void base_stop(struct base *b, void (*done)(void *user_data), void *user_data);

void base_free(struct base *b);

/* The wall clock as the base reads it. */
int64_t base_now_ms(const struct base *b);

#endif
