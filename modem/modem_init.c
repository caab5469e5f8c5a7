/* The named scripts of the lifecycle (probe, init, registration, SMS setup, status poll),
 * their runner, and the readers of what the modem answers to them (+CPIN, +CREG/+CEREG,
 * +CSQ, +COPS, identity). Each script is a const table; the runner walks it. */
#include "at_iter.h"
#include "log.h"
#include "modem_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROBE_MS 2000

const char *modem_reg_str(enum modem_reg reg)
{
	switch (reg) {
	case MODEM_REG_UNKNOWN:
		return "unknown";
	case MODEM_REG_NOT_REGISTERED:
		return "not_registered";
	case MODEM_REG_HOME:
		return "home";
	case MODEM_REG_SEARCHING:
		return "searching";
	case MODEM_REG_DENIED:
		return "denied";
	case MODEM_REG_ROAMING:
		return "roaming";
	}
	return "unknown";
}

/* ---- the runner ---- */

struct step_ctx {
	struct modem *m;
	unsigned gen;
};

static void run_step(struct modem *m);

static void step_done(void *user_data, const struct at_response *r)
{
	struct step_ctx *ctx = user_data;
	struct modem *m = ctx->m;
	bool stale = ctx->gen != m->script_gen || !m->script;

	free(ctx);
	if (stale || r->result.kind == AT_RESULT_ABORTED)
		return;
	const struct modem_step *s = &m->script->steps[m->step];
	bool failed = r->result.kind != AT_RESULT_OK;
	if (!failed && s->parse && s->parse(m, r) != 0)
		failed = true;
	else if (failed && r->result.kind != AT_RESULT_TIMEOUT && (s->optional || s->profile_extras)) {
		log_info("modem", "event=optional_command_failed cmd=\"%s\" result=%s code=%d", r->request,
			 at_result_kind_str(r->result.kind), r->result.code);
		failed = false;
	} else if (failed) {
		m->script_result = r->result;
	}
	if (failed) {
		snprintf(m->script_failed_cmd, sizeof(m->script_failed_cmd), "%s", r->request);
		log_info("modem", "event=script_failed script=%s cmd=\"%s\" result=%s code=%d",
			 m->script->name, r->request, at_result_kind_str(m->script_result.kind),
			 m->script_result.code);
		m->script = NULL;
		modem_post(m, MODEM_EV_SCRIPT_FAILED);
		return;
	}
	if (s->profile_extras)
		m->extra++;
	else
		m->step++;
	run_step(m);
}

static bool send_step(struct modem *m, const char *request, const char *prefix, uint32_t timeout_ms)
{
	struct step_ctx *ctx = malloc(sizeof(*ctx));
	struct at_cmd c = {request, prefix, NULL, timeout_ms ? timeout_ms : m->timing.command_ms};

	if (!ctx)
		return false;
	ctx->m = m;
	ctx->gen = m->script_gen;
	if (at_chat_send(m->chat, &c, m->now_ms, step_done, ctx) < 0) {
		free(ctx);
		return false;
	}
	return true;
}

static void run_step(struct modem *m)
{
	char buf[128];

	while (m->step < m->script->n) {
		const struct modem_step *s = &m->script->steps[m->step];
		if (s->profile_extras) {
			const char *const *extra = m->profile->extra_init;
			if (extra && extra[m->extra] && send_step(m, extra[m->extra], "", 0))
				return;
			m->step++;
			continue;
		}
		if (s->skip && s->skip(m)) {
			m->step++;
			continue;
		}
		const char *req = s->request;
		if (!req) {
			s->build(m, buf, sizeof(buf));
			req = buf;
		}
		if (send_step(m, req, s->prefix, s->timeout_ms))
			return;
		m->script_result = (struct at_result){AT_RESULT_ABORTED, 0};
		break;
	}
	const struct modem_script *done = m->script;
	m->script = NULL;
	modem_post(m, m->step < done->n ? MODEM_EV_SCRIPT_FAILED : MODEM_EV_SCRIPT_OK);
}

