/* Replays one recorded AT dialogue (format: README.md here) against the whole modem layer:
 * the lifecycle engine behind the in-memory transport, which hands the modem's bytes over in
 * pieces of at most 8, with a fake clock. Exit 0 when every line held, 1 with the failing
 * line otherwise. */
#include "log.h"
#include "modem.h"
#include "modem_profile.h"
#include "modem_transport.h"
#include "sms_assembly.h"
#include "sms_codec.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_RX       128
#define LINE_MAX_LEN 2048

struct rx_msg {
	uint64_t token;
	int index;
	bool report;
	char mem[8];
	char pdu[600];
};

struct run {
	const char *file;
	int line_no;
	struct modem_settings settings;
	struct modem *m;
	struct modem_transport *t;
	uint64_t now;
	size_t split;
	char sent[8192];
	size_t sent_len;
	struct rx_msg rx[MAX_RX];
	int rx_len;
	uint64_t last_token; /* of the message last checked with `= received` */
	bool have_send;
	struct modem_send_result send;
	int reopens;
	struct sms_assembly *assembly;
	char messages[MAX_RX][700]; /* what the SMS layer made of the handed-over PDUs, in order */
	int n_messages;
	FILE *log;     /* everything the layer logged (stderr goes here) */
	int stderr_fd; /* the real stderr, for the runner's own messages */
};

static void fail(struct run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));

static void fail(struct run *r, const char *fmt, ...)
{
	va_list ap;
	char msg[4096], line[4096];
	int n = snprintf(msg, sizeof(msg), "%s:%d: ", r->file, r->line_no);
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	va_end(ap);
	fflush(stderr);
	FILE *out = fdopen(dup(r->stderr_fd), "w");
	if (out && r->log) {
		fprintf(out, "--- what the layer logged ---\n");
		rewind(r->log);
		while (fgets(line, sizeof(line), r->log))
			fputs(line, out);
	}
	if (out) {
		fprintf(out, "%s\n", msg);
		fclose(out);
	}
	exit(1);
}

static void on_state(void *user_data, enum modem_state from, enum modem_state to)
{
	(void)user_data;
	(void)from;
	(void)to;
}

static void decode(struct run *r, const struct modem_inbound *in);

static void on_sms(void *user_data, const struct modem_inbound *in)
{
	struct run *r = user_data;
	if (r->rx_len == MAX_RX)
		fail(r, "more than %d messages received and not checked", MAX_RX);
	/* Every header in these recordings announces the right <length>: the layer hands it on. */
	unsigned smsc = 0;
	if (sscanf(in->pdu, "%2x", &smsc) != 1 || in->tpdu_len != (int)(strlen(in->pdu) / 2 - 1 - smsc))
		fail(r, "handed over with <length> %d, the PDU carries %d TPDU octets", in->tpdu_len,
		     (int)(strlen(in->pdu) / 2 - 1 - smsc));
	struct rx_msg *x = &r->rx[r->rx_len++];
	x->token = in->token;
	x->index = in->index;
	x->report = in->status_report;
	snprintf(x->mem, sizeof(x->mem), "%s", in->mem);
	snprintf(x->pdu, sizeof(x->pdu), "%s", in->pdu);
	decode(r, in);
}

