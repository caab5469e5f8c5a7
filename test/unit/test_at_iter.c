/* The field iterator: the response shapes of TS 27.005/27.007 that the modem layer reads,
 * and the malformed fields it must refuse without moving on. */
#include "at_iter.h"
#include "at_result.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

static void cmgl_header_with_empty_alpha(void **state)
{
	(void)state;
	struct at_iter it;
	int idx, stat, len;
	char alpha[8];
	at_iter_init(&it, "+CMGL: 1,0,,34");
	assert_true(at_iter_prefix(&it, "+CMGL:"));
	assert_int_equal(at_iter_next_int(&it, &idx), 0);
	assert_int_equal(at_iter_next_int(&it, &stat), 0);
	assert_int_equal(at_iter_next_string(&it, alpha, sizeof(alpha)), -ENODATA);
	assert_int_equal(at_iter_next_int(&it, &len), 0);
	assert_int_equal(at_iter_next_int(&it, &len), -ENOENT);
	assert_int_equal(idx, 1);
	assert_int_equal(stat, 0);
	assert_int_equal(len, 34);
	assert_true(at_iter_at_end(&it));
}

static void cmti_storage_and_index_zero(void **state)
{
	(void)state;
	struct at_iter it;
	char mem[4];
	int idx = -1;
	at_iter_init(&it, "+CMTI: \"ME\",0");
	assert_false(at_iter_prefix(&it, "+CMT:"));
	assert_true(at_iter_prefix(&it, "+CMTI:"));
	assert_int_equal(at_iter_next_string(&it, mem, sizeof(mem)), 0);
	assert_string_equal(mem, "ME");
	assert_int_equal(at_iter_next_int(&it, &idx), 0);
	assert_int_equal(idx, 0);
}

static void cpms_test_lists_and_cnmi_ranges(void **state)
{
	(void)state;
	struct at_iter it;
	char mem[4];
	int lo, hi;
	at_iter_init(&it, "+CPMS: (\"SM\",\"ME\"),(\"SM\"),(\"SM\")");
	assert_true(at_iter_prefix(&it, "+CPMS:"));
	assert_int_equal(at_iter_open_list(&it), 0);
	assert_int_equal(at_iter_next_string(&it, mem, sizeof(mem)), 0);
	assert_string_equal(mem, "SM");
	assert_int_equal(at_iter_next_string(&it, mem, sizeof(mem)), 0);
	assert_string_equal(mem, "ME");
	assert_int_equal(at_iter_next_string(&it, mem, sizeof(mem)), -ENOENT);
	assert_int_equal(at_iter_close_list(&it), 0);
	assert_int_equal(at_iter_skip(&it), 0);
	assert_int_equal(at_iter_open_list(&it), 0);
	assert_int_equal(at_iter_next_string(&it, mem, sizeof(mem)), 0);
	assert_int_equal(at_iter_close_list(&it), 0);
	assert_true(at_iter_at_end(&it));

	at_iter_init(&it, "+CNMI: (0-2),(0-3),(0,2)");
	assert_true(at_iter_prefix(&it, "+CNMI:"));
	assert_int_equal(at_iter_open_list(&it), 0);
	assert_int_equal(at_iter_next_range(&it, &lo, &hi), 0);
	assert_int_equal(lo, 0);
	assert_int_equal(hi, 2);
	assert_int_equal(at_iter_close_list(&it), 0);
	assert_int_equal(at_iter_skip(&it), 0);
	assert_int_equal(at_iter_open_list(&it), 0);
	assert_int_equal(at_iter_next_range(&it, &lo, &hi), 0);
	assert_int_equal(lo, 0);
	assert_int_equal(hi, 0);
	assert_int_equal(at_iter_next_range(&it, &lo, &hi), 0);
	assert_int_equal(lo, 2);
	/* Found by fuzz_at_iter: a range upside down names no value. */
	at_iter_init(&it, "1-0,3");
	assert_int_equal(at_iter_next_range(&it, &lo, &hi), -EINVAL);
	assert_int_equal(at_iter_next_int(&it, &lo), -EINVAL); /* unchanged: still at "1-0" */
	assert_int_equal(at_iter_skip(&it), 0);
	assert_int_equal(at_iter_next_range(&it, &lo, &hi), 0);
	assert_int_equal(hi, 3);
}

