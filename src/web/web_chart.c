/* Drawing a chart (web_chart.h) as SVG: a plot of the channels' temperatures against local
 * time, shaded alarm periods (red, amber once acknowledged, hatched grey for a unit gone
 * silent), dashed threshold lines, acknowledgement markers, probe faults as crosses and the
 * latest value at the end of each line. One document, no outside resource. */
#include "web_chart.h"

#include "web_time.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define DEFAULT_W  900
#define DEFAULT_H  320
#define MARGIN_L   52
#define MARGIN_R   92
#define MARGIN_T   44
#define MARGIN_B   30
#define LABEL_GAP  13 /* the least distance of two labels in the right margin */
#define LABELS_MAX (WEB_CHART_SERIES_MAX * (WEB_CHART_THRESHOLDS_MAX + 1))

static const char *const palette[WEB_CHART_SERIES_MAX] = {"#1565c0", "#2e7d32", "#6a1b9a", "#ef6c00",
							  "#00838f", "#ad1457", "#4e342e", "#37474f"};

#define COLOR_HIGH  "#c62828"
#define COLOR_LOW   "#1565c0"
#define COLOR_ALARM "#e53935"
#define COLOR_ACKED "#fb8c00"

struct label {
	double y;
	char text[48];
	const char *color;
};

struct frame {
	const struct web_chart *c;
	struct web_buf *b;
	int w, h;
	double x0, x1, y0, y1; /* the plot's corners */
	int32_t lo_c10, hi_c10, step_c10;
	struct label labels[LABELS_MAX];
	size_t n_labels;
};

size_t web_chart_columns(int width)
{
	int w = width > 0 ? width : DEFAULT_W;
	return w > MARGIN_L + MARGIN_R + 10 ? (size_t)(w - MARGIN_L - MARGIN_R) : 10;
}

static double x_of(const struct frame *f, int64_t t_ms)
{
	double span = (double)(f->c->until_ms - f->c->since_ms);
	return f->x0 + (double)(t_ms - f->c->since_ms) * (f->x1 - f->x0) / span;
}

static double y_of(const struct frame *f, int32_t c10)
{
	return f->y1 - (double)(c10 - f->lo_c10) * (f->y1 - f->y0) / (double)(f->hi_c10 - f->lo_c10);
}

static int32_t floor_to(int32_t v, int32_t step)
{
	int32_t q = v / step;
	return (v % step != 0 && v < 0 ? q - 1 : q) * step;
}

static void widen(int32_t v, bool *any, int32_t *lo, int32_t *hi)
{
	if (!*any || v < *lo)
		*lo = v;
	if (!*any || v > *hi)
		*hi = v;
	*any = true;
}

/* The temperature range: every good reading and every threshold, padded, on round ticks. */
static void fit_range(struct frame *f)
{
	bool any = false;
	int32_t lo = 0, hi = 0;
	for (size_t i = 0; i < f->c->n_series; i++) {
		const struct web_chart_series *s = &f->c->series[i];
		for (size_t k = 0; k < s->n_thresholds; k++)
			widen(s->thresholds[k].c10, &any, &lo, &hi);
		if (s->n_readings) {
			widen(s->min_c10, &any, &lo, &hi);
			widen(s->max_c10, &any, &lo, &hi);
		}
	}
	if (!any)
		hi = 100;
	if (hi - lo < 20) {
		int32_t mid = lo + (hi - lo) / 2;
		lo = mid - 10;
		hi = mid + 10;
	}
	int32_t pad = (hi - lo) / 12 + 1;
	lo -= pad;
	hi += pad;
	static const int32_t steps[] = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000};
	size_t k = 0;
	while (k + 1 < sizeof(steps) / sizeof(steps[0]) && (hi - lo) / steps[k] > 6)
		k++;
	f->step_c10 = steps[k];
	f->lo_c10 = floor_to(lo, f->step_c10);
	f->hi_c10 = floor_to(hi, f->step_c10) + (hi % f->step_c10 ? f->step_c10 : 0);
	if (f->hi_c10 <= f->lo_c10)
		f->hi_c10 = f->lo_c10 + f->step_c10;
}

