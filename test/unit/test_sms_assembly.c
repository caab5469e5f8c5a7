/* Multipart reassembly as the application sees it: a long text arrives whole once, whatever
 * the order of its parts and however often the network repeats one; a half message survives
 * a restart through the stored parts; after the timeout the reader gets what came and which
 * parts are missing. The clock is the test's. */
#include "sms_assembly.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define TIMEOUT_MS (24 * 3600 * 1000LL)

struct delivered {
	char text[2048];
	bool complete;
	int part_count, missing_count;
	uint8_t parts[8], missing[8];
	int64_t first_ms;
	char sender[SMS_NUMBER_MAX];
};

struct app {
	/* what the application stored through on_part */
	char stored[16][SMS_PDU_HEX_MAX];
	int64_t stored_ms[16];
	int stored_count;
	int refuse; /* on_part returns this when non-zero */
	struct delivered got[8];
	int got_count;
};

static int on_part(const struct sms_assembly_key *key, const struct sms_decoded *part, const char *pdu_hex,
		   int64_t received_ms, void *user_data)
{
	struct app *app = user_data;

	assert_string_equal(key->sender, part->number);
	if (app->refuse)
		return app->refuse;
	assert_true(app->stored_count < 16);
	strcpy(app->stored[app->stored_count], pdu_hex);
	app->stored_ms[app->stored_count++] = received_ms;
	return 0;
}

static void on_message(const struct sms_message *msg, void *user_data)
{
	struct app *app = user_data;
	struct delivered *d = &app->got[app->got_count++];

	assert_true(msg->text_len < sizeof(d->text));
	memcpy(d->text, msg->text, msg->text_len + 1);
	d->complete = msg->complete;
	d->part_count = msg->part_count;
	d->missing_count = msg->missing_count;
	memcpy(d->parts, msg->parts, (size_t)msg->part_count);
	memcpy(d->missing, msg->missing, (size_t)msg->missing_count);
	d->first_ms = msg->first_ms;
	strcpy(d->sender, msg->key.sender);
}

static struct sms_assembly *make(struct app *app, int max_pending)
{
	struct sms_assembly_cfg cfg = {
		.timeout_ms = TIMEOUT_MS,
		.max_pending = max_pending,
		.on_part = on_part,
		.on_message = on_message,
		.user_data = app,
	};
	struct sms_assembly *a = sms_assembly_new(&cfg);

	memset(app, 0, sizeof(*app));
	assert_non_null(a);
	return a;
}

/* The DELIVER PDUs a phone receives for `text` sent by `from` with reference `ref`. */
struct received {
	int count;
	char hex[SMS_MAX_PARTS][SMS_PDU_HEX_MAX];
	struct sms_decoded d[SMS_MAX_PARTS];
};

static struct received *receive(const char *from, const char *text, uint8_t ref)
{
	static const struct sms_time scts = {.valid = true, .year = 2026, .month = 11, .day = 25};
	struct sms_submit_opts opts = {.concat_ref = ref};
	struct sms_submit sub;
	struct received *r = calloc(1, sizeof(*r));

	assert_int_equal(sms_encode_submit("+15550001", text, &opts, &sub), 0);
	r->count = sub.part_count;
	for (int i = 0; i < sub.part_count; i++) {
		int len;

		assert_int_equal(sms_deliver_from_submit(sub.parts[i].hex, from, &scts, r->hex[i],
							 sizeof(r->hex[i]), &len),
				 0);
		assert_int_equal(sms_decode_pdu(r->hex[i], strlen(r->hex[i]), len, &r->d[i], NULL, 0), 0);
	}
	return r;
}

static int add(struct sms_assembly *a, struct received *r, int seq, int64_t now_ms)
{
	return sms_assembly_add(a, &r->d[seq - 1], r->hex[seq - 1], now_ms);
}

static char *long_text(char first)
{
	char *s = calloc(1, 400);

	for (int i = 0; i < 399; i++)
		s[i] = (char)(first + i / 153);
	return s; /* three parts: 153 of `first`, 153 of the next letter, 93 of the third */
}

