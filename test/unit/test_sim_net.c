/* The SMSC of the simulated network with fake modems and a fake clock: SMS reach the right
 * modem or phone after the latency, long texts arrive whole, status reports tell delivered or
 * unknown number, refused deliveries are retried, and every fault does what it says, the
 * same way for the same --seed. */
#include "sim_net.h"
#include "test_sim_util.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define EPOCH_MS 1795594298000ull /* 2026-11-25 08:11:38 UTC */
#define MAX_SEEN 64

struct fake_modem {
	uint8_t tpdu[MAX_SEEN][SIM_TPDU_MAX];
	size_t len[MAX_SEEN];
	bool is_report[MAX_SEEN];
	uint64_t at_ms[MAX_SEEN];
	int n;
	int refuse;    /* refuse this many attempts */
	int refuse_rc; /* with this errno */
};

struct fixture {
	struct sim_settings s;
	struct sim_net *net;
	struct fake_modem modem[2];
	struct sim_net_record rec[MAX_SEEN];
	struct sim_part rec_part[MAX_SEEN];
	char rec_from[MAX_SEEN][SIM_NUMBER_MAX], rec_to[MAX_SEEN][SIM_NUMBER_MAX];
	int n_rec;
	int phone_events;
};

static int take(struct fake_modem *m, const uint8_t *tpdu, size_t len, bool report, uint64_t now)
{
	if (m->refuse > 0) {
		m->refuse--;
		return m->refuse_rc;
	}
	assert_true(m->n < MAX_SEEN);
	memcpy(m->tpdu[m->n], tpdu, len);
	m->len[m->n] = len;
	m->is_report[m->n] = report;
	m->at_ms[m->n] = now;
	m->n++;
	return 0;
}

static int hook_deliver(void *user, int modem, const uint8_t *tpdu, size_t len, uint64_t now)
{
	return take(&((struct fixture *)user)->modem[modem], tpdu, len, false, now);
}

static int hook_report(void *user, int modem, const uint8_t *tpdu, size_t len, uint64_t now)
{
	return take(&((struct fixture *)user)->modem[modem], tpdu, len, true, now);
}

static void hook_record(void *user, const struct sim_net_record *rec)
{
	struct fixture *f = user;
	assert_true(f->n_rec < MAX_SEEN);
	f->rec[f->n_rec] = *rec;
	f->rec_part[f->n_rec] = *rec->part;
	f->rec[f->n_rec].part = &f->rec_part[f->n_rec];
	strcpy(f->rec_from[f->n_rec], rec->from);
	strcpy(f->rec_to[f->n_rec], rec->to);
	f->rec[f->n_rec].from = f->rec_from[f->n_rec];
	f->rec[f->n_rec].to = f->rec_to[f->n_rec];
	f->n_rec++;
}

static void hook_phone(void *user, const struct sim_phone *phone)
{
	(void)phone;
	((struct fixture *)user)->phone_events++;
}

static const struct sim_net_hooks hooks = {hook_deliver, hook_report, hook_record, hook_phone};

static void settings(struct sim_settings *s)
{
	memset(s, 0, sizeof(*s));
	s->latency_ms = 200;
	s->seed = 1;
	s->n_modems = 2;
	strcpy(s->modems[0].name, "base");
	strcpy(s->modems[0].number, "+15550001000");
	strcpy(s->modems[1].name, "unit1");
	strcpy(s->modems[1].number, "+15550002001");
	s->n_phones = 1;
	strcpy(s->phones[0].name, "alice");
	strcpy(s->phones[0].number, "+15550003001");
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	settings(&f->s);
	*state = f;
	return 0;
}

static void start(struct fixture *f)
{
	f->net = sim_net_new(&f->s, EPOCH_MS, 1000, &hooks, f);
	assert_non_null(f->net);
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	sim_net_free(f->net);
	free(f);
	return 0;
}

/* Runs the network until `until_ms` the way the loop does: tick at each deadline. */
static void run_until(struct fixture *f, uint64_t until_ms)
{
	uint64_t t;
	while ((t = sim_net_next_deadline(f->net)) <= until_ms)
		sim_net_tick(f->net, t);
}

static void submit(struct fixture *f, int modem, const char *text, const char *to, bool report, uint64_t now)
{
	uint8_t tpdu[SIM_MAX_PARTS][SIM_TPDU_MAX];
	size_t lens[SIM_MAX_PARTS];
	int n = tsim_submits(text, to, report, 5, tpdu, lens);
	assert_true(n > 0);
	for (int i = 0; i < n; i++)
		assert_int_equal(sim_net_modem_submit(f->net, modem, tpdu[i], lens[i], now), 0);
}

