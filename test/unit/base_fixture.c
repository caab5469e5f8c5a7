/* The base daemon's test fixture (base_fixture.h). */
#include "base_fixture.h"

#include "sms_codec.h"
#include "store_view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const uint8_t *key_of(int unit)
{
	static uint8_t keys[2][PROTO_KEY_LEN];
	proto_key_parse(unit == 0 ? WH1_KEY : F2_KEY, keys[unit]);
	return keys[unit];
}

static int64_t fake_clock(void *user_data)
{
	return ((struct bfx *)user_data)->now_ms;
}

static void on_ready(void *user_data, int result)
{
	*(int *)user_data = result;
}

static void start(struct bfx *f)
{
	int ready = 1;
	assert_int_equal(
		store_open(&(struct store_open_cfg){.path = f->sfx.path, .kind = STORE_KIND_BASE}, &f->store),
		0);
	struct base_opts o = {
		.cfg = &f->cfg->u.base, .store = f->store, .wall_ms = fake_clock, .clock_data = f};
	assert_int_equal(base_new(&o, &f->base), 0);
	base_start(f->base, on_ready, &ready);
	assert_int_equal(ready, 0);
}

void bfx_setup(struct bfx *f, const char *extra)
{
	memset(f, 0, sizeof(*f));
	fx_setup(&f->sfx, "base.db");
	assert_int_equal(proto_init(), 0);
	char text[4096];
	snprintf(text, sizeof(text),
		 "base = { name = \"North\"; store = \"%s\"; silent_grace = \"10m\";\n"
		 "units = ( { id = \"WH1\"; number = \"" WH1_NUMBER "\"; key = \"" WH1_KEY
		 "\"; heartbeat = \"1h\"; },\n"
		 "  { id = \"F2\"; number = \"" F2_NUMBER "\"; key = \"" F2_KEY
		 "\"; heartbeat = \"1h\"; } );\n"
		 "contacts = ( { name = \"Alice\"; number = \"" ALICE "\"; role = \"admin\"; tier = 1; },\n"
		 "  { name = \"Bob\"; number = \"" BOB "\"; role = \"operator\"; tier = 2; },\n"
		 "  { name = \"Carol\"; number = \"" CAROL "\"; role = \"viewer\"; tier = 2; } );\n"
		 "escalation = { tier_delay = \"1m\"; repeat = \"0s\"; coalesce = \"0s\"; clear_settle = "
		 "\"1m\"; };\n"
		 "caps = { contact = 0; site = 0; };\n%s\n};\nmodem = { device = \"/dev/null\"; };\n",
		 f->sfx.path, extra ? extra : "");
	f->cfg = calloc(1, sizeof(*f->cfg));
	struct cfg_report rep = {0};
	if (m2_config_load_string(text, "t.conf", f->cfg, &rep) != 0)
		fail_msg("%s", rep.msg[0]);
	f->now_ms = T0_MS;
	f->seq[0] = f->seq[1] = 100;
	proto_window_init(&f->win[0]);
	proto_window_init(&f->win[1]);
	start(f);
}

void bfx_teardown(struct bfx *f)
{
	base_free(f->base);
	store_close(f->store);
	free(f->cfg);
	fx_teardown(&f->sfx);
}

void bfx_restart(struct bfx *f)
{
	base_free(f->base);
	store_close(f->store);
	start(f);
}

void bfx_advance(struct bfx *f, int64_t ms)
{
	int64_t until = f->now_ms + ms;
	/* Step through every moment the base has something due, as its timer would. */
	for (int guard = 0; guard < 10000; guard++) {
		int64_t next = base_next_ms(f->base);
		if (next > until)
			break;
		f->now_ms = next > f->now_ms ? next : f->now_ms;
		base_tick(f->base);
		if (base_next_ms(f->base) <= f->now_ms)
			f->now_ms++;
	}
	f->now_ms = until;
	base_tick(f->base);
}

static void on_stored(void *user_data, int result)
{
	struct bfx *f = user_data;
	f->last_stored = result;
	f->stored_calls++;
}

int bfx_make_pdus(const char *sender, const char *text, int64_t scts_ms, char pdus[][400], int max)
{
	struct sms_submit *sub = malloc(sizeof(*sub));
	struct sms_submit_opts opts = {.concat_ref = 7};
	assert_int_equal(sms_encode_submit(BASE_NUMBER, text, &opts, sub), 0);
	int64_t s = scts_ms / 1000;
	struct sms_time t = {.valid = true, .utc_s = s};
	time_t tt = (time_t)s;
	struct tm tm;
	gmtime_r(&tt, &tm);
	t.year = tm.tm_year + 1900;
	t.month = tm.tm_mon + 1;
	t.day = tm.tm_mday;
	t.hour = tm.tm_hour;
	t.minute = tm.tm_min;
	t.second = tm.tm_sec;
	int n = sub->part_count < max ? sub->part_count : max;
	for (int i = 0; i < n; i++) {
		int len;
		assert_int_equal(sms_deliver_from_submit(sub->parts[i].hex, sender, &t, pdus[i], 400, &len),
				 0);
	}
	free(sub);
	return n;
}

