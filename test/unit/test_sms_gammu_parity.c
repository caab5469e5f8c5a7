/* m2mon reads received PDUs at least as liberally as libgammu's own AT driver: every recorded
 * +CMGR answer of gammu's test suite (data/gammu-at-sms.txt) goes through libgammu the way
 * ATGEN_DecodePDUMessage does (hex, GSM_DecodePDUFrame with the SMSC field, then its rule
 * for octets left over) and through sms_decode_pdu with the <length> the modem announced.
 * Whatever libgammu decodes, m2mon decodes to the same kind, number and text. */
#include "sms_codec.h"

#include <gammu.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

struct record {
	char name[64];
	int tpdu_len; /* the last field of the +CMGR: line */
	char pdu[1024];
};

/* libgammu as its AT driver uses it (libgammu/phone/at/at-sms.c, ATGEN_DecodePDUMessage). */
static bool gammu_decode(const char *pdu, GSM_SMSMessage *sms)
{
	unsigned char buf[600];
	size_t len = strlen(pdu), end = 0;

	if (len / 2 >= sizeof(buf) || !DecodeHexBin(buf, (const unsigned char *)pdu, len))
		return false;
	len /= 2;
	memset(sms, 0, sizeof(*sms));
	if (GSM_DecodePDUFrame(NULL, sms, buf, len, &end, TRUE) != ERR_NONE)
		return false;
	return end == len || buf[end] == 0xff || buf[end] == 0x89 || sms->PDU == SMS_Status_Report;
}

static enum sms_kind kind_of(const GSM_SMSMessage *sms)
{
	switch (sms->PDU) {
	case SMS_Deliver:
		return SMS_KIND_DELIVER;
	case SMS_Submit:
		return SMS_KIND_SUBMIT;
	case SMS_Status_Report:
		return SMS_KIND_STATUS_REPORT;
	}
	return SMS_KIND_DELIVER;
}

static void compare(const struct record *rec, int *both, int *gammu_only)
{
	static GSM_SMSMessage sms;
	static struct sms_decoded d;
	char why[200], number[200], text[2000];

	if (!gammu_decode(rec->pdu, &sms))
		return; /* libgammu refuses it too: nothing to match */
	int rc = sms_decode_pdu(rec->pdu, strlen(rec->pdu), rec->tpdu_len, &d, why, sizeof(why));
	if (rc != 0) {
		fprintf(stderr, "%s: libgammu reads it, m2mon says: %s\n", rec->name, why);
		(*gammu_only)++;
		return;
	}
	(*both)++;
	EncodeUTF8(number, sms.Number);
	if (d.kind != kind_of(&sms) || strcmp(d.number, number) != 0)
		fail_msg("%s: m2mon %s from %s, libgammu %s from %s", rec->name, sms_kind_str(d.kind),
			 d.number, sms_kind_str(kind_of(&sms)), number);
	if (d.kind == SMS_KIND_STATUS_REPORT) {
		assert_int_equal(d.message_ref, sms.MessageReference);
		return;
	}
	if (sms.Coding != SMS_Coding_Default_No_Compression &&
	    sms.Coding != SMS_Coding_Unicode_No_Compression)
		return; /* 8-bit: m2mon shows the octets as hex */
	EncodeUTF8(text, sms.Text);
	if (strcmp(d.text, text) != 0)
		fail_msg("%s: m2mon reads \"%s\", libgammu \"%s\"", rec->name, d.text, text);
}

/* The <length> of a +CMGR: line: its last field. */
static int last_field(const char *line)
{
	const char *comma = strrchr(line, ',');
	const char *colon = strchr(line, ':');
	return atoi(comma ? comma + 1 : colon ? colon + 1 : line);
}

static void every_record_libgammu_reads_m2mon_reads(void **state)
{
	FILE *f = fopen(DATA_DIR "/gammu-at-sms.txt", "r");
	char line[1200];
	struct record rec;
	int records = 0, both = 0, gammu_only = 0, at = 0;

	(void)state;
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '#')
			continue;
		if (strncmp(line, "== ", 3) == 0) {
			snprintf(rec.name, sizeof(rec.name), "%.60s", line + 3);
			at = 1;
		} else if (at == 1) {
			rec.tpdu_len = last_field(line);
			at = 2;
		} else if (at == 2) {
			snprintf(rec.pdu, sizeof(rec.pdu), "%.1000s", line);
			records++;
			compare(&rec, &both, &gammu_only);
			at = 0;
		}
	}
	fclose(f);
	printf("%d recorded answers, %d read by both, %d by libgammu only\n", records, both, gammu_only);
	assert_int_equal(records, 46);
	assert_true(both >= 30); /* the data reaches the comparison, or the test proves nothing */
	assert_int_equal(gammu_only, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_record_libgammu_reads_m2mon_reads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
