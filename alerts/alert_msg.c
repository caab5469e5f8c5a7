/* The texts people get on their phones: alarm, coalesced alarms, reminder, acknowledgement,
 * all-clear, mute, refusal and cap notices. Each is cut to one GSM 7-bit SMS with its reply
 * hint kept whole at the end; names were cleaned to the default alphabet beforehand. */
#include "alert_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Joins `body` and `tail`, cutting `body` at a character so the whole is one SMS. Every
 * character reaching here takes one septet (cleaned names, ASCII without ^{}[]~|\). */
static void fit(char *out, const char *body, const char *tail)
{
	int room = ALERT_SMS_SEPTETS - alert_text_septets(tail);
	size_t cut = 0;
	int chars = 0;
	for (size_t i = 0; body[i]; i++) {
		if (((unsigned char)body[i] & 0xC0) == 0x80)
			continue;
		if (chars == room)
			break;
		chars++;
		cut = i + 1;
		while (((unsigned char)body[cut] & 0xC0) == 0x80)
			cut++;
	}
	snprintf(out, ALERT_TEXT_MAX, "%.*s%s", (int)cut, body, tail);
}

static void clock_hhmm(const struct alert_engine *e, int64_t t_ms, char *out, size_t n)
{
	unsigned m = alert_local_minute(e, t_ms) % 1440;
	snprintf(out, n, "%02u:%02u", (m / 60) % 24, m % 60);
}

/* Local time `t_ms` as read at `now_ms`: "15:02" the same day, "Sat 13:00" within a week,
 * "14 Nov 16:00" further away (no numeric date: 11/03 reads two ways). */
static void clock_when(const struct alert_engine *e, int64_t t_ms, int64_t now_ms, char *out, size_t n)
{
	static const char *const wday[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
	static const char *const mon[] = {"Mar", "Apr", "May", "Jun", "Jul", "Aug",
					  "Sep", "Oct", "Nov", "Dec", "Jan", "Feb"};
	char hhmm[8];
	int64_t day = alert_local_day(e, t_ms), away = day - alert_local_day(e, now_ms);
	clock_hhmm(e, t_ms, hhmm, sizeof(hhmm));
	if (away == 0) {
		snprintf(out, n, "%s", hhmm);
	} else if (away > -7 && away < 7) {
		snprintf(out, n, "%s %s", wday[(day % 7 + 7) % 7], hhmm);
	} else {
		/* Days to a civil date (H. Hinnant's days_from_civil, inverted), months from March. */
		int64_t z = day + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
		int64_t doe = z - era * 146097;
		int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
		int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
		snprintf(out, n, "%d %s %s", (int)(doy - (153 * mp + 2) / 5 + 1), mon[mp], hhmm);
	}
}

/* A channel's name from the daemon, when it is one a text can carry safely. */
static const char *channel_name(const struct alert_engine *e, const char *unit, int16_t channel)
{
	const char *name = e->channel_name ? e->channel_name(e->channel_name_data, unit, channel) : NULL;
	size_t len = name ? strlen(name) : 0;
	if (len == 0 || len > 8)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
			return NULL;
	}
	return name;
}

/* "WH1", "WH1/T1", or "WH1/0" for a channel without a name. */
static void where_ch(const struct alert_engine *e, const char *unit, int16_t channel, char *out, size_t n)
{
	const char *name = channel < 0 ? NULL : channel_name(e, unit, channel);
	if (channel < 0)
		snprintf(out, n, "%s", unit);
	else if (name)
		snprintf(out, n, "%s/%s", unit, name);
	else
		snprintf(out, n, "%s/%d", unit, channel);
}

static void where(const struct alert_engine *e, const struct alert_incident *inc, char *out, size_t n)
{
	where_ch(e, inc->unit, inc->channel, out, n);
}

const char *alert_kind_words(const struct alert_incident *inc)
{
	switch (inc->kind) {
	case ALERT_KIND_HIGH:
		return inc->critical ? "VERY HIGH" : "HIGH";
	case ALERT_KIND_LOW:
		return inc->critical ? "VERY LOW" : "LOW";
	case ALERT_KIND_PROBE:
		return "PROBE FAULT";
	case ALERT_KIND_RATE:
		return "FAST CHANGE";
	case ALERT_KIND_SILENT:
		return "SILENT";
	case ALERT_KIND_POWER:
		return "POWER LOST";
	case ALERT_KIND_BATTERY:
		return "BATTERY LOW";
	case ALERT_KIND_MODEM:
		return "MODEM DEAD";
	case ALERT_KIND_SIM_FULL:
		return "SIM FULL";
	case ALERT_KIND_BASE:
		return "NOT HEARD";
	}
	return "ALARM";
}

/* "f1/2 HIGH 9.4C": where, what and the value when there is one. */
static void short_what(const struct alert_engine *e, const struct alert_incident *inc, char *out, size_t n)
{
	char w[ALERT_UNIT_MAX + 10], v[16] = "";
	where(e, inc, w, sizeof(w));
	if (inc->has_value && inc->kind != ALERT_KIND_PROBE) {
		v[0] = ' ';
		alert_text_temp(v + 1, sizeof(v) - 1, inc->value_c10);
	}
	snprintf(out, n, "%s %s%s", w, alert_kind_words(inc), v);
}

