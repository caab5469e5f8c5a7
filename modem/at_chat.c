/* The AT chat engine: command queue and its timers, echo and final-result recognition,
 * collection of info lines (with their PDUs), URC dispatch by prefix, and the AT+CMGS text
 * entry (request, `> `, PDU, Ctrl-Z). Framing is at_framer's, field reading at_iter's. */
#include "at_chat.h"
#include "at_framer.h"
#include "log.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define CTRL_Z "\x1a"
#define ESC    "\x1b"

enum cmd_state {
	CMD_QUEUED,
	CMD_SENT,        /* request written, waiting for info lines and the final result */
	CMD_WAIT_PROMPT, /* AT+CMGS written, waiting for `> ` */
};

struct pending {
	struct pending *next;
	char *request, *prefix, *pdu;
	char *shown; /* the redacted request of a secret command, NULL otherwise */
	uint32_t timeout_ms;
	at_response_cb cb;
	void *user_data;
	enum cmd_state state;
	uint64_t deadline_ms;
	struct at_line *lines;
	size_t n_lines, cap_lines;
	bool last_wants_pdu; /* the last info line announced a PDU line */
};

struct urc {
	int id; /* 0: free slot */
	char *prefix;
	at_urc_cb cb;
	void *user_data;
};

struct at_chat {
	struct at_framer framer;
	struct pending *head, *tail;
	size_t queued;
	struct urc urcs[AT_CHAT_URC_MAX];
	int next_urc_id, next_cmd_id;
	char *held_urc; /* a +CMT:/+CDS: header waiting for its PDU line */
	int held_urc_id;
	uint8_t *out;
	size_t out_len, out_cap;
	size_t out_secret;    /* the first out_secret bytes of out may carry a secret */
	int secrets_queued;   /* secret commands queued or running */
	bool settle_secret;   /* the command whose timeout started the settle was secret */
	char secret_echo[32]; /* how the echo of the last secret command starts */
	uint64_t now_ms, last_rx_ms;
	bool settling;           /* a command timed out: hold the queue until the line is quiet */
	uint64_t settle_from_ms; /* when the command timed out */
	int dispatch_depth;
	struct at_chat_stats stats;
};

static void on_frame(void *user_data, const struct at_frame *frame);

struct at_chat *at_chat_new(void)
{
	struct at_chat *chat = calloc(1, sizeof(*chat));

	if (!chat)
		return NULL;
	at_framer_init(&chat->framer, on_frame, chat);
	chat->next_urc_id = 1;
	chat->next_cmd_id = 1;
	return chat;
}

static void pending_free(struct pending *p)
{
	for (size_t i = 0; i < p->n_lines; i++) {
		free(p->lines[i].text);
		free(p->lines[i].pdu);
	}
	free(p->lines);
	if (p->shown && p->request)
		memset(p->request, 0, strlen(p->request)); /* the secret itself */
	free(p->request);
	free(p->prefix);
	free(p->pdu);
	free(p->shown);
	free(p);
}

static const char *shown(const struct pending *p)
{
	return p->shown ? p->shown : p->request;
}

char *at_chat_redact(const char *request, char *out, size_t size)
{
	const char *eq = strchr(request, '=');
	int keep = eq ? (int)(eq - request + 1) : 0;

	snprintf(out, size, "%.*s%s", keep, request, AT_CHAT_HIDDEN);
	return out;
}

/* Makes `p` secret: its redacted form for every log, and what its echo starts with. */
static int make_secret(struct at_chat *chat, struct pending *p)
{
	char buf[64];
	const char *eq = strchr(p->request, '=');
	size_t keep = eq ? (size_t)(eq - p->request + 1) : strlen(p->request);

	p->shown = strdup(at_chat_redact(p->request, buf, sizeof(buf)));
	if (!p->shown)
		return -ENOMEM;
	if (keep >= sizeof(chat->secret_echo))
		keep = sizeof(chat->secret_echo) - 1;
	memcpy(chat->secret_echo, p->request, keep);
	chat->secret_echo[keep] = '\0';
	chat->secrets_queued++;
	return 0;
}

static void complete(struct at_chat *chat, struct at_result result);

void at_chat_free(struct at_chat *chat)
{
	if (!chat)
		return;
	/* Each owner of a queued command learns it ended, so it releases what it holds. */
	chat->dispatch_depth++;
	for (size_t n = chat->queued; n-- > 0 && chat->head;)
		complete(chat, (struct at_result){AT_RESULT_ABORTED, 0});
	chat->dispatch_depth--;
	while (chat->head) {
		struct pending *p = chat->head;
		chat->head = p->next;
		pending_free(p);
	}
	for (int i = 0; i < AT_CHAT_URC_MAX; i++)
		free(chat->urcs[i].prefix);
	free(chat->held_urc);
	free(chat->out);
	free(chat);
}

