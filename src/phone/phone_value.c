/* The values inside phone commands: temperatures (degrees C, one decimal, into tenths, never
 * rounded), durations (whole numbers with a unit, into seconds), PINs; and their canonical
 * text. Input comes as a pointer and a length, so a word is read where it lies. */
#include "phone_value.h"

#include "phone_cmd.h"
#include "phone_internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Reads digits at s[*i..len), saturating far above any accepted value. */
static size_t read_digits(const char *s, size_t len, size_t *i, uint64_t *value)
{
	size_t start = *i;
	*value = 0;
	while (*i < len && isdigit((unsigned char)s[*i])) {
		if (*value < 100000000000ull)
			*value = *value * 10 + (uint64_t)(s[*i] - '0');
		(*i)++;
	}
	return *i - start;
}

/* The unit after a temperature: nothing, C, a degree sign with or without C. The degree
 * sign is the lexer's stand-in or UTF-8 (U+00B0, or U+00BA typed for it). Returns 0, or
 * -EPROTO for F, or -EINVAL. */
static int temp_suffix(const char *s, size_t len, size_t i)
{
	if (i < len && s[i] == PHONE_CH_DEG)
		i++;
	else if (i + 1 < len && s[i] == '\xC2' && (s[i + 1] == '\xB0' || s[i + 1] == '\xBA'))
		i += 2;
	if (i == len)
		return 0;
	if (i + 1 == len && (s[i] == 'C' || s[i] == 'c'))
		return 0;
	if (i + 1 == len && (s[i] == 'F' || s[i] == 'f'))
		return -EPROTO;
	return -EINVAL;
}

int phone_temp_parse(const char *s, size_t len, int32_t *out_c10)
{
	size_t i = 0;
	bool neg = false;
	uint64_t whole = 0, frac = 0;
	if (!s)
		return -EINVAL;
	if (i < len && (s[i] == '+' || s[i] == '-'))
		neg = s[i++] == '-';
	size_t d_whole = read_digits(s, len, &i, &whole);
	size_t d_frac = 0;
	if (i < len && (s[i] == '.' || s[i] == ',')) {
		i++;
		d_frac = read_digits(s, len, &i, &frac);
	}
	if (d_whole + d_frac == 0)
		return -EINVAL;
	int rc = temp_suffix(s, len, i);
	if (rc != 0)
		return rc;
	if (d_frac > 1)
		return -EDOM;
	uint64_t mag = whole * 10 + frac;
	int64_t c10 = neg ? -(int64_t)mag : (int64_t)mag;
	if (whole > 100000 || c10 < PHONE_TEMP_MIN_C10 || c10 > PHONE_TEMP_MAX_C10)
		return -ERANGE;
	*out_c10 = (int32_t)c10;
	return 0;
}

int phone_temp_format(int32_t c10, char *out, size_t n)
{
	int64_t v = c10;
	const char *sign = v < 0 ? "-" : "";
	uint64_t mag = (uint64_t)(v < 0 ? -v : v);
	if (mag % 10 == 0)
		return snprintf(out, n, "%s%llu", sign, (unsigned long long)(mag / 10));
	return snprintf(out, n, "%s%llu.%u", sign, (unsigned long long)(mag / 10), (unsigned)(mag % 10));
}

struct duration_unit {
	const char *word;
	uint32_t seconds;
};

static const struct duration_unit duration_units[] = {
	{"S", 1},      {"SEC", 1},       {"SECS", 1},       {"SECOND", 1},   {"SECONDS", 1}, {"M", 60},
	{"MIN", 60},   {"MINS", 60},     {"MINUTE", 60},    {"MINUTES", 60}, {"H", 3600},    {"HR", 3600},
	{"HRS", 3600}, {"HOUR", 3600},   {"HOURS", 3600},   {"D", 86400},    {"DAY", 86400}, {"DAYS", 86400},
	{"W", 604800}, {"WEEK", 604800}, {"WEEKS", 604800},
};

/* The seconds of a unit word, or 0 when it is not one. */
static uint32_t unit_seconds(const char *s, size_t len)
{
	struct phone_tok t = {s, len};
	for (size_t i = 0; i < sizeof(duration_units) / sizeof(duration_units[0]); i++)
		if (phone_tok_is(&t, duration_units[i].word))
			return duration_units[i].seconds;
	return 0;
}

int phone_duration_parse(const char *s, size_t len, uint32_t *out_s)
{
	size_t i = 0, parts = 0;
	uint64_t total = 0;
	if (!s || len == 0)
		return -EINVAL;
	while (i < len) {
		uint64_t v;
		if (read_digits(s, len, &i, &v) == 0)
			return -EINVAL;
		size_t w = i;
		while (i < len && isalpha((unsigned char)s[i]))
			i++;
		if (w == i) {
			if (i < len || parts > 0)
				return -EINVAL; /* "1.5h", "1h30": not whole numbers with units */
			if (v != 0)
				return -EDOM;
			*out_s = 0;
			return 0;
		}
		uint32_t unit = unit_seconds(s + w, i - w);
		if (unit == 0)
			return -EINVAL;
		total += v * unit;
		if (total > PHONE_DURATION_MAX_S)
			return -ERANGE;
		parts++;
	}
	*out_s = (uint32_t)total;
	return 0;
}

int phone_duration_format(uint32_t s, char *out, size_t n)
{
	if (s == 0)
		return snprintf(out, n, "0s");
	if (s % 86400 == 0)
		return snprintf(out, n, "%ud", s / 86400);
	if (s % 3600 == 0)
		return snprintf(out, n, "%uh", s / 3600);
	if (s % 60 == 0)
		return snprintf(out, n, "%um", s / 60);
	return snprintf(out, n, "%us", s);
}

int phone_pin_valid(const char *pin)
{
	if (!pin)
		return -EINVAL;
	size_t n = strlen(pin);
	if (n < PHONE_PIN_MIN_DIGITS || n > PHONE_PIN_MAX_DIGITS)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)pin[i]))
			return -EINVAL;
	return 0;
}
