/* Reading and writing moments, ages and temperatures for people: the read commands'
 * `--since`/`--until`, the web API's since=/until=, and the cells and labels they show. */
#include "web_time.h"

#include "phone_value.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Reads exactly `digits` decimal digits at *p into *out, advancing *p. */
static bool read_num(const char **p, int digits, int *out)
{
	int v = 0;
	for (int i = 0; i < digits; i++) {
		char c = (*p)[i];
		if (c < '0' || c > '9')
			return false;
		v = v * 10 + (c - '0');
	}
	*p += digits;
	*out = v;
	return true;
}

static int days_in_month(int year, int month)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	return month == 2 && leap ? 29 : days[month - 1];
}

/* The zone after a time: "" (local), "Z", "+HH:MM", "+HHMM", "+HH". */
static int read_zone(const char *p, bool *local, int *offset_s)
{
	*local = *p == '\0';
	*offset_s = 0;
	if (*p == '\0' || (p[0] == 'Z' && p[1] == '\0'))
		return 0;
	if (*p != '+' && *p != '-')
		return -EINVAL;
	int sign = *p++ == '-' ? -1 : 1, hh, mm = 0;
	if (!read_num(&p, 2, &hh))
		return -EINVAL;
	if (*p == ':')
		p++;
	if (*p && !read_num(&p, 2, &mm))
		return -EINVAL;
	if (*p || hh > 14 || mm > 59)
		return -EINVAL;
	*offset_s = sign * (hh * 3600 + mm * 60);
	return 0;
}

static int parse_iso(const char *s, int64_t *out_ms)
{
	struct tm tm = {0};
	const char *p = s;
	int y, mo, d, h = 0, mi = 0, sec = 0;
	if (!read_num(&p, 4, &y) || *p++ != '-' || !read_num(&p, 2, &mo) || *p++ != '-' ||
	    !read_num(&p, 2, &d))
		return -EINVAL;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		if (!read_num(&p, 2, &h) || *p++ != ':' || !read_num(&p, 2, &mi))
			return -EINVAL;
		if (*p == ':') {
			p++;
			if (!read_num(&p, 2, &sec))
				return -EINVAL;
		}
	}
	bool local;
	int offset_s;
	if (read_zone(p, &local, &offset_s) != 0 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 ||
	    sec > 59)
		return -EINVAL;
	if (y < 1970)
		return -ERANGE;
	if (d > days_in_month(y, mo))
		return -EINVAL;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	tm.tm_isdst = -1;
	time_t t = local ? mktime(&tm) : timegm(&tm);
	if (t == (time_t)-1)
		return -ERANGE;
	*out_ms = ((int64_t)t - (local ? 0 : offset_s)) * 1000;
	return *out_ms < 0 ? -ERANGE : 0;
}

int web_time_parse(const char *s, int64_t now_ms, int64_t *out_ms)
{
	if (strcmp(s, "now") == 0) {
		*out_ms = now_ms;
		return 0;
	}
	size_t len = strlen(s);
	if (len >= 10 && s[4] == '-')
		return parse_iso(s, out_ms);
	uint32_t secs;
	int err = phone_duration_parse(s, len, &secs);
	if (err == -ERANGE)
		return -ERANGE;
	if (err)
		return -EINVAL;
	*out_ms = now_ms - (int64_t)secs * 1000;
	return 0;
}

void web_time_local(int64_t t_ms, char *out, size_t n)
{
	time_t t = (time_t)(t_ms / 1000);
	struct tm tm;
	if (t_ms <= 0 || !localtime_r(&t, &tm) || strftime(out, n, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(out, n, "-");
}

void web_time_iso(int64_t t_ms, char *out, size_t n)
{
	time_t t = (time_t)(t_ms / 1000);
	struct tm tm;
	char secs[24];
	if (t_ms < 0 || !gmtime_r(&t, &tm) || strftime(secs, sizeof(secs), "%Y-%m-%dT%H:%M:%S", &tm) == 0)
		snprintf(out, n, "-");
	else
		snprintf(out, n, "%s.%03dZ", secs, (int)(t_ms % 1000));
}

void web_age_format(int64_t age_ms, char *out, size_t n)
{
	int64_t s = age_ms > 0 ? age_ms / 1000 : 0;
	if (s < 60)
		snprintf(out, n, "%llds", (long long)s);
	else if (s < 3600)
		snprintf(out, n, "%lldm", (long long)(s / 60));
	else if (s < 86400)
		snprintf(out, n, "%lldh%02lldm", (long long)(s / 3600), (long long)(s % 3600 / 60));
	else
		snprintf(out, n, "%lldd%lldh", (long long)(s / 86400), (long long)(s % 86400 / 3600));
}

void web_temp_format(int32_t c10, char *out, size_t n)
{
	int64_t v = c10;
	int64_t mag = v < 0 ? -v : v;
	snprintf(out, n, "%s%lld.%lld", v < 0 ? "-" : "", (long long)(mag / 10), (long long)(mag % 10));
}
