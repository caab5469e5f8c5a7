/* Reading the body of a verified message, field by field, into struct proto_msg: each field
 * in its canonical form only (the one the encoder writes), every refusal with the offset of
 * the field that caused it. */
#include "proto_batch.h"
#include "proto_body.h"
#include "proto_internal.h"

#include <errno.h>
#include <string.h>

/* The fields of a body: single spaces between them, none empty. */
struct toks {
	const char *text;
	size_t pos, end;
	struct proto_error *err;
};

struct tok {
	const char *s;
	size_t at, len;
};

static int bad(struct toks *k, enum proto_reject reason, size_t at)
{
	if (k->err) {
		k->err->reason = reason;
		k->err->at = at;
	}
	return -EBADMSG;
}

static bool more(const struct toks *k)
{
	return k->pos < k->end;
}

/* The next field; a missing one is FIELDS, an empty one (two spaces) FIELD. */
static int next(struct toks *k, struct tok *t)
{
	if (!more(k))
		return bad(k, PROTO_REJECT_FIELDS, k->end);
	if (k->text[k->pos] != ' ')
		return bad(k, PROTO_REJECT_FIELD, k->pos);
	t->at = k->pos + 1;
	t->s = k->text + t->at;
	size_t e = t->at;
	while (e < k->end && k->text[e] != ' ')
		e++;
	t->len = e - t->at;
	k->pos = e;
	return t->len > 0 ? 0 : bad(k, PROTO_REJECT_FIELD, t->at);
}

/* Everything left, after one space: a text field that may hold spaces. */
static int rest(struct toks *k, struct tok *t)
{
	if (!more(k))
		return bad(k, PROTO_REJECT_FIELDS, k->end);
	t->at = k->pos + 1;
	t->s = k->text + t->at;
	t->len = k->end - t->at;
	k->pos = k->end;
	return 0;
}

static int done(struct toks *k)
{
	return more(k) ? bad(k, PROTO_REJECT_FIELDS, k->pos) : 0;
}

static int u64_field(struct toks *k, uint64_t max, uint64_t *v)
{
	struct tok t;
	int rc = next(k, &t);
	if (rc == 0 && proto_body_u64(t.s, t.len, max, v) != 0)
		rc = bad(k, PROTO_REJECT_FIELD, t.at);
	return rc;
}

static int i64_field(struct toks *k, int64_t min, int64_t max, int64_t *v)
{
	struct tok t;
	int rc = next(k, &t);
	if (rc == 0 && (proto_body_i64(t.s, t.len, max > -min ? max : -min, v) != 0 || *v < min || *v > max))
		rc = bad(k, PROTO_REJECT_FIELD, t.at);
	return rc;
}

/* A number of 0..max, or "-" for "not known" (-1). */
static int opt_field(struct toks *k, int64_t max, int64_t *v)
{
	struct tok t;
	uint64_t u;
	int rc = next(k, &t);
	if (rc != 0)
		return rc;
	if (t.len == 1 && t.s[0] == '-') {
		*v = -1;
		return 0;
	}
	if (proto_body_u64(t.s, t.len, (uint64_t)max, &u) != 0)
		return bad(k, PROTO_REJECT_FIELD, t.at);
	*v = (int64_t)u;
	return 0;
}

/* One of `n` words; its index in `*v`. */
static int word_field(struct toks *k, const char *const *words, size_t n, int *v)
{
	struct tok t;
	int rc = next(k, &t);
	if (rc != 0)
		return rc;
	for (size_t i = 0; i < n; i++) {
		if (words[i] && strlen(words[i]) == t.len && memcmp(words[i], t.s, t.len) == 0) {
			*v = (int)i;
			return 0;
		}
	}
	return bad(k, PROTO_REJECT_FIELD, t.at);
}

static int channel_field(struct toks *k, char out[PROTO_CHANNEL_MAX])
{
	struct tok t;
	int rc = next(k, &t);
	if (rc == 0 && proto_body_channel(t.s, t.len) != 0)
		rc = bad(k, PROTO_REJECT_FIELD, t.at);
	if (rc == 0) {
		memcpy(out, t.s, t.len);
		out[t.len] = '\0';
	}
	return rc;
}

