/* SMS PDUs in and out, over libgammu's GSM 03.38/03.40 codec (3GPP TS 23.038, 23.040).
 *
 * Encoding turns a number and a UTF-8 text into the SMS-SUBMIT PDUs to send with AT+CMGS in
 * PDU mode (TS 27.005 3.5.1); decoding turns the hex line that follows +CMGL:/+CMGR:/+CMT:/
 * +CDS: (SMSC octets first, TS 27.005 3.1) into a struct. Nothing here reads a clock, does
 * I/O, or knows AT syntax: callers give and get hex strings and octet counts. No state is
 * kept between calls; call from one thread (libgammu's helpers are not thread-safe).
 *
 * How the modem layer uses the SMS files:
 *   send     sms_encode_submit(); per part, AT+CMGS=<tpdu_len>, then `hex` after "> ";
 *            each +CMGS: <mr> goes to sms_reports_sent() (sms_reports.h) when a report
 *            was requested.
 *   receive  the PDU line and the <length> of its +CMGL/+CMGR/+CMT/+CDS line go to
 *            sms_decode_pdu(); a DELIVER then goes to sms_assembly_add() (sms_assembly.h),
 *            a STATUS-REPORT to sms_reports_match(), a stored SUBMIT (a SIM taken from a
 *            phone keeps its sent messages) is shown as a stored outgoing message; a PDU
 *            that does not decode is kept raw and logged with the reason, never deleted
 *            unseen. Whatever libgammu's own AT driver reads, this decoder reads
 *            (test_sms_gammu_parity feeds both the recorded answers of gammu's tests). */
#ifndef M2_SMS_CODEC_H
#define M2_SMS_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A phone number as text: an optional '+' then up to 20 digits (TS 23.040 9.1.2.5), or an
 * alphanumeric sender ("Operator") of up to 11 characters decoded to UTF-8. */
#define SMS_NUMBER_MAX 48

/* Parts one encoded text may take; libgammu's own limit is GSM_MAX_MULTI_SMS (50). */
#define SMS_MAX_PARTS 16

/* One PDU as hex: SMSC field (at most 12 octets) + TPDU (at most 164 octets), 2 digits each. */
#define SMS_PDU_HEX_MAX (2 * (12 + 164) + 1)

/* Text of one part as UTF-8: 160 septets, each at most 3 UTF-8 bytes (the euro sign), or
 * 140 octets of 8-bit data shown as 280 hex digits. */
#define SMS_PART_TEXT_MAX (160 * 3 + 1)

enum sms_encoding {
	SMS_ENCODING_GSM7, /* GSM 7-bit default alphabet with the extension table (TS 23.038 6.2.1) */
	SMS_ENCODING_UCS2, /* UCS-2 / UTF-16BE, surrogate pairs for characters beyond U+FFFF */
	SMS_ENCODING_8BIT, /* binary data; decoded text is the data as uppercase hex */
};
const char *sms_encoding_str(enum sms_encoding encoding);

/* ---- Encoding: SMS-SUBMIT ---------------------------------------------------------------- */

struct sms_submit_opts {
	/* Service centre: NULL or "" writes the single octet "00" (use the SIM's, set with
	 * AT+CSCA); otherwise an international ("+CC...") or national number. */
	const char *smsc;
	/* TP-SRR (TS 23.040 9.2.3.5): ask the network for a status report per part. */
	bool status_report;
	/* TP-VP in relative format (TS 23.040 9.2.3.12.1), rounded up to the next step the
	 * format can express and capped at 63 weeks; 0 omits the field (TP-VPF = 00), so the
	 * SMSC applies its default. */
	uint32_t validity_minutes;
	/* 8-bit concatenation reference (TS 23.040 9.2.3.24.1) written in every part of a
	 * multipart text. The caller owns the counter (e.g. stored and incremented per message)
	 * so that references of successive messages to one recipient differ. Unused when the text
	 * fits one SMS. */
	uint8_t concat_ref;
};

struct sms_submit_part {
	char hex[SMS_PDU_HEX_MAX]; /* SMSC octets then TPDU, uppercase hex: send after "> " */
	int tpdu_len;              /* octets after the SMSC field: the <length> of AT+CMGS */
};

