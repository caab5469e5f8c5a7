/* The base's pure parts: one receipt for what arrives within the delay, copies asking for one
 * at most once a minute; the order of a channel's events (a late CLEAR never closes a newer
 * alarm; HIGH and HIGH_HIGH in any order end as the unit has them); when a unit is silent;
 * which modem takes the next text; the unit state blob across a restart and damage. */
#include "base_pool.h"
#include "base_receipt.h"
#include "base_super.h"
#include "base_ustate.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#define T0 1764039600000LL

static void one_receipt_covers_the_delay(void **state)
{
	(void)state;
	struct base_receipt r = {0};
	assert_int_equal(base_receipt_next_ms(&r), INT64_MAX);
	base_receipt_note(&r, T0, 5000, true);
	base_receipt_note(&r, T0 + 3000, 5000, true); /* within the window: no later */
	assert_int_equal(base_receipt_next_ms(&r), T0 + 5000);
	assert_false(base_receipt_due(&r, T0 + 4999));
	assert_true(base_receipt_due(&r, T0 + 5000));
	base_receipt_sent(&r, T0 + 5000);
	assert_false(base_receipt_due(&r, T0 + 10000));
	base_receipt_note(&r, T0 + 6000, 5000, true); /* after it: a window of its own */
	assert_int_equal(base_receipt_next_ms(&r), T0 + 11000);
	base_receipt_sent(&r, T0 + 11000);
	/* A copy (the unit missed our receipt) asks for one, but not within a minute of the last. */
	base_receipt_note(&r, T0 + 20000, 5000, false);
	assert_int_equal(base_receipt_next_ms(&r), INT64_MAX);
	base_receipt_note(&r, T0 + 11000 + BASE_RECEIPT_COPY_MS, 5000, false);
	assert_int_equal(base_receipt_next_ms(&r), T0 + 16000 + BASE_RECEIPT_COPY_MS);
	/* A delay of 0 sends at once. */
	struct base_receipt z = {0};
	base_receipt_note(&z, T0, 0, true);
	assert_true(base_receipt_due(&z, T0));
}

#define SETTLE_MS (600 * 1000) /* clear_settle's default */

/* A word on one excursion of `lv` that began at `since_ms`. */
static size_t event_at(struct base_channel *ch, enum proto_level lv, uint32_t seq, bool raised,
		       int64_t since_ms, struct base_op ops[BASE_OPS_MAX], enum alert_kind *kind)
{
	struct base_word w = {.seq = seq, .raised = raised, .since_ms = since_ms, .settle_ms = SETTLE_MS};
	return base_order_event(ch, lv, &w, kind, ops);
}

/* The same excursion's words: each says it began at T0. */
static size_t event(struct base_channel *ch, enum proto_level lv, uint32_t seq, bool raised,
		    struct base_op ops[BASE_OPS_MAX], enum alert_kind *kind)
{
	return event_at(ch, lv, seq, raised, T0, ops, kind);
}

static size_t unit_word(struct base_level *l, uint32_t seq, bool raised, int64_t since_ms,
			struct base_op ops[BASE_OPS_MAX])
{
	struct base_word w = {.seq = seq, .raised = raised, .since_ms = since_ms, .settle_ms = SETTLE_MS};
	return base_order_unit(l, &w, ops);
}

static void late_clear_never_closes_a_newer_alarm(void **state)
{
	(void)state;
	struct base_channel ch = {.name = "T1"};
	struct base_op ops[BASE_OPS_MAX];
	enum alert_kind kind;
	/* ALARM 10, CLEAR 12, ALARM 14 arrive as 10, 14, 12. */
	assert_int_equal(event(&ch, PROTO_LEVEL_HIGH, 10, true, ops, &kind), 1);
	assert_int_equal(kind, ALERT_KIND_HIGH);
	assert_true(ops[0].op == BASE_OP_RAISE && !ops[0].critical);
	assert_int_equal(event(&ch, PROTO_LEVEL_HIGH, 14, true, ops, &kind), 0);  /* still raised */
	assert_int_equal(event(&ch, PROTO_LEVEL_HIGH, 12, false, ops, &kind), 0); /* late: nothing */
	assert_true(ch.level[PROTO_LEVEL_HIGH].raised);
	assert_int_equal(ch.level[PROTO_LEVEL_HIGH].seq, 14);
	/* A late ALARM after its CLEAR opens nothing. */
	struct base_channel c2 = {.name = "T2"};
	assert_int_equal(event(&c2, PROTO_LEVEL_LOW, 21, false, ops, &kind), 0);
	assert_int_equal(event(&c2, PROTO_LEVEL_LOW, 20, true, ops, &kind), 0);
	assert_false(c2.level[PROTO_LEVEL_LOW].raised);
	/* The same seq twice changes nothing the second time. */
	assert_int_equal(event(&c2, PROTO_LEVEL_LOW, 22, true, ops, &kind), 1);
	assert_int_equal(event(&c2, PROTO_LEVEL_LOW, 22, false, ops, &kind), 0);
}

