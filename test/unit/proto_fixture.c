/* Messages of every kind at their limits (proto_fixture.h). */
#include "proto_fixture.h"
#include "sensor_sim.h"

#include <stdio.h>
#include <string.h>

const uint8_t fixture_key[PROTO_KEY_LEN] = {0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15,
					    16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31};

static const char *const long_channels[PROTO_CHANNELS_MAX] = {"Freezer1", "Freezer2", "Chiller_", "Z9999999",
							      "a",        "Room_B12", "T7",       "Dock_out"};

static void head(struct proto_msg *m, enum proto_kind kind, enum fixture_variant v)
{
	memset(m, 0, sizeof(*m));
	m->head.version = PROTO_VERSION;
	m->head.kind = kind;
	switch (v) {
	case FIXTURE_MIN:
		strcpy(m->head.unit, "A");
		m->head.seq = 1;
		m->head.time_ms = 0;
		break;
	case FIXTURE_MAX:
		strcpy(m->head.unit, "Cold_Store-North");
		m->head.seq = UINT32_MAX;
		m->head.time_ms = 9999999999000LL;
		break;
	case FIXTURE_TYPICAL:
		strcpy(m->head.unit, "WH1");
		m->head.seq = 1234;
		m->head.time_ms = 1764039600000LL; /* 2025-11-25 03:00:00 UTC */
		break;
	}
}

static void values(struct proto_value *out, size_t *n, enum fixture_variant v)
{
	*n = v == FIXTURE_MIN ? 0 : v == FIXTURE_MAX ? PROTO_CHANNELS_MAX : 2;
	for (size_t i = 0; i < *n; i++) {
		snprintf(out[i].channel, sizeof(out[i].channel), "%s",
			 v == FIXTURE_MAX ? long_channels[i]
			 : i              ? "T2"
					  : "T1");
		out[i].ok = !(v == FIXTURE_MAX && i == 3);
		if (out[i].ok)
			out[i].temp_c10 = v == FIXTURE_MAX ? (i % 2 ? PROTO_TEMP_MIN_C10 : PROTO_TEMP_MAX_C10)
					  : i              ? -183
							   : 42;
	}
}

static void event(struct proto_msg *m, enum fixture_variant v)
{
	struct proto_event *e = &m->u.event;
	bool fault = m->head.kind == PROTO_KIND_FAULT || m->head.kind == PROTO_KIND_FAULT_END;
	e->level = fault ? PROTO_LEVEL_PROBE : v == FIXTURE_MIN ? PROTO_LEVEL_LOW_LOW : PROTO_LEVEL_HIGH;
	e->has_value = !fault || v != FIXTURE_MIN;
	switch (v) {
	case FIXTURE_MIN:
		strcpy(e->channel, "a");
		e->value_c10 = e->has_value ? PROTO_TEMP_MIN_C10 : 0;
		e->threshold_c10 = fault ? 0 : PROTO_TEMP_MIN_C10;
		e->since_ms = 0;
		break;
	case FIXTURE_MAX:
		strcpy(e->channel, "Freezer1");
		e->value_c10 = PROTO_TEMP_MAX_C10;
		e->threshold_c10 = fault ? 0 : PROTO_TEMP_MAX_C10;
		e->since_ms = m->head.time_ms - 2147483647000LL;
		break;
	case FIXTURE_TYPICAL:
		strcpy(e->channel, "T1");
		e->value_c10 = m->head.kind == PROTO_KIND_CLEAR ? 74 : 94;
		e->threshold_c10 = fault ? 0 : m->head.kind == PROTO_KIND_CLEAR ? 75 : 80;
		e->since_ms = m->head.time_ms - 480000; /* 02:52 */
		break;
	}
}

static void readings(struct proto_msg *m, enum fixture_variant v)
{
	bool mx = v == FIXTURE_MAX, mn = v == FIXTURE_MIN;
	struct proto_readings *r = &m->u.readings;
	r->n_channels = mx ? PROTO_CHANNELS_MAX : 1;
	r->count = mx ? PROTO_READINGS_MAX / PROTO_CHANNELS_MAX : mn ? 1 : 144;
	r->interval_s = mx ? 1048576 : mn ? 1 : 600;
	r->first_ms = mn ? 0 : m->head.time_ms - (int64_t)(r->count - 1) * r->interval_s * 1000;
	for (size_t c = 0; c < r->n_channels; c++) {
		snprintf(r->channel[c], PROTO_CHANNEL_MAX, "%s", mx ? long_channels[c] : mn ? "a" : "T1");
		for (size_t i = 0; i < r->count; i++)
			r->temp_c10[c * r->count + i] = mx   ? (i >= 60 && i < 70 ? PROTO_MISSING
								: c % 2           ? PROTO_TEMP_MIN_C10
										  : PROTO_TEMP_MAX_C10)
							: mn ? PROTO_TEMP_MIN_C10
							     : (int32_t)(40 + (i * 7) % 5 - 2);
	}
}

