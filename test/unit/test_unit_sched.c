/* The unit's outbox schedule and batching decisions: the backoff doubles up to its cap, the
 * oldest due message goes first with events ahead of readings and new ones ahead of resends, nothing goes
 * beyond the base's window, events fall back once; readings split into runs at a restart, a changed interval,
 * a changed channel set and a page boundary. Pure, no clock. */
#include "unit_batch.h"
#include "unit_clock.h"
#include "unit_sched.h"

#include "proto.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

static void backoff_doubles_up_to_the_cap(void **state)
{
	(void)state;
	assert_int_equal(unit_sched_backoff_ms(1, 120, 3600), 120000);
	assert_int_equal(unit_sched_backoff_ms(2, 120, 3600), 240000);
	assert_int_equal(unit_sched_backoff_ms(5, 120, 3600), 1920000);
	assert_int_equal(unit_sched_backoff_ms(6, 120, 3600), 3600000);
	assert_int_equal(unit_sched_backoff_ms(4000000000u, 120, 3600), 3600000);
	assert_int_equal(unit_sched_backoff_ms(3, 5, 5), 5000);
}

static struct store_unit_msg row(int64_t id, uint32_t seq, uint32_t attempts, int64_t next_ms)
{
	return (struct store_unit_msg){
		.id = id, .seq = seq, .attempts = attempts, .next_ms = next_ms, .kind = PROTO_KIND_READINGS};
}

/* A unit moves to its next base number only after the whole schedule: 2m+4m+...+1h. */
static void patience_is_the_whole_resend_schedule(void **state)
{
	(void)state;
	assert_int_equal(unit_sched_patience_ms(2, 4), 6000);
	assert_int_equal(unit_sched_patience_ms(120, 3600), (2 + 4 + 8 + 16 + 32 + 60) * 60000LL);
	assert_int_equal(unit_sched_patience_ms(60, 60), 60000);
}

static void a_receipt_covers_up_to_and_its_bits(void **state)
{
	(void)state;
	uint8_t bm[16] = {0x05}; /* up_to + 1 and up_to + 3 */
	struct store_receipt r = {.up_to = 10, .bitmap = bm, .bits = 128};
	assert_true(unit_sched_covers(&r, 1));
	assert_true(unit_sched_covers(&r, 10));
	assert_true(unit_sched_covers(&r, 11));
	assert_false(unit_sched_covers(&r, 12));
	assert_true(unit_sched_covers(&r, 13));
	assert_false(unit_sched_covers(&r, 10 + 129));
	r.bitmap = NULL;
	assert_false(unit_sched_covers(&r, 11));
}

static void oldest_first_new_before_resends(void **state)
{
	(void)state;
	struct store_unit_msg m[] = {row(1, 10, 2, 100), row(2, 11, 1, 50), row(3, 12, 0, 90),
				     row(4, 0, 0, 500)};
	struct unit_sched_pick p;
	unit_sched_pick(m, 4, 40, false, &p);
	assert_false(p.found);
	assert_int_equal(p.next_ms, 50);
	unit_sched_pick(m, 4, 100, false, &p);
	assert_true(p.found);
	assert_int_equal(p.index, 2); /* never sent: ahead of the older resends */
	m[2].attempts = 1;
	unit_sched_pick(m, 4, 100, false, &p);
	assert_int_equal(p.index, 0); /* then the oldest */
	assert_int_equal(p.next_ms, 500);
	assert_int_equal(p.oldest_seq, 10);
	unit_sched_pick(m, 0, 100, false, &p);
	assert_false(p.found);
	assert_int_equal(p.next_ms, INT64_MAX);
}

static void nothing_beyond_the_base_window(void **state)
{
	(void)state;
	struct store_unit_msg m[] = {row(1, 5, 1, 1000), row(2, 5 + UNIT_SCHED_AHEAD, 0, 0),
				     row(3, 6 + UNIT_SCHED_AHEAD, 0, 0), row(4, 0, 0, 0)};
	struct unit_sched_pick p;
	unit_sched_pick(m, 4, 10, false, &p);
	assert_true(p.found);
	assert_int_equal(p.index, 1);
	assert_int_equal(p.blocked, 1);
	m[1].attempts = 1;
	m[1].next_ms = 2000;
	unit_sched_pick(m, 4, 10, false, &p);
	assert_int_equal(p.index, 3); /* a text to a phone carries no seq: never held back */
	assert_int_equal(p.next_ms, 1000);
}

/* An alarm due with a report goes first, even a resend of it, even with a higher seq; while a
 * sample is in hand the report and heartbeat wait and say so, the alarm does not. */
static void events_before_readings(void **state)
{
	(void)state;
	struct store_unit_msg m[] = {row(1, 20, 0, 100), row(2, 21, 0, 100), row(3, 22, 1, 100),
				     row(4, 23, 0, 100)};
	m[1].kind = PROTO_KIND_HEARTBEAT;
	m[2].kind = PROTO_KIND_ALARM;
	m[3].kind = PROTO_KIND_CLEAR;
	struct unit_sched_pick p;
	unit_sched_pick(m, 4, 100, false, &p);
	assert_int_equal(p.index, 3); /* a new event first */
	m[3].attempts = 1;
	unit_sched_pick(m, 4, 100, false, &p);
	assert_int_equal(p.index, 2); /* then the oldest event, a resend before a new report */
	m[2].kind = m[3].kind = PROTO_KIND_READINGS;
	unit_sched_pick(m, 4, 100, false, &p);
	assert_int_equal(p.index, 0); /* no event: as before */
	assert_int_equal(p.held, 0);
	m[3].kind = PROTO_KIND_ALARM;
	unit_sched_pick(m, 4, 100, true, &p);
	assert_true(p.found);
	assert_int_equal(p.index, 3);
	assert_int_equal(p.held, 3);
	assert_int_equal(p.next_ms, INT64_MAX); /* the end of the sample kicks, no timer */
	m[3].next_ms = 500;
	unit_sched_pick(m, 4, 100, true, &p);
	assert_false(p.found);
	assert_int_equal(p.next_ms, 500);
}

