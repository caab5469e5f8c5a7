/* The API's answers: the status, the newest events, a unit's history thinned for a chart,
 * and the chart itself; each checks that the unit (and channel) it is asked about exists. */
#include "web_api_int.h"

#include "store_view.h"
#include "web_chart.h"
#include "web_json.h"
#include "web_model.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define EVENTS_DEFAULT 50
#define POINTS_DEFAULT 1000
#define DAY_MS         86400000LL

int web_api_status(struct web_api *api, struct store *s, const struct web_query *q, int64_t now_ms,
		   struct web_reply *r)
{
	(void)q;
	struct web_status st;
	int err = web_status_load(s, api->site, now_ms, &st);
	if (err)
		return err;
	json_t *j = web_json_status(&st, api->site);
	json_object_set_new(j, "bases", web_json_bases(s, api->site));
	json_object_set_new(j, "rev", json_string(r->etag));
	web_status_free(&st);
	web_reply_json(r, 200, j);
	return 0;
}

struct unit_lookup {
	const char *want;
	char found[STORE_UNIT_MAX];
};

static int look_unit(void *ud, const struct store_view_unit *u)
{
	struct unit_lookup *l = ud;
	if (strcasecmp(u->unit, l->want) != 0)
		return 0;
	snprintf(l->found, sizeof(l->found), "%s", u->unit);
	return 1;
}

/* The unit's id as the store or the configuration spells it; 1 when unknown to both. */
static int known_unit(struct web_api *api, struct store *s, const char *id, char *out)
{
	struct unit_lookup l = {.want = id};
	int err = store_view_units(s, look_unit, &l);
	if (err)
		return err;
	const struct web_site_unit *cu = web_site_unit(api->site, id);
	if (!l.found[0] && !cu)
		return 1;
	snprintf(out, STORE_UNIT_MAX, "%s", l.found[0] ? l.found : cu->id);
	return 0;
}

struct ring {
	json_t *arr;
	const struct web_site *site;
	size_t max;
};

static int keep_event(void *ud, const struct store_event *e)
{
	struct ring *g = ud;
	if (json_array_size(g->arr) == g->max)
		json_array_remove(g->arr, 0);
	json_array_append_new(g->arr, web_json_event(e, g->site));
	return 0;
}

static int take_event(void *ud, const struct store_event *e)
{
	struct ring *g = ud;
	json_array_append_new(g->arr, web_json_event(e, g->site));
	return 0;
}

int web_api_events(struct web_api *api, struct store *s, const struct web_query *q, int64_t now_ms,
		   struct web_reply *r)
{
	(void)now_ms;
	char unit[STORE_UNIT_MAX];
	if (q->present & WEB_PARAM_UNIT) {
		int k = known_unit(api, s, q->unit, unit);
		if (k < 0)
			return k;
		if (k) {
			web_reply_error(r, 404, "unknown unit: neither configured nor heard");
			return 0;
		}
	}
	const char *only = q->present & WEB_PARAM_UNIT ? unit : NULL;
	struct ring g = {.arr = json_array(), .site = api->site, .max = q->limit ? q->limit : EVENTS_DEFAULT};
	int err;
	if (q->present & WEB_PARAM_SINCE) {
		err = store_view_events(s, only, q->since_ms, keep_event, &g);
		json_t *rev = json_array(); /* newest first, like the list without since */
		for (size_t i = json_array_size(g.arr); i-- > 0;)
			json_array_append(rev, json_array_get(g.arr, i));
		json_decref(g.arr);
		g.arr = rev;
	} else {
		err = store_view_events_latest(s, only, g.max, take_event, &g);
	}
	if (err) {
		json_decref(g.arr);
		return err;
	}
	web_reply_json(r, 200, json_pack("{s:o}", "events", g.arr));
	return 0;
}

struct channel_lookup {
	const char *want;
	char found[STORE_CHANNEL_MAX];
};

static int look_channel(void *ud, const struct store_reading *rd)
{
	struct channel_lookup *l = ud;
	if (strcasecmp(rd->channel, l->want) == 0)
		snprintf(l->found, sizeof(l->found), "%s", rd->channel);
	return l->found[0] != 0;
}

/* The chart the query asks for: unit and channel checked (404 in `r` when unknown: then
 * returns 1), the period defaulting to the last 24 h. */
