/* What the demo watches and shows: every SMS the network carried, read from the simulator's
 * DIR/net/sms.jsonl as it grows (parts of a long text joined, every text in full), and the
 * base's events read from its store (a cheap version check first), each printed as one line
 * of the transcript: colour on a terminal, plain when piped. */
#include "cmd_demo.h"
#include "proto.h"
#include "store_view.h"

#include <errno.h>
#include <jansson.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PARTS_MAX 16

struct demo_parts {
	struct demo_parts *next;
	int from, to, total, got;
	int64_t t_ms;
	char *text[PARTS_MAX];
};

static const char *colour(const struct demo *d, const char *code)
{
	return d->tty ? code : "";
}

static void clock_text(int64_t ms, char *out, size_t size)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	localtime_r(&t, &tm);
	size_t n = strftime(out, size, "%H:%M:%S", &tm);
	snprintf(out + n, size - n, ".%d", (int)(ms % 1000) / 100);
}

void demo_say(const struct demo *d, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs(colour(d, "\033[1m"), stdout);
	vprintf(fmt, ap);
	fputs(colour(d, "\033[0m"), stdout);
	fputc('\n', stdout);
	fflush(stdout);
	va_end(ap);
}

void demo_note(const struct demo *d, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	printf("%s   ", colour(d, "\033[2m"));
	vprintf(fmt, ap);
	printf("%s\n", colour(d, "\033[0m"));
	fflush(stdout);
	va_end(ap);
}

static int who(const char *number)
{
	for (int i = 0; number && i < DEMO_WHO_COUNT; i++)
		if (strcmp(demo_parties[i].number, number) == 0)
			return i;
	return -1;
}

static const char *who_colour(const struct demo *d, int w)
{
	if (w < 0)
		return colour(d, "\033[31m");
	switch (demo_parties[w].kind) {
	case DEMO_PARTY_BASE:
		return colour(d, "\033[33m");
	case DEMO_PARTY_UNIT:
		return colour(d, "\033[36m");
	case DEMO_PARTY_PHONE:
		return colour(d, "\033[32m");
	}
	return "";
}

/* Where the unit<->base message starts in `text`: "#1" and its kind letter, after any text
 * for people (an alarm opens with one). NULL when there is none. */
static const char *message_start(const char *text)
{
	for (const char *p = strchr(text, '#'); p; p = strchr(p + 1, '#'))
		if ((p == text || p[-1] == ' ') && p[1] >= '0' && p[1] <= '9' && p[2] >= 'A' && p[2] <= 'Z' &&
		    p[3] == ' ')
			return p;
	return NULL;
}

static void describe_readings(const struct proto_readings *r, char *out, size_t size)
{
	size_t n = (size_t)snprintf(out, size, "readings:");
	for (size_t c = 0; c < r->n_channels && n < size; c++) {
		n += (size_t)snprintf(out + n, size - n, " %s", r->channel[c]);
		for (size_t i = 0; i < r->count && n < size; i++) {
			int32_t v = proto_readings_at(r, c, i), a = v < 0 ? -v : v;
			n += (size_t)snprintf(out + n, size - n, " %s%d.%d", v < 0 ? "-" : "", a / 10,
					      a % 10);
		}
	}
	if (n < size)
		snprintf(out + n, size - n, " C, one every %u s", r->interval_s);
}

/* What a unit<->base message says, opened with the unit's key as its receiver opens it. */
static void describe(const struct demo *d, struct demo_sms *m, char *out, size_t size)
{
	const char *start = message_start(m->text);
	int unit = m->from >= DEMO_CHILLER && m->from <= DEMO_REEFER ? m->from : m->to;
	out[0] = '\0';
	if (!start || unit < DEMO_CHILLER || unit > DEMO_REEFER)
		return;
	uint8_t key[PROTO_KEY_LEN];
	struct proto_error err = {0};
	struct proto_msg *msg = malloc(sizeof(*msg));
	enum proto_dir dir = m->from == unit ? PROTO_DIR_UNIT_TO_BASE : PROTO_DIR_BASE_TO_UNIT;
	if (!msg || proto_key_parse(d->keys[unit - DEMO_CHILLER], key) != 0) {
		free(msg);
		return;
	}
	if (proto_open(m->text, strlen(m->text), key, dir, msg, &err) != 0)
		snprintf(out, size, "does not verify: %s", proto_reject_str(err.reason));
	else if (msg->head.kind == PROTO_KIND_READINGS) {
		describe_readings(&msg->u.readings, out, size);
		m->readings = (int)(msg->u.readings.count * msg->u.readings.n_channels);
	} else if (msg->head.kind == PROTO_KIND_RECEIPT)
		snprintf(out, size, "receipt: stored up to message %u", msg->u.receipt.upto);
	else
		snprintf(out, size, "%s, signed", proto_kind_str(msg->head.kind));
	sodium_memzero(key, sizeof(key));
	free(msg);
}

