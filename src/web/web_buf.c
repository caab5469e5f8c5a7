/* The display's text buffer: growth by doubling, printf into it, and the XML escaping every
 * text drawn into an SVG goes through. */
#include "web_buf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool reserve(struct web_buf *b, size_t more)
{
	if (b->failed)
		return false;
	if (b->len + more + 1 <= b->cap)
		return true;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + more + 1)
		cap *= 2;
	char *grown = realloc(b->data, cap);
	if (!grown) {
		b->failed = true;
		return false;
	}
	b->data = grown;
	b->cap = cap;
	return true;
}

void web_buf_put(struct web_buf *b, const char *s, size_t len)
{
	if (!reserve(b, len))
		return;
	memcpy(b->data + b->len, s, len);
	b->len += len;
	b->data[b->len] = '\0';
}

void web_buf_puts(struct web_buf *b, const char *s)
{
	web_buf_put(b, s, strlen(s));
}

void web_buf_printf(struct web_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* The length of the valid UTF-8 sequence at `s`, or 0 (RFC 3629). */
static size_t utf8_len(const unsigned char *s)
{
	size_t len;
	uint32_t cp, min;
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		min = 0x80;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		min = 0x800;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		min = 0x10000;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) || cp == 0xfffe || cp == 0xffff)
		return 0;
	return len;
}

void web_buf_xml(struct web_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		size_t len = utf8_len(p);
		switch (len ? *p : 0) {
		case '&':
			web_buf_puts(b, "&amp;");
			break;
		case '<':
			web_buf_puts(b, "&lt;");
			break;
		case '>':
			web_buf_puts(b, "&gt;");
			break;
		case '"':
			web_buf_puts(b, "&quot;");
			break;
		case '\'':
			web_buf_puts(b, "&#39;");
			break;
		default:
			if (len == 0 || (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r'))
				web_buf_put(b, "?", 1);
			else
				web_buf_put(b, (const char *)p, len);
		}
		p += len ? len : 1;
	}
}

void web_buf_utf8(struct web_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		size_t len = utf8_len(p);
		web_buf_put(b, len ? (const char *)p : "?", len ? len : 1);
		p += len ? len : 1;
	}
}

char *web_buf_take(struct web_buf *b, size_t *len)
{
	char *out = b->failed || b->len == 0 ? NULL : b->data;
	if (!out)
		free(b->data);
	if (len)
		*len = out ? b->len : 0;
	memset(b, 0, sizeof(*b));
	return out;
}

void web_buf_free(struct web_buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}
