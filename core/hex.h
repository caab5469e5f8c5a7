/* Hexadecimal text and octets, as AT commands carry PDUs (TS 27.005 3.1: "hexadecimal
 * format", two IRA characters per octet, high nibble first). Pure functions, no state. */
#ifndef M2_CORE_HEX_H
#define M2_CORE_HEX_H

#include <stddef.h>
#include <stdint.h>

/* The value 0..15 of one hex digit (0-9, A-F, a-f), or -1 for any other character. */
int hex_digit(char c);

/* Decodes the `len` characters at `hex` into `out` (room for `size` octets). Returns the
 * number of octets written, or -EINVAL when `len` is odd or a character is not a hex digit,
 * -EMSGSIZE when the octets do not fit in `size`. On error `out` may hold a partial result
 * that the caller must ignore. */
int hex_decode(const char *hex, size_t len, uint8_t *out, size_t size);

/* Writes the `len` octets at `in` as upper-case hex into `out`, which must have room for
 * 2 * len + 1 characters; NUL-terminated. Returns the number of characters (2 * len). */
size_t hex_encode(const uint8_t *in, size_t len, char *out);

#endif
