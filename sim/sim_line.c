/* One virtual modem's pseudo-terminal: openpty in raw mode, the DIR/NAME.tty link, a libuv
 * poll for reading and a write queue drained without blocking, paced to the line speed by a
 * libuv timer when a baud rate is set. */
#include "sim_line.h"

#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <pty.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#define LINE_QUEUE_MAX    (1u << 20)
#define PACE_LOOKAHEAD_US 1000  /* bytes due within the next millisecond go out now */
#define PACE_CATCHUP_US   20000 /* a timer late by up to 20 ms is made up for */

struct sim_line {
	uv_loop_t *loop;
	int master, slave;
	char tty[64];
	char link[4096];
	int baud;
	sim_line_input_fn input;
	void *user;
	uv_poll_t poll;
	uv_timer_t pace;
	int poll_events;
	int open_handles;
	uint8_t *q;
	size_t q_len, q_cap;
	bool dropping;
	uint64_t line_free_us; /* when the last byte queued on the wire has been sent */
};

static void on_poll(uv_poll_t *h, int status, int events);

static void set_poll(struct sim_line *l, bool want_write)
{
	int ev = UV_READABLE | (want_write ? UV_WRITABLE : 0);
	if (ev != l->poll_events) {
		l->poll_events = ev;
		uv_poll_start(&l->poll, ev, on_poll);
	}
}

static void flush(struct sim_line *l);

/* Writes up to `n` queued bytes; returns how many went out (0 on EAGAIN). */
static size_t write_some(struct sim_line *l, size_t n)
{
	ssize_t w = write(l->master, l->q, n);
	if (w <= 0) {
		if (w < 0 && errno != EAGAIN && errno != EINTR)
			log_warn("sim", "event=pty_write_failed tty=%s err=\"%s\"", l->tty, strerror(errno));
		return 0;
	}
	memmove(l->q, l->q + w, l->q_len - (size_t)w);
	l->q_len -= (size_t)w;
	return (size_t)w;
}

static void on_pace(uv_timer_t *t)
{
	flush(t->data);
}

static void flush(struct sim_line *l)
{
	if (l->baud <= 0) {
		while (l->q_len && write_some(l, l->q_len) > 0)
			;
		set_poll(l, l->q_len > 0);
		return;
	}
	uint64_t now_us = uv_hrtime() / 1000;
	uint64_t byte_us = 10000000ull / (uint64_t)l->baud;
	if (byte_us == 0)
		byte_us = 1;
	/* A line that kept sending counts from where its last byte ended, so a late timer does
	 * not slow it; one idle (or stalled) for a while starts again from now. */
	if (l->line_free_us + PACE_CATCHUP_US < now_us)
		l->line_free_us = now_us;
	bool blocked = false;
	while (l->q_len && l->line_free_us <= now_us + PACE_LOOKAHEAD_US) {
		size_t k = (size_t)((now_us + PACE_LOOKAHEAD_US - l->line_free_us) / byte_us) + 1;
		size_t sent = write_some(l, k < l->q_len ? k : l->q_len);
		if (!sent) {
			blocked = true;
			break;
		}
		l->line_free_us += sent * byte_us;
	}
	set_poll(l, blocked);
	if (l->q_len && !blocked) {
		uint64_t wait_ms = (l->line_free_us - now_us) / 1000;
		uv_timer_start(&l->pace, on_pace, wait_ms ? wait_ms : 1, 0);
	}
}

void sim_line_write(struct sim_line *l, const void *buf, size_t len)
{
	if (l->q_len + len > LINE_QUEUE_MAX) {
		if (!l->dropping)
			log_warn("sim",
				 "event=line_overflow link=%s dropped=%zu reason=\"no client reads "
				 "this port; bytes are dropped until one does\"",
				 l->link, len);
		l->dropping = true;
		return;
	}
	l->dropping = false;
	if (l->q_len + len > l->q_cap) {
		size_t cap = l->q_cap ? l->q_cap : 4096;
		while (cap < l->q_len + len)
			cap *= 2;
		uint8_t *q = realloc(l->q, cap);
		if (!q)
			return;
		l->q = q;
		l->q_cap = cap;
	}
	if (l->q_len == 0 && l->line_free_us < uv_hrtime() / 1000)
		l->line_free_us = uv_hrtime() / 1000; /* the line was idle: no credit for it */
	memcpy(l->q + l->q_len, buf, len);
	l->q_len += len;
	if (!uv_is_active((uv_handle_t *)&l->pace))
		flush(l);
}

static void on_poll(uv_poll_t *h, int status, int events)
{
	struct sim_line *l = h->data;
	if (status < 0) {
		log_warn("sim", "event=pty_poll_failed tty=%s err=\"%s\"", l->tty, uv_strerror(status));
		return;
	}
	if (events & UV_WRITABLE)
		flush(l);
	if (!(events & UV_READABLE))
		return;
	uint8_t buf[4096];
	for (int rounds = 0; rounds < 16; rounds++) {
		ssize_t n = read(l->master, buf, sizeof(buf));
		if (n <= 0)
			break;
		l->input(l->user, buf, (size_t)n);
	}
}

static int make_raw(int fd)
{
	struct termios tio;
	if (tcgetattr(fd, &tio) < 0)
		return -errno;
	cfmakeraw(&tio);
	return tcsetattr(fd, TCSANOW, &tio) < 0 ? -errno : 0;
}

static int pty_open(struct sim_line *l)
{
	if (openpty(&l->master, &l->slave, l->tty, NULL, NULL) < 0)
		return -errno;
	int rc = make_raw(l->slave);
	if (rc == 0 && fcntl(l->master, F_SETFL, fcntl(l->master, F_GETFL) | O_NONBLOCK) < 0)
		rc = -errno;
	if (rc == 0) {
		fcntl(l->master, F_SETFD, FD_CLOEXEC);
		fcntl(l->slave, F_SETFD, FD_CLOEXEC);
		unlink(l->link);
		if (symlink(l->tty, l->link) < 0)
			rc = -errno;
	}
	if (rc < 0) {
		close(l->master);
		close(l->slave);
	}
	return rc;
}

int sim_line_open(uv_loop_t *loop, const char *link_path, int baud, sim_line_input_fn input, void *user,
		  struct sim_line **out)
{
	struct sim_line *l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	l->loop = loop;
	l->baud = baud;
	l->input = input;
	l->user = user;
	snprintf(l->link, sizeof(l->link), "%s", link_path);
	int rc = pty_open(l);
	if (rc < 0) {
		free(l);
		return rc;
	}
	rc = uv_poll_init(loop, &l->poll, l->master);
	if (rc < 0) {
		unlink(l->link);
		close(l->master);
		close(l->slave);
		free(l);
		return rc;
	}
	uv_timer_init(loop, &l->pace);
	l->poll.data = l;
	l->pace.data = l;
	l->open_handles = 2;
	l->poll_events = UV_READABLE;
	uv_poll_start(&l->poll, UV_READABLE, on_poll);
	*out = l;
	return 0;
}

const char *sim_line_tty(const struct sim_line *l)
{
	return l->tty;
}

static void on_closed(uv_handle_t *h)
{
	struct sim_line *l = h->data;
	if (--l->open_handles > 0)
		return;
	close(l->master);
	close(l->slave);
	free(l->q);
	free(l);
}

void sim_line_close(struct sim_line *l)
{
	if (!l)
		return;
	unlink(l->link);
	uv_close((uv_handle_t *)&l->poll, on_closed);
	uv_close((uv_handle_t *)&l->pace, on_closed);
}
