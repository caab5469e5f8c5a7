/* The client's side of the control socket: one request line out, one answer line back,
 * within a deadline kept with poll(2) and the monotonic clock. */
#include "sim_ctl.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for `events` on `fd` until `deadline`; 0, or -ETIMEDOUT / -errno. */
static int wait_fd(int fd, short events, int64_t deadline)
{
	for (;;) {
		int64_t left = deadline - mono_ms();
		if (left <= 0)
			return -ETIMEDOUT;
		struct pollfd p = {.fd = fd, .events = events};
		int n = poll(&p, 1, left > 60000 ? 60000 : (int)left);
		if (n > 0)
			return 0;
		if (n < 0 && errno != EINTR)
			return -errno;
	}
}

static int connect_to(const char *path)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(addr.sun_path))
		return -ENAMETOOLONG;
	strcpy(addr.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		int e = -errno;
		close(fd);
		return e;
	}
	return fd;
}

static int send_all(int fd, const char *buf, size_t len, int64_t deadline)
{
	while (len) {
		int rc = wait_fd(fd, POLLOUT, deadline);
		if (rc < 0)
			return rc;
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
		if (n < 0 && errno != EINTR && errno != EAGAIN)
			return -errno;
		if (n > 0) {
			buf += n;
			len -= (size_t)n;
		}
	}
	return 0;
}

/* Reads until the first newline; returns the line (malloc'd, NUL-terminated) in `*out`. */
static int read_line(int fd, int64_t deadline, char **out)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		int rc = wait_fd(fd, POLLIN, deadline);
		if (rc < 0) {
			free(buf);
			return rc;
		}
		if (cap - len < 2048) {
			char *n = realloc(buf, cap * 2);
			if (!n) {
				free(buf);
				return -ENOMEM;
			}
			buf = n;
			cap *= 2;
		}
		ssize_t n = recv(fd, buf + len, cap - len - 1, 0);
		if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
			free(buf);
			return n == 0 ? -ECONNRESET : -errno;
		}
		if (n > 0)
			len += (size_t)n;
		char *nl = memchr(buf, '\n', len);
		if (nl) {
			*nl = '\0';
			*out = buf;
			return 0;
		}
	}
}

int sim_ctl_request(const char *path, json_t *req, int timeout_ms, json_t **answer)
{
	int64_t deadline = mono_ms() + timeout_ms;
	int fd = connect_to(path);
	if (fd < 0)
		return fd;
	char *text = json_dumps(req, JSON_COMPACT);
	char *line = NULL;
	int rc = text ? 0 : -ENOMEM;
	if (rc == 0) {
		size_t n = strlen(text);
		text[n] = '\n'; /* json_dumps left room for the NUL we overwrite */
		rc = send_all(fd, text, n + 1, deadline);
	}
	if (rc == 0)
		rc = read_line(fd, deadline, &line);
	if (rc == 0) {
		json_error_t err;
		*answer = json_loads(line, 0, &err);
		rc = json_is_object(*answer) ? 0 : -EPROTO;
		if (rc < 0) {
			json_decref(*answer);
			*answer = NULL;
		}
	}
	free(line);
	free(text);
	close(fd);
	return rc;
}

bool sim_ctl_alive(const char *path)
{
	json_t *probe = json_pack("{s:s}", "op", "ping");
	json_t *answer = NULL;
	int rc = sim_ctl_request(path, probe, 1000, &answer);
	json_decref(probe);
	json_decref(answer);
	return rc == 0;
}
