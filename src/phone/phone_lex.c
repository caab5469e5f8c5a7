/* The lexer of phone commands: UTF-8 text from an SMS into normalised ASCII commands, line by
 * line and ';' by ';', skipping quote lines and stopping at signatures; then the trimming of
 * punctuation around a command, the split into words and the safe echo of a word in a reason.
 * Every byte is looked at once; nothing allocates. */
#include "phone_internal.h"
#include "utf8.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* What a code point becomes (besides a byte): nothing, or a line break. */
#define NORM_DROP (-1)
#define NORM_LINE (-2)

void phone_lex_init(struct phone_lexer *lx, const char *text, size_t len)
{
	lx->p = (const unsigned char *)text;
	lx->end = lx->p + (text ? len : 0);
	lx->line_start = true;
}

/* Decodes one UTF-8 sequence at p (< end); returns its length, with U+FFFD for a malformed
 * one (consuming one byte, so a stray byte never swallows what follows). */
static size_t utf8_next(const unsigned char *p, const unsigned char *end, uint32_t *cp)
{
	int len = utf8_decode(p, (size_t)(end - p), cp);
	if (len > 0)
		return (size_t)len;
	*cp = 0xFFFD;
	return 1;
}

/* Spaces that phones put in text: no-break, thin, ideographic (Unicode Zs). */
static bool unicode_space(uint32_t cp)
{
	return cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F || cp == 0x205F ||
	       cp == 0x3000;
}

/* Non-ASCII code points read as an ASCII character: minus signs and dashes, quotes. */
static int unicode_ascii(uint32_t cp)
{
	switch (cp) {
	case 0x2010: /* hyphen */
	case 0x2011: /* non-breaking hyphen */
	case 0x2013: /* en dash, autocorrected from '-' */
	case 0x2014: /* em dash */
	case 0x2212: /* minus sign */
	case 0xFE63: /* small hyphen-minus */
		return '-';
	case 0x2018:
	case 0x2019:
	case 0x201C:
	case 0x201D:
	case 0x00AB:
	case 0x00BB:
		return '"';
	case 0x00B0: /* degree sign */
	case 0x00BA: /* masculine ordinal, typed for a degree sign */
	case 0x02DA: /* ring above */
		return PHONE_CH_DEG;
	}
	return -1;
}