static void modem_to_modem_after_latency(void **state)
{
	struct fixture *f = *state;
	start(f);
	submit(f, 1, "T1=4.5", "+15550001000", false, 1000);
	sim_net_tick(f->net, 1199);
	assert_int_equal(f->modem[0].n, 0);
	assert_int_equal(sim_net_next_deadline(f->net), 1200);
	sim_net_tick(f->net, 1200);
	assert_int_equal(f->modem[0].n, 1);
	struct tsim_deliver d;
	tsim_read_deliver(f->modem[0].tpdu[0], f->modem[0].len[0], &d);
	assert_string_equal(d.from, "+15550002001");
	assert_string_equal(d.text, "T1=4.5");
	assert_int_equal(d.year, 2026);
	assert_int_equal(f->n_rec, 1);
	assert_int_equal(f->rec[0].status, SIM_NET_DELIVERED);
	assert_string_equal(f->rec[0].to, "+15550001000");
	assert_int_equal(f->rec[0].faults, 0);
	assert_int_equal(sim_net_pending(f->net), 0);
}

static void long_text_reaches_a_phone_whole(void **state)
{
	struct fixture *f = *state;
	start(f);
	char text[401];
	for (int i = 0; i < 400; i++)
		text[i] = (char)('a' + i % 26);
	text[400] = '\0';
	submit(f, 0, text, "+15550003001", false, 0);
	run_until(f, 10000);
	size_t n;
	const struct sim_inbox_msg *in = sim_phone_inbox(sim_net_phone(f->net, "+15550003001"), &n);
	assert_int_equal(n, 1);
	assert_int_equal(in[0].parts, 3);
	assert_string_equal(in[0].text, text);
	assert_string_equal(in[0].from, "+15550001000");
	assert_int_equal(f->phone_events, 1);
	assert_int_equal(f->n_rec, 3);
}

static void phone_long_text_reaches_a_modem_in_parts(void **state)
{
	struct fixture *f = *state;
	start(f);
	char text[301];
	memset(text, 'x', 300);
	text[300] = '\0';
	assert_int_equal(sim_net_phone_send(f->net, "+15550003001", "+15550001000", text, false, 0), 2);
	run_until(f, 10000);
	assert_int_equal(f->modem[0].n, 2);
	struct tsim_deliver a, b;
	tsim_read_deliver(f->modem[0].tpdu[0], f->modem[0].len[0], &a);
	tsim_read_deliver(f->modem[0].tpdu[1], f->modem[0].len[1], &b);
	assert_string_equal(a.from, "+15550003001");
	assert_int_equal(a.parts, 2);
	assert_int_equal(a.part + b.part, 3);
	assert_int_equal(strlen(a.text) + strlen(b.text), 300);
	assert_int_equal(sim_net_phone_send(f->net, "+15550003001", "+15550001000", "ACK ☃", false, 0), 1);
	run_until(f, 20000);
	tsim_read_deliver(f->modem[0].tpdu[2], f->modem[0].len[2], &a);
	assert_string_equal(a.text, "ACK ☃");
}

static void status_reports_tell_delivered_and_unknown(void **state)
{
	struct fixture *f = *state;
	start(f);
	submit(f, 0, "hello", "+15550003001", true, 0);
	submit(f, 0, "anyone?", "+15559999999", true, 0);
	run_until(f, 10000);
	assert_int_equal(f->modem[0].n, 2);
	struct tsim_report r[2];
	for (int i = 0; i < 2; i++) {
		assert_true(f->modem[0].is_report[i]);
		assert_int_equal(f->modem[0].at_ms[i], 400); /* one latency there, one back */
		tsim_read_report(f->modem[0].tpdu[i], f->modem[0].len[i], &r[i]);
	}
	struct tsim_report *ok = r[0].status == 0 ? &r[0] : &r[1];
	struct tsim_report *bad = r[0].status == 0 ? &r[1] : &r[0];
	assert_string_equal(ok->to, "+15550003001");
	assert_int_equal(ok->mr, 5);
	assert_string_equal(bad->to, "+15559999999");
	assert_int_equal(bad->status, SIM_TP_STATUS_INCOMPATIBLE);
	int unknown = 0, reports = 0;
	for (int i = 0; i < f->n_rec; i++) {
		unknown += f->rec[i].status == SIM_NET_UNKNOWN_NUMBER;
		if (f->rec[i].is_report) {
			reports++;
			assert_int_equal(f->rec[i].mr, 5);
			assert_string_equal(f->rec[i].to, "+15550001000");
			assert_true(f->rec[i].tp_status == SIM_TP_STATUS_DELIVERED ||
				    f->rec[i].tp_status == SIM_TP_STATUS_INCOMPATIBLE);
		}
	}
	assert_int_equal(unknown, 1);
	assert_int_equal(reports, 2);
}

