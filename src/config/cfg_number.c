/* Integers as the file spells them, checked before libconfig reads them: libconfig 1.5 keeps
 * the low 32 bits of a decimal integer written without the L suffix (4294968496 becomes 1200,
 * a valid baud rate) and gives -1 or 0 for one beyond 64 bits, silently. */
#include "cfg.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct scan {
	const char *t;
	size_t n, i;
	int line;
};

/* Skips a comment or a string at s->i; true when there was one. */
static bool skip_text(struct scan *s)
{
	const char *t = s->t;
	if (t[s->i] == '#' || (t[s->i] == '/' && s->i + 1 < s->n && t[s->i + 1] == '/')) {
		while (s->i < s->n && t[s->i] != '\n')
			s->i++;
		return true;
	}
	bool block = t[s->i] == '/' && s->i + 1 < s->n && t[s->i + 1] == '*';
	if (!block && t[s->i] != '"')
		return false;
	s->i += block ? 2 : 1;
	while (s->i < s->n &&
	       (block ? !(t[s->i] == '*' && s->i + 1 < s->n && t[s->i + 1] == '/') : t[s->i] != '"')) {
		if (!block && t[s->i] == '\\' && s->i + 1 < s->n)
			s->i++;
		s->line += t[s->i] == '\n';
		s->i++;
	}
	s->i += block ? 2 : 1;
	return true;
}

/* The number starting at s->i (after an optional '-' at s->i - 1): false when libconfig would
 * not read the value written. */
static bool number_fits(struct scan *s, bool neg, char *text, size_t size)
{
	size_t start = s->i;
	bool hex = s->t[s->i] == '0' && s->i + 1 < s->n && (s->t[s->i + 1] | 0x20) == 'x', real = false;
	while (s->i < s->n &&
	       (isalnum((unsigned char)s->t[s->i]) || s->t[s->i] == '.' ||
		((s->t[s->i] == '+' || s->t[s->i] == '-') && !hex && (s->t[s->i - 1] | 0x20) == 'e'))) {
		real |= !hex && (s->t[s->i] == '.' || (s->t[s->i] | 0x20) == 'e');
		s->i++;
	}
	size_t len = s->i - start;
	snprintf(text, size, "%s%.*s", neg ? "-" : "", (int)len, s->t + start);
	if (real)
		return true;
	bool wide = len > 0 && (s->t[s->i - 1] | 0x20) == 'l';
	errno = 0;
	unsigned long long v = strtoull(text + neg, NULL, 0);
	if (errno == ERANGE)
		return false;
	if (hex)
		return v <= (wide ? UINT64_MAX : UINT32_MAX);
	return v <= (wide ? (unsigned long long)INT64_MAX : (unsigned long long)INT32_MAX) + neg;
}

int cfg_check_numbers(const char *text, size_t n, const char *name, struct cfg_report *rep)
{
	struct scan s = {text, n, 0, 1};
	char key[64] = "", num[40];
	int bad = 0;
	while (s.i < s.n) {
		unsigned char c = (unsigned char)text[s.i];
		if (c == '\n') {
			s.line++;
			s.i++;
		} else if (skip_text(&s)) {
			continue;
		} else if (isalpha(c) || c == '_' || c == '*') {
			size_t at = s.i;
			while (s.i < s.n && (isalnum((unsigned char)text[s.i]) || strchr("_-*", text[s.i])))
				s.i++;
			snprintf(key, sizeof(key), "%.*s", (int)(s.i - at), text + at);
		} else if (isdigit(c)) {
			bool neg = s.i > 0 && text[s.i - 1] == '-';
			if (!number_fits(&s, neg, num, sizeof(num)) && ++bad)
				cfg_report_add(rep,
					       "%s:%d: %s: %s is too large a number (whole numbers go to "
					       "2147483647); a phone number goes in quotes",
					       name, s.line, key, num);
		} else {
			s.i++;
		}
	}
	return bad ? -EINVAL : 0;
}
