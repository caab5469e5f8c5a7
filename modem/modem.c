/* The modem lifecycle state machine: explicit states with one enter_state, events queued
 * and handled per state, the recovery ladder (re-init -> reset -> reopen -> dead), and the
 * engine's public face (feed, tick, output). Scripts are modem_init.c's, receiving
 * modem_rx.c's, sending modem_tx.c's. */
#include "log.h"
#include "modem_priv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROBE_TRIES      3
#define REG_POLL_MS      5000
#define SIM_BUSY_TRIES   10
#define SIM_BUSY_WAIT_MS 2000

const char *modem_state_str(enum modem_state state)
{
	switch (state) {
	case MODEM_STATE_CLOSED:
		return "closed";
	case MODEM_STATE_PROBING:
		return "probing";
	case MODEM_STATE_INIT:
		return "init";
	case MODEM_STATE_REGISTERING:
		return "registering";
	case MODEM_STATE_SMS_SETUP:
		return "sms_setup";
	case MODEM_STATE_READY:
		return "ready";
	case MODEM_STATE_RESETTING:
		return "resetting";
	case MODEM_STATE_REOPENING:
		return "reopening";
	case MODEM_STATE_SIM_LOCKED:
		return "sim_locked";
	case MODEM_STATE_DEAD:
		return "dead";
	}
	return "unknown";
}

const char *modem_event_str(enum modem_event ev)
{
	switch (ev) {
	case MODEM_EV_PORT_OPENED:
		return "port_opened";
	case MODEM_EV_PORT_FAILED:
		return "port_failed";
	case MODEM_EV_PORT_CLOSED:
		return "port_closed";
	case MODEM_EV_SCRIPT_OK:
		return "script_ok";
	case MODEM_EV_SCRIPT_FAILED:
		return "script_failed";
	case MODEM_EV_TIMER:
		return "timer";
	case MODEM_EV_REGISTERED:
		return "registered";
	case MODEM_EV_BOOTED:
		return "booted";
	case MODEM_EV_HUNG:
		return "hung";
	case MODEM_EV_SIM_FULL:
		return "sim_full";
	}
	return "unknown";
}

void modem_timing_defaults(const struct modem_settings *settings, struct modem_timing *t)
{
	t->command_ms = settings->command_timeout_ms > 0 ? (uint32_t)settings->command_timeout_ms : 5000;
	t->send_ms = 120000; /* the longest AT+CMGS answer documented (Quectel UGxx AT manual 9.8) */
	t->register_ms = 120000;
	t->sweep_ms = 300000;
	t->signal_ms = 60000;
	t->dead_retry_ms = 60000;
}

struct modem *modem_new(const struct modem_settings *settings, const struct modem_timing *timing,
			const struct modem_hooks *hooks, void *user_data)
{
	struct modem *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->chat = at_chat_new();
	if (!m->chat) {
		free(m);
		return NULL;
	}
	m->settings = *settings;
	if (timing)
		m->timing = *timing;
	else
		modem_timing_defaults(settings, &m->timing);
	m->hooks = *hooks;
	m->user_data = user_data;
	m->profile = modem_profile_by_index(settings->profile);
	if (!m->profile)
		m->profile = &modem_profile_generic;
	m->info.profile = m->profile->name;
	m->state = MODEM_STATE_CLOSED;
	m->state_timer_ms = m->sweep_at_ms = m->poll_at_ms = UINT64_MAX;
	modem_rx_register_urcs(m);
	return m;
}

void modem_free(struct modem *m)
{
	if (!m)
		return;
	at_chat_free(m->chat);
	memset(m->settings.pin, 0, sizeof(m->settings.pin));
	free(m);
}

void modem_set_timer(struct modem *m, uint64_t delay_ms)
{
	m->state_timer_ms = m->now_ms + delay_ms;
}

