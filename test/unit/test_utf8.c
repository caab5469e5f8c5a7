/* UTF-8 one code point at a time: what phones send decodes to its code points; every kind of
 * malformed sequence is refused, and nothing past `avail` is read. */
#include "utf8.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

static int dec(const char *s, size_t avail, uint32_t *cp)
{
	return utf8_decode((const unsigned char *)s, avail, cp);
}

static void each_length_decodes_to_its_code_point(void **state)
{
	(void)state;
	uint32_t cp = 0;
	assert_int_equal(dec("A", 1, &cp), 1);
	assert_int_equal(cp, 'A');
	assert_int_equal(dec("\xC3\xA9", 2, &cp), 2); /* é */
	assert_int_equal(cp, 0xE9);
	assert_int_equal(dec("\xE2\x82\xAC", 3, &cp), 3); /* € */
	assert_int_equal(cp, 0x20AC);
	assert_int_equal(dec("\xF0\x9F\x98\x80", 4, &cp), 4); /* an emoji */
	assert_int_equal(cp, 0x1F600);
	assert_int_equal(dec("\xF4\x8F\xBF\xBF", SIZE_MAX, &cp), 4); /* U+10FFFF, the last */
	assert_int_equal(cp, 0x10FFFF);
}

static void malformed_sequences_are_refused(void **state)
{
	(void)state;
	uint32_t cp = 0;
	assert_int_equal(dec("\x80", 1, &cp), -1); /* stray continuation */
	assert_int_equal(dec("\xFF", 1, &cp), -1); /* never in UTF-8 */
	assert_int_equal(dec("\xC3"
			     "A",
			     2, &cp),
			 -1);                                  /* not continued */
	assert_int_equal(dec("\xC3", SIZE_MAX, &cp), -1);      /* NUL ends it */
	assert_int_equal(dec("\xC0\xAF", 2, &cp), -1);         /* overlong '/' */
	assert_int_equal(dec("\xE0\x80\xAF", 3, &cp), -1);     /* overlong, 3 bytes */
	assert_int_equal(dec("\xED\xA0\x80", 3, &cp), -1);     /* a surrogate */
	assert_int_equal(dec("\xF4\x90\x80\x80", 4, &cp), -1); /* past U+10FFFF */
}

static void nothing_past_avail_is_read(void **state)
{
	(void)state;
	uint32_t cp = 0;
	assert_int_equal(dec("\xE2\x82\xAC", 2, &cp), -1);
	assert_int_equal(dec("\xF0\x9F\x98\x80", 3, &cp), -1);
	assert_int_equal(dec("\xE2\x82\xAC", 3, &cp), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(each_length_decodes_to_its_code_point),
		cmocka_unit_test(malformed_sequences_are_refused),
		cmocka_unit_test(nothing_past_avail_is_read),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
