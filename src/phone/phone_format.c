/* Commands back into text: the canonical form (what the base relays to a unit, and what a
 * parse of it gives back), the same with PINs hidden for logs, a message's log fields, and
 * the names of every enum. */
#include "phone_cmd.h"
#include "phone_value.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *phone_side_str(enum phone_side side)
{
	switch (side) {
	case PHONE_SIDE_UNIT:
		return "unit";
	case PHONE_SIDE_BASE:
		return "base";
	}
	return "?";
}

const char *phone_verb_str(enum phone_verb verb)
{
	switch (verb) {
	case PHONE_VERB_STATUS:
		return "STATUS";
	case PHONE_VERB_READ:
		return "READ";
	case PHONE_VERB_SET:
		return "SET";
	case PHONE_VERB_INTERVAL:
		return "INTERVAL";
	case PHONE_VERB_REPORT:
		return "REPORT";
	case PHONE_VERB_PIN:
		return "PIN";
	case PHONE_VERB_HELP:
		return "HELP";
	case PHONE_VERB_ACK:
		return "ACK";
	case PHONE_VERB_MUTE:
		return "MUTE";
	case PHONE_VERB_UNMUTE:
		return "UNMUTE";
	case PHONE_VERB_WHO:
		return "WHO";
	}
	return "?";
}

const char *phone_setting_str(enum phone_setting setting)
{
	switch (setting) {
	case PHONE_SETTING_HIGH:
		return "HIGH";
	case PHONE_SETTING_LOW:
		return "LOW";
	case PHONE_SETTING_HIGH_HIGH:
		return "HH";
	case PHONE_SETTING_LOW_LOW:
		return "LL";
	case PHONE_SETTING_DELAY:
		return "DELAY";
	case PHONE_SETTING_HYST:
		return "HYST";
	}
	return "?";
}

const char *phone_ack_str(enum phone_ack ack)
{
	switch (ack) {
	case PHONE_ACK_NEWEST:
		return "newest";
	case PHONE_ACK_ID:
		return "id";
	case PHONE_ACK_ALL:
		return "all";
	}
	return "?";
}

const char *phone_err_str(enum phone_err err)
{
	static const char *const names[PHONE_ERR_COUNT] = {
		[PHONE_ERR_NONE] = "none",
		[PHONE_ERR_EMPTY] = "empty",
		[PHONE_ERR_UNKNOWN] = "unknown",
		[PHONE_ERR_ELSEWHERE] = "elsewhere",
		[PHONE_ERR_MISSING] = "missing",
		[PHONE_ERR_EXTRA] = "extra",
		[PHONE_ERR_AMBIGUOUS] = "ambiguous",
		[PHONE_ERR_UNIT] = "unit",
		[PHONE_ERR_CHANNEL] = "channel",
		[PHONE_ERR_SETTING] = "setting",
		[PHONE_ERR_TEMP] = "temp",
		[PHONE_ERR_DECIMALS] = "decimals",
		[PHONE_ERR_FAHRENHEIT] = "fahrenheit",
		[PHONE_ERR_DURATION] = "duration",
		[PHONE_ERR_DURATION_UNIT] = "duration_unit",
		[PHONE_ERR_RANGE] = "range",
		[PHONE_ERR_ACK_ID] = "ack_id",
		[PHONE_ERR_PIN_FORMAT] = "pin_format",
		[PHONE_ERR_PIN_MISMATCH] = "pin_mismatch",
		[PHONE_ERR_PIN_PLACE] = "pin_place",
		[PHONE_ERR_PIN_SAME] = "pin_same",
		[PHONE_ERR_NO_PIN_HERE] = "no_pin_here",
		[PHONE_ERR_TOO_LONG] = "too_long",
		[PHONE_ERR_TOO_MANY] = "too_many",
	};
	if ((unsigned)err >= PHONE_ERR_COUNT || !names[err])
		return "?";
	return names[err];
}

/* A text built piece by piece with snprintf semantics: `len` counts what was needed. */
struct text {
	char *out;
	size_t n;
	size_t len;
};