void modem_script_start(struct modem *m, const struct modem_script *script)
{
	m->script = script;
	m->step = 0;
	m->extra = 0;
	m->script_gen++;
	log_debug("modem", "event=script_start script=%s", script->name);
	run_step(m);
}

/* ---- readers ---- */

static int take_text(const struct at_response *r, const char *prefix, char *out, size_t size)
{
	struct at_iter it;

	if (r->n_lines == 0)
		return 0;
	at_iter_init(&it, r->lines[0].text);
	if (at_iter_prefix(&it, prefix)) {
		if (at_iter_next_text(&it, out, size) != 0)
			out[0] = '\0';
		return 0;
	}
	snprintf(out, size, "%s", r->lines[0].text);
	return 0;
}

static int parse_cgmi(struct modem *m, const struct at_response *r)
{
	return take_text(r, "+CGMI:", m->info.manufacturer, sizeof(m->info.manufacturer));
}

static int parse_cgmm(struct modem *m, const struct at_response *r)
{
	take_text(r, "+CGMM:", m->info.model, sizeof(m->info.model));
	if (m->settings.profile == 0 && m->info.model[0]) {
		m->profile = modem_profile_by_model(m->info.model);
		m->info.profile = m->profile->name;
		log_info("modem", "event=profile model=\"%s\" profile=%s", m->info.model, m->profile->name);
	}
	return 0;
}

static int parse_cgmr(struct modem *m, const struct at_response *r)
{
	return take_text(r, "+CGMR:", m->info.revision, sizeof(m->info.revision));
}

static int parse_cgsn(struct modem *m, const struct at_response *r)
{
	return take_text(r, "+CGSN:", m->info.imei, sizeof(m->info.imei));
}

static int parse_cpin(struct modem *m, const struct at_response *r)
{
	struct at_iter it;

	m->info.sim[0] = '\0';
	if (r->n_lines > 0) {
		at_iter_init(&it, r->lines[0].text);
		if (!at_iter_prefix(&it, "+CPIN:") ||
		    at_iter_next_text(&it, m->info.sim, sizeof(m->info.sim)) != 0)
			m->info.sim[0] = '\0';
	}
	/* An OK without a readable +CPIN: line (TS 27.007 8.3 always gives one) says nothing
	 * about the SIM: the answer is out of step or garbled, which the ladder mends. */
	if (!m->info.sim[0]) {
		log_warn("modem",
			 "event=bad_answer cmd=\"AT+CPIN?\" line=\"%s\" action=\"none; m2mon re-initialises "
			 "the modem\"",
			 r->n_lines > 0 ? r->lines[0].text : "");
		m->script_result = (struct at_result){AT_RESULT_ERROR, 0};
		return -1;
	}
	if (strcmp(m->info.sim, "READY") == 0)
		return 0;
	if (strcmp(m->info.sim, "SIM PIN") == 0 && m->settings.pin[0])
		return 0;
	/* TS 27.007 9.2.1: 11 PIN required (none configured), 12 PUK required, 10 not inserted,
	 * 14 busy (modules answer "NOT READY" for seconds after power-on), 13 failure. */
	int code = !strcmp(m->info.sim, "SIM PIN")        ? 11
		   : !strcmp(m->info.sim, "SIM PUK")      ? 12
		   : !strcmp(m->info.sim, "NOT INSERTED") ? 10
		   : !strcmp(m->info.sim, "NOT READY")    ? 14
							  : 13;
	m->script_result = (struct at_result){AT_RESULT_CME_ERROR, code};
	return -1;
}

static bool pin_not_needed(const struct modem *m)
{
	return strcmp(m->info.sim, "READY") == 0;
}