static void print_sms(const struct demo *d, const struct demo_sms *m, const char *says, const char *from_num,
		      const char *to_num)
{
	char when[32], route[80];
	clock_text(m->t_ms, when, sizeof(when));
	const char *f = m->from >= 0 ? demo_parties[m->from].shown : from_num;
	const char *t = m->to >= 0 ? demo_parties[m->to].shown : to_num;
	snprintf(route, sizeof(route), "%s -> %s", f, t);
	printf("%s  %s%-20s%s ", when, who_colour(d, m->from), route, colour(d, "\033[0m"));
	if (m->report) {
		printf("%s(delivery report: %s)%s\n", colour(d, "\033[2m"), m->status, colour(d, "\033[0m"));
		fflush(stdout);
		return;
	}
	for (const char *p = m->text; *p; p++) {
		if (*p == '\n')
			fputs("\n                                  ", stdout);
		else if (*p != '\r')
			fputc(*p, stdout);
	}
	if (says[0])
		printf("  %s(%s)%s", colour(d, "\033[2m"), says, colour(d, "\033[0m"));
	if (strcmp(m->status, "delivered") != 0)
		printf("  %s[%s]%s", colour(d, "\033[31m"), m->status, colour(d, "\033[0m"));
	fputc('\n', stdout);
	fflush(stdout);
}

static void add_sms(struct demo *d, struct demo_sms *m, const char *from_num, const char *to_num)
{
	if (d->n_sms == d->sms_cap) {
		size_t cap = d->sms_cap ? d->sms_cap * 2 : 64;
		struct demo_sms *n = realloc(d->sms, cap * sizeof(*n));
		if (!n) {
			free(m->text);
			return;
		}
		d->sms = n;
		d->sms_cap = cap;
	}
	d->n_reports += m->report;
	char says[400];
	describe(d, m, says, sizeof(says));
	print_sms(d, m, says, from_num, to_num);
	d->sms[d->n_sms++] = *m;
}

/* A part of a long text: kept until every part is there, then the whole text is one SMS. */
static bool join_part(struct demo *d, struct demo_sms *m, int part, int total)
{
	struct demo_parts **pp = &d->parts;
	while (*pp && ((*pp)->from != m->from || (*pp)->to != m->to || (*pp)->text[part - 1]))
		pp = &(*pp)->next;
	struct demo_parts *p = *pp;
	if (!p && !(p = *pp = calloc(1, sizeof(*p))))
		return false;
	p->from = m->from;
	p->to = m->to;
	p->total = total;
	p->text[part - 1] = m->text;
	p->t_ms = m->t_ms;
	if (++p->got < total)
		return false;
	size_t len = 1;
	for (int i = 0; i < total; i++)
		len += p->text[i] ? strlen(p->text[i]) : 0;
	m->text = calloc(1, len);
	for (int i = 0; i < total; i++) {
		if (m->text && p->text[i])
			strcat(m->text, p->text[i]);
		free(p->text[i]);
	}
	*pp = p->next;
	free(p);
	return m->text != NULL;
}

/* The simulator's times, 2026-11-25T03:00:01.250Z, in epoch milliseconds (0: unreadable). */
static int64_t iso_ms(const char *text)
{
	struct tm tm = {0};
	int ms = 0;
	if (sscanf(text, "%d-%d-%dT%d:%d:%d.%dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
		   &tm.tm_min, &tm.tm_sec, &ms) != 7)
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (int64_t)timegm(&tm) * 1000 + ms;
}

static void on_line(struct demo *d, const char *line)
{
	json_t *o = json_loads(line, 0, NULL);
	const char *type = NULL, *from = NULL, *to = NULL, *text = NULL, *status = NULL, *time = NULL,
		   *submitted = NULL;
	int parts = 1, part = 1;
	if (!o || json_unpack(o, "{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s?i,s?i}", "type", &type, "from", &from, "to",
			      &to, "text", &text, "status", &status, "time", &time, "submitted", &submitted,
			      "parts", &parts, "part", &part) != 0) {
		json_decref(o);
		return;
	}
	struct demo_sms m = {.from = who(from), .to = who(to), .report = strcmp(type, "sms") != 0};
	snprintf(m.status, sizeof(m.status), "%s", status);
	m.t_ms = iso_ms(time);
	m.submit_ms = iso_ms(submitted);
	m.text = strdup(text);
	bool whole = m.text && (parts <= 1 || part < 1 || part > parts || parts > PARTS_MAX ||
				join_part(d, &m, part, parts));
	if (whole)
		add_sms(d, &m, from, to);
	json_decref(o);
}

