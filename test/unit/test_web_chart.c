/* The chart as a person reads it: a valid SVG document with nothing from outside, the
 * thresholds drawn where the alarms said they were, alarm periods shaded (red, then amber
 * from the acknowledgement; hatched for a silent unit), acknowledgements marked with who,
 * gaps and probe faults shown, and a year thinned to a few points per pixel column. */
#include "site_fixture.h"
#include "store_base.h"
#include "store_fixture.h"
#include "web_chart.h"
#include "xml_check.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define NOW 1764547200000LL /* 2025-12-01T00:00:00Z */

struct env {
	struct store_fx fx;
	struct store *s;
};

static int setup(void **state)
{
	static struct env e;
	fx_setup(&e.fx, "base.db");
	assert_int_equal(fx_open(&e.fx, STORE_KIND_BASE, false, &e.s), 0);
	assert_int_equal(sf_write(e.s, NOW), 0);
	*state = &e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;
	store_close(e->s);
	fx_teardown(&e->fx);
	return 0;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

/* Draws `c` and checks what every chart must be: well-formed, an <svg> root, no script,
 * no link, no image, no outside reference. Returns the document (free it). */
static char *draw(const struct web_chart *c)
{
	struct web_buf b = {0};
	assert_int_equal(web_chart_svg(c, NULL, &b), 0);
	char *svg = web_buf_take(&b, NULL);
	assert_non_null(svg);
	size_t at;
	char root[32];
	const char *err = xml_check(svg, &at, root, sizeof(root));
	if (err)
		fail_msg("not well-formed at %zu: %s: ...%.60s", at, err, svg + (at > 20 ? at - 20 : 0));
	assert_string_equal(root, "svg");
	assert_null(strstr(svg, "<script"));
	assert_null(strstr(svg, "href"));
	assert_null(strstr(svg, "<image"));
	assert_null(strstr(svg, "@import"));
	assert_int_equal(count(svg, "http"), 1); /* the xmlns name only */
	assert_int_equal(count(svg, "url("), count(svg, "url(#"));
	return svg;
}

static void load(struct env *e, const char *unit, const char *channel, struct web_chart *c)
{
	struct web_chart_query q = {.unit = unit,
				    .channel = channel,
				    .since_ms = NOW - 24 * SF_HOUR,
				    .until_ms = NOW,
				    .columns = web_chart_columns(0),
				    .gap_ms = 2 * SF_HOUR};
	assert_int_equal(web_chart_load(e->s, &q, c), 0);
}

static void the_chiller_shows_its_threshold_alarms_and_who_took_them(void **state)
{
	struct web_chart c;
	load(*state, "WH1", NULL, &c);
	assert_int_equal(c.n_series, 2);
	assert_string_equal(c.series[0].channel, "T1");
	assert_int_equal(c.series[0].n_thresholds, 1);
	assert_int_equal(c.series[0].thresholds[0].kind, WEB_THRESHOLD_HIGH);
	assert_int_equal(c.series[0].thresholds[0].c10, 80);
	assert_int_equal(c.series[1].n_thresholds, 0); /* T2 never alarmed */
	/* until is not included: the last reading drawn is the one 5 min before. */
	assert_int_equal(c.series[0].max_c10, sf_wh1_t1(NOW - 5 * SF_MIN, NOW));
	assert_int_equal(c.n_periods, 2); /* incident 7 (closed) and 12 (open, acknowledged) */
	char *svg = draw(&c);
	assert_int_equal(count(svg, "class=\"threshold\""), 1);
	assert_non_null(strstr(svg, "T1 HIGH 8.0"));
	assert_int_equal(count(svg, "fill=\"#e53935\""), 2); /* red until each ACK */
	assert_int_equal(count(svg, "fill=\"#fb8c00\""), 2); /* amber after */
	assert_non_null(strstr(svg, "ACK Alice"));
	assert_non_null(strstr(svg, "ACK Bob"));
	assert_int_equal(count(svg, "class=\"series\""), 2);
	assert_non_null(strstr(svg, "T1 9.3 \xc2\xb0"
				    "C")); /* the latest value at the line's end */
	free(svg);
	web_chart_free(&c);
}

static void a_silent_unit_is_hatched_from_its_last_word(void **state)
{
	struct web_chart c;
	load(*state, "REEFER3", "T1", &c);
	assert_int_equal(c.n_periods, 1);
	assert_string_equal(c.periods[0].kind, "silent");
	assert_true(c.periods[0].open);
	assert_int_equal(c.periods[0].from_ms, NOW - 5 * SF_HOUR);
	assert_int_equal(c.periods[0].to_ms, NOW);
	char *svg = draw(&c);
	assert_int_equal(count(svg, "fill=\"url(#m2-silent)\""), 1);
	assert_non_null(strstr(svg, "SILENT #13 (open)"));
	free(svg);
	web_chart_free(&c);
}

static void a_probe_fault_breaks_the_line_and_is_crossed(void **state)
{
	struct web_chart c;
	load(*state, "FRZ1", "T1", &c);
	assert_int_equal(c.series[0].n_faults, 1);
	assert_int_equal(c.series[0].faults[0], NOW - 6 * SF_HOUR);
	size_t gaps = 0;
	for (size_t i = 1; i < c.series[0].n_points; i++)
		gaps += c.series[0].points[i].gap_before;
	assert_int_equal(gaps, 1);
	assert_int_equal(c.series[0].thresholds[0].c10, -150);
	char *svg = draw(&c);
	assert_int_equal(count(svg, "class=\"fault\""), 1);
	assert_int_equal(count(svg, " M"), 1); /* the path starts over once, after the fault */
	assert_non_null(strstr(svg, "HIGH -15.0"));
	free(svg);
	web_chart_free(&c);
}

static void no_readings_is_said_in_a_valid_document(void **state)
{
	struct web_chart c;
	load(*state, "WH9", NULL, &c);
	assert_int_equal(c.n_series, 0);
	char *svg = draw(&c);
	assert_non_null(strstr(svg, "No readings in this period"));
	free(svg);
	web_chart_free(&c);
}

/* Names come from units and phones: whatever they hold is escaped. */
static void hostile_names_are_escaped(void **state)
{
	(void)state;
	struct web_chart_point pts[] = {{.t_ms = NOW - SF_HOUR, .c10 = 40}, {.t_ms = NOW - 1, .c10 = 50}};
	struct web_chart c = {.unit = "W<1&", .since_ms = NOW - 2 * SF_HOUR, .until_ms = NOW, .n_series = 2};
	snprintf(c.series[0].channel, sizeof(c.series[0].channel), "\"T'<>&");
	snprintf(c.series[1].channel, sizeof(c.series[1].channel), "T2\x01\xff");
	for (size_t i = 0; i < 2; i++) {
		c.series[i].points = pts;
		c.series[i].n_points = 2;
		c.series[i].n_readings = 2;
		c.series[i].has_last = true;
		c.series[i].last_t_ms = NOW - 1;
		c.series[i].last_c10 = 50;
		c.series[i].min_c10 = 40;
		c.series[i].max_c10 = 50;
	}
	struct web_chart_period p = {.incident_id = 3,
				     .kind = "<b>",
				     .from_ms = NOW - 90 * SF_MIN,
				     .to_ms = NOW - 10 * SF_MIN,
				     .acked_ms = NOW - 30 * SF_MIN};
	snprintf(p.channel, sizeof(p.channel), "\"T'<>&");
	snprintf(p.acked_by, sizeof(p.acked_by), "</text><script>x</script>");
	c.periods = &p;
	c.n_periods = 1;
	char *svg = draw(&c);
	assert_non_null(strstr(svg, "W&lt;1&amp;"));
	assert_non_null(strstr(svg, "ACK &lt;/text&gt;&lt;script&gt;"));
	free(svg);
}

static void on_done(void *ud, int result, int64_t id)
{
	(void)id;
	*(int *)ud = result;
}

/* A month of one reading a minute, with one spike: a few points per column, the spike kept. */
static void a_month_is_thinned_to_the_columns_and_keeps_its_spike(void **state)
{
	struct env *e = *state;
	size_t n = 30 * 24 * 60;
	struct store_reading *rd = calloc(n, sizeof(*rd));
	assert_non_null(rd);
	for (size_t i = 0; i < n; i++) {
		rd[i] = (struct store_reading){.t_ms = NOW - 30 * 24 * SF_HOUR + (int64_t)i * SF_MIN,
					       .temp_c10 = i == n / 2 ? 300 : 50 + (int32_t)(i % 7)};
		snprintf(rd[i].unit, sizeof(rd[i].unit), "BIG");
		snprintf(rd[i].channel, sizeof(rd[i].channel), "T1");
	}
	struct store_base_batch b = {.readings = rd, .n_readings = n};
	int result = -1;
	store_base_write(e->s, &b, on_done, &result);
	assert_int_equal(result, 0);
	free(rd);
	struct web_chart c;
	struct web_chart_query q = {
		.unit = "BIG", .since_ms = NOW - 30 * 24 * SF_HOUR, .until_ms = NOW, .columns = 500};
	assert_int_equal(web_chart_load(e->s, &q, &c), 0);
	assert_int_equal(c.series[0].n_readings, n);
	assert_true(c.series[0].n_points <= 2 * 500 + 2);
	assert_true(c.series[0].n_points >= 500);
	assert_int_equal(c.series[0].max_c10, 300);
	bool spike = false;
	for (size_t i = 0; i < c.series[0].n_points; i++)
		spike = spike || c.series[0].points[i].c10 == 300;
	assert_true(spike);
	free(draw(&c));
	web_chart_free(&c);
}

int main(void)
{
	setenv("TZ", "UTC", 1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(the_chiller_shows_its_threshold_alarms_and_who_took_them,
						setup, teardown),
		cmocka_unit_test_setup_teardown(a_silent_unit_is_hatched_from_its_last_word, setup, teardown),
		cmocka_unit_test_setup_teardown(a_probe_fault_breaks_the_line_and_is_crossed, setup,
						teardown),
		cmocka_unit_test_setup_teardown(no_readings_is_said_in_a_valid_document, setup, teardown),
		cmocka_unit_test(hostile_names_are_escaped),
		cmocka_unit_test_setup_teardown(a_month_is_thinned_to_the_columns_and_keeps_its_spike, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
