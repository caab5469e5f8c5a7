/* Reading an API query string: split on '&' and '=', percent-decoding ('+' is a space),
 * one known parameter at a time, each value checked for what it names. */
#include "web_query.h"

#include "web_time.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define VALUE_MAX 64

struct param_def {
	const char *name;
	enum web_param bit;
};

static const struct param_def params[] = {
	{"unit", WEB_PARAM_UNIT},     {"channel", WEB_PARAM_CHANNEL}, {"since", WEB_PARAM_SINCE},
	{"until", WEB_PARAM_UNTIL},   {"limit", WEB_PARAM_LIMIT},     {"width", WEB_PARAM_WIDTH},
	{"height", WEB_PARAM_HEIGHT}, {"points", WEB_PARAM_POINTS},   {"v", WEB_PARAM_V},
};

static int fail(char *err, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes `len` bytes into `out` (`n` bytes with the NUL). Returns the decoded length, -1
 * for a bad escape or a NUL, -2 when it does not fit. */
static int decode(const char *s, size_t len, char *out, size_t n)
{
	size_t o = 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == '+') {
			c = ' ';
		} else if (c == '%') {
			if (len - i < 3)
				return -1;
			int hi = hex_digit(s[i + 1]);
			int lo = hex_digit(s[i + 2]);
			if (hi < 0 || lo < 0)
				return -1;
			c = (char)(hi << 4 | lo);
			i += 2;
		}
		if (c == '\0')
			return -1;
		if (o + 1 >= n)
			return -2;
		out[o++] = c;
	}
	out[o] = '\0';
	return (int)o;
}

static bool all_of(const char *s, const char *extra)
{
	for (; *s; s++) {
		char c = *s;
		bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
			  (c && strchr(extra, c));
		if (!ok)
			return false;
	}
	return true;
}

/* Reads a decimal number of at most 9 digits within [min, max]. */
static bool read_count(const char *s, long min, long max, long *out)
{
	long v = 0;
	size_t len = strlen(s);
	if (len == 0 || len > 9)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return v >= min && v <= max;
}

/* Checks and stores one decoded value. */
static int set_value(struct web_query *q, enum web_param bit, const char *name, const char *v, int64_t now_ms,
		     char *err, size_t n)
{
	long num;
	int rc;
	switch (bit) {
	case WEB_PARAM_UNIT:
		if (strlen(v) < 1 || strlen(v) >= sizeof(q->unit) || !all_of(v, "-_"))
			return fail(err, n, "unit: must be a unit id, 1 to 16 letters, digits, '-' or '_'");
		snprintf(q->unit, sizeof(q->unit), "%s", v);
		return 0;
	case WEB_PARAM_CHANNEL:
		if (strlen(v) < 1 || strlen(v) >= sizeof(q->channel) || !all_of(v, "_"))
			return fail(err, n, "channel: must be a channel name, 1 to 8 letters, digits or '_'");
		snprintf(q->channel, sizeof(q->channel), "%s", v);
		return 0;
	case WEB_PARAM_SINCE:
	case WEB_PARAM_UNTIL:
		rc = web_time_parse(v, now_ms, bit == WEB_PARAM_SINCE ? &q->since_ms : &q->until_ms);
		if (rc == -ERANGE)
			return fail(err, n, "%s: out of range: at most 366 days back, a year from 1970 on",
				    name);
		if (rc)
			return fail(err, n,
				    "%s: must be a duration back from now (24h, 90m, 7d) or a time "
				    "(2026-11-25T03:00Z)",
				    name);
		return 0;
	case WEB_PARAM_LIMIT:
		if (!read_count(v, 1, 1000, &num))
			return fail(err, n, "limit: must be a whole number from 1 to 1000");
		q->limit = (uint32_t)num;
		return 0;
	case WEB_PARAM_POINTS:
		if (!read_count(v, 0, 20000, &num))
			return fail(err, n, "points: must be a whole number from 0 to 20000");
		q->points = (uint32_t)num;
		return 0;
	case WEB_PARAM_WIDTH:
	case WEB_PARAM_HEIGHT:
		if (!read_count(v, bit == WEB_PARAM_WIDTH ? 200 : 120, bit == WEB_PARAM_WIDTH ? 4000 : 3000,
				&num))
			return fail(err, n, "%s: must be a whole number of pixels, %s", name,
				    bit == WEB_PARAM_WIDTH ? "200 to 4000" : "120 to 3000");
		*(bit == WEB_PARAM_WIDTH ? &q->width : &q->height) = (int)num;
		return 0;
	case WEB_PARAM_V:
		if (strlen(v) < 1 || !all_of(v, "._-"))
			return fail(err, n, "v: must be 1 to 64 letters, digits, '.', '-' or '_'");
		return 0;
	}
	return fail(err, n, "%s: not a parameter", name);
}

static const struct param_def *find_param(const char *name)
{
	for (size_t i = 0; i < sizeof(params) / sizeof(params[0]); i++)
		if (strcmp(params[i].name, name) == 0)
			return &params[i];
	return NULL;
}

/* One "name=value" segment. */
static int parse_pair(const char *seg, size_t len, unsigned allowed, int64_t now_ms, struct web_query *q,
		      char *err, size_t n)
{
	const char *eq = memchr(seg, '=', len);
	char name[16], value[VALUE_MAX + 1];
	size_t name_len = eq ? (size_t)(eq - seg) : len;
	int dn = decode(seg, name_len, name, sizeof(name));
	const struct param_def *p = dn > 0 ? find_param(name) : NULL;
	if (!p || !(allowed & p->bit)) {
		char names[96] = "";
		for (size_t i = 0; i < sizeof(params) / sizeof(params[0]); i++)
			if (allowed & params[i].bit && params[i].bit != WEB_PARAM_V)
				snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s",
					 names[0] ? ", " : "", params[i].name);
		return fail(err, n, "unknown parameter: this address takes %s", names[0] ? names : "none");
	}
	if (q->present & p->bit)
		return fail(err, n, "%s: given twice", p->name);
	if (!eq)
		return fail(err, n, "%s: needs a value (%s=...)", p->name, p->name);
	int dv = decode(eq + 1, len - name_len - 1, value, sizeof(value));
	if (dv == -2)
		return fail(err, n, "%s: value too long (at most %d characters)", p->name, VALUE_MAX);
	if (dv < 0)
		return fail(err, n, "%s: bad percent-encoding or a NUL in the value", p->name);
	q->present |= p->bit;
	return set_value(q, p->bit, p->name, value, now_ms, err, n);
}

int web_query_parse(const char *qs, size_t len, unsigned allowed, int64_t now_ms, struct web_query *q,
		    char *err, size_t n)
{
	memset(q, 0, sizeof(*q));
	if (n)
		err[0] = '\0';
	if (len > WEB_QUERY_MAX)
		return fail(err, n, "query string too long (at most %d bytes)", WEB_QUERY_MAX);
	size_t i = 0;
	while (i < len) {
		const char *amp = memchr(qs + i, '&', len - i);
		size_t seg = amp ? (size_t)(amp - (qs + i)) : len - i;
		if (seg > 0) {
			int rc = parse_pair(qs + i, seg, allowed, now_ms, q, err, n);
			if (rc)
				return rc;
		}
		i += seg + 1;
	}
	if ((q->present & WEB_PARAM_SINCE) && (q->present & WEB_PARAM_UNTIL) && q->since_ms >= q->until_ms)
		return fail(err, n, "since: must be before until");
	return 0;
}
