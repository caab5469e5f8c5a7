/* Helpers for the unit daemon's integration tests: a unit configuration in the simulator's
 * temporary directory, the real `m2mon unit` as a child process (its log in a file the test
 * waits on), and the base's side played by the test on the base modem's PTY: messages read
 * with AT+CMGL and verified with the protocol library, receipts built with it and sent. */
#ifndef M2_IT_UNIT_UTIL_H
#define M2_IT_UNIT_UTIL_H

#include "it_util.h"
#include "proto.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define IT_UNIT_KEY    "5d0c3f7a9e214b8c6f1a2d3e4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e"
#define IT_UNIT_NUMBER "+15550002001"
#define IT_BASE_NUMBER "+15550001000"
#define IT_ALICE       "+15550003001" /* admin */
#define IT_BOB         "+15550003002" /* operator */
#define IT_CAROL       "+15550003003" /* not listed */
#define IT_DAVE        "+15550003004" /* fallback phone */

/* The network every test uses: the base modem, the unit's, and four phones. */
extern const char *const it_unit_net[];

struct it_unit {
	const struct it_sim *sim;
	pid_t pid;
	char conf[400], log[400], db[400], probe[400];
	int starts;
};

/* Writes DIR/../unit.conf with the `unit` settings in `extra` (lines such as
 * `report_interval = "1h";`) after the fixed ones, one channel T1 reading the file
 * DIR/../probe1 (high 8, low 2, no delays), the phones alice (admin) and bob (operator),
 * and sets the probe to `temp`. */
void it_unit_setup(struct it_unit *u, const struct it_sim *sim, const char *extra, const char *temp);

/* Writes `temp` (degrees C as text) into the probe file, whole. */
void it_unit_probe(const struct it_unit *u, const char *temp);

/* Starts `m2mon --log-level debug unit --config ...`, its log appended to u->log. */
void it_unit_start(struct it_unit *u);
/* SIGTERM and checks it exited 0. */
void it_unit_stop(struct it_unit *u);
/* SIGKILL and reaps it. */
void it_unit_kill(struct it_unit *u);

/* Waits until the unit's log holds `count` lines with every one of `needles`. */
bool it_unit_wait(const struct it_unit *u, const char *const *needles, int count);
/* The same with its own bound: after a SIGKILL in the middle of AT+CMGS the modem still
 * waits for the PDU, and the modem layer's recovery takes its ladder's time. */
bool it_unit_wait_ms(const struct it_unit *u, const char *const *needles, int count, int timeout_ms);
int it_unit_count(const struct it_unit *u, const char *const *needles);

/* SMS the network delivered to the base modem so far (sms.jsonl), and the wait for them. */
int it_base_delivered(const struct it_sim *sim);
bool it_base_wait_delivered(const struct it_sim *sim, int count);

#define IT_BASE_MAX 256

struct it_base {
	int fd;
	int n;                             /* messages read so far */
	struct proto_msg msg[IT_BASE_MAX]; /* each verified with proto_open */
	char text[IT_BASE_MAX][PROTO_TEXT_MAX];
	uint32_t seq; /* the base's own counter for what it sends */
};

/* Opens the base modem as a client would (PDU mode, +CMTI). */
void it_base_open(struct it_base *b, const struct it_sim *sim);
/* Reads every SMS stored on the base modem, verifies each (a failure fails the test),
 * appends it and deletes it from the modem. Returns how many it read. */
int it_base_read(struct it_base *b);
/* Messages of `kind` read so far; with `seq` non-zero, only those of that seq. */
int it_base_count(const struct it_base *b, enum proto_kind kind, uint32_t seq);
/* The base sends the unit a receipt for every seq it has read so far (as a base's window
 * would) and returns the receipt's upto. */
uint32_t it_base_receipt(struct it_base *b);
/* The base sends the unit a signed command. */
void it_base_command(struct it_base *b, uint32_t cmd_id, const char *by, const char *text);

/* The phone `number` sends `text` to the unit. */
void it_phone_send(const struct it_sim *sim, const char *number, const char *text);
/* Waits until phone `number` has `count` messages; returns the text of the last in `out`. */
bool it_phone_wait(const struct it_sim *sim, const char *number, int count, char *out, size_t size);
/* Messages phone `number` has received. */
int it_phone_count(const struct it_sim *sim, const char *number);

#endif