struct sms_submit {
	enum sms_encoding encoding; /* GSM7 when every character is in the default alphabet or
				     * its extension table, else UCS2 */
	int part_count;             /* 1..SMS_MAX_PARTS */
	int units;                  /* septets (GSM7, extension characters count 2) or UTF-16 code
				     * units (UCS2) the whole text takes */
	struct sms_submit_part parts[SMS_MAX_PARTS]; /* parts[0..part_count-1], in send order */
};

/* Encodes `text` (UTF-8, may be empty) for `number` (as for SMS_NUMBER_MAX; a leading '+'
 * gives type-of-number international, TS 23.040 9.1.2.5). A text that fits one SMS (160
 * septets or 70 UTF-16 units) becomes one PDU without a header; a longer one becomes parts of
 * 153 septets or 67 units, each with an 8-bit concatenation header, never splitting an
 * extension escape or a surrogate pair across parts. TP-MR is written as 0: the modem
 * assigns the reference and reports it in +CMGS.
 * Returns 0 and fills `out`; -EINVAL when the number is empty, too long or has characters
 * other than digits after an optional '+', or when the text is not valid UTF-8 or the SMSC
 * number is invalid; -EMSGSIZE when the text needs more than SMS_MAX_PARTS parts; -EIO when
 * libgammu refuses the message. `out` is left unspecified on error. */
int sms_encode_submit(const char *number, const char *text, const struct sms_submit_opts *opts,
		      struct sms_submit *out);

/* What sms_encode_submit would choose, without building PDUs: for "this text needs 3 SMS".
 * Returns 0, -EINVAL for invalid UTF-8, -EMSGSIZE beyond SMS_MAX_PARTS. */
int sms_plan(const char *text, enum sms_encoding *encoding, int *part_count, int *units);

/* ---- Decoding: SMS-DELIVER and SMS-STATUS-REPORT ----------------------------------------- */

enum sms_kind {
	SMS_KIND_DELIVER,       /* a message from a phone or a unit (TP-MTI 00) */
	SMS_KIND_STATUS_REPORT, /* the network's report on a message we sent (TP-MTI 10) */
	SMS_KIND_SUBMIT,        /* a stored outgoing message, e.g. a phone's sent items (TP-MTI 01) */
};
const char *sms_kind_str(enum sms_kind kind);

/* TP-Status classified (TS 23.040 9.2.3.15). */
enum sms_delivery {
	SMS_DELIVERY_DELIVERED, /* 0x00-0x1F: short message transaction completed */
	SMS_DELIVERY_PENDING,   /* 0x20-0x3F: temporary error, the SC is still trying */
	SMS_DELIVERY_FAILED,    /* 0x40-0x7F (and reserved values): the SC gave up */
};
const char *sms_delivery_str(enum sms_delivery delivery);
enum sms_delivery sms_delivery_classify(uint8_t tp_status);

/* A service-centre time stamp (TS 23.040 9.2.3.11): local time of the SC and its offset. */
struct sms_time {
	bool valid;           /* false when the octets are not a calendar time (then all
			       * other fields are 0); the message is still decoded */
	int year, month, day; /* 1990-2089 (the PDU has two digits), month 1-12, day 1-31 */
	int hour, minute, second;
	int tz_minutes; /* offset from UTC in minutes, east positive (quarter hours) */
	int64_t utc_s;  /* the same instant as seconds since 1970-01-01 UTC */
};

struct sms_concat {
	bool present;  /* the message is one part of a concatenated message */
	bool ref16;    /* reference came from the 16-bit IE (TS 23.040 9.2.3.24.8) */
	uint16_t ref;  /* concatenation reference, 0-255 when !ref16 */
	uint8_t total; /* parts in the whole message, >= 1 */
	uint8_t seq;   /* this part's number, 1..total */
};

/* What a DELIVER carries besides a person's text (TS 23.040 9.2.3.9 TP-PID, TS 23.038 4
 * TP-DCS, TS 23.040 9.2.3.24 user data header). None of them is a text a person typed: a
 * daemon keeps or drops them, it never reads a command in them. */
