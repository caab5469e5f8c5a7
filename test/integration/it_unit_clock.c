/* The real `m2mon unit`'s time and power against the simulator: on a module that takes the
 * network's time (ec2x, AT+CTZU=1) a unit whose board clock is two hours behind the network
 * sends the network's time, whatever a receipt says; on one that does not (generic) it takes
 * the time of the base's receipts; a battery read with AT+CBC that falls below `battery_low`
 * raises a battery-low event to the base, and its recovery a battery-ok. */
#include "it_unit_util.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#define HOUR_MS 3600000LL
/* A clock learnt is kept while later estimates stay within a minute (UNIT_CLOCK_SLACK_MS). */
#define SLACK_MS 60000LL

static int setup(void **state)
{
	(void)state;
	return proto_init();
}

static const char *const quiet = "sample_interval = \"1h\"; report_interval = \"1h\"; heartbeat = \"1h\";";

static int64_t wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The network of it_unit_net with the unit's modem of `model`. */
static void start_net(struct it_sim *sim, const char *m2mon, const char *model)
{
	char unit1[64];
	snprintf(unit1, sizeof(unit1), "unit1=" IT_UNIT_NUMBER ":%s", model);
	const char *args[32];
	size_t n = 0;
	for (size_t i = 0; it_unit_net[i]; i++)
		args[n++] = strncmp(it_unit_net[i], "unit1=", 6) == 0 ? unit1 : it_unit_net[i];
	args[n] = NULL;
	it_sim_start(sim, m2mon, args);
}

/* The base asks for a READ and checks that the unit's reply carries its time: the test's
 * clock at that moment plus `ahead_ms`. */
static void reply_time_is(struct it_base *b, const struct it_sim *sim, uint32_t cmd_id, int64_t ahead_ms)
{
	int delivered = it_base_delivered(sim);
	int64_t before = wall_ms();
	it_base_command(b, cmd_id, "", "READ");
	assert_true(it_base_wait_delivered(sim, delivered + 1));
	int64_t after = wall_ms();
	it_base_read(b);
	const struct proto_msg *r = &b->msg[b->n - 1];
	assert_int_equal(r->head.kind, PROTO_KIND_REPLY);
	assert_int_equal(r->u.reply.cmd_id, cmd_id);
	print_message("reply time - wall clock: %lld ms, expected %lld\n",
		      (long long)(r->head.time_ms - before), (long long)ahead_ms);
	assert_true(r->head.time_ms >= before + ahead_ms - SLACK_MS);
	assert_true(r->head.time_ms <= after + ahead_ms + SLACK_MS);
}

static void the_network_time_corrects_the_board(void **state)
{
	struct it_sim sim;
	struct it_unit u;
	struct it_base *b = calloc(1, sizeof(*b));
	start_net(&sim, *state, "ec2x");
	/* The network is two hours ahead of the board, in UTC+2: the unit must still send UTC. */
	assert_int_equal(
		it_cli(&sim, "clock", (const char *const[]){"unit1", "+7200", "+02:00", NULL}, NULL, 0), 0);
	it_unit_setup_with(&u, &sim, quiet, "4.0", "ec2x", "source = \"none\";");
	it_base_open(b, &sim);
	it_unit_start(&u);
	assert_true(it_unit_wait(&u, (const char *const[]){"event=clock_set", "source=network", NULL}, 1));
	reply_time_is(b, &sim, 1, 2 * HOUR_MS);
	/* A base whose clock is another hour off does not move it: the network's time wins. */
	b->skew_ms = 3 * HOUR_MS;
	it_base_receipt(b);
	assert_true(it_unit_wait(&u, (const char *const[]){"event=receipt", NULL}, 1));
	reply_time_is(b, &sim, 2, 2 * HOUR_MS);
	assert_int_equal(it_unit_count(&u, (const char *const[]){"event=clock_set", "source=base", NULL}), 0);
	/* Kept across a restart. */
	it_unit_stop(&u);
	it_unit_start(&u);
	assert_int_equal(
		it_unit_count(&u, (const char *const[]){"event=clock offset_ms=", "source=network", NULL}),
		1);
	it_unit_stop(&u);
	free(b);
	it_sim_stop(&sim);
}

