/* The incident engine tests' fixture (alert_fixture.h). */
#include "alert_fixture.h"

void sink(const struct alert_action *action, void *user_data)
{
	struct fx *f = user_data;
	assert_true(f->n < 512);
	struct act *a = &f->a[f->n++];
	memset(a, 0, sizeof(*a));
	a->kind = action->kind;
	a->id = action->incident_id;
	a->from = action->from;
	a->to = action->to;
	a->msg = action->msg;
	a->contact = action->contact ? action->contact_idx : -1;
	if (action->kind == ALERT_ACTION_SMS) {
		if (alert_text_check(action->text) != 0)
			fail_msg("not one GSM 7-bit SMS ending with a reply: \"%s\"", action->text);
		snprintf(a->text, sizeof(a->text), "%s", action->text);
		a->n_ids = action->n_ids < 16 ? action->n_ids : 16;
		if (a->n_ids)
			memcpy(a->ids, action->ids, a->n_ids * sizeof(uint32_t));
	}
	if (action->kind == ALERT_ACTION_DROP)
		snprintf(a->reason, sizeof(a->reason), "%s", action->reason);
}

void add_contact(struct alert_policy *p, const char *name, const char *number, enum alert_role role,
		 uint8_t tier)
{
	struct alert_contact *c = &p->contacts[p->n_contacts++];
	snprintf(c->name, sizeof(c->name), "%s", name);
	snprintf(c->number, sizeof(c->number), "%s", number);
	c->role = role;
	c->tier = tier;
}

int setup(void **state)
{
	static struct fx f;
	memset(&f, 0, sizeof(f));
	alert_policy_default(&f.p);
	snprintf(f.p.site, sizeof(f.p.site), "Dairy");
	add_contact(&f.p, "Anna", ANNA, ALERT_ROLE_ADMIN, 1);
	add_contact(&f.p, "Ben", BEN, ALERT_ROLE_OPERATOR, 2);
	add_contact(&f.p, "Cleo", CLEO, ALERT_ROLE_OPERATOR, 3);
	add_contact(&f.p, "Dan", DAN, ALERT_ROLE_VIEWER, 1);
	f.p.n_tiers = 3;
	f.p.tier_delay_s[0] = 10 * 60;
	f.p.tier_delay_s[1] = 20 * 60;
	f.p.repeat_s = 30 * 60;
	f.p.coalesce_s = 60;
	f.p.clear_settle_s = 5 * 60;
	f.p.cap_contact = 0;
	f.p.cap_site = 0;
	*state = &f;
	return 0;
}

void build(struct fx *f)
{
	const char *why = NULL;
	if (alert_policy_check(&f->p, &why) != 0)
		fail_msg("policy: %s", why);
	f->e = alert_engine_new(&f->p, 64, 17, sink, f);
	assert_non_null(f->e);
}

int teardown(void **state)
{
	struct fx *f = *state;
	alert_engine_free(f->e);
	return 0;
}

struct alert_report high(const char *unit, int16_t ch, int32_t v, int64_t since)
{
	return (struct alert_report){.unit = unit,
				     .channel = ch,
				     .kind = ALERT_KIND_HIGH,
				     .has_value = true,
				     .value_c10 = v,
				     .threshold_c10 = 80,
				     .since_ms = since};
}

/* Texts sent since the last call: a bitmask of contacts, and the count. */
size_t take_sms(struct fx *f, uint32_t *who, enum alert_msg msg)
{
	size_t n = 0;
	*who = 0;
	for (; f->seen < f->n; f->seen++) {
		const struct act *a = &f->a[f->seen];
		if (a->kind == ALERT_ACTION_SMS && a->msg == msg) {
			*who |= 1u << a->contact;
			n++;
		}
	}
	return n;
}

const struct act *last_sms(const struct fx *f, int contact)
{
	for (size_t i = f->n; i-- > 0;)
		if (f->a[i].kind == ALERT_ACTION_SMS && f->a[i].contact == contact)
			return &f->a[i];
	return NULL;
}

void tick_to(struct fx *f, int64_t to)
{
	alert_engine_tick(f->e, to);
}
