/* The PIN check with lockout per number: a plain state the caller stores, time injected, the
 * digits compared in constant time so that timing tells nothing about a PIN. */
#include "phone_pin.h"

#include "phone_cmd.h"
#include "phone_value.h"

#include <assert.h>
#include <string.h>

const char *phone_pin_result_str(enum phone_pin_result r)
{
	switch (r) {
	case PHONE_PIN_OK:
		return "ok";
	case PHONE_PIN_MISSING:
		return "missing";
	case PHONE_PIN_WRONG:
		return "wrong";
	case PHONE_PIN_LOCKOUT:
		return "lockout";
	case PHONE_PIN_LOCKED:
		return "locked";
	}
	return "?";
}

static int64_t add_sat(int64_t a, int64_t b)
{
	int64_t r;
	return __builtin_add_overflow(a, b, &r) ? (b > 0 ? INT64_MAX : INT64_MIN) : r;
}

/* Equal PINs, in time that depends on neither (both are at most PHONE_PIN_SIZE bytes read). */
static bool pin_equal(const char *given, const char *expected)
{
	unsigned char a[PHONE_PIN_SIZE + 1] = {0}, b[PHONE_PIN_SIZE + 1] = {0};
	size_t na = strnlen(given, PHONE_PIN_SIZE + 1), nb = strnlen(expected, PHONE_PIN_SIZE);
	memcpy(a, given, na > PHONE_PIN_SIZE ? PHONE_PIN_SIZE : na);
	memcpy(b, expected, nb);
	unsigned diff = na > PHONE_PIN_MAX_DIGITS || na == 0;
	for (size_t i = 0; i < sizeof(a); i++)
		diff |= (unsigned)(a[i] ^ b[i]);
	return diff == 0;
}

bool phone_lock_active(const struct phone_lock *lock, int64_t now_ms)
{
	return lock->locked_until_ms != 0 && now_ms < lock->locked_until_ms;
}

enum phone_pin_result phone_lock_check(struct phone_lock *lock, const char *given, const char *expected,
				       int64_t now_ms)
{
	assert(lock && expected && phone_pin_valid(expected) == 0);
	if (lock->locked_until_ms != 0) {
		int64_t longest = add_sat(now_ms, PHONE_LOCK_MS);
		if (lock->locked_until_ms > longest)
			lock->locked_until_ms = longest; /* the clock was set back */
		if (now_ms < lock->locked_until_ms)
			return PHONE_PIN_LOCKED;
		lock->locked_until_ms = 0;
		lock->failures = 0;
	}
	if (!given)
		return PHONE_PIN_MISSING;
	if (pin_equal(given, expected)) {
		lock->failures = 0;
		return PHONE_PIN_OK;
	}
	if (lock->failures < PHONE_LOCK_TRIES)
		lock->failures++;
	if (lock->failures < PHONE_LOCK_TRIES)
		return PHONE_PIN_WRONG;
	lock->locked_until_ms = add_sat(now_ms, PHONE_LOCK_MS);
	if (lock->locked_until_ms == 0)
		lock->locked_until_ms = 1; /* 0 means unlocked: a lock at the epoch's start */
	return PHONE_PIN_LOCKOUT;
}

bool phone_lock_changed(const struct phone_lock *before, const struct phone_lock *after)
{
	return before->failures != after->failures || before->locked_until_ms != after->locked_until_ms;
}
