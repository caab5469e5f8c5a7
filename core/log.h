/* Process-wide logging: one line per event, `key=value` fields, to stderr or syslog.
 *
 * A line looks like
 *   2026-11-25T03:00:01.250Z level=warn mod=modem event=timeout cmd="AT+CMGS=23" after_ms=60000
 * The format string given to log_* carries the fields after `mod=`; by convention it starts
 * with `event=NAME`. The sink is configured once by log_setup() before the event loop starts
 * and never changes afterwards; it is the one piece of process state besides the signal flag. */
#ifndef M2_LOG_H
#define M2_LOG_H

#include <stdbool.h>
#include <stddef.h>

enum log_level {
	LOG_LEVEL_ERROR,
	LOG_LEVEL_WARN,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG,
	LOG_LEVEL_TRACE,
};

const char *log_level_str(enum log_level level);

/* Parses "error", "warn", "info", "debug" or "trace". Returns 0, or -EINVAL. */
int log_level_parse(const char *name, enum log_level *out);

/* Sends lines of `level` and more severe to stderr, or to syslog(3) under `ident` when
 * `to_syslog` is true. Before any call the defaults are: info, stderr. */
void log_setup(enum log_level level, bool to_syslog, const char *ident);

/* True when a line of `level` would be written: guard costly formatting with it. */
bool log_enabled(enum log_level level);

void log_write(enum log_level level, const char *mod, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Writes `len` bytes as one line `event=<what> len=N data="..."`, with CR, LF, control
 * and non-ASCII bytes escaped (\r \n \xNN) so that modem traffic stays one grep-able line. */
void log_bytes(enum log_level level, const char *mod, const char *what, const void *buf, size_t len);

/* Escapes `len` bytes of `in` into `out` (NUL-terminated, truncated with "..." when
 * `out_size` is too small) the way log_bytes does. Returns `out`. */
char *log_escape(const void *in, size_t len, char *out, size_t out_size);

#define log_error(mod, ...) log_write(LOG_LEVEL_ERROR, mod, __VA_ARGS__)
#define log_warn(mod, ...)  log_write(LOG_LEVEL_WARN, mod, __VA_ARGS__)
#define log_info(mod, ...)  log_write(LOG_LEVEL_INFO, mod, __VA_ARGS__)
#define log_debug(mod, ...) log_write(LOG_LEVEL_DEBUG, mod, __VA_ARGS__)
#define log_trace(mod, ...) log_write(LOG_LEVEL_TRACE, mod, __VA_ARGS__)

#endif
