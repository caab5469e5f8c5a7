/* Fuzz target: the phone-command grammar on arbitrary bytes at both sides and as a relayed
 * command. Whatever comes in: a bounded number of items, every reason printable and short,
 * every accepted command parsed back the same from its canonical text, no PIN in a log line;
 * and the value readers, the name check and the PIN lockout on the same bytes. */
#include "phone_cmd.h"
#include "phone_pin.h"
#include "phone_value.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_phone: %s\n", what);
		abort();
	}
}

static void check_reason(const struct phone_item *it)
{
	size_t n = strlen(it->reason);
	check(n > 0 && n < PHONE_REASON_MAX, "reason empty or too long");
	for (size_t i = 0; i < n; i++)
		check(it->reason[i] >= 0x20 && it->reason[i] < 0x7F && !strchr("\"\\%", it->reason[i]),
		      "reason not printable");
	check(strcmp(phone_err_str(it->err), "?") != 0, "error without a name");
}

static int same(const struct phone_cmd *a, const struct phone_cmd *b)
{
	return a->verb == b->verb && !strcmp(a->unit, b->unit) && !strcmp(a->channel, b->channel) &&
	       a->setting == b->setting && a->off == b->off && a->value_c10 == b->value_c10 &&
	       a->duration_s == b->duration_s && a->ack == b->ack && a->ack_id == b->ack_id &&
	       !strcmp(a->pin, b->pin) && !strcmp(a->new_pin, b->new_pin);
}

static void round_trip(enum phone_side side, const struct phone_cmd *c, const struct phone_msg *m)
{
	char text[128], log[128];
	int n = phone_cmd_format(side, c, text, sizeof(text));
	check(n > 0 && (size_t)n < sizeof(text), "accepted command without a canonical text");
	check(phone_cmd_log(side, c, log, sizeof(log)) > 0, "accepted command without a log text");
	if (m->has_pin && m->pin[0])
		check(strstr(log, m->pin) == NULL, "PIN in a log text");
	if (side == PHONE_SIDE_UNIT) {
		struct phone_item again;
		check(phone_parse_unit_cmd(text, (size_t)n, &again) == 0 && same(&again.cmd, c),
		      "canonical unit text does not parse back the same");
		return;
	}
	static struct phone_msg again;
	check(phone_parse(side, text, (size_t)n, &again) == 0 && again.n == 1 &&
		      again.item[0].err == PHONE_ERR_NONE && same(&again.item[0].cmd, c),
	      "canonical base text does not parse back the same");
}

static void grammar(enum phone_side side, const uint8_t *data, size_t size)
{
	static struct phone_msg m;
	char log[2048];
	check(phone_parse(side, (const char *)data, size, &m) == 0, "parse failed");
	check(m.n >= 1 && m.n <= PHONE_CMDS_MAX + 1, "item count out of bounds");
	check(side == PHONE_SIDE_UNIT || !m.has_pin, "a PIN at the base");
	check(!m.has_pin || m.pin[0] == '\0' || phone_pin_valid(m.pin) == 0, "a malformed PIN kept");
	check(phone_msg_log(side, &m, log, sizeof(log)) > 0, "no log fields");
	if (m.has_pin && m.pin[0])
		check(strstr(log, m.pin) == NULL, "PIN in the log fields");
	for (size_t i = 0; i < m.n; i++) {
		if (m.item[i].err != PHONE_ERR_NONE)
			check_reason(&m.item[i]);
		else
			round_trip(side, &m.item[i].cmd, &m);
	}
	struct phone_lock lock = {0};
	uint8_t b0 = size > 0 ? data[0] : 0;
	lock.failures = b0 & 3;
	lock.locked_until_ms = (b0 & 8) ? (int64_t)b0 * 1000 : 0;
	enum phone_pin_result r =
		phone_lock_check(&lock, m.has_pin ? m.pin : NULL, "1234", (int64_t)b0 * 997);
	check(strcmp(phone_pin_result_str(r), "?") != 0, "PIN result without a name");
	check(lock.failures <= PHONE_LOCK_TRIES, "failure count runs away");
	check((r == PHONE_PIN_LOCKOUT || r == PHONE_PIN_LOCKED) ==
		      phone_lock_active(&lock, (int64_t)b0 * 997),
	      "lock state and result disagree");
}

static void values(const uint8_t *data, size_t size)
{
	char text[32], name[64];
	int32_t c10, again_c10;
	uint32_t s, again_s;
	if (phone_temp_parse((const char *)data, size, &c10) == 0) {
		int n = phone_temp_format(c10, text, sizeof(text));
		check(phone_temp_parse(text, (size_t)n, &again_c10) == 0 && again_c10 == c10,
		      "temperature round trip");
	}
	if (phone_duration_parse((const char *)data, size, &s) == 0) {
		int n = phone_duration_format(s, text, sizeof(text));
		check(phone_duration_parse(text, (size_t)n, &again_s) == 0 && again_s == s,
		      "duration round trip");
	}
	size_t n = size < sizeof(name) - 1 ? size : sizeof(name) - 1;
	memcpy(name, data, n);
	name[n] = '\0';
	const char *why = NULL;
	if (phone_name_check(PHONE_NAME_CHANNEL, name, &why) != 0)
		check(why != NULL, "name refused without a reason");
	phone_name_check(PHONE_NAME_UNIT, name, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct phone_item item;
	grammar(PHONE_SIDE_UNIT, data, size);
	grammar(PHONE_SIDE_BASE, data, size);
	int rc = phone_parse_unit_cmd((const char *)data, size, &item);
	check((rc == 0) == (item.err == PHONE_ERR_NONE), "relayed result and error disagree");
	if (rc != 0)
		check_reason(&item);
	values(data, size);
	return 0;
}
