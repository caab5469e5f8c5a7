/* The base's own replies to phones (the alarm engine writes the alarm, ACK and MUTE texts):
 * STATUS of every unit and of one, WHO is on call, refusals. Each is one GSM 7-bit SMS that
 * starts with the site's name (never a command word) and ends with what to reply; a body
 * too long for one SMS is cut with "+N more". docs/commands.md shows every form. */
#include "base_int.h"

#include "alert_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void base_text_fit(char *out, const char *body, const char *tail)
{
	char buf[ALERT_TEXT_MAX * 2];
	size_t len = (size_t)snprintf(buf, sizeof(buf), "%s", body);
	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	int room = ALERT_SMS_SEPTETS - alert_text_septets(tail);
	while (len > 0 && alert_text_septets(buf) > room) {
		len--;
		while (len > 0 && ((unsigned char)buf[len] & 0xC0) == 0x80)
			len--;
		buf[len] = '\0';
	}
	snprintf(out, ALERT_TEXT_MAX, "%.*s%s", (int)len, buf, tail);
}

void base_text_value(char *out, size_t n, bool fault, int32_t c10)
{
	if (fault)
		snprintf(out, n, "FAULT");
	else
		alert_text_temp(out, n, c10);
}

void base_text_refused(const struct base *b, const char *why, const char *tail, char *out)
{
	char body[ALERT_TEXT_MAX];
	snprintf(body, sizeof(body), "%s: %s", b->policy.site, why);
	base_text_fit(out, body, tail ? tail : ". Reply HELP for what you may send");
}

static bool active(const struct alert_incident *inc)
{
	return inc->state == ALERT_STATE_OPEN || inc->state == ALERT_STATE_NOTIFIED ||
	       inc->state == ALERT_STATE_ESCALATED;
}

/* "#12 T1 HIGH 9.4C acked by Bob": one incident, with its unit when `with_unit`. */
static void incident_item(const struct base *b, const struct alert_incident *inc, bool with_unit,
			  bool long_ack, char *out, size_t n)
{
	char v[16] = "", who[48] = "";
	const char *ch = base_channel_name(b, inc->unit, inc->channel);
	if (inc->has_value && inc->kind != ALERT_KIND_PROBE) {
		v[0] = ' ';
		alert_text_temp(v + 1, sizeof(v) - 1, inc->value_c10);
	}
	if (inc->state == ALERT_STATE_ACKED || (inc->state == ALERT_STATE_CLEARED && inc->acked_by != -1)) {
		const char *name = inc->acked_by >= 0 && (size_t)inc->acked_by < b->policy.n_contacts
					   ? b->policy.contacts[inc->acked_by].name
					   : "a former contact";
		if (long_ack)
			snprintf(who, sizeof(who), " acked by %s", name);
		else
			snprintf(who, sizeof(who), " acked");
	}
	if (inc->state == ALERT_STATE_CLEARED)
		snprintf(who + strlen(who), sizeof(who) - strlen(who), " cleared");
	char where[40];
	if (with_unit)
		snprintf(where, sizeof(where), "%s%s%s ", inc->unit, ch ? "/" : "", ch ? ch : "");
	else
		snprintf(where, sizeof(where), "%s%s", ch ? ch : "", ch ? " " : "");
	snprintf(out, n, "#%u %s%s%s%s", inc->id, where, alert_kind_words(inc), v, who);
}

static int by_id(const void *x, const void *y)
{
	uint32_t a = ((const struct alert_incident *)x)->id, c = ((const struct alert_incident *)y)->id;
	return (a > c) - (a < c);
}

/* The incidents not closed, oldest first; the caller frees the list. */
static struct alert_incident *open_list(const struct base *b, size_t *n)
{
	struct alert_incident *list = calloc(BASE_MAX_INCIDENTS, sizeof(*list));
	*n = 0;
	if (!list)
		return NULL;
	*n = alert_engine_incidents(b->engine, list, BASE_MAX_INCIDENTS);
	if (*n > BASE_MAX_INCIDENTS)
		*n = BASE_MAX_INCIDENTS;
	qsort(list, *n, sizeof(*list), by_id);
	return list;
}

/* Appends `item` after `sep` to `body` if the whole still fits with `tail` and room for
 * "+NN more"; returns false when it does not. */
static bool append(char *body, size_t size, const char *sep, const char *item, const char *tail)
{
	char next[ALERT_TEXT_MAX * 2];
	int len = snprintf(next, sizeof(next), "%s%s%s", body, sep, item);
	if (len < 0 || (size_t)len >= size)
		return false;
	if (alert_text_septets(next) + alert_text_septets(tail) + 10 > ALERT_SMS_SEPTETS)
		return false;
	memcpy(body, next, (size_t)len + 1);
	return true;
}

static void unit_word(const struct base *b, const struct base_unit *u, char *out, size_t n)
{
	if (!u->last_heard_ms) {
		snprintf(out, n, "%s not heard yet", u->cfg->id);
		return;
	}
	char v[16] = "";
	if (u->st.n_channels && u->st.ch[0].has_last) {
		v[0] = ' ';
		base_text_value(v + 1, sizeof(v) - 1, u->st.ch[0].last_fault, u->st.ch[0].last_c10);
	}
	(void)b;
	snprintf(out, n, "%s ok%s", u->cfg->id, v);
}

