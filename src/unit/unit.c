/* The daemon's wiring: opens the store, loads the settings in force, the clock offset and the
 * base's replay window, starts the modem link, the probes and the timers on one libuv loop,
 * and stops on SIGTERM or SIGINT once the send in hand has finished. */
#include "unit.h"
#include "unit_bases.h"
#include "unit_int.h"

#include "log.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int64_t unit_board_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t unit_now_ms(const struct unit *u)
{
	return unit_clock_now(&u->clock, unit_board_ms());
}

uint64_t unit_mono(const struct unit *u)
{
	return uv_now(u->loop);
}

const char *unit_crash_point_str(enum unit_crash_point point)
{
	switch (point) {
	case UNIT_CRASH_NONE:
		return "none";
	case UNIT_CRASH_RX_HANDLED:
		return "rx-handled";
	}
	return "?";
}

int unit_crash_point_parse(const char *name, enum unit_crash_point *out)
{
	const enum unit_crash_point all[] = {UNIT_CRASH_NONE, UNIT_CRASH_RX_HANDLED};
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (strcmp(name, unit_crash_point_str(all[i])) == 0) {
			*out = all[i];
			return 0;
		}
	return -EINVAL;
}

void unit_crash_if(const struct unit *u, enum unit_crash_point point)
{
	if (point == UNIT_CRASH_NONE || u->crash_at != point)
		return;
	log_warn(MOD, "event=test_crash point=%s", unit_crash_point_str(point));
	raise(SIGKILL);
}

const char *unit_base_number(const struct unit *u)
{
	return u->set->base_numbers[u->base];
}

void unit_clock_persist(struct unit *u)
{
	struct store_unit_setting st = {.value = u->clock.offset_ms, .changed_ms = unit_now_ms(u)};
	snprintf(st.name, sizeof(st.name), "state.clock");
	snprintf(st.text, sizeof(st.text), "%s", unit_clock_source_str(u->clock.source));
	if (store_unit_setting_put(u->store, &st) < 0)
		log_warn(
			MOD,
			"event=clock_not_stored advice=\"the offset is learnt again from the next receipt\"");
}

static void load_clock(struct unit *u)
{
	struct store_unit_setting st;
	if (store_unit_setting_get(u->store, "state.clock", &st) == 0) {
		u->clock.offset_ms = st.value;
		u->clock.source = strcmp(st.text, "network") == 0 ? UNIT_CLOCK_NETWORK
				  : strcmp(st.text, "base") == 0  ? UNIT_CLOCK_BASE
								  : UNIT_CLOCK_BOARD;
	}
	log_info(MOD, "event=clock offset_ms=%lld source=%s", (long long)u->clock.offset_ms,
		 unit_clock_source_str(u->clock.source));
}

static void load_window(struct unit *u)
{
	int rc = store_unit_replay_load(u->store, 1, &u->window, sizeof(u->window));
	if (rc < 0)
		proto_window_init(&u->window);
}

