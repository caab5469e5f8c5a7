/* Hex text and octets: a PDU typed after the `> ` prompt or listed by +CMGL survives the
 * round trip; a bad digit, an odd length or too small a buffer is a clear error. */
#include "hex.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

static void digits_of_both_cases_have_their_value(void **state)
{
	(void)state;
	assert_int_equal(hex_digit('0'), 0);
	assert_int_equal(hex_digit('9'), 9);
	assert_int_equal(hex_digit('A'), 10);
	assert_int_equal(hex_digit('f'), 15);
	assert_int_equal(hex_digit('G'), -1);
	assert_int_equal(hex_digit('g'), -1);
	assert_int_equal(hex_digit(' '), -1);
	assert_int_equal(hex_digit('\0'), -1);
	assert_int_equal(hex_digit('/'), -1);
	assert_int_equal(hex_digit(':'), -1);
	assert_int_equal(hex_digit('@'), -1);
	assert_int_equal(hex_digit('`'), -1);
}

static void a_pdu_decodes_to_its_octets(void **state)
{
	(void)state;
	static const char pdu[] = "07915155000000f011000891515500100000FF05E8329BFD06";
	static const uint8_t want[] = {0x07, 0x91, 0x51, 0x55, 0x00, 0x00, 0x00, 0xF0, 0x11,
				       0x00, 0x08, 0x91, 0x51, 0x55, 0x00, 0x10, 0x00, 0x00,
				       0xFF, 0x05, 0xE8, 0x32, 0x9B, 0xFD, 0x06};
	uint8_t out[sizeof(want)];
	assert_int_equal(hex_decode(pdu, strlen(pdu), out, sizeof(out)), (int)sizeof(want));
	assert_memory_equal(out, want, sizeof(want));
}

static void bad_input_is_refused_with_a_clear_error(void **state)
{
	(void)state;
	uint8_t out[8] = {0};
	assert_int_equal(hex_decode("0A1", 3, out, sizeof(out)), -EINVAL);
	assert_int_equal(hex_decode("0G", 2, out, sizeof(out)), -EINVAL);
	assert_int_equal(hex_decode("G0", 2, out, sizeof(out)), -EINVAL);
	assert_int_equal(hex_decode("00 1", 4, out, sizeof(out)), -EINVAL);
	assert_int_equal(hex_decode("0011", 4, out, 1), -EMSGSIZE);
	assert_int_equal(hex_decode("", 0, out, 0), 0);
}

static void only_len_characters_are_read(void **state)
{
	(void)state;
	uint8_t out[2] = {0xAA, 0xAA};
	assert_int_equal(hex_decode("12zz", 2, out, sizeof(out)), 1);
	assert_int_equal(out[0], 0x12);
	assert_int_equal(out[1], 0xAA);
}

static void octets_encode_as_upper_case_and_round_trip(void **state)
{
	(void)state;
	uint8_t all[256];
	for (int i = 0; i < 256; i++)
		all[i] = (uint8_t)i;
	char text[2 * sizeof(all) + 1];
	memset(text, 'x', sizeof(text));
	assert_int_equal(hex_encode(all, sizeof(all), text), 2 * sizeof(all));
	assert_int_equal(text[2 * sizeof(all)], '\0');
	assert_memory_equal(text, "000102", 6);
	assert_memory_equal(text + 2 * 0xAB, "AB", 2);
	assert_null(strpbrk(text, "abcdef"));
	uint8_t back[256];
	assert_int_equal(hex_decode(text, strlen(text), back, sizeof(back)), 256);
	assert_memory_equal(back, all, sizeof(all));
	char empty[1] = {'x'};
	assert_int_equal(hex_encode(all, 0, empty), 0);
	assert_int_equal(empty[0], '\0');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(digits_of_both_cases_have_their_value),
		cmocka_unit_test(a_pdu_decodes_to_its_octets),
		cmocka_unit_test(bad_input_is_refused_with_a_clear_error),
		cmocka_unit_test(only_len_characters_are_read),
		cmocka_unit_test(octets_encode_as_upper_case_and_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