static void push_message(struct run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void push_message(struct run *r, const char *fmt, ...)
{
	va_list ap;
	if (r->n_messages == MAX_RX)
		fail(r, "more than %d messages decoded and not checked", MAX_RX);
	va_start(ap, fmt);
	vsnprintf(r->messages[r->n_messages++], sizeof(r->messages[0]), fmt, ap);
	va_end(ap);
}

static void on_message(const struct sms_message *msg, void *user_data)
{
	push_message(user_data, "message %s%s %.*s", msg->key.sender, msg->complete ? "" : " incomplete",
		     (int)msg->text_len, msg->text);
}

/* Decodes a handed-over PDU the way the daemons do: reports at once, texts through the
 * reassembly. What comes out is checked with `= message` and `= report`. */
static void decode(struct run *r, const struct modem_inbound *in)
{
	static struct sms_decoded d;
	char why[128];
	if (sms_decode_pdu(in->pdu, strlen(in->pdu), in->tpdu_len, &d, why, sizeof(why)) != 0) {
		push_message(r, "undecodable %s", why);
		return;
	}
	if (d.kind == SMS_KIND_STATUS_REPORT) {
		push_message(r, "report %d %s %s", d.message_ref, sms_delivery_str(d.delivery), d.number);
		return;
	}
	int rc = sms_assembly_add(r->assembly, &d, in->pdu, (int64_t)r->now);
	if (rc < 0)
		push_message(r, "unassembled %s", strerror(-rc));
}

static void on_reopen(void *user_data)
{
	struct run *r = user_data;
	r->reopens++;
}

static void on_sent(void *user_data, const struct modem_send_result *res)
{
	struct run *r = user_data;
	r->have_send = true;
	r->send = *res;
}

/* Moves what the engine wrote through the transport into r->sent, and what the fake modem
 * queued into the engine in pieces of at most r->split bytes. */
static void pump(struct run *r)
{
	size_t n;
	const uint8_t *out = modem_output(r->m, &n);
	if (n) {
		if (modem_transport_write_hidden(r->t, out, n, modem_output_secret(r->m)) != 0)
			fail(r, "transport write failed");
		modem_consume(r->m, n);
	}
	r->sent_len +=
		modem_transport_mem_take(r->t, r->sent + r->sent_len, sizeof(r->sent) - 1 - r->sent_len);
	r->sent[r->sent_len] = '\0';
	char buf[64];
	ssize_t got;
	modem_transport_hide_rx(r->t, modem_secret_pending(r->m));
	while ((got = modem_transport_read(r->t, buf, r->split)) > 0) {
		modem_feed(r->m, buf, (size_t)got, r->now);
		pump(r);
	}
}

static size_t unescape(struct run *r, const char *in, char *out, size_t size)
{
	size_t n = 0;
	for (const char *p = in; *p; p++) {
		char c = *p;
		if (c == '\\') {
			p++;
			switch (*p) {
			case 'r':
				c = '\r';
				break;
			case 'n':
				c = '\n';
				break;
			case 's':
				c = ' ';
				break;
			case '\\':
				c = '\\';
				break;
			case 'x': {
				unsigned v;
				char hex[3] = {p[1], p[1] ? p[2] : 0, 0};
				if (!hex[0] || !hex[1] || sscanf(hex, "%2x", &v) != 1)
					fail(r, "bad \\x escape");
				c = (char)v;
				p += 2;
				break;
			}
			default:
				fail(r, "unknown escape \\%c", *p);
			}
		}
		if (n + 1 >= size)
			fail(r, "line too long");
		out[n++] = c;
	}
	out[n] = '\0';
	return n;
}

static void ensure_modem(struct run *r)
{
	if (r->m)
		return;
	struct modem_hooks hooks = {on_state, on_sms, on_reopen};
	struct modem_timing timing;
	modem_timing_defaults(&r->settings, &timing);
	struct sms_assembly_cfg acfg = {24LL * 3600 * 1000, 16, NULL, on_message, r};
	r->m = modem_new(&r->settings, &timing, &hooks, r);
	r->assembly = sms_assembly_new(&acfg);
	if (!r->m || !r->assembly || modem_transport_mem_new(8, &r->t) != 0)
		fail(r, "out of memory");
}

static void advance(struct run *r, uint64_t ms)
{
	uint64_t target = r->now + ms;
	for (;;) {
		uint64_t d = modem_next_deadline(r->m);
		if (d > target)
			break;
		if (d > r->now)
			r->now = d;
		modem_tick(r->m, r->now);
		pump(r);
	}
	r->now = target;
	modem_tick(r->m, r->now);
	pump(r);
}

static void expect_sent(struct run *r, const char *text)
{
	char want[LINE_MAX_LEN];
	size_t n = unescape(r, text, want, sizeof(want) - 1);
	if (n == 0 || (want[n - 1] != '\x1a' && want[n - 1] != '\x1b'))
		want[n++] = '\r';
	want[n] = '\0';
	if (r->sent_len < n || memcmp(r->sent, want, n) != 0) {
		char esc_w[LINE_MAX_LEN], esc_s[LINE_MAX_LEN];
		log_escape(want, n, esc_w, sizeof(esc_w));
		log_escape(r->sent, r->sent_len, esc_s, sizeof(esc_s));
		fail(r, "expected the layer to send \"%s\", it sent \"%s\"", esc_w, esc_s);
	}
	memmove(r->sent, r->sent + n, r->sent_len - n + 1);
	r->sent_len -= n;
}

static void nothing_unexpected_sent(struct run *r)
{
	if (r->sent_len) {
		char esc[LINE_MAX_LEN];
		log_escape(r->sent, r->sent_len, esc, sizeof(esc));
		fail(r, "the layer sent \"%s\", which the transcript does not expect here", esc);
	}
}

static void modem_says(struct run *r, const char *text, bool raw)
{
	char buf[LINE_MAX_LEN + 4];
	size_t n;
	nothing_unexpected_sent(r);
	if (raw) {
		n = unescape(r, text, buf, sizeof(buf));
	} else {
		buf[0] = '\r';
		buf[1] = '\n';
		n = 2 + unescape(r, text, buf + 2, sizeof(buf) - 4);
		buf[n++] = '\r';
		buf[n++] = '\n';
	}
	if (modem_transport_mem_push(r->t, buf, n) != 0)
		fail(r, "out of memory");
	pump(r);
}

static void check_received(struct run *r, const char *args)
{
	char pdu[600], where[16], mem[16] = "";
	int index;
	if (strcmp(args, "none") == 0) {
		if (r->rx_len)
			fail(r, "expected no message handed over, got index %d pdu %s", r->rx[0].index,
			     r->rx[0].pdu);
		return;
	}
	bool report = strncmp(args, "report ", 7) == 0;
	if (report)
		args += 7;
	if (sscanf(args, "%15s %599s", where, pdu) != 2)
		fail(r, "usage: = received [report] [MEM:]INDEX PDU | none");
	char *colon = strchr(where, ':');
	if (colon) {
		*colon = '\0';
		snprintf(mem, sizeof(mem), "%s", where);
	}
	index = atoi(colon ? colon + 1 : where);
	if (r->rx_len == 0)
		fail(r, "expected message at index %d to be handed over; none was", index);
	struct rx_msg x = r->rx[0];
	memmove(r->rx, r->rx + 1, sizeof(r->rx[0]) * (size_t)--r->rx_len);
	r->last_token = x.token;
	if (x.index != index || strcmp(x.pdu, pdu) != 0 || x.report != report ||
	    (mem[0] && strcmp(mem, x.mem)))
		fail(r, "expected %s %s:%d pdu %s, got %s %s:%d pdu %s", report ? "report" : "message",
		     mem[0] ? mem : "*", index, pdu, x.report ? "report" : "message", x.mem, x.index, x.pdu);
}

static void check_sent(struct run *r, const char *args)
{
	char kind[32];
	int consumed = 0;
	if (!r->have_send)
		fail(r, "no send has completed");
	if (sscanf(args, "%31s%n", kind, &consumed) != 1)
		fail(r, "usage: = sent RESULT [CODE|REFS...]");
	if (strcmp(kind, at_result_kind_str(r->send.result.kind)) != 0)
		fail(r, "expected send result %s, got %s %d", kind, at_result_kind_str(r->send.result.kind),
		     r->send.result.code);
	args += consumed;
	if (r->send.result.kind != AT_RESULT_OK) {
		int code;
		if (sscanf(args, "%d", &code) == 1 && code != r->send.result.code)
			fail(r, "expected error code %d, got %d", code, r->send.result.code);
		r->have_send = false;
		return;
	}
	int i = 0, ref;
	while (sscanf(args, "%d%n", &ref, &consumed) == 1) {
		if (i >= r->send.parts_sent || r->send.refs[i] != ref)
			fail(r, "expected reference %d for part %d", ref, i + 1);
		i++;
		args += consumed;
	}
	if (i != r->send.parts_sent)
		fail(r, "expected %d parts accepted, got %d", i, r->send.parts_sent);
	r->have_send = false;
}

/* `= message FROM TEXT`, `= report REF STATUS NUMBER`, `= decoded none`. */
static void check_decoded(struct run *r, const char *what)
{
	if (strcmp(what, "decoded none") == 0) {
		if (r->n_messages)
			fail(r, "expected nothing more decoded, got \"%s\"", r->messages[0]);
		return;
	}
	if (r->n_messages == 0)
		fail(r, "expected \"%s\"; nothing was decoded", what);
	if (strcmp(r->messages[0], what) != 0)
		fail(r, "expected \"%s\", decoded \"%s\"", what, r->messages[0]);
	memmove(r->messages[0], r->messages[1], sizeof(r->messages[0]) * (size_t)--r->n_messages);
}

/* `= logged TEXT` / `= logged-once TEXT` / `= not-logged TEXT`: TEXT is in at least one
 * line, exactly one line, no line of what the layer logged so far. */
static void check_log(struct run *r, const char *text, int want)
{
	char line[8192];
	int found = 0;
	fflush(stderr);
	rewind(r->log);
	while (fgets(line, sizeof(line), r->log))
		found += strstr(line, text) != NULL;
	fseek(r->log, 0, SEEK_END);
	if (want < 0 && found == 0)
		fail(r, "the layer never logged \"%s\"", text);
	if (want >= 0 && found != want)
		fail(r, "the layer logged \"%s\" %d times, not %d", text, found, want);
}

static void check(struct run *r, const char *what)
{
	char key[32], val[128] = "";
	const struct modem_info *info = modem_info(r->m);
	if (sscanf(what, "%31s %127[^\n]", key, val) < 1)
		fail(r, "empty assertion");
	const char *args = what + strlen(key) + (val[0] ? 1 : 0);
	if (strcmp(key, "message") == 0 || strcmp(key, "report") == 0 || strcmp(key, "decoded") == 0) {
		check_decoded(r, what);
	} else if (strcmp(key, "state") == 0) {
		if (strcmp(val, modem_state_str(modem_state(r->m))) != 0)
			fail(r, "expected state %s, the modem is %s", val,
			     modem_state_str(modem_state(r->m)));
	} else if (strcmp(key, "received") == 0) {
		check_received(r, args);
	} else if (strcmp(key, "sent") == 0) {
		check_sent(r, args);
	} else if (strcmp(key, "reopen") == 0) {
		if (r->reopens != atoi(val))
			fail(r, "expected %s port reopen requests, got %d", val, r->reopens);
	} else if (strcmp(key, "signal") == 0) {
		if (info->signal_dbm != atoi(val))
			fail(r, "expected signal %s dBm, got %d", val, info->signal_dbm);
	} else if (strcmp(key, "reg") == 0) {
		if (strcmp(val, modem_reg_str(info->reg)) != 0)
			fail(r, "expected registration %s, got %s", val, modem_reg_str(info->reg));
	} else if (strcmp(key, "profile") == 0) {
		if (strcmp(val, info->profile) != 0)
			fail(r, "expected profile %s, got %s", val, info->profile);
	} else if (strcmp(key, "model") == 0) {
		if (strcmp(val, info->model) != 0)
			fail(r, "expected model \"%s\", got \"%s\"", val, info->model);
	} else if (strcmp(key, "logged") == 0 || strcmp(key, "not-logged") == 0 ||
		   strcmp(key, "logged-once") == 0) {
		check_log(r, args, key[0] == 'n' ? 0 : key[6] == '-' ? 1 : -1);
	} else if (strcmp(key, "operator") == 0) {
		if (strcmp(val, info->operator_name) != 0)
			fail(r, "expected operator \"%s\", got \"%s\"", val, info->operator_name);
	} else {
		fail(r, "unknown assertion %s", key);
	}
}

static void do_send(struct run *r, const char *args)
{
	struct modem_pdu parts[MODEM_SEND_MAX_PARTS];
	static char hex[MODEM_SEND_MAX_PARTS][600];
	int n = 0, consumed;
	while (n < MODEM_SEND_MAX_PARTS &&
	       sscanf(args, "%d %599s%n", &parts[n].tpdu_len, hex[n], &consumed) == 2) {
		parts[n].hex = hex[n];
		n++;
		args += consumed;
	}
	int rc = modem_send(r->m, parts, n, r->now, on_sent, r);
	if (rc != 0)
		fail(r, "modem_send refused: %s", strerror(-rc));
	pump(r);
}

static void act(struct run *r, const char *what)
{
	if (strcmp(what, "open") == 0) {
		modem_port_opened(r->m, r->now);
	} else if (strcmp(what, "stored") == 0 || strcmp(what, "store-failed") == 0) {
		if (!r->last_token)
			fail(r, "no message to store");
		modem_sms_stored(r->m, r->last_token, what[5] == '-' ? -EIO : 0, r->now);
	} else if (strcmp(what, "keep") == 0) {
		if (!r->last_token)
			fail(r, "no message to keep");
		modem_sms_keep(r->m, r->last_token, r->now);
	} else if (strncmp(what, "send ", 5) == 0) {
		do_send(r, what + 5);
	} else if (strcmp(what, "closed") == 0) {
		modem_port_closed(r->m, r->now);
	} else {
		fail(r, "unknown action %s", what);
	}
	pump(r);
}

static void setting(struct run *r, const char *what)
{
	char key[32], val[64];
	if (r->m)
		fail(r, "settings must come before the dialogue");
	if (sscanf(what, "%31s %63s", key, val) != 2)
		fail(r, "usage: set KEY VALUE");
	if (strcmp(key, "pin") == 0) {
		if (strlen(val) >= sizeof(r->settings.pin))
			fail(r, "PIN too long");
		memcpy(r->settings.pin, val, strlen(val) + 1);
	} else if (strcmp(key, "smsc") == 0) {
		if (strlen(val) >= sizeof(r->settings.smsc))
			fail(r, "SMSC too long");
		memcpy(r->settings.smsc, val, strlen(val) + 1);
	} else if (strcmp(key, "profile") == 0) {
		if (!modem_profile_name_valid(val) || strlen(val) >= sizeof(r->settings.profile))
			fail(r, "unknown profile %s", val);
		memcpy(r->settings.profile, val, strlen(val) + 1);
	} else if (strcmp(key, "log") == 0) {
		enum log_level level;
		if (log_level_parse(val, &level) != 0)
			fail(r, "unknown log level %s", val);
		log_setup(level, false, "transcript");
	} else if (strcmp(key, "split") == 0) {
		r->split = (size_t)atoi(val);
		if (r->split < 1 || r->split > 8)
			fail(r, "split must be 1..8");
	} else {
		fail(r, "unknown setting %s", key);
	}
}

static void run_file(struct run *r, const char *path);

static void run_line(struct run *r, const char *path, char *line)
{
	size_t len = strlen(line);
	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		line[--len] = '\0';
	if (len == 0 || line[0] == '#')
		return;
	if (strncmp(line, "set ", 4) == 0) {
		setting(r, line + 4);
		return;
	}
	if (strncmp(line, "include ", 8) == 0) {
		char inc[LINE_MAX_LEN * 2];
		const char *slash = strrchr(path, '/');
		snprintf(inc, sizeof(inc), "%.*s%s", slash ? (int)(slash - path + 1) : 0, path, line + 8);
		run_file(r, inc);
		return;
	}
	ensure_modem(r);
	if (strncmp(line, "> ", 2) == 0)
		expect_sent(r, line + 2);
	else if (strncmp(line, "<| ", 3) == 0)
		modem_says(r, line + 3, true);
	else if (strncmp(line, "< ", 2) == 0)
		modem_says(r, line + 2, false);
	else if (strncmp(line, "~ ", 2) == 0)
		advance(r, (uint64_t)strtoull(line + 2, NULL, 10));
	else if (strncmp(line, "= ", 2) == 0)
		check(r, line + 2);
	else if (strncmp(line, "! ", 2) == 0)
		act(r, line + 2);
	else
		fail(r, "cannot read this line");
}

static void run_file(struct run *r, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[LINE_MAX_LEN];
	const char *outer_file = r->file;
	int outer_line = r->line_no;
	if (!f)
		fail(r, "cannot open %s: %s", path, strerror(errno));
	r->file = path;
	r->line_no = 0;
	while (fgets(line, sizeof(line), f)) {
		r->line_no++;
		run_line(r, path, line);
	}
	fclose(f);
	r->file = outer_file;
	r->line_no = outer_line;
}

int main(int argc, char **argv)
{
	static struct run r;
	if (argc != 2) {
		fprintf(stderr, "usage: run_transcript FILE\n");
		return 2;
	}
	log_setup(getenv("M2_LOG") && strcmp(getenv("M2_LOG"), "debug") == 0 ? LOG_LEVEL_DEBUG
									     : LOG_LEVEL_WARN,
		  false, "transcript");
	/* The layer logs to stderr: into a file, for `= logged` and to show when a line fails. */
	r.stderr_fd = dup(2);
	r.log = tmpfile();
	if (r.stderr_fd < 0 || !r.log || dup2(fileno(r.log), 2) < 0) {
		perror("run_transcript: log file");
		return 2;
	}
	r.file = argv[1];
	r.split = 8;
	r.settings.baud = 115200;
	r.settings.command_timeout_ms = 5000;
	snprintf(r.settings.profile, sizeof(r.settings.profile), "generic");
	snprintf(r.settings.device, sizeof(r.settings.device), "memory");
	run_file(&r, argv[1]);
	nothing_unexpected_sent(&r);
	if (r.rx_len)
		fail(&r, "message at index %d was handed over but the transcript never checked it",
		     r.rx[0].index);
	if (r.n_messages)
		fail(&r, "\"%s\" was decoded but the transcript never checked it", r.messages[0]);
	sms_assembly_free(r.assembly);
	modem_free(r.m);
	modem_transport_close(r.t);
	printf("%s: ok\n", argv[1]);
	return 0;
}