static void critical_levels_in_any_order(void **state)
{
	(void)state;
	struct base_op ops[BASE_OPS_MAX];
	enum alert_kind kind;
	/* H 3, HH 5, HH clear 7, H clear 9, arriving 3, 9, 5, 7: the unit has nothing raised. */
	struct base_channel a = {.name = "T1"};
	assert_int_equal(event(&a, PROTO_LEVEL_HIGH, 3, true, ops, &kind), 1);
	assert_int_equal(event(&a, PROTO_LEVEL_HIGH, 9, false, ops, &kind), 1);
	assert_true(ops[0].op == BASE_OP_CLEAR && !ops[0].critical);
	/* H cleared at 9 says HH had cleared before: the late HH raise and clear change nothing
	 * (no alarm text for a condition that is over). */
	assert_int_equal(event(&a, PROTO_LEVEL_HIGH_HIGH, 5, true, ops, &kind), 0);
	assert_int_equal(event(&a, PROTO_LEVEL_HIGH_HIGH, 7, false, ops, &kind), 0);
	assert_false(a.level[PROTO_LEVEL_HIGH_HIGH].raised);
	/* HH first says H is raised under it; the late H raise is nothing; HH clearing lowers. */
	struct base_channel b = {.name = "T1"};
	size_t n = event(&b, PROTO_LEVEL_HIGH_HIGH, 5, true, ops, &kind);
	assert_int_equal(n, 2);
	assert_true(ops[0].op == BASE_OP_RAISE && !ops[0].critical);
	assert_true(ops[1].op == BASE_OP_RAISE && ops[1].critical);
	assert_int_equal(event(&b, PROTO_LEVEL_HIGH, 3, true, ops, &kind), 0);
	n = event(&b, PROTO_LEVEL_HIGH_HIGH, 7, false, ops, &kind);
	assert_true(n == 1 && ops[0].op == BASE_OP_CLEAR && ops[0].critical);
	n = event(&b, PROTO_LEVEL_HIGH, 9, false, ops, &kind);
	assert_true(n == 1 && ops[0].op == BASE_OP_CLEAR && !ops[0].critical);
	/* Low side and the probe fault map to their kinds. */
	event(&b, PROTO_LEVEL_LOW_LOW, 11, true, ops, &kind);
	assert_int_equal(kind, ALERT_KIND_LOW);
	assert_int_equal(event(&b, PROTO_LEVEL_PROBE, 12, true, ops, &kind), 1);
	assert_int_equal(kind, ALERT_KIND_PROBE);
	/* Mains: raised once, a repeat is nothing, an old clear is nothing. */
	struct base_level mains = {0};
	assert_int_equal(unit_word(&mains, 4, true, T0, ops), 1);
	assert_int_equal(unit_word(&mains, 5, true, T0, ops), 0);
	assert_int_equal(unit_word(&mains, 3, false, T0, ops), 0);
	assert_int_equal(unit_word(&mains, 6, false, T0, ops), 1);
	assert_int_equal(ops[0].op, BASE_OP_CLEAR);
}

/* The unit raises a level again for an excursion that began later: the CLEAR between was
 * lost (or is late). The old incident closes at once and a new one opens, unless the new
 * excursion began within the settle time, when the CLEAR would only have reopened it. */
