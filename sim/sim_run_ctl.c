/* What the control socket's requests do: `send` (a phone sends an SMS; "spoof" forges a modem's
 * number as its sender, "tpdu" hands a whole SMS-DELIVER to a modem), `inbox` (what a phone
 * received, answered when `count` messages are there or `wait_ms` has passed), `fault`
 * (inject a fault into a modem or the network), `drain` (answered once the SMSC has nothing
 * left to deliver but what it holds for modems that cannot take it now, for tests, the demo
 * and benchmarks), `battery` and `clock` (a modem's AT+CBC, the
 * network's time it gets) and `ping`. Every answer has "ok". */
#include "hex.h"
#include "log.h"
#include "sim_run_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

__attribute__((format(printf, 1, 2))) static json_t *fail(const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return json_pack("{s:b,s:s}", "ok", 0, "error", msg);
}

/* "tpdu": the SMS-DELIVER as hex, decoded into `buf`; 0 when absent. */
static int send_tpdu_of(json_t *req, uint8_t *buf, size_t size)
{
	const char *hex = json_string_value(json_object_get(req, "tpdu"));
	if (!hex)
		return json_object_get(req, "tpdu") ? -EINVAL : 0;
	int n = hex_decode(hex, strlen(hex), buf, size);
	return n > 0 ? n : -EINVAL;
}

static json_t *handle_send(struct sim_run *run, json_t *req)
{
	struct sim_net_send s = {0};
	int ucs2 = 0, spoof = 0;
	uint8_t tpdu[SIM_TPDU_MAX];
	if (json_unpack(req, "{s:s,s:s,s?s,s?b,s?b}", "from", &s.from, "to", &s.to, "text", &s.text, "ucs2",
			&ucs2, "spoof", &spoof) < 0)
		return fail("send needs %s", "\"from\" and \"to\" strings, and \"text\" or \"tpdu\"");
	int len = send_tpdu_of(req, tpdu, sizeof(tpdu));
	if (len < 0)
		return fail("\"tpdu\" is not an SMS-DELIVER TPDU in hex of at most %d octets", SIM_TPDU_MAX);
	if (!len && !s.text)
		return fail("send needs %s", "\"text\" or \"tpdu\"");
	s.ucs2 = ucs2;
	s.spoof = spoof;
	s.tpdu = tpdu;
	s.tpdu_len = (size_t)len;
	int n = sim_net_send(run->net, &s, uv_now(&run->loop));
	sim_run_rearm_net(run);
	switch (n) {
	case -EPERM:
		return fail("%s is a modem's number: a modem sends through its AT line (--spoof forges it)",
			    s.from);
	case -EMSGSIZE:
		return fail("text too long: it needs more than %s SMS", "16");
	case -EINVAL:
		return fail("%s",
			    len ? "a TPDU goes to a modem's number, from + and 3 to 20 digits"
				: "a number is not + and 3 to 20 digits, or the text is empty or not UTF-8");
	case -ENOMEM:
		return fail("%s", "out of memory");
	default:
		break;
	}
	log_info("sim", "event=phone_sent from=%s to=%s parts=%d%s%s", s.from, s.to, n,
		 spoof ? " spoofed=yes" : "", len ? " tpdu=yes" : "");
	return json_pack("{s:b,s:i}", "ok", 1, "parts", n);
}

static json_t *inbox_answer(struct sim_run *run, const char *number, bool ok)
{
	const struct sim_phone *ph = sim_net_phone(run->net, number);
	size_t n = 0;
	const struct sim_inbox_msg *in = ph ? sim_phone_inbox(ph, &n) : NULL;
	json_t *msgs = json_array();
	for (size_t i = 0; i < n; i++) {
		time_t t = (time_t)(in[i].time_ms / 1000);
		struct tm tm;
		gmtime_r(&t, &tm);
		char when[32];
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
		json_array_append_new(msgs, json_pack("{s:s,s:s,s:i,s:s,s:s}", "from", in[i].from, "text",
						      in[i].text, "parts", in[i].parts, "encoding",
						      sim_coding_str(in[i].coding), "time", when));
	}
	json_t *a = json_pack("{s:b,s:s,s:o}", "ok", ok, "number", number, "messages", msgs);
	if (!ok)
		json_object_set_new(a, "error", json_string("timeout"));
	return a;
}

