/* The simulator's control socket, DIR/sim.sock: a UNIX stream socket where each request is
 * one JSON object on one line and each answer one JSON object on one line, in order. The
 * server frames and parses; what a request means is its owner's (sim_run.c). The client side
 * is what the `m2mon sim send|inbox|fault` subcommands use. */
#ifndef M2_SIM_CTL_H
#define M2_SIM_CTL_H

#include <jansson.h>
#include <uv.h>

struct sim_ctl;
struct sim_ctl_conn;

struct sim_ctl_handlers {
	/* A request arrived on `conn` (borrowed `req`). Answer now or later with
	 * sim_ctl_reply(); the next request on that connection waits for the answer. */
	void (*request)(void *user, struct sim_ctl_conn *conn, json_t *req);
	/* `conn` is gone: forget any pending answer to it. */
	void (*closed)(void *user, struct sim_ctl_conn *conn);
};

/* Listens on `path` (a stale socket file there is replaced). Returns 0 or a negative errno
 * (e.g. -EADDRINUSE when another simulator answers on it). */
int sim_ctl_listen(uv_loop_t *loop, const char *path, const struct sim_ctl_handlers *h, void *user,
		   struct sim_ctl **out);

/* Sends `answer` (reference stolen) as one line on `conn`. */
void sim_ctl_reply(struct sim_ctl_conn *conn, json_t *answer);

/* Closes every connection and the listener, and removes the socket file. */
void sim_ctl_close(struct sim_ctl *ctl);

/* Client: sends `req` (borrowed) to the simulator listening on `path` and waits at most
 * `timeout_ms` for one answer line. Returns 0 with `*answer` (new reference), -ENOENT or
 * -ECONNREFUSED when no simulator runs there, -ETIMEDOUT, -EPROTO for an answer that is not
 * JSON, or another negative errno. */
int sim_ctl_request(const char *path, json_t *req, int timeout_ms, json_t **answer);

#endif
