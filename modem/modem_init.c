/* The named scripts of the lifecycle (probe, init, registration, SMS setup, status poll) as
 * const tables, the commands their steps build from the settings and the profile, and the
 * runner that walks a script one step at a time. What the answers mean is modem_read.c's. */
#include "at_iter.h"
#include "log.h"
#include "modem_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROBE_MS 2000

/* ---- the runner ---- */

struct step_ctx {
	struct modem *m;
	unsigned gen;
};

static void run_step(struct modem *m);

static void script_failed(struct modem *m, const struct at_response *r)
{
	char res[96];

	snprintf(m->script_failed_cmd, sizeof(m->script_failed_cmd), "%s", r->request);
	log_info("modem", "event=script_failed script=%s cmd=\"%s\" result=\"%s\"", m->script->name,
		 r->request, modem_result_text(&m->script_result, res, sizeof(res)));
	m->script = NULL;
	modem_post(m, MODEM_EV_SCRIPT_FAILED);
}

static void step_done(void *user_data, const struct at_response *r)
{
	struct step_ctx *ctx = user_data;
	struct modem *m = ctx->m;
	bool stale = ctx->gen != m->script_gen || !m->script;
	char res[96];

	free(ctx);
	if (stale || r->result.kind == AT_RESULT_ABORTED)
		return;
	const struct modem_step *s = &m->script->steps[m->step];
	bool failed = r->result.kind != AT_RESULT_OK;
	if (!failed && s->parse && s->parse(m, r) != 0) {
		failed = true;
	} else if (failed && r->result.kind != AT_RESULT_TIMEOUT && (s->optional || s->profile_extras)) {
		log_info("modem", "event=optional_command_failed cmd=\"%s\" result=\"%s\"", r->request,
			 modem_result_text(&r->result, res, sizeof(res)));
		if (s->refused)
			s->refused(m, r);
		failed = false;
	} else if (failed) {
		m->script_result = r->result;
	}
	if (failed) {
		script_failed(m, r);
		return;
	}
	if (s->profile_extras)
		m->extra++;
	else
		m->step++;
	run_step(m);
}

static bool send_step(struct modem *m, const char *request, const struct modem_step *s)
{
	struct step_ctx *ctx = malloc(sizeof(*ctx));
	uint32_t timeout_ms = s->timeout_ms ? s->timeout_ms : m->timing.command_ms;
	struct at_cmd c = {request, s->profile_extras ? "" : s->prefix, NULL, timeout_ms, s->secret};

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
			if (extra && extra[m->extra] && send_step(m, extra[m->extra], s))
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
		bool sent = send_step(m, req, s);
		memset(buf, 0, sizeof(buf)); /* the PIN, when this step was AT+CPIN */
		if (sent)
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

/* ---- commands built from the settings and the profile ---- */

static bool pin_not_needed(const struct modem *m)
{
	return m->info.sim_state != MODEM_SIM_PIN;
}

static void build_cpin(const struct modem *m, char *buf, size_t size)
{
	snprintf(buf, size, "AT+CPIN=\"%s\"", m->settings.pin);
}

static void build_cpms(const struct modem *m, char *buf, size_t size)
{
	const char *s = m->profile->storage;
	snprintf(buf, size, "AT+CPMS=\"%s\",\"%s\",\"%s\"", s, s, s);
}

static int parse_cpms_set(struct modem *m, const struct at_response *r)
{
	modem_store_setup(m);
	if (r->n_lines > 0)
		modem_store_cpms(m, r->lines[0].text, 0);
	return 0;
}

static int parse_cpms_read(struct modem *m, const struct at_response *r)
{
	for (size_t i = 0; i < r->n_lines; i++) {
		int full = modem_store_cpms(m, r->lines[i].text, -1);
		if (full >= 0)
			modem_storage_full(m, m->mems[full].name, "poll");
	}
	return 0;
}

static bool not_acking(const struct modem *m)
{
	return m->profile->rx != MODEM_RX_ACK;
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

/* ---- the scripts ---- */

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
	{.request = "AT+CGMI", .prefix = NULL, .optional = true, .parse = modem_parse_cgmi},
	{.request = "AT+CGMM", .prefix = NULL, .optional = true, .parse = modem_parse_cgmm},
	{.request = "AT+CGMR", .prefix = NULL, .optional = true, .parse = modem_parse_cgmr},
	{.request = "AT+CGSN", .prefix = NULL, .optional = true, .parse = modem_parse_cgsn},
	{.profile_extras = true},
	{.request = "AT+CPIN?", .prefix = "+CPIN:", .parse = modem_parse_cpin},
	{.build = build_cpin,
	 .prefix = "",
	 .secret = true,
	 .skip = pin_not_needed,
	 .parse = modem_parse_cpin_set},
};

static const struct modem_step register_steps[] = {
	{.request = "AT+CREG=1", .prefix = "", .optional = true},
	{.request = "AT+CEREG=1", .prefix = "", .optional = true},
	{.request = "AT+CREG?", .prefix = "+CREG:", .optional = true, .parse = modem_parse_reg},
	{.request = "AT+CEREG?", .prefix = "+CEREG:", .optional = true, .parse = modem_parse_reg},
};

static const struct modem_step reg_poll_steps[] = {
	{.request = "AT+CREG?", .prefix = "+CREG:", .optional = true, .parse = modem_parse_reg},
	{.request = "AT+CEREG?", .prefix = "+CEREG:", .optional = true, .parse = modem_parse_reg},
};

static const struct modem_step sms_setup_steps[] = {
	{.request = "AT+CMGF=0", .prefix = ""},
	{.build = build_cpms, .prefix = "+CPMS:", .parse = parse_cpms_set},
	/* TS 27.005 3.2.1: phase 2+, so that routed messages wait for +CNMA (MODEM_RX_ACK) */
	{.request = "AT+CSMS=1",
	 .prefix = "+CSMS:",
	 .optional = true,
	 .skip = not_acking,
	 .parse = modem_parse_csms,
	 .refused = modem_csms_refused},
	{.build = build_cnmi, .prefix = "", .optional = true},
	{.build = build_csca, .prefix = "", .skip = no_smsc, .optional = true},
	{.request = "AT+COPS=3,0", .prefix = "", .optional = true},
	{.request = "AT+COPS?", .prefix = "+COPS:", .optional = true, .parse = modem_parse_cops},
	{.request = "AT+CSQ", .prefix = "+CSQ:", .optional = true, .parse = modem_parse_csq},
};

static const struct modem_step status_steps[] = {
	{.request = "AT+CSQ", .prefix = "+CSQ:", .optional = true, .parse = modem_parse_csq},
	{.request = "AT+CREG?", .prefix = "+CREG:", .optional = true, .parse = modem_parse_reg},
	/* the fill of the storages: a full one makes the module refuse what arrives */
	{.request = "AT+CPMS?", .prefix = "+CPMS:", .optional = true, .parse = parse_cpms_read},
};

const struct modem_script modem_script_probe = SCRIPT("probe", probe_steps);
const struct modem_script modem_script_init = SCRIPT("init", init_steps);
const struct modem_script modem_script_register = SCRIPT("register", register_steps);
const struct modem_script modem_script_reg_poll = SCRIPT("reg_poll", reg_poll_steps);
const struct modem_script modem_script_sms_setup = SCRIPT("sms_setup", sms_setup_steps);
const struct modem_script modem_script_status = SCRIPT("status", status_steps);
