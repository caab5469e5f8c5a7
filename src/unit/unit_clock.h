/* The unit's time without NTP: the board's clock plus an offset learnt from whoever knows
 * better (the network's time through the modem, or the base's clock in its receipts). The
 * system clock is never set; every message carries board + offset. Pure: the caller reads
 * the board's clock and persists the offset. */
#ifndef M2_UNIT_CLOCK_H
#define M2_UNIT_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

/* An estimate closer than this to the offset in force changes nothing: a receipt's clock is
 * older than its arrival by the SMS's time in the network, seconds to a minute. */
#define UNIT_CLOCK_SLACK_MS 60000

enum unit_clock_source {
	UNIT_CLOCK_BOARD,   /* the board's own clock, no correction learnt */
	UNIT_CLOCK_NETWORK, /* the network's time (AT+CCLK after AT+CTZU=1) */
	UNIT_CLOCK_BASE,    /* the clock of the base, from a receipt */
};

const char *unit_clock_source_str(enum unit_clock_source src);

struct unit_clock {
	int64_t offset_ms; /* added to the board's clock */
	enum unit_clock_source source;
};

/* The unit's time for the board's time `board_ms`. */
int64_t unit_clock_now(const struct unit_clock *c, int64_t board_ms);

/* Another clock said it was `their_ms` when the board said `board_ms`. The network's time
 * is taken over the base's; the base's is taken unless the network's is in force. Returns
 * true when the offset changed (by UNIT_CLOCK_SLACK_MS or more): persist it and log it. */
bool unit_clock_learn(struct unit_clock *c, enum unit_clock_source src, int64_t their_ms, int64_t board_ms);

#endif
