/* `m2mon sim send|inbox|fault|drain|battery|clock`: one request to a running simulator over DIR/sim.sock, its
 * answer printed for a person (or as JSON), and an exit status a script can test. */
#include "cmd.h"
#include "cmd_sim.h"
#include "sim_ctl.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CTL_TIMEOUT_MS 10000

/* Sends `req` (stolen) to the simulator in `dir`; returns the answer or NULL after saying why. */
static json_t *ask(const char *prog, const char *dir, json_t *req, long extra_ms)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/sim.sock", dir);
	json_t *answer = NULL;
	int rc = sim_ctl_request(path, req, CTL_TIMEOUT_MS + (int)extra_ms, &answer);
	json_decref(req);
	if (rc == -ENOENT || rc == -ECONNREFUSED)
		fprintf(stderr, "%s: no simulator runs in %s (start one with 'm2mon sim --dir %s ...')\n",
			prog, dir, dir);
	else if (rc < 0)
		fprintf(stderr, "%s: the simulator in %s did not answer: %s\n", prog, dir, strerror(-rc));
	return rc < 0 ? NULL : answer;
}

/* Prints the answer's error when it is not ok; returns the exit status. */
static int answer_status(const char *prog, json_t *answer)
{
	if (json_is_true(json_object_get(answer, "ok")))
		return M2_EXIT_OK;
	const char *err = json_string_value(json_object_get(answer, "error"));
	fprintf(stderr, "%s: %s\n", prog, err ? err : "the simulator refused the request");
	return M2_EXIT_FAIL;
}

/* The request of `sim send` into *req: TEXT, or the TPDU given with --tpdu (o[3]). Returns
 * M2_EXIT_OK or M2_EXIT_USAGE with the reason printed. */
static int send_request(const char *prog, const char *const *o, int ucs2, int spoof, int argc, char **argv,
			json_t **req)
{
	if (!o[0] || !o[1] || !o[2])
		return cmd_usage_error(prog, "needs --dir DIR, --from NUMBER and --to NUMBER");
	if (o[3] && optind != argc)
		return cmd_usage_error(prog, "--tpdu HEX takes no TEXT");
	if (!o[3] && optind != argc - 1)
		return cmd_usage_error(prog, optind == argc ? "missing TEXT"
							    : "give TEXT as one argument (quote it)");
	*req = json_pack("{s:s,s:s,s:s,s:b,s:b,s:s}", "op", "send", "from", o[1], "to", o[2], "ucs2", ucs2,
			 "spoof", spoof, o[3] ? "tpdu" : "text", o[3] ? o[3] : argv[optind]);
	if (!*req)
		return cmd_usage_error(prog, "TEXT is not valid UTF-8");
	return M2_EXIT_OK;
}

int cmd_sim_send(int argc, char **argv)
{
	static const struct option opts[] = {
		{"dir", required_argument, NULL, 'd'},
		{"from", required_argument, NULL, 'f'},
		{"to", required_argument, NULL, 't'},
		{"ucs2", no_argument, NULL, 'u'},
		{"spoof", no_argument, NULL, 's'},
		{"tpdu", required_argument, NULL, 'p'},
		{NULL, 0, NULL, 0},
	};
	const char *prog = "m2mon sim send", *o[4] = {NULL}; /* dir, from, to, tpdu */
	int ucs2 = 0, spoof = 0, opt;
	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		const char *keys = "dftp", *k = strchr(keys, opt);
		if (opt && k)
			o[k - keys] = optarg;
		else if (opt == 'u')
			ucs2 = 1;
		else if (opt == 's')
			spoof = 1;
		else
			return cmd_usage_error(prog, "unknown option or missing value: '%s'",
					       argv[optind - 1]);
	}
	json_t *req = NULL;
	int usage = send_request(prog, o, ucs2, spoof, argc, argv, &req);
	if (usage != M2_EXIT_OK)
		return usage;
	json_t *answer = ask(prog, o[0], req, 0);
	if (!answer)
		return M2_EXIT_FAIL;
	int status = answer_status(prog, answer);
	if (status == M2_EXIT_OK) {
		json_int_t parts = json_integer_value(json_object_get(answer, "parts"));
		printf("sent from %s to %s in %lld SMS%s\n", o[1], o[2], (long long)parts,
		       spoof ? " (spoofed sender)" : "");
	}
	json_decref(answer);
	return status;
}

