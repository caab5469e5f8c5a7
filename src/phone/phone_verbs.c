/* The arguments of each command word, on the unit side and on the base side: names,
 * settings, temperatures, durations, alarm numbers and PINs in their places. A command is
 * complete or refused; words after a complete command are refused too (nothing is guessed),
 * except the comment an ACK may carry and whatever follows HELP or WHO. */
#include "phone_internal.h"
#include "phone_value.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#define ECHO_MAX 16

static bool base(const struct phone_args *a)
{
	return a->side == PHONE_SIDE_BASE;
}

static const char *verb(const struct phone_item *item)
{
	return phone_verb_str(item->cmd.verb);
}

/* Refuses words from index `i` on. Returns true when it did. */
static bool extra(const struct phone_args *a, struct phone_item *item, size_t i)
{
	char w[ECHO_MAX];
	if (a->n_words <= i)
		return false;
	if (i >= a->n) {
		phone_refuse(item, PHONE_ERR_EXTRA, "too many words after %s", verb(item));
		return true;
	}
	phone_echo(a->side, &a->t[i], w, sizeof(w));
	phone_refuse(item, PHONE_ERR_EXTRA, "unexpected %s after %s", w, verb(item));
	return true;
}

static bool take_unit(const struct phone_args *a, struct phone_item *item, size_t i)
{
	char w[ECHO_MAX];
	const struct phone_tok *t = &a->t[i];
	if (phone_tok_name(t, true, item->cmd.unit, sizeof(item->cmd.unit)) == 0 && !phone_word_reserved(t))
		return true;
	item->cmd.unit[0] = '\0';
	phone_echo(a->side, t, w, sizeof(w));
	phone_refuse(item, PHONE_ERR_UNIT, "%s is not a unit id, e.g. WH1", w);
	return false;
}

static bool take_channel(const struct phone_args *a, struct phone_item *item, size_t i)
{
	char w[ECHO_MAX];
	const struct phone_tok *t = &a->t[i];
	if (phone_tok_name(t, false, item->cmd.channel, sizeof(item->cmd.channel)) == 0 &&
	    !phone_word_reserved(t))
		return true;
	item->cmd.channel[0] = '\0';
	phone_echo(a->side, t, w, sizeof(w));
	phone_refuse(item, PHONE_ERR_CHANNEL, "%s is not a channel, e.g. T1", w);
	return false;
}

/* A word that is only a temperature's unit: "C", a degree sign, "°C", "F". */
static bool temp_unit_word(const struct phone_tok *t)
{
	size_t i = t->len > 0 && t->s[0] == PHONE_CH_DEG ? 1 : 0;
	if (i == t->len)
		return i == 1;
	return i + 1 == t->len && strchr("CcFf", t->s[i]) != NULL;
}

/* Joins word i with word i+1 into `buf` when `joins` says the second belongs to the first
 * ("8 C", "2 hours"); returns the token to read and advances *i past what it used. */
static struct phone_tok joined(const struct phone_args *a, size_t *i, bool (*joins)(const struct phone_tok *),
			       char *buf, size_t cap)
{
	struct phone_tok t = a->t[*i];
	(*i)++;
	if (*i < a->n && joins(&a->t[*i]) && t.len + a->t[*i].len < cap) {
		memcpy(buf, t.s, t.len);
		memcpy(buf + t.len, a->t[*i].s, a->t[*i].len);
		t = (struct phone_tok){buf, t.len + a->t[*i].len};
		(*i)++;
	}
	return t;
}

static bool take_temp(const struct phone_args *a, struct phone_item *item, size_t *i, const char *what)
{
	char buf[PHONE_CMD_TEXT_MAX], w[ECHO_MAX];
	struct phone_tok t = joined(a, i, temp_unit_word, buf, sizeof(buf));
	int rc = phone_temp_parse(t.s, t.len, &item->cmd.value_c10);
	phone_echo(a->side, &t, w, sizeof(w));
	switch (rc) {
	case 0:
		return true;
	case -EDOM:
		phone_refuse(item, PHONE_ERR_DECIMALS, "%s: one decimal at most, e.g. 8.5", w);
		break;
	case -EPROTO:
		phone_refuse(item, PHONE_ERR_FAHRENHEIT, "%s: degrees C only, e.g. 8 or -18.5", w);
		break;
	case -ERANGE:
		phone_refuse(item, PHONE_ERR_RANGE, "%s is outside -100 to 150 C", w);
		break;
	default:
		phone_refuse(item, PHONE_ERR_TEMP, "bad %s %s, e.g. 8 or -18.5", what, w);
		break;
	}
	item->cmd.value_c10 = 0;
	return false;
}

