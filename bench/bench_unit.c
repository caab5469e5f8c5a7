/* The unit daemon's figures against a real `m2mon sim`: the latency from the sample that
 * crossed a limit to the start of the alarm's AT+CMGS (both from the daemon's own debug
 * trace: "event=sample" and the chat engine's "event=at_send cmd=AT+CMGS"), over a number
 * of alarms raised by changing a file: probe; then, idle with the default intervals
 * (sample 1m, report 1h, heartbeat 6h), its RSS and its wake-ups (voluntary context
 * switches of all its threads, /proc/PID/task/ * /status) over a window (default 3 minutes,
 * so that the 1-minute timers fire a few times whatever the phase).
 * Usage: bench_unit PATH-TO-M2MON [ALARMS [IDLE_SECONDS]]  (figures only, never pass/fail) */
#include "it_unit_util.h"

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

/* Milliseconds of the day from a log line's "2026-12-01T22:43:44.677Z". */
static int64_t line_ms(const char *line)
{
	int h, m, s, ms;
	if (sscanf(line + 11, "%d:%d:%d.%dZ", &h, &m, &s, &ms) != 4)
		return -1;
	return ((int64_t)h * 3600 + m * 60 + s) * 1000 + ms;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* For each alarm: the last sample before it, the first AT+CMGS after it. */
static size_t latencies(const char *log, int64_t *out, size_t max)
{
	FILE *f = fopen(log, "r");
	char line[4096];
	int64_t sample = -1;
	bool alarm = false;
	size_t n = 0;
	while (f && fgets(line, sizeof(line), f) && n < max) {
		if (strstr(line, "event=sample round=scheduled") && !alarm)
			sample = line_ms(line);
		else if (strstr(line, "event=alarm_raised"))
			alarm = true;
		else if (alarm && strstr(line, "event=at_send cmd=\"AT+CMGS")) {
			int64_t d = line_ms(line) - sample;
			out[n++] = d < 0 ? d + 86400000 : d;
			alarm = false;
		}
	}
	if (f)
		fclose(f);
	return n;
}

static void run_alarms(struct it_unit *u, int alarms)
{
	for (int i = 1; i <= alarms; i++) {
		it_unit_probe(u, "9.5");
		assert_true(it_unit_wait(u, (const char *const[]){"event=alarm_raised", NULL}, i));
		assert_true(it_unit_wait(u, (const char *const[]){"event=sent", NULL}, 2 * i - 1));
		it_unit_probe(u, "4.0");
		assert_true(it_unit_wait(u, (const char *const[]){"event=alarm_cleared", NULL}, i));
		assert_true(it_unit_wait(u, (const char *const[]){"event=sent", NULL}, 2 * i));
	}
}

static long proc_field(pid_t pid, const char *task, const char *field)
{
	char path[128], line[256];
	snprintf(path, sizeof(path), "/proc/%d/task/%s/status", (int)pid, task);
	FILE *f = fopen(path, "r");
	long v = -1;
	size_t fl = strlen(field);
	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, field, fl) == 0)
			v = strtol(line + fl, NULL, 10);
	if (f)
		fclose(f);
	return v;
}

/* Voluntary context switches of every thread; `main` gets the main thread's. */
static long switches(pid_t pid, long *main_thread, int *threads)
{
	char dir[64];
	snprintf(dir, sizeof(dir), "/proc/%d/task", (int)pid);
	DIR *d = opendir(dir);
	struct dirent *e;
	long sum = 0;
	*threads = 0;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		long v = proc_field(pid, e->d_name, "voluntary_ctxt_switches:");
		sum += v > 0 ? v : 0;
		(*threads)++;
		if (atoi(e->d_name) == (int)pid)
			*main_thread = v;
	}
	if (d)
		closedir(d);
	return sum;
}

static void idle(struct it_sim *sim, const char *m2mon, int seconds)
{
	struct it_unit u;
	char pidtask[32];
	(void)m2mon;
	it_unit_setup(&u, sim, "", "4.0");
	it_unit_start(&u);
	assert_true(it_unit_wait(&u, (const char *const[]){"event=modem_ready", NULL}, 1));
	snprintf(pidtask, sizeof(pidtask), "%d", (int)u.pid);
	long m0 = 0, m1 = 0;
	int threads = 0;
	long s0 = switches(u.pid, &m0, &threads);
	struct timespec ts = {.tv_sec = seconds};
	nanosleep(&ts, NULL); /* the measurement window itself, not a wait for an event */
	long s1 = switches(u.pid, &m1, &threads);
	long rss = proc_field(u.pid, pidtask, "VmRSS:"), hwm = proc_field(u.pid, pidtask, "VmHWM:");
	printf("idle %ds: rss_kb=%ld peak_kb=%ld threads=%d wakeups_main=%ld (%.1f/min) wakeups_all=%ld "
	       "(%.1f/min)\n",
	       seconds, rss, hwm, threads, m1 - m0, (m1 - m0) * 60.0 / seconds, s1 - s0,
	       (s1 - s0) * 60.0 / seconds);
	printf("  timers armed while idle: sample every 1m (with a thread-pool read per file: probe), the "
	       "modem's status poll every 60s (AT+CSQ, AT+CREG?, AT+CPMS?), its sweep every 300s; report 1h "
	       "and heartbeat 6h fall outside a short window\n");
	it_unit_stop(&u);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s PATH-TO-M2MON [ALARMS [IDLE_SECONDS]]\n", argv[0]);
		return 2;
	}
	int alarms = argc > 2 ? atoi(argv[2]) : 20, seconds = argc > 3 ? atoi(argv[3]) : 180;
	proto_init();
	struct it_sim sim;
	it_sim_start(&sim, argv[1], it_unit_net);
	struct it_unit u;
	it_unit_setup(&u, &sim, "sample_interval = \"1s\"; report_interval = \"1h\"; heartbeat = \"1h\";",
		      "4.0");
	it_unit_start(&u);
	assert_true(it_unit_wait(&u, (const char *const[]){"event=modem_ready", NULL}, 1));
	run_alarms(&u, alarms);
	it_unit_stop(&u);
	int64_t lat[1024];
	size_t n = latencies(u.log, lat, 1024);
	qsort(lat, n, sizeof(lat[0]), cmp_i64);
	if (n)
		printf("sample to AT+CMGS, %zu alarms (file: probe, 1 s samples): p50=%lld ms p90=%lld ms "
		       "max=%lld "
		       "ms\n",
		       n, (long long)lat[n / 2], (long long)lat[n * 9 / 10], (long long)lat[n - 1]);
	it_sim_stop(&sim);
	it_sim_start(&sim, argv[1], it_unit_net);
	idle(&sim, argv[1], seconds);
	it_sim_stop(&sim);
	return 0;
}
