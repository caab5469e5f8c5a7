/* A power cut after the real `m2mon unit` acted on an inbound SMS and stored what it changed,
 * before the modem deleted the message (the unit kills itself there: M2MON_TEST_CRASH). After
 * the restart the message, offered again, is only deleted: a PIN change from a phone and a
 * signed command from the base get one reply and one echo, and a READ accepted before the
 * cut is answered once, for a phone and for the base. */
#include "it_unit_util.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

/* After the cut the modem boots again: the restart waits for it. */
#define RECOVER_MS 40000

static int setup(void **state)
{
	(void)state;
	return proto_init();
}

static const char *const quiet = "sample_interval = \"1h\"; report_interval = \"1h\"; heartbeat = \"1h\";";

static const char *const already[] = {"event=sms_already_handled", NULL};

/* The unit dies at the crash point; the modem loses power with it, as in a power cut (which
 * also ends an AT+CMGS the unit had begun); then the unit starts again. */
static void cut_and_restart(struct it_unit *u, const struct it_sim *sim)
{
	it_unit_crashed(u);
	assert_int_equal(it_cli(sim, "fault", (const char *const[]){"unit1", "reboot", NULL}, NULL, 0), 0);
	it_unit_start(u);
}

static int echoes(const struct it_base *b, uint32_t cmd_id, const char *text)
{
	int n = 0;
	for (int i = 0; i < b->n; i++)
		n += b->msg[i].head.kind == PROTO_KIND_ECHO && b->msg[i].u.echo.cmd_id == cmd_id &&
		     strcmp(b->msg[i].u.echo.text, text) == 0;
	return n;
}

static int replies(const struct it_base *b, uint32_t cmd_id)
{
	int n = 0;
	for (int i = 0; i < b->n; i++)
		n += b->msg[i].head.kind == PROTO_KIND_REPLY && b->msg[i].u.reply.cmd_id == cmd_id;
	return n;
}

/* Stops the unit, lets the network deliver what it holds and reads the base's messages; then
 * checks that nothing is left on the unit's modem: what was acted on was deleted. */
static void finish(struct it_unit *u, const struct it_sim *sim, struct it_base *b)
{
	/* Every message handed over was deleted, but the one handed over before each cut. */
	int received = it_unit_count(u, (const char *const[]){"event=sms_received", NULL});
	assert_true(it_unit_wait(u, (const char *const[]){"event=sms_deleted", NULL}, received - u->crashes));
	it_unit_stop(u);
	assert_true(it_drain(sim, IT_TIMEOUT_MS));
	while (it_base_read(b) > 0)
		continue;
	char path[400];
	int fd = it_at_open(it_tty(sim, "unit1", path, sizeof(path)));
	assert_true(fd >= 0);
	assert_true(it_at_cmd(fd, "ATE0;+CMGF=0", NULL, 0));
	struct it_sms left[4];
	assert_int_equal(it_at_list(fd, left, 4), 0);
	close(fd);
}

static void a_pin_change_is_acted_on_once(void **state)
{
	struct it_sim sim;
	struct it_unit u;
	struct it_base *b = calloc(1, sizeof(*b));
	char text[512];
	it_sim_start(&sim, *state, it_unit_net);
	it_unit_setup(&u, &sim, quiet, "4.0");
	it_base_open(b, &sim);
	u.crash = "rx-handled";
	it_unit_start(&u);
	assert_true(it_unit_wait(&u, (const char *const[]){"event=modem_ready", NULL}, 1));
	it_phone_send(&sim, IT_ALICE, "1234 PIN 1234 5678");
	cut_and_restart(&u, &sim);
	assert_true(it_unit_wait_ms(&u, already, 1, RECOVER_MS));
	assert_true(it_phone_wait(&sim, IT_ALICE, 1, text, sizeof(text)));
	assert_string_equal(text, "WH1 PIN changed; start messages with the new PIN");
	/* The new PIN works, and no wrong PIN was counted against alice. */
	it_phone_send(&sim, IT_ALICE, "5678 STATUS");
	assert_true(it_phone_wait(&sim, IT_ALICE, 2, text, sizeof(text)));
	assert_non_null(strstr(text, "WH1 T1 4.0C"));
	assert_true(it_base_wait_delivered(&sim, 1));
	finish(&u, &sim, b);
	assert_int_equal(it_phone_count(&sim, IT_ALICE), 2);
	assert_int_equal(echoes(b, 0, "PIN CHANGED"), 1);
	assert_int_equal(it_unit_count(&u, (const char *const[]){"pin=wrong", NULL}), 0);
	free(b);
	it_sim_stop(&sim);
}

