/* The lifecycle's states: one enter_state that logs `from -> to`, one small handler per state
 * (events are queued by modem.c and handed to the handler of the state the modem is in),
 * and the recovery ladder as a table of rungs (re-init -> reset -> reopen -> dead), each
 * with the state it puts the modem in, how long that state waits and what a person can
 * check. */
#include "log.h"
#include "modem_priv.h"

#include <stdio.h>
#include <string.h>

#define PROBE_TRIES      3
#define REG_POLL_MS      5000
#define SIM_BUSY_TRIES   10
#define SIM_BUSY_WAIT_MS 2000
#define DEAD_FIRST_MS    1000

static uint32_t no_wait(const struct modem *m)
{
	(void)m;
	return 0;
}

static uint32_t boot_wait(const struct modem *m)
{
	return m->profile->boot_ms;
}

/* A USB modem replugged is back within seconds: the first reopen comes soon, and each one
 * that fails waits twice as long, up to the retry period. */
static uint32_t dead_wait(const struct modem *m)
{
	uint32_t first = DEAD_FIRST_MS < m->timing.dead_retry_ms ? DEAD_FIRST_MS : m->timing.dead_retry_ms;
	return m->dead_wait_ms ? m->dead_wait_ms : first;
}

static void dead_backoff(struct modem *m)
{
	uint32_t next = dead_wait(m) * 2;
	m->dead_wait_ms = next < m->timing.dead_retry_ms ? next : m->timing.dead_retry_ms;
}

static const struct rung_row {
	const char *event;    /* the log line's event */
	enum log_level level; /* how loud it is */
	enum modem_state enter;
	uint32_t (*wait_ms)(const struct modem *m); /* the timer of that state, 0: none */
	const char *action;                         /* what a person can check */
} rungs[] = {
	[MODEM_RUNG_HEALTHY] = {"recovered", LOG_LEVEL_INFO, MODEM_STATE_READY, no_wait,
				"nothing"}, /* not climbed to */
	[MODEM_RUNG_REINIT] = {"recover", LOG_LEVEL_WARN, MODEM_STATE_PROBING, no_wait,
			       "none yet; m2mon re-initialises the modem"},
	[MODEM_RUNG_RESET] = {"recover", LOG_LEVEL_WARN, MODEM_STATE_RESETTING, boot_wait,
			      "if this repeats, check the modem's power supply"},
	[MODEM_RUNG_REOPEN] = {"recover", LOG_LEVEL_ERROR, MODEM_STATE_REOPENING, no_wait,
			       "check the USB cable and that no other program uses the port"},
	[MODEM_RUNG_DEAD] = {"modem_dead", LOG_LEVEL_ERROR, MODEM_STATE_DEAD, dead_wait,
			     "power-cycle the modem or replug it; m2mon retries the port after wait_s "
			     "seconds, then less often, and recovers by itself when it answers"},
};

const char *modem_rung_str(enum modem_rung rung)
{
	switch (rung) {
	case MODEM_RUNG_HEALTHY:
		return "healthy";
	case MODEM_RUNG_REINIT:
		return "reinit";
	case MODEM_RUNG_RESET:
		return "reset";
	case MODEM_RUNG_REOPEN:
		return "reopen";
	case MODEM_RUNG_DEAD:
		return "dead";
	}
	return "unknown";
}

static void enter_probing(struct modem *m)
{
	m->probe_tries = 0;
	modem_script_start(m, &modem_script_probe);
}

static void enter_init(struct modem *m)
{
	m->sim_busy_tries = 0;
	modem_script_start(m, &modem_script_init);
}

static void enter_registering(struct modem *m)
{
	modem_set_timer(m, m->timing.register_ms < REG_POLL_MS ? m->timing.register_ms : REG_POLL_MS);
	modem_script_start(m, &modem_script_register);
}

static void enter_sms_setup(struct modem *m)
{
	m->acking = false; /* until the modem accepts AT+CSMS=1 again */
	modem_script_start(m, &modem_script_sms_setup);
}

static void enter_ready(struct modem *m)
{
	m->sweep_at_ms = m->now_ms + m->timing.sweep_ms;
	m->poll_at_ms = m->now_ms + m->timing.signal_ms;
	modem_rx_sweep(m);
}

