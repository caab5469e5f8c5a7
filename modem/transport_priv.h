/* The back-end seam of modem_transport: each back end fills these operations. Private to
 * modem/transport*.c. */
#ifndef M2_TRANSPORT_PRIV_H
#define M2_TRANSPORT_PRIV_H

#include "modem_transport.h"

struct transport_ops {
	/* Same contracts as modem_transport_read; write returns the count taken or -errno. */
	ssize_t (*read)(struct modem_transport *t, void *buf, size_t len);
	ssize_t (*write)(struct modem_transport *t, const void *buf, size_t len);
	void (*close)(struct modem_transport *t);
};

struct modem_transport {
	enum modem_transport_kind kind;
	const struct transport_ops *ops;
	int fd;
	void *backend; /* the back end's own state */
	unsigned char *wq;
	size_t wq_len, wq_cap;
	size_t hide_from, hide_to; /* queued bytes [from, to) may carry a secret */
	bool hide_rx;              /* what is read now may echo a secret */
};

/* Allocates a transport around a back end. Returns NULL when out of memory. */
struct modem_transport *transport_new(enum modem_transport_kind kind, const struct transport_ops *ops, int fd,
				      void *backend);

/* read(2) and write(2) on t->fd with the contracts of struct transport_ops: a read of 0
 * (the other end hung up, a USB modem unplugged) is -ENODEV, never "try again". Both back
 * ends use them; they live in transport_pty.c. */
ssize_t transport_fd_read(struct modem_transport *t, void *buf, size_t len);
ssize_t transport_fd_write(struct modem_transport *t, const void *buf, size_t len);

int transport_serial_open(const struct modem_settings *s, struct modem_transport **out);
int transport_pty_open(const struct modem_settings *s, struct modem_transport **out);

#endif