static void a_base_command_is_acted_on_once(void **state)
{
	struct it_sim sim;
	struct it_unit u;
	struct it_base *b = calloc(1, sizeof(*b));
	it_sim_start(&sim, *state, it_unit_net);
	it_unit_setup(&u, &sim, quiet, "4.0");
	it_base_open(b, &sim);
	u.crash = "rx-handled";
	it_unit_start(&u);
	assert_true(it_unit_wait(&u, (const char *const[]){"event=modem_ready", NULL}, 1));
	it_base_command(b, 42, IT_ALICE, "SET T1 HIGH 12");
	cut_and_restart(&u, &sim);
	/* The replay window, stored with the change, would refuse the copy as well. */
	assert_true(it_unit_wait_ms(&u, (const char *const[]){"event=sms_deleted", NULL}, 1, RECOVER_MS));
	assert_true(it_base_wait_delivered(&sim, 1));
	it_base_read(b);
	assert_int_equal(echoes(b, 42, "SET T1 HIGH 12"), 1);
	/* Applied: a change relative to it shows it kept. */
	it_base_command(b, 43, IT_ALICE, "SET T1 LOW 11");
	assert_true(it_base_wait_delivered(&sim, 2));
	finish(&u, &sim, b);
	assert_int_equal(echoes(b, 42, "SET T1 HIGH 12"), 1);
	assert_int_equal(echoes(b, 43, "SET T1 LOW 11"), 1);
	assert_int_equal(it_unit_count(&u, (const char *const[]){"event=setting_changed", NULL}), 2);
	free(b);
	it_sim_stop(&sim);
}

static void a_read_is_answered_after_the_cut(void **state)
{
	struct it_sim sim;
	struct it_unit u;
	struct it_base *b = calloc(1, sizeof(*b));
	char text[512];
	it_sim_start(&sim, *state, it_unit_net);
	it_unit_setup(&u, &sim, quiet, "4.0");
	it_base_open(b, &sim);
	u.crash = "rx-handled";
	it_unit_start(&u);
	assert_true(it_unit_wait(&u, (const char *const[]){"event=modem_ready", NULL}, 1));
	it_phone_send(&sim, IT_ALICE, "1234 READ");
	cut_and_restart(&u, &sim);
	assert_true(it_unit_wait_ms(&u, (const char *const[]){"event=modem_ready", NULL}, 2, RECOVER_MS));
	assert_true(it_phone_wait(&sim, IT_ALICE, 1, text, sizeof(text)));
	assert_string_equal(text, "WH1 now T1 4.0C");
	assert_int_equal(it_unit_count(&u, (const char *const[]){"event=reads_owed count=1", NULL}), 1);
	assert_true(it_unit_wait_ms(&u, already, 1, RECOVER_MS));
	/* The base's READ, the same way. */
	it_unit_stop(&u);
	u.crash = "rx-handled";
	it_unit_start(&u);
	it_base_command(b, 44, "", "READ T1");
	cut_and_restart(&u, &sim);
	assert_true(it_unit_wait_ms(&u, already, 2, RECOVER_MS));
	assert_true(it_base_wait_delivered(&sim, 1));
	assert_int_equal(it_unit_count(&u, (const char *const[]){"event=reads_owed count=1", NULL}), 2);
	finish(&u, &sim, b);
	assert_int_equal(replies(b, 44), 1);
	const struct proto_msg *r = &b->msg[b->n - 1];
	assert_int_equal(r->head.kind, PROTO_KIND_REPLY);
	assert_int_equal(r->u.reply.n_values, 1);
	assert_int_equal(r->u.reply.values[0].temp_c10, 40);
	assert_int_equal(it_phone_count(&sim, IT_ALICE), 1);
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
		cmocka_unit_test_prestate(a_pin_change_is_acted_on_once, argv[1]),
		cmocka_unit_test_prestate(a_base_command_is_acted_on_once, argv[1]),
		cmocka_unit_test_prestate(a_read_is_answered_after_the_cut, argv[1]),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
