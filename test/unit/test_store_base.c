/* The base's store on real SQLite files: the inbox recognises a message it already has
 * after a restart, multipart parts come back whole, the outbox is claimed once and settled
 * by outcome and report, the alarm engine's state comes back as it was saved, and the
 * views the tools read give what was written, in order. */
#include "store_base_fixture.h"
#include "store_view.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#define HOUR  3600000LL
#define PDU_A "07915155000000F0040B915155001020F000006211031254238005E8329BFD06"

static struct store *reopen(struct store_fx *fx, struct store *s)
{
	store_close(s);
	return open_base(fx);
}

/* ---- callbacks that record what they were given ---- */

struct inbox_rows {
	int result;
	size_t n;
	struct store_inbox_sms rows[8];
};

static void on_inbox(void *ud, int result, const struct store_inbox_sms *rows, size_t n)
{
	struct inbox_rows *r = ud;
	r->result = result;
	r->n = n;
	for (size_t i = 0; i < n && i < 8; i++)
		r->rows[i] = rows[i];
}

static struct store_inbox_sms sms(const char *pdu, const char *sender, int64_t scts_ms)
{
	struct store_inbox_sms m = {.scts_ms = scts_ms, .received_ms = T0, .total = 1, .part = 1};
	snprintf(m.pdu_hex, sizeof(m.pdu_hex), "%s", pdu);
	snprintf(m.sender, sizeof(m.sender), "%s", sender);
	snprintf(m.modem, sizeof(m.modem), "modem0");
	return m;
}

static int add(struct store *s, const struct store_inbox_sms *m, int64_t *id)
{
	struct done d = {0};
	store_base_inbox_add(s, m, on_done, &d);
	assert_int_equal(d.calls, 1);
	*id = d.id;
	return d.result;
}

static void a_duplicate_pdu_is_recognised_after_reopening(void **state)
{
	struct store_fx *fx = *state;
	struct store *s = open_base(fx);
	struct store_inbox_sms m = sms(PDU_A, "+15550002001", T0 - 5000);
	int64_t id = 0, id2 = 0;
	assert_int_equal(add(s, &m, &id), 0);
	assert_true(id > 0);
	s = reopen(fx, s);
	/* The same message handed over again, its hex in lower case, from another modem. */
	struct store_inbox_sms again = sms(PDU_A, "+15550002001", T0 - 5000);
	for (char *p = again.pdu_hex; *p; p++)
		*p = (char)(*p >= 'A' && *p <= 'F' ? *p - 'A' + 'a' : *p);
	snprintf(again.modem, sizeof(again.modem), "modem1");
	assert_int_equal(add(s, &again, &id2), STORE_DUPLICATE);
	assert_int_equal(id2, id);
	/* Another SMSC time is another message. */
	struct store_inbox_sms other = sms(PDU_A, "+15550002001", T0 - 4000);
	assert_int_equal(add(s, &other, &id2), 0);
	assert_true(id2 > id);
	struct store_inbox_sms bad = sms("", "+1555", T0);
	assert_int_equal(add(s, &bad, &id2), -EINVAL);
	struct inbox_rows r = {0};
	store_base_inbox_pending(s, 0, 8, on_inbox, &r);
	assert_int_equal(r.result, 0);
	assert_int_equal(r.n, 2);
	assert_string_equal(r.rows[0].pdu_hex, PDU_A);
	assert_string_equal(r.rows[0].modem, "modem0");
	assert_int_equal(r.rows[0].scts_ms, T0 - 5000);
	assert_int_equal(r.rows[0].state, STORE_INBOX_NEW);
	store_close(s);
}

