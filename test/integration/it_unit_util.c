/* The unit daemon's integration helpers (it_unit_util.h): its config and child process, the
 * base's side on the base modem, the phones through `m2mon sim send|inbox`. */
#include "it_unit_util.h"
#include "proto_window.h"

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

const char *const it_unit_net[] = {
	"--modem",      "base=" IT_BASE_NUMBER,
	"--modem",      "unit1=" IT_UNIT_NUMBER,
	"--phone",      "alice=" IT_ALICE,
	"--phone",      "bob=" IT_BOB,
	"--phone",      "carol=" IT_CAROL,
	"--phone",      "dave=" IT_DAVE,
	"--latency-ms", "20",
	NULL,
};

static void write_file(const char *path, const char *text)
{
	char tmp[420];
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(rename(tmp, path), 0);
}

void it_unit_probe(const struct it_unit *u, const char *temp)
{
	write_file(u->probe, temp);
}

void it_unit_setup(struct it_unit *u, const struct it_sim *sim, const char *extra, const char *temp)
{
	it_unit_setup_with(u, sim, extra, temp, "generic", "source = \"none\";");
}

void it_unit_setup_with(struct it_unit *u, const struct it_sim *sim, const char *extra, const char *temp,
			const char *profile, const char *power)
{
	memset(u, 0, sizeof(*u));
	u->sim = sim;
	snprintf(u->conf, sizeof(u->conf), "%s/unit.conf", sim->root);
	snprintf(u->log, sizeof(u->log), "%s/unit.log", sim->root);
	snprintf(u->db, sizeof(u->db), "%s/unit.db", sim->root);
	snprintf(u->probe, sizeof(u->probe), "%s/probe1", sim->root);
	it_unit_probe(u, temp);
	char text[4096];
	snprintf(
		text, sizeof(text),
		"unit = {\n  id = \"WH1\"; base_number = \"" IT_BASE_NUMBER "\";\n  key = \"" IT_UNIT_KEY
		"\";\n"
		"  store = \"%s\"; pin = \"1234\";\n  power = { %s };\n%s\n"
		"  channels = ( { name = \"T1\"; source = \"file:%s\"; high = 8.0; low = 2.0; delay = \"0s\";"
		" off_delay = \"0s\"; } );\n"
		"  phones = ( { number = \"" IT_ALICE "\"; role = \"admin\"; }, { number = \"" IT_BOB
		"\"; role = \"operator\"; } );\n};\n"
		"modem = { device = \"%s/unit1.tty\"; profile = \"%s\"; };\n",
		u->db, power, extra, u->probe, sim->dir, profile);
	write_file(u->conf, text);
	write_file(u->log, "");
}

void it_unit_start(struct it_unit *u)
{
	pid_t parent = getpid();
	u->pid = fork();
	assert_true(u->pid >= 0);
	if (u->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
		int fd = open(u->log, O_WRONLY | O_CREAT | O_APPEND, 0644);
		dup2(fd, 1);
		dup2(fd, 2);
		if (u->crash)
			setenv("M2MON_TEST_CRASH", u->crash, 1);
		else
			unsetenv("M2MON_TEST_CRASH");
		execl(u->sim->m2mon, u->sim->m2mon, "--log-level", "debug", "unit", "--config", u->conf,
		      (char *)NULL);
		_exit(127);
	}
	u->starts++;
	/* Each start logs this once; waiting for it means the store is open and loaded. */
	assert_true(it_unit_wait(u, (const char *const[]){"event=started", NULL}, u->starts));
}

void it_unit_stop(struct it_unit *u)
{
	assert_int_equal(kill(u->pid, SIGTERM), 0);
	int status = 0;
	assert_int_equal(waitpid(u->pid, &status, 0), u->pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	u->pid = 0;
}

void it_unit_kill(struct it_unit *u)
{
	assert_int_equal(kill(u->pid, SIGKILL), 0);
	int status = 0;
	assert_int_equal(waitpid(u->pid, &status, 0), u->pid);
	assert_true(WIFSIGNALED(status));
	u->pid = 0;
}

void it_unit_crashed(struct it_unit *u)
{
	int status = 0;
	assert_int_equal(waitpid(u->pid, &status, 0), u->pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGKILL);
	u->crashes++;
	assert_int_equal(it_unit_count(u, (const char *const[]){"event=test_crash ", NULL}), u->crashes);
	u->pid = 0;
	u->crash = NULL;
}

bool it_unit_wait(const struct it_unit *u, const char *const *needles, int count)
{
	return it_file_wait(u->log, needles, count, IT_TIMEOUT_MS);
}

bool it_unit_wait_ms(const struct it_unit *u, const char *const *needles, int count, int timeout_ms)
{
	return it_file_wait(u->log, needles, count, timeout_ms);
}

int it_unit_count(const struct it_unit *u, const char *const *needles)
{
	return it_file_count(u->log, needles);
}

static const char *const to_base[] = {"\"type\":\"sms\"", "\"to\":\"" IT_BASE_NUMBER "\"",
				      "\"status\":\"delivered\"", NULL};

int it_base_delivered(const struct it_sim *sim)
{
	return it_jsonl_count(sim, to_base);
}

bool it_base_wait_delivered(const struct it_sim *sim, int count)
{
	char path[400];
	snprintf(path, sizeof(path), "%s/sms.jsonl", sim->dir);
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644); /* the watch needs the file */
	if (fd >= 0)
		close(fd);
	return it_file_wait(path, to_base, count, IT_TIMEOUT_MS);
}

