/* UTF-8 text one code point at a time (RFC 3629), as phones send it and people type it.
 * Pure, no state. */
#ifndef M2_CORE_UTF8_H
#define M2_CORE_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Decodes the sequence at `p`, of which `avail` bytes (at least 1) may be read. Returns its
 * length 1..4 with the code point in *cp, or -1 when it is malformed: a stray continuation
 * byte, a sequence cut short by `avail` or a byte that does not continue it, an overlong form,
 * a surrogate or a value past U+10FFFF. A NUL byte ends a sequence, so text that is
 * NUL-terminated can be read with `avail` = SIZE_MAX. */
int utf8_decode(const unsigned char *p, size_t avail, uint32_t *cp);

#endif