/* A word that is only a duration's unit: "min", "hours". */
static bool duration_unit_word(const struct phone_tok *t)
{
	char buf[16];
	uint32_t s;
	if (t->len == 0 || t->len + 1 >= sizeof(buf) || !isalpha((unsigned char)t->s[0]))
		return false;
	buf[0] = '1';
	memcpy(buf + 1, t->s, t->len);
	return phone_duration_parse(buf, t->len + 1, &s) == 0;
}

/* Reads a duration at *i without refusing: 0 or phone_duration_parse()'s error. */
static int try_duration(const struct phone_args *a, size_t *i, uint32_t *out, struct phone_tok *t, char *buf,
			size_t cap)
{
	size_t at = *i;
	*t = a->t[at];
	if (phone_tok_digits(t))
		*t = joined(a, &at, duration_unit_word, buf, cap);
	else
		at++;
	int rc = phone_duration_parse(t->s, t->len, out);
	if (rc == 0)
		*i = at;
	return rc;
}

static bool take_duration(const struct phone_args *a, struct phone_item *item, size_t *i, uint32_t min,
			  uint32_t max, const char *what)
{
	char buf[PHONE_CMD_TEXT_MAX], w[ECHO_MAX], lo[16], hi[16];
	struct phone_tok t;
	int rc = try_duration(a, i, &item->cmd.duration_s, &t, buf, sizeof(buf));
	phone_echo(a->side, &t, w, sizeof(w));
	phone_duration_format(min, lo, sizeof(lo));
	phone_duration_format(max, hi, sizeof(hi));
	if (rc == 0 && item->cmd.duration_s >= min && item->cmd.duration_s <= max)
		return true;
	if (rc == -EDOM)
		phone_refuse(item, PHONE_ERR_DURATION_UNIT, "%s needs a unit: s, m, h or d, e.g. 30m", w);
	else if (rc == 0 || rc == -ERANGE)
		phone_refuse(item, PHONE_ERR_RANGE, "%s must be %s to %s", what, lo, hi);
	else
		phone_refuse(item, PHONE_ERR_DURATION, "bad time %s; whole numbers with s, m, h or d", w);
	item->cmd.duration_s = 0;
	return false;
}

static void parse_status(const struct phone_args *a, struct phone_item *item)
{
	size_t i = 0;
	if (base(a) && a->n > 0) {
		if (!phone_tok_is(&a->t[0], "ALL") && !take_unit(a, item, 0))
			return;
		i = 1;
	}
	extra(a, item, i);
}

static void parse_read(const struct phone_args *a, struct phone_item *item)
{
	size_t i = 0;
	if (base(a)) {
		if (a->n == 0) {
			phone_refuse(item, PHONE_ERR_MISSING, "READ needs a unit, e.g. READ WH1");
			return;
		}
		if (!take_unit(a, item, i++))
			return;
	}
	if (i < a->n && !take_channel(a, item, i++))
		return;
	extra(a, item, i);
}

static bool set_value(const struct phone_args *a, struct phone_item *item, size_t *i)
{
	struct phone_cmd *c = &item->cmd;
	if (phone_setting_is_limit(c->setting) && phone_tok_is(&a->t[*i], "OFF")) {
		c->off = true;
		(*i)++;
		return true;
	}
	switch (c->setting) {
	case PHONE_SETTING_HIGH:
	case PHONE_SETTING_LOW:
	case PHONE_SETTING_HIGH_HIGH:
	case PHONE_SETTING_LOW_LOW:
		return take_temp(a, item, i, "temperature");
	case PHONE_SETTING_HYST:
		if (!take_temp(a, item, i, "hysteresis"))
			return false;
		if (c->value_c10 >= PHONE_HYST_MIN_C10 && c->value_c10 <= PHONE_HYST_MAX_C10)
			return true;
		c->value_c10 = 0;
		phone_refuse(item, PHONE_ERR_RANGE, "HYST must be 0.1 to 20");
		return false;
	case PHONE_SETTING_DELAY:
		if (phone_tok_is(&a->t[*i], "OFF")) {
			(*i)++;
			return true;
		}
		return take_duration(a, item, i, 0, PHONE_DELAY_MAX_S, "DELAY");
	}
	return false;
}