static int load_chart(struct web_api *api, struct store *s, const struct web_query *q, int64_t now_ms,
		      size_t columns, struct web_chart *c, struct web_reply *r)
{
	char unit[STORE_UNIT_MAX];
	struct channel_lookup ch = {.want = q->channel};
	if (!(q->present & WEB_PARAM_UNIT)) {
		web_reply_error(r, 400, "unit: missing (unit=WH1)");
		return 1;
	}
	int k = known_unit(api, s, q->unit, unit);
	if (k == 0 && (q->present & WEB_PARAM_CHANNEL)) {
		k = store_view_latest(s, unit, look_channel, &ch);
		if (k == 0 && !ch.found[0]) {
			web_reply_error(r, 404, "unknown channel: the unit has no readings of it");
			return 1;
		}
	}
	if (k < 0)
		return k;
	if (k) {
		web_reply_error(r, 404, "unknown unit: neither configured nor heard");
		return 1;
	}
	struct web_chart_query cq = {
		.unit = unit, .channel = ch.found[0] ? ch.found : NULL, .columns = columns};
	cq.until_ms = q->present & WEB_PARAM_UNTIL ? q->until_ms : now_ms;
	cq.since_ms = q->present & WEB_PARAM_SINCE ? q->since_ms : cq.until_ms - DAY_MS;
	if (cq.since_ms >= cq.until_ms) {
		web_reply_error(r, 400, "since: must be before until");
		return 1;
	}
	const struct web_site_unit *cu = web_site_unit(api->site, unit);
	if (cu && cu->heartbeat_s)
		cq.gap_ms = ((int64_t)cu->heartbeat_s + api->site->silent_grace_s) * 1000;
	return web_chart_load(s, &cq, c);
}

static json_t *series_json(const struct web_chart_series *s, bool points)
{
	json_t *o = json_pack("{s:s, s:I, s:I}", "name", s->channel, "readings", (json_int_t)s->n_readings,
			      "faults", (json_int_t)s->n_faults);
	json_object_set_new(o, "min_c10", s->n_readings ? json_integer(s->min_c10) : json_null());
	json_object_set_new(o, "max_c10", s->n_readings ? json_integer(s->max_c10) : json_null());
	json_object_set_new(o, "last",
			    s->has_last ? json_pack("{s:I, s:i}", "t_ms", (json_int_t)s->last_t_ms,
						    "temp_c10", (int)s->last_c10)
					: json_null());
	json_t *th = json_array();
	for (size_t i = 0; i < s->n_thresholds; i++)
		json_array_append_new(th, json_pack("{s:s, s:i}", "kind",
						    web_threshold_kind_str(s->thresholds[i].kind), "c10",
						    (int)s->thresholds[i].c10));
	json_object_set_new(o, "thresholds", th);
	if (!points)
		return o;
	json_t *pts = json_array();
	for (size_t i = 0; i < s->n_points; i++) {
		if (s->points[i].gap_before && i > 0)
			json_array_append_new(pts, json_null());
		json_array_append_new(
			pts, json_pack("[I, i]", (json_int_t)s->points[i].t_ms, (int)s->points[i].c10));
	}
	json_object_set_new(o, "points", pts);
	return o;
}

static json_t *period_json(const struct web_chart_period *p)
{
	json_t *o = json_pack("{s:i, s:s, s:b, s:I, s:I, s:b}", "incident", (int)p->incident_id, "kind",
			      p->kind, "critical", p->critical, "from_ms", (json_int_t)p->from_ms, "to_ms",
			      (json_int_t)p->to_ms, "open", p->open);
	json_object_set_new(o, "channel", p->channel[0] ? json_string(p->channel) : json_null());
	json_object_set_new(o, "acked_ms", p->acked_ms ? json_integer(p->acked_ms) : json_null());
	json_object_set_new(o, "acked_by", p->acked_ms ? json_string(p->acked_by) : json_null());
	return o;
}

int web_api_history(struct web_api *api, struct store *s, const struct web_query *q, int64_t now_ms,
		    struct web_reply *r)
{
	struct web_chart c;
	uint32_t points = q->present & WEB_PARAM_POINTS ? q->points : POINTS_DEFAULT;
	int rc = load_chart(api, s, q, now_ms, points ? points : 1, &c, r);
	if (rc)
		return rc < 0 ? rc : 0;
	json_t *series = json_array(), *periods = json_array();
	for (size_t i = 0; i < c.n_series; i++)
		json_array_append_new(series, series_json(&c.series[i], points > 0));
	for (size_t i = 0; i < c.n_periods; i++)
		json_array_append_new(periods, period_json(&c.periods[i]));
	json_t *o = json_pack("{s:s, s:I, s:I, s:o, s:o}", "unit", c.unit, "since_ms", (json_int_t)c.since_ms,
			      "until_ms", (json_int_t)c.until_ms, "channels", series, "periods", periods);
	web_chart_free(&c);
	web_reply_json(r, 200, o);
	return 0;
}

int web_api_chart(struct web_api *api, struct store *s, const struct web_query *q, int64_t now_ms,
		  struct web_reply *r)
{
	struct web_chart c;
	struct web_chart_style style = {.width = q->width, .height = q->height};
	int rc = load_chart(api, s, q, now_ms, web_chart_columns(q->width), &c, r);
	if (rc)
		return rc < 0 ? rc : 0;
	struct web_buf b = {0};
	rc = web_chart_svg(&c, &style, &b);
	web_chart_free(&c);
	if (rc) {
		web_buf_free(&b);
		web_reply_error(r, 500, "out of memory");
		return 0;
	}
	r->status = 200;
	r->type = "image/svg+xml";
	r->body = web_buf_take(&b, &r->len);
	return 0;
}