void base_text_status_all(const struct base *b, bool can_ack, char *out)
{
	size_t n = 0, shown = 0, items = 0;
	struct alert_incident *list = open_list(b, &n);
	char body[ALERT_TEXT_MAX], tail[48], item[96];
	uint32_t newest = 0;
	for (size_t i = 0; i < n; i++)
		if (active(&list[i]) && list[i].acked_by == -1)
			newest = list[i].id;
	if (newest && can_ack)
		snprintf(tail, sizeof(tail), ". Reply ACK %u", newest);
	else
		snprintf(tail, sizeof(tail), ". Reply STATUS %s for one unit", b->units[0].cfg->id);
	snprintf(body, sizeof(body), "%s: %zu open", b->policy.site, n);
	for (size_t i = 0; i < n; i++, items++) {
		incident_item(b, &list[i], true, false, item, sizeof(item));
		shown += append(body, sizeof(body), items ? ", " : ". ", item, tail);
	}
	for (size_t i = 0; i < b->n_units; i++) {
		bool has = false;
		for (size_t k = 0; k < n && !has; k++)
			has = strcmp(list[k].unit, b->units[i].cfg->id) == 0;
		if (has)
			continue;
		unit_word(b, &b->units[i], item, sizeof(item));
		shown += append(body, sizeof(body), items++ ? ", " : ". ", item, tail);
	}
	if (shown < items)
		snprintf(body + strlen(body), sizeof(body) - strlen(body), ", +%zu more", items - shown);
	base_text_fit(out, body, tail);
	free(list);
}

static void unit_values(const struct base *b, const struct base_unit *u, char *body, size_t size)
{
	char at[8], item[48];
	int64_t newest = 0;
	for (size_t i = 0; i < u->st.n_channels; i++) {
		const struct base_channel *ch = &u->st.ch[i];
		if (!ch->has_last)
			continue;
		char v[16];
		base_text_value(v, sizeof(v), ch->last_fault, ch->last_c10);
		snprintf(item, sizeof(item), " %s %s", ch->name, v);
		append(body, size, i ? "," : "", item, "");
		newest = ch->last_ms > newest ? ch->last_ms : newest;
	}
	if (newest) {
		base_hhmm(b, newest, at, sizeof(at));
		snprintf(item, sizeof(item), " at %s", at);
		append(body, size, "", item, "");
	}
	if (u->st.status_ms && u->st.mains_state != PROTO_MAINS_UNKNOWN)
		append(body, size, ",", u->st.mains_state == PROTO_MAINS_ON ? " mains on" : " ON BATTERY",
		       "");
	if (u->st.status_ms && u->st.csq >= 0) {
		snprintf(item, sizeof(item), " signal %d/31", u->st.csq);
		append(body, size, ",", item, "");
	}
}

void base_text_status_unit(const struct base *b, const struct base_unit *u, bool can_ack, char *out)
{
	size_t n = 0, shown = 0, items = 0;
	struct alert_incident *list = open_list(b, &n);
	char body[ALERT_TEXT_MAX], tail[64], item[96], at[8];
	snprintf(tail, sizeof(tail), ". Reply READ %s for a fresh reading", u->cfg->id);
	if (!u->last_heard_ms) {
		base_hhmm(b, u->st.watch_since_ms, at, sizeof(at));
		snprintf(body, sizeof(body), "%s: %s not heard yet (watched since %s)", b->policy.site,
			 u->cfg->id, at);
	} else {
		base_hhmm(b, u->last_heard_ms, at, sizeof(at));
		snprintf(body, sizeof(body), "%s: %s heard %s;", b->policy.site, u->cfg->id, at);
		unit_values(b, u, body, sizeof(body));
	}
	for (size_t i = 0; i < n; i++) {
		if (strcmp(list[i].unit, u->cfg->id) != 0)
			continue;
		if (can_ack && active(&list[i]) && list[i].acked_by == -1)
			snprintf(tail, sizeof(tail), ". Reply ACK %u", list[i].id);
		incident_item(b, &list[i], false, true, item, sizeof(item));
		shown += append(body, sizeof(body), items++ ? ", " : ". Open: ", item, tail);
	}
	if (items == 0)
		append(body, sizeof(body), "", ". No open alarms", tail);
	if (shown < items)
		snprintf(body + strlen(body), sizeof(body) - strlen(body), ", +%zu more", items - shown);
	base_text_fit(out, body, tail);
	free(list);
}

void base_text_who(const struct base *b, int64_t now_ms, char *out)
{
	static const char tail[] = ". Reply STATUS for open alarms";
	char body[ALERT_TEXT_MAX], item[80];
	unsigned min = base_local_minute(b, now_ms);
	snprintf(body, sizeof(body), "%s on call:", b->policy.site);
	for (size_t t = 1; t <= b->policy.n_tiers; t++) {
		size_t k = 0;
		for (size_t i = 0; i < b->policy.n_contacts; i++) {
			const struct alert_contact *c = &b->policy.contacts[i];
			if (c->tier != t)
				continue;
			bool quiet = c->quiet.enabled && alert_span_contains(&c->quiet, min);
			if (k++ == 0)
				snprintf(item, sizeof(item), "%s tier %zu %s", t > 1 ? ";" : "", t, c->name);
			else
				snprintf(item, sizeof(item), ", %s", c->name);
			snprintf(item + strlen(item), sizeof(item) - strlen(item), "%s",
				 c->role == ALERT_ROLE_VIEWER ? " (told only)"
				 : quiet                      ? " (quiet now)"
							      : "");
			append(body, sizeof(body), "", item, tail);
		}
	}
	base_text_fit(out, body, tail);
}