static void build_cpin(const struct modem *m, char *buf, size_t size)
{
	snprintf(buf, size, "AT+CPIN=\"%s\"", m->settings.pin);
}

static int parse_cpin_set(struct modem *m, const struct at_response *r)
{
	(void)r;
	log_info("modem", "event=pin_accepted");
	snprintf(m->info.sim, sizeof(m->info.sim), "READY");
	return 0;
}

static enum modem_reg reg_of_stat(int stat)
{
	switch (stat) {
	case 0:
		return MODEM_REG_NOT_REGISTERED;
	case 1:
		return MODEM_REG_HOME;
	case 2:
		return MODEM_REG_SEARCHING;
	case 3:
		return MODEM_REG_DENIED;
	case 5:
		return MODEM_REG_ROAMING;
	default:
		return MODEM_REG_UNKNOWN;
	}
}

static bool reg_ok(enum modem_reg r)
{
	return r == MODEM_REG_HOME || r == MODEM_REG_ROAMING;
}

bool modem_is_registered(const struct modem *m)
{
	return reg_ok(m->reg_cs) || reg_ok(m->reg_eps);
}

void modem_parse_reg(struct modem *m, const char *line)
{
	struct at_iter it;
	int first, stat;
	bool eps;

	at_iter_init(&it, line);
	if (at_iter_prefix(&it, "+CREG:"))
		eps = false;
	else if (at_iter_prefix(&it, "+CEREG:"))
		eps = true;
	else
		return;
	/* TS 27.007 7.2 / 10.1.22: the read form is <n>,<stat>[,<lac>...], the URC <stat>
	 * [,<lac>...] with <lac> a string. Told apart by shape, not by who received the line: a
	 * URC that arrives during AT+CREG? is collected with its answer. */
	if (at_iter_next_int(&it, &first) != 0) {
		log_debug("modem", "event=bad_registration line=\"%s\"", line);
		return;
	}
	if (at_iter_next_int(&it, &stat) != 0)
		stat = first;
	bool was = modem_is_registered(m);
	*(eps ? &m->reg_eps : &m->reg_cs) = reg_of_stat(stat);
	m->info.reg = reg_ok(m->reg_eps) ? m->reg_eps : m->reg_cs;
	bool now = modem_is_registered(m);
	if (was != now)
		log_info("modem", "event=registration registered=%s reg=%s", now ? "yes" : "no",
			 modem_reg_str(m->info.reg));
	if (now && !was)
		modem_post(m, MODEM_EV_REGISTERED);
}

static int parse_reg(struct modem *m, const struct at_response *r)
{
	for (size_t i = 0; i < r->n_lines; i++)
		modem_parse_reg(m, r->lines[i].text);
	return 0;
}

static int parse_csq(struct modem *m, const struct at_response *r)
{
	struct at_iter it;
	int rssi;

	if (r->n_lines == 0)
		return 0;
	at_iter_init(&it, r->lines[0].text);
	if (!at_iter_prefix(&it, "+CSQ:") || at_iter_next_int(&it, &rssi) != 0)
		return 0;
	/* TS 27.007 8.5: 0 is -113 dBm or less, 31 is -51 dBm or more, 99 unknown. */
	m->info.signal_dbm = rssi >= 0 && rssi <= 31 ? -113 + 2 * rssi : 0;
	log_debug("modem", "event=signal dbm=%d", m->info.signal_dbm);
	return 0;
}

static int parse_cops(struct modem *m, const struct at_response *r)
{
	struct at_iter it;

	if (r->n_lines == 0)
		return 0;
	at_iter_init(&it, r->lines[0].text);
	if (!at_iter_prefix(&it, "+COPS:") || at_iter_skip(&it) != 0 || at_iter_skip(&it) != 0 ||
	    at_iter_next_text(&it, m->info.operator_name, sizeof(m->info.operator_name)) != 0)
		m->info.operator_name[0] = '\0';
	return 0;
}

