/* SIMCom SIM7600 (LTE cat-1/4): registers on LTE, so +CEREG matters as much as +CREG;
 * messages stored in the module ("ME"); boot after AT+CFUN=1,1 takes up to 20 s. It
 * supports phase 2+ message service (AT+CSMS=1, SIM7600 AT manual 4.2.1), so messages and
 * reports are routed (+CNMI <mt>=2, <ds>=1) and each is acknowledged with AT+CNMA once the
 * application stored it, or refused with AT+CNMA=2 so that the network delivers it again. */
#include "modem_profile.h"

#include <stddef.h>

static const char *const models[] = {"SIM7600", NULL};

const struct modem_profile modem_profile_sim7600 = {
	.name = "sim7600",
	.models = models,
	.storage = "ME",
	.report_storage = "SR",
	.rx = MODEM_RX_ACK,
	.cnmi = "AT+CNMI=2,2,0,1,0",
	.boot_urc = "RDY",
	.full_urc = NULL,
	.extra_init = NULL,
	.reset = "AT+CFUN=1,1",
	.boot_ms = 20000,
	.network_time = "AT+CTZU=1",
};
