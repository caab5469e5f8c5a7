/* Reading a chart from the store: the unit's channels, their readings thinned to the lowest
 * and highest of each pixel column (spikes survive, a year stays a few thousand points),
 * probe faults and gaps that break the line, and the incidents that give the thresholds, the
 * alarm periods and the acknowledgements. */
#include "web_chart.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *web_threshold_kind_str(enum web_threshold_kind kind)
{
	switch (kind) {
	case WEB_THRESHOLD_HIGH:
		return "HIGH";
	case WEB_THRESHOLD_LOW:
		return "LOW";
	case WEB_THRESHOLD_HIGH_HIGH:
		return "HIGH-HIGH";
	case WEB_THRESHOLD_LOW_LOW:
		return "LOW-LOW";
	}
	return "?";
}

/* The column being filled for one series. */
struct column {
	int64_t index; /* -1: none yet */
	bool gap_before;
	struct web_chart_point lo, hi;
	int64_t prev_t_ms; /* the last good reading, 0 none */
	bool fault_since;  /* a probe fault came after prev_t_ms */
	int64_t fault_index;
};

struct loading {
	struct web_chart *c;
	const struct web_chart_query *q;
	struct column col[WEB_CHART_SERIES_MAX];
	size_t cap_points[WEB_CHART_SERIES_MAX], cap_faults[WEB_CHART_SERIES_MAX], cap_periods;
	int err;
};

static bool grow(void **p, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return true;
	size_t c = *cap ? *cap * 2 : 64;
	void *g = realloc(*p, c * size);
	if (!g)
		return false;
	*p = g;
	*cap = c;
	return true;
}

static int64_t column_of(const struct loading *l, int64_t t_ms)
{
	int64_t span = l->q->until_ms - l->q->since_ms;
	return (t_ms - l->q->since_ms) * (int64_t)l->q->columns / span;
}

static void emit(struct loading *l, size_t i, struct web_chart_point p)
{
	struct web_chart_series *s = &l->c->series[i];
	if (!grow((void **)&s->points, &l->cap_points[i], s->n_points, sizeof(p))) {
		l->err = -ENOMEM;
		return;
	}
	s->points[s->n_points++] = p;
}

static void flush(struct loading *l, size_t i)
{
	struct column *col = &l->col[i];
	if (col->index < 0)
		return;
	struct web_chart_point a = col->lo, b = col->hi;
	if (a.t_ms > b.t_ms) {
		a = col->hi;
		b = col->lo;
	}
	a.gap_before = col->gap_before;
	b.gap_before = false;
	emit(l, i, a);
	if (b.t_ms != a.t_ms)
		emit(l, i, b);
	col->index = -1;
}

static void add_fault(struct loading *l, size_t i, int64_t t_ms)
{
	struct web_chart_series *s = &l->c->series[i];
	struct column *col = &l->col[i];
	col->fault_since = true;
	int64_t index = column_of(l, t_ms);
	if (index == col->fault_index)
		return;
	col->fault_index = index;
	if (!grow((void **)&s->faults, &l->cap_faults[i], s->n_faults, sizeof(*s->faults))) {
		l->err = -ENOMEM;
		return;
	}
	s->faults[s->n_faults++] = t_ms;
}

static void add_good(struct loading *l, size_t i, const struct store_reading *r)
{
	struct web_chart_series *s = &l->c->series[i];
	struct column *col = &l->col[i];
	if (s->n_readings == 0 || r->temp_c10 < s->min_c10)
		s->min_c10 = r->temp_c10;
	if (s->n_readings == 0 || r->temp_c10 > s->max_c10)
		s->max_c10 = r->temp_c10;
	s->n_readings++;
	s->has_last = true;
	s->last_t_ms = r->t_ms;
	s->last_c10 = r->temp_c10;
	struct web_chart_point p = {.t_ms = r->t_ms, .c10 = r->temp_c10};
	int64_t index = column_of(l, r->t_ms);
	if (index != col->index) {
		flush(l, i);
		col->index = index;
		col->gap_before =
			col->prev_t_ms == 0 || col->fault_since || r->t_ms - col->prev_t_ms > l->q->gap_ms;
		col->lo = col->hi = p;
	} else if (p.c10 < col->lo.c10) {
		col->lo = p;
	} else if (p.c10 > col->hi.c10) {
		col->hi = p;
	}
	col->prev_t_ms = r->t_ms;
	col->fault_since = false;
}

static int on_reading(void *ud, const struct store_reading *r)
{
	struct loading *l = ud;
	for (size_t i = 0; i < l->c->n_series; i++) {
		if (strcmp(l->c->series[i].channel, r->channel) != 0)
			continue;
		if (r->fault)
			add_fault(l, i, r->t_ms);
		else
			add_good(l, i, r);
	}
	return l->err != 0;
}

static int on_channel(void *ud, const struct store_reading *r)
{
	struct loading *l = ud;
	struct web_chart *c = l->c;
	if (c->n_series == WEB_CHART_SERIES_MAX) {
		c->n_series_dropped++;
		return 0;
	}
	snprintf(c->series[c->n_series++].channel, STORE_CHANNEL_MAX, "%s", r->channel);
	return 0;
}

