/* Framing of the control socket: JSON lines in and out over a UNIX stream socket, with the
 * libuv loop (sim_ctl_client.c has the client's side). */
#include "sim_ctl.h"

#include "log.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>

#define CTL_LINE_MAX (256 * 1024)

struct sim_ctl_conn {
	struct sim_ctl *ctl;
	uv_pipe_t pipe;
	char *buf;
	size_t len, cap;
	bool busy; /* a request awaits its answer */
	bool closing;
	struct sim_ctl_conn *next;
};

struct sim_ctl {
	uv_pipe_t server;
	char path[108];
	struct sim_ctl_handlers h;
	void *user;
	struct sim_ctl_conn *conns;
};

static void conn_close(struct sim_ctl_conn *c);

static void on_write(uv_write_t *w, int status)
{
	(void)status;
	free(w->data);
	free(w);
}

static void send_line(struct sim_ctl_conn *c, json_t *answer)
{
	char *text = json_dumps(answer, JSON_COMPACT);
	json_decref(answer);
	if (!text || c->closing) {
		free(text);
		return;
	}
	size_t n = strlen(text);
	char *line = realloc(text, n + 2);
	uv_write_t *w = malloc(sizeof(*w));
	if (!line || !w) {
		free(line ? line : text);
		free(w);
		return;
	}
	line[n] = '\n';
	line[n + 1] = '\0';
	w->data = line;
	uv_buf_t b = uv_buf_init(line, (unsigned)(n + 1));
	if (uv_write(w, (uv_stream_t *)&c->pipe, &b, 1, on_write) < 0)
		on_write(w, -1);
}

/* Hands the complete lines in the buffer to the owner, one at a time. */
static void process_lines(struct sim_ctl_conn *c)
{
	char *nl;
	while (!c->busy && !c->closing && (nl = memchr(c->buf, '\n', c->len)) != NULL) {
		size_t line_len = (size_t)(nl - c->buf);
		json_error_t err;
		json_t *req = json_loadb(c->buf, line_len, 0, &err);
		memmove(c->buf, nl + 1, c->len - line_len - 1);
		c->len -= line_len + 1;
		if (!json_is_object(req)) {
			json_decref(req);
			send_line(c,
				  json_pack("{s:b,s:s}", "ok", 0, "error", "request is not a JSON object"));
			continue;
		}
		c->busy = true;
		c->ctl->h.request(c->ctl->user, c, req);
		json_decref(req);
	}
}

void sim_ctl_reply(struct sim_ctl_conn *c, json_t *answer)
{
	send_line(c, answer);
	c->busy = false;
	process_lines(c);
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *b)
{
	struct sim_ctl_conn *c = h->data;
	(void)suggested;
	if (c->cap - c->len < 4096) {
		size_t cap = c->cap ? c->cap * 2 : 8192;
		char *n = realloc(c->buf, cap);
		if (n) {
			c->buf = n;
			c->cap = cap;
		}
	}
	*b = uv_buf_init(c->buf + c->len, (unsigned)(c->cap - c->len));
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *b)
{
	struct sim_ctl_conn *c = s->data;
	(void)b;
	if (n < 0) {
		conn_close(c);
		return;
	}
	c->len += (size_t)n;
	if (c->len > CTL_LINE_MAX && !memchr(c->buf, '\n', c->len)) {
		log_warn("sim",
			 "event=ctl_line_too_long bytes=%zu reason=\"a control request has no "
			 "end of line; connection closed\"",
			 c->len);
		conn_close(c);
		return;
	}
	process_lines(c);
}

static void on_conn_closed(uv_handle_t *h)
{
	struct sim_ctl_conn *c = h->data;
	free(c->buf);
	free(c);
}

static void conn_close(struct sim_ctl_conn *c)
{
	if (c->closing)
		return;
	c->closing = true;
	for (struct sim_ctl_conn **p = &c->ctl->conns; *p; p = &(*p)->next)
		if (*p == c) {
			*p = c->next;
			break;
		}
	c->ctl->h.closed(c->ctl->user, c);
	uv_close((uv_handle_t *)&c->pipe, on_conn_closed);
}

static void on_connection(uv_stream_t *server, int status)
{
	struct sim_ctl *ctl = server->data;
	if (status < 0)
		return;
	struct sim_ctl_conn *c = calloc(1, sizeof(*c));
	if (!c)
		return;
	c->ctl = ctl;
	uv_pipe_init(server->loop, &c->pipe, 0);
	c->pipe.data = c;
	if (uv_accept(server, (uv_stream_t *)&c->pipe) < 0) {
		uv_close((uv_handle_t *)&c->pipe, on_conn_closed);
		return;
	}
	c->next = ctl->conns;
	ctl->conns = c;
	uv_read_start((uv_stream_t *)&c->pipe, on_alloc, on_read);
}

static void on_server_closed(uv_handle_t *h)
{
	free(h->data);
}

int sim_ctl_listen(uv_loop_t *loop, const char *path, const struct sim_ctl_handlers *h, void *user,
		   struct sim_ctl **out)
{
	if (strlen(path) >= sizeof(((struct sockaddr_un *)0)->sun_path))
		return -ENAMETOOLONG;
	if (sim_ctl_alive(path))
		return -EADDRINUSE;
	struct sim_ctl *ctl = calloc(1, sizeof(*ctl));
	if (!ctl)
		return -ENOMEM;
	snprintf(ctl->path, sizeof(ctl->path), "%s", path);
	ctl->h = *h;
	ctl->user = user;
	uv_pipe_init(loop, &ctl->server, 0);
	ctl->server.data = ctl;
	unlink(path);
	int rc = uv_pipe_bind(&ctl->server, path);
	if (rc == 0)
		rc = uv_listen((uv_stream_t *)&ctl->server, 16, on_connection);
	if (rc < 0) {
		uv_close((uv_handle_t *)&ctl->server, on_server_closed);
		return rc;
	}
	*out = ctl;
	return 0;
}

void sim_ctl_close(struct sim_ctl *ctl)
{
	if (!ctl)
		return;
	while (ctl->conns)
		conn_close(ctl->conns);
	unlink(ctl->path);
	uv_close((uv_handle_t *)&ctl->server, on_server_closed);
}