static void multipart_parts_come_back_whole_after_a_restart(void **state)
{
	struct store_fx *fx = *state;
	struct store *s = open_base(fx);
	int64_t id = 0;
	/* Parts 3 and 1 of a three-part message, and part 1 of a two-part one. */
	const char *pdus[] = {"0011AA03", "0011AA01", "0022BB01"};
	const uint8_t part[] = {3, 1, 1}, total[] = {3, 3, 2};
	const uint16_t ref[] = {17, 17, 18};
	for (int i = 0; i < 3; i++) {
		struct store_inbox_sms m = sms(pdus[i], "+15550002001", T0 + i);
		m.ref = ref[i];
		m.total = total[i];
		m.part = part[i];
		assert_int_equal(add(s, &m, &id), 0);
	}
	struct inbox_rows r = {0};
	store_base_inbox_complete(s, 8, on_inbox, &r);
	assert_int_equal(r.result, 0);
	assert_int_equal(r.n, 0);
	s = reopen(fx, s);
	struct store_inbox_sms p2 = sms("0011AA02", "+15550002001", T0 + 9);
	p2.ref = 17;
	p2.total = 3;
	p2.part = 2;
	assert_int_equal(add(s, &p2, &id), 0);
	store_base_inbox_complete(s, 8, on_inbox, &r);
	assert_int_equal(r.result, 0);
	assert_int_equal(r.n, 3);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(r.rows[i].part, i + 1);
		assert_int_equal(r.rows[i].ref, 17);
	}
	/* A limit that would cut the message gives none of it. */
	store_base_inbox_complete(s, 2, on_inbox, &r);
	assert_int_equal(r.result, -ENOBUFS);
	/* Marked processed by its key, the message is no longer pending; the other stays. */
	struct store_inbox_mark mark = {
		.sender = "+15550002001", .ref = 17, .total = 3, .state = STORE_INBOX_PROCESSED};
	write_batch(s, &(struct store_base_batch){.marks = &mark, .n_marks = 1}, 0);
	s = reopen(fx, s);
	store_base_inbox_pending(s, 0, 8, on_inbox, &r);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.rows[0].pdu_hex, "0022BB01");
	store_close(s);
}

struct units_rows {
	int result;
	size_t n;
	struct store_unit_proto rows[4];
};

static void on_units(void *ud, int result, const struct store_unit_proto *rows, size_t n)
{
	struct units_rows *u = ud;
	u->result = result;
	u->n = n;
	for (size_t i = 0; i < n && i < 4; i++)
		u->rows[i] = rows[i];
}

struct seq_got {
	int result;
	uint32_t seq;
};

static void on_seq(void *ud, int result, uint32_t seq)
{
	struct seq_got *g = ud;
	g->result = result;
	g->seq = seq;
}

static uint32_t next_seq(struct store *s, const char *unit)
{
	struct seq_got g = {.result = 99};
	store_base_seq_next(s, unit, on_seq, &g);
	assert_int_equal(g.result, 0);
	return g.seq;
}

static void unit_state_and_sequence_numbers_survive_a_restart(void **state)
{
	struct store_fx *fx = *state;
	struct store *s = open_base(fx);
	assert_int_equal(next_seq(s, "WH1"), 1);
	assert_int_equal(next_seq(s, "WH1"), 2);
	assert_int_equal(next_seq(s, "WH2"), 1);
	struct store_unit_proto u = {.unit = "WH1",
				     .window_version = 2,
				     .window_size = 16,
				     .last_heard_ms = T0,
				     .last_seq = 41,
				     .clock_offset_ms = -2500};
	for (int i = 0; i < 16; i++)
		u.window[i] = (uint8_t)(0xA0 + i);
	write_batch(s, &(struct store_base_batch){.units = &u, .n_units = 1}, 0);
	s = reopen(fx, s);
	assert_int_equal(next_seq(s, "WH1"), STORE_SEQ_BLOCK + 1);
	assert_int_equal(next_seq(s, "WH2"), STORE_SEQ_BLOCK + 1);
	struct units_rows r = {0};
	store_base_units_load(s, on_units, &r);
	assert_int_equal(r.result, 0);
	assert_int_equal(r.n, 2);
	assert_string_equal(r.rows[0].unit, "WH1");
	assert_int_equal(r.rows[0].window_size, 16);
	assert_memory_equal(r.rows[0].window, u.window, 16);
	assert_int_equal(r.rows[0].last_seq, 41);
	assert_int_equal(r.rows[0].clock_offset_ms, -2500);
	assert_int_equal(r.rows[1].window_size, 0);
	store_close(s);
}

/* ---- views ---- */

