/* The base daemon's integration helpers (it_base.h). */
#include "it_base.h"

#include <jansson.h>

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

static int64_t wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void it_write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

const char *it_base_main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s M2MON\n", argv[0]);
		exit(2);
	}
	assert_int_equal(proto_init(), 0);
	return argv[1];
}

void it_base_net(struct it_sim *sim, const char *m2mon, bool two_modems, bool real_unit,
		 const char *const *sim_args)
{
	const char *args[32] = {"--modem",
				"base=" IT_BASE_NUMBER,
				real_unit ? "--modem" : "--phone",
				real_unit ? "unit1=" IT_WH1_NUMBER : "wh1=" IT_WH1_NUMBER,
				"--phone",
				"alice=" IT_ALICE,
				"--phone",
				"bob=" IT_BOB,
				"--phone",
				"carol=" IT_CAROL,
				"--phone",
				"stranger=" IT_STRANGER};
	int n = 12;
	if (two_modems) {
		args[n++] = "--modem";
		args[n++] = "base2=" IT_BASE2_NUMBER;
	}
	for (int i = 0; sim_args && sim_args[i] && n < 31; i++)
		args[n++] = sim_args[i];
	args[n] = NULL;
	it_sim_start(sim, m2mon, args);
}

void it_base_conf(struct it_base *b, const struct it_sim *sim, bool two_modems, const char *heartbeat,
		  const char *extra)
{
	memset(b, 0, sizeof(*b));
	b->sim = sim;
	b->seq = 1;
	proto_window_init(&b->win);
	snprintf(b->conf, sizeof(b->conf), "%s/base.conf", sim->root);
	snprintf(b->log, sizeof(b->log), "%s/base.log", sim->root);
	snprintf(b->db, sizeof(b->db), "%s/base.db", sim->root);
	char modems[1200];
	snprintf(modems, sizeof(modems),
		 "modems = ( { device = \"%s/base.tty\"; command_timeout_ms = 1000; status_reports = true; "
		 "}%s%s%s );\n",
		 sim->dir, two_modems ? ",\n  { device = \"" : "", two_modems ? sim->dir : "",
		 two_modems ? "/base2.tty\"; command_timeout_ms = 1000; status_reports = true; }" : "");
	char text[4096];
	snprintf(text, sizeof(text),
		 "base = { name = \"North\"; store = \"%s\"; silent_grace = \"0s\"; receipt_delay = \"1s\";\n"
		 "  send_timeout = \"5s\";\n"
		 "  units = ( { id = \"WH1\"; number = \"" IT_WH1_NUMBER "\"; key = \"" IT_WH1_KEY
		 "\"; heartbeat = \"%s\"; channels = [ \"T1\", \"T2\" ]; } );\n"
		 "  contacts = ( { name = \"Alice\"; number = \"" IT_ALICE
		 "\"; role = \"admin\"; tier = 1; },\n"
		 "    { name = \"Bob\"; number = \"" IT_BOB "\"; role = \"operator\"; tier = 2; },\n"
		 "    { name = \"Carol\"; number = \"" IT_CAROL "\"; role = \"viewer\"; tier = 2; } );\n"
		 "  escalation = { tier_delay = \"2s\"; repeat = \"0s\"; coalesce = \"0s\"; clear_settle = "
		 "\"1s\"; };\n"
		 "  caps = { contact = 0; site = 0; };\n%s\n};\n%s",
		 b->db, heartbeat ? heartbeat : "1d", extra ? extra : "", modems);
	it_write_file(b->conf, text);
}

/* ---- the daemon ---- */

/* Waits until `path` holds `count` lines with every needle, woken by each write (inotify on
 * its folder, so that a file not made yet is waited for too). */
static bool wait_lines_ms(const char *path, const char *const *needles, int count, int timeout_ms)
{
	char dir[400];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	*slash = '\0';
	return it_lines_wait(dir, path, needles, count, timeout_ms);
}

