/* What the modem answers to the lifecycle's scripts, read with the field iterator: identity
 * (+CGMI, +CGMM, +CGMR, +CGSN), the SIM (+CPIN, through the SIM table), registration
 * (+CREG/+CEREG, answers and URCs alike), signal (+CSQ), operator (+COPS) and the message
 * service (+CSMS). */
#include "at_iter.h"
#include "log.h"
#include "modem_priv.h"

#include <stdio.h>
#include <string.h>

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

int modem_parse_cgmi(struct modem *m, const struct at_response *r)
{
	return take_text(r, "+CGMI:", m->info.manufacturer, sizeof(m->info.manufacturer));
}

int modem_parse_cgmm(struct modem *m, const struct at_response *r)
{
	take_text(r, "+CGMM:", m->info.model, sizeof(m->info.model));
	if (!modem_profile_find(m->settings.profile) && m->info.model[0]) {
		const struct modem_profile *p = modem_profile_by_model(m->info.model);
		log_info("modem", "event=profile model=\"%s\" profile=%s", m->info.model, p->name);
		if (p != m->profile) {
			m->profile = p;
			m->info.profile = p->name;
			if (modem_urc_register(m) != 0)
				log_error("modem",
					  "event=out_of_memory what=\"URC handlers\" action=\"restart "
					  "m2mon\"");
		}
	}
	return 0;
}

int modem_parse_cgmr(struct modem *m, const struct at_response *r)
{
	return take_text(r, "+CGMR:", m->info.revision, sizeof(m->info.revision));
}

int modem_parse_cgsn(struct modem *m, const struct at_response *r)
{
	return take_text(r, "+CGSN:", m->info.imei, sizeof(m->info.imei));
}

int modem_parse_cpin(struct modem *m, const struct at_response *r)
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
	const struct modem_sim_row *sim = modem_sim_by_cpin(m->info.sim);
	m->info.sim_state = sim->state;
	if (sim->state == MODEM_SIM_READY ||
	    (sim->state == MODEM_SIM_PIN && m->settings.pin[0] && !m->pin_refused))
		return 0;
	/* A PIN the SIM refused once is not tried again, whatever reopens the port: each wrong
	 * try brings the PUK closer. */
	if (sim->state == MODEM_SIM_PIN && m->pin_refused)
		sim = modem_sim_row(MODEM_SIM_WRONG_PIN);
	m->script_result = (struct at_result){AT_RESULT_CME_ERROR, sim->cme};
	return -1;
}

int modem_parse_cpin_set(struct modem *m, const struct at_response *r)
{
	(void)r;
	log_info("modem", "event=pin_accepted");
	snprintf(m->info.sim, sizeof(m->info.sim), "%s", modem_sim_row(MODEM_SIM_READY)->cpin);
	m->info.sim_state = MODEM_SIM_READY;
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

void modem_reg_line(struct modem *m, const char *line)
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

int modem_parse_reg(struct modem *m, const struct at_response *r)
{
	for (size_t i = 0; i < r->n_lines; i++)
		modem_reg_line(m, r->lines[i].text);
	return 0;
}

int modem_parse_csq(struct modem *m, const struct at_response *r)
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

int modem_parse_cops(struct modem *m, const struct at_response *r)
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

static const char ack_lost[] = "the modem cannot acknowledge routed messages (AT+CSMS=1 refused), so a "
			       "message the application cannot store is lost; set modem.profile to a "
			       "profile that stores messages (generic)";

/* TS 27.005 3.2.1: +CSMS: <mt>,<mo>,<bm>; <mt> 1 means messages to the modem are supported
 * in phase 2+, where each routed one waits for +CNMA. */
int modem_parse_csms(struct modem *m, const struct at_response *r)
{
	struct at_iter it;
	int mt = 0;

	at_iter_init(&it, r->n_lines > 0 ? r->lines[0].text : "");
	if (at_iter_prefix(&it, "+CSMS:") && at_iter_next_int(&it, &mt) == 0 && mt == 1) {
		m->acking = true;
		return 0;
	}
	log_warn("modem", "event=ack_unsupported line=\"%s\" action=\"%s\"",
		 r->n_lines > 0 ? r->lines[0].text : "", ack_lost);
	return 0;
}

void modem_csms_refused(struct modem *m, const struct at_response *r)
{
	char res[96];

	m->acking = false;
	log_warn("modem", "event=ack_unsupported result=\"%s\" action=\"%s\"",
		 modem_result_text(&r->result, res, sizeof(res)), ack_lost);
}
