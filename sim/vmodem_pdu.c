/* The few PDU facts the modem itself needs (TS 23.040, TS 24.011): the SMSC address octets it
 * prefixes to listed PDUs, hex, the shape of an SMS-SUBMIT it checks before sending, the
 * message class of a delivery, and the SMS-DELIVERs that fill a SIM in the sim-full fault. */
#include "vmodem_int.h"

#include "core/hex.h"

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

size_t vm_pdu_smsc_hex(const char *number, int type, char *out, size_t size)
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

/* TS 23.038 4: does the DCS say GSM 7-bit (UDL in septets)? */
static bool dcs_is_7bit(uint8_t dcs)
{
	switch (dcs >> 4) {
	case 0x0: case 0x1: case 0x2: case 0x3: case 0x4: case 0x5: case 0x6: case 0x7:
		return (dcs & 0x0C) == 0;
	case 0xE:
		return false;
	case 0xF:
		return (dcs & 0x04) == 0;
	default:
		return true;
	}
}

static size_t ud_octets(uint8_t dcs, uint8_t udl)
{
	return dcs_is_7bit(dcs) ? ((size_t)udl * 7 + 7) / 8 : udl;
}

int vm_pdu_check_submit(const uint8_t *t, size_t len)
{
	if (len < 7 || (t[0] & 0x03) != 0x01)
		return -EINVAL;
	size_t p = 2;
	size_t da_digits = t[p];
	if (da_digits > 20)
		return -EINVAL;
	p += 2 + (da_digits + 1) / 2; /* length, type, digits */
	p += 2;                       /* PID, DCS */
	if (p >= len)
		return -EINVAL;
	uint8_t dcs = t[p - 1];
	static const size_t vp_len[4] = { 0, 7, 1, 7 }; /* TP-VPF, 23.040 9.2.3.3 */
	p += vp_len[(t[0] >> 3) & 3];
	if (p >= len)
		return -EINVAL;
	uint8_t udl = t[p++];
	size_t need = ud_octets(dcs, udl);
	if (need > 140 || p + need != len)
		return -EINVAL;
	return 0;
}

int vm_pdu_deliver_class(const uint8_t *t, size_t len)
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

size_t vm_pdu_make_deliver(const char *from, const char *text, uint8_t *out, size_t size)
{
	static const uint8_t scts[7] = { 0x62, 0x11, 0x52, 0x00, 0x00, 0x00, 0x00 };
	size_t tl = strlen(text);
	if (size < 2 + 12 + 2 + 7 + 1 + (tl * 7 + 7) / 8 || tl > 160)
		return 0;
	size_t p = 0;
	out[p++] = 0x04; /* SMS-DELIVER, no more messages to send */
	size_t digits = 0;
	for (const char *s = from; *s; s++)
		digits += *s >= '0' && *s <= '9';
	out[p++] = (uint8_t)digits;
	out[p++] = from[0] == '+' ? 0x91 : 0x81;
	p += put_address(from, out + p);
	out[p++] = 0x00; /* PID */
	out[p++] = 0x00; /* DCS: GSM 7-bit */
	memcpy(out + p, scts, sizeof(scts));
	p += sizeof(scts);
	out[p++] = (uint8_t)tl;
	memset(out + p, 0, (tl * 7 + 7) / 8);
	for (size_t i = 0; i < tl; i++) {
		uint32_t bit = (uint32_t)i * 7;
		uint8_t c = (uint8_t)text[i] & 0x7F; /* letters, digits, space: same in GSM 03.38 */
		out[p + bit / 8] |= (uint8_t)(c << (bit % 8));
		if (bit % 8 > 1)
			out[p + bit / 8 + 1] |= (uint8_t)(c >> (8 - bit % 8));
	}
	return p + (tl * 7 + 7) / 8;
}
