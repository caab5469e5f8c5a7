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

ssize_t modem_transport_read(struct modem_transport *t, void *buf, size_t len)
{
	ssize_t n = t->ops->read(t, buf, len);

	if (n > 0 && log_enabled(LOG_LEVEL_TRACE))
		log_bytes(LOG_LEVEL_TRACE, "modem", "rx", buf, (size_t)n);
	return n;
}

int modem_transport_flush(struct modem_transport *t)
{
	while (t->wq_len > 0) {
		ssize_t n = t->ops->write(t, t->wq, t->wq_len);
		if (n < 0)
			return (int)n;
		if (n == 0)
			return -EAGAIN;
		if (log_enabled(LOG_LEVEL_TRACE))
			log_bytes(LOG_LEVEL_TRACE, "modem", "tx", t->wq, (size_t)n);
		memmove(t->wq, t->wq + n, t->wq_len - (size_t)n);
		t->wq_len -= (size_t)n;
	}
	return 0;
}

int modem_transport_write(struct modem_transport *t, const void *buf, size_t len)
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
	t->wq_len += len;
	int rc = modem_transport_flush(t);
	return rc == -EAGAIN ? 0 : rc;
}

size_t modem_transport_queued(const struct modem_transport *t)
{
	return t->wq_len;
}
