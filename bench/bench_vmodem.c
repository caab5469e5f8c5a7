/* How fast one virtual modem answers, with no line pacing: AT command lines, PDU-mode sends
 * through the prompt, and the receive cycle a daemon runs (deliver, +CMTI, +CMGR, +CMGD).
 * Prints figures; it passes or fails nothing. Usage: bench_vmodem [iterations] */
#include "vmodem.h"

#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void sink(void *user, const void *buf, size_t len)
{
	size_t *out_bytes = user;
	(void)buf;
	*out_bytes += len;
}

static int accept(void *user, const uint8_t *tpdu, size_t len, uint8_t mr)
{
	(void)user;
	(void)tpdu;
	(void)len;
	(void)mr;
	return 0;
}

static double seconds(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void report(const char *what, long n, double dt, size_t bytes_in, size_t *out_bytes)
{
	printf("%-38s %9ld in %.3f s  %10.0f /s  %7.1f MB/s in+out\n", what, n, dt, (double)n / dt,
	       (double)(bytes_in + *out_bytes) / dt / 1e6);
	*out_bytes = 0;
}

static void type(struct vmodem *vm, const char *s, uint64_t now)
{
	vmodem_input(vm, s, strlen(s), now);
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 100000;
	log_setup(LOG_LEVEL_ERROR, false, "bench");
	struct vmodem_config cfg = {.name = "bench",
				    .number = "+15550001000",
				    .smsc = "+15550000000",
				    .model = VMODEM_MODEL_GENERIC,
				    .slots = 30,
				    .seed = 1};
	struct vmodem_hooks hooks = {sink, accept};
	size_t out_bytes = 0;
	struct vmodem *vm = vmodem_new(&cfg, &hooks, &out_bytes);
	if (!vm)
		return 1;
	uint64_t now = 1;
	vmodem_power_on(vm, now);

	const char *line = "AT+CSQ\r";
	double t0 = seconds();
	for (long i = 0; i < n; i++)
		type(vm, line, ++now);
	report("AT+CSQ lines (echo on)", n, seconds() - t0, (size_t)n * strlen(line), &out_bytes);

	const char *pdu = "07915155000000F011000891515500100000FF05E8329BFD06\x1a";
	t0 = seconds();
	for (long i = 0; i < n; i++) {
		type(vm, "AT+CMGS=17\r", ++now);
		type(vm, pdu, ++now);
	}
	report("PDU sends (AT+CMGS, prompt, PDU, ^Z)", n, seconds() - t0, (size_t)n * (11 + strlen(pdu)),
	       &out_bytes);

	static const uint8_t deliver[] = {0x04, 0x08, 0x91, 0x51, 0x55, 0x00, 0x20, 0x00, 0x00,
					  0x62, 0x11, 0x52, 0x80, 0x93, 0x85, 0x00, 0x13, 0xC8,
					  0x32, 0x9B, 0xFD, 0x06, 0x99, 0xE5, 0xEF, 0x36, 0x68,
					  0x5E, 0x76, 0xCF, 0xDF, 0x72, 0x50, 0x0C};
	type(vm, "AT+CNMI=2,1,0,0,0\r", ++now);
	t0 = seconds();
	for (long i = 0; i < n; i++) {
		if (vmodem_deliver(vm, deliver, sizeof(deliver), ++now) != 0)
			return 1;
		type(vm, "AT+CMGR=1\r", ++now);
		type(vm, "AT+CMGD=1\r", ++now);
	}
	report("receive cycles (deliver, CMGR, CMGD)", n, seconds() - t0, (size_t)n * 20, &out_bytes);
	vmodem_free(vm);
	return 0;
}
