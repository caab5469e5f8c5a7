/* The names of every enum, the syntax of single fields (ids, names, numbers, phone numbers,
 * texts) and the check of a whole message's fields before it is encoded. */
#include "proto_body.h"
#include "proto_internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char kind_letters[PROTO_KIND_COUNT] = "RACFGPHEYKX";

const char *proto_kind_str(enum proto_kind kind)
{
	switch (kind) {
	case PROTO_KIND_READINGS:
		return "readings";
	case PROTO_KIND_ALARM:
		return "alarm";
	case PROTO_KIND_CLEAR:
		return "clear";
	case PROTO_KIND_FAULT:
		return "fault";
	case PROTO_KIND_FAULT_END:
		return "fault_end";
	case PROTO_KIND_POWER:
		return "power";
	case PROTO_KIND_HEARTBEAT:
		return "heartbeat";
	case PROTO_KIND_ECHO:
		return "echo";
	case PROTO_KIND_REPLY:
		return "reply";
	case PROTO_KIND_RECEIPT:
		return "receipt";
	case PROTO_KIND_COMMAND:
		return "command";
	}
	return "?";
}

enum proto_dir proto_kind_dir(enum proto_kind kind)
{
	return kind == PROTO_KIND_RECEIPT || kind == PROTO_KIND_COMMAND ? PROTO_DIR_BASE_TO_UNIT
									: PROTO_DIR_UNIT_TO_BASE;
}

char proto_kind_letter(enum proto_kind kind)
{
	return (unsigned)kind < PROTO_KIND_COUNT ? kind_letters[kind] : '?';
}

int proto_kind_of_letter(char c)
{
	const char *p = c ? memchr(kind_letters, c, PROTO_KIND_COUNT) : NULL;
	return p ? (int)(p - kind_letters) : -1;
}

const char *proto_dir_str(enum proto_dir dir)
{
	switch (dir) {
	case PROTO_DIR_UNIT_TO_BASE:
		return "unit_to_base";
	case PROTO_DIR_BASE_TO_UNIT:
		return "base_to_unit";
	}
	return "?";
}

const char *proto_reject_str(enum proto_reject reason)
{
	switch (reason) {
	case PROTO_REJECT_EMPTY:
		return "empty";
	case PROTO_REJECT_TOO_LONG:
		return "too_long";
	case PROTO_REJECT_CHARSET:
		return "charset";
	case PROTO_REJECT_NOT_PROTOCOL:
		return "not_protocol";
	case PROTO_REJECT_VERSION:
		return "version";
	case PROTO_REJECT_KIND:
		return "kind";
	case PROTO_REJECT_DIRECTION:
		return "direction";
	case PROTO_REJECT_UNIT:
		return "unit";
	case PROTO_REJECT_SEQ:
		return "seq";
	case PROTO_REJECT_TIME:
		return "time";
	case PROTO_REJECT_TAG_FORMAT:
		return "tag_format";
	case PROTO_REJECT_TAG:
		return "tag";
	case PROTO_REJECT_FIELD:
		return "field";
	case PROTO_REJECT_FIELDS:
		return "fields";
	case PROTO_REJECT_BATCH:
		return "batch";
	case PROTO_REJECT_DUPLICATE:
		return "duplicate";
	case PROTO_REJECT_TOO_OLD:
		return "too_old";
	}
	return "?";
}

const char *proto_level_str(enum proto_level level)
{
	switch (level) {
	case PROTO_LEVEL_LOW_LOW:
		return "low_low";
	case PROTO_LEVEL_LOW:
		return "low";
	case PROTO_LEVEL_HIGH:
		return "high";
	case PROTO_LEVEL_HIGH_HIGH:
		return "high_high";
	case PROTO_LEVEL_PROBE:
		return "probe";
	case PROTO_LEVEL_RATE:
		return "rate";
	}
	return "?";
}

const char *proto_power_event_str(enum proto_power_event ev)
{
	switch (ev) {
	case PROTO_POWER_MAINS_LOST:
		return "mains_lost";
	case PROTO_POWER_MAINS_RESTORED:
		return "mains_restored";
	case PROTO_POWER_BATTERY_LOW:
		return "battery_low";
	case PROTO_POWER_BATTERY_OK:
		return "battery_ok";
	}
	return "?";
}

const char *proto_mains_str(enum proto_mains mains)
{
	switch (mains) {
	case PROTO_MAINS_UNKNOWN:
		return "unknown";
	case PROTO_MAINS_ON:
		return "on";
	case PROTO_MAINS_OFF:
		return "off";
	}
	return "?";
}

const char *proto_result_str(enum proto_result result)
{
	switch (result) {
	case PROTO_RESULT_OK:
		return "ok";
	case PROTO_RESULT_INVALID:
		return "invalid";
	case PROTO_RESULT_FAILED:
		return "failed";
	}
	return "?";
}

void proto_sb_add(struct proto_sb *sb, const char *fmt, ...)
{
	va_list ap;
	size_t room = sizeof(sb->buf) - sb->len;
	va_start(ap, fmt);
	int n = vsnprintf(sb->buf + sb->len, room, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= room) {
		sb->over = true;
		sb->buf[sb->len] = '\0';
		return;
	}
	sb->len += (size_t)n;
}

static bool name_char(char c, bool dash)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
	       (dash && c == '-');
}

static int name_ok(const char *s, size_t len, size_t max, bool dash)
{
	if (len < 1 || len > max)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (!name_char(s[i], dash))
			return -EINVAL;
	}
	return 0;
}

int proto_body_unit(const char *s, size_t len)
{
	return name_ok(s, len, PROTO_UNIT_MAX - 1, true);
}

int proto_body_channel(const char *s, size_t len)
{
	return name_ok(s, len, PROTO_CHANNEL_MAX - 1, false);
}

int proto_body_u64(const char *s, size_t len, uint64_t max, uint64_t *v)
{
	uint64_t x = 0;
	if (len < 1 || len > 20 || (len > 1 && s[0] == '0'))
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		unsigned d = (unsigned)(s[i] - '0');
		if (d > max || x > (max - d) / 10)
			return -EINVAL;
		x = x * 10 + d;
	}
	*v = x;
	return 0;
}

int proto_body_i64(const char *s, size_t len, int64_t max, int64_t *v)
{
	bool neg = len > 0 && s[0] == '-';
	uint64_t m;
	if (proto_body_u64(s + neg, len - neg, (uint64_t)max, &m) != 0 || (neg && m == 0))
		return -EINVAL;
	*v = neg ? -(int64_t)m : (int64_t)m;
	return 0;
}

int64_t proto_floor_s(int64_t ms)
{
	return ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
}

int proto_head_check(const struct proto_head *h, const char **why)
{
	const char *bad = NULL;
	if ((unsigned)h->kind >= PROTO_KIND_COUNT)
		bad = "kind";
	else if (proto_body_unit(h->unit, strnlen(h->unit, PROTO_UNIT_MAX)) != 0)
		bad = "unit";
	else if (h->seq == 0)
		bad = "seq";
	else if (h->time_ms < 0 || h->time_ms / 1000 > PROTO_TIME_MAX_S)
		bad = "time_ms";
	if (bad && why)
		*why = bad;
	return bad ? -EINVAL : 0;
}