#define STATUS_HINT ". Reply STATUS for all open alarms"

/* One incident as an item of a list, `first` or after a separator. */
typedef void (*item_fn)(const struct alert_engine *e, const struct alert_incident *inc, bool first, char *out,
			size_t n);

/* Appends the items of `incs` to `body` while the text stays one SMS with `tail`, then
 * "; +N more" for those left out, and writes the whole into `out`. */
static void fit_list(const struct alert_engine *e, char *out, char *body,
		     const struct alert_incident *const *incs, size_t n, item_fn item, const char *tail)
{
	int room = ALERT_SMS_SEPTETS - alert_text_septets(tail);
	size_t len = strlen(body), i;
	for (i = 0; i < n; i++) {
		char one[128];
		item(e, incs[i], i == 0, one, sizeof(one));
		int more = i + 1 < n ? 11 : 0; /* room left for "; +NNN more" */
		if (alert_text_septets(body) + alert_text_septets(one) + more > room)
			break;
		len += (size_t)snprintf(body + len, ALERT_TEXT_MAX - len, "%s", one);
	}
	if (i < n)
		snprintf(body + len, ALERT_TEXT_MAX - len, "; +%zu more", n - i);
	fit(out, body, tail);
}

static void item_alarm(const struct alert_engine *e, const struct alert_incident *inc, bool first, char *out,
		       size_t n)
{
	char what[64];
	short_what(e, inc, what, sizeof(what));
	snprintf(out, n, "%s #%u %s", first ? "" : ";", inc->id, what);
}

static void item_id(const struct alert_engine *e, const struct alert_incident *inc, bool first, char *out,
		    size_t n)
{
	(void)e;
	(void)first;
	snprintf(out, n, " #%u", inc->id);
}

void alert_msg_alarm(const struct alert_engine *e, char *out, const struct alert_incident *inc, bool reminder,
		     bool can_ack, int64_t now_ms)
{
	char what[64], limit[32] = "", since[24], body[ALERT_TEXT_MAX], tail[40] = STATUS_HINT;
	short_what(e, inc, what, sizeof(what));
	if (inc->has_value &&
	    (inc->kind == ALERT_KIND_HIGH || inc->kind == ALERT_KIND_LOW || inc->kind == ALERT_KIND_RATE)) {
		char t[16];
		alert_text_temp(t, sizeof(t), inc->threshold_c10);
		snprintf(limit, sizeof(limit),
			 inc->kind == ALERT_KIND_RATE ? " (moved over %s)" : " (limit %s)", t);
	}
	clock_when(e, inc->since_ms, now_ms, since, sizeof(since));
	snprintf(body, sizeof(body), "%s: %s #%u %s%s since %s", e->p.site,
		 reminder ? "STILL ALARM" : "ALARM", inc->id, what, limit, since);
	if (can_ack)
		snprintf(tail, sizeof(tail), ". Reply ACK %u", inc->id);
	fit(out, body, tail);
}

void alert_msg_alarms(const struct alert_engine *e, char *out, const struct alert_incident *const *incs,
		      size_t n, bool can_ack)
{
	char body[ALERT_TEXT_MAX], tail[40] = STATUS_HINT;
	if (can_ack)
		snprintf(tail, sizeof(tail), ". Reply ACK ALL or ACK %u", incs[0]->id);
	snprintf(body, sizeof(body), "%s: %zu ALARMS", e->p.site, n);
	fit_list(e, out, body, incs, n, item_alarm, tail);
}

void alert_msg_ack_done(const struct alert_engine *e, char *out, const struct alert_incident *inc, size_t n)
{
	char body[ALERT_TEXT_MAX], what[64];
	if (n == 1) {
		short_what(e, inc, what, sizeof(what));
		snprintf(body, sizeof(body), "%s: #%u %s acknowledged by you, reminders stop", e->p.site,
			 inc->id, what);
	} else {
		snprintf(body, sizeof(body), "%s: %zu alarms acknowledged by you, reminders stop", e->p.site,
			 n);
	}
	fit(out, body, STATUS_HINT);
}

void alert_msg_ack_info(const struct alert_engine *e, char *out, const struct alert_incident *const *incs,
			size_t n)
{
	char body[ALERT_TEXT_MAX], what[64], at[12];
	const struct alert_incident *inc = incs[0];
	const char *who = alert_acker_name(e, inc);
	clock_hhmm(e, inc->acked_ms, at, sizeof(at));
	if (n == 1) {
		short_what(e, inc, what, sizeof(what));
		snprintf(body, sizeof(body), "%s: #%u %s acknowledged by %s at %s", e->p.site, inc->id, what,
			 who, at);
		fit(out, body, STATUS_HINT);
		return;
	}
	snprintf(body, sizeof(body), "%s: %zu alarms acknowledged by %s at %s:", e->p.site, n, who, at);
	fit_list(e, out, body, incs, n, item_id, STATUS_HINT);
}

