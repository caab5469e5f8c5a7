/* A simulated handset's inbox: concatenated parts arriving in any order, repeated or mixed
 * with other senders' messages, become whole texts with their part count, as a phone shows
 * them; incomplete messages do not pile up without bound. */
#include "sim_phone.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

static struct sim_part part(const char *text, uint16_t ref, uint8_t total, uint8_t seq)
{
	struct sim_part p = {.coding = SIM_CODING_GSM7, .concat = {ref, total, seq}};
	snprintf(p.text, sizeof(p.text), "%s", text);
	return p;
}

static void parts_in_any_order_make_one_text(void **state)
{
	(void)state;
	struct sim_phone *ph = sim_phone_new("alice", "+15550003001");
	struct sim_part c = part("C", 9, 3, 3), a = part("A", 9, 3, 1), b = part("B", 9, 3, 2);
	assert_int_equal(sim_phone_receive(ph, "+1555", &c, 1), 0);
	assert_int_equal(sim_phone_receive(ph, "+1555", &a, 2), 0);
	assert_int_equal(sim_phone_receive(ph, "+1555", &a, 3), 0); /* a repeat changes nothing */
	size_t n;
	sim_phone_inbox(ph, &n);
	assert_int_equal(n, 0);
	assert_int_equal(sim_phone_receive(ph, "+1555", &b, 4), 1);
	const struct sim_inbox_msg *in = sim_phone_inbox(ph, &n);
	assert_int_equal(n, 1);
	assert_string_equal(in[0].text, "ABC");
	assert_int_equal(in[0].parts, 3);
	assert_int_equal(in[0].time_ms, 4);
	assert_string_equal(in[0].from, "+1555");
	sim_phone_free(ph);
}

/* The network's --duplicate fault repeats a part after its message is complete; the repeat
 * must not wait for, and then join, the next message that reuses the reference. */
static void repeat_of_a_finished_message_does_not_spoil_the_next(void **state)
{
	(void)state;
	struct sim_phone *ph = sim_phone_new("alice", "+15550003001");
	struct sim_part a1 = part("A1", 7, 2, 1), a2 = part("A2", 7, 2, 2);
	struct sim_part b1 = part("B1", 7, 2, 1), b2 = part("B2", 7, 2, 2);
	assert_int_equal(sim_phone_receive(ph, "+1555", &a1, 1), 0);
	assert_int_equal(sim_phone_receive(ph, "+1555", &a2, 2), 1);
	assert_int_equal(sim_phone_receive(ph, "+1555", &a2, 3), 0); /* the repeat */
	assert_int_equal(sim_phone_receive(ph, "+1555", &b1, 4), 0);
	assert_int_equal(sim_phone_receive(ph, "+1555", &b2, 5), 1);
	size_t n;
	const struct sim_inbox_msg *in = sim_phone_inbox(ph, &n);
	assert_int_equal(n, 2);
	assert_string_equal(in[0].text, "A1A2");
	assert_string_equal(in[1].text, "B1B2");
	assert_int_equal(sim_phone_receive(ph, "+1555", &a1, 6), 0); /* late repeats of both */
	assert_int_equal(sim_phone_receive(ph, "+1555", &b2, 7), 0);
	struct sim_part c1 = part("C1", 7, 2, 1), c2 = part("C2", 7, 2, 2);
	assert_int_equal(sim_phone_receive(ph, "+1555", &c2, 8), 0);
	assert_int_equal(sim_phone_receive(ph, "+1555", &c1, 9), 1);
	in = sim_phone_inbox(ph, &n);
	assert_int_equal(n, 3);
	assert_string_equal(in[2].text, "C1C2");
	sim_phone_free(ph);
}

static void same_reference_from_two_senders_stays_apart(void **state)
{
	(void)state;
	struct sim_phone *ph = sim_phone_new("alice", "+15550003001");
	struct sim_part x1 = part("x1", 5, 2, 1), x2 = part("x2", 5, 2, 2);
	struct sim_part y1 = part("y1", 5, 2, 1), y2 = part("y2", 5, 2, 2);
	struct sim_part single = part("hello", 0, 0, 0);
	sim_phone_receive(ph, "+1111", &x1, 1);
	sim_phone_receive(ph, "+2222", &y2, 2);
	assert_int_equal(sim_phone_receive(ph, "+3333", &single, 3), 1);
	assert_int_equal(sim_phone_receive(ph, "+2222", &y1, 4), 1);
	assert_int_equal(sim_phone_receive(ph, "+1111", &x2, 5), 1);
	size_t n;
	const struct sim_inbox_msg *in = sim_phone_inbox(ph, &n);
	assert_int_equal(n, 3);
	assert_string_equal(in[0].text, "hello");
	assert_int_equal(in[0].parts, 1);
	assert_string_equal(in[1].text, "y1y2");
	assert_string_equal(in[2].text, "x1x2");
	sim_phone_free(ph);
}

static void incomplete_messages_are_bounded(void **state)
{
	(void)state;
	struct sim_phone *ph = sim_phone_new("alice", "+15550003001");
	for (int ref = 0; ref < 40; ref++) {
		struct sim_part p = part("half", (uint16_t)ref, 2, 1);
		assert_int_equal(sim_phone_receive(ph, "+1555", &p, (uint64_t)ref), 0);
	}
	struct sim_part oldest = part("rest", 0, 2, 2), newest = part("rest", 39, 2, 2);
	assert_int_equal(sim_phone_receive(ph, "+1555", &newest, 50), 1);
	assert_int_equal(sim_phone_receive(ph, "+1555", &oldest, 51), 0); /* ref 0 was dropped */
	size_t n;
	const struct sim_inbox_msg *in = sim_phone_inbox(ph, &n);
	assert_int_equal(n, 1);
	assert_string_equal(in[0].text, "halfrest");
	sim_phone_free(ph);
}

static void a_ucs2_part_makes_the_text_ucs2(void **state)
{
	(void)state;
	struct sim_phone *ph = sim_phone_new("alice", "+15550003001");
	struct sim_part a = part("Ala", 1, 2, 1), b = part("rm ☃", 1, 2, 2);
	b.coding = SIM_CODING_UCS2;
	sim_phone_receive(ph, "+1555", &a, 1);
	sim_phone_receive(ph, "+1555", &b, 2);
	size_t n;
	const struct sim_inbox_msg *in = sim_phone_inbox(ph, &n);
	assert_int_equal(in[0].coding, SIM_CODING_UCS2);
	assert_string_equal(in[0].text, "Alarm ☃");
	assert_string_equal(sim_phone_number(ph), "+15550003001");
	assert_string_equal(sim_phone_name(ph), "alice");
	sim_phone_free(ph);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parts_in_any_order_make_one_text),
		cmocka_unit_test(repeat_of_a_finished_message_does_not_spoil_the_next),
		cmocka_unit_test(same_reference_from_two_senders_stays_apart),
		cmocka_unit_test(incomplete_messages_are_bounded),
		cmocka_unit_test(a_ucs2_part_makes_the_text_ucs2),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