/* What entering each state starts; NULL: nothing but the state's timer, if any. */
static void (*const enter_fn[])(struct modem *m) = {
	[MODEM_STATE_CLOSED] = NULL,
	[MODEM_STATE_PROBING] = enter_probing,
	[MODEM_STATE_INIT] = enter_init,
	[MODEM_STATE_REGISTERING] = enter_registering,
	[MODEM_STATE_SMS_SETUP] = enter_sms_setup,
	[MODEM_STATE_READY] = enter_ready,
	[MODEM_STATE_RESETTING] = NULL,
	[MODEM_STATE_REOPENING] = NULL,
	[MODEM_STATE_SIM_LOCKED] = NULL,
	[MODEM_STATE_DEAD] = NULL,
};

void modem_enter_state(struct modem *m, enum modem_state to)
{
	enum modem_state from = m->state;

	m->state = to;
	m->state_timer_ms = UINT64_MAX;
	m->state_since_ms = m->now_ms;
	m->script = NULL;
	if (to != MODEM_STATE_READY)
		m->sweep_at_ms = m->poll_at_ms = UINT64_MAX;
	log_info("modem", "event=state from=%s to=%s rung=%s", modem_state_str(from), modem_state_str(to),
		 modem_rung_str(m->rung));
	if (enter_fn[to])
		enter_fn[to](m);
	if (m->hooks.state_changed)
		m->hooks.state_changed(m->user_data, from, to);
}

void modem_drop_work(struct modem *m)
{
	at_chat_abort_all(m->chat);
	modem_rx_reset(m);
}

/* One rung up the ladder (a dead modem stays dead, quietly), logged once per rung with what
 * a person can check. */
static void climb(struct modem *m, const char *why)
{
	if (m->rung == MODEM_RUNG_DEAD) {
		modem_drop_work(m);
		modem_enter_state(m, MODEM_STATE_DEAD);
		modem_set_timer(m, dead_wait(m));
		return;
	}
	m->rung++;
	const struct rung_row *row = &rungs[m->rung];
	uint32_t wait_ms = row->wait_ms(m);
	modem_drop_work(m);
	log_write(row->level, "modem", "event=%s step=%s why=\"%s\" device=%s wait_s=%u action=\"%s\"",
		  row->event, modem_rung_str(m->rung), why, m->settings.device, wait_ms / 1000, row->action);
	if (m->rung == MODEM_RUNG_RESET) {
		struct at_cmd c = {m->profile->reset, "", NULL, m->timing.command_ms, false};
		log_info("modem", "event=reset cmd=\"%s\" boot_ms=%u", m->profile->reset, wait_ms);
		at_chat_send(m->chat, &c, m->now_ms, NULL, NULL);
	}
	modem_enter_state(m, row->enter);
	if (wait_ms)
		modem_set_timer(m, wait_ms);
	if (m->rung == MODEM_RUNG_REOPEN && m->hooks.reopen_port)
		m->hooks.reopen_port(m->user_data);
}

/* The port failed while open: straight to reopening it (the rungs below cannot help). */
static void port_failed_open(struct modem *m)
{
	if (m->rung < MODEM_RUNG_RESET)
		m->rung = MODEM_RUNG_RESET;
	climb(m, "the port failed");
}

/* The port could not be opened: the modem is dead until a retry opens it. */
static void port_cannot_open(struct modem *m)
{
	if (m->rung < MODEM_RUNG_REOPEN)
		m->rung = MODEM_RUNG_REOPEN;
	climb(m, "the port cannot be opened");
}

/* The port events every state with an open port handles alike. True when `ev` was one. */
static bool port_event(struct modem *m, enum modem_event ev)
{
	switch (ev) {
	case MODEM_EV_PORT_OPENED:
		modem_enter_state(m, MODEM_STATE_PROBING);
		return true;
	case MODEM_EV_PORT_FAILED:
		port_failed_open(m);
		return true;
	case MODEM_EV_PORT_CLOSED:
		modem_drop_work(m);
		modem_enter_state(m, MODEM_STATE_CLOSED);
		return true;
	case MODEM_EV_SCRIPT_OK:
	case MODEM_EV_SCRIPT_FAILED:
	case MODEM_EV_TIMER:
	case MODEM_EV_REGISTERED:
	case MODEM_EV_BOOTED:
	case MODEM_EV_HUNG:
	case MODEM_EV_SIM_FULL:
		break;
	}
	return false;
}

/* A failed init, registration or SMS setup script: the SIM table says whether a person must
 * act (sim_locked) or the SIM is still starting (wait); anything else climbs the ladder. */
