/* Which of the unit's base numbers (base_numbers) its messages go to: the first while it
 * answers; the next one when no receipt came for the whole resend schedule (resend doubling
 * up to resend_max) while a message waited; and, while on another, the first send of each
 * heartbeat goes to the first number as a probe: a receipt that covers it takes the unit
 * back. Heartbeats then go out every `heartbeat`, whatever else is sent. */
#include "unit_int.h"
#include "unit_sched.h"

#include "log.h"

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
