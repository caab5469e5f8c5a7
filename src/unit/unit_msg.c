/* Every message the unit sends is made here and stored in the outbox with its seq before
 * anything hands it to the modem: the protocol's kinds (events, heartbeat) towards the base
 * in use, and plain texts to people. */
#include "unit_int.h"

#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int add_row(struct unit *u, uint32_t seq, int kind, const char *dest, const char *text)
{
	struct store_unit_msg row = {.seq = seq, .kind = kind};
	int64_t now = unit_now_ms(u);
	snprintf(row.dest, sizeof(row.dest), "%s", dest);
	snprintf(row.text, sizeof(row.text), "%s", text);
	row.created_ms = row.next_ms = now;
	int rc = store_unit_outbox_add(u->store, &row);
	if (rc < 0)
		log_error(MOD,
			  "event=not_queued kind=%d seq=%u error=\"%s\" advice=\"the message is lost unless "
			  "the "
			  "store is fixed; check the disk\"",
			  kind, seq, store_strerror(rc));
	else
		log_debug(MOD, "event=queued id=%lld seq=%u kind=%d dest=%s", (long long)row.id, seq, kind,
			  dest);
	return rc;
}

int unit_queue_proto(struct unit *u, struct proto_msg *m)
{
	uint32_t seq;
	int rc = store_unit_seq_next(u->store, &seq);
	if (rc < 0)
		return rc;
	m->head.seq = seq;
	m->head.time_ms = unit_now_ms(u);
	snprintf(m->head.unit, sizeof(m->head.unit), "%s", u->set->id);
	char text[PROTO_TEXT_MAX];
	int len = proto_encode(m, u->set->key, u->utc_offset_min, text, sizeof(text));
	if (len < 0) {
		const char *why = "?";
		proto_msg_check(m, &why);
		log_error(MOD, "event=encode_failed kind=%s error=%d field=\"%s\"",
			  proto_kind_str(m->head.kind), len, why);
		return len;
	}
	rc = add_row(u, seq, (int)m->head.kind, unit_base_number(u), text);
	if (rc == 0) {
		log_info(MOD, "event=message kind=%s seq=%u len=%d", proto_kind_str(m->head.kind), seq, len);
		unit_heartbeat_reset(u);
	}
	return rc;
}

int unit_queue_text(struct unit *u, const char *dest, const char *text, int kind)
{
	return add_row(u, 0, kind, dest, text);
}

static enum proto_level level_of(enum alert_level l)
{
	switch (l) {
	case ALERT_LEVEL_LOW_LOW:
		return PROTO_LEVEL_LOW_LOW;
	case ALERT_LEVEL_LOW:
		return PROTO_LEVEL_LOW;
	case ALERT_LEVEL_HIGH:
		return PROTO_LEVEL_HIGH;
	case ALERT_LEVEL_HIGH_HIGH:
		return PROTO_LEVEL_HIGH_HIGH;
	case ALERT_LEVEL_PROBE:
		return PROTO_LEVEL_PROBE;
	case ALERT_LEVEL_RATE:
		return PROTO_LEVEL_RATE;
	}
	return PROTO_LEVEL_PROBE;
}

static void event_msg(struct unit *u, int ch, const struct alert_channel_event *e, struct proto_msg *m)
{
	bool raise = e->edge == ALERT_EDGE_RAISE, probe = e->level == ALERT_LEVEL_PROBE;
	struct proto_event *pe = &m->u.event;
	memset(m, 0, sizeof(*m));
	m->head.kind = probe ? (raise ? PROTO_KIND_FAULT : PROTO_KIND_FAULT_END)
			     : (raise ? PROTO_KIND_ALARM : PROTO_KIND_CLEAR);
	snprintf(pe->channel, sizeof(pe->channel), "%s", u->conf.name[ch]);
	pe->level = level_of(e->level);
	pe->since_ms = e->since_ms;
	if (probe) {
		const struct alert_channel *st = &u->chan[ch].state;
		pe->has_value = raise ? st->have_value : true;
		pe->value_c10 = raise ? st->last_value_c10 : e->value_c10;
	} else {
		pe->has_value = true;
		pe->value_c10 = e->value_c10;
		pe->threshold_c10 = e->threshold_c10;
	}
}

int unit_queue_events(struct unit *u, int ch, const struct alert_channel_event *ev, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct proto_msg m;
		event_msg(u, ch, &ev[i], &m);
		log_warn(MOD, "event=%s channel=%s level=%s value_c10=%d threshold_c10=%d",
			 ev[i].edge == ALERT_EDGE_RAISE ? "alarm_raised" : "alarm_cleared", u->conf.name[ch],
			 alert_level_str(ev[i].level), ev[i].value_c10, ev[i].threshold_c10);
		int rc = unit_queue_proto(u, &m);
		if (rc < 0)
			return rc;
	}
	return 0;
}

void unit_values(struct unit *u, const struct unit_tick *t, int only, struct proto_value *v, size_t *n)
{
	*n = 0;
	for (int i = 0; i < u->conf.n_channels; i++) {
		if (only >= 0 && i != only)
			continue;
		const struct sensor_reading *r = t ? &t->r[i] : &u->chan[i].last;
		bool known = t ? t->done[i] : u->chan[i].have;
		struct proto_value *x = &v[(*n)++];
		snprintf(x->channel, sizeof(x->channel), "%s", u->conf.name[i]);
		x->ok = known && r->ok;
		x->temp_c10 = x->ok ? r->temp_c10 : 0;
	}
}

static enum proto_mains mains_of(const struct sensor_power *p)
{
	if (!p->mains_known)
		return PROTO_MAINS_UNKNOWN;
	return p->mains_online ? PROTO_MAINS_ON : PROTO_MAINS_OFF;
}

int unit_queue_heartbeat(struct unit *u)
{
	struct proto_msg m = {.head.kind = PROTO_KIND_HEARTBEAT};
	struct proto_status *s = &m.u.status;
	const struct modem_info *mi = u->link ? modem_info(modem_link_modem(u->link)) : NULL;
	s->mains = mains_of(&u->power);
	s->battery_pct = u->power.battery_known ? (int16_t)u->power.battery_pct : -1;
	s->battery_mv = u->power.battery_mv >= 0 && u->power.battery_mv <= 65535 ? u->power.battery_mv : -1;
	s->csq = -1;
	if (mi && mi->signal_dbm < 0) {
		int csq = (mi->signal_dbm + 113) / 2;
		s->csq = (int16_t)(csq < 0 ? 0 : csq > 31 ? 31 : csq);
	}
	s->pending = unit_outbox_pending(u);
	s->uptime_s = (uint32_t)((unit_mono(u) - u->start_mono) / 1000);
	unit_values(u, NULL, -1, s->values, &s->n_values);
	return unit_queue_proto(u, &m);
}