static void enter_state(struct modem *m, enum modem_state to)
{
	enum modem_state from = m->state;

	m->state = to;
	m->state_timer_ms = UINT64_MAX;
	m->state_since_ms = m->now_ms;
	m->script = NULL;
	if (to != MODEM_STATE_READY)
		m->sweep_at_ms = m->poll_at_ms = UINT64_MAX;
	log_info("modem", "event=state from=%s to=%s ladder=%d", modem_state_str(from), modem_state_str(to),
		 m->ladder);
	switch (to) {
	case MODEM_STATE_PROBING:
		m->probe_tries = 0;
		modem_script_start(m, &modem_script_probe);
		break;
	case MODEM_STATE_INIT:
		m->sim_busy_tries = 0;
		modem_script_start(m, &modem_script_init);
		break;
	case MODEM_STATE_REGISTERING:
		modem_set_timer(m, m->timing.register_ms < REG_POLL_MS ? m->timing.register_ms : REG_POLL_MS);
		modem_script_start(m, &modem_script_register);
		break;
	case MODEM_STATE_SMS_SETUP:
		modem_script_start(m, &modem_script_sms_setup);
		break;
	case MODEM_STATE_READY:
		m->sweep_at_ms = m->now_ms + m->timing.sweep_ms;
		m->poll_at_ms = m->now_ms + m->timing.signal_ms;
		modem_rx_sweep(m);
		break;
	case MODEM_STATE_RESETTING:
		modem_set_timer(m, m->profile->boot_ms);
		break;
	case MODEM_STATE_REOPENING:
	case MODEM_STATE_CLOSED:
	case MODEM_STATE_SIM_LOCKED:
		break;
	case MODEM_STATE_DEAD:
		modem_set_timer(m, m->timing.dead_retry_ms);
		break;
	}
	if (m->hooks.state_changed)
		m->hooks.state_changed(m->user_data, from, to);
}

/* Drops what the modem was doing: queued commands end ABORTED, inbound messages not yet
 * stored will be handed over again by the next sweep. */
static void drop_work(struct modem *m)
{
	at_chat_abort_all(m->chat);
	modem_rx_reset(m);
}

/* One rung up the recovery ladder, logged once per rung with what a person can check. */
static void escalate(struct modem *m, const char *why)
{
	m->ladder++;
	drop_work(m);
	switch (m->ladder) {
	case 1:
		log_warn("modem",
			 "event=recover step=reinit why=\"%s\" action=\"none yet; m2mon re-initialises the "
			 "modem\"",
			 why);
		enter_state(m, MODEM_STATE_PROBING);
		return;
	case 2: {
		log_warn("modem",
			 "event=recover step=reset why=\"%s\" cmd=\"%s\" action=\"if this repeats, check the "
			 "modem's power supply\"",
			 why, m->profile->reset);
		struct at_cmd c = {m->profile->reset, "", NULL, m->timing.command_ms};
		at_chat_send(m->chat, &c, m->now_ms, NULL, NULL);
		enter_state(m, MODEM_STATE_RESETTING);
		return;
	}
	case 3:
		log_error("modem",
			  "event=recover step=reopen why=\"%s\" device=%s action=\"check the USB cable and "
			  "that no other program uses the port\"",
			  why, m->settings.device);
		enter_state(m, MODEM_STATE_REOPENING);
		if (m->hooks.reopen_port)
			m->hooks.reopen_port(m->user_data);
		return;
	default:
		if (m->ladder == 4)
			log_error("modem",
				  "event=modem_dead why=\"%s\" device=%s action=\"power-cycle the modem or "
				  "replug it; m2mon retries every %u s\"",
				  why, m->settings.device, m->timing.dead_retry_ms / 1000);
		m->ladder = 4;
		enter_state(m, MODEM_STATE_DEAD);
		return;
	}
}

