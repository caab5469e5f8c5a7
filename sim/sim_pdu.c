/* SMS TPDUs for the simulated network: SMS-SUBMIT decoding, SMS-DELIVER and
 * SMS-STATUS-REPORT building, and splitting a long text, all with libgammu's codec. The
 * octet layout of each TPDU (TS 23.040 9.2.2) is assembled from the fields gammu encodes at
 * the offsets of its PHONE_SMS* layouts, the way gammu's own AT driver does. */
#include "sim_pdu.h"

#include "hex.h"

#include <gammu.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TPDU_UD_MAX          140
#define FO_MTI_MASK          0x03
#define FO_MTI_SUBMIT        0x01
#define FO_MTI_STATUS_REPORT 0x02
#define FO_MMS_NO_MORE       0x04 /* TS 23.040 9.2.3.2: no more messages waiting */
#define FO_SRR               0x20 /* TS 23.040 9.2.3.5 */
#define FO_VPF_SHIFT         3

const char *sim_coding_str(enum sim_coding coding)
{
	switch (coding) {
	case SIM_CODING_GSM7:
		return "gsm7";
	case SIM_CODING_8BIT:
		return "8bit";
	case SIM_CODING_UCS2:
		return "ucs2";
	}
	return "?";
}

static bool number_ok(const char *number)
{
	size_t i = number[0] == '+' ? 1 : 0;
	size_t digits = 0;
	for (; number[i]; i++, digits++)
		if (number[i] < '0' || number[i] > '9')
			return false;
	return digits >= 1 && digits <= 20;
}

