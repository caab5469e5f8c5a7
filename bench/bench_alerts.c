/* Alarm engine figures: channel readings evaluated per second over a base's whole fleet
 * (10,000 channels, each with its own state, readings in round-robin order as they arrive),
 * and the cost of one engine tick with many incidents open. Prints figures, never a verdict.
 * Usage: bench_alerts [rounds] (default 100: one million readings). */
#include "alert_channel.h"
#include "alert_engine.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#ifndef M2_BUILD_TYPE
#define M2_BUILD_TYPE "unknown"
#endif
#ifndef M2_SANITIZE
#define M2_SANITIZE 0
#endif

#define CHANNELS 10000

static double seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t next_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void bench_channels(int rounds)
{
	struct alert_channel *ch = calloc(CHANNELS, sizeof(*ch));
	struct alert_channel_cfg *cfg = calloc(CHANNELS, sizeof(*cfg));
	int32_t *v = calloc(CHANNELS, sizeof(*v));
	if (!ch || !cfg || !v) {
		fprintf(stderr, "bench_alerts: out of memory\n");
		exit(1);
	}
	uint64_t s = 88172645463325252ULL, events = 0, sink = 0;
	int64_t now = 1764000000000LL;
	for (int i = 0; i < CHANNELS; i++) {
		alert_channel_cfg_default(&cfg[i]);
		cfg[i].on_delay_s = 300;
		cfg[i].rate.enabled = i % 2 == 0; /* half the fleet also watches the rate */
		cfg[i].rate.delta_c10 = 30;
		cfg[i].rate.window_s = 600;
		alert_channel_init(&ch[i], now);
		v[i] = i % 150 - 30; /* the fleet spread over and between the limits */
	}
	struct alert_channel_event ev[ALERT_CHANNEL_EVENTS_MAX];
	double t0 = seconds();
	for (int r = 0; r < rounds; r++) {
		now += 60000;
		for (int i = 0; i < CHANNELS; i++) {
			v[i] += (int32_t)(next_rand(&s) % 9) - 4; /* drifts across both limits */
			if (v[i] < -60 || v[i] > 140)
				v[i] = i % 150 - 30; /* the fleet spread over and between the limits */
			struct alert_reading rd = {next_rand(&s) % 1000 != 0, v[i]};
			size_t n = alert_channel_feed(&ch[i], &cfg[i], &rd, now, ev);
			events += n;
			sink += n ? (uint64_t)ev[0].value_c10 : 0;
		}
	}
	double dt = seconds() - t0;
	double readings = (double)rounds * CHANNELS;
	printf("channels=%d rounds=%d readings=%.0f events=%llu seconds=%.3f\n", CHANNELS, rounds, readings,
	       (unsigned long long)events, dt);
	printf("readings_per_second=%.0f ns_per_reading=%.1f state_bytes_per_channel=%zu\n", readings / dt,
	       dt * 1e9 / readings, sizeof(struct alert_channel));
	if (sink == 42)
		printf("\n");
	free(ch);
	free(cfg);
	free(v);
}

static void count_sms(const struct alert_action *a, void *user_data)
{
	*(uint64_t *)user_data += a->kind == ALERT_ACTION_SMS;
}

static void bench_engine(void)
{
	struct alert_policy p;
	alert_policy_default(&p);
	p.n_contacts = ALERT_CONTACTS_MAX;
	for (size_t i = 0; i < p.n_contacts; i++) {
		snprintf(p.contacts[i].name, sizeof(p.contacts[i].name), "c%d", (int)i % 100);
		snprintf(p.contacts[i].number, sizeof(p.contacts[i].number), "+100%d", (int)i % 100);
		p.contacts[i].tier = (uint8_t)(1 + i % 2);
	}
	p.cap_contact = p.cap_site = 0;
	uint64_t sms = 0;
	const size_t incidents = 256;
	struct alert_engine *e = alert_engine_new(&p, incidents, 1, count_sms, &sms);
	int64_t now = 1764000000000LL;
	for (size_t i = 0; i < incidents; i++) {
		char unit[16];
		snprintf(unit, sizeof(unit), "u%d", (int)i % 1000);
		alert_engine_raise(e,
				   &(struct alert_report){.unit = unit,
							  .kind = ALERT_KIND_HIGH,
							  .has_value = true,
							  .value_c10 = 95,
							  .threshold_c10 = 80,
							  .since_ms = now},
				   now);
	}
	const int ticks = 2000;
	double t0 = seconds();
	for (int t = 0; t < ticks; t++)
		alert_engine_tick(e, now + (int64_t)t * 1000);
	double dt = seconds() - t0;
	printf("engine: incidents_open=%zu contacts=%zu ticks=%d sms=%llu us_per_tick=%.1f\n", incidents,
	       p.n_contacts, ticks, (unsigned long long)sms, dt * 1e6 / ticks);
	alert_engine_free(e);
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 100;
	if (rounds <= 0 || rounds > 100000) {
		fprintf(stderr, "usage: bench_alerts [rounds 1..100000]\n");
		return 2;
	}
	printf("bench_alerts build_type=%s sanitize=%d\n", M2_BUILD_TYPE, M2_SANITIZE);
	bench_channels(rounds);
	bench_engine();
	return 0;
}
