/* `m2mon events --config FILE [--since WHEN] [--unit U] [--json]`: the base's record of
 * what happened, oldest first: alarms, texts sent and their delivery, ACKs, mutes, setting
 * changes, silent units, forged or replayed messages, strangers. */
#include "cmd.h"
#include "cmd_table.h"
#include "cmd_view.h"
#include "commands.h"
#include "store_view.h"
#include "web_json.h"
#include "web_time.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char cmd_events_usage[] =
	"Usage: m2mon events --config FILE [--since WHEN] [--unit UNIT] [--json]\n"
	"\n"
	"Prints every event the base station recorded since WHEN (default 24h), oldest first:\n"
	"alarms and clears from units, incidents changing state, each text sent to a person and\n"
	"its delivery report, texts held back (caps, quiet hours), ACKs, mutes, phone commands,\n"
	"setting changes, units gone silent and heard again, forged and replayed messages,\n"
	"texts from strangers, modems, probes and power. WHEN is a duration back from now (90m,\n"
	"24h, 7d) or a time (2026-11-25, 2026-11-25T03:00, 2026-11-25T03:00Z).\n"
	"\n"
	"  --unit UNIT  only the events of one unit\n"
	"  --json       a JSON array, the same objects as the office display's /api/events\n"
	"\n"
	"Exit status: 0 shown (even none), 1 unknown unit or no database, 2 a usage error.\n";

struct events_out {
	const struct cmd_view *v;
	struct cmd_table *t;
	json_t *arr;
	size_t n;
	int err;
};

static int on_event(void *ud, const struct store_event *e)
{
	struct events_out *o = ud;
	o->n++;
	if (o->arr) {
		o->err = json_array_append_new(o->arr, web_json_event(e, &o->v->site)) ? -12 : 0;
		return o->err != 0;
	}
	char when[24], inc[16] = "", value[16] = "", who[96] = "";
	web_time_local(e->t_ms, when, sizeof(when));
	if (e->incident_id)
		snprintf(inc, sizeof(inc), "%u", e->incident_id);
	if (e->has_value)
		web_temp_format(e->value_c10, value, sizeof(value));
	const struct web_site_contact *c = e->actor[0] ? web_site_contact(&o->v->site, e->actor) : NULL;
	if (c)
		snprintf(who, sizeof(who), "%s (%s)", c->name, e->actor);
	else
		snprintf(who, sizeof(who), "%s", e->actor);
	o->err = cmd_table_add(o->t, (const char *[]){when, store_event_kind_str(e->kind), e->unit,
						      e->channel, inc, who, value, e->text});
	return o->err != 0;
}

static const struct cmd_column cols[] = {
	{"TIME", false},    {"KIND", false}, {"UNIT", false},   {"CHANNEL", false},
	{"INCIDENT", true}, {"WHO", false},  {"VALUE_C", true}, {"TEXT", false},
};

static int show(struct cmd_view *v, const char *unit, int64_t since_ms, bool json)
{
	struct events_out o = {.v = v};
	if (json)
		o.arr = json_array();
	else
		o.t = cmd_table_new(cols, 8);
	if (!o.arr && !o.t) {
		fprintf(stderr, "%s: out of memory\n", v->prog);
		return M2_EXIT_FAIL;
	}
	int err = store_view_events(v->store, unit, since_ms, on_event, &o);
	if (err || o.err) {
		json_decref(o.arr);
		cmd_table_free(o.t);
		return cmd_view_failed(v, err ? err : o.err);
	}
	if (o.arr) {
		char *text = web_json_text(o.arr, true);
		json_decref(o.arr);
		if (!text)
			return cmd_view_failed(v, -12);
		puts(text);
		free(text);
		return M2_EXIT_OK;
	}
	enum cmd_table_style style = cmd_table_style_for(stdout);
	if (o.n || style != CMD_TABLE_ALIGNED)
		cmd_table_print(o.t, style, stdout);
	cmd_table_free(o.t);
	if (o.n == 0) {
		char from[24];
		web_time_local(since_ms, from, sizeof(from));
		fprintf(stderr, "%s: no events%s%s since %s\n", v->prog, unit ? " of " : "", unit ? unit : "",
			from);
	}
	return M2_EXIT_OK;
}

int cmd_events(int argc, char **argv)
{
	const char *prog = "m2mon events";
	struct cmd_view v = {.prog = prog};
	const char *config = NULL, *since = NULL, *unit_arg = NULL;
	bool json = false;
	for (int i = 1; i < argc; i++) {
		int taken = cmd_view_config_opt(&v, argc, argv, &i, &config);
		if (taken < 0)
			return M2_EXIT_USAGE;
		if (taken)
			continue;
		const char **value = strcmp(argv[i], "--since") == 0  ? &since
				     : strcmp(argv[i], "--unit") == 0 ? &unit_arg
								      : NULL;
		if (value && i + 1 >= argc)
			return cmd_usage_error(prog, "%s needs a value", argv[i]);
		if (value)
			*value = argv[++i];
		else if (strcmp(argv[i], "--json") == 0)
			json = true;
		else
			return cmd_usage_error(prog, "%s '%s'",
					       argv[i][0] == '-' ? "unknown option" : "unexpected argument",
					       argv[i]);
	}
	int64_t now = cmd_view_now_ms(), since_ms = now - 86400000LL;
	int rc = cmd_view_load(&v, prog, config);
	if (!rc && since)
		rc = cmd_view_time(&v, "--since", since, now, &since_ms);
	if (!rc)
		rc = cmd_view_open(&v);
	char unit[STORE_UNIT_MAX];
	if (!rc && unit_arg)
		rc = cmd_view_unit(&v, unit_arg, unit);
	if (!rc)
		rc = show(&v, unit_arg ? unit : NULL, since_ms, json);
	cmd_view_close(&v);
	return rc;
}