static void script_failed_in_init(struct modem *m)
{
	const struct at_result *r = &m->script_result;
	char why[128];

	if (r->kind == AT_RESULT_CME_ERROR && r->code >= 10 && r->code <= 16 && r->code != 14) {
		log_error("modem", "event=sim_locked code=%d reason=\"%s\" action=\"%s\"", r->code,
			  at_result_describe(r) ? at_result_describe(r) : "SIM error",
			  r->code == 16 ? "the configured PIN is wrong: fix modem.pin; m2mon will not try it "
					  "again (a third wrong try locks the SIM)"
			  : r->code == 11 ? "the SIM asks for a PIN: set modem.pin in the configuration"
			  : r->code == 12 ? "the SIM needs its PUK: unlock it in a phone, then restart m2mon"
					  : "insert a working SIM card, then restart m2mon");
		enter_state(m, MODEM_STATE_SIM_LOCKED);
		return;
	}
	/* A SIM still starting up (TS 27.007 9.2.1 code 14) is waited for, not reset. */
	if (r->kind == AT_RESULT_CME_ERROR && r->code == 14 && ++m->sim_busy_tries <= SIM_BUSY_TRIES) {
		log_info("modem", "event=sim_busy try=%d of=%d", m->sim_busy_tries, SIM_BUSY_TRIES);
		modem_set_timer(m, SIM_BUSY_WAIT_MS);
		return;
	}
	snprintf(why, sizeof(why), "%s gave %s %d", m->script_failed_cmd, at_result_kind_str(r->kind),
		 r->code);
	escalate(m, why);
}

static void on_probing(struct modem *m, enum modem_event ev)
{
	switch (ev) {
	case MODEM_EV_SCRIPT_OK:
		enter_state(m, MODEM_STATE_INIT);
		break;
	case MODEM_EV_SCRIPT_FAILED:
		if (++m->probe_tries < PROBE_TRIES) {
			modem_script_start(m, &modem_script_probe);
			break;
		}
		escalate(m, "no answer to AT");
		break;
	case MODEM_EV_PORT_OPENED:
	case MODEM_EV_PORT_FAILED:
	case MODEM_EV_PORT_CLOSED:
	case MODEM_EV_TIMER:
	case MODEM_EV_REGISTERED:
	case MODEM_EV_BOOTED:
	case MODEM_EV_HUNG:
	case MODEM_EV_SIM_FULL:
		break;
	}
}

static void on_configuring(struct modem *m, enum modem_event ev)
{
	switch (ev) {
	case MODEM_EV_SCRIPT_OK:
		if (m->state == MODEM_STATE_INIT)
			enter_state(m, MODEM_STATE_REGISTERING);
		else if (m->state == MODEM_STATE_REGISTERING && modem_is_registered(m))
			enter_state(m, MODEM_STATE_SMS_SETUP);
		else if (m->state == MODEM_STATE_SMS_SETUP)
			enter_state(m, MODEM_STATE_READY);
		break;
	case MODEM_EV_SCRIPT_FAILED:
		script_failed_in_init(m);
		break;
	case MODEM_EV_REGISTERED:
		if (m->state == MODEM_STATE_REGISTERING && !m->script)
			enter_state(m, MODEM_STATE_SMS_SETUP);
		break;
	case MODEM_EV_TIMER:
		if (m->state == MODEM_STATE_INIT && !m->script)
			modem_script_start(m, &modem_script_init);
		if (m->state != MODEM_STATE_REGISTERING)
			break;
		if (m->now_ms - m->state_since_ms >= m->timing.register_ms) {
			log_error("modem",
				  "event=not_registered after_s=%u reg=%s action=\"check the antenna, the "
				  "SIM's validity and coverage; stored messages are still read\"",
				  m->timing.register_ms / 1000, modem_reg_str(m->info.reg));
			enter_state(m, MODEM_STATE_SMS_SETUP);
			break;
		}
		if (!m->script)
			modem_script_start(m, &modem_script_reg_poll);
		modem_set_timer(m, REG_POLL_MS);
		break;
	case MODEM_EV_BOOTED:
		enter_state(m, MODEM_STATE_PROBING);
		break;
	case MODEM_EV_PORT_OPENED:
	case MODEM_EV_PORT_FAILED:
	case MODEM_EV_PORT_CLOSED:
	case MODEM_EV_HUNG:
	case MODEM_EV_SIM_FULL:
		break;
	}
}

