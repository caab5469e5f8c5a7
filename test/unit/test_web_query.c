/* What the web API accepts in a query string and what it refuses, with a message that says
 * which parameter and what it must be; and the times people write on the command line. */
#include "web_query.h"
#include "web_time.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define NOW 1764547200000LL /* 2025-12-01T00:00:00Z */
#define ALL 0x1ffu

static int parse(const char *qs, unsigned allowed, struct web_query *q, char *err)
{
	return web_query_parse(qs, strlen(qs), allowed, NOW, q, err, 192);
}

static void good_queries_are_read(void **state)
{
	(void)state;
	struct web_query q;
	char err[192];
	assert_int_equal(parse("unit=WH1&channel=T1&since=24h&until=now&points=0&v=3.17.9", ALL, &q, err), 0);
	assert_string_equal(q.unit, "WH1");
	assert_string_equal(q.channel, "T1");
	assert_int_equal(q.since_ms, NOW - 86400000LL);
	assert_int_equal(q.until_ms, NOW);
	assert_int_equal(q.points, 0);
	assert_true(q.present & WEB_PARAM_POINTS);
	assert_int_equal(parse("unit=reefer%2D7&&since=2025-11-30T12%3A00Z&limit=1000&width=4000&height=120",
			       ALL, &q, err),
			 0);
	assert_string_equal(q.unit, "reefer-7");
	assert_int_equal(q.since_ms, NOW - 12 * 3600000LL);
	assert_int_equal(q.limit, 1000);
	assert_int_equal(parse("", ALL, &q, err), 0);
	assert_int_equal(q.present, 0);
}

