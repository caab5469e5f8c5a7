/* Per-model differences of the cellular modules m2mon drives, as data: message storage, how
 * received messages and status reports reach m2mon (stored and announced, or routed and
 * acknowledged), the module's own boot and storage-full indications, extra init commands,
 * the reset command and how long the module takes to boot. One small file per model
 * (profile_*.c); profile.c holds the one registry every part of m2mon reads. */
#ifndef M2_MODEM_PROFILE_H
#define M2_MODEM_PROFILE_H

#include <stdbool.h>
#include <stdint.h>

/* How a profile receives so that nothing is removed from the modem before the application
 * said it is stored (TS 27.005 3.4.1 +CNMI, 3.4.4 +CNMA). */
enum modem_rx_mode {
	/* Every message and report is stored by the module and announced (+CMTI, +CDSI with
	 * <ds>=2); m2mon reads it, hands it over and deletes it once stored. What arrives while
	 * no program holds the port waits in storage for the next start. */
	MODEM_RX_STORE,
	/* Messages and reports are routed to m2mon (+CMT, +CDS) under AT+CSMS=1 and each is
	 * acknowledged with AT+CNMA once stored, or refused with AT+CNMA=2 so that the network
	 * delivers it again. */
	MODEM_RX_ACK,
};
const char *modem_rx_mode_str(enum modem_rx_mode mode);

struct modem_profile {
	const char *name;              /* as in modem.profile */
	const char *const *models;     /* +CGMM substrings (case-insensitive) that select it */
	const char *storage;           /* memory for reading, writing and receiving (TS 27.005 3.2.2) */
	const char *report_storage;    /* where the module stores status reports under <ds>=2:
					* "SR", or the same as `storage` */
	enum modem_rx_mode rx;         /* see enum modem_rx_mode */
	const char *cnmi;              /* the full AT+CNMI command (TS 27.005 3.4.1) */
	const char *boot_urc;          /* the line the module prints when it has booted */
	const char *full_urc;          /* the prefix of its storage-full indication, or NULL */
	const char *const *extra_init; /* sent after AT+CMEE; errors are logged, not fatal */
	const char *reset;             /* the full-reset command of the recovery ladder */
	uint32_t boot_ms;              /* time from reset until the module answers AT again */
	const char *network_time;      /* the command that makes the module take the network's
					* time (NITZ) into its clock, or NULL */
};

extern const struct modem_profile modem_profile_generic;
extern const struct modem_profile modem_profile_sim800;
extern const struct modem_profile modem_profile_sim7600;
extern const struct modem_profile modem_profile_ec2x;
extern const struct modem_profile modem_profile_bg9x;
extern const struct modem_profile modem_profile_e3372;

/* The registry: every profile m2mon knows, generic first, NULL-terminated. The configuration
 * (modem.profile), the command line (--profile), the lifecycle and the simulator's model
 * names (checked by a test) all read this one list. */
extern const struct modem_profile *const modem_profiles[];

/* What modem.profile accepts, for usage texts and error messages: "auto" then every name of
 * modem_profiles in order (test_modem_profile checks that the two agree). */
#define MODEM_PROFILE_CHOICES "auto, generic, sim800, sim7600, ec2x, bg9x, e3372"

/* The profile named `name`, or NULL for "auto", "" and unknown names. */
const struct modem_profile *modem_profile_find(const char *name);

/* True when `name` is "auto", "" (auto) or the name of a profile of the registry. */
bool modem_profile_name_valid(const char *name);

/* The profile whose model list matches the +CGMM answer `model`; the generic profile when
 * none does. Never NULL. */
const struct modem_profile *modem_profile_by_model(const char *model);

#endif
