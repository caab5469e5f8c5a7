/* The hostile-input tests' helpers (sec_util.h). */
#include "sec_util.h"

#include "hex.h"

#include <sqlite3.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

void sec_send_spoofed(const struct it_base *b, const char *from, const char *to, const char *text)
{
	const char *args[] = {"--spoof", "--from", from, "--to", to, text, NULL};
	assert_int_equal(it_cli(b->sim, "send", args, NULL, 0), 0);
}

void sec_send_tpdu(const struct it_base *b, const char *from, const char *to, const char *hex)
{
	const char *args[] = {"--spoof", "--from", from, "--to", to, "--tpdu", hex, NULL};
	assert_int_equal(it_cli(b->sim, "send", args, NULL, 0), 0);
}

static size_t pack7(const char *text, unsigned fill, uint8_t *out);

/* TS 23.040 9.1.2.5: length in digits, type of number, the digits in swapped nibbles; a name
 * (an operator's "Operator") as alphanumeric, GSM 7-bit packed, its length in semi-octets. */
static size_t put_address(const char *number, uint8_t *out)
{
	if ((number[0] | 0x20) >= 'a' && (number[0] | 0x20) <= 'z') {
		size_t n = pack7(number, 0, out + 2);
		out[0] = (uint8_t)((strlen(number) * 7 + 3) / 4);
		out[1] = 0xD0;
		return 2 + n;
	}
	const char *d = number[0] == '+' ? number + 1 : number;
	size_t n = strlen(d), k = 0;
	out[k++] = (uint8_t)n;
	out[k++] = number[0] == '+' ? 0x91 : 0x81;
	for (size_t i = 0; i < n; i += 2)
		out[k++] = (uint8_t)((d[i] - '0') | ((i + 1 < n ? d[i + 1] - '0' : 0xF) << 4));
	return k;
}

/* GSM 7-bit packing (TS 23.038 6.1.2.1.1) after `fill` bits of padding; for the characters
 * whose septet is their ASCII code. Returns the octets written. */
static size_t pack7(const char *text, unsigned fill, uint8_t *out)
{
	size_t bits = fill, n = strlen(text);
	memset(out, 0, (fill + n * 7 + 7) / 8);
	for (size_t i = 0; i < n; i++, bits += 7) {
		unsigned v = (unsigned)text[i] & 0x7F;
		out[bits / 8] |= (uint8_t)(v << (bits % 8));
		if (bits % 8 > 1)
			out[bits / 8 + 1] |= (uint8_t)(v >> (8 - bits % 8));
	}
	return (bits + 7) / 8;
}

void sec_deliver_hex(const char *from, uint8_t pid, uint8_t dcs, const uint8_t *udh, size_t udh_len,
		     const char *text, const uint8_t *ud, size_t ud_len, char *hex, size_t size)
{
	uint8_t t[200];
	size_t k = 0;
	t[k++] = (uint8_t)(0x04 | (udh_len ? 0x40 : 0)); /* SMS-DELIVER, no more messages, UDHI */
	k += put_address(from, t + k);
	t[k++] = pid;
	t[k++] = dcs;
	static const uint8_t scts[7] = {0x62, 0x21, 0x20, 0x21, 0x43, 0x00, 0x00};
	memcpy(t + k, scts, sizeof(scts));
	k += sizeof(scts);
	size_t udl_at = k++, start = k;
	if (udh_len) {
		t[k++] = (uint8_t)udh_len;
		memcpy(t + k, udh, udh_len);
		k += udh_len;
	}
	if (text) {
		size_t hbits = udh_len ? (udh_len + 1) * 8 : 0;
		unsigned fill = (unsigned)((7 - hbits % 7) % 7);
		uint8_t packed[200];
		size_t p = pack7(text, fill, packed);
		/* The header ends on an octet; the septets follow it after the fill bits. */
		memcpy(t + k, packed, p);
		k += p;
		t[udl_at] = (uint8_t)((hbits + fill) / 7 + strlen(text));
	} else {
		memcpy(t + k, ud, ud_len);
		k += ud_len;
		t[udl_at] = (uint8_t)(k - start);
	}
	assert_true(size > k * 2);
	hex_encode(t, k, hex);
	hex[k * 2] = '\0';
}

int sec_db_int(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

void sec_db_check(const char *path, char *result, size_t size, int *tables)
{
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(result, size, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table'", -1,
					    &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	*tables = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

bool sec_file_has(const char *path, const char *needle)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	char line[8192];
	bool found = false;
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, needle) != NULL;
	fclose(f);
	return found;
}
