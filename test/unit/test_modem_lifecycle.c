/* The modem lifecycle against a fake modem written in the test, with a fake clock and the
 * modem's bytes fed in pieces of at most 8: registration waits, PIN handling, a boot in the
 * middle of ready, messages never handed over twice, sends refused before ready, and the
 * choice of profile by model. */
#include "log.h"
#include "modem.h"
#include "modem_profile.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define PDU1 "07915155000000F0040891515500100000621152809385000AE8329BFD0689C3F332"

struct fake {
	struct modem *m;
	uint64_t now;
	char line[512];
	size_t len;
	const char *cpin;    /* answer to AT+CPIN? */
	int creg;            /* <stat> for AT+CREG? */
	char stored[4][128]; /* slots 1..3 */
	char log[8192];      /* every command the layer sent, one per line */
	int handed;
	uint64_t last_token;
	bool store_ok, keep;
	bool mute;      /* a hung modem: reads commands, answers nothing */
	bool sr;        /* AT+CPMS="SR" selected the (empty) status-report storage */
	bool port_gone; /* the device cannot be opened again */
	int reopens, dead_entries;
	const char *cbc, *cclk; /* answers to AT+CBC and AT+CCLK? ("" for ERROR) */
};

static void modem_says(struct fake *f, const char *s)
{
	size_t n = strlen(s);
	for (size_t i = 0; i < n; i += 8)
		modem_feed(f->m, s + i, n - i < 8 ? n - i : 8, f->now);
}

/* True when `c` is `prefix` followed by a slot number 1..3, stored in *idx. */
static bool slot_cmd(const char *c, const char *prefix, int *idx)
{
	size_t n = strlen(prefix);
	char *end;
	if (strncmp(c, prefix, n) != 0)
		return false;
	long v = strtol(c + n, &end, 10);
	*idx = (int)v;
	return *end == '\0' && end != c + n && v >= 1 && v <= 3;
}

static void answer(struct fake *f, const char *c)
{
	char buf[512];
	int idx;
	size_t at = strlen(f->log);
	snprintf(f->log + at, sizeof(f->log) - at, "%s\n", c);
	if (f->mute)
		return;
	if (!strcmp(c, "AT+CPIN?")) {
		snprintf(buf, sizeof(buf), "\r\n+CPIN: %s\r\n\r\nOK\r\n", f->cpin);
	} else if (!strncmp(c, "AT+CPIN=", 8)) {
		f->cpin = "READY";
		snprintf(buf, sizeof(buf), "\r\nOK\r\n");
	} else if (!strcmp(c, "AT+CREG?")) {
		snprintf(buf, sizeof(buf), "\r\n+CREG: 1,%d\r\n\r\nOK\r\n", f->creg);
	} else if (!strcmp(c, "AT+CEREG?") || !strcmp(c, "AT+CEREG=1")) {
		snprintf(buf, sizeof(buf), "\r\nERROR\r\n");
	} else if ((!strcmp(c, "AT+CBC") && f->cbc) || (!strcmp(c, "AT+CCLK?") && f->cclk)) {
		const char *a = c[4] == 'B' ? f->cbc : f->cclk;
		snprintf(buf, sizeof(buf), *a ? "\r\n%s\r\n\r\nOK\r\n" : "\r\n+CME ERROR: 4\r\n", a);
	} else if (!strcmp(c, "AT+CGMM")) {
		snprintf(buf, sizeof(buf), "\r\nSIMCOM_SIM7600E-H\r\n\r\nOK\r\n");
	} else if (!strcmp(c, "AT+CPMS=\"SR\"") || !strcmp(c, "AT+CPMS=\"SM\"")) {
		f->sr = c[9] == 'R';
		snprintf(buf, sizeof(buf), "\r\n+CPMS: 0,10,0,3,0,3\r\n\r\nOK\r\n");
	} else if (!strcmp(c, "AT+CMGL=4") && f->sr) {
		snprintf(buf, sizeof(buf), "\r\nOK\r\n");
	} else if (!strcmp(c, "AT+CMGL=4")) {
		buf[0] = '\0';
		for (int i = 1; i <= 3; i++)
			if (f->stored[i][0])
				snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf),
					 "\r\n+CMGL: %d,1,,26\r\n%s", i, f->stored[i]);
		strcat(buf, "\r\n\r\nOK\r\n");
	} else if (slot_cmd(c, "AT+CMGR=", &idx) && f->stored[idx][0]) {
		snprintf(buf, sizeof(buf), "\r\n+CMGR: 1,,26\r\n%s\r\n\r\nOK\r\n", f->stored[idx]);
	} else if (slot_cmd(c, "AT+CMGD=", &idx)) {
		f->stored[idx][0] = '\0';
		snprintf(buf, sizeof(buf), "\r\nOK\r\n");
	} else {
		snprintf(buf, sizeof(buf), "\r\nOK\r\n");
	}
	modem_says(f, buf);
}

