/* Notification policy: defaults, the consistency check run before an engine is built, and
 * daily spans of local time. */
#include "alert_policy.h"

#include <errno.h>
#include <string.h>

const char *alert_role_str(enum alert_role role)
{
	switch (role) {
	case ALERT_ROLE_ADMIN:
		return "admin";
	case ALERT_ROLE_OPERATOR:
		return "operator";
	case ALERT_ROLE_VIEWER:
		return "viewer";
	}
	return "?";
}

void alert_policy_default(struct alert_policy *p)
{
	*p = (struct alert_policy){
		.site = "m2mon",
		.tier_delay_s = {15 * 60, 30 * 60},
		.n_tiers = 2,
		.repeat_s = 60 * 60,
		.coalesce_s = 2 * 60,
		.clear_settle_s = 10 * 60,
		.all_clear = true,
		.cap_contact = 30,
		.cap_site = 200,
	};
}

bool alert_span_contains(const struct alert_span *span, unsigned min)
{
	if (!span->enabled || span->start_min == span->end_min)
		return false;
	if (span->start_min < span->end_min)
		return min >= span->start_min && min < span->end_min;
	return min >= span->start_min || min < span->end_min;
}

static int fail(const char **why, const char *what)
{
	if (why)
		*why = what;
	return -EINVAL;
}

static int check_contacts(const struct alert_policy *p, const char **why)
{
	bool can_ack = false, tier_used[ALERT_TIERS_MAX] = {false};
	for (size_t i = 0; i < p->n_contacts; i++) {
		const struct alert_contact *c = &p->contacts[i];
		if (!c->name[0] || !c->number[0])
			return fail(why, "every contact needs a name and a number");
		if (c->tier < 1 || c->tier > p->n_tiers)
			return fail(why, "a contact's tier must be between 1 and the number of tiers");
		if (c->quiet.start_min >= 1440 || c->quiet.end_min >= 1440)
			return fail(why, "quiet hours are minutes of the day, below 1440");
		for (size_t j = 0; j < i; j++)
			if (strcmp(p->contacts[j].number, c->number) == 0)
				return fail(why, "two contacts share a number");
		tier_used[c->tier - 1] = true;
		can_ack |= c->role != ALERT_ROLE_VIEWER;
	}
	if (!can_ack)
		return fail(why, "no contact may acknowledge: add an admin or operator");
	for (size_t t = 0; t < p->n_tiers; t++)
		if (!tier_used[t])
			return fail(why, "a tier has no contact");
	return 0;
}

int alert_policy_check(const struct alert_policy *p, const char **why)
{
	if (!p->site[0])
		return fail(why, "the site needs a name");
	if (p->n_contacts == 0 || p->n_contacts > ALERT_CONTACTS_MAX)
		return fail(why, "between 1 and 32 contacts");
	if (p->n_tiers == 0 || p->n_tiers > ALERT_TIERS_MAX)
		return fail(why, "between 1 and 8 tiers");
	if (p->n_windows > ALERT_WINDOWS_MAX)
		return fail(why, "at most 16 maintenance windows");
	for (size_t i = 0; i < p->n_windows; i++) {
		const struct alert_window *w = &p->windows[i];
		if (!w->unit[0] || w->span.start_min >= 1440 || w->span.end_min >= 1440)
			return fail(why, "a maintenance window needs a unit and minutes below 1440");
	}
	if (p->cap_contact == 1 || p->cap_site == 1)
		return fail(why, "a daily cap must be 0 (none) or at least 2: one text is the notice");
	return check_contacts(p, why);
}