/* "since" travels as seconds before the head's time. */
static int since_field(struct toks *k, const struct proto_head *h, int64_t *since_ms)
{
	int64_t ago;
	size_t at = k->pos + 1;
	int rc = i64_field(k, -PROTO_AGO_MAX_S, PROTO_AGO_MAX_S, &ago);
	if (rc != 0)
		return rc;
	int64_t since_s = h->time_ms / 1000 - ago;
	if (since_s < 0)
		return bad(k, PROTO_REJECT_FIELD, at);
	*since_ms = since_s * 1000;
	return 0;
}

static int temp_field(struct toks *k, int32_t *v)
{
	int64_t x;
	int rc = i64_field(k, PROTO_TEMP_MIN_C10, PROTO_TEMP_MAX_C10, &x);
	if (rc == 0)
		*v = (int32_t)x;
	return rc;
}

/* A temperature, or "-" when there is none. */
static int temp_or_dash_field(struct toks *k, bool *has, int32_t *v)
{
	struct tok t;
	int64_t x;
	int rc = next(k, &t);
	if (rc != 0)
		return rc;
	*has = !(t.len == 1 && t.s[0] == '-');
	*v = 0;
	if (!*has)
		return 0;
	if (proto_body_i64(t.s, t.len, 32768, &x) != 0 || x < PROTO_TEMP_MIN_C10 || x > PROTO_TEMP_MAX_C10)
		return bad(k, PROTO_REJECT_FIELD, t.at);
	*v = (int32_t)x;
	return 0;
}

/* "-" (nobody) or a phone number; command and echo texts run to the end of the body. */
static int number_field(struct toks *k, char out[PROTO_NUMBER_MAX])
{
	struct tok t;
	int rc = next(k, &t);
	if (rc != 0)
		return rc;
	out[0] = '\0';
	if (t.len == 1 && t.s[0] == '-')
		return 0;
	size_t i = t.s[0] == '+';
	if (t.len - i < 1 || t.len > PROTO_NUMBER_MAX - 1 || t.len - i > PROTO_NUMBER_MAX - 2)
		return bad(k, PROTO_REJECT_FIELD, t.at);
	for (; i < t.len; i++) {
		if (t.s[i] < '0' || t.s[i] > '9')
			return bad(k, PROTO_REJECT_FIELD, t.at);
	}
	memcpy(out, t.s, t.len);
	out[t.len] = '\0';
	return 0;
}

static int text_field(struct toks *k, char out[PROTO_CMD_TEXT_MAX])
{
	struct tok t;
	int rc = rest(k, &t);
	if (rc != 0)
		return rc;
	if (t.len < 1 || t.len > PROTO_CMD_TEXT_MAX - 1 || t.s[0] == ' ' || t.s[t.len - 1] == ' ' ||
	    memchr(t.s, '#', t.len))
		return bad(k, PROTO_REJECT_FIELD, t.at);
	memcpy(out, t.s, t.len);
	out[t.len] = '\0';
	return 0;
}

static bool name_seen(const char (*names)[PROTO_CHANNEL_MAX], size_t n, const char *s, size_t len)
{
	for (size_t i = 0; i < n; i++) {
		if (strlen(names[i]) == len && memcmp(names[i], s, len) == 0)
			return true;
	}
	return false;
}

/* "T1=42 T2=X ...": up to eight channels, each once, to the end of the body. */
static int values_field(struct toks *k, struct proto_value *v, size_t *n)
{
	char names[PROTO_CHANNELS_MAX][PROTO_CHANNEL_MAX];
	struct tok t;
	*n = 0;
	while (more(k)) {
		int rc = next(k, &t);
		if (rc != 0)
			return rc;
		const char *eq = memchr(t.s, '=', t.len);
		size_t nl = eq ? (size_t)(eq - t.s) : 0, vl = eq ? t.len - nl - 1 : 0;
		if (*n == PROTO_CHANNELS_MAX)
			return bad(k, PROTO_REJECT_FIELDS, t.at);
		if (!eq || proto_body_channel(t.s, nl) != 0 || name_seen(names, *n, t.s, nl))
			return bad(k, PROTO_REJECT_FIELD, t.at);
		struct proto_value *x = &v[*n];
		int64_t c10;
		x->ok = !(vl == 1 && eq[1] == 'X');
		if (x->ok && (proto_body_i64(eq + 1, vl, 32768, &c10) != 0 || c10 < PROTO_TEMP_MIN_C10 ||
			      c10 > PROTO_TEMP_MAX_C10))
			return bad(k, PROTO_REJECT_FIELD, t.at + nl + 1);
		x->temp_c10 = x->ok ? (int32_t)c10 : 0;
		memcpy(x->channel, t.s, nl);
		x->channel[nl] = '\0';
		memcpy(names[*n], x->channel, nl + 1);
		(*n)++;
	}
	return 0;
}

