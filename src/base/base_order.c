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
	return true;
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
 * was raised too, a normal clear that the critical one had cleared before it. */
static void implied(struct base_channel *ch, enum proto_level level, uint32_t seq, bool raised)
{
	switch (level) {
	case PROTO_LEVEL_HIGH_HIGH:
		if (raised)
			base_level_update(&ch->level[PROTO_LEVEL_HIGH], seq, true);
		break;
	case PROTO_LEVEL_LOW_LOW:
		if (raised)
			base_level_update(&ch->level[PROTO_LEVEL_LOW], seq, true);
		break;
	case PROTO_LEVEL_HIGH:
		if (!raised)
			base_level_update(&ch->level[PROTO_LEVEL_HIGH_HIGH], seq, false);
		break;
	case PROTO_LEVEL_LOW:
		if (!raised)
			base_level_update(&ch->level[PROTO_LEVEL_LOW_LOW], seq, false);
		break;
	case PROTO_LEVEL_PROBE:
	case PROTO_LEVEL_RATE:
		break;
	}
}

size_t base_order_event(struct base_channel *ch, enum proto_level level, uint32_t seq, bool raised,
			enum alert_kind *kind, struct base_op ops[2])
{
	*kind = kind_of(level);
	struct base_kind_state from = state_of(ch, *kind);
	if ((unsigned)level >= PROTO_LEVEL_COUNT || !base_level_update(&ch->level[level], seq, raised))
		return 0;
	implied(ch, level, seq, raised);
	return base_order_ops(from, state_of(ch, *kind), ops);
}

size_t base_order_unit(struct base_level *level, uint32_t seq, bool raised, struct base_op ops[2])
{
	bool was = level->raised;
	if (!base_level_update(level, seq, raised) || was == raised)
		return 0;
	ops[0] = (struct base_op){raised ? BASE_OP_RAISE : BASE_OP_CLEAR, false};
	return 1;
}
