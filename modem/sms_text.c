/* Text plumbing for the SMS codec: hex digits, UTF-8 validation, and conversion between UTF-8
 * and the UTF-16BE strings libgammu works in. Kept apart from the PDU logic so that each can
 * be read alone; libgammu's own UTF-8 helpers do not reject invalid input, these do. */
#include "sms_util.h"

#include "hex.h"

#include <errno.h>

int sms_hex_decode(const char *hex, size_t hex_len, uint8_t *out, size_t out_size, size_t *bad_at)
{
	for (size_t i = 0; i < hex_len; i++) {
		if (hex_digit(hex[i]) < 0) {
			*bad_at = i;
			return -EBADMSG;
		}
	}
	if (hex_len % 2 != 0) {
		*bad_at = hex_len;
		return -EBADMSG;
	}
	return hex_decode(hex, hex_len, out, out_size);
}

/* Reads one UTF-8 character at `s`; returns its length in bytes and the code point, or 0
 * when the sequence is invalid (RFC 3629 section 4). */
static int utf8_next(const unsigned char *s, uint32_t *cp)
{
	int len;
	uint32_t min;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0) {
		len = 2, min = 0x80, *cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3, min = 0x800, *cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4, min = 0x10000, *cp = s[0] & 0x07;
	} else {
		return 0;
	}
	for (int i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		*cp = *cp << 6 | (s[i] & 0x3f);
	}
	if (*cp < min || *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff))
		return 0;
	return len;
}

long sms_utf8_units(const char *utf8)
{
	const unsigned char *s = (const unsigned char *)utf8;
	long units = 0;
	uint32_t cp;

	while (*s) {
		int n = utf8_next(s, &cp);

		if (n == 0)
			return -EINVAL;
		units += cp >= 0x10000 ? 2 : 1;
		s += n;
	}
	return units;
}

static unsigned char *put_unit(unsigned char *out, uint32_t unit)
{
	out[0] = (unsigned char)(unit >> 8);
	out[1] = (unsigned char)(unit & 0xff);
	return out + 2;
}

void sms_utf8_to_gammu(const char *utf8, unsigned char *out)
{
	const unsigned char *s = (const unsigned char *)utf8;
	uint32_t cp;

	while (*s) {
		int n = utf8_next(s, &cp);

		if (n == 0)
			break;
		if (cp >= 0x10000) {
			cp -= 0x10000;
			out = put_unit(out, 0xd800 | (cp >> 10));
			out = put_unit(out, 0xdc00 | (cp & 0x3ff));
		} else {
			out = put_unit(out, cp);
		}
		s += n;
	}
	put_unit(out, 0);
}

static size_t utf8_put(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

size_t sms_utf16be_to_utf8(const unsigned char *in, size_t units, char *out, size_t out_size)
{
	size_t used = 0;

	for (size_t i = 0; i < units; i++) {
		uint32_t cp = (uint32_t)in[2 * i] << 8 | in[2 * i + 1];
		char tmp[4];
		size_t n;

		if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < units) {
			uint32_t lo = (uint32_t)in[2 * i + 2] << 8 | in[2 * i + 3];

			if (lo >= 0xdc00 && lo <= 0xdfff) {
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				i++;
			}
		}
		if (cp == 0 || (cp >= 0xd800 && cp <= 0xdfff))
			cp = 0xfffd;
		n = utf8_put(cp, tmp);
		if (used + n + 1 > out_size)
			break;
		for (size_t k = 0; k < n; k++)
			out[used++] = tmp[k];
	}
	if (out_size > 0)
		out[used] = '\0';
	return used;
}
