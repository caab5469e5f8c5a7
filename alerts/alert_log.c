/* The engine's actions as key=value log fields, written for the person reading the log at
 * 03:00: what happened, and for a text that was not sent, why and what to do. */
#include "alert_engine.h"

#include <stdio.h>
#include <string.h>

static const char *drop_hint(const char *reason)
{
	if (strcmp(reason, "cap_contact") == 0)
		return "daily cap_contact reached: texts resume at local midnight; raise cap_contact "
		       "in the base config if this contact must get more";
	if (strcmp(reason, "cap_site") == 0)
		return "daily cap_site reached: no texts for the site until local midnight; check "
		       "the open alarms with STATUS and raise cap_site if needed";
	if (strcmp(reason, "quiet_hours") == 0)
		return "contact in quiet hours and the alarm is not critical";
	return "see the engine's documentation";
}

/* A contact's name inside a quoted log field: quotes and backslashes become apostrophes. */
static const char *quotable(const char *name, char *buf, size_t n)
{
	size_t i = 0;
	for (; name[i] && i + 1 < n; i++)
		buf[i] = name[i] == '"' || name[i] == '\\' ? '\'' : name[i];
	buf[i] = '\0';
	return buf;
}

int alert_action_log_fields(const struct alert_action *a, char *out, size_t n)
{
	char name[ALERT_NAME_MAX];
	switch (a->kind) {
	case ALERT_ACTION_SMS:
		return snprintf(out, n, "event=sms msg=%s id=%u to=\"%s\" number=%s", alert_msg_str(a->msg),
				a->incident_id, quotable(a->contact->name, name, sizeof(name)),
				a->contact->number);
	case ALERT_ACTION_STATE:
		return snprintf(out, n, "event=incident id=%u from=%s to=%s", a->incident_id,
				alert_state_str(a->from), alert_state_str(a->to));
	case ALERT_ACTION_DROP:
		return snprintf(out, n, "event=sms_not_sent msg=%s id=%u to=\"%s\" reason=%s hint=\"%s\"",
				alert_msg_str(a->msg), a->incident_id,
				quotable(a->contact->name, name, sizeof(name)), a->reason,
				drop_hint(a->reason));
	}
	return snprintf(out, n, "event=unknown");
}
