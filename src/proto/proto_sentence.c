/* The sentence in front of the frame, for the person who sees an alarm, a clear, a probe
 * fault or a power event on a phone or in the base's inbox: "WH1 ALARM T1 9.4C above 8.0C
 * since 03:12". It is signed with the rest, but the parser reads only the frame. */
#include "proto_body.h"

#include <stdio.h>
#include <stdlib.h>

/* "9.4C", "-0.5C", "-3276.8C". */
static void temp_words(char *out, size_t n, int32_t c10)
{
	int64_t a = llabs((long long)c10);
	snprintf(out, n, "%s%lld.%lldC", c10 < 0 ? "-" : "", (long long)(a / 10), (long long)(a % 10));
}

/* The clock of `t_ms` in the unit's zone: "03:12". */
static void clock_words(char *out, size_t n, int64_t t_ms, int utc_offset_min)
{
	int64_t s = proto_floor_s(t_ms) + (int64_t)utc_offset_min * 60;
	int64_t day_s = ((s % 86400) + 86400) % 86400;
	snprintf(out, n, "%02d:%02d", (int)(day_s / 3600), (int)(day_s / 60 % 60));
}

static void alarm_sentence(const struct proto_msg *m, const char *when, struct proto_sb *sb)
{
	const struct proto_event *e = &m->u.event;
	char v[16], t[16];
	temp_words(v, sizeof(v), e->value_c10);
	temp_words(t, sizeof(t), e->threshold_c10);
	const char *what = "";
	bool raise = m->head.kind == PROTO_KIND_ALARM;
	switch (e->level) {
	case PROTO_LEVEL_HIGH:
		what = raise ? "above" : "back below";
		break;
	case PROTO_LEVEL_HIGH_HIGH:
		what = raise ? "above critical" : "out of critical, below";
		break;
	case PROTO_LEVEL_LOW:
		what = raise ? "below" : "back above";
		break;
	case PROTO_LEVEL_LOW_LOW:
		what = raise ? "below critical" : "out of critical, above";
		break;
	case PROTO_LEVEL_RATE:
		if (raise)
			proto_sb_add(sb, "%s ALARM %s %s changing fast (over %s) since %s ", m->head.unit,
				     e->channel, v, t, when);
		else
			proto_sb_add(sb, "%s CLEAR %s %s steady again since %s ", m->head.unit, e->channel, v,
				     when);
		return;
	case PROTO_LEVEL_PROBE:
		return;
	}
	proto_sb_add(sb, "%s %s %s %s %s %s since %s ", m->head.unit, raise ? "ALARM" : "CLEAR", e->channel,
		     v, what, t, when);
}

static void fault_sentence(const struct proto_msg *m, const char *when, struct proto_sb *sb)
{
	const struct proto_event *e = &m->u.event;
	char v[16];
	temp_words(v, sizeof(v), e->value_c10);
	if (m->head.kind == PROTO_KIND_FAULT && e->has_value)
		proto_sb_add(sb, "%s PROBE FAULT %s since %s, last %s ", m->head.unit, e->channel, when, v);
	else if (m->head.kind == PROTO_KIND_FAULT)
		proto_sb_add(sb, "%s PROBE FAULT %s since %s ", m->head.unit, e->channel, when);
	else if (e->has_value)
		proto_sb_add(sb, "%s PROBE OK %s %s since %s ", m->head.unit, e->channel, v, when);
	else
		proto_sb_add(sb, "%s PROBE OK %s since %s ", m->head.unit, e->channel, when);
}

static void power_sentence(const struct proto_msg *m, const char *when, struct proto_sb *sb)
{
	const struct proto_power *p = &m->u.power;
	const char *what = "";
	switch (p->event) {
	case PROTO_POWER_MAINS_LOST:
		what = "MAINS LOST";
		break;
	case PROTO_POWER_MAINS_RESTORED:
		what = "MAINS RESTORED";
		break;
	case PROTO_POWER_BATTERY_LOW:
		what = "BATTERY LOW";
		break;
	case PROTO_POWER_BATTERY_OK:
		what = "BATTERY OK";
		break;
	}
	proto_sb_add(sb, "%s %s since %s", m->head.unit, what, when);
	if (p->battery_pct >= 0 || p->battery_mv >= 0)
		proto_sb_add(sb, ", battery");
	if (p->battery_pct >= 0)
		proto_sb_add(sb, " %d%%", p->battery_pct);
	if (p->battery_mv >= 0)
		proto_sb_add(sb, " %d.%03dV", (int)(p->battery_mv / 1000), (int)(p->battery_mv % 1000));
	proto_sb_add(sb, " ");
}

void proto_sentence_write(const struct proto_msg *m, int utc_offset_min, struct proto_sb *sb)
{
	char when[8];
	switch (m->head.kind) {
	case PROTO_KIND_ALARM:
	case PROTO_KIND_CLEAR:
		clock_words(when, sizeof(when), m->u.event.since_ms, utc_offset_min);
		alarm_sentence(m, when, sb);
		return;
	case PROTO_KIND_FAULT:
	case PROTO_KIND_FAULT_END:
		clock_words(when, sizeof(when), m->u.event.since_ms, utc_offset_min);
		fault_sentence(m, when, sb);
		return;
	case PROTO_KIND_POWER:
		clock_words(when, sizeof(when), m->u.power.since_ms, utc_offset_min);
		power_sentence(m, when, sb);
		return;
	case PROTO_KIND_READINGS:
	case PROTO_KIND_HEARTBEAT:
	case PROTO_KIND_ECHO:
	case PROTO_KIND_REPLY:
	case PROTO_KIND_RECEIPT:
	case PROTO_KIND_COMMAND:
		return;
	}
}