void it_base_open(struct it_base *b, const struct it_sim *sim)
{
	memset(b, 0, sizeof(*b));
	char path[400];
	b->fd = it_at_open(it_tty(sim, "base", path, sizeof(path)));
	assert_true(b->fd >= 0);
	assert_true(it_at_cmd(b->fd, "AT", NULL, 0));
	assert_true(it_at_cmd(b->fd, "ATE0", NULL, 0));
	assert_true(it_at_cmd(b->fd, "AT+CMEE=1;+CMGF=0", NULL, 0));
	assert_true(it_at_registered(b->fd));
}

int it_base_read(struct it_base *b)
{
	struct it_sms *sms = calloc(64, sizeof(*sms));
	assert_non_null(sms);
	int n = it_at_list(b->fd, sms, 64);
	assert_true(n >= 0);
	for (int i = 0; i < n; i++) {
		assert_true(b->n < IT_BASE_MAX);
		assert_string_equal(sms[i].from, IT_UNIT_NUMBER);
		uint8_t key[PROTO_KEY_LEN];
		assert_int_equal(proto_key_parse(IT_UNIT_KEY, key), 0);
		struct proto_error err;
		int rc = proto_open(sms[i].text, strlen(sms[i].text), key, PROTO_DIR_UNIT_TO_BASE,
				    &b->msg[b->n], &err);
		if (rc != 0)
			fail_msg("the base got a text that does not verify (%s at %zu): %s",
				 proto_reject_str(err.reason), err.at, sms[i].text);
		snprintf(b->text[b->n], sizeof(b->text[b->n]), "%.*s", (int)sizeof(b->text[b->n]) - 1,
			 sms[i].text);
		b->n++;
		char cmd[32];
		snprintf(cmd, sizeof(cmd), "AT+CMGD=%d", sms[i].index);
		assert_true(it_at_cmd(b->fd, cmd, NULL, 0));
	}
	free(sms);
	return n;
}

int it_base_count(const struct it_base *b, enum proto_kind kind, uint32_t seq)
{
	int c = 0;
	for (int i = 0; i < b->n; i++)
		c += b->msg[i].head.kind == kind && (!seq || b->msg[i].head.seq == seq);
	return c;
}

static void base_send(struct it_base *b, struct proto_msg *m)
{
	uint8_t key[PROTO_KEY_LEN];
	assert_int_equal(proto_key_parse(IT_UNIT_KEY, key), 0);
	snprintf(m->head.unit, sizeof(m->head.unit), "WH1");
	m->head.seq = ++b->seq;
	m->head.time_ms = (int64_t)time(NULL) * 1000 + b->skew_ms;
	char text[PROTO_TEXT_MAX];
	assert_true(proto_encode(m, key, 0, text, sizeof(text)) > 0);
	assert_int_equal(it_at_send_sms(b->fd, IT_UNIT_NUMBER, text, false), 1);
}

uint32_t it_base_receipt(struct it_base *b)
{
	struct proto_window w;
	proto_window_init(&w);
	for (int i = 0; i < b->n; i++)
		if (proto_window_check(&w, b->msg[i].head.seq, NULL) == 0)
			proto_window_accept(&w, b->msg[i].head.seq);
	struct proto_msg m = {.head.kind = PROTO_KIND_RECEIPT};
	proto_window_receipt(&w, &m.u.receipt);
	base_send(b, &m);
	return m.u.receipt.upto;
}

void it_base_command(struct it_base *b, uint32_t cmd_id, const char *by, const char *text)
{
	struct proto_msg m = {.head.kind = PROTO_KIND_COMMAND};
	m.u.command.cmd_id = cmd_id;
	snprintf(m.u.command.by, sizeof(m.u.command.by), "%s", by);
	snprintf(m.u.command.text, sizeof(m.u.command.text), "%s", text);
	base_send(b, &m);
}

void it_phone_send(const struct it_sim *sim, const char *number, const char *text)
{
	assert_int_equal(it_cli(sim, "send",
				(const char *const[]){"--from", number, "--to", IT_UNIT_NUMBER, text, NULL},
				NULL, 0),
			 0);
}

static int inbox(const struct it_sim *sim, const char *number, int count, int wait_ms, char *last,
		 size_t size)
{
	char out[16384], c[16], w[16];
	snprintf(c, sizeof(c), "%d", count > 0 ? count : 1);
	snprintf(w, sizeof(w), "%d", wait_ms);
	it_cli(sim, "inbox", (const char *const[]){number, "--count", c, "--wait-ms", w, "--json", NULL}, out,
	       sizeof(out));
	json_t *a = json_loads(out, 0, NULL);
	int n = json_is_array(a) ? (int)json_array_size(a) : 0;
	if (last && n > 0)
		snprintf(last, size, "%s",
			 json_string_value(json_object_get(json_array_get(a, (size_t)n - 1), "text")));
	json_decref(a);
	return n;
}

bool it_phone_wait(const struct it_sim *sim, const char *number, int count, char *out, size_t size)
{
	return inbox(sim, number, count, IT_TIMEOUT_MS, out, size) >= count;
}

int it_phone_count(const struct it_sim *sim, const char *number)
{
	return inbox(sim, number, 0, 0, NULL, 0);
}
