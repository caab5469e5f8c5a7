/* SIMCom SIM7600 (LTE cat-1/4): registers on LTE, so +CEREG matters as much as +CREG;
 * messages stored in the module ("ME"); boot after AT+CFUN=1,1 takes up to 20 s. */
#include "modem_profile.h"

#include <stddef.h>

static const char *const models[] = {"SIM7600", NULL};

const struct modem_profile modem_profile_sim7600 = {
	.name = "sim7600",
	.models = models,
	.storage = "ME",
	.cnmi = "AT+CNMI=2,1,0,1,0",
	.cnma = false,
	.extra_init = NULL,
	.reset = "AT+CFUN=1,1",
	.boot_ms = 20000,
};
