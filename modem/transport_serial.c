/* The libserialport back end, for real serial ports (USB modems, UARTs): 8N1 at the
 * configured baud rate and flow control set through libserialport; non-blocking reads and
 * writes on its fd. */
#include "transport_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <libserialport.h>

static void sp_close_port(struct modem_transport *t)
{
	sp_close(t->backend);
	sp_free_port(t->backend);
}

/* Reads and writes go to the fd itself: libserialport's non-blocking read returns 0 both for
 * "no data" and for end of file, so an unplugged USB modem, whose fd stays readable at EOF,
 * would be polled in a busy loop instead of being reported gone. */
static const struct transport_ops serial_ops = {transport_fd_read, transport_fd_write, sp_close_port};

static enum sp_flowcontrol flow_of(int flow)
{
	switch ((enum modem_flow)flow) {
	case MODEM_FLOW_NONE:
		return SP_FLOWCONTROL_NONE;
	case MODEM_FLOW_RTSCTS:
		return SP_FLOWCONTROL_RTSCTS;
	case MODEM_FLOW_XONXOFF:
		return SP_FLOWCONTROL_XONXOFF;
	}
	return SP_FLOWCONTROL_NONE;
}

static int configure(struct sp_port *port, const struct modem_settings *s)
{
	if (sp_set_baudrate(port, s->baud) != SP_OK || sp_set_bits(port, 8) != SP_OK ||
	    sp_set_parity(port, SP_PARITY_NONE) != SP_OK || sp_set_stopbits(port, 1) != SP_OK ||
	    sp_set_flowcontrol(port, flow_of(s->flow_control)) != SP_OK)
		return -EINVAL;
	return 0;
}

int transport_serial_open(const struct modem_settings *s, struct modem_transport **out)
{
	struct sp_port *port;
	int fd, rc;

	if (sp_get_port_by_name(s->device, &port) != SP_OK)
		return -ENOENT;
	if (sp_open(port, SP_MODE_READ_WRITE) != SP_OK) {
		rc = -(sp_last_error_code() ? sp_last_error_code() : EIO);
		sp_free_port(port);
		return rc;
	}
	if ((rc = configure(port, s)) != 0 || sp_get_port_handle(port, &fd) != SP_OK) {
		sp_close(port);
		sp_free_port(port);
		return rc ? rc : -EIO;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	sp_flush(port, SP_BUF_BOTH); /* what a previous program left unread (modem_transport.h) */
	*out = transport_new(MODEM_TRANSPORT_SERIAL, &serial_ops, fd, port);
	if (!*out) {
		sp_close(port);
		sp_free_port(port);
		return -ENOMEM;
	}
	return 0;
}
