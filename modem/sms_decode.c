/* SMS-DELIVER and SMS-STATUS-REPORT decoding over libgammu's GSM_DecodePDUFrame. libgammu
 * trusts the length octets it reads, so every field is first walked here against the data
 * actually present (TS 23.040 9.2.2.1-9.2.2.3; SUBMITs too, for the SC in sms_encode.c) and
 * a lie is reported by name; only then does libgammu decode, and its results are copied out
 * of its structures at once. */
#include "hex.h"
#include "sms_codec.h"
#include "sms_util.h"

#include <errno.h>
#include <gammu.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct walk {
	const uint8_t *p;
	size_t n;
	size_t pos;
	size_t udl_at;
	size_t scts_at, dt_at;
	char *why;
	size_t why_size;
};

__attribute__((format(printf, 2, 3))) static int fail(struct walk *w, const char *fmt, ...)
{
	va_list ap;

	if (w->why != NULL && w->why_size > 0) {
		va_start(ap, fmt);
		vsnprintf(w->why, w->why_size, fmt, ap);
		va_end(ap);
	}
	return -EBADMSG;
}

/* Consumes `len` octets of field `name`, or fails naming it. */
static int take(struct walk *w, size_t len, const char *name)
{
	if (w->n - w->pos < len)
		return fail(w, "PDU truncated in %s: needs %zu octets at offset %zu, %zu left", name, len,
			    w->pos, w->n - w->pos);
	w->pos += len;
	return 0;
}

/* An address: length in digits (semi-octets), type of address, the digits (9.1.2.5). */
static int take_address(struct walk *w, const char *name)
{
	unsigned digits;
	int err = take(w, 1, name);

	if (err)
		return err;
	digits = w->p[w->pos - 1];
	if (digits > 20)
		return fail(w, "%s length %u exceeds 20 digits (TS 23.040 9.1.2.5)", name, digits);
	return take(w, 1 + (digits + 1) / 2, name);
}

/* TP-UDL and TP-UD; `dcs` decides whether UDL counts septets or octets (9.2.3.16). */
static int take_user_data(struct walk *w, uint8_t first, uint8_t dcs)
{
	GSM_Coding_Type coding = GSM_GetMessageCoding(NULL, (char)dcs);
	unsigned udl, octets;
	int err;

	w->udl_at = w->pos;
	err = take(w, 1, "TP-UDL");

	if (err)
		return err;
	udl = w->p[w->pos - 1];
	if (coding == SMS_Coding_Default_Compression || coding == SMS_Coding_Unicode_Compression)
		return fail(w, "compressed user data (DCS 0x%02X, TS 23.038 4) is not supported", dcs);
	if (coding == SMS_Coding_Default_No_Compression) {
		if (udl > 160)
			return fail(w, "TP-UDL %u exceeds 160 septets", udl);
		octets = (udl * 7 + 7) / 8;
	} else {
		if (udl > 140)
			return fail(w, "TP-UDL %u exceeds 140 octets", udl);
		octets = udl;
	}
	if (w->n - w->pos < octets)
		return fail(w, "TP-UDL announces %u octets of user data, only %zu present", octets,
			    w->n - w->pos);
	/* A header flag with no user data at all is read as an empty message, as libgammu does
	 * (a stored SUBMIT in gammu's tests, at-sms/20). */
	if ((first & 0x40) && octets > 0 && w->p[w->pos] + 1u > octets)
		return fail(w, "user data header length %u does not fit %u octets of user data",
			    octets ? w->p[w->pos] : 0, octets);
	w->pos += octets;
	return 0;
}

/* TPDU of an SMS-DELIVER after its first octet. */
static int walk_deliver(struct walk *w, uint8_t first)
{
	int err = take_address(w, "TP-OA");
	uint8_t dcs;

	if (!err)
		err = take(w, 1, "TP-PID");
	if (!err)
		err = take(w, 1, "TP-DCS");
	if (err)
		return err;
	dcs = w->p[w->pos - 1];
	w->scts_at = w->pos;
	err = take(w, 7, "TP-SCTS");
	return err ? err : take_user_data(w, first, dcs);
}

