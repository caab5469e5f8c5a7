/* The site's state at one moment: units from the configuration and the store merged, the
 * last reading of every channel, the open incidents laid onto the units and channels they
 * name, and SILENT for a unit not heard past its heartbeat and grace. */
#include "web_model.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *web_state_str(enum web_state state)
{
	switch (state) {
	case WEB_STATE_UNKNOWN:
		return "unknown";
	case WEB_STATE_OK:
		return "ok";
	case WEB_STATE_CLEARED:
		return "cleared";
	case WEB_STATE_FAULT:
		return "fault";
	case WEB_STATE_ACKED:
		return "acked";
	case WEB_STATE_ALARM:
		return "alarm";
	case WEB_STATE_SILENT:
		return "silent";
	}
	return "?";
}

enum web_state web_state_of_incident(const struct store_incident *inc)
{
	if (strcmp(inc->state, "cleared") == 0 || strcmp(inc->state, "closed") == 0)
		return WEB_STATE_CLEARED;
	if (strcmp(inc->kind, "silent") == 0)
		return WEB_STATE_SILENT;
	return strcmp(inc->state, "acked") == 0 ? WEB_STATE_ACKED : WEB_STATE_ALARM;
}

struct loading {
	struct web_status *st;
	size_t cap_units, cap_incidents;
	int err;
};

/* Ids match ignoring case, as the configuration's do. */
static struct web_unit *find_unit(const struct web_status *st, const char *id)
{
	for (size_t i = 0; i < st->n_units; i++)
		if (strcasecmp(st->units[i].id, id) == 0)
			return &st->units[i];
	return NULL;
}

static struct web_unit *add_unit(struct loading *l, const char *id)
{
	struct web_status *st = l->st;
	struct web_unit *u = find_unit(st, id);
	if (u)
		return u;
	if (st->n_units == l->cap_units) {
		size_t cap = l->cap_units ? l->cap_units * 2 : 16;
		struct web_unit *grown = realloc(st->units, cap * sizeof(*grown));
		if (!grown) {
			l->err = -ENOMEM;
			return NULL;
		}
		st->units = grown;
		l->cap_units = cap;
	}
	u = &st->units[st->n_units++];
	memset(u, 0, sizeof(*u));
	snprintf(u->id, sizeof(u->id), "%s", id);
	return u;
}

static int on_unit(void *ud, const struct store_view_unit *vu)
{
	struct loading *l = ud;
	struct web_unit *u = add_unit(l, vu->unit);
	if (!u)
		return 1;
	u->last_heard_ms = vu->last_heard_ms > vu->last_reading_ms ? vu->last_heard_ms : vu->last_reading_ms;
	return 0;
}

static struct web_channel *add_channel(struct web_unit *u, const char *name)
{
	for (size_t i = 0; i < u->n_channels; i++)
		if (strcmp(u->channels[i].name, name) == 0)
			return &u->channels[i];
	if (u->n_channels == WEB_CHANNELS_MAX) {
		u->n_channels_dropped++;
		return NULL;
	}
	struct web_channel *c = &u->channels[u->n_channels++];
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", name);
	return c;
}

static int on_latest(void *ud, const struct store_reading *r)
{
	struct loading *l = ud;
	struct web_unit *u = add_unit(l, r->unit);
	if (!u)
		return 1;
	struct web_channel *c = add_channel(u, r->channel);
	if (c) {
		c->has_reading = true;
		c->last = *r;
		c->state = r->fault ? WEB_STATE_FAULT : WEB_STATE_OK;
	}
	return 0;
}

static int on_incident(void *ud, const struct store_view_incident *vi)
{
	struct loading *l = ud;
	struct web_status *st = l->st;
	if (st->n_incidents == l->cap_incidents) {
		size_t cap = l->cap_incidents ? l->cap_incidents * 2 : 8;
		struct store_view_incident *grown = realloc(st->incidents, cap * sizeof(*grown));
		if (!grown) {
			l->err = -ENOMEM;
			return 1;
		}
		st->incidents = grown;
		l->cap_incidents = cap;
	}
	st->incidents[st->n_incidents++] = *vi;
	return 0;
}