static void a_new_excursion_behind_a_lost_clear(void **state)
{
	(void)state;
	struct base_op ops[BASE_OPS_MAX];
	enum alert_kind kind;
	struct base_channel ch = {.name = "T1"};
	assert_int_equal(event_at(&ch, PROTO_LEVEL_HIGH, 10, true, T0, ops, &kind), 1);
	/* The same excursion said again (a resend: its start a second off) is nothing. */
	assert_int_equal(event_at(&ch, PROTO_LEVEL_HIGH, 12, true, T0 + 1000, ops, &kind), 0);
	/* CLEAR 13 lost; ALARM 14 for an excursion 11 minutes later. */
	int64_t again = T0 + 11 * 60 * 1000;
	assert_int_equal(event_at(&ch, PROTO_LEVEL_HIGH, 14, true, again, ops, &kind), 2);
	assert_true(ops[0].op == BASE_OP_CLOSE && !ops[0].critical);
	assert_true(ops[1].op == BASE_OP_RAISE && !ops[1].critical);
	assert_int_equal(ch.level[PROTO_LEVEL_HIGH].since_ms, again);
	/* The late CLEAR 13 changes nothing. */
	assert_int_equal(event_at(&ch, PROTO_LEVEL_HIGH, 13, false, T0, ops, &kind), 0);
	/* Another excursion 5 minutes after that one: within the settle time, nothing. */
	assert_int_equal(event_at(&ch, PROTO_LEVEL_HIGH, 16, true, again + 5 * 60 * 1000, ops, &kind), 0);
	/* HIGH_HIGH again while HIGH holds: lowered, then raised (its ladder starts over). */
	struct base_channel c = {.name = "T2"};
	assert_int_equal(event_at(&c, PROTO_LEVEL_HIGH, 20, true, T0, ops, &kind), 1);
	assert_int_equal(event_at(&c, PROTO_LEVEL_HIGH_HIGH, 21, true, T0 + 1000, ops, &kind), 1);
	assert_int_equal(event_at(&c, PROTO_LEVEL_HIGH_HIGH, 23, true, again, ops, &kind), 2);
	assert_true(ops[0].op == BASE_OP_CLEAR && ops[0].critical);
	assert_true(ops[1].op == BASE_OP_RAISE && ops[1].critical);
	/* HIGH again under a HIGH_HIGH: the lost HIGH clear had cleared both. */
	int64_t third = again + 11 * 60 * 1000;
	assert_int_equal(event_at(&c, PROTO_LEVEL_HIGH, 25, true, third, ops, &kind), 2);
	assert_true(ops[0].op == BASE_OP_CLOSE && ops[1].op == BASE_OP_RAISE && !ops[1].critical);
	assert_false(c.level[PROTO_LEVEL_HIGH_HIGH].raised);
	/* A HIGH_HIGH raise gives HIGH its start when HIGH was not raised. */
	struct base_channel d = {.name = "T3"};
	assert_int_equal(event_at(&d, PROTO_LEVEL_HIGH_HIGH, 30, true, again, ops, &kind), 2);
	assert_int_equal(d.level[PROTO_LEVEL_HIGH].since_ms, again);
	assert_int_equal(event_at(&d, PROTO_LEVEL_HIGH, 29, true, T0, ops, &kind), 0);
	/* Mains lost again an hour later: the restore between was lost. */
	struct base_level mains = {0};
	assert_int_equal(unit_word(&mains, 4, true, T0, ops), 1);
	assert_int_equal(unit_word(&mains, 6, true, T0 + 3600 * 1000, ops), 2);
	assert_true(ops[0].op == BASE_OP_CLOSE && ops[1].op == BASE_OP_RAISE);
	/* With no settle time, any start later than a second or two is another excursion. */
	struct base_word w = {.seq = 7, .raised = true, .since_ms = T0 + 3600 * 1000 + 1500};
	assert_int_equal(base_order_unit(&mains, &w, ops), 0);
	w = (struct base_word){.seq = 8, .raised = true, .since_ms = T0 + 3600 * 1000 + 2500};
	assert_int_equal(base_order_unit(&mains, &w, ops), 2);
}

static void silence_counts_from_the_last_message(void **state)
{
	(void)state;
	assert_int_equal(base_silent_deadline(T0, T0 - 5000, 3600, 600), T0 + 4200 * 1000);
	/* Never heard: from when the base began to watch it. */
	assert_int_equal(base_silent_deadline(0, T0, 3600, 0), T0 + 3600 * 1000);
}