static void hostile_queries_are_refused_by_name(void **state)
{
	(void)state;
	static const struct {
		const char *qs;
		unsigned allowed;
		const char *says;
	} bad[] = {
		{"unit=WH1&unit=WH2", ALL, "unit: given twice"},
		{"unit=", ALL, "unit: must be a unit id"},
		{"unit=WH1%00", ALL, "unit: bad percent-encoding or a NUL"},
		{"unit=%zz", ALL, "unit: bad percent-encoding"},
		{"unit=%4", ALL, "unit: bad percent-encoding"},
		{"unit=W%20H", ALL, "unit: must be a unit id"},
		{"unit=../../etc", ALL, "unit: must be a unit id"},
		{"unit=ABCDEFGHIJKLMNOPQ", ALL, "unit: must be a unit id"},
		{"channel=T-1", ALL, "channel: must be a channel name"},
		{"channel=T123456789", ALL, "channel: must be a channel name"},
		{"since=yesterday", ALL, "since: must be a duration"},
		{"since=1.5h", ALL, "since: must be a duration"},
		{"since=24", ALL, "since: must be a duration"},
		{"since=400d", ALL, "since: out of range"},
		{"since=2025-02-30", ALL, "since: must be a duration"},
		{"since=1969-12-31T23:00Z", ALL, "since: out of range"},
		{"until=2025-11-30T25:00", ALL, "until: must be a duration"},
		{"since=1h&until=2h", ALL, "since: must be before until"},
		{"limit=0", ALL, "limit: must be a whole number from 1 to 1000"},
		{"limit=-5", ALL, "limit: must be a whole number"},
		{"limit=99999999999999999999", ALL, "limit: must be a whole number"},
		{"width=10", ALL, "width: must be a whole number of pixels, 200 to 4000"},
		{"points=20001", ALL, "points: must be a whole number from 0 to 20000"},
		{"unit", ALL, "unit: needs a value"},
		{"sql=1;DROP", ALL, "unknown parameter: this address takes unit, channel, since"},
		{"channel=T1", WEB_PARAM_UNIT | WEB_PARAM_LIMIT,
		 "unknown parameter: this address takes unit, limit"},
		{"v=1", WEB_PARAM_UNIT, "unknown parameter: this address takes unit"},
		{"=x", ALL, "unknown parameter"},
		{"unit=WH1&v=<script>", ALL, "v: must be 1 to 64"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct web_query q;
		char err[192];
		int rc = parse(bad[i].qs, bad[i].allowed, &q, err);
		if (rc != -EINVAL || !strstr(err, bad[i].says))
			fail_msg("'%s': rc %d, said '%s', expected '%s'", bad[i].qs, rc, err, bad[i].says);
		assert_null(strstr(err, "DROP"));
		assert_null(strstr(err, "<script>"));
	}
	/* A long value, a long query. */
	char big[2048];
	memset(big, 'A', sizeof(big));
	memcpy(big, "unit=", 5);
	big[100] = '\0';
	struct web_query q;
	char err[192];
	assert_int_equal(parse(big, ALL, &q, err), -EINVAL);
	assert_non_null(strstr(err, "too long"));
	big[100] = 'A';
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(parse(big, ALL, &q, err), -EINVAL);
	assert_non_null(strstr(err, "query string too long"));
}

static void times_are_read_as_people_write_them(void **state)
{
	(void)state;
	int64_t t;
	assert_int_equal(web_time_parse("now", NOW, &t), 0);
	assert_int_equal(t, NOW);
	assert_int_equal(web_time_parse("1h30m", NOW, &t), 0);
	assert_int_equal(t, NOW - 5400000);
	assert_int_equal(web_time_parse("7d", NOW, &t), 0);
	assert_int_equal(t, NOW - 7 * 86400000LL);
	assert_int_equal(web_time_parse("2025-11-30", NOW, &t), 0); /* TZ is UTC here */
	assert_int_equal(t, NOW - 86400000LL);
	assert_int_equal(web_time_parse("2025-11-30 23:30", NOW, &t), 0);
	assert_int_equal(t, NOW - 1800000);
	assert_int_equal(web_time_parse("2025-12-01T01:00:00+01:00", NOW, &t), 0);
	assert_int_equal(t, NOW);
	assert_int_equal(web_time_parse("2025-11-30T19:00-0500", NOW, &t), 0);
	assert_int_equal(t, NOW);
	assert_int_equal(web_time_parse("2024-02-29", NOW, &t), 0);
	assert_int_equal(web_time_parse("2025-02-29", NOW, &t), -EINVAL);
	assert_int_equal(web_time_parse("2025-12-01T00:00Zjunk", NOW, &t), -EINVAL);
	assert_int_equal(web_time_parse("2025-12-01T00:00+15:00", NOW, &t), -EINVAL);
	assert_int_equal(web_time_parse("", NOW, &t), -EINVAL);
	assert_int_equal(web_time_parse("367d", NOW, &t), -ERANGE);
}

static void ages_and_temperatures_are_written_for_people(void **state)
{
	(void)state;
	char s[32];
	web_age_format(12500, s, sizeof(s));
	assert_string_equal(s, "12s");
	web_age_format(4 * 60000 + 59000, s, sizeof(s));
	assert_string_equal(s, "4m");
	web_age_format(3 * 3600000 + 5 * 60000, s, sizeof(s));
	assert_string_equal(s, "3h05m");
	web_age_format(2 * 86400000LL + 3 * 3600000, s, sizeof(s));
	assert_string_equal(s, "2d3h");
	web_age_format(-5000, s, sizeof(s));
	assert_string_equal(s, "0s");
	web_temp_format(94, s, sizeof(s));
	assert_string_equal(s, "9.4");
	web_temp_format(-185, s, sizeof(s));
	assert_string_equal(s, "-18.5");
	web_temp_format(-5, s, sizeof(s));
	assert_string_equal(s, "-0.5");
	web_temp_format(INT32_MIN, s, sizeof(s));
	assert_string_equal(s, "-214748364.8");
	web_time_iso(NOW + 250, s, sizeof(s));
	assert_string_equal(s, "2025-12-01T00:00:00.250Z");
	web_time_local(NOW, s, sizeof(s));
	assert_string_equal(s, "2025-12-01 00:00:00");
	web_time_local(0, s, sizeof(s));
	assert_string_equal(s, "-");
}

int main(void)
{
	setenv("TZ", "UTC", 1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_queries_are_read),
		cmocka_unit_test(hostile_queries_are_refused_by_name),
		cmocka_unit_test(times_are_read_as_people_write_them),
		cmocka_unit_test(ages_and_temperatures_are_written_for_people),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
