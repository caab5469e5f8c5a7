/* The settings in force: the file's, the SMS changes kept in the store on top, and the check,
 * application and persistence of one change (SET, INTERVAL, REPORT, PIN). */
#include "unit_conf.h"

#include "alert_text.h"
#include "log.h"
#include "phone_value.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MOD          "unit"
#define SETTINGS_MAX 96

void unit_conf_from_file(struct unit_conf *c, const struct unit_settings *file)
{
	memset(c, 0, sizeof(*c));
	c->sample_interval_s = file->sample_interval_s;
	c->report_interval_s = file->report_interval_s;
	snprintf(c->pin, sizeof(c->pin), "%s", file->pin);
	c->n_channels = file->n_channels;
	for (int i = 0; i < file->n_channels; i++) {
		snprintf(c->name[i], sizeof(c->name[i]), "%s", file->channels[i].name);
		c->alert[i] = file->channels[i].alert;
		c->alert[i].sample_interval_s = c->sample_interval_s;
	}
}

int unit_conf_channel(const struct unit_conf *c, const char *name)
{
	for (int i = 0; i < c->n_channels; i++)
		if (strcasecmp(c->name[i], name) == 0)
			return i;
	return -1;
}

static struct alert_limit *limit_of(struct alert_channel_cfg *a, const char *key)
{
	if (strcmp(key, "high") == 0)
		return &a->high;
	if (strcmp(key, "low") == 0)
		return &a->low;
	if (strcmp(key, "hh") == 0)
		return &a->high_high;
	if (strcmp(key, "ll") == 0)
		return &a->low_low;
	return NULL;
}

/* One kept change of a channel onto `a`; false for a name this build does not know. */
static bool load_channel_setting(struct alert_channel_cfg *a, const char *key,
				 const struct store_unit_setting *st)
{
	struct alert_limit *l = limit_of(a, key);
	if (l) {
		l->enabled = strcmp(st->text, "off") != 0;
		l->temp_c10 = l->enabled ? (int32_t)st->value : 0;
		return true;
	}
	if (strcmp(key, "delay") == 0 && st->value >= 0 && st->value <= PHONE_DELAY_MAX_S) {
		a->on_delay_s = (uint32_t)st->value;
		return true;
	}
	if (strcmp(key, "hyst") == 0 && st->value >= PHONE_HYST_MIN_C10 && st->value <= PHONE_HYST_MAX_C10) {
		a->hysteresis_c10 = (int32_t)st->value;
		return true;
	}
	return false;
}

static bool load_setting(struct unit_conf *c, const struct store_unit_setting *st)
{
	if (strcmp(st->name, "pin") == 0) {
		if (phone_pin_valid(st->text) < 0)
			return false;
		snprintf(c->pin, sizeof(c->pin), "%.*s", (int)sizeof(c->pin) - 1, st->text);
		return true;
	}
	if (strcmp(st->name, "sample_interval") == 0 && st->value >= 1 && st->value <= PHONE_INTERVAL_MAX_S) {
		c->sample_interval_s = (uint32_t)st->value;
		return true;
	}
	if (strcmp(st->name, "report_interval") == 0 && st->value >= 1 && st->value <= PHONE_REPORT_MAX_S) {
		c->report_interval_s = (uint32_t)st->value;
		return true;
	}
	const char *dot = strchr(st->name, '.');
	char ch[M2_CONFIG_CHANNEL_NAME_MAX];
	if (!dot || (size_t)(dot - st->name) >= sizeof(ch))
		return false;
	snprintf(ch, sizeof(ch), "%.*s", (int)(dot - st->name), st->name);
	int i = unit_conf_channel(c, ch);
	return i >= 0 && load_channel_setting(&c->alert[i], dot + 1, st);
}

/* After the kept changes: what fails the checks goes back to the file's values. */
static void load_verify(struct unit_conf *c, const struct unit_conf *file)
{
	if (c->report_interval_s < c->sample_interval_s) {
		log_warn(MOD,
			 "event=settings_refused what=intervals sample_s=%u report_s=%u advice=\"the file's "
			 "intervals hold; send INTERVAL and REPORT again\"",
			 c->sample_interval_s, c->report_interval_s);
		c->sample_interval_s = file->sample_interval_s;
		c->report_interval_s = file->report_interval_s;
	}
	for (int i = 0; i < c->n_channels; i++) {
		const char *why = NULL;
		c->alert[i].sample_interval_s = c->sample_interval_s;
		if (alert_channel_cfg_check(&c->alert[i], &why) == 0)
			continue;
		log_warn(MOD,
			 "event=settings_refused channel=%s why=\"%s\" advice=\"the file's limits hold for "
			 "this channel; send SET again\"",
			 c->name[i], why);
		c->alert[i] = file->alert[i];
		c->alert[i].sample_interval_s = c->sample_interval_s;
	}
}

int unit_conf_load(struct unit_conf *c, struct store *s)
{
	struct store_unit_setting *set = calloc(SETTINGS_MAX, sizeof(*set));
	if (!set)
		return -ENOMEM;
	size_t n = 0;
	int rc = store_unit_setting_list(s, set, SETTINGS_MAX, &n);
	if (rc < 0) {
		free(set);
		return rc;
	}
	struct unit_conf file = *c;
	size_t used = n < SETTINGS_MAX ? n : SETTINGS_MAX, applied = 0;
	for (size_t i = 0; i < used; i++) {
		if (strncmp(set[i].name, "state.", 6) == 0)
			continue;
		if (load_setting(c, &set[i]))
			applied++;
		else
			log_warn(MOD,
				 "event=setting_ignored name=%s advice=\"a channel renamed or removed in the "
				 "file; the change no longer applies\"",
				 set[i].name);
	}
	free(set);
	load_verify(c, &file);
	log_info(MOD, "event=settings_loaded changed_by_sms=%zu", applied);
	return 0;
}

static void limit_text(const struct alert_limit *l, char *out, size_t n)
{
	if (l->enabled)
		alert_text_temp(out, n, l->temp_c10);
	else
		snprintf(out, n, "off");
}

int unit_conf_describe(const struct unit_conf *c, int ch, char *out, size_t n)
{
	const struct alert_channel_cfg *a = &c->alert[ch];
	char hi[16], lo[16], hh[16], ll[16], hy[16], dl[16];
	limit_text(&a->high, hi, sizeof(hi));
	limit_text(&a->low, lo, sizeof(lo));
	limit_text(&a->high_high, hh, sizeof(hh));
	limit_text(&a->low_low, ll, sizeof(ll));
	alert_text_temp(hy, sizeof(hy), a->hysteresis_c10);
	phone_duration_format(a->on_delay_s, dl, sizeof(dl));
	return snprintf(out, n, "%s HIGH %s LOW %s HH %s LL %s DELAY %s HYST %s", c->name[ch], hi, lo, hh, ll,
			dl, hy);
}
