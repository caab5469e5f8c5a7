/* Mains and battery, and the network's time: power read from sysfs power_supply at each
 * sample when the file says so (or "auto" finds a supply there), else from the modem's
 * AT+CBC (modem_query) on the same tick; turned into mains-lost/-back and battery-low/-ok
 * events by the watcher, each a POWER message. The watcher's memory is kept in the store,
 * so a restart does not report a standing condition again. The module's clock, where the
 * network set it, is asked for when the modem gets ready and with every report. */
#include "unit_int.h"

#include "log.h"

#include <string.h>

static void load_watch(struct unit *u)
{
	struct store_unit_setting st;
	if (store_unit_setting_get(u->store, "state.power", &st) == 0) {
		u->power_watch.mains_lost = st.value & 1;
		u->power_watch.battery_low = (st.value & 2) != 0;
	}
}

static int save_watch(struct unit *u)
{
	struct store_unit_setting st = {.value = (u->power_watch.mains_lost ? 1 : 0) |
						 (u->power_watch.battery_low ? 2 : 0),
					.changed_ms = unit_now_ms(u)};
	snprintf(st.name, sizeof(st.name), "state.power");
	return store_unit_setting_put(u->store, &st);
}

void unit_power_init(struct unit *u)
{
	u->power.battery_mv = -1;
	int src = u->set->power.source;
	if (src == SENSOR_POWER_SOURCE_SYSFS || src == SENSOR_POWER_SOURCE_AUTO) {
		struct sensor_power p;
		int rc = sensor_power_read_sysfs(u->set->power.root, &p);
		u->power_sysfs =
			src == SENSOR_POWER_SOURCE_SYSFS || (rc == 0 && p.origin != SENSOR_POWER_ORIGIN_NONE);
	}
	load_watch(u);
	log_info(MOD, "event=power source=%s", u->power_sysfs ? "sysfs" : u->power_modem ? "modem" : "none");
}

static enum proto_power_event proto_event(enum sensor_power_event e)
{
	switch (e) {
	case SENSOR_POWER_MAINS_LOST:
		return PROTO_POWER_MAINS_LOST;
	case SENSOR_POWER_MAINS_BACK:
		return PROTO_POWER_MAINS_RESTORED;
	case SENSOR_POWER_BATTERY_LOW:
		return PROTO_POWER_BATTERY_LOW;
	case SENSOR_POWER_BATTERY_OK:
		return PROTO_POWER_BATTERY_OK;
	}
	return PROTO_POWER_MAINS_LOST;
}

static void power_feed(struct unit *u, const struct sensor_power *pp);

static void on_query(void *user_data, const struct modem_query_result *r)
{
	struct unit *u = user_data;
	if (u->stopping)
		return;
	if (r->battery_known) {
		struct sensor_power p = u->power;
		p.origin = SENSOR_POWER_ORIGIN_MODEM;
		p.battery_known = true;
		p.battery_pct = r->battery_pct;
		p.battery_mv = r->battery_mv;
		power_feed(u, &p);
	}
	if (r->clock_known &&
	    unit_clock_learn(&u->clock, UNIT_CLOCK_NETWORK, r->clock_utc_ms, unit_board_ms())) {
		log_info(MOD, "event=clock_set source=network offset_ms=%lld", (long long)u->clock.offset_ms);
		unit_clock_persist(u);
	}
}

void unit_power_query(struct unit *u, unsigned what)
{
	if (!u->link || !u->modem_ready || u->stopping)
		return;
	if (modem_query(modem_link_modem(u->link), what, unit_mono(u), on_query, u) == 0)
		modem_link_service(u->link);
}

void unit_power_sample(struct unit *u)
{
	if (!u->power_sysfs) {
		if (u->power_modem)
			unit_power_query(u, MODEM_QUERY_BATTERY);
		return;
	}
	struct sensor_power p;
	if (sensor_power_read_sysfs(u->set->power.root, &p) < 0)
		return;
	power_feed(u, &p);
}

static void power_feed(struct unit *u, const struct sensor_power *pp)
{
	struct sensor_power p = *pp;
	u->power = p;
	enum sensor_power_event ev[2];
	struct sensor_power_watch before = u->power_watch;
	size_t n = sensor_power_watch_feed(&u->power_watch, &p, u->set->power.battery_low_pct, ev);
	if (!n)
		return;
	int rc = store_unit_begin(u->store);
	for (size_t i = 0; !rc && i < n; i++) {
		struct proto_msg m = {.head.kind = PROTO_KIND_POWER};
		m.u.power.event = proto_event(ev[i]);
		m.u.power.battery_pct = p.battery_known ? (int16_t)p.battery_pct : -1;
		m.u.power.battery_mv = p.battery_mv >= 0 && p.battery_mv <= 65535 ? p.battery_mv : -1;
		m.u.power.since_ms = unit_now_ms(u);
		log_warn(MOD, "event=power_%s battery_pct=%d", sensor_power_event_str(ev[i]),
			 m.u.power.battery_pct);
		rc = unit_queue_proto(u, &m);
	}
	if (!rc)
		rc = save_watch(u);
	if (!rc)
		rc = store_unit_commit(u->store);
	else
		store_unit_rollback(u->store);
	if (rc < 0) {
		u->power_watch = before; /* seen again at the next sample */
		log_error(MOD, "event=power_not_stored error=\"%s\" advice=\"check the disk\"",
			  store_strerror(rc));
		return;
	}
	unit_outbox_kick(u);
}
