/* The replay window and the receipts made from it: copies and replays are refused, messages
 * that arrive out of order inside the window are taken, and a receipt covers exactly what
 * was accepted, so the unit drops from its outbox what the base has and nothing else. */
#include "proto_window.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

static int take(struct proto_window *w, uint32_t seq)
{
	int rc = proto_window_check(w, seq, NULL);
	if (rc == 0)
		proto_window_accept(w, seq);
	return rc;
}

static void a_store_can_save_the_window_as_it_is(void **state)
{
	(void)state;
	struct proto_window w;
	assert_int_equal(sizeof(w), 24);
	assert_int_equal(offsetof(struct proto_window, top), 0);
	assert_int_equal(offsetof(struct proto_window, zero), 4);
	assert_int_equal(offsetof(struct proto_window, seen), 8);
	memset(&w, 0xAB, sizeof(w));
	proto_window_init(&w);
	uint8_t zeros[sizeof(w)] = {0};
	assert_memory_equal(&w, zeros, sizeof(w));
	for (uint32_t s = 1; s <= 50; s += 3)
		take(&w, s);
	uint8_t saved[sizeof(w)];
	memcpy(saved, &w, sizeof(w));
	struct proto_window back;
	memcpy(&back, saved, sizeof(back));
	for (uint32_t s = 1; s <= 60; s++)
		assert_int_equal(proto_window_check(&back, s, NULL), proto_window_check(&w, s, NULL));
}

static void copies_are_refused_and_late_ones_taken(void **state)
{
	(void)state;
	struct proto_window w;
	struct proto_error err;
	proto_window_init(&w);
	assert_int_equal(proto_window_check(&w, 0, &err), -EINVAL);
	assert_int_equal(err.reason, PROTO_REJECT_SEQ);
	assert_int_equal(take(&w, 7000), 0); /* a new store takes whatever comes first */
	assert_int_equal(take(&w, 7000), -EALREADY);
	assert_int_equal(take(&w, 6990), 0); /* out of order, inside the window */
	assert_int_equal(take(&w, 7002), 0);
	assert_int_equal(take(&w, 7001), 0);
	assert_int_equal(proto_window_check(&w, 6990, &err), -EALREADY);
	assert_int_equal(err.reason, PROTO_REJECT_DUPLICATE);
	assert_int_equal(proto_window_check(&w, 7002, &err), -EALREADY);
	assert_int_equal(proto_window_check(&w, 6995, NULL), 0);
	/* 7002 - 127 is the oldest the window holds; one below is too old. */
	assert_int_equal(proto_window_check(&w, 7002 - 127, NULL), 0);
	assert_int_equal(proto_window_check(&w, 7002 - 128, &err), -ESTALE);
	assert_int_equal(err.reason, PROTO_REJECT_TOO_OLD);
	assert_int_equal(proto_window_check(&w, 1, &err), -ESTALE);
}

static void a_check_changes_nothing_and_a_refused_accept_neither(void **state)
{
	(void)state;
	struct proto_window w, before;
	proto_window_init(&w);
	for (uint32_t s = 100; s < 140; s += 2)
		take(&w, s);
	memcpy(&before, &w, sizeof(w));
	proto_window_check(&w, 141, NULL);
	proto_window_check(&w, 120, NULL);
	proto_window_accept(&w, 120); /* a duplicate */
	proto_window_accept(&w, 3);   /* too old */
	proto_window_accept(&w, 0);
	assert_memory_equal(&w, &before, sizeof(w));
}

static void a_jump_forward_forgets_what_falls_out(void **state)
{
	(void)state;
	struct proto_window w;
	proto_window_init(&w);
	for (uint32_t s = 1; s <= 10; s++)
		take(&w, s);
	assert_int_equal(take(&w, 1000), 0);
	assert_int_equal(proto_window_check(&w, 10, NULL), -ESTALE);
	assert_int_equal(proto_window_check(&w, 873, NULL), 0);
	assert_int_equal(take(&w, 1000 + 64), 0); /* a shift across the word boundary */
	assert_int_equal(proto_window_check(&w, 1000, NULL), -EALREADY);
	assert_int_equal(take(&w, UINT32_MAX), 0);
	assert_int_equal(take(&w, UINT32_MAX), -EALREADY);
	assert_int_equal(take(&w, UINT32_MAX - 127), 0);
	assert_int_equal(proto_window_check(&w, UINT32_MAX - 128, NULL), -ESTALE);
	struct proto_receipt r;
	proto_window_receipt(&w, &r); /* at the very top of the counter, nothing wraps */
	assert_int_equal(r.upto, UINT32_MAX - 127);
	assert_true(proto_receipt_covers(&r, UINT32_MAX));
	assert_false(proto_receipt_covers(&r, UINT32_MAX - 1));
	assert_int_equal(r.beyond[1], (uint64_t)1 << 62);
}

