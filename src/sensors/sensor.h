/* Reading one temperature source in the unit's libuv loop. A read is started and its result
 * comes back in a callback, always from the loop (never inside sensor_read), as a reading or
 * a fault with its reason, never a zero.
 *
 * How each kind is read:
 * - w1:, hwmon:, file: one small read of the file in libuv's thread pool, because the 1-Wire
 *   driver starts a conversion on every read of w1_slave and the read blocks for it (about
 *   750 ms at 12 bits): a loop that read 8 probes itself would stall for 6 s.
 * - cmd: the program as a child process (uv_spawn, no shell, stdin from /dev/null) in a
 *   process group of its own; stdout gives the number, the first line of stderr goes into the
 *   fault's detail. At the timeout the whole group is killed, so a script's own children die
 *   with it. A non-zero exit or a signal is a fault even when a number was printed.
 * - sim: the trace of sensor_sim.h at the `now_ms` of the read; fail_at and repair_at count
 *   from the `now_ms` given to sensor_new.
 * The channel's offset is added to every good reading. */
#ifndef M2_SENSOR_H
#define M2_SENSOR_H

#include "sensor_spec.h"
#include "sensor_text.h"

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#define SENSOR_TIMEOUT_MS_DEFAULT 10000

struct sensor_opts {
	const char *w1_root; /* where w1: ids are looked up; NULL: SENSOR_W1_ROOT_DEFAULT; copied */
	int32_t offset_c10;  /* added to every good reading (calibration), tenths */
	uint32_t timeout_ms; /* cmd: how long the program may run; 0: SENSOR_TIMEOUT_MS_DEFAULT */
};

struct sensor;

/* The outcome of one read. `r` is valid only during the call; a new read may be started from
 * inside the callback. */
typedef void (*sensor_read_cb)(struct sensor *s, const struct sensor_reading *r, void *user_data);

/* A source ready to read; `spec` and `opts` are copied. `now_ms` (wall clock, UTC epoch ms)
 * is when it was opened: sim: counts fail_at and repair_at from it. Nothing is read yet and a
 * missing probe is not an error here (it is the first read's fault). Returns NULL only when
 * out of memory. */
struct sensor *sensor_new(uv_loop_t *loop, const struct sensor_spec *spec, const struct sensor_opts *opts,
			  int64_t now_ms);

/* Starts a read taken at `now_ms` (wall clock, UTC epoch ms); `cb` is called once with the
 * result. Returns 0, or -EBUSY while the previous read is still running (a hung program that
 * even SIGKILL cannot end keeps it so), or -ENOMEM (no callback then). */
int sensor_read(struct sensor *s, int64_t now_ms, sensor_read_cb cb, void *user_data);

/* True while a read is running. */
bool sensor_busy(const struct sensor *s);

const struct sensor_spec *sensor_spec_of(const struct sensor *s);

/* Ends the sensor: a read in progress is abandoned (its callback is not called, a program is
 * killed) and the memory is released once libuv has let go of it, so run the loop afterwards
 * (a daemon's shutdown runs uv_run until it returns 0). NULL is ignored. */
void sensor_free(struct sensor *s);

#endif