static void format_axis_temp(int32_t c10, int32_t step, char *out, size_t n)
{
	if (step % 10 == 0)
		snprintf(out, n, "%d", (int)(c10 / 10));
	else
		web_temp_format(c10, out, n);
}

static void grid_y(struct frame *f)
{
	struct web_buf *b = f->b;
	web_buf_printf(b, "<g class=\"y-axis\" stroke=\"#e3e6ea\" stroke-width=\"1\">\n");
	for (int32_t v = f->lo_c10; v <= f->hi_c10; v += f->step_c10)
		web_buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", f->x0,
			       y_of(f, v), f->x1, y_of(f, v));
	web_buf_puts(b, "</g>\n<g fill=\"#455a64\" font-size=\"11\" text-anchor=\"end\">\n");
	for (int32_t v = f->lo_c10; v <= f->hi_c10; v += f->step_c10) {
		char t[16];
		format_axis_temp(v, f->step_c10, t, sizeof(t));
		web_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\">%s</text>\n", f->x0 - 6, y_of(f, v) + 4, t);
	}
	web_buf_printf(b,
		       "<text x=\"%.1f\" y=\"%.1f\">\xc2\xb0"
		       "C</text>\n</g>\n",
		       f->x0 - 6, f->y0 - 8);
}

static int64_t tick_step_s(const struct frame *f)
{
	static const int64_t steps[] = {60,    300,   600,   900,    1800,   3600,    7200,   10800,
					21600, 43200, 86400, 172800, 604800, 1209600, 2592000};
	int64_t span_s = (f->c->until_ms - f->c->since_ms) / 1000;
	int64_t most = (int64_t)((f->x1 - f->x0) / 72);
	size_t k = 0;
	while (k + 1 < sizeof(steps) / sizeof(steps[0]) && span_s / steps[k] > (most > 1 ? most : 1))
		k++;
	return steps[k];
}

static void tick_label(int64_t t_s, int64_t step_s, char *out, size_t n)
{
	time_t t = (time_t)t_s;
	struct tm tm;
	if (!localtime_r(&t, &tm)) {
		snprintf(out, n, "?");
		return;
	}
	bool midnight = tm.tm_hour == 0 && tm.tm_min == 0;
	strftime(out, n, step_s >= 86400 || midnight ? "%d %b" : "%H:%M", &tm);
}

static void grid_x(struct frame *f)
{
	struct web_buf *b = f->b;
	int64_t step = tick_step_s(f);
	time_t since = (time_t)(f->c->since_ms / 1000);
	struct tm tm;
	long off = localtime_r(&since, &tm) ? tm.tm_gmtoff : 0;
	int64_t first = ((f->c->since_ms / 1000 + off + step - 1) / step) * step - off;
	web_buf_puts(b, "<g class=\"x-axis\" font-size=\"11\" fill=\"#455a64\" text-anchor=\"middle\">\n");
	for (int64_t t = first; t * 1000 <= f->c->until_ms; t += step) {
		double x = x_of(f, t * 1000);
		char label[24];
		tick_label(t, step, label, sizeof(label));
		web_buf_printf(b,
			       "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#eceff1\"/>"
			       "<text x=\"%.1f\" y=\"%.1f\">%s</text>\n",
			       x, f->y0, x, f->y1, x, f->y1 + 16, label);
	}
	web_buf_puts(b, "</g>\n");
}

/* About how wide `s` is in 11 px bold text. */
static double text_px(const char *s)
{
	return 7.2 * (double)strlen(s);
}

static const char *period_label(const struct web_chart_period *p)
{
	if (strcmp(p->kind, "high") == 0)
		return p->critical ? "HIGH-HIGH" : "HIGH";
	if (strcmp(p->kind, "low") == 0)
		return p->critical ? "LOW-LOW" : "LOW";
	if (strcmp(p->kind, "silent") == 0)
		return "SILENT";
	if (strcmp(p->kind, "probe") == 0)
		return "PROBE";
	if (strcmp(p->kind, "rate") == 0)
		return "RATE";
	return p->kind[0] ? p->kind : "ALARM";
}

static void shade(struct frame *f, double xa, double xb, const char *fill, double opacity)
{
	if (xb - xa < 1.5)
		xb = xa + 1.5;
	web_buf_printf(f->b,
		       "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\" "
		       "fill-opacity=\"%.2f\"/>\n",
		       xa, f->y0, xb - xa, f->y1 - f->y0, fill, opacity);
}

