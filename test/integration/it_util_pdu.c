/* The SMS side of the integration helpers: SMS-SUBMITs sent with AT+CMGS the way gammu sends
 * them, stored and routed PDUs read back with gammu, and the simulator's sms.jsonl. */
#include "it_util.h"

#include <gammu.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* SUBMIT TPDUs (no SMSC octets) of `text`, at the PHONE_SMSSubmit offsets as gammu's AT
 * driver assembles them. */
static int build_submits(const char *to, const char *text, bool report, uint8_t out[][200], size_t *lens)
{
	static GSM_MultiSMSMessage multi;
	static unsigned char uni[8192];
	memset(uni, 0, sizeof(uni));
	DecodeUTF8(uni, text, strlen(text));
	GSM_MultiPartSMSInfo info;
	GSM_ClearMultiPartSMSInfo(&info);
	info.EntriesNum = 1;
	info.Entries[0].ID = SMS_ConcatenatedAutoTextLong;
	info.Entries[0].Buffer = uni;
	if (GSM_EncodeMultiPartSMS(GSM_GetGlobalDebug(), &info, &multi) != ERR_NONE)
		return -1;
	for (int i = 0; i < multi.Number && i < 16; i++) {
		GSM_SMSMessage *sms = &multi.SMS[i];
		sms->PDU = SMS_Submit;
		DecodeUTF8(sms->Number, to, strlen(to));
		sms->SMSC.Validity.Format = SMS_Validity_RelativeFormat;
		sms->SMSC.Validity.Relative = SMS_VALID_Max_Time;
		unsigned char f[1024] = { 0 };
		int len = 0;
		if (GSM_EncodeSMSFrame(GSM_GetGlobalDebug(), sms, f, PHONE_SMSSubmit, &len, TRUE) != ERR_NONE)
			return -1;
		const GSM_SMSMessageLayout L = PHONE_SMSSubmit;
		size_t n = 0;
		out[i][n++] = f[L.firstbyte] | (report ? 0x20 : 0);
		out[i][n++] = f[L.TPMR];
		for (int k = 0; k < (f[L.Number] + 1) / 2 + 2; k++)
			out[i][n++] = f[L.Number + k];
		out[i][n++] = f[L.TPPID];
		out[i][n++] = f[L.TPDCS];
		out[i][n++] = f[L.TPVP];
		out[i][n++] = f[L.TPUDL];
		memcpy(out[i] + n, f + L.Text, (size_t)(len - L.Text));
		lens[i] = n + (size_t)(len - L.Text);
	}
	return multi.Number;
}

int it_at_send_sms(int fd, const char *to, const char *text, bool report)
{
	static uint8_t tpdu[16][200];
	size_t lens[16];
	int n = build_submits(to, text, report, tpdu, lens);
	for (int i = 0; i < n; i++) {
		char cmd[64], acc[4096] = "";
		snprintf(cmd, sizeof(cmd), "AT+CMGS=%zu\r", lens[i]);
		it_at_write(fd, cmd);
		if (!it_at_wait(fd, "> ", IT_TIMEOUT_MS, acc, sizeof(acc)))
			return -1;
		char hex[512] = "00"; /* SMSC octets: the modem's default service centre */
		for (size_t k = 0; k < lens[i]; k++)
			snprintf(hex + 2 + 2 * k, 3, "%02X", tpdu[i][k]);
		strcat(hex, "\x1a");
		acc[0] = '\0';
		it_at_write(fd, hex);
		if (!it_at_wait_final(fd, acc, sizeof(acc)) || !strstr(acc, "+CMGS:") ||
		    !strstr(acc, "\r\nOK\r\n")) {
			fprintf(stderr, "it_at_send_sms: sent %s, modem answered \"%s\"\n", hex, acc);
			return -1;
		}
	}
	return n;
}

int it_read_pdu_hex(const char *hex, struct it_sms *out)
{
	size_t n = strlen(hex) / 2;
	unsigned char bin[400];
	if (n == 0 || n > sizeof(bin) || !DecodeHexBin(bin, (const unsigned char *)hex, n * 2))
		return -1;
	static GSM_SMSMessage sms;
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
	static char reply[65536];
	if (!it_at_cmd(fd, "AT+CMGL=4", reply, sizeof(reply)))
		return -1;
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
	return count;
}

int it_jsonl_count(const struct it_sim *sim, const char *const *needles)
{
	char path[400];
	snprintf(path, sizeof(path), "%s/sms.jsonl", sim->dir);
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	char line[4096];
	int count = 0;
	while (fgets(line, sizeof(line), f)) {
		bool all = true;
		for (int i = 0; needles[i] && all; i++)
			all = strstr(line, needles[i]) != NULL;
		count += all;
	}
	fclose(f);
	return count;
}