static void texts_go_to_ready_modems_in_turn(void **state)
{
	(void)state;
	struct base_pool p = {.n = 3};
	int order[3];
	for (int i = 0; i < 3; i++)
		p.m[i].state = MODEM_STATE_READY;
	assert_int_equal(base_pool_order(&p, order), 3);
	assert_int_equal(order[0], 0);
	assert_int_equal(base_pool_order(&p, order), 3);
	assert_int_equal(order[0], 1); /* the next round starts after the last first */
	assert_int_equal(order[2], 0);
	p.m[2].state = MODEM_STATE_DEAD;
	p.m[0].busy = true;
	assert_int_equal(base_pool_order(&p, order), 1);
	assert_int_equal(order[0], 1);
	p.m[1].state = MODEM_STATE_REGISTERING;
	assert_int_equal(base_pool_order(&p, order), 0);
	assert_int_equal(base_pool_ready(&p), 1);
	char text[128];
	snprintf(p.m[0].name, sizeof(p.m[0].name), "modem1");
	snprintf(p.m[1].name, sizeof(p.m[1].name), "modem2");
	snprintf(p.m[2].name, sizeof(p.m[2].name), "modem3");
	base_pool_describe(&p, text, sizeof(text));
	assert_string_equal(text, "modem1=ready modem2=registering modem3=dead");
}

/* A state an older build wrote (layout 1: no since per level) is still read: its replay
 * window and levels kept, the starts unknown (0). */
static void unit_state_of_layout_1_is_read(void **state)
{
	(void)state;
	struct base_ustate s, back;
	base_ustate_init(&s, T0);
	proto_window_accept(&s.win, 41);
	s.mains = (struct base_level){40, true, T0 - 5000};
	s.battery = (struct base_level){39, false, 0};
	uint8_t v2[BASE_USTATE_BYTES], v1[BASE_USTATE_BYTES];
	int len = base_ustate_encode(&s, v2, sizeof(v2));
	assert_true(len > 0);
	/* Layout 2 with the two levels' 8-byte starts taken out: the window (4 + 16 bytes), the
	 * watch and offset times (8 + 8), two flags, then each level's seq (4) and flag (1). */
	size_t mains_since = 4 + 16 + 8 + 8 + 2 + 5, battery_since = mains_since + 8 + 5, n = 0;
	memcpy(v1, v2, mains_since);
	n = mains_since;
	memcpy(v1 + n, v2 + mains_since + 8, 5);
	n += 5;
	memcpy(v1 + n, v2 + battery_since + 8, (size_t)len - battery_since - 8);
	n += (size_t)len - battery_since - 8;
	assert_int_equal(n, (size_t)len - 16);
	assert_int_equal(base_ustate_decode(v1, n, 1, &back), 0);
	assert_int_equal(back.win.top, 41);
	assert_int_equal(back.mains.seq, 40);
	assert_true(back.mains.raised);
	assert_int_equal(back.mains.since_ms, 0);
	assert_int_equal(back.battery.seq, 39);
	assert_int_equal(back.watch_since_ms, T0);
	/* Read as layout 2 it is refused whole. */
	assert_int_equal(base_ustate_decode(v1, n, BASE_USTATE_VERSION, &back), -EBADMSG);
}