static void out_append(struct at_chat *chat, const char *s, size_t n)
{
	if (chat->out_len + n > chat->out_cap) {
		size_t cap = chat->out_cap ? chat->out_cap : 256;
		while (cap < chat->out_len + n)
			cap *= 2;
		uint8_t *o = realloc(chat->out, cap);
		if (!o) {
			log_error("modem", "event=out_of_memory what=\"AT output\" action=\"command dropped; "
					   "restart m2mon\"");
			return;
		}
		chat->out = o;
		chat->out_cap = cap;
	}
	memcpy(chat->out + chat->out_len, s, n);
	chat->out_len += n;
}

const uint8_t *at_chat_output(const struct at_chat *chat, size_t *len)
{
	*len = chat->out_len;
	return chat->out;
}

void at_chat_consume(struct at_chat *chat, size_t n)
{
	if (n > chat->out_len)
		n = chat->out_len;
	if (n == 0)
		return; /* also before anything was written: out is still NULL */
	chat->out_secret = chat->out_secret > n ? chat->out_secret - n : 0;
	memmove(chat->out, chat->out + n, chat->out_len - n);
	chat->out_len -= n;
}

static char *dup_or_null(const char *s, bool *fail)
{
	if (!s)
		return NULL;
	char *d = strdup(s);
	if (!d)
		*fail = true;
	return d;
}

static void pump(struct at_chat *chat);

int at_chat_send(struct at_chat *chat, const struct at_cmd *cmd, uint64_t now_ms, at_response_cb cb,
		 void *user_data)
{
	bool fail = false;

	if (!cmd->request || !cmd->request[0])
		return -EINVAL;
	if (chat->queued >= AT_CHAT_QUEUE_MAX)
		return -ENOBUFS;
	struct pending *p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->request = dup_or_null(cmd->request, &fail);
	p->prefix = dup_or_null(cmd->prefix, &fail);
	p->pdu = dup_or_null(cmd->pdu, &fail);
	if (fail || (cmd->secret && make_secret(chat, p) != 0)) {
		pending_free(p);
		return -ENOMEM;
	}
	p->timeout_ms = cmd->timeout_ms;
	p->cb = cb;
	p->user_data = user_data;
	if (chat->tail)
		chat->tail->next = p;
	else
		chat->head = p;
	chat->tail = p;
	chat->queued++;
	if (now_ms > chat->now_ms)
		chat->now_ms = now_ms;
	if (chat->dispatch_depth == 0)
		pump(chat);
	return chat->next_cmd_id++;
}

static uint64_t settle_end(const struct at_chat *chat)
{
	uint64_t quiet = chat->last_rx_ms > chat->settle_from_ms ? chat->last_rx_ms : chat->settle_from_ms;
	uint64_t end = quiet + AT_CHAT_SETTLE_MS, cap = chat->settle_from_ms + AT_CHAT_SETTLE_MAX_MS;

	return end < cap ? end : cap;
}

static void pump(struct at_chat *chat)
{
	struct pending *p = chat->head;

	if (chat->settling && settle_end(chat) <= chat->now_ms) {
		chat->settling = false;
		chat->settle_secret = false;
		log_debug("modem", "event=settled after_ms=%llu",
			  (unsigned long long)(chat->now_ms - chat->settle_from_ms));
	}
	if (!p || p->state != CMD_QUEUED || chat->settling)
		return;
	out_append(chat, p->request, strlen(p->request));
	out_append(chat, "\r", 1);
	if (p->shown)
		chat->out_secret = chat->out_len;
	p->state = p->pdu ? CMD_WAIT_PROMPT : CMD_SENT;
	p->deadline_ms = chat->now_ms + p->timeout_ms;
	log_debug("modem", "event=at_send cmd=\"%s\" timeout_ms=%u", shown(p), p->timeout_ms);
}

/* Unlinks the running command, reports `result` with its collected lines, writes the next. */
static void complete(struct at_chat *chat, struct at_result result)
{
	struct pending *p = chat->head;

	chat->head = p->next;
	if (!chat->head)
		chat->tail = NULL;
	chat->queued--;
	if (p->shown)
		chat->secrets_queued--;
	struct at_response resp = {shown(p), result, p->n_lines, p->lines};
	log_debug("modem", "event=at_done cmd=\"%s\" result=%s code=%d lines=%zu", shown(p),
		  at_result_kind_str(result.kind), result.code, p->n_lines);
	chat->dispatch_depth++;
	if (p->cb)
		p->cb(p->user_data, &resp);
	chat->dispatch_depth--;
	pending_free(p);
	if (chat->dispatch_depth == 0)
		pump(chat);
}

