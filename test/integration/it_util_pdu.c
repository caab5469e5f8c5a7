/* The SMS side of the integration helpers: SMS-SUBMITs sent with AT+CMGS the way gammu sends
 * them, and stored and routed PDUs read back with gammu. */
#include "it_util.h"
#include "test_sim_util.h"

#include "hex.h"

#include <gammu.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

int it_submit_hex(const char *to, const char *text, char *hex, size_t hex_size)
{
	uint8_t tpdu[SIM_MAX_PARTS][SIM_TPDU_MAX];
	size_t lens[SIM_MAX_PARTS];
	if (tsim_submits(text, to, false, 0, tpdu, lens) != 1 || hex_size < 2 * lens[0] + 3)
		return -1;
	memcpy(hex, "00", 2); /* SMSC octets: the modem's default service centre */
	hex_encode(tpdu[0], lens[0], hex + 2);
	return (int)lens[0];
}

int it_at_send_sms_seen(int fd, const char *to, const char *text, bool report, char *seen, size_t seen_size)
{
	uint8_t tpdu[SIM_MAX_PARTS][SIM_TPDU_MAX];
	size_t lens[SIM_MAX_PARTS];
	int n = tsim_submits(text, to, report, 0, tpdu, lens);
	if (seen && seen_size)
		seen[0] = '\0';
	for (int i = 0; i < n; i++) {
		char cmd[64], acc[4096] = "";
		snprintf(cmd, sizeof(cmd), "AT+CMGS=%zu\r", lens[i]);
		it_at_write(fd, cmd);
		bool prompt = it_at_wait(fd, "> ", IT_TIMEOUT_MS, acc, sizeof(acc));
		if (seen && strlen(seen) + strlen(acc) < seen_size)
			strcat(seen, acc); /* a URC may come before the prompt */
		if (!prompt)
			return -1;
		char hex[2 * SIM_TPDU_MAX + 4] = "00"; /* SMSC octets: the modem's default service centre */
		hex_encode(tpdu[i], lens[i], hex + 2);
		strcat(hex, "\x1a");
		acc[0] = '\0';
		it_at_write(fd, hex);
		bool final = it_at_wait_final(fd, acc, sizeof(acc));
		if (seen && strlen(seen) + strlen(acc) < seen_size)
			strcat(seen, acc);
		if (!final || !strstr(acc, "+CMGS:") || !strstr(acc, "\r\nOK\r\n")) {
			fprintf(stderr, "it_at_send_sms: sent %s, modem answered \"%s\"\n", hex, acc);
			return -1;
		}
	}
	return n;
}

int it_at_send_sms(int fd, const char *to, const char *text, bool report)
{
	return it_at_send_sms_seen(fd, to, text, report, NULL, 0);
}

int it_read_pdu_hex(const char *hex, struct it_sms *out)
{
	unsigned char bin[400];
	int decoded = hex_decode(hex, strlen(hex), bin, sizeof(bin));
	if (decoded <= 0)
		return -1;
	size_t n = (size_t)decoded;
	GSM_SMSMessage sms;
	size_t pos = 0;
	if (GSM_DecodePDUFrame(GSM_GetGlobalDebug(), &sms, bin, n, &pos, TRUE) != ERR_NONE)
		return -1;
	memset(out, 0, sizeof(*out));
	EncodeUTF8(out->from, sms.Number);
	out->report = sms.PDU == SMS_Status_Report;
	out->status = sms.DeliveryStatus;
	if (!out->report)
		EncodeUTF8(out->text, sms.Text);
	if (sms.UDH.Type == UDH_ConcatenatedMessages || sms.UDH.Type == UDH_ConcatenatedMessages16bit) {
		out->part = sms.UDH.PartNumber;
		out->parts = sms.UDH.AllParts;
	}
	return 0;
}

int it_at_list(int fd, struct it_sms *out, int max)
{
	size_t size = 65536;
	char *reply = malloc(size);
	if (!reply || !it_at_cmd(fd, "AT+CMGL=4", reply, size)) {
		free(reply);
		return -1;
	}
	int count = 0;
	char *line = reply, *next;
	int index = -1;
	for (; line && *line; line = next) {
		next = strstr(line, "\r\n");
		if (next) {
			*next = '\0';
			next += 2;
		}
		if (strncmp(line, "+CMGL: ", 7) == 0) {
			index = (int)strtol(line + 7, NULL, 10);
		} else if (index >= 0 && *line && count < max) {
			if (it_read_pdu_hex(line, &out[count]) == 0)
				out[count++].index = index;
			index = -1;
		}
	}
	free(reply);
	return count;
}
