/* One-shot use of a modem for the technician commands (`m2mon sms ...`, `m2mon modem
 * info`): a libuv loop around a modem_link that runs until the caller stops it, the modem
 * fails (SIM locked, dead), a deadline passes, or SIGINT/SIGTERM arrives. */
#ifndef M2_MODEM_SESSION_H
#define M2_MODEM_SESSION_H

#include "modem.h"

#include <stdint.h>

struct modem_session;

struct modem_session_hooks {
	/* The modem is ready and idle: every stored message found so far was handed over.
	 * Called each time the modem becomes idle again after being busy. */
	void (*idle)(struct modem_session *s, void *user_data);
	/* A received message, as modem_hooks.sms_received: answer with modem_sms_stored or
	 * modem_sms_keep (through modem_session_modem). */
	void (*sms)(struct modem_session *s, const struct modem_inbound *in, void *user_data);
};

/* Returns NULL when out of memory. `timing` may be NULL for defaults suited to a person
 * waiting at a terminal (30 s registration wait). */
struct modem_session *modem_session_new(const struct modem_settings *settings,
					const struct modem_timing *timing,
					const struct modem_session_hooks *hooks, void *user_data);
void modem_session_free(struct modem_session *s);

/* Opens the port and runs until modem_session_stop, or `timeout_ms` (0: no limit).
 * Returns what modem_session_stop was given, -ETIMEDOUT, -EINTR (signal), -EACCES (the SIM
 * is locked), -EHOSTDOWN (the modem is dead), or the port's open error. */
int modem_session_run(struct modem_session *s, uint32_t timeout_ms);
void modem_session_stop(struct modem_session *s, int result);

struct modem *modem_session_modem(struct modem_session *s);
uint64_t modem_session_now(const struct modem_session *s);
/* To call after modem_send / modem_sms_stored / modem_sms_keep made outside the hooks. */
void modem_session_service(struct modem_session *s);

#endif
