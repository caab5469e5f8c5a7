/* The real `m2mon unit` against the simulator, the test playing the base on the base modem:
 * a file: probe crosses its limit and the base receives a valid alarm; unconfirmed, the alarm
 * is resent with the same text and seq and then reaches the fallback phone as plain text; a
 * receipt stops the resending; an alarm raised by the sample a report is due with reaches the
 * modem (and so the base) before that report. */
#include "it_unit_util.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

static int setup(void **state)
{
	(void)state;
	return proto_init();
}

/* The first alarm the base read, or NULL. */
static const struct proto_msg *first_alarm(const struct it_base *b, int *index)
{
	for (int i = 0; i < b->n; i++)
		if (b->msg[i].head.kind == PROTO_KIND_ALARM) {
			*index = i;
			return &b->msg[i];
		}
	return NULL;
}

static void alarm_reaches_the_base(void **state)
{
	struct it_sim sim;
	struct it_unit u;
	struct it_base b;
	it_sim_start(&sim, *state, it_unit_net);
	it_unit_setup(&u, &sim, "sample_interval = \"1s\"; report_interval = \"1h\"; heartbeat = \"1h\";",
		      "4.0");
	it_base_open(&b, &sim);
	it_unit_start(&u);
	assert_true(it_unit_wait(&u, (const char *const[]){"event=modem_ready", NULL}, 1));
	it_unit_probe(&u, "9.5");
	assert_true(it_base_wait_delivered(&sim, 1));
	assert_int_equal(it_base_read(&b), 1);
	int at;
	const struct proto_msg *m = first_alarm(&b, &at);
	assert_non_null(m);
	assert_string_equal(m->head.unit, "WH1");
	assert_string_equal(m->u.event.channel, "T1");
	assert_int_equal(m->u.event.level, PROTO_LEVEL_HIGH);
	assert_int_equal(m->u.event.value_c10, 95);
	assert_int_equal(m->u.event.threshold_c10, 80);
	assert_non_null(strstr(b.text[at], "WH1 ALARM T1 9.5C above 8.0C since "));
	it_unit_stop(&u);
	it_sim_stop(&sim);
}

/* The messages delivered to the base so far, in sms.jsonl's order, verified. */
static int delivered(const struct it_sim *sim, struct proto_msg *out, int max)
{
	char path[400];
	snprintf(path, sizeof(path), "%s/sms.jsonl", sim->dir);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	uint8_t key[PROTO_KEY_LEN];
	assert_int_equal(proto_key_parse(IT_UNIT_KEY, key), 0);
	char line[8192];
	int n = 0;
	while (n < max && fgets(line, sizeof(line), f)) {
		json_t *o = json_loads(line, 0, NULL);
		const char *to = json_string_value(json_object_get(o, "to"));
		const char *status = json_string_value(json_object_get(o, "status"));
		const char *text = json_string_value(json_object_get(o, "text"));
		struct proto_error err;
		if (to && status && text && strcmp(to, IT_BASE_NUMBER) == 0 &&
		    strcmp(status, "delivered") == 0)
			assert_int_equal(
				proto_open(text, strlen(text), key, PROTO_DIR_UNIT_TO_BASE, &out[n++], &err),
				0);
		json_decref(o);
	}
	fclose(f);
	return n;
}

/* In the delivered messages: the first alarm's index, and the index of a report made at the
 * same sample (within half a sample interval), -1 for none. */
static void alarm_and_its_report(const struct proto_msg *m, int n, int *alarm, int *report)
{
	*alarm = *report = -1;
	for (int i = 0; i < n && *alarm < 0; i++)
		if (m[i].head.kind == PROTO_KIND_ALARM)
			*alarm = i;
	for (int i = 0; *alarm >= 0 && i < n && *report < 0; i++) {
		int64_t d = m[i].head.time_ms - m[*alarm].head.time_ms;
		if (m[i].head.kind == PROTO_KIND_READINGS && d > -1000 && d < 1000)
			*report = i;
	}
}

/* A report every sample: the sample that crosses the limit has a report due with it. */
static void alarm_goes_before_the_report_due_with_it(void **state)
{
	struct it_sim sim;
	struct it_unit u;
	it_sim_start(&sim, *state, it_unit_net);
	it_unit_setup(&u, &sim, "sample_interval = \"2s\"; report_interval = \"2s\"; heartbeat = \"1h\";",
		      "4.0");
	it_unit_start(&u);
	assert_true(it_base_wait_delivered(&sim, 1)); /* the first report: the unit is going */
	it_unit_probe(&u, "9.5");
	static struct proto_msg m[64];
	int alarm = -1, report = -1, n = 0;
	for (int want = 2; report < 0 && want < 16; want++) {
		assert_true(it_base_wait_delivered(&sim, want));
		n = delivered(&sim, m, 64);
		alarm_and_its_report(m, n, &alarm, &report);
	}
	assert_true(alarm >= 0 && report >= 0);
	printf("  alarm seq=%u at #%d, the report of its sample seq=%u at #%d of %d\n", m[alarm].head.seq,
	       alarm, m[report].head.seq, report, n);
	assert_true(alarm < report);
	it_unit_stop(&u);
	it_sim_stop(&sim);
}