static void unit_state_survives_bytes(void **state)
{
	(void)state;
	struct base_ustate s, back;
	base_ustate_init(&s, T0);
	proto_window_accept(&s.win, 41);
	proto_window_accept(&s.win, 44);
	assert_int_equal(base_ustate_channel(&s, "T1", true), 0);
	assert_int_equal(base_ustate_channel(&s, "T2", true), 1);
	assert_int_equal(base_ustate_channel(&s, "T1", false), 0);
	assert_int_equal(base_ustate_channel(&s, "T3", false), -ENOENT);
	assert_int_equal(base_ustate_find(&s, "t2"), 1);
	s.ch[1].level[PROTO_LEVEL_HIGH] = (struct base_level){44, true, T0 - 60000};
	s.mains = (struct base_level){40, true, T0 - 5000};
	s.ch[1].has_last = true;
	s.ch[1].last_c10 = -183;
	s.n_pending = 1;
	s.pending[0] = (struct base_pending){.cmd_id = 9,
					     .verb = BASE_PENDING_SET,
					     .by = "+15550003001",
					     .text = "SET T2 HIGH 8",
					     .sent_ms = T0};
	uint8_t buf[BASE_USTATE_BYTES];
	int len = base_ustate_encode(&s, buf, sizeof(buf));
	assert_true(len > 0);
	assert_int_equal(base_ustate_decode(buf, (size_t)len, BASE_USTATE_VERSION, &back), 0);
	assert_int_equal(back.win.top, 44);
	assert_int_equal(proto_window_check(&back.win, 41, NULL), -EALREADY);
	assert_int_equal(proto_window_check(&back.win, 42, NULL), 0);
	assert_string_equal(back.ch[1].name, "T2");
	assert_true(back.ch[1].level[PROTO_LEVEL_HIGH].raised);
	assert_int_equal(back.ch[1].level[PROTO_LEVEL_HIGH].since_ms, T0 - 60000);
	assert_int_equal(back.mains.since_ms, T0 - 5000);
	assert_int_equal(back.ch[1].last_c10, -183);
	assert_string_equal(back.pending[0].text, "SET T2 HIGH 8");
	assert_int_equal(back.watch_since_ms, T0);
	/* Cut anywhere, or a byte past the end, or a count out of range: refused whole. */
	for (int cut = 0; cut < len; cut++)
		assert_int_equal(base_ustate_decode(buf, (size_t)cut, BASE_USTATE_VERSION, &back), -EBADMSG);
	buf[len] = 0;
	assert_int_equal(base_ustate_decode(buf, (size_t)len + 1, BASE_USTATE_VERSION, &back), -EBADMSG);
	/* A layout this build does not know. */
	assert_int_equal(base_ustate_decode(buf, (size_t)len, BASE_USTATE_VERSION + 1, &back), -EBADMSG);
	assert_int_equal(base_ustate_decode(buf, (size_t)len, 0, &back), -EBADMSG);
	assert_int_equal(base_ustate_encode(&s, buf, 10), -ENOSPC);
	/* Nine channels do not fit. */
	for (int i = 2; i < 8; i++) {
		char name[4];
		snprintf(name, sizeof(name), "C%d", i);
		assert_int_equal(base_ustate_channel(&s, name, true), i);
	}
	assert_int_equal(base_ustate_channel(&s, "C9", true), -ENOSPC);
}

/* The unit's `channels` list puts its names first; names heard before keep their state. */
static void configured_channels_come_first(void **state)
{
	(void)state;
	struct base_ustate s;
	int16_t map[BASE_CHANNELS_MAX];
	base_ustate_init(&s, T0);
	base_ustate_channel(&s, "T2", true);
	base_ustate_channel(&s, "X", true);
	s.ch[0].level[PROTO_LEVEL_HIGH].raised = true;
	const char names[2][PROTO_CHANNEL_MAX] = {"T1", "T2"};
	assert_int_equal(base_ustate_seed(&s, names, 2, map), 0);
	assert_int_equal(s.n_channels, 3);
	assert_string_equal(s.ch[0].name, "T1");
	assert_string_equal(s.ch[1].name, "T2");
	assert_true(s.ch[1].level[PROTO_LEVEL_HIGH].raised);
	assert_string_equal(s.ch[2].name, "X");
	assert_int_equal(map[0], 1); /* T2 was 0, is 1 */
	assert_int_equal(map[1], 2); /* X was 1, is 2 */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_receipt_covers_the_delay),
		cmocka_unit_test(late_clear_never_closes_a_newer_alarm),
		cmocka_unit_test(critical_levels_in_any_order),
		cmocka_unit_test(a_new_excursion_behind_a_lost_clear),
		cmocka_unit_test(silence_counts_from_the_last_message),
		cmocka_unit_test(texts_go_to_ready_modems_in_turn),
		cmocka_unit_test(unit_state_survives_bytes),
		cmocka_unit_test(unit_state_of_layout_1_is_read),
		cmocka_unit_test(configured_channels_come_first),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
