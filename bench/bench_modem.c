/* CPU time per SMS through the modem engine (framer, chat engine, lifecycle) over the
 * in-memory transport, against a responder that answers like a modem: a send is
 * AT+CMGS, the prompt, a full 160-character PDU and +CMGS; a receive is +CMTI, AT+CMGR with
 * a full PDU, the hand-over and AT+CMGD. Also with the SMS codec (encode, decode) added.
 * Prints figures; the yardstick is the 27 ms a full PDU takes on a 115200-baud line. */
#include "log.h"
#include "modem.h"
#include "modem_transport.h"
#include "sms_codec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BENCH_DELIVERS 64 /* more than the layer's MODEM_RECENT_MAX */

struct bench {
	struct modem *m;
	struct modem_transport *t;
	char line[1024];
	size_t len;
	bool text_entry;
	int mr;
	long received, sent;
	/* Full 160-character SMS-DELIVERs with distinct time stamps: the layer drops a message
	 * it has just stored when it comes again, so the same PDU over and over would not count. */
	char deliver[BENCH_DELIVERS][SMS_PDU_HEX_MAX];
	int deliver_len;
	long next_deliver;
	bool decode;
	size_t read_cap;
};

static double cpu_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void reply(struct bench *b, const char *s)
{
	modem_transport_mem_push(b->t, s, strlen(s));
}

static void answer(struct bench *b, const char *c)
{
	char buf[600];
	if (!strncmp(c, "AT+CMGS=", 8)) {
		b->text_entry = true;
		reply(b, "\r\n> ");
	} else if (!strcmp(c, "AT+CPIN?")) {
		reply(b, "\r\n+CPIN: READY\r\n\r\nOK\r\n");
	} else if (!strcmp(c, "AT+CREG?")) {
		reply(b, "\r\n+CREG: 1,1\r\n\r\nOK\r\n");
	} else if (!strncmp(c, "AT+CMGR=", 8)) {
		snprintf(buf, sizeof(buf), "\r\n+CMGR: 0,,%d\r\n%s\r\n\r\nOK\r\n", b->deliver_len,
			 b->deliver[b->next_deliver++ % BENCH_DELIVERS]);
		reply(b, buf);
	} else {
		reply(b, "\r\nOK\r\n");
	}
}

/* The modem side: reads what the engine wrote, answers it. */
static void respond(struct bench *b)
{
	char buf[512];
	size_t n;
	while ((n = modem_transport_mem_take(b->t, buf, sizeof(buf))) > 0) {
		for (size_t i = 0; i < n; i++) {
			char c = buf[i];
			if (b->text_entry) {
				if (c == 0x1a) {
					b->text_entry = false;
					snprintf(b->line, sizeof(b->line), "\r\n+CMGS: %d\r\n\r\nOK\r\n",
						 ++b->mr & 255);
					reply(b, b->line);
				}
				continue;
			}
			if (c != '\r') {
				if (b->len < sizeof(b->line) - 1)
					b->line[b->len++] = c;
				continue;
			}
			b->line[b->len] = '\0';
			b->len = 0;
			answer(b, b->line);
		}
	}
}

/* Moves bytes both ways until neither side has anything to say. */
static void pump(struct bench *b)
{
	for (;;) {
		size_t n;
		const uint8_t *out = modem_output(b->m, &n);
		if (n) {
			modem_transport_write(b->t, out, n);
			modem_consume(b->m, n);
		}
		respond(b);
		char buf[256];
		ssize_t got = modem_transport_read(b->t, buf, b->read_cap);
		if (got <= 0 && modem_output(b->m, &n) && n == 0)
			return;
		if (got > 0)
			modem_feed(b->m, buf, (size_t)got, 0);
	}
}

static void on_sms(void *user_data, const struct modem_inbound *in)
{
	struct bench *b = user_data;
	if (b->decode) {
		static struct sms_decoded d;
		char why[64];
		if (sms_decode_pdu(in->pdu, strlen(in->pdu), in->tpdu_len, &d, why, sizeof(why)) != 0)
			fprintf(stderr, "bench: decode failed: %s\n", why);
	}
	b->received++;
	modem_sms_stored(b->m, in->token, 0, 0);
}

