/* The order of a unit's alarm events: SMS arrive late and out of order, so each level keeps
 * the sequence number of the newest word the unit said about it, an older message changes
 * nothing, and the engine is moved from the state the unit reported before to the state it
 * reports now (so HIGH and HIGH_HIGH arriving in any order end as the unit has them). */
#include "base_ustate.h"

bool base_level_update(struct base_level *level, uint32_t seq, bool raised)
{
	if (seq <= level->seq)
		return false;
	level->seq = seq;
	level->raised = raised;
	if (!raised)
		level->since_ms = 0;
	return true;
}

/* Two words on one excursion give its start a second apart at most (the protocol says since
 * in whole seconds before the message's time): a start later than this is another one. */
#define SAME_START_MS 2000

/* `w` raises `l` again for a condition that began settle_ms (and more than SAME_START_MS)
 * after the one `l` holds: a new excursion behind a CLEAR that has not come. */
static bool new_excursion(const struct base_level *l, const struct base_word *w)
{
	int64_t later = w->since_ms - l->since_ms;
	return w->raised && l->raised && l->since_ms && w->seq > l->seq && later > SAME_START_MS &&
	       later >= w->settle_ms;
}

size_t base_order_ops(struct base_kind_state from, struct base_kind_state to, struct base_op ops[2])
{
	bool was = from.normal || from.critical, is = to.normal || to.critical;
	size_t n = 0;
	if (!was && is) {
		if (to.normal)
			ops[n++] = (struct base_op){BASE_OP_RAISE, false};
		if (to.critical)
			ops[n++] = (struct base_op){BASE_OP_RAISE, true};
		return n;
	}
	if (was && !is) {
		/* A normal clear closes the incident whatever its level. */
		ops[n++] = (struct base_op){BASE_OP_CLEAR, false};
		return n;
	}
	if (!was)
		return 0;
	if (to.normal && !from.normal)
		ops[n++] = (struct base_op){BASE_OP_RAISE, false};
	if (to.critical && !from.critical)
		ops[n++] = (struct base_op){BASE_OP_RAISE, true};
	else if (!to.critical && from.critical)
		ops[n++] = (struct base_op){BASE_OP_CLEAR, true}; /* back to the normal level */
	return n;
}

static enum alert_kind kind_of(enum proto_level level)
{
	switch (level) {
	case PROTO_LEVEL_LOW_LOW:
	case PROTO_LEVEL_LOW:
		return ALERT_KIND_LOW;
	case PROTO_LEVEL_HIGH:
	case PROTO_LEVEL_HIGH_HIGH:
		return ALERT_KIND_HIGH;
	case PROTO_LEVEL_PROBE:
		return ALERT_KIND_PROBE;
	case PROTO_LEVEL_RATE:
		return ALERT_KIND_RATE;
	}
	return ALERT_KIND_PROBE;
}

static struct base_kind_state state_of(const struct base_channel *ch, enum alert_kind kind)
{
	const struct base_level *l = ch->level;
	switch (kind) {
	case ALERT_KIND_HIGH:
		return (struct base_kind_state){l[PROTO_LEVEL_HIGH].raised, l[PROTO_LEVEL_HIGH_HIGH].raised};
	case ALERT_KIND_LOW:
		return (struct base_kind_state){l[PROTO_LEVEL_LOW].raised, l[PROTO_LEVEL_LOW_LOW].raised};
	case ALERT_KIND_RATE:
		return (struct base_kind_state){l[PROTO_LEVEL_RATE].raised, false};
	case ALERT_KIND_PROBE:
	case ALERT_KIND_SILENT:
	case ALERT_KIND_POWER:
	case ALERT_KIND_BATTERY:
	case ALERT_KIND_MODEM:
	case ALERT_KIND_SIM_FULL:
	case ALERT_KIND_BASE:
		break;
	}
	return (struct base_kind_state){l[PROTO_LEVEL_PROBE].raised, false};
}

/* A critical level holds only above its normal one: a critical raise says the normal level
 * was raised too (since the same moment, when it was not raised before), a normal clear that
 * the critical one had cleared before it. */
static void implied(struct base_channel *ch, enum proto_level level, const struct base_word *w, bool raised)
{
	struct base_level *other = NULL;
	switch (level) {
	case PROTO_LEVEL_HIGH_HIGH:
		other = raised ? &ch->level[PROTO_LEVEL_HIGH] : NULL;
		break;
	case PROTO_LEVEL_LOW_LOW:
		other = raised ? &ch->level[PROTO_LEVEL_LOW] : NULL;
		break;
	case PROTO_LEVEL_HIGH:
		other = raised ? NULL : &ch->level[PROTO_LEVEL_HIGH_HIGH];
		break;
	case PROTO_LEVEL_LOW:
		other = raised ? NULL : &ch->level[PROTO_LEVEL_LOW_LOW];
		break;
	case PROTO_LEVEL_PROBE:
	case PROTO_LEVEL_RATE:
		break;
	}
	if (!other)
		return;
	bool was = other->raised;
	if (base_level_update(other, w->seq, raised) && raised && !was)
		other->since_ms = w->since_ms;
}

size_t base_order_event(struct base_channel *ch, enum proto_level level, const struct base_word *w,
			enum alert_kind *kind, struct base_op ops[BASE_OPS_MAX])
{
	*kind = kind_of(level);
	if ((unsigned)level >= PROTO_LEVEL_COUNT)
		return 0;
	struct base_level *l = &ch->level[level];
	struct base_kind_state from = state_of(ch, *kind);
	bool again = new_excursion(l, w), from_level = l->raised;
	if (!base_level_update(l, w->seq, w->raised))
		return 0;
	size_t n = 0;
	if (again) {
		/* The CLEAR that has not come, as if it had come just before this message. */
		l->raised = false;
		implied(ch, level, w, false);
		struct base_kind_state mid = state_of(ch, *kind);
		n = base_order_ops(from, mid, ops);
		for (size_t i = 0; i < n; i++)
			if (ops[i].op == BASE_OP_CLEAR && !ops[i].critical)
				ops[i].op = BASE_OP_CLOSE;
		from = mid;
		l->raised = true;
	}
	if (w->raised && (again || !from_level))
		l->since_ms = w->since_ms; /* the same excursion said again keeps its first start */
	implied(ch, level, w, w->raised);
	return n + base_order_ops(from, state_of(ch, *kind), ops + n);
}

size_t base_order_unit(struct base_level *level, const struct base_word *w, struct base_op ops[BASE_OPS_MAX])
{
	bool was = level->raised;
	bool again = new_excursion(level, w);
	if (!base_level_update(level, w->seq, w->raised))
		return 0;
	if (w->raised && (again || !was))
		level->since_ms = w->since_ms;
	size_t n = 0;
	if (again)
		ops[n++] = (struct base_op){BASE_OP_CLOSE, false};
	if (again || was != w->raised)
		ops[n++] = (struct base_op){w->raised ? BASE_OP_RAISE : BASE_OP_CLEAR, false};
	return n;
}