static int local_offset_min(void)
{
	time_t t = time(NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	return (int)(tm.tm_gmtoff / 60);
}

static void on_state(void *user_data, enum modem_state from, enum modem_state to)
{
	struct unit *u = user_data;
	(void)from;
	unit_outbox_modem_state(u, to);
}

static void on_sms(void *user_data, const struct modem_inbound *in)
{
	unit_rx_sms(user_data, in);
}

static void close_handle(uv_handle_t *h)
{
	if (!uv_is_closing(h))
		uv_close(h, NULL);
}

static void shut_down(struct unit *u)
{
	unit_sample_close(u);
	unit_rx_close(u);
	if (u->link)
		modem_link_close(u->link);
	u->link = NULL;
	uv_timer_t *timers[] = {&u->t_sample, &u->t_report,   &u->t_heartbeat,
				&u->t_outbox, &u->t_assembly, &u->t_stop};
	for (size_t i = 0; i < sizeof(timers) / sizeof(timers[0]); i++)
		close_handle((uv_handle_t *)timers[i]);
	close_handle((uv_handle_t *)&u->sig_term);
	close_handle((uv_handle_t *)&u->sig_int);
}

void unit_stop_if_idle(struct unit *u)
{
	if (u->stopping && !u->sending && u->link)
		shut_down(u);
}

static void on_grace(uv_timer_t *t)
{
	struct unit *u = t->data;
	log_warn(MOD, "event=stop_forced advice=\"the send in hand did not finish; it goes again at the next "
		      "start\"");
	shut_down(u);
}

static void on_signal(uv_signal_t *h, int signum)
{
	struct unit *u = h->data;
	if (u->stopping)
		return;
	u->stopping = true;
	log_info(MOD, "event=stopping signal=%s sending=%s", signum == SIGTERM ? "TERM" : "INT",
		 u->sending ? "yes" : "no");
	uv_timer_stop(&u->t_sample);
	uv_timer_stop(&u->t_report);
	uv_timer_stop(&u->t_heartbeat);
	uv_timer_stop(&u->t_outbox);
	if (u->sending)
		uv_timer_start(&u->t_stop, on_grace, UNIT_STOP_GRACE_MS, 0);
	unit_stop_if_idle(u);
}

static void init_handles(struct unit *u)
{
	uv_timer_t *timers[] = {&u->t_sample, &u->t_report,   &u->t_heartbeat,
				&u->t_outbox, &u->t_assembly, &u->t_stop};
	for (size_t i = 0; i < sizeof(timers) / sizeof(timers[0]); i++) {
		uv_timer_init(u->loop, timers[i]);
		timers[i]->data = u;
	}
	uv_signal_init(u->loop, &u->sig_term);
	uv_signal_init(u->loop, &u->sig_int);
	u->sig_term.data = u->sig_int.data = u;
	uv_signal_start(&u->sig_term, on_signal, SIGTERM);
	uv_signal_start(&u->sig_int, on_signal, SIGINT);
	u->handles = true;
}

static int open_store(struct unit *u)
{
	struct store_open_cfg cfg = {.path = u->set->store, .kind = STORE_KIND_UNIT};
	int rc = store_open(&cfg, &u->store);
	if (rc < 0)
		return rc;
	unit_conf_from_file(&u->conf, u->set);
	rc = unit_conf_load(&u->conf, u->store);
	if (rc < 0)
		return rc;
	load_clock(u);
	load_window(u);
	return 0;
}

static int start(struct unit *u)
{
	int rc = open_store(u);
	if (rc < 0)
		return rc;
	u->utc_offset_min = local_offset_min();
	u->start_mono = unit_mono(u);
	u->base_since_ms = unit_now_ms(u);
	u->base = unit_bases_saved(u->store, u->set);
	init_handles(u);
	if ((rc = unit_rx_init(u)) < 0)
		return rc;
	struct modem_hooks hooks = {.state_changed = on_state, .sms_received = on_sms};
	struct modem_timing timing;
	modem_timing_defaults(&u->set->modem, &timing);
	timing.send_ms = u->set->send_timeout_s * 1000;
	u->link = modem_link_new(u->loop, &u->set->modem, &timing, &hooks, u);
	if (!u->link)
		return -ENOMEM;
	if ((rc = unit_sample_init(u)) < 0)
		return rc;
	unit_power_init(u);
	unit_report_init(u);
	log_info(MOD,
		 "event=started unit=%s store=%s base=%s channels=%d sample_s=%u report_s=%u "
		 "heartbeat_s=%u",
		 u->set->id, u->set->store, unit_base_number(u), u->conf.n_channels,
		 u->conf.sample_interval_s, u->conf.report_interval_s, u->set->heartbeat_s);
	modem_link_start(u->link);
	unit_outbox_kick(u);
	return 0;
}

int unit_run(const struct unit_settings *set, const struct unit_test_opts *test)
{
	if (proto_init() < 0)
		return -EIO;
	struct unit *u = calloc(1, sizeof(*u));
	uv_loop_t *loop = calloc(1, sizeof(*loop));
	if (!u || !loop || uv_loop_init(loop) < 0) {
		free(u);
		free(loop);
		return -ENOMEM;
	}
	u->loop = loop;
	u->set = set;
	u->crash_at = test ? test->crash_at : UNIT_CRASH_NONE;
	if (u->crash_at != UNIT_CRASH_NONE)
		log_warn(MOD,
			 "event=test_crash_armed point=%s advice=\"for tests only: unset M2MON_TEST_CRASH\"",
			 unit_crash_point_str(u->crash_at));
	int rc = start(u);
	if (rc < 0) {
		log_error(MOD, "event=start_failed error=\"%s\"", store_strerror(rc));
		if (u->handles)
			shut_down(u);
	}
	uv_run(loop, UV_RUN_DEFAULT);
	store_close(u->store);
	uv_loop_close(loop);
	if (rc == 0)
		log_info(MOD, "event=stopped");
	free(u);
	free(loop);
	return rc;
}