static size_t inbox_count(struct sim_run *run, const char *number)
{
	size_t n = 0;
	const struct sim_phone *ph = sim_net_phone(run->net, number);
	if (ph)
		sim_phone_inbox(ph, &n);
	return n;
}

/* The SMS waiting for a modem that cannot take them now (off the network, radio off), each
 * such modem's in `list` when given. */
static size_t held_sms(struct sim_run *run, json_t *list)
{
	size_t total = 0;
	for (int i = 0; i < run->s.n_modems; i++) {
		const char *why = vmodem_away(run->modems[i].vm);
		size_t n = why ? sim_net_pending_for(run->net, i) : 0;
		total += n;
		if (n && list)
			json_array_append_new(list, json_pack("{s:s,s:I,s:s}", "modem", run->s.modems[i].name,
							      "count", (json_int_t)n, "why", why));
	}
	return total;
}

/* Nothing left that the network can deliver now. */
static bool drained(struct sim_run *run)
{
	size_t pending = sim_net_pending(run->net);
	return pending == 0 || pending == held_sms(run, NULL);
}

static json_t *drain_answer(struct sim_run *run, bool ok)
{
	json_t *held = json_array();
	held_sms(run, held);
	if (ok)
		return json_pack("{s:b,s:o}", "ok", 1, "held", held);
	return json_pack("{s:b,s:s,s:I,s:o}", "ok", 0, "error", "timeout", "pending",
			 (json_int_t)sim_net_pending(run->net), "held", held);
}

static void waiter_closed(uv_handle_t *h)
{
	free(h->data);
}

/* Unlinks `w`, answers it with the inbox (`ok` false on timeout) unless its connection is
 * gone (`conn_gone`), and frees it. */
static void waiter_finish(struct run_waiter *w, bool ok, bool conn_gone)
{
	struct sim_run *run = w->run;
	for (struct run_waiter **p = &run->waiters; *p; p = &(*p)->next)
		if (*p == w) {
			*p = w->next;
			break;
		}
	if (!conn_gone && w->kind == RUN_WAIT_INBOX)
		sim_ctl_reply(w->conn, inbox_answer(run, w->number, ok));
	else if (!conn_gone)
		sim_ctl_reply(w->conn, drain_answer(run, ok));
	uv_timer_stop(&w->timer);
	uv_close((uv_handle_t *)&w->timer, waiter_closed);
}

static void on_waiter_timeout(uv_timer_t *t)
{
	waiter_finish(t->data, false, false);
}

/* Registers a request to answer later; returns NULL (no answer now) or an error answer. */
static json_t *add_waiter(struct sim_run *run, struct sim_ctl_conn *conn, enum run_wait_kind kind,
			  const char *number, size_t count, uint64_t wait_ms)
{
	struct run_waiter *w = calloc(1, sizeof(*w));
	if (!w)
		return fail("%s", "out of memory");
	w->run = run;
	w->conn = conn;
	w->kind = kind;
	w->count = count;
	snprintf(w->number, sizeof(w->number), "%s", number);
	uv_timer_init(&run->loop, &w->timer);
	w->timer.data = w;
	uv_timer_start(&w->timer, on_waiter_timeout, wait_ms, 0);
	w->next = run->waiters;
	run->waiters = w;
	return NULL;
}

