/* `m2mon sms send|list|watch`: a technician's direct use of a modem for SMS, through the
 * same modem layer and SMS codec as the daemons. Listing and watching leave messages on the
 * modem unless --delete is given, and delete a message only after it was printed. */
#include "cmd.h"
#include "commands.h"
#include "modem_session.h"
#include "sms_assembly.h"
#include "sms_codec.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

const char cmd_sms_usage[] =
	"Usage: m2mon sms send --device PATH [--pin PIN] [--report] NUMBER TEXT\n"
	"       m2mon sms list --device PATH [--pin PIN] [--delete] [--json]\n"
	"       m2mon sms watch --device PATH [--pin PIN] [--delete] [--json]\n"
	"\n"
	"send   sends TEXT (UTF-8; GSM 7-bit when it allows, else UCS-2; split into parts when\n"
	"       long) to NUMBER and prints the message reference of each part. --report asks\n"
	"       the network for a delivery report. Exit 0 only when the modem accepted every part.\n"
	"list   prints the messages stored on the modem, multipart messages joined, with the\n"
	"       storage index of each part; status reports, stored outgoing messages (a SIM\n"
	"       taken from a phone keeps its sent items) and what cannot be decoded too.\n"
	"       Nothing is deleted without --delete.\n"
	"watch  prints messages as they arrive until Ctrl-C, after those already stored (with\n"
	"       --json, a line {\"type\":\"watching\"} says when that is). Nothing is deleted\n"
	"       without --delete.\n"
	"\n"
	"Also accepted: --profile NAME, --baud N, --poll-s N (see m2mon modem --help).\n";

struct item {
	uint64_t token;
	int index;
	int stat;    /* TS 27.005 <stat>, -1 for a routed message */
	char mem[8]; /* its storage, "" for a routed message */
	int rc;      /* sms_decode_pdu's */
	char why[128];
	char *pdu;
	struct sms_decoded d;
	bool done;
};

struct sms_run {
	const char *prog;
	struct modem_settings set;
	bool json, del, report, watch;
	const char *number, *text;
	struct modem_session *s;
	struct item *items;
	size_t n_items;
	int phase;
	int shown;
	json_t *out;
	struct sms_submit *sub; /* send: the encoded parts */
	struct sms_assembly *assembly;
	struct item *adding; /* the item sms_assembly_add is working on */
};

static void iso_time(const struct sms_time *t, char *buf, size_t size)
{
	time_t secs = (time_t)t->utc_s;
	struct tm tm;
	if (!gmtime_r(&secs, &tm) || strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, size, "unknown");
}

static void finish_item(struct sms_run *r, struct item *it)
{
	struct modem *m = modem_session_modem(r->s);
	if (it->done)
		return;
	it->done = true;
	if (r->del)
		modem_sms_stored(m, it->token, 0, modem_session_now(r->s));
	else
		modem_sms_keep(m, it->token, modem_session_now(r->s));
}

static void emit(struct sms_run *r, json_t *o)
{
	if (r->watch) {
		json_dumpf(o, stdout, JSON_COMPACT);
		fputc('\n', stdout);
		fflush(stdout);
		json_decref(o);
	} else {
		json_array_append_new(r->out, o);
	}
}

static bool same_message(const struct item *it, const struct sms_assembly_key *k)
{
	const struct sms_concat *c = &it->d.concat;
	uint8_t total = c->present ? c->total : 1;
	uint16_t ref = c->present ? c->ref : 0;
	return it->rc == 0 && it->d.kind == SMS_KIND_DELIVER && !it->done &&
	       strcmp(it->d.number, k->sender) == 0 && total == k->total &&
	       (total == 1 || (ref == k->ref && c->ref16 == k->ref16));
}

