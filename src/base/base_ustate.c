/* The unit state blob: its byte layout (little-endian fields, names with their length, so
 * the bytes mean the same on every machine that shares a database), the channel table and
 * the pending commands. */
#include "base_ustate.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

const char *base_pending_verb_str(enum base_pending_verb verb)
{
	switch (verb) {
	case BASE_PENDING_READ:
		return "read";
	case BASE_PENDING_SET:
		return "set";
	}
	return "?";
}

void base_ustate_init(struct base_ustate *s, int64_t now_ms)
{
	memset(s, 0, sizeof(*s));
	proto_window_init(&s->win);
	s->watch_since_ms = now_ms;
	s->battery_pct = -1;
	s->csq = -1;
}

/* ---- writing ---- */

struct wr {
	uint8_t *p;
	size_t n, size;
	bool over;
};

static void put(struct wr *w, uint64_t v, size_t bytes)
{
	if (w->n + bytes > w->size) {
		w->over = true;
		return;
	}
	for (size_t i = 0; i < bytes; i++)
		w->p[w->n++] = (uint8_t)(v >> (8 * i));
}

static void put_str(struct wr *w, const char *s, size_t max)
{
	size_t len = strnlen(s, max - 1);
	put(w, len, 1);
	for (size_t i = 0; i < len; i++)
		put(w, (uint8_t)s[i], 1);
}

static void put_level(struct wr *w, const struct base_level *l)
{
	put(w, l->seq, 4);
	put(w, l->raised, 1);
	put(w, (uint64_t)l->since_ms, 8);
}

static void put_channel(struct wr *w, const struct base_channel *c)
{
	put_str(w, c->name, sizeof(c->name));
	for (size_t i = 0; i < PROTO_LEVEL_COUNT; i++)
		put_level(w, &c->level[i]);
	put(w, c->has_last, 1);
	put(w, c->last_fault, 1);
	put(w, (uint32_t)c->last_c10, 4);
	put(w, (uint64_t)c->last_ms, 8);
}

static void put_pending(struct wr *w, const struct base_pending *p)
{
	put(w, p->cmd_id, 4);
	put(w, p->verb, 1);
	put_str(w, p->by, sizeof(p->by));
	put_str(w, p->text, sizeof(p->text));
	put(w, (uint64_t)p->sent_ms, 8);
}

int base_ustate_encode(const struct base_ustate *s, uint8_t *out, size_t size)
{
	struct wr w = {out, 0, size, false};
	put(&w, s->win.top, 4);
	for (size_t i = 0; i < PROTO_WINDOW_BITS / 64; i++)
		put(&w, s->win.seen[i], 8);
	put(&w, (uint64_t)s->watch_since_ms, 8);
	put(&w, (uint64_t)s->offset_at_ms, 8);
	put(&w, s->clock_warned, 1);
	put(&w, s->receipt_owed, 1);
	put_level(&w, &s->mains);
	put_level(&w, &s->battery);
	put(&w, (uint8_t)s->mains_state, 1);
	put(&w, (uint16_t)s->battery_pct, 2);
	put(&w, (uint16_t)s->csq, 2);
	put(&w, (uint64_t)s->status_ms, 8);
	put(&w, s->n_channels, 1);
	for (size_t i = 0; i < s->n_channels; i++)
		put_channel(&w, &s->ch[i]);
	put(&w, s->n_pending, 1);
	for (size_t i = 0; i < s->n_pending; i++)
		put_pending(&w, &s->pending[i]);
	return w.over ? -ENOSPC : (int)w.n;
}

/* ---- reading ---- */

struct rd {
	const uint8_t *p;
	size_t n, len;
	bool bad;
	uint32_t version; /* the layout: 1 has no since per level */
};

static uint64_t get(struct rd *r, size_t bytes)
{
	uint64_t v = 0;
	if (r->n + bytes > r->len) {
		r->bad = true;
		return 0;
	}
	for (size_t i = 0; i < bytes; i++)
		v |= (uint64_t)r->p[r->n++] << (8 * i);
	return v;
}

static bool name_char(char c, bool ident)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
	       (ident && (c == '-' || c == '+'));
}

/* A string of [A-Za-z0-9_] (and '+', '-' when `loose`), or printable protocol text. */
static void get_str(struct rd *r, char *out, size_t max, int kind)
{
	size_t len = (size_t)get(r, 1);
	if (len >= max || r->n + len > r->len) {
		r->bad = true;
		out[0] = '\0';
		return;
	}
	for (size_t i = 0; i < len; i++) {
		char c = (char)r->p[r->n++];
		bool ok = kind == 2 ? (c >= 0x20 && c < 0x7f) : name_char(c, kind == 1);
		r->bad |= !ok;
		out[i] = c;
	}
	out[len] = '\0';
}

/* A flag is 0 or 1: anything else is not a state this code wrote. */
static bool get_bool(struct rd *r)
{
	uint64_t v = get(r, 1);
	r->bad |= v > 1;
	return v == 1;
}

static void get_level(struct rd *r, struct base_level *l)
{
	l->seq = (uint32_t)get(r, 4);
	l->raised = get_bool(r);
	l->since_ms = r->version >= 2 ? (int64_t)get(r, 8) : 0;
}

static void get_channel(struct rd *r, struct base_channel *c)
{
	get_str(r, c->name, sizeof(c->name), 0);
	r->bad |= c->name[0] == '\0';
	for (size_t i = 0; i < PROTO_LEVEL_COUNT; i++)
		get_level(r, &c->level[i]);
	c->has_last = get_bool(r);
	c->last_fault = get_bool(r);
	c->last_c10 = (int32_t)(uint32_t)get(r, 4);
	c->last_ms = (int64_t)get(r, 8);
}

