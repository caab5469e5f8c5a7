/* The benchmarks' clocks: the wall clock, which the daemons' log lines and the simulator's
 * sms.jsonl are stamped with, and the reading of those stamps. */
#ifndef M2_BENCH_TIME_H
#define M2_BENCH_TIME_H

#include <stdint.h>

/* Milliseconds since the epoch, now (gettimeofday). */
int64_t bench_wall_ms(void);

/* "2026-12-01T22:43:44.677Z" (a log line's start, or sms.jsonl's time) as epoch ms; -1 when
 * `s` does not start with such a time. */
int64_t bench_iso_ms(const char *s);

#endif