void alert_msg_all_clear(const struct alert_engine *e, char *out, const struct alert_incident *inc)
{
	char body[ALERT_TEXT_MAX], w[ALERT_UNIT_MAX + 10], at[12], now[24] = "";
	where(e, inc, w, sizeof(w));
	clock_hhmm(e, inc->cleared_ms, at, sizeof(at));
	if (inc->has_value && inc->kind != ALERT_KIND_PROBE) {
		char t[16];
		alert_text_temp(t, sizeof(t), inc->value_c10);
		snprintf(now, sizeof(now), ", now %s", t);
	}
	snprintf(body, sizeof(body), "%s: CLEARED #%u %s %s at %s%s", e->p.site, inc->id, w,
		 alert_kind_words(inc), at, now);
	fit(out, body, STATUS_HINT);
}

void alert_msg_mute_done(const struct alert_engine *e, char *out, const char *unit, int16_t channel,
			 int64_t until_ms, int64_t unit_until_ms, int64_t now_ms)
{
	char body[ALERT_TEXT_MAX], w[ALERT_UNIT_MAX + 10], tail[48], at[24];
	where_ch(e, unit, channel, w, sizeof(w));
	snprintf(tail, sizeof(tail), ". Reply MUTE %s 0 to undo", unit);
	if (until_ms == 0 && unit_until_ms) {
		clock_when(e, unit_until_ms, now_ms, at, sizeof(at));
		snprintf(body, sizeof(body), "%s: %s stays muted with all of %s until %s", e->p.site, w, unit,
			 at);
		snprintf(tail, sizeof(tail), ". Reply MUTE %s 0 to unmute all of it", unit);
		fit(out, body, tail);
		return;
	}
	if (until_ms == 0) {
		snprintf(body, sizeof(body), "%s: %s unmuted, alarms are texted again", e->p.site, w);
		fit(out, body, STATUS_HINT);
		return;
	}
	clock_when(e, until_ms, now_ms, at, sizeof(at));
	snprintf(body, sizeof(body), "%s: %s muted until %s, alarms are still recorded", e->p.site, w, at);
	fit(out, body, tail);
}

void alert_msg_refused(const struct alert_engine *e, char *out, const char *why)
{
	char body[ALERT_TEXT_MAX];
	snprintf(body, sizeof(body), "%s: %s", e->p.site, why);
	fit(out, body, STATUS_HINT);
}

void alert_msg_cap_contact(const struct alert_engine *e, char *out)
{
	char body[ALERT_TEXT_MAX];
	snprintf(body, sizeof(body),
		 "%s: daily limit of %u texts to you reached, %zu alarms open. No more texts to "
		 "you until 00:00",
		 e->p.site, e->p.cap_contact, alert_engine_open_alarms(e));
	fit(out, body, STATUS_HINT);
}

void alert_msg_cap_site(const struct alert_engine *e, char *out)
{
	char body[ALERT_TEXT_MAX];
	snprintf(body, sizeof(body),
		 "%s: site daily limit of %u texts reached, %zu alarms open. Alarms are recorded "
		 "but not texted until 00:00",
		 e->p.site, e->p.cap_site, alert_engine_open_alarms(e));
	fit(out, body, STATUS_HINT);
}

static const char *status_word(const struct alert_engine *e, const struct alert_incident *inc, char *buf,
			       size_t n)
{
	switch (inc->state) {
	case ALERT_STATE_OPEN:
	case ALERT_STATE_NOTIFIED:
	case ALERT_STATE_ESCALATED:
		return "";
	case ALERT_STATE_ACKED:
		snprintf(buf, n, " acked by %s", alert_acker_name(e, inc));
		return buf;
	case ALERT_STATE_CLEARED:
	case ALERT_STATE_CLOSED:
		return " cleared";
	}
	return "";
}

static void item_status(const struct alert_engine *e, const struct alert_incident *inc, bool first, char *out,
			size_t n)
{
	char what[64], word[40];
	short_what(e, inc, what, sizeof(what));
	snprintf(out, n, "%s #%u %s%s", first ? "" : ";", inc->id, what,
		 status_word(e, inc, word, sizeof(word)));
}

void alert_msg_status(const struct alert_engine *e, char *out, const struct alert_incident *const *incs,
		      size_t n, bool can_ack)
{
	char body[ALERT_TEXT_MAX], tail[40] = ". Reply STATUS to check again";
	const struct alert_incident *newest = NULL;
	for (size_t i = 0; i < n; i++)
		if (alert_incident_active(incs[i]))
			newest = incs[i];
	if (newest && can_ack)
		snprintf(tail, sizeof(tail), ". Reply ACK %u", newest->id);
	if (n)
		snprintf(body, sizeof(body), "%s: %zu open:", e->p.site, n);
	else
		snprintf(body, sizeof(body), "%s: no open alarms", e->p.site);
	fit_list(e, out, body, incs, n, item_status, tail);
}
