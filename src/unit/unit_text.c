/* Texts for people: the STATUS and READ replies and the fallback text of an event the base
 * did not confirm. GSM 7-bit basic table only (the protocol's alphabet); STATUS and READ fit
 * one SMS for up to four channels. */
#include "unit_int.h"

#include "alert_text.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *level_word(enum alert_level l)
{
	switch (l) {
	case ALERT_LEVEL_LOW_LOW:
		return "LL";
	case ALERT_LEVEL_LOW:
		return "LOW";
	case ALERT_LEVEL_HIGH:
		return "HIGH";
	case ALERT_LEVEL_HIGH_HIGH:
		return "HH";
	case ALERT_LEVEL_PROBE:
		return "PROBE";
	case ALERT_LEVEL_RATE:
		return "RATE";
	}
	return "?";
}

__attribute__((format(printf, 4, 5))) static size_t put(char *out, size_t n, size_t at, const char *fmt, ...)
{
	if (at >= n)
		return at;
	va_list ap;
	va_start(ap, fmt);
	int k = vsnprintf(out + at, n - at, fmt, ap);
	va_end(ap);
	return k < 0 ? at : at + (size_t)k >= n ? n - 1 : at + (size_t)k;
}

/* "T1 4.5C" or "T1 fault", and " ALARM HIGH" for each raised level when `alarms`. */
static size_t channel_text(struct unit *u, int i, const struct sensor_reading *r, bool known, bool alarms,
			   char *out, size_t n, size_t at)
{
	char v[16];
	if (known && r->ok)
		alert_text_temp(v, sizeof(v), r->temp_c10);
	else
		snprintf(v, sizeof(v), "%s", known ? "fault" : "not read yet");
	at = put(out, n, at, "%s %s", u->conf.name[i], v);
	for (int l = 0; alarms && l < ALERT_LEVEL_COUNT; l++)
		if (alert_channel_raised(&u->chan[i].state, (enum alert_level)l))
			at = put(out, n, at, " ALARM %s", level_word((enum alert_level)l));
	return at;
}

int unit_text_status(struct unit *u, char *out, size_t n)
{
	size_t at = put(out, n, 0, "%s", u->set->id);
	for (int i = 0; i < u->conf.n_channels; i++) {
		at = put(out, n, at, "%s", i ? ", " : " ");
		at = channel_text(u, i, &u->chan[i].last, u->chan[i].have, true, out, n, at);
	}
	if (u->power.mains_known)
		at = put(out, n, at, "; mains %s", u->power.mains_online ? "on" : "OFF");
	if (u->power.battery_known)
		at = put(out, n, at, ", battery %d%%", u->power.battery_pct);
	const struct modem_info *mi = u->link ? modem_info(modem_link_modem(u->link)) : NULL;
	if (mi && mi->signal_dbm < 0)
		at = put(out, n, at, "; signal %ddBm", mi->signal_dbm);
	at = put(out, n, at, "; %u unconfirmed by base", unit_outbox_pending(u));
	return (int)at;
}

int unit_text_values(struct unit *u, const struct unit_tick *t, int only, char *out, size_t n)
{
	size_t at = put(out, n, 0, "%s now", u->set->id);
	bool first = true;
	for (int i = 0; i < u->conf.n_channels; i++) {
		if (only >= 0 && i != only)
			continue;
		at = put(out, n, at, "%s", first ? " " : ", ");
		at = channel_text(u, i, &t->r[i], t->done[i], false, out, n, at);
		first = false;
	}
	return (int)at;
}

int unit_text_fallback(const struct unit *u, const char *msg_text, char *out, size_t n)
{
	static const char tail[] = ". Base station not answering; sent to you direct";
	const char *hash = strchr(msg_text, '#');
	size_t len = hash ? (size_t)(hash - msg_text) : strlen(msg_text);
	while (len && msg_text[len - 1] == ' ')
		len--;
	size_t room = ALERT_SMS_SEPTETS - (sizeof(tail) - 1);
	if (len > room)
		len = room;
	if (len == 0)
		return snprintf(out, n, "%s event%s", u->set->id, tail);
	return snprintf(out, n, "%.*s%s", (int)len, msg_text, tail);
}
