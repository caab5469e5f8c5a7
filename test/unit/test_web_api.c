/* The display's HTTP answers without a socket: the page and its assets, the API's JSON and
 * SVG, a poll answered 304 until the database changes, clear 400s for hostile query
 * strings, 404s, 405 for anything but GET, and 503 until the base has made its database. */
#include "site_fixture.h"
#include "store_base.h"
#include "store_fixture.h"
#include "web_api.h"

#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define NOW 1764547200000LL

struct env {
	struct store_fx fx;
	struct web_site site;
	struct web_api *api;
	struct web_reply r;
};

static void make_db(struct env *e)
{
	struct store *w;
	assert_int_equal(fx_open(&e->fx, STORE_KIND_BASE, false, &w), 0);
	assert_int_equal(sf_write(w, NOW), 0);
	store_close(w);
}

static int setup(void **state)
{
	static struct env e;
	memset(&e, 0, sizeof(e));
	fx_setup(&e.fx, "base.db");
	make_db(&e);
	sf_site(&e.site, e.fx.path);
	e.api = web_api_new(&e.site);
	*state = &e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;
	web_reply_free(&e->r);
	web_api_free(e->api);
	fx_teardown(&e->fx);
	return 0;
}

static struct web_reply *get(struct env *e, const char *path, const char *query, const char *etag,
			     int64_t now)
{
	web_reply_free(&e->r);
	web_api_handle(e->api, "GET", path, query, etag, now, &e->r);
	return &e->r;
}

static const char *body(const struct web_reply *r)
{
	return r->body ? r->body : (const char *)r->static_body;
}

static void the_page_and_its_parts_are_built_in(void **state)
{
	struct env *e = *state;
	struct web_reply *r = get(e, "/", NULL, NULL, NOW);
	assert_int_equal(r->status, 200);
	assert_string_equal(r->type, "text/html; charset=utf-8");
	assert_non_null(strstr(body(r), "<script src=\"/display.js\"></script>"));
	assert_null(strstr(body(r), "http")); /* nothing from outside */
	char etag[64];
	snprintf(etag, sizeof(etag), "%s", r->etag);
	assert_int_equal(get(e, "/index.html", NULL, etag, NOW)->status, 304);
	assert_int_equal(get(e, "/display.js", NULL, NULL, NOW)->status, 200);
	assert_null(strstr(body(&e->r), "http"));
	assert_string_equal(get(e, "/display.css", NULL, NULL, NOW)->type, "text/css; charset=utf-8");
	assert_int_equal(get(e, "/favicon.svg", NULL, NULL, NOW)->status, 200);
	assert_int_equal(get(e, "/secret", NULL, NULL, NOW)->status, 404);
	assert_int_equal(get(e, "/api/status/../../etc/passwd", NULL, NULL, NOW)->status, 404);
	web_reply_free(&e->r);
	web_api_handle(e->api, "POST", "/api/status", NULL, NULL, NOW, &e->r);
	assert_int_equal(e->r.status, 405);
	assert_string_equal(e->r.allow, "GET, HEAD");
}

static void a_poll_costs_a_304_until_the_database_changes(void **state)
{
	struct env *e = *state;
	struct web_reply *r = get(e, "/api/status", NULL, NULL, NOW);
	assert_int_equal(r->status, 200);
	assert_string_equal(r->type, "application/json");
	json_t *j = json_loads(body(r), 0, NULL);
	assert_non_null(j);
	assert_int_equal(json_array_size(json_object_get(j, "units")), 5);
	assert_string_equal(json_string_value(json_object_get(j, "rev")), r->etag);
	json_decref(j);
	char etag[64];
	snprintf(etag, sizeof(etag), "%s", r->etag);
	assert_int_equal(get(e, "/api/status", NULL, etag, NOW + 1000)->status, 304);
	/* The base writes: the next poll gets the new state. */
	struct store *w;
	assert_int_equal(fx_open(&e->fx, STORE_KIND_BASE, false, &w), 0);
	struct store_reading rd = {.unit = "WH2", .channel = "T1", .t_ms = NOW + 500, .temp_c10 = 47};
	int result = -1;
	store_base_write(w, &(struct store_base_batch){.readings = &rd, .n_readings = 1}, sf_done, &result);
	assert_int_equal(result, 0);
	store_close(w);
	r = get(e, "/api/status", NULL, etag, NOW + 2000);
	assert_int_equal(r->status, 200);
	assert_string_not_equal(r->etag, etag);
	/* And ages move on: after the time bucket the answer is made anew. */
	snprintf(etag, sizeof(etag), "%s", r->etag);
	assert_int_equal(get(e, "/api/status", NULL, etag, NOW + 9000)->status, 304);
	assert_int_equal(get(e, "/api/status", NULL, etag, NOW + 10000)->status, 200);
}