/* TPDU of an SMS-STATUS-REPORT after its first octet. The optional TP-PI and what it
 * announces may follow TP-ST (9.2.2.3); they carry nothing we use and are not checked. */
static int walk_report(struct walk *w)
{
	int err = take(w, 1, "TP-MR");

	if (!err)
		err = take_address(w, "TP-RA");
	w->scts_at = w->pos;
	if (!err)
		err = take(w, 7, "TP-SCTS");
	w->dt_at = w->pos;
	if (!err)
		err = take(w, 7, "TP-DT");
	return err ? err : take(w, 1, "TP-ST");
}

/* TPDU of an SMS-SUBMIT after its first octet; TP-VPF says how long TP-VP is (9.2.3.3). */
static int walk_submit(struct walk *w, uint8_t first)
{
	static const size_t vp_len[4] = {0, 7, 1, 7};
	int err = take(w, 1, "TP-MR");
	uint8_t dcs;

	if (!err)
		err = take_address(w, "TP-DA");
	if (!err)
		err = take(w, 1, "TP-PID");
	if (!err)
		err = take(w, 1, "TP-DCS");
	if (err)
		return err;
	dcs = w->p[w->pos - 1];
	err = take(w, vp_len[(first >> 3) & 0x03], "TP-VP");
	return err ? err : take_user_data(w, first, dcs);
}

int sms_pdu_walk(const uint8_t *p, size_t n, int tpdu_len, struct sms_pdu_shape *shape, char *why,
		 size_t why_size)
{
	struct walk w = {.p = p, .n = n, .why = why, .why_size = why_size};
	uint8_t first;
	int err;

	if (n == 0)
		return fail(&w, "empty PDU");
	if (p[0] > 11)
		return fail(&w,
			    "SMSC length %u exceeds 11 octets: is the SMSC field missing? "
			    "(TS 27.005 3.1)",
			    p[0]);
	err = take(&w, 1u + p[0], "SMSC address");
	if (err)
		return err;
	if (tpdu_len >= 0 && (size_t)tpdu_len != w.n - w.pos)
		return fail(&w, "modem announced %d TPDU octets, the PDU carries %zu", tpdu_len, w.n - w.pos);
	err = take(&w, 1, "first octet");
	if (err)
		return err;
	first = p[w.pos - 1];
	shape->mti = (enum sms_mti)(first & 0x03);
	switch (shape->mti) {
	case SMS_MTI_DELIVER:
		err = walk_deliver(&w, first);
		break;
	case SMS_MTI_SUBMIT:
		err = walk_submit(&w, first);
		break;
	case SMS_MTI_STATUS_REPORT:
		err = walk_report(&w);
		break;
	case SMS_MTI_RESERVED:
		return fail(&w, "first octet 0x%02X has the reserved message type 11 (9.2.3.1)", first);
	}
	shape->udl_at = w.udl_at;
	shape->scts_at = w.scts_at;
	shape->dt_at = w.dt_at;
	shape->end = w.pos;
	return err;
}

static int days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int era = y / 400;
	int yoe = y - era * 400;
	int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

/* The year from its TP-SCTS octet: two swapped BCD digits with no century (9.2.3.11);
 * 90-99 are taken as 1990s. libgammu adds 1990 to those, making 95 and 85 both 2085. */
static int scts_year(uint8_t octet)
{
	int yy = (octet & 0x0f) * 10 + (octet >> 4);

	return yy < 90 ? 2000 + yy : 1900 + yy;
}

