/* SIMCom SIM800/SIM800L/SIM800C (2G): messages on the SIM; status reports under <ds>=2 go to
 * the SIM as well (it has no "SR" store) and are announced as +CDSI: "SM",<index>; a full
 * SIM is announced as +CIEV: "SMSFULL"; the module boots in about 5 s after AT+CFUN=1,1 and
 * prints RDY. Slow sleep mode is turned off (AT+CSCLK=0) because a module in sleep mode
 * drops the first bytes of a command (SIM800 AT manual 3.2.9). It has no LTE, so it refuses
 * AT+CEREG, and it registers a few seconds after the SIM is ready (+CREG: 2, then 1). */
#include "modem_profile.h"

#include <stddef.h>

static const char *const models[] = {"SIM800", NULL};
static const char *const extra[] = {"AT+CSCLK=0", NULL};

const struct modem_profile modem_profile_sim800 = {
	.name = "sim800",
	.models = models,
	.storage = "SM",
	.report_storage = "SM",
	.rx = MODEM_RX_STORE,
	.cnmi = "AT+CNMI=2,1,0,2,0",
	.boot_urc = "RDY",
	.full_urc = "+CIEV: \"SMSFULL\"",
	.extra_init = extra,
	.reset = "AT+CFUN=1,1",
	.boot_ms = 10000,
	.network_time = "AT+CLTS=1",
};
