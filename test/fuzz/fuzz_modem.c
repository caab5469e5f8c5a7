/* Fuzz target: the modem lifecycle, the real state machine, on whatever a modem answers once
 * it is ready: listings (+CMGL), indications (+CMTI, +CDSI), registration (+CREG, +CEREG),
 * routed messages (+CMT, +CDS), storage answers (+CPMS), RING, boot and storage-full lines,
 * garbage, and the answers to AT+CBC and AT+CCLK? (modem_query). Byte 0 picks the profile,
 * byte 1 the piece size the bytes come in, byte 2 what the application does with what it is
 * handed (store, fail, keep, whether it sends a text, whether it asks battery and clock).
 * A scripted modem answers the init, then the rest of the input is the modem, with the clock
 * moving between pieces; afterwards the scripted modem answers again for ten minutes of
 * fake time, so that every recovery the input caused runs to its end.
 * Built with FUZZ_MODEM_ANSWERS (fuzz_modem_read), the input after the three bytes is instead
 * what the modem answers to the lifecycle's scripts (modem_read.c: identity, +CPIN, +CREG,
 * +CSQ, +COPS, +CSMS, +CPMS), one answer per command, NUL between them; the scripted modem
 * answers once the input is used up. */
#include "log.h"
#include "modem.h"
#include "modem_profile.h"
#include "sms_codec.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fz {
	struct modem *m;
	uint64_t now;
	char line[512];
	size_t len;
	bool scripted; /* the scripted modem answers what the engine writes */
	uint8_t app;   /* bits: 0-1 what to do with a message, 2 send a text once ready, 3 query */
	unsigned handed;
	const uint8_t *ans; /* FUZZ_MODEM_ANSWERS: the answers left */
	size_t ans_len;
};

static void say(struct fz *f, const char *s)
{
	modem_feed(f->m, s, strlen(s), f->now);
}

/* The next answer of the input, up to its NUL; false when none is left. */
static bool input_answer(struct fz *f)
{
	if (!f->ans_len)
		return false;
	const uint8_t *end = memchr(f->ans, 0, f->ans_len);
	size_t n = end ? (size_t)(end - f->ans) : f->ans_len;
	modem_feed(f->m, f->ans, n, f->now);
	f->ans += end ? n + 1 : n;
	f->ans_len -= end ? n + 1 : n;
	return true;
}

static void scripted_answer(struct fz *f, const char *c)
{
	if (input_answer(f))
		return;
	if (!strcmp(c, "AT+CPIN?"))
		say(f, "\r\n+CPIN: READY\r\n\r\nOK\r\n");
	else if (!strcmp(c, "AT+CREG?"))
		say(f, "\r\n+CREG: 1,1\r\n\r\nOK\r\n");
	else if (!strcmp(c, "AT+CEREG?"))
		say(f, "\r\n+CEREG: 1,1\r\n\r\nOK\r\n");
	else if (!strcmp(c, "AT+CSMS=1"))
		say(f, "\r\n+CSMS: 1,1,1\r\n\r\nOK\r\n");
	else if (!strcmp(c, "AT+CPMS?"))
		say(f, "\r\n+CPMS: \"SM\",1,10,\"SM\",1,10,\"SM\",1,10\r\n\r\nOK\r\n");
	else if (!strncmp(c, "AT+CPMS=", 8))
		say(f, "\r\n+CPMS: 1,10,1,10,1,10\r\n\r\nOK\r\n");
	else if (!strncmp(c, "AT+CMGS=", 8))
		say(f, "\r\n> ");
	else
		say(f, "\r\nOK\r\n");
}

/* Takes what the engine wrote; the scripted modem answers each command. */
static void pump(struct fz *f)
{
	size_t n;
	const uint8_t *out;

	while ((out = modem_output(f->m, &n), n > 0)) {
		char copy[2048];
		if (n > sizeof(copy))
			n = sizeof(copy);
		memcpy(copy, out, n);
		modem_consume(f->m, n);
		for (size_t i = 0; i < n; i++) {
			if (copy[i] == 0x1a && f->scripted) {
				say(f, "\r\n+CMGS: 7\r\n\r\nOK\r\n");
				f->len = 0;
			} else if (copy[i] != '\r' && f->len < sizeof(f->line) - 1) {
				f->line[f->len++] = copy[i];
			} else if (copy[i] == '\r') {
				f->line[f->len] = '\0';
				f->len = 0;
				if (f->scripted)
					scripted_answer(f, f->line);
			}
		}
	}
}

