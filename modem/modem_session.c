/* The one-shot modem session: its own libuv loop, the link, an overall deadline, signal
 * handling, and the idle detection that tells a command "everything stored was read". */
#include "modem_session.h"
#include "modem_link.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <uv.h>

struct modem_session {
	uv_loop_t loop;
	struct modem_link *link;
	uv_timer_t deadline;
	uv_check_t check;
	uv_signal_t sigint, sigterm;
	struct modem_session_hooks hooks;
	void *user_data;
	bool stopped, was_idle, started;
	int result;
};

static void on_state(void *user_data, enum modem_state from, enum modem_state to)
{
	struct modem_session *s = user_data;

	(void)from;
	if (to == MODEM_STATE_SIM_LOCKED)
		modem_session_stop(s, -EACCES);
	else if (to == MODEM_STATE_DEAD)
		modem_session_stop(s, -EHOSTDOWN);
}

static void on_sms(void *user_data, const struct modem_inbound *in)
{
	struct modem_session *s = user_data;

	if (s->hooks.sms)
		s->hooks.sms(s, in, s->user_data);
	else
		modem_sms_keep(modem_link_modem(s->link), in->token, modem_session_now(s));
}

struct modem_session *modem_session_new(const struct modem_settings *settings,
					const struct modem_timing *timing,
					const struct modem_session_hooks *hooks, void *user_data)
{
	struct modem_session *s = calloc(1, sizeof(*s));
	struct modem_hooks mh = {on_state, on_sms, NULL};
	struct modem_timing t;

	if (!s || uv_loop_init(&s->loop) != 0) {
		free(s);
		return NULL;
	}
	if (!timing) {
		modem_timing_defaults(settings, &t);
		t.register_ms = 30000;
		t.dead_retry_ms = 3600000;
		timing = &t;
	}
	s->hooks = *hooks;
	s->user_data = user_data;
	s->link = modem_link_new(&s->loop, settings, timing, &mh, s);
	if (!s->link) {
		uv_loop_close(&s->loop);
		free(s);
		return NULL;
	}
	return s;
}

static void walk_close(uv_handle_t *h, void *arg)
{
	(void)arg;
	if (!uv_is_closing(h))
		uv_close(h, NULL);
}

void modem_session_free(struct modem_session *s)
{
	if (!s)
		return;
	modem_link_close(s->link);
	uv_walk(&s->loop, walk_close, NULL);
	uv_run(&s->loop, UV_RUN_DEFAULT);
	uv_loop_close(&s->loop);
	free(s);
}

void modem_session_stop(struct modem_session *s, int result)
{
	if (s->stopped)
		return;
	s->stopped = true;
	s->result = result;
	uv_stop(&s->loop);
}

static void on_deadline(uv_timer_t *t)
{
	modem_session_stop(t->data, -ETIMEDOUT);
}

static void on_signal(uv_signal_t *h, int signum)
{
	(void)signum;
	modem_session_stop(h->data, -EINTR);
}

static void on_check(uv_check_t *h)
{
	struct modem_session *s = h->data;
	bool idle = modem_idle(modem_link_modem(s->link));

	if (idle && !s->was_idle && !s->stopped) {
		s->was_idle = true;
		if (s->hooks.idle)
			s->hooks.idle(s, s->user_data);
		modem_link_service(s->link);
		return;
	}
	s->was_idle = idle;
}

int modem_session_run(struct modem_session *s, uint32_t timeout_ms)
{
	int rc = modem_link_start(s->link);

	if (rc < 0)
		return rc;
	uv_timer_init(&s->loop, &s->deadline);
	s->deadline.data = s;
	if (timeout_ms)
		uv_timer_start(&s->deadline, on_deadline, timeout_ms, 0);
	uv_check_init(&s->loop, &s->check);
	s->check.data = s;
	uv_check_start(&s->check, on_check);
	uv_signal_init(&s->loop, &s->sigint);
	uv_signal_init(&s->loop, &s->sigterm);
	s->sigint.data = s->sigterm.data = s;
	uv_signal_start(&s->sigint, on_signal, SIGINT);
	uv_signal_start(&s->sigterm, on_signal, SIGTERM);
	while (!s->stopped)
		uv_run(&s->loop, UV_RUN_ONCE);
	return s->result;
}

struct modem *modem_session_modem(struct modem_session *s)
{
	return modem_link_modem(s->link);
}

uint64_t modem_session_now(const struct modem_session *s)
{
	return modem_link_now(s->link);
}

void modem_session_service(struct modem_session *s)
{
	modem_link_service(s->link);
}
