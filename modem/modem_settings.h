/* What a configuration file says about one modem: the port, its line settings, the SIM PIN,
 * the model profile and SMS options. Filled by the config loader; read-only afterwards. */
#ifndef M2_MODEM_SETTINGS_H
#define M2_MODEM_SETTINGS_H

#include <stdbool.h>

enum modem_flow {
	MODEM_FLOW_NONE,
	MODEM_FLOW_RTSCTS,
	MODEM_FLOW_XONXOFF,
};

/* Names accepted by `modem.flow_control`, indexed by enum modem_flow, NULL-terminated. */
extern const char *const modem_flow_names[];
const char *modem_flow_str(enum modem_flow flow);

struct modem_settings {
	char device[256];       /* /dev/ttyUSB2, /dev/serial/by-id/..., or a PTY path */
	int baud;               /* line speed, ignored on pseudo-terminals */
	int flow_control;       /* enum modem_flow */
	char pin[9];            /* SIM PIN, "" when the SIM has none */
	char profile[16];       /* a profile's name (modem_profile.h), or "auto" / "" to pick one
				 * by the model the modem reports (AT+CGMM) */
	char smsc[21];          /* service centre number to set with AT+CSCA, "" keeps the SIM's */
	bool status_reports;    /* request a status report for every SMS sent */
	int command_timeout_ms; /* default time a modem has to answer an AT command */
	int status_poll_s;      /* period of the status poll in ready (signal, registration,
				 * storage fill); 0 for the default, 60 s */
};

#endif
