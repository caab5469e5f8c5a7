/* SMS-SUBMIT encoding over libgammu: the text is split and coded by GSM_EncodeMultiPartSMS
 * (GSM 7-bit with the extension table, or UCS-2), each part is framed by GSM_EncodeSMSFrame
 * in PHONE_SMSSubmit layout, and the TPDU is read out of that layout's offsets the way
 * gammu's AT driver does (TS 23.040 9.2.2.2 field order). */
#include "hex.h"
#include "sms_codec.h"
#include "sms_util.h"

#include <errno.h>
#include <gammu.h>
#include <stdlib.h>
#include <string.h>

/* No part carries more than 153 characters, so a longer text cannot fit SMS_MAX_PARTS; the
 * bound also keeps libgammu below its own GSM_MAX_MULTI_SMS parts. */
#define TEXT_UNITS_MAX (SMS_MAX_PARTS * 153)

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

/* libgammu decides between 7-bit and UCS-2 by a round trip through the default alphabet
 * that costs O(n^2) in the text length (gsmmulti.c, SMS_ConcatenatedAutoTextLong: 8 ms for
 * ten parts). Asked about short slices it gives the same per-character answer in linear
 * time; a slice never ends between the two halves of a surrogate pair. Texts that fit one
 * SMS are cheaper to ask in one go. */
#define SLICE_UNITS  64
#define ONE_GO_UNITS 160

static int needs_ucs2(const unsigned char *text, size_t units, GSM_MultiSMSMessage *scratch, bool *ucs2)
{
	unsigned char slice[2 * SLICE_UNITS + 2];
	GSM_MultiPartSMSInfo info;

	*ucs2 = false;
	for (size_t off = 0, n; off < units && !*ucs2; off += n) {
		n = units - off < SLICE_UNITS ? units - off : SLICE_UNITS;
		if (off + n < units && (text[2 * (off + n - 1)] & 0xfc) == 0xd8)
			n--;
		memcpy(slice, text + 2 * off, 2 * n);
		slice[2 * n] = slice[2 * n + 1] = 0;
		GSM_ClearMultiPartSMSInfo(&info);
		info.EntriesNum = 1;
		info.Entries[0].ID = SMS_ConcatenatedAutoTextLong;
		info.Entries[0].Buffer = slice;
		if (GSM_EncodeMultiPartSMS(NULL, &info, scratch) != ERR_NONE || scratch->Number < 1)
			return -EIO;
		*ucs2 = scratch->SMS[0].Coding == SMS_Coding_Unicode_No_Compression;
	}
	return 0;
}

/* Splits and codes `text` with libgammu. Returns a heap MultiSMS (caller frees) or NULL with
 * *err set. */
