/* `m2mon ports`: the serial ports of this machine with what identifies a modem among them
 * (USB ids, manufacturer, product, serial number), as text or JSON. */
#include "cmd.h"
#include "commands.h"
#include "modem_ports.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char cmd_ports_usage[] =
	"Usage: m2mon ports [--json]\n"
	"\n"
	"Lists the serial ports libserialport finds, with USB VID:PID, manufacturer, product\n"
	"and serial number, so you can tell which one is the modem. A cellular module usually\n"
	"shows several ports; the AT port is often the third (/dev/ttyUSB2) and its stable name\n"
	"is under /dev/serial/by-id/. Pseudo-terminals (the simulator) are not listed.\n"
	"\n"
	"Exit status: 0 when the ports could be listed (even none), 1 otherwise.\n";

static void print_json(const struct modem_port_info *p, size_t n)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_pack("{s:s, s:s, s:s}", "device", p[i].name, "description", p[i].description,
				      "transport", p[i].transport);
		if (p[i].usb_vid >= 0) {
			char id[16];
			snprintf(id, sizeof(id), "%04x:%04x", p[i].usb_vid, p[i].usb_pid);
			json_object_set_new(o, "usb_id", json_string(id));
			json_object_set_new(o, "manufacturer", json_string(p[i].manufacturer));
			json_object_set_new(o, "product", json_string(p[i].product));
			json_object_set_new(o, "serial", json_string(p[i].serial));
		}
		json_array_append_new(arr, o);
	}
	json_dumpf(arr, stdout, JSON_INDENT(2));
	fputc('\n', stdout);
	json_decref(arr);
}

static void print_text(const struct modem_port_info *p, size_t n)
{
	if (n == 0) {
		printf("no serial ports found: is the modem plugged in? (dmesg shows whether a driver took "
		       "it)\n");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		printf("%s  %s  (%s)\n", p[i].name, p[i].description, p[i].transport);
		if (p[i].usb_vid >= 0)
			printf("    usb %04x:%04x  manufacturer \"%s\"  product \"%s\"  serial \"%s\"\n",
			       p[i].usb_vid, p[i].usb_pid, p[i].manufacturer, p[i].product, p[i].serial);
	}
}

int cmd_ports(int argc, char **argv)
{
	bool json = false;
	struct modem_port_info *ports;
	size_t n;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = true;
		else
			return cmd_usage_error("m2mon ports", "unexpected argument '%s'", argv[i]);
	}
	if (modem_ports_list(&ports, &n) != 0) {
		fprintf(stderr, "m2mon ports: cannot list serial ports\n");
		return M2_EXIT_FAIL;
	}
	if (json)
		print_json(ports, n);
	else
		print_text(ports, n);
	free(ports);
	return M2_EXIT_OK;
}