static void print_messages(json_t *msgs, int as_json)
{
	if (as_json) {
		char *text = json_dumps(msgs, JSON_COMPACT);
		printf("%s\n", text ? text : "[]");
		free(text);
		return;
	}
	size_t i;
	json_t *m;
	json_array_foreach(msgs, i, m)
	{
		json_int_t parts = json_integer_value(json_object_get(m, "parts"));
		printf("%s %s (%lld part%s): %s\n", json_string_value(json_object_get(m, "time")),
		       json_string_value(json_object_get(m, "from")), (long long)parts, parts == 1 ? "" : "s",
		       json_string_value(json_object_get(m, "text")));
	}
}

int cmd_sim_inbox(int argc, char **argv)
{
	static const struct option opts[] = {
		{"dir", required_argument, NULL, 'd'},
		{"wait-ms", required_argument, NULL, 'w'},
		{"count", required_argument, NULL, 'c'},
		{"json", no_argument, NULL, 'j'},
		{NULL, 0, NULL, 0},
	};
	const char *prog = "m2mon sim inbox", *dir = NULL;
	long wait_ms = 0, count = 1;
	int as_json = 0, opt;
	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == 'd')
			dir = optarg;
		else if (opt == 'j')
			as_json = 1;
		else if (opt == 'w' && cmd_sim_parse_long(optarg, 0, 86400000, &wait_ms) == 0)
			continue;
		else if (opt == 'c' && cmd_sim_parse_long(optarg, 1, 100000, &count) == 0)
			continue;
		else
			return cmd_usage_error(prog, "bad option or value: '%s'", argv[optind - 1]);
	}
	if (!dir)
		return cmd_usage_error(prog, "missing --dir DIR");
	if (optind != argc - 1)
		return cmd_usage_error(prog, optind == argc ? "missing NUMBER" : "unexpected argument '%s'",
				       argv[argc - 1]);
	json_t *req = json_pack("{s:s,s:s,s:I,s:I}", "op", "inbox", "number", argv[optind], "count",
				(json_int_t)count, "wait_ms", (json_int_t)wait_ms);
	json_t *answer = ask(prog, dir, req, wait_ms);
	if (!answer)
		return M2_EXIT_FAIL;
	json_t *msgs = json_object_get(answer, "messages");
	int status = M2_EXIT_OK;
	if (!json_is_true(json_object_get(answer, "ok"))) {
		status = M2_EXIT_FAIL;
		const char *err = json_string_value(json_object_get(answer, "error"));
		if (err && strcmp(err, "timeout") == 0)
			fprintf(stderr, "%s: %s has %zu of the %ld messages awaited after %ld ms\n", prog,
				argv[optind], json_array_size(msgs), count, wait_ms);
		else
			fprintf(stderr, "%s: %s\n", prog, err ? err : "the simulator refused the request");
	}
	if (msgs)
		print_messages(msgs, as_json);
	json_decref(answer);
	return status;
}

/* Which kinds take an argument, and what it means. */
static const struct {
	const char *kind;
	const char *arg; /* NULL: none */
} fault_kinds[] = {
	{"hang", "MS"},      {"garbage", NULL},  {"reboot", NULL}, {"no-network", "MS"},
	{"sim-full", NULL},  {"drop-next", "N"}, {"delay", "MS"},  {"hang-prompt", "MS"},
	{"hang-sent", "MS"}, {"unplug", "MS"},   {"loss", "PCT"},
};