static GSM_MultiSMSMessage *split_text(const char *text, int *err)
{
	long units = sms_utf8_units(text);
	GSM_MultiPartSMSInfo info;
	GSM_MultiSMSMessage *multi;
	unsigned char *buf;
	bool ucs2 = false;

	if (units < 0) {
		*err = -EINVAL;
		return NULL;
	}
	if (units > TEXT_UNITS_MAX) {
		*err = -EMSGSIZE;
		return NULL;
	}
	buf = malloc(2 * ((size_t)units + 1));
	multi = malloc(sizeof(*multi));
	if (buf == NULL || multi == NULL) {
		free(buf);
		free(multi);
		*err = -ENOMEM;
		return NULL;
	}
	sms_utf8_to_gammu(text, buf);
	*err = units > ONE_GO_UNITS ? needs_ucs2(buf, (size_t)units, multi, &ucs2) : 0;
	GSM_ClearMultiPartSMSInfo(&info);
	info.EntriesNum = 1;
	info.UnicodeCoding = ucs2;
	info.Entries[0].ID = units > ONE_GO_UNITS ? SMS_ConcatenatedTextLong : SMS_ConcatenatedAutoTextLong;
	info.Entries[0].Buffer = buf;
	if (*err == 0 && GSM_EncodeMultiPartSMS(NULL, &info, multi) != ERR_NONE)
		*err = -EIO;
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
	hex_encode(pdu, n, out->hex);
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
	out->encoding = multi->SMS[0].Coding == SMS_Coding_Unicode_No_Compression ? SMS_ENCODING_UCS2
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

/* Octets of TP-VP in a SUBMIT whose first octet is `first` (TP-VPF, 9.2.3.3). */
static size_t vp_octets(uint8_t first)
{
	static const size_t len[4] = {0, 7, 1, 7};

	return len[(first >> 3) & 0x03];
}

/* TP-SCTS time zone octet: quarter hours in swapped BCD, bit 3 the sign (9.2.3.11). */
static uint8_t tz_octet(int tz_minutes)
{
	int q = (tz_minutes < 0 ? -tz_minutes : tz_minutes) / 15;

	return (uint8_t)((q % 10) << 4 | (q / 10) | (tz_minutes < 0 ? 0x08 : 0));
}

/* Reads a SUBMIT with libgammu once every length in it is checked. `buf` is zeroed beyond
 * the data. Returns the offset of its TP-UDL, or -EBADMSG. */
static int read_submit(const char *hex, uint8_t *buf, GSM_SMSMessage *m)
{
	struct sms_pdu_shape shape = {SMS_MTI_RESERVED, 0, 0, 0, 0};
	size_t bad_at, end = 0;
	int n = sms_hex_decode(hex, strlen(hex), buf, PDU_OCTETS_MAX, &bad_at);

	if (n < 0 || sms_pdu_walk(buf, (size_t)n, -1, &shape, NULL, 0) != 0 || shape.mti != SMS_MTI_SUBMIT ||
	    shape.end != (size_t)n)
		return -EBADMSG;
	if (GSM_DecodePDUFrame(NULL, m, buf, (size_t)n, &end, TRUE) != ERR_NONE || m->PDU != SMS_Submit ||
	    end != (size_t)n)
		return -EBADMSG;
	return (int)shape.udl_at;
}

/* What TP-SCTS can carry: two-digit years, a zone within +-18 h (9.2.3.11). */
static bool scts_valid(const struct sms_time *t)
{
	return t != NULL && t->valid && t->year >= 2000 && t->year <= 2099 && t->month >= 1 &&
	       t->month <= 12 && t->day >= 1 && t->day <= 31 && t->hour >= 0 && t->hour <= 23 &&
	       t->minute >= 0 && t->minute <= 59 && t->second >= 0 && t->second <= 59 &&
	       t->tz_minutes >= -18 * 60 && t->tz_minutes <= 18 * 60;
}

int sms_deliver_from_submit(const char *submit_hex, const char *originator, const struct sms_time *scts,
			    char *out_hex, size_t out_size, int *tpdu_len)
{
	const GSM_SMSMessageLayout *l = &PHONE_SMSDeliver;
	uint8_t sub[PDU_OCTETS_MAX + 64] = {0}, pdu[PDU_OCTETS_MAX + 16];
	unsigned char frame[512] = {0};
	GSM_SMSMessage m;
	int frame_len = 0, udl_at, ud_octets;
	size_t n = 0;

	if (originator == NULL || !number_valid(originator) || !scts_valid(scts))
		return -EINVAL;
	memset(&m, 0, sizeof(m));
	if (submit_hex == NULL || (udl_at = read_submit(submit_hex, sub, &m)) < 0)
		return -EBADMSG;
	ud_octets = (int)(strlen(submit_hex) / 2) - udl_at - 1;
	m.PDU = SMS_Deliver;
	m.RejectDuplicates = FALSE;
	EncodeUnicode(m.Number, originator, strlen(originator));
	m.DateTime = (GSM_DateTime){.Year = scts->year,
				    .Month = scts->month,
				    .Day = scts->day,
				    .Hour = scts->hour,
				    .Minute = scts->minute,
				    .Second = scts->second};
	if (GSM_EncodeSMSFrame(NULL, &m, frame, PHONE_SMSDeliver, &frame_len, TRUE) != ERR_NONE)
		return -EBADMSG;
	for (int i = 0; i <= sub[0]; i++)
		pdu[n++] = sub[i];
	/* TP-RP and TP-UDHI as sent; TP-SRI mirrors TP-SRR (9.2.3.4); TP-MMS set: no more
	 * messages waiting (9.2.3.2). */
	pdu[n++] = (uint8_t)((sub[sub[0] + 1] & 0xc0) | (sub[sub[0] + 1] & 0x20) | 0x04);
	for (int i = 0; i < (frame[l->Number] + 1) / 2 + 2; i++)
		pdu[n++] = frame[l->Number + i];
	pdu[n++] = sub[udl_at - 2 - (int)vp_octets(sub[sub[0] + 1])]; /* TP-PID */
	pdu[n++] = sub[udl_at - 1 - (int)vp_octets(sub[sub[0] + 1])]; /* TP-DCS */
	for (int i = 0; i < 6; i++)
		pdu[n++] = frame[l->DateTime + i];
	pdu[n++] = tz_octet(scts->tz_minutes);
	/* The SC passes TP-UDL and TP-UD through unchanged (9.2.2.1). */
	for (int i = 0; i <= ud_octets; i++)
		pdu[n++] = sub[udl_at + i];
	if (out_size < 2 * n + 1)
		return -ENOSPC;
	hex_encode(pdu, n, out_hex);
	*tpdu_len = (int)(n - sub[0] - 1);
	return 0;
}
