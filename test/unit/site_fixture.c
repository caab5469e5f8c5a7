/* The read side's test site (site_fixture.h), written with store_base_write as the base
 * daemon writes: readings, the units' protocol state, events and the engine's incidents. */
#include "site_fixture.h"

#include "store_base.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STEP (5 * SF_MIN)

static const struct store_contact people[] = {{.number = "+15550003001", .name = "Alice"},
					      {.number = "+15550003002", .name = "Bob"},
					      {.number = "+15550003003", .name = "Carol"}};

int32_t sf_wh1_t1(int64_t t_ms, int64_t now_ms)
{
	int64_t ago = now_ms - t_ms;
	/* A gentle compressor cycle of 3.5..4.5 C, then the climb of the last three hours. */
	int32_t phase = (int32_t)((t_ms / STEP) % 12);
	int32_t base = 36 + (phase < 6 ? phase : 12 - phase) * 3 / 2;
	if (ago > 20 * SF_HOUR && ago <= 21 * SF_HOUR) /* the morning's short excursion (incident 7) */
		base = 86;
	if (ago < 180 * SF_MIN && ago >= 150 * SF_MIN) /* the compressor fails */
		base = 40 + (int32_t)((180 * SF_MIN - ago) * 41 / (30 * SF_MIN));
	else if (ago < 150 * SF_MIN) /* above the limit, still climbing */
		base = 81 + (int32_t)((150 * SF_MIN - ago) * 13 / (150 * SF_MIN));
	return base;
}

/* FRZ1 T1: -18 C, until its door is left open 50 min ago. */
static int32_t frz1_t1(int64_t t_ms, int64_t now_ms)
{
	int64_t ago = now_ms - t_ms;
	int32_t phase = (int32_t)((t_ms / STEP) % 8);
	int32_t base = -184 + (phase < 4 ? phase : 8 - phase) * 2;
	if (ago < 50 * SF_MIN)
		base = -180 + (int32_t)((50 * SF_MIN - ago) * 38 / (50 * SF_MIN));
	return base;
}

static struct store_reading reading(const char *unit, const char *ch, int64_t t_ms, int32_t c10)
{
	struct store_reading r = {.t_ms = t_ms, .temp_c10 = c10, .received_ms = t_ms + 2000, .seq = 1};
	snprintf(r.unit, sizeof(r.unit), "%s", unit);
	snprintf(r.channel, sizeof(r.channel), "%s", ch);
	return r;
}

void sf_done(void *ud, int result, int64_t id)
{
	(void)id;
	*(int *)ud = result;
}

static int write(struct store *s, const struct store_base_batch *b)
{
	int result = -1;
	store_base_write(s, b, sf_done, &result);
	return result;
}

static int write_readings(struct store *s, int64_t now_ms)
{
	size_t cap = 2000, n = 0; /* 313 steps of at most 5 readings */
	struct store_reading *rd = calloc(cap, sizeof(*rd));
	if (!rd)
		return -12;
	int64_t last = now_ms - now_ms % STEP;
	for (int64_t t = last - 26 * SF_HOUR; t <= last && n + 5 <= cap; t += STEP) {
		rd[n++] = reading("WH1", "T1", t, sf_wh1_t1(t, now_ms));
		rd[n++] = reading("WH1", "T2", t, 30 + (int32_t)((t / STEP) % 3));
		rd[n] = reading("FRZ1", "T1", t, frz1_t1(t, now_ms));
		rd[n].fault = t == last - 6 * SF_HOUR;
		n++;
		int32_t phase = (int32_t)((t / STEP) % 10);
		if (t <= now_ms - 5 * SF_HOUR)
			rd[n++] = reading("REEFER3", "T1", t, 18 + (phase < 5 ? phase : 10 - phase));
		rd[n++] = reading("WH2", "T1", t, 46 + (phase < 5 ? phase : 10 - phase));
	}
	struct store_unit_proto units[] = {
		{.unit = "WH1", .last_heard_ms = now_ms - SF_MIN, .last_seq = 310},
		{.unit = "FRZ1", .last_heard_ms = now_ms - 2 * SF_MIN, .last_seq = 305},
		{.unit = "REEFER3", .last_heard_ms = now_ms - 5 * SF_HOUR, .last_seq = 250},
		{.unit = "WH2", .last_heard_ms = now_ms - 3 * SF_MIN, .last_seq = 301}};
	int err = write(
		s, &(struct store_base_batch){.readings = rd, .n_readings = n, .units = units, .n_units = 4});
	free(rd);
	return err;
}

