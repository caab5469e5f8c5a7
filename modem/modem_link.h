/* A modem engine on a real port under a libuv loop: opens the transport, polls its fd,
 * feeds the bytes to the engine, writes what it asks, arms one timer at its next deadline,
 * and carries out port reopen requests. The daemon and the `m2mon sms`/`modem` commands use
 * this; tests drive struct modem directly. */
#ifndef M2_MODEM_LINK_H
#define M2_MODEM_LINK_H

#include "modem.h"

#include <uv.h>

struct modem_link;

/* Creates the link; nothing is opened yet. `hooks.reopen_port` is the link's own and is
 * ignored. Returns NULL when out of memory. */
struct modem_link *modem_link_new(uv_loop_t *loop, const struct modem_settings *settings,
				  const struct modem_timing *timing, const struct modem_hooks *hooks,
				  void *user_data);

/* Opens the port and starts the lifecycle. Returns 0, or the open error (as
 * modem_transport_open) after logging what to check; the engine then retries like a
 * dead modem (every timing.dead_retry_ms). */
int modem_link_start(struct modem_link *l);

/* Closes the port and the libuv handles; the link is freed once libuv has released them
 * (run the loop until it returns). */
void modem_link_close(struct modem_link *l);

struct modem *modem_link_modem(struct modem_link *l);

/* Call after any modem_send / modem_sms_stored / modem_sms_keep made from outside the
 * link's own callbacks, so the bytes are written and the timer re-armed. */
void modem_link_service(struct modem_link *l);

/* The loop's clock in ms (uv_now), the time to give the engine's functions. */
uint64_t modem_link_now(const struct modem_link *l);

#endif
