/* Helpers of the hostile-input tests over it_base.h: what an attacker can send through the
 * simulator (a forged sender, a raw SMS-DELIVER), the TPDUs of the message kinds a phone's
 * keyboard cannot make, and what the base's store kept. */
#ifndef M2_SEC_UTIL_H
#define M2_SEC_UTIL_H

#include "it_base.h"

#include <stddef.h>
#include <stdint.h>

/* `m2mon sim send --spoof`: `text` from `from`, which may be a modem's own number. */
void sec_send_spoofed(const struct it_base *b, const char *from, const char *to, const char *text);

/* `m2mon sim send --tpdu HEX` of an SMS-DELIVER made by sec_deliver_hex. */
void sec_send_tpdu(const struct it_base *b, const char *from, const char *to, const char *hex);

/* The hex of an SMS-DELIVER TPDU (TS 23.040 9.2.2.1) from `from` (a number, or a name such as
 * an operator's, which only a network can send): TP-PID `pid`, TP-DCS `dcs`
 * (a 7-bit one when `text` is given), the user data header `udh` (`udh_len` octets, none when
 * 0) and the user data: `text` packed as GSM 7-bit septets (ASCII letters, digits and spaces
 * only), or else the `ud_len` octets of `ud`. */
void sec_deliver_hex(const char *from, uint8_t pid, uint8_t dcs, const uint8_t *udh, size_t udh_len,
		     const char *text, const uint8_t *ud, size_t ud_len, char *hex, size_t size);

/* The first column of the first row of `sql` on the SQLite file at `path`, opened read-only
 * (WAL: while the daemon runs). */
int sec_db_int(const char *path, const char *sql);

/* The result of PRAGMA integrity_check on the SQLite file at `path` ("ok" when intact) and
 * the number of its tables, opened read-only. */
void sec_db_check(const char *path, char *result, size_t size, int *tables);

/* True when the file at `path` holds `needle` anywhere. */
bool sec_file_has(const char *path, const char *needle);

#endif
