/* `m2mon demo [--speed N] [--keep DIR] [--hold]`: a simulated site end to end, the real
 * daemons as child processes on one libuv loop (cmd_demo_*.c); here the options, the loop,
 * the signals and the end. */
#include "cmd_demo.h"
#include "cmd.h"
#include "commands.h"
#include "log.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char cmd_demo_usage[] =
	"Usage: m2mon demo [--speed N] [--keep DIR] [--hold]\n"
	"\n"
	"Runs a simulated site end to end in about 90 seconds: the simulated network, a base\n"
	"station, three units (a chiller held at +2..+8 C, a freezer at -18 C, a reefer) and\n"
	"the office display, each the real m2mon as a child process, and the phones of a call\n"
	"list of two tiers. The chiller's compressor fails, the alarm goes to tier 1, then to\n"
	"tier 2, Bob replies ACK, the all-clear goes out, the reefer falls silent, Alice asks for\n"
	"STATUS, and a stranger's text gets no reply. Every SMS is shown as it goes, with the\n"
	"base's state changes, then a summary: messages, incidents, the time from the threshold\n"
	"to the phone.\n"
	"\n"
	"  --speed N   tell the story N times faster (1 to 20; default 1)\n"
	"  --keep DIR  run in DIR (made if missing, must hold no demo) and keep it: configurations,\n"
	"              databases, the chart, the logs and START.md (how to start it by hand)\n"
	"  --hold      after the story, keep the site and its display running until Ctrl-C\n"
	"Without --keep the folder is a temporary one, removed at the end unless a step failed.\n"
	"\n"
	"Ctrl-C or SIGTERM stops every process it started. Exit status: 0 when every step of the\n"
	"story happened (also when --hold is then ended by a signal), 1 when one did not, a\n"
	"process ended by itself, or it was stopped before the end, 2 on a usage error.\n";

static int parse_args(struct demo *d, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--hold") == 0) {
			d->hold = true;
		} else if (strcmp(a, "--speed") == 0 && i + 1 < argc) {
			char *end;
			long v = strtol(argv[++i], &end, 10);
			if (end == argv[i] || *end || v < 1 || v > 20)
				return cmd_usage_error("m2mon demo", "--speed wants 1 to 20, not '%s'",
						       argv[i]);
			d->speed = (int)v;
		} else if (strcmp(a, "--keep") == 0 && i + 1 < argc) {
			d->keep = argv[++i];
		} else {
			return cmd_usage_error(
				"m2mon demo", "%s '%s'",
				a[0] == '-' ? "unknown option or missing value" : "unexpected argument", a);
		}
	}
	return 0;
}

static void on_tick(uv_timer_t *t)
{
	demo_story_tick(t->data);
}

static void on_signal(uv_signal_t *s, int signum)
{
	struct demo *d = s->data;
	if (d->stopping)
		return;
	if (!d->story_done)
		fprintf(stderr, "\nm2mon demo: %s during \"%s\": stopping everything\n",
			signum == SIGINT ? "interrupted" : "told to stop", demo_story_step(d));
	else
		demo_say(d, "Stopping the site.");
	demo_finish(d, d->story_done ? 0 : 1);
}

void demo_finish(struct demo *d, int code)
{
	if (d->stopping)
		return;
	d->stopping = true;
	d->exit_code = code;
	uv_timer_stop(&d->tick);
	demo_stop_children(d);
}

static void close_walk(uv_handle_t *h, void *arg)
{
	(void)arg;
	if (!uv_is_closing(h))
		uv_close(h, NULL);
}

/* Runs the loop until the story is over and every child has ended. */
static void run(struct demo *d)
{
	uv_timer_init(d->loop, &d->tick);
	d->tick.data = d;
	uv_signal_init(d->loop, &d->sig_int);
	uv_signal_init(d->loop, &d->sig_term);
	d->sig_int.data = d->sig_term.data = d;
	uv_signal_start(&d->sig_int, on_signal, SIGINT);
	uv_signal_start(&d->sig_term, on_signal, SIGTERM);
	uv_timer_start(&d->tick, on_tick, 0, 50);
	/* The loop holds the signals open; it is run until the story ended and no child is left. */
	while (!(d->stopping && demo_children_gone(d)))
		uv_run(d->loop, UV_RUN_ONCE);
	uv_walk(d->loop, close_walk, NULL);
	uv_run(d->loop, UV_RUN_DEFAULT);
}

int cmd_demo(int argc, char **argv)
{
	struct demo *d = calloc(1, sizeof(*d));
	if (!d)
		return M2_EXIT_FAIL;
	d->speed = 1;
	int rc = parse_args(d, argc, argv);
	if (rc) {
		free(d);
		return rc;
	}
	/* The daemons log to their files; the demo's own store reads say nothing but trouble. */
	log_setup(LOG_LEVEL_WARN, false, "m2mon");
	signal(SIGPIPE, SIG_IGN);
	d->tty = isatty(STDOUT_FILENO);
	d->loop = uv_default_loop();
	d->start_ms = demo_wall_ms();
	demo_find_m2mon(d);
	if (demo_site_write(d) != 0) {
		free(d);
		return M2_EXIT_FAIL;
	}
	demo_say(d, "m2mon demo: a cold store with three units, a base station and three phones, in %s%s",
		 d->dir, d->speed > 1 ? " (faster)" : "");
	run(d);
	if (d->keep)
		demo_site_start_md(d);
	bool remove = !d->keep && d->exit_code == 0;
	demo_watch_free(d);
	uv_loop_close(d->loop);
	if (remove)
		demo_site_remove(d);
	rc = d->exit_code;
	free(d);
	return rc;
}