struct collected {
	size_t n;
	struct store_reading r[64];
	struct store_event e[16];
	struct store_view_unit u[4];
	struct store_view_incident inc[4];
	int stop_after;
};

static int take_reading(void *ud, const struct store_reading *r)
{
	struct collected *c = ud;
	if (c->n < 64)
		c->r[c->n] = *r;
	c->n++;
	return c->stop_after && (int)c->n >= c->stop_after;
}

static int take_event(void *ud, const struct store_event *e)
{
	struct collected *c = ud;
	if (c->n < 16)
		c->e[c->n] = *e;
	c->n++;
	return 0;
}

static int take_unit(void *ud, const struct store_view_unit *u)
{
	struct collected *c = ud;
	if (c->n < 4)
		c->u[c->n] = *u;
	c->n++;
	return 0;
}

static int take_incident(void *ud, const struct store_view_incident *vi)
{
	struct collected *c = ud;
	if (c->n < 4)
		c->inc[c->n] = *vi;
	c->n++;
	return 0;
}

static struct store_reading reading(const char *unit, const char *ch, int64_t t_ms, int32_t c10)
{
	struct store_reading r = {.t_ms = t_ms, .temp_c10 = c10, .received_ms = t_ms + 1000, .seq = 7};
	snprintf(r.unit, sizeof(r.unit), "%s", unit);
	snprintf(r.channel, sizeof(r.channel), "%s", ch);
	return r;
}

/* A little history of two units, written by the daemon, then opened read-only as the tools do. */
static struct store *write_history(struct store_fx *fx)
{
	struct store *s = open_base(fx);
	struct store_reading rd[] = {
		reading("WH1", "T1", T0 + 2 * HOUR, 52),
		reading("WH1", "T1", T0, 40),
		reading("WH1", "T2", T0 + HOUR, -180),
		reading("WH1", "T1", T0 + HOUR, 45),
		reading("WH2", "T1", T0, 20),
		reading("WH1", "T1", T0, 99), /* again: kept once */
	};
	rd[2].fault = true;
	struct store_event ev[] = {
		{.t_ms = T0 + HOUR,
		 .kind = STORE_EVENT_ALARM,
		 .unit = "WH1",
		 .channel = "T1",
		 .incident_id = 3,
		 .has_value = true,
		 .value_c10 = 94,
		 .text = "WH1 ALARM T1 9.4C above 8.0C"},
		{.t_ms = T0 + 2 * HOUR,
		 .kind = STORE_EVENT_ACK,
		 .unit = "WH1",
		 .incident_id = 3,
		 .actor = "+15550003002",
		 .text = "Bob"},
		{.t_ms = T0, .kind = STORE_EVENT_FORGED, .unit = "WH2", .text = "bad tag"},
	};
	write_batch(s,
		    &(struct store_base_batch){.readings = rd, .n_readings = 6, .events = ev, .n_events = 3},
		    0);
	store_close(s);
	assert_int_equal(fx_open(fx, STORE_KIND_BASE, true, &s), 0);
	return s;
}

static void readings_are_read_back_in_time_order(void **state)
{
	struct store *s = write_history(*state);
	struct collected c = {0};
	assert_int_equal(store_view_history(s, "WH1", "T1", 0, 0, take_reading, &c), 0);
	assert_int_equal(c.n, 3);
	assert_int_equal(c.r[0].t_ms, T0);
	assert_int_equal(c.r[0].temp_c10, 40);
	assert_int_equal(c.r[0].received_ms, T0 + 1000);
	assert_int_equal(c.r[2].temp_c10, 52);
	memset(&c, 0, sizeof(c));
	assert_int_equal(store_view_history(s, "WH1", NULL, T0 + HOUR, T0 + 2 * HOUR, take_reading, &c), 0);
	assert_int_equal(c.n, 2);
	assert_string_equal(c.r[0].channel, "T1");
	assert_string_equal(c.r[1].channel, "T2");
	assert_true(c.r[1].fault);
	memset(&c, 0, sizeof(c));
	c.stop_after = 1;
	assert_int_equal(store_view_history(s, "WH1", "", 0, 0, take_reading, &c), 0);
	assert_int_equal(c.n, 1);
	memset(&c, 0, sizeof(c));
	assert_int_equal(store_view_latest(s, NULL, take_reading, &c), 0);
	assert_int_equal(c.n, 3);
	assert_int_equal(c.r[0].t_ms, T0 + 2 * HOUR);
	assert_string_equal(c.r[1].channel, "T2");
	assert_string_equal(c.r[2].unit, "WH2");
	memset(&c, 0, sizeof(c));
	assert_int_equal(store_view_units(s, take_unit, &c), 0);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.u[0].channels, 2);
	assert_int_equal(c.u[0].last_reading_ms, T0 + 2 * HOUR);
	store_close(s);
}

