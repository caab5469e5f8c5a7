/* Logging: levels filter, and modem bytes are escaped into one grep-able line. */
#include "log.h"

#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

static void levels_parse_and_filter(void **state)
{
	(void)state;
	enum log_level l;
	assert_int_equal(log_level_parse("debug", &l), 0);
	assert_int_equal(l, LOG_LEVEL_DEBUG);
	assert_true(log_level_parse("verbose", &l) < 0);
	log_setup(LOG_LEVEL_WARN, false, "test");
	assert_true(log_enabled(LOG_LEVEL_ERROR));
	assert_true(log_enabled(LOG_LEVEL_WARN));
	assert_false(log_enabled(LOG_LEVEL_INFO));
	assert_string_equal(log_level_str(LOG_LEVEL_TRACE), "trace");
}

static void escape_keeps_modem_traffic_on_one_line(void **state)
{
	(void)state;
	char out[64];
	log_escape("AT+CMGS=23\r\r\n> \x1a\"", 17, out, sizeof(out));
	assert_string_equal(out, "AT+CMGS=23\\r\\r\\n> \\x1A\\\"");
}

static void escape_truncates_visibly(void **state)
{
	(void)state;
	char out[10];
	log_escape("0123456789abcdef", 16, out, sizeof(out));
	assert_int_equal(strlen(out), 9);
	assert_non_null(strstr(out, "..."));
}

/* Runs `fn` with stderr sent to a temporary file and returns what was written. */
static char *capture_stderr(void (*fn)(void))
{
	char path[] = "/tmp/m2mon-test-log-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	fflush(stderr);
	int saved = dup(STDERR_FILENO);
	dup2(fd, STDERR_FILENO);
	fn();
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	static char buf[4096];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	close(fd);
	unlink(path);
	assert_true(n >= 0);
	buf[n] = '\0';
	return buf;
}

static void write_two_lines(void)
{
	log_setup(LOG_LEVEL_INFO, false, "test");
	log_info("modem", "event=ready model=%s", "SIM800");
	log_debug("modem", "event=hidden");
	log_bytes(LOG_LEVEL_WARN, "at", "rx", "OK\r\n", 4);
}

static void lines_are_timestamped_key_value(void **state)
{
	(void)state;
	const char *out = capture_stderr(write_two_lines);
	/* 2026-11-25T03:00:01.250Z level=info mod=modem event=ready model=SIM800 */
	assert_int_equal(out[4], '-');
	assert_int_equal(out[10], 'T');
	assert_int_equal(out[23], 'Z');
	assert_non_null(strstr(out, "Z level=info mod=modem event=ready model=SIM800\n"));
	assert_non_null(strstr(out, "Z level=warn mod=at event=rx len=4 data=\"OK\\r\\n\"\n"));
	assert_null(strstr(out, "hidden"));
}

/* As systemd does: JOURNAL_STREAM names the stream stderr is connected to. */
static void write_to_journal(void)
{
	struct stat st;
	assert_int_equal(fstat(STDERR_FILENO, &st), 0);
	char env[64];
	snprintf(env, sizeof(env), "%ju:%ju", (uintmax_t)st.st_dev, (uintmax_t)st.st_ino);
	setenv("JOURNAL_STREAM", env, 1);
	write_two_lines();
	unsetenv("JOURNAL_STREAM");
}

static void journal_lines_carry_priority_not_time(void **state)
{
	(void)state;
	const char *out = capture_stderr(write_to_journal);
	assert_string_equal(out, "<6>level=info mod=modem event=ready model=SIM800\n"
				 "<4>level=warn mod=at event=rx len=4 data=\"OK\\r\\n\"\n");
}

/* A stderr redirected to a file by a script keeps its timestamps, even under systemd. */
static void write_elsewhere_than_journal(void)
{
	setenv("JOURNAL_STREAM", "8:12345", 1);
	write_two_lines();
	unsetenv("JOURNAL_STREAM");
}

static void journal_stream_of_another_file_is_ignored(void **state)
{
	(void)state;
	const char *out = capture_stderr(write_elsewhere_than_journal);
	assert_int_equal(out[23], 'Z');
	assert_null(strstr(out, "<6>"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(levels_parse_and_filter),
		cmocka_unit_test(escape_keeps_modem_traffic_on_one_line),
		cmocka_unit_test(escape_truncates_visibly),
		cmocka_unit_test(lines_are_timestamped_key_value),
		cmocka_unit_test(journal_lines_carry_priority_not_time),
		cmocka_unit_test(journal_stream_of_another_file_is_ignored),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
