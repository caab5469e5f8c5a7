/* SMS-SUBMIT encoding over libgammu: the text is split and coded by GSM_EncodeMultiPartSMS
 * (GSM 7-bit with the extension table, or UCS-2), each part is framed by GSM_EncodeSMSFrame
 * in PHONE_SMSSubmit layout, and the TPDU is read out of that layout's offsets the way
 * gammu's AT driver does (TS 23.040 9.2.2.2 field order). */
#include "sms_codec.h"
#include "sms_util.h"

#include <errno.h>
#include <gammu.h>
#include <stdlib.h>
#include <string.h>

/* No part carries more than 153 characters, so a longer text cannot fit SMS_MAX_PARTS; the
 * bound also keeps libgammu below its own GSM_MAX_MULTI_SMS parts. */
#define TEXT_UNITS_MAX (SMS_MAX_PARTS * 153)

/* A whole PDU (176 octets at most) and a zeroed margin that libgammu may read into. */
#define PDU_BUF_OCTETS 256

const char *sms_encoding_str(enum sms_encoding encoding)
{
	switch (encoding) {
	case SMS_ENCODING_GSM7:
		return "gsm7";
	case SMS_ENCODING_UCS2:
		return "ucs2";
	case SMS_ENCODING_8BIT:
		return "8bit";
	}
	return "?";
}

/* A dialable number: optional '+', then 1 to 20 digits (TS 23.040 9.1.2.5). */
static bool number_valid(const char *number)
{
	size_t digits = 0;

	if (*number == '+')
		number++;
	for (; *number; number++, digits++) {
		if (*number < '0' || *number > '9')
			return false;
	}
	return digits >= 1 && digits <= 20;
}

/* Relative TP-VP (TS 23.040 9.2.3.12.1), rounded up to the next value it can express. */
static uint8_t relative_vp(uint32_t minutes)
{
	if (minutes <= 720)
		return (uint8_t)((minutes + 4) / 5 - (minutes ? 1 : 0));
	if (minutes <= 1440)
		return (uint8_t)(143 + (minutes - 720 + 29) / 30);
	if (minutes <= 30u * 1440)
		return (uint8_t)(166 + (minutes + 1439) / 1440);
	if (minutes >= 63u * 10080)
		return 255;
	return (uint8_t)(192 + (minutes + 10079) / 10080);
}

/* Splits and codes `text` with libgammu. Returns a heap MultiSMS (caller frees) or NULL with
 * *err set. */
static GSM_MultiSMSMessage *split_text(const char *text, int *err)
{
	long units = sms_utf8_units(text);
	GSM_MultiPartSMSInfo info;
	GSM_MultiSMSMessage *multi;
	unsigned char *buf;

	if (units < 0) {
		*err = -EINVAL;
		return NULL;
	}
	if (units > TEXT_UNITS_MAX) {
		*err = -EMSGSIZE;
		return NULL;
	}
	buf = malloc(2 * ((size_t)units + 1));
	multi = calloc(1, sizeof(*multi));
	if (buf == NULL || multi == NULL) {
		free(buf);
		free(multi);
		*err = -ENOMEM;
		return NULL;
	}
	sms_utf8_to_gammu(text, buf);
	GSM_ClearMultiPartSMSInfo(&info);
	info.EntriesNum = 1;
	info.Entries[0].ID = SMS_ConcatenatedAutoTextLong;
	info.Entries[0].Buffer = buf;
	*err = GSM_EncodeMultiPartSMS(NULL, &info, multi) == ERR_NONE ? 0 : -EIO;
	free(buf);
	if (*err == 0 && multi->Number > SMS_MAX_PARTS)
		*err = -EMSGSIZE;
	if (*err == 0 && multi->Number < 1)
		*err = -EIO;
	if (*err != 0) {
		free(multi);
		return NULL;
	}
	return multi;
}

int sms_plan(const char *text, enum sms_encoding *encoding, int *part_count, int *units)
{
	struct sms_submit *tmp = malloc(sizeof(*tmp));
	int err;

	if (tmp == NULL)
		return -ENOMEM;
	err = sms_encode_submit("+1", text, NULL, tmp);
	if (err == 0) {
		*encoding = tmp->encoding;
		*part_count = tmp->part_count;
		*units = tmp->units;
	}
	free(tmp);
	return err;
}

/* Characters the user data of a framed part carries: septets (an extension character
 * counts 2) or UTF-16 units, without the header and its fill bits (TS 23.040 9.2.3.16). */