static void on_sent(void *user_data, const struct modem_send_result *res)
{
	struct bench *b = user_data;
	if (res->result.kind == AT_RESULT_OK)
		b->sent++;
}

static const char text160[] = "T1 4.5 4.6 4.4 4.5 4.7 4.8 4.6 4.5 T2 -18.2 -18.1 -18.3 -18.0 -18.2 ALARM "
			      "none BAT 12.6V SIG -71 SEQ 123456 "
			      "0123456789 abcdefghij ABCDEFGHIJ klmnopq mnopqrstuvw";

static double run_send(struct bench *b, long n, bool encode)
{
	static struct sms_submit sub;
	struct sms_submit_opts opts = {NULL, false, 0, 0};
	sms_encode_submit("+15550001", text160, &opts, &sub);
	double t0 = cpu_s();
	for (long i = 0; i < n; i++) {
		if (encode)
			sms_encode_submit("+15550001", text160, &opts, &sub);
		struct modem_pdu p = {sub.parts[0].hex, sub.parts[0].tpdu_len};
		modem_send(b->m, &p, 1, 0, on_sent, b);
		pump(b);
	}
	return (cpu_s() - t0) / (double)n;
}

static double run_receive(struct bench *b, long n)
{
	double t0 = cpu_s();
	for (long i = 0; i < n; i++) {
		reply(b, "\r\n+CMTI: \"SM\",1\r\n");
		pump(b);
	}
	return (cpu_s() - t0) / (double)n;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 20000;
	struct bench b = {.read_cap = 64};
	struct modem_settings set = {
		.device = "memory", .baud = 115200, .profile = "generic", .command_timeout_ms = 5000};
	struct modem_hooks hooks = {NULL, on_sms, NULL};
	static struct sms_submit sub;
	struct sms_time scts = {.valid = true, .year = 2026, .month = 11, .day = 25, .hour = 3};
	log_setup(LOG_LEVEL_WARN, false, "bench");
	bool built = sms_encode_submit("+15550001", text160, NULL, &sub) == 0 && sub.part_count == 1;
	for (int i = 0; built && i < BENCH_DELIVERS; i++) {
		scts.minute = i % 60;
		scts.second = i / 60;
		built = sms_deliver_from_submit(sub.parts[0].hex, "+15550002", &scts, b.deliver[i],
						sizeof(b.deliver[i]), &b.deliver_len) == 0;
	}
	if (!built) {
		fprintf(stderr, "bench: cannot build the test PDUs\n");
		return 1;
	}
	b.m = modem_new(&set, NULL, &hooks, &b);
	modem_transport_mem_new(0, &b.t);
	modem_port_opened(b.m, 0);
	pump(&b);
	if (modem_state(b.m) != MODEM_STATE_READY) {
		fprintf(stderr, "bench: the engine did not reach ready (%s)\n",
			modem_state_str(modem_state(b.m)));
		return 1;
	}
	printf("modem engine, in-memory transport, %ld messages each, 160-character PDUs\n", n);
	printf("  (yardstick: 27 ms on the wire at 115200 baud; target under 1%% = 270 us)\n");
	for (int cap = 0; cap < 2; cap++) {
		b.read_cap = cap ? 8 : 64;
		double s = run_send(&b, n, false), r = run_receive(&b, n);
		printf("  reads of %2zu bytes: send %7.2f us/SMS (%.3f %% of 27 ms), receive %7.2f us/SMS "
		       "(%.3f %%)\n",
		       b.read_cap, s * 1e6, s * 1e6 / 270.0, r * 1e6, r * 1e6 / 270.0);
	}
	b.read_cap = 64;
	b.decode = true;
	double s = run_send(&b, n, true), r = run_receive(&b, n);
	printf("  with the SMS codec:  send %7.2f us/SMS (%.3f %%), receive %7.2f us/SMS (%.3f %%)\n",
	       s * 1e6, s * 1e6 / 270.0, r * 1e6, r * 1e6 / 270.0);
	printf("  completed: %ld sent, %ld received (of %ld each)\n", b.sent, b.received, 3 * n);
	if (b.sent != 3 * n || b.received != 3 * n) {
		fprintf(stderr, "bench: not every message went through; the figures above are wrong\n");
		return 1;
	}
	modem_free(b.m);
	modem_transport_close(b.t);
	return 0;
}
