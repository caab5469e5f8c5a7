/* The few PDU facts the modem itself needs (TS 23.040, TS 24.011): the SMSC address octets it
 * prefixes to listed PDUs and the message class of a delivery. Everything else about PDUs
 * (the SMS-SUBMIT it checks, the SMS-DELIVERs it builds) is sim_pdu's. */
#include "vmodem_int.h"

#include "hex.h"

#include <errno.h>
#include <string.h>

/* TS 24.008 10.5.4.9 / TS 23.040 9.1.2.5: swapped semi-octets, F-filled. Returns octets. */
static size_t put_address(const char *number, uint8_t *out)
{
	size_t n = 0;
	for (const char *p = number; *p; p++) {
		if (*p < '0' || *p > '9')
			continue;
		uint8_t d = (uint8_t)(*p - '0');
		if (n % 2 == 0)
			out[n / 2] = (uint8_t)(0xF0 | d);
		else
			out[n / 2] = (uint8_t)((out[n / 2] & 0x0F) | d << 4);
		n++;
	}
	return (n + 1) / 2;
}

size_t vmodem_pdu_smsc_hex(const char *number, int type, char *out, size_t size)
{
	uint8_t buf[14];
	size_t digits = 0;
	for (const char *p = number; *p; p++)
		digits += *p >= '0' && *p <= '9';
	if (digits == 0 || digits > 20 || size < 2 * 13 + 1) {
		memcpy(out, "00", 3);
		return 2;
	}
	size_t oct = put_address(number, buf + 2);
	buf[0] = (uint8_t)(oct + 1);
	buf[1] = (uint8_t)(type ? type : (number[0] == '+' ? 145 : 129));
	return hex_encode(buf, oct + 2, out);
}

int vmodem_pdu_deliver_class(const uint8_t *t, size_t len)
{
	if (len < 4 || (t[0] & 0x03) != 0x00)
		return -1;
	size_t p = 1 + 2 + ((size_t)t[1] + 1) / 2 + 1; /* FO, OA length+type+digits, PID */
	if (p >= len)
		return -1;
	uint8_t dcs = t[p];
	if ((dcs & 0xC0) == 0x00 && (dcs & 0x10))
		return dcs & 0x03;
	if ((dcs & 0xF0) == 0xF0)
		return dcs & 0x03;
	return -1;
}
