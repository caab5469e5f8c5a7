/* The base's file (struct base_settings): the site, its units, the call list and every field of
 * the alarm engine's policy (escalation, quiet hours, caps, maintenance windows), the modem
 * pool; then the checks across them, ending with alert_policy_check on the policy built. */
#include "config_int.h"

#include "alert_text.h"
#include "sms_number.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* A name goes into every text and log line: GSM 7-bit, and no line break or other control
 * character (GSM has LF and CR; a name holding one would start a new line in both). */
static const char *check_text_name(const char *value)
{
	for (const char *c = value; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return "a control character (a line break, a tab) has no place in a name";
	return alert_text_septets(value) < 0 ? "a character that a phone text cannot carry (GSM 7-bit)"
					     : NULL;
}

/* "H:MM" or "HH:MM" of 00:00..24:00 into minutes; false otherwise. */
static bool parse_clock(const char *s, size_t len, unsigned *min)
{
	if (len < 4 || len > 5 || s[len - 3] != ':')
		return false;
	unsigned h = 0;
	for (size_t i = 0; i < len; i++) {
		if (i == len - 3)
			continue;
		if (!isdigit((unsigned char)s[i]))
			return false;
	}
	for (size_t i = 0; i < len - 3; i++)
		h = h * 10 + (unsigned)(s[i] - '0');
	unsigned m = (unsigned)(s[len - 2] - '0') * 10 + (unsigned)(s[len - 1] - '0');
	if (h > 24 || m > 59 || (h == 24 && m != 0))
		return false;
	*min = (h * 60 + m) % 1440;
	return true;
}

/* "22:00-06:00" (a span past midnight wraps), or "off" for none. */
static const char *parse_span(const char *value, void *out)
{
	struct alert_span *span = out;
	if (strcmp(value, "off") == 0) {
		*span = (struct alert_span){.enabled = true};
		return NULL;
	}
	const char *dash = strchr(value, '-');
	unsigned a, b;
	if (!dash || !parse_clock(value, (size_t)(dash - value), &a) ||
	    !parse_clock(dash + 1, strlen(dash + 1), &b))
		return "a span of local time is HH:MM-HH:MM, e.g. \"22:00-06:00\", or \"off\"";
	if (a == b)
		return "it starts when it ends, so it would be empty; write \"off\" for none";
	*span = (struct alert_span){.enabled = true, .start_min = (uint16_t)a, .end_min = (uint16_t)b};
	return NULL;
}

static int weekday(const char *s, size_t len)
{
	static const char *const names[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
	for (int d = 0; d < 7; d++)
		if (len == 3 && strncasecmp(s, names[d], 3) == 0)
			return d;
	return -1;
}

/* "mon-fri", "sat,sun", "fri-mon", "mon,wed,fri": a bit per day, bit 0 Sunday. */
static const char *parse_days(const char *value, void *out)
{
	static const char form[] =
		"days are mon tue wed thu fri sat sun, as a list or ranges, e.g. \"mon-fri\" or "
		"\"sat,sun\"";
	uint8_t days = 0;
	for (const char *p = value;; p++) {
		size_t len = strcspn(p, ",");
		const char *dash = memchr(p, '-', len);
		int a = weekday(p, dash ? (size_t)(dash - p) : len);
		int b = dash ? weekday(dash + 1, len - (size_t)(dash + 1 - p)) : a;
		if (a < 0 || b < 0)
			return form;
		for (int d = a;; d = (d + 1) % 7) {
			days |= (uint8_t)(1u << d);
			if (d == b)
				break;
		}
		p += len;
		if (!*p)
			break;
	}
	*(uint8_t *)out = days;
	return NULL;
}

struct channel_elem {
	char name[M2_CONFIG_CHANNEL_NAME_MAX];
};
static const struct cfg_field channel_elem[] = {
	STR(struct channel_elem, name, true, 1, cfg_check_word, NULL, "a channel name, e.g. \"T1\""),
	END,
};

#define BU struct base_unit_settings
static const struct cfg_field unit_fields[] = {
	STR(BU, id, true, 1, cfg_check_ident, NULL, "the unit's id, as in its own file"),
	STR(BU, number, true, 3, cfg_check_phone, NULL, "the unit's phone number"),
	CUSTOM("key", BU, key, true, cfg_parse_key32, NULL, true,
	       "the unit's key: the same 64 hex digits as in its file"),
	DUR("heartbeat", BU, heartbeat_s, false, 1, 7 * 86400, "6h",
	    "the unit's own heartbeat: silent longer (plus silent_grace) is SILENT"),
	ARRAY("channels", NULL, BU, channels, n_channels, 0, channel_elem,
	      "the unit's channel names in the order of its own file, e.g. [ \"T1\", \"T2\" ]"),
	END,
};

static const char *const role_names[] = {"admin", "operator", "viewer", NULL};

#define CT struct alert_contact
static const struct cfg_field contact_fields[] = {
	STR(CT, name, true, 1, check_text_name, NULL, "the contact's name, as others are told it"),
	STR(CT, number, true, 3, cfg_check_phone, NULL, "the contact's phone number"),
	ENUMR(CT, role, role_names, "\"admin\", \"operator\" or \"viewer\""),
	INT(CT, tier, true, 1, ALERT_TIERS_MAX, 1, "who is called first (1), next (2), ..."),
	CUSTOM("quiet", CT, quiet, false, parse_span, NULL, false,
	       "local hours when only critical alarms reach this contact, or \"off\""),
	END,
};

/* -1 (all), 0..7 (the place in the unit's list) or a channel's name. */
static const char *parse_channel_ref(const char *value, void *out)
{
	struct base_channel_ref *ref = out;
	memset(ref, 0, sizeof(*ref));
	if (strcmp(value, "-1") == 0) {
		ref->index = -1;
		return NULL;
	}
	if (value[0] == '-' || (value[0] >= '0' && value[0] <= '9')) {
		if (value[1] || value[0] < '0' || value[0] >= '0' + M2_CONFIG_CHANNELS_MAX)
			return "a channel is -1 (all of them), its place 0..7 in the unit's list, or its "
			       "name, e.g. \"T1\"";
		ref->index = (int16_t)(value[0] - '0');
		return NULL;
	}
	const char *why = cfg_check_word(value);
	if (why || strlen(value) >= sizeof(ref->name))
		return why ? why : "a channel name has 1 to 8 characters";
	snprintf(ref->name, sizeof(ref->name), "%s", value);
	ref->index = M2_CONFIG_CHANNEL_UNRESOLVED;
	return NULL;
}

#define WN struct base_window_settings
static const struct cfg_field window_fields[] = {
	STR(WN, unit, true, 1, cfg_check_ident, NULL, "the unit, by id"),
	CUSTOMI("channel", WN, channel, false, parse_channel_ref, "-1",
		"the channel: its name (\"T1\"), its place in the unit's list (0 first), or -1 for all"),
	CUSTOM("days", WN, days, false, parse_days, NULL, false, "e.g. \"mon-fri\"; every day when absent"),
	CUSTOM("hours", WN, span, true, parse_span, NULL, false, "local time, e.g. \"02:00-04:00\""),
	END,
};

#define BS struct base_settings
struct duration_elem {
	uint32_t s;
};
static const struct cfg_field tier_delay_elem[] = {
	DUR("tier_delay", struct duration_elem, s, true, 1, 86400, NULL, "a delay"),
	END,
};

static const struct cfg_field escalation_fields[] = {
	ARRAY("tier_delay", NULL, BS, as_written.tier_delays_s, as_written.n_tier_delays, 0, tier_delay_elem,
	      "how long a tier has to acknowledge before the next is added: one for all, or one per tier"),
	DUR("repeat", BS, policy.repeat_s, false, 0, 7 * 86400, "1h",
	    "remind the last tier this often; \"0s\": never"),
	INTN("repeat_max", BS, policy.repeat_max, false, 0, 1000, 0, "reminders per incident; 0: no limit"),
	DUR("coalesce", BS, policy.coalesce_s, false, 0, 3600, "2m",
	    "later alarms to one contact wait this long, together"),
	DUR("clear_settle", BS, policy.clear_settle_s, false, 0, 86400, "10m",
	    "a cleared incident closes after this, unless it comes back"),
	BOOLN("all_clear", BS, policy.all_clear, true, "text everyone notified when an incident closes"),
	END,
};

static const struct cfg_field cap_fields[] = {
	INTN("contact", BS, policy.cap_contact, false, 0, 100000, 30, "texts per contact per day; 0: no cap"),
	INTN("site", BS, policy.cap_site, false, 0, 100000, 200, "texts for the site per day; 0: no cap"),
	END,
};

static const char *ekey(char *buf, size_t size, const char *list, int i, const char *member)
{
	snprintf(buf, size, "%s[%d].%s", list, i, member);
	return buf;
}

static void channels_distinct(const struct cfg_ctx *ctx, const BS *b, int j)
{
	const BU *u = &b->units[j];
	char k[64];
	for (int c = 0; c < u->n_channels; c++)
		for (int d = 0; d < c; d++)
			if (strcasecmp(u->channels[c], u->channels[d]) == 0)
				cfg_ctx_fail(ctx, ekey(k, sizeof(k), "units", j, "channels"),
					     "\"%s\" is listed twice (ignoring case)", u->channels[c]);
}

/* Ids (ignoring case: phones type them), numbers and keys are each a unit's own, and so are
 * a unit's channel names. */
static void units_check(const struct cfg_ctx *ctx, const BS *b)
{
	char k[64];
	for (int j = 0; j < b->n_units; j++) {
		const BU *u = &b->units[j];
		for (int i = 0; i < j; i++) {
			const BU *o = &b->units[i];
			if (strcasecmp(o->id, u->id) == 0)
				cfg_ctx_fail(ctx, ekey(k, sizeof(k), "units", j, "id"),
					     "\"%s\" is also units[%d]'s id (ignoring case)", u->id, i);
			if (sms_number_same(o->number, u->number))
				cfg_ctx_fail(ctx, ekey(k, sizeof(k), "units", j, "number"),
					     "\"%s\" is also units[%d]'s number: two units with one number",
					     u->number, i);
			if (memcmp(o->key, u->key, sizeof(u->key)) == 0)
				cfg_ctx_fail(
					ctx, ekey(k, sizeof(k), "units", j, "key"),
					"units[%d] has this key too: give each unit its own (m2mon keygen)",
					i);
		}
	}
	for (int j = 0; j < b->n_units; j++)
		channels_distinct(ctx, b, j);
}

static int unit_of(const BS *b, const char *id)
{
	for (int i = 0; i < b->n_units; i++)
		if (strcmp(b->units[i].id, id) == 0)
			return i;
	return -1;
}

/* A window's channel as the engine numbers it: -1, the place given, or the place of its name
 * in the unit's `channels` (unresolved when the unit lists none: the daemon resolves it). */
static int16_t window_channel(const struct cfg_ctx *ctx, const BU *u, const WN *w, int i)
{
	char k[64];
	ekey(k, sizeof(k), "maintenance", i, "channel");
	if (!w->channel.name[0]) {
		if (u->n_channels && w->channel.index >= u->n_channels)
			cfg_ctx_fail(ctx, k, "%d is past the end of unit \"%s\"'s %d channels (0 first)",
				     w->channel.index, u->id, u->n_channels);
		return w->channel.index;
	}
	for (int c = 0; c < u->n_channels; c++)
		if (strcasecmp(u->channels[c], w->channel.name) == 0)
			return (int16_t)c;
	if (u->n_channels)
		cfg_ctx_fail(ctx, k, "\"%s\" is not one of unit \"%s\"'s channels", w->channel.name, u->id);
	return M2_CONFIG_CHANNEL_UNRESOLVED;
}

/* policy.windows from the windows as written: each names a unit that is there. */
static void windows_build(const struct cfg_ctx *ctx, BS *b)
{
	char k[64];
	b->policy.n_windows = (size_t)b->as_written.n_windows;
	for (int i = 0; i < b->as_written.n_windows; i++) {
		const WN *w = &b->as_written.windows[i];
		struct alert_window *pw = &b->policy.windows[i];
		memset(pw, 0, sizeof(*pw));
		snprintf(pw->unit, sizeof(pw->unit), "%s", w->unit);
		pw->days = w->days;
		pw->span = w->span;
		int u = unit_of(b, w->unit);
		if (u < 0) {
			cfg_ctx_fail(ctx, ekey(k, sizeof(k), "maintenance", i, "unit"),
				     "\"%s\" is not the id of one of the units", w->unit);
			continue;
		}
		pw->channel = window_channel(ctx, &b->units[u], w, i);
	}
}

static void contacts_distinct(const struct cfg_ctx *ctx, const BS *b)
{
	const struct alert_policy *p = &b->policy;
	char k[64];
	for (int j = 0; j < (int)p->n_contacts; j++) {
		const struct alert_contact *c = &p->contacts[j];
		for (int i = 0; i < j; i++) {
			if (sms_number_same(p->contacts[i].number, c->number))
				cfg_ctx_fail(ctx, ekey(k, sizeof(k), "contacts", j, "number"),
					     "\"%s\" is also contacts[%d]'s number", c->number, i);
			if (strcasecmp(p->contacts[i].name, c->name) == 0)
				cfg_ctx_fail(ctx, ekey(k, sizeof(k), "contacts", j, "name"),
					     "\"%s\" is also contacts[%d]'s name (ignoring case): texts name "
					     "who acknowledged",
					     c->name, i);
		}
		for (int i = 0; i < b->n_units; i++) {
			if (sms_number_same(b->units[i].number, c->number)) {
				cfg_ctx_fail(ctx, ekey(k, sizeof(k), "contacts", j, "number"),
					     "\"%s\" is units[%d]'s number, not a person's", c->number, i);
				break;
			}
		}
	}
}

/* n_tiers is the highest tier a contact has; each tier up to it needs someone. */
static void tiers_check(const struct cfg_ctx *ctx, BS *b)
{
	struct alert_policy *p = &b->policy;
	bool used[ALERT_TIERS_MAX + 1] = {false};
	p->n_tiers = 0;
	for (size_t i = 0; i < p->n_contacts; i++) {
		used[p->contacts[i].tier] = true;
		p->n_tiers = p->contacts[i].tier > p->n_tiers ? p->contacts[i].tier : p->n_tiers;
	}
	for (size_t t = 1; t < p->n_tiers; t++)
		if (!used[t])
			cfg_ctx_fail(ctx, "contacts",
				     "no contact has tier %zu but one has tier %zu: the ladder would wait "
				     "for nobody; "
				     "number the tiers 1, 2, ... without a gap",
				     t, p->n_tiers);
	int k = b->as_written.n_tier_delays;
	if (k > 1 && (size_t)k != p->n_tiers - 1) {
		cfg_ctx_fail(
			ctx, "escalation.tier_delay",
			"%d delays for %zu tiers: give one for all, or one for each tier but the last (%zu)",
			k, p->n_tiers, p->n_tiers - 1);
		return;
	}
	for (int t = 0; t < ALERT_TIERS_MAX; t++)
		p->tier_delay_s[t] =
			k == 0 ? 15 * 60 : b->as_written.tier_delays_s[k == 1 ? 0 : (t < k ? t : k - 1)];
}

static void contacts_check(const struct cfg_ctx *ctx, BS *b)
{
	struct alert_policy *p = &b->policy;
	bool can_ack = false;
	contacts_distinct(ctx, b);
	for (size_t i = 0; i < p->n_contacts; i++) {
		if (!p->contacts[i].quiet.enabled)
			p->contacts[i].quiet = b->as_written.quiet_hours;
		can_ack |= p->contacts[i].role != ALERT_ROLE_VIEWER;
	}
	if (!can_ack)
		cfg_ctx_fail(ctx, "contacts",
			     "nobody may acknowledge: make a contact an admin or an operator");
	tiers_check(ctx, b);
	if (p->cap_contact == 1)
		cfg_ctx_fail(ctx, "caps.contact",
			     "1 is too few: the one text would be the notice that the cap is "
			     "reached; 0 for no cap, or 2 or more");
	if (p->cap_site == 1)
		cfg_ctx_fail(ctx, "caps.site",
			     "1 is too few: the one text would be the notice that the cap is "
			     "reached; 0 for no cap, or 2 or more");
}

/* A duration in milliseconds: "500ms", "2s", "1m", "1s500ms". */
static const char *parse_ms(const char *value, void *out)
{
	static const char *const why = "a duration such as \"500ms\", \"2s\" or \"1m\"";
	uint64_t total = 0;
	const char *p = value;
	if (!*p)
		return why;
	while (*p) {
		if (!isdigit((unsigned char)*p))
			return why;
		uint64_t n = 0;
		while (isdigit((unsigned char)*p) && n < 100000000)
			n = n * 10 + (uint64_t)(*p++ - '0');
		uint64_t unit = strncmp(p, "ms", 2) == 0 ? 1 : *p == 's' ? 1000 : *p == 'm' ? 60000 : 0;
		if (!unit || n >= 100000000)
			return why;
		p += unit == 1 ? 2 : 1;
		total += n * unit;
	}
	if (total > 3600000)
		return "at most 1h";
	*(uint32_t *)out = (uint32_t)total;
	return NULL;
}

static const char *check_base_name(const char *value)
{
	for (const char *p = value; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_' && *p != '.')
			return "letters, digits, '-', '_' and '.' only, e.g. \"north-a\"";
	return NULL;
}

#define CL struct base_cluster_settings
static const struct cfg_field cluster_fields[] = {
	STR(CL, name, false, 0, check_base_name, "",
	    "this base's name in the shared database (default: the host's name)"),
	CUSTOM("lease", CL, lease_ms, false, parse_ms, "10s", false,
	       "the alarm leader's lease: a leader silent this long is replaced"),
	CUSTOM("heartbeat", CL, heartbeat_ms, false, parse_ms, "5s", false,
	       "how often the base writes its heartbeat (its modems) and renews its claims"),
	CUSTOM("claim_lease", CL, claim_lease_ms, false, parse_ms, "60s", false,
	       "a text claimed by a base that stops beating is resent after this"),
	CUSTOM("silent", CL, silent_ms, false, parse_ms, "30s", false,
	       "another base not heard this long is an incident (base-NAME NOT HEARD)"),
	END,
};

static void cluster_check(const struct cfg_ctx *ctx, const struct base_cluster_settings *c)
{
	if (c->lease_ms < 1000)
		cfg_ctx_fail(ctx, "cluster.lease", "at least 1s: the leader renews it every quarter");
	if (c->heartbeat_ms < 100 || c->heartbeat_ms * 2 > c->lease_ms)
		cfg_ctx_fail(ctx, "cluster.heartbeat", "from 100ms up to half the lease (%ums)",
			     c->lease_ms / 2);
	if (c->claim_lease_ms < c->heartbeat_ms * 3)
		cfg_ctx_fail(ctx, "cluster.claim_lease",
			     "at least three heartbeats (%ums): heartbeats renew the claims",
			     c->heartbeat_ms * 3);
	if (c->silent_ms < c->heartbeat_ms * 3)
		cfg_ctx_fail(ctx, "cluster.silent",
			     "at least three heartbeats (%ums): a base is heard by its heartbeats",
			     c->heartbeat_ms * 3);
}

static void base_check(const struct cfg_ctx *ctx, void *obj)
{
	BS *b = obj;
	const char *why = NULL;
	int before = cfg_ctx_problems(ctx);
	snprintf(b->policy.site, sizeof(b->policy.site), "%s", b->name);
	units_check(ctx, b);
	cluster_check(ctx, &b->cluster);
	windows_build(ctx, b);
	contacts_check(ctx, b);
	/* The engine's own check, for what the precise ones above do not name. */
	if (cfg_ctx_problems(ctx) == before && alert_policy_check(&b->policy, &why) < 0)
		cfg_ctx_fail(ctx, NULL, "%s", why);
}

static const struct cfg_field base_fields[] = {
	STR(BS, name, true, 1, check_text_name, NULL, "the site's name, e.g. \"Cold store North\""),
	STR(BS, store, false, 1, NULL, "/var/lib/m2mon/base.db",
	    "the base's SQLite file, or a PostgreSQL URI several bases share"),
	GROUP("cluster", BS, cluster, false, cluster_fields, "several bases on one PostgreSQL database"),
	DUR("silent_grace", BS, silent_grace_s, false, 0, 86400, "15m", "slack after a unit's heartbeat"),
	DUR("receipt_delay", BS, receipt_delay_s, false, 0, 600, "5s",
	    "how long the base gathers a unit's messages into one receipt"),
	DUR("send_timeout", BS, send_timeout_s, false, 5, 600, "2m",
	    "how long a modem has to confirm a text it sends before another modem may try"),
	DUR("report_timeout", BS, report_timeout_s, false, 2, 86400, "10m",
	    "how long a text to a person waits for its delivery report before it is sent again"),
	DUR("command_timeout", BS, command_timeout_s, false, 60, 86400, "10m",
	    "how long a READ or SET relayed to a unit waits for its answer"),
	LISTV("units", NULL, BS, units, n_units, 1, unit_fields, NULL,
	      "the units: units = ( { id = \"WH1\"; number = \"+1555...\"; key = \"...\"; } );"),
	LISTV("contacts", NULL, BS, policy.contacts, policy.n_contacts, 1, contact_fields, NULL,
	      "who is told: contacts = ( { name = \"Alice\"; number = \"+1555...\"; role = \"admin\"; tier = "
	      "1; } );"),
	{.name = "escalation",
	 .kind = CFG_GROUP,
	 .offset = 0,
	 .fields = escalation_fields,
	 .help = "the ladder"},
	CUSTOM("quiet_hours", BS, as_written.quiet_hours, false, parse_span, NULL, false,
	       "every contact's quiet hours unless it has its own"),
	{.name = "caps", .kind = CFG_GROUP, .offset = 0, .fields = cap_fields, .help = "daily limits"},
	LISTV("maintenance", NULL, BS, as_written.windows, as_written.n_windows, 0, window_fields, NULL,
	      "recurring windows when a unit's alarms text nobody"),
	END,
};

/* The modem pool across top-level groups: one entry per device. */
void m2_config_base_check(const struct cfg_ctx *ctx, void *conf)
{
	const BS *b = &((struct m2_config *)conf)->u.base;
	for (int j = 1; j < b->n_modems; j++) {
		for (int i = 0; i < j; i++) {
			if (strcmp(b->modems[i].device, b->modems[j].device) != 0)
				continue;
			char key[48];
			snprintf(key, sizeof(key), "modems[%d].device", j);
			cfg_ctx_fail(ctx, key,
				     "\"%s\" is also modems[%d]'s device; each modem has its own port",
				     b->modems[j].device, i);
			break;
		}
	}
}

#define CONF struct m2_config
const struct cfg_field m2_config_base_schema[] = {
	GROUP("log", CONF, log, false, m2_config_log_fields, NULL),
	GROUPV("base", CONF, u.base, true, base_fields, base_check, NULL),
	LISTV("modems", "modem", CONF, u.base.modems, u.base.n_modems, 1, m2_config_modem_fields, NULL,
	      "the base's modems: modems = ( { device = \"/dev/ttyUSB2\"; } ); or modem = { ... };"),
	END,
};
