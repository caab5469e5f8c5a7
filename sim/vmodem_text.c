/* Text mode (+CMGF=1, 27.005 3.1, 3.4.1, 4): stored and routed messages shown as header
 * fields and text (+CMGL, +CMGR, +CMT, +CDS; more fields with +CSDH=1), and AT+CMGS="<da>"
 * turned into an SMS-SUBMIT with the +CSMP parameters. The codec is libgammu's, through
 * GSM_DecodePDUFrame and sim_pdu.h. */
#include "vmodem_int.h"

#include "sim_pdu.h"

#include <gammu.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char *const stat_text[] = {"REC UNREAD", "REC READ", "STO UNSENT", "STO SENT"};

/* A TP-SCTS or TP-DT (23.040 9.2.3.11) as 27.005 <scts>: "yy/MM/dd,hh:mm:ss+zz". */
static void time_str(const uint8_t *p, char *out, size_t size)
{
	int v[6];
	for (int i = 0; i < 6; i++)
		v[i] = (p[i] & 0x0F) * 10 + (p[i] >> 4);
	int q = (p[6] & 0x07) * 10 + (p[6] >> 4);
	snprintf(out, size, "%02d/%02d/%02d,%02d:%02d:%02d%c%02d", v[0] % 100, v[1] % 100, v[2] % 100,
		 v[3] % 100, v[4] % 100, v[5] % 100, (p[6] & 0x08) ? '-' : '+', q % 100);
}

/* A numeric address (23.040 9.1.2.5): `digits` semi-octets after the type octet. */
static void number_str(const uint8_t *p, int digits, char *out, size_t size)
{
	size_t n = 0;
	if (p[0] == 0x91 && n + 1 < size)
		out[n++] = '+';
	for (int i = 0; i < digits && n + 1 < size; i++) {
		uint8_t d = i % 2 ? p[1 + i / 2] >> 4 : p[1 + i / 2] & 0x0F;
		out[n++] = d < 10 ? (char)('0' + d) : '?';
	}
	out[n] = '\0';
}

struct vm_deliver_view {
	GSM_SMSMessage sms;
	char from[(GSM_MAX_NUMBER_LENGTH + 1) * 4]; /* UTF-8 of an alphanumeric originator */
	char scts[32];
	uint8_t fo, tooa, pid, dcs;
};

static int view_deliver(const struct vm_msg *m, struct vm_deliver_view *v)
{
	const uint8_t *t = m->tpdu;
	if (m->len < 12 || (t[0] & 0x03) != 0x00)
		return -EINVAL;
	size_t p = 3 + ((size_t)t[1] + 1) / 2;
	if (p + 9 >= m->len)
		return -EINVAL;
	size_t pos = 0;
	memset(&v->sms, 0, sizeof(v->sms));
	if (GSM_DecodePDUFrame(GSM_GetGlobalDebug(), &v->sms, t, m->len, &pos, FALSE) != ERR_NONE)
		return -EINVAL;
	v->fo = t[0];
	v->tooa = t[2];
	v->pid = t[p];
	v->dcs = t[p + 1];
	time_str(t + p + 2, v->scts, sizeof(v->scts));
	EncodeUTF8(v->from, v->sms.Number);
	return 0;
}

/* <data>: the text as IRA (non-ASCII as '?'), or hex when the DCS is not 7-bit or +CSCS is
 * "UCS2" (27.005 3.1 <data>). */
static void data_str(const struct vmodem *vm, const struct vm_deliver_view *v, char *out, size_t size)
{
	const unsigned char *u = v->sms.Text;
	size_t chars = UnicodeLength(u), n = 0;
	bool hex = v->sms.Coding == SMS_Coding_8bit || strcmp(vm->cscs, "UCS2") == 0;
	if (v->sms.Coding == SMS_Coding_8bit)
		chars = (size_t)v->sms.Length;
	for (size_t i = 0; i < chars && n + 5 < size; i++) {
		unsigned c =
			v->sms.Coding == SMS_Coding_8bit ? u[i] : (unsigned)(u[2 * i] << 8 | u[2 * i + 1]);
		if (hex)
			n += (size_t)snprintf(out + n, size - n,
					      v->sms.Coding == SMS_Coding_8bit ? "%02X" : "%04X", c);
		else
			out[n++] = c >= 0x20 && c < 0x7F ? (char)c : (c == '\n' || c == '\r') ? (char)c : '?';
	}
	out[n] = '\0';
}

