/* What the files of m2proto share and nobody else needs: the base64 alphabet, the alphabet of
 * protocol text, and the MAC. */
#ifndef M2_PROTO_INTERNAL_H
#define M2_PROTO_INTERNAL_H

#include "proto.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* RFC 4648 section 4: A-Z a-z 0-9 + / (no padding is ever written). */
extern const char proto_b64_alphabet[64];

/* The value 0..63 of a base64 character, or -1. */
int proto_b64_value(char c);

/* True for a character protocol text may hold: printable ASCII that is one septet of the GSM
 * 7-bit basic table at its ASCII code, plus '$' and '_' (TS 23.038 6.2.1), without '@' and
 * '`'; that is A-Z a-z 0-9, space and !"#$%&'()*+,-./:;<=>?_ . */
bool proto_char_ok(unsigned char c);

/* The tag of `len` characters of text travelling in `dir`: the first PROTO_TAG_CHARS
 * base64 characters of HMAC-SHA-256(key, dir letter || text); no NUL. */
void proto_tag(const uint8_t key[PROTO_KEY_LEN], enum proto_dir dir, const char *text, size_t len,
	       char tag[PROTO_TAG_CHARS]);

/* The letter a kind has in the frame, and back (-1 when there is none). */
char proto_kind_letter(enum proto_kind kind);
int proto_kind_of_letter(char c);

#endif