static bool wait_lines(const char *path, const char *const *needles, int count)
{
	return wait_lines_ms(path, needles, count, IT_TIMEOUT_MS);
}

bool it_base_wait_ms(const struct it_base *b, const char *const *needles, int count, int timeout_ms)
{
	return wait_lines_ms(b->log, needles, count, timeout_ms);
}

int it_base_count(const struct it_base *b, const char *const *needles)
{
	return it_file_count(b->log, needles);
}

bool it_base_wait(const struct it_base *b, const char *const *needles, int count)
{
	return wait_lines(b->log, needles, count);
}

void it_base_spawn(struct it_base *b)
{
	const char *started[] = {"event=started", NULL};
	int before = it_base_count(b, started);
	pid_t parent = getpid();
	b->pid = fork();
	assert_true(b->pid >= 0);
	if (b->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
		int err = open(b->log, O_WRONLY | O_CREAT | O_APPEND, 0644);
		dup2(err, 2);
		int null = open("/dev/null", O_WRONLY);
		dup2(null, 1);
		execl(b->sim->m2mon, b->sim->m2mon, "--log-level", "debug", "base", "--config", b->conf,
		      (char *)NULL);
		_exit(127);
	}
	b->starts++;
	if (!it_base_wait(b, started, before + 1))
		fail_msg("m2mon base did not start (see %s)", b->log);
}

void it_base_start(struct it_base *b)
{
	int ready_before = it_base_count(b, (const char *const[]){"event=modem_state", "to=ready", NULL});
	it_base_spawn(b);
	int modems = it_file_count(b->conf, (const char *const[]){".tty\"", NULL});
	if (!it_base_wait(b, (const char *const[]){"event=modem_state", "to=ready", NULL},
			  ready_before + modems))
		fail_msg("the base's modems did not get ready (see %s)", b->log);
}