/* Fields of an SMS-STATUS-REPORT (23.040 9.2.2.3) as 27.005 shows them after the stat:
 * <fo>,<mr>,<ra>,<tora>,<scts>,<dt>,<st>. */
static void fmt_report(const struct vm_msg *m, char *out, size_t size)
{
	const uint8_t *t = m->tpdu;
	char ra[VM_NUMBER_MAX + 4], scts[32], dt[32];
	size_t p = 4 + ((size_t)t[2] + 1) / 2;
	if (m->len < p + 15 || t[2] > 20) {
		snprintf(out, size, "%d,%d,,,,,", t[0], t[1]);
		return;
	}
	number_str(t + 3, t[2], ra, sizeof(ra));
	time_str(t + p, scts, sizeof(scts));
	time_str(t + p + 7, dt, sizeof(dt));
	snprintf(out, size, "%d,%d,\"%s\",%d,\"%s\",\"%s\",%d", t[0], t[1], ra, t[3], scts, dt, t[p + 14]);
}

/* The header fields of an SMS-DELIVER: <oa>,[<alpha>],<scts> and, with +CSDH=1, the rest:
 * in +CMGL only <tooa>,<length>; in +CMGR and +CMT <tooa>,<fo>,<pid>,<dcs>,<sca>,<tosca>,<length>. */
static void fmt_deliver(const struct vmodem *vm, const struct vm_deliver_view *v, bool list, char *out,
			size_t size)
{
	size_t len = v->sms.Coding == SMS_Coding_8bit ? (size_t)v->sms.Length : UnicodeLength(v->sms.Text);
	int n = snprintf(out, size, "\"%s\",,\"%s\"", v->from, v->scts);
	if (!vm->csdh || n < 0 || (size_t)n >= size)
		return;
	if (list)
		snprintf(out + n, size - (size_t)n, ",%d,%zu", v->tooa, len);
	else
		snprintf(out + n, size - (size_t)n, ",%d,%d,%d,%d,\"%s\",%d,%zu", v->tooa, v->fo, v->pid,
			 v->dcs, vm->csca, vm->csca_type, len);
}

/* Writes one stored message as +CMGL (index >= 0) or +CMGR (index < 0) in text mode. */
static void show_msg(struct vmodem *vm, const struct vm_msg *m, int index)
{
	char head[32], fields[512];
	if (index >= 0)
		snprintf(head, sizeof(head), "+CMGL: %d,\"%s\",", index, stat_text[m->stat & 3]);
	else
		snprintf(head, sizeof(head), "+CMGR: \"%s\",", stat_text[m->stat & 3]);
	if ((m->tpdu[0] & 0x03) == 0x02) {
		fmt_report(m, fields, sizeof(fields));
		vmodem_info(vm, "%s%s", head, fields);
		return;
	}
	struct vm_deliver_view v;
	char data[2 * 4 * 160 + 8];
	if (view_deliver(m, &v) < 0) {
		vmodem_info(vm, "%s\"\",,\"\"", head);
		vmodem_info_cont(vm, "%s", "");
		return;
	}
	fmt_deliver(vm, &v, index >= 0, fields, sizeof(fields));
	data_str(vm, &v, data, sizeof(data));
	vmodem_info(vm, "%s%s", head, fields);
	vmodem_info_cont(vm, "%s", data);
}

struct vm_result vmodem_text_list(struct vmodem *vm, int stat)
{
	enum vm_mem_id mem = vm->cpms[0];
	for (int i = 0; i < vmodem_store_total(vm, mem); i++) {
		struct vm_msg *m = vmodem_store_slot(vm, mem, i);
		if (!m->used || (stat != 4 && m->stat != stat))
			continue;
		show_msg(vm, m, i + vm->model->index_base);
		if (m->stat == VM_STAT_REC_UNREAD)
			m->stat = VM_STAT_REC_READ;
	}
	return vm_ok();
}