static void full_storage_is_retried_until_delivered(void **state)
{
	struct fixture *f = *state;
	start(f);
	f->modem[1].refuse = 2;
	f->modem[1].refuse_rc = -ENOSPC;
	submit(f, 0, "SET HI 8", "+15550002001", false, 0);
	run_until(f, 1199);
	assert_int_equal(f->modem[1].n, 0);
	assert_int_equal(sim_net_pending(f->net), 1);
	run_until(f, 5000);
	assert_int_equal(f->modem[1].n, 1);
	assert_int_equal(f->modem[1].at_ms[0], 2200);
	assert_int_equal(f->rec[0].attempts, 3);
	assert_true(f->rec[0].faults & SIM_NET_F_STORAGE_FULL);
	f->modem[1].refuse = 1;
	f->modem[1].refuse_rc = -ENETDOWN;
	submit(f, 0, "again", "+15550002001", false, 6000);
	run_until(f, 10000);
	assert_int_equal(f->modem[1].n, 2);
	assert_true(f->rec[1].faults & SIM_NET_F_NO_NETWORK);
}

/* What waits in the SMSC is counted for the modem it waits for: the SMS for its receiver,
 * then the status report for its sender; a phone's SMS for no modem. */
static void pending_is_counted_per_modem(void **state)
{
	struct fixture *f = *state;
	start(f);
	f->modem[1].refuse = 3;
	f->modem[1].refuse_rc = -ENETDOWN;
	submit(f, 0, "are you there", "+15550002001", true, 0);
	assert_int_equal(sim_net_phone_send(f->net, "+15550003001", "+15550003009", "lost", false, 0), 1);
	assert_int_equal(sim_net_pending(f->net), 2);
	assert_int_equal(sim_net_pending_for(f->net, 1), 1);
	assert_int_equal(sim_net_pending_for(f->net, 0), 0);
	run_until(f, 1300); /* refused at 200 and 1200 */
	assert_int_equal(sim_net_pending_for(f->net, 1), 1);
	assert_int_equal(sim_net_pending(f->net), 1);
	run_until(f, 3250); /* taken at 3200: its report is on its way back */
	assert_int_equal(f->modem[1].n, 1);
	assert_int_equal(sim_net_pending_for(f->net, 1), 0);
	assert_int_equal(sim_net_pending_for(f->net, 0), 1);
	run_until(f, 4000);
	assert_int_equal(sim_net_pending(f->net), 0);
	assert_int_equal(sim_net_pending_for(f->net, 0), 0);
}

/* A modem that rejects a routed message while its line is reserved (vmodem -EBUSY) gets it
 * again later; it is no injected fault, so the record names none. */
static void busy_modem_gets_the_sms_on_a_retry(void **state)
{
	struct fixture *f = *state;
	start(f);
	f->modem[1].refuse = 1;
	f->modem[1].refuse_rc = -EBUSY;
	submit(f, 0, "SET HI 8", "+15550002001", false, 0);
	run_until(f, 5000);
	assert_int_equal(f->modem[1].n, 1);
	assert_int_equal(f->rec[0].attempts, 2);
	assert_int_equal(f->rec[0].faults, 0);
	assert_int_equal(sim_net_pending(f->net), 0);
}

static void drop_next_loses_exactly_n(void **state)
{
	struct fixture *f = *state;
	start(f);
	sim_net_drop_next(f->net, 1, 2);
	submit(f, 1, "one", "+15550001000", false, 0);
	submit(f, 1, "two", "+15550001000", false, 0);
	submit(f, 1, "three", "+15550001000", false, 0);
	run_until(f, 10000);
	assert_int_equal(f->modem[0].n, 1);
	struct tsim_deliver d;
	tsim_read_deliver(f->modem[0].tpdu[0], f->modem[0].len[0], &d);
	assert_string_equal(d.text, "three");
	assert_int_equal(f->rec[0].status, SIM_NET_LOST);
	assert_true(f->rec[0].faults & SIM_NET_F_DROP_NEXT);
}

/* A modem's own loss: about that share of what it sends is lost, the other modem's SMS pass;
 * 0 ends it. */