static void test_in_order_delivered_once(void **state)
{
	struct app app;
	struct sms_assembly *a = make(&app, 4);
	char *text = long_text('a');
	struct received *r = receive("+15550002", text, 7);

	(void)state;
	assert_int_equal(r->count, 3);
	assert_int_equal(add(a, r, 1, 1000), SMS_ASSEMBLY_STORED);
	assert_int_equal(add(a, r, 2, 2000), SMS_ASSEMBLY_STORED);
	assert_int_equal(app.got_count, 0);
	assert_int_equal(sms_assembly_pending(a), 1);
	assert_int_equal(add(a, r, 3, 3000), SMS_ASSEMBLY_DELIVERED);
	assert_int_equal(app.got_count, 1);
	assert_string_equal(app.got[0].text, text);
	assert_true(app.got[0].complete);
	assert_int_equal(app.got[0].part_count, 3);
	assert_memory_equal(app.got[0].parts, "\1\2\3", 3);
	assert_int_equal(app.got[0].first_ms, 1000);
	assert_string_equal(app.got[0].sender, "+15550002");
	assert_int_equal(app.stored_count, 3);
	assert_int_equal(sms_assembly_pending(a), 0);
	assert_int_equal(sms_assembly_tick(a, 10 * TIMEOUT_MS), 0);
	assert_int_equal(app.got_count, 1);
	free(r), free(text), sms_assembly_free(a);
}

static void test_any_order(void **state)
{
	static const int orders[][3] = {{3, 1, 2}, {2, 3, 1}, {3, 2, 1}};
	char *text = long_text('k');
	struct received *r = receive("+15550002", text, 200);

	(void)state;
	for (size_t o = 0; o < 3; o++) {
		struct app app;
		struct sms_assembly *a = make(&app, 4);

		assert_int_equal(add(a, r, orders[o][0], 0), SMS_ASSEMBLY_STORED);
		assert_int_equal(add(a, r, orders[o][1], 5), SMS_ASSEMBLY_STORED);
		assert_int_equal(add(a, r, orders[o][2], 9), SMS_ASSEMBLY_DELIVERED);
		assert_int_equal(app.got_count, 1);
		assert_string_equal(app.got[0].text, text);
		sms_assembly_free(a);
	}
	free(r), free(text);
}

static void test_duplicate_part_is_not_new(void **state)
{
	struct app app;
	struct sms_assembly *a = make(&app, 4);
	char *text = long_text('a');
	struct received *r = receive("+15550002", text, 9);

	(void)state;
	assert_int_equal(add(a, r, 2, 0), SMS_ASSEMBLY_STORED);
	assert_int_equal(add(a, r, 2, 1), SMS_ASSEMBLY_DUPLICATE);
	assert_int_equal(app.stored_count, 1);
	assert_int_equal(add(a, r, 1, 2), SMS_ASSEMBLY_STORED);
	assert_int_equal(add(a, r, 3, 3), SMS_ASSEMBLY_DELIVERED);
	/* the network repeats a part after the message was whole: still no second message */
	assert_int_equal(add(a, r, 3, 4), SMS_ASSEMBLY_DUPLICATE);
	assert_int_equal(add(a, r, 1, 5), SMS_ASSEMBLY_DUPLICATE);
	assert_int_equal(sms_assembly_pending(a), 0);
	assert_int_equal(sms_assembly_tick(a, 10 * TIMEOUT_MS), 0);
	assert_int_equal(app.got_count, 1);
	assert_string_equal(app.got[0].text, text);
	free(r), free(text), sms_assembly_free(a);
}

/* The 8-bit reference wraps: the same reference with other text is a new message. */
static void test_reused_reference_is_new_message(void **state)
{
	struct app app;
	struct sms_assembly *a = make(&app, 4);
	char *t1 = long_text('a'), *t2 = long_text('n');
	struct received *r1 = receive("+15550002", t1, 5), *r2 = receive("+15550002", t2, 5);

	(void)state;
	for (int seq = 1; seq <= 3; seq++)
		add(a, r1, seq, seq);
	assert_int_equal(add(a, r2, 1, 10), SMS_ASSEMBLY_STORED);
	assert_int_equal(add(a, r2, 2, 11), SMS_ASSEMBLY_STORED);
	assert_int_equal(add(a, r2, 3, 12), SMS_ASSEMBLY_DELIVERED);
	assert_int_equal(app.got_count, 2);
	assert_string_equal(app.got[1].text, t2);
	free(r1), free(r2), free(t1), free(t2), sms_assembly_free(a);
}