/* libgammu keeps the zone in seconds east (9.2.3.11). */
static void copy_time(const GSM_DateTime *dt, uint8_t year_octet, struct sms_time *out)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int year = scts_year(year_octet);

	memset(out, 0, sizeof(*out));
	if ((year_octet & 0x0f) > 9 || (year_octet >> 4) > 9 || dt->Month < 1 || dt->Month > 12 ||
	    dt->Day < 1 || dt->Day > mdays[dt->Month - 1] || dt->Hour > 23 || dt->Minute > 59 ||
	    dt->Second > 59 || dt->Timezone < -18 * 3600 || dt->Timezone > 18 * 3600)
		return;
	out->valid = true;
	out->year = year;
	out->month = dt->Month;
	out->day = dt->Day;
	out->hour = dt->Hour;
	out->minute = dt->Minute;
	out->second = dt->Second;
	out->tz_minutes = dt->Timezone / 60;
	out->utc_s = (int64_t)days_from_civil(year, dt->Month, dt->Day) * 86400 + dt->Hour * 3600 +
		     dt->Minute * 60 + dt->Second - dt->Timezone;
}

static void copy_number(const unsigned char *gammu_str, char *out)
{
	sms_utf16be_to_utf8(gammu_str, UnicodeLength(gammu_str), out, SMS_NUMBER_MAX);
}

/* The octets of the header libgammu copied: its Length is taken from the PDU and may be more
 * than its Text holds (found by fuzz_pdu). */
static int udh_length(const GSM_UDHHeader *udh)
{
	return udh->Length < (int)sizeof(udh->Text) ? udh->Length : (int)sizeof(udh->Text);
}

/* Concatenation IEs that libgammu does not recognise because other IEs share the header:
 * walk the IEs (TS 23.040 9.2.3.24) for IEI 00 (8-bit ref) or 08 (16-bit ref). */
static void find_concat_ie(const GSM_UDHHeader *udh, struct sms_concat *c)
{
	int len = udh_length(udh), i = 1;

	while (i + 2 <= len) {
		int iei = udh->Text[i], iedl = udh->Text[i + 1];
		const unsigned char *d = &udh->Text[i + 2];

		if (i + 2 + iedl > len)
			return;
		if (iei == 0x00 && iedl == 3) {
			*c = (struct sms_concat){true, false, d[0], d[1], d[2]};
			return;
		}
		if (iei == 0x08 && iedl == 4) {
			*c = (struct sms_concat){true, true, (uint16_t)(d[0] << 8 | d[1]), d[2], d[3]};
			return;
		}
		i += 2 + iedl;
	}
}

static void copy_concat(const GSM_UDHHeader *udh, struct sms_concat *c)
{
	memset(c, 0, sizeof(*c));
	if (udh->Type == UDH_ConcatenatedMessages)
		*c = (struct sms_concat){true, false, (uint16_t)udh->ID8bit, (uint8_t)udh->AllParts,
					 (uint8_t)udh->PartNumber};
	else if (udh->Type == UDH_ConcatenatedMessages16bit)
		*c = (struct sms_concat){true, true, (uint16_t)udh->ID16bit, (uint8_t)udh->AllParts,
					 (uint8_t)udh->PartNumber};
	else if (udh->Type != UDH_NoUDH)
		find_concat_ie(udh, c);
	/* A zero or out-of-range part number makes the receiver ignore the IE (9.2.3.24.1). */
	if (c->present && (c->total == 0 || c->seq == 0 || c->seq > c->total))
		memset(c, 0, sizeof(*c));
}

static void copy_text(const GSM_SMSMessage *m, struct sms_decoded *out)
{
	switch (m->Coding) {
	case SMS_Coding_Unicode_No_Compression:
		out->encoding = SMS_ENCODING_UCS2;
		out->text_len = sms_utf16be_to_utf8(m->Text, (size_t)m->Length, out->text, sizeof(out->text));
		return;
	case SMS_Coding_Default_No_Compression:
		out->encoding = SMS_ENCODING_GSM7;
		out->text_len =
			sms_utf16be_to_utf8(m->Text, UnicodeLength(m->Text), out->text, sizeof(out->text));
		return;
	case SMS_Coding_8bit:
	case SMS_Coding_Default_Compression:
	case SMS_Coding_Unicode_Compression:
		break;
	}
	out->encoding = SMS_ENCODING_8BIT;
	out->text_len = (size_t)m->Length * 2;
	hex_encode(m->Text, (size_t)m->Length, out->text);
}

