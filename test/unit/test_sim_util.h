/* Test helpers for the simulator's tests (unit, integration, benchmarks): SMS-SUBMIT TPDUs
 * built the way gammu's AT driver builds them, and DELIVER/STATUS-REPORT TPDUs read back with
 * gammu. One copy, so every test sends what gammu sends. */
#ifndef M2_TEST_SIM_UTIL_H
#define M2_TEST_SIM_UTIL_H

#include "sim_pdu.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The SUBMIT TPDUs of `text` (UTF-8) to `to` (GSM 7-bit, or UCS-2 when a character needs it;
 * concatenated when long), as `gammu sendsms TEXT to -len N [-report]` sends them, without
 * SMSC octets; TP-MR `mr` + part index. Fills out[0..n-1] and lens (SIM_MAX_PARTS entries)
 * and returns n, or -1 when gammu cannot encode it or it needs more than SIM_MAX_PARTS parts.
 * It asserts nothing, so that benchmarks may use it. */
int tsim_submits(const char *text, const char *to, bool report, uint8_t mr, uint8_t out[][SIM_TPDU_MAX],
		 size_t *lens);

/* The readers below fail the calling CMocka test when gammu cannot decode the TPDU. */

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