static void test_senders_and_references_kept_apart(void **state)
{
	struct app app;
	struct sms_assembly *a = make(&app, 4);
	char *t1 = long_text('a'), *t2 = long_text('n');
	struct received *x = receive("+15550002", t1, 1), *y = receive("+15550003", t2, 1);
	struct received *z = receive("+15550002", t2, 2);

	(void)state;
	for (int seq = 1; seq <= 3; seq++) {
		assert_int_equal(add(a, x, seq, seq),
				 seq == 3 ? SMS_ASSEMBLY_DELIVERED : SMS_ASSEMBLY_STORED);
		if (seq < 3)
			assert_int_equal(add(a, y, seq, seq), SMS_ASSEMBLY_STORED);
		assert_int_equal(add(a, z, 4 - seq, seq),
				 seq == 3 ? SMS_ASSEMBLY_DELIVERED : SMS_ASSEMBLY_STORED);
	}
	assert_int_equal(app.got_count, 2);
	assert_string_equal(app.got[0].text, t1);
	assert_string_equal(app.got[1].text, t2);
	assert_int_equal(sms_assembly_pending(a), 1);
	free(x), free(y), free(z), free(t1), free(t2), sms_assembly_free(a);
}

static void test_timeout_delivers_what_came(void **state)
{
	struct app app;
	struct sms_assembly *a = make(&app, 4);
	char *text = long_text('a');
	struct received *r = receive("+15550002", text, 3);

	(void)state;
	assert_int_equal(sms_assembly_next_deadline(a), INT64_MAX);
	add(a, r, 3, 1000);
	add(a, r, 1, 5000);
	assert_int_equal(sms_assembly_next_deadline(a), 1000 + TIMEOUT_MS);
	assert_int_equal(sms_assembly_tick(a, 1000 + TIMEOUT_MS - 1), 0);
	assert_int_equal(app.got_count, 0);
	assert_int_equal(sms_assembly_tick(a, 1000 + TIMEOUT_MS), 1);
	assert_int_equal(app.got_count, 1);
	assert_false(app.got[0].complete);
	assert_int_equal(app.got[0].part_count, 2);
	assert_memory_equal(app.got[0].parts, "\1\3", 2);
	assert_int_equal(app.got[0].missing_count, 1);
	assert_int_equal(app.got[0].missing[0], 2);
	assert_int_equal(strlen(app.got[0].text), 153 + 93);
	assert_memory_equal(app.got[0].text, text, 153);
	assert_string_equal(app.got[0].text + 153, text + 306);
	assert_int_equal(sms_assembly_pending(a), 0);
	assert_int_equal(sms_assembly_tick(a, 3 * TIMEOUT_MS), 0);
	assert_int_equal(app.got_count, 1);
	free(r), free(text), sms_assembly_free(a);
}

/* Parts 1 and 2 arrive, the daemon stops; at start it reloads what it stored; part 3 then
 * completes the message, and the timeout still counts from the first arrival. */
static void test_reload_after_restart(void **state)
{
	struct app app, app2;
	struct sms_assembly *a = make(&app, 4), *b;
	char *text = long_text('a');
	struct received *r = receive("+15550002", text, 77);

	(void)state;
	add(a, r, 2, 1000);
	add(a, r, 1, 2000);
	sms_assembly_free(a);
	b = make(&app2, 4);
	for (int i = 0; i < app.stored_count; i++)
		assert_int_equal(sms_assembly_reload(b, app.stored[i], app.stored_ms[i]),
				 SMS_ASSEMBLY_STORED);
	assert_int_equal(app2.stored_count, 0); /* reloading does not store again */
	assert_int_equal(sms_assembly_pending(b), 1);
	assert_int_equal(sms_assembly_next_deadline(b), 1000 + TIMEOUT_MS);
	assert_int_equal(add(b, r, 1, 3000), SMS_ASSEMBLY_DUPLICATE);
	assert_int_equal(add(b, r, 3, 4000), SMS_ASSEMBLY_DELIVERED);
	assert_string_equal(app2.got[0].text, text);
	assert_int_equal(app2.got[0].first_ms, 1000);
	sms_assembly_free(b);

	/* every part stored before the stop: delivered while reloading */
	b = make(&app2, 4);
	for (int seq = 1; seq <= 3; seq++)
		assert_int_equal(sms_assembly_reload(b, r->hex[seq - 1], seq),
				 seq < 3 ? SMS_ASSEMBLY_STORED : SMS_ASSEMBLY_DELIVERED);
	assert_int_equal(app2.got_count, 1);
	assert_int_equal(sms_assembly_reload(b, "0004ZZ", 0), -EBADMSG);
	free(r), free(text), sms_assembly_free(b);
}

