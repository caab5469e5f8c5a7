/* `m2mon modem info`: what the modem says about itself, its SIM and its network; and the
 * --device/--pin/--profile/--baud options every modem command shares. */
#include "cmd.h"
#include "commands.h"
#include "log.h"
#include "modem_profile.h"
#include "modem_session.h"
#include "modem_transport.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char cmd_modem_usage[] =
	"Usage: m2mon modem info --device PATH [--pin PIN] [--profile NAME] [--baud N] [--json]\n"
	"\n"
	"Opens the modem, initialises it as the daemons do, and prints manufacturer, model,\n"
	"revision, IMEI, SIM state, registration, operator, signal in dBm and how full the\n"
	"message storage is. Messages on the SIM are left where they are.\n"
	"\n"
	"  --device PATH   the modem's serial port or a pseudo-terminal (m2mon ports lists ports)\n"
	"  --pin PIN       the SIM PIN, when the SIM asks for one\n"
	"  --profile NAME  " MODEM_PROFILE_CHOICES "\n"
	"                  (auto, the default, chooses by the model the modem reports)\n"
	"  --baud N        line speed of a real serial port (default 115200)\n"
	"  --poll-s N      check signal, registration and message storage every N s (default 60)\n"
	"\n"
	"Exit status: 0 when the modem answered and is ready, 1 otherwise, 2 on a usage error.\n";

void cmd_modem_defaults(struct modem_settings *s)
{
	memset(s, 0, sizeof(*s));
	s->baud = 115200;
	s->flow_control = MODEM_FLOW_NONE;
	snprintf(s->profile, sizeof(s->profile), "auto");
	s->command_timeout_ms = 5000;
}

int cmd_modem_option(const char *prog, int argc, char **argv, int *i, struct modem_settings *s)
{
	const char *opt = argv[*i];
	const char *val = *i + 1 < argc ? argv[*i + 1] : NULL;

	if (strcmp(opt, "--device") && strcmp(opt, "--pin") && strcmp(opt, "--profile") &&
	    strcmp(opt, "--baud") && strcmp(opt, "--poll-s"))
		return 0;
	if (!val)
		return cmd_usage_error(prog, "%s needs a value", opt), -1;
	(*i)++;
	if (strcmp(opt, "--device") == 0 && strlen(val) < sizeof(s->device)) {
		memcpy(s->device, val, strlen(val) + 1);
	} else if (strcmp(opt, "--pin") == 0 && strlen(val) >= 4 && strlen(val) < sizeof(s->pin) &&
		   strspn(val, "0123456789") == strlen(val)) {
		memcpy(s->pin, val, strlen(val) + 1);
	} else if (strcmp(opt, "--profile") == 0) {
		if (strlen(val) >= sizeof(s->profile) || !modem_profile_name_valid(val))
			return cmd_usage_error(prog, "unknown profile '%s' (%s)", val, MODEM_PROFILE_CHOICES),
			       -1;
		memcpy(s->profile, val, strlen(val) + 1);
	} else if (strcmp(opt, "--poll-s") == 0) {
		char *end;
		long p = strtol(val, &end, 10);
		if (*end || end == val || p < 1 || p > 3600)
			return cmd_usage_error(prog, "bad --poll-s '%s' (1 to 3600)", val), -1;
		s->status_poll_s = (int)p;
	} else if (strcmp(opt, "--baud") == 0) {
		char *end;
		long b = strtol(val, &end, 10);
		if (*end || b < 1200 || b > 4000000)
			return cmd_usage_error(prog, "bad --baud '%s'", val), -1;
		s->baud = (int)b;
	} else {
		return cmd_usage_error(prog, "bad value for %s", opt), -1;
	}
	return 1;
}

int cmd_modem_failed(const char *prog, const struct modem_settings *s, int rc)
{
	switch (-rc) {
	case ETIMEDOUT:
		fprintf(stderr, "%s: the modem on %s did not become ready in time (see the log above)\n",
			prog, s->device);
		break;
	case EACCES:
		fprintf(stderr, "%s: the SIM is locked or missing (see the log above)\n", prog);
		break;
	case EHOSTDOWN:
		fprintf(stderr, "%s: no usable modem on %s\n", prog, s->device);
		break;
	case EINTR:
		break;
	default:
		fprintf(stderr, "%s: %s: %s\n", prog, s->device, strerror(-rc));
		break;
	}
	return M2_EXIT_FAIL;
}

static void info_idle(struct modem_session *s, void *user_data)
{
	(void)user_data;
	modem_session_stop(s, 0);
}

static void print_info(const struct modem_settings *set, const struct modem_info *i, bool json)
{
	const char *kind = modem_transport_is_pty(set->device) ? "pty" : "serial";
	if (json) {
		json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "device",
				      set->device, "port", kind, "manufacturer", i->manufacturer, "model",
				      i->model, "revision", i->revision, "imei", i->imei, "profile",
				      i->profile, "sim", i->sim, "registration", modem_reg_str(i->reg),
				      "operator", i->operator_name);
		json_object_set_new(o, "signal_dbm",
				    i->signal_dbm ? json_integer(i->signal_dbm) : json_null());
		json_object_set_new(o, "messages_stored",
				    i->storage_used >= 0 ? json_integer(i->storage_used) : json_null());
		json_object_set_new(o, "message_slots",
				    i->storage_total >= 0 ? json_integer(i->storage_total) : json_null());
		json_dumpf(o, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
		json_decref(o);
		return;
	}
	printf("device:        %s (%s)\n", set->device, kind);
	printf("manufacturer:  %s\nmodel:         %s\nrevision:      %s\nIMEI:          %s\n",
	       i->manufacturer, i->model, i->revision, i->imei);
	printf("profile:       %s\nSIM:           %s\nregistration:  %s\noperator:      %s\n", i->profile,
	       i->sim, modem_reg_str(i->reg), i->operator_name);
	if (i->signal_dbm)
		printf("signal:        %d dBm\n", i->signal_dbm);
	else
		printf("signal:        unknown\n");
	if (i->storage_total >= 0)
		printf("messages:      %d of %d slots used%s\n", i->storage_used, i->storage_total,
		       i->storage_used >= i->storage_total ? " (FULL: nothing more can arrive)" : "");
}

int cmd_modem(int argc, char **argv)
{
	const char *prog = "m2mon modem info";
	struct modem_settings set;
	bool json = false;

	if (argc < 2 || strcmp(argv[1], "info") != 0)
		return cmd_usage_error("m2mon modem", "expected 'info'");
	cmd_modem_defaults(&set);
	for (int i = 2; i < argc; i++) {
		int rc = cmd_modem_option(prog, argc, argv, &i, &set);
		if (rc < 0)
			return M2_EXIT_USAGE;
		if (rc > 0)
			continue;
		if (strcmp(argv[i], "--json") == 0)
			json = true;
		else
			return cmd_usage_error(prog, "unexpected argument '%s'", argv[i]);
	}
	if (!set.device[0])
		return cmd_usage_error(prog, "--device is required");
	struct modem_session_hooks hooks = {info_idle, NULL};
	struct modem_session *s = modem_session_new(&set, NULL, &hooks, NULL);
	if (!s)
		return M2_EXIT_FAIL;
	int rc = modem_session_run(s, 90000);
	if (rc == 0)
		print_info(&set, modem_info(modem_session_modem(s)), json);
	else
		cmd_modem_failed(prog, &set, rc);
	modem_session_free(s);
	return rc == 0 ? M2_EXIT_OK : M2_EXIT_FAIL;
}
