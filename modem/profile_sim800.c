/* SIMCom SIM800/SIM800L/SIM800C (2G): messages on the SIM; the module boots in about 5 s
 * after AT+CFUN=1,1 and prints RDY; slow sleep mode is turned off (AT+CSCLK=0) because a
 * module in sleep mode drops the first bytes of a command (SIM800 AT manual 3.2.9). */
#include "modem_profile.h"

#include <stddef.h>

static const char *const models[] = {"SIM800", NULL};
static const char *const extra[] = {"AT+CSCLK=0", NULL};

const struct modem_profile modem_profile_sim800 = {
	.name = "sim800",
	.models = models,
	.storage = "SM",
	.cnmi = "AT+CNMI=2,1,0,1,0",
	.cnma = false,
	.extra_init = extra,
	.reset = "AT+CFUN=1,1",
	.boot_ms = 10000,
};
