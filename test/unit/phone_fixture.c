/* Helpers of the phone-command tests (phone_fixture.h). */
#include "phone_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

static struct phone_msg msg;

const struct phone_msg *phone_fx_parse(enum phone_side side, const char *text)
{
	assert_int_equal(phone_parse(side, text, strlen(text), &msg), 0);
	assert_true(msg.n >= 1 && msg.n <= PHONE_CMDS_MAX + 1);
	for (size_t i = 0; i < msg.n; i++) {
		if (msg.item[i].err != PHONE_ERR_NONE)
			phone_fx_reason_ok(msg.item[i].reason);
		else
			assert_string_equal(msg.item[i].reason, "");
	}
	return &msg;
}

bool phone_fx_cmd_equal(const struct phone_cmd *a, const struct phone_cmd *b)
{
	return a->verb == b->verb && strcmp(a->unit, b->unit) == 0 && strcmp(a->channel, b->channel) == 0 &&
	       a->setting == b->setting && a->off == b->off && a->value_c10 == b->value_c10 &&
	       a->duration_s == b->duration_s && a->ack == b->ack && a->ack_id == b->ack_id &&
	       strcmp(a->pin, b->pin) == 0 && strcmp(a->new_pin, b->new_pin) == 0;
}

void phone_fx_round_trip(enum phone_side side, const struct phone_cmd *cmd)
{
	char text[128];
	struct phone_item item;
	struct phone_msg again;
	int n = phone_cmd_format(side, cmd, text, sizeof(text));
	assert_true(n > 0 && (size_t)n < sizeof(text));
	if (side == PHONE_SIDE_UNIT) {
		assert_int_equal(phone_parse_unit_cmd(text, strlen(text), &item), 0);
		if (!phone_fx_cmd_equal(&item.cmd, cmd))
			fail_msg("\"%s\" does not parse back into the same command", text);
		return;
	}
	assert_int_equal(phone_parse(side, text, strlen(text), &again), 0);
	assert_int_equal(again.n, 1);
	assert_int_equal(again.item[0].err, PHONE_ERR_NONE);
	if (!phone_fx_cmd_equal(&again.item[0].cmd, cmd))
		fail_msg("\"%s\" does not parse back into the same command", text);
}

const struct phone_cmd *phone_fx_ok(enum phone_side side, const char *text, const char *canonical)
{
	char out[128];
	const struct phone_msg *m = phone_fx_parse(side, text);
	if (m->n != 1 || m->item[0].err != PHONE_ERR_NONE)
		fail_msg("\"%s\": %zu items, first refused as %s: %s", text, m->n,
			 phone_err_str(m->item[0].err), m->item[0].reason);
	assert_true(m->item[0].has_verb);
	assert_true(phone_cmd_format(side, &m->item[0].cmd, out, sizeof(out)) > 0);
	assert_string_equal(out, canonical);
	phone_fx_round_trip(side, &m->item[0].cmd);
	return &m->item[0].cmd;
}

const char *phone_fx_err(enum phone_side side, const char *text, enum phone_err err)
{
	const struct phone_msg *m = phone_fx_parse(side, text);
	if (m->n != 1 || m->item[0].err != err)
		fail_msg("\"%s\": %zu items, first %s (%s), expected %s", text, m->n,
			 phone_err_str(m->item[0].err), m->item[0].reason, phone_err_str(err));
	return m->item[0].reason;
}

void phone_fx_list(enum phone_side side, const char *text, const char *list)
{
	char log[512], want[600];
	const struct phone_msg *m = phone_fx_parse(side, text);
	assert_true(phone_msg_log(side, m, log, sizeof(log)) > 0);
	snprintf(want, sizeof(want), "list=\"%s\"", list);
	if (!strstr(log, want))
		fail_msg("\"%s\": %s, expected %s", text, log, want);
	for (size_t i = 0; i < m->n; i++)
		if (m->item[i].err == PHONE_ERR_NONE)
			phone_fx_round_trip(side, &m->item[i].cmd);
}

void phone_fx_reason_ok(const char *reason)
{
	size_t n = strlen(reason);
	assert_true(n > 0 && n < PHONE_REASON_MAX);
	for (size_t i = 0; i < n; i++)
		if (reason[i] < 0x20 || reason[i] > 0x7E || strchr("\"\\%@[]{}^~|`", reason[i]))
			fail_msg("reason \"%s\" has a character unfit for a reply or a log", reason);
}