static void add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	size_t room = t->len < t->n ? t->n - t->len : 0;
	va_start(ap, fmt);
	int k = vsnprintf(room ? t->out + t->len : NULL, room, fmt, ap);
	va_end(ap);
	if (k > 0)
		t->len += (size_t)k;
}

static bool name_ok(enum phone_name kind, const char *name, bool optional)
{
	if (optional && name[0] == '\0')
		return true;
	return phone_name_check(kind, name, NULL) == 0;
}

static bool names_ok(enum phone_side side, const struct phone_cmd *c)
{
	bool base = side == PHONE_SIDE_BASE;
	switch (c->verb) {
	case PHONE_VERB_STATUS:
		return !base || name_ok(PHONE_NAME_UNIT, c->unit, true);
	case PHONE_VERB_READ:
		return (!base || name_ok(PHONE_NAME_UNIT, c->unit, false)) &&
		       name_ok(PHONE_NAME_CHANNEL, c->channel, true);
	case PHONE_VERB_SET:
		return (!base || name_ok(PHONE_NAME_UNIT, c->unit, false)) &&
		       name_ok(PHONE_NAME_CHANNEL, c->channel, false);
	case PHONE_VERB_MUTE:
	case PHONE_VERB_UNMUTE:
		return name_ok(PHONE_NAME_UNIT, c->unit, false) &&
		       name_ok(PHONE_NAME_CHANNEL, c->channel, true);
	case PHONE_VERB_INTERVAL:
	case PHONE_VERB_REPORT:
	case PHONE_VERB_PIN:
	case PHONE_VERB_HELP:
	case PHONE_VERB_ACK:
	case PHONE_VERB_WHO:
		return true;
	}
	return false;
}

static bool value_ok(const struct phone_cmd *c)
{
	switch (c->setting) {
	case PHONE_SETTING_HIGH:
	case PHONE_SETTING_LOW:
	case PHONE_SETTING_HIGH_HIGH:
	case PHONE_SETTING_LOW_LOW:
		return c->off || (c->value_c10 >= PHONE_TEMP_MIN_C10 && c->value_c10 <= PHONE_TEMP_MAX_C10);
	case PHONE_SETTING_DELAY:
		return c->duration_s <= PHONE_DELAY_MAX_S;
	case PHONE_SETTING_HYST:
		return c->value_c10 >= PHONE_HYST_MIN_C10 && c->value_c10 <= PHONE_HYST_MAX_C10;
	}
	return false;
}

static bool args_ok(const struct phone_cmd *c)
{
	switch (c->verb) {
	case PHONE_VERB_SET:
		return value_ok(c);
	case PHONE_VERB_INTERVAL:
		return c->duration_s >= PHONE_INTERVAL_MIN_S && c->duration_s <= PHONE_INTERVAL_MAX_S;
	case PHONE_VERB_REPORT:
		return c->duration_s >= PHONE_REPORT_MIN_S && c->duration_s <= PHONE_REPORT_MAX_S;
	case PHONE_VERB_MUTE:
		return c->duration_s >= PHONE_MUTE_MIN_S && c->duration_s <= PHONE_MUTE_MAX_S;
	case PHONE_VERB_PIN:
		return phone_pin_valid(c->pin) == 0 && phone_pin_valid(c->new_pin) == 0 &&
		       strcmp(c->pin, c->new_pin) != 0;
	case PHONE_VERB_ACK:
		return c->ack != PHONE_ACK_ID || c->ack_id > 0;
	case PHONE_VERB_STATUS:
	case PHONE_VERB_READ:
	case PHONE_VERB_UNMUTE:
	case PHONE_VERB_HELP:
	case PHONE_VERB_WHO:
		return true;
	}
	return false;
}

static void add_set(struct text *t, const struct phone_cmd *c)
{
	char v[16];
	add(t, " %s %s", c->channel, phone_setting_str(c->setting));
	if (c->setting == PHONE_SETTING_DELAY)
		phone_duration_format(c->duration_s, v, sizeof(v));
	else if (c->off)
		snprintf(v, sizeof(v), "OFF");
	else
		phone_temp_format(c->value_c10, v, sizeof(v));
	add(t, " %s", v);
}