static void on_message(const struct sms_message *msg, void *user_data)
{
	struct sms_run *r = user_data;
	char when[32];
	json_t *parts = json_array();
	iso_time(&msg->scts, when, sizeof(when));
	for (int k = 0; k < msg->part_count; k++) {
		for (size_t i = 0; i < r->n_items; i++) {
			struct item *it = &r->items[i];
			if (msg->key.total == 1
				    ? it != r->adding
				    : !same_message(it, &msg->key) || it->d.concat.seq != msg->parts[k])
				continue;
			json_array_append_new(
				parts, json_pack("{s:i, s:i}", "seq", msg->parts[k], "index", it->index));
			finish_item(r, it);
		}
	}
	json_t *missing = json_array();
	for (int i = 0; i < msg->missing_count; i++)
		json_array_append_new(missing, json_integer(msg->missing[i]));
	r->shown++;
	if (r->json) {
		emit(r, json_pack("{s:s, s:s, s:s, s:s%, s:s, s:b, s:o, s:o}", "type", "message", "from",
				  msg->key.sender, "time", when, "text", msg->text, msg->text_len, "encoding",
				  sms_encoding_str(msg->encoding), "complete", msg->complete, "parts", parts,
				  "missing", missing));
		return;
	}
	printf("message from %s at %s, %d part%s", msg->key.sender, when, msg->part_count,
	       msg->part_count > 1 ? "s" : "");
	for (size_t i = 0; i < json_array_size(parts); i++) {
		json_t *p = json_array_get(parts, i);
		printf("%s %lld@index %lld", i ? "," : ":",
		       (long long)json_integer_value(json_object_get(p, "seq")),
		       (long long)json_integer_value(json_object_get(p, "index")));
	}
	if (!msg->complete)
		printf(" INCOMPLETE, %d part%s missing", msg->missing_count,
		       msg->missing_count > 1 ? "s" : "");
	printf("\n  %.*s\n", (int)msg->text_len, msg->text);
	fflush(stdout);
	json_decref(parts);
	json_decref(missing);
}

static void show_report(struct sms_run *r, struct item *it)
{
	char when[32];
	iso_time(&it->d.discharge, when, sizeof(when));
	r->shown++;
	if (r->json)
		emit(r, json_pack("{s:s, s:s, s:i, s:s, s:i, s:s, s:i, s:s}", "type", "report", "to",
				  it->d.number, "ref", it->d.message_ref, "status",
				  sms_delivery_str(it->d.delivery), "tp_status", it->d.tp_status, "time",
				  when, "index", it->index, "mem", it->mem));
	else
		printf("status report: message ref %d to %s: %s at %s (TP-Status 0x%02X)\n",
		       it->d.message_ref, it->d.number, sms_delivery_str(it->d.delivery), when,
		       it->d.tp_status);
	finish_item(r, it);
}

/* A stored SMS-SUBMIT: a message a phone sent (or was to send) from this SIM. */
static void show_outgoing(struct sms_run *r, struct item *it)
{
	const char *state = it->stat == 2 ? "unsent" : it->stat == 3 ? "sent" : "stored";
	const struct sms_concat *c = &it->d.concat;
	r->shown++;
	if (r->json)
		emit(r,
		     json_pack("{s:s, s:s, s:s%, s:s, s:s, s:i, s:s, s:i, s:i}", "type", "outgoing", "to",
			       it->d.number, "text", it->d.text, it->d.text_len, "encoding",
			       sms_encoding_str(it->d.encoding), "state", state, "index", it->index, "mem",
			       it->mem, "part", c->present ? c->seq : 1, "parts", c->present ? c->total : 1));
	else
		printf("stored outgoing message (%s) to %s at %s index %d%s\n  %.*s\n", state, it->d.number,
		       it->mem, it->index, c->present ? ", one part of a longer message" : "",
		       (int)it->d.text_len, it->d.text);
	finish_item(r, it);
}

static void show_undecodable(struct sms_run *r, struct item *it)
{
	r->shown++;
	if (r->json)
		emit(r, json_pack("{s:s, s:i, s:s, s:s, s:s}", "type", "undecodable", "index", it->index,
				  "mem", it->mem, "pdu", it->pdu, "error", it->why));
	else
		printf("undecodable message at index %d: %s\n  %s\n", it->index, it->why, it->pdu);
	finish_item(r, it);
}

/* Decodes, shows or assembles one item; multipart parts wait in the assembly. */
static void process_item(struct sms_run *r, struct item *it, int64_t now_ms)
{
	if (it->rc != 0) {
		show_undecodable(r, it);
		return;
	}
	if (it->d.kind == SMS_KIND_STATUS_REPORT) {
		show_report(r, it);
		return;
	}
	if (it->d.kind == SMS_KIND_SUBMIT) {
		show_outgoing(r, it);
		return;
	}
	r->adding = it;
	int rc = sms_assembly_add(r->assembly, &it->d, it->pdu, now_ms);
	r->adding = NULL;
	if (rc < 0) {
		snprintf(it->why, sizeof(it->why), "cannot assemble: %s", strerror(-rc));
		show_undecodable(r, it);
	} else if (rc == SMS_ASSEMBLY_DUPLICATE) {
		finish_item(r, it);
	}
}