int cmd_sim_fault(int argc, char **argv)
{
	static const struct option opts[] = {{"dir", required_argument, NULL, 'd'}, {NULL, 0, NULL, 0}};
	const char *prog = "m2mon sim fault", *dir = NULL;
	int opt;
	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt != 'd')
			return cmd_usage_error(prog, "unknown option or missing value: '%s'",
					       argv[optind - 1]);
		dir = optarg;
	}
	if (!dir)
		return cmd_usage_error(prog, "missing --dir DIR");
	if (argc - optind < 2)
		return cmd_usage_error(prog, "needs NAME KIND [ARG]");
	const char *name = argv[optind], *kind = argv[optind + 1];
	size_t k = 0, n = sizeof(fault_kinds) / sizeof(fault_kinds[0]);
	while (k < n && strcmp(fault_kinds[k].kind, kind) != 0)
		k++;
	if (k == n)
		return cmd_usage_error(prog,
				       "unknown KIND '%s': hang MS, garbage, reboot, no-network MS, "
				       "sim-full, drop-next N, delay MS, hang-prompt MS, hang-sent MS, "
				       "unplug MS or loss PCT",
				       kind);
	long arg = 0;
	int want = fault_kinds[k].arg ? 1 : 0;
	if (argc - optind - 2 != want)
		return cmd_usage_error(prog, want ? "%s needs %s" : "%s takes no argument%s", kind,
				       want ? fault_kinds[k].arg : "");
	if (want && cmd_sim_parse_long(argv[optind + 2], 0, 86400000, &arg) < 0)
		return cmd_usage_error(prog, "%s wants a whole number %s, not '%s'", kind, fault_kinds[k].arg,
				       argv[optind + 2]);
	json_t *req = json_pack("{s:s,s:s,s:s,s:I}", "op", "fault", "modem", name, "kind", kind, "arg",
				(json_int_t)arg);
	json_t *answer = ask(prog, dir, req, 0);
	if (!answer)
		return M2_EXIT_FAIL;
	int status = answer_status(prog, answer);
	json_decref(answer);
	return status;
}

int cmd_sim_drain(int argc, char **argv)
{
	static const struct option opts[] = {
		{"dir", required_argument, NULL, 'd'},
		{"wait-ms", required_argument, NULL, 'w'},
		{NULL, 0, NULL, 0},
	};
	const char *prog = "m2mon sim drain", *dir = NULL;
	long wait_ms = 10000;
	int opt;
	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == 'd')
			dir = optarg;
		else if (opt == 'w' && cmd_sim_parse_long(optarg, 0, 86400000, &wait_ms) == 0)
			continue;
		else
			return cmd_usage_error(prog, "bad option or value: '%s'", argv[optind - 1]);
	}
	if (!dir)
		return cmd_usage_error(prog, "missing --dir DIR");
	if (optind != argc)
		return cmd_usage_error(prog, "unexpected argument '%s'", argv[optind]);
	json_t *req = json_pack("{s:s,s:I}", "op", "drain", "wait_ms", (json_int_t)wait_ms);
	json_t *answer = ask(prog, dir, req, wait_ms);
	if (!answer)
		return M2_EXIT_FAIL;
	json_t *pending = json_object_get(answer, "pending");
	int status = M2_EXIT_FAIL;
	if (!json_is_true(json_object_get(answer, "ok")) && json_is_integer(pending))
		fprintf(stderr, "%s: timeout after %ld ms, %lld SMS still to deliver\n", prog, wait_ms,
			(long long)json_integer_value(pending));
	else
		status = answer_status(prog, answer);
	size_t i;
	json_t *h;
	json_array_foreach(json_object_get(answer, "held"), i, h)
	{
		printf("held %lld for %s (%s)\n", (long long)json_integer_value(json_object_get(h, "count")),
		       json_string_value(json_object_get(h, "modem")),
		       json_string_value(json_object_get(h, "why")));
	}
	json_decref(answer);
	return status;
}