static void body(struct proto_msg *m, enum fixture_variant v)
{
	bool mx = v == FIXTURE_MAX, mn = v == FIXTURE_MIN;
	switch (m->head.kind) {
	case PROTO_KIND_READINGS:
		readings(m, v);
		break;
	case PROTO_KIND_ALARM:
	case PROTO_KIND_CLEAR:
	case PROTO_KIND_FAULT:
	case PROTO_KIND_FAULT_END:
		event(m, v);
		break;
	case PROTO_KIND_POWER:
		m->u.power.event = mn   ? PROTO_POWER_MAINS_LOST
				   : mx ? PROTO_POWER_BATTERY_OK
					: PROTO_POWER_BATTERY_LOW;
		m->u.power.battery_pct = mn ? -1 : mx ? 100 : 11;
		m->u.power.battery_mv = mn ? -1 : mx ? 65535 : 3410;
		m->u.power.since_ms = mn   ? 0
				      : mx ? m->head.time_ms + 2147483647000LL
					   : m->head.time_ms - 60000;
		break;
	case PROTO_KIND_HEARTBEAT: {
		struct proto_status *s = &m->u.status;
		s->mains = mn ? PROTO_MAINS_UNKNOWN : mx ? PROTO_MAINS_OFF : PROTO_MAINS_ON;
		s->battery_pct = mn ? -1 : mx ? 100 : 87;
		s->battery_mv = mn ? -1 : mx ? 65535 : 4012;
		s->csq = mn ? -1 : mx ? 31 : 17;
		s->pending = mx ? UINT32_MAX : mn ? 0 : 2;
		s->uptime_s = mx ? UINT32_MAX : mn ? 0 : 86400;
		values(s->values, &s->n_values, v);
		break;
	}
	case PROTO_KIND_ECHO:
		m->u.echo.cmd_id = mn ? 0 : mx ? UINT32_MAX : 17;
		m->u.echo.result = mn ? PROTO_RESULT_OK : mx ? PROTO_RESULT_FAILED : PROTO_RESULT_OK;
		strcpy(m->u.echo.by, mn ? "" : mx ? "+12345678901234567890" : "+15550003001");
		strcpy(m->u.echo.text,
		       mn   ? "?"
		       : mx ? "SET Freezer1 HIGH -18.5 refused: must be above LOW -25.0 (!%&*)."
			    : "SET T1 HIGH 8.0");
		break;
	case PROTO_KIND_REPLY:
		m->u.reply.cmd_id = mn ? 1 : mx ? UINT32_MAX : 18;
		values(m->u.reply.values, &m->u.reply.n_values, v);
		break;
	case PROTO_KIND_RECEIPT:
		m->u.receipt.upto = mn ? 0 : mx ? UINT32_MAX : 1233;
		m->u.receipt.beyond[0] = mx ? UINT64_MAX : mn ? 0 : 0x6;
		m->u.receipt.beyond[1] = mx ? UINT64_MAX : 0;
		break;
	case PROTO_KIND_COMMAND:
		m->u.command.cmd_id = mn ? 1 : mx ? UINT32_MAX : 17;
		strcpy(m->u.command.by, mn ? "" : mx ? "12345678901234567890" : "+15550003001");
		strcpy(m->u.command.text,
		       mn   ? "R"
		       : mx ? "SET Freezer1 HIGH -18.5 ; SET Freezer1 LOW -25 ; INTERVAL 5m ok!"
			    : "SET T1 HIGH 8");
		break;
	}
}

void fixture_msg(struct proto_msg *m, enum proto_kind kind, enum fixture_variant variant)
{
	head(m, kind, variant);
	body(m, variant);
}

const char *fixture_trace_str(enum fixture_trace t)
{
	switch (t) {
	case FIXTURE_CHILLER:
		return "chiller";
	case FIXTURE_FREEZER:
		return "freezer";
	case FIXTURE_REEFER:
		return "reefer";
	case FIXTURE_NOISY:
		return "noisy";
	}
	return "?";
}

static uint64_t next_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

void fixture_trace(enum fixture_trace t, uint64_t seed, int64_t t0_s, uint32_t interval_s, int32_t *out,
		   size_t n)
{
	static const enum sensor_sim_profile profile[FIXTURE_TRACES] = {
		SENSOR_SIM_CHILLER, SENSOR_SIM_FREEZER, SENSOR_SIM_REEFER, SENSOR_SIM_CHILLER};
	struct sensor_sim sim = {
		.profile = profile[t], .seed = seed, .fail_at_s = INT64_MAX, .repair_at_s = INT64_MAX};
	uint64_t r = seed * 0x9E3779B97F4A7C15ull + 1;
	for (size_t i = 0; i < n; i++) {
		out[i] = sensor_sim_temp_c10(&sim, t0_s + (int64_t)i * interval_s);
		if (t != FIXTURE_NOISY)
			continue;
		out[i] += (int32_t)(next_rand(&r) % 201) - 100;
		if (next_rand(&r) % 50 == 0)
			out[i] = PROTO_MISSING;
	}
}
