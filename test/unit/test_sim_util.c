/* SMS built and read with gammu for the simulator's unit tests (see test_sim_util.h). */
#include "test_sim_util.h"

#include <gammu.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* The TPDU at gammu's PHONE_SMSSubmit offsets, as its AT driver assembles it. */
static size_t assemble_submit(const unsigned char *f, int len, uint8_t *out)
{
	const GSM_SMSMessageLayout L = PHONE_SMSSubmit;
	size_t n = 0;
	out[n++] = f[L.firstbyte];
	out[n++] = f[L.TPMR];
	for (int k = 0; k < (f[L.Number] + 1) / 2 + 2; k++)
		out[n++] = f[L.Number + k];
	out[n++] = f[L.TPPID];
	out[n++] = f[L.TPDCS];
	out[n++] = f[L.TPVP];
	out[n++] = f[L.TPUDL];
	memcpy(out + n, f + L.Text, (size_t)(len - L.Text));
	return n + (size_t)(len - L.Text);
}

static int encode_parts(const char *text, GSM_MultiSMSMessage *multi)
{
	unsigned char *uni = calloc(1, 2 * strlen(text) + 8);
	if (!uni)
		return -1;
	DecodeUTF8(uni, text, strlen(text));
	GSM_MultiPartSMSInfo info;
	GSM_ClearMultiPartSMSInfo(&info);
	info.EntriesNum = 1;
	info.Entries[0].ID = SMS_ConcatenatedAutoTextLong;
	info.Entries[0].Buffer = uni;
	GSM_Error err = GSM_EncodeMultiPartSMS(GSM_GetGlobalDebug(), &info, multi);
	free(uni);
	return err == ERR_NONE && multi->Number <= SIM_MAX_PARTS ? multi->Number : -1;
}

int tsim_submits(const char *text, const char *to, bool report, uint8_t mr, uint8_t out[][SIM_TPDU_MAX],
		 size_t *lens)
{
	GSM_MultiSMSMessage *multi = calloc(1, sizeof(*multi));
	if (!multi)
		return -1;
	int parts = encode_parts(text, multi);
	for (int i = 0; i < parts; i++) {
		GSM_SMSMessage *sms = &multi->SMS[i];
		sms->PDU = SMS_Submit;
		DecodeUTF8(sms->Number, to, strlen(to));
		sms->SMSC.Validity.Format = SMS_Validity_RelativeFormat;
		sms->SMSC.Validity.Relative = SMS_VALID_Max_Time;
		unsigned char f[1024] = {0};
		int len = 0;
		if (GSM_EncodeSMSFrame(GSM_GetGlobalDebug(), sms, f, PHONE_SMSSubmit, &len, TRUE) !=
		    ERR_NONE) {
			parts = -1;
			break;
		}
		lens[i] = assemble_submit(f, len, out[i]);
		out[i][1] = (uint8_t)(mr + i);
		if (report)
			out[i][0] |= 0x20; /* TP-SRR, TS 23.040 9.2.3.5 */
	}
	free(multi);
	return parts;
}

void tsim_read_deliver(const uint8_t *tpdu, size_t len, struct tsim_deliver *out)
{
	GSM_SMSMessage sms;
	size_t pos = 0;
	assert_int_equal(GSM_DecodePDUFrame(GSM_GetGlobalDebug(), &sms, tpdu, len, &pos, FALSE), ERR_NONE);
	assert_int_equal(sms.PDU, SMS_Deliver);
	EncodeUTF8(out->from, sms.Number);
	EncodeUTF8(out->text, sms.Text);
	out->part = sms.UDH.Type == UDH_NoUDH ? 0 : sms.UDH.PartNumber;
	out->parts = sms.UDH.Type == UDH_NoUDH ? 0 : sms.UDH.AllParts;
	out->year = sms.DateTime.Year;
}

void tsim_read_report(const uint8_t *tpdu, size_t len, struct tsim_report *out)
{
	GSM_SMSMessage sms;
	size_t pos = 0;
	assert_int_equal(GSM_DecodePDUFrame(GSM_GetGlobalDebug(), &sms, tpdu, len, &pos, FALSE), ERR_NONE);
	assert_int_equal(sms.PDU, SMS_Status_Report);
	out->mr = sms.MessageReference;
	EncodeUTF8(out->to, sms.Number);
	out->status = sms.DeliveryStatus;
}
