/* The real `m2mon unit` against the simulator, the test playing the base on the base modem:
 * a file: probe crosses its limit and the base receives a valid alarm; unconfirmed, the alarm
 * is resent with the same text and seq and then reaches the fallback phone as plain text; a
 * receipt stops the resending. */
#include "it_unit_util.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

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
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
