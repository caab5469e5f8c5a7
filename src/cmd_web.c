/* `m2mon web --config FILE [--listen ADDR]`: the office display, a read-only process of its
 * own beside the base daemon (it cannot stop an alarm), serving the page and its API until
 * SIGTERM or SIGINT. */
#include "cmd.h"
#include "cmd_view.h"
#include "commands.h"
#include "log.h"
#include "web_server.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

const char cmd_web_usage[] =
	"Usage: m2mon web --config FILE [--listen ADDR]\n"
	"\n"
	"Serves the office display: a page that shows every unit with the last reading of each\n"
	"channel, its age and its state in colour, the open alarms with who was told and who took\n"
	"them, a 24-hour chart per channel and the latest events, updating itself within seconds.\n"
	"It reads the base station's database and changes nothing; start it beside `m2mon base`.\n"
	"\n"
	"  --config FILE  the base station's configuration (its store, units and contacts)\n"
	"  --listen ADDR  where to listen: HOST:PORT or [IPv6]:PORT (default 127.0.0.1:8080, this\n"
	"                 machine only; 0.0.0.0:8080 opens it to the office network). Port 0 takes\n"
	"                 any free port; the log line `event=start url=...` says which.\n"
	"\n"
	"The JSON API the page uses: /api/status, /api/events?since=24h&unit=&limit=50,\n"
	"/api/history?unit=WH1&channel=T1&since=24h&until=&points=1000,\n"
	"/api/chart.svg?unit=WH1&channel=T1&since=24h&width=900&height=320.\n"
	"Stops cleanly on SIGTERM or SIGINT. Exit status: 0 stopped by a signal, 1 could not\n"
	"start (bad configuration, address taken), 2 a usage error.\n";

int cmd_web(int argc, char **argv)
{
	const char *prog = "m2mon web";
	struct cmd_view v = {.prog = prog};
	const char *config = NULL, *listen = WEB_LISTEN_DEFAULT;
	for (int i = 1; i < argc; i++) {
		int taken = cmd_view_config_opt(&v, argc, argv, &i, &config);
		if (taken < 0)
			return M2_EXIT_USAGE;
		if (taken)
			continue;
		if (strcmp(argv[i], "--listen") == 0 && i + 1 < argc)
			listen = argv[++i];
		else if (strcmp(argv[i], "--listen") == 0)
			return cmd_usage_error(prog, "--listen needs HOST:PORT, e.g. 127.0.0.1:8080");
		else
			return cmd_usage_error(prog, "%s '%s'",
					       argv[i][0] == '-' ? "unknown option" : "unexpected argument",
					       argv[i]);
	}
	int rc = cmd_view_load(&v, prog, config);
	if (rc)
		return rc;
	/* Blocked before the server's thread starts, so that only sigwait below takes them. */
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);
	struct web_server *srv;
	char err[256];
	rc = web_server_start(&v.site, listen, &srv, err, sizeof(err));
	if (rc != 0) {
		fprintf(stderr, "%s: %s\n", prog, err);
		return rc == -EINVAL ? M2_EXIT_USAGE : M2_EXIT_FAIL;
	}
	log_info("web", "event=start url=%s store=\"%s\" units=%zu", web_server_url(srv), v.site.store,
		 v.site.n_units);
	int sig = 0;
	sigwait(&stop, &sig);
	log_info("web", "event=stop signal=%s", sig == SIGTERM ? "SIGTERM" : "SIGINT");
	web_server_stop(srv);
	return M2_EXIT_OK;
}