static struct store_incident incident(uint32_t id, const char *unit, const char *channel, const char *kind,
				      const char *state, int64_t opened_ms)
{
	struct store_incident i = {.id = id,
				   .opened_ms = opened_ms,
				   .since_ms = opened_ms - 5 * SF_MIN,
				   .ladder_ms = opened_ms,
				   .acked_by = -1,
				   .channel = channel ? 0 : -1};
	snprintf(i.unit, sizeof(i.unit), "%s", unit);
	snprintf(i.channel_name, sizeof(i.channel_name), "%s", channel ? channel : "");
	snprintf(i.kind, sizeof(i.kind), "%s", kind);
	snprintf(i.state, sizeof(i.state), "%s", state);
	snprintf(i.before_clear, sizeof(i.before_clear), "notified");
	return i;
}

static int write_incidents(struct store *s, int64_t now_ms)
{
	struct store_incident inc[4];
	inc[0] = incident(7, "WH1", "T1", "high", "closed", now_ms - 21 * SF_HOUR + 10 * SF_MIN);
	inc[0].threshold_c10 = 80;
	inc[0].has_value = true;
	inc[0].value_c10 = 86;
	inc[0].told = 0x1;
	inc[0].acked_by = 0;
	inc[0].acked_ms = now_ms - 20 * SF_HOUR - 30 * SF_MIN;
	inc[0].cleared_ms = now_ms - 20 * SF_HOUR + 5 * SF_MIN;
	inc[0].closed_ms = now_ms - 20 * SF_HOUR + 15 * SF_MIN;
	inc[1] = incident(12, "WH1", "T1", "high", "acked", now_ms - 150 * SF_MIN);
	inc[1].threshold_c10 = 80;
	inc[1].has_value = true;
	inc[1].value_c10 = 94;
	inc[1].told = 0x3;
	inc[1].acked_by = 1;
	inc[1].acked_ms = now_ms - 110 * SF_MIN;
	inc[2] = incident(13, "REEFER3", NULL, "silent", "notified", now_ms - 170 * SF_MIN);
	inc[2].since_ms = now_ms - 5 * SF_HOUR;
	inc[2].told = 0x1;
	inc[3] = incident(14, "FRZ1", "T1", "high", "escalated", now_ms - 40 * SF_MIN);
	inc[3].threshold_c10 = -150;
	inc[3].has_value = true;
	inc[3].value_c10 = -149;
	inc[3].told = 0x3;
	struct store_engine_state st = {.incidents = inc,
					.n_incidents = 4,
					.contacts_set = true,
					.contacts = people,
					.n_contacts = 3,
					.next_incident_id = 15};
	return write(s, &(struct store_base_batch){.engine = &st});
}

static struct store_event event(int64_t t_ms, enum store_event_kind kind, const char *unit, const char *ch,
				uint32_t incident_id, const char *actor, const char *text)
{
	struct store_event e = {.t_ms = t_ms, .kind = kind, .incident_id = incident_id};
	snprintf(e.unit, sizeof(e.unit), "%s", unit);
	snprintf(e.channel, sizeof(e.channel), "%s", ch);
	snprintf(e.actor, sizeof(e.actor), "%s", actor);
	snprintf(e.text, sizeof(e.text), "%s", text);
	return e;
}