static void parse_set(const struct phone_args *a, struct phone_item *item)
{
	char w[ECHO_MAX];
	enum phone_setting s;
	size_t need = base(a) ? 4 : 3, i = 0;
	const char *usage = base(a) ? "SET WH1 T1 HIGH 8" : "SET T1 HIGH 8";
	if (a->n < need) {
		if (base(a) && a->n == 3 && phone_setting_lookup(&a->t[1], &s) == 0)
			phone_refuse(item, PHONE_ERR_MISSING, "SET needs the unit: %s", usage);
		else
			phone_refuse(item, PHONE_ERR_MISSING, "SET needs: %s", usage);
		return;
	}
	if (!base(a) && a->n >= 4 && phone_setting_lookup(&a->t[1], &s) != 0 &&
	    phone_setting_lookup(&a->t[2], &s) == 0) {
		phone_refuse(item, PHONE_ERR_EXTRA, "a unit takes %s, with no unit id", usage);
		return;
	}
	if (base(a) && !take_unit(a, item, i++))
		return;
	if (!take_channel(a, item, i++))
		return;
	if (phone_setting_lookup(&a->t[i], &item->cmd.setting) != 0) {
		phone_echo(a->side, &a->t[i], w, sizeof(w));
		phone_refuse(item, PHONE_ERR_SETTING, "unknown setting %s; use HIGH LOW HH LL DELAY HYST", w);
		return;
	}
	i++;
	if (set_value(a, item, &i))
		extra(a, item, i);
}

static void parse_every(const struct phone_args *a, struct phone_item *item, uint32_t min, uint32_t max,
			const char *example)
{
	size_t i = 0;
	if (a->n == 0) {
		phone_refuse(item, PHONE_ERR_MISSING, "%s needs a time, e.g. %s %s", verb(item), verb(item),
			     example);
		return;
	}
	if (take_duration(a, item, &i, min, max, verb(item)))
		extra(a, item, i);
}

/* Copies a PIN word; never echoes it in a reason. */
static bool take_pin(const struct phone_tok *t, char *out, struct phone_item *item, const char *which)
{
	if (phone_tok_digits(t) && t->len >= PHONE_PIN_MIN_DIGITS && t->len <= PHONE_PIN_MAX_DIGITS) {
		memcpy(out, t->s, t->len);
		out[t->len] = '\0';
		return true;
	}
	phone_refuse(item, PHONE_ERR_PIN_FORMAT, "%s PIN must be 4 to 8 digits", which);
	return false;
}

static void parse_pin(const struct phone_args *a, struct phone_item *item)
{
	struct phone_cmd *c = &item->cmd;
	const struct phone_msg *m = a->msg;
	bool msg_pin = m && m->has_pin;
	if (a->n_words > 2) {
		phone_refuse(item, PHONE_ERR_EXTRA, "unexpected words after PIN OLD NEW");
	} else if (a->n_words == 0 || (a->n_words == 1 && !msg_pin)) {
		phone_refuse(item, PHONE_ERR_MISSING, "PIN needs the old and the new PIN: PIN 1234 5678");
	} else if (a->n_words == 1) {
		if (m->pin_err != PHONE_ERR_NONE)
			phone_refuse(item, PHONE_ERR_PIN_FORMAT, "PIN must be 4 to 8 digits");
		else if (take_pin(&a->t[0], c->new_pin, item, "new"))
			memcpy(c->pin, m->pin, sizeof(c->pin));
	} else if (take_pin(&a->t[0], c->pin, item, "old") && take_pin(&a->t[1], c->new_pin, item, "new")) {
		if (msg_pin && (m->pin_err != PHONE_ERR_NONE || strcmp(m->pin, c->pin) != 0))
			phone_refuse(item, PHONE_ERR_PIN_MISMATCH,
				     "the old PIN differs from the PIN before it");
	}
	if (item->err == PHONE_ERR_NONE && strcmp(c->pin, c->new_pin) == 0)
		phone_refuse(item, PHONE_ERR_PIN_SAME, "the new PIN is the old one");
	if (item->err != PHONE_ERR_NONE) {
		memset(c->pin, 0, sizeof(c->pin));
		memset(c->new_pin, 0, sizeof(c->new_pin));
	}
}

