/* The base station's notification policy: who is on call (contacts, roles, tiers, quiet
 * hours), how the ladder climbs (tier delays, repeat), what is held back (maintenance
 * windows, coalescing) and what it may cost (daily caps). Plain structs with fixed arrays and
 * counts, temperatures in tenths, durations in seconds, so a libconfig schema can fill them. */
#ifndef M2_ALERT_POLICY_H
#define M2_ALERT_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ALERT_CONTACTS_MAX 32
#define ALERT_TIERS_MAX    8
#define ALERT_WINDOWS_MAX  16
#define ALERT_NAME_MAX     33 /* a contact's or site's name, NUL included */
#define ALERT_NUMBER_MAX   21 /* a phone number in E.164 with '+', NUL included */
#define ALERT_UNIT_MAX     17 /* a unit id, NUL included */

enum alert_role {
	ALERT_ROLE_ADMIN,    /* acknowledges, mutes; gets the site's "cap reached" notice */
	ALERT_ROLE_OPERATOR, /* acknowledges, mutes */
	ALERT_ROLE_VIEWER,   /* is notified, may query, cannot acknowledge or mute */
};

const char *alert_role_str(enum alert_role role);

/* A daily span of local time in minutes after midnight; start > end wraps past midnight
 * (22:00-06:00 is {1320, 360}); start == end is empty. */
struct alert_span {
	bool enabled;
	uint16_t start_min;
	uint16_t end_min;
};

struct alert_contact {
	char name[ALERT_NAME_MAX];     /* as others are told: "acknowledged by Anna" */
	char number[ALERT_NUMBER_MAX]; /* matched exactly against the sender of a reply */
	enum alert_role role;
	uint8_t tier;            /* 1 is called first */
	struct alert_span quiet; /* only critical alarms reach this contact in this span */
};

/* A recurring maintenance window: alarms of `unit` (channel -1: all of its channels) are
 * recorded but nobody is texted while it lasts, on the days in `days` (bit 0 Sunday; 0:
 * every day). A span past midnight belongs to the day it starts on. */
struct alert_window {
	char unit[ALERT_UNIT_MAX];
	int16_t channel;
	uint8_t days;
	struct alert_span span;
};

struct alert_policy {
	char site[ALERT_NAME_MAX]; /* opens every text */
	struct alert_contact contacts[ALERT_CONTACTS_MAX];
	size_t n_contacts;
	/* tier_delay_s[i]: how long tier i+1 has to acknowledge before tier i+2 is added. */
	uint32_t tier_delay_s[ALERT_TIERS_MAX];
	size_t n_tiers;
	uint32_t repeat_s;       /* the last tier is reminded this often until ack or clear; 0: never */
	uint32_t repeat_max;     /* reminders per incident; 0: no limit besides the caps */
	uint32_t coalesce_s;     /* after an alarm text, later ones to that contact wait this long
				    and go out together in one text */
	uint32_t clear_settle_s; /* a cleared incident waits this long before it closes; a
				    raise meanwhile reopens it (a flapping value, one incident) */
	bool all_clear;          /* text an all-clear to everyone notified when it closes */
	uint32_t cap_contact;    /* texts per contact per local day; 0: no cap */
	uint32_t cap_site;       /* texts for the whole site per local day; 0: no cap */
	struct alert_window windows[ALERT_WINDOWS_MAX];
	size_t n_windows;
};

/* Sensible defaults for a small site: tiers of 15 and 30 minutes, reminders every hour,
 * coalescing 2 minutes, settle 10 minutes, all-clear on, 30 texts per contact and 200 for
 * the site per day. No contacts. */
void alert_policy_default(struct alert_policy *p);

/* Checks the policy: at least one contact able to acknowledge, tiers 1..n_tiers each with a
 * contact, spans within the day, distinct numbers, names and numbers set, a site cap large
 * enough for its notice. Returns 0, or -EINVAL with `*why` (static text) when `why` is set. */
int alert_policy_check(const struct alert_policy *p, const char **why);

/* True when `min` (minute of the local day) lies inside `span`. */
bool alert_span_contains(const struct alert_span *span, unsigned min);

#endif
