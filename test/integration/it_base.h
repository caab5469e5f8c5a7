/* Integration helpers for the base daemon: a real `m2mon base` child process on a real
 * SQLite file against the simulator, killed or stopped as a test wants; its log waited on by
 * inotify; units' messages made with the protocol library and sent from the simulator's
 * phones (a unit's number is a phone of the simulated network); what phones received read
 * from the simulator's record of every SMS (DIR/sms.jsonl). No sleeps: every wait ends on
 * the event it awaits, IT_TIMEOUT_MS only bounds one that never comes. */
#ifndef M2_IT_BASE_H
#define M2_IT_BASE_H

#include "it_util.h"
#include "proto.h"
#include "proto_window.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define IT_BASE_NUMBER  "+15550001000"
#define IT_BASE2_NUMBER "+15550001001"
#define IT_WH1_NUMBER   "+15550002001"
#define IT_ALICE        "+15550003001" /* admin, tier 1 */
#define IT_BOB          "+15550003002" /* operator, tier 2 */
#define IT_CAROL        "+15550003003" /* viewer, tier 2 */
#define IT_STRANGER     "+15550009999"
#define IT_WH1_KEY      "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

struct it_base {
	const struct it_sim *sim;
	pid_t pid;
	pid_t unit_pid; /* the real unit, when it runs */
	char unit_conf[400], unit_log[400], unit_db[400], probe[400];
	char conf[400], log[400], db[400];
	int starts;
	/* The test's unit WH1: its next seq and the base's messages it took. */
	uint32_t seq;
	struct proto_window win;
};

/* For an it_base test's main(argc, argv): its one argument, the m2mon binary to run, once the
 * protocol library is ready. Without it, prints the usage and exits with status 2. */
const char *it_base_main(int argc, char **argv);

/* Starts a simulator with modems base (and base2 when `two_modems`), WH1 (a phone the test
 * sends from, or with `real_unit` a modem unit1 for the real `m2mon unit`), and phones for
 * Alice, Bob, Carol and a stranger. `sim_args` are extra options (NULL-terminated, may be
 * NULL). */
void it_base_net(struct it_sim *sim, const char *m2mon, bool two_modems, bool real_unit,
		 const char *const *sim_args);

/* Writes the base's file beside the simulator: site "North", unit WH1 (heartbeat
 * `heartbeat`), Alice/Bob/Carol, the modem(s), and `extra` inside the base group. */
void it_base_conf(struct it_base *b, const struct it_sim *sim, bool two_modems, const char *heartbeat,
		  const char *extra);

/* Starts `m2mon --log-level debug base --config CONF` (its stderr appended to b->log) and
 * waits for its `event=started` and every modem ready. */
void it_base_start(struct it_base *b);
/* The same without waiting for the modems: a base started while its modem hangs, is off the
 * network or unplugged gets ready when the modem does. */
void it_base_spawn(struct it_base *b);
/* SIGTERM; checks it exits 0. */
void it_base_stop(struct it_base *b);
/* SIGKILL, as a power cut would. */
void it_base_kill(struct it_base *b);

/* Lines of the base's log holding every needle (NULL-terminated). */
int it_base_count(const struct it_base *b, const char *const *needles);
/* Waits until the base's log holds `count` such lines; true when it does. */
bool it_base_wait(const struct it_base *b, const char *const *needles, int count);

/* The same with a bound of its own, for an event that takes long by nature (a modem's whole
 * recovery ladder). */
bool it_base_wait_ms(const struct it_base *b, const char *const *needles, int count, int timeout_ms);

/* A protocol message of WH1, signed with its key (its seq and time filled when 0); sent from
 * WH1's phone to `to` when `to` is not NULL. Returns the seq. */
uint32_t it_base_unit(struct it_base *b, struct proto_msg *m, const char *to, char *text, size_t size);
/* An ALARM (raised) or CLEAR of T1 at HIGH with value `v10`, sent to the base. */
uint32_t it_base_event(struct it_base *b, bool raised, int32_t v10, const char *to);

/* `m2mon sim send` from `from` to the base's number. */
void it_base_send(const struct it_base *b, const char *from, const char *to, const char *text);

/* SMS the network delivered to `to` holding `needle` (NULL: any), from sms.jsonl. */
int it_base_got(const struct it_base *b, const char *to, const char *needle);
/* Waits until `to` got `count` of them; true when it did. */
bool it_base_wait_got(const struct it_base *b, const char *to, const char *needle, int count);
/* The same with a bound of its own (silence takes its heartbeat and a settling time). */
bool it_base_wait_got_ms(const struct it_base *b, const char *to, const char *needle, int count,
			 int timeout_ms);

/* The texts delivered to `to`, each once, with how often it came: for duplicates. Returns
 * the number of distinct texts; dups gets the deliveries beyond the first, summed. */
int it_base_distinct(const struct it_base *b, const char *to, int *dups);

/* True when the last receipt WH1 got covers every seq in [first, last]. */
bool it_base_covered(struct it_base *b, uint32_t first, uint32_t last);

/* True when `m2mon events --config CONF --json` lists, in this order (others between them),
 * events matching each of `steps` (NULL-terminated): "KIND" or "KIND:TEXT" where TEXT must
 * be in the event's text or its actor's name. */
bool it_base_events_in_order(const struct it_base *b, const char *const *steps);

/* The real unit WH1 (`m2mon unit`) on modem unit1: its file beside the base's, channel T1
 * reading the file b->probe (high 8, low 2, no delays, sampled every second), reporting to
 * `base_number` its readings every `report` (NULL: 1h); the probe set to `temp` (degrees C
 * as text). */
void it_base_unit_conf(struct it_base *b, const char *base_number, const char *temp, const char *report);
/* Writes the probe's value, whole. */
void it_base_probe(const struct it_base *b, const char *temp);
/* Starts the unit (its log in b->unit_log) and waits for its start and its modem ready. */
void it_base_unit_start(struct it_base *b);
void it_base_unit_stop(struct it_base *b);
/* Lines of the unit's log holding every needle; the wait for them. */
int it_base_unit_count(const struct it_base *b, const char *const *needles);
bool it_base_unit_wait(const struct it_base *b, const char *const *needles, int count);

/* The seqs of the protocol messages WH1 sent to the base's numbers (sms.jsonl, each read
 * with proto_peek), into `seqs` (room for `max`); returns how many distinct. */
int it_base_unit_sent(const struct it_base *b, uint32_t *seqs, int max);
/* True when the last receipt WH1 got covers every seq in `seqs`. */
bool it_base_covers(struct it_base *b, const uint32_t *seqs, int n);
/* Waits until the last receipt WH1 got covers every message it sent (a unit that goes on
 * reporting sends new ones meanwhile: each is waited for too). Returns the number of its
 * messages still not covered at the end (0: all), and their count in *sent. */
int it_base_wait_covered(struct it_base *b, int *sent);

/* Writes `text` to `path`. */
void it_write_file(const char *path, const char *text);

#endif
