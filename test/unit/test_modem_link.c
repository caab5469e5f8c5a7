/* The libuv link over real pseudo-terminals: the modem's PTY disappears (a USB modem
 * unplugged), the layer notices, cannot reopen it, reports the modem dead, and is ready again
 * once the device is back, without anyone restarting it. A safety timer bounds the run; no
 * figure about speed is asserted. */
#include "log.h"
#include "modem_link.h"

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <uv.h>

#include <cmocka.h>

struct world {
	uv_loop_t loop;
	uv_poll_t modem_poll;
	uv_timer_t safety;
	int master;
	char link[64];
	char line[256];
	size_t len;
	char states[512];
	enum modem_state want;
	bool timed_out;
};

static void answer(struct world *w, const char *c)
{
	const char *reply = "\r\nOK\r\n";
	if (!strcmp(c, "AT+CPIN?"))
		reply = "\r\n+CPIN: READY\r\n\r\nOK\r\n";
	else if (!strcmp(c, "AT+CREG?"))
		reply = "\r\n+CREG: 1,1\r\n\r\nOK\r\n";
	assert_int_equal(write(w->master, reply, strlen(reply)), (ssize_t)strlen(reply));
}

static void on_modem_side(uv_poll_t *h, int status, int events)
{
	struct world *w = h->data;
	char buf[256];
	(void)status;
	(void)events;
	ssize_t n = read(w->master, buf, sizeof(buf));
	for (ssize_t i = 0; i < n; i++) {
		if (buf[i] != '\r') {
			if (w->len < sizeof(w->line) - 1)
				w->line[w->len++] = buf[i];
			continue;
		}
		w->line[w->len] = '\0';
		w->len = 0;
		answer(w, w->line);
	}
}

/* A new PTY as the modem, with `w->link` pointing at its slave. */
static void plug_in(struct world *w)
{
	struct termios tio;
	w->master = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK);
	assert_true(w->master >= 0);
	assert_int_equal(grantpt(w->master), 0);
	assert_int_equal(unlockpt(w->master), 0);
	assert_int_equal(tcgetattr(w->master, &tio), 0);
	cfmakeraw(&tio);
	assert_int_equal(tcsetattr(w->master, TCSANOW, &tio), 0);
	unlink(w->link);
	assert_int_equal(symlink(ptsname(w->master), w->link), 0);
	uv_poll_init(&w->loop, &w->modem_poll, w->master);
	w->modem_poll.data = w;
	uv_poll_start(&w->modem_poll, UV_READABLE, on_modem_side);
}

static void unplug(struct world *w)
{
	uv_poll_stop(&w->modem_poll);
	uv_close((uv_handle_t *)&w->modem_poll, NULL);
	close(w->master);
	unlink(w->link);
}

static void on_state(void *user_data, enum modem_state from, enum modem_state to)
{
	struct world *w = user_data;
	(void)from;
	size_t at = strlen(w->states);
	snprintf(w->states + at, sizeof(w->states) - at, "%s ", modem_state_str(to));
	if (to == w->want)
		uv_stop(&w->loop);
}

static void on_safety(uv_timer_t *t)
{
	struct world *w = t->data;
	w->timed_out = true;
	uv_stop(&w->loop);
}

/* Runs the loop until the modem reaches `state`; fails after 10 s of real time. */
static void run_until(struct world *w, enum modem_state state)
{
	w->want = state;
	uv_timer_start(&w->safety, on_safety, 10000, 0);
	uv_run(&w->loop, UV_RUN_DEFAULT);
	uv_timer_stop(&w->safety);
	assert_false(w->timed_out);
}

static void unplugged_modem_is_reopened_when_it_comes_back(void **state)
{
	(void)state;
	static struct world w;
	struct modem_settings s = {.baud = 115200, .profile = "generic", .command_timeout_ms = 1000};
	struct modem_timing t;
	struct modem_hooks hooks = {on_state, NULL, NULL};
	log_setup(LOG_LEVEL_ERROR, false, "test");
	uv_loop_init(&w.loop);
	uv_timer_init(&w.loop, &w.safety);
	w.safety.data = &w;
	snprintf(w.link, sizeof(w.link), "/tmp/m2-test-link-%d", (int)getpid());
	snprintf(s.device, sizeof(s.device), "%s", w.link);
	modem_timing_defaults(&s, &t);
	t.dead_retry_ms = 100;
	plug_in(&w);
	struct modem_link *l = modem_link_new(&w.loop, &s, &t, &hooks, &w);
	assert_int_equal(modem_link_start(l), 0);
	run_until(&w, MODEM_STATE_READY);
	unplug(&w);
	run_until(&w, MODEM_STATE_DEAD);
	plug_in(&w);
	run_until(&w, MODEM_STATE_READY);
	assert_non_null(strstr(w.states, "ready reopening dead probing init registering sms_setup ready"));
	unplug(&w);
	modem_link_close(l);
	uv_close((uv_handle_t *)&w.safety, NULL);
	uv_run(&w.loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&w.loop), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(unplugged_modem_is_reopened_when_it_comes_back),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
