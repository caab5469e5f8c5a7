/* JSON of the status, incidents, events and readings: one shape for the command line's
 * --json and the display's API, so that a script written against one reads the other. */
#include "web_json.h"

#include "store_cluster.h"
#include "web_buf.h"
#include "web_time.h"

#include <stdlib.h>

#include <string.h>

/* A JSON string of text read from the store, which came from a unit or a phone: jansson
 * refuses text that is not UTF-8, so such bytes become '?' rather than a missing field. */
static json_t *text(const char *s)
{
	json_t *j = json_string(s);
	if (j)
		return j;
	struct web_buf b = {0};
	web_buf_utf8(&b, s);
	char *clean = web_buf_take(&b, NULL);
	j = json_string(clean ? clean : "");
	free(clean);
	return j;
}

static json_t *text_or_null(const char *s)
{
	return s[0] ? text(s) : json_null();
}

static json_t *ms_or_null(int64_t ms)
{
	return ms ? json_integer(ms) : json_null();
}

static json_t *iso_or_null(int64_t ms)
{
	char iso[32];
	if (!ms)
		return json_null();
	web_time_iso(ms, iso, sizeof(iso));
	return json_string(iso);
}

static json_t *temp_c(int32_t c10)
{
	return json_real((double)c10 / 10.0);
}

json_t *web_json_reading(const struct store_reading *r)
{
	json_t *o = json_object();
	json_object_set_new(o, "unit", text(r->unit));
	json_object_set_new(o, "channel", text(r->channel));
	json_object_set_new(o, "t_ms", json_integer(r->t_ms));
	json_object_set_new(o, "time", iso_or_null(r->t_ms));
	json_object_set_new(o, "fault", json_boolean(r->fault));
	json_object_set_new(o, "temp_c10", r->fault ? json_null() : json_integer(r->temp_c10));
	json_object_set_new(o, "temp_c", r->fault ? json_null() : temp_c(r->temp_c10));
	json_object_set_new(o, "received_ms", ms_or_null(r->received_ms));
	json_object_set_new(o, "seq", json_integer(r->seq));
	return o;
}

static json_t *contact(const struct store_contact *c)
{
	if (!c->number[0] && !c->name[0])
		return json_null();
	json_t *o = json_object();
	json_object_set_new(o, "name", text(c->name));
	json_object_set_new(o, "number", text(c->number));
	return o;
}

json_t *web_json_incident(const struct store_view_incident *vi)
{
	const struct store_incident *i = &vi->inc;
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(i->id));
	json_object_set_new(o, "unit", text(i->unit));
	json_object_set_new(o, "channel", text_or_null(i->channel_name));
	json_object_set_new(o, "kind", text(i->kind));
	json_object_set_new(o, "critical", json_boolean(i->critical));
	json_object_set_new(o, "state", text(i->state));
	json_object_set_new(o, "display_state", json_string(web_state_str(web_state_of_incident(i))));
	json_object_set_new(o, "value_c10", i->has_value ? json_integer(i->value_c10) : json_null());
	json_object_set_new(o, "value_c", i->has_value ? temp_c(i->value_c10) : json_null());
	bool has_threshold = strcmp(i->kind, "high") == 0 || strcmp(i->kind, "low") == 0;
	json_object_set_new(o, "threshold_c10", has_threshold ? json_integer(i->threshold_c10) : json_null());
	json_object_set_new(o, "since_ms", ms_or_null(i->since_ms));
	json_object_set_new(o, "opened_ms", ms_or_null(i->opened_ms));
	json_object_set_new(o, "opened", iso_or_null(i->opened_ms));
	json_object_set_new(o, "cleared_ms", ms_or_null(i->cleared_ms));
	json_object_set_new(o, "closed_ms", ms_or_null(i->closed_ms));
	json_object_set_new(o, "acked_by", contact(&vi->acked_by));
	json_object_set_new(o, "acked_ms", ms_or_null(i->acked_ms));
	json_t *told = json_array();
	for (size_t k = 0; k < vi->n_told; k++)
		json_array_append_new(told, contact(&vi->told[k]));
	json_object_set_new(o, "told", told);
	json_object_set_new(o, "reminders", json_integer(i->reminders));
	json_object_set_new(o, "reopened", json_integer(i->reopened));
	return o;
}

static json_t *channel_json(const struct web_channel *c, int64_t now_ms)
{
	json_t *o = json_object();
	json_object_set_new(o, "name", text(c->name));
	json_object_set_new(o, "state", json_string(web_state_str(c->state)));
	json_object_set_new(o, "incident", c->incident_id ? json_integer(c->incident_id) : json_null());
	json_t *r = json_null();
	if (c->has_reading) {
		r = web_json_reading(&c->last);
		json_object_del(r, "unit");
		json_object_del(r, "channel");
		json_object_set_new(r, "age_s", json_integer((now_ms - c->last.t_ms) / 1000));
	}
	json_object_set_new(o, "reading", r);
	return o;
}