static void events_are_read_back_by_time_and_unit(void **state)
{
	struct store *s = write_history(*state);
	struct collected c = {0};
	assert_int_equal(store_view_events(s, NULL, T0 + 1, take_event, &c), 0);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.e[0].kind, STORE_EVENT_ALARM);
	assert_true(c.e[0].has_value);
	assert_int_equal(c.e[0].value_c10, 94);
	assert_string_equal(c.e[1].actor, "+15550003002");
	memset(&c, 0, sizeof(c));
	assert_int_equal(store_view_events(s, "WH2", 0, take_event, &c), 0);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.e[0].kind, STORE_EVENT_FORGED);
	memset(&c, 0, sizeof(c));
	assert_int_equal(store_view_events_latest(s, NULL, 2, take_event, &c), 0);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.e[0].kind, STORE_EVENT_ACK);
	store_close(s);
}

/* ---- outbox ---- */

static int settle(struct store *s, const struct store_sms_outcome *o)
{
	struct done d = {0};
	store_base_outbox_outcome(s, o, on_done, &d);
	assert_int_equal(d.calls, 1);
	return d.result;
}

struct out_rows {
	int result;
	size_t n;
	struct store_sms_out rows[4];
};

static void on_out(void *ud, int result, const struct store_sms_out *rows, size_t n)
{
	struct out_rows *o = ud;
	o->result = result;
	o->n = n;
	for (size_t i = 0; i < n && i < 4; i++)
		o->rows[i] = rows[i];
}

static void outbox_rows_are_claimed_once_and_settled(void **state)
{
	struct store_fx *fx = *state;
	struct store *s = open_base(fx);
	struct store_sms_out texts[] = {
		text_to("+15550003001", "ALARM WH1 T1 9.4C. Reply ACK 3", T0),
		text_to("+15550003002", "ALARM WH1 T1 9.4C. Reply ACK 3", T0 + 600000)};
	write_batch(s, &(struct store_base_batch){.outbox = texts, .n_outbox = 2}, 0);
	struct claimed c = claim(s, T0);
	assert_int_equal(c.result, 0);
	assert_string_equal(c.row.dest, "+15550003001");
	assert_int_equal(c.row.state, STORE_OUT_SENDING);
	assert_int_equal(c.row.attempts, 1);
	assert_string_equal(c.row.modem, "modem0");
	int64_t first = c.row.id;
	/* Nothing else is due yet: when the next one is. */
	c = claim(s, T0);
	assert_int_equal(c.result, -ENOENT);
	assert_int_equal(c.next_due, T0 + 600000);
	/* The send timed out: it may have gone. */
	struct store_sms_outcome o = {.id = first,
				      .outcome = STORE_OUTCOME_UNKNOWN,
				      .next_ms = T0 + 30000,
				      .error = "cmgs_timeout"};
	assert_int_equal(settle(s, &o), 0);
	assert_int_equal(settle(s, &o), -EALREADY);
	c = claim(s, T0 + 30000);
	assert_int_equal(c.result, 0);
	assert_int_equal(c.row.id, first);
	assert_true(c.row.possibly_duplicate);
	assert_int_equal(c.row.attempts, 2);
	o = (struct store_sms_outcome){.id = first,
				       .outcome = STORE_OUTCOME_SENT,
				       .at_ms = T0 + 31000,
				       .n_parts = 2,
				       .mr = {41, 42}};
	assert_int_equal(settle(s, &o), 0);
	struct done d = {0};
	store_base_outbox_report(s, first, STORE_REPORT_DELIVERED, T0 + 40000, on_done, &d);
	assert_int_equal(d.result, 0);
	store_base_outbox_report(s, first, STORE_REPORT_FAILED, T0 + 50000, on_done, &d);
	assert_int_equal(d.result, -EALREADY);
	s = reopen(fx, s);
	struct out_rows got = {0};
	store_base_outbox_get(s, first, on_out, &got);
	assert_int_equal(got.result, 0);
	assert_int_equal(got.rows[0].state, STORE_OUT_SENT);
	assert_int_equal(got.rows[0].n_parts, 2);
	assert_int_equal(got.rows[0].mr[1], 42);
	assert_int_equal(got.rows[0].report, STORE_REPORT_DELIVERED);
	assert_int_equal(got.rows[0].report_ms, T0 + 40000);
	assert_true(got.rows[0].possibly_duplicate);
	store_base_outbox_get(s, 999, on_out, &got);
	assert_int_equal(got.result, -ENOENT);
	store_close(s);
}