static void add_args(struct text *t, enum phone_side side, const struct phone_cmd *c, bool hide)
{
	char d[16];
	bool base = side == PHONE_SIDE_BASE;
	switch (c->verb) {
	case PHONE_VERB_STATUS:
	case PHONE_VERB_READ:
	case PHONE_VERB_UNMUTE:
		if (base && c->unit[0])
			add(t, " %s", c->unit);
		if (c->verb != PHONE_VERB_STATUS && c->channel[0])
			add(t, " %s", c->channel);
		break;
	case PHONE_VERB_SET:
		if (base)
			add(t, " %s", c->unit);
		add_set(t, c);
		break;
	case PHONE_VERB_MUTE:
		phone_duration_format(c->duration_s, d, sizeof(d));
		add(t, " %s%s%s %s", c->unit, c->channel[0] ? " " : "", c->channel, d);
		break;
	case PHONE_VERB_INTERVAL:
	case PHONE_VERB_REPORT:
		phone_duration_format(c->duration_s, d, sizeof(d));
		add(t, " %s", d);
		break;
	case PHONE_VERB_PIN:
		add(t, " %s %s", hide ? "<hidden>" : c->pin, hide ? "<hidden>" : c->new_pin);
		break;
	case PHONE_VERB_ACK:
		if (c->ack == PHONE_ACK_ID)
			add(t, " %u", c->ack_id);
		else if (c->ack == PHONE_ACK_ALL)
			add(t, " ALL");
		break;
	case PHONE_VERB_HELP:
	case PHONE_VERB_WHO:
		break;
	}
}

static int format(enum phone_side side, const struct phone_cmd *c, char *out, size_t n, bool hide)
{
	if (!c || (!out && n > 0) || !phone_verb_on(side, c->verb) || !names_ok(side, c) || !args_ok(c))
		return -EINVAL;
	struct text t = {out, n, 0};
	if (n > 0)
		out[0] = '\0';
	add(&t, "%s", phone_verb_str(c->verb));
	add_args(&t, side, c, hide);
	return (int)t.len;
}

int phone_cmd_format(enum phone_side side, const struct phone_cmd *cmd, char *out, size_t n)
{
	return format(side, cmd, out, n, false);
}

int phone_cmd_log(enum phone_side side, const struct phone_cmd *cmd, char *out, size_t n)
{
	int len = format(side, cmd, out, n, true);
	if (len <= 0 || side != PHONE_SIDE_UNIT)
		return len;
	/* A PIN typed as a name ("1234 READ 1234") must not reach the log either. */
	size_t shown = (size_t)len < n ? (size_t)len : n - 1;
	for (size_t i = 0; i < shown;) {
		size_t j = i;
		while (j < shown && isdigit((unsigned char)out[j]))
			j++;
		if (j - i >= PHONE_PIN_MIN_DIGITS)
			memset(out + i, '*', j - i);
		i = j > i ? j : i + 1;
	}
	return len;
}

int phone_msg_log(enum phone_side side, const struct phone_msg *msg, char *out, size_t n)
{
	char one[PHONE_CMD_TEXT_MAX + 32];
	size_t refused = 0;
	if (!msg || (!out && n > 0))
		return -EINVAL;
	struct text t = {out, n, 0};
	if (n > 0)
		out[0] = '\0';
	for (size_t i = 0; i < msg->n; i++)
		refused += msg->item[i].err != PHONE_ERR_NONE;
	const char *pin = !msg->has_pin ? "none" : msg->pin_err != PHONE_ERR_NONE ? "malformed" : "<hidden>";
	add(&t, "pin=%s cmds=%zu refused=%zu list=\"", pin, msg->n, refused);
	for (size_t i = 0; i < msg->n && i <= PHONE_CMDS_MAX; i++) {
		const struct phone_item *it = &msg->item[i];
		if (it->err != PHONE_ERR_NONE || phone_cmd_log(side, &it->cmd, one, sizeof(one)) < 0)
			snprintf(one, sizeof(one), "!%s", phone_err_str(it->err));
		add(&t, "%s%s", i ? "; " : "", one);
	}
	add(&t, "\"%s", msg->rest_ignored ? " rest_ignored=1" : "");
	return (int)t.len;
}
