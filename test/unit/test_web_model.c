/* The site's state as the operator and the wall see it: which unit is in alarm, taken,
 * silent (by its incident or by its heartbeat alone), fine or never heard, in the order
 * of the configuration, with who was told and who took each incident; and the same in JSON. */
#include "site_fixture.h"
#include "store_fixture.h"
#include "web_json.h"
#include "web_model.h"

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
	struct store *s;
	struct web_site site;
};

static int setup(void **state)
{
	static struct env e;
	fx_setup(&e.fx, "base.db");
	struct store *w;
	assert_int_equal(fx_open(&e.fx, STORE_KIND_BASE, false, &w), 0);
	assert_int_equal(sf_write(w, NOW), 0);
	store_close(w);
	assert_int_equal(fx_open(&e.fx, STORE_KIND_BASE, true, &e.s), 0);
	sf_site(&e.site, e.fx.path);
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

static void every_unit_has_the_state_a_person_must_see(void **state)
{
	struct env *e = *state;
	struct web_status st;
	assert_int_equal(web_status_load(e->s, &e->site, NOW, &st), 0);
	assert_int_equal(st.n_units, 5);
	static const char *const order[] = {"WH1", "FRZ1", "REEFER3", "WH2", "WH9"};
	static const enum web_state want[] = {WEB_STATE_ACKED, WEB_STATE_ALARM, WEB_STATE_SILENT,
					      WEB_STATE_OK, WEB_STATE_UNKNOWN};
	for (size_t i = 0; i < 5; i++) {
		assert_string_equal(st.units[i].id, order[i]);
		assert_int_equal(st.units[i].state, want[i]);
		assert_true(st.units[i].configured);
	}
	const struct web_unit *wh1 = &st.units[0];
	assert_int_equal(wh1->incident_id, 12);
	assert_int_equal(wh1->n_channels, 2);
	assert_int_equal(wh1->channels[0].state, WEB_STATE_ACKED);
	assert_int_equal(wh1->channels[1].state, WEB_STATE_OK);
	assert_int_equal(wh1->channels[0].last.temp_c10, sf_wh1_t1(NOW, NOW));
	assert_int_equal(wh1->last_heard_ms, NOW);
	const struct web_unit *reefer = &st.units[2];
	assert_int_equal(reefer->incident_id, 13);
	assert_true(reefer->overdue);
	assert_int_equal(reefer->silent_at_ms, NOW - 5 * SF_HOUR + (7200 + 600) * 1000LL);
	assert_int_equal(reefer->channels[0].state, WEB_STATE_SILENT);
	assert_int_equal(st.units[4].last_heard_ms, 0);

	assert_int_equal(st.n_incidents, 3);
	const struct store_view_incident *taken = web_status_incident(&st, 12);
	assert_non_null(taken);
	assert_string_equal(taken->acked_by.name, "Bob");
	assert_int_equal(taken->n_told, 2);
	assert_string_equal(taken->told[0].name, "Alice");
	assert_null(web_status_incident(&st, 7)); /* closed */
	web_status_free(&st);
}

/* No incident yet, but nothing heard past heartbeat and grace: SILENT all the same. */
static void a_unit_not_heard_past_its_heartbeat_is_silent(void **state)
{
	struct env *e = *state;
	struct web_status st;
	int64_t later = NOW + 2 * SF_HOUR + 10 * SF_MIN;
	assert_int_equal(web_status_load(e->s, &e->site, later - 1, &st), 0);
	assert_int_equal(web_status_unit(&st, "WH2")->state, WEB_STATE_OK);
	web_status_free(&st);
	assert_int_equal(web_status_load(e->s, &e->site, later, &st), 0);
	const struct web_unit *wh2 = web_status_unit(&st, "wh2");
	assert_non_null(wh2);
	assert_int_equal(wh2->state, WEB_STATE_SILENT);
	assert_true(wh2->overdue);
	assert_int_equal(wh2->incident_id, 0);
	web_status_free(&st);
}

/* A unit in the database that the configuration no longer lists is still shown, after
 * the configured ones. */
static void a_unit_heard_but_not_configured_is_shown_last(void **state)
{
	struct env *e = *state;
	e->site.n_units = 2; /* WH1, FRZ1 */
	struct web_status st;
	assert_int_equal(web_status_load(e->s, &e->site, NOW, &st), 0);
	assert_int_equal(st.n_units, 4);
	assert_string_equal(st.units[2].id, "REEFER3");
	assert_false(st.units[2].configured);
	assert_int_equal(st.units[2].heartbeat_s, 0);
	assert_int_equal(st.units[2].state, WEB_STATE_SILENT); /* by its incident */
	assert_string_equal(st.units[3].id, "WH2");
	assert_int_equal(st.units[3].state, WEB_STATE_OK);
	web_status_free(&st);
}

static void the_json_says_the_same(void **state)
{
	struct env *e = *state;
	struct web_status st;
	assert_int_equal(web_status_load(e->s, &e->site, NOW, &st), 0);
	json_t *j = web_json_status(&st, &e->site);
	web_status_free(&st);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "site")), "Cold store North");
	json_t *units = json_object_get(j, "units");
	assert_int_equal(json_array_size(units), 5);
	json_t *frz = json_array_get(units, 1);
	assert_string_equal(json_string_value(json_object_get(frz, "state")), "alarm");
	json_t *ch = json_array_get(json_object_get(frz, "channels"), 0);
	json_t *r = json_object_get(ch, "reading");
	assert_true(json_is_integer(json_object_get(r, "temp_c10")));
	assert_true(json_is_real(json_object_get(r, "temp_c")));
	json_t *inc = json_array_get(json_object_get(j, "incidents"), 1);
	assert_int_equal(json_integer_value(json_object_get(inc, "id")), 12);
	assert_string_equal(json_string_value(json_object_get(json_object_get(inc, "acked_by"), "name")),
			    "Bob");
	assert_int_equal(json_integer_value(json_object_get(inc, "threshold_c10")), 80);
	json_t *by = json_object_get(j, "units_by_state");
	assert_int_equal(json_integer_value(json_object_get(by, "silent")), 1);
	char *text = web_json_text(j, false);
	assert_non_null(strstr(text, "\"temp_c\":-14.2,")); /* FRZ1 T1, as meant: not -14.199999 */
	assert_null(strstr(text, "0000000"));
	free(text);
	json_decref(j);
}

static void an_event_names_the_person_behind_a_number(void **state)
{
	struct env *e = *state;
	struct store_event ev = {.t_ms = NOW,
				 .kind = STORE_EVENT_ACK,
				 .unit = "WH1",
				 .incident_id = 12,
				 .actor = "+15550003002",
				 .text = "ACK 12 \xff\xfe"};
	json_t *j = web_json_event(&ev, &e->site);
	assert_string_equal(json_string_value(json_object_get(j, "actor_name")), "Bob");
	assert_string_equal(json_string_value(json_object_get(j, "kind")), "ack");
	assert_string_equal(json_string_value(json_object_get(j, "text")), "ACK 12 ??"); /* not UTF-8 */
	assert_true(json_is_null(json_object_get(j, "channel")));
	json_decref(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(every_unit_has_the_state_a_person_must_see, setup, teardown),
		cmocka_unit_test_setup_teardown(a_unit_not_heard_past_its_heartbeat_is_silent, setup,
						teardown),
		cmocka_unit_test_setup_teardown(a_unit_heard_but_not_configured_is_shown_last, setup,
						teardown),
		cmocka_unit_test_setup_teardown(the_json_says_the_same, setup, teardown),
		cmocka_unit_test_setup_teardown(an_event_names_the_person_behind_a_number, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
