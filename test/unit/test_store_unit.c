/* The unit's store on real SQLite files: every record survives closing and reopening the
 * database, sequence numbers never repeat, the batch step takes readings exactly once, a
 * receipt removes exactly what it covers, a fallback is queued once, a message acted on is
 * known again and a READ owed is kept until it is answered. */
#include "store_fixture.h"
#include "store_unit.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#define T0 1764000000000LL

static int setup(void **state)
{
	static struct store_fx fx;
	fx_setup(&fx, "unit.db");
	*state = &fx;
	return 0;
}

static int teardown(void **state)
{
	fx_teardown(*state);
	return 0;
}

static struct store *open_unit(struct store_fx *fx)
{
	struct store *s = NULL;
	assert_int_equal(fx_open(fx, STORE_KIND_UNIT, false, &s), 0);
	return s;
}

static struct store *reopen(struct store_fx *fx, struct store *s)
{
	store_close(s);
	return open_unit(fx);
}

static struct store_unit_msg msg(uint32_t seq, const char *dest, const char *text, int64_t next_ms)
{
	struct store_unit_msg m = {.seq = seq, .kind = 3, .created_ms = T0, .next_ms = next_ms};
	snprintf(m.dest, sizeof(m.dest), "%s", dest);
	snprintf(m.text, sizeof(m.text), "%s", text);
	return m;
}

static void a_new_database_has_the_latest_schema(void **state)
{
	struct store *s = open_unit(*state);
	assert_int_equal(store_schema_version(s), store_schema_latest(STORE_KIND_UNIT));
	assert_true(store_schema_latest(STORE_KIND_UNIT) >= 3);
	assert_int_equal(store_integrity_check(s, NULL, 0), 0);
	store_close(s);
}

static void sequence_numbers_never_repeat_across_restarts(void **state)
{
	struct store_fx *fx = *state;
	struct store *s = open_unit(fx);
	uint32_t seq = 0, last = 0;
	for (int i = 0; i < 3; i++) {
		assert_int_equal(store_unit_seq_next(s, &seq), 0);
		assert_int_equal(seq, (uint32_t)i + 1);
	}
	last = seq;
	s = reopen(fx, s);
	assert_int_equal(store_unit_seq_next(s, &seq), 0);
	assert_true(seq > last);
	assert_int_equal(seq, STORE_SEQ_BLOCK + 1); /* the rest of the first block is skipped */
	/* Numbers handed out inside a transaction that is rolled back are not given again. */
	assert_int_equal(store_unit_begin(s), 0);
	uint32_t inside = 0;
	for (int i = 0; i < STORE_SEQ_BLOCK + 2; i++)
		assert_int_equal(store_unit_seq_next(s, &inside), 0);
	store_unit_rollback(s);
	assert_int_equal(store_unit_seq_next(s, &seq), 0);
	assert_true(seq > inside);
	s = reopen(fx, s);
	uint32_t after = 0;
	assert_int_equal(store_unit_seq_next(s, &after), 0);
	assert_true(after > seq);
	store_close(s);
}

