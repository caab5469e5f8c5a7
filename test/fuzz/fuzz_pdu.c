/* Fuzz target: the PDU decoder on what a modem could print after +CMGL/+CMGR/+CMT/+CDS.
 * Each input is tried twice: as the hex text itself (the corpus files are such lines), and
 * as raw octets written out in hex, so that mutations reach every field of the TPDU. What
 * decodes is checked for the promises of sms_codec.h and fed to reassembly and to report
 * matching, as the modem layer would; a SUBMIT is passed through the simulated SMSC, whose
 * DELIVER must then decode. */
#include "sms_assembly.h"
#include "sms_codec.h"
#include "sms_reports.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void on_message(const struct sms_message *msg, void *user_data)
{
	(void)user_data;
	if (strlen(msg->text) != msg->text_len || msg->part_count + msg->missing_count != msg->key.total)
		abort();
}

static void check(const struct sms_decoded *d)
{
	if (strlen(d->text) != d->text_len || strlen(d->number) >= SMS_NUMBER_MAX)
		abort();
	if (d->concat.present && (d->concat.seq < 1 || d->concat.seq > d->concat.total))
		abort();
}

/* `hex` is NUL-terminated. */
static void try_submit(const char *hex)
{
	static const struct sms_time scts = {.valid = true, .year = 2026, .month = 1, .day = 1};
	char out[SMS_PDU_HEX_MAX];
	struct sms_decoded *d = malloc(sizeof(*d));
	int len;

	if (d != NULL && sms_deliver_from_submit(hex, "+15550002", &scts, out, sizeof(out), &len) == 0) {
		if (sms_decode_pdu(out, strlen(out), len, d, NULL, 0) != 0)
			abort();
		check(d);
	}
	free(d);
}

static void try_hex(const char *hex, size_t len)
{
	struct sms_assembly_cfg acfg = {.timeout_ms = 1000, .max_pending = 2, .on_message = on_message};
	struct sms_reports_cfg rcfg = {.expire_ms = 1000};
	struct sms_decoded *d = malloc(sizeof(*d));
	struct sms_assembly *a = sms_assembly_new(&acfg);
	struct sms_reports *r = sms_reports_new(&rcfg);
	struct sms_report_match m;
	char why[128];

	if (d == NULL || a == NULL || r == NULL)
		goto out;
	if (sms_decode_pdu(hex, len, -1, d, why, sizeof(why)) == 0) {
		check(d);
		if (d->kind == SMS_KIND_DELIVER) {
			sms_assembly_add(a, d, "", 0);
			sms_assembly_add(a, d, "", 1);
			sms_assembly_tick(a, 2000);
		} else {
			sms_reports_sent(r, 1, 1, 1, d->message_ref, "+447700900123", 0);
			sms_reports_match(r, d, 0, &m);
			sms_reports_expire(r, 5000);
		}
	} else if (why[0] == '\0') {
		abort();
	}
out:
	sms_assembly_free(a);
	sms_reports_free(r);
	free(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char digits[] = "0123456789ABCDEF";
	char *hex = calloc(1, 2 * size + 1);
	size_t len = size;

	if (hex == NULL)
		return 0;
	while (len > 0 && (data[len - 1] == '\n' || data[len - 1] == '\r' || data[len - 1] == ' '))
		len--;
	memcpy(hex, data, len);
	try_hex(hex, len);
	try_submit(hex);
	for (size_t i = 0; i < size; i++) {
		hex[2 * i] = digits[data[i] >> 4];
		hex[2 * i + 1] = digits[data[i] & 0x0f];
	}
	hex[2 * size] = '\0';
	try_hex(hex, 2 * size);
	try_submit(hex);
	free(hex);
	return 0;
}
