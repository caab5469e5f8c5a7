/* Which of the unit's base numbers (base_numbers) its messages go to: the first while it
 * answers; the next one when no receipt came for the whole resend schedule (resend doubling
 * up to resend_max) while a message waited; and, while on another, the first send of each
 * heartbeat goes to the first number as a probe: a receipt that covers it takes the unit
 * back. Heartbeats then go out every `heartbeat`, whatever else is sent. The number in use
 * is kept in the store, so a restart goes on with it (unit_bases.h). */
#include "unit_bases.h"
#include "unit_int.h"
#include "unit_sched.h"

#include "log.h"

#include <stdio.h>
#include <string.h>

#define SAVED_NAME "state.base"

int unit_bases_saved(struct store *s, const struct unit_settings *set)
{
	struct store_unit_setting st;
	if (set->n_base_numbers < 2 || store_unit_setting_get(s, SAVED_NAME, &st) != 0)
		return 0;
	if (st.value < 0 || st.value >= set->n_base_numbers ||
	    strcmp(st.text, set->base_numbers[st.value]) != 0)
		return 0;
	return (int)st.value;
}

int unit_bases_save(struct store *s, const struct unit_settings *set, int index, int64_t now_ms)
{
	struct store_unit_setting st = {.value = index, .changed_ms = now_ms};
	snprintf(st.name, sizeof(st.name), SAVED_NAME);
	snprintf(st.text, sizeof(st.text), "%.32s", set->base_numbers[index]);
	return store_unit_setting_put(s, &st);
}

static int64_t max3(int64_t a, int64_t b, int64_t c)
{
	int64_t m = a > b ? a : b;
	return m > c ? m : c;
}

static void move_to(struct unit *u, int to, int64_t now, const char *event, const char *advice)
{
	log_warn(MOD, "event=%s from=%s to=%s advice=\"%s\"", event, unit_base_number(u),
		 u->set->base_numbers[to], advice);
	u->base = to;
	u->base_since_ms = now;
	u->probe_seq = 0;
	if (unit_bases_save(u->store, u->set, to, now) < 0)
		log_warn(MOD,
			 "event=base_not_stored to=%s advice=\"a restart begins with the first base "
			 "number again\"",
			 u->set->base_numbers[to]);
}

const char *unit_bases_dest(struct unit *u, const struct store_unit_msg *m, int64_t now)
{
	int n = u->set->n_base_numbers;
	if (n < 2 || !m->seq)
		return unit_base_number(u);
	int64_t quiet_from = max3(m->created_ms, u->receipt_ms, u->base_since_ms);
	int64_t patience = unit_sched_patience_ms(u->set->resend_s, u->set->resend_max_s);
	if (m->attempts > 0 && now - quiet_from >= patience) {
		move_to(u, (u->base + 1) % n, now, "base_switched",
			"no receipt through its whole resend schedule: messages go to the next base "
			"number; the first is tried again with each heartbeat");
		unit_heartbeat_reset(u);
	}
	if (u->base != 0 && m->kind == PROTO_KIND_HEARTBEAT && m->attempts == 0) {
		u->probe_seq = m->seq;
		log_info(MOD, "event=base_probe seq=%u to=%s", m->seq, u->set->base_numbers[0]);
		return u->set->base_numbers[0];
	}
	if (m->seq == u->probe_seq)
		u->probe_seq = 0; /* sent again: through the base in use, no longer a probe */
	return unit_base_number(u);
}

void unit_bases_receipt(struct unit *u, const struct store_receipt *r, int64_t now)
{
	u->receipt_ms = now;
	if (u->base != 0 && u->probe_seq && unit_sched_covers(r, u->probe_seq))
		move_to(u, 0, now, "base_back",
			"the first base number answered the probe: messages go to it again");
}