static void a_send_cut_by_a_crash_is_resent_as_possibly_duplicate(void **state)
{
	struct store_fx *fx = *state;
	struct store *s = open_base(fx);
	struct store_sms_out texts[] = {text_to("+15550003001", "ALARM one", T0),
					text_to("+15550003002", "ALARM two", T0)};
	write_batch(s, &(struct store_base_batch){.outbox = texts, .n_outbox = 2}, 0);
	struct claimed c = claim(s, T0);
	int64_t sending = c.row.id;
	c = claim(s, T0);
	struct store_sms_outcome o = {
		.id = c.row.id, .outcome = STORE_OUTCOME_SENT, .at_ms = T0 + 5, .n_parts = 1, .mr = {9}};
	assert_int_equal(settle(s, &o), 0);
	s = reopen(fx, s); /* the crash: `sending` was with the modem */
	struct done d = {0};
	store_base_outbox_recover(s, T0 + HOUR, on_done, &d);
	assert_int_equal(d.result, 0);
	assert_int_equal(d.id, 1);
	c = claim(s, T0 + HOUR);
	assert_int_equal(c.result, 0);
	assert_int_equal(c.row.id, sending);
	assert_true(c.row.possibly_duplicate);
	/* The one sent awaits its report: register it with the report tracker again. */
	struct out_rows aw = {0};
	store_base_outbox_awaiting(s, T0, 0, 4, on_out, &aw);
	assert_int_equal(aw.result, 0);
	assert_int_equal(aw.n, 1);
	assert_int_equal(aw.rows[0].mr[0], 9);
	assert_int_equal(aw.rows[0].sent_ms, T0 + 5);
	store_base_outbox_awaiting(s, T0 + 6, 0, 4, on_out, &aw);
	assert_int_equal(aw.n, 0);
	store_close(s);
}

/* ---- the alarm engine's state ---- */

struct engine_got {
	int result;
	struct store_incident inc[4];
	size_t n_inc;
	struct store_mute mutes[4];
	size_t n_mutes;
	struct store_contact contacts[4];
	size_t n_contacts;
	bool have_counters;
	uint8_t counters[64];
	uint32_t next_id;
};

static void on_engine(void *ud, int result, const struct store_engine_state *st)
{
	struct engine_got *g = ud;
	memset(g, 0, sizeof(*g));
	g->result = result;
	if (!st)
		return;
	for (size_t i = 0; i < st->n_incidents && i < 4; i++)
		g->inc[g->n_inc++] = st->incidents[i];
	for (size_t i = 0; i < st->n_mutes && i < 4; i++)
		g->mutes[g->n_mutes++] = st->mutes[i];
	for (size_t i = 0; i < st->n_contacts && i < 4; i++)
		g->contacts[g->n_contacts++] = st->contacts[i];
	g->have_counters = st->counters != NULL;
	if (st->counters)
		memcpy(g->counters, st->counters, st->counters_size);
	g->next_id = st->next_incident_id;
}