static json_t *handle_inbox(struct sim_run *run, struct sim_ctl_conn *conn, json_t *req)
{
	const char *number = NULL;
	json_int_t count = 1, wait_ms = 0;
	if (json_unpack(req, "{s:s,s?I,s?I}", "number", &number, "count", &count, "wait_ms", &wait_ms) < 0 ||
	    count < 0 || wait_ms < 0)
		return fail("inbox needs %s", "a \"number\" string and non-negative \"count\", \"wait_ms\"");
	const struct sim_phone *ph = sim_net_phone(run->net, number);
	if (!ph)
		return fail("no phone has number %s: give it with --phone NAME=NUMBER", number);
	if (wait_ms == 0 || inbox_count(run, number) >= (size_t)count)
		return inbox_answer(run, number, wait_ms == 0 || inbox_count(run, number) >= (size_t)count);
	return add_waiter(run, conn, RUN_WAIT_INBOX, sim_phone_number(ph), (size_t)count, (uint64_t)wait_ms);
}

static json_t *handle_drain(struct sim_run *run, struct sim_ctl_conn *conn, json_t *req)
{
	json_int_t wait_ms = 0;
	if (json_unpack(req, "{s?I}", "wait_ms", &wait_ms) < 0 || wait_ms < 0)
		return fail("drain needs %s", "a non-negative \"wait_ms\"");
	if (drained(run))
		return drain_answer(run, true);
	return add_waiter(run, conn, RUN_WAIT_DRAIN, "", 0, (uint64_t)wait_ms);
}

void sim_run_net_progress(struct sim_run *run)
{
	if (!run->waiters || !drained(run))
		return;
	struct run_waiter *w = run->waiters;
	while (w) {
		struct run_waiter *next = w->next;
		if (w->kind == RUN_WAIT_DRAIN)
			waiter_finish(w, true, false);
		w = next;
	}
}

void sim_run_phone_received(struct sim_run *run, const struct sim_phone *phone)
{
	struct run_waiter *w = run->waiters;
	while (w) {
		struct run_waiter *next = w->next;
		if (w->kind == RUN_WAIT_INBOX && strcmp(w->number, sim_phone_number(phone)) == 0 &&
		    inbox_count(run, w->number) >= w->count)
			waiter_finish(w, true, false);
		w = next;
	}
}

void sim_run_drop_waiters(struct sim_run *run)
{
	while (run->waiters)
		waiter_finish(run->waiters, false, false);
}

void sim_run_ctl_closed(void *user, struct sim_ctl_conn *conn)
{
	struct sim_run *run = user;
	struct run_waiter *w = run->waiters;
	while (w) {
		struct run_waiter *next = w->next;
		if (w->conn == conn)
			waiter_finish(w, false, true);
		w = next;
	}
}

static const char *const fault_kinds[] = {"hang",     "garbage",     "reboot",    "no-network",
					  "sim-full", "hang-prompt", "hang-sent", "drop-next",
					  "delay",    "unplug",      NULL};

static json_t *handle_fault(struct sim_run *run, json_t *req)
{
	const char *name = NULL, *kind = NULL;
	json_int_t arg = 0;
	if (json_unpack(req, "{s:s,s:s,s?I}", "modem", &name, "kind", &kind, "arg", &arg) < 0 || arg < 0 ||
	    arg > UINT32_MAX)
		return fail("fault needs %s", "\"modem\" and \"kind\" strings and a non-negative \"arg\"");
	int i = sim_net_modem_index(run->net, name);
	if (i < 0)
		return fail("no modem is named %s", name);
	int k = 0;
	while (fault_kinds[k] && strcmp(fault_kinds[k], kind) != 0)
		k++;
	uint64_t now = uv_now(&run->loop);
	struct run_modem *m = &run->modems[i];
	static const enum vmodem_fault vm_kind[] = {VMODEM_FAULT_HANG,     VMODEM_FAULT_GARBAGE,
						    VMODEM_FAULT_REBOOT,   VMODEM_FAULT_NO_NETWORK,
						    VMODEM_FAULT_SIM_FULL, VMODEM_FAULT_HANG_PROMPT,
						    VMODEM_FAULT_HANG_SENT};
	if (k < 7)
		vmodem_fault(m->vm, vm_kind[k], (uint32_t)arg, now);
	else if (k == 7)
		sim_net_drop_next(run->net, i, (uint32_t)arg);
	else if (k == 8)
		sim_net_delay(run->net, i, (uint32_t)arg);
	else if (k == 9)
		sim_run_unplug(m, (uint32_t)arg);
	else if (k == 10 && arg > 100)
		return fail("loss is a percentage, 0 to 100, not %lld", (long long)arg);
	else if (k == 10)
		sim_net_loss(run->net, i, (uint32_t)arg);
	else
		return fail("unknown fault kind %s: hang, garbage, reboot, no-network, sim-full, "
			    "hang-prompt, hang-sent, drop-next, delay, unplug or loss PCT (0 to 100)",
			    kind);
	sim_run_rearm_modem(m);
	log_info("sim", "event=fault_injected modem=%s kind=%s arg=%lld", name, kind, (long long)arg);
	return json_pack("{s:b}", "ok", 1);
}

