/* `m2mon status --config FILE [--json]`: every unit with the last reading of each channel
 * and its age, the open incidents with who was told and who took them, and the base
 * stations with their modems, heartbeat and which one leads; read from the base's database
 * while the daemon runs. */
#include "cmd.h"
#include "cmd_table.h"
#include "cmd_view.h"
#include "commands.h"
#include "store_cluster.h"
#include "web_json.h"
#include "web_model.h"
#include "web_time.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char cmd_status_usage[] =
	"Usage: m2mon status --config FILE [--json]\n"
	"\n"
	"Shows the site as the base station's database has it now: every unit (configured or\n"
	"heard) with its state, when it was last heard, and the last reading of each channel with\n"
	"its age; then the incidents not closed, with who was told and who acknowledged them;\n"
	"then the base stations that share the database: their modems up, their last heartbeat,\n"
	"and which one works the alarms (the leader). It reads the database while the base runs\n"
	"and changes nothing.\n"
	"\n"
	"States: ok, cleared (the condition is gone, closing soon), fault (the probe could not be\n"
	"read), taken (an alarm someone acknowledged), ALARM (nobody has yet), SILENT (the unit\n"
	"missed its heartbeat), unknown (never heard).\n"
	"\n"
	"  --config FILE  the base station's configuration (its store, units and contacts)\n"
	"  --json         one JSON object, the same as the office display's /api/status\n"
	"\n"
	"Columns line up on a terminal and are tab-separated when the output is piped.\n"
	"Exit status: 0 shown, 1 no database or a bad configuration, 2 a usage error.\n";

/* The word shown for a state: the urgent ones in capitals. */
static const char *state_word(enum web_state s)
{
	switch (s) {
	case WEB_STATE_ALARM:
		return "ALARM";
	case WEB_STATE_SILENT:
		return "SILENT";
	case WEB_STATE_ACKED:
		return "taken";
	case WEB_STATE_UNKNOWN:
	case WEB_STATE_OK:
	case WEB_STATE_CLEARED:
	case WEB_STATE_FAULT:
		break;
	}
	return web_state_str(s);
}

static void temp_cell(bool has, int32_t c10, char *out, size_t n)
{
	char t[16];
	if (!has) {
		snprintf(out, n, "-");
		return;
	}
	web_temp_format(c10, t, sizeof(t));
	snprintf(out, n, "%s C", t);
}

static void add_unit_rows(struct cmd_table *t, const struct web_unit *u, int64_t now_ms, bool repeat)
{
	char heard[32], temp[24], age[16];
	if (u->last_heard_ms) {
		web_age_format(now_ms - u->last_heard_ms, age, sizeof(age));
		snprintf(heard, sizeof(heard), "%s ago", age);
	} else {
		snprintf(heard, sizeof(heard), "never");
	}
	for (size_t i = 0; i < u->n_channels || (i == 0 && u->n_channels == 0); i++) {
		const struct web_channel *c = u->n_channels ? &u->channels[i] : NULL;
		bool first = i == 0 || repeat;
		if (c && c->has_reading && c->last.fault)
			snprintf(temp, sizeof(temp), "fault");
		else
			temp_cell(c && c->has_reading, c ? c->last.temp_c10 : 0, temp, sizeof(temp));
		if (c && c->has_reading)
			web_age_format(now_ms - c->last.t_ms, age, sizeof(age));
		else
			snprintf(age, sizeof(age), "-");
		cmd_table_add(t, (const char *[]){first ? u->id : "", first ? state_word(u->state) : "",
						  first ? heard : "", c ? c->name : "-", temp, age,
						  c ? state_word(c->state) : "-"});
	}
}

static void told_cell(const struct store_view_incident *vi, char *out, size_t n)
{
	out[0] = '\0';
	for (size_t k = 0; k < vi->n_told; k++) {
		size_t len = strlen(out);
		const struct store_contact *c = &vi->told[k];
		snprintf(out + len, n - len, "%s%s", k ? ", " : "", c->name[0] ? c->name : c->number);
	}
	if (!out[0])
		snprintf(out, n, "nobody yet");
}

static void add_incident_row(struct cmd_table *t, const struct store_view_incident *vi)
{
	const struct store_incident *i = &vi->inc;
	char id[16], value[24], limit[24], since[24], told[512], acked[96], when[24];
	snprintf(id, sizeof(id), "%u", i->id);
	temp_cell(i->has_value, i->value_c10, value, sizeof(value));
	bool has_limit = strcmp(i->kind, "high") == 0 || strcmp(i->kind, "low") == 0;
	temp_cell(has_limit, i->threshold_c10, limit, sizeof(limit));
	web_time_local(i->since_ms && i->since_ms < i->opened_ms ? i->since_ms : i->opened_ms, since,
		       sizeof(since));
	told_cell(vi, told, sizeof(told));
	if (i->acked_ms) {
		web_time_local(i->acked_ms, when, sizeof(when));
		snprintf(acked, sizeof(acked), "%s at %s",
			 vi->acked_by.name[0]     ? vi->acked_by.name
			 : vi->acked_by.number[0] ? vi->acked_by.number
						  : "?",
			 when);
	} else {
		snprintf(acked, sizeof(acked), "nobody yet");
	}
	char kind[40];
	snprintf(kind, sizeof(kind), "%s%s", i->kind, i->critical ? " (critical)" : "");
	cmd_table_add(t, (const char *[]){id, i->unit, i->channel_name[0] ? i->channel_name : "-", kind,
					  i->state, value, limit, since, told, acked});
}

