/* The byte pipe to a modem: one interface, three back ends. A real serial port goes through
 * libserialport (baud rate, 8N1, flow control from modem_settings); a pseudo-terminal (the
 * simulator, socat) through plain termios, because libserialport 0.1.1 cannot open one; an
 * in-memory pipe serves tests and benchmarks. Non-blocking: the caller polls the fd. Writes
 * go through a queue that modem_transport_flush drains as the fd becomes writable. Every
 * byte is logged at trace level, except those that may carry a secret (the SIM PIN): their
 * lines say how many bytes went by and show `<hidden>` for the data. */
#ifndef M2_MODEM_TRANSPORT_H
#define M2_MODEM_TRANSPORT_H

#include "modem_settings.h"

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct modem_transport;

enum modem_transport_kind {
	MODEM_TRANSPORT_SERIAL, /* libserialport */
	MODEM_TRANSPORT_PTY,    /* termios on a pseudo-terminal */
	MODEM_TRANSPORT_MEM,    /* in-memory, for tests */
};

const char *modem_transport_kind_str(enum modem_transport_kind kind);

/* True when `device` (after following symlinks) is a pseudo-terminal slave. */
bool modem_transport_is_pty(const char *device);

/* Opens settings->device with the back end its kind calls for. Returns 0 and `*out` (owned
 * by the caller, free with modem_transport_close), or -ENOENT (no such device), -EACCES
 * (permission: the user needs the dialout group), -EBUSY (another program holds the port),
 * -EINVAL (line settings refused), -EIO. Bytes waiting in the port are discarded: answers
 * that a previous program left unread would otherwise be taken for the answers to our
 * commands and shift every answer by one (ModemManager flushes at open for the same reason). */
int modem_transport_open(const struct modem_settings *settings, struct modem_transport **out);

/* Creates an in-memory transport. Reads return at most `read_cap` bytes each (0: no cap),
 * so that every consumer meets fragmented input. */
int modem_transport_mem_new(size_t read_cap, struct modem_transport **out);
/* Bytes the fake modem sends: later returned by modem_transport_read. Returns 0 or -ENOMEM. */
int modem_transport_mem_push(struct modem_transport *t, const void *buf, size_t len);
/* Copies up to `size` bytes that were written to the fake modem and removes them. Returns
 * the count. */
size_t modem_transport_mem_take(struct modem_transport *t, void *buf, size_t size);

void modem_transport_close(struct modem_transport *t);

enum modem_transport_kind modem_transport_kind(const struct modem_transport *t);
/* The fd to poll, or -1 for the in-memory transport. */
int modem_transport_fd(const struct modem_transport *t);

/* Reads what is available. Returns the count (> 0), -EAGAIN when nothing is, or -EIO /
 * -ENODEV when the device went away (USB unplugged, PTY closed): reopen it. */
ssize_t modem_transport_read(struct modem_transport *t, void *buf, size_t len);

/* Queues `len` bytes and writes as much as the device takes now. Returns 0, -ENOMEM, or
 * the device error as modem_transport_read. */
int modem_transport_write(struct modem_transport *t, const void *buf, size_t len);
/* The same, with the first `hidden` bytes of `buf` never shown in the trace log. */
int modem_transport_write_hidden(struct modem_transport *t, const void *buf, size_t len, size_t hidden);
/* While `hide` is true, the trace log of what modem_transport_read returns shows no data
 * (a secret command is running and the modem may echo it). */
void modem_transport_hide_rx(struct modem_transport *t, bool hide);
/* Writes queued bytes. Returns 0 when the queue is empty, -EAGAIN when bytes remain (poll
 * for writable), or a device error. */
int modem_transport_flush(struct modem_transport *t);
size_t modem_transport_queued(const struct modem_transport *t);

#endif