static double clamp_x(const struct frame *f, int64_t t_ms)
{
	double x = x_of(f, t_ms);
	return x < f->x0 ? f->x0 : x > f->x1 ? f->x1 : x;
}

static void period(struct frame *f, const struct web_chart_period *p)
{
	double xa = clamp_x(f, p->from_ms), xb = clamp_x(f, p->to_ms);
	bool unit_wide = !p->channel[0];
	double op = p->critical ? 0.30 : 0.18;
	if (unit_wide && strcmp(p->kind, "silent") == 0) {
		shade(f, xa, xb, "url(#m2-silent)", 1.0);
	} else if (p->acked_ms && p->acked_ms < p->to_ms) {
		double xk = clamp_x(f, p->acked_ms);
		shade(f, xa, xk, COLOR_ALARM, op);
		shade(f, xk, xb, COLOR_ACKED, op);
	} else {
		shade(f, xa, xb, COLOR_ALARM, op);
	}
	char label[64];
	snprintf(label, sizeof(label), "%s%s%s #%u%s", !unit_wide && f->c->n_series > 1 ? p->channel : "",
		 !unit_wide && f->c->n_series > 1 ? " " : "", period_label(p), p->incident_id,
		 p->open ? " (open)" : "");
	if (text_px(label) + 8 > xb - xa)
		snprintf(label, sizeof(label), "#%u", p->incident_id);
	if (text_px(label) + 8 > xb - xa)
		return;
	web_buf_printf(f->b, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" font-weight=\"bold\" fill=\"%s\">",
		       xa + 4, f->y0 + 13, unit_wide ? "#4a148c" : COLOR_HIGH);
	web_buf_xml(f->b, label);
	web_buf_puts(f->b, "</text>\n");
}

static void ack_mark(struct frame *f, const struct web_chart_period *p)
{
	if (!p->acked_ms || p->acked_ms < f->c->since_ms || p->acked_ms > f->c->until_ms)
		return;
	struct web_buf *b = f->b;
	double x = x_of(f, p->acked_ms);
	char label[STORE_NUMBER_MAX + 8];
	snprintf(label, sizeof(label), "ACK %s", p->acked_by[0] ? p->acked_by : "?");
	bool left = x + 10 + text_px(label) > f->x1;
	web_buf_printf(
		b,
		"<g class=\"ack\"><line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e65100\" "
		"stroke-width=\"1.5\" stroke-dasharray=\"3,2\"/>"
		"<path d=\"M%.1f %.1f l%d 4 l%d 4 z\" fill=\"#e65100\"/>"
		"<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" fill=\"#e65100\" text-anchor=\"%s\">",
		x, f->y0, x, f->y1, x, f->y0 + 18, left ? -8 : 8, left ? 8 : -8, left ? x - 10 : x + 10,
		f->y0 + 26, left ? "end" : "start");
	web_buf_xml(b, label);
	web_buf_puts(b, "</text></g>\n");
}

static void add_label(struct frame *f, double y, const char *color, const char *text)
{
	if (f->n_labels == LABELS_MAX)
		return;
	struct label *l = &f->labels[f->n_labels++];
	l->y = y;
	l->color = color;
	snprintf(l->text, sizeof(l->text), "%s", text);
}

static void threshold_lines(struct frame *f)
{
	bool many = f->c->n_series > 1;
	for (size_t i = 0; i < f->c->n_series; i++) {
		const struct web_chart_series *s = &f->c->series[i];
		for (size_t k = 0; k < s->n_thresholds; k++) {
			const struct web_chart_threshold *t = &s->thresholds[k];
			bool high = t->kind == WEB_THRESHOLD_HIGH || t->kind == WEB_THRESHOLD_HIGH_HIGH;
			bool critical =
				t->kind == WEB_THRESHOLD_HIGH_HIGH || t->kind == WEB_THRESHOLD_LOW_LOW;
			const char *color = high ? COLOR_HIGH : COLOR_LOW;
			double y = y_of(f, t->c10);
			web_buf_printf(
				f->b,
				"<line class=\"threshold\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
				"stroke=\"%s\" stroke-width=\"%s\" stroke-dasharray=\"%s\"/>\n",
				f->x0, y, f->x1, y, color, critical ? "2" : "1.5", critical ? "2,3" : "7,4");
			char v[16], text[48];
			web_temp_format(t->c10, v, sizeof(v));
			snprintf(text, sizeof(text), "%s%s%s %s", many ? s->channel : "", many ? " " : "",
				 web_threshold_kind_str(t->kind), v);
			add_label(f, y, color, text);
		}
	}
}

