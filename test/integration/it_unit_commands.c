/* Phone and base commands to the real `m2mon unit` through the simulator: a listed phone's
 * STATUS is answered, a SET is echoed in full to the phone and to the base and survives a
 * restart, an unlisted number gets nothing, three wrong PINs lock a phone out and tell the
 * admin, and a signed command from the base is applied and echoed with its id. */
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

static const char *const quiet = "sample_interval = \"1s\"; report_interval = \"1h\"; heartbeat = \"1h\";";

/* The echo the base read last, or NULL. */
static const struct proto_echo *last_echo(const struct it_base *b)
{
	for (int i = b->n - 1; i >= 0; i--)
		if (b->msg[i].head.kind == PROTO_KIND_ECHO)
			return &b->msg[i].u.echo;
	return NULL;
}

static void status_set_and_restart(void **state)
{
	struct it_sim sim;
	struct it_unit u;
	struct it_base *b = calloc(1, sizeof(*b));
	char text[512];
	it_sim_start(&sim, *state, it_unit_net);
	it_unit_setup(&u, &sim, quiet, "4.0");
	it_base_open(b, &sim);
	it_unit_start(&u);
	assert_true(it_unit_wait(&u, (const char *const[]){"event=modem_ready", NULL}, 1));
	it_phone_send(&sim, IT_CAROL, "1234 STATUS");
	assert_true(
		it_unit_wait(&u, (const char *const[]){"event=unknown_sender", "from=" IT_CAROL, NULL}, 1));
	it_phone_send(&sim, IT_ALICE, "1234 STATUS");
	assert_true(it_phone_wait(&sim, IT_ALICE, 1, text, sizeof(text)));
	assert_non_null(strstr(text, "WH1 T1 4.0C"));
	assert_non_null(strstr(text, "unconfirmed by base"));
	it_phone_send(&sim, IT_ALICE, "1234 SET T1 HIGH 9");
	assert_true(it_phone_wait(&sim, IT_ALICE, 2, text, sizeof(text)));
	assert_string_equal(text, "WH1 set T1 HIGH 9.0C LOW 2.0C HH off LL off DELAY 0s HYST 0.5C");
	assert_true(it_base_wait_delivered(&sim, 1));
	it_base_read(b);
	const struct proto_echo *e = last_echo(b);
	assert_non_null(e);
	assert_int_equal(e->cmd_id, 0);
	assert_int_equal(e->result, PROTO_RESULT_OK);
	assert_string_equal(e->by, IT_ALICE);
	assert_string_equal(e->text, "SET T1 HIGH 9");
	/* Persisted: after a restart, the next change shows the high limit kept. */
	it_unit_stop(&u);
	it_unit_start(&u);
	it_phone_send(&sim, IT_ALICE, "1234 SET T1 LOW 1");
	assert_true(it_phone_wait(&sim, IT_ALICE, 3, text, sizeof(text)));
	assert_string_equal(text, "WH1 set T1 HIGH 9.0C LOW 1.0C HH off LL off DELAY 0s HYST 0.5C");
	/* An operator may ask but not change. */
	it_phone_send(&sim, IT_BOB, "1234 SET T1 HIGH 7");
	assert_true(it_phone_wait(&sim, IT_BOB, 1, text, sizeof(text)));
	assert_string_equal(text, "WH1 SET needs an admin's phone");
	assert_int_equal(it_phone_count(&sim, IT_CAROL), 0);
	it_unit_stop(&u);
	free(b);
	it_sim_stop(&sim);
}

static void wrong_pins_lock_out_and_tell_the_admin(void **state)
{
	struct it_sim sim;
	struct it_unit u;
	char text[512];
	it_sim_start(&sim, *state, it_unit_net);
	it_unit_setup(&u, &sim, quiet, "4.0");
	it_unit_start(&u);
	it_phone_send(&sim, IT_BOB, "1111 STATUS");
	assert_true(it_phone_wait(&sim, IT_BOB, 1, text, sizeof(text)));
	assert_string_equal(text, "WH1 wrong PIN; 2 more wrong and this phone is locked out for 1 hour");
	it_phone_send(&sim, IT_BOB, "2222 STATUS");
	assert_true(it_phone_wait(&sim, IT_BOB, 2, text, sizeof(text)));
	it_phone_send(&sim, IT_BOB, "3333 STATUS");
	assert_true(it_phone_wait(&sim, IT_BOB, 3, text, sizeof(text)));
	assert_string_equal(text, "WH1 wrong PIN 3 times; this phone is locked out for 1 hour");
	assert_true(it_phone_wait(&sim, IT_ALICE, 1, text, sizeof(text)));
	assert_string_equal(text, "WH1: " IT_BOB " is locked out for 1 hour after 3 wrong PINs");
	assert_int_equal(it_unit_count(&u, (const char *const[]){"3333", NULL}), 0);
	/* Locked out, even the right PIN gets nothing, also after a restart. */
	it_unit_stop(&u);
	it_unit_start(&u);
	it_phone_send(&sim, IT_BOB, "1234 STATUS");
	assert_true(
		it_unit_wait(&u, (const char *const[]){"event=phone_ignored", "why=locked_out", NULL}, 1));
	it_phone_send(&sim, IT_ALICE, "1234 STATUS");
	assert_true(it_phone_wait(&sim, IT_ALICE, 2, text, sizeof(text)));
	assert_int_equal(it_phone_count(&sim, IT_BOB), 3);
	it_unit_stop(&u);
	it_sim_stop(&sim);
}

static void signed_command_from_the_base(void **state)
{
	struct it_sim sim;
	struct it_unit u;
	struct it_base *b = calloc(1, sizeof(*b));
	it_sim_start(&sim, *state, it_unit_net);
	it_unit_setup(&u, &sim, quiet, "4.0");
	it_base_open(b, &sim);
	it_unit_start(&u);
	it_base_command(b, 42, IT_ALICE, "SET T1 HIGH 12");
	assert_true(it_base_wait_delivered(&sim, 1));
	it_base_read(b);
	const struct proto_echo *e = last_echo(b);
	assert_non_null(e);
	assert_int_equal(e->cmd_id, 42);
	assert_int_equal(e->result, PROTO_RESULT_OK);
	assert_string_equal(e->text, "SET T1 HIGH 12");
	it_base_command(b, 43, IT_ALICE, "SET T1 LOW 15");
	assert_true(it_base_wait_delivered(&sim, 2));
	it_base_read(b);
	e = last_echo(b);
	assert_int_equal(e->cmd_id, 43);
	assert_int_equal(e->result, PROTO_RESULT_INVALID);
	it_base_command(b, 44, "", "READ");
	assert_true(it_base_wait_delivered(&sim, 3));
	it_base_read(b);
	const struct proto_msg *r = &b->msg[b->n - 1];
	assert_int_equal(r->head.kind, PROTO_KIND_REPLY);
	assert_int_equal(r->u.reply.cmd_id, 44);
	assert_int_equal(r->u.reply.n_values, 1);
	assert_true(r->u.reply.values[0].ok);
	assert_int_equal(r->u.reply.values[0].temp_c10, 40);
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
		cmocka_unit_test_prestate(status_set_and_restart, argv[1]),
		cmocka_unit_test_prestate(wrong_pins_lock_out_and_tell_the_admin, argv[1]),
		cmocka_unit_test_prestate(signed_command_from_the_base, argv[1]),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