/* Reads an alarm number: "12", "#12", "12." Returns 0 or -EINVAL. */
static int ack_number(const struct phone_tok *t, uint32_t *out)
{
	size_t i = t->s[0] == '#' ? 1 : 0, end = t->len;
	uint64_t v = 0;
	while (end > i && (t->s[end - 1] == '.' || t->s[end - 1] == '!'))
		end--;
	if (end == i || end - i > 10)
		return -EINVAL;
	for (; i < end; i++) {
		if (!isdigit((unsigned char)t->s[i]))
			return -EINVAL;
		v = v * 10 + (uint64_t)(t->s[i] - '0');
	}
	if (v == 0 || v > UINT32_MAX)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

static bool signature(const struct phone_tok *t)
{
	return t->len >= 2 && t->s[0] == '-' && t->s[1] == '-';
}

static void parse_ack(const struct phone_args *a, struct phone_item *item)
{
	char w[ECHO_MAX];
	struct phone_cmd *c = &item->cmd;
	c->ack = PHONE_ACK_NEWEST;
	bool more = a->n > 1 && !signature(&a->t[1]);
	if (a->n == 0 || signature(&a->t[0]))
		return;
	if (phone_tok_is(&a->t[0], "ALL")) {
		if (more)
			phone_refuse(item, PHONE_ERR_AMBIGUOUS,
				     "ACK ALL must stand alone; nothing acknowledged");
		else
			c->ack = PHONE_ACK_ALL;
		return;
	}
	if (phone_tok_numberish(&a->t[0])) {
		if (ack_number(&a->t[0], &c->ack_id) != 0) {
			phone_echo(a->side, &a->t[0], w, sizeof(w));
			phone_refuse(item, PHONE_ERR_ACK_ID, "bad alarm number %s, e.g. ACK 12", w);
		} else if (more && (phone_tok_numberish(&a->t[1]) || phone_tok_is(&a->t[1], "ALL"))) {
			phone_refuse(item, PHONE_ERR_AMBIGUOUS, "one alarm per ACK: ACK 12; ACK 13");
		} else {
			c->ack = PHONE_ACK_ID;
			return;
		}
		c->ack_id = 0;
		return;
	}
	for (size_t i = 0; i < a->n && !signature(&a->t[i]); i++) {
		if (phone_tok_numberish(&a->t[i])) {
			phone_refuse(item, PHONE_ERR_AMBIGUOUS, "unclear ACK; send ACK alone, or ACK 12");
			return;
		}
	}
}

static void parse_mute(const struct phone_args *a, struct phone_item *item)
{
	char buf[PHONE_CMD_TEXT_MAX];
	struct phone_tok t;
	uint32_t d;
	size_t i = 1, probe = 1;
	if (a->n < 2) {
		phone_refuse(item, PHONE_ERR_MISSING, "MUTE needs a unit and a time, e.g. MUTE WH1 2h");
		return;
	}
	if (!take_unit(a, item, 0))
		return;
	if (try_duration(a, &probe, &d, &t, buf, sizeof(buf)) != 0 &&
	    !(a->n == 2 && phone_tok_digits(&a->t[1]))) {
		if (!take_channel(a, item, i++))
			return;
		if (i >= a->n) {
			phone_refuse(item, PHONE_ERR_MISSING, "MUTE needs a time, e.g. MUTE %s %s 2h",
				     item->cmd.unit, item->cmd.channel);
			return;
		}
	}
	if (take_duration(a, item, &i, PHONE_MUTE_MIN_S, PHONE_MUTE_MAX_S, "MUTE"))
		extra(a, item, i);
}

static void parse_unmute(const struct phone_args *a, struct phone_item *item)
{
	size_t i = 1;
	if (a->n == 0) {
		phone_refuse(item, PHONE_ERR_MISSING, "UNMUTE needs a unit, e.g. UNMUTE WH1");
		return;
	}
	if (!take_unit(a, item, 0))
		return;
	if (i < a->n && !take_channel(a, item, i++))
		return;
	extra(a, item, i);
}

void phone_parse_args(const struct phone_args *a, struct phone_item *item)
{
	switch (item->cmd.verb) {
	case PHONE_VERB_STATUS:
		parse_status(a, item);
		break;
	case PHONE_VERB_READ:
		parse_read(a, item);
		break;
	case PHONE_VERB_SET:
		parse_set(a, item);
		break;
	case PHONE_VERB_INTERVAL:
		parse_every(a, item, PHONE_INTERVAL_MIN_S, PHONE_INTERVAL_MAX_S, "5m");
		break;
	case PHONE_VERB_REPORT:
		parse_every(a, item, PHONE_REPORT_MIN_S, PHONE_REPORT_MAX_S, "1h");
		break;
	case PHONE_VERB_PIN:
		parse_pin(a, item);
		break;
	case PHONE_VERB_ACK:
		parse_ack(a, item);
		break;
	case PHONE_VERB_MUTE:
		parse_mute(a, item);
		break;
	case PHONE_VERB_UNMUTE:
		parse_unmute(a, item);
		break;
	case PHONE_VERB_HELP:
	case PHONE_VERB_WHO:
		break;
	}
}
