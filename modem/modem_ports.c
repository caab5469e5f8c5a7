/* Serial port enumeration through libserialport, copied into plain structs so that callers
 * need neither libserialport's types nor its memory rules. */
#include "modem_ports.h"

#include <errno.h>
#include <libserialport.h>
#include <stdio.h>
#include <stdlib.h>

static void copy(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

static const char *transport_name(enum sp_transport t)
{
	switch (t) {
	case SP_TRANSPORT_NATIVE:
		return "native";
	case SP_TRANSPORT_USB:
		return "usb";
	case SP_TRANSPORT_BLUETOOTH:
		return "bluetooth";
	}
	return "unknown";
}

int modem_ports_list(struct modem_port_info **out, size_t *n)
{
	struct sp_port **ports;
	size_t count = 0;

	*out = NULL;
	*n = 0;
	if (sp_list_ports(&ports) != SP_OK)
		return -EIO;
	while (ports[count])
		count++;
	struct modem_port_info *info = calloc(count ? count : 1, sizeof(*info));
	if (!info) {
		sp_free_port_list(ports);
		return -ENOMEM;
	}
	for (size_t i = 0; i < count; i++) {
		struct sp_port *p = ports[i];
		struct modem_port_info *x = &info[i];
		enum sp_transport t = sp_get_port_transport(p);
		copy(x->name, sizeof(x->name), sp_get_port_name(p));
		copy(x->description, sizeof(x->description), sp_get_port_description(p));
		copy(x->transport, sizeof(x->transport), transport_name(t));
		x->usb_vid = x->usb_pid = -1;
		if (t == SP_TRANSPORT_USB) {
			if (sp_get_port_usb_vid_pid(p, &x->usb_vid, &x->usb_pid) != SP_OK)
				x->usb_vid = x->usb_pid = -1;
			copy(x->manufacturer, sizeof(x->manufacturer), sp_get_port_usb_manufacturer(p));
			copy(x->product, sizeof(x->product), sp_get_port_usb_product(p));
			copy(x->serial, sizeof(x->serial), sp_get_port_usb_serial(p));
		}
	}
	sp_free_port_list(ports);
	*out = info;
	*n = count;
	return 0;
}
