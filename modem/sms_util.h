/* Helpers shared by the SMS files and nobody else: hex, UTF-8 and libgammu's UTF-16BE
 * strings ("Unicode" in libgammu: 2 octets per unit, big-endian, ended by two zero octets). */
#ifndef M2_SMS_UTIL_H
#define M2_SMS_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* hex_decode (core/hex.h) that also tells where the hex went wrong, for the error message:
 * returns the number of octets, -EBADMSG for an odd count or a non-hex digit (its index in
 * *bad_at), -EMSGSIZE when `out` is too small. */
int sms_hex_decode(const char *hex, size_t hex_len, uint8_t *out, size_t out_size, size_t *bad_at);

/* Number of UTF-16 units `utf8` needs, or -EINVAL when it is not valid UTF-8 (overlong
 * forms, surrogates, values beyond U+10FFFF and truncated sequences are invalid). */
long sms_utf8_units(const char *utf8);

/* Converts valid UTF-8 (checked with sms_utf8_units first) to libgammu's string in `out`,
 * which has room for 2 * (units + 1) octets. */
void sms_utf8_to_gammu(const char *utf8, unsigned char *out);

/* Converts `units` UTF-16BE units of `in` to NUL-terminated UTF-8 in `out`. Pairs of
 * surrogates become one character; a lone surrogate and U+0000 become U+FFFD. Stops before
 * a character that would not fit. Returns the bytes written, without the NUL. */
size_t sms_utf16be_to_utf8(const unsigned char *in, size_t units, char *out, size_t out_size);

/* SMSC field (12 octets at most) + TPDU (164 at most, TS 27.005 3.1 <length>). */
#define PDU_OCTETS_MAX 176

/* TP-Message-Type-Indicator, as the first octet's two low bits (TS 23.040 9.2.3.1). */
enum sms_mti {
	SMS_MTI_DELIVER = 0,
	SMS_MTI_SUBMIT = 1,
	SMS_MTI_STATUS_REPORT = 2,
	SMS_MTI_RESERVED = 3,
};

struct sms_pdu_shape {
	enum sms_mti mti;
	size_t udl_at;  /* offset of TP-UDL; 0 in a status report */
	size_t scts_at; /* offset of TP-SCTS; 0 in a SUBMIT */
	size_t dt_at;   /* offset of TP-DT in a status report, else 0 */
	size_t end;     /* offset just past the user data (DELIVER, SUBMIT) or TP-ST (report):
			 * octets from here on are more than the PDU announces */
};

/* Walks `n` octets (SMSC field then TPDU) against every length they announce (TS 23.040
 * 9.2.2), so that libgammu, which trusts them, never reads past the data. Octets after
 * what the PDU announces are not an error here: shape->end tells where they start. When
 * `tpdu_len` is not -1 it must equal the TPDU octets present. Returns 0 and the PDU's shape,
 * or -EBADMSG with the reason in `why`. */
int sms_pdu_walk(const uint8_t *p, size_t n, int tpdu_len, struct sms_pdu_shape *shape, char *why,
		 size_t why_size);

#endif