/* The line of one series: a path broken at every gap, and a dot for a reading alone. */
static void series_line(struct frame *f, size_t i)
{
	const struct web_chart_series *s = &f->c->series[i];
	struct web_buf *b = f->b;
	if (s->n_points == 0)
		return;
	web_buf_printf(b, "<path class=\"series\" data-channel=\"");
	web_buf_xml(b, s->channel);
	web_buf_printf(b, "\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\" stroke-linejoin=\"round\" d=\"",
		       palette[i]);
	for (size_t k = 0; k < s->n_points; k++) {
		const struct web_chart_point *p = &s->points[k];
		bool move = k == 0 || p->gap_before;
		web_buf_printf(b, "%s%.1f %.1f", move ? (k ? " M" : "M") : " L", x_of(f, p->t_ms),
			       y_of(f, p->c10));
	}
	web_buf_puts(b, "\"/>\n");
	for (size_t k = 0; k < s->n_points; k++) {
		bool alone = (k == 0 || s->points[k].gap_before) &&
			     (k + 1 == s->n_points || s->points[k + 1].gap_before);
		if (alone)
			web_buf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"/>\n",
				       x_of(f, s->points[k].t_ms), y_of(f, s->points[k].c10), palette[i]);
	}
}

static void series_marks(struct frame *f, size_t i)
{
	const struct web_chart_series *s = &f->c->series[i];
	struct web_buf *b = f->b;
	for (size_t k = 0; k < s->n_faults; k++) {
		double x = x_of(f, s->faults[k]), y = f->y1 - 7;
		web_buf_printf(b,
			       "<path class=\"fault\" d=\"M%.1f %.1f l8 8 m0 -8 l-8 8\" stroke=\"%s\" "
			       "stroke-width=\"2\"/>\n",
			       x - 4, y - 4, COLOR_HIGH);
	}
	if (!s->has_last || s->n_points == 0)
		return;
	double x = x_of(f, s->last_t_ms), y = y_of(f, s->last_c10);
	web_buf_printf(b,
		       "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\" stroke=\"#fff\" "
		       "stroke-width=\"1.5\"/>\n",
		       x, y, palette[i]);
	char v[16], text[48];
	web_temp_format(s->last_c10, v, sizeof(v));
	snprintf(text, sizeof(text),
		 "%s%s%s \xc2\xb0"
		 "C",
		 f->c->n_series > 1 ? s->channel : "", f->c->n_series > 1 ? " " : "", v);
	add_label(f, y, palette[i], text);
}

/* The right margin's labels, in order of height, pushed apart so that none overlaps. */
static void place_labels(struct frame *f)
{
	for (size_t i = 1; i < f->n_labels; i++)
		for (size_t k = i; k > 0 && f->labels[k].y < f->labels[k - 1].y; k--) {
			struct label t = f->labels[k];
			f->labels[k] = f->labels[k - 1];
			f->labels[k - 1] = t;
		}
	for (size_t i = 1; i < f->n_labels; i++)
		if (f->labels[i].y - f->labels[i - 1].y < LABEL_GAP)
			f->labels[i].y = f->labels[i - 1].y + LABEL_GAP;
	for (size_t i = 0; i < f->n_labels; i++) {
		web_buf_printf(
			f->b,
			"<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" font-weight=\"bold\" fill=\"%s\">",
			f->x1 + 6, f->labels[i].y + 4, f->labels[i].color);
		web_buf_xml(f->b, f->labels[i].text);
		web_buf_puts(f->b, "</text>\n");
	}
}

