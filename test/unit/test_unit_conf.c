/* The unit's settings in force and their changes by SMS, against a real store in a temporary
 * file: a SET is checked on the whole channel, applied, persisted and loaded again at the
 * next start; refusals change nothing; the intervals keep their order; the PIN changes; a
 * kept change that the edited file no longer allows gives way to the file. */
#include "store_fixture.h"
#include "unit_conf.h"

#include "phone_cmd.h"
#include "store_unit.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

struct fx {
	struct store_fx sfx;
	struct store *s;
	struct unit_settings file;
	struct unit_conf c;
};

static int setup(void **state)
{
	struct fx *f = test_calloc(1, sizeof(*f));
	fx_setup(&f->sfx, "unit.db");
	assert_int_equal(fx_open(&f->sfx, STORE_KIND_UNIT, false, &f->s), 0);
	struct unit_settings *u = &f->file;
	snprintf(u->id, sizeof(u->id), "WH1");
	snprintf(u->pin, sizeof(u->pin), "1234");
	u->sample_interval_s = 60;
	u->report_interval_s = 3600;
	u->n_channels = 2;
	for (int i = 0; i < 2; i++) {
		snprintf(u->channels[i].name, sizeof(u->channels[i].name), "T%d", i + 1);
		alert_channel_cfg_default(&u->channels[i].alert);
		u->channels[i].alert.low.enabled = true;
		u->channels[i].alert.low.temp_c10 = 20;
	}
	unit_conf_from_file(&f->c, u);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	store_close(f->s);
	fx_teardown(&f->sfx);
	test_free(f);
	return 0;
}

static void apply(struct fx *f, const char *text, struct unit_conf_change *ch)
{
	struct phone_item it;
	assert_int_equal(phone_parse_unit_cmd(text, strlen(text), &it), 0);
	assert_int_equal(unit_conf_apply(&f->c, f->s, "WH1", &it.cmd, "+15550003001", 1000, ch), 0);
}

static void reload(struct fx *f, struct unit_conf *out)
{
	unit_conf_from_file(out, &f->file);
	assert_int_equal(unit_conf_load(out, f->s), 0);
}

static void set_is_applied_persisted_and_echoed(void **state)
{
	struct fx *f = *state;
	struct unit_conf_change ch;
	apply(f, "SET t1 HIGH 9", &ch);
	assert_int_equal(ch.result, PROTO_RESULT_OK);
	assert_string_equal(ch.echo, "SET t1 HIGH 9");
	assert_string_equal(ch.reply, "WH1 set T1 HIGH 9.0C LOW 2.0C HH off LL off DELAY 30m HYST 0.5C");
	assert_int_equal(f->c.alert[0].high.temp_c10, 90);
	apply(f, "SET T2 HH OFF", &ch);
	apply(f, "SET T2 DELAY 90m", &ch);
	apply(f, "SET T2 HYST 1.5", &ch);
	struct unit_conf again;
	reload(f, &again);
	assert_int_equal(again.alert[0].high.temp_c10, 90);
	assert_false(again.alert[1].high_high.enabled);
	assert_int_equal(again.alert[1].on_delay_s, 5400);
	assert_int_equal(again.alert[1].hysteresis_c10, 15);
	struct store_unit_setting st;
	assert_int_equal(store_unit_setting_get(f->s, "T1.high", &st), 0);
	assert_string_equal(st.changed_by, "+15550003001");
}

static void refusals_change_nothing(void **state)
{
	struct fx *f = *state;
	struct unit_conf_change ch;
	struct unit_conf before = f->c;
	apply(f, "SET T1 LOW 9", &ch); /* above the high limit of 8 */
	assert_int_equal(ch.result, PROTO_RESULT_INVALID);
	assert_non_null(strstr(ch.reply, "WH1 not changed: "));
	apply(f, "SET T9 HIGH 9", &ch);
	assert_string_equal(ch.reply, "WH1 not changed: no channel T9 here");
	apply(f, "INTERVAL 2h", &ch);
	assert_int_equal(ch.result, PROTO_RESULT_INVALID);
	apply(f, "STATUS", &ch);
	assert_int_equal(ch.result, PROTO_RESULT_INVALID);
	assert_memory_equal(&before, &f->c, sizeof(before));
	size_t n = 1;
	assert_int_equal(store_unit_setting_list(f->s, NULL, 0, &n), 0);
	assert_int_equal(n, 0);
}

static void intervals_and_pin(void **state)
{
	struct fx *f = *state;
	struct unit_conf_change ch;
	apply(f, "INTERVAL 5m", &ch);
	assert_int_equal(ch.result, PROTO_RESULT_OK);
	assert_true(ch.intervals);
	assert_string_equal(ch.reply, "WH1 reads every 5m and reports every 1h");
	assert_int_equal(f->c.alert[1].sample_interval_s, 300);
	apply(f, "REPORT 2m", &ch);
	assert_int_equal(ch.result, PROTO_RESULT_INVALID);
	assert_string_equal(
		ch.reply, "WH1 not changed: reading every 5m but reporting every 2m; REPORT must be longer");
	apply(f, "REPORT 2h", &ch);
	assert_string_equal(ch.echo, "REPORT 2h");
	apply(f, "PIN 1234 5678", &ch);
	assert_int_equal(ch.result, PROTO_RESULT_OK);
	assert_string_equal(ch.echo, "PIN CHANGED");
	assert_null(strstr(ch.reply, "5678"));
	struct unit_conf again;
	reload(f, &again);
	assert_string_equal(again.pin, "5678");
	assert_int_equal(again.sample_interval_s, 300);
	assert_int_equal(again.report_interval_s, 7200);
	assert_int_equal(again.alert[0].sample_interval_s, 300);
}

static void the_edited_file_wins_over_a_change_it_forbids(void **state)
{
	struct fx *f = *state;
	struct unit_conf_change ch;
	apply(f, "SET T1 LOW 5", &ch);
	assert_int_equal(ch.result, PROTO_RESULT_OK);
	f->file.channels[0].alert.high.temp_c10 = 50; /* the file now says high 5 */
	struct unit_conf again;
	reload(f, &again);
	assert_int_equal(again.alert[0].low.temp_c10, 20);
	assert_int_equal(again.alert[0].high.temp_c10, 50);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(set_is_applied_persisted_and_echoed, setup, teardown),
		cmocka_unit_test_setup_teardown(refusals_change_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(intervals_and_pin, setup, teardown),
		cmocka_unit_test_setup_teardown(the_edited_file_wins_over_a_change_it_forbids, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