/* Answers every command the layer has written, until it writes nothing more. */
static void converse(struct fake *f)
{
	size_t n;
	const uint8_t *out;
	while ((out = modem_output(f->m, &n), n > 0)) {
		char copy[1024];
		assert_true(n < sizeof(copy));
		memcpy(copy, out, n);
		modem_consume(f->m, n);
		for (size_t i = 0; i < n; i++) {
			if (copy[i] != '\r') {
				f->line[f->len++] = copy[i];
				continue;
			}
			f->line[f->len] = '\0';
			f->len = 0;
			answer(f, f->line);
		}
	}
}

static void advance(struct fake *f, uint64_t ms)
{
	uint64_t target = f->now + ms;
	while (modem_next_deadline(f->m) <= target) {
		f->now = modem_next_deadline(f->m) > f->now ? modem_next_deadline(f->m) : f->now;
		modem_tick(f->m, f->now);
		converse(f);
	}
	f->now = target;
	modem_tick(f->m, f->now);
	converse(f);
}

static void on_sms(void *user_data, const struct modem_inbound *in)
{
	struct fake *f = user_data;
	f->handed++;
	f->last_token = in->token;
	if (f->keep)
		modem_sms_keep(f->m, in->token, f->now);
	else if (f->store_ok)
		modem_sms_stored(f->m, in->token, 0, f->now);
}

static void on_state(void *user_data, enum modem_state from, enum modem_state to)
{
	struct fake *f = user_data;
	(void)from;
	if (to == MODEM_STATE_DEAD)
		f->dead_entries++;
}

/* As modem_link does: close, then open again or report why it could not. */
static void on_reopen(void *user_data)
{
	struct fake *f = user_data;
	f->reopens++;
	modem_port_closed(f->m, f->now);
	if (f->port_gone)
		modem_port_failed(f->m, -ENOENT, f->now);
	else
		modem_port_opened(f->m, f->now);
}

static struct fake *start(const char *pin, const char *profile)
{
	static struct fake f;
	struct modem_settings s = {.device = "test", .baud = 115200, .command_timeout_ms = 1000};
	snprintf(s.profile, sizeof(s.profile), "%s", profile);
	struct modem_hooks hooks = {on_state, on_sms, on_reopen};
	memset(&f, 0, sizeof(f));
	snprintf(s.pin, sizeof(s.pin), "%s", pin);
	f.cpin = "READY";
	f.creg = 1;
	f.store_ok = true;
	log_setup(LOG_LEVEL_ERROR, false, "test");
	f.m = modem_new(&s, NULL, &hooks, &f);
	assert_non_null(f.m);
	return &f;
}

static void open_and_talk(struct fake *f)
{
	modem_port_opened(f->m, f->now);
	converse(f);
}

static int count(const char *log, const char *cmd)
{
	int n = 0;
	for (const char *p = log; (p = strstr(p, cmd)) != NULL; p += strlen(cmd))
		n++;
	return n;
}

static void registration_waits_for_the_network(void **state)
{
	(void)state;
	struct fake *f = start("", "generic");
	f->creg = 2;
	open_and_talk(f);
	assert_int_equal(modem_state(f->m), MODEM_STATE_REGISTERING);
	advance(f, 5000);
	assert_int_equal(count(f->log, "AT+CREG?"), 2);
	modem_says(f, "\r\n+CREG: 5\r\n");
	converse(f);
	assert_int_equal(modem_state(f->m), MODEM_STATE_READY);
	assert_int_equal(modem_info(f->m)->reg, MODEM_REG_ROAMING);
	modem_free(f->m);
}

