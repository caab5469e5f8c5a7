/* The read commands' tables: columns that line up for a person, tab-separated lines for a
 * pipe, RFC 4180 CSV, and text from an SMS that never puts a control character on a terminal. */
#include "cmd_table.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static char *print(const struct cmd_table *t, enum cmd_table_style style)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	cmd_table_print(t, style, f);
	fclose(f);
	return buf;
}

static struct cmd_table *sample(void)
{
	static const struct cmd_column cols[] = {{"UNIT", false}, {"TEMP", true}, {"TEXT", false}};
	struct cmd_table *t = cmd_table_new(cols, 3);
	assert_non_null(t);
	assert_int_equal(cmd_table_add(t, (const char *[]){"WH1", "9.4", "high, 2 told"}), 0);
	assert_int_equal(cmd_table_add(t, (const char *[]){"FREEZER-2", "-18.5", "said \"ok\""}), 0);
	assert_int_equal(cmd_table_add(t, (const char *[]){"R3", NULL, "Kühlraum"}), 0);
	assert_int_equal(cmd_table_rows(t), 3);
	return t;
}

static void a_terminal_gets_columns_that_line_up(void **state)
{
	(void)state;
	struct cmd_table *t = sample();
	char *s = print(t, CMD_TABLE_ALIGNED);
	assert_string_equal(s, "UNIT        TEMP  TEXT\n"
			       "WH1          9.4  high, 2 told\n"
			       "FREEZER-2  -18.5  said \"ok\"\n"
			       "R3                Kühlraum\n");
	free(s);
	cmd_table_free(t);
}

static void a_pipe_gets_one_tab_between_cells(void **state)
{
	(void)state;
	struct cmd_table *t = sample();
	char *s = print(t, CMD_TABLE_TSV);
	assert_string_equal(s, "UNIT\tTEMP\tTEXT\n"
			       "WH1\t9.4\thigh, 2 told\n"
			       "FREEZER-2\t-18.5\tsaid \"ok\"\n"
			       "R3\t\tKühlraum\n");
	free(s);
	cmd_table_free(t);
}

static void csv_quotes_what_rfc_4180_says(void **state)
{
	(void)state;
	struct cmd_table *t = sample();
	char *s = print(t, CMD_TABLE_CSV);
	assert_string_equal(s, "UNIT,TEMP,TEXT\r\n"
			       "WH1,9.4,\"high, 2 told\"\r\n"
			       "FREEZER-2,-18.5,\"said \"\"ok\"\"\"\r\n"
			       "R3,,Kühlraum\r\n");
	free(s);
	cmd_table_free(t);
}

/* An SMS can carry an escape sequence, a tab or a newline: none of them reaches the
 * terminal or breaks a TSV line, and bytes that are not UTF-8 become '?'. */
static void text_from_an_sms_is_cleaned(void **state)
{
	(void)state;
	char out[64];
	cmd_text_clean("ok\x1b[2Jgone\tx\ny\r", out, sizeof(out));
	assert_string_equal(out, "ok [2Jgone x y ");
	cmd_text_clean("a\xff\xc3(b\xc2\x85"
		       "c\x7f",
		       out, sizeof(out));
	assert_string_equal(out, "a?\?(b c ");
	cmd_text_clean("\xed\xa0\x80|\xc0\xaf|\xe2\x82", out, sizeof(out));
	assert_string_equal(out, "???|??|??");
	/* Cut at a character boundary, never inside one. */
	assert_int_equal(cmd_text_clean("aé", out, 3), 1);
	assert_string_equal(out, "a");
	assert_int_equal(cmd_text_width("Kühlraum"), 8);

	static const struct cmd_column cols[] = {{"TEXT", false}};
	struct cmd_table *t = cmd_table_new(cols, 1);
	assert_int_equal(cmd_table_add(t, (const char *[]){"line1\nline2\tend\x1b]0;owned\x07"}), 0);
	char *s = print(t, CMD_TABLE_TSV);
	assert_string_equal(s, "TEXT\nline1 line2 end ]0;owned \n");
	free(s);
	cmd_table_free(t);
}

static void a_table_needs_one_to_sixteen_columns(void **state)
{
	(void)state;
	static const struct cmd_column cols[17] = {{"A", false}};
	assert_null(cmd_table_new(cols, 0));
	assert_null(cmd_table_new(cols, 17));
	struct cmd_table *t = cmd_table_new(cols, 16);
	assert_non_null(t);
	cmd_table_free(t);
	assert_string_equal(cmd_table_style_str(CMD_TABLE_CSV), "csv");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_terminal_gets_columns_that_line_up),
		cmocka_unit_test(a_pipe_gets_one_tab_between_cells),
		cmocka_unit_test(csv_quotes_what_rfc_4180_says),
		cmocka_unit_test(text_from_an_sms_is_cleaned),
		cmocka_unit_test(a_table_needs_one_to_sixteen_columns),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