/* One code point as one byte of the normalised text, NORM_DROP or NORM_LINE. */
static int normalise(uint32_t cp)
{
	if (cp >= 0xFF01 && cp <= 0xFF5E)
		cp -= 0xFEE0; /* fullwidth forms of ASCII, from Asian keyboards */
	if (cp == '\n' || cp == '\r' || cp == 0x85 || cp == 0x2028 || cp == 0x2029)
		return NORM_LINE;
	if (cp == ' ' || cp == '\t' || cp == ':' || cp == '=' || unicode_space(cp))
		return ' ';
	if ((cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 || cp == 0xFEFF)
		return NORM_DROP; /* zero-width characters and a byte-order mark */
	if (cp > 0x20 && cp < 0x7F)
		return (int)cp;
	int mapped = unicode_ascii(cp);
	return mapped >= 0 ? mapped : PHONE_CH_JUNK;
}

/* The next normalised character without consuming it; *len gets the bytes it spans. */
static int peek(const struct phone_lexer *lx, size_t *len)
{
	uint32_t cp;
	*len = utf8_next(lx->p, lx->end, &cp);
	return normalise(cp);
}

static void skip_line(struct phone_lexer *lx)
{
	while (lx->p < lx->end) {
		size_t len;
		int c = peek(lx, &len);
		lx->p += len;
		if (c == NORM_LINE)
			return;
	}
}

/* At the start of a line: skips blank and quote lines. Returns false at a signature line. */
static bool line_head(struct phone_lexer *lx)
{
	while (lx->p < lx->end) {
		size_t len;
		int c = peek(lx, &len);
		if (c == ' ' || c == NORM_DROP || c == NORM_LINE) {
			lx->p += len;
			continue;
		}
		if (c == '>') {
			skip_line(lx);
			continue;
		}
		if (c == '-' || c == '_') {
			size_t len2;
			struct phone_lexer ahead = {lx->p + len, lx->end, false};
			if (ahead.p < ahead.end && peek(&ahead, &len2) == c)
				return false;
		}
		return true;
	}
	return true;
}

enum phone_lex phone_lex_next(struct phone_lexer *lx, char *buf, size_t cap, bool *line_start, bool *overlong)
{
	size_t n = 0;
	*overlong = false;
	*line_start = lx->line_start;
	if (lx->line_start && !line_head(lx))
		return PHONE_LEX_SIGNATURE;
	if (lx->p >= lx->end)
		return PHONE_LEX_END;
	lx->line_start = false;
	while (lx->p < lx->end) {
		size_t len;
		int c = peek(lx, &len);
		lx->p += len;
		if (c == NORM_LINE) {
			lx->line_start = true;
			break;
		}
		if (c == ';')
			break;
		if (c == NORM_DROP || (c == ' ' && (n == 0 || buf[n - 1] == ' ')))
			continue;
		if (n + 1 < cap)
			buf[n++] = (char)c;
		else
			*overlong = true;
	}
	while (n > 0 && buf[n - 1] == ' ')
		n--;
	buf[n] = '\0';
	return PHONE_LEX_CMD;
}

/* Punctuation around a command: ASCII punctuation, and the degree and unknown stand-ins. */
static bool around(char c)
{
	return c == ' ' || c == PHONE_CH_DEG || c == PHONE_CH_JUNK || ispunct((unsigned char)c);
}

void phone_trim(char *buf)
{
	size_t start = 0, n = strlen(buf);
	while (start < n && buf[start] != '?' && around(buf[start]))
		start++;
	for (;;) {
		size_t before = n;
		while (n > start && buf[n - 1] != '?' && around(buf[n - 1]))
			n--;
		/* "STATUS?" is STATUS; "?" alone, "1234 ?" and "??" are kept for the verb. */
		if (n > start + 1 && buf[n - 1] == '?' && buf[n - 2] != '?' && buf[n - 2] != ' ')
			n--;
		if (n == before)
			break;
	}
	memmove(buf, buf + start, n - start);
	buf[n - start] = '\0';
}

size_t phone_split(const char *buf, struct phone_tok *toks)
{
	size_t words = 0;
	const char *p = buf;
	while (*p) {
		while (*p == ' ')
			p++;
		const char *s = p;
		while (*p && *p != ' ')
			p++;
		size_t len = (size_t)(p - s);
		while (len > 0 && s[len - 1] == ',')
			len--;
		if (len == 0)
			continue;
		if (words < PHONE_TOKS_MAX)
			toks[words] = (struct phone_tok){s, len};
		words++;
	}
	return words;
}

bool phone_tok_is(const struct phone_tok *t, const char *word)
{
	size_t n = strlen(word);
	if (t->len != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (toupper((unsigned char)t->s[i]) != word[i])
			return false;
	return true;
}

bool phone_tok_digits(const struct phone_tok *t)
{
	if (t->len == 0)
		return false;
	for (size_t i = 0; i < t->len; i++)
		if (!isdigit((unsigned char)t->s[i]))
			return false;
	return true;
}

bool phone_tok_numberish(const struct phone_tok *t)
{
	if (t->len > 0 && isdigit((unsigned char)t->s[0]))
		return true;
	return t->len > 1 && t->s[0] == '#' && isdigit((unsigned char)t->s[1]);
}

int phone_tok_name(const struct phone_tok *t, bool dash, char *out, size_t cap)
{
	if (t->len == 0 || t->len >= cap)
		return -EINVAL;
	for (size_t i = 0; i < t->len; i++) {
		unsigned char c = (unsigned char)t->s[i];
		if (!isalnum(c) && c != '_' && !(dash && c == '-'))
			return -EINVAL;
	}
	memcpy(out, t->s, t->len);
	out[t->len] = '\0';
	return 0;
}

void phone_echo(enum phone_side side, const struct phone_tok *t, char *out, size_t cap)
{
	size_t n = 0, max = t->len > 12 ? 12 : t->len;
	for (size_t i = 0; i < max && n + 3 < cap; i++) {
		unsigned char c = (unsigned char)t->s[i];
		bool safe = isalnum(c) || strchr("_.,+#-?!*/()&'", c);
		out[n++] = safe && c != '\0' ? (char)c : '?';
	}
	out[n] = '\0';
	if (side == PHONE_SIDE_UNIT) {
		/* Digit runs of PIN length over the whole word, not just the part shown. */
		for (size_t i = 0; i < t->len;) {
			size_t j = i;
			while (j < t->len && isdigit((unsigned char)t->s[j]))
				j++;
			if (j - i >= PHONE_PIN_MIN_DIGITS)
				for (size_t k = i; k < j && k < n; k++)
					out[k] = '*';
			i = j > i ? j : i + 1;
		}
	}
	if (t->len > max && n + 2 < cap) {
		out[n++] = '.';
		out[n++] = '.';
		out[n] = '\0';
	}
}

void phone_refuse(struct phone_item *item, enum phone_err err, const char *fmt, ...)
{
	va_list ap;
	item->err = err;
	va_start(ap, fmt);
	vsnprintf(item->reason, sizeof(item->reason), fmt, ap);
	va_end(ap);
}
