/* `m2mon history --config FILE UNIT [CHANNEL]`: a unit's readings over a period as a table,
 * as CSV for a spreadsheet, or as the chart (SVG) the office display draws. */
#include "cmd.h"
#include "cmd_table.h"
#include "cmd_view.h"
#include "commands.h"
#include "store_view.h"
#include "web_chart.h"
#include "web_time.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char cmd_history_usage[] =
	"Usage: m2mon history --config FILE UNIT [CHANNEL] [--since WHEN] [--until WHEN] [--csv]\n"
	"                     [--svg FILE]\n"
	"\n"
	"Prints the readings of UNIT (of one CHANNEL, or of all its channels) from --since\n"
	"(default 24h) to --until (default now), oldest first. WHEN is a duration back from now\n"
	"(90m, 24h, 7d, 1h30m) or a time: 2026-11-25, 2026-11-25T03:00 (local time) or with a zone,\n"
	"2026-11-25T03:00Z, 2026-11-25T03:00+01:00.\n"
	"\n"
	"  --csv       RFC 4180 CSV for a spreadsheet: time_utc, unit, channel, temp_c, status\n"
	"  --svg FILE  writes the chart instead (FILE '-' for standard output): the temperatures,\n"
	"              the thresholds each channel alarmed at, the alarm periods shaded (red,\n"
	"              amber once acknowledged, hatched for a unit gone silent), acknowledgements\n"
	"              marked and probe faults as crosses; with --csv the CSV still goes to stdout\n"
	"\n"
	"Exit status: 0 shown (even no readings), 1 unknown unit or channel, no database, or a\n"
	"file that cannot be written, 2 a usage error.\n";

struct history_args {
	const char *config, *unit, *channel, *since, *until, *svg;
	bool csv;
};

static int parse_args(const char *prog, int argc, char **argv, struct history_args *a)
{
	struct cmd_view v = {.prog = prog};
	for (int i = 1; i < argc; i++) {
		int taken = cmd_view_config_opt(&v, argc, argv, &i, &a->config);
		if (taken < 0)
			return M2_EXIT_USAGE;
		if (taken)
			continue;
		const char **value = strcmp(argv[i], "--since") == 0   ? &a->since
				     : strcmp(argv[i], "--until") == 0 ? &a->until
				     : strcmp(argv[i], "--svg") == 0   ? &a->svg
								       : NULL;
		if (value) {
			if (i + 1 >= argc)
				return cmd_usage_error(prog, "%s needs a value", argv[i]);
			*value = argv[++i];
		} else if (strcmp(argv[i], "--csv") == 0) {
			a->csv = true;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return cmd_usage_error(prog, "unknown option '%s'", argv[i]);
		} else if (!a->unit) {
			a->unit = argv[i];
		} else if (!a->channel) {
			a->channel = argv[i];
		} else {
			return cmd_usage_error(prog, "unexpected argument '%s'", argv[i]);
		}
	}
	if (!a->unit)
		return cmd_usage_error(prog, "missing UNIT");
	return M2_EXIT_OK;
}

struct channels {
	const char *want;
	char found[STORE_CHANNEL_MAX];
	char all[256];
};

static int on_channel(void *ud, const struct store_reading *r)
{
	struct channels *c = ud;
	if (strcasecmp(r->channel, c->want) == 0)
		snprintf(c->found, sizeof(c->found), "%s", r->channel);
	size_t len = strlen(c->all);
	snprintf(c->all + len, sizeof(c->all) - len, "%s%s", len ? ", " : "", r->channel);
	return 0;
}

/* The channel as the store spells it, or an error naming the unit's channels. */
static int find_channel(const struct cmd_view *v, const char *unit, const char *want, char *out)
{
	struct channels c = {.want = want};
	int err = store_view_latest(v->store, unit, on_channel, &c);
	if (err)
		return cmd_view_failed(v, err);
	if (!c.found[0]) {
		fprintf(stderr, "%s: %s has no channel '%s' with readings; it has %s\n", v->prog, unit, want,
			c.all[0] ? c.all : "no readings at all");
		return M2_EXIT_FAIL;
	}
	snprintf(out, STORE_CHANNEL_MAX, "%s", c.found);
	return M2_EXIT_OK;
}

struct rows {
	enum cmd_table_style style;
	struct cmd_table *t; /* ALIGNED only: the rows kept to line them up */
	size_t n, faults;
	int32_t lo, hi;
	int err;
};

static int on_reading(void *ud, const struct store_reading *r)
{
	struct rows *w = ud;
	bool csv = w->style == CMD_TABLE_CSV;
	char when[32], temp[16];
	if (csv)
		web_time_iso(r->t_ms, when, sizeof(when));
	else
		web_time_local(r->t_ms, when, sizeof(when));
	if (r->fault) {
		snprintf(temp, sizeof(temp), "%s", csv ? "" : "fault");
		w->faults++;
	} else {
		web_temp_format(r->temp_c10, temp, sizeof(temp));
		if (w->n == w->faults || r->temp_c10 < w->lo)
			w->lo = r->temp_c10;
		if (w->n == w->faults || r->temp_c10 > w->hi)
			w->hi = r->temp_c10;
	}
	w->n++;
	const char *cells[] = {when, r->unit, r->channel, temp, r->fault ? "fault" : "ok"};
	const char *short_cells[] = {when, r->channel, temp};
	if (w->t)
		w->err = cmd_table_add(w->t, short_cells);
	else if (csv)
		cmd_table_line(w->style, cells, 5, stdout);
	else
		cmd_table_line(w->style, short_cells, 3, stdout);
	return w->err != 0;
}