static void no_network_goes_on_after_the_wait(void **state)
{
	(void)state;
	struct fake *f = start("", "generic");
	f->creg = 0;
	open_and_talk(f);
	advance(f, 119000);
	assert_int_equal(modem_state(f->m), MODEM_STATE_REGISTERING);
	advance(f, 1000);
	assert_int_equal(modem_state(f->m), MODEM_STATE_READY);
	modem_free(f->m);
}

static void pin_is_entered_once_then_ready(void **state)
{
	(void)state;
	struct fake *f = start("1234", "generic");
	f->cpin = "SIM PIN";
	open_and_talk(f);
	assert_int_equal(modem_state(f->m), MODEM_STATE_READY);
	assert_int_equal(count(f->log, "AT+CPIN=\"1234\""), 1);
	modem_free(f->m);
}

static void sim_asking_for_a_pin_none_configured_locks(void **state)
{
	(void)state;
	struct fake *f = start("", "generic");
	f->cpin = "SIM PIN";
	open_and_talk(f);
	assert_int_equal(modem_state(f->m), MODEM_STATE_SIM_LOCKED);
	assert_int_equal(count(f->log, "AT+CPIN="), 0);
	advance(f, 3600000);
	assert_int_equal(modem_state(f->m), MODEM_STATE_SIM_LOCKED);
	modem_free(f->m);
}

static void repeated_cmti_while_being_stored_is_not_read_again(void **state)
{
	(void)state;
	struct fake *f = start("", "generic");
	f->store_ok = false;
	open_and_talk(f);
	snprintf(f->stored[1], sizeof(f->stored[1]), "%s", PDU1);
	modem_says(f, "\r\n+CMTI: \"SM\",1\r\n");
	converse(f);
	modem_says(f, "\r\n+CMTI: \"SM\",1\r\n");
	converse(f);
	assert_int_equal(f->handed, 1);
	assert_int_equal(count(f->log, "AT+CMGR=1"), 1);
	assert_int_equal(count(f->log, "AT+CMGD"), 0);
	modem_sms_stored(f->m, f->last_token, 0, f->now);
	converse(f);
	assert_int_equal(count(f->log, "AT+CMGD=1"), 1);
	modem_free(f->m);
}

/* A command still waiting for its answer when the application closes the modem (a technician
 * command ending, a daemon stopping) releases what it holds: LeakSanitizer checks. */
static void freeing_with_a_read_in_flight_releases_it(void **state)
{
	(void)state;
	struct fake *f = start("", "generic");
	open_and_talk(f);
	snprintf(f->stored[1], sizeof(f->stored[1]), "%s", PDU1);
	f->mute = true;
	modem_says(f, "\r\n+CMTI: \"SM\",1\r\n");
	converse(f);
	assert_int_equal(count(f->log, "AT+CMGR=1"), 1);
	assert_int_equal(f->handed, 0);
	modem_free(f->m);
}

static void failed_store_is_handed_again_at_the_next_sweep(void **state)
{
	(void)state;
	struct fake *f = start("", "generic");
	snprintf(f->stored[2], sizeof(f->stored[2]), "%s", PDU1);
	f->store_ok = false;
	open_and_talk(f);
	assert_int_equal(f->handed, 1);
	modem_sms_stored(f->m, f->last_token, -EIO, f->now);
	converse(f);
	assert_int_equal(count(f->log, "AT+CMGD"), 0);
	f->store_ok = true;
	advance(f, 300000);
	assert_int_equal(f->handed, 2);
	assert_int_equal(count(f->log, "AT+CMGD=2"), 1);
	modem_free(f->m);
}

static void message_handed_before_a_reinit_is_not_handed_again(void **state)
{
	(void)state;
	struct fake *f = start("", "generic");
	snprintf(f->stored[1], sizeof(f->stored[1]), "%s", PDU1);
	f->store_ok = false;
	open_and_talk(f);
	assert_int_equal(f->handed, 1);
	f->mute = true;
	advance(f, 61000);
	assert_int_equal(modem_state(f->m), MODEM_STATE_PROBING);
	f->mute = false;
	advance(f, 2000);
	assert_int_equal(modem_state(f->m), MODEM_STATE_READY);
	assert_int_equal(f->handed, 1);
	modem_sms_stored(f->m, f->last_token, 0, f->now);
	converse(f);
	assert_int_equal(count(f->log, "AT+CMGD=1"), 1);
	assert_string_equal(f->stored[1], "");
	modem_free(f->m);
}

