/* The log sink: level filter, timestamped key=value lines on stderr, or syslog; on a stderr
 * that systemd connected to the journal, the same lines with the journal's priority prefix
 * instead of a timestamp. Owns the process-wide sink settings (see log.h for why they are the
 * one exception to the no-globals rule). */
#include "log.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>

static struct {
	enum log_level level;
	bool to_syslog;
	bool to_journal;
} sink = {LOG_LEVEL_INFO, false, false};

static const char *const level_names[] = {
	[LOG_LEVEL_ERROR] = "error", [LOG_LEVEL_WARN] = "warn",   [LOG_LEVEL_INFO] = "info",
	[LOG_LEVEL_DEBUG] = "debug", [LOG_LEVEL_TRACE] = "trace",
};

const char *log_level_str(enum log_level level)
{
	switch (level) {
	case LOG_LEVEL_ERROR:
	case LOG_LEVEL_WARN:
	case LOG_LEVEL_INFO:
	case LOG_LEVEL_DEBUG:
	case LOG_LEVEL_TRACE:
		return level_names[level];
	}
	return "unknown";
}

int log_level_parse(const char *name, enum log_level *out)
{
	for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
		if (strcmp(name, level_names[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	return -EINVAL;
}

/* systemd sets JOURNAL_STREAM to "DEVICE:INODE" of the stream it connected; stderr is the
 * journal only when it is still that stream (a redirect in a script makes it a file). */
static bool stderr_is_journal(void)
{
	const char *env = getenv("JOURNAL_STREAM");
	uintmax_t dev, ino;
	struct stat st;
	if (!env || sscanf(env, "%ju:%ju", &dev, &ino) != 2 || fstat(2, &st) != 0)
		return false;
	return (uintmax_t)st.st_dev == dev && (uintmax_t)st.st_ino == ino;
}

void log_setup(enum log_level level, bool to_syslog, const char *ident)
{
	sink.level = level;
	sink.to_syslog = to_syslog;
	sink.to_journal = !to_syslog && stderr_is_journal();
	if (to_syslog)
		openlog(ident, LOG_PID, LOG_DAEMON);
}

bool log_enabled(enum log_level level)
{
	return level <= sink.level;
}

static int syslog_priority(enum log_level level)
{
	switch (level) {
	case LOG_LEVEL_ERROR:
		return LOG_ERR;
	case LOG_LEVEL_WARN:
		return LOG_WARNING;
	case LOG_LEVEL_INFO:
		return LOG_INFO;
	case LOG_LEVEL_DEBUG:
	case LOG_LEVEL_TRACE:
		return LOG_DEBUG;
	}
	return LOG_INFO;
}

void log_write(enum log_level level, const char *mod, const char *fmt, ...)
{
	if (!log_enabled(level))
		return;
	char body[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(body, sizeof(body), fmt, ap);
	va_end(ap);

	if (sink.to_syslog) {
		syslog(syslog_priority(level), "level=%s mod=%s %s", log_level_str(level), mod, body);
		return;
	}
	if (sink.to_journal) {
		/* sd-daemon(3): "<N>" sets the priority; the journal stamps the time itself. */
		fprintf(stderr, "<%d>level=%s mod=%s %s\n", syslog_priority(level), log_level_str(level), mod,
			body);
		return;
	}
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	struct tm tm;
	gmtime_r(&ts.tv_sec, &tm);
	char when[32];
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	/* One fprintf per line: stdio locks the stream, so lines never interleave. */
	fprintf(stderr, "%s.%03ldZ level=%s mod=%s %s\n", when, ts.tv_nsec / 1000000L, log_level_str(level),
		mod, body);
}

char *log_escape(const void *in, size_t len, char *out, size_t out_size)
{
	const unsigned char *p = in;
	size_t o = 0;
	for (size_t i = 0; i < len; i++) {
		char tmp[5];
		unsigned char c = p[i];
		if (c == '\r')
			strcpy(tmp, "\\r");
		else if (c == '\n')
			strcpy(tmp, "\\n");
		else if (c == '"' || c == '\\')
			snprintf(tmp, sizeof(tmp), "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			snprintf(tmp, sizeof(tmp), "\\x%02X", c);
		else
			snprintf(tmp, sizeof(tmp), "%c", c);
		size_t n = strlen(tmp);
		if (o + n + 4 > out_size) {
			if (out_size >= 4) {
				memcpy(out + (o < out_size - 4 ? o : out_size - 4), "...", 4);
				return out;
			}
			break;
		}
		memcpy(out + o, tmp, n);
		o += n;
	}
	if (out_size > 0)
		out[o < out_size ? o : out_size - 1] = '\0';
	return out;
}

void log_bytes(enum log_level level, const char *mod, const char *what, const void *buf, size_t len)
{
	if (!log_enabled(level))
		return;
	char esc[900];
	log_write(level, mod, "event=%s len=%zu data=\"%s\"", what, len,
		  log_escape(buf, len, esc, sizeof(esc)));
}