int at_chat_urc_add(struct at_chat *chat, const char *prefix, at_urc_cb cb, void *user_data)
{
	for (int i = 0; i < AT_CHAT_URC_MAX; i++) {
		struct urc *u = &chat->urcs[i];
		if (u->id != 0)
			continue;
		u->prefix = strdup(prefix);
		if (!u->prefix)
			return -ENOMEM;
		u->id = chat->next_urc_id++;
		u->cb = cb;
		u->user_data = user_data;
		return u->id;
	}
	return -ENOBUFS;
}

void at_chat_urc_remove(struct at_chat *chat, int id)
{
	for (int i = 0; i < AT_CHAT_URC_MAX; i++) {
		struct urc *u = &chat->urcs[i];
		if (id > 0 && u->id == id) {
			free(u->prefix);
			memset(u, 0, sizeof(*u));
		}
	}
}

static struct urc *urc_find(struct at_chat *chat, const char *line)
{
	for (int i = 0; i < AT_CHAT_URC_MAX; i++) {
		struct urc *u = &chat->urcs[i];
		if (u->id != 0 && strncmp(line, u->prefix, strlen(u->prefix)) == 0)
			return u;
	}
	return NULL;
}

static void urc_dispatch(struct at_chat *chat, int id, const char *line, const char *pdu)
{
	for (int i = 0; i < AT_CHAT_URC_MAX; i++) {
		struct urc *u = &chat->urcs[i];
		if (u->id != id)
			continue;
		log_debug("modem", "event=urc line=\"%s\" pdu=%s", line, pdu ? "yes" : "no");
		chat->dispatch_depth++;
		u->cb(u->user_data, line, pdu);
		chat->dispatch_depth--;
		break;
	}
	if (chat->dispatch_depth == 0)
		pump(chat);
}

static void release_held_urc(struct at_chat *chat, const char *pdu)
{
	char *line = chat->held_urc;

	if (!line)
		return;
	chat->held_urc = NULL;
	if (!pdu)
		log_debug("modem", "event=urc_without_pdu line=\"%s\"", line);
	urc_dispatch(chat, chat->held_urc_id, line, pdu);
	free(line);
}

static void add_line(struct pending *p, const char *text, bool wants_pdu)
{
	if (p->n_lines == p->cap_lines) {
		size_t cap = p->cap_lines ? p->cap_lines * 2 : 4;
		struct at_line *l = realloc(p->lines, cap * sizeof(*l));
		if (!l)
			return;
		p->lines = l;
		p->cap_lines = cap;
	}
	char *t = strdup(text);
	if (!t)
		return;
	p->lines[p->n_lines++] = (struct at_line){t, NULL};
	p->last_wants_pdu = wants_pdu;
}

static void on_pdu(struct at_chat *chat, const char *hex)
{
	struct pending *p = chat->head;

	if (chat->held_urc) {
		char *copy = strdup(hex);
		release_held_urc(chat, copy ? copy : hex);
		free(copy);
		return;
	}
	if (p && p->state != CMD_QUEUED && p->last_wants_pdu && p->n_lines > 0) {
		p->lines[p->n_lines - 1].pdu = strdup(hex);
		p->last_wants_pdu = false;
		return;
	}
	chat->stats.unexpected++;
	log_debug("modem", "event=unexpected_pdu len=%zu", strlen(hex));
}

static bool is_echo(const struct pending *p, const char *line)
{
	if (strcasecmp(line, p->request) == 0)
		return true;
	return p->pdu && strcasecmp(line, p->pdu) == 0;
}

static void on_prompt(struct at_chat *chat)
{
	struct pending *p = chat->head;

	if (p && p->state == CMD_WAIT_PROMPT) {
		out_append(chat, p->pdu, strlen(p->pdu));
		out_append(chat, CTRL_Z, 1);
		p->state = CMD_SENT;
		p->deadline_ms = chat->now_ms + p->timeout_ms;
		return;
	}
	/* A prompt nobody asked for: ESC leaves text entry without sending (TS 27.005 3.5.1). */
	chat->stats.unexpected++;
	log_warn("modem", "event=unexpected_prompt action=\"sent ESC to cancel the modem's text entry\"");
	out_append(chat, ESC, 1);
}