/* When the application cannot store a part, the part is not taken: it stays on the SIM and
 * counts when it is offered again. */
static void test_persist_failure_refuses_part(void **state)
{
	struct app app;
	struct sms_assembly *a = make(&app, 4);
	char *text = long_text('a');
	struct received *r = receive("+15550002", text, 4);

	(void)state;
	app.refuse = -EIO;
	assert_int_equal(add(a, r, 1, 0), -EIO);
	assert_int_equal(sms_assembly_pending(a), 0);
	app.refuse = 0;
	assert_int_equal(add(a, r, 1, 1), SMS_ASSEMBLY_STORED);
	add(a, r, 2, 2);
	app.refuse = -ENOSPC;
	assert_int_equal(add(a, r, 3, 3), -ENOSPC);
	assert_int_equal(app.got_count, 0);
	app.refuse = 0;
	assert_int_equal(add(a, r, 3, 4), SMS_ASSEMBLY_DELIVERED);
	assert_string_equal(app.got[0].text, text);
	free(r), free(text), sms_assembly_free(a);
}

static void test_full_refuses_new_message(void **state)
{
	struct app app;
	struct sms_assembly *a = make(&app, 1);
	char *t1 = long_text('a'), *t2 = long_text('n');
	struct received *x = receive("+15550002", t1, 1), *y = receive("+15550003", t2, 1);

	(void)state;
	assert_int_equal(add(a, x, 1, 0), SMS_ASSEMBLY_STORED);
	assert_int_equal(add(a, y, 1, 0), -ENOSPC);
	assert_int_equal(app.stored_count, 1);
	assert_int_equal(add(a, x, 2, 0), SMS_ASSEMBLY_STORED);
	free(x), free(y), free(t1), free(t2), sms_assembly_free(a);
}

static void test_single_part_passes_through(void **state)
{
	struct app app;
	struct sms_assembly *a = make(&app, 2);
	struct received *r = receive("+15550002", "T1 7.5 OK", 0);

	(void)state;
	assert_int_equal(add(a, r, 1, 42), SMS_ASSEMBLY_DELIVERED);
	assert_int_equal(app.stored_count, 0);
	assert_int_equal(app.got_count, 1);
	assert_string_equal(app.got[0].text, "T1 7.5 OK");
	assert_true(app.got[0].complete);
	assert_int_equal(app.got[0].part_count, 1);
	assert_int_equal(app.got[0].first_ms, 42);
	free(r), sms_assembly_free(a);
}

static void test_bad_input_refused(void **state)
{
	struct app app;
	struct sms_assembly *a = make(&app, 2);
	struct sms_decoded d;
	struct sms_assembly_cfg bad = {.timeout_ms = 0, .max_pending = 1, .on_message = on_message};

	(void)state;
	assert_int_equal(sms_decode_pdu("07915155000000F00601089151550010621152801183006211528011830000", 62,
					-1, &d, NULL, 0),
			 0);
	assert_int_equal(sms_assembly_add(a, &d, "", 0), -EINVAL);
	assert_null(sms_assembly_new(&bad));
	bad.timeout_ms = 1;
	bad.on_message = NULL;
	assert_null(sms_assembly_new(&bad));
	assert_int_equal(app.got_count, 0);
	sms_assembly_free(a);
	sms_assembly_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_order_delivered_once),
		cmocka_unit_test(test_any_order),
		cmocka_unit_test(test_duplicate_part_is_not_new),
		cmocka_unit_test(test_reused_reference_is_new_message),
		cmocka_unit_test(test_senders_and_references_kept_apart),
		cmocka_unit_test(test_timeout_delivers_what_came),
		cmocka_unit_test(test_reload_after_restart),
		cmocka_unit_test(test_persist_failure_refuses_part),
		cmocka_unit_test(test_full_refuses_new_message),
		cmocka_unit_test(test_single_part_passes_through),
		cmocka_unit_test(test_bad_input_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
