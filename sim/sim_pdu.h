/* The simulator's SMS codec helpers, over libgammu (never a hand-written GSM 7-bit or UCS-2
 * codec): decode the SMS-SUBMIT a modem sends, build the SMS-DELIVER and SMS-STATUS-REPORT
 * the network hands to a modem (3GPP TS 23.040 9.2.2), and split a phone's long text into
 * concatenated parts (TS 23.040 9.2.3.24.1).
 *
 * TPDUs here never carry the SMSC octets: the modem adds or strips them (vmodem.h). Texts are
 * UTF-8. Every function is pure and reentrant with respect to the caller's buffers. */
#ifndef M2_SIM_PDU_H
#define M2_SIM_PDU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define SIM_TPDU_MAX      176 /* longest SMS TPDU: header (at most 36) + 140 octets of UD */
#define SIM_NUMBER_MAX    24  /* "+" and up to 20 digits, NUL */
#define SIM_PART_TEXT_MAX 560 /* one part's UTF-8 text (160 GSM chars of up to 3 bytes) */
#define SIM_MAX_PARTS     16  /* longest text a phone may send: 16 concatenated parts */

/* TP-Status (TS 23.040 9.2.3.15). */
#define SIM_TP_STATUS_DELIVERED    0x00 /* short message received by the SME */
#define SIM_TP_STATUS_INCOMPATIBLE 0x41 /* permanent error: incompatible destination */

/* TP-Data-Coding-Scheme alphabet (TS 23.038 4). */
enum sim_coding {
	SIM_CODING_GSM7,
	SIM_CODING_8BIT,
	SIM_CODING_UCS2,
};

/* "gsm7", "8bit", "ucs2": the names in sms.jsonl and the control socket. */
const char *sim_coding_str(enum sim_coding coding);

/* Concatenation information element (TS 23.040 9.2.3.24.1 and .8); total 0 = a single SMS. */
struct sim_concat {
	uint16_t ref;
	uint8_t total;
	uint8_t seq; /* 1..total */
};

/* One part of a message as the network carries it. For SIM_CODING_8BIT the text is the user
 * data in upper-case hex, since it is not text. */
struct sim_part {
	char text[SIM_PART_TEXT_MAX];
	enum sim_coding coding;
	struct sim_concat concat;
};

struct sim_submit {
	char to[SIM_NUMBER_MAX]; /* TP-Destination-Address, "+" prefixed when international */
	struct sim_part part;
	bool status_report; /* TP-Status-Report-Request (9.2.3.5) */
	uint8_t mr;         /* TP-Message-Reference (9.2.3.6) */
};

/* The length in octets of the SMS-SUBMIT whose header starts `tpdu` (TS 23.040 9.2.2.2: TP-DA,
 * TP-VPF, then TP-UDL in septets or octets as TP-DCS says), read from at most `len` octets.
 * Returns it (it may be more or less than `len`: the caller compares), or -EINVAL when it is
 * not an SMS-SUBMIT, the address is over 20 digits, the header does not fit in `len` or the
 * user data is over 140 octets. */
int sim_pdu_submit_size(const uint8_t *tpdu, size_t len);

/* Decodes an SMS-SUBMIT TPDU of `len` octets. Returns 0, or -EINVAL when it is not a
 * well-formed SMS-SUBMIT (wrong TP-MTI, lengths that do not add up, address or user data
 * longer than the PDU, a coding gammu cannot decode); `out` is then unspecified. */
int sim_pdu_decode_submit(const uint8_t *tpdu, size_t len, struct sim_submit *out);

/* Builds the SMS-DELIVER TPDU of one part: originator `from`, TP-SCTS `scts` (UTC, as the
 * network stamps it), the part's text in its coding, with the concatenation UDH when
 * part->concat.total > 1. Writes at most SIM_TPDU_MAX octets to `out`. Returns the length,
 * or -EINVAL (bad number, text that does not fit one part, bad hex for 8-bit data). */
int sim_pdu_build_deliver(const char *from, const struct sim_part *part, time_t scts, uint8_t *out);

/* Builds an SMS-STATUS-REPORT TPDU (TS 23.040 9.2.2.3): message reference `mr` of the
 * submitted SMS, recipient address `to`, TP-SCTS `scts`, TP-Discharge-Time `discharge` and
 * TP-Status `status`. Returns the length (at most SIM_TPDU_MAX), or -EINVAL for a bad number. */
int sim_pdu_build_status_report(uint8_t mr, const char *to, time_t scts, time_t discharge, uint8_t status,
				uint8_t *out);

/* Splits the UTF-8 `text` into parts: GSM 7-bit with the extension table when every
 * character has a GSM encoding, UCS-2 when `ucs2` is set or some character needs it.
 * Concatenated parts get reference `ref` (8-bit IE) and sequence numbers 1..n. Fills
 * parts[0..n-1] (caller-owned, SIM_MAX_PARTS entries) and returns n >= 1, or -EINVAL for
 * invalid UTF-8 or an empty text, -EMSGSIZE when it needs more than SIM_MAX_PARTS parts. */
int sim_pdu_split(const char *text, bool ucs2, uint8_t ref, struct sim_part *parts);

#endif