static int write_events(struct store *s, int64_t now_ms)
{
	struct store_event ev[] = {
		event(now_ms - 150 * SF_MIN, STORE_EVENT_ALARM, "WH1", "T1", 12, "",
		      "T1 high 8.1C, limit 8.0C"),
		event(now_ms - 150 * SF_MIN, STORE_EVENT_NOTIFIED, "WH1", "T1", 12, "+15550003001",
		      "Cold store North: ALARM WH1 T1 8.1C HIGH (limit 8.0). Reply ACK 12"),
		event(now_ms - 140 * SF_MIN, STORE_EVENT_NOTIFIED, "WH1", "T1", 12, "+15550003002",
		      "Cold store North: ALARM WH1 T1 8.6C HIGH (limit 8.0). Reply ACK 12"),
		event(now_ms - 110 * SF_MIN, STORE_EVENT_ACK, "WH1", "T1", 12, "+15550003002", "ACK 12"),
		event(now_ms - 170 * SF_MIN, STORE_EVENT_SILENT, "REEFER3", "", 13, "",
		      "not heard for 2h10m"),
		event(now_ms - 170 * SF_MIN, STORE_EVENT_NOTIFIED, "REEFER3", "", 13, "+15550003001",
		      "Cold store North: REEFER3 SILENT since 5h. Reply ACK 13"),
		event(now_ms - 4 * SF_HOUR, STORE_EVENT_CONFIG, "FRZ1", "T1", 0, "+15550003001",
		      "SET FRZ1 T1 HIGH -15"),
		event(now_ms - 6 * SF_HOUR, STORE_EVENT_PROBE, "FRZ1", "T1", 0, "",
		      "probe fault, then read again"),
		event(now_ms - 8 * SF_HOUR, STORE_EVENT_MUTE, "FRZ1", "", 0, "+15550003003", "MUTE FRZ1 2h"),
		event(now_ms - 40 * SF_MIN, STORE_EVENT_ALARM, "FRZ1", "T1", 14, "",
		      "T1 high -14.9C, limit -15.0C"),
		event(now_ms - 40 * SF_MIN, STORE_EVENT_NOTIFIED, "FRZ1", "T1", 14, "+15550003001",
		      "Cold store North: ALARM FRZ1 T1 -14.9C HIGH (limit -15.0). Reply ACK 14"),
		event(now_ms - 30 * SF_MIN, STORE_EVENT_NOTIFIED, "FRZ1", "T1", 14, "+15550003002",
		      "Cold store North: ALARM FRZ1 T1 -14.6C HIGH (limit -15.0). Reply ACK 14"),
		event(now_ms - 30 * SF_HOUR, STORE_EVENT_STRANGER, "", "", 0, "+15559999999",
		      "old: a stranger"),
	};
	ev[0].has_value = true;
	ev[0].value_c10 = 81;
	return write(s, &(struct store_base_batch){.events = ev, .n_events = sizeof(ev) / sizeof(ev[0])});
}

int sf_write(struct store *s, int64_t now_ms)
{
	int err = write_readings(s, now_ms);
	if (!err)
		err = write_incidents(s, now_ms);
	if (!err)
		err = write_events(s, now_ms);
	return err;
}

void sf_site(struct web_site *site, const char *store_path)
{
	static const char *const ids[] = {"WH1", "FRZ1", "REEFER3", "WH2", "WH9"};
	memset(site, 0, sizeof(*site));
	snprintf(site->name, sizeof(site->name), "Cold store North");
	snprintf(site->store, sizeof(site->store), "%s", store_path);
	site->silent_grace_s = 600;
	for (size_t i = 0; i < 5; i++) {
		snprintf(site->units[i].id, sizeof(site->units[i].id), "%s", ids[i]);
		site->units[i].heartbeat_s = 7200;
	}
	site->n_units = 5;
	for (size_t i = 0; i < 3; i++) {
		memcpy(site->contacts[i].name, people[i].name, sizeof(people[i].name));
		memcpy(site->contacts[i].number, people[i].number, sizeof(people[i].number));
	}
	site->n_contacts = 3;
}