static void on_ready(struct modem *m, enum modem_event ev)
{
	switch (ev) {
	case MODEM_EV_HUNG:
	case MODEM_EV_SCRIPT_FAILED:
		if (ev == MODEM_EV_HUNG || m->script_result.kind == AT_RESULT_TIMEOUT) {
			char why[96];
			snprintf(why, sizeof(why), "no answer to %s", m->script_failed_cmd);
			escalate(m, why);
		}
		break;
	case MODEM_EV_BOOTED:
		log_warn("modem", "event=modem_restarted action=\"the modem rebooted by itself; m2mon "
				  "re-initialises it; check its power supply if this repeats\"");
		drop_work(m);
		enter_state(m, MODEM_STATE_PROBING);
		break;
	case MODEM_EV_SIM_FULL:
		log_warn("modem", "event=sim_full action=\"m2mon reads and deletes stored messages now; if "
				  "this repeats, check that the application stores them\"");
		modem_rx_sweep(m);
		break;
	case MODEM_EV_SCRIPT_OK:
		/* The first status poll answered: the modem has worked in ready for a poll period
		 * (start-up sweep included). Only now is the ladder climbed down, so that a modem
		 * that inits but hangs on AT+CMGL each time (Huawei, gammu issue 4) is reset rather
		 * than re-initialised for ever. */
		if (m->ladder > 0)
			log_info("modem", "event=recovered ladder=%d", m->ladder);
		m->ladder = 0;
		break;
	case MODEM_EV_PORT_OPENED:
	case MODEM_EV_PORT_FAILED:
	case MODEM_EV_PORT_CLOSED:
	case MODEM_EV_TIMER:
	case MODEM_EV_REGISTERED:
		break;
	}
}

static void on_port_event(struct modem *m, enum modem_event ev)
{
	switch (ev) {
	case MODEM_EV_PORT_OPENED:
		enter_state(m, MODEM_STATE_PROBING);
		break;
	case MODEM_EV_PORT_FAILED:
		drop_work(m);
		if (m->state == MODEM_STATE_DEAD)
			break; /* a retry of a dead modem failed: still dead, its timer runs */
		if (m->state == MODEM_STATE_CLOSED || m->state == MODEM_STATE_REOPENING ||
		    m->state == MODEM_STATE_DEAD) {
			m->ladder = 3;
			escalate(m, "the port cannot be opened");
		} else {
			if (m->ladder < 2)
				m->ladder = 2;
			escalate(m, "the port failed");
		}
		break;
	case MODEM_EV_PORT_CLOSED:
		drop_work(m);
		if (m->state != MODEM_STATE_REOPENING && m->state != MODEM_STATE_DEAD)
			enter_state(m, MODEM_STATE_CLOSED);
		break;
	case MODEM_EV_SCRIPT_OK:
	case MODEM_EV_SCRIPT_FAILED:
	case MODEM_EV_TIMER:
	case MODEM_EV_REGISTERED:
	case MODEM_EV_BOOTED:
	case MODEM_EV_HUNG:
	case MODEM_EV_SIM_FULL:
		break;
	}
}

static void handle_event(struct modem *m, enum modem_event ev)
{
	log_debug("modem", "event=modem_event name=%s state=%s", modem_event_str(ev),
		  modem_state_str(m->state));
	if (ev == MODEM_EV_PORT_OPENED || ev == MODEM_EV_PORT_FAILED || ev == MODEM_EV_PORT_CLOSED) {
		on_port_event(m, ev);
		return;
	}
	switch (m->state) {
	case MODEM_STATE_PROBING:
		on_probing(m, ev);
		break;
	case MODEM_STATE_INIT:
	case MODEM_STATE_REGISTERING:
	case MODEM_STATE_SMS_SETUP:
		on_configuring(m, ev);
		break;
	case MODEM_STATE_READY:
		on_ready(m, ev);
		break;
	case MODEM_STATE_RESETTING:
		if (ev == MODEM_EV_TIMER || ev == MODEM_EV_BOOTED)
			enter_state(m, MODEM_STATE_PROBING);
		break;
	case MODEM_STATE_DEAD:
		if (ev == MODEM_EV_TIMER && m->hooks.reopen_port) {
			modem_set_timer(m, m->timing.dead_retry_ms);
			m->hooks.reopen_port(m->user_data);
		}
		break;
	case MODEM_STATE_CLOSED:
	case MODEM_STATE_REOPENING:
	case MODEM_STATE_SIM_LOCKED:
		break;
	}
}