#define SKEW_MAX_MS (10LL * 366 * 86400 * 1000)

/* `battery`: what modem NAME's AT+CBC answers; `clock`: the network's time as its cell sends
 * it. Both are the modem's own state (vmodem.h). */
static json_t *handle_modem_state(struct sim_run *run, const char *op, json_t *req)
{
	const char *name = NULL;
	json_int_t v = 0, w = 0;
	bool battery = strcmp(op, "battery") == 0;
	int rc = battery ? json_unpack(req, "{s:s,s:I,s?I}", "modem", &name, "pct", &v, "mv", &w)
			 : json_unpack(req, "{s:s,s:I,s?I}", "modem", &name, "skew_ms", &v, "tz_minutes", &w);
	if (rc < 0)
		return fail("%s needs %s", op,
			    battery ? "a \"modem\" string, \"pct\" and optional \"mv\" integers"
				    : "a \"modem\" string, \"skew_ms\" and optional \"tz_minutes\" integers");
	int i = sim_net_modem_index(run->net, name);
	if (i < 0)
		return fail("no modem is named %s", name);
	struct vmodem *vm = run->modems[i].vm;
	bool in_range = battery ? v >= 0 && v <= 100 && w >= 0 && w <= 65535
				: v >= -SKEW_MAX_MS && v <= SKEW_MAX_MS && w >= -1080 && w <= 1080;
	rc = !in_range ? -EINVAL
	     : battery ? vmodem_battery(vm, (int)v, w ? (int)w : -1)
		       : vmodem_network_time(vm, v, (int)w, uv_now(&run->loop));
	if (rc == -ENOTSUP)
		return fail("modem %s has no battery: its AT+CBC answers ERROR", name);
	if (rc < 0)
		return fail("%s",
			    battery ? "pct is 0 to 100 and mv 1 to 65535"
				    : "skew_ms is within 10 years, tz_minutes a multiple of 15 within 18 "
				      "hours");
	sim_run_rearm_modem(&run->modems[i]);
	log_info("sim", "event=modem_%s modem=%s value=%lld", op, name, (long long)v);
	return json_pack("{s:b}", "ok", 1);
}

void sim_run_ctl_request(void *user, struct sim_ctl_conn *conn, json_t *req)
{
	struct sim_run *run = user;
	const char *op = json_string_value(json_object_get(req, "op"));
	json_t *answer;
	if (!op)
		answer = fail("%s", "request has no \"op\"");
	else if (strcmp(op, "ping") == 0)
		answer = json_pack("{s:b}", "ok", 1);
	else if (strcmp(op, "send") == 0)
		answer = handle_send(run, req);
	else if (strcmp(op, "inbox") == 0)
		answer = handle_inbox(run, conn, req);
	else if (strcmp(op, "fault") == 0)
		answer = handle_fault(run, req);
	else if (strcmp(op, "drain") == 0)
		answer = handle_drain(run, conn, req);
	else if (strcmp(op, "battery") == 0 || strcmp(op, "clock") == 0)
		answer = handle_modem_state(run, op, req);
	else
		answer = fail("unknown op %s: ping, send, inbox, fault, drain, battery or clock", op);
	if (answer)
		sim_ctl_reply(conn, answer);
}