static int readings_read(struct toks *k, const struct proto_head *h, struct proto_readings *r)
{
	struct tok t;
	int rc = next(k, &t);
	if (rc != 0)
		return rc;
	r->n_channels = 0;
	for (size_t i = 0; i <= t.len;) {
		size_t e = i;
		while (e < t.len && t.s[e] != ',')
			e++;
		if (r->n_channels == PROTO_CHANNELS_MAX || proto_body_channel(t.s + i, e - i) != 0 ||
		    name_seen(r->channel, r->n_channels, t.s + i, e - i))
			return bad(k, PROTO_REJECT_FIELD, t.at + i);
		memcpy(r->channel[r->n_channels], t.s + i, e - i);
		r->channel[r->n_channels++][e - i] = '\0';
		i = e + 1;
	}
	if ((rc = next(k, &t)) != 0)
		return rc;
	size_t at = 0;
	if (proto_batch_unpack(t.s, t.len, h->time_ms / 1000, r, &at) != 0)
		return bad(k, PROTO_REJECT_BATCH, t.at + at);
	return done(k);
}

static int event_read(struct toks *k, const struct proto_head *h, struct proto_event *e)
{
	int level = 0, rc = channel_field(k, e->channel);
	bool fault = h->kind == PROTO_KIND_FAULT || h->kind == PROTO_KIND_FAULT_END;
	if (rc == 0 && fault) {
		e->level = PROTO_LEVEL_PROBE;
		rc = temp_or_dash_field(k, &e->has_value, &e->value_c10);
	} else if (rc == 0) {
		static const char *const raisable[PROTO_LEVEL_COUNT] = {"LL", "L", "H", "HH", NULL, "R"};
		rc = word_field(k, raisable, PROTO_LEVEL_COUNT, &level);
		e->level = (enum proto_level)level;
		e->has_value = true;
		if (rc == 0)
			rc = temp_field(k, &e->value_c10);
		if (rc == 0)
			rc = temp_field(k, &e->threshold_c10);
	}
	if (rc == 0)
		rc = since_field(k, h, &e->since_ms);
	return rc == 0 ? done(k) : rc;
}

static int power_read(struct toks *k, const struct proto_head *h, struct proto_power *p)
{
	static const char *const events[PROTO_POWER_EVENT_COUNT] = {"ML", "MR", "BL", "BO"};
	int ev = 0;
	int64_t pct = -1, mv = -1;
	int rc = word_field(k, events, PROTO_POWER_EVENT_COUNT, &ev);
	if (rc == 0)
		rc = opt_field(k, 100, &pct);
	if (rc == 0)
		rc = opt_field(k, 65535, &mv);
	if (rc == 0)
		rc = since_field(k, h, &p->since_ms);
	if (rc != 0)
		return rc;
	p->event = (enum proto_power_event)ev;
	p->battery_pct = (int16_t)pct;
	p->battery_mv = (int32_t)mv;
	return done(k);
}

static int status_read(struct toks *k, struct proto_status *s)
{
	static const char *const mains[] = {"-", "1", "0"};
	int m = 0;
	int64_t pct = -1, mv = -1, csq = -1;
	uint64_t pending = 0, uptime = 0;
	int rc = word_field(k, mains, 3, &m);
	if (rc == 0)
		rc = opt_field(k, 100, &pct);
	if (rc == 0)
		rc = opt_field(k, 65535, &mv);
	if (rc == 0)
		rc = opt_field(k, 31, &csq);
	if (rc == 0)
		rc = u64_field(k, UINT32_MAX, &pending);
	if (rc == 0)
		rc = u64_field(k, UINT32_MAX, &uptime);
	if (rc == 0)
		rc = values_field(k, s->values, &s->n_values);
	if (rc != 0)
		return rc;
	s->mains = (enum proto_mains)m;
	s->battery_pct = (int16_t)pct;
	s->battery_mv = (int32_t)mv;
	s->csq = (int16_t)csq;
	s->pending = (uint32_t)pending;
	s->uptime_s = (uint32_t)uptime;
	return 0;
}