static void setup_failed(struct modem *m)
{
	const struct at_result *r = &m->script_result;
	const struct modem_sim_row *sim = r->kind == AT_RESULT_CME_ERROR ? modem_sim_by_cme(r->code) : NULL;
	char res[96], why[160];

	if (sim && sim->locks) {
		m->info.sim_state = sim->state;
		m->pin_refused = m->pin_refused || sim->state == MODEM_SIM_WRONG_PIN;
		log_error("modem", "event=sim_locked sim=%s code=%d reason=\"%s\" action=\"%s\"",
			  modem_sim_str(sim->state), r->code,
			  at_result_describe(r) ? at_result_describe(r) : "SIM error", sim->advice);
		modem_enter_state(m, MODEM_STATE_SIM_LOCKED);
		return;
	}
	if (sim && sim->state == MODEM_SIM_NOT_READY && ++m->sim_busy_tries <= SIM_BUSY_TRIES) {
		log_info("modem", "event=sim_busy try=%d of=%d", m->sim_busy_tries, SIM_BUSY_TRIES);
		modem_set_timer(m, SIM_BUSY_WAIT_MS);
		return;
	}
	snprintf(why, sizeof(why), "%s gave %s", m->script_failed_cmd,
		 modem_result_text(r, res, sizeof(res)));
	climb(m, why);
}

static void on_closed(struct modem *m, enum modem_event ev)
{
	if (ev == MODEM_EV_PORT_FAILED)
		port_cannot_open(m);
	else if (ev == MODEM_EV_PORT_OPENED)
		modem_enter_state(m, MODEM_STATE_PROBING);
	else if (ev == MODEM_EV_PORT_CLOSED)
		modem_drop_work(m);
}

static void on_probing(struct modem *m, enum modem_event ev)
{
	if (port_event(m, ev))
		return;
	if (ev == MODEM_EV_SCRIPT_OK) {
		modem_enter_state(m, MODEM_STATE_INIT);
	} else if (ev == MODEM_EV_SCRIPT_FAILED) {
		/* No answer to AT: perhaps a text entry left open by a program killed in the middle
		 * of AT+CMGS (the module keeps it across our restart); ESC closes it. */
		if (++m->probe_tries < PROBE_TRIES) {
			at_chat_escape(m->chat);
			modem_script_start(m, &modem_script_probe);
		} else {
			climb(m, "no answer to AT");
		}
	}
}

static void on_init(struct modem *m, enum modem_event ev)
{
	if (port_event(m, ev))
		return;
	if (ev == MODEM_EV_SCRIPT_OK)
		modem_enter_state(m, MODEM_STATE_REGISTERING);
	else if (ev == MODEM_EV_SCRIPT_FAILED)
		setup_failed(m);
	else if (ev == MODEM_EV_TIMER && !m->script)
		modem_script_start(m, &modem_script_init); /* the SIM was busy: ask again */
	else if (ev == MODEM_EV_BOOTED)
		modem_enter_state(m, MODEM_STATE_PROBING);
}

static void registering_timer(struct modem *m)
{
	if (m->now_ms - m->state_since_ms >= m->timing.register_ms) {
		log_error("modem",
			  "event=not_registered after_s=%u reg=%s action=\"check the antenna, the SIM's "
			  "validity and coverage; stored messages are still read\"",
			  m->timing.register_ms / 1000, modem_reg_str(m->info.reg));
		modem_enter_state(m, MODEM_STATE_SMS_SETUP);
		return;
	}
	if (!m->script)
		modem_script_start(m, &modem_script_reg_poll);
	modem_set_timer(m, REG_POLL_MS);
}

static void on_registering(struct modem *m, enum modem_event ev)
{
	if (port_event(m, ev))
		return;
	if (ev == MODEM_EV_SCRIPT_OK && modem_is_registered(m))
		modem_enter_state(m, MODEM_STATE_SMS_SETUP);
	else if (ev == MODEM_EV_SCRIPT_FAILED)
		setup_failed(m);
	else if (ev == MODEM_EV_REGISTERED && !m->script)
		modem_enter_state(m, MODEM_STATE_SMS_SETUP);
	else if (ev == MODEM_EV_TIMER)
		registering_timer(m);
	else if (ev == MODEM_EV_BOOTED)
		modem_enter_state(m, MODEM_STATE_PROBING);
}

static void on_sms_setup(struct modem *m, enum modem_event ev)
{
	if (port_event(m, ev))
		return;
	if (ev == MODEM_EV_SCRIPT_OK)
		modem_enter_state(m, MODEM_STATE_READY);
	else if (ev == MODEM_EV_SCRIPT_FAILED)
		setup_failed(m);
	else if (ev == MODEM_EV_BOOTED)
		modem_enter_state(m, MODEM_STATE_PROBING);
}