static void unconfirmed_alarm_is_resent_then_goes_to_the_fallback_phone(void **state)
{
	struct it_sim sim;
	struct it_unit u;
	struct it_base b;
	it_sim_start(&sim, *state, it_unit_net);
	it_unit_setup(&u, &sim,
		      "sample_interval = \"1s\"; report_interval = \"1h\"; heartbeat = \"1h\";\n"
		      "resend = \"1s\"; resend_max = \"4s\"; fallback_after = \"3s\";\n"
		      "fallback_numbers = [ \"" IT_DAVE "\" ];",
		      "4.0");
	it_base_open(&b, &sim);
	it_unit_start(&u);
	it_unit_probe(&u, "9.5");
	assert_true(it_base_wait_delivered(&sim, 3));
	it_base_read(&b);
	int at;
	const struct proto_msg *m = first_alarm(&b, &at);
	assert_non_null(m);
	/* Every copy is the same text: same seq, same time, same tag. */
	assert_true(it_base_count(&b, PROTO_KIND_ALARM, m->head.seq) >= 3);
	for (int i = 0; i < b.n; i++)
		if (b.msg[i].head.seq == m->head.seq)
			assert_string_equal(b.text[i], b.text[at]);
	char text[512];
	assert_true(it_phone_wait(&sim, IT_DAVE, 1, text, sizeof(text)));
	assert_non_null(strstr(text, "WH1 ALARM T1 9.5C above 8.0C since "));
	assert_non_null(strstr(text, "Base station not answering"));
	assert_null(strchr(text, '#'));
	assert_true(strlen(text) <= 160);
	assert_true(it_unit_wait(&u, (const char *const[]){"event=fallback", "kind=alarm", NULL}, 1));
	/* Once per alarm, also after a restart. */
	it_unit_stop(&u);
	it_unit_start(&u);
	it_unit_probe(&u, "4.0");
	assert_true(it_unit_wait(&u, (const char *const[]){"event=fallback", "kind=clear", NULL}, 1));
	assert_true(it_phone_wait(&sim, IT_DAVE, 2, text, sizeof(text)));
	assert_non_null(strstr(text, "WH1 CLEAR T1 4.0C"));
	assert_int_equal(it_unit_count(&u, (const char *const[]){"event=fallback", "kind=alarm", NULL}), 1);
	it_unit_stop(&u);
	it_sim_stop(&sim);
}

static void a_receipt_stops_the_resending(void **state)
{
	struct it_sim sim;
	struct it_unit u;
	struct it_base b;
	it_sim_start(&sim, *state, it_unit_net);
	it_unit_setup(&u, &sim,
		      "sample_interval = \"1s\"; report_interval = \"1h\"; heartbeat = \"1h\";\n"
		      "resend = \"2s\"; resend_max = \"2s\";",
		      "4.0");
	it_base_open(&b, &sim);
	it_unit_start(&u);
	it_unit_probe(&u, "9.5");
	assert_true(it_base_wait_delivered(&sim, 1));
	it_base_read(&b);
	int at;
	uint32_t alarm = first_alarm(&b, &at)->head.seq;
	assert_true(it_base_receipt(&b) >= alarm);
	assert_true(it_unit_wait(&u, (const char *const[]){"event=receipt", "confirmed=1", NULL}, 1));
	/* A copy may have been on its way when the receipt came; none leaves after it. */
	assert_true(it_drain(&sim, IT_TIMEOUT_MS));
	it_base_read(&b);
	int copies = it_base_count(&b, PROTO_KIND_ALARM, alarm);
	/* The clear, unconfirmed, is resent every 2 s: three copies span two resend periods,
	 * in which an alarm still in the outbox (older, so first in line) would have gone too. */
	it_unit_probe(&u, "4.0");
	int seen = it_base_delivered(&sim);
	while (it_base_count(&b, PROTO_KIND_CLEAR, 0) < 3) {
		assert_true(it_base_wait_delivered(&sim, ++seen));
		it_base_read(&b);
	}
	assert_int_equal(it_base_count(&b, PROTO_KIND_ALARM, alarm), copies);
	it_unit_stop(&u);
	it_sim_stop(&sim);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s M2MON\n", argv[0]);
		return 2;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_prestate(alarm_reaches_the_base, argv[1]),
		cmocka_unit_test_prestate(unconfirmed_alarm_is_resent_then_goes_to_the_fallback_phone,
					  argv[1]),
		cmocka_unit_test_prestate(a_receipt_stops_the_resending, argv[1]),
		cmocka_unit_test_prestate(alarm_goes_before_the_report_due_with_it, argv[1]),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