static void a_modems_loss_takes_its_share_of_its_sms_only(void **state)
{
	struct fixture *f = *state;
	start(f);
	sim_net_loss(f->net, 1, 50);
	for (int i = 0; i < 10; i++) {
		submit(f, 1, "from one", "+15550001000", false, 0);
		submit(f, 0, "from zero", "+15550002001", false, 0);
	}
	run_until(f, 60000);
	assert_int_equal(f->modem[1].n, 10);
	assert_true(f->modem[0].n >= 1 && f->modem[0].n <= 9);
	int before = f->modem[0].n;
	sim_net_loss(f->net, 1, 0);
	for (int i = 0; i < 5; i++)
		submit(f, 1, "again", "+15550001000", false, 0);
	run_until(f, 120000);
	assert_int_equal(f->modem[0].n, before + 5);
}

static void delay_adds_latency_for_that_modem_only(void **state)
{
	struct fixture *f = *state;
	start(f);
	sim_net_delay(f->net, 1, 5000);
	submit(f, 1, "late", "+15550001000", false, 0);
	submit(f, 0, "prompt", "+15550002001", false, 0);
	run_until(f, 60000);
	assert_int_equal(f->modem[1].at_ms[0], 200);
	assert_int_equal(f->modem[0].at_ms[0], 5200);
}

static void loss_and_duplicate_probabilities(void **state)
{
	struct fixture *f = *state;
	f->s.loss = 1.0;
	start(f);
	submit(f, 0, "gone", "+15550002001", false, 0);
	run_until(f, 10000);
	assert_int_equal(f->modem[1].n, 0);
	assert_true(f->rec[0].faults & SIM_NET_F_LOSS);
	sim_net_free(f->net);
	f->s.loss = 0;
	f->s.duplicate = 1.0;
	f->n_rec = 0;
	start(f);
	submit(f, 0, "twice", "+15550002001", false, 0);
	run_until(f, 10000);
	assert_int_equal(f->modem[1].n, 2);
	assert_int_equal(f->rec[0].id, f->rec[1].id);
}

/* The order in which 20 numbered SMS arrive under --reorder 0.5 with `seed`. */
static void arrival_order(int seed, char *order)
{
	struct fixture *f = calloc(1, sizeof(*f));
	settings(&f->s);
	f->s.seed = seed;
	f->s.reorder = 0.5;
	f->s.loss = 0.2;
	start(f);
	for (int i = 0; i < 20; i++) {
		char text[8];
		snprintf(text, sizeof(text), "%c", 'A' + i);
		submit(f, 1, text, "+15550001000", false, (uint64_t)i * 100);
		run_until(f, (uint64_t)i * 100);
	}
	run_until(f, 100000);
	order[0] = '\0';
	for (int i = 0; i < f->modem[0].n; i++) {
		struct tsim_deliver d;
		tsim_read_deliver(f->modem[0].tpdu[i], f->modem[0].len[i], &d);
		strcat(order, d.text);
	}
	sim_net_free(f->net);
	free(f);
}

static void same_seed_same_faults(void **state)
{
	(void)state;
	char a[32], b[32], c[32];
	arrival_order(7, a);
	arrival_order(7, b);
	arrival_order(8, c);
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	assert_string_not_equal(a, "ABCDEFGHIJKLMNOPQRST");
	assert_true(strlen(a) < 20);
}

static void numbers_match_with_or_without_plus(void **state)
{
	struct fixture *f = *state;
	start(f);
	submit(f, 1, "national", "15550001000", false, 0);
	assert_int_equal(sim_net_phone_send(f->net, "15550003001", "15550002001", "hi", false, 0), 1);
	run_until(f, 10000);
	assert_int_equal(f->modem[0].n, 1);
	assert_int_equal(f->modem[1].n, 1);
	assert_non_null(sim_net_phone(f->net, "15550003001"));
	assert_int_equal(sim_net_phone_send(f->net, "15550001000", "+15550003001", "x", false, 0), -EPERM);
}

static void a_modem_refusal_is_final(void **state)
{
	struct fixture *f = *state;
	start(f);
	f->modem[1].refuse = 100;
	f->modem[1].refuse_rc = -EINVAL;
	submit(f, 0, "never", "+15550002001", true, 0);
	run_until(f, 60000);
	assert_int_equal(sim_net_pending(f->net), 0);
	assert_int_equal(f->modem[1].refuse, 99); /* tried once, not retried */
	assert_int_equal(f->rec[0].status, SIM_NET_REFUSED);
	struct tsim_report r;
	tsim_read_report(f->modem[0].tpdu[0], f->modem[0].len[0], &r);
	assert_int_equal(r.status, SIM_TP_STATUS_INCOMPATIBLE);
}

