/* Identification (V.250 6.1, 27.007 5): manufacturer, model, revision, IMEI, IMSI and ATI,
 * from the personality's data; the IMEI and IMSI are derived from the modem's name and
 * number so that every virtual modem answers differently and always the same way. */
#include "vmodem_int.h"

#include <stdio.h>
#include <string.h>

static void imei(const struct vmodem *vm, char out[16])
{
	uint32_t h = 2166136261u;
	for (const char *p = vm->name; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	snprintf(out, 16, "35%012u", (unsigned)(h % 1000000000u) * 7u % 1000000000u);
	int sum = 0;
	for (int i = 0; i < 14; i++) {
		int d = out[i] - '0';
		if (i % 2) {
			d *= 2;
			d = d > 9 ? d - 9 : d;
		}
		sum += d;
	}
	out[14] = (char)('0' + (10 - sum % 10) % 10); /* Luhn, TS 23.003 6.2.1 */
	out[15] = '\0';
}

static void imsi(const struct vmodem *vm, char out[16])
{
	char digits[VM_NUMBER_MAX];
	size_t n = 0;
	for (const char *p = vm->number; *p; p++)
		if (*p >= '0' && *p <= '9')
			digits[n++] = *p;
	digits[n] = '\0';
	const char *tail = n > 10 ? digits + n - 10 : digits;
	size_t tl = strlen(tail);
	memcpy(out, "001010000000000", 16); /* MCC 001, MNC 01: the test network */
	memcpy(out + 15 - tl, tail, tl);
}

static struct vm_result ident_line(struct vmodem *vm, enum vm_cmd_type type, const char *text)
{
	if (type == VM_CMD_TEST)
		return vm_ok();
	if (type != VM_CMD_EXEC)
		return vm_cme(4);
	vmodem_info(vm, "%s", text);
	return vm_ok();
}

static struct vm_result cmd_cgmi(struct vmodem *vm, enum vm_cmd_type type, struct vm_args *a)
{
	(void)a;
	return ident_line(vm, type, vm->model->manufacturer);
}

static struct vm_result cmd_cgmm(struct vmodem *vm, enum vm_cmd_type type, struct vm_args *a)
{
	(void)a;
	return ident_line(vm, type, vm->model->model);
}

static struct vm_result cmd_cgmr(struct vmodem *vm, enum vm_cmd_type type, struct vm_args *a)
{
	(void)a;
	return ident_line(vm, type, vm->model->revision);
}

static struct vm_result cmd_cgsn(struct vmodem *vm, enum vm_cmd_type type, struct vm_args *a)
{
	(void)a;
	char buf[16];
	imei(vm, buf);
	return ident_line(vm, type, buf);
}

static struct vm_result cmd_cimi(struct vmodem *vm, enum vm_cmd_type type, struct vm_args *a)
{
	(void)a;
	char buf[16];
	imsi(vm, buf);
	return ident_line(vm, type, buf);
}

struct vm_result vmodem_ident_ati(struct vmodem *vm, int n)
{
	switch (n) {
	case 0:
		for (const char *const *l = vm->model->ati; *l; l++)
			vmodem_info(vm, "%s", *l);
		return vm_ok();
	case 3:
		return ident_line(vm, VM_CMD_EXEC, vm->model->manufacturer);
	case 4:
		return ident_line(vm, VM_CMD_EXEC, vm->model->model);
	case 5:
		return ident_line(vm, VM_CMD_EXEC, vm->model->revision);
	default:
		return vm_cme(4);
	}
}

const struct vm_cmd vmodem_cmds_ident[] = {
	{"+CGMI", cmd_cgmi, 0}, {"+GMI", cmd_cgmi, 0},  {"+CGMM", cmd_cgmm, 0},
	{"+GMM", cmd_cgmm, 0},  {"+CGMR", cmd_cgmr, 0}, {"+GMR", cmd_cgmr, 0},
	{"+CGSN", cmd_cgsn, 0}, {"+GSN", cmd_cgsn, 0},  {"+CIMI", cmd_cimi, VM_CMD_NEEDS_SIM},
	{NULL, NULL, 0},
};
