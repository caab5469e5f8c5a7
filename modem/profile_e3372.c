/* Huawei E3372-class USB sticks (E3372, E3131, E303, E353): they store messages in "ME"
 * and number them from 0 (+CMTI: "ME",0, gammu issues 490 and 550); <mode> 1 for +CNMI as
 * oFono uses for Huawei, since mode 2 is refused; reports stored in "SR" (+CDSI); a full
 * store is announced as ^SMMEMFULL; the stick prints ^SYSSTART when it has booted.
 * AT^CURC=0 silences the periodic ^RSSI, ^DSFLOWRPT and ^BOOT reports that otherwise fill
 * the line every few seconds. */
#include "modem_profile.h"

#include <stddef.h>

static const char *const models[] = {"E3372", "E3131", "E303", "E353", NULL};
static const char *const extra[] = {"AT^CURC=0", NULL};

const struct modem_profile modem_profile_e3372 = {
	.name = "e3372",
	.models = models,
	.storage = "ME",
	.report_storage = "SR",
	.rx = MODEM_RX_STORE,
	.cnmi = "AT+CNMI=1,1,0,2,0",
	.boot_urc = "^SYSSTART",
	.full_urc = "^SMMEMFULL",
	.extra_init = extra,
	.reset = "AT+CFUN=1,1",
	.boot_ms = 20000,
};