static void bad_input_is_refused(void **state)
{
	struct fixture *f = *state;
	start(f);
	const uint8_t junk[] = {0x11, 0x00, 0x30, 0x91, 0x55};
	assert_int_equal(sim_net_modem_submit(f->net, 0, junk, sizeof(junk), 0), 304);
	assert_int_equal(sim_net_phone_send(f->net, "+15550001000", "+15550003001", "x", false, 0), -EPERM);
	assert_int_equal(sim_net_phone_send(f->net, "alice", "+15550001000", "x", false, 0), -EINVAL);
	assert_int_equal(sim_net_phone_send(f->net, "+15550003001", "+15550001000", "", false, 0), -EINVAL);
	assert_int_equal(sim_net_pending(f->net), 0);
	assert_int_equal(sim_net_modem_index(f->net, "unit1"), 1);
	assert_int_equal(sim_net_modem_index(f->net, "nope"), -1);
	assert_null(sim_net_phone(f->net, "+15550001000"));
}

/* `sim send --spoof`: the unit modem's number as the sender, to the base; the unit's modem
 * gets nothing (no copy, no status report). `--tpdu`: handed over byte for byte, to modems only. */
static void a_spoofed_sender_and_a_raw_tpdu(void **state)
{
	struct fixture *f = *state;
	start(f);
	struct sim_net_send req = {.from = "+15550002001", .to = "+15550001000", .text = "forged"};
	assert_int_equal(sim_net_send(f->net, &req, 0), -EPERM);
	req.spoof = true;
	assert_int_equal(sim_net_send(f->net, &req, 0), 1);
	const uint8_t flash[] = {0x04, 0x0B, 0x91, 0x51, 0x55, 0x00, 0x30, 0x00, 0xF1, 0x00, 0x10,
				 0x62, 0x21, 0x11, 0x00, 0x00, 0x00, 0x00, 0x02, 0xC8, 0x34};
	struct sim_net_send raw = {
		.from = "+15550003001", .to = "+15550001000", .tpdu = flash, .tpdu_len = sizeof(flash)};
	assert_int_equal(sim_net_send(f->net, &raw, 0), 1);
	run_until(f, 10000);
	assert_int_equal(f->modem[0].n, 2);
	assert_int_equal(f->modem[1].n, 0);
	struct tsim_deliver d;
	tsim_read_deliver(f->modem[0].tpdu[0], f->modem[0].len[0], &d);
	assert_string_equal(d.from, "+15550002001");
	assert_string_equal(d.text, "forged");
	assert_int_equal(f->modem[0].len[1], sizeof(flash));
	assert_memory_equal(f->modem[0].tpdu[1], flash, sizeof(flash));
	raw.to = "+15550003001"; /* a handset */
	assert_int_equal(sim_net_send(f->net, &raw, 0), -EINVAL);
	raw.to = "+15550001000";
	raw.tpdu_len = SIM_TPDU_MAX + 1;
	assert_int_equal(sim_net_send(f->net, &raw, 0), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(modem_to_modem_after_latency, setup, teardown),
		cmocka_unit_test_setup_teardown(long_text_reaches_a_phone_whole, setup, teardown),
		cmocka_unit_test_setup_teardown(phone_long_text_reaches_a_modem_in_parts, setup, teardown),
		cmocka_unit_test_setup_teardown(status_reports_tell_delivered_and_unknown, setup, teardown),
		cmocka_unit_test_setup_teardown(full_storage_is_retried_until_delivered, setup, teardown),
		cmocka_unit_test_setup_teardown(pending_is_counted_per_modem, setup, teardown),
		cmocka_unit_test_setup_teardown(busy_modem_gets_the_sms_on_a_retry, setup, teardown),
		cmocka_unit_test_setup_teardown(drop_next_loses_exactly_n, setup, teardown),
		cmocka_unit_test_setup_teardown(a_modems_loss_takes_its_share_of_its_sms_only, setup,
						teardown),
		cmocka_unit_test_setup_teardown(delay_adds_latency_for_that_modem_only, setup, teardown),
		cmocka_unit_test_setup_teardown(loss_and_duplicate_probabilities, setup, teardown),
		cmocka_unit_test(same_seed_same_faults),
		cmocka_unit_test_setup_teardown(numbers_match_with_or_without_plus, setup, teardown),
		cmocka_unit_test_setup_teardown(a_modem_refusal_is_final, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_input_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(a_spoofed_sender_and_a_raw_tpdu, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
