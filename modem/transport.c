/* The transport front: choosing the back end by what the device is, the write queue, and
 * the trace log of every byte in and out. */
#include "log.h"
#include "transport_priv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

/* Linux devices.txt: Unix98 PTY slaves are majors 136-143; BSD-style slaves major 3. */
#define PTY_SLAVE_MAJOR_FIRST 136
#define PTY_SLAVE_MAJOR_LAST  143
#define BSD_PTY_SLAVE_MAJOR   3

const char *modem_transport_kind_str(enum modem_transport_kind kind)
{
	switch (kind) {
	case MODEM_TRANSPORT_SERIAL:
		return "serial";
	case MODEM_TRANSPORT_PTY:
		return "pty";
	case MODEM_TRANSPORT_MEM:
		return "memory";
	}
	return "unknown";
}

bool modem_transport_is_pty(const char *device)
{
	struct stat st;

	if (stat(device, &st) != 0 || !S_ISCHR(st.st_mode))
		return false;
	unsigned int maj = major(st.st_rdev);
	return (maj >= PTY_SLAVE_MAJOR_FIRST && maj <= PTY_SLAVE_MAJOR_LAST) || maj == BSD_PTY_SLAVE_MAJOR;
}

struct modem_transport *transport_new(enum modem_transport_kind kind, const struct transport_ops *ops, int fd,
				      void *backend)
{
	struct modem_transport *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->kind = kind;
	t->ops = ops;
	t->fd = fd;
	t->backend = backend;
	return t;
}

int modem_transport_open(const struct modem_settings *settings, struct modem_transport **out)
{
	int rc;

	if (modem_transport_is_pty(settings->device))
		rc = transport_pty_open(settings, out);
	else
		rc = transport_serial_open(settings, out);
	if (rc == 0)
		log_info("modem", "event=port_open device=%s kind=%s", settings->device,
			 modem_transport_kind_str((*out)->kind));
	return rc;
}

void modem_transport_close(struct modem_transport *t)
{
	if (!t)
		return;
	t->ops->close(t);
	free(t->wq);
	free(t);
}

enum modem_transport_kind modem_transport_kind(const struct modem_transport *t)
{
	return t->kind;
}

int modem_transport_fd(const struct modem_transport *t)
{
	return t->fd;
}

static void trace(bool hidden, const char *what, const void *buf, size_t len)
{
	if (hidden)
		log_trace("modem", "event=%s len=%zu data=<hidden: may carry a secret>", what, len);
	else
		log_bytes(LOG_LEVEL_TRACE, "modem", what, buf, len);
}

ssize_t modem_transport_read(struct modem_transport *t, void *buf, size_t len)
{
	ssize_t n = t->ops->read(t, buf, len);

	if (n > 0 && log_enabled(LOG_LEVEL_TRACE))
		trace(t->hide_rx, "rx", buf, (size_t)n);
	return n;
}

void modem_transport_hide_rx(struct modem_transport *t, bool hide)
{
	t->hide_rx = hide;
}

int modem_transport_flush(struct modem_transport *t)
{
	while (t->wq_len > 0) {
		ssize_t n = t->ops->write(t, t->wq, t->wq_len);
		if (n < 0)
			return (int)n;
		if (n == 0)
			return -EAGAIN;
		size_t sent = (size_t)n;
		if (log_enabled(LOG_LEVEL_TRACE))
			trace(t->hide_from < sent && t->hide_to > t->hide_from, "tx", t->wq, sent);
		memmove(t->wq, t->wq + sent, t->wq_len - sent);
		t->wq_len -= sent;
		t->hide_from = t->hide_from > sent ? t->hide_from - sent : 0;
		t->hide_to = t->hide_to > sent ? t->hide_to - sent : 0;
	}
	return 0;
}

int modem_transport_write(struct modem_transport *t, const void *buf, size_t len)
{
	return modem_transport_write_hidden(t, buf, len, 0);
}

int modem_transport_write_hidden(struct modem_transport *t, const void *buf, size_t len, size_t hidden)
{
	if (t->wq_len + len > t->wq_cap) {
		size_t cap = t->wq_cap ? t->wq_cap : 512;
		while (cap < t->wq_len + len)
			cap *= 2;
		unsigned char *q = realloc(t->wq, cap);
		if (!q)
			return -ENOMEM;
		t->wq = q;
		t->wq_cap = cap;
	}
	memcpy(t->wq + t->wq_len, buf, len);
	if (hidden > 0) {
		if (t->hide_to <= t->hide_from)
			t->hide_from = t->wq_len;
		t->hide_to = t->wq_len + (hidden < len ? hidden : len);
	}
	t->wq_len += len;
	int rc = modem_transport_flush(t);
	return rc == -EAGAIN ? 0 : rc;
}

size_t modem_transport_queued(const struct modem_transport *t)
{
	return t->wq_len;
}
