/* The demo's processes: the real `m2mon` subcommands started with uv_spawn, each with its
 * output in a log file of the folder, in a process group of its own (killed as a group), and
 * told by M2MON_PARENT_PID to end with the demo even when the demo is killed. A daemon that
 * ends without being asked ends the demo. */
#include "cmd_demo.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define KILL_AFTER_MS 8000

int64_t demo_mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t demo_wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void demo_find_m2mon(struct demo *d)
{
	ssize_t n = readlink("/proc/self/exe", d->m2mon, sizeof(d->m2mon) - 1);
	if (n <= 0)
		snprintf(d->m2mon, sizeof(d->m2mon), "m2mon");
	else
		d->m2mon[n] = '\0';
}

/* The last lines of a child's log, for the person who must find out why it ended. */
static void show_tail(const char *log)
{
	FILE *f = fopen(log, "r");
	if (!f)
		return;
	char lines[5][512];
	int n = 0;
	while (fgets(lines[n % 5], sizeof(lines[0]), f))
		n++;
	fclose(f);
	for (int i = n > 5 ? n - 5 : 0; i < n; i++)
		fprintf(stderr, "  | %s", lines[i % 5]);
}

static void on_exit_cb(uv_process_t *p, int64_t status, int term_signal)
{
	struct demo_child *c = p->data;
	struct demo *d = c->demo;
	c->running = false;
	c->exit_status = status;
	c->term_signal = term_signal;
	uv_close((uv_handle_t *)p, NULL);
	if (!c->daemon) {
		demo_story_tool_done(d, c);
		return;
	}
	if (c->stopping || d->stopping)
		return;
	fprintf(stderr, "\nm2mon demo: %s ended by itself (%s %d); its log: %s\n", c->name,
		term_signal ? "signal" : "exit status", term_signal ? term_signal : (int)status, c->log);
	show_tail(c->log);
	demo_finish(d, 1);
}

/* environ plus M2MON_PARENT_PID; the strings are environ's or `own`'s. */
static char **child_env(char *own, size_t own_size)
{
	size_t n = 0;
	while (environ[n])
		n++;
	char **env = calloc(n + 2, sizeof(*env));
	if (!env)
		return NULL;
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "M2MON_PARENT_PID=", 17) != 0)
			env[k++] = environ[i];
	snprintf(own, own_size, "M2MON_PARENT_PID=%ld", (long)getpid());
	env[k] = own;
	return env;
}

static int start(struct demo *d, struct demo_child *c, const char *const *args)
{
	char *argv[32];
	int n = 0;
	argv[n++] = d->m2mon;
	for (int i = 0; args[i] && n < 31; i++)
		argv[n++] = (char *)(uintptr_t)args[i];
	argv[n] = NULL;
	int fd = open(c->log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	char own[64];
	char **env = child_env(own, sizeof(own));
	uv_stdio_container_t stdio[3] = {
		{.flags = UV_IGNORE},
		{.flags = UV_INHERIT_FD, .data.fd = fd},
		{.flags = UV_INHERIT_FD, .data.fd = fd},
	};
	uv_process_options_t o = {
		.exit_cb = on_exit_cb,
		.file = argv[0],
		.args = argv,
		.env = env,
		.cwd = d->dir,
		.flags = UV_PROCESS_DETACHED, /* a session and process group of its own: no Ctrl-C */
		.stdio_count = 3,
		.stdio = stdio,
	};
	c->proc.data = c;
	int rc = env ? uv_spawn(d->loop, &c->proc, &o) : -ENOMEM;
	free(env);
	close(fd);
	return rc;
}

/* The command as a person would type it in the folder: its paths shown relative to it. */
static void show_command(const struct demo *d, const struct demo_child *c, const char *const *args)
{
	char line[1024];
	size_t n = (size_t)snprintf(line, sizeof(line), "   %s m2mon", c->daemon ? "started:" : "$");
	size_t dir_len = strlen(d->dir);
	for (int i = 0; args[i] && n < sizeof(line); i++) {
		const char *a = args[i];
		if (strncmp(a, d->dir, dir_len) == 0 && a[dir_len] == '/')
			a += dir_len + 1;
		bool quote = strchr(a, ' ') != NULL;
		n += (size_t)snprintf(line + n, sizeof(line) - n, quote ? " '%s'" : " %s", a);
	}
	if (c->daemon && n < sizeof(line))
		snprintf(line + n, sizeof(line) - n, "   (log: %s)", strrchr(c->log, '/') + 1);
	printf("%s%s%s\n", d->tty ? "\033[2m" : "", line, d->tty ? "\033[0m" : "");
	fflush(stdout);
}

struct demo_child *demo_spawn(struct demo *d, const char *name, bool daemon, const char *log_name,
			      const char *const *args)
{
	if (d->n_children == DEMO_CHILD_MAX) {
		fprintf(stderr, "m2mon demo: too many processes (a bug)\n");
		return NULL;
	}
	struct demo_child *c = &d->children[d->n_children];
	memset(c, 0, sizeof(*c));
	c->demo = d;
	c->daemon = daemon;
	snprintf(c->name, sizeof(c->name), "%s", name);
	demo_path(d, log_name, c->log, sizeof(c->log));
	int rc = start(d, c, args);
	if (rc < 0) {
		fprintf(stderr, "m2mon demo: cannot start %s (%s): %s\n", name, d->m2mon, uv_strerror(rc));
		return NULL;
	}
	c->running = true;
	d->n_children++;
	show_command(d, c, args);
	return c;
}

bool demo_children_gone(const struct demo *d)
{
	for (int i = 0; i < d->n_children; i++)
		if (d->children[i].running)
			return false;
	return true;
}

bool demo_children_ok(const struct demo *d)
{
	for (int i = 0; i < d->n_children; i++) {
		const struct demo_child *c = &d->children[i];
		if (c->daemon && !c->running && !c->stopping)
			return false;
	}
	return true;
}

static void signal_group(struct demo_child *c, int sig)
{
	if (!c->running)
		return;
	if (kill(-c->proc.pid, sig) != 0)
		kill(c->proc.pid, sig);
}

/* The last resort once the bound has passed: whatever still runs is killed. */
static void on_kill_timer(uv_timer_t *t)
{
	struct demo *d = t->data;
	for (int i = 0; i < d->n_children; i++) {
		if (d->children[i].running) {
			fprintf(stderr, "m2mon demo: %s did not stop within %d s; killed\n",
				d->children[i].name, KILL_AFTER_MS / 1000);
			signal_group(&d->children[i], SIGKILL);
		}
	}
}

void demo_stop_children(struct demo *d)
{
	/* The display, the units, the base, then the network they talk through. */
	for (int i = d->n_children - 1; i >= 0; i--) {
		d->children[i].stopping = true;
		signal_group(&d->children[i], SIGTERM);
	}
	if (demo_children_gone(d))
		return;
	uv_timer_init(d->loop, &d->kill_timer);
	d->kill_timer.data = d;
	uv_timer_start(&d->kill_timer, on_kill_timer, KILL_AFTER_MS, 0);
	uv_unref((uv_handle_t *)&d->kill_timer);
}