static void on_line(struct at_chat *chat, const char *line)
{
	struct pending *p = chat->head;
	bool running = p && p->state != CMD_QUEUED;
	struct at_result result;

	release_held_urc(chat, NULL);
	if (running && is_echo(p, line))
		return;
	if (at_chat_secret_pending(chat) &&
	    strncasecmp(line, chat->secret_echo, strlen(chat->secret_echo)) == 0) {
		chat->stats.unexpected++;
		log_debug("modem", "event=unexpected_line line=\"%s%s\"", chat->secret_echo, AT_CHAT_HIDDEN);
		return;
	}
	if (at_result_classify(line, &result)) {
		if (running) {
			complete(chat, result);
			return;
		}
		chat->stats.unexpected++;
		log_debug("modem", "event=stray_final line=\"%s\"", line);
		return;
	}
	bool wants_pdu = at_framer_expects_pdu(&chat->framer);
	if (running && p->prefix && p->prefix[0] && strncmp(line, p->prefix, strlen(p->prefix)) == 0) {
		add_line(p, line, wants_pdu);
		return;
	}
	struct urc *u = urc_find(chat, line);
	if (u && wants_pdu) {
		chat->held_urc = strdup(line);
		chat->held_urc_id = u->id;
		return;
	}
	if (u) {
		urc_dispatch(chat, u->id, line, NULL);
		return;
	}
	if (running && !p->prefix) {
		add_line(p, line, wants_pdu);
		return;
	}
	if (strncasecmp(line, "AT", 2) == 0)
		return;
	chat->stats.unexpected++;
	log_debug("modem", "event=unexpected_line line=\"%s\"", line);
}

static void on_frame(void *user_data, const struct at_frame *frame)
{
	struct at_chat *chat = user_data;

	chat->stats.lines++;
	switch (frame->kind) {
	case AT_FRAME_LINE:
		on_line(chat, frame->text);
		break;
	case AT_FRAME_PDU:
		on_pdu(chat, frame->text);
		break;
	case AT_FRAME_PROMPT:
		release_held_urc(chat, NULL);
		on_prompt(chat);
		break;
	case AT_FRAME_OVERLONG:
		chat->stats.unexpected++;
		log_warn("modem",
			 "event=overlong_line max=%d action=\"line dropped; check the baud rate and cable if "
			 "this repeats\"",
			 AT_FRAMER_LINE_MAX);
		break;
	}
}

void at_chat_feed(struct at_chat *chat, const void *buf, size_t len, uint64_t now_ms)
{
	if (now_ms > chat->now_ms)
		chat->now_ms = now_ms;
	chat->last_rx_ms = chat->now_ms;
	at_framer_feed(&chat->framer, buf, len);
}

static uint64_t flush_deadline(const struct at_chat *chat)
{
	if (!at_framer_pending(&chat->framer))
		return UINT64_MAX;
	return chat->last_rx_ms + AT_CHAT_FLUSH_MS;
}

uint64_t at_chat_next_deadline(const struct at_chat *chat)
{
	uint64_t d = flush_deadline(chat);
	const struct pending *p = chat->head;

	if (p && p->state != CMD_QUEUED && p->deadline_ms < d)
		d = p->deadline_ms;
	if (p && chat->settling && settle_end(chat) < d)
		d = settle_end(chat);
	return d;
}

void at_chat_tick(struct at_chat *chat, uint64_t now_ms)
{
	if (now_ms > chat->now_ms)
		chat->now_ms = now_ms;
	if (flush_deadline(chat) <= chat->now_ms)
		at_framer_flush(&chat->framer);
	struct pending *p = chat->head;
	if (p && p->state == CMD_QUEUED && chat->dispatch_depth == 0)
		pump(chat);
	if (!p || p->state == CMD_QUEUED || p->deadline_ms > chat->now_ms)
		return;
	chat->stats.timeouts++;
	log_info("modem", "event=timeout cmd=\"%s\" after_ms=%u", shown(p), p->timeout_ms);
	if (p->state == CMD_WAIT_PROMPT)
		out_append(chat, ESC, 1);
	chat->settling = true;
	chat->settle_secret = p->shown != NULL;
	chat->settle_from_ms = chat->now_ms;
	complete(chat, (struct at_result){AT_RESULT_TIMEOUT, 0});
}

void at_chat_abort_all(struct at_chat *chat)
{
	size_t n = chat->queued;

	chat->dispatch_depth++;
	while (n-- > 0 && chat->head)
		complete(chat, (struct at_result){AT_RESULT_ABORTED, 0});
	chat->dispatch_depth--;
	free(chat->held_urc);
	chat->held_urc = NULL;
	at_framer_reset(&chat->framer);
	chat->out_len = 0;
	chat->out_secret = 0;
}

size_t at_chat_output_secret(const struct at_chat *chat)
{
	return chat->out_secret;
}

bool at_chat_secret_pending(const struct at_chat *chat)
{
	return chat->secrets_queued > 0 || (chat->settling && chat->settle_secret);
}

size_t at_chat_queue_len(const struct at_chat *chat)
{
	return chat->queued;
}

struct at_chat_stats at_chat_stats(const struct at_chat *chat)
{
	return chat->stats;
}

void at_chat_escape(struct at_chat *chat)
{
	out_append(chat, ESC, 1);
}

void at_chat_kick(struct at_chat *chat, uint64_t now_ms)
{
	if (now_ms > chat->now_ms)
		chat->now_ms = now_ms;
	if (chat->dispatch_depth == 0)
		pump(chat);
}
