/* The SMSC engine alone (no PTY, no AT): SMS-SUBMITs from one modem routed to another with
 * fake hooks and a fake clock, to show what the network core costs per SMS.
 * Usage: bench_sim_net [COUNT]  (prints figures; never pass/fail on a stopwatch) */
#include "log.h"
#include "sim_net.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct sink {
	long delivered;
};

static int deliver(void *user, int modem, const uint8_t *tpdu, size_t len, uint64_t now)
{
	(void)modem;
	(void)tpdu;
	(void)len;
	(void)now;
	((struct sink *)user)->delivered++;
	return 0;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void run(const char *label, long count, int latency_ms, double loss, double dup, double reorder)
{
	struct sim_settings s;
	memset(&s, 0, sizeof(s));
	s.latency_ms = latency_ms;
	s.loss = loss;
	s.duplicate = dup;
	s.reorder = reorder;
	s.seed = 1;
	s.n_modems = 2;
	strcpy(s.modems[0].name, "a");
	strcpy(s.modems[0].number, "+15550001000");
	strcpy(s.modems[1].name, "b");
	strcpy(s.modems[1].number, "+15550002000");
	struct sink sink = {0};
	struct sim_net_hooks hooks = {.deliver = deliver, .status_report = deliver};
	struct sim_net *net = sim_net_new(&s, 1795594298000ull, 1000, &hooks, &sink);
	/* An SMS-SUBMIT to b as gammu sends it (TS 23.040 9.2.2.2), text "hello" */
	const uint8_t submit[] = {0x11, 0x00, 0x0B, 0x91, 0x51, 0x55, 0x00, 0x20, 0x00, 0xF0,
				  0x00, 0x00, 0xFF, 0x05, 0xE8, 0x32, 0x9B, 0xFD, 0x06};
	double t0 = now_s();
	uint64_t t = 0;
	for (long i = 0; i < count; i++, t++) {
		sim_net_modem_submit(net, 0, submit, sizeof(submit), t);
		if (sim_net_next_deadline(net) <= t)
			sim_net_tick(net, t);
	}
	uint64_t d;
	while ((d = sim_net_next_deadline(net)) != UINT64_MAX)
		sim_net_tick(net, d);
	double dt = now_s() - t0;
	printf("%-34s %8ld submitted, %8ld delivered in %7.1f ms: %9.0f SMS/s\n", label, count,
	       sink.delivered, dt * 1000, count / dt);
	sim_net_free(net);
}

int main(int argc, char **argv)
{
	long count = argc > 1 ? strtol(argv[1], NULL, 10) : 100000;
	log_setup(LOG_LEVEL_WARN, false, "bench_sim_net"); /* one line per lost SMS is not the subject */
	run("latency 0", count, 0, 0, 0, 0);
	run("latency 200 ms (queue grows)", count, 200, 0, 0, 0);
	run("loss/dup/reorder 0.1 each", count, 0, 0.1, 0.1, 0.1);
	return 0;
}
