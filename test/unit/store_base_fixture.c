/* The shared part of the base's store tests (store_base_fixture.h). */
#include "store_base_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

int base_setup(void **state)
{
	static struct store_fx fx;
	fx_setup(&fx, "base.db");
	*state = &fx;
	return 0;
}

int base_teardown(void **state)
{
	fx_teardown(*state);
	return 0;
}

struct store *open_base(struct store_fx *fx)
{
	struct store *s = NULL;
	assert_int_equal(fx_open(fx, STORE_KIND_BASE, false, &s), 0);
	return s;
}

void on_done(void *ud, int result, int64_t id)
{
	struct done *d = ud;
	d->calls++;
	d->result = result;
	d->id = id;
}

void write_batch(struct store *s, const struct store_base_batch *b, int want)
{
	struct done d = {0};
	store_base_write(s, b, on_done, &d);
	assert_int_equal(d.calls, 1);
	assert_int_equal(d.result, want);
}

static void on_claim(void *ud, int result, const struct store_sms_out *row, int64_t next_due_ms)
{
	struct claimed *c = ud;
	c->calls++;
	c->result = result;
	c->next_due = next_due_ms;
	if (row)
		c->row = *row;
}

struct claimed claim(struct store *s, int64_t now_ms)
{
	static struct claimed c;
	memset(&c, 0, sizeof(c));
	store_base_outbox_claim(s, now_ms, "modem0", on_claim, &c);
	assert_int_equal(c.calls, 1);
	return c;
}

struct store_sms_out text_to(const char *dest, const char *text, int64_t next_ms)
{
	struct store_sms_out m = {.incident_id = 3, .created_ms = T0, .next_ms = next_ms};
	snprintf(m.dest, sizeof(m.dest), "%s", dest);
	snprintf(m.text, sizeof(m.text), "%s", text);
	snprintf(m.kind, sizeof(m.kind), "alarm");
	return m;
}

struct store_incident incident(uint32_t id, const char *state, int64_t opened_ms)
{
	struct store_incident i = {.id = id,
				   .channel = 0,
				   .critical = false,
				   .has_value = true,
				   .value_c10 = 94,
				   .threshold_c10 = 80,
				   .since_ms = opened_ms - 300000,
				   .opened_ms = opened_ms,
				   .notified = 0x1,
				   .told = 0x3,
				   .acked_by = 1,
				   .acked_ms = opened_ms + 600000};
	snprintf(i.state, sizeof(i.state), "%s", state);
	snprintf(i.before_clear, sizeof(i.before_clear), "notified");
	snprintf(i.unit, sizeof(i.unit), "WH1");
	snprintf(i.channel_name, sizeof(i.channel_name), "T1");
	snprintf(i.kind, sizeof(i.kind), "high");
	return i;
}