enum sms_content {
	SMS_CONTENT_TEXT,    /* GSM 7-bit or UCS-2 text, for a person */
	SMS_CONTENT_FLASH,   /* class 0: a phone shows it at once and stores nothing */
	SMS_CONTENT_DATA,    /* 8-bit data */
	SMS_CONTENT_PORT,    /* for an application port (IEI 04/05): WAP push is 2948 */
	SMS_CONTENT_WAITING, /* a message-waiting indication: voicemail, fax, e-mail (DCS or IEI 01) */
	SMS_CONTENT_TYPE0,   /* short message type 0 (TP-PID 0x40): acknowledged and discarded */
};
const char *sms_content_str(enum sms_content content);

struct sms_decoded {
	enum sms_kind kind;
	char smsc[SMS_NUMBER_MAX]; /* service centre from the SMSC octets, "" for "00" */
	/* DELIVER: the sender (TP-OA). STATUS-REPORT: the recipient of our message (TP-RA).
	 * SUBMIT: its recipient (TP-DA). International numbers start with '+'. */
	char number[SMS_NUMBER_MAX];
	struct sms_time scts; /* DELIVER: when the SC received it. REPORT: when the SC
			       * received our message (TP-SCTS). SUBMIT: not valid */
	/* DELIVER and SUBMIT */
	enum sms_encoding encoding;
	char text[SMS_PART_TEXT_MAX]; /* NUL-terminated UTF-8 (8-bit data: uppercase hex) */
	size_t text_len;              /* bytes in text, without the NUL */
	struct sms_concat concat;
	enum sms_content content; /* DELIVER: what it is; SUBMIT: SMS_CONTENT_TEXT */
	int port;                 /* SMS_CONTENT_PORT: the destination port */
	/* STATUS-REPORT (and the TP-MR of a SUBMIT) */
	uint8_t message_ref;        /* TP-MR of the message reported on: the +CMGS value */
	uint8_t tp_status;          /* raw TP-Status */
	enum sms_delivery delivery; /* tp_status classified */
	struct sms_time discharge;  /* TP-DT: when the status was reached */
};

/* Decodes one PDU as the modem gives it in PDU mode: the SMSC field first (at least "00"),
 * then the TPDU, as hex digits (either case, no spaces). `hex_len` is the number of
 * characters to read from `hex`. `tpdu_len` is the <length> the modem announced on the
 * +CMGL/+CMGR/+CMT/+CDS line (octets without the SMSC field), or -1 when unknown; it is not
 * trusted, since libgammu's AT driver ignores it and recorded answers show modems that
 * miscount. Octets after what a report announces, and 0xFF padding (or 0x89 data) after a
 * message's user data, are ignored, as libgammu's AT driver does.
 * Returns 0 and fills `out`. On error, returns -EBADMSG and writes into `why` (when not NULL;
 * always NUL-terminated within `why_size`) one sentence naming what is wrong: odd or non-hex
 * digits, a length the header announces and the data does not carry, a truncated field, the
 * reserved message type, or what libgammu rejected. `out` is then unspecified. Never reads
 * outside `hex[0..hex_len)`. */
int sms_decode_pdu(const char *hex, size_t hex_len, int tpdu_len, struct sms_decoded *out, char *why,
		   size_t why_size);

/* ---- For a service centre: what the simulator's SMSC and the tests need -------------------- */

/* Turns an SMS-SUBMIT PDU as a TE sends it (SMSC field first) into the SMS-DELIVER PDU the
 * recipient's modem shows (TS 23.040 9.2.2.1): same SMSC field, TP-PID and TP-DCS, TP-UDL
 * and TP-UD copied octet for octet, TP-SRI set when TP-SRR was; `originator` (as for
 * sms_encode_submit) as TP-OA; `scts` (valid, year 2000-2099, zone within 18 h) as
 * TP-SCTS. Writes hex into
 * `out_hex` (SMS_PDU_HEX_MAX chars suffice) and the TPDU octets into *tpdu_len.
 * Returns 0; -EBADMSG when `submit_hex` is not a well-formed SMS-SUBMIT; -EINVAL when the
 * originator or the time is invalid; -ENOSPC when `out_size` is too small. */
int sms_deliver_from_submit(const char *submit_hex, const char *originator, const struct sms_time *scts,
			    char *out_hex, size_t out_size, int *tpdu_len);

#endif
