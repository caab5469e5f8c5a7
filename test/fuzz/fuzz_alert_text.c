/* Fuzz target: the GSM 7-bit checker and name cleaner on arbitrary bytes, the alarm engine
 * given arbitrary site, contact and unit names (every text it sends must still be one GSM
 * 7-bit SMS ending with what to reply), and a saved incident read back from damaged bytes. */
#include "alert_engine.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void must_fit(const struct alert_action *a, void *user_data)
{
	(void)user_data;
	if (a->kind == ALERT_ACTION_SMS && alert_text_check(a->text) != 0) {
		fprintf(stderr, "bad text: \"%s\" (%d)\n", a->text, alert_text_check(a->text));
		abort();
	}
}

/* Splits the input at NUL bytes into up to `max` strings of `len` bytes at most. */
static size_t split(const uint8_t *data, size_t size, char out[][64], size_t max)
{
	size_t n = 0, at = 0;
	memset(out, 0, max * 64);
	for (size_t i = 0; i < size && n < max; i++) {
		if (data[i] == 0 || at == 63) {
			n++;
			at = 0;
			continue;
		}
		out[n][at++] = (char)data[i];
	}
	return n < max ? n + 1 : max;
}

static void engine_with_names(char names[][64])
{
	struct alert_policy p;
	alert_policy_default(&p);
	memcpy(p.site, names[0], sizeof(p.site) - 1);
	p.n_contacts = 2;
	p.n_tiers = 1;
	for (int i = 0; i < 2; i++) {
		memcpy(p.contacts[i].name, names[1 + i], sizeof(p.contacts[i].name) - 1);
		p.contacts[i].number[0] = (char)('1' + i);
		p.contacts[i].tier = 1;
		p.contacts[i].role = ALERT_ROLE_OPERATOR;
	}
	p.coalesce_s = 60;
	struct alert_engine *e = alert_engine_new(&p, 8, 4000000000u, must_fit, NULL);
	if (!e)
		return;
	int64_t now = 1764000000000LL;
	for (int i = 0; i < 4; i++) {
		struct alert_report r = {.unit = names[3 + i],
					 .channel = (int16_t)(i * 3000 - 1),
					 .kind = (enum alert_kind)(i % 7),
					 .critical = i == 2,
					 .has_value = true,
					 .value_c10 = INT32_MIN + i,
					 .threshold_c10 = INT32_MAX - i,
					 .since_ms = now};
		alert_engine_raise(e, &r, now + i);
	}
	alert_engine_tick(e, now + 120000);
	alert_engine_ack(e, "1", ALERT_ACK_ALL, now + 130000);
	alert_engine_mute(e, "2", names[3], 7, 600, now + 140000);
	alert_engine_mute(e, "2", names[3], -1, 0, now + 150000);
	char text[ALERT_TEXT_MAX];
	if (alert_engine_status_text(e, "1", text) >= 0 && alert_text_check(text) != 0)
		abort();
	alert_engine_free(e);
}

/* Reads the next `n` bytes of the input as an integer (zero past its end). */
static uint64_t take(const uint8_t **data, size_t *size, size_t n)
{
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		v <<= 8;
		if (*size) {
			v |= **data;
			(*data)++;
			(*size)--;
		}
	}
	return v;
}

/* A saved incident as the store would read it back, field by field, from damaged bytes. */
static void incident_from(const uint8_t *data, size_t size, struct alert_incident *inc)
{
	memset(inc, 0, sizeof(*inc));
	inc->id = (uint32_t)take(&data, &size, 1);
	inc->state = (enum alert_state)take(&data, &size, 1);
	inc->before_clear = (enum alert_state)take(&data, &size, 1);
	inc->kind = (enum alert_kind)take(&data, &size, 1);
	inc->channel = (int16_t)take(&data, &size, 2);
	inc->critical = take(&data, &size, 1) & 1;
	inc->normal_raised = take(&data, &size, 1) & 1;
	inc->has_value = take(&data, &size, 1) & 1;
	inc->value_c10 = (int32_t)take(&data, &size, 4);
	inc->threshold_c10 = (int32_t)take(&data, &size, 4);
	inc->since_ms = (int64_t)take(&data, &size, 8);
	inc->opened_ms = (int64_t)take(&data, &size, 8);
	inc->cleared_ms = (int64_t)(take(&data, &size, 8) >> 20);
	inc->ladder_ms = (int64_t)(take(&data, &size, 8) >> 20);
	inc->notified = (uint32_t)take(&data, &size, 1);
	inc->told = (uint32_t)take(&data, &size, 1);
	inc->capped = (uint32_t)take(&data, &size, 1);
	inc->reminders = (uint32_t)take(&data, &size, 4);
	inc->acked_by = (int8_t)take(&data, &size, 1);
	inc->acked_ms = (int64_t)(take(&data, &size, 8) >> 20);
	for (size_t i = 0; i < ALERT_UNIT_MAX - 1; i++)
		inc->unit[i] = (char)take(&data, &size, 1);
}

/* A store record of any bytes: refused, or restored and then driven without harm. */
static void restore_damaged(const uint8_t *data, size_t size)
{
	struct alert_policy p;
	struct alert_incident inc;
	const char *numbers[] = {"2", "1"};
	incident_from(data, size, &inc);
	alert_policy_default(&p);
	p.n_contacts = 2;
	p.n_tiers = 1;
	for (int i = 0; i < 2; i++) {
		snprintf(p.contacts[i].name, sizeof(p.contacts[i].name), "c%d", i);
		p.contacts[i].number[0] = (char)('1' + i);
		p.contacts[i].tier = 1;
	}
	struct alert_engine *e = alert_engine_new(&p, 4, 1, must_fit, NULL);
	if (!e)
		return;
	alert_engine_remap(e, &inc, numbers, 2);
	int64_t now = 1764000000000LL;
	if (alert_engine_restore(e, &inc) == 0) {
		alert_engine_tick(e, now);
		alert_engine_raise(
			e,
			&(struct alert_report){
				.unit = inc.unit, .channel = inc.channel, .kind = inc.kind, .since_ms = now},
			now + 1);
		alert_engine_ack(e, "1", ALERT_ACK_ALL, now + 2);
		alert_engine_clear(
			e, &(struct alert_report){.unit = inc.unit, .channel = inc.channel, .kind = inc.kind},
			now + 3);
		alert_engine_tick(e, now + 86400000LL);
	}
	alert_engine_free(e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	char clean[64];
	char names[8][64];
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	int septets = alert_text_septets(text);
	int rc = alert_text_check(text);
	if (septets < -EILSEQ || (rc != 0 && rc != -EILSEQ && rc != -EMSGSIZE && rc != -EBADMSG))
		abort();
	alert_text_clean(clean, sizeof(clean), text);
	if (alert_text_septets(clean) < 0 || strlen(clean) >= sizeof(clean))
		abort();
	free(text);
	split(data, size, names, 8);
	engine_with_names(names);
	restore_damaged(data, size);
	return 0;
}