/* What sms.jsonl gained since the last read, line by line. */
static void read_network(struct demo *d)
{
	char path[DEMO_PATH_MAX + 32], buf[16384];
	snprintf(path, sizeof(path), "%s/sms.jsonl", d->net);
	uv_fs_t req;
	uv_file fd = uv_fs_open(NULL, &req, path, UV_FS_O_RDONLY, 0, NULL);
	uv_fs_req_cleanup(&req);
	if (fd < 0)
		return;
	for (;;) {
		uv_buf_t b = uv_buf_init(buf, sizeof(buf));
		int n = uv_fs_read(NULL, &req, fd, &b, 1, d->sms_offset, NULL);
		uv_fs_req_cleanup(&req);
		if (n <= 0)
			break;
		d->sms_offset += n;
		char *grown = realloc(d->partial, d->partial_len + (size_t)n + 1);
		if (!grown)
			break;
		d->partial = grown;
		memcpy(d->partial + d->partial_len, buf, (size_t)n);
		d->partial_len += (size_t)n;
		d->partial[d->partial_len] = '\0';
		char *start = d->partial, *nl;
		while ((nl = strchr(start, '\n'))) {
			*nl = '\0';
			on_line(d, start);
			start = nl + 1;
		}
		d->partial_len = strlen(start);
		memmove(d->partial, start, d->partial_len + 1);
	}
	uv_fs_close(NULL, &req, fd, NULL);
	uv_fs_req_cleanup(&req);
}

/* The state a "high notified->escalated" names, or NULL. */
static const char *incident_to(const char *text)
{
	const char *arrow = strstr(text, "->");
	return arrow ? arrow + 2 : NULL;
}

static void event_words(const struct demo_event *e, char *out, size_t size)
{
	const char *to = incident_to(e->text);
	char where[40];
	snprintf(where, sizeof(where), "%s%s%s", e->unit, e->channel[0] ? "/" : "", e->channel);
	static const struct {
		const char *to, *words;
	} states[] = {{"open", "opened"},
		      {"notified", "tier 1 told"},
		      {"escalated", "nobody answered: the next tier told"},
		      {"cleared", "back inside its limits"},
		      {"closed", "closed"}};
	switch (e->kind) {
	case STORE_EVENT_INCIDENT:
		for (size_t i = 0; to && i < sizeof(states) / sizeof(states[0]); i++)
			if (strcmp(to, states[i].to) == 0)
				snprintf(out, size, "incident #%u %s %.*s: %s", e->incident_id, where,
					 (int)strcspn(e->text, " "), e->text, states[i].words);
		return;
	case STORE_EVENT_ACK:
		snprintf(out, size, "incident #%u %s acknowledged by %s", e->incident_id, where,
			 demo_party_name(e->actor));
		return;
	case STORE_EVENT_ALARM:
	case STORE_EVENT_CLEAR:
	case STORE_EVENT_SILENT:
		snprintf(out, size, "%s %s%s", where, e->kind == STORE_EVENT_SILENT ? "SILENT: " : "",
			 e->text);
		return;
	case STORE_EVENT_HEARD:
		snprintf(out, size, "%s heard again", where);
		return;
	case STORE_EVENT_STRANGER:
		snprintf(out, size, "a text from %s, who is on no list: %s", demo_party_name(e->actor),
			 e->text);
		return;
	case STORE_EVENT_NOTIFIED:
	case STORE_EVENT_DELIVERED:
	case STORE_EVENT_NOT_SENT:
	case STORE_EVENT_MUTE:
	case STORE_EVENT_UNMUTE:
	case STORE_EVENT_COMMAND:
	case STORE_EVENT_CONFIG:
	case STORE_EVENT_FORGED:
	case STORE_EVENT_REPLAY:
	case STORE_EVENT_MODEM:
	case STORE_EVENT_PROBE:
	case STORE_EVENT_POWER:
	case STORE_EVENT_OTHER:
		return;
	}
}

