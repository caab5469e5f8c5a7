/* A virtual modem's serial line: a pseudo-terminal in raw mode whose slave is reachable as
 * DIR/NAME.tty, read with the libuv loop and written without ever blocking, paced to a baud
 * rate when one is given (10 bit times per byte: start, 8 data, stop). The slave stays open on
 * our side, so a client that closes the port leaves the line working for the next one. */
#ifndef M2_SIM_LINE_H
#define M2_SIM_LINE_H

#include <stddef.h>
#include <uv.h>

struct sim_line;

/* Bytes a client wrote to the line. */
typedef void (*sim_line_input_fn)(void *user, const void *buf, size_t len);

/* Opens a PTY, sets it raw and creates the symlink `link_path` to its slave (an existing
 * link is replaced: it is stale). `baud` 0 means unpaced. Returns 0 and the line in `*out`,
 * or a negative errno (openpty, symlink or libuv failed; nothing is left behind). */
int sim_line_open(uv_loop_t *loop, const char *link_path, int baud, sim_line_input_fn input, void *user,
		  struct sim_line **out);

/* Queues bytes to the client, in order. Bytes beyond 1 MiB waiting (nobody reads the port)
 * are dropped, as a UART drops what nobody receives, and logged once. */
void sim_line_write(struct sim_line *line, const void *buf, size_t len);

/* Path of the PTY slave (e.g. /dev/pts/7). */
const char *sim_line_tty(const struct sim_line *line);

/* Removes the symlink, closes the PTY and frees the line once libuv has released its
 * handles (the loop must run for that). */
void sim_line_close(struct sim_line *line);

#endif