static const char *const csv_header[] = {"time_utc", "unit", "channel", "temp_c", "status"};
static const struct cmd_column text_cols[] = {{"TIME", false}, {"CHANNEL", false}, {"TEMP_C", true}};

struct period {
	const char *unit, *channel; /* channel NULL: every channel */
	int64_t since_ms, until_ms;
};

static int print_readings(const struct cmd_view *v, const struct period *p, bool csv)
{
	struct rows w = {.style = csv ? CMD_TABLE_CSV : cmd_table_style_for(stdout)};
	if (w.style == CMD_TABLE_ALIGNED && !(w.t = cmd_table_new(text_cols, 3))) {
		fprintf(stderr, "%s: out of memory\n", v->prog);
		return M2_EXIT_FAIL;
	}
	if (w.style == CMD_TABLE_CSV)
		cmd_table_line(w.style, csv_header, 5, stdout);
	else if (!w.t)
		cmd_table_line(w.style, (const char *const[]){"TIME", "CHANNEL", "TEMP_C"}, 3, stdout);
	int err = store_view_history(v->store, p->unit, p->channel, p->since_ms, p->until_ms, on_reading, &w);
	if (w.t && !err && !w.err)
		cmd_table_print(w.t, w.style, stdout);
	cmd_table_free(w.t);
	if (err || w.err)
		return cmd_view_failed(v, err ? err : w.err);
	char from[24], to[24];
	web_time_local(p->since_ms, from, sizeof(from));
	web_time_local(p->until_ms, to, sizeof(to));
	if (w.style == CMD_TABLE_ALIGNED && w.n > w.faults) {
		char lo[16], hi[16];
		web_temp_format(w.lo, lo, sizeof(lo));
		web_temp_format(w.hi, hi, sizeof(hi));
		printf("%zu readings from %s to %s: lowest %s C, highest %s C, %zu probe faults\n", w.n, from,
		       to, lo, hi, w.faults);
	}
	if (w.n == 0)
		fprintf(stderr, "%s: no readings of %s%s%s from %s to %s\n", v->prog, p->unit,
			p->channel ? " " : "", p->channel ? p->channel : "", from, to);
	return M2_EXIT_OK;
}

static int write_svg(const struct cmd_view *v, const struct period *p, const char *file)
{
	const struct web_site_unit *cu = web_site_unit(&v->site, p->unit);
	struct web_chart_query q = {
		.unit = p->unit,
		.channel = p->channel,
		.since_ms = p->since_ms,
		.until_ms = p->until_ms,
		.columns = web_chart_columns(0),
		.gap_ms = cu && cu->heartbeat_s ? ((int64_t)cu->heartbeat_s + v->site.silent_grace_s) * 1000
						: 0};
	struct web_chart c;
	int err = web_chart_load(v->store, &q, &c);
	if (err)
		return cmd_view_failed(v, err);
	struct web_buf b = {0};
	err = web_chart_svg(&c, NULL, &b);
	size_t readings = 0;
	for (size_t i = 0; i < c.n_series; i++)
		readings += c.series[i].n_readings;
	size_t periods = c.n_periods;
	web_chart_free(&c);
	bool to_stdout = strcmp(file, "-") == 0;
	FILE *f = err ? NULL : to_stdout ? stdout : fopen(file, "w");
	bool ok = f && fwrite(b.data, 1, b.len, f) == b.len;
	if (f && !to_stdout)
		ok = fclose(f) == 0 && ok;
	web_buf_free(&b);
	if (!ok) {
		fprintf(stderr, "%s: cannot write %s: %s\n", v->prog, file,
			err ? "out of memory" : strerror(errno));
		return M2_EXIT_FAIL;
	}
	if (!to_stdout)
		fprintf(stderr, "%s: wrote %s: %zu readings, %zu alarm periods\n", v->prog, file, readings,
			periods);
	return M2_EXIT_OK;
}

static int run(struct cmd_view *v, const struct history_args *a)
{
	int64_t now = cmd_view_now_ms();
	char unit[STORE_UNIT_MAX], channel[STORE_CHANNEL_MAX];
	struct period p = {.unit = unit, .until_ms = now};
	int rc = a->until ? cmd_view_time(v, "--until", a->until, now, &p.until_ms) : 0;
	if (!rc)
		p.since_ms = p.until_ms - 86400000LL;
	if (!rc && a->since)
		rc = cmd_view_time(v, "--since", a->since, now, &p.since_ms);
	if (!rc && p.since_ms >= p.until_ms)
		rc = cmd_usage_error(v->prog, "--since must be before --until");
	if (rc)
		return rc;
	rc = cmd_view_open(v);
	if (!rc)
		rc = cmd_view_unit(v, a->unit, unit);
	if (!rc && a->channel) {
		rc = find_channel(v, unit, a->channel, channel);
		p.channel = channel;
	}
	if (!rc && a->svg)
		rc = write_svg(v, &p, a->svg);
	if (!rc && (!a->svg || a->csv) && !(a->svg && strcmp(a->svg, "-") == 0))
		rc = print_readings(v, &p, a->csv);
	return rc;
}

int cmd_history(int argc, char **argv)
{
	const char *prog = "m2mon history";
	struct history_args a = {0};
	int rc = parse_args(prog, argc, argv, &a);
	if (rc)
		return rc;
	struct cmd_view v;
	rc = cmd_view_load(&v, prog, a.config);
	if (rc)
		return rc;
	rc = run(&v, &a);
	cmd_view_close(&v);
	return rc;
}
