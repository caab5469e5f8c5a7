/* UTF-8 decoding (utf8.h). */
#include "utf8.h"

int utf8_decode(const unsigned char *p, size_t avail, uint32_t *cp)
{
	static const uint32_t min_for_len[] = {0, 0, 0x80, 0x800, 0x10000};
	uint32_t c = p[0];
	size_t len;
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if ((c & 0xE0) == 0xC0) {
		len = 2;
		c &= 0x1F;
	} else if ((c & 0xF0) == 0xE0) {
		len = 3;
		c &= 0x0F;
	} else if ((c & 0xF8) == 0xF0) {
		len = 4;
		c &= 0x07;
	} else {
		return -1;
	}
	if (avail < len)
		return -1;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return -1;
		c = (c << 6) | (p[i] & 0x3F);
	}
	if (c < min_for_len[len] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return -1;
	*cp = c;
	return (int)len;
}
