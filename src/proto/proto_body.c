/* The bodies of the kinds (docs/protocol.md, "Kinds"): the fields after the time, checked,
 * written and read in one place each, so what the encoder allows is what the parser takes. */
#include "proto_body.h"
#include "proto_batch.h"
#include "proto_internal.h"

#include <errno.h>
#include <string.h>

static const char *const level_tokens[PROTO_LEVEL_COUNT] = {"LL", "L", "H", "HH", "P", "R"};
static const char *const power_tokens[PROTO_POWER_EVENT_COUNT] = {"ML", "MR", "BL", "BO"};
static const char *const result_tokens[PROTO_RESULT_COUNT] = {"OK", "INVALID", "FAILED"};
static const char *const mains_tokens[] = {"-", "1", "0"};

static bool temp_ok(int64_t v)
{
	return v >= PROTO_TEMP_MIN_C10 && v <= PROTO_TEMP_MAX_C10;
}

/* A phone number as carried: "" (sent as "-") or an optional '+' and 1..20 digits. */
static int number_ok(const char *s, size_t len)
{
	size_t i = len > 0 && s[0] == '+';
	if (len == 0)
		return 0;
	if (len - i < 1 || len - i > PROTO_NUMBER_MAX - 2)
		return -EINVAL;
	for (; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
	}
	return 0;
}

/* A command or echo text: 1..64 protocol characters, no '#', no space at either end. */
static int cmd_text_ok(const char *s, size_t len)
{
	if (len < 1 || len > PROTO_CMD_TEXT_MAX - 1 || s[0] == ' ' || s[len - 1] == ' ')
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (!proto_char_ok((unsigned char)s[i]) || s[i] == '#')
			return -EINVAL;
	}
	return 0;
}

static bool str_ok(const char *s, size_t max, int (*ok)(const char *, size_t))
{
	size_t len = strnlen(s, max);
	return len < max && ok(s, len) == 0;
}

/* Names of 1..8 channels, each valid and none twice. */
static bool channels_ok(const char *const *names, size_t n)
{
	if (n < 1 || n > PROTO_CHANNELS_MAX)
		return false;
	for (size_t c = 0; c < n; c++) {
		if (!names[c] || !str_ok(names[c], PROTO_CHANNEL_MAX, proto_body_channel))
			return false;
		for (size_t d = 0; d < c; d++) {
			if (strcmp(names[c], names[d]) == 0)
				return false;
		}
	}
	return true;
}

static bool values_ok(const struct proto_value *v, size_t n)
{
	const char *names[PROTO_CHANNELS_MAX];
	if (n > PROTO_CHANNELS_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		names[i] = v[i].channel;
		if (v[i].ok && !temp_ok(v[i].temp_c10))
			return false;
	}
	return n == 0 || channels_ok(names, n);
}

static bool ago_ok(const struct proto_head *h, int64_t since_ms)
{
	int64_t ago = proto_floor_s(h->time_ms) - proto_floor_s(since_ms);
	return since_ms >= 0 && ago <= PROTO_AGO_MAX_S && ago >= -PROTO_AGO_MAX_S;
}

static const char *event_bad(const struct proto_msg *m)
{
	const struct proto_event *e = &m->u.event;
	bool fault = m->head.kind == PROTO_KIND_FAULT || m->head.kind == PROTO_KIND_FAULT_END;
	if (!str_ok(e->channel, PROTO_CHANNEL_MAX, proto_body_channel))
		return "channel";
	if ((unsigned)e->level >= PROTO_LEVEL_COUNT || fault != (e->level == PROTO_LEVEL_PROBE))
		return "level";
	if ((!fault && !e->has_value) || (e->has_value && !temp_ok(e->value_c10)))
		return "value_c10";
	if (!fault && !temp_ok(e->threshold_c10))
		return "threshold_c10";
	return ago_ok(&m->head, e->since_ms) ? NULL : "since_ms";
}

static const char *readings_bad(const struct proto_readings *r)
{
	const char *names[PROTO_CHANNELS_MAX];
	if (r->n_channels < 1 || r->n_channels > PROTO_CHANNELS_MAX)
		return "n_channels";
	for (size_t c = 0; c < r->n_channels; c++)
		names[c] = r->channel[c];
	if (!channels_ok(names, r->n_channels))
		return "channel";
	if (r->interval_s < 1 || r->interval_s > PROTO_BATCH_INTERVAL_MAX)
		return "interval_s";
	if (r->count < 1 || r->count * r->n_channels > PROTO_READINGS_MAX)
		return "count";
	if (r->first_ms < 0)
		return "first_ms";
	for (size_t i = 0; i < r->count * r->n_channels; i++) {
		if (r->temp_c10[i] != PROTO_MISSING && !temp_ok(r->temp_c10[i]))
			return "temp_c10";
	}
	return NULL;
}

