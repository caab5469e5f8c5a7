/* Inbound SMS per second through one modem line of `m2mon sim --baud 115200`: a burst of a
 * unit's heartbeats (signed, one SMS each) from WH1's phone to the modem, handed over by
 * the real `m2mon base` (until its `event=unit_message` for the last), by gammu-smsd (files
 * backend, default settings: until the last file in its inbox) and by smstools3's smsd
 * (until the last file in its incoming folder), each on a fresh simulator; against the
 * line's own limit, the bytes of one +CMTI, AT+CMGR and AT+CMGD exchange at 10 bits a byte.
 * Usage: bench_inbound PATH-TO-M2MON [MESSAGES [RUNS [BOUND_SECONDS]]]  (figures only) */
#include "bench_time.h"
#include "it_base.h"
#include "sim_ctl.h"

#include <dirent.h>
#include <fcntl.h>
#include <jansson.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#define BAUD     115200
#define MAX_MSGS 1000

static char texts[MAX_MSGS + 1][PROTO_TEXT_MAX];

/* n + 1 heartbeats of WH1, seq 1 (the warm-up) to n + 1. */
static void make_texts(int n)
{
	struct it_base b = {.seq = 1};
	for (int i = 0; i <= n; i++) {
		struct proto_msg m = {.head.kind = PROTO_KIND_HEARTBEAT};
		m.u.status = (struct proto_status){.mains = PROTO_MAINS_ON,
						   .battery_pct = -1,
						   .battery_mv = -1,
						   .csq = 20,
						   .uptime_s = i};
		it_base_unit(&b, &m, NULL, texts[i], sizeof(texts[i]));
	}
}

static void submit(const struct it_sim *sim, int i)
{
	char sock[400];
	snprintf(sock, sizeof(sock), "%s/sim.sock", sim->dir);
	json_t *req = json_pack("{s:s,s:s,s:s,s:s}", "op", "send", "from", IT_WH1_NUMBER, "to",
				IT_BASE_NUMBER, "text", texts[i]);
	json_t *answer = NULL;
	assert_int_equal(sim_ctl_request(sock, req, 5000, &answer), 0);
	json_decref(req);
	json_decref(answer);
}

/* The bytes one message costs the line: the URC, the read and the delete, echo off. */
static int exchange_bytes(const char *text)
{
	int digits = (int)strlen(IT_WH1_NUMBER) - 1, smsc = 1 + 1 + (11 + 1) / 2;
	int tpdu = 1 + 2 + (digits + 1) / 2 + 1 + 1 + 7 + 1 + ((int)strlen(text) * 7 + 7) / 8;
	char head[64];
	int bytes = (int)strlen("\r\n+CMTI: \"SM\",1\r\n") + (int)strlen("AT+CMGR=1\r");
	bytes += snprintf(head, sizeof(head), "\r\n+CMGR: 0,,%d\r\n", tpdu);
	bytes += 2 * (smsc + tpdu) + (int)strlen("\r\n\r\nOK\r\n");
	return bytes + (int)strlen("AT+CMGD=1\r") + (int)strlen("\r\nOK\r\n");
}

