/* Comparing phone numbers written in international and national forms, for matching status
 * reports and senders (TS 23.040 9.1.2.5; the national significant number is what remains
 * after the country code or the trunk prefix, ITU-T E.164 section 6). */
#include "sms_number.h"

#include <stddef.h>
#include <string.h>
#include <strings.h>

#define DIGITS_MAX 32

struct number {
	char digits[DIGITS_MAX + 1];
	size_t len;
	bool intl;
};

/* Reads a dialable number; false for an alphanumeric sender or one too long. */
static bool parse(const char *s, struct number *n)
{
	n->len = 0;
	n->intl = false;
	while (*s == ' ')
		s++;
	if (*s == '+') {
		n->intl = true;
		s++;
	}
	for (; *s; s++) {
		if (*s >= '0' && *s <= '9') {
			if (n->len == DIGITS_MAX)
				return false;
			n->digits[n->len++] = *s;
		} else if (strchr(" -.()", *s) == NULL) {
			return false;
		}
	}
	n->digits[n->len] = '\0';
	if (!n->intl && n->len > 2 && n->digits[0] == '0' && n->digits[1] == '0') {
		memmove(n->digits, n->digits + 2, n->len - 1);
		n->len -= 2;
		n->intl = true;
	}
	return n->len > 0;
}

/* True when national `nat` is `full` without its 1 to 3 digit country code. */
static bool national_of(const struct number *nat, const struct number *full)
{
	const char *nsn = nat->digits;
	size_t len = nat->len;

	if (nat->intl)
		return false;
	if (nsn[0] == '0') {
		nsn++;
		len--;
	}
	if (len < 6 || full->len < len + 1 || full->len > len + 3)
		return false;
	if (!full->intl && full->digits[0] == '0')
		return false;
	return strcmp(full->digits + (full->len - len), nsn) == 0;
}

bool sms_number_same(const char *a, const char *b)
{
	struct number na, nb;
	bool da, db;

	if (a == NULL || b == NULL || *a == '\0' || *b == '\0')
		return false;
	da = parse(a, &na);
	db = parse(b, &nb);
	if (!da || !db)
		return !da && !db && strcasecmp(a, b) == 0;
	if (strcmp(na.digits, nb.digits) == 0)
		return true;
	return national_of(&na, &nb) || national_of(&nb, &na);
}
