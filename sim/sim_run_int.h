/* Private to sim_run*.c: the running simulator's state, shared by the process wiring
 * (sim_run.c) and the control requests (sim_run_ctl.c). */
#ifndef M2_SIM_RUN_INT_H
#define M2_SIM_RUN_INT_H

#include "sim_ctl.h"
#include "sim_line.h"
#include "sim_net.h"
#include "sim_settings.h"
#include "vmodem.h"

#include <stdbool.h>
#include <stdio.h>
#include <uv.h>

struct sim_run;

struct run_modem {
	struct sim_run *run;
	int index;
	struct vmodem *vm;
	struct sim_line *line; /* NULL while unplugged */
	uv_timer_t timer;
	uv_timer_t replug; /* the end of an unplug fault */
};

/* A request answered later: `inbox` waiting for messages to arrive, or `drain` waiting for
 * the SMSC to have nothing left to deliver now. */
enum run_wait_kind {
	RUN_WAIT_INBOX,
	RUN_WAIT_DRAIN,
};

struct run_waiter {
	struct sim_run *run;
	struct sim_ctl_conn *conn;
	enum run_wait_kind kind;
	char number[SIM_NUMBER_MAX];
	size_t count;
	uv_timer_t timer;
	struct run_waiter *next;
};

struct sim_run {
	uv_loop_t loop;
	struct sim_settings s;
	char dir[4096];
	struct sim_net *net;
	uv_timer_t net_timer;
	struct run_modem modems[SIM_MAX_MODEMS];
	int n_open;
	struct sim_ctl *ctl;
	FILE *jsonl;
	uv_signal_t sig_term, sig_int;
	struct run_waiter *waiters;
	bool created_dir;
	bool handles_init; /* net timer and signal handles exist */
	bool stopping;
};

/* The `unplug` fault: the modem's link and PTY vanish (its client reads EIO, a reopen finds
 * no port) and the module loses power; after `ms`, a new PTY behind the same link, and the
 * module boots again. An unplug while unplugged moves the replug. */
void sim_run_unplug(struct run_modem *m, uint32_t ms);

/* Re-arms the timers after anything that may have changed a deadline. */
void sim_run_rearm_modem(struct run_modem *m);
void sim_run_rearm_net(struct sim_run *run);

/* Control socket handlers (sim_run_ctl.c). */
void sim_run_ctl_request(void *user, struct sim_ctl_conn *conn, json_t *req);
void sim_run_ctl_closed(void *user, struct sim_ctl_conn *conn);

/* A phone got a whole message: answers the `inbox` requests it satisfies. */
void sim_run_phone_received(struct sim_run *run, const struct sim_phone *phone);

/* The SMSC has delivered what it could: answers the `drain` requests when nothing is left
 * but SMS for modems that cannot take them now (vmodem_away). */
void sim_run_net_progress(struct sim_run *run);

/* Answers and forgets every waiting request (shutdown). */
void sim_run_drop_waiters(struct sim_run *run);

#endif