/* The IEs of the header (9.2.3.24) that make a message something else than text: 01 special
 * SMS indication, 04 and 05 application ports (9.2.3.24.3, .4). */
static void content_of_udh(const GSM_UDHHeader *udh, struct sms_decoded *out)
{
	int len = udh_length(udh);
	for (int i = 1; udh->Type != UDH_NoUDH && i + 2 <= len;) {
		int iei = udh->Text[i], iedl = udh->Text[i + 1];
		const unsigned char *d = &udh->Text[i + 2];
		if (i + 2 + iedl > len)
			return;
		if (iei == 0x01) {
			out->content = SMS_CONTENT_WAITING;
			return;
		}
		if ((iei == 0x04 && iedl == 2) || (iei == 0x05 && iedl == 4)) {
			out->content = SMS_CONTENT_PORT;
			out->port = iei == 0x04 ? d[0] : d[0] << 8 | d[1];
		}
		i += 2 + iedl;
	}
}

/* TP-PID and TP-DCS, the two octets before TP-SCTS in a DELIVER (9.2.2.1). */
static void content_of(const GSM_SMSMessage *m, uint8_t pid, uint8_t dcs, struct sms_decoded *out)
{
	unsigned group = dcs >> 4;
	out->content = SMS_CONTENT_TEXT;
	if (out->encoding == SMS_ENCODING_8BIT)
		out->content = SMS_CONTENT_DATA;
	else if ((group < 8 && (dcs & 0x10) && !(dcs & 0x03)) || (group == 0xF && !(dcs & 0x03)))
		out->content = SMS_CONTENT_FLASH; /* TS 23.038 4: class 0 */
	content_of_udh(&m->UDH, out);
	if (group >= 0xC && group <= 0xE)
		out->content = SMS_CONTENT_WAITING; /* TS 23.038 4: message waiting groups */
	if (pid == 0x40)
		out->content = SMS_CONTENT_TYPE0;
}

static void copy_message(const GSM_SMSMessage *m, enum sms_kind kind, const uint8_t *pdu,
			 const struct sms_pdu_shape *shape, struct sms_decoded *out)
{
	memset(out, 0, sizeof(*out));
	out->kind = kind;
	copy_number(m->SMSC.Number, out->smsc);
	copy_number(m->Number, out->number);
	if (kind == SMS_KIND_DELIVER || kind == SMS_KIND_SUBMIT) {
		copy_text(m, out);
		copy_concat(&m->UDH, &out->concat);
		if (kind == SMS_KIND_DELIVER) {
			copy_time(&m->DateTime, pdu[shape->scts_at], &out->scts);
			content_of(m, pdu[shape->scts_at - 2], pdu[shape->scts_at - 1], out);
		} else {
			out->message_ref = m->MessageReference;
		}
		return;
	}
	/* libgammu 1.42 keeps a report's TP-SCTS in DateTime and TP-DT in SMSCTime. */
	copy_time(&m->DateTime, pdu[shape->scts_at], &out->scts);
	copy_time(&m->SMSCTime, pdu[shape->dt_at], &out->discharge);
	out->message_ref = m->MessageReference;
	out->tp_status = m->DeliveryStatus;
	out->delivery = sms_delivery_classify(m->DeliveryStatus);
}

/* Octets after what the PDU announces: libgammu's AT driver (ATGEN_DecodePDUMessage) takes
 * a status report whatever follows it (TP-PI and its fields, 9.2.2.3), and a message padded
 * with 0xFF, or followed by data starting 0x89, as some phones store them; so does m2mon. */
static int check_trailing(struct walk *w, const uint8_t *buf, size_t n, const struct sms_pdu_shape *shape)
{
	if (shape->end >= n || shape->mti == SMS_MTI_STATUS_REPORT || buf[shape->end] == 0xff ||
	    buf[shape->end] == 0x89)
		return 0;
	return fail(w, "%zu octets follow the user data TP-UDL announces", n - shape->end);
}

