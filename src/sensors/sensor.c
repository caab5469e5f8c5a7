/* The reader's life cycle (sensor.h): a sensor per channel, one read at a time; w1:, hwmon:
 * and file: read in libuv's thread pool and parsed back on the loop, sim: computed there too so
 * that every kind answers the same way; cmd: is in sensor_cmd.c. */
#include "sensor_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *w1_path(const char *root, const char *id)
{
	size_t n = strlen(root) + strlen(id) + sizeof("//w1_slave");
	char *p = malloc(n);
	if (p)
		snprintf(p, n, "%s/%s/w1_slave", root, id);
	return p;
}

struct sensor *sensor_new(uv_loop_t *loop, const struct sensor_spec *spec, const struct sensor_opts *opts,
			  int64_t now_ms)
{
	struct sensor *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->loop = loop;
	s->spec = *spec;
	s->offset_c10 = opts ? opts->offset_c10 : 0;
	s->timeout_ms = opts && opts->timeout_ms ? opts->timeout_ms : SENSOR_TIMEOUT_MS_DEFAULT;
	s->work.data = s;
	switch (spec->kind) {
	case SENSOR_KIND_W1:
		s->path = w1_path(opts && opts->w1_root ? opts->w1_root : SENSOR_W1_ROOT_DEFAULT, spec->arg);
		break;
	case SENSOR_KIND_HWMON:
	case SENSOR_KIND_FILE:
		s->path = strdup(spec->arg);
		break;
	case SENSOR_KIND_CMD:
		return s;
	case SENSOR_KIND_SIM: {
		int64_t open_s = now_ms / 1000;
		s->sim = (struct sensor_sim){
			.profile = spec->sim.profile,
			.seed = spec->sim.seed,
			.fail_at_s = spec->sim.fail_after_s == INT64_MAX ? INT64_MAX
									 : open_s + spec->sim.fail_after_s,
			.repair_at_s = spec->sim.repair_after_s == INT64_MAX
					       ? INT64_MAX
					       : open_s + spec->sim.repair_after_s,
		};
		return s;
	}
	}
	if (!s->path) {
		free(s);
		return NULL;
	}
	return s;
}

const struct sensor_spec *sensor_spec_of(const struct sensor *s)
{
	return &s->spec;
}

bool sensor_busy(const struct sensor *s)
{
	return s->busy;
}

void sensor_release(struct sensor *s)
{
	free(s->path);
	free(s);
}

void sensor_deliver(struct sensor *s, const struct sensor_reading *r)
{
	s->busy = false;
	if (s->freed) {
		sensor_release(s);
		return;
	}
	struct sensor_reading out = *r;
	if (out.ok)
		out.temp_c10 += s->offset_c10;
	s->cb(s, &out, s->user_data);
}

/* In a worker thread: one read of the whole (small) file; touches only s->buf, len, err. */
static void read_file(uv_work_t *req)
{
	struct sensor *s = req->data;
	if (s->spec.kind == SENSOR_KIND_SIM)
		return;
	s->len = 0;
	s->err = 0;
	int fd = open(s->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		s->err = errno;
		return;
	}
	while (s->len < sizeof(s->buf)) {
		ssize_t n = read(fd, s->buf + s->len, sizeof(s->buf) - s->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			s->err = errno;
		if (n <= 0)
			break;
		s->len += (size_t)n;
	}
	close(fd);
}

static void file_fault(const struct sensor *s, struct sensor_reading *r)
{
	const char *what = s->spec.kind == SENSOR_KIND_W1
				   ? "probe not on the bus (check the wiring and the id)"
				   : "check the path";
	if (s->err == ENOENT || s->err == ENODEV || s->err == ENXIO || s->err == ENOTDIR)
		sensor_reading_fault(r, SENSOR_FAULT_MISSING, "no %s: %s", s->path, what);
	else
		sensor_reading_fault(r, SENSOR_FAULT_IO, "cannot read %s: %s", s->path, strerror(s->err));
}

/* Back on the loop: parse what the worker read, or compute the simulated value. */
static void after_read(uv_work_t *req, int status)
{
	struct sensor *s = req->data;
	struct sensor_reading r = {0};
	if (status < 0 || s->freed) {
		s->freed = true;
		sensor_deliver(s, &r);
		return;
	}
	switch (s->spec.kind) {
	case SENSOR_KIND_W1:
		if (s->err)
			file_fault(s, &r);
		else
			sensor_text_w1_slave(s->buf, s->len, &r);
		break;
	case SENSOR_KIND_HWMON:
		if (s->err)
			file_fault(s, &r);
		else
			sensor_text_mdeg(s->buf, s->len, &r);
		break;
	case SENSOR_KIND_FILE:
		if (s->err)
			file_fault(s, &r);
		else if (s->len == sizeof(s->buf))
			sensor_reading_fault(&r, SENSOR_FAULT_GARBAGE, "%s holds more than a number",
					     s->path);
		else
			sensor_text_degrees(s->buf, s->len, &r);
		break;
	case SENSOR_KIND_SIM:
		r = (struct sensor_reading){.ok = true,
					    .temp_c10 = sensor_sim_temp_c10(&s->sim, s->read_ms / 1000)};
		break;
	case SENSOR_KIND_CMD:
		sensor_reading_fault(&r, SENSOR_FAULT_IO, "internal: a program read in the file reader");
		break;
	}
	sensor_deliver(s, &r);
}

int sensor_read(struct sensor *s, int64_t now_ms, sensor_read_cb cb, void *user_data)
{
	if (s->busy)
		return -EBUSY;
	s->cb = cb;
	s->user_data = user_data;
	s->read_ms = now_ms;
	if (s->spec.kind == SENSOR_KIND_CMD) {
		s->busy = true;
		sensor_cmd_start(s);
		return 0;
	}
	int rc = uv_queue_work(s->loop, &s->work, read_file, after_read);
	if (rc < 0)
		return rc;
	s->busy = true;
	return 0;
}

void sensor_free(struct sensor *s)
{
	if (!s)
		return;
	if (!s->busy) {
		sensor_release(s);
		return;
	}
	s->freed = true;
	if (s->spec.kind == SENSOR_KIND_CMD)
		sensor_cmd_abandon(s);
	else
		uv_cancel((uv_req_t *)&s->work);
}
