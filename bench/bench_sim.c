/* SMS routed per second between two virtual modems of a real `m2mon sim`, through their PTYs:
 * modem a sends with AT+CMGS (PDU mode, one after the other, as a client must), modem b has
 * +CNMI=2,2 so every SMS reaches it as a +CMT URC. Unpaced, then at --baud 115200.
 * Usage: bench_sim PATH-TO-M2MON [COUNT]  (prints figures; never pass/fail on a stopwatch) */
#include "it_util.h"

#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

static int64_t mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Counts "+CMT:" in the receiving modem's stream, across reads. */
struct counter {
	char tail[8];
	long seen;
};

static void count_cmt(struct counter *c, const char *buf, size_t n)
{
	char scan[4096 + 8];
	size_t t = strlen(c->tail);
	memcpy(scan, c->tail, t);
	memcpy(scan + t, buf, n);
	scan[t + n] = '\0';
	for (const char *p = scan; (p = strstr(p, "+CMT:")) != NULL; p += 5)
		c->seen++;
	size_t keep = t + n < 4 ? t + n : 4;
	memcpy(c->tail, scan + t + n - keep, keep);
	c->tail[keep] = '\0';
}

/* Reads both modems until the sender's stream holds `want` (NULL: until `c` saw `total`). */
static int pump(int a, char *acc, size_t acc_size, const char *want, int b, struct counter *c, long total)
{
	size_t len = strlen(acc);
	int64_t deadline = mono_us() + 30 * 1000000;
	while (want ? !strstr(acc, want) : c->seen < total) {
		if (mono_us() > deadline)
			return -ETIMEDOUT;
		struct pollfd p[2] = {{.fd = a, .events = POLLIN}, {.fd = b, .events = POLLIN}};
		if (poll(p, 2, 1000) <= 0)
			continue;
		char buf[4096];
		if (p[0].revents & POLLIN) {
			ssize_t n = read(a, buf, sizeof(buf));
			if (n > 0 && len + (size_t)n < acc_size) {
				memcpy(acc + len, buf, (size_t)n);
				len += (size_t)n;
				acc[len] = '\0';
			}
		}
		if (p[1].revents & POLLIN) {
			ssize_t n = read(b, buf, sizeof(buf));
			if (n > 0)
				count_cmt(c, buf, (size_t)n);
		}
	}
	return 0;
}

static int open_modem(const struct it_sim *sim, const char *name)
{
	char path[400];
	int fd = it_at_open(it_tty(sim, name, path, sizeof(path)));
	if (!it_at_cmd(fd, "ATE0", NULL, 0) || !it_at_cmd(fd, "AT+CMGF=0", NULL, 0) || !it_at_registered(fd))
		return -1;
	return fd;
}

static void run(const char *m2mon, const char *label, const char *const *args, long count)
{
	struct it_sim sim;
	it_sim_start(&sim, m2mon, args);
	int a = open_modem(&sim, "a"), b = open_modem(&sim, "b");
	if (a < 0 || b < 0 || !it_at_cmd(b, "AT+CNMI=2,2,0,0,0", NULL, 0)) {
		fprintf(stderr, "bench_sim: modems did not initialise\n");
		exit(1);
	}
	char hex[400], cmd[32];
	int len = it_submit_hex("+15550002000", "T1=4.5 T2=5.0 T3=-18.2 batt=3.61V seq=12345", hex,
				sizeof(hex) - 1);
	strcat(hex, "\x1a");
	snprintf(cmd, sizeof(cmd), "AT+CMGS=%d\r", len);
	struct counter c = {.seen = 0};
	int64_t t0 = mono_us();
	for (long i = 0; i < count; i++) {
		char acc[4096] = "";
		it_at_write(a, cmd);
		if (pump(a, acc, sizeof(acc), "> ", b, &c, 0) < 0)
			break;
		acc[0] = '\0';
		it_at_write(a, hex);
		if (pump(a, acc, sizeof(acc), "OK\r\n", b, &c, 0) < 0 || !strstr(acc, "+CMGS:"))
			break;
	}
	int64_t sent_us = mono_us() - t0;
	pump(a, (char[8]){0}, 8, NULL, b, &c, count);
	int64_t all_us = mono_us() - t0;
	printf("%-22s %5ld SMS sent in %7.1f ms, %5ld received in %7.1f ms: %7.1f SMS/s routed\n", label,
	       count, sent_us / 1000.0, c.seen, all_us / 1000.0, c.seen * 1e6 / (double)all_us);
	close(a);
	close(b);
	it_sim_stop(&sim);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s PATH-TO-M2MON [COUNT]\n", argv[0]);
		return 2;
	}
	long count = argc > 2 ? strtol(argv[2], NULL, 10) : 500;
	static const char *const unpaced[] = {"--modem", "a=+15550001000", "--modem", "b=+15550002000", NULL};
	static const char *const paced[] = {"--modem", "a=+15550001000", "--modem", "b=+15550002000",
					    "--baud",  "115200",         NULL};
	run(argv[1], "unpaced", unpaced, count);
	run(argv[1], "--baud 115200", paced, count);
	return 0;
}
