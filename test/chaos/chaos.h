/* The chaos runner: seeded runs of the real `m2mon sim`, `m2mon base` and `m2mon unit` (real
 * SQLite files) through an alarm story, with a plan of faults drawn from the seed: modems
 * hung inside AT+CMGS, garbage, reboots, network loss, a full SIM, an unplugged modem, SMS
 * loss, duplication and reordering, SIGKILL of the unit and of the base at points of their
 * logs, and a power cut (both killed at once, PRAGMA integrity_check, both restarted).
 * Each run counts what was raised, due, delivered, lost and duplicated. */
#ifndef M2_CHAOS_H
#define M2_CHAOS_H

#include "it_base.h"

#include <stdbool.h>
#include <stdint.h>

struct chaos_opts {
	int runs;
	uint64_t seed;    /* of the first run; run i has seed + i */
	int cycles;       /* alarm stories per run */
	int nonet_ms;     /* how long a modem is off the network */
	int hang_ms;      /* a hang, inside AT+CMGS or not */
	int unplug_ms;    /* how long a modem stays unplugged */
	int phase_ms;     /* the bound on one phase of the story (faults included) */
	const char *loss; /* the network's probabilities, as `m2mon sim` takes them */
	const char *dup;
	const char *reorder;
	int unit_loss_pct; /* the unit modem's own loss (sim fault loss) */
};

struct chaos_counts {
	int alarms;       /* ALARM messages the unit raised (distinct seqs) */
	int expected;     /* notifications due to phones */
	int delivered;    /* of those, the ones that reached their phone */
	int lost;         /* expected - delivered, plus the unit's messages never covered */
	int inbound_lost; /* the unit's messages no receipt covered */
	int duplicated;   /* copies of a base text beyond the first, on one phone */
	int dup_network;  /* of those, copies the network made (sim --duplicate) */
	int dup_marked;   /* allowed by the outbox: rows resent marked possibly_duplicate */
	int dup_beyond;   /* neither: a failure */
	int net_lost;     /* base texts the network dropped (sim --loss): each resent or lost */
	int kills_unit, kills_base, power_cuts, faults;
	int integrity_bad; /* databases whose integrity_check did not say ok */
	int64_t ms;        /* how long the run took */
};

/* One run with `seed`: fills `c`; returns true when it passed (nothing lost, no duplicate
 * beyond those explained, every database intact). Prints its plan and its line. */
bool chaos_run(const char *m2mon, const struct chaos_opts *o, uint64_t seed, struct chaos_counts *c);

/* ---- chaos_count.c: what the network's record and the stores say ---- */

#define CHAOS_DUES 9

/* A notification a phone must get: its number and two pieces of its text. */
struct chaos_due {
	const char *to;
	char needle[64];
	const char *and; /* NULL: none */
};

/* The nine of incident `id`: its ALARM to Alice, Bob and Carol, Bob's ACK confirmed to him
 * and told to the others, its CLEARED to all three. Phase p (0 alarm, 1 ack, 2 cleared) is
 * out[3p..3p+2]. */
void chaos_dues(int id, struct chaos_due out[CHAOS_DUES]);

/* True when `due` reached its phone (DIR/sms.jsonl: delivered, from the base's number). */
bool chaos_due_met(const struct it_base *b, const struct chaos_due *due);

/* The smallest id above `after` of an incident of WH1/T1 the base texted an ALARM about (a
 * base's own alarms, MODEM DEAD among them, take ids too), or 0 when there is none yet. */
int chaos_incident_after(const struct it_base *b, int after);

/* Fills delivered/lost/duplicated/dup_* and net_lost of `c` for the `n` incidents in `ids`
 * (0: a story whose alarm never reached anybody, all its nine lost) from the record and the
 * base's outbox (its SQLite file). */
void chaos_count(const struct it_base *b, const int *ids, int n, struct chaos_counts *c);

/* ALARM messages the unit sent (distinct seqs, whatever the network did with them). */
int chaos_unit_alarms(const struct it_base *b);

/* PRAGMA integrity_check through the store on the SQLite file at `path` (the daemon that
 * writes it must not run). True when it says ok; otherwise prints what it found. */
bool chaos_integrity(const char *path, bool base);

#endif
