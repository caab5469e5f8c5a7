/* A virtual modem on a fake serial line and a fake clock, for the test_vmodem*.c tests:
 * input is written in pieces of at most 8 bytes (or one byte at a time), output is captured
 * and compared byte for byte, SMS the modem submits are recorded. */
#ifndef M2_TEST_VMODEM_HARNESS_H
#define M2_TEST_VMODEM_HARNESS_H

#include "vmodem.h"

#include <stddef.h>
#include <stdint.h>

#define VMH_SUBMITS 8
/* The network's time at fake time 0: 2026-01-01 00:00:00 UTC. */
#define VMH_EPOCH_MS 1767225600000LL

struct vmh {
	struct vmodem *vm;
	char out[65536];
	char taken[65536];
	size_t out_len;
	uint64_t now;
	unsigned piece;
	int submit_rc;
	int n_sub;
	uint8_t sub[VMH_SUBMITS][200];
	size_t sub_len[VMH_SUBMITS];
	uint8_t sub_mr[VMH_SUBMITS];
};

/* A powered-on modem with SMSC +15550000000 and number +15550001000, on a network whose time
 * is VMH_EPOCH_MS + the fake time; boot output kept. */
struct vmh *vmh_new(enum vmodem_model model, const char *pin, int slots);
void vmh_free(struct vmh *h);
/* A modem as a client leaves it after its init, kept in *state for vmh_teardown: echo off
 * and numeric errors (ATE0;+CMEE=1), then the commands `more` (e.g. "+CMGF=1", or NULL);
 * its boot output and the answers are taken. */
struct vmh *vmh_client(void **state, enum vmodem_model model, int slots, const char *more);
/* CMocka teardown: frees the struct vmh a test left in *state, also after a failure. */
int vmh_teardown(void **state);
/* Writes `s` in pieces of 1 to 8 bytes (sizes cycle), 1 ms of fake time apart. */
void vmh_type(struct vmh *h, const char *s);
void vmh_type_len(struct vmh *h, const char *s, size_t len);
/* Writes `s` one byte per call, as gammu's detection phase does. */
void vmh_type_bytes(struct vmh *h, const char *s);
/* Asserts the output since the last check is exactly `want`, then forgets it. */
void vmh_expect(struct vmh *h, const char *want);
/* Output since the last check (NUL-terminated), then forgets it. Valid until the next call. */
const char *vmh_take(struct vmh *h);
void vmh_advance(struct vmh *h, uint64_t ms);
/* Hands the modem a TPDU given as hex. Returns vmodem_deliver()'s result. */
int vmh_deliver_hex(struct vmh *h, const char *hex);
int vmh_report_hex(struct vmh *h, const char *hex);

#endif
