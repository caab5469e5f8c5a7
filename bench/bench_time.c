/* The benchmarks' wall clock and its ISO 8601 stamps (bench_time.h). */
#include "bench_time.h"

#include <stdio.h>
#include <sys/time.h>
#include <time.h>

int64_t bench_wall_ms(void)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

int64_t bench_iso_ms(const char *s)
{
	struct tm tm = {0};
	int ms = 0;
	if (sscanf(s, "%d-%d-%dT%d:%d:%d.%dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
		   &tm.tm_sec, &ms) != 7)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (int64_t)timegm(&tm) * 1000 + ms;
}