struct vm_result vmodem_text_read(struct vmodem *vm, const struct vm_msg *m)
{
	show_msg(vm, m, -1);
	return vm_ok();
}

size_t vmodem_text_urc(struct vmodem *vm, const struct vm_msg *m, bool report, char *out, size_t size)
{
	char fields[512];
	int n;
	if (report) {
		fmt_report(m, fields, sizeof(fields));
		n = snprintf(out, size, "\r\n+CDS: %s\r\n", fields);
	} else {
		struct vm_deliver_view v;
		char data[2 * 4 * 160 + 8];
		if (view_deliver(m, &v) < 0)
			return 0;
		fmt_deliver(vm, &v, false, fields, sizeof(fields));
		data_str(vm, &v, data, sizeof(data));
		n = snprintf(out, size, "\r\n+CMT: %s\r\n%s\r\n", fields, data);
	}
	return n < 0 || (size_t)n >= size ? 0 : (size_t)n;
}

/* The SMS-DELIVER that sim_pdu built for the text, re-laid as an SMS-SUBMIT (23.040 9.2.2.2)
 * with the +CSMP first octet, validity period and protocol identifier. */
static size_t deliver_to_submit(const struct vmodem *vm, const uint8_t *d, size_t dl, enum sim_coding coding,
				uint8_t *s)
{
	/* TP-DCS from the coding of the text; the +CSMP <dcs> only when it names that alphabet
	 * in the general group (TS 23.038 4), so that its class bits are kept */
	static const uint8_t alphabet[] = {
		[SIM_CODING_GSM7] = 0x00, [SIM_CODING_8BIT] = 0x04, [SIM_CODING_UCS2] = 0x08};
	uint8_t dcs = alphabet[coding];
	if ((vm->csmp[3] & 0xC0) == 0 && (vm->csmp[3] & 0x0C) == dcs)
		dcs = (uint8_t)vm->csmp[3];
	size_t oa = ((size_t)d[1] + 1) / 2;
	uint8_t fo = (uint8_t)((vm->csmp[0] & 0xBC) | 0x01); /* MTI SUBMIT, no UDHI: one part */
	if (((fo >> 3) & 3) != 0)
		fo = (uint8_t)((fo & ~0x18) | 0x10); /* only the relative validity period is kept */
	size_t q = 0;
	s[q++] = fo;
	s[q++] = 0;
	memcpy(s + q, d + 1, 2 + oa);
	if (vm->prompt_toda == 129 || vm->prompt_toda == 145)
		s[q + 1] = (uint8_t)vm->prompt_toda;
	q += 2 + oa;
	s[q++] = (uint8_t)vm->csmp[2];
	s[q++] = dcs;
	if (fo & 0x10)
		s[q++] = (uint8_t)vm->csmp[1];
	size_t ud = 1 + 2 + oa + 2 + 7;
	memcpy(s + q, d + ud, dl - ud);
	return q + dl - ud;
}

struct vm_result vmodem_text_submit(struct vmodem *vm)
{
	char text[sizeof(vm->prompt_buf) + 1];
	struct sim_part parts[SIM_MAX_PARTS];
	uint8_t deliver[SIM_TPDU_MAX], submit[VM_TPDU_MAX];
	if (vm->prompt_bad)
		return vm_cms(305);
	if (vm->csca[0] == '\0')
		return vm_cms(330);
	memcpy(text, vm->prompt_buf, vm->prompt_used);
	text[vm->prompt_used] = '\0';
	bool ucs2 = (vm->csmp[3] & 0x0C) == 0x08;
	if (sim_pdu_split(text, ucs2, 0, parts) != 1)
		return vm_cms(305);
	int dl = sim_pdu_build_deliver(vm->prompt_da, &parts[0], 0, deliver);
	if (dl < 12)
		return vm_cms(305);
	size_t sl = deliver_to_submit(vm, deliver, (size_t)dl, parts[0].coding, submit);
	return vmodem_submit(vm, submit, sl);
}
