/* One change by SMS (SET, INTERVAL, REPORT, PIN) from a phone or the base: checked against
 * the whole channel or both intervals, persisted as a store setting, then put in force; the
 * texts that confirm it to the phone and to the base. */
#include "unit_conf.h"

#include "log.h"
#include "phone_value.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define MOD "unit"

static const char *setting_key(enum phone_setting s)
{
	switch (s) {
	case PHONE_SETTING_HIGH:
		return "high";
	case PHONE_SETTING_LOW:
		return "low";
	case PHONE_SETTING_HIGH_HIGH:
		return "hh";
	case PHONE_SETTING_LOW_LOW:
		return "ll";
	case PHONE_SETTING_DELAY:
		return "delay";
	case PHONE_SETTING_HYST:
		return "hyst";
	}
	return "?";
}

static struct alert_limit *limit_for(struct alert_channel_cfg *a, enum phone_setting s)
{
	switch (s) {
	case PHONE_SETTING_HIGH:
		return &a->high;
	case PHONE_SETTING_LOW:
		return &a->low;
	case PHONE_SETTING_HIGH_HIGH:
		return &a->high_high;
	case PHONE_SETTING_LOW_LOW:
		return &a->low_low;
	case PHONE_SETTING_DELAY:
	case PHONE_SETTING_HYST:
		return NULL;
	}
	return NULL;
}

static void setting_init(struct store_unit_setting *st, const char *name, const char *by, int64_t now_ms)
{
	memset(st, 0, sizeof(*st));
	snprintf(st->name, sizeof(st->name), "%s", name);
	snprintf(st->changed_by, sizeof(st->changed_by), "%s", by);
	st->changed_ms = now_ms;
}

static void refuse(struct unit_conf_change *out, const char *unit_id, const char *why)
{
	out->result = PROTO_RESULT_INVALID;
	snprintf(out->echo, sizeof(out->echo), "%.63s", why);
	snprintf(out->reply, sizeof(out->reply), "%s not changed: %s", unit_id, why);
}

static int persist(struct store *s, const struct store_unit_setting *st, struct unit_conf_change *out,
		   const char *unit_id)
{
	int rc = store_unit_setting_put(s, st);
	if (rc < 0) {
		out->result = PROTO_RESULT_FAILED;
		snprintf(out->echo, sizeof(out->echo), "not stored: %.50s", store_strerror(rc));
		snprintf(out->reply, sizeof(out->reply), "%s not changed: could not store it (%s)", unit_id,
			 store_strerror(rc));
	}
	return rc;
}

static void apply_set(struct unit_conf *c, struct store *s, const char *unit_id, const struct phone_cmd *cmd,
		      struct store_unit_setting *st, struct unit_conf_change *out)
{
	int ch = unit_conf_channel(c, cmd->channel);
	char why[96];
	if (ch < 0) {
		snprintf(why, sizeof(why), "no channel %s here", cmd->channel);
		refuse(out, unit_id, why);
		return;
	}
	struct alert_channel_cfg a = c->alert[ch];
	struct alert_limit *l = limit_for(&a, cmd->setting);
	if (l) {
		l->enabled = !cmd->off;
		l->temp_c10 = cmd->off ? 0 : cmd->value_c10;
		snprintf(st->text, sizeof(st->text), "%s", cmd->off ? "off" : "");
		st->value = l->temp_c10;
	} else if (cmd->setting == PHONE_SETTING_DELAY) {
		a.on_delay_s = cmd->duration_s;
		st->value = cmd->duration_s;
	} else {
		a.hysteresis_c10 = cmd->value_c10;
		st->value = cmd->value_c10;
	}
	const char *check = NULL;
	if (alert_channel_cfg_check(&a, &check) < 0) {
		refuse(out, unit_id, check);
		return;
	}
	snprintf(st->name, sizeof(st->name), "%s.%s", c->name[ch], setting_key(cmd->setting));
	if (persist(s, st, out, unit_id) < 0)
		return;
	c->alert[ch] = a;
	char desc[128];
	unit_conf_describe(c, ch, desc, sizeof(desc));
	snprintf(out->reply, sizeof(out->reply), "%s set %s", unit_id, desc);
}