void modem_post(struct modem *m, enum modem_event ev)
{
	if (m->ev_len == sizeof(m->events) / sizeof(m->events[0])) {
		log_error("modem", "event=event_overflow dropped=%s", modem_event_str(ev));
		return;
	}
	m->events[(m->ev_head + m->ev_len++) % 16] = ev;
	if (m->in_events)
		return;
	m->in_events = true;
	while (m->ev_len > 0) {
		enum modem_event e = m->events[m->ev_head];
		m->ev_head = (m->ev_head + 1) % 16;
		m->ev_len--;
		handle_event(m, e);
	}
	m->in_events = false;
}

static void advance(struct modem *m, uint64_t now_ms)
{
	if (now_ms > m->now_ms)
		m->now_ms = now_ms;
}

void modem_port_opened(struct modem *m, uint64_t now_ms)
{
	advance(m, now_ms);
	modem_post(m, MODEM_EV_PORT_OPENED);
}

void modem_port_failed(struct modem *m, int err, uint64_t now_ms)
{
	advance(m, now_ms);
	if (m->state == MODEM_STATE_DEAD)
		log_debug("modem", "event=port_failed device=%s error=\"%s\"", m->settings.device,
			  strerror(-err));
	else
		log_warn("modem", "event=port_failed device=%s error=\"%s\"", m->settings.device,
			 strerror(-err));
	modem_post(m, MODEM_EV_PORT_FAILED);
}

void modem_port_closed(struct modem *m, uint64_t now_ms)
{
	advance(m, now_ms);
	modem_post(m, MODEM_EV_PORT_CLOSED);
}

void modem_feed(struct modem *m, const void *buf, size_t len, uint64_t now_ms)
{
	advance(m, now_ms);
	at_chat_feed(m->chat, buf, len, m->now_ms);
}

static void ready_timers(struct modem *m)
{
	if (m->state != MODEM_STATE_READY)
		return;
	if (m->sweep_at_ms <= m->now_ms) {
		m->sweep_at_ms = m->now_ms + m->timing.sweep_ms;
		modem_rx_sweep(m);
	}
	if (m->poll_at_ms <= m->now_ms) {
		m->poll_at_ms = m->now_ms + m->timing.signal_ms;
		modem_script_start(m, &modem_script_status);
	}
}

void modem_tick(struct modem *m, uint64_t now_ms)
{
	advance(m, now_ms);
	at_chat_tick(m->chat, m->now_ms);
	if (m->state_timer_ms <= m->now_ms) {
		m->state_timer_ms = UINT64_MAX;
		modem_post(m, MODEM_EV_TIMER);
	}
	ready_timers(m);
}

uint64_t modem_next_deadline(const struct modem *m)
{
	uint64_t d = at_chat_next_deadline(m->chat);

	if (m->state_timer_ms < d)
		d = m->state_timer_ms;
	if (m->sweep_at_ms < d)
		d = m->sweep_at_ms;
	if (m->poll_at_ms < d)
		d = m->poll_at_ms;
	return d;
}

const uint8_t *modem_output(const struct modem *m, size_t *len)
{
	return at_chat_output(m->chat, len);
}

void modem_consume(struct modem *m, size_t n)
{
	at_chat_consume(m->chat, n);
}

bool modem_idle(const struct modem *m)
{
	return m->state == MODEM_STATE_READY && at_chat_queue_len(m->chat) == 0 && !m->sweeping;
}

enum modem_state modem_state(const struct modem *m)
{
	return m->state;
}

const struct modem_info *modem_info(const struct modem *m)
{
	return &m->info;
}

int modem_command(struct modem *m, const struct at_cmd *cmd, at_response_cb cb, void *user_data)
{
	return at_chat_send(m->chat, cmd, m->now_ms, cb, user_data);
}

void modem_note_result(struct modem *m, const struct at_response *r)
{
	if (r->result.kind == AT_RESULT_TIMEOUT) {
		snprintf(m->script_failed_cmd, sizeof(m->script_failed_cmd), "%s", r->request);
		modem_post(m, MODEM_EV_HUNG);
	} else if (r->result.kind == AT_RESULT_CMS_ERROR && r->result.code == 322)
		modem_post(m, MODEM_EV_SIM_FULL);
}
