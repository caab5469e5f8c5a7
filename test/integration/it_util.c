/* Integration test helpers (see it_util.h): a real simulator child process, its command
 * line, and an AT client on its PTYs with gammu's codec for the PDUs. */
#include "it_util.h"

#include "sim_ctl.h"

#include <gammu.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

/* In a forked child: runs argv[0] with argv, or exits 127. execv takes `char *const[]`, so
 * the child hands it copies of its own. */
static _Noreturn void exec_argv(const char *const *argv)
{
	char *own[64];
	size_t n = 0;
	for (; argv[n] && n < 63; n++) {
		own[n] = strdup(argv[n]);
		if (!own[n])
			_exit(127);
	}
	own[n] = NULL;
	execv(own[0], own);
	_exit(127);
}

int64_t it_mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

uint64_t it_splitmix(uint64_t *state)
{
	uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

/* Reads what `fd` has within `timeout_ms` into buf; returns bytes, 0 on timeout, -1 at EOF. */
static ssize_t read_some(int fd, char *buf, size_t size, int timeout_ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	if (poll(&p, 1, timeout_ms) <= 0)
		return 0;
	ssize_t n = read(fd, buf, size);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	return n <= 0 ? -1 : n;
}

/* The simulator's log, where its stderr goes. */
static const char *log_path(const struct it_sim *sim, char *buf, size_t size)
{
	snprintf(buf, size, "%s/sim.log", sim->root);
	return buf;
}

void it_sim_start(struct it_sim *sim, const char *m2mon, const char *const *args)
{
	memset(sim, 0, sizeof(*sim));
	sim->m2mon = m2mon;
	snprintf(sim->root, sizeof(sim->root), "/tmp/m2sim-it-XXXXXX");
	assert_non_null(mkdtemp(sim->root));
	snprintf(sim->dir, sizeof(sim->dir), "%s/net", sim->root);
	int pfd[2];
	assert_int_equal(pipe(pfd), 0);
	const char *argv[64] = {m2mon, "--log-level", "debug", "sim", "--dir", sim->dir};
	int argc = 6;
	for (int i = 0; args && args[i] && argc < 63; i++)
		argv[argc++] = args[i];
	argv[argc] = NULL;
	pid_t parent = getpid();
	sim->pid = fork();
	assert_true(sim->pid >= 0);
	if (sim->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM); /* a failed test must not leave a simulator behind */
		if (getppid() != parent)
			_exit(127); /* the test died before the line above took effect */
		char log[320];
		int err = open(log_path(sim, log, sizeof(log)), O_WRONLY | O_CREAT | O_APPEND, 0644);
		dup2(pfd[1], 1);
		dup2(err, 2);
		close(pfd[0]);
		exec_argv(argv);
	}
	close(pfd[1]);
	sim->out_fd = pfd[0];
	char out[256] = "";
	size_t len = 0;
	int64_t deadline = it_mono_ms() + IT_TIMEOUT_MS;
	while (!strstr(out, "ready\n")) {
		int64_t left = deadline - it_mono_ms();
		if (left <= 0)
			fail_msg("m2mon sim did not print ready (see %s/sim.log)", sim->root);
		ssize_t n = read_some(sim->out_fd, out + len, sizeof(out) - len - 1, (int)left);
		if (n < 0)
			fail_msg("m2mon sim exited before ready (see %s/sim.log)", sim->root);
		len += (size_t)n;
		out[len] = '\0';
	}
}

void it_sim_stop(struct it_sim *sim)
{
	assert_int_equal(kill(sim->pid, SIGTERM), 0);
	int status = 0;
	assert_int_equal(waitpid(sim->pid, &status, 0), sim->pid);
	close(sim->out_fd);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	char path[400];
	struct stat st;
	snprintf(path, sizeof(path), "%s/sim.sock", sim->dir);
	assert_int_not_equal(lstat(path, &st), 0);
	char cmd[400];
	snprintf(cmd, sizeof(cmd), "ls %s | grep -q '\\.tty$'", sim->dir);
	assert_int_not_equal(system(cmd), 0);
	if (getenv("IT_KEEP") == NULL) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", sim->root);
		assert_int_equal(system(cmd), 0);
	}
}