static struct item *add_item(struct sms_run *r, const struct modem_inbound *in)
{
	struct item *items = realloc(r->items, (r->n_items + 1) * sizeof(*items));
	if (!items)
		return NULL;
	r->items = items;
	struct item *it = &items[r->n_items];
	memset(it, 0, sizeof(*it));
	it->pdu = strdup(in->pdu);
	if (!it->pdu)
		return NULL;
	r->n_items++;
	it->token = in->token;
	it->index = in->index;
	it->stat = in->stat;
	snprintf(it->mem, sizeof(it->mem), "%s", in->mem);
	it->rc = sms_decode_pdu(in->pdu, strlen(in->pdu), in->tpdu_len, &it->d, it->why, sizeof(it->why));
	return it;
}

static void on_sms(struct modem_session *s, const struct modem_inbound *in, void *user_data)
{
	struct sms_run *r = user_data;
	struct item *it = add_item(r, in);
	if (!it) {
		modem_sms_keep(modem_session_modem(s), in->token, modem_session_now(s));
		return;
	}
	if (r->watch)
		process_item(r, it, (int64_t)modem_session_now(s));
}

static int by_index(const void *a, const void *b)
{
	const struct item *x = a, *y = b;
	int by_mem = strcmp(x->mem, y->mem);
	return by_mem ? by_mem : (x->index > y->index) - (x->index < y->index);
}

static void list_idle(struct modem_session *s, void *user_data)
{
	struct sms_run *r = user_data;
	if (r->phase == 1) {
		modem_session_stop(s, 0);
		return;
	}
	r->phase = 1;
	if (r->n_items)
		qsort(r->items, r->n_items, sizeof(r->items[0]), by_index);
	for (size_t i = 0; i < r->n_items; i++)
		process_item(r, &r->items[i], 0);
	sms_assembly_tick(r->assembly, INT64_MAX / 2);
	if (modem_idle(modem_session_modem(s)))
		modem_session_stop(s, 0);
}

static void watch_idle(struct modem_session *s, void *user_data)
{
	struct sms_run *r = user_data;
	sms_assembly_tick(r->assembly, (int64_t)modem_session_now(s));
	if (r->phase == 0 && !r->json)
		fprintf(stderr, "%s: watching %s; Ctrl-C to stop\n", r->prog, r->set.device);
	else if (r->phase == 0)
		emit(r, json_pack("{s:s, s:s}", "type", "watching", "device", r->set.device));
	r->phase = 1;
}

static void on_sent(void *user_data, const struct modem_send_result *res)
{
	struct sms_run *r = user_data;
	if (res->result.kind != AT_RESULT_OK) {
		const char *why = at_result_describe(&res->result);
		fprintf(stderr, "%s: the modem refused the message: %s %d%s%s (%d part%s sent before)\n",
			r->prog, at_result_kind_str(res->result.kind), res->result.code, why ? ", " : "",
			why ? why : "", res->parts_sent, res->parts_sent == 1 ? "" : "s");
		modem_session_stop(r->s, -EPROTO);
		return;
	}
	printf("sent to %s: %d part%s, reference%s", r->number, res->parts_sent,
	       res->parts_sent > 1 ? "s" : "", res->parts_sent > 1 ? "s" : "");
	for (int i = 0; i < res->parts_sent; i++)
		printf(" %d", res->refs[i]);
	printf("\n");
	modem_session_stop(r->s, 0);
}

static void send_idle(struct modem_session *s, void *user_data)
{
	struct sms_run *r = user_data;
	struct modem_pdu parts[SMS_MAX_PARTS];
	if (r->phase++)
		return;
	for (int i = 0; i < r->sub->part_count; i++)
		parts[i] = (struct modem_pdu){r->sub->parts[i].hex, r->sub->parts[i].tpdu_len};
	int rc = modem_send(modem_session_modem(s), parts, r->sub->part_count, modem_session_now(s), on_sent,
			    r);
	if (rc < 0) {
		fprintf(stderr, "%s: cannot send: %s\n", r->prog, strerror(-rc));
		modem_session_stop(s, -EPROTO);
	}
}