static void events_fall_back_once(void **state)
{
	(void)state;
	struct store_unit_msg m = row(1, 7, 1, 0);
	m.created_ms = 1000;
	assert_int_equal(unit_sched_fallback_at(&m, 60), INT64_MAX); /* readings never */
	m.kind = PROTO_KIND_ALARM;
	assert_int_equal(unit_sched_fallback_at(&m, 60), 61000);
	m.fallback_ms = 61000;
	assert_int_equal(unit_sched_fallback_at(&m, 60), INT64_MAX);
	m.fallback_ms = 0;
	m.seq = 0;
	assert_int_equal(unit_sched_fallback_at(&m, 60), INT64_MAX);
	assert_true(unit_sched_fallback_kind(PROTO_KIND_POWER));
	assert_false(unit_sched_fallback_kind(PROTO_KIND_HEARTBEAT));
}

/* Ticks of `nch` channels at t0 + i * step_ms. */
static size_t ticks(struct store_unit_reading *r, size_t at, int nch, int64_t t0, int64_t step_ms, int n)
{
	for (int i = 0; i < n; i++)
		for (int c = 0; c < nch; c++, at++)
			r[at] = (struct store_unit_reading){.id = (int64_t)at + 1,
							    .channel = (uint8_t)c,
							    .t_ms = t0 + i * step_ms,
							    .temp_c10 = 40 + i};
	return at;
}

static void readings_split_into_runs(void **state)
{
	(void)state;
	struct store_unit_reading r[64];
	struct unit_batch_run run;
	size_t n = ticks(r, 0, 2, 1000000, 60000, 5);
	n = ticks(r, n, 2, 1000000 + 5 * 60000 + 17000, 60000, 3); /* a restart: off the grid */
	unit_batch_sort(r, n);
	assert_int_equal(unit_batch_first(r, n, false, 60, &run), 0);
	assert_int_equal(run.n_ticks, 5);
	assert_int_equal(run.n_channels, 2);
	assert_int_equal(run.interval_s, 60);
	assert_int_equal(run.first_ms, 1000000);
	assert_int_equal(unit_batch_first(r + 10, n - 10, false, 60, &run), 0);
	assert_int_equal(run.n_ticks, 3);
	/* Jitter within a quarter of the interval stays in the run. */
	n = ticks(r, 0, 1, 0, 10000, 4);
	r[2].t_ms += 2000;
	assert_int_equal(unit_batch_first(r, n, false, 10, &run), 0);
	assert_int_equal(run.n_ticks, 4);
	/* Another channel set, and a page that may cut the last tick. */
	n = ticks(r, 0, 2, 0, 1000, 3);
	n = ticks(r, n, 1, 3000, 1000, 2);
	assert_int_equal(unit_batch_first(r, n, false, 1, &run), 0);
	assert_int_equal(run.n_ticks, 3);
	assert_int_equal(unit_batch_first(r, 6, true, 1, &run), 0);
	assert_int_equal(run.n_ticks, 2);
	assert_int_equal(unit_batch_first(r + 6, 1, false, 30, &run), 0);
	assert_int_equal(run.n_ticks, 1);
	assert_int_equal(run.interval_s, 30);
	assert_int_equal(unit_batch_first(r, 0, false, 30, &run), -ENOENT);
}

static void clock_takes_the_network_over_the_base(void **state)
{
	(void)state;
	struct unit_clock c = {0};
	assert_false(unit_clock_learn(&c, UNIT_CLOCK_BASE, 1000000 + 5000, 1000000)); /* transit: slack */
	assert_int_equal(c.source, UNIT_CLOCK_BASE);
	assert_true(unit_clock_learn(&c, UNIT_CLOCK_BASE, 1000000 + 3600000, 1000000));
	assert_int_equal(unit_clock_now(&c, 2000000), 2000000 + 3600000);
	assert_true(unit_clock_learn(&c, UNIT_CLOCK_NETWORK, 5000000, 1000000));
	assert_false(unit_clock_learn(&c, UNIT_CLOCK_BASE, 9000000, 1000000));
	assert_int_equal(c.offset_ms, 4000000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(backoff_doubles_up_to_the_cap),
		cmocka_unit_test(patience_is_the_whole_resend_schedule),
		cmocka_unit_test(a_receipt_covers_up_to_and_its_bits),
		cmocka_unit_test(oldest_first_new_before_resends),
		cmocka_unit_test(nothing_beyond_the_base_window),
		cmocka_unit_test(events_before_readings),
		cmocka_unit_test(events_fall_back_once),
		cmocka_unit_test(readings_split_into_runs),
		cmocka_unit_test(clock_takes_the_network_over_the_base),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