static void bad_fields_are_refused_without_advancing(void **state)
{
	(void)state;
	struct at_iter it;
	int v = 7;
	char s[4];
	uint8_t hex[2];
	size_t n;
	at_iter_init(&it, "+CSQ: 1x,99999999999,\"open,ABC");
	assert_true(at_iter_prefix(&it, "+CSQ:"));
	assert_int_equal(at_iter_next_int(&it, &v), -EINVAL);
	assert_int_equal(v, 7);
	assert_int_equal(at_iter_next_text(&it, s, sizeof(s)), 0);
	assert_string_equal(s, "1x");
	assert_int_equal(at_iter_next_int(&it, &v), -ERANGE);
	assert_int_equal(at_iter_skip(&it), 0);
	assert_int_equal(at_iter_next_string(&it, s, sizeof(s)), -EINVAL);
	at_iter_init(&it, "ABC,0G,A1B2C3");
	assert_int_equal(at_iter_next_hex(&it, hex, sizeof(hex), &n), -EINVAL);
	assert_int_equal(at_iter_skip(&it), 0);
	assert_int_equal(at_iter_next_hex(&it, hex, sizeof(hex), &n), -EINVAL);
	assert_int_equal(at_iter_skip(&it), 0);
	assert_int_equal(at_iter_next_hex(&it, hex, sizeof(hex), &n), -ENOSPC);
}

static void hex_and_quoted_text(void **state)
{
	(void)state;
	struct at_iter it;
	uint8_t b[4];
	size_t n = 0;
	char op[16];
	at_iter_init(&it, "+COPS: 0,0,\"Orange F\",7");
	assert_true(at_iter_prefix(&it, "+COPS:"));
	assert_int_equal(at_iter_skip(&it), 0);
	assert_int_equal(at_iter_skip(&it), 0);
	assert_int_equal(at_iter_next_text(&it, op, sizeof(op)), 0);
	assert_string_equal(op, "Orange F");
	at_iter_init(&it, "\"07A1\",ff00");
	assert_int_equal(at_iter_next_hex(&it, b, sizeof(b), &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(b[1], 0xA1);
	assert_int_equal(at_iter_next_hex(&it, b, sizeof(b), &n), 0);
	assert_int_equal(b[0], 0xff);
}

static void final_results_keep_the_modem_error(void **state)
{
	(void)state;
	struct at_result r;
	assert_true(at_result_classify("+CMS ERROR: 322", &r));
	assert_int_equal(r.kind, AT_RESULT_CMS_ERROR);
	assert_int_equal(r.code, 322);
	assert_string_equal(at_result_describe(&r), "memory full");
	assert_true(at_result_classify("+CME ERROR: SIM PIN required", &r));
	assert_int_equal(r.kind, AT_RESULT_CME_ERROR);
	assert_int_equal(r.code, 11);
	assert_true(at_result_classify("+CME ERROR: something new", &r));
	assert_int_equal(r.code, -1);
	assert_true(at_result_classify("NO CARRIER", &r));
	assert_int_equal(r.kind, AT_RESULT_NO_CARRIER);
	assert_false(at_result_classify("OK then", &r));
	assert_false(at_result_classify("+CMGS: 4", &r));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cmgl_header_with_empty_alpha),
		cmocka_unit_test(cmti_storage_and_index_zero),
		cmocka_unit_test(cpms_test_lists_and_cnmi_ranges),
		cmocka_unit_test(bad_fields_are_refused_without_advancing),
		cmocka_unit_test(hex_and_quoted_text),
		cmocka_unit_test(final_results_keep_the_modem_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