static int run(struct sms_run *r, void (*idle)(struct modem_session *, void *), uint32_t timeout_ms)
{
	struct modem_session_hooks hooks = {idle, on_sms};
	struct sms_assembly_cfg acfg = {10 * 60 * 1000, 64, NULL, on_message, r};
	int rc;
	if (!r->set.device[0])
		return cmd_usage_error(r->prog, "--device is required");
	r->assembly = sms_assembly_new(&acfg);
	r->out = json_array();
	r->s = modem_session_new(&r->set, NULL, &hooks, r);
	if (!r->assembly || !r->out || !r->s) {
		rc = -ENOMEM;
	} else {
		rc = modem_session_run(r->s, timeout_ms);
	}
	if (rc == 0 && r->json && !r->watch) {
		json_dumpf(r->out, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
	} else if (rc == 0 && !r->watch && r->shown == 0 && !r->number) {
		printf("no messages on the modem\n");
	}
	if (rc == -EINTR && r->watch)
		rc = 0;
	if (rc < 0 && rc != -EPROTO)
		cmd_modem_failed(r->prog, &r->set, rc);
	modem_session_free(r->s);
	sms_assembly_free(r->assembly);
	json_decref(r->out);
	for (size_t i = 0; i < r->n_items; i++)
		free(r->items[i].pdu);
	free(r->items);
	return rc == 0 ? M2_EXIT_OK : M2_EXIT_FAIL;
}

/* Parses the options of `m2mon sms SUB`; positional arguments go to pos[0..max). */
static int parse(struct sms_run *r, int argc, char **argv, const char **pos, int max, int *n_pos)
{
	*n_pos = 0;
	cmd_modem_defaults(&r->set);
	for (int i = 1; i < argc; i++) {
		int rc = cmd_modem_option(r->prog, argc, argv, &i, &r->set);
		if (rc < 0)
			return -1;
		if (rc > 0)
			continue;
		if (strcmp(argv[i], "--json") == 0 && !r->number)
			r->json = true;
		else if (strcmp(argv[i], "--delete") == 0 && max == 0)
			r->del = true;
		else if (strcmp(argv[i], "--report") == 0 && max > 0)
			r->report = true;
		else if (argv[i][0] == '-' && argv[i][1] && strcmp(argv[i], "--") != 0)
			return cmd_usage_error(r->prog, "unknown option '%s'", argv[i]), -1;
		else if (*n_pos < max && strcmp(argv[i], "--") != 0)
			pos[(*n_pos)++] = argv[i];
		else if (strcmp(argv[i], "--") != 0)
			return cmd_usage_error(r->prog, "unexpected argument '%s'", argv[i]), -1;
	}
	return 0;
}

static int sms_send(int argc, char **argv)
{
	struct sms_run r = {.prog = "m2mon sms send"};
	const char *pos[2];
	int n;
	if (parse(&r, argc, argv, pos, 2, &n) < 0)
		return M2_EXIT_USAGE;
	if (n != 2)
		return cmd_usage_error(r.prog, "expected NUMBER and TEXT");
	r.number = pos[0];
	r.text = pos[1];
	r.sub = malloc(sizeof(*r.sub));
	if (!r.sub)
		return M2_EXIT_FAIL;
	struct sms_submit_opts opts = {NULL, false, 0, (uint8_t)(time(NULL) ^ getpid())};
	opts.status_report = r.report;
	int rc = sms_encode_submit(r.number, r.text, &opts, r.sub);
	if (rc < 0) {
		free(r.sub);
		if (rc == -EMSGSIZE)
			return cmd_usage_error(r.prog, "TEXT needs more than %d SMS", SMS_MAX_PARTS);
		if (rc == -EINVAL)
			return cmd_usage_error(
				r.prog,
				"NUMBER must be digits with an optional leading '+', and TEXT valid UTF-8");
		fprintf(stderr, "%s: cannot encode the message: %s\n", r.prog, strerror(-rc));
		return M2_EXIT_FAIL;
	}
	rc = run(&r, send_idle, 120000);
	free(r.sub);
	return rc;
}

static int sms_list(int argc, char **argv)
{
	struct sms_run r = {.prog = "m2mon sms list"};
	int n;
	if (parse(&r, argc, argv, NULL, 0, &n) < 0)
		return M2_EXIT_USAGE;
	return run(&r, list_idle, 120000);
}

static int sms_watch(int argc, char **argv)
{
	struct sms_run r = {.prog = "m2mon sms watch", .watch = true};
	int n;
	if (parse(&r, argc, argv, NULL, 0, &n) < 0)
		return M2_EXIT_USAGE;
	return run(&r, watch_idle, 0);
}

static const struct cmd sms_cmds[] = {
	{"send", "send a text to a number", cmd_sms_usage, sms_send},
	{"list", "print the messages stored on the modem", cmd_sms_usage, sms_list},
	{"watch", "print messages as they arrive", cmd_sms_usage, sms_watch},
};

int cmd_sms(int argc, char **argv)
{
	return cmd_dispatch("m2mon sms", NULL, sms_cmds, sizeof(sms_cmds) / sizeof(sms_cmds[0]), argc, argv,
			    stdout, stderr);
}