static int count_lines(const char *path, const char *const *needles)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	char line[8192];
	int count = 0;
	while (fgets(line, sizeof(line), f)) {
		bool all = true;
		for (int i = 0; needles[i] && all; i++)
			all = strstr(line, needles[i]) != NULL;
		count += all;
	}
	fclose(f);
	return count;
}

int it_jsonl_count(const struct it_sim *sim, const char *const *needles)
{
	char path[400];
	snprintf(path, sizeof(path), "%s/sms.jsonl", sim->dir);
	return count_lines(path, needles);
}

int it_log_count(const struct it_sim *sim, const char *const *needles)
{
	char path[320];
	return count_lines(log_path(sim, path, sizeof(path)), needles);
}

bool it_wait_until(const char *const *paths, int n_paths, bool (*done)(void *ctx), void *ctx, int timeout_ms)
{
	int in = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	assert_true(in >= 0);
	for (int i = 0; i < n_paths; i++) /* before the first look */
		assert_true(inotify_add_watch(in, paths[i], IN_MODIFY | IN_CREATE) >= 0);
	int64_t deadline = it_mono_ms() + timeout_ms;
	bool met;
	while (!(met = done(ctx))) {
		int64_t left = deadline - it_mono_ms();
		struct pollfd p = {.fd = in, .events = POLLIN};
		if (left <= 0 || poll(&p, 1, (int)left) < 0)
			break;
		char events[4096];
		while (read(in, events, sizeof(events)) > 0)
			continue;
	}
	close(in);
	return met;
}

struct lines_wanted {
	const char *path;
	const char *const *needles;
	int count;
};

static bool lines_there(void *ctx)
{
	const struct lines_wanted *w = ctx;
	return count_lines(w->path, w->needles) >= w->count;
}

bool it_lines_wait(const char *watch, const char *path, const char *const *needles, int count, int timeout_ms)
{
	struct lines_wanted w = {path, needles, count};
	return it_wait_until(&watch, 1, lines_there, &w, timeout_ms);
}

bool it_file_wait(const char *path, const char *const *needles, int count, int timeout_ms)
{
	return it_lines_wait(path, path, needles, count, timeout_ms);
}

int it_file_count(const char *path, const char *const *needles)
{
	return count_lines(path, needles);
}

bool it_log_wait(const struct it_sim *sim, const char *const *needles, int count, int timeout_ms)
{
	char path[320];
	return it_file_wait(log_path(sim, path, sizeof(path)), needles, count, timeout_ms);
}

int it_cli(const struct it_sim *sim, const char *sub, const char *const *args, char *out, size_t out_size)
{
	const char *argv[64] = {sim->m2mon, "sim", sub, "--dir", sim->dir};
	int argc = 5;
	for (int i = 0; args && args[i] && argc < 63; i++)
		argv[argc++] = args[i];
	argv[argc] = NULL;
	int pfd[2];
	assert_int_equal(pipe(pfd), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(pfd[1], 1);
		close(pfd[0]);
		exec_argv(argv);
	}
	close(pfd[1]);
	size_t len = 0;
	char sink[4096];
	for (;;) {
		char *dst = out && len + 1 < out_size ? out + len : sink;
		size_t room = out && len + 1 < out_size ? out_size - len - 1 : sizeof(sink);
		ssize_t n = read(pfd[0], dst, room);
		if (n <= 0)
			break;
		if (dst != sink)
			len += (size_t)n;
	}
	if (out)
		out[len] = '\0';
	close(pfd[0]);
	int status = 0;
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

const char *it_tty(const struct it_sim *sim, const char *name, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s.tty", sim->dir, name);
	return buf;
}

int it_at_open(const char *path)
{
	int fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK);
	assert_true(fd >= 0);
	struct termios tio;
	assert_int_equal(tcgetattr(fd, &tio), 0);
	cfmakeraw(&tio);
	assert_int_equal(tcsetattr(fd, TCSANOW, &tio), 0);
	return fd;
}

void it_at_write(int fd, const char *s)
{
	size_t len = strlen(s);
	while (len) {
		size_t k = len < 8 ? len : 8;
		ssize_t n = write(fd, s, k);
		if (n < 0 && errno == EAGAIN) {
			struct pollfd p = {.fd = fd, .events = POLLOUT};
			poll(&p, 1, 100);
			continue;
		}
		assert_true(n > 0);
		s += n;
		len -= (size_t)n;
	}
}