/* "+HH:MM" or "-HH:MM", a multiple of 15 minutes within 18 hours, into minutes east. */
static int parse_zone(const char *text, long *minutes)
{
	long h, m;
	char hh[3] = {0}, mm[3] = {0};
	if (strlen(text) != 6 || (text[0] != '+' && text[0] != '-') || text[3] != ':')
		return -EINVAL;
	memcpy(hh, text + 1, 2);
	memcpy(mm, text + 4, 2);
	if (hh[0] == '+' || hh[0] == '-' || mm[0] == '+' || mm[0] == '-' ||
	    cmd_sim_parse_long(hh, 0, 18, &h) < 0 || cmd_sim_parse_long(mm, 0, 45, &m) < 0 || m % 15 ||
	    h * 60 + m > 18 * 60)
		return -EINVAL;
	*minutes = (text[0] == '-' ? -1 : 1) * (h * 60 + m);
	return 0;
}

/* Options, then NAME and one or two values; "+" so that a negative value is not an option. */
static int state_args(const char *prog, int argc, char **argv, const char **dir)
{
	static const struct option opts[] = {{"dir", required_argument, NULL, 'd'}, {NULL, 0, NULL, 0}};
	int opt;
	optind = 0;
	opterr = 0;
	*dir = NULL;
	while ((opt = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		if (opt != 'd')
			return cmd_usage_error(prog, "unknown option or missing value: '%s'",
					       argv[optind - 1]);
		*dir = optarg;
	}
	if (!*dir)
		return cmd_usage_error(prog, "missing --dir DIR (before NAME)");
	return 0;
}

static int send_state(const char *prog, const char *dir, json_t *req)
{
	json_t *answer = ask(prog, dir, req, 0);
	if (!answer)
		return M2_EXIT_FAIL;
	int status = answer_status(prog, answer);
	json_decref(answer);
	return status;
}

int cmd_sim_battery(int argc, char **argv)
{
	const char *prog = "m2mon sim battery", *dir;
	int rc = state_args(prog, argc, argv, &dir);
	if (rc)
		return rc;
	int n = argc - optind;
	long pct = 0, mv = 0;
	if (n < 2 || n > 3)
		return cmd_usage_error(prog, "needs NAME PCT [MV]");
	if (cmd_sim_parse_long(argv[optind + 1], 0, 100, &pct) < 0)
		return cmd_usage_error(prog, "PCT is a whole number from 0 to 100, not '%s'",
				       argv[optind + 1]);
	if (n == 3 && cmd_sim_parse_long(argv[optind + 2], 1, 65535, &mv) < 0)
		return cmd_usage_error(prog, "MV is a whole number from 1 to 65535, not '%s'",
				       argv[optind + 2]);
	json_t *req =
		json_pack("{s:s,s:s,s:I}", "op", "battery", "modem", argv[optind], "pct", (json_int_t)pct);
	if (mv)
		json_object_set_new(req, "mv", json_integer(mv));
	return send_state(prog, dir, req);
}

int cmd_sim_clock(int argc, char **argv)
{
	const char *prog = "m2mon sim clock", *dir;
	int rc = state_args(prog, argc, argv, &dir);
	if (rc)
		return rc;
	int n = argc - optind;
	long skew = 0, zone = 0;
	if (n < 2 || n > 3)
		return cmd_usage_error(prog, "needs NAME SECONDS [ZONE]");
	if (cmd_sim_parse_long(argv[optind + 1], -315360000L, 315360000L, &skew) < 0)
		return cmd_usage_error(prog,
				       "SECONDS is a whole number within 10 years (-3600, +7200), not '%s'",
				       argv[optind + 1]);
	if (n == 3 && parse_zone(argv[optind + 2], &zone) < 0)
		return cmd_usage_error(prog,
				       "ZONE is +HH:MM or -HH:MM in quarter hours within 18 hours, not '%s'",
				       argv[optind + 2]);
	json_t *req = json_pack("{s:s,s:s,s:I,s:I}", "op", "clock", "modem", argv[optind], "skew_ms",
				(json_int_t)skew * 1000, "tz_minutes", (json_int_t)zone);
	return send_state(prog, dir, req);
}