static void get_pending(struct rd *r, struct base_pending *p)
{
	p->cmd_id = (uint32_t)get(r, 4);
	uint64_t verb = get(r, 1);
	r->bad |= verb > BASE_PENDING_SET || p->cmd_id == 0;
	p->verb = verb == BASE_PENDING_SET ? BASE_PENDING_SET : BASE_PENDING_READ;
	get_str(r, p->by, sizeof(p->by), 1);
	get_str(r, p->text, sizeof(p->text), 2);
	p->sent_ms = (int64_t)get(r, 8);
}

int base_ustate_decode(const uint8_t *in, size_t len, uint32_t version, struct base_ustate *s)
{
	struct rd r = {in, 0, len, version < 1 || version > BASE_USTATE_VERSION, version};
	memset(s, 0, sizeof(*s));
	s->win.top = (uint32_t)get(&r, 4);
	for (size_t i = 0; i < PROTO_WINDOW_BITS / 64; i++)
		s->win.seen[i] = get(&r, 8);
	s->watch_since_ms = (int64_t)get(&r, 8);
	s->offset_at_ms = (int64_t)get(&r, 8);
	s->clock_warned = get_bool(&r);
	s->receipt_owed = get_bool(&r);
	get_level(&r, &s->mains);
	get_level(&r, &s->battery);
	s->mains_state = (int8_t)(uint8_t)get(&r, 1);
	s->battery_pct = (int16_t)(uint16_t)get(&r, 2);
	s->csq = (int16_t)(uint16_t)get(&r, 2);
	s->status_ms = (int64_t)get(&r, 8);
	s->n_channels = (size_t)get(&r, 1);
	r.bad |= s->n_channels > BASE_CHANNELS_MAX || s->mains_state < 0 || s->mains_state > PROTO_MAINS_OFF;
	for (size_t i = 0; !r.bad && i < s->n_channels; i++)
		get_channel(&r, &s->ch[i]);
	s->n_pending = r.bad ? 0 : (size_t)get(&r, 1);
	r.bad |= s->n_pending > BASE_PENDING_MAX;
	for (size_t i = 0; !r.bad && i < s->n_pending; i++)
		get_pending(&r, &s->pending[i]);
	for (size_t i = 0; !r.bad && i < s->n_channels; i++)
		for (size_t j = 0; j < i; j++)
			r.bad |= strcmp(s->ch[i].name, s->ch[j].name) == 0;
	if (r.bad || r.n != len) {
		memset(s, 0, sizeof(*s));
		return -EBADMSG;
	}
	return 0;
}

/* ---- channels ---- */

int base_ustate_channel(struct base_ustate *s, const char *name, bool add)
{
	for (size_t i = 0; i < s->n_channels; i++)
		if (strcmp(s->ch[i].name, name) == 0)
			return (int)i;
	if (!add)
		return -ENOENT;
	if (s->n_channels == BASE_CHANNELS_MAX)
		return -ENOSPC;
	struct base_channel *c = &s->ch[s->n_channels];
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", name);
	return (int)s->n_channels++;
}

int base_ustate_find(const struct base_ustate *s, const char *typed)
{
	for (size_t i = 0; i < s->n_channels; i++)
		if (strcasecmp(s->ch[i].name, typed) == 0)
			return (int)i;
	return -ENOENT;
}

int base_ustate_seed(struct base_ustate *s, const char (*names)[PROTO_CHANNEL_MAX], size_t n,
		     int16_t map[BASE_CHANNELS_MAX])
{
	struct base_channel out[BASE_CHANNELS_MAX];
	bool taken[BASE_CHANNELS_MAX] = {false};
	size_t k = 0;
	for (size_t i = 0; i < BASE_CHANNELS_MAX; i++)
		map[i] = (int16_t)i;
	if (n > BASE_CHANNELS_MAX)
		return -ENOSPC;
	for (size_t i = 0; i < n; i++, k++) {
		int old = base_ustate_find(s, names[i]);
		memset(&out[k], 0, sizeof(out[k]));
		if (old >= 0) {
			out[k] = s->ch[old];
			taken[old] = true;
		}
		snprintf(out[k].name, sizeof(out[k].name), "%s", names[i]);
	}
	int16_t newmap[BASE_CHANNELS_MAX];
	for (size_t i = 0; i < s->n_channels; i++) {
		int at = taken[i] ? -1 : (int)k;
		if (taken[i]) {
			for (size_t j = 0; j < n; j++)
				if (strcasecmp(names[j], s->ch[i].name) == 0)
					at = (int)j;
		} else if (k == BASE_CHANNELS_MAX) {
			return -ENOSPC;
		} else {
			out[k++] = s->ch[i];
		}
		newmap[i] = (int16_t)at;
	}
	memcpy(map, newmap, s->n_channels * sizeof(map[0]));
	memcpy(s->ch, out, k * sizeof(out[0]));
	s->n_channels = k;
	return 0;
}

/* ---- pending commands ---- */

struct base_pending *base_ustate_pending(struct base_ustate *s, uint32_t cmd_id)
{
	for (size_t i = 0; i < s->n_pending; i++)
		if (s->pending[i].cmd_id == cmd_id)
			return &s->pending[i];
	return NULL;
}

void base_ustate_pending_drop(struct base_ustate *s, uint32_t cmd_id)
{
	for (size_t i = 0; i < s->n_pending; i++) {
		if (s->pending[i].cmd_id != cmd_id)
			continue;
		memmove(&s->pending[i], &s->pending[i + 1], (s->n_pending - i - 1) * sizeof(s->pending[0]));
		s->n_pending--;
		return;
	}
}
