/* cmd: sources (sensor.h): the program as a child process in a process group of its own, its
 * stdout and stderr through pipes, a timer that kills the group. A run ends when the process
 * has exited and both pipes are done (EOF, or given up at the timeout); then its four handles
 * close, and the result goes out when the last one has. */
#include "sensor_int.h"

#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define RUN_OF(h, member) ((struct sensor_cmd_run *)((char *)(h)-offsetof(struct sensor_cmd_run, member)))
#define SENSOR_OF(run)    ((struct sensor *)((char *)(run)-offsetof(struct sensor, cmd)))

static void on_close(uv_handle_t *h)
{
	struct sensor_cmd_run *run = h->data;
	if (--run->open_handles == 0)
		sensor_deliver(SENSOR_OF(run), &run->result);
}

static void close_handle(uv_handle_t *h)
{
	if (!uv_is_closing(h))
		uv_close(h, on_close);
}

/* Closes the pipes and the timer at once, the process handle only once it has exited (so
 * that libuv reaps it). */
static void close_run(struct sensor_cmd_run *run)
{
	run->finishing = true;
	close_handle((uv_handle_t *)&run->out);
	close_handle((uv_handle_t *)&run->err);
	close_handle((uv_handle_t *)&run->timer);
	if (!run->spawned || run->exited)
		close_handle((uv_handle_t *)&run->proc);
}

static void kill_group(struct sensor_cmd_run *run)
{
	if (run->spawned && kill(-run->proc.pid, SIGKILL) < 0 && !run->exited)
		uv_process_kill(&run->proc, SIGKILL);
}

/* The first line of what the program wrote to stderr, quoted, or "". */
static const char *stderr_line(struct sensor_cmd_run *run, char *buf, size_t size)
{
	char ex[64];
	const char *nl = memchr(run->ebuf, '\n', run->elen);
	size_t len = nl ? (size_t)(nl - run->ebuf) : run->elen;
	if (len == 0)
		return "";
	snprintf(buf, size, ": \"%s\"", sensor_text_excerpt(run->ebuf, len, ex, sizeof(ex)));
	return buf;
}

static void decide(struct sensor *s)
{
	struct sensor_cmd_run *run = &s->cmd;
	struct sensor_reading *r = &run->result;
	char why[80];
	if (run->spawn_err)
		sensor_reading_fault(r, SENSOR_FAULT_SPAWN, "cannot start %s: %s", run->argv[0],
				     uv_strerror(run->spawn_err));
	else if (run->timed_out)
		sensor_reading_fault(r, SENSOR_FAULT_TIMEOUT, "no answer within %u ms: killed",
				     s->timeout_ms);
	else if (run->term_signal)
		sensor_reading_fault(r, SENSOR_FAULT_EXIT, "killed by signal %d%s", run->term_signal,
				     stderr_line(run, why, sizeof(why)));
	else if (run->exit_status != 0)
		sensor_reading_fault(r, SENSOR_FAULT_EXIT, "exited with status %lld%s",
				     (long long)run->exit_status, stderr_line(run, why, sizeof(why)));
	else
		sensor_text_first_number(run->obuf, run->olen, r);
}

static void maybe_finish(struct sensor_cmd_run *run)
{
	if (run->finishing || !run->exited || !run->out_done || !run->err_done)
		return;
	decide(SENSOR_OF(run));
	close_run(run);
}

static void on_exit_cb(uv_process_t *p, int64_t status, int term_signal)
{
	struct sensor_cmd_run *run = RUN_OF(p, proc);
	run->exited = true;
	run->exit_status = status;
	run->term_signal = term_signal;
	if (run->finishing)
		close_handle((uv_handle_t *)&run->proc);
	else
		maybe_finish(run);
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	(void)suggested;
	struct sensor_cmd_run *run = h->data;
	*buf = uv_buf_init(run->scratch, sizeof(run->scratch));
}

/* Keeps the start of each stream and drains the rest, so a talkative program never blocks on
 * a full pipe. */
static void on_read(uv_stream_t *stream, ssize_t n, const uv_buf_t *buf)
{
	struct sensor_cmd_run *run = stream->data;
	bool is_out = stream == (uv_stream_t *)&run->out;
	char *keep = is_out ? run->obuf : run->ebuf;
	size_t cap = is_out ? sizeof(run->obuf) : sizeof(run->ebuf);
	size_t *len = is_out ? &run->olen : &run->elen;
	if (n > 0) {
		size_t room = cap - *len, take = (size_t)n < room ? (size_t)n : room;
		memcpy(keep + *len, buf->base, take);
		*len += take;
		return;
	}
	if (n == 0)
		return;
	uv_read_stop(stream);
	if (is_out)
		run->out_done = true;
	else
		run->err_done = true;
	maybe_finish(run);
}

/* The program overran: kill its group and stop waiting for the pipes, which a child it left
 * behind could hold open (then the exit status and the output so far decide). */
static void on_timeout(uv_timer_t *t)
{
	struct sensor_cmd_run *run = RUN_OF(t, timer);
	run->timed_out = !run->exited;
	kill_group(run);
	uv_read_stop((uv_stream_t *)&run->out);
	uv_read_stop((uv_stream_t *)&run->err);
	run->out_done = run->err_done = true;
	maybe_finish(run);
}

static void init_handles(struct sensor *s, struct sensor_cmd_run *run)
{
	uv_pipe_init(s->loop, &run->out, 0);
	uv_pipe_init(s->loop, &run->err, 0);
	uv_timer_init(s->loop, &run->timer);
	run->out.data = run->err.data = run->timer.data = run->proc.data = run;
	run->open_handles = 4;
	memcpy(run->args, s->spec.arg, sizeof(run->args));
	char *a = run->args;
	for (int i = 0; i < s->spec.argc; i++, a += strlen(a) + 1)
		run->argv[i] = a;
	run->argv[s->spec.argc] = NULL;
}

void sensor_cmd_start(struct sensor *s)
{
	struct sensor_cmd_run *run = &s->cmd;
	memset(run, 0, sizeof(*run));
	init_handles(s, run);
	uv_stdio_container_t stdio[3] = {
		{.flags = UV_IGNORE},
		{.flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE, .data.stream = (uv_stream_t *)&run->out},
		{.flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE, .data.stream = (uv_stream_t *)&run->err},
	};
	/* DETACHED: setsid() in the child, so its pid is the group that the timeout kills. */
	uv_process_options_t o = {
		.exit_cb = on_exit_cb,
		.file = run->argv[0],
		.args = run->argv,
		.flags = UV_PROCESS_DETACHED,
		.stdio_count = 3,
		.stdio = stdio,
	};
	int rc = uv_spawn(s->loop, &run->proc, &o);
	run->proc.data = run;
	if (rc < 0) {
		run->spawn_err = rc;
		decide(s);
		close_run(run);
		return;
	}
	run->spawned = true;
	uv_read_start((uv_stream_t *)&run->out, on_alloc, on_read);
	uv_read_start((uv_stream_t *)&run->err, on_alloc, on_read);
	uv_timer_start(&run->timer, on_timeout, s->timeout_ms, 0);
}

void sensor_cmd_abandon(struct sensor *s)
{
	struct sensor_cmd_run *run = &s->cmd;
	if (run->finishing)
		return;
	kill_group(run);
	close_run(run);
}
