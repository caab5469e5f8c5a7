/* Generic TS 27.005 module: SIM storage, +CMTI for messages, +CDS routed for status
 * reports (<ds>=1, what gammu-smsd also relies on), phase 2 so no +CNMA. */
#include "modem_profile.h"

#include <stddef.h>

const struct modem_profile modem_profile_generic = {
	.name = "generic",
	.models = NULL,
	.storage = "SM",
	.cnmi = "AT+CNMI=2,1,0,1,0",
	.cnma = false,
	.extra_init = NULL,
	.reset = "AT+CFUN=1,1",
	.boot_ms = 15000,
};