static void a_receipt_says_up_to_where_and_what_beyond(void **state)
{
	(void)state;
	struct proto_window w;
	struct proto_receipt r;
	proto_window_init(&w);
	proto_window_receipt(&w, &r);
	assert_int_equal(r.upto, 0);
	assert_false(proto_receipt_covers(&r, 1));
	for (uint32_t s = 1; s <= 10; s++)
		take(&w, s);
	proto_window_receipt(&w, &r);
	assert_int_equal(r.upto, 10);
	assert_int_equal(r.beyond[0], 0);
	take(&w, 12);
	take(&w, 15);
	proto_window_receipt(&w, &r);
	assert_int_equal(r.upto, 10);
	assert_int_equal(r.beyond[0], 0x12); /* bit 1: 12, bit 4: 15 */
	assert_int_equal(r.beyond[1], 0);
	assert_true(proto_receipt_covers(&r, 1));
	assert_true(proto_receipt_covers(&r, 10));
	assert_false(proto_receipt_covers(&r, 11));
	assert_true(proto_receipt_covers(&r, 12));
	assert_false(proto_receipt_covers(&r, 13));
	assert_true(proto_receipt_covers(&r, 15));
	assert_false(proto_receipt_covers(&r, 16));
	assert_false(proto_receipt_covers(&r, 0));
	take(&w, 11);
	proto_window_receipt(&w, &r);
	assert_int_equal(r.upto, 12);
	assert_int_equal(r.beyond[0], 0x4);
}

static void the_first_message_to_a_new_store_is_covered(void **state)
{
	(void)state;
	struct proto_window w;
	struct proto_receipt r;
	proto_window_init(&w);
	take(&w, 5000);
	proto_window_receipt(&w, &r);
	assert_int_equal(r.upto, 5000 - 128);
	assert_true(proto_receipt_covers(&r, 5000));
	assert_false(proto_receipt_covers(&r, 4999));
	assert_int_equal(r.beyond[1], (uint64_t)1 << 63);
}

static uint64_t next_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* SMS arrive shuffled, some twice, some never: whatever was accepted the receipt covers,
 * whatever the window could still take it does not. */
static void a_receipt_covers_exactly_what_was_accepted(void **state)
{
	(void)state;
	uint64_t rnd = 88172645463325252ULL;
	for (int round = 0; round < 200; round++) {
		struct proto_window w;
		struct proto_receipt r;
		bool got[600] = {false};
		proto_window_init(&w);
		uint32_t base = 1 + (uint32_t)(next_rand(&rnd) % 3);
		for (int i = 0; i < 400; i++) {
			uint32_t s = base + (uint32_t)(i + (int)(next_rand(&rnd) % 40)) % 500;
			if (next_rand(&rnd) % 7 == 0)
				continue;
			int rc = take(&w, s);
			if (rc == 0) {
				assert_false(got[s]);
				got[s] = true;
			} else if (rc == -EALREADY) {
				assert_true(got[s]);
			}
		}
		proto_window_receipt(&w, &r);
		for (uint32_t s = 1; s < 600; s++) {
			bool takeable = proto_window_check(&w, s, NULL) == 0;
			if (got[s])
				assert_true(proto_receipt_covers(&r, s));
			if (takeable && s <= w.top)
				assert_false(proto_receipt_covers(&r, s));
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_store_can_save_the_window_as_it_is),
		cmocka_unit_test(copies_are_refused_and_late_ones_taken),
		cmocka_unit_test(a_check_changes_nothing_and_a_refused_accept_neither),
		cmocka_unit_test(a_jump_forward_forgets_what_falls_out),
		cmocka_unit_test(a_receipt_says_up_to_where_and_what_beyond),
		cmocka_unit_test(the_first_message_to_a_new_store_is_covered),
		cmocka_unit_test(a_receipt_covers_exactly_what_was_accepted),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