static void advance(struct fz *f, uint64_t ms)
{
	uint64_t target = f->now + ms;

	while (modem_next_deadline(f->m) <= target) {
		uint64_t d = modem_next_deadline(f->m);
		f->now = d > f->now ? d : f->now;
		modem_tick(f->m, f->now);
		pump(f);
	}
	f->now = target;
	modem_tick(f->m, f->now);
	pump(f);
}

static void on_sms(void *user_data, const struct modem_inbound *in)
{
	struct fz *f = user_data;
	static struct sms_decoded d;
	char why[128];

	if (!in->pdu || (in->index < 0) != (in->mem[0] == '\0'))
		abort();
	sms_decode_pdu(in->pdu, strlen(in->pdu), in->tpdu_len, &d, why, sizeof(why));
	switch ((f->app + f->handed++) & 3) {
	case 0:
	case 1:
		modem_sms_stored(f->m, in->token, 0, f->now);
		break;
	case 2:
		modem_sms_stored(f->m, in->token, -EIO, f->now);
		break;
	default:
		modem_sms_keep(f->m, in->token, f->now);
		break;
	}
}

static void on_state(void *user_data, enum modem_state from, enum modem_state to)
{
	(void)user_data;
	(void)from;
	(void)to;
}

static void on_reopen(void *user_data)
{
	struct fz *f = user_data;

	modem_port_closed(f->m, f->now);
	modem_port_opened(f->m, f->now);
}

static void on_query(void *user_data, const struct modem_query_result *r)
{
	(void)user_data;
	if (r->battery_known && (r->battery_pct < 0 || r->battery_pct > 100))
		abort();
	if (r->clock_known && (r->tz_minutes < -1080 || r->tz_minutes > 1080))
		abort();
}

static void send_once(struct fz *f)
{
	static const struct modem_pdu part = {"0031000891515500100000FF05E8329BFD06", 17};

	if (f->app & 4)
		modem_send(f->m, &part, 1, f->now, NULL, NULL);
	pump(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fz f;
	struct modem_settings s = {.device = "fuzz", .baud = 115200, .command_timeout_ms = 1000};
	struct modem_hooks hooks = {on_state, on_sms, on_reopen};
	int n_profiles = 0;

	if (size < 3)
		return 0;
	log_setup(LOG_LEVEL_ERROR, false, "fuzz");
	while (modem_profiles[n_profiles])
		n_profiles++;
	snprintf(s.profile, sizeof(s.profile), "%s", modem_profiles[data[0] % n_profiles]->name);
	memset(&f, 0, sizeof(f));
	f.app = data[2];
	f.scripted = true;
#ifdef FUZZ_MODEM_ANSWERS
	f.ans = data + 3;
	f.ans_len = size - 3;
	size = 3;
#endif
	f.m = modem_new(&s, NULL, &hooks, &f);
	if (!f.m)
		return 0;
	modem_port_opened(f.m, f.now);
	pump(&f);
	for (int t = 0; t < 300 && !modem_idle(f.m); t++)
		advance(&f, 100);
	send_once(&f);
	f.scripted = false;
	if (f.app & 8) /* answered by the input */
		modem_query(f.m, MODEM_QUERY_BATTERY | MODEM_QUERY_CLOCK, f.now, on_query, NULL);
	size_t piece = 1 + data[1] % 8;
	for (size_t i = 3; i < size; i += piece) {
		modem_feed(f.m, data + i, size - i < piece ? size - i : piece, f.now);
		pump(&f);
		advance(&f, 50);
	}
	f.scripted = true;
	for (int t = 0; t < 600; t++)
		advance(&f, 1000);
	modem_free(f.m);
	return 0;
}