/* Raises `*state` to `to` when that is more urgent, remembering the incident that did it. */
static void raise_state(enum web_state *state, uint32_t *incident_id, enum web_state to, uint32_t id)
{
	if (to > *state || (to == *state && *incident_id == 0)) {
		*state = to;
		*incident_id = id;
	}
}

static void apply_incident(struct loading *l, const struct store_incident *inc)
{
	if (!inc->unit[0])
		return;
	struct web_unit *u = add_unit(l, inc->unit);
	if (!u)
		return;
	enum web_state to = web_state_of_incident(inc);
	if (inc->channel_name[0]) {
		struct web_channel *c = add_channel(u, inc->channel_name);
		if (c)
			raise_state(&c->state, &c->incident_id, to, inc->id);
	}
	raise_state(&u->state, &u->incident_id, to, inc->id);
}

static void settle_unit(struct web_unit *u, const struct web_site *site, int64_t now_ms)
{
	const struct web_site_unit *cu = web_site_unit(site, u->id);
	if (cu) {
		u->configured = true;
		u->heartbeat_s = cu->heartbeat_s;
	}
	for (size_t i = 0; i < u->n_channels; i++)
		raise_state(&u->state, &u->incident_id, u->channels[i].state, u->channels[i].incident_id);
	if (u->state == WEB_STATE_UNKNOWN && u->last_heard_ms)
		u->state = WEB_STATE_OK;
	if (u->heartbeat_s && u->last_heard_ms) {
		u->silent_at_ms = u->last_heard_ms + ((int64_t)u->heartbeat_s + site->silent_grace_s) * 1000;
		u->overdue = now_ms >= u->silent_at_ms;
		if (u->overdue && u->state < WEB_STATE_SILENT)
			u->state = WEB_STATE_SILENT;
	}
	/* A silent unit's last readings say nothing of now. */
	for (size_t i = 0; i < u->n_channels && u->state == WEB_STATE_SILENT; i++)
		u->channels[i].state = WEB_STATE_SILENT;
}

static int unit_cmp(const void *a, const void *b)
{
	return strcmp(((const struct web_unit *)a)->id, ((const struct web_unit *)b)->id);
}

int web_status_load(struct store *s, const struct web_site *site, int64_t now_ms, struct web_status *out)
{
	memset(out, 0, sizeof(*out));
	out->now_ms = now_ms;
	struct loading l = {.st = out};
	for (size_t i = 0; i < site->n_units && !l.err; i++)
		add_unit(&l, site->units[i].id);
	int err = l.err ? l.err : store_view_units(s, on_unit, &l);
	if (!err)
		err = l.err ? l.err : store_view_latest(s, NULL, on_latest, &l);
	if (!err)
		err = l.err ? l.err : store_view_incidents_open(s, on_incident, &l);
	if (!err)
		err = l.err;
	for (size_t i = 0; i < out->n_incidents && !err; i++)
		apply_incident(&l, &out->incidents[i].inc);
	if (!err)
		err = l.err;
	if (err) {
		web_status_free(out);
		return err;
	}
	/* The configured units keep the file's order; the others follow by id. */
	size_t first_other = site->n_units < out->n_units ? site->n_units : out->n_units;
	qsort(out->units + first_other, out->n_units - first_other, sizeof(*out->units), unit_cmp);
	for (size_t i = 0; i < out->n_units; i++)
		settle_unit(&out->units[i], site, now_ms);
	return 0;
}

void web_status_free(struct web_status *st)
{
	free(st->units);
	free(st->incidents);
	memset(st, 0, sizeof(*st));
}

const struct web_unit *web_status_unit(const struct web_status *st, const char *id)
{
	return find_unit(st, id);
}

const struct store_view_incident *web_status_incident(const struct web_status *st, uint32_t id)
{
	for (size_t i = 0; i < st->n_incidents; i++)
		if (st->incidents[i].inc.id == id)
			return &st->incidents[i];
	return NULL;
}
