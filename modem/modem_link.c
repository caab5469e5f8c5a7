/* The libuv wiring of one modem: fd polling for read and write, the deadline timer, the
 * port's open/close/reopen, and the log line that tells a person why a port cannot open. */
#include "modem_link.h"
#include "log.h"
#include "modem_transport.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct modem_link {
	uv_loop_t *loop;
	struct modem_settings settings;
	struct modem_hooks app;
	void *app_data;
	struct modem *m;
	struct modem_transport *t;
	uv_poll_t *poll;
	uv_timer_t timer;
	int poll_events;
	bool in_service;
	int last_open_error; /* logged once until an open succeeds or the error changes */
};

static void on_poll(uv_poll_t *handle, int status, int events);

uint64_t modem_link_now(const struct modem_link *l)
{
	return uv_now(l->loop);
}

struct modem *modem_link_modem(struct modem_link *l)
{
	return l->m;
}

static void fwd_state(void *user_data, enum modem_state from, enum modem_state to)
{
	struct modem_link *l = user_data;

	if (l->app.state_changed)
		l->app.state_changed(l->app_data, from, to);
}

static void fwd_sms(void *user_data, const struct modem_inbound *in)
{
	struct modem_link *l = user_data;

	if (l->app.sms_received)
		l->app.sms_received(l->app_data, in);
}

static void on_reopen(void *user_data);

struct modem_link *modem_link_new(uv_loop_t *loop, const struct modem_settings *settings,
				  const struct modem_timing *timing, const struct modem_hooks *hooks,
				  void *user_data)
{
	struct modem_link *l = calloc(1, sizeof(*l));
	struct modem_hooks own = {fwd_state, fwd_sms, on_reopen};

	if (!l)
		return NULL;
	l->loop = loop;
	l->settings = *settings;
	l->app = *hooks;
	l->app_data = user_data;
	l->m = modem_new(settings, timing, &own, l);
	if (!l->m) {
		free(l);
		return NULL;
	}
	uv_timer_init(loop, &l->timer);
	l->timer.data = l;
	return l;
}

static void on_timer(uv_timer_t *timer)
{
	struct modem_link *l = timer->data;

	modem_tick(l->m, modem_link_now(l));
	modem_link_service(l);
}

static void set_poll(struct modem_link *l)
{
	int want = UV_READABLE | (l->t && modem_transport_queued(l->t) ? UV_WRITABLE : 0);

	if (!l->poll || want == l->poll_events)
		return;
	l->poll_events = want;
	uv_poll_start(l->poll, want, on_poll);
}

static void port_lost(struct modem_link *l, int err);

void modem_link_service(struct modem_link *l)
{
	size_t n;
	const uint8_t *out;

	if (l->in_service)
		return;
	l->in_service = true;
	while (l->t && (out = modem_output(l->m, &n), n > 0)) {
		int rc = modem_transport_write_hidden(l->t, out, n, modem_output_secret(l->m));
		modem_consume(l->m, n);
		if (rc < 0 && rc != -EAGAIN) {
			port_lost(l, rc);
			break;
		}
	}
	if (!l->t) {
		modem_output(l->m, &n);
		modem_consume(l->m, n);
	}
	set_poll(l);
	uint64_t now = modem_link_now(l), d = modem_next_deadline(l->m);
	if (d == UINT64_MAX)
		uv_timer_stop(&l->timer);
	else
		uv_timer_start(&l->timer, on_timer, d > now ? d - now : 0, 0);
	l->in_service = false;
}

static void free_poll(uv_handle_t *h)
{
	free(h);
}

static void close_port(struct modem_link *l)
{
	if (l->poll) {
		uv_poll_stop(l->poll);
		uv_close((uv_handle_t *)l->poll, free_poll);
		l->poll = NULL;
		l->poll_events = 0;
	}
	modem_transport_close(l->t);
	l->t = NULL;
}

static const char *open_advice(int err)
{
	switch (-err) {
	case ENOENT:
		return "no such device: check modem.device and that the modem is plugged in (m2mon ports "
		       "lists them)";
	case EACCES:
		return "permission denied: add the user running m2mon to the dialout group";
	case EBUSY:
		return "the port is busy: stop the other program using it (ModemManager, gammu-smsd)";
	default:
		return "check the modem and its cable";
	}
}

static int open_port(struct modem_link *l)
{
	int rc = modem_transport_open(&l->settings, &l->t);

	if (rc < 0) {
		if (rc != l->last_open_error)
			log_error("modem", "event=port_open_failed device=%s error=\"%s\" action=\"%s\"",
				  l->settings.device, strerror(-rc), open_advice(rc));
		l->last_open_error = rc;
		l->t = NULL;
		return rc;
	}
	l->last_open_error = 0;
	int fd = modem_transport_fd(l->t);
	l->poll = malloc(sizeof(*l->poll));
	if (!l->poll || uv_poll_init(l->loop, l->poll, fd) != 0) {
		free(l->poll);
		l->poll = NULL;
		modem_transport_close(l->t);
		l->t = NULL;
		return -EIO;
	}
	l->poll->data = l;
	set_poll(l);
	return 0;
}

static void port_lost(struct modem_link *l, int err)
{
	log_warn("modem", "event=port_lost device=%s error=\"%s\"", l->settings.device, strerror(-err));
	close_port(l);
	modem_port_failed(l->m, err, modem_link_now(l));
}

static void on_reopen(void *user_data)
{
	struct modem_link *l = user_data;

	close_port(l);
	modem_port_closed(l->m, modem_link_now(l));
	int rc = open_port(l);
	if (rc == 0)
		modem_port_opened(l->m, modem_link_now(l));
	else
		modem_port_failed(l->m, rc, modem_link_now(l));
}

static void on_readable(struct modem_link *l)
{
	char buf[512];

	while (l->t) {
		modem_transport_hide_rx(l->t, modem_secret_pending(l->m));
		ssize_t n = modem_transport_read(l->t, buf, sizeof(buf));
		if (n == -EAGAIN)
			return;
		if (n < 0) {
			port_lost(l, (int)n);
			return;
		}
		modem_feed(l->m, buf, (size_t)n, modem_link_now(l));
	}
}

static void on_poll(uv_poll_t *handle, int status, int events)
{
	struct modem_link *l = handle->data;

	if (status < 0) {
		port_lost(l, -EIO);
	} else {
		if (events & UV_READABLE)
			on_readable(l);
		if (l->t && (events & UV_WRITABLE)) {
			int rc = modem_transport_flush(l->t);
			if (rc < 0 && rc != -EAGAIN)
				port_lost(l, rc);
		}
	}
	modem_link_service(l);
}

int modem_link_start(struct modem_link *l)
{
	int rc = open_port(l);

	if (rc == 0)
		modem_port_opened(l->m, modem_link_now(l));
	else
		modem_port_failed(l->m, rc, modem_link_now(l));
	modem_link_service(l);
	return rc;
}

static void free_link(uv_handle_t *h)
{
	struct modem_link *l = h->data;

	modem_free(l->m);
	free(l);
}

void modem_link_close(struct modem_link *l)
{
	if (!l)
		return;
	close_port(l);
	uv_timer_stop(&l->timer);
	uv_close((uv_handle_t *)&l->timer, free_link);
}