/* Saves two incidents, a mute, the call list and counters, then closes incident 3. */
static void save_engine(struct store *s)
{
	struct store_incident inc[] = {incident(3, "acked", T0), incident(4, "notified", T0 + HOUR)};
	struct store_mute mute = {.unit = "WH2", .channel = -1, .until_ms = T0 + 2 * HOUR};
	struct store_contact people[] = {{.number = "+15550003001", .name = "Alice"},
					 {.number = "+15550003002", .name = "Bob"}};
	static const uint8_t counters[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
	struct store_engine_state save = {.incidents = inc,
					  .n_incidents = 2,
					  .mutes_set = true,
					  .mutes = &mute,
					  .n_mutes = 1,
					  .contacts_set = true,
					  .contacts = people,
					  .n_contacts = 2,
					  .counters_version = 1,
					  .counters = counters,
					  .counters_size = 16,
					  .next_incident_id = 5};
	write_batch(s, &(struct store_base_batch){.engine = &save}, 0);
	/* Incident 3 closes; its record stays for the alarm periods. */
	struct store_incident closed = incident(3, "closed", T0);
	closed.cleared_ms = T0 + HOUR;
	closed.closed_ms = T0 + HOUR + 120000;
	write_batch(s,
		    &(struct store_base_batch){
			    .engine = &(struct store_engine_state){.incidents = &closed, .n_incidents = 1}},
		    0);
}

static const uint8_t saved_counters[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

static void the_engine_state_comes_back_as_saved(void **state)
{
	struct store_fx *fx = *state;
	struct store *s = open_base(fx);
	struct engine_got g;
	store_base_engine_load(s, 1, 16, on_engine, &g);
	assert_int_equal(g.result, 0);
	assert_int_equal(g.n_inc, 0);
	assert_int_equal(g.next_id, 1);
	assert_false(g.have_counters);

	save_engine(s);
	s = reopen(fx, s);
	store_base_engine_load(s, 1, 16, on_engine, &g);
	assert_int_equal(g.result, 0);
	assert_int_equal(g.n_inc, 1);
	assert_int_equal(g.inc[0].id, 4);
	assert_string_equal(g.inc[0].state, "notified");
	assert_int_equal(g.inc[0].told, 0x3);
	assert_int_equal(g.inc[0].acked_by, 1);
	assert_int_equal(g.inc[0].since_ms, T0 + HOUR - 300000);
	assert_int_equal(g.n_mutes, 1);
	assert_int_equal(g.mutes[0].channel, -1);
	assert_int_equal(g.mutes[0].until_ms, T0 + 2 * HOUR);
	assert_int_equal(g.n_contacts, 2);
	assert_string_equal(g.contacts[1].number, "+15550003002");
	assert_true(g.have_counters);
	assert_memory_equal(g.counters, saved_counters, 16);
	assert_int_equal(g.next_id, 5);
	/* Counters of another layout are not given back. */
	store_base_engine_load(s, 2, 16, on_engine, &g);
	assert_false(g.have_counters);
	store_base_engine_load(s, 1, 20, on_engine, &g);
	assert_false(g.have_counters);

	store_close(s);
}

static void incidents_are_shown_with_the_people_they_name(void **state)
{
	struct store *s = open_base(*state);
	save_engine(s);
	struct collected c = {0};
	assert_int_equal(store_view_incidents_open(s, take_incident, &c), 0);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.inc[0].inc.id, 4);
	assert_string_equal(c.inc[0].acked_by.name, "Bob");
	assert_int_equal(c.inc[0].n_told, 2);
	assert_string_equal(c.inc[0].told[0].name, "Alice");
	memset(&c, 0, sizeof(c));
	assert_int_equal(
		store_view_incidents_between(s, "WH1", "T1", T0 + HOUR + 60000, 0, take_incident, &c), 0);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.inc[0].inc.closed_ms, T0 + HOUR + 120000);
	memset(&c, 0, sizeof(c));
	assert_int_equal(store_view_incidents_between(s, "WH1", NULL, T0 + 3 * HOUR, 0, take_incident, &c),
			 0);
	assert_int_equal(c.n, 1);
	store_close(s);
}

