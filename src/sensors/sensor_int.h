/* Inside the sensor reader: the state shared by sensor.c (files, sim, the life cycle) and
 * sensor_cmd.c (a child process per read). Not for use outside src/sensors/. */
#ifndef M2_SENSOR_INT_H
#define M2_SENSOR_INT_H

#include "sensor.h"
#include "sensor_sim.h"

/* One run of a cmd: program; its handles live from sensor_cmd_start until the last close. */
struct sensor_cmd_run {
	uv_process_t proc;
	uv_pipe_t out, err;
	uv_timer_t timer;
	char args[SENSOR_SOURCE_MAX]; /* the spec's words, copied: uv_spawn wants char *argv[] */
	char *argv[SENSOR_CMD_ARGC_MAX + 1];
	int open_handles; /* initialised handles not yet closed */
	bool spawned;     /* the process handle is live: wait for its exit before closing it */
	bool exited;      /* exit_cb has run */
	bool out_done;    /* stdout reached EOF, an error, or was given up */
	bool err_done;    /* the same for stderr */
	bool timed_out;   /* the timer fired before the program exited; the group was killed */
	bool finishing;   /* the result is decided and the handles are closing */
	int spawn_err;    /* uv_spawn's error, 0 when it started */
	int64_t exit_status;
	int term_signal;
	char obuf[256]; /* the start of stdout */
	size_t olen;
	char ebuf[128]; /* the start of stderr */
	size_t elen;
	char scratch[512]; /* where libuv reads into */
	struct sensor_reading result;
};

struct sensor {
	uv_loop_t *loop;
	struct sensor_spec spec;
	char *path; /* w1, hwmon, file: the file to read */
	int32_t offset_c10;
	uint32_t timeout_ms;
	struct sensor_sim sim;
	bool busy;  /* a read was started and its callback is still to come */
	bool freed; /* sensor_free was called during a read: free when it ends */
	sensor_read_cb cb;
	void *user_data;
	int64_t read_ms;
	/* w1, hwmon, file, sim: the thread-pool job and what the worker read */
	uv_work_t work;
	char buf[512];
	size_t len;
	int err; /* errno of the worker's open or read, 0 when it read */
	struct sensor_cmd_run cmd;
};

/* Ends a read: adds the offset to a good reading, then calls the callback, or frees the sensor
 * if sensor_free came first. */
void sensor_deliver(struct sensor *s, const struct sensor_reading *r);

/* Starts s->spec's program; the result comes through sensor_deliver (a failure to spawn too,
 * as a SPAWN fault, from the loop). */
void sensor_cmd_start(struct sensor *s);

/* sensor_free during a cmd: read: kills the group and closes what can be closed; the sensor is
 * freed when the last handle is. */
void sensor_cmd_abandon(struct sensor *s);

/* Frees the sensor's memory (no handle or request may be live). */
void sensor_release(struct sensor *s);

#endif