static void kept_message_is_not_handed_again(void **state)
{
	(void)state;
	struct fake *f = start("", "generic");
	snprintf(f->stored[1], sizeof(f->stored[1]), "%s", PDU1);
	f->keep = true;
	open_and_talk(f);
	advance(f, 600000);
	assert_int_equal(f->handed, 1);
	assert_int_equal(count(f->log, "AT+CMGD"), 0);
	modem_free(f->m);
}

static void boot_indication_in_ready_reinitialises(void **state)
{
	(void)state;
	struct fake *f = start("", "generic");
	open_and_talk(f);
	assert_int_equal(modem_state(f->m), MODEM_STATE_READY);
	modem_says(f, "\r\nRDY\r\n");
	assert_int_equal(modem_state(f->m), MODEM_STATE_PROBING);
	converse(f);
	assert_int_equal(modem_state(f->m), MODEM_STATE_READY);
	assert_int_equal(count(f->log, "AT+CNMI="), 2);
	modem_free(f->m);
}

static void send_is_refused_before_ready(void **state)
{
	(void)state;
	struct fake *f = start("", "generic");
	struct modem_pdu p = {"0001000891515500100000"
			      "05E8329BFD06",
			      16};
	assert_int_equal(modem_send(f->m, &p, 1, 0, NULL, NULL), -ENOTCONN);
	open_and_talk(f);
	struct modem_pdu bad = {"00zz", 1};
	assert_int_equal(modem_send(f->m, &bad, 1, 0, NULL, NULL), -EINVAL);
	modem_free(f->m);
}

static void a_dead_modem_is_reported_once_while_its_port_stays_gone(void **state)
{
	(void)state;
	struct fake *f = start("", "generic");
	open_and_talk(f);
	assert_int_equal(modem_state(f->m), MODEM_STATE_READY);
	f->mute = true;
	f->port_gone = true;
	advance(f, 10 * 60000);
	assert_int_equal(modem_state(f->m), MODEM_STATE_DEAD);
	int reopens = f->reopens;
	advance(f, 10 * 60000);
	assert_int_equal(modem_state(f->m), MODEM_STATE_DEAD);
	assert_int_equal(f->reopens, reopens + 10);
	assert_int_equal(f->dead_entries, 1);
	f->mute = false;
	f->port_gone = false;
	advance(f, 60000);
	assert_int_equal(modem_state(f->m), MODEM_STATE_READY);
	modem_free(f->m);
}

/* A USB modem replugged is back within seconds: the first reopens come soon after the port
 * vanished, backing off to the retry period, and a modem that works again starts afresh. */
static void a_replugged_modem_is_back_within_seconds(void **state)
{
	(void)state;
	struct fake *f = start("", "generic");
	open_and_talk(f);
	f->mute = true;
	f->port_gone = true;
	advance(f, 3 * 60000);
	assert_int_equal(modem_state(f->m), MODEM_STATE_DEAD);
	int reopens = f->reopens;
	assert_true(reopens >= 6); /* 1, 2, 4, 8, 16, 32 s, then every 60 s */
	f->mute = false;
	f->port_gone = false;
	advance(f, 60000);
	assert_int_equal(modem_state(f->m), MODEM_STATE_READY);
	advance(f, 2 * 60000); /* its status poll answered: healthy */
	f->mute = true;
	f->port_gone = true;
	uint64_t gone = f->now;
	while (modem_state(f->m) != MODEM_STATE_DEAD && f->now < gone + 10 * 60000)
		advance(f, 100);
	assert_int_equal(modem_state(f->m), MODEM_STATE_DEAD);
	reopens = f->reopens;
	f->mute = false;
	f->port_gone = false;
	advance(f, 1500);
	assert_true(f->reopens > reopens);
	assert_int_equal(modem_state(f->m), MODEM_STATE_READY);
	modem_free(f->m);
}

static void on_query(void *user_data, const struct modem_query_result *r)
{
	*(struct modem_query_result *)user_data = *r;
}