static const char *status_bad(const struct proto_status *s)
{
	if ((unsigned)s->mains > PROTO_MAINS_OFF)
		return "mains";
	if (s->battery_pct < -1 || s->battery_pct > 100)
		return "battery_pct";
	if (s->battery_mv < -1 || s->battery_mv > 65535)
		return "battery_mv";
	if (s->csq < -1 || s->csq > 31)
		return "csq";
	return values_ok(s->values, s->n_values) ? NULL : "values";
}

static const char *body_bad(const struct proto_msg *m)
{
	const struct proto_power *p = &m->u.power;
	switch (m->head.kind) {
	case PROTO_KIND_READINGS:
		return readings_bad(&m->u.readings);
	case PROTO_KIND_ALARM:
	case PROTO_KIND_CLEAR:
	case PROTO_KIND_FAULT:
	case PROTO_KIND_FAULT_END:
		return event_bad(m);
	case PROTO_KIND_POWER:
		if ((unsigned)p->event >= PROTO_POWER_EVENT_COUNT)
			return "event";
		if (p->battery_pct < -1 || p->battery_pct > 100)
			return "battery_pct";
		if (p->battery_mv < -1 || p->battery_mv > 65535)
			return "battery_mv";
		return ago_ok(&m->head, p->since_ms) ? NULL : "since_ms";
	case PROTO_KIND_HEARTBEAT:
		return status_bad(&m->u.status);
	case PROTO_KIND_ECHO:
		if ((unsigned)m->u.echo.result >= PROTO_RESULT_COUNT)
			return "result";
		if (!str_ok(m->u.echo.by, PROTO_NUMBER_MAX, number_ok))
			return "by";
		return str_ok(m->u.echo.text, PROTO_CMD_TEXT_MAX, cmd_text_ok) ? NULL : "text";
	case PROTO_KIND_REPLY:
		if (m->u.reply.cmd_id == 0)
			return "cmd_id";
		return values_ok(m->u.reply.values, m->u.reply.n_values) ? NULL : "values";
	case PROTO_KIND_RECEIPT:
		return NULL;
	case PROTO_KIND_COMMAND:
		if (m->u.command.cmd_id == 0)
			return "cmd_id";
		if (!str_ok(m->u.command.by, PROTO_NUMBER_MAX, number_ok))
			return "by";
		return str_ok(m->u.command.text, PROTO_CMD_TEXT_MAX, cmd_text_ok) ? NULL : "text";
	}
	return "kind";
}

int proto_msg_check(const struct proto_msg *m, const char **why)
{
	if (proto_head_check(&m->head, why) != 0)
		return -EINVAL;
	const char *bad = body_bad(m);
	if (bad && why)
		*why = bad;
	return bad ? -EINVAL : 0;
}

static void put_values(struct proto_sb *sb, const struct proto_value *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (v[i].ok)
			proto_sb_add(sb, " %s=%d", v[i].channel, (int)v[i].temp_c10);
		else
			proto_sb_add(sb, " %s=X", v[i].channel);
	}
}

static void put_opt(struct proto_sb *sb, int32_t v)
{
	if (v < 0)
		proto_sb_add(sb, " -");
	else
		proto_sb_add(sb, " %d", (int)v);
}

static long long ago_s(const struct proto_head *h, int64_t since_ms)
{
	return (long long)(proto_floor_s(h->time_ms) - proto_floor_s(since_ms));
}

