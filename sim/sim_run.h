/* The `m2mon sim` process: the simulated network of `s` on the libuv loop, in directory
 * `dir`. For each modem a PTY linked as DIR/NAME.tty with a virtual modem behind it, the
 * control socket DIR/sim.sock, and DIR/sms.jsonl with one JSON object per SMS handled. */
#ifndef M2_SIM_RUN_H
#define M2_SIM_RUN_H

#include "sim_settings.h"

/* Runs until SIGTERM or SIGINT; prints "ready" on stdout once every PTY is open and the
 * socket listens. On the way out it removes the links and the socket (sms.jsonl stays: it is
 * the record of the run), and DIR itself when it created it and it is empty. Returns 0 after
 * a signal, 1 when it could not start (the reason is logged and printed on stderr). */
int sim_run(const struct sim_settings *s, const char *dir);

#endif
