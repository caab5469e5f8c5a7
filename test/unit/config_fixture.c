/* Helpers for the configuration tests (config_fixture.h). */
#include "config_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

struct m2_config fixture_cfg;

void load_ok(const char *text, enum m2_config_kind kind)
{
	struct cfg_report rep = {0};
	int rc = m2_config_load_string(text, "t.conf", &fixture_cfg, &rep);
	if (rc != 0)
		fail_msg("unexpected problem: %s", rep.msg[0]);
	assert_int_equal(rep.count, 0);
	assert_int_equal(fixture_cfg.kind, kind);
}

void load_bad(const char *text, const char *needle1, const char *needle2)
{
	struct cfg_report rep = {0};
	int rc = m2_config_load_string(text, "t.conf", &fixture_cfg, &rep);
	assert_true(rc < 0);
	assert_true(rep.count >= 1);
	if (!strstr(rep.msg[0], needle1))
		fail_msg("'%s' not in '%s'", needle1, rep.msg[0]);
	if (needle2 && !strstr(rep.msg[0], needle2))
		fail_msg("'%s' not in '%s'", needle2, rep.msg[0]);
}

void load_problem(const char *text, const char *needle, int count)
{
	struct cfg_report rep = {0};
	int rc = m2_config_load_string(text, "t.conf", &fixture_cfg, &rep);
	assert_true(rc < 0);
	int kept = rep.count < CFG_MAX_ERRORS ? rep.count : CFG_MAX_ERRORS;
	for (int i = 0; i < kept; i++) {
		if (strstr(rep.msg[i], needle)) {
			if (count && rep.count != count)
				fail_msg("%d problems, expected %d; first: %s", rep.count, count, rep.msg[0]);
			return;
		}
	}
	fail_msg("'%s' not among %d problems; first: %s", needle, rep.count, kept ? rep.msg[0] : "(none)");
}
