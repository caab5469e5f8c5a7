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

#endif