static void history_events_and_the_chart_answer_what_was_asked(void **state)
{
	struct env *e = *state;
	struct web_reply *r = get(e, "/api/history", "unit=wh1&channel=t1&points=0", NULL, NOW);
	assert_int_equal(r->status, 200);
	json_t *j = json_loads(body(r), 0, NULL);
	json_t *ch = json_array_get(json_object_get(j, "channels"), 0);
	assert_string_equal(json_string_value(json_object_get(ch, "name")), "T1");
	assert_int_equal(json_integer_value(json_object_get(ch, "readings")), 24 * 12);
	assert_null(json_object_get(ch, "points"));
	assert_int_equal(json_array_size(json_object_get(j, "periods")), 2);
	json_decref(j);
	r = get(e, "/api/events", "limit=3&unit=FRZ1", NULL, NOW);
	assert_int_equal(r->status, 200);
	j = json_loads(body(r), 0, NULL);
	json_t *evs = json_object_get(j, "events");
	assert_int_equal(json_array_size(evs), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(evs, 0), "actor_name")), "Bob");
	json_decref(j);
	r = get(e, "/api/events", "since=3h", NULL, NOW);
	j = json_loads(body(r), 0, NULL);
	evs = json_object_get(j, "events");
	assert_true(json_array_size(evs) >= 6);
	int64_t newest = json_integer_value(json_object_get(json_array_get(evs, 0), "t_ms"));
	int64_t next = json_integer_value(json_object_get(json_array_get(evs, 1), "t_ms"));
	assert_true(newest >= next);
	json_decref(j);
	r = get(e, "/api/chart.svg", "unit=REEFER3&width=600&height=250", NULL, NOW);
	assert_int_equal(r->status, 200);
	assert_string_equal(r->type, "image/svg+xml");
	assert_non_null(
		strstr(body(r), "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"600\" height=\"250\""));
	assert_non_null(strstr(body(r), "url(#m2-silent)"));
}

static void bad_requests_get_a_clear_error(void **state)
{
	struct env *e = *state;
	static const struct {
		const char *path, *query;
		unsigned status;
		const char *says;
	} bad[] = {
		{"/api/history", "channel=T1", 400, "unit: missing"},
		{"/api/history", "unit=WH1&since=%ZZ", 400, "since: bad percent-encoding"},
		{"/api/history", "unit=NOPE", 404, "unknown unit"},
		{"/api/chart.svg", "unit=WH1&channel=T7", 404, "unknown channel"},
		{"/api/chart.svg", "unit=WH1&width=1", 400, "width: must be"},
		{"/api/events", "unit=<x>", 400, "unit: must be a unit id"},
		{"/api/status", "unit=WH1", 400, "unknown parameter"},
		{"/api/history", "unit=WH1&since=2h&until=3h", 400, "since: must be before until"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct web_reply *r = get(e, bad[i].path, bad[i].query, NULL, NOW);
		json_t *j = json_loads(body(r), 0, NULL);
		const char *msg = json_string_value(json_object_get(j, "error"));
		if (r->status != bad[i].status || !msg || !strstr(msg, bad[i].says))
			fail_msg("%s?%s: %u %s", bad[i].path, bad[i].query, r->status, body(r));
		assert_string_equal(r->etag, "");
		json_decref(j);
	}
}

static void without_a_database_the_api_says_so_until_there_is_one(void **state)
{
	struct env *e = *state;
	fx_file(&e->fx, "later.db", e->site.store, sizeof(e->site.store));
	struct web_reply *r = get(e, "/api/status", NULL, NULL, NOW);
	assert_int_equal(r->status, 503);
	assert_non_null(strstr(body(r), "no database yet: the base station creates it when it first starts"));
	assert_int_equal(get(e, "/", NULL, NULL, NOW)->status, 200); /* the page still loads and says it */
	snprintf(e->fx.path, sizeof(e->fx.path), "%s", e->site.store);
	make_db(e);
	assert_int_equal(get(e, "/api/status", NULL, NULL, NOW + 500)->status, 503); /* tried a second ago */
	assert_int_equal(get(e, "/api/status", NULL, NULL, NOW + 1000)->status, 200);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(the_page_and_its_parts_are_built_in, setup, teardown),
		cmocka_unit_test_setup_teardown(a_poll_costs_a_304_until_the_database_changes, setup,
						teardown),
		cmocka_unit_test_setup_teardown(history_events_and_the_chart_answer_what_was_asked, setup,
						teardown),
		cmocka_unit_test_setup_teardown(bad_requests_get_a_clear_error, setup, teardown),
		cmocka_unit_test_setup_teardown(without_a_database_the_api_says_so_until_there_is_one, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
