/* Logging: levels filter, and modem bytes are escaped into one grep-able line. */
#include "core/log.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(levels_parse_and_filter),
		cmocka_unit_test(escape_keeps_modem_traffic_on_one_line),
		cmocka_unit_test(escape_truncates_visibly),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
