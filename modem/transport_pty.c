/* The termios back end, for pseudo-terminals (the simulator, socat): raw mode, no echo,
 * non-blocking. Line speed and flow control mean nothing on a PTY and are not set. */
#include "transport_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

ssize_t transport_fd_read(struct modem_transport *t, void *buf, size_t len)
{
	ssize_t n = read(t->fd, buf, len);

	if (n > 0)
		return n;
	if (n == 0)
		return -ENODEV;
	if (errno == EAGAIN || errno == EINTR)
		return -EAGAIN;
	return errno == EIO ? -EIO : -errno;
}

ssize_t transport_fd_write(struct modem_transport *t, const void *buf, size_t len)
{
	ssize_t n = write(t->fd, buf, len);

	if (n >= 0)
		return n;
	if (errno == EAGAIN || errno == EINTR)
		return 0;
	return -errno;
}

static void fd_close(struct modem_transport *t)
{
	close(t->fd);
}

static const struct transport_ops pty_ops = {transport_fd_read, transport_fd_write, fd_close};

int transport_pty_open(const struct modem_settings *s, struct modem_transport **out)
{
	struct termios tio;
	int fd = open(s->device, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (tcgetattr(fd, &tio) != 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	cfmakeraw(&tio);
	tio.c_cc[VMIN] = 1; /* with O_NONBLOCK: -EAGAIN when empty, 0 only at hangup */
	tio.c_cc[VTIME] = 0;
	if (tcsetattr(fd, TCSANOW, &tio) != 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	/* Answers a previous program left unread would be taken for ours (modem_transport.h). */
	tcflush(fd, TCIOFLUSH);
	*out = transport_new(MODEM_TRANSPORT_PTY, &pty_ops, fd, NULL);
	if (!*out) {
		close(fd);
		return -ENOMEM;
	}
	return 0;
}
