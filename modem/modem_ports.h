/* The serial ports of this machine as libserialport sees them, for `m2mon ports`: so a
 * technician can tell which /dev/ttyUSBn is the modem by its USB ids and names. */
#ifndef M2_MODEM_PORTS_H
#define M2_MODEM_PORTS_H

#include <stddef.h>

struct modem_port_info {
	char name[128];                                 /* /dev/ttyUSB2 */
	char description[128];                          /* what the driver calls it */
	char transport[16];                             /* "usb", "native", "bluetooth" */
	int usb_vid, usb_pid;                           /* -1 when not USB */
	char manufacturer[64], product[64], serial[64]; /* "" when unknown */
};

/* Fills `*out` (free with free()) with `*n` ports. Returns 0, -ENOMEM, or -EIO when the
 * system cannot be asked. */
int modem_ports_list(struct modem_port_info **out, size_t *n);

#endif