/* ---- the base stations ---- */

static const struct cmd_column base_cols[] = {
	{"BASE", false}, {"LEADER", false}, {"MODEMS_UP", true}, {"SEEN", false}};

struct bases {
	struct cmd_table *t;
	int64_t now_ms;
	int64_t beat_ms;
	size_t n;
};

static int add_base(void *ud, const struct store_view_base *b)
{
	struct bases *x = ud;
	char lead[32] = "", modems[24], seen[48], age[16];
	if (b->leader)
		snprintf(lead, sizeof(lead), "leader (epoch %llu)", (unsigned long long)b->epoch);
	snprintf(modems, sizeof(modems), "%u/%u", b->modems_up, b->modems);
	int64_t ago = x->now_ms - b->last_seen_ms;
	web_age_format(ago > 0 ? ago : 0, age, sizeof(age));
	snprintf(seen, sizeof(seen), "%s ago%s", age, ago > 3 * x->beat_ms ? " (not beating)" : "");
	x->n++;
	cmd_table_add(x->t, (const char *[]){b->name, lead[0] ? lead : "-", modems, seen});
	return 0;
}

static const struct cmd_column unit_cols[] = {
	{"UNIT", false}, {"STATE", false}, {"HEARD", false},    {"CHANNEL", false},
	{"TEMP", true},  {"AGE", true},    {"CH_STATE", false},
};
static const struct cmd_column incident_cols[] = {
	{"ID", true},    {"UNIT", false}, {"CHANNEL", false}, {"KIND", false}, {"STATE", false},
	{"VALUE", true}, {"LIMIT", true}, {"SINCE", false},   {"TOLD", false}, {"TAKEN_BY", false},
};

static void print_bases(const struct cmd_view *v, enum cmd_table_style style)
{
	struct bases x = {.t = cmd_table_new(base_cols, 4), .beat_ms = STORE_HEARTBEAT_MS};
	if (!x.t)
		return;
	if (v->site.base_heartbeat_ms > STORE_HEARTBEAT_MS)
		x.beat_ms = v->site.base_heartbeat_ms;
	if (store_view_bases(v->store, &x.now_ms, add_base, &x) != 0)
		x.n = 0;
	if (x.n) {
		fputc('\n', stdout);
		cmd_table_print(x.t, style, stdout);
	}
	cmd_table_free(x.t);
}

static int print_text(const struct cmd_view *v, const struct web_status *st)
{
	enum cmd_table_style style = cmd_table_style_for(stdout);
	bool person = style == CMD_TABLE_ALIGNED;
	struct cmd_table *units = cmd_table_new(unit_cols, 7);
	struct cmd_table *incs = cmd_table_new(incident_cols, 10);
	if (!units || !incs) {
		cmd_table_free(units);
		cmd_table_free(incs);
		fprintf(stderr, "%s: out of memory\n", v->prog);
		return M2_EXIT_FAIL;
	}
	for (size_t i = 0; i < st->n_units; i++)
		add_unit_rows(units, &st->units[i], st->now_ms, !person);
	for (size_t i = 0; i < st->n_incidents; i++)
		add_incident_row(incs, &st->incidents[i]);
	if (person) {
		char now[24];
		web_time_local(st->now_ms, now, sizeof(now));
		printf("%s at %s: %zu units, %zu open incidents\n\n", v->site.name, now, st->n_units,
		       st->n_incidents);
	}
	cmd_table_print(units, style, stdout);
	if (st->n_incidents || !person) {
		fputc('\n', stdout);
		cmd_table_print(incs, style, stdout);
	} else {
		printf("\nNo open incidents.\n");
	}
	print_bases(v, style);
	cmd_table_free(units);
	cmd_table_free(incs);
	return M2_EXIT_OK;
}

static int print_json(const struct cmd_view *v, const struct web_status *st)
{
	json_t *j = web_json_status(st, &v->site);
	if (j)
		json_object_set_new(j, "bases", web_json_bases(v->store, &v->site));
	char *text = j ? web_json_text(j, true) : NULL;
	json_decref(j);
	if (!text) {
		fprintf(stderr, "%s: out of memory\n", v->prog);
		return M2_EXIT_FAIL;
	}
	puts(text);
	free(text);
	return M2_EXIT_OK;
}

int cmd_status(int argc, char **argv)
{
	struct cmd_view v = {.prog = "m2mon status"};
	const char *config = NULL;
	bool json = false;
	for (int i = 1; i < argc; i++) {
		int taken = cmd_view_config_opt(&v, argc, argv, &i, &config);
		if (taken < 0)
			return M2_EXIT_USAGE;
		if (taken)
			continue;
		if (strcmp(argv[i], "--json") == 0)
			json = true;
		else
			return cmd_usage_error(v.prog, "%s '%s'",
					       argv[i][0] == '-' ? "unknown option" : "unexpected argument",
					       argv[i]);
	}
	int rc = cmd_view_load(&v, "m2mon status", config);
	if (rc == M2_EXIT_OK)
		rc = cmd_view_open(&v);
	if (rc != M2_EXIT_OK)
		return rc;
	struct web_status st;
	int err = web_status_load(v.store, &v.site, cmd_view_now_ms(), &st);
	if (err) {
		cmd_view_close(&v);
		return cmd_view_failed(&v, err);
	}
	rc = json ? print_json(&v, &st) : print_text(&v, &st);
	web_status_free(&st);
	cmd_view_close(&v);
	return rc;
}