static void header(struct frame *f, const struct web_chart_style *style)
{
	struct web_buf *b = f->b;
	const struct web_chart *c = f->c;
	char from[24], to[24];
	web_time_local(c->since_ms, from, sizeof(from));
	web_time_local(c->until_ms, to, sizeof(to));
	web_buf_printf(b, "<text x=\"%d\" y=\"22\" font-size=\"15\" font-weight=\"bold\" fill=\"#263238\">",
		       MARGIN_L);
	if (style && style->title) {
		web_buf_xml(b, style->title);
	} else {
		web_buf_xml(b, c->unit);
		if (c->n_series == 1) {
			web_buf_puts(b, " ");
			web_buf_xml(b, c->series[0].channel);
		}
	}
	web_buf_printf(b,
		       "</text>\n<text x=\"%.1f\" y=\"22\" font-size=\"11\" fill=\"#607d8b\" "
		       "text-anchor=\"end\">%.16s to %.16s</text>\n",
		       f->x1, from, to);
	if (c->n_series < 2)
		return;
	double x = MARGIN_L;
	for (size_t i = 0; i < c->n_series; i++) {
		web_buf_printf(
			b,
			"<line x1=\"%.1f\" y1=\"34\" x2=\"%.1f\" y2=\"34\" stroke=\"%s\" stroke-width=\"3\"/>"
			"<text x=\"%.1f\" y=\"38\" font-size=\"11\" fill=\"#37474f\">",
			x, x + 16, palette[i], x + 20);
		web_buf_xml(b, c->series[i].channel);
		web_buf_puts(b, "</text>\n");
		x += 36 + 7.0 * (double)strlen(c->series[i].channel);
	}
}

static void document_open(struct frame *f)
{
	struct web_buf *b = f->b;
	web_buf_printf(
		b,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
		"font-family=\"DejaVu Sans, Verdana, Arial, sans-serif\" role=\"img\">\n<title>",
		f->w, f->h, f->w, f->h);
	web_buf_puts(b, "Temperatures of ");
	web_buf_xml(b, f->c->unit);
	web_buf_puts(b, "</title>\n<defs><pattern id=\"m2-silent\" width=\"10\" height=\"10\" "
			"patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
			"<rect width=\"10\" height=\"10\" fill=\"#6a1b9a\" fill-opacity=\"0.10\"/>"
			"<rect width=\"4\" height=\"10\" fill=\"#6a1b9a\" "
			"fill-opacity=\"0.28\"/></pattern></defs>\n");
	web_buf_printf(b, "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", f->w, f->h);
}

int web_chart_svg(const struct web_chart *c, const struct web_chart_style *style, struct web_buf *out)
{
	struct frame f = {.c = c, .b = out};
	f.w = style && style->width > 0 ? style->width : DEFAULT_W;
	f.h = style && style->height > 0 ? style->height : DEFAULT_H;
	f.x0 = MARGIN_L;
	f.x1 = f.x0 + (double)web_chart_columns(f.w);
	f.y0 = MARGIN_T;
	f.y1 = f.h - MARGIN_B > MARGIN_T + 20 ? f.h - MARGIN_B : MARGIN_T + 20;
	fit_range(&f);
	document_open(&f);
	header(&f, style);
	for (size_t i = 0; i < c->n_periods; i++)
		period(&f, &c->periods[i]);
	grid_y(&f);
	grid_x(&f);
	web_buf_printf(out,
		       "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" "
		       "stroke=\"#b0bec5\"/>\n",
		       f.x0, f.y0, f.x1 - f.x0, f.y1 - f.y0);
	threshold_lines(&f);
	bool any = false;
	for (size_t i = 0; i < c->n_series; i++) {
		series_line(&f, i);
		series_marks(&f, i);
		any = any || c->series[i].n_points > 0;
	}
	for (size_t i = 0; i < c->n_periods; i++)
		ack_mark(&f, &c->periods[i]);
	place_labels(&f);
	if (!any)
		web_buf_printf(out,
			       "<text x=\"%.1f\" y=\"%.1f\" font-size=\"14\" fill=\"#78909c\" "
			       "text-anchor=\"middle\">No readings in this period</text>\n",
			       (f.x0 + f.x1) / 2, (f.y0 + f.y1) / 2);
	web_buf_puts(out, "</svg>\n");
	return out->failed ? -ENOMEM : 0;
}