/* INTERVAL (`sample`) or REPORT. */
static void apply_interval(struct unit_conf *c, struct store *s, const char *unit_id, bool sample,
			   uint32_t value_s, struct store_unit_setting *st, struct unit_conf_change *out)
{
	uint32_t si = sample ? value_s : c->sample_interval_s, ri = sample ? c->report_interval_s : value_s;
	char a[16], b[16], why[96];
	phone_duration_format(si, a, sizeof(a));
	phone_duration_format(ri, b, sizeof(b));
	if (ri < si) {
		snprintf(why, sizeof(why), "reading every %s but reporting every %s; REPORT must be longer",
			 a, b);
		refuse(out, unit_id, why);
		return;
	}
	for (int i = 0; i < c->n_channels; i++) {
		struct alert_channel_cfg t = c->alert[i];
		const char *check = NULL;
		t.sample_interval_s = si;
		if (alert_channel_cfg_check(&t, &check) < 0) {
			snprintf(why, sizeof(why), "%s: %s", c->name[i], check);
			refuse(out, unit_id, why);
			return;
		}
	}
	snprintf(st->name, sizeof(st->name), "%s", sample ? "sample_interval" : "report_interval");
	st->value = value_s;
	if (persist(s, st, out, unit_id) < 0)
		return;
	c->sample_interval_s = si;
	c->report_interval_s = ri;
	for (int i = 0; i < c->n_channels; i++)
		c->alert[i].sample_interval_s = si;
	out->intervals = true;
	snprintf(out->reply, sizeof(out->reply), "%s reads every %s and reports every %s", unit_id, a, b);
}

static void apply_pin(struct unit_conf *c, struct store *s, const char *unit_id, const struct phone_cmd *cmd,
		      struct store_unit_setting *st, struct unit_conf_change *out)
{
	if (phone_pin_valid(cmd->new_pin) < 0) {
		refuse(out, unit_id, "the new PIN must be 4 to 8 digits");
		return;
	}
	snprintf(st->name, sizeof(st->name), "pin");
	snprintf(st->text, sizeof(st->text), "%s", cmd->new_pin);
	int rc = persist(s, st, out, unit_id);
	memset(st->text, 0, sizeof(st->text));
	if (rc < 0)
		return;
	snprintf(c->pin, sizeof(c->pin), "%s", cmd->new_pin);
	snprintf(out->echo, sizeof(out->echo), "PIN CHANGED");
	snprintf(out->reply, sizeof(out->reply), "%s PIN changed; start messages with the new PIN", unit_id);
}

int unit_conf_apply(struct unit_conf *c, struct store *s, const char *unit_id, const struct phone_cmd *cmd,
		    const char *by, int64_t now_ms, struct unit_conf_change *out)
{
	memset(out, 0, sizeof(*out));
	out->result = PROTO_RESULT_OK;
	struct store_unit_setting st;
	setting_init(&st, "", by, now_ms);
	if (cmd->verb != PHONE_VERB_PIN &&
	    phone_cmd_format(PHONE_SIDE_UNIT, cmd, out->echo, sizeof(out->echo)) < 0)
		snprintf(out->echo, sizeof(out->echo), "%s", phone_verb_str(cmd->verb));
	switch (cmd->verb) {
	case PHONE_VERB_SET:
		apply_set(c, s, unit_id, cmd, &st, out);
		break;
	case PHONE_VERB_INTERVAL:
	case PHONE_VERB_REPORT:
		apply_interval(c, s, unit_id, cmd->verb == PHONE_VERB_INTERVAL, cmd->duration_s, &st, out);
		break;
	case PHONE_VERB_PIN:
		apply_pin(c, s, unit_id, cmd, &st, out);
		break;
	case PHONE_VERB_STATUS:
	case PHONE_VERB_READ:
	case PHONE_VERB_HELP:
	case PHONE_VERB_ACK:
	case PHONE_VERB_MUTE:
	case PHONE_VERB_UNMUTE:
	case PHONE_VERB_WHO:
		refuse(out, unit_id, "not a change");
		break;
	}
	if (out->result == PROTO_RESULT_OK)
		log_info(MOD, "event=setting_changed what=\"%s\" by=%s", out->echo, *by ? by : "base");
	return 0;
}
