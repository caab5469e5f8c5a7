/* The subcommand dispatcher: help, version, per-command help, and exit status 2 for every
 * command-line mistake. */
#include "cmd.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static int ran_argc;
static const char *ran_arg1;

static int run_alpha(int argc, char **argv)
{
	ran_argc = argc;
	ran_arg1 = argc > 1 ? argv[1] : NULL;
	return 7;
}

static const struct cmd table[] = {
	{"alpha", "does the first thing", "Usage: t alpha [X]\n", run_alpha},
	{"beta-long", "does the second thing", "Usage: t beta-long\n", run_alpha},
};

struct capture {
	char *out_buf, *err_buf;
	size_t out_len, err_len;
	FILE *out, *err;
};

static int dispatch(struct capture *c, int argc, char **argv)
{
	c->out = open_memstream(&c->out_buf, &c->out_len);
	c->err = open_memstream(&c->err_buf, &c->err_len);
	ran_argc = -1;
	int rc = cmd_dispatch("t", "1.2.3", table, 2, argc, argv, c->out, c->err);
	fclose(c->out);
	fclose(c->err);
	return rc;
}

static void release(struct capture *c)
{
	free(c->out_buf);
	free(c->err_buf);
}

static void help_lists_every_command_with_its_summary(void **state)
{
	(void)state;
	struct capture c;
	char *argv[] = {"t", "--help", NULL};
	assert_int_equal(dispatch(&c, 2, argv), M2_EXIT_OK);
	assert_non_null(strstr(c.out_buf, "  alpha      does the first thing\n"));
	assert_non_null(strstr(c.out_buf, "  beta-long  does the second thing\n"));
	assert_int_equal(ran_argc, -1);
	release(&c);
}

static void version_prints_name_and_version(void **state)
{
	(void)state;
	struct capture c;
	char *argv[] = {"t", "--version", NULL};
	assert_int_equal(dispatch(&c, 2, argv), M2_EXIT_OK);
	assert_string_equal(c.out_buf, "t 1.2.3\n");
	release(&c);
}

static void command_help_prints_its_usage_without_running(void **state)
{
	(void)state;
	struct capture c;
	char *argv[] = {"t", "alpha", "x", "--help", NULL};
	assert_int_equal(dispatch(&c, 4, argv), M2_EXIT_OK);
	assert_string_equal(c.out_buf, "Usage: t alpha [X]\n");
	assert_int_equal(ran_argc, -1);
	release(&c);
}

static void command_runs_with_its_own_arguments(void **state)
{
	(void)state;
	struct capture c;
	char *argv[] = {"t", "alpha", "x", "--", "--help", NULL};
	assert_int_equal(dispatch(&c, 5, argv), 7);
	assert_int_equal(ran_argc, 4);
	assert_string_equal(ran_arg1, "x");
	release(&c);
}

static void mistakes_exit_2_with_a_message(void **state)
{
	(void)state;
	struct capture c;
	char *unknown[] = {"t", "gamma", NULL};
	assert_int_equal(dispatch(&c, 2, unknown), M2_EXIT_USAGE);
	assert_non_null(strstr(c.err_buf, "t: unknown command 'gamma'"));
	assert_non_null(strstr(c.err_buf, "Try 't --help'"));
	release(&c);

	char *option[] = {"t", "--frobnicate", NULL};
	assert_int_equal(dispatch(&c, 2, option), M2_EXIT_USAGE);
	assert_non_null(strstr(c.err_buf, "t: unknown option '--frobnicate'"));
	release(&c);

	char *none[] = {"t", NULL};
	assert_int_equal(dispatch(&c, 1, none), M2_EXIT_USAGE);
	assert_non_null(strstr(c.err_buf, "missing command"));
	assert_int_equal(ran_argc, -1);
	release(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(help_lists_every_command_with_its_summary),
		cmocka_unit_test(version_prints_name_and_version),
		cmocka_unit_test(command_help_prints_its_usage_without_running),
		cmocka_unit_test(command_runs_with_its_own_arguments),
		cmocka_unit_test(mistakes_exit_2_with_a_message),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