void it_base_stop(struct it_base *b)
{
	assert_int_equal(kill(b->pid, SIGTERM), 0);
	int status = 0;
	assert_int_equal(waitpid(b->pid, &status, 0), b->pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	b->pid = 0;
}

void it_base_kill(struct it_base *b)
{
	assert_int_equal(kill(b->pid, SIGKILL), 0);
	int status = 0;
	assert_int_equal(waitpid(b->pid, &status, 0), b->pid);
	b->pid = 0;
}

/* ---- the unit and the phones ---- */

void it_base_send(const struct it_base *b, const char *from, const char *to, const char *text)
{
	const char *args[] = {"--from", from, "--to", to ? to : IT_BASE_NUMBER, text, NULL};
	assert_int_equal(it_cli(b->sim, "send", args, NULL, 0), 0);
}

uint32_t it_base_unit(struct it_base *b, struct proto_msg *m, const char *to, char *text, size_t size)
{
	uint8_t key[PROTO_KEY_LEN];
	assert_int_equal(proto_key_parse(IT_WH1_KEY, key), 0);
	snprintf(m->head.unit, sizeof(m->head.unit), "WH1");
	if (!m->head.seq)
		m->head.seq = b->seq++;
	if (!m->head.time_ms)
		m->head.time_ms = wall_ms();
	char own[PROTO_TEXT_MAX];
	char *out = text ? text : own;
	size_t n = text ? size : sizeof(own);
	assert_true(proto_encode(m, key, 0, out, n) > 0);
	if (to)
		it_base_send(b, IT_WH1_NUMBER, to, out);
	return m->head.seq;
}

uint32_t it_base_event(struct it_base *b, bool raised, int32_t v10, const char *to)
{
	struct proto_msg m = {.head.kind = raised ? PROTO_KIND_ALARM : PROTO_KIND_CLEAR};
	m.u.event = (struct proto_event){.channel = "T1",
					 .level = PROTO_LEVEL_HIGH,
					 .has_value = true,
					 .value_c10 = v10,
					 .threshold_c10 = raised ? 80 : 75,
					 .since_ms = wall_ms() / 1000 * 1000 - 60000};
	return it_base_unit(b, &m, to, NULL, 0);
}

/* Calls `fn` for each SMS line of sms.jsonl delivered to `to`. */
static void each_delivered(const struct it_base *b, const char *to, void (*fn)(const char *text, void *),
			   void *ud)
{
	char path[400];
	snprintf(path, sizeof(path), "%s/sms.jsonl", b->sim->dir);
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	char line[8192];
	while (fgets(line, sizeof(line), f)) {
		json_t *o = json_loads(line, 0, NULL);
		const char *t = json_string_value(json_object_get(o, "type"));
		const char *dest = json_string_value(json_object_get(o, "to"));
		const char *status = json_string_value(json_object_get(o, "status"));
		const char *text = json_string_value(json_object_get(o, "text"));
		if (t && dest && status && text && strcmp(t, "sms") == 0 && strcmp(dest, to) == 0 &&
		    strcmp(status, "delivered") == 0)
			fn(text, ud);
		json_decref(o);
	}
	fclose(f);
}

struct got {
	const char *needle;
	int n;
};

static void got_one(const char *text, void *ud)
{
	struct got *g = ud;
	g->n += !g->needle || strstr(text, g->needle) != NULL;
}

int it_base_got(const struct it_base *b, const char *to, const char *needle)
{
	struct got g = {needle, 0};
	each_delivered(b, to, got_one, &g);
	return g.n;
}

bool it_base_wait_got(const struct it_base *b, const char *to, const char *needle, int count)
{
	return it_base_wait_got_ms(b, to, needle, count, IT_TIMEOUT_MS);
}

bool it_base_wait_got_ms(const struct it_base *b, const char *to, const char *needle, int count,
			 int timeout_ms)
{
	char path[400], want[64];
	snprintf(path, sizeof(path), "%s/sms.jsonl", b->sim->dir);
	snprintf(want, sizeof(want), "\"to\":\"%s\"", to);
	int64_t deadline = it_mono_ms() + timeout_ms;
	while (it_base_got(b, to, needle) < count) {
		int lines = it_file_count(path, (const char *const[]){want, NULL});
		int64_t left = deadline - it_mono_ms();
		if (left <= 0 ||
		    !wait_lines_ms(path, (const char *const[]){want, NULL}, lines + 1, (int)left))
			return it_base_got(b, to, needle) >= count;
	}
	return true;
}

struct distinct {
	char texts[64][200];
	int counts[64];
	int n;
};

static void distinct_one(const char *text, void *ud)
{
	struct distinct *d = ud;
	for (int i = 0; i < d->n; i++) {
		if (strncmp(d->texts[i], text, sizeof(d->texts[i]) - 1) == 0) {
			d->counts[i]++;
			return;
		}
	}
	if (d->n < 64) {
		snprintf(d->texts[d->n], sizeof(d->texts[d->n]), "%s", text);
		d->counts[d->n++] = 1;
	}
}

int it_base_distinct(const struct it_base *b, const char *to, int *dups)
{
	struct distinct *d = calloc(1, sizeof(*d));
	each_delivered(b, to, distinct_one, d);
	*dups = 0;
	for (int i = 0; i < d->n; i++)
		*dups += d->counts[i] - 1;
	int n = d->n;
	free(d);
	return n;
}

struct last_receipt {
	struct it_base *b;
	struct proto_msg best;
	bool have;
};

static void receipt_one(const char *text, void *ud)
{
	struct last_receipt *r = ud;
	uint8_t key[PROTO_KEY_LEN];
	struct proto_msg m;
	proto_key_parse(IT_WH1_KEY, key);
	if (proto_open(text, strlen(text), key, PROTO_DIR_BASE_TO_UNIT, &m, NULL) != 0 ||
	    m.head.kind != PROTO_KIND_RECEIPT)
		return;
	if (!r->have || m.head.seq > r->best.head.seq) {
		r->best = m;
		r->have = true;
	}
}

bool it_base_covered(struct it_base *b, uint32_t first, uint32_t last)
{
	struct last_receipt r = {.b = b};
	each_delivered(b, IT_WH1_NUMBER, receipt_one, &r);
	if (!r.have)
		return first > last;
	for (uint32_t s = first; s <= last; s++)
		if (!proto_receipt_covers(&r.best.u.receipt, s))
			return false;
	return true;
}

/* Runs `m2mon events --config CONF --json` and parses what it prints. */
static json_t *events_json(const struct it_base *b)
{
	char cmd[1200];
	snprintf(cmd, sizeof(cmd), "'%s' events --config '%s' --json", b->sim->m2mon, b->conf);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	json_t *all = json_loadf(p, 0, NULL);
	assert_int_equal(pclose(p), 0);
	assert_true(json_is_array(all));
	return all;
}

static bool event_matches(json_t *e, const char *step)
{
	const char *colon = strchr(step, ':');
	size_t klen = colon ? (size_t)(colon - step) : strlen(step);
	const char *kind = json_string_value(json_object_get(e, "kind"));
	if (!kind || strlen(kind) != klen || strncmp(kind, step, klen) != 0)
		return false;
	if (!colon)
		return true;
	const char *text = json_string_value(json_object_get(e, "text"));
	const char *who = json_string_value(json_object_get(e, "actor_name"));
	return (text && strstr(text, colon + 1)) || (who && strstr(who, colon + 1));
}

bool it_base_events_in_order(const struct it_base *b, const char *const *steps)
{
	json_t *all = events_json(b);
	size_t k = 0, i;
	json_t *e;
	json_array_foreach(all, i, e)
	{
		if (steps[k] && event_matches(e, steps[k]))
			k++;
	}
	if (steps[k])
		fprintf(stderr, "m2mon events lacks \"%s\" (after %zu steps in order)\n", steps[k], k);
	json_decref(all);
	return steps[k] == NULL;
}

/* ---- the real unit ---- */

void it_base_probe(const struct it_base *b, const char *temp)
{
	char tmp[420];
	snprintf(tmp, sizeof(tmp), "%s.new", b->probe);
	it_write_file(tmp, temp);
	assert_int_equal(rename(tmp, b->probe), 0); /* the unit never reads half a value */
}

void it_base_unit_conf(struct it_base *b, const char *base_number, const char *temp, const char *report)
{
	snprintf(b->unit_conf, sizeof(b->unit_conf), "%s/unit.conf", b->sim->root);
	snprintf(b->unit_log, sizeof(b->unit_log), "%s/unit.log", b->sim->root);
	snprintf(b->unit_db, sizeof(b->unit_db), "%s/unit.db", b->sim->root);
	snprintf(b->probe, sizeof(b->probe), "%s/probe1", b->sim->root);
	it_base_probe(b, temp);
	char text[4096];
	snprintf(
		text, sizeof(text),
		"unit = {\n  id = \"WH1\"; base_number = \"%s\";\n  key = \"" IT_WH1_KEY "\";\n"
		"  store = \"%s\"; pin = \"1234\";\n  power = { source = \"none\"; };\n"
		"  sample_interval = \"1s\"; report_interval = \"%s\"; heartbeat = \"10m\";\n"
		"  channels = ( { name = \"T1\"; source = \"file:%s\"; high = 8.0; low = 2.0; delay = \"0s\";"
		" off_delay = \"0s\"; } );\n"
		"  phones = ( { number = \"" IT_ALICE "\"; role = \"admin\"; } );\n};\n"
		"modem = { device = \"%s/unit1.tty\"; profile = \"generic\"; };\n",
		base_number, b->unit_db, report ? report : "1h", b->probe, b->sim->dir);
	it_write_file(b->unit_conf, text);
}

int it_base_unit_count(const struct it_base *b, const char *const *needles)
{
	return it_file_count(b->unit_log, needles);
}

bool it_base_unit_wait(const struct it_base *b, const char *const *needles, int count)
{
	return wait_lines(b->unit_log, needles, count);
}

void it_base_unit_start(struct it_base *b)
{
	const char *started[] = {"mod=unit event=started", NULL};
	int before = it_base_unit_count(b, started);
	pid_t parent = getpid();
	b->unit_pid = fork();
	assert_true(b->unit_pid >= 0);
	if (b->unit_pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
		int err = open(b->unit_log, O_WRONLY | O_CREAT | O_APPEND, 0644);
		dup2(err, 2);
		int null = open("/dev/null", O_WRONLY);
		dup2(null, 1);
		execl(b->sim->m2mon, b->sim->m2mon, "--log-level", "debug", "unit", "--config", b->unit_conf,
		      (char *)NULL);
		_exit(127);
	}
	if (!it_base_unit_wait(b, started, before + 1))
		fail_msg("m2mon unit did not start (see %s)", b->unit_log);
}

void it_base_unit_stop(struct it_base *b)
{
	assert_int_equal(kill(b->unit_pid, SIGTERM), 0);
	int status = 0;
	assert_int_equal(waitpid(b->unit_pid, &status, 0), b->unit_pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	b->unit_pid = 0;
}

struct sent_seqs {
	uint32_t *seqs;
	int n, max;
};

static void sent_one(const char *text, void *ud)
{
	struct sent_seqs *s = ud;
	struct proto_head head;
	if (proto_peek(text, strlen(text), &head, NULL) != 0 || strcmp(head.unit, "WH1") != 0)
		return;
	for (int i = 0; i < s->n; i++)
		if (s->seqs[i] == head.seq)
			return;
	if (s->n < s->max)
		s->seqs[s->n++] = head.seq;
}

/* Calls `fn` for each SMS line of sms.jsonl sent by `from` and delivered. */
static void each_sent(const struct it_base *b, const char *from, void (*fn)(const char *text, void *),
		      void *ud)
{
	char path[400];
	snprintf(path, sizeof(path), "%s/sms.jsonl", b->sim->dir);
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	char line[8192];
	while (fgets(line, sizeof(line), f)) {
		json_t *o = json_loads(line, 0, NULL);
		const char *t = json_string_value(json_object_get(o, "type"));
		const char *src = json_string_value(json_object_get(o, "from"));
		const char *status = json_string_value(json_object_get(o, "status"));
		const char *text = json_string_value(json_object_get(o, "text"));
		if (t && src && status && text && strcmp(t, "sms") == 0 && strcmp(src, from) == 0 &&
		    strcmp(status, "delivered") == 0)
			fn(text, ud);
		json_decref(o);
	}
	fclose(f);
}

int it_base_unit_sent(const struct it_base *b, uint32_t *seqs, int max)
{
	struct sent_seqs s = {seqs, 0, max};
	each_sent(b, IT_WH1_NUMBER, sent_one, &s);
	return s.n;
}

bool it_base_covers(struct it_base *b, const uint32_t *seqs, int n)
{
	for (int i = 0; i < n; i++)
		if (!it_base_covered(b, seqs[i], seqs[i]))
			return false;
	return true;
}

int it_base_wait_covered(struct it_base *b, int *sent)
{
	uint32_t seqs[256];
	int n = it_base_unit_sent(b, seqs, 256);
	int64_t deadline = it_mono_ms() + IT_TIMEOUT_MS;
	while (!it_base_covers(b, seqs, n) && it_mono_ms() < deadline) {
		int receipts = it_base_got(b, IT_WH1_NUMBER, "#1K WH1");
		if (!it_base_wait_got(b, IT_WH1_NUMBER, "#1K WH1", receipts + 1))
			break;
		n = it_base_unit_sent(b, seqs, 256);
	}
	int missing = 0;
	for (int i = 0; i < n; i++)
		missing += !it_base_covered(b, seqs[i], seqs[i]);
	*sent = n;
	return missing;
}