/* Files in `dir` (not . or ..); *last_ms gets the newest one's mtime. */
static int files_in(const char *dir, int64_t *last_ms)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;
	char path[700];
	while (d && (e = readdir(d))) {
		struct stat st;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (e->d_name[0] == '.' || stat(path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		n++;
		int64_t ms = (int64_t)st.st_mtim.tv_sec * 1000 + st.st_mtim.tv_nsec / 1000000;
		if (ms > *last_ms)
			*last_ms = ms;
	}
	if (d)
		closedir(d);
	return n;
}

/* Polls `dir` until it holds `count` files or `bound_ms` passed; the newest file's mtime
 * (the measurement) is the peer's own, the poll only decides when to look. */
static bool wait_files(const char *dir, int count, int bound_ms, int64_t *last_ms)
{
	int64_t end = bench_wall_ms() + bound_ms;
	while (files_in(dir, last_ms) < count) {
		if (bench_wall_ms() > end)
			return false;
		struct timespec ts = {.tv_nsec = 20 * 1000000};
		nanosleep(&ts, NULL);
	}
	return true;
}

/* The timestamp of the `count`-th line of `log` holding `needle`. */
static int64_t nth_line_ms(const char *log, const char *needle, int count)
{
	FILE *f = fopen(log, "r");
	char line[4096];
	int n = 0;
	int64_t at = -1;
	while (f && at < 0 && fgets(line, sizeof(line), f))
		if (strstr(line, needle) && ++n == count)
			at = bench_iso_ms(line);
	if (f)
		fclose(f);
	return at;
}

static void print_result(const char *who, int run, int n, int64_t t0, int64_t t_end, bool done)
{
	if (!done) {
		printf("inbound %s run=%d n=%d unfinished\n", who, run, n);
	} else {
		double s = (t_end - t0) / 1000.0;
		printf("inbound %s run=%d n=%d seconds=%.3f per_s=%.2f\n", who, run, n, s, n / s);
	}
	fflush(stdout);
}

static void start_net(struct it_sim *sim, const char *m2mon)
{
	it_base_net(sim, m2mon, false, false, (const char *const[]){"--baud", "115200", NULL});
}

static void run_m2mon(const char *m2mon, int run, int n, int bound_s)
{
	struct it_sim sim;
	struct it_base b = {0};
	start_net(&sim, m2mon);
	it_base_conf(&b, &sim, false, "1d", NULL);
	it_base_start(&b);
	const char *msg[] = {"event=unit_message", "unit=WH1", NULL};
	submit(&sim, 0);
	assert_true(it_base_wait(&b, msg, 1));
	int64_t t0 = bench_wall_ms();
	for (int i = 1; i <= n; i++)
		submit(&sim, i);
	bool done = it_base_wait_ms(&b, msg, n + 1, bound_s * 1000);
	print_result("m2mon", run, n, t0, nth_line_ms(b.log, "event=unit_message unit=WH1", n + 1), done);
	it_base_stop(&b);
	it_sim_stop(&sim);
}

static pid_t spawn(char *const *argv)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		int null = open("/dev/null", O_WRONLY);
		dup2(null, 1);
		dup2(null, 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	return pid;
}

static void stop(pid_t pid)
{
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
}

/* The peer's configuration in root/p, with its incoming folder in `inbox`. */
static void peer_conf(const struct it_sim *sim, bool smstools, char *conf, size_t size, char *inbox,
		      size_t isize)
{
	const char *d = sim->root;
	char text[4096];
	snprintf(text, sizeof(text), "mkdir -p %s/p/in %s/p/out %s/p/sent %s/p/err %s/p/checked", d, d, d, d,
		 d);
	assert_int_equal(system(text), 0);
	snprintf(conf, size, "%s/p/%s", d, smstools ? "smsd.conf" : "smsdrc");
	snprintf(inbox, isize, "%s/p/in", d);
	if (smstools)
		snprintf(text, sizeof(text),
			 "devices = GSM1\noutgoing = %s/p/out\nchecked = %s/p/checked\nincoming = %s/p/in\n"
			 "failed = %s/p/err\nsent = %s/p/sent\nlogfile = %s/p/smsd.log\ninfofile = "
			 "%s/p/smsd.working\n"
			 "pidfile = %s/p/smsd.pid\n\n[GSM1]\ndevice = %s/base.tty\nincoming = yes\nbaudrate "
			 "= %d\n",
			 d, d, d, d, d, d, d, d, sim->dir, BAUD);
	else
		snprintf(text, sizeof(text),
			 "[gammu]\ndevice = %s/base.tty\nconnection = at\n\n[smsd]\nservice = files\n"
			 "inboxpath = %s/p/in/\noutboxpath = %s/p/out/\nsentsmspath = %s/p/sent/\n"
			 "errorsmspath = %s/p/err/\nlogfile = %s/p/smsd.log\n",
			 sim->dir, d, d, d, d, d);
	it_write_file(conf, text);
}

static void run_peer(const char *m2mon, bool smstools, int run, int n, int bound_s)
{
	struct it_sim sim;
	char conf[512], inbox[512];
	int64_t last = 0;
	start_net(&sim, m2mon);
	peer_conf(&sim, smstools, conf, sizeof(conf), inbox, sizeof(inbox));
	char g0[] = "gammu-smsd", s0[] = "smsd", c[] = "-c", t[] = "-t";
	char *gammu[] = {g0, c, conf, NULL}, *smsd[] = {s0, t, c, conf, NULL};
	pid_t pid = spawn(smstools ? smsd : gammu);
	const char *who = smstools ? "smsd" : "gammu-smsd";
	submit(&sim, 0);
	if (!wait_files(inbox, 1, bound_s * 1000, &last)) {
		printf("inbound %s run=%d n=%d unfinished (the warm-up SMS never reached %s)\n", who, run, n,
		       inbox);
	} else {
		int64_t t0 = bench_wall_ms();
		for (int i = 1; i <= n; i++)
			submit(&sim, i);
		bool done = wait_files(inbox, n + 1, bound_s * 1000, &last);
		print_result(who, run, n, t0, last, done);
	}
	stop(pid);
	it_sim_stop(&sim);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s PATH-TO-M2MON [MESSAGES [RUNS [BOUND_SECONDS]]]\n", argv[0]);
		return 2;
	}
	int n = argc > 2 ? atoi(argv[2]) : 100, runs = argc > 3 ? atoi(argv[3]) : 3;
	int bound_s = argc > 4 ? atoi(argv[4]) : 300;
	if (n < 1 || n > MAX_MSGS)
		n = 100;
	proto_init();
	make_texts(n);
	int bytes = exchange_bytes(texts[1]);
	printf("inbound line baud=%d text_chars=%zu bytes_per_msg=%d limit_per_s=%.2f\n", BAUD,
	       strlen(texts[1]), bytes, BAUD / 10.0 / bytes);
	bool smstools = system("command -v smsd >/dev/null 2>&1") == 0;
	for (int r = 1; r <= runs; r++) {
		run_m2mon(argv[1], r, n, bound_s);
		run_peer(argv[1], false, r, n, bound_s);
		if (smstools)
			run_peer(argv[1], true, r, n, bound_s);
		else
			printf("inbound smsd run=%d unavailable (smstools is not installed)\n", r);
	}
	return 0;
}