static void build_cpms(const struct modem *m, char *buf, size_t size)
{
	const char *s = m->profile->storage;
	snprintf(buf, size, "AT+CPMS=\"%s\",\"%s\",\"%s\"", s, s, s);
}

static void build_cnmi(const struct modem *m, char *buf, size_t size)
{
	snprintf(buf, size, "%s", m->profile->cnmi);
}

static bool no_smsc(const struct modem *m)
{
	return m->settings.smsc[0] == '\0';
}

static void build_csca(const struct modem *m, char *buf, size_t size)
{
	snprintf(buf, size, "AT+CSCA=\"%s\"", m->settings.smsc);
}

#define SCRIPT(nm, arr)                                                                                      \
	{                                                                                                    \
		nm, arr, sizeof(arr) / sizeof(arr[0])                                                        \
	}

static const struct modem_step probe_steps[] = {
	{.request = "AT", .prefix = "", .timeout_ms = PROBE_MS},
};

static const struct modem_step init_steps[] = {
	{.request = "ATE0", .prefix = ""},
	{.request = "AT+CMEE=1", .prefix = "", .optional = true},
	{.request = "AT+CGMI", .prefix = NULL, .optional = true, .parse = parse_cgmi},
	{.request = "AT+CGMM", .prefix = NULL, .optional = true, .parse = parse_cgmm},
	{.request = "AT+CGMR", .prefix = NULL, .optional = true, .parse = parse_cgmr},
	{.request = "AT+CGSN", .prefix = NULL, .optional = true, .parse = parse_cgsn},
	{.profile_extras = true},
	{.request = "AT+CPIN?", .prefix = "+CPIN:", .parse = parse_cpin},
	{.build = build_cpin, .prefix = "", .skip = pin_not_needed, .parse = parse_cpin_set},
};

static const struct modem_step register_steps[] = {
	{.request = "AT+CREG=1", .prefix = "", .optional = true},
	{.request = "AT+CEREG=1", .prefix = "", .optional = true},
	{.request = "AT+CREG?", .prefix = "+CREG:", .optional = true, .parse = parse_reg},
	{.request = "AT+CEREG?", .prefix = "+CEREG:", .optional = true, .parse = parse_reg},
};

static const struct modem_step reg_poll_steps[] = {
	{.request = "AT+CREG?", .prefix = "+CREG:", .optional = true, .parse = parse_reg},
	{.request = "AT+CEREG?", .prefix = "+CEREG:", .optional = true, .parse = parse_reg},
};

static const struct modem_step sms_setup_steps[] = {
	{.request = "AT+CMGF=0", .prefix = ""},
	{.build = build_cpms, .prefix = "+CPMS:"},
	{.build = build_cnmi, .prefix = "", .optional = true},
	{.build = build_csca, .prefix = "", .skip = no_smsc, .optional = true},
	{.request = "AT+COPS=3,0", .prefix = "", .optional = true},
	{.request = "AT+COPS?", .prefix = "+COPS:", .optional = true, .parse = parse_cops},
	{.request = "AT+CSQ", .prefix = "+CSQ:", .optional = true, .parse = parse_csq},
};

static const struct modem_step status_steps[] = {
	{.request = "AT+CSQ", .prefix = "+CSQ:", .optional = true, .parse = parse_csq},
	{.request = "AT+CREG?", .prefix = "+CREG:", .optional = true, .parse = parse_reg},
};

const struct modem_script modem_script_probe = SCRIPT("probe", probe_steps);
const struct modem_script modem_script_init = SCRIPT("init", init_steps);
const struct modem_script modem_script_register = SCRIPT("register", register_steps);
const struct modem_script modem_script_reg_poll = SCRIPT("reg_poll", reg_poll_steps);
const struct modem_script modem_script_sms_setup = SCRIPT("sms_setup", sms_setup_steps);
const struct modem_script modem_script_status = SCRIPT("status", status_steps);