int proto_body_write_series(const struct proto_series *s, size_t from, size_t n, int64_t time_s,
			    struct proto_sb *sb, size_t *taken)
{
	struct proto_batch_plan plan;
	if (!channels_ok(s->channel, s->n_channels) || proto_batch_check(s) != 0 || from >= s->count)
		return -EINVAL;
	for (size_t c = 0; c < s->n_channels; c++)
		proto_sb_add(sb, "%c%s", c == 0 ? ' ' : ',', s->channel[c]);
	proto_sb_add(sb, " ");
	size_t fixed = sb->len + 1 + PROTO_TAG_CHARS;
	int rc = n == 0 ? proto_batch_fit(s, from, time_s,
					  fixed < PROTO_SMS_CHARS ? PROTO_SMS_CHARS - fixed : 0, &plan)
			: proto_batch_plan(s, from, n, time_s, &plan);
	if (rc != 0)
		return rc;
	if (sb->over)
		return -EMSGSIZE;
	rc = proto_batch_pack(s, from, &plan, time_s, sb->buf + sb->len, sizeof(sb->buf) - sb->len);
	if (rc < 0)
		return -EMSGSIZE;
	sb->len += (size_t)rc;
	if (taken)
		*taken = plan.n;
	return 0;
}

static int readings_write(const struct proto_msg *m, struct proto_sb *sb)
{
	const struct proto_readings *r = &m->u.readings;
	struct proto_series s = {.n_channels = r->n_channels,
				 .count = r->count,
				 .first_ms = r->first_ms,
				 .interval_s = r->interval_s};
	for (size_t c = 0; c < r->n_channels; c++) {
		s.channel[c] = r->channel[c];
		s.temp_c10[c] = r->temp_c10 + c * r->count;
	}
	return proto_body_write_series(&s, 0, r->count, proto_floor_s(m->head.time_ms), sb, NULL);
}

static void receipt_write(const struct proto_receipt *r, struct proto_sb *sb)
{
	if (r->beyond[1] != 0)
		proto_sb_add(sb, " %u %llX%016llX", (unsigned)r->upto, (unsigned long long)r->beyond[1],
			     (unsigned long long)r->beyond[0]);
	else
		proto_sb_add(sb, " %u %llX", (unsigned)r->upto, (unsigned long long)r->beyond[0]);
}

int proto_body_write(const struct proto_msg *m, struct proto_sb *sb)
{
	const struct proto_event *e = &m->u.event;
	const struct proto_power *p = &m->u.power;
	const struct proto_status *st = &m->u.status;
	switch (m->head.kind) {
	case PROTO_KIND_READINGS:
		return readings_write(m, sb);
	case PROTO_KIND_ALARM:
	case PROTO_KIND_CLEAR:
		proto_sb_add(sb, " %s %s %d %d %lld", e->channel, level_tokens[e->level], (int)e->value_c10,
			     (int)e->threshold_c10, ago_s(&m->head, e->since_ms));
		break;
	case PROTO_KIND_FAULT:
	case PROTO_KIND_FAULT_END:
		proto_sb_add(sb, " %s", e->channel);
		if (e->has_value)
			proto_sb_add(sb, " %d", (int)e->value_c10);
		else
			proto_sb_add(sb, " -");
		proto_sb_add(sb, " %lld", ago_s(&m->head, e->since_ms));
		break;
	case PROTO_KIND_POWER:
		proto_sb_add(sb, " %s", power_tokens[p->event]);
		put_opt(sb, p->battery_pct);
		put_opt(sb, p->battery_mv);
		proto_sb_add(sb, " %lld", ago_s(&m->head, p->since_ms));
		break;
	case PROTO_KIND_HEARTBEAT:
		proto_sb_add(sb, " %s", mains_tokens[st->mains]);
		put_opt(sb, st->battery_pct);
		put_opt(sb, st->battery_mv);
		put_opt(sb, st->csq);
		proto_sb_add(sb, " %u %u", (unsigned)st->pending, (unsigned)st->uptime_s);
		put_values(sb, st->values, st->n_values);
		break;
	case PROTO_KIND_ECHO:
		proto_sb_add(sb, " %u %s %s %s", (unsigned)m->u.echo.cmd_id, result_tokens[m->u.echo.result],
			     m->u.echo.by[0] ? m->u.echo.by : "-", m->u.echo.text);
		break;
	case PROTO_KIND_REPLY:
		proto_sb_add(sb, " %u", (unsigned)m->u.reply.cmd_id);
		put_values(sb, m->u.reply.values, m->u.reply.n_values);
		break;
	case PROTO_KIND_RECEIPT:
		receipt_write(&m->u.receipt, sb);
		break;
	case PROTO_KIND_COMMAND:
		proto_sb_add(sb, " %u %s %s", (unsigned)m->u.command.cmd_id,
			     m->u.command.by[0] ? m->u.command.by : "-", m->u.command.text);
		break;
	}
	return sb->over ? -EMSGSIZE : 0;
}