/* Strict UTF-8 (RFC 3629): no overlongs, no surrogates, nothing above U+10FFFF. */
static bool utf8_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		unsigned c = *p;
		int n = c < 0x80             ? 0
			: (c & 0xE0) == 0xC0 ? 1
			: (c & 0xF0) == 0xE0 ? 2
			: (c & 0xF8) == 0xF0 ? 3
					     : -1;
		if (n < 0 || (n == 1 && c < 0xC2) || c > 0xF4)
			return false;
		unsigned long cp = c & (0x7F >> n);
		for (int k = 1; k <= n; k++) {
			if ((p[k] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (p[k] & 0x3F);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
		    (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		p += n + 1;
	}
	return true;
}

/* Gammu's UCS-2 string -> UTF-8 in `out`; -EMSGSIZE when it does not fit. */
static int unicode_to_utf8(const unsigned char *src, char *out, size_t out_size)
{
	size_t chars = UnicodeLength(src);
	char *tmp = malloc(chars * 4 + 8);
	if (!tmp)
		return -ENOMEM;
	EncodeUTF8(tmp, src);
	size_t n = strlen(tmp);
	int rc = 0;
	if (n >= out_size)
		rc = -EMSGSIZE;
	else
		memcpy(out, tmp, n + 1);
	free(tmp);
	return rc;
}

/* The DCS of the alphabet a TP-DCS stands for, in the form libgammu reads (TS 23.038 4): the
 * automatic-deletion group 01xx means what 00xx means, and reserved codings and bits are
 * taken as the GSM 7 bit default alphabet; libgammu would read them as 8-bit data. */
static uint8_t dcs_plain(uint8_t dcs)
{
	switch (dcs >> 4) {
	case 0x0:
	case 0x1:
	case 0x2:
	case 0x3:
	case 0x4:
	case 0x5:
	case 0x6:
	case 0x7:
		dcs &= (uint8_t)~0x40;
		return (dcs & 0x0C) == 0x0C ? (uint8_t)(dcs & ~0x0C) : dcs;
	case 0xC:
	case 0xD:
	case 0xE:
		return (uint8_t)(dcs & ~0x04);
	case 0xF:
		return (uint8_t)(dcs & ~0x08);
	default:
		return 0x00;
	}
}

/* TP-UDL counts septets for the GSM 7 bit alphabet, octets otherwise (TS 23.040 9.2.3.16). */
static bool udl_in_septets(uint8_t dcs)
{
	dcs = dcs_plain(dcs);
	switch (dcs >> 4) {
	case 0x0:
	case 0x1:
	case 0x2:
	case 0x3:
		return (dcs & 0x2C) == 0; /* uncompressed, alphabet 00 */
	case 0xC:
	case 0xD:
		return true;
	case 0xF:
		return (dcs & 0x04) == 0;
	default:
		return false;
	}
}

/* The offset of TP-DCS in an SMS-SUBMIT (TS 23.040 9.2.2.2), or -EINVAL. */
static int submit_dcs_pos(const uint8_t *tpdu, size_t len)
{
	if (len < 7 || (tpdu[0] & FO_MTI_MASK) != FO_MTI_SUBMIT || tpdu[2] > 20)
		return -EINVAL;
	return 2 + 2 + (tpdu[2] + 1) / 2 + 1; /* FO, MR, TP-DA, TP-PID */
}

int sim_pdu_submit_size(const uint8_t *tpdu, size_t len)
{
	int dcs_pos = submit_dcs_pos(tpdu, len);
	if (dcs_pos < 0)
		return -EINVAL;
	int vpf = (tpdu[0] >> FO_VPF_SHIFT) & 3;
	size_t pos = (size_t)dcs_pos + 1 + (vpf == 0 ? 0 : vpf == 2 ? 1 : 7);
	if (pos >= len)
		return -EINVAL;
	size_t udl = tpdu[pos];
	size_t octets = udl_in_septets(tpdu[dcs_pos]) ? (udl * 7 + 7) / 8 : udl;
	if (octets > TPDU_UD_MAX)
		return -EINVAL;
	return (int)(pos + 1 + octets);
}

static int part_from_gammu(const GSM_SMSMessage *sms, struct sim_part *part)
{
	switch (sms->Coding) {
	case SMS_Coding_Default_No_Compression:
	case SMS_Coding_Unicode_No_Compression:
		part->coding =
			sms->Coding == SMS_Coding_Unicode_No_Compression ? SIM_CODING_UCS2 : SIM_CODING_GSM7;
		if (unicode_to_utf8(sms->Text, part->text, sizeof(part->text)) < 0)
			return -EINVAL;
		break;
	case SMS_Coding_8bit:
		part->coding = SIM_CODING_8BIT;
		if (sms->Length < 0 || sms->Length > TPDU_UD_MAX)
			return -EINVAL;
		hex_encode(sms->Text, (size_t)sms->Length, part->text);
		break;
	case SMS_Coding_Unicode_Compression:
	case SMS_Coding_Default_Compression:
		return -EINVAL; /* TS 23.042 compression: no handset sends it */
	}
	memset(&part->concat, 0, sizeof(part->concat));
	if ((sms->UDH.Type == UDH_ConcatenatedMessages || sms->UDH.Type == UDH_ConcatenatedMessages16bit) &&
	    sms->UDH.AllParts > 1 && sms->UDH.PartNumber >= 1 && sms->UDH.PartNumber <= sms->UDH.AllParts) {
		int ref = sms->UDH.Type == UDH_ConcatenatedMessages ? sms->UDH.ID8bit : sms->UDH.ID16bit;
		part->concat.ref = (uint16_t)(ref < 0 ? 0 : ref);
		part->concat.total = (uint8_t)sms->UDH.AllParts;
		part->concat.seq = (uint8_t)sms->UDH.PartNumber;
	}
	return 0;
}

int sim_pdu_decode_submit(const uint8_t *tpdu, size_t len, struct sim_submit *out)
{
	int size = sim_pdu_submit_size(tpdu, len);
	if (size < 0 || (size_t)size > len)
		return -EINVAL; /* refused here, before gammu reads past the end */
	uint8_t plain[SIM_TPDU_MAX];
	memcpy(plain, tpdu, (size_t)size);
	int dcs_pos = submit_dcs_pos(tpdu, len);
	plain[dcs_pos] = dcs_plain(tpdu[dcs_pos]);
	GSM_SMSMessage *sms = calloc(1, sizeof(*sms));
	if (!sms)
		return -ENOMEM;
	size_t final_pos = 0;
	int rc = -EINVAL;
	GSM_Error err = GSM_DecodePDUFrame(GSM_GetGlobalDebug(), sms, plain, (size_t)size, &final_pos, FALSE);
	if (err != ERR_NONE || sms->PDU != SMS_Submit)
		goto out;
	memset(out, 0, sizeof(*out));
	if (unicode_to_utf8(sms->Number, out->to, sizeof(out->to)) < 0 || !number_ok(out->to))
		goto out;
	if (part_from_gammu(sms, &out->part) < 0)
		goto out;
	out->status_report = (tpdu[0] & FO_SRR) != 0;
	out->mr = tpdu[1];
	rc = 0;
out:
	free(sms);
	return rc;
}

static void to_gammu_time(time_t t, GSM_DateTime *dt)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	memset(dt, 0, sizeof(*dt));
	dt->Year = tm.tm_year + 1900;
	dt->Month = tm.tm_mon + 1;
	dt->Day = tm.tm_mday;
	dt->Hour = tm.tm_hour;
	dt->Minute = tm.tm_min;
	dt->Second = tm.tm_sec;
	dt->Timezone = 0;
}

static int fill_text(GSM_SMSMessage *sms, const struct sim_part *part)
{
	size_t n = strlen(part->text);
	switch (part->coding) {
	case SIM_CODING_GSM7:
	case SIM_CODING_UCS2:
		if (!utf8_ok(part->text) || n * 2 + 2 > sizeof(sms->Text))
			return -EINVAL;
		DecodeUTF8(sms->Text, part->text, n);
		sms->Coding = part->coding == SIM_CODING_GSM7 ? SMS_Coding_Default_No_Compression
							      : SMS_Coding_Unicode_No_Compression;
		return 0;
	case SIM_CODING_8BIT:
		if (hex_decode(part->text, n, sms->Text, TPDU_UD_MAX) < 0)
			return -EINVAL;
		sms->Length = (int)(n / 2);
		sms->Coding = SMS_Coding_8bit;
		return 0;
	}
	return -EINVAL;
}

/* Encodes a DELIVER into gammu's phone-layout `frame`; returns the user data octet count. */
static int encode_deliver_frame(const char *from, const struct sim_part *part, time_t scts,
				unsigned char *frame)
{
	if (!number_ok(from))
		return -EINVAL;
	GSM_SMSMessage *sms = calloc(1, sizeof(*sms));
	if (!sms)
		return -ENOMEM;
	GSM_SetDefaultSMSData(sms);
	/* libgammu's default is Class 0, which it encodes as DCS 0xF0: a flash SMS that a
	 * handset shows and does not store (TS 23.038 clause 4). A network relays no class. */
	sms->Class = -1;
	sms->PDU = SMS_Deliver;
	DecodeUTF8(sms->Number, from, strlen(from));
	to_gammu_time(scts, &sms->DateTime);
	int rc = fill_text(sms, part);
	if (rc == 0 && part->concat.total > 1) {
		sms->UDH.Type =
			part->concat.ref > 0xFF ? UDH_ConcatenatedMessages16bit : UDH_ConcatenatedMessages;
		sms->UDH.ID8bit = part->concat.ref > 0xFF ? -1 : part->concat.ref;
		sms->UDH.ID16bit = part->concat.ref > 0xFF ? part->concat.ref : -1;
		sms->UDH.PartNumber = part->concat.seq;
		sms->UDH.AllParts = part->concat.total;
		GSM_EncodeUDHHeader(GSM_GetGlobalDebug(), &sms->UDH);
	}
	int length = 0;
	if (rc == 0 &&
	    GSM_EncodeSMSFrame(GSM_GetGlobalDebug(), sms, frame, PHONE_SMSDeliver, &length, TRUE) != ERR_NONE)
		rc = -EINVAL;
	free(sms);
	if (rc < 0)
		return rc;
	int ud = length - PHONE_SMSDeliver.Text;
	return ud < 0 || ud > TPDU_UD_MAX ? -EINVAL : ud;
}

static size_t address_octets(const unsigned char *addr)
{
	return 2 + (addr[0] + 1u) / 2u; /* digit count, type of address, BCD digits */
}

int sim_pdu_build_deliver(const char *from, const struct sim_part *part, time_t scts, uint8_t *out)
{
	unsigned char frame[1024] = {0};
	int ud = encode_deliver_frame(from, part, scts, frame);
	if (ud < 0)
		return ud;
	const GSM_SMSMessageLayout L = PHONE_SMSDeliver;
	size_t n = 0;
	out[n++] = frame[L.firstbyte] | FO_MMS_NO_MORE;
	size_t alen = address_octets(frame + L.Number);
	memcpy(out + n, frame + L.Number, alen);
	n += alen;
	out[n++] = frame[L.TPPID];
	out[n++] = frame[L.TPDCS];
	memcpy(out + n, frame + L.DateTime, 7);
	n += 7;
	out[n++] = frame[L.TPUDL];
	memcpy(out + n, frame + L.Text, (size_t)ud);
	n += (size_t)ud;
	return (int)n;
}

int sim_pdu_build_status_report(uint8_t mr, const char *to, time_t scts, time_t discharge, uint8_t status,
				uint8_t *out)
{
	static const struct sim_part empty = {.text = "", .coding = SIM_CODING_GSM7};
	unsigned char frame_sc[1024] = {0}, frame_dt[1024] = {0};
	if (encode_deliver_frame(to, &empty, scts, frame_sc) < 0 ||
	    encode_deliver_frame(to, &empty, discharge, frame_dt) < 0)
		return -EINVAL;
	const GSM_SMSMessageLayout L = PHONE_SMSDeliver;
	size_t n = 0;
	out[n++] = FO_MTI_STATUS_REPORT | FO_MMS_NO_MORE;
	out[n++] = mr;
	size_t alen = address_octets(frame_sc + L.Number);
	memcpy(out + n, frame_sc + L.Number, alen);
	n += alen;
	memcpy(out + n, frame_sc + L.DateTime, 7);
	n += 7;
	memcpy(out + n, frame_dt + L.DateTime, 7);
	n += 7;
	out[n++] = status;
	return (int)n;
}

static int encode_multipart(const char *text, bool ucs2, GSM_MultiSMSMessage *multi)
{
	size_t n = strlen(text);
	unsigned char *uni = calloc(1, n * 2 + 4);
	if (!uni)
		return -ENOMEM;
	DecodeUTF8(uni, text, n);
	GSM_MultiPartSMSInfo info;
	GSM_ClearMultiPartSMSInfo(&info);
	info.EntriesNum = 1;
	info.UnicodeCoding = ucs2;
	info.Entries[0].ID = ucs2 ? SMS_ConcatenatedTextLong : SMS_ConcatenatedAutoTextLong;
	info.Entries[0].Buffer = uni;
	GSM_Error err = GSM_EncodeMultiPartSMS(GSM_GetGlobalDebug(), &info, multi);
	free(uni);
	if (err != ERR_NONE)
		return -EMSGSIZE;
	return multi->Number;
}

int sim_pdu_split(const char *text, bool ucs2, uint8_t ref, struct sim_part *parts)
{
	if (!text[0] || !utf8_ok(text))
		return -EINVAL;
	GSM_MultiSMSMessage *multi = calloc(1, sizeof(*multi));
	if (!multi)
		return -ENOMEM;
	int n = encode_multipart(text, ucs2, multi);
	if (n > SIM_MAX_PARTS)
		n = -EMSGSIZE;
	if (n == 0)
		n = -EINVAL;
	for (int i = 0; i < n; i++) {
		if (part_from_gammu(&multi->SMS[i], &parts[i]) < 0) {
			n = -EINVAL;
			break;
		}
		parts[i].concat = (struct sim_concat){0};
		if (n > 1)
			parts[i].concat =
				(struct sim_concat){.ref = ref, .total = (uint8_t)n, .seq = (uint8_t)(i + 1)};
	}
	free(multi);
	return n;
}
