/* Moments and amounts as people write and read them on the read side: `--since 24h`,
 * `since=2026-11-25T03:00Z`, "3h12m ago", "9.4". Pure but for the local time zone, which
 * the times without a zone are read and shown in (the base's, where the people are). */
#ifndef M2_WEB_TIME_H
#define M2_WEB_TIME_H

#include <stddef.h>
#include <stdint.h>

/* Reads a moment: "now"; a duration back from `now_ms` as phone_duration_parse reads it
 * ("24h", "90m", "7d", "1h30m", at most 366 days); or an ISO 8601 date with an optional time:
 * "2026-11-25", "2026-11-25T03:00", "2026-11-25 03:00:05", then "Z" or "+01:00" / "-0500" for
 * its zone, local time without one. Returns 0 with `*out_ms` set, -EINVAL when `s` is
 * neither a duration nor such a time, -ERANGE for a duration past 366 days or a year
 * outside 1970..9999. */
int web_time_parse(const char *s, int64_t now_ms, int64_t *out_ms);

/* "2026-11-25 03:00:05" in local time. `n` at least 20; "-" for 0 (never). */
void web_time_local(int64_t t_ms, char *out, size_t n);

/* "2026-11-25T03:00:05.250Z" (UTC, milliseconds). `n` at least 25. */
void web_time_iso(int64_t t_ms, char *out, size_t n);

/* How long ago, in at most two units: "12s", "4m", "3h12m", "2d3h". Negative ages (a clock
 * ahead of ours) are "0s". `n` at least 16. */
void web_age_format(int64_t age_ms, char *out, size_t n);

/* A temperature in tenths with its one decimal: 94 -> "9.4", -185 -> "-18.5", -5 -> "-0.5".
 * `n` at least 13. */
void web_temp_format(int32_t c10, char *out, size_t n);

#endif
