/* Channel evaluation on the unit, with a fake clock: defrost cycles stay quiet, a value on a
 * limit makes no storm, delays and hysteresis decide raise and clear, probe faults and fast
 * changes alarm on their own. */
#include "alert_channel.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#define MIN_MS (60 * 1000)
#define T0     1764000000000LL

struct run {
	struct alert_channel_cfg cfg;
	struct alert_channel ch;
	struct alert_channel_event ev[256];
	size_t n;
};

static void start(struct run *r)
{
	memset(r, 0, sizeof(*r));
	alert_channel_cfg_default(&r->cfg);
	alert_channel_init(&r->ch, T0);
}

static void keep(struct run *r, const struct alert_channel_event *ev, size_t n)
{
	assert_true(r->n + n <= 256);
	memcpy(&r->ev[r->n], ev, n * sizeof(*ev));
	r->n += n;
}

static void feed(struct run *r, int32_t temp_c10, int64_t t_ms)
{
	struct alert_channel_event ev[ALERT_CHANNEL_EVENTS_MAX];
	struct alert_reading rd = {true, temp_c10};
	keep(r, ev, alert_channel_feed(&r->ch, &r->cfg, &rd, t_ms, ev));
}

static void feed_fail(struct run *r, int64_t t_ms)
{
	struct alert_channel_event ev[ALERT_CHANNEL_EVENTS_MAX];
	struct alert_reading rd = {false, 0};
	keep(r, ev, alert_channel_feed(&r->ch, &r->cfg, &rd, t_ms, ev));
}

static void tick(struct run *r, int64_t t_ms)
{
	struct alert_channel_event ev[ALERT_CHANNEL_EVENTS_MAX];
	keep(r, ev, alert_channel_tick(&r->ch, &r->cfg, t_ms, ev));
}

/* One reading a minute from minute `from` to `to` (exclusive) at `temp_c10`. */
static void hold(struct run *r, int32_t temp_c10, int from, int to)
{
	for (int m = from; m < to; m++)
		feed(r, temp_c10, T0 + (int64_t)m * MIN_MS);
}

static void defrost_shorter_than_the_delay_raises_nothing(void **state)
{
	(void)state;
	struct run r;
	start(&r);
	hold(&r, 40, 0, 10);
	hold(&r, 120, 10, 30); /* a 20-minute defrost at 12.0 under a 30-minute delay */
	hold(&r, 40, 30, 90);
	assert_int_equal(r.n, 0);
	hold(&r, 120, 90, 122); /* the door stays open: 31 minutes */
	assert_int_equal(r.n, 1);
	assert_int_equal(r.ev[0].edge, ALERT_EDGE_RAISE);
	assert_int_equal(r.ev[0].level, ALERT_LEVEL_HIGH);
	assert_int_equal(r.ev[0].since_ms, T0 + 90 * MIN_MS);
	assert_int_equal(r.ev[0].at_ms, T0 + 120 * MIN_MS);
	assert_int_equal(r.ev[0].value_c10, 120);
	assert_int_equal(r.ev[0].threshold_c10, 80);
}

static void value_sitting_on_the_limit_makes_no_storm(void **state)
{
	(void)state;
	struct run r;
	start(&r);
	r.cfg.on_delay_s = 0;
	r.cfg.off_delay_s = 0;
	for (int i = 0; i < 500; i++)
		feed(&r, 80, T0 + i * 1000); /* exactly on the limit */
	assert_int_equal(r.n, 0);
	for (int i = 500; i < 1000; i++)
		feed(&r, i % 2 ? 81 : 79, T0 + i * 1000); /* dithering across it */
	assert_int_equal(r.n, 1);
	assert_int_equal(r.ev[0].edge, ALERT_EDGE_RAISE);
	feed(&r, 75, T0 + 1000 * 1000); /* down to limit - hysteresis */
	assert_int_equal(r.n, 2);
	assert_int_equal(r.ev[1].edge, ALERT_EDGE_CLEAR);
	assert_int_equal(r.ev[1].threshold_c10, 75);
}

static void clear_waits_for_the_off_delay_to_hold(void **state)
{
	(void)state;
	struct run r;
	start(&r);
	r.cfg.on_delay_s = 60;
	hold(&r, 100, 0, 5);
	assert_int_equal(r.n, 1);
	hold(&r, 50, 5, 6);
	hold(&r, 78, 6, 7); /* back into the dead band: the off-delay starts over */
	hold(&r, 50, 7, 9);
	assert_int_equal(r.n, 1);
	tick(&r, T0 + 9 * MIN_MS); /* 2 minutes of good readings since minute 7 */
	assert_int_equal(r.n, 2);
	assert_int_equal(r.ev[1].edge, ALERT_EDGE_CLEAR);
	assert_int_equal(r.ev[1].since_ms, T0 + 7 * MIN_MS);
}

