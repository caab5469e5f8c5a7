/* The GSM 7-bit default alphabet and its extension table (3GPP TS 23.038 6.2.1), the one-SMS
 * check applied to every text the alarm engine produces, and small formatting helpers. */
#include "alert_text.h"
#include "utf8.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Non-ASCII code points of the default alphabet (TS 23.038 6.2.1, table 1). */
static const uint16_t gsm_basic_nonascii[] = {
	0x00A1, 0x00A3, 0x00A4, 0x00A5, 0x00A7, 0x00BF, 0x00C4, 0x00C5, 0x00C6, 0x00C7,
	0x00C9, 0x00D1, 0x00D6, 0x00D8, 0x00DC, 0x00DF, 0x00E0, 0x00E4, 0x00E5, 0x00E6,
	0x00E8, 0x00E9, 0x00EC, 0x00F1, 0x00F2, 0x00F6, 0x00F8, 0x00F9, 0x00FC, 0x0393,
	0x0394, 0x0398, 0x039B, 0x039E, 0x03A0, 0x03A3, 0x03A6, 0x03A8, 0x03A9,
};

/* Septets for one code point: 1 (basic table), 2 (extension table) or 0 (not representable). */
static int gsm_septets(uint32_t cp)
{
	if (cp == '\n' || cp == '\r')
		return 1;
	if (cp == '\f' || cp == 0x20AC)
		return 2;
	if (cp < 0x20 || cp == 0x7F || cp == '`')
		return 0;
	if (cp < 0x80)
		return strchr("^{}\\[]~|", (int)cp) ? 2 : 1;
	for (size_t i = 0; i < sizeof(gsm_basic_nonascii) / sizeof(gsm_basic_nonascii[0]); i++)
		if (gsm_basic_nonascii[i] == cp)
			return 1;
	return 0;
}

int alert_text_septets(const char *text)
{
	const unsigned char *s = (const unsigned char *)text;
	int total = 0;
	while (*s) {
		uint32_t cp;
		int len = utf8_decode(s, SIZE_MAX, &cp);
		if (len < 0)
			return -EILSEQ;
		int sep = gsm_septets(cp);
		if (sep == 0)
			return -EILSEQ;
		total += sep;
		s += len;
	}
	return total;
}

/* True when the last sentence (after the last ". ", or the whole text) reads "Reply VERB...",
 * VERB starting with a capital letter, with no line break after it. */
static bool ends_with_reply(const char *text)
{
	const char *last = text;
	for (const char *p = strstr(text, ". "); p; p = strstr(p + 1, ". "))
		last = p + 2;
	if (strncmp(last, "Reply ", 6) != 0 || last[6] < 'A' || last[6] > 'Z')
		return false;
	return strchr(last, '\n') == NULL && strchr(last, '\r') == NULL;
}

int alert_text_check(const char *text)
{
	int septets = alert_text_septets(text);
	if (septets < 0)
		return septets;
	if (septets > ALERT_SMS_SEPTETS)
		return -EMSGSIZE;
	if (!ends_with_reply(text))
		return -EBADMSG;
	return 0;
}

void alert_text_clean(char *dst, size_t n, const char *src)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t out = 0;
	if (n == 0)
		return;
	while (*s) {
		uint32_t cp;
		int len = utf8_decode(s, SIZE_MAX, &cp);
		bool keep = len > 0 && cp >= 0x20 && gsm_septets(cp) == 1;
		size_t need = keep ? (size_t)len : 1;
		if (out + need >= n)
			break;
		if (keep)
			memcpy(dst + out, s, need);
		else
			dst[out] = '?';
		out += need;
		s += len > 0 ? len : 1;
	}
	dst[out] = '\0';
}

void alert_text_temp(char *dst, size_t n, int32_t temp_c10)
{
	int64_t v = temp_c10;
	const char *sign = v < 0 ? "-" : "";
	if (v < 0)
		v = -v;
	snprintf(dst, n, "%s%lld.%lldC", sign, (long long)(v / 10), (long long)(v % 10));
}