static json_t *unit_json(const struct web_unit *u, int64_t now_ms)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", text(u->id));
	json_object_set_new(o, "state", json_string(web_state_str(u->state)));
	json_object_set_new(o, "configured", json_boolean(u->configured));
	json_object_set_new(o, "heartbeat_s", u->heartbeat_s ? json_integer(u->heartbeat_s) : json_null());
	json_object_set_new(o, "last_heard_ms", ms_or_null(u->last_heard_ms));
	json_object_set_new(o, "last_heard", iso_or_null(u->last_heard_ms));
	json_object_set_new(o, "silent_at_ms", ms_or_null(u->silent_at_ms));
	json_object_set_new(o, "overdue", json_boolean(u->overdue));
	json_object_set_new(o, "incident", u->incident_id ? json_integer(u->incident_id) : json_null());
	json_t *chans = json_array();
	for (size_t i = 0; i < u->n_channels; i++)
		json_array_append_new(chans, channel_json(&u->channels[i], now_ms));
	json_object_set_new(o, "channels", chans);
	if (u->n_channels_dropped)
		json_object_set_new(o, "channels_not_shown", json_integer((json_int_t)u->n_channels_dropped));
	return o;
}

json_t *web_json_status(const struct web_status *st, const struct web_site *site)
{
	json_t *o = json_object();
	json_object_set_new(o, "site", text(site->name));
	json_object_set_new(o, "now_ms", json_integer(st->now_ms));
	json_object_set_new(o, "now", iso_or_null(st->now_ms));
	size_t counts[WEB_STATE_SILENT + 1] = {0};
	json_t *units = json_array();
	for (size_t i = 0; i < st->n_units; i++) {
		json_array_append_new(units, unit_json(&st->units[i], st->now_ms));
		counts[st->units[i].state]++;
	}
	json_object_set_new(o, "units", units);
	json_t *incs = json_array();
	for (size_t i = 0; i < st->n_incidents; i++)
		json_array_append_new(incs, web_json_incident(&st->incidents[i]));
	json_object_set_new(o, "incidents", incs);
	json_t *by_state = json_object();
	for (int s = WEB_STATE_UNKNOWN; s <= WEB_STATE_SILENT; s++)
		json_object_set_new(by_state, web_state_str((enum web_state)s),
				    json_integer((json_int_t)counts[s]));
	json_object_set_new(o, "units_by_state", by_state);
	return o;
}

json_t *web_json_event(const struct store_event *e, const struct web_site *site)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(e->id));
	json_object_set_new(o, "t_ms", json_integer(e->t_ms));
	json_object_set_new(o, "time", iso_or_null(e->t_ms));
	json_object_set_new(o, "kind", json_string(store_event_kind_str(e->kind)));
	json_object_set_new(o, "unit", text_or_null(e->unit));
	json_object_set_new(o, "channel", text_or_null(e->channel));
	json_object_set_new(o, "incident", e->incident_id ? json_integer(e->incident_id) : json_null());
	json_object_set_new(o, "actor", text_or_null(e->actor));
	const struct web_site_contact *who = e->actor[0] ? web_site_contact(site, e->actor) : NULL;
	json_object_set_new(o, "actor_name", who ? text(who->name) : json_null());
	json_object_set_new(o, "value_c10", e->has_value ? json_integer(e->value_c10) : json_null());
	json_object_set_new(o, "value_c", e->has_value ? temp_c(e->value_c10) : json_null());
	json_object_set_new(o, "text", text(e->text));
	return o;
}

char *web_json_text(const json_t *j, bool pretty)
{
	size_t flags = JSON_REAL_PRECISION(6) | JSON_ENSURE_ASCII;
	flags |= pretty ? JSON_INDENT(2) : JSON_COMPACT;
	return json_dumps(j, flags);
}

/* ---- the base stations ---- */

struct bases_ctx {
	json_t *arr;
	int64_t now_ms;
	int64_t beat_ms;
};

static int add_base(void *ud, const struct store_view_base *b)
{
	struct bases_ctx *x = ud;
	int64_t ago = x->now_ms - b->last_seen_ms;
	char iso[32];
	web_time_iso(b->last_seen_ms, iso, sizeof(iso));
	json_array_append_new(
		x->arr, json_pack("{s:o, s:b, s:I, s:i, s:i, s:s, s:I, s:b}", "name", text(b->name), "leader",
				  b->leader, "epoch", (json_int_t)b->epoch, "modems_up", (int)b->modems_up,
				  "modems", (int)b->modems, "last_seen", iso, "seen_ago_ms",
				  (json_int_t)(ago > 0 ? ago : 0), "beating", ago <= 3 * x->beat_ms));
	return 0;
}

json_t *web_json_bases(struct store *s, const struct web_site *site)
{
	struct bases_ctx x = {.arr = json_array()};
	int64_t beat = site->base_heartbeat_ms ? site->base_heartbeat_ms : STORE_HEARTBEAT_MS;
	x.beat_ms = beat > STORE_HEARTBEAT_MS ? beat : STORE_HEARTBEAT_MS;
	if (x.arr && store_view_bases(s, &x.now_ms, add_base, &x) != 0)
		json_array_clear(x.arr);
	return x.arr;
}
