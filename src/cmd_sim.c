/* `m2mon sim`: runs the simulated cellular network in the foreground, from options or a
 * config file's `sim` group, and dispatches `m2mon sim send|inbox|fault|drain|battery|clock`
 * (cmd_sim_client.c). */
#include "cmd_sim.h"
#include "cmd.h"
#include "commands.h"
#include "config.h"
#include "sim_run.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROG "m2mon sim"

const char cmd_sim_usage[] =
	"Usage: m2mon sim --dir DIR [--config FILE] [--modem NAME=NUMBER[:MODEL]]...\n"
	"                 [--phone NAME=NUMBER]... [--latency-ms N] [--loss P] [--duplicate P]\n"
	"                 [--reorder P] [--baud N] [--seed N]\n"
	"       m2mon sim send --dir DIR --from NUMBER --to NUMBER [--ucs2] [--spoof] TEXT\n"
	"       m2mon sim send --dir DIR --from NUMBER --to NUMBER [--spoof] --tpdu HEX\n"
	"       m2mon sim inbox --dir DIR NUMBER [--wait-ms N] [--count N] [--json]\n"
	"       m2mon sim fault --dir DIR NAME KIND [ARG]\n"
	"       m2mon sim drain --dir DIR [--wait-ms N]\n"
	"       m2mon sim battery --dir DIR NAME PCT [MV]\n"
	"       m2mon sim clock --dir DIR NAME SECONDS [ZONE]\n"
	"\n"
	"Runs a virtual cellular network in the foreground: each modem answers AT commands on a\n"
	"pseudo-terminal linked as DIR/NAME.tty, an SMSC routes SMS between modems and phones by\n"
	"number, and DIR/sms.jsonl gets one JSON line per SMS. Prints 'ready' when every port is\n"
	"open; SIGTERM or Ctrl-C removes the links and the socket and exits 0.\n"
	"\n"
	"  --dir DIR            where the links, sim.sock and sms.jsonl go (created if missing)\n"
	"  --config FILE        the 'sim' group of a configuration file (see conf/sim.conf);\n"
	"                       options given as well add modems and phones or override values\n"
	"  --modem NAME=NUMBER[:MODEL]  a virtual modem; MODEL generic, sim800, ec2x or e3372\n"
	"  --phone NAME=NUMBER  a handset that can send and receive texts\n"
	"  --latency-ms N       delivery time of every SMS (default 0)\n"
	"  --loss P, --duplicate P, --reorder P  probabilities from 0 to 1 (default 0)\n"
	"  --baud N             pace each port to N baud, 10 bits a byte (default unpaced)\n"
	"  --seed N             the same seed repeats the same faults (default 1)\n"
	"\n"
	"  send    a phone (any number that is not a modem's) sends TEXT, split into parts when\n"
	"          long; --ucs2 forces UCS-2, which is also chosen when the text needs it;\n"
	"          --spoof lets NUMBER be a modem's own, as an SMS spoofer forges a sender (that\n"
	"          modem learns nothing); --tpdu HEX hands the SMS-DELIVER TPDU (TS 23.040, no\n"
	"          SMSC octets) to modem --to as it is: class 0, ports, WAP push, voicemail\n"
	"  inbox   the whole texts phone NUMBER received, oldest first, with their part count;\n"
	"          --wait-ms waits until --count messages (default 1) are there, else exits 1\n"
	"  fault   KIND is hang MS, garbage, reboot, no-network MS, sim-full, drop-next N or\n"
	"          delay MS, injected into modem NAME; hang-prompt MS and hang-sent MS hang it\n"
	"          in its next AT+CMGS after the '> ' prompt or after the SMS went (no +CMGS\n"
	"          answer); unplug MS removes its port (link and PTY) and plugs it back after MS;\n"
	"          loss PCT loses that share of the SMS it sends (0 ends it)\n"
	"  drain   returns once the network has delivered (or lost) every SMS it holds, but for\n"
	"          those held for a modem that cannot take them now (no network, radio off):\n"
	"          prints 'held N for NAME (why)' for each such modem and exits 0; with\n"
	"          --wait-ms N exits 1 if that takes longer (default 10000)\n"
	"  battery what modem NAME's AT+CBC answers from now on: PCT 0 to 100, MV millivolts\n"
	"          (default: 3300 empty to 4200 full) on the models that give a voltage\n"
	"  clock   the network's time as modem NAME gets it: the real time plus SECONDS (-3600,\n"
	"          +7200), in ZONE (+02:00, default +00:00); the modem takes it into its clock\n"
	"          when its model's switch is on (ec2x AT+CTZU=1, sim800 AT+CLTS=1)\n"
	"\n"
	"Exit status: 0 on success, 1 on failure, 2 on a usage error.\n";

