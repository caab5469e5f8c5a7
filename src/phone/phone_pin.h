/* PIN checks with lockout, for the unit: three wrong PINs from one number lock that number out
 * for an hour; a right PIN resets the count. Pure: the state is a plain struct per number
 * that the caller keeps and persists (the store), and time comes in as `now_ms`. */
#ifndef M2_PHONE_PIN_H
#define M2_PHONE_PIN_H

#include <stdbool.h>
#include <stdint.h>

#define PHONE_LOCK_TRIES 3
#define PHONE_LOCK_MS    (60 * 60 * 1000)

/* One number's state; all zero is a number with no wrong PIN. Plain data: store it as is. */
struct phone_lock {
	uint32_t failures;       /* wrong PINs since the last right one or the end of a lockout
				    (PHONE_LOCK_TRIES during a lockout) */
	int64_t locked_until_ms; /* UTC epoch ms until which the number is locked out; 0: not */
};

enum phone_pin_result {
	PHONE_PIN_OK,      /* the right PIN: the count is reset */
	PHONE_PIN_MISSING, /* no PIN in the message: not counted (nothing was guessed) */
	PHONE_PIN_WRONG,   /* a wrong PIN, counted; `failures` says how many so far */
	PHONE_PIN_LOCKOUT, /* this wrong PIN was the last try: locked out from now (tell the
			      admins) */
	PHONE_PIN_LOCKED,  /* locked out: nothing was compared, not even a right PIN */
};

const char *phone_pin_result_str(enum phone_pin_result r);

/* Checks the PIN of a message from one number against the unit's. `given` is the message's
 * PIN (phone_msg.pin) or NULL when it had none (phone_msg.has_pin false); a PIN that was not
 * 4..8 digits ("" in phone_msg.pin) is a wrong one. `expected` must pass phone_pin_valid().
 * The comparison takes the same time whatever the digits. A lock whose end lies more than
 * PHONE_LOCK_MS ahead (the clock was set back) is shortened to PHONE_LOCK_MS from now; an
 * ended lock is forgotten. The caller persists `*lock` after every call that changed it
 * (phone_lock_changed), before it replies. */
enum phone_pin_result phone_lock_check(struct phone_lock *lock, const char *given, const char *expected,
				       int64_t now_ms);

/* True when `lock` is locked out at `now_ms` (no PIN needed to ask). */
bool phone_lock_active(const struct phone_lock *lock, int64_t now_ms);

/* True when the two states differ: what to persist. */
bool phone_lock_changed(const struct phone_lock *before, const struct phone_lock *after);

#endif