static void on_ready(struct modem *m, enum modem_event ev)
{
	char why[96];

	if (port_event(m, ev))
		return;
	switch (ev) {
	case MODEM_EV_HUNG:
	case MODEM_EV_SCRIPT_FAILED:
		if (ev == MODEM_EV_SCRIPT_FAILED && m->script_result.kind != AT_RESULT_TIMEOUT)
			break;
		snprintf(why, sizeof(why), "no answer to %s", m->script_failed_cmd);
		climb(m, why);
		break;
	case MODEM_EV_BOOTED:
		log_warn("modem", "event=modem_restarted action=\"the modem rebooted by itself; m2mon "
				  "re-initialises it; check its power supply if this repeats\"");
		modem_drop_work(m);
		modem_enter_state(m, MODEM_STATE_PROBING);
		break;
	case MODEM_EV_SIM_FULL:
		modem_storage_full(m, m->profile->storage, "cms_error");
		break;
	case MODEM_EV_SCRIPT_OK:
		/* The first status poll answered: the modem has worked in ready for a poll period
		 * (start-up sweep included). Only now is the ladder climbed down, so that a modem
		 * that inits but hangs on AT+CMGL each time (Huawei, gammu issue 4) is reset rather
		 * than re-initialised for ever. */
		if (m->rung != MODEM_RUNG_HEALTHY)
			log_info("modem", "event=recovered from=%s", modem_rung_str(m->rung));
		m->rung = MODEM_RUNG_HEALTHY;
		m->dead_wait_ms = 0;
		break;
	case MODEM_EV_PORT_OPENED:
	case MODEM_EV_PORT_FAILED:
	case MODEM_EV_PORT_CLOSED:
	case MODEM_EV_TIMER:
	case MODEM_EV_REGISTERED:
		break;
	}
}

static void on_resetting(struct modem *m, enum modem_event ev)
{
	if (port_event(m, ev))
		return;
	if (ev == MODEM_EV_TIMER || ev == MODEM_EV_BOOTED)
		modem_enter_state(m, MODEM_STATE_PROBING);
}

/* Waiting for the driver to reopen the port: it reports opened or failed. */
static void on_reopening(struct modem *m, enum modem_event ev)
{
	if (ev == MODEM_EV_PORT_FAILED)
		port_cannot_open(m);
	else if (ev == MODEM_EV_PORT_OPENED)
		modem_enter_state(m, MODEM_STATE_PROBING);
	else if (ev == MODEM_EV_PORT_CLOSED)
		modem_drop_work(m);
}

static void on_sim_locked(struct modem *m, enum modem_event ev)
{
	port_event(m, ev);
}

/* Dead: the slow timer asks the driver to reopen the port; a retry that fails changes
 * nothing (its timer runs on). */
static void on_dead(struct modem *m, enum modem_event ev)
{
	if (ev == MODEM_EV_TIMER && m->hooks.reopen_port) {
		dead_backoff(m);
		modem_set_timer(m, dead_wait(m));
		m->hooks.reopen_port(m->user_data);
	} else if (ev == MODEM_EV_PORT_OPENED) {
		modem_enter_state(m, MODEM_STATE_PROBING);
	} else if (ev == MODEM_EV_PORT_FAILED || ev == MODEM_EV_PORT_CLOSED) {
		modem_drop_work(m);
	}
}

static void (*const handlers[])(struct modem *m, enum modem_event ev) = {
	[MODEM_STATE_CLOSED] = on_closed,
	[MODEM_STATE_PROBING] = on_probing,
	[MODEM_STATE_INIT] = on_init,
	[MODEM_STATE_REGISTERING] = on_registering,
	[MODEM_STATE_SMS_SETUP] = on_sms_setup,
	[MODEM_STATE_READY] = on_ready,
	[MODEM_STATE_RESETTING] = on_resetting,
	[MODEM_STATE_REOPENING] = on_reopening,
	[MODEM_STATE_SIM_LOCKED] = on_sim_locked,
	[MODEM_STATE_DEAD] = on_dead,
};

void modem_handle_event(struct modem *m, enum modem_event ev)
{
	log_debug("modem", "event=modem_event name=%s state=%s", modem_event_str(ev),
		  modem_state_str(m->state));
	handlers[m->state](m, ev);
}