static int echo_read(struct toks *k, struct proto_echo *e)
{
	static const char *const results[PROTO_RESULT_COUNT] = {"OK", "INVALID", "FAILED"};
	uint64_t id = 0;
	int result = 0;
	int rc = u64_field(k, UINT32_MAX, &id);
	if (rc == 0)
		rc = word_field(k, results, PROTO_RESULT_COUNT, &result);
	if (rc == 0)
		rc = number_field(k, e->by);
	if (rc == 0)
		rc = text_field(k, e->text);
	e->cmd_id = (uint32_t)id;
	e->result = (enum proto_result)result;
	return rc;
}

static int reply_read(struct toks *k, struct proto_reply *r)
{
	uint64_t id = 0;
	size_t at = k->pos + 1;
	int rc = u64_field(k, UINT32_MAX, &id);
	if (rc == 0 && id == 0)
		rc = bad(k, PROTO_REJECT_FIELD, at);
	r->cmd_id = (uint32_t)id;
	return rc == 0 ? values_field(k, r->values, &r->n_values) : rc;
}

static int receipt_read(struct toks *k, struct proto_receipt *r)
{
	uint64_t upto = 0;
	struct tok t;
	int rc = u64_field(k, UINT32_MAX, &upto);
	if (rc == 0)
		rc = next(k, &t);
	if (rc != 0)
		return rc;
	r->upto = (uint32_t)upto;
	if (t.len > PROTO_RECEIPT_BITS / 4 || (t.len > 1 && t.s[0] == '0'))
		return bad(k, PROTO_REJECT_FIELD, t.at);
	for (size_t i = 0; i < t.len; i++) {
		int d = (t.s[i] >= '0' && t.s[i] <= '9')   ? t.s[i] - '0'
			: (t.s[i] >= 'A' && t.s[i] <= 'F') ? t.s[i] - 'A' + 10
							   : -1;
		if (d < 0)
			return bad(k, PROTO_REJECT_FIELD, t.at + i);
		r->beyond[1] = (r->beyond[1] << 4) | (r->beyond[0] >> 60);
		r->beyond[0] = (r->beyond[0] << 4) | (uint64_t)d;
	}
	return done(k);
}

static int command_read(struct toks *k, struct proto_command *c)
{
	uint64_t id = 0;
	size_t at = k->pos + 1;
	int rc = u64_field(k, UINT32_MAX, &id);
	if (rc == 0 && id == 0)
		rc = bad(k, PROTO_REJECT_FIELD, at);
	if (rc == 0)
		rc = number_field(k, c->by);
	if (rc == 0)
		rc = text_field(k, c->text);
	c->cmd_id = (uint32_t)id;
	return rc;
}

int proto_body_read(struct proto_msg *m, const char *text, size_t at, size_t end, struct proto_error *err)
{
	struct toks k = {.text = text, .pos = at, .end = end, .err = err};
	switch (m->head.kind) {
	case PROTO_KIND_READINGS:
		return readings_read(&k, &m->head, &m->u.readings);
	case PROTO_KIND_ALARM:
	case PROTO_KIND_CLEAR:
	case PROTO_KIND_FAULT:
	case PROTO_KIND_FAULT_END:
		return event_read(&k, &m->head, &m->u.event);
	case PROTO_KIND_POWER:
		return power_read(&k, &m->head, &m->u.power);
	case PROTO_KIND_HEARTBEAT:
		return status_read(&k, &m->u.status);
	case PROTO_KIND_ECHO:
		return echo_read(&k, &m->u.echo);
	case PROTO_KIND_REPLY:
		return reply_read(&k, &m->u.reply);
	case PROTO_KIND_RECEIPT:
		return receipt_read(&k, &m->u.receipt);
	case PROTO_KIND_COMMAND:
		return command_read(&k, &m->u.command);
	}
	return bad(&k, PROTO_REJECT_KIND, at);
}
