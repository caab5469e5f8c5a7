/* Test helpers for the simulator's unit tests: SMS-SUBMIT TPDUs built the way gammu's AT
 * driver builds them, and DELIVER/STATUS-REPORT TPDUs read back with gammu. */
#ifndef M2_TEST_SIM_UTIL_H
#define M2_TEST_SIM_UTIL_H

#include "sim_pdu.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The SUBMIT TPDUs of `text` to `to` (GSM 7-bit, concatenated when long), as `gammu sendsms
 * TEXT to -len N [-report]` sends them; MR `mr` + part index. Returns the number of parts. */
int tsim_submits(const char *text, const char *to, bool report, uint8_t mr,
		 uint8_t out[][SIM_TPDU_MAX], size_t *lens);

/* What a handset shows for a DELIVER TPDU: originator, UTF-8 text, concatenation. */
struct tsim_deliver {
	char from[32];
	char text[1024];
	int part, parts;
	int year;
};
void tsim_read_deliver(const uint8_t *tpdu, size_t len, struct tsim_deliver *out);

/* A STATUS-REPORT's message reference, recipient and TP-Status, read with gammu. */
struct tsim_report {
	int mr;
	char to[32];
	int status;
};
void tsim_read_report(const uint8_t *tpdu, size_t len, struct tsim_report *out);

#endif
