/* Generic TS 27.005 module: messages on the SIM announced with +CMTI, status reports stored
 * in "SR" and announced with +CDSI (<ds>=2), so that nothing depends on m2mon holding the
 * port when it arrives; boots printing RDY; no storage-full indication beyond +CPMS. */
#include "modem_profile.h"

#include <stddef.h>

const struct modem_profile modem_profile_generic = {
	.name = "generic",
	.models = NULL,
	.storage = "SM",
	.report_storage = "SR",
	.rx = MODEM_RX_STORE,
	.cnmi = "AT+CNMI=2,1,0,2,0",
	.boot_urc = "RDY",
	.full_urc = NULL,
	.extra_init = NULL,
	.reset = "AT+CFUN=1,1",
	.boot_ms = 15000,
};