int sms_decode_pdu(const char *hex, size_t hex_len, int tpdu_len, struct sms_decoded *out, char *why,
		   size_t why_size)
{
	/* Zero-padded beyond the data, so that no read by libgammu leaves this buffer. */
	uint8_t buf[PDU_OCTETS_MAX + 64] = {0};
	struct walk w = {.p = buf, .why = why, .why_size = why_size};
	struct sms_pdu_shape shape = {SMS_MTI_RESERVED, 0, 0, 0, 0};
	enum sms_kind kind;
	GSM_SMSMessage m;
	size_t bad_at = 0, end = 0;
	int n, err;

	if (why != NULL && why_size > 0)
		why[0] = '\0';
	/* Some modems (and copies of their answers) quote the PDU: "0791..." or 0791...". */
	if (hex_len > 0 && hex[hex_len - 1] == '"')
		hex_len--;
	if (hex_len > 0 && hex[0] == '"') {
		hex++;
		hex_len--;
	}
	if (hex_len == 0)
		return fail(&w, "empty PDU");
	n = sms_hex_decode(hex, hex_len, buf, PDU_OCTETS_MAX, &bad_at);
	if (n == -EMSGSIZE)
		return fail(&w, "PDU of %zu hex digits is longer than the %d octets an SMS can take", hex_len,
			    PDU_OCTETS_MAX);
	if (n < 0 && bad_at == hex_len)
		return fail(&w, "odd number of hex digits (%zu)", hex_len);
	if (n < 0)
		return fail(&w, "character 0x%02X at position %zu is not a hex digit",
			    (unsigned char)hex[bad_at], bad_at);
	(void)tpdu_len; /* not trusted: see sms_codec.h */
	err = sms_pdu_walk(buf, (size_t)n, -1, &shape, why, why_size);
	if (err)
		return err;
	err = check_trailing(&w, buf, (size_t)n, &shape);
	if (err)
		return err;
	kind = shape.mti == SMS_MTI_DELIVER  ? SMS_KIND_DELIVER
	       : shape.mti == SMS_MTI_SUBMIT ? SMS_KIND_SUBMIT
					     : SMS_KIND_STATUS_REPORT;
	memset(&m, 0, sizeof(m));
	if (GSM_DecodePDUFrame(NULL, &m, buf, (size_t)n, &end, TRUE) != ERR_NONE)
		return fail(&w, "libgammu could not decode the %s PDU", sms_kind_str(kind));
	copy_message(&m, kind, buf, &shape, out);
	return 0;
}

const char *sms_content_str(enum sms_content content)
{
	switch (content) {
	case SMS_CONTENT_TEXT:
		return "text";
	case SMS_CONTENT_FLASH:
		return "flash";
	case SMS_CONTENT_DATA:
		return "data";
	case SMS_CONTENT_PORT:
		return "port";
	case SMS_CONTENT_WAITING:
		return "waiting";
	case SMS_CONTENT_TYPE0:
		return "type0";
	}
	return "unknown";
}

const char *sms_kind_str(enum sms_kind kind)
{
	switch (kind) {
	case SMS_KIND_DELIVER:
		return "deliver";
	case SMS_KIND_STATUS_REPORT:
		return "status-report";
	case SMS_KIND_SUBMIT:
		return "submit";
	}
	return "?";
}

const char *sms_delivery_str(enum sms_delivery delivery)
{
	switch (delivery) {
	case SMS_DELIVERY_DELIVERED:
		return "delivered";
	case SMS_DELIVERY_PENDING:
		return "pending";
	case SMS_DELIVERY_FAILED:
		return "failed";
	}
	return "?";
}

enum sms_delivery sms_delivery_classify(uint8_t tp_status)
{
	if (tp_status <= 0x1f)
		return SMS_DELIVERY_DELIVERED;
	if (tp_status <= 0x3f)
		return SMS_DELIVERY_PENDING;
	return SMS_DELIVERY_FAILED;
}
