/* What the tests of the base's store share: a store_fx per test, the base's store opened on
 * it, callbacks that record what the store gave them, and the rows they write (a text to
 * send, an incident). */
#ifndef M2_TEST_STORE_BASE_FIXTURE_H
#define M2_TEST_STORE_BASE_FIXTURE_H

#include "store_base.h"
#include "store_fixture.h"

#include <stdint.h>

#define T0 1764000000000LL

/* CMocka setup and teardown: a fresh store_fx (store_fixture.h) in *state, "base.db". */
int base_setup(void **state);
int base_teardown(void **state);

/* Opens the base's store on fx, read-write; fails the test if it cannot. */
struct store *open_base(struct store_fx *fx);

/* What a store_done_fn was given, and how often. */
struct done {
	int calls;
	int result;
	int64_t id;
};

void on_done(void *ud, int result, int64_t id);

/* Writes `b`; fails the test unless the store answers once with `want`. */
void write_batch(struct store *s, const struct store_base_batch *b, int want);

/* What an outbox claim gave. */
struct claimed {
	int calls;
	int result;
	struct store_sms_out row;
	int64_t next_due;
};

/* Claims the next text due at now_ms for "modem0"; fails the test unless answered once. */
struct claimed claim(struct store *s, int64_t now_ms);

/* An alarm text of incident 3 to `dest`, created at T0, due at next_ms. */
struct store_sms_out text_to(const char *dest, const char *text, int64_t next_ms);

/* Incident `id` of WH1 T1 (high, 9.4C over 8.0C), in `state`, opened at opened_ms. */
struct store_incident incident(uint32_t id, const char *state, int64_t opened_ms);

#endif