static int frame_units(const unsigned char *frame)
{
	const GSM_SMSMessageLayout *l = &PHONE_SMSSubmit;
	int udl = frame[l->TPUDL];
	int hdr = (frame[l->firstbyte] & 0x40) ? frame[l->Text] + 1 : 0;

	if (frame[l->TPDCS] & 0x08)
		return (udl - hdr) / 2;
	return udl - (hdr * 8 + 6) / 7;
}

/* Copies the fields of a PHONE_SMSSubmit frame into TPDU order after the SMSC field.
 * Returns the total octets written to `out`. */
static size_t frame_to_pdu(const unsigned char *frame, int frame_len, bool own_smsc, bool with_vp,
			   uint8_t *out, int *tpdu_len)
{
	const GSM_SMSMessageLayout *l = &PHONE_SMSSubmit;
	size_t n = 0, smsc_len;
	int ud_len = frame_len - l->Text;

	if (own_smsc) {
		for (int i = 0; i <= frame[l->SMSCNumber]; i++)
			out[n++] = frame[l->SMSCNumber + i];
	} else {
		out[n++] = 0x00;
	}
	smsc_len = n;
	/* TP-VPF = 00 when no validity is given: the SC applies its default (9.2.3.3). */
	out[n++] = with_vp ? frame[l->firstbyte] : (uint8_t)(frame[l->firstbyte] & ~0x18);
	out[n++] = frame[l->TPMR];
	for (int i = 0; i < (frame[l->Number] + 1) / 2 + 2; i++)
		out[n++] = frame[l->Number + i];
	out[n++] = frame[l->TPPID];
	out[n++] = frame[l->TPDCS];
	if (with_vp)
		out[n++] = frame[l->TPVP];
	out[n++] = frame[l->TPUDL];
	for (int i = 0; i < ud_len; i++)
		out[n++] = frame[l->Text + i];
	*tpdu_len = (int)(n - smsc_len);
	return n;
}

static int encode_part(GSM_SMSMessage *sms, const char *number, const struct sms_submit_opts *o,
		       struct sms_submit_part *out, int *units)
{
	unsigned char frame[512];
	uint8_t pdu[200];
	bool own_smsc = o->smsc != NULL && o->smsc[0] != '\0';
	int frame_len = 0;
	size_t n;

	sms->PDU = o->status_report ? SMS_Status_Report : SMS_Submit;
	EncodeUnicode(sms->Number, number, strlen(number));
	EncodeUnicode(sms->SMSC.Number, own_smsc ? o->smsc : "", own_smsc ? strlen(o->smsc) : 0);
	sms->SMSC.Validity.Format = SMS_Validity_RelativeFormat;
	sms->SMSC.Validity.Relative = relative_vp(o->validity_minutes);
	sms->MessageReference = 0;
	if (sms->UDH.Type == UDH_ConcatenatedMessages) {
		/* IE 00: ref, total, seq after IEI and IEDL (TS 23.040 9.2.3.24.1) */
		sms->UDH.Text[3] = o->concat_ref;
		sms->UDH.ID8bit = o->concat_ref;
	}
	memset(frame, 0, sizeof(frame));
	if (GSM_EncodeSMSFrame(NULL, sms, frame, PHONE_SMSSubmit, &frame_len, TRUE) != ERR_NONE)
		return -EIO;
	if (frame_len < PHONE_SMSSubmit.Text || frame_len - PHONE_SMSSubmit.Text > 140)
		return -EIO;
	/* libgammu signals 7-bit text that overflowed the part with an empty user data. */
	if (frame[PHONE_SMSSubmit.TPUDL] == 0 && UnicodeLength(sms->Text) > 0)
		return -EIO;
	*units = frame_units(frame);
	n = frame_to_pdu(frame, frame_len, own_smsc, o->validity_minutes > 0, pdu, &out->tpdu_len);
	sms_hex_encode(pdu, n, out->hex);
	return 0;
}

int sms_encode_submit(const char *number, const char *text, const struct sms_submit_opts *opts,
		      struct sms_submit *out)
{
	static const struct sms_submit_opts defaults;
	const struct sms_submit_opts *o = opts ? opts : &defaults;
	GSM_MultiSMSMessage *multi;
	int err;