/* Appends what arrives to `acc` until `done(acc)` or the timeout. When `acc` fills up, its
 * older half is dropped. A NUL byte (line noise, the garbage fault) is kept as 0x7F so that
 * it does not end the string before what follows it. */
static bool wait_for(int fd, bool (*done)(const char *acc, const void *arg), const void *arg, int timeout_ms,
		     char *acc, size_t acc_size)
{
	size_t len = strlen(acc);
	int64_t deadline = it_mono_ms() + timeout_ms;
	while (!done(acc, arg)) {
		int64_t left = deadline - it_mono_ms();
		if (left <= 0)
			return false;
		if (len + 512 > acc_size && len > acc_size / 2) {
			size_t keep = acc_size / 2;
			memmove(acc, acc + len - keep, keep);
			len = keep;
		}
		if (len + 1 >= acc_size)
			return false;
		ssize_t n = read_some(fd, acc + len, acc_size - len - 1, (int)left);
		if (n < 0)
			return false;
		for (ssize_t i = 0; i < n; i++)
			if (acc[len + (size_t)i] == '\0')
				acc[len + (size_t)i] = 0x7f;
		len += (size_t)n;
		acc[len] = '\0';
	}
	return true;
}

static bool has(const char *acc, const void *want)
{
	return strstr(acc, want) != NULL;
}

bool it_at_wait(int fd, const char *want, int timeout_ms, char *acc, size_t acc_size)
{
	return wait_for(fd, has, want, timeout_ms, acc, acc_size);
}

static bool has_final(const char *acc, const void *unused)
{
	(void)unused;
	const char *e = strstr(acc, "ERROR");
	return strstr(acc, "\r\nOK\r\n") || (e && strstr(e, "\r\n"));
}

bool it_at_wait_final(int fd, char *acc, size_t acc_size)
{
	return wait_for(fd, has_final, NULL, IT_TIMEOUT_MS, acc, acc_size);
}

bool it_at_cmd(int fd, const char *cmd, char *reply, size_t reply_size)
{
	char local[8192];
	char *acc = reply ? reply : local;
	size_t size = reply ? reply_size : sizeof(local);
	acc[0] = '\0';
	char line[1024];
	snprintf(line, sizeof(line), "%s\r", cmd);
	it_at_write(fd, line);
	if (!wait_for(fd, has_final, NULL, IT_TIMEOUT_MS, acc, size))
		return false;
	return strstr(acc, "\r\nOK\r\n") != NULL;
}

static bool has_registered_urc(const char *acc, const void *unused)
{
	(void)unused;
	return strstr(acc, "\r\n+CREG: 1\r\n") || strstr(acc, "\r\n+CREG: 5\r\n");
}

bool it_at_registered(int fd)
{
	char reply[4096];
	if (!it_at_cmd(fd, "AT+CREG=1", NULL, 0) || !it_at_cmd(fd, "AT+CREG?", reply, sizeof(reply)))
		return false;
	if (strstr(reply, "+CREG: 1,1") || strstr(reply, "+CREG: 1,5"))
		return true;
	/* the URC may have come in the same read as the answer: what followed OK is kept */
	char acc[4096] = "";
	const char *after = strstr(reply, "\r\nOK\r\n");
	if (after)
		snprintf(acc, sizeof(acc), "%s", after + 4);
	return wait_for(fd, has_registered_urc, NULL, IT_TIMEOUT_MS, acc, sizeof(acc));
}

bool it_drain(const struct it_sim *sim, int timeout_ms)
{
	char path[400];
	snprintf(path, sizeof(path), "%s/sim.sock", sim->dir);
	json_t *req = json_pack("{s:s,s:i}", "op", "drain", "wait_ms", timeout_ms);
	json_t *answer = NULL;
	int rc = sim_ctl_request(path, req, timeout_ms + IT_TIMEOUT_MS, &answer);
	json_decref(req);
	bool ok = rc == 0 && json_is_true(json_object_get(answer, "ok"));
	json_decref(answer);
	return ok;
}