static void delay_runs_out_between_samples(void **state)
{
	(void)state;
	struct run r;
	start(&r);
	r.cfg.on_delay_s = 90;
	feed(&r, 100, T0);
	feed(&r, 100, T0 + 60000);
	assert_int_equal(r.n, 0);
	tick(&r, T0 + 89999);
	assert_int_equal(r.n, 0);
	tick(&r, T0 + 90000);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.ev[0].at_ms, T0 + 90000);
}

static void critical_levels_raise_and_clear_in_order(void **state)
{
	(void)state;
	struct run r;
	start(&r);
	r.cfg.on_delay_s = r.cfg.off_delay_s = 0;
	r.cfg.high_high = (struct alert_limit){true, 150};
	r.cfg.low_low = (struct alert_limit){true, -100};
	feed(&r, 200, T0);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.ev[0].level, ALERT_LEVEL_HIGH);
	assert_int_equal(r.ev[1].level, ALERT_LEVEL_HIGH_HIGH);
	feed(&r, 120, T0 + 1000);
	assert_int_equal(r.n, 3);
	assert_int_equal(r.ev[2].level, ALERT_LEVEL_HIGH_HIGH);
	assert_int_equal(r.ev[2].edge, ALERT_EDGE_CLEAR);
	assert_true(alert_channel_raised(&r.ch, ALERT_LEVEL_HIGH));
	feed(&r, -150, T0 + 2000);
	assert_int_equal(r.n, 6); /* HIGH clears, LOW and LOW_LOW raise */
	assert_int_equal(r.ev[3].level, ALERT_LEVEL_LOW_LOW);
	assert_int_equal(r.ev[4].level, ALERT_LEVEL_LOW);
	assert_int_equal(r.ev[5].level, ALERT_LEVEL_HIGH);
	assert_int_equal(r.ev[5].edge, ALERT_EDGE_CLEAR);
}

static void failed_reads_raise_a_probe_fault_and_hold_the_alarm(void **state)
{
	(void)state;
	struct run r;
	start(&r);
	r.cfg.on_delay_s = 0;
	feed(&r, 120, T0);
	assert_int_equal(r.n, 1);
	for (int s = 1; s <= 3; s++)
		feed_fail(&r, T0 + s * MIN_MS); /* the probe came loose */
	assert_int_equal(r.n, 2);
	assert_int_equal(r.ev[1].level, ALERT_LEVEL_PROBE);
	assert_int_equal(r.ev[1].edge, ALERT_EDGE_RAISE);
	assert_int_equal(r.ev[1].since_ms, T0 + MIN_MS);
	assert_true(alert_channel_raised(&r.ch, ALERT_LEVEL_HIGH)); /* no false all-clear */
	feed(&r, 1900, T0 + 4 * MIN_MS); /* out of the probe's range: still a fault */
	hold(&r, 40, 5, 8);
	assert_int_equal(r.n, 4);
	assert_int_equal(r.ev[2].level, ALERT_LEVEL_HIGH);
	assert_int_equal(r.ev[2].edge, ALERT_EDGE_CLEAR);
	assert_int_equal(r.ev[3].level, ALERT_LEVEL_PROBE);
	assert_int_equal(r.ev[3].edge, ALERT_EDGE_CLEAR);
}

static void a_pending_alarm_starts_over_after_a_bad_read(void **state)
{
	(void)state;
	struct run r;
	start(&r);
	r.cfg.on_delay_s = 10 * 60;
	hold(&r, 120, 0, 6);
	feed_fail(&r, T0 + 6 * MIN_MS);
	hold(&r, 120, 7, 16);
	assert_int_equal(r.n, 0);
	hold(&r, 120, 16, 18);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.ev[0].since_ms, T0 + 7 * MIN_MS);
}

static void missing_samples_become_a_probe_fault(void **state)
{
	(void)state;
	struct run r;
	start(&r);
	hold(&r, 40, 0, 1);
	tick(&r, T0 + 3 * MIN_MS); /* 3 intervals: not yet missing */
	assert_int_equal(r.n, 0);
	tick(&r, T0 + 3 * MIN_MS + 1);
	tick(&r, T0 + 5 * MIN_MS + 1); /* fault_delay 2 minutes later */
	assert_int_equal(r.n, 1);
	assert_int_equal(r.ev[0].level, ALERT_LEVEL_PROBE);
	hold(&r, 40, 6, 9);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.ev[1].edge, ALERT_EDGE_CLEAR);
}