/* The schema's defaults (src/config.c), for a network given only by options. */
static void settings_defaults(struct sim_settings *s)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->smsc, sizeof(s->smsc), "+15550000000");
	s->seed = 1;
	s->slots = 30;
}

int cmd_sim_parse_long(const char *text, long min, long max, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(text, &end, 10);
	if (errno || end == text || *end || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

static int parse_prob(const char *opt, const char *text, double *out)
{
	char *end;
	double v = strtod(text, &end);
	if (end == text || *end || !(v >= 0.0 && v <= 1.0))
		return cmd_usage_error(PROG, "%s wants a probability from 0 to 1, not '%s'", opt, text);
	*out = v;
	return 0;
}

static int parse_int_opt(const char *opt, const char *text, long max, int *out)
{
	long v;
	if (cmd_sim_parse_long(text, 0, max, &v) < 0)
		return cmd_usage_error(PROG, "%s wants a whole number from 0 to %ld, not '%s'", opt, max,
				       text);
	*out = (int)v;
	return 0;
}

static int model_index(const char *name)
{
	for (int i = 0; sim_model_names[i]; i++)
		if (strcmp(sim_model_names[i], name) == 0)
			return i;
	return -1;
}

/* NAME=NUMBER[:MODEL] into name, number and (when `model` is not NULL) model. */
static int parse_endpoint(const char *opt, const char *arg, char *name, size_t name_size, char *number,
			  size_t number_size, int *model)
{
	const char *eq = strchr(arg, '=');
	if (!eq || eq == arg || (size_t)(eq - arg) >= name_size)
		return cmd_usage_error(PROG, "%s wants NAME=NUMBER%s, not '%s'", opt, model ? "[:MODEL]" : "",
				       arg);
	snprintf(name, name_size, "%.*s", (int)(eq - arg), arg);
	const char *num = eq + 1, *colon = model ? strchr(num, ':') : NULL;
	size_t num_len = colon ? (size_t)(colon - num) : strlen(num);
	if (num_len >= number_size)
		return cmd_usage_error(PROG, "%s: number too long in '%s'", opt, arg);
	snprintf(number, number_size, "%.*s", (int)num_len, num);
	const char *why = cfg_check_ident(name);
	if (!why)
		why = cfg_check_phone(number);
	if (why)
		return cmd_usage_error(PROG, "%s '%s': %s", opt, arg, why);
	if (colon && (*model = model_index(colon + 1)) < 0)
		return cmd_usage_error(PROG, "%s '%s': unknown model '%s' (generic, sim800, ec2x, e3372)",
				       opt, arg, colon + 1);
	return 0;
}

static int add_modem(struct sim_settings *s, const char *arg)
{
	if (s->n_modems == SIM_MAX_MODEMS)
		return cmd_usage_error(PROG, "at most %d modems", SIM_MAX_MODEMS);
	struct sim_modem_settings *m = &s->modems[s->n_modems];
	memset(m, 0, sizeof(*m));
	int rc = parse_endpoint("--modem", arg, m->name, sizeof(m->name), m->number, sizeof(m->number),
				&m->model);
	if (rc == 0)
		s->n_modems++;
	return rc;
}

static int add_phone(struct sim_settings *s, const char *arg)
{
	if (s->n_phones == SIM_MAX_PHONES)
		return cmd_usage_error(PROG, "at most %d phones", SIM_MAX_PHONES);
	struct sim_phone_settings *p = &s->phones[s->n_phones];
	int rc = parse_endpoint("--phone", arg, p->name, sizeof(p->name), p->number, sizeof(p->number), NULL);
	if (rc == 0)
		s->n_phones++;
	return rc;
}

static int load_config(const char *path, struct sim_settings *s)
{
	struct m2_config *cfg = malloc(sizeof(*cfg));
	struct cfg_report rep = {0};
	if (!cfg)
		return M2_EXIT_FAIL;
	int rc = m2_config_load(path, cfg, &rep);
	if (rc == 0 && cfg->kind != M2_CONFIG_SIM) {
		fprintf(stderr, "%s: %s is a %s configuration, not a simulator's ('sim' group)\n", PROG, path,
			m2_config_kind_str(cfg->kind));
		rc = -EINVAL;
	} else if (rc < 0) {
		for (int k = 0; k < rep.count && k < CFG_MAX_ERRORS; k++)
			fprintf(stderr, "%s\n", rep.msg[k]);
	} else {
		*s = cfg->u.sim;
	}
	free(cfg);
	return rc < 0 ? M2_EXIT_FAIL : 0;
}

/* Names and numbers must be unique: a link per name, a route per number. */
static int check_unique(const struct sim_settings *s)
{
	const char *names[SIM_MAX_MODEMS + SIM_MAX_PHONES], *numbers[SIM_MAX_MODEMS + SIM_MAX_PHONES];
	int n = 0;
	for (int i = 0; i < s->n_modems; i++, n++) {
		names[n] = s->modems[i].name;
		numbers[n] = s->modems[i].number;
	}
	for (int i = 0; i < s->n_phones; i++, n++) {
		names[n] = s->phones[i].name;
		numbers[n] = s->phones[i].number;
	}
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++) {
			if (strcmp(names[i], names[j]) == 0)
				return cmd_usage_error(PROG, "two modems or phones are named '%s'", names[i]);
			if (strcmp(numbers[i], numbers[j]) == 0)
				return cmd_usage_error(PROG, "two modems or phones have number %s",
						       numbers[i]);
		}
	return 0;
}

enum {
	OPT_DIR = 256,
	OPT_CONFIG,
	OPT_MODEM,
	OPT_PHONE,
	OPT_LATENCY,
	OPT_LOSS,
	OPT_DUP,
	OPT_REORDER,
	OPT_BAUD,
	OPT_SEED
};

static const struct option run_options[] = {
	{"dir", required_argument, NULL, OPT_DIR},
	{"config", required_argument, NULL, OPT_CONFIG},
	{"modem", required_argument, NULL, OPT_MODEM},
	{"phone", required_argument, NULL, OPT_PHONE},
	{"latency-ms", required_argument, NULL, OPT_LATENCY},
	{"loss", required_argument, NULL, OPT_LOSS},
	{"duplicate", required_argument, NULL, OPT_DUP},
	{"reorder", required_argument, NULL, OPT_REORDER},
	{"baud", required_argument, NULL, OPT_BAUD},
	{"seed", required_argument, NULL, OPT_SEED},
	{NULL, 0, NULL, 0},
};

/* Applies one option to `s`; the config file has been loaded first. */
static int apply_option(int opt, const char *arg, struct sim_settings *s)
{
	switch (opt) {
	case OPT_MODEM:
		return add_modem(s, arg);
	case OPT_PHONE:
		return add_phone(s, arg);
	case OPT_LATENCY:
		return parse_int_opt("--latency-ms", arg, 3600000, &s->latency_ms);
	case OPT_LOSS:
		return parse_prob("--loss", arg, &s->loss);
	case OPT_DUP:
		return parse_prob("--duplicate", arg, &s->duplicate);
	case OPT_REORDER:
		return parse_prob("--reorder", arg, &s->reorder);
	case OPT_BAUD:
		return parse_int_opt("--baud", arg, 4000000, &s->baud);
	case OPT_SEED:
		return parse_int_opt("--seed", arg, 2147483647, &s->seed);
	default:
		return 0;
	}
}

static int run_network(int argc, char **argv)
{
	const char *dir = NULL, *config = NULL;
	optind = 0;
	opterr = 0;
	int opt;
	while ((opt = getopt_long(argc, argv, "+", run_options, NULL)) != -1) {
		if (opt == '?')
			return cmd_usage_error(PROG, "unknown option or missing value: '%s'",
					       argv[optind - 1]);
		if (opt == OPT_DIR)
			dir = optarg;
		else if (opt == OPT_CONFIG)
			config = optarg;
	}
	if (optind < argc)
		return cmd_usage_error(PROG, "unexpected argument '%s'", argv[optind]);
	if (!dir)
		return cmd_usage_error(PROG, "missing --dir DIR");
	struct sim_settings *s = malloc(sizeof(*s));
	if (!s)
		return M2_EXIT_FAIL;
	settings_defaults(s);
	int rc = config ? load_config(config, s) : 0;
	optind = 0;
	while (rc == 0 && (opt = getopt_long(argc, argv, "+", run_options, NULL)) != -1)
		rc = apply_option(opt, optarg, s);
	if (rc == 0 && s->n_modems == 0)
		rc = cmd_usage_error(PROG,
				     "no modem: give at least one --modem NAME=NUMBER or --config FILE");
	if (rc == 0)
		rc = check_unique(s);
	if (rc == 0)
		rc = sim_run(s, dir) == 0 ? M2_EXIT_OK : M2_EXIT_FAIL;
	free(s);
	return rc;
}

static const struct cmd sim_commands[] = {
	{"send", "a phone sends an SMS", NULL, cmd_sim_send},
	{"inbox", "what a phone has received", NULL, cmd_sim_inbox},
	{"fault", "inject a fault into a modem or the network", NULL, cmd_sim_fault},
	{"drain", "wait until the network has nothing left to deliver now", NULL, cmd_sim_drain},
	{"battery", "set what a modem's AT+CBC answers", NULL, cmd_sim_battery},
	{"clock", "set the network's time a modem gets", NULL, cmd_sim_clock},
};

int cmd_sim(int argc, char **argv)
{
	if (argc > 1 && argv[1][0] != '-')
		return cmd_dispatch(PROG, NULL, sim_commands, sizeof(sim_commands) / sizeof(sim_commands[0]),
				    argc, argv, stdout, stderr);
	return run_network(argc, argv);
}
