/* Alarm latency, sample to the tier-1 phone's inbox, on one `m2mon sim --baud 115200`: the
 * real `m2mon unit` (a file: probe the bench writes, sampled every second) reporting to the
 * real `m2mon base`, which texts Alice; then the same unit reporting to gammu-smsd (files
 * backend, its default intervals) whose RunOnReceive hook texts Alice the unit's sentence
 * through gammu-smsd-inject; then smstools3's smsd with an eventhandler doing the same
 * through its outgoing folder. From the unit's `event=sample` of the round that raised the
 * alarm, and from the bench's write of the value, to the phone's delivery in sms.jsonl.
 * Usage: bench_alarm PATH-TO-M2MON [ALARMS [PEER_SECONDS]]  (figures only, never pass/fail) */
#include "bench_time.h"
#include "it_base.h"

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
#include <unistd.h>

#include <cmocka.h>

#define GAMMU_NUMBER "+15550001002"
#define SMSD_NUMBER  "+15550001003"
#define MAX_ALARMS   1000

struct run {
	int n;
	int64_t write_ms[MAX_ALARMS], sample_ms[MAX_ALARMS], got_ms[MAX_ALARMS];
	char value[MAX_ALARMS][24];
};

/* The raising sample of each alarm: the last `event=sample` before each `event=alarm_raised`. */
static int raising_samples(const char *log, int64_t *out, int max)
{
	FILE *f = fopen(log, "r");
	char line[4096];
	int64_t sample = -1;
	int n = 0;
	while (f && fgets(line, sizeof(line), f) && n < max) {
		if (strstr(line, "event=sample round=scheduled"))
			sample = bench_iso_ms(line);
		else if (strstr(line, "event=alarm_raised"))
			out[n++] = sample;
	}
	if (f)
		fclose(f);
	return n;
}

