/* Hex digits to octets and back, for the PDUs that AT commands carry as text. One parser
 * for the whole project, so that a bad digit is refused the same way everywhere. */
#include "hex.h"

#include <errno.h>

int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int hex_decode(const char *hex, size_t len, uint8_t *out, size_t size)
{
	if (len % 2)
		return -EINVAL;
	if (len / 2 > size)
		return -EMSGSIZE;
	for (size_t i = 0; i < len / 2; i++) {
		int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -EINVAL;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return (int)(len / 2);
}

size_t hex_encode(const uint8_t *in, size_t len, char *out)
{
	static const char digits[] = "0123456789ABCDEF";
	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0x0F];
	}
	out[2 * len] = '\0';
	return 2 * len;
}
