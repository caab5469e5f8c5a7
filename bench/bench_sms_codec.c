/* CPU time of the SMS codec per message: encoding a text into SUBMIT PDUs and decoding the
 * DELIVER PDUs that carry it, for a one-part report and a three-part text. Prints figures;
 * the yardstick is the 27 ms a full PDU takes on a 115200-baud line. */
#include "sms_codec.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct wire {
	int count;
	char hex[SMS_MAX_PARTS][SMS_PDU_HEX_MAX];
	int len[SMS_MAX_PARTS];
};

static int make_wire(const char *text, struct sms_submit *sub, struct wire *w)
{
	static const struct sms_time scts = {.valid = true, .year = 2026, .month = 11, .day = 25};

	if (sms_encode_submit("+447700900123", text, NULL, sub) != 0)
		return -1;
	w->count = sub->part_count;
	for (int i = 0; i < sub->part_count; i++) {
		if (sms_deliver_from_submit(sub->parts[i].hex, "+447700900123", &scts, w->hex[i],
					    sizeof(w->hex[i]), &w->len[i]) != 0)
			return -1;
	}
	return 0;
}

static void bench(const char *name, const char *text, int iterations)
{
	struct sms_submit *sub = malloc(sizeof(*sub));
	struct wire *w = malloc(sizeof(*w));
	struct sms_decoded *d = malloc(sizeof(*d));
	struct sms_submit_opts opts = {.status_report = true, .concat_ref = 1};
	double t0, enc_us, dec_us;
	unsigned sink = 0;

	if (!sub || !w || !d || make_wire(text, sub, w) != 0) {
		fprintf(stderr, "bench_sms_codec: setup failed for %s\n", name);
		exit(1);
	}
	t0 = cpu_s();
	for (int i = 0; i < iterations; i++) {
		opts.concat_ref = (uint8_t)i;
		sink += sms_encode_submit("+447700900123", text, &opts, sub) == 0 ? 1u : 0u;
	}
	enc_us = (cpu_s() - t0) * 1e6 / iterations;
	t0 = cpu_s();
	for (int i = 0; i < iterations; i++) {
		for (int p = 0; p < w->count; p++)
			sink += sms_decode_pdu(w->hex[p], strlen(w->hex[p]), w->len[p], d, NULL, 0) == 0;
	}
	dec_us = (cpu_s() - t0) * 1e6 / iterations;
	printf("%-28s parts=%d encoding=%-4s encode_us=%7.1f decode_us=%7.1f "
	       "share_of_27ms_line_time=%.3f%% (ok=%u)\n",
	       name, sub->part_count, sms_encoding_str(sub->encoding), enc_us, dec_us,
	       100.0 * (enc_us + dec_us) / sub->part_count / 27000.0, sink);
	free(sub);
	free(w);
	free(d);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 2000;
	char *long_text = malloc(1531);

	if (n < 1 || long_text == NULL)
		return 2;
	memset(long_text, 'x', 1530);
	long_text[400] = '\0';
	printf("# CPU time per message (CLOCK_PROCESS_CPUTIME_ID), %d iterations each\n", n);
	bench("report_gsm7_1part", "R1 U17 T1=7.5 T2=-18.2 T3=4.0 BAT=3.91 SEQ=1234 ACK?", n);
	bench("alarm_ucs2_1part", "ALARM cold room 2: 9.5°C > 8.0°C since 03:00", n);
	bench("text_gsm7_3parts", long_text, n);
	long_text[400] = 'x';
	long_text[1530] = '\0';
	bench("text_gsm7_10parts", long_text, n / 10 > 0 ? n / 10 : 1);
	free(long_text);
	return 0;
}
