/* The temperature chart of one unit: its channels' readings over a period, the thresholds
 * each channel alarmed at, the alarm periods and the acknowledgements. web_chart_load reads
 * it from the store (readings thinned to a few points per pixel column, so a year costs no
 * more to draw than a day); web_chart_svg draws it as one self-contained SVG document (no
 * script, font or image from outside), for `m2mon history --svg` and the display alike.
 *
 * Thresholds. The base's configuration carries none: thresholds are the unit's settings. A
 * chart draws, per channel and per kind (HIGH, LOW, HIGH-HIGH, LOW-LOW), the threshold of the
 * most recent incident of that kind the unit raised on that channel, as its alarm reported
 * it; a channel that never alarmed shows no threshold line. */
#ifndef M2_WEB_CHART_H
#define M2_WEB_CHART_H

#include "store_view.h"
#include "web_buf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WEB_CHART_SERIES_MAX     8
#define WEB_CHART_THRESHOLDS_MAX 4

struct web_chart_point {
	int64_t t_ms;
	int32_t c10;
	bool gap_before; /* the line breaks before this point (no readings, or a probe fault) */
};

enum web_threshold_kind {
	WEB_THRESHOLD_HIGH,
	WEB_THRESHOLD_LOW,
	WEB_THRESHOLD_HIGH_HIGH,
	WEB_THRESHOLD_LOW_LOW,
};

const char *web_threshold_kind_str(enum web_threshold_kind kind); /* "HIGH", "LOW-LOW"... */

struct web_chart_threshold {
	enum web_threshold_kind kind;
	int32_t c10;
	int64_t learned_ms; /* when the incident that reported it opened */
};

struct web_chart_series {
	char channel[STORE_CHANNEL_MAX];
	struct web_chart_point *points; /* thinned: the lowest and highest of each column */
	size_t n_points;
	size_t n_readings; /* good readings in the period */
	int64_t *faults;   /* probe faults, at most one per column */
	size_t n_faults;
	bool has_last;
	int64_t last_t_ms;
	int32_t last_c10, min_c10, max_c10; /* of the good readings in the period */
	struct web_chart_threshold thresholds[WEB_CHART_THRESHOLDS_MAX];
	size_t n_thresholds;
};

/* An incident over the period: from when its condition began to when it cleared, or to the
 * period's end when still open. A unit-wide one (SILENT, power) has channel "". */
struct web_chart_period {
	uint32_t incident_id;
	char channel[STORE_CHANNEL_MAX];
	char kind[STORE_LABEL_MAX];
	bool critical;
	int64_t from_ms, to_ms;
	bool open;
	int64_t acked_ms;                /* 0: not acknowledged */
	char acked_by[STORE_NUMBER_MAX]; /* the name, or the number when unnamed */
};

struct web_chart {
	char unit[STORE_UNIT_MAX];
	int64_t since_ms, until_ms;
	struct web_chart_series series[WEB_CHART_SERIES_MAX];
	size_t n_series;
	size_t n_series_dropped; /* channels past WEB_CHART_SERIES_MAX */
	struct web_chart_period *periods;
	size_t n_periods;
};

struct web_chart_query {
	const char *unit;
	const char *channel;        /* NULL or "": every channel of the unit */
	int64_t since_ms, until_ms; /* until_ms is the end drawn: give now for "until now" */
	size_t columns;             /* pixel columns of the plot: points kept per series ~ 2x this */
	int64_t gap_ms;             /* readings further apart than this are not joined (0: 1 h) */
};

/* Reads the chart. Returns 0, -EINVAL (since not before until, no columns), -ENOMEM, or a
 * store error; on error `out` holds nothing to free. A unit with no channel gives a chart of
 * no series (drawn as "no readings"). */
int web_chart_load(struct store *s, const struct web_chart_query *q, struct web_chart *out);
void web_chart_free(struct web_chart *c);

struct web_chart_style {
	int width, height; /* pixels; 0: 900 x 320 */
	const char *title; /* NULL: "UNIT" or "UNIT CHANNEL" */
};

/* The plot's width in pixel columns for a chart of `width` (0: the default): what to give
 * web_chart_query.columns. */
size_t web_chart_columns(int width);

/* Appends the SVG document to `out`. Times on the axis are local. Returns 0, or -ENOMEM
 * (out->failed). */
int web_chart_svg(const struct web_chart *c, const struct web_chart_style *style, struct web_buf *out);

#endif
