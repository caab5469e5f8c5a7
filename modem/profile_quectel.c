/* Quectel EC2x (EC21/EC25/EG25) and BG9x (BG95/BG96): messages in the module ("ME"),
 * numbered from 0 (+CMTI: "ME",0), status reports in "SR" (+CDSI); a full store is
 * announced as +QIND: "smsfull",<mem> (EC2x AT manual 2.23). URCs go only to the port
 * AT+QURCCFG names (default "usbat"), so m2mon must use the USB AT port (usually ttyUSB2),
 * not ttyUSB3. BG9x boot faster. */
#include "modem_profile.h"

#include <stddef.h>

static const char *const ec_models[] = {"EC21", "EC25", "EG25", "EC20", NULL};
static const char *const bg_models[] = {"BG95", "BG96", "BG77", NULL};

const struct modem_profile modem_profile_ec2x = {
	.name = "ec2x",
	.models = ec_models,
	.storage = "ME",
	.report_storage = "SR",
	.rx = MODEM_RX_STORE,
	.cnmi = "AT+CNMI=2,1,0,2,0",
	.boot_urc = "RDY",
	.full_urc = "+QIND: \"smsfull\"",
	.extra_init = NULL,
	.reset = "AT+CFUN=1,1",
	.boot_ms = 20000,
	.network_time = "AT+CTZU=1",
};

const struct modem_profile modem_profile_bg9x = {
	.name = "bg9x",
	.models = bg_models,
	.storage = "ME",
	.report_storage = "SR",
	.rx = MODEM_RX_STORE,
	.cnmi = "AT+CNMI=2,1,0,2,0",
	.boot_urc = "RDY",
	.full_urc = "+QIND: \"smsfull\"",
	.extra_init = NULL,
	.reset = "AT+CFUN=1,1",
	.boot_ms = 12000,
	.network_time = "AT+CTZU=1",
};