static void a_batch_with_a_bad_part_writes_nothing(void **state)
{
	struct store_fx *fx = *state;
	struct store *s = open_base(fx);
	struct store_reading rd = reading("WH1", "T1", T0, 40);
	struct store_event ev = {.t_ms = T0, .kind = STORE_EVENT_CLEAR, .unit = "WH1", .text = "clear"};
	struct store_sms_out out = text_to("+15550003001", "All clear", T0);
	struct store_inbox_mark mark = {.id = 12345, .state = STORE_INBOX_PROCESSED};
	write_batch(s,
		    &(struct store_base_batch){.marks = &mark,
					       .n_marks = 1,
					       .readings = &rd,
					       .n_readings = 1,
					       .events = &ev,
					       .n_events = 1,
					       .outbox = &out,
					       .n_outbox = 1},
		    -ENOENT);
	struct store_event bad = {.t_ms = T0, .kind = STORE_EVENT_OTHER};
	memset(bad.text, 'x', sizeof(bad.text));
	write_batch(
		s,
		&(struct store_base_batch){.readings = &rd, .n_readings = 1, .events = &bad, .n_events = 1},
		-EMSGSIZE);
	s = reopen(fx, s);
	struct collected c = {0};
	assert_int_equal(store_view_history(s, "WH1", "T1", 0, 0, take_reading, &c), 0);
	assert_int_equal(c.n, 0);
	assert_int_equal(store_view_events(s, NULL, 0, take_event, &c), 0);
	assert_int_equal(c.n, 0);
	struct claimed cl = claim(s, T0);
	assert_int_equal(cl.result, -ENOENT);
	assert_true(cl.next_due == INT64_MAX);
	store_close(s);
}

/* The display's "anything new?": a reader's token moves when the writer commits, and only
 * then. */
static void a_reader_sees_the_version_move_when_the_writer_commits(void **state)
{
	struct store_fx *fx = *state;
	struct store *w = open_base(fx);
	struct store *r = NULL;
	assert_int_equal(fx_open(fx, STORE_KIND_BASE, true, &r), 0);
	uint64_t v0, v1, v2;
	assert_int_equal(store_view_version(r, &v0), 0);
	assert_int_equal(store_view_version(r, &v1), 0);
	assert_true(v0 == v1);
	struct store_reading rd = reading("WH1", "T1", T0, 40);
	write_batch(w, &(struct store_base_batch){.readings = &rd, .n_readings = 1}, 0);
	assert_int_equal(store_view_version(r, &v2), 0);
	assert_true(v2 != v1);
	assert_int_equal(store_view_version(r, &v1), 0);
	assert_true(v1 == v2);
	store_close(r);
	store_close(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(a_duplicate_pdu_is_recognised_after_reopening, base_setup,
						base_teardown),
		cmocka_unit_test_setup_teardown(multipart_parts_come_back_whole_after_a_restart, base_setup,
						base_teardown),
		cmocka_unit_test_setup_teardown(unit_state_and_sequence_numbers_survive_a_restart, base_setup,
						base_teardown),
		cmocka_unit_test_setup_teardown(readings_are_read_back_in_time_order, base_setup,
						base_teardown),
		cmocka_unit_test_setup_teardown(events_are_read_back_by_time_and_unit, base_setup,
						base_teardown),
		cmocka_unit_test_setup_teardown(outbox_rows_are_claimed_once_and_settled, base_setup,
						base_teardown),
		cmocka_unit_test_setup_teardown(a_send_cut_by_a_crash_is_resent_as_possibly_duplicate,
						base_setup, base_teardown),
		cmocka_unit_test_setup_teardown(the_engine_state_comes_back_as_saved, base_setup,
						base_teardown),
		cmocka_unit_test_setup_teardown(incidents_are_shown_with_the_people_they_name, base_setup,
						base_teardown),
		cmocka_unit_test_setup_teardown(a_batch_with_a_bad_part_writes_nothing, base_setup,
						base_teardown),
		cmocka_unit_test_setup_teardown(a_reader_sees_the_version_move_when_the_writer_commits,
						base_setup, base_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
