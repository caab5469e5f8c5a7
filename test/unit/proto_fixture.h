/* Messages of every kind for the protocol tests and the fuzz corpus: the smallest, the
 * largest and a typical one of each, built field by field at the limits proto.h states. */
#ifndef M2_PROTO_FIXTURE_H
#define M2_PROTO_FIXTURE_H

#include "proto.h"

enum fixture_variant {
	FIXTURE_MIN,     /* every field at its lower limit */
	FIXTURE_MAX,     /* every field at its upper limit */
	FIXTURE_TYPICAL, /* what a unit in a cold room sends */
};
#define FIXTURE_VARIANTS 3

/* The key every fixture is signed with: octets 0x00..0x1f. */
extern const uint8_t fixture_key[PROTO_KEY_LEN];

/* Fills `m` with a message of `kind` in `variant`. */
void fixture_msg(struct proto_msg *m, enum proto_kind kind, enum fixture_variant variant);

/* Traces for the readings codec: the simulated cold rooms (src/sensors/sensor_sim.h) and a
 * noisy worst case, the chiller on a bad probe cable: uniform noise of +-10.0 C on every
 * sample and one sample in fifty lost (PROTO_MISSING). */
enum fixture_trace {
	FIXTURE_CHILLER,
	FIXTURE_FREEZER,
	FIXTURE_REEFER,
	FIXTURE_NOISY,
};
#define FIXTURE_TRACES 4

const char *fixture_trace_str(enum fixture_trace t);

/* `n` samples of trace `t` with `seed`, the first at `t0_s`, every `interval_s`. */
void fixture_trace(enum fixture_trace t, uint64_t seed, int64_t t0_s, uint32_t interval_s, int32_t *out,
		   size_t n);

#endif