/* When Alice first got a text holding `tag` and " VALUE C": -1 if never. */
static int64_t delivered_ms(const struct it_sim *sim, const char *tag, const char *value)
{
	char path[400], want[32];
	snprintf(path, sizeof(path), "%s/sms.jsonl", sim->dir);
	snprintf(want, sizeof(want), " %sC", value);
	FILE *f = fopen(path, "r");
	char line[8192];
	int64_t at = -1;
	while (f && at < 0 && fgets(line, sizeof(line), f)) {
		json_t *o = json_loads(line, 0, NULL);
		const char *to = json_string_value(json_object_get(o, "to"));
		const char *status = json_string_value(json_object_get(o, "status"));
		const char *text = json_string_value(json_object_get(o, "text"));
		const char *time = json_string_value(json_object_get(o, "time"));
		if (to && status && text && time && strcmp(to, IT_ALICE) == 0 &&
		    strcmp(status, "delivered") == 0 && strstr(text, tag) && strstr(text, want))
			at = bench_iso_ms(time);
		json_decref(o);
	}
	if (f)
		fclose(f);
	return at;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* Nearest-rank percentile of the sorted v[0..n). */
static int64_t pct(const int64_t *v, int n, int p)
{
	int k = (n * p + 99) / 100;
	return v[k < 1 ? 0 : k - 1];
}

static void print_run(const char *who, const struct it_base *b, const struct it_sim *sim, struct run *r,
		      const char *tag, int asked, double secs)
{
	int64_t samples[MAX_ALARMS], lat[MAX_ALARMS], wlat[MAX_ALARMS];
	int ns = raising_samples(b->unit_log, samples, MAX_ALARMS), n = 0;
	for (int i = 0; i < r->n && i < ns; i++) {
		int64_t got = delivered_ms(sim, tag, r->value[i]);
		if (got < 0 || samples[i] < 0)
			continue;
		lat[n] = got - samples[i];
		wlat[n++] = got - r->write_ms[i];
	}
	printf("alarm %s asked=%d n=%d seconds=%.0f", who, asked, n, secs);
	if (n) {
		qsort(lat, n, sizeof(lat[0]), cmp_i64);
		qsort(wlat, n, sizeof(wlat[0]), cmp_i64);
		printf(" sample_p50_ms=%lld sample_p99_ms=%lld sample_max_ms=%lld write_p50_ms=%lld "
		       "write_p99_ms=%lld",
		       (long long)pct(lat, n, 50), (long long)pct(lat, n, 99), (long long)lat[n - 1],
		       (long long)pct(wlat, n, 50), (long long)pct(wlat, n, 99));
	}
	printf("\n");
	fflush(stdout);
}

/* Base: only Alice (tier 1), every alarm texted at once, an incident closed and its all-clear
 * sent as soon as it clears, so that each alarm of the run is a new incident. */
static void base_conf(const struct it_base *b, const struct it_sim *sim)
{
	char text[4096];
	snprintf(text, sizeof(text),
		 "base = { name = \"North\"; store = \"%s\"; receipt_delay = \"1s\";\n"
		 "  units = ( { id = \"WH1\"; number = \"" IT_WH1_NUMBER "\"; key = \"" IT_WH1_KEY
		 "\"; heartbeat = \"1d\"; channels = [ \"T1\" ]; } );\n"
		 "  contacts = ( { name = \"Alice\"; number = \"" IT_ALICE
		 "\"; role = \"admin\"; tier = 1; quiet = \"off\"; } );\n"
		 "  escalation = { repeat = \"0s\"; coalesce = \"0s\"; clear_settle = \"0s\"; all_clear = "
		 "true; };\n"
		 "  caps = { contact = 0; site = 0; };\n};\n"
		 "modems = ( { device = \"%s/base.tty\"; status_reports = false; } );\n",
		 b->db, sim->dir);
	it_write_file(b->conf, text);
}

/* The unit WH1 without phones of its own, so that only the base (or the hook) texts Alice. */
static void unit_conf(struct it_base *b, const struct it_sim *sim, const char *to, const char *name)
{
	snprintf(b->unit_log, sizeof(b->unit_log), "%s/%s.log", sim->root, name);
	snprintf(b->unit_db, sizeof(b->unit_db), "%s/%s.db", sim->root, name);
	char text[4096];
	snprintf(
		text, sizeof(text),
		"unit = {\n  id = \"WH1\"; base_number = \"%s\";\n  key = \"" IT_WH1_KEY "\";\n"
		"  store = \"%s\"; pin = \"1234\";\n  power = { source = \"none\"; };\n"
		"  sample_interval = \"1s\"; report_interval = \"1h\"; heartbeat = \"1h\";\n"
		"  channels = ( { name = \"T1\"; source = \"file:%s\"; high = 8.0; low = 2.0; delay = \"0s\";"
		" off_delay = \"0s\"; } );\n};\n"
		"modem = { device = \"%s/unit1.tty\"; profile = \"generic\"; };\n",
		to, b->unit_db, b->probe, sim->dir);
	it_write_file(b->unit_conf, text);
}

/* Alarm i raises at a value of its own (from `from_c10` up: each run has its own range), so
 * each delivery is matched to its alarm. */
static void raise_alarm(struct it_base *b, struct run *r, int i, int from_c10)
{
	int c10 = from_c10 + i % 200;
	snprintf(r->value[i], sizeof(r->value[i]), "%d.%d", c10 / 10, c10 % 10);
	r->write_ms[i] = bench_wall_ms();
	it_base_probe(b, r->value[i]);
}

static void run_m2mon(struct it_base *b, struct it_sim *sim, int alarms)
{
	static struct run r;
	base_conf(b, sim);
	unit_conf(b, sim, IT_BASE_NUMBER, "unit_m2mon");
	it_base_start(b);
	it_base_unit_start(b);
	assert_true(it_base_unit_wait(b, (const char *const[]){"event=modem_ready", NULL}, 1));
	int64_t t0 = bench_wall_ms();
	for (r.n = 0; r.n < alarms && r.n < MAX_ALARMS; r.n++) {
		raise_alarm(b, &r, r.n, 85);
		char want[48];
		snprintf(want, sizeof(want), "HIGH %sC", r.value[r.n]);
		if (!it_base_wait_got_ms(b, IT_ALICE, want, 1, 30000)) {
			fprintf(stderr, "bench_alarm: m2mon: alarm %d (%sC): no text at the phone in 30 s\n",
				r.n + 1, r.value[r.n]);
			break;
		}
		it_base_probe(b, "4.0");
		if (!it_base_wait_got_ms(b, IT_ALICE, "CLEARED #", r.n + 1, 30000)) {
			fprintf(stderr, "bench_alarm: m2mon: alarm %d: no all-clear at the phone in 30 s\n",
				r.n + 1);
			r.n++;
			break;
		}
	}
	double secs = (bench_wall_ms() - t0) / 1000.0;
	it_base_unit_stop(b);
	it_base_stop(b);
	print_run("m2mon", b, sim, &r, "ALARM #", alarms, secs);
}

/* gammu-smsd's files backend and the hook a script-glued site would write. */
static void gammu_files(const struct it_sim *sim, char *rc, size_t n)
{
	char path[512], text[4096];
	const char *d = sim->root;
	snprintf(text, sizeof(text), "mkdir -p %s/g/inbox %s/g/outbox %s/g/sent %s/g/error", d, d, d, d);
	assert_int_equal(system(text), 0);
	snprintf(rc, n, "%s/g/smsdrc", d);
	snprintf(path, sizeof(path), "%s/g/on_receive.sh", d);
	snprintf(
		text, sizeof(text),
		"#!/bin/sh\n# each unit ALARM (frame kind A) that came in: its sentence to the tier-1 phone\n"
		"for id; do\n  text=$(tr -d '\\000\\376\\377' <'%s/g/inbox/'\"$id\")\n"
		"  case $text in *' #1A '*) gammu-smsd-inject -c '%s' TEXT " IT_ALICE
		" -text \"FWD ${text%%%% #1A *}\" >/dev/null 2>&1 ;; esac\ndone\n",
		d, rc);
	it_write_file(path, text);
	assert_int_equal(chmod(path, 0755), 0);
	snprintf(text, sizeof(text),
		 "[gammu]\ndevice = %s/gsm.tty\nconnection = at\n\n[smsd]\nservice = files\n"
		 "inboxpath = %s/g/inbox/\noutboxpath = %s/g/outbox/\nsentsmspath = %s/g/sent/\n"
		 "errorsmspath = %s/g/error/\nlogfile = %s/g/smsd.log\nRunOnReceive = %s\n",
		 sim->dir, d, d, d, d, d, path);
	it_write_file(rc, text);
}

/* smstools3's smsd and its eventhandler, doing the same: the received file's text after its
 * headers, a file in its outgoing folder for the phone. */
static void smstools_files(const struct it_sim *sim, char *conf, size_t n)
{
	char path[512], text[4096];
	const char *d = sim->root;
	snprintf(text, sizeof(text), "mkdir -p %s/s/in %s/s/out %s/s/checked %s/s/failed %s/s/sent %s/s/tmp",
		 d, d, d, d, d, d);
	assert_int_equal(system(text), 0);
	snprintf(conf, n, "%s/s/smsd.conf", d);
	snprintf(path, sizeof(path), "%s/s/event.sh", d);
	snprintf(
		text, sizeof(text),
		"#!/bin/sh\n# each unit ALARM (frame kind A) that came in: its sentence to the tier-1 phone\n"
		"[ \"$1\" = RECEIVED ] || exit 0\ntext=$(sed '1,/^$/d' \"$2\")\n"
		"case $text in *' #1A '*)\n  printf 'To: %s\\n\\nFWD %%s\\n' \"${text%%%% #1A *}\" "
		">'%s/s/tmp/'$$ && mv '%s/s/tmp/'$$ '%s/s/out/fwd'$$ ;;\nesac\n",
		&IT_ALICE[1], d, d, d); /* smstools wants the number without its + */
	it_write_file(path, text);
	assert_int_equal(chmod(path, 0755), 0);
	snprintf(
		text, sizeof(text),
		"devices = GSM1\noutgoing = %s/s/out\nchecked = %s/s/checked\nincoming = %s/s/in\n"
		"failed = %s/s/failed\nsent = %s/s/sent\nlogfile = %s/s/smsd.log\ninfofile = "
		"%s/s/smsd.working\n"
		"pidfile = %s/s/smsd.pid\neventhandler = %s\n\n[GSM1]\ndevice = %s/smsd.tty\nincoming = yes\n"
		"baudrate = 115200\n",
		d, d, d, d, d, d, d, d, path, sim->dir);
	it_write_file(conf, text);
}

static pid_t start_peer(bool smstools, const char *conf)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM); /* gone with the bench, even when it fails */
		int null = open("/dev/null", O_WRONLY);
		dup2(null, 1);
		dup2(null, 2);
		if (smstools)
			execlp("smsd", "smsd", "-t", "-c", conf, (char *)NULL);
		else
			execlp("gammu-smsd", "gammu-smsd", "-c", conf, (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* The same unit against a peer on a modem of its own (gsm, smsd), for at most `seconds`. */
static void run_peer(struct it_base *b, struct it_sim *sim, bool smstools, int alarms, int seconds)
{
	static struct run r;
	const char *who = smstools ? "smsd" : "gammu-smsd";
	char conf[512];
	if (smstools)
		smstools_files(sim, conf, sizeof(conf));
	else
		gammu_files(sim, conf, sizeof(conf));
	unit_conf(b, sim, smstools ? SMSD_NUMBER : GAMMU_NUMBER, smstools ? "unit_smsd" : "unit_gammu");
	it_base_probe(b, "4.0");
	pid_t peer = start_peer(smstools, conf);
	it_base_unit_start(b);
	assert_true(it_base_unit_wait(b, (const char *const[]){"event=modem_ready", NULL}, 1));
	int64_t t0 = bench_wall_ms();
	for (r.n = 0; r.n < alarms && r.n < MAX_ALARMS && bench_wall_ms() - t0 < seconds * 1000LL; r.n++) {
		raise_alarm(b, &r, r.n, smstools ? 500 : 300);
		char want[48];
		snprintf(want, sizeof(want), " %sC", r.value[r.n]);
		int left = (int)(seconds * 1000LL - (bench_wall_ms() - t0)) + 120000;
		if (!it_base_wait_got_ms(b, IT_ALICE, want, 1, left)) {
			fprintf(stderr, "bench_alarm: %s did not forward alarm %d within %d ms\n", who,
				r.n + 1, left);
			break;
		}
		it_base_probe(b, "4.0");
		if (!it_base_unit_wait(b, (const char *const[]){"event=alarm_cleared", NULL}, r.n + 1)) {
			fprintf(stderr, "bench_alarm: %s: alarm %d did not clear at the unit in 10 s\n", who,
				r.n + 1);
			r.n++;
			break;
		}
	}
	double secs = (bench_wall_ms() - t0) / 1000.0;
	it_base_unit_stop(b);
	kill(peer, SIGTERM);
	waitpid(peer, NULL, 0);
	print_run(who, b, sim, &r, "FWD ", alarms, secs);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s PATH-TO-M2MON [ALARMS [PEER_SECONDS]]\n", argv[0]);
		return 2;
	}
	int alarms = argc > 2 ? atoi(argv[2]) : 200, seconds = argc > 3 ? atoi(argv[3]) : 300;
	proto_init();
	struct it_sim sim;
	struct it_base b = {0};
	it_base_net(&sim, argv[1], false, true,
		    (const char *const[]){"--baud", "115200", "--modem", "gsm=" GAMMU_NUMBER, "--modem",
					  "smsd=" SMSD_NUMBER, NULL});
	it_base_conf(&b, &sim, false, NULL, NULL);
	it_base_unit_conf(&b, IT_BASE_NUMBER, "4.0", NULL);
	if (alarms > 0)
		run_m2mon(&b, &sim, alarms);
	else
		alarms = -alarms; /* a negative count: the peers alone */
	run_peer(&b, &sim, false, alarms, seconds);
	if (system("command -v smsd >/dev/null 2>&1") == 0)
		run_peer(&b, &sim, true, alarms, seconds);
	else
		printf("alarm smsd unavailable (smstools is not installed)\n");
	it_sim_stop(&sim);
	return 0;
}