static void without_network_time_the_base_sets_it(void **state)
{
	struct it_sim sim;
	struct it_unit u;
	struct it_base *b = calloc(1, sizeof(*b));
	start_net(&sim, *state, "generic");
	/* The cell sends a time, but a module without the switch never takes it. */
	assert_int_equal(it_cli(&sim, "clock", (const char *const[]){"unit1", "+7200", NULL}, NULL, 0), 0);
	it_unit_setup(&u, &sim, quiet, "4.0");
	it_base_open(b, &sim);
	it_unit_start(&u);
	assert_true(it_unit_wait(&u, (const char *const[]){"event=modem_ready", NULL}, 1));
	reply_time_is(b, &sim, 1, 0);
	b->skew_ms = 3 * HOUR_MS;
	it_base_receipt(b);
	assert_true(it_unit_wait(&u, (const char *const[]){"event=clock_set", "source=base", NULL}, 1));
	reply_time_is(b, &sim, 2, 3 * HOUR_MS);
	assert_int_equal(it_unit_count(&u, (const char *const[]){"source=network", NULL}), 0);
	it_unit_stop(&u);
	free(b);
	it_sim_stop(&sim);
}

static const struct proto_power *last_power(const struct it_base *b)
{
	for (int i = b->n - 1; i >= 0; i--)
		if (b->msg[i].head.kind == PROTO_KIND_POWER)
			return &b->msg[i].u.power;
	return NULL;
}

static void a_low_battery_is_told_to_the_base(void **state)
{
	struct it_sim sim;
	struct it_unit u;
	struct it_base *b = calloc(1, sizeof(*b));
	start_net(&sim, *state, "sim800");
	it_unit_setup_with(&u, &sim,
			   "sample_interval = \"1s\"; report_interval = \"1h\"; heartbeat = \"1h\";", "4.0",
			   "sim800", "source = \"modem\"; battery_low = 25;");
	it_base_open(b, &sim);
	it_unit_start(&u);
	assert_true(it_unit_wait(&u, (const char *const[]){"event=power", "source=modem", NULL}, 1));
	assert_true(it_unit_wait(&u, (const char *const[]){"event=modem_ready", NULL}, 1));
	assert_int_equal(it_cli(&sim, "battery", (const char *const[]){"unit1", "22", "3600", NULL}, NULL, 0),
			 0);
	assert_true(it_base_wait_delivered(&sim, 1));
	it_base_read(b);
	const struct proto_power *p = last_power(b);
	assert_non_null(p);
	assert_int_equal(p->event, PROTO_POWER_BATTERY_LOW);
	assert_int_equal(p->battery_pct, 22);
	assert_int_equal(p->battery_mv, 3600);
	/* Fine again at 5 points above the limit. */
	assert_int_equal(it_cli(&sim, "battery", (const char *const[]){"unit1", "30", NULL}, NULL, 0), 0);
	assert_true(it_base_wait_delivered(&sim, 2));
	it_base_read(b);
	p = last_power(b);
	assert_int_equal(p->event, PROTO_POWER_BATTERY_OK);
	assert_int_equal(p->battery_pct, 30);
	assert_int_equal(it_base_count(b, PROTO_KIND_POWER, 0), 2);
	it_unit_stop(&u);
	free(b);
	it_sim_stop(&sim);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s M2MON\n", argv[0]);
		return 2;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_prestate(the_network_time_corrects_the_board, argv[1]),
		cmocka_unit_test_prestate(without_network_time_the_base_sets_it, argv[1]),
		cmocka_unit_test_prestate(a_low_battery_is_told_to_the_base, argv[1]),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