int bfx_pdu(struct bfx *f, const char *pdu)
{
	struct base_inbound in = {
		.pdu = pdu, .tpdu_len = -1, .modem = -1, .stored = on_stored, .user_data = f};
	int calls = f->stored_calls;
	base_sms_received(f->base, &in);
	assert_int_equal(f->stored_calls, calls + 1);
	return f->last_stored;
}

int bfx_sms(struct bfx *f, const char *sender, const char *text)
{
	char pdus[8][400];
	int n = bfx_make_pdus(sender, text, f->now_ms, pdus, 8);
	int rc = 0;
	for (int i = 0; i < n && rc == 0; i++)
		rc = bfx_pdu(f, pdus[i]);
	return rc;
}

void bfx_unit_text(struct bfx *f, int unit, struct proto_msg *m, char *out, size_t n)
{
	snprintf(m->head.unit, sizeof(m->head.unit), "%s", unit == 0 ? "WH1" : "F2");
	if (!m->head.seq)
		m->head.seq = f->seq[unit]++;
	if (!m->head.time_ms)
		m->head.time_ms = f->now_ms;
	assert_true(proto_encode(m, key_of(unit), 0, out, n) > 0);
}

uint32_t bfx_unit(struct bfx *f, int unit, struct proto_msg *m)
{
	char text[PROTO_TEXT_MAX];
	bfx_unit_text(f, unit, m, text, sizeof(text));
	assert_int_equal(bfx_sms(f, unit == 0 ? WH1_NUMBER : F2_NUMBER, text), 0);
	return m->head.seq;
}

uint32_t bfx_event(struct bfx *f, int unit, const char *channel, enum proto_level level, bool raised,
		   int32_t v10)
{
	struct proto_msg m = {.head.kind = raised ? PROTO_KIND_ALARM : PROTO_KIND_CLEAR};
	snprintf(m.u.event.channel, sizeof(m.u.event.channel), "%s", channel);
	m.u.event.level = level;
	m.u.event.has_value = true;
	m.u.event.value_c10 = v10;
	m.u.event.threshold_c10 = raised ? 80 : 75;
	m.u.event.since_ms = f->now_ms - 60000;
	return bfx_unit(f, unit, &m);
}

static void on_settled(void *user_data, int result, int64_t id)
{
	(void)id;
	assert_int_equal(result, 0);
	(void)user_data;
}

static void on_claim(void *user_data, int result, const struct store_sms_out *row, int64_t next_due_ms)
{
	struct bfx *f = user_data;
	(void)next_due_ms;
	f->last_stored = result;
	if (result < 0)
		return;
	struct base_text *t = &f->out[f->n_out++];
	snprintf(t->dest, sizeof(t->dest), "%s", row->dest);
	snprintf(t->text, sizeof(t->text), "%s", row->text);
	snprintf(t->kind, sizeof(t->kind), "%s", row->kind);
	t->possibly_duplicate = row->possibly_duplicate;
	struct store_sms_outcome o = {
		.id = row->id, .outcome = STORE_OUTCOME_SENT, .at_ms = f->now_ms, .n_parts = 1};
	store_base_outbox_outcome(f->store, &o, on_settled, f);
}

size_t bfx_take(struct bfx *f)
{
	f->n_out = 0;
	while (f->n_out < sizeof(f->out) / sizeof(f->out[0])) {
		f->last_stored = 0;
		store_base_outbox_claim(f->store, f->now_ms, "test", on_claim, f);
		if (f->last_stored < 0)
			break;
	}
	return f->n_out;
}

size_t bfx_to(const struct bfx *f, const char *dest, const char *needle)
{
	size_t n = 0;
	for (size_t i = 0; i < f->n_out; i++)
		n += strcmp(f->out[i].dest, dest) == 0 && (!needle || strstr(f->out[i].text, needle));
	return n;
}

const struct base_text *bfx_find(const struct bfx *f, const char *dest, const char *needle)
{
	for (size_t i = 0; i < f->n_out; i++)
		if (strcmp(f->out[i].dest, dest) == 0 && (!needle || strstr(f->out[i].text, needle)))
			return &f->out[i];
	return NULL;
}

int bfx_open_for_unit(struct bfx *f, int unit, const char *text, struct proto_msg *m)
{
	struct proto_error err;
	int rc = proto_open(text, strlen(text), key_of(unit), PROTO_DIR_BASE_TO_UNIT, m, &err);
	if (rc == 0 && proto_window_check(&f->win[unit], m->head.seq, NULL) == 0)
		proto_window_accept(&f->win[unit], m->head.seq);
	return rc;
}

struct ev_count {
	enum store_event_kind kind;
	const char *needle;
	int n;
};

static int count_event(void *user_data, const struct store_event *e)
{
	struct ev_count *c = user_data;
	c->n += e->kind == c->kind && (!c->needle || strstr(e->text, c->needle));
	return 0;
}

int bfx_events(struct bfx *f, enum store_event_kind kind, const char *needle)
{
	struct ev_count c = {kind, needle, 0};
	assert_int_equal(store_view_events(f->store, NULL, 0, count_event, &c), 0);
	return c.n;
}

static void count_rows(void *user_data, int result, const struct store_inbox_sms *rows, size_t n)
{
	(void)rows;
	*(int *)user_data = result < 0 ? result : (int)n;
}

int bfx_inbox_new(struct bfx *f)
{
	int n = 0;
	store_base_inbox_pending(f->store, 0, 1000, count_rows, &n);
	return n;
}
