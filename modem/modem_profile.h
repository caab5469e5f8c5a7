/* Per-model differences of the cellular modules m2mon drives, as data: message storage,
 * the +CNMI variant, whether direct deliveries need +CNMA, extra init commands, the reset
 * command and how long the module takes to boot. One small file per model (profile_*.c). */
#ifndef M2_MODEM_PROFILE_H
#define M2_MODEM_PROFILE_H

#include <stdbool.h>
#include <stdint.h>

struct modem_profile {
	const char *name;              /* as in modem.profile (modem_profile_names) */
	const char *const *models;     /* +CGMM substrings (case-insensitive) that select it */
	const char *storage;           /* memory for reading, writing and receiving (TS 27.005 3.2.2) */
	const char *cnmi;              /* the full AT+CNMI command (TS 27.005 3.4.1) */
	bool cnma;                     /* +CMT/+CDS must be acknowledged with AT+CNMA (3.4.4) */
	const char *const *extra_init; /* sent after AT+CMEE; errors are logged, not fatal */
	const char *reset;             /* the full-reset command of the recovery ladder */
	uint32_t boot_ms;              /* time from reset until the module answers AT again */
};

extern const struct modem_profile modem_profile_generic;
extern const struct modem_profile modem_profile_sim800;
extern const struct modem_profile modem_profile_sim7600;
extern const struct modem_profile modem_profile_ec2x;
extern const struct modem_profile modem_profile_bg9x;
extern const struct modem_profile modem_profile_e3372;

/* The profile at `index` of modem_profile_names, or NULL for "auto" (index 0) and indexes
 * out of range. */
const struct modem_profile *modem_profile_by_index(int index);

/* The profile whose model list matches the +CGMM answer `model`; the generic profile when
 * none does. Never NULL. */
const struct modem_profile *modem_profile_by_model(const char *model);

#endif
