/* The virtual modem's command line (V.250 5): echo, compound lines, errors per +CMEE, empty
 * lines and ESC, one byte per write, editing, V0, A/, and lines that are too long. */
#include "test_vmodem_harness.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

static struct vmh *generic(void)
{
	struct vmh *h = vmh_new(VMODEM_MODEL_GENERIC, NULL, 10);
	vmh_expect(h, "\r\nRDY\r\n\r\n+CPIN: READY\r\n");
	return h;
}

static void echo_on_at_power_up_and_really_switched(void **state)
{
	struct vmh *h = generic();
	*state = h;
	vmh_type(h, "AT\r");
	vmh_expect(h, "AT\r\r\nOK\r\n");
	vmh_type(h, "ATE0\r");
	vmh_expect(h, "ATE0\r\r\nOK\r\n");
	vmh_type(h, "AT\r");
	vmh_expect(h, "\r\nOK\r\n");
	vmh_type(h, "ATE1\r");
	vmh_expect(h, "\r\nOK\r\n");
	vmh_type(h, "AT+CSQ\r");
	vmh_expect(h, "AT+CSQ\r\r\n+CSQ: 21,0\r\n\r\nOK\r\n");
}

static void compound_lines_run_left_to_right_with_one_result(void **state)
{
	struct vmh *h = generic();
	*state = h;
	vmh_type(h, "ATE0V1\r");
	vmh_expect(h, "ATE0V1\r\r\nOK\r\n");
	vmh_type(h, "AT+CMEE=1;+CREG=2\r");
	vmh_expect(h, "\r\nOK\r\n");
	vmh_type(h, "AT+CMEE?;+CREG?\r");
	vmh_expect(h, "\r\n+CMEE: 1\r\n\r\n+CREG: 2,1,\"1A2B\",\"3C4D\",7\r\n\r\nOK\r\n");
	/* an error stops the line: +CREG=0 after the unknown command is not executed */
	vmh_type(h, "AT+CMEE=2;+NOPE;+CREG=0\r");
	vmh_expect(h, "\r\n+CME ERROR: operation not supported\r\n");
	vmh_type(h, "AT+CREG?\r");
	vmh_expect(h, "\r\n+CREG: 2,1,\"1A2B\",\"3C4D\",7\r\n\r\nOK\r\n");
}

static void unsupported_commands_answer_per_cmee(void **state)
{
	struct vmh *h = generic();
	*state = h;
	vmh_type(h, "AT+MODE=2\r");
	vmh_expect(h, "AT+MODE=2\r\r\nERROR\r\n");
	vmh_type(h, "AT+CMEE=1\r");
	vmh_take(h);
	vmh_type(h, "AT$TSSPCSW=?\r");
	vmh_expect(h, "AT$TSSPCSW=?\r\r\n+CME ERROR: 4\r\n");
	vmh_type(h, "ATD123;\r");
	vmh_expect(h, "ATD123;\r\r\n+CME ERROR: 4\r\n");
	vmh_type(h, "AT+CMEE=2\r");
	vmh_take(h);
	vmh_type(h, "AT+CPROT=?\r");
	vmh_expect(h, "AT+CPROT=?\r\r\n+CME ERROR: operation not supported\r\n");
	vmh_type(h, "AT+CMEE=7\r");
	vmh_expect(h, "AT+CMEE=7\r\r\n+CME ERROR: incorrect parameters\r\n");
}

static void empty_line_and_esc_get_no_answer(void **state)
{
	struct vmh *h = generic();
	*state = h;
	vmh_type(h, "\x1b\r");
	vmh_expect(h, "\x1b\r");
	vmh_type(h, "ATE0\r");
	vmh_take(h);
	vmh_type(h, "\r");
	vmh_type(h, "\x1b\r");
	vmh_type(h, "\r\n");
	vmh_type(h, "AT+CSQ\x1b\r");
	vmh_expect(h, "");
	vmh_type(h, "garbage before AT\r");
	vmh_expect(h, "\r\nOK\r\n");
}

static void one_byte_per_write(void **state)
{
	struct vmh *h = generic();
	*state = h;
	vmh_type_bytes(h, "AT+CGMM\r");
	vmh_expect(h, "AT+CGMM\r\r\nVM-1\r\n\r\nOK\r\n");
	vmh_type_bytes(h, "at+cgmi;+cgmr\r");
	vmh_expect(h, "at+cgmi;+cgmr\r\r\nVirtualGSM\r\n\r\nVM1.0.0\r\n\r\nOK\r\n");
}

static void editing_repeat_and_numeric_results(void **state)
{
	struct vmh *h = generic();
	*state = h;
	vmh_type(h, "ATE0\r");
	vmh_take(h);
	vmh_type(h, "AT+CSQQ\b\r");
	vmh_expect(h, "\r\n+CSQ: 21,0\r\n\r\nOK\r\n");
	vmh_type(h, "A/");
	vmh_expect(h, "\r\n+CSQ: 21,0\r\n\r\nOK\r\n");
	vmh_type(h, "ATS3?\r");
	vmh_expect(h, "\r\n013\r\n\r\nOK\r\n");
	vmh_type(h, "ATV0\r");
	vmh_expect(h, "0\r");
	vmh_type(h, "AT+CSQ\r");
	vmh_expect(h, "+CSQ: 21,0\r\n0\r");
	vmh_type(h, "AT+NOPE\r");
	vmh_expect(h, "4\r");
	vmh_type(h, "ATZ\r");
	vmh_expect(h, "\r\nOK\r\n");
	vmh_type(h, "AT\r");
	vmh_expect(h, "AT\r\r\nOK\r\n");
}

static void spaces_and_case_only_matter_inside_quotes(void **state)
{
	struct vmh *h = generic();
	*state = h;
	vmh_type(h, "ATE0\r");
	vmh_take(h);
	vmh_type(h, "at+csca=\"+44 7700\",145\r");
	vmh_expect(h, "\r\nERROR\r\n");
	vmh_type(h, "at + csca = \"+447700\" , 145\r");
	vmh_expect(h, "\r\nOK\r\n");
	vmh_type(h, "AT+CSCA?\r");
	vmh_expect(h, "\r\n+CSCA: \"+447700\",145\r\n\r\nOK\r\n");
}

static void overlong_line_is_an_error_not_a_crash(void **state)
{
	struct vmh *h = generic();
	*state = h;
	vmh_type(h, "ATE0\r");
	vmh_take(h);
	char line[1500];
	memcpy(line, "AT+CSQ", 6);
	memset(line + 6, 'X', sizeof(line) - 8);
	line[sizeof(line) - 2] = '\r';
	line[sizeof(line) - 1] = '\0';
	vmh_type(h, line);
	vmh_expect(h, "\r\nERROR\r\n");
	vmh_type(h, "AT\r");
	vmh_expect(h, "\r\nOK\r\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(echo_on_at_power_up_and_really_switched, vmh_teardown),
		cmocka_unit_test_teardown(compound_lines_run_left_to_right_with_one_result, vmh_teardown),
		cmocka_unit_test_teardown(unsupported_commands_answer_per_cmee, vmh_teardown),
		cmocka_unit_test_teardown(empty_line_and_esc_get_no_answer, vmh_teardown),
		cmocka_unit_test_teardown(one_byte_per_write, vmh_teardown),
		cmocka_unit_test_teardown(editing_repeat_and_numeric_results, vmh_teardown),
		cmocka_unit_test_teardown(spaces_and_case_only_matter_inside_quotes, vmh_teardown),
		cmocka_unit_test_teardown(overlong_line_is_an_error_not_a_crash, vmh_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