static void fast_change_raises_slow_drift_does_not(void **state)
{
	(void)state;
	struct run r;
	start(&r);
	r.cfg.high.enabled = r.cfg.low.enabled = false;
	r.cfg.on_delay_s = r.cfg.off_delay_s = 0;
	r.cfg.rate.enabled = true;
	r.cfg.rate.delta_c10 = 30;
	r.cfg.rate.window_s = 10 * 60;
	for (int m = 0; m < 120; m++)
		feed(&r, -180 + m, T0 + (int64_t)m * MIN_MS); /* 0.1 a minute: 1.0 per window */
	assert_int_equal(r.n, 0);
	feed(&r, -61 + 35, T0 + 121 * MIN_MS); /* +3.5 in a minute */
	assert_int_equal(r.n, 1);
	assert_int_equal(r.ev[0].level, ALERT_LEVEL_RATE);
	assert_int_equal(r.ev[0].threshold_c10, 30);
	hold(&r, -26, 122, 140); /* steady: the window forgets the jump */
	assert_int_equal(r.n, 2);
	assert_int_equal(r.ev[1].edge, ALERT_EDGE_CLEAR);
}

static void settings_that_contradict_each_other_are_refused(void **state)
{
	(void)state;
	struct alert_channel_cfg cfg;
	const char *why = NULL;
	alert_channel_cfg_default(&cfg);
	assert_int_equal(alert_channel_cfg_check(&cfg, &why), 0);
	cfg.hysteresis_c10 = 0;
	assert_int_equal(alert_channel_cfg_check(&cfg, &why), -EINVAL);
	assert_non_null(strstr(why, "hysteresis"));
	alert_channel_cfg_default(&cfg);
	cfg.high_high = (struct alert_limit){true, 70};
	assert_int_equal(alert_channel_cfg_check(&cfg, &why), -EINVAL);
	assert_non_null(strstr(why, "order"));
	alert_channel_cfg_default(&cfg);
	cfg.high.temp_c10 = 2000;
	assert_int_equal(alert_channel_cfg_check(&cfg, NULL), -EINVAL);
	alert_channel_cfg_default(&cfg);
	cfg.rate.enabled = true;
	assert_int_equal(alert_channel_cfg_check(&cfg, &why), -EINVAL);
	assert_non_null(strstr(why, "rate"));
}

/* A dead band reaching past the probe's range would keep an alarm raised for ever: a high of
 * 8.0 with a hysteresis of 70.0 could only clear at -62.0, which a DS18B20 never reads. */
static void a_limit_that_could_never_clear_is_refused(void **state)
{
	(void)state;
	struct alert_channel_cfg cfg;
	const char *why = NULL;
	alert_channel_cfg_default(&cfg);
	cfg.low.enabled = false;
	cfg.hysteresis_c10 = 700;
	assert_int_equal(alert_channel_cfg_check(&cfg, &why), -EINVAL);
	assert_non_null(strstr(why, "hysteresis"));
	cfg.hysteresis_c10 = 600; /* clears at -52.0: inside the range */
	assert_int_equal(alert_channel_cfg_check(&cfg, &why), 0);
	cfg.hysteresis_c10 = INT32_MAX;
	cfg.high.temp_c10 = -500;
	assert_int_equal(alert_channel_cfg_check(&cfg, &why), -EINVAL);
	alert_channel_cfg_default(&cfg);
	cfg.high.enabled = false;
	cfg.hysteresis_c10 = 1300; /* a low of 0.0 would clear at 130.0, above 125.0 */
	assert_int_equal(alert_channel_cfg_check(&cfg, &why), -EINVAL);
}

/* Sizes from a config file are not trusted: a missing-sample span that overflows the clock
 * arithmetic is refused, not left to wrap. */
static void a_missing_sample_span_beyond_reason_is_refused(void **state)
{
	(void)state;
	struct alert_channel_cfg cfg;
	const char *why = NULL;
	alert_channel_cfg_default(&cfg);
	cfg.sample_interval_s = UINT32_MAX;
	cfg.missing_samples = UINT32_MAX;
	assert_int_equal(alert_channel_cfg_check(&cfg, &why), -EINVAL);
	assert_non_null(strstr(why, "missing_samples"));
	cfg.sample_interval_s = 3600;
	cfg.missing_samples = 24 * 7; /* a week of hourly samples is fine */
	assert_int_equal(alert_channel_cfg_check(&cfg, &why), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defrost_shorter_than_the_delay_raises_nothing),
		cmocka_unit_test(value_sitting_on_the_limit_makes_no_storm),
		cmocka_unit_test(clear_waits_for_the_off_delay_to_hold),
		cmocka_unit_test(delay_runs_out_between_samples),
		cmocka_unit_test(critical_levels_raise_and_clear_in_order),
		cmocka_unit_test(failed_reads_raise_a_probe_fault_and_hold_the_alarm),
		cmocka_unit_test(a_pending_alarm_starts_over_after_a_bad_read),
		cmocka_unit_test(missing_samples_become_a_probe_fault),
		cmocka_unit_test(fast_change_raises_slow_drift_does_not),
		cmocka_unit_test(settings_that_contradict_each_other_are_refused),
		cmocka_unit_test(a_limit_that_could_never_clear_is_refused),
		cmocka_unit_test(a_missing_sample_span_beyond_reason_is_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