static void readings_round_trip_with_faults(void **state)
{
	struct store_fx *fx = *state;
	struct store *s = open_unit(fx);
	struct store_unit_reading r[3] = {
		{.channel = 0, .t_ms = T0, .temp_c10 = 45},
		{.channel = 1, .t_ms = T0, .fault = true},
		{.channel = 0, .t_ms = T0 + 60000, .temp_c10 = -183},
	};
	assert_int_equal(store_unit_readings_add(s, r, 3), 0);
	assert_true(r[0].id > 0 && r[1].id > r[0].id && r[2].id > r[1].id);
	s = reopen(fx, s);
	uint64_t count = 0;
	assert_int_equal(store_unit_readings_count(s, &count), 0);
	assert_int_equal(count, 3);
	struct store_unit_reading out[4];
	size_t n = 0;
	assert_int_equal(store_unit_readings_pending(s, 0, out, 2, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(out[0].temp_c10, 45);
	assert_false(out[0].fault);
	assert_true(out[1].fault);
	assert_int_equal(out[1].channel, 1);
	assert_int_equal(store_unit_readings_pending(s, out[1].id, out, 4, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(out[0].temp_c10, -183);
	assert_int_equal(out[0].t_ms, T0 + 60000);
	store_close(s);
}

static void outbox_messages_go_through_their_states(void **state)
{
	struct store_fx *fx = *state;
	struct store *s = open_unit(fx);
	struct store_unit_msg alarm = msg(7, "+15550001000", "WH1 ALARM T1 9.4C above 8.0C", T0);
	struct store_unit_msg reply = msg(0, "+15550003001", "T1 4.5C", T0 + 10);
	assert_int_equal(store_unit_outbox_add(s, &alarm), 0);
	assert_int_equal(store_unit_outbox_add(s, &reply), 0);
	struct store_unit_msg again = msg(7, "+15550001000", "other", T0);
	assert_int_equal(store_unit_outbox_add(s, &again), -EEXIST);
	struct store_unit_msg empty = msg(8, "", "x", T0);
	assert_int_equal(store_unit_outbox_add(s, &empty), -EINVAL);
	s = reopen(fx, s);

	struct store_unit_msg got;
	assert_int_equal(store_unit_outbox_next(s, T0 - 1, &got), -ENOENT);
	assert_int_equal(store_unit_outbox_next(s, T0 + 100, &got), 0);
	assert_int_equal(got.id, alarm.id);
	assert_int_equal(got.seq, 7);
	assert_int_equal(got.kind, 3);
	assert_string_equal(got.text, "WH1 ALARM T1 9.4C above 8.0C");
	assert_int_equal(got.state, STORE_UMSG_QUEUED);
	assert_int_equal(store_unit_outbox_retry(s, got.id, T0 + 5000), 0);
	assert_int_equal(store_unit_outbox_next(s, T0 + 100, &got), 0);
	assert_int_equal(got.id, reply.id);
	/* A text to a phone is done once the modem took it: nothing will confirm it. */
	assert_int_equal(store_unit_outbox_sent(s, reply.id, T0 + 999999), 0);
	assert_int_equal(store_unit_outbox_sent(s, alarm.id, T0 + 60000), 0);
	int64_t next = 0;
	assert_int_equal(store_unit_outbox_next_ms(s, &next), 0);
	assert_int_equal(next, T0 + 60000);
	s = reopen(fx, s);
	struct store_unit_msg all[4];
	size_t n = 0;
	assert_int_equal(store_unit_outbox_list(s, 0, all, 4, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(all[0].attempts, 2);
	assert_int_equal(all[0].state, STORE_UMSG_SENT);
	assert_int_equal(store_unit_outbox_remove(s, alarm.id), 0);
	assert_int_equal(store_unit_outbox_remove(s, alarm.id), -ENOENT);
	assert_int_equal(store_unit_outbox_next_ms(s, &next), 0);
	assert_true(next == INT64_MAX);
	store_close(s);
}

static void a_text_longer_than_a_record_is_refused(void **state)
{
	struct store *s = open_unit(*state);
	struct store_unit_msg m = msg(1, "+15550001000", "x", T0);
	memset(m.text, 'A', sizeof(m.text)); /* no NUL inside the field */
	assert_int_equal(store_unit_outbox_add(s, &m), -EMSGSIZE);
	size_t n = 1;
	struct store_unit_msg all[1];
	assert_int_equal(store_unit_outbox_list(s, 0, all, 1, &n), 0);
	assert_int_equal(n, 0);
	store_close(s);
}

static void the_batch_step_takes_readings_once(void **state)
{
	struct store_fx *fx = *state;
	struct store *s = open_unit(fx);
	struct store_unit_reading r[4];
	for (int i = 0; i < 4; i++)
		r[i] = (struct store_unit_reading){.channel = 0, .t_ms = T0 + i * 600000, .temp_c10 = 40 + i};
	assert_int_equal(store_unit_readings_add(s, r, 4), 0);
	int64_t ids[3] = {r[0].id, r[1].id, r[2].id};
	struct store_unit_msg batch = msg(1, "+15550001000", "WH1 B ...", T0);
	assert_int_equal(store_unit_batch_store(s, ids, 3, &batch), 0);
	/* Taking one of them again fails and changes nothing. */
	int64_t again[2] = {r[3].id, r[1].id};
	struct store_unit_msg second = msg(2, "+15550001000", "WH1 B again", T0);
	assert_int_equal(store_unit_batch_store(s, again, 2, &second), -ESTALE);
	s = reopen(fx, s);
	struct store_unit_reading left[4];
	size_t n = 0;
	assert_int_equal(store_unit_readings_pending(s, 0, left, 4, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(left[0].id, r[3].id);
	struct store_unit_msg all[4];
	assert_int_equal(store_unit_outbox_list(s, 0, all, 4, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(all[0].seq, 1);
	store_close(s);
}

static void a_receipt_removes_what_it_covers(void **state)
{
	struct store_fx *fx = *state;
	struct store *s = open_unit(fx);
	for (uint32_t seq = 1; seq <= 16; seq++) {
		char text[32];
		snprintf(text, sizeof(text), "msg %u", seq);
		struct store_unit_msg m = msg(seq, "+15550001000", text, T0);
		assert_int_equal(store_unit_outbox_add(s, &m), 0);
	}
	struct store_unit_msg phone = msg(0, "+15550003001", "to a phone", T0);
	assert_int_equal(store_unit_outbox_add(s, &phone), 0);
	/* Up to 10, then 11 and 13 (bits 0 and 2), and 20 (bit 9) which is not in the outbox. */
	static const uint8_t bitmap[2] = {0x05, 0x02};
	struct store_receipt rc = {
		.up_to = 10, .bitmap = bitmap, .bits = 16, .base_ms = T0 + 5, .received_ms = T0 + 9};
	size_t covered = 0;
	assert_int_equal(store_unit_receipt_apply(s, &rc, &covered), 0);
	assert_int_equal(covered, 12);
	s = reopen(fx, s);
	struct store_unit_msg all[32];
	size_t n = 0;
	assert_int_equal(store_unit_outbox_list(s, 0, all, 32, &n), 0);
	uint32_t want[] = {12, 14, 15, 16, 0};
	assert_int_equal(n, 5);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(all[i].seq, want[i]);
	int64_t rx = 0, base = 0;
	assert_int_equal(store_unit_receipt_last(s, &rx, &base), 0);
	assert_int_equal(rx, T0 + 9);
	assert_int_equal(base, T0 + 5);
	store_close(s);
}

static void a_fallback_is_queued_once(void **state)
{
	struct store_fx *fx = *state;
	struct store *s = open_unit(fx);
	struct store_unit_msg alarm = msg(5, "+15550001000", "WH1 ALARM T1", T0);
	assert_int_equal(store_unit_outbox_add(s, &alarm), 0);
	struct store_unit_msg texts[2] = {msg(0, "+15550003001", "Base not answering: WH1 ALARM T1", T0),
					  msg(0, "+15550003002", "Base not answering: WH1 ALARM T1", T0)};
	assert_int_equal(store_unit_outbox_fallback(s, alarm.id, texts, 2, T0 + 900000), 0);
	assert_true(texts[0].id > alarm.id && texts[1].id > texts[0].id);
	s = reopen(fx, s);
	struct store_unit_msg more[1] = {msg(0, "+15550003001", "again", T0)};
	assert_int_equal(store_unit_outbox_fallback(s, alarm.id, more, 1, T0 + 1800000), -EALREADY);
	assert_int_equal(store_unit_outbox_fallback(s, 999, more, 1, T0), -ENOENT);
	struct store_unit_msg all[8];
	size_t n = 0;
	assert_int_equal(store_unit_outbox_list(s, 0, all, 8, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(all[0].fallback_ms, T0 + 900000);
	assert_string_equal(all[2].dest, "+15550003002");
	store_close(s);
}

struct fake_channel {
	int64_t since_ms[6];
	int32_t last_c10;
	unsigned char flags;
};

static void channel_state_comes_back_only_in_its_layout(void **state)
{
	struct store_fx *fx = *state;
	struct store *s = open_unit(fx);
	struct fake_channel ch = {.since_ms = {1, 2, 3, 4, 5, T0}, .last_c10 = 94, .flags = 3};
	struct fake_channel out;
	assert_int_equal(store_unit_channel_load(s, 2, 1, &out, sizeof(out)), -ENOENT);
	assert_int_equal(store_unit_channel_save(s, 2, 1, &ch, sizeof(ch)), 0);
	s = reopen(fx, s);
	memset(&out, 0, sizeof(out));
	assert_int_equal(store_unit_channel_load(s, 2, 1, &out, sizeof(out)), 0);
	assert_memory_equal(&out, &ch, sizeof(ch));
	assert_int_equal(store_unit_channel_load(s, 2, 2, &out, sizeof(out)), -ESTALE);
	assert_int_equal(store_unit_channel_load(s, 2, 1, &out, sizeof(out) - 4), -ESTALE);
	assert_int_equal(store_unit_channel_load(s, 3, 1, &out, sizeof(out)), -ENOENT);
	uint8_t window[24], back[24];
	for (size_t i = 0; i < sizeof(window); i++)
		window[i] = (uint8_t)(i * 7);
	assert_int_equal(store_unit_replay_save(s, 9, window, sizeof(window)), 0);
	s = reopen(fx, s);
	assert_int_equal(store_unit_replay_load(s, 9, back, sizeof(back)), 0);
	assert_memory_equal(back, window, sizeof(window));
	store_close(s);
}

static void settings_changed_by_sms_survive_a_restart(void **state)
{
	struct store_fx *fx = *state;
	struct store *s = open_unit(fx);
	struct store_unit_setting high = {
		.name = "T1.high", .value = 90, .changed_ms = T0, .changed_by = "+15550003001"};
	struct store_unit_setting pin = {.name = "pin", .text = "4321", .changed_ms = T0 + 1};
	assert_int_equal(store_unit_setting_put(s, &high), 0);
	assert_int_equal(store_unit_setting_put(s, &pin), 0);
	high.value = 95;
	assert_int_equal(store_unit_setting_put(s, &high), 0);
	s = reopen(fx, s);
	struct store_unit_setting got;
	assert_int_equal(store_unit_setting_get(s, "T1.high", &got), 0);
	assert_int_equal(got.value, 95);
	assert_string_equal(got.changed_by, "+15550003001");
	assert_int_equal(store_unit_setting_get(s, "T1.low", &got), -ENOENT);
	struct store_unit_setting all[1];
	size_t n = 0;
	assert_int_equal(store_unit_setting_list(s, all, 1, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(all[0].name, "T1.high");
	assert_int_equal(store_unit_setting_delete(s, "T1.high"), 0);
	assert_int_equal(store_unit_setting_get(s, "pin", &got), 0);
	assert_string_equal(got.text, "4321");
	s = reopen(fx, s);
	assert_int_equal(store_unit_setting_get(s, "T1.high", &got), -ENOENT);
	store_close(s);
}

static void pin_lockouts_survive_a_restart(void **state)
{
	struct store_fx *fx = *state;
	struct store *s = open_unit(fx);
	struct store_pin_state st = {.number = "+15550009999",
				     .failures = 3,
				     .last_failure_ms = T0,
				     .locked_until_ms = T0 + 3600000};
	assert_int_equal(store_unit_pin_put(s, &st), 0);
	s = reopen(fx, s);
	struct store_pin_state got;
	assert_int_equal(store_unit_pin_get(s, "+15550009999", &got), 0);
	assert_int_equal(got.failures, 3);
	assert_int_equal(got.locked_until_ms, T0 + 3600000);
	assert_int_equal(store_unit_pin_get(s, "+15550000000", &got), -ENOENT);
	assert_int_equal(store_unit_pin_clear(s, "+15550009999"), 0);
	assert_int_equal(store_unit_pin_get(s, "+15550009999", &got), -ENOENT);
	store_close(s);
}

static void a_rolled_back_transaction_keeps_nothing(void **state)
{
	struct store_fx *fx = *state;
	struct store *s = open_unit(fx);
	assert_int_equal(store_unit_begin(s), 0);
	struct store_unit_reading r = {.channel = 0, .t_ms = T0, .temp_c10 = 50};
	assert_int_equal(store_unit_readings_add(s, &r, 1), 0);
	struct store_unit_msg m = msg(1, "+15550001000", "alarm", T0);
	assert_int_equal(store_unit_outbox_add(s, &m), 0);
	/* A failing call inside changes nothing and leaves the transaction open. */
	struct store_unit_msg dup = msg(1, "+15550001000", "dup", T0);
	assert_int_equal(store_unit_outbox_add(s, &dup), -EEXIST);
	store_unit_rollback(s);
	s = reopen(fx, s);
	uint64_t count = 9;
	assert_int_equal(store_unit_readings_count(s, &count), 0);
	assert_int_equal(count, 0);
	/* And a committed one keeps everything. */
	assert_int_equal(store_unit_begin(s), 0);
	assert_int_equal(store_unit_readings_add(s, &r, 1), 0);
	assert_int_equal(store_unit_outbox_add(s, &m), 0);
	assert_int_equal(store_unit_outbox_add(s, &dup), -EEXIST);
	assert_int_equal(store_unit_commit(s), 0);
	s = reopen(fx, s);
	assert_int_equal(store_unit_readings_count(s, &count), 0);
	assert_int_equal(count, 1);
	struct store_unit_msg all[2];
	size_t n = 0;
	assert_int_equal(store_unit_outbox_list(s, 0, all, 2, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(all[0].text, "alarm");
	store_close(s);
}

static void key_of(const char *pdu, int64_t scts_ms, uint8_t key[STORE_DEDUP_KEY_LEN])
{
	store_dedup_key(pdu, "+15550003001", scts_ms, key);
}

static void messages_acted_on_are_known_after_a_restart(void **state)
{
	struct store_fx *fx = *state;
	struct store *s = open_unit(fx);
	uint8_t a[STORE_DEDUP_KEY_LEN], b[STORE_DEDUP_KEY_LEN], c[STORE_DEDUP_KEY_LEN];
	key_of("0791aa", T0, a);
	key_of("0791AA", T0 + 1000, b); /* the same text a second later: another message */
	key_of("0791AB", T0, c);
	assert_int_equal(store_unit_handled_has(s, a), 0);
	assert_int_equal(store_unit_handled_add(s, a, T0), 0);
	assert_int_equal(store_unit_handled_add(s, a, T0 + 5), 0); /* a second record is no error */
	s = reopen(fx, s);
	assert_int_equal(store_unit_handled_has(s, a), 1);
	assert_int_equal(store_unit_handled_has(s, b), 0);
	assert_int_equal(store_unit_handled_has(s, c), 0);
	/* Rolled back with the command's effects, the record is gone too. */
	assert_int_equal(store_unit_begin(s), 0);
	assert_int_equal(store_unit_handled_add(s, b, T0), 0);
	assert_int_equal(store_unit_handled_has(s, b), 1);
	store_unit_rollback(s);
	assert_int_equal(store_unit_handled_has(s, b), 0);
	store_close(s);
}

static void only_the_newest_keys_are_kept(void **state)
{
	struct store_fx *fx = *state;
	struct store *s = open_unit(fx);
	uint8_t first[STORE_DEDUP_KEY_LEN], k[STORE_DEDUP_KEY_LEN];
	key_of("00", T0, first);
	assert_int_equal(store_unit_handled_add(s, first, T0), 0);
	assert_int_equal(store_unit_begin(s), 0);
	for (int i = 1; i < STORE_UNIT_HANDLED_KEEP; i++) {
		key_of("00", T0 + i * 1000LL, k);
		assert_int_equal(store_unit_handled_add(s, k, T0), 0);
	}
	assert_int_equal(store_unit_commit(s), 0);
	assert_int_equal(store_unit_handled_has(s, first), 1);
	key_of("00", T0 - 1000, k);
	assert_int_equal(store_unit_handled_add(s, k, T0), 0);
	assert_int_equal(store_unit_handled_has(s, first), 0);
	assert_int_equal(store_unit_handled_has(s, k), 1);
	store_close(s);
}

static void reads_owed_survive_a_restart(void **state)
{
	struct store_fx *fx = *state;
	struct store *s = open_unit(fx);
	struct store_unit_read phone = {.number = "+15550003001", .channel = 1, .asked_ms = T0};
	struct store_unit_read base = {.base = true, .cmd_id = 44, .channel = -1, .asked_ms = T0 + 1};
	struct store_unit_read bad = {.channel = 0};
	assert_int_equal(store_unit_read_add(s, &phone), 0);
	assert_int_equal(store_unit_read_add(s, &base), 0);
	assert_int_equal(store_unit_read_add(s, &bad), -EINVAL);
	assert_true(base.id > phone.id);
	s = reopen(fx, s);
	struct store_unit_read got[4];
	size_t n = 0;
	assert_int_equal(store_unit_read_list(s, got, 4, &n), 0);
	assert_int_equal(n, 2);
	assert_false(got[0].base);
	assert_string_equal(got[0].number, "+15550003001");
	assert_int_equal(got[0].channel, 1);
	assert_int_equal(got[0].asked_ms, T0);
	assert_true(got[1].base);
	assert_int_equal(got[1].cmd_id, 44);
	assert_int_equal(got[1].channel, -1);
	assert_string_equal(got[1].number, "");
	assert_int_equal(store_unit_read_list(s, got, 1, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(store_unit_read_remove(s, phone.id), 0);
	assert_int_equal(store_unit_read_remove(s, phone.id), -ENOENT);
	s = reopen(fx, s);
	assert_int_equal(store_unit_read_list(s, got, 4, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(got[0].id, base.id);
	store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(a_new_database_has_the_latest_schema, setup, teardown),
		cmocka_unit_test_setup_teardown(sequence_numbers_never_repeat_across_restarts, setup,
						teardown),
		cmocka_unit_test_setup_teardown(readings_round_trip_with_faults, setup, teardown),
		cmocka_unit_test_setup_teardown(outbox_messages_go_through_their_states, setup, teardown),
		cmocka_unit_test_setup_teardown(a_text_longer_than_a_record_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(the_batch_step_takes_readings_once, setup, teardown),
		cmocka_unit_test_setup_teardown(a_receipt_removes_what_it_covers, setup, teardown),
		cmocka_unit_test_setup_teardown(a_fallback_is_queued_once, setup, teardown),
		cmocka_unit_test_setup_teardown(channel_state_comes_back_only_in_its_layout, setup, teardown),
		cmocka_unit_test_setup_teardown(settings_changed_by_sms_survive_a_restart, setup, teardown),
		cmocka_unit_test_setup_teardown(pin_lockouts_survive_a_restart, setup, teardown),
		cmocka_unit_test_setup_teardown(a_rolled_back_transaction_keeps_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(messages_acted_on_are_known_after_a_restart, setup, teardown),
		cmocka_unit_test_setup_teardown(only_the_newest_keys_are_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(reads_owed_survive_a_restart, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
