/* The offset between the board's clock and the unit's time, learnt from the network's time or
 * the base's receipts. Pure. */
#include "unit_clock.h"

#include <stdlib.h>

const char *unit_clock_source_str(enum unit_clock_source src)
{
	switch (src) {
	case UNIT_CLOCK_BOARD:
		return "board";
	case UNIT_CLOCK_NETWORK:
		return "network";
	case UNIT_CLOCK_BASE:
		return "base";
	}
	return "?";
}

int64_t unit_clock_now(const struct unit_clock *c, int64_t board_ms)
{
	return board_ms + c->offset_ms;
}

bool unit_clock_learn(struct unit_clock *c, enum unit_clock_source src, int64_t their_ms, int64_t board_ms)
{
	if (src == UNIT_CLOCK_BOARD || (src == UNIT_CLOCK_BASE && c->source == UNIT_CLOCK_NETWORK))
		return false;
	int64_t offset = their_ms - board_ms;
	if (llabs(offset - c->offset_ms) < UNIT_CLOCK_SLACK_MS) {
		if (c->source == UNIT_CLOCK_BOARD)
			c->source = src;
		return false;
	}
	c->offset_ms = offset;
	c->source = src;
	return true;
}