static struct modem_query_result query(struct fake *f, unsigned what)
{
	struct modem_query_result r = {.battery_pct = -9};
	assert_int_equal(modem_query(f->m, what, f->now, on_query, &r), 0);
	converse(f);
	assert_int_not_equal(r.battery_pct, -9);
	return r;
}

static void battery_and_network_clock_are_read_as_numbers(void **state)
{
	(void)state;
	struct fake *f = start("", "sim7600");
	open_and_talk(f);
	assert_int_equal(modem_query(f->m, 0, f->now, on_query, NULL), -EINVAL);
	f->cbc = "+CBC: 0,87,4012";
	f->cclk = "+CCLK: \"26/12/01,23:45:10+04\"";
	struct modem_query_result r = query(f, MODEM_QUERY_BATTERY | MODEM_QUERY_CLOCK);
	assert_true(r.battery_known);
	assert_int_equal(r.battery_pct, 87);
	assert_int_equal(r.battery_mv, 4012);
	assert_true(r.clock_known);
	assert_int_equal(r.tz_minutes, 60);
	assert_int_equal(r.clock_utc_ms, 1796165110000LL); /* 2026-12-01 22:45:10 UTC */
	assert_int_equal(count(f->log, "AT+CTZU=1"), 1);
	/* A clock the network never set, hostile answers, a module without AT+CBC. */
	const char *bad[] = {"+CCLK: \"04/01/01,00:00:05+00\"",
			     "+CCLK: \"80/01/06,00:01:02+00\"",
			     "+CCLK: \"26/13/01,00:00:00+00\"",
			     "+CCLK: \"26/12/01,23:45\"",
			     "+CCLK: 26/12/01",
			     "+CCLK: \"26/12/01,23:45:10+99\"",
			     ""};
	f->cbc = "+CBC: 0,187";
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		f->cclk = bad[i];
		r = query(f, MODEM_QUERY_BATTERY | MODEM_QUERY_CLOCK);
		assert_false(r.clock_known);
		assert_false(r.battery_known);
	}
	f->cbc = "";
	r = query(f, MODEM_QUERY_BATTERY);
	assert_false(r.battery_known);
	assert_int_equal(r.battery_result.kind, AT_RESULT_CME_ERROR);
	modem_free(f->m);
}

static void profile_follows_the_model(void **state)
{
	(void)state;
	assert_string_equal(modem_profile_by_model("SIMCOM_SIM7600E-H")->name, "sim7600");
	assert_string_equal(modem_profile_by_model("E3372h-153")->name, "e3372");
	assert_string_equal(modem_profile_by_model("Quectel EC25")->name, "ec2x");
	assert_string_equal(modem_profile_by_model("SIM800 R14.18")->name, "sim800");
	assert_string_equal(modem_profile_by_model("VM-1")->name, "generic");
	assert_null(modem_profile_find("auto"));
	assert_string_equal(modem_profile_find("e3372")->name, "e3372");
	struct fake *f = start("", "auto");
	open_and_talk(f);
	assert_string_equal(modem_info(f->m)->profile, "sim7600");
	assert_true(strstr(f->log, "AT+CPMS=\"ME\",\"ME\",\"ME\"") != NULL);
	modem_free(f->m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(registration_waits_for_the_network),
		cmocka_unit_test(no_network_goes_on_after_the_wait),
		cmocka_unit_test(pin_is_entered_once_then_ready),
		cmocka_unit_test(sim_asking_for_a_pin_none_configured_locks),
		cmocka_unit_test(repeated_cmti_while_being_stored_is_not_read_again),
		cmocka_unit_test(freeing_with_a_read_in_flight_releases_it),
		cmocka_unit_test(failed_store_is_handed_again_at_the_next_sweep),
		cmocka_unit_test(message_handed_before_a_reinit_is_not_handed_again),
		cmocka_unit_test(kept_message_is_not_handed_again),
		cmocka_unit_test(boot_indication_in_ready_reinitialises),
		cmocka_unit_test(send_is_refused_before_ready),
		cmocka_unit_test(a_dead_modem_is_reported_once_while_its_port_stays_gone),
		cmocka_unit_test(a_replugged_modem_is_back_within_seconds),
		cmocka_unit_test(profile_follows_the_model),
		cmocka_unit_test(battery_and_network_clock_are_read_as_numbers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
