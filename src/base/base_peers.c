/* The other bases as the leader sees them in their heartbeat rows (store_cluster_bases, read
 * at each of its own heartbeats): a base not heard for `silent` opens a "base-B NOT
 * HEARD" incident (cluster.silent), one that beats with fewer modems READY than it has a "base-B MODEM DEAD"
 * one; each closes when the rows say it is back. The engine's open incidents are what is
 * compared, so a new leader carries on (and closes) what the old one raised. */
#include "base_int.h"

#include "log.h"

#include <stdio.h>
#include <string.h>

#define PEER_PREFIX "base-"

/* cluster.silent; at least three heartbeats (STORE_HEARTBEAT_MS without a cluster group). */
static int64_t silent_after_ms(const struct base *b)
{
	int64_t hb = b->cfg->cluster.heartbeat_ms ? b->cfg->cluster.heartbeat_ms : STORE_HEARTBEAT_MS;
	return b->cfg->cluster.silent_ms > 3 * hb ? b->cfg->cluster.silent_ms : 3 * hb;
}

static bool is_open(const struct base *b, const char *unit, enum alert_kind kind)
{
	struct alert_incident inc;
	return base_alarms_find(b, unit, -1, kind, &inc) && inc.state != ALERT_STATE_CLEARED;
}

static bool silence_differs(const struct base *b, const struct base_peer *p)
{
	return p->silent != is_open(b, p->unit, ALERT_KIND_BASE);
}

/* A silent base's modems are not known: their incident stays as it is. */
static bool modems_differ(const struct base *b, const struct base_peer *p)
{
	return !p->silent && p->modem_dead != is_open(b, p->unit, ALERT_KIND_MODEM);
}

static void on_bases(void *user_data, int result, int64_t now_ms, const struct store_view_base *rows,
		     size_t n)
{
	struct base *b = user_data;
	b->peers_busy = false;
	if (result < 0) {
		log_debug("base", "event=bases_not_read error=\"%s\"", store_strerror(result));
		return;
	}
	if (!b->leading || b->peers_gen != b->lead_gen || b->stopping)
		return;
	b->n_peers = 0;
	for (size_t i = 0; i < n && b->n_peers < STORE_BASES_MAX; i++) {
		if (rows[i].self)
			continue;
		struct base_peer *p = &b->peers[b->n_peers++];
		snprintf(p->name, sizeof(p->name), "%s", rows[i].name);
		/* an incident names a unit in 16 bytes: a long base name is cut */
		snprintf(p->unit, sizeof(p->unit), PEER_PREFIX "%.*s",
			 (int)(sizeof(p->unit) - sizeof(PEER_PREFIX)), rows[i].name);
		p->last_seen_ms = rows[i].last_seen_ms;
		p->up = rows[i].modems_up;
		p->modems = rows[i].modems;
		p->silent = now_ms - rows[i].last_seen_ms > silent_after_ms(b);
		p->modem_dead = !p->silent && rows[i].modems_up < rows[i].modems;
		if (silence_differs(b, p) || modems_differ(b, p))
			b->peers_due = true;
	}
	if (b->peers_due)
		base_wake(b);
}

void base_peers_read(struct base *b)
{
	if (!b->cluster || !b->leading || b->peers_busy || b->stopping)
		return;
	b->peers_busy = true;
	b->peers_gen = b->lead_gen;
	store_cluster_bases(b->store, on_bases, b);
}

int64_t base_peers_next_ms(const struct base *b)
{
	return b->peers_due ? 0 : INT64_MAX;
}

static void event(struct base *b, enum store_event_kind kind, const char *text)
{
	struct store_event *e = base_batch_event(&b->batch, kind, b->now_ms);
	if (e)
		snprintf(e->text, sizeof(e->text), "%s", text);
}

static void silence(struct base *b, const struct base_peer *p)
{
	struct alert_report r = {.unit = p->unit, .channel = -1, .kind = ALERT_KIND_BASE};
	char text[STORE_EVENT_TEXT_MAX], since[8];
	if (!p->silent) {
		log_info("base", "event=base_heard_again base=\"%s\"", p->name);
		snprintf(text, sizeof(text), "base %s heard again", p->name);
		event(b, STORE_EVENT_HEARD, text);
		base_alarms_apply(b, &r, BASE_OP_CLEAR);
		return;
	}
	base_hhmm(b, p->last_seen_ms, since, sizeof(since));
	log_warn("base",
		 "event=base_not_heard base=\"%s\" last_seen_ms=%lld hint=\"its heartbeat stopped: "
		 "check that base's power, its PC and its link to the database; its modems take no "
		 "texts until it beats again\"",
		 p->name, (long long)p->last_seen_ms);
	snprintf(text, sizeof(text), "base %s not heard since %s", p->name, since);
	event(b, STORE_EVENT_SILENT, text);
	r.since_ms = p->last_seen_ms;
	base_alarms_apply(b, &r, BASE_OP_RAISE);
}

static void modems(struct base *b, const struct base_peer *p)
{
	struct alert_report r = {.unit = p->unit, .channel = -1, .kind = ALERT_KIND_MODEM};
	char text[STORE_EVENT_TEXT_MAX];
	if (!p->modem_dead) {
		log_info("base", "event=base_modems_ready base=\"%s\" up=%u", p->name, p->up);
		snprintf(text, sizeof(text), "base %s: every modem ready again (%u)", p->name, p->up);
		event(b, STORE_EVENT_MODEM, text);
		base_alarms_apply(b, &r, BASE_OP_CLEAR);
		return;
	}
	log_warn("base",
		 "event=base_modems_dead base=\"%s\" up=%u modems=%u hint=\"that base's log says which "
		 "modem and why (event=modem_dead); texts go through the modems still ready\"",
		 p->name, p->up, p->modems);
	snprintf(text, sizeof(text), "base %s: %u of %u modems ready", p->name, p->up, p->modems);
	event(b, STORE_EVENT_MODEM, text);
	r.since_ms = b->now_ms;
	base_alarms_apply(b, &r, BASE_OP_RAISE);
}

void base_peers_tick(struct base *b)
{
	b->peers_due = false;
	for (size_t i = 0; i < b->n_peers; i++) {
		const struct base_peer *p = &b->peers[i];
		if (silence_differs(b, p))
			silence(b, p);
		if (modems_differ(b, p))
			modems(b, p);
	}
}