static void add_event(struct demo *d, const struct demo_event *e)
{
	if (d->n_events == d->events_cap) {
		size_t cap = d->events_cap ? d->events_cap * 2 : 64;
		struct demo_event *n = realloc(d->events, cap * sizeof(*n));
		if (!n)
			return;
		d->events = n;
		d->events_cap = cap;
	}
	d->events[d->n_events++] = *e;
	char words[400] = "", when[32];
	event_words(e, words, sizeof(words));
	if (!words[0])
		return;
	if (e->kind == STORE_EVENT_INCIDENT && strcmp(incident_to(e->text), "open") == 0)
		d->incidents++;
	clock_text(e->t_ms, when, sizeof(when));
	printf("%s  %s** %s%s\n", when, colour(d, "\033[1;35m"), words, colour(d, "\033[0m"));
	fflush(stdout);
}

/* True when event `id` was read before (the reads overlap; see read_store). */
static bool seen(const struct demo *d, int64_t id)
{
	if (id > d->last_event_id)
		return false;
	for (size_t i = d->n_events; i > 0; i--)
		if (d->events[i - 1].id == id)
			return true;
	return false;
}

static int on_event(void *ud, const struct store_event *se)
{
	struct demo *d = ud;
	if (seen(d, se->id))
		return 0;
	d->last_event_id = se->id > d->last_event_id ? se->id : d->last_event_id;
	d->events_t_ms = se->t_ms > d->events_t_ms ? se->t_ms : d->events_t_ms;
	struct demo_event e = {
		.id = se->id, .t_ms = se->t_ms, .kind = se->kind, .incident_id = se->incident_id};
	snprintf(e.unit, sizeof(e.unit), "%s", se->unit);
	snprintf(e.channel, sizeof(e.channel), "%s", se->channel);
	snprintf(e.actor, sizeof(e.actor), "%s", se->actor);
	snprintf(e.text, sizeof(e.text), "%s", se->text);
	add_event(d, &e);
	return 0;
}

int demo_watch_open(struct demo *d)
{
	char path[DEMO_PATH_MAX + 16];
	demo_path(d, "base.db", path, sizeof(path));
	struct store_open_cfg cfg = {.path = path, .kind = STORE_KIND_BASE, .read_only = true};
	int err = store_open(&cfg, &d->store);
	if (err == 0)
		err = store_view_version(d->store, &d->store_version);
	if (err == 0)
		err = store_view_events(d->store, NULL, 0, on_event, d);
	return err;
}

static void read_store(struct demo *d)
{
	uint64_t v;
	if (!d->store || store_view_version(d->store, &v) != 0 || v == d->store_version)
		return;
	d->store_version = v;
	/* An event may carry a time earlier than one already read (a unit's clock, a late
	 * report): ten minutes back, and the ids keep each event to one line. */
	int64_t since = d->events_t_ms > 600000 ? d->events_t_ms - 600000 : 0;
	store_view_events(d->store, NULL, since, on_event, d);
}

void demo_watch(struct demo *d)
{
	read_network(d);
	read_store(d);
}

long demo_sms_find(const struct demo *d, size_t from, int who_from, int who_to, const char *needle)
{
	for (size_t i = from; i < d->n_sms; i++) {
		const struct demo_sms *m = &d->sms[i];
		if (!m->report && (who_from < 0 || m->from == who_from) && (who_to < 0 || m->to == who_to) &&
		    strcmp(m->status, "delivered") == 0 && (!needle || strstr(m->text, needle)))
			return (long)i;
	}
	return -1;
}

const struct demo_event *demo_event_find(const struct demo *d, size_t from, enum store_event_kind kind,
					 const char *unit, const char *needle)
{
	for (size_t i = from; i < d->n_events; i++) {
		const struct demo_event *e = &d->events[i];
		if (e->kind == kind && (!unit || strcmp(e->unit, unit) == 0) &&
		    (!needle || strstr(e->text, needle)))
			return e;
	}
	return NULL;
}

int demo_batch_max(const struct demo *d, int who)
{
	int most = 0;
	for (size_t i = 0; i < d->n_sms; i++)
		if (d->sms[i].from == who && d->sms[i].readings > most)
			most = d->sms[i].readings;
	return most;
}

static int count_reading(void *ud, const struct store_reading *r)
{
	(void)r;
	(*(int *)ud)++;
	return 0;
}

int demo_readings(const struct demo *d, const char *unit)
{
	int n = 0;
	if (d->store)
		store_view_history(d->store, unit, "T1", 0, 0, count_reading, &n);
	return n;
}

void demo_watch_free(struct demo *d)
{
	for (size_t i = 0; i < d->n_sms; i++)
		free(d->sms[i].text);
	free(d->sms);
	free(d->events);
	free(d->partial);
	while (d->parts) {
		struct demo_parts *p = d->parts;
		d->parts = p->next;
		for (int i = 0; i < PARTS_MAX; i++)
			free(p->text[i]);
		free(p);
	}
	store_close(d->store);
	d->store = NULL;
}
