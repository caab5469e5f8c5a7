/* What the application asks the module about itself, on demand: the battery (AT+CBC, TS
 * 27.007 8.4) and the clock (AT+CCLK?, 8.15), after the profile's switch that lets the
 * network set that clock (NITZ). The answers are read here with the field iterator and
 * handed over as numbers. */
#include "at_iter.h"
#include "log.h"
#include "modem_priv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct query_op {
	struct modem *m;
	unsigned what;
	modem_query_cb cb;
	void *user_data;
	struct modem_query_result res;
};

static void query_next(struct query_op *op);

/* "+CBC: <bcs>,<bcl>[,<mV>]". */
static void on_cbc(void *user_data, const struct at_response *r)
{
	struct query_op *op = user_data;
	struct at_iter it;
	int bcs, bcl, mv;
	op->res.battery_result = r->result;
	if (r->result.kind != AT_RESULT_ABORTED)
		modem_note_result(op->m, r);
	if (r->result.kind == AT_RESULT_OK && r->n_lines > 0) {
		at_iter_init(&it, r->lines[0].text);
		if (at_iter_prefix(&it, "+CBC:") && at_iter_next_int(&it, &bcs) == 0 &&
		    at_iter_next_int(&it, &bcl) == 0 && bcl >= 0 && bcl <= 100) {
			op->res.battery_known = true;
			op->res.battery_pct = bcl;
			op->res.battery_mv =
				at_iter_next_int(&it, &mv) == 0 && mv > 0 && mv <= 65535 ? mv : -1;
		}
	}
	op->what &= ~MODEM_QUERY_BATTERY;
	query_next(op);
}

/* `n` digits at s[*at], moving on. */
static int digits(const char *s, size_t *at, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++, (*at)++) {
		if (s[*at] < '0' || s[*at] > '9')
			return -1;
		v = v * 10 + (s[*at] - '0');
	}
	*out = v;
	return 0;
}

static int64_t days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400, doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

/* "yy/MM/dd,hh:mm:ss±zz" (zz in quarter hours): the module's local time and its zone. */
static bool parse_clock(const char *s, struct modem_query_result *res)
{
	int f[6], zz = 0;
	size_t at = 0;
	static const char sep[] = "//,::";
	for (int i = 0; i < 6; i++) {
		if (digits(s, &at, 2, &f[i]) < 0 || (i < 5 && s[at++] != sep[i]))
			return false;
	}
	if (s[at] == '+' || s[at] == '-') {
		int sign = s[at++] == '-' ? -1 : 1;
		if (digits(s, &at, 2, &zz) < 0)
			return false;
		zz *= sign;
	}
	int year = 2000 + f[0];
	if (s[at] || year < 2023 || f[1] < 1 || f[1] > 12 || f[2] < 1 || f[2] > 31 || f[3] > 23 ||
	    f[4] > 59 || f[5] > 60 || zz < -72 || zz > 72)
		return false;
	int64_t local_s = days_from_civil(year, f[1], f[2]) * 86400 + f[3] * 3600 + f[4] * 60 + f[5];
	res->tz_minutes = zz * 15;
	res->clock_utc_ms = (local_s - (int64_t)res->tz_minutes * 60) * 1000;
	return true;
}

static void on_cclk(void *user_data, const struct at_response *r)
{
	struct query_op *op = user_data;
	struct at_iter it;
	char text[40];
	op->res.clock_result = r->result;
	op->res.read_at_ms = op->m->now_ms;
	if (r->result.kind != AT_RESULT_ABORTED)
		modem_note_result(op->m, r);
	if (r->result.kind == AT_RESULT_OK && r->n_lines > 0) {
		at_iter_init(&it, r->lines[0].text);
		if (at_iter_prefix(&it, "+CCLK:") && at_iter_next_string(&it, text, sizeof(text)) == 0)
			op->res.clock_known = parse_clock(text, &op->res);
		if (!op->res.clock_known)
			log_debug("modem", "event=clock_not_set line=\"%s\"", r->lines[0].text);
	}
	op->what &= ~MODEM_QUERY_CLOCK;
	query_next(op);
}

static void on_switch(void *user_data, const struct at_response *r)
{
	struct query_op *op = user_data;
	(void)r; /* optional: a module that refuses it may still keep the network's time */
	struct at_cmd c = {"AT+CCLK?", "+CCLK:", NULL, op->m->timing.command_ms, false};
	if (modem_command(op->m, &c, on_cclk, op) < 0)
		on_cclk(op, &(struct at_response){.result = {AT_RESULT_ABORTED, 0}});
}

static void query_next(struct query_op *op)
{
	int rc = 0;
	if (op->what & MODEM_QUERY_BATTERY) {
		struct at_cmd c = {"AT+CBC", "+CBC:", NULL, op->m->timing.command_ms, false};
		if ((rc = modem_command(op->m, &c, on_cbc, op)) >= 0)
			return;
		op->what &= ~MODEM_QUERY_BATTERY;
	}
	if (op->what & MODEM_QUERY_CLOCK) {
		const char *sw = op->m->profile ? op->m->profile->network_time : NULL;
		struct at_cmd c = {sw ? sw : "AT+CCLK?", sw ? "" : "+CCLK:", NULL, op->m->timing.command_ms,
				   false};
		if ((rc = modem_command(op->m, &c, sw ? on_switch : on_cclk, op)) >= 0)
			return;
	}
	if (op->cb)
		op->cb(op->user_data, &op->res);
	free(op);
}

int modem_query(struct modem *m, unsigned what, uint64_t now_ms, modem_query_cb cb, void *user_data)
{
	if (now_ms > m->now_ms)
		m->now_ms = now_ms;
	if (m->state != MODEM_STATE_READY)
		return -ENOTCONN;
	if (!(what & (MODEM_QUERY_BATTERY | MODEM_QUERY_CLOCK)))
		return -EINVAL;
	struct query_op *op = calloc(1, sizeof(*op));
	if (!op)
		return -ENOMEM;
	*op = (struct query_op){.m = m, .what = what, .cb = cb, .user_data = user_data};
	op->res.battery_mv = -1;
	query_next(op);
	return 0;
}
