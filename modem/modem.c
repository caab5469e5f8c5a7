/* The modem engine's public face: creation, the event queue, bytes and time in (feed, tick,
 * port events), bytes out (output), and the small helpers every part of the lifecycle uses.
 * The states are modem_state.c's, the scripts modem_init.c's, receiving modem_rx.c's and
 * modem_store.c's, sending modem_tx.c's. */
#include "log.h"
#include "modem_priv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

const char *modem_inbound_kind_str(enum modem_inbound_kind kind)
{
	switch (kind) {
	case MODEM_INBOUND_DELIVER:
		return "deliver";
	case MODEM_INBOUND_STATUS_REPORT:
		return "status_report";
	case MODEM_INBOUND_SUBMIT:
		return "submit";
	case MODEM_INBOUND_UNKNOWN:
		return "unknown";
	}
	return "unknown";
}

void modem_timing_defaults(const struct modem_settings *settings, struct modem_timing *t)
{
	t->command_ms = settings->command_timeout_ms > 0 ? (uint32_t)settings->command_timeout_ms : 5000;
	t->send_ms = 120000; /* the longest AT+CMGS answer documented (Quectel UGxx AT manual 9.8) */
	t->register_ms = 120000;
	t->sweep_ms = 300000;
	t->signal_ms = settings->status_poll_s > 0 ? (uint32_t)settings->status_poll_s * 1000 : 60000;
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
	m->profile = modem_profile_find(settings->profile);
	if (!m->profile)
		m->profile = &modem_profile_generic;
	m->info.profile = m->profile->name;
	m->info.storage_used = m->info.storage_total = -1;
	m->state = MODEM_STATE_CLOSED;
	m->state_timer_ms = m->sweep_at_ms = m->poll_at_ms = UINT64_MAX;
	modem_store_reset(m);
	if (modem_urc_register(m) != 0) {
		modem_free(m);
		return NULL;
	}
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

void modem_post(struct modem *m, enum modem_event ev)
{
	if (m->ev_len == MODEM_EVENT_QUEUE) {
		log_error("modem", "event=event_overflow dropped=%s", modem_event_str(ev));
		return;
	}
	m->events[(m->ev_head + m->ev_len++) % MODEM_EVENT_QUEUE] = ev;
	if (m->in_events)
		return;
	m->in_events = true;
	while (m->ev_len > 0) {
		enum modem_event e = m->events[m->ev_head];
		m->ev_head = (m->ev_head + 1) % MODEM_EVENT_QUEUE;
		m->ev_len--;
		modem_handle_event(m, e);
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
	modem_store_kick(m);
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
	modem_store_kick(m);
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

size_t modem_output_secret(const struct modem *m)
{
	return at_chat_output_secret(m->chat);
}

bool modem_secret_pending(const struct modem *m)
{
	return at_chat_secret_pending(m->chat);
}

bool modem_idle(const struct modem *m)
{
	return m->state == MODEM_STATE_READY && at_chat_queue_len(m->chat) == 0 && !m->sweeping &&
	       modem_store_idle(m);
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
	} else if (r->result.kind == AT_RESULT_CMS_ERROR && r->result.code == 322) {
		modem_post(m, MODEM_EV_SIM_FULL);
	}
}

const char *modem_result_text(const struct at_result *r, char *buf, size_t size)
{
	const char *why = at_result_describe(r);

	if (r->kind == AT_RESULT_CME_ERROR || r->kind == AT_RESULT_CMS_ERROR)
		snprintf(buf, size, "%s %d (%s)", at_result_kind_str(r->kind), r->code,
			 why ? why : "a code m2mon does not know");
	else
		snprintf(buf, size, "%s", at_result_kind_str(r->kind));
	return buf;
}