	if (number == NULL || !number_valid(number) || text == NULL)
		return -EINVAL;
	if (o->smsc != NULL && o->smsc[0] != '\0' && !number_valid(o->smsc))
		return -EINVAL;
	multi = split_text(text, &err);
	if (multi == NULL)
		return err;
	memset(out, 0, sizeof(*out));
	out->encoding = multi->SMS[0].Coding == SMS_Coding_Unicode_No_Compression
				? SMS_ENCODING_UCS2
				: SMS_ENCODING_GSM7;
	out->part_count = multi->Number;
	for (int i = 0; i < multi->Number && err == 0; i++) {
		int units = 0;

		err = encode_part(&multi->SMS[i], number, o, &out->parts[i], &units);
		out->units += units;
	}
	free(multi);
	return err;
}

/* TP-SCTS time zone octet: quarter hours in swapped BCD, bit 3 the sign (9.2.3.11). */
static uint8_t tz_octet(int tz_minutes)
{
	int q = (tz_minutes < 0 ? -tz_minutes : tz_minutes) / 15;

	return (uint8_t)((q % 10) << 4 | (q / 10) | (tz_minutes < 0 ? 0x08 : 0));
}

/* Reads a SUBMIT with libgammu after checking the octets it trusts: the SMSC and TP-DA
 * lengths, and the message type. */
static int read_submit(const char *hex, uint8_t *buf, size_t buf_size, GSM_SMSMessage *m)
{
	size_t bad_at, end = 0, da;
	int n = sms_hex_decode(hex, strlen(hex), buf, buf_size - 64, &bad_at);

	if (n < 3 || buf[0] > 11 || (size_t)n < buf[0] + 4u)
		return -EBADMSG;
	da = buf[0] + 3u;
	if ((buf[da - 2] & 0x03) != 0x01 || buf[da] > 20 || da + 2 + (buf[da] + 1) / 2 > (size_t)n)
		return -EBADMSG;
	if (GSM_DecodePDUFrame(NULL, m, buf, (size_t)n, &end, TRUE) != ERR_NONE ||
	    m->PDU != SMS_Submit || end != (size_t)n)
		return -EBADMSG;
	return n;
}

int sms_deliver_from_submit(const char *submit_hex, const char *originator,
			    const struct sms_time *scts, char *out_hex, size_t out_size,
			    int *tpdu_len)
{
	const GSM_SMSMessageLayout *l = &PHONE_SMSDeliver;
	uint8_t sub[PDU_BUF_OCTETS] = {0}, pdu[200];
	unsigned char frame[512] = {0};
	GSM_SMSMessage m;
	int frame_len = 0;
	size_t n = 0;
	bool srr;

	if (originator == NULL || !number_valid(originator) || scts == NULL || !scts->valid)
		return -EINVAL;
	memset(&m, 0, sizeof(m));
	if (read_submit(submit_hex, sub, sizeof(sub), &m) < 0)
		return -EBADMSG;
	srr = sub[sub[0] + 1] & 0x20;
	m.PDU = SMS_Deliver;
	m.RejectDuplicates = FALSE;
	EncodeUnicode(m.Number, originator, strlen(originator));
	m.DateTime = (GSM_DateTime){.Year = scts->year, .Month = scts->month, .Day = scts->day,
				    .Hour = scts->hour, .Minute = scts->minute,
				    .Second = scts->second};
	if (GSM_EncodeSMSFrame(NULL, &m, frame, PHONE_SMSDeliver, &frame_len, TRUE) != ERR_NONE ||
	    frame_len < l->Text)
		return -EBADMSG;
	for (int i = 0; i <= sub[0]; i++)
		pdu[n++] = sub[i];
	/* TP-MMS set: no more messages waiting (9.2.3.2); TP-SRI mirrors the request (9.2.3.4). */
	pdu[n++] = (uint8_t)(frame[l->firstbyte] | 0x04 | (srr ? 0x20 : 0));
	for (int i = 0; i < (frame[l->Number] + 1) / 2 + 2; i++)
		pdu[n++] = frame[l->Number + i];
	pdu[n++] = frame[l->TPPID];
	pdu[n++] = frame[l->TPDCS];
	for (int i = 0; i < 6; i++)
		pdu[n++] = frame[l->DateTime + i];
	pdu[n++] = tz_octet(scts->tz_minutes);
	pdu[n++] = frame[l->TPUDL];
	for (int i = 0; i < frame_len - l->Text; i++)
		pdu[n++] = frame[l->Text + i];
	if (out_size < 2 * n + 1)
		return -ENOSPC;
	sms_hex_encode(pdu, n, out_hex);
	*tpdu_len = (int)(n - sub[0] - 1);
	return 0;
}