static struct web_chart_series *series_named(struct web_chart *c, const char *channel)
{
	for (size_t i = 0; i < c->n_series; i++)
		if (strcmp(c->series[i].channel, channel) == 0)
			return &c->series[i];
	return NULL;
}

/* Keeps the newest threshold of each kind an incident reported on a channel. */
static void learn_threshold(struct web_chart_series *s, const struct store_incident *inc)
{
	enum web_threshold_kind kind;
	if (strcmp(inc->kind, "high") == 0)
		kind = inc->critical ? WEB_THRESHOLD_HIGH_HIGH : WEB_THRESHOLD_HIGH;
	else if (strcmp(inc->kind, "low") == 0)
		kind = inc->critical ? WEB_THRESHOLD_LOW_LOW : WEB_THRESHOLD_LOW;
	else
		return;
	for (size_t i = 0; i < s->n_thresholds; i++) {
		if (s->thresholds[i].kind != kind)
			continue;
		if (inc->opened_ms >= s->thresholds[i].learned_ms) {
			s->thresholds[i].c10 = inc->threshold_c10;
			s->thresholds[i].learned_ms = inc->opened_ms;
		}
		return;
	}
	if (s->n_thresholds < WEB_CHART_THRESHOLDS_MAX)
		s->thresholds[s->n_thresholds++] = (struct web_chart_threshold){
			.kind = kind, .c10 = inc->threshold_c10, .learned_ms = inc->opened_ms};
}

static void add_period(struct loading *l, const struct store_view_incident *vi)
{
	const struct store_incident *inc = &vi->inc;
	struct web_chart *c = l->c;
	struct web_chart_period p = {.incident_id = inc->id, .critical = inc->critical};
	p.from_ms = inc->since_ms > 0 && inc->since_ms < inc->opened_ms ? inc->since_ms : inc->opened_ms;
	p.to_ms = inc->cleared_ms ? inc->cleared_ms : inc->closed_ms;
	p.open = p.to_ms == 0;
	if (p.open)
		p.to_ms = l->q->until_ms;
	if (p.to_ms < l->q->since_ms || p.from_ms >= l->q->until_ms)
		return;
	snprintf(p.channel, sizeof(p.channel), "%s", inc->channel_name);
	snprintf(p.kind, sizeof(p.kind), "%s", inc->kind);
	if (inc->acked_ms) {
		p.acked_ms = inc->acked_ms;
		snprintf(p.acked_by, sizeof(p.acked_by), "%s",
			 vi->acked_by.name[0] ? vi->acked_by.name : vi->acked_by.number);
	}
	if (!grow((void **)&c->periods, &l->cap_periods, c->n_periods, sizeof(p))) {
		l->err = -ENOMEM;
		return;
	}
	c->periods[c->n_periods++] = p;
}

static int on_incident(void *ud, const struct store_view_incident *vi)
{
	struct loading *l = ud;
	struct web_chart_series *s = NULL;
	if (vi->inc.channel_name[0]) {
		s = series_named(l->c, vi->inc.channel_name);
		if (!s)
			return 0;
		learn_threshold(s, &vi->inc);
	}
	add_period(l, vi);
	return l->err != 0;
}

int web_chart_load(struct store *s, const struct web_chart_query *q, struct web_chart *out)
{
	memset(out, 0, sizeof(*out));
	if (!q->unit || q->until_ms <= q->since_ms || q->columns == 0)
		return -EINVAL;
	struct web_chart_query qq = *q;
	if (qq.gap_ms <= 0)
		qq.gap_ms = 3600000;
	struct loading l = {.c = out, .q = &qq};
	for (size_t i = 0; i < WEB_CHART_SERIES_MAX; i++)
		l.col[i] = (struct column){.index = -1, .fault_index = -1};
	snprintf(out->unit, sizeof(out->unit), "%s", q->unit);
	out->since_ms = q->since_ms;
	out->until_ms = q->until_ms;
	int err = 0;
	if (q->channel && q->channel[0]) {
		out->n_series = 1;
		snprintf(out->series[0].channel, STORE_CHANNEL_MAX, "%s", q->channel);
	} else {
		err = store_view_latest(s, q->unit, on_channel, &l);
	}
	if (!err)
		err = store_view_history(s, q->unit, q->channel, q->since_ms, q->until_ms, on_reading, &l);
	for (size_t i = 0; i < out->n_series && !err; i++)
		flush(&l, i);
	if (!err)
		err = l.err ? l.err : store_view_incidents_between(s, q->unit, NULL, 0, 0, on_incident, &l);
	if (!err)
		err = l.err;
	if (err)
		web_chart_free(out);
	return err;
}

void web_chart_free(struct web_chart *c)
{
	for (size_t i = 0; i < WEB_CHART_SERIES_MAX; i++) {
		free(c->series[i].points);
		free(c->series[i].faults);
	}
	free(c->periods);
	memset(c, 0, sizeof(*c));
}
