/* The 27.007 commands of the mobile equipment: +CPIN with PIN and PUK counting, +CFUN with
 * the 1,1 reset, +CMEE, +CSCS, +CSQ, +CBC and the switches real clients set (+CLIP, +CRC,
 * +CCWA, +CUSD). Registration is in vmodem_reg.c. */
#include "vmodem_int.h"

#include "log.h"

#include <string.h>

static struct vm_result set_flag(enum vm_cmd_type type, struct vm_args *a, int max, int *v, const char *name,
				 struct vmodem *vm)
{
	switch (type) {
	case VM_CMD_TEST:
		vmodem_info(vm, "%s: (0-%d)", name, max);
		return vm_ok();
	case VM_CMD_READ:
		vmodem_info(vm, "%s: %d", name, *v);
		return vm_ok();
	case VM_CMD_EXEC:
		return vm_ok();
	case VM_CMD_SET:
		break;
	}
	int n = *v;
	if (vmodem_arg_int(a, &n) != 1 || n < 0 || n > max || !vmodem_arg_done(a))
		return vm_cme(50);
	*v = n;
	return vm_ok();
}

static struct vm_result cmd_cmee(struct vmodem *vm, enum vm_cmd_type type, struct vm_args *a)
{
	return set_flag(type, a, 2, &vm->cmee, "+CMEE", vm);
}

static struct vm_result cmd_clip(struct vmodem *vm, enum vm_cmd_type type, struct vm_args *a)
{
	if (type == VM_CMD_READ) {
		vmodem_info(vm, "+CLIP: %d,1", vm->clip);
		return vm_ok();
	}
	return set_flag(type, a, 1, &vm->clip, "+CLIP", vm);
}

static struct vm_result cmd_crc(struct vmodem *vm, enum vm_cmd_type type, struct vm_args *a)
{
	return set_flag(type, a, 1, &vm->crc, "+CRC", vm);
}

static struct vm_result cmd_ccwa(struct vmodem *vm, enum vm_cmd_type type, struct vm_args *a)
{
	if (type == VM_CMD_SET) {
		int n = vm->ccwa, mode = 0;
		if (vmodem_arg_int_opt(a, 0, 1, &n) < 0 || vmodem_arg_int_opt(a, 0, 2, &mode) < 0)
			return vm_cme(50);
		vm->ccwa = n;
		if (mode == 2)
			vmodem_info(vm, "+CCWA: 0,1");
		return vm_ok();
	}
	return set_flag(type, a, 1, &vm->ccwa, "+CCWA", vm);
}

/* +CUSD=<n>[,<str>[,<dcs>]]: a request gets +CUSD: 4 (operation not supported), 27.007 7.15. */
static struct vm_result cmd_cusd(struct vmodem *vm, enum vm_cmd_type type, struct vm_args *a)
{
	if (type != VM_CMD_SET)
		return set_flag(type, a, 2, &vm->cusd, "+CUSD", vm);
	int n = vm->cusd, dcs = 15;
	char str[64];
	int rc;
	if (vmodem_arg_int_opt(a, 0, 2, &n) < 0 || (rc = vmodem_arg_str(a, str, sizeof(str))) < 0 ||
	    vmodem_arg_int_opt(a, 0, 255, &dcs) < 0 || !vmodem_arg_done(a))
		return vm_cme(50);
	vm->cusd = n;
	if (rc == 1) {
		if (!vmodem_registered(vm))
			return vm_cme(30);
		vmodem_final(vm, vm_ok());
		vmodem_urc(vm, "+CUSD: 4");
		return (struct vm_result){VM_RES_DONE, 0};
	}
	return vm_ok();
}

static struct vm_result cmd_cscs(struct vmodem *vm, enum vm_cmd_type type, struct vm_args *a)
{
	char cs[8];
	switch (type) {
	case VM_CMD_TEST:
		vmodem_info(vm, "%s", vm->model->cscs_test);
		return vm_ok();
	case VM_CMD_READ:
		vmodem_info(vm, "+CSCS: \"%s\"", vm->cscs);
		return vm_ok();
	case VM_CMD_EXEC:
		return vm_ok();
	case VM_CMD_SET:
		break;
	}
	if (vmodem_arg_str(a, cs, sizeof(cs)) != 1 || !vmodem_arg_done(a))
		return vm_cme(50);
	char quoted[12];
	memcpy(quoted, "\"", 2);
	strcat(quoted, cs);
	strcat(quoted, "\"");
	if (!strstr(vm->model->cscs_test, quoted))
		return vm_cme(4);
	memcpy(vm->cscs, cs, sizeof(cs));
	return vm_ok();
}

static struct vm_result cpin_enter(struct vmodem *vm, struct vm_args *a)
{
	char code[12], newpin[12];
	if (vmodem_arg_str(a, code, sizeof(code)) != 1 || vmodem_arg_str(a, newpin, sizeof(newpin)) < 0)
		return vm_cme(50);
	switch (vm->sim) {
	case VM_SIM_READY:
		return vm_cme(3);
	case VM_SIM_PIN:
		if (strcmp(code, vm->pin) == 0)
			break;
		if (--vm->pin_left == 0) {
			vm->sim = VM_SIM_PUK;
			log_warn("vmodem",
				 "event=sim_puk_locked modem=%s hint=\"wrong PIN 3 times: send "
				 "AT+CPIN=\\\"PUK\\\",\\\"NEWPIN\\\"\"",
				 vm->name);
		}
		return vm_cme(16);
	case VM_SIM_PUK:
		if (strcmp(code, VM_PUK) != 0 || newpin[0] == '\0') {
			vm->puk_left -= vm->puk_left > 0;
			return vm_cme(16);
		}
		memcpy(vm->pin, newpin, sizeof(vm->pin) - 1);
		vm->pin[sizeof(vm->pin) - 1] = '\0';
		break;
	}
	vm->pin_left = 3;
	vm->puk_left = 10;
	vmodem_final(vm, vm_ok());
	vmodem_urc(vm, "+CPIN: READY");
	vmodem_sim_unlocked(vm);
	return (struct vm_result){VM_RES_DONE, 0};
}

static struct vm_result cmd_cpin(struct vmodem *vm, enum vm_cmd_type type, struct vm_args *a)
{
	static const char *const state[] = {"READY", "SIM PIN", "SIM PUK"};
	switch (type) {
	case VM_CMD_TEST:
		return vm_ok();
	case VM_CMD_READ:
		vmodem_info(vm, "+CPIN: %s", state[vm->sim]);
		return vm_ok();
	case VM_CMD_EXEC:
		return vm_cme(50);
	case VM_CMD_SET:
		break;
	}
	return cpin_enter(vm, a);
}

static struct vm_result cmd_cfun(struct vmodem *vm, enum vm_cmd_type type, struct vm_args *a)
{
	int fun = vm->cfun, rst = 0;
	switch (type) {
	case VM_CMD_TEST:
		vmodem_info(vm, "+CFUN: (0,1,4),(0,1)");
		return vm_ok();
	case VM_CMD_READ:
		vmodem_info(vm, "+CFUN: %d", vm->cfun);
		return vm_ok();
	case VM_CMD_EXEC:
		return vm_cme(50);
	case VM_CMD_SET:
		break;
	}
	if (vmodem_arg_int(a, &fun) != 1 || vmodem_arg_int_opt(a, 0, 1, &rst) < 0 || !vmodem_arg_done(a) ||
	    (fun != 0 && fun != 1 && fun != 4))
		return vm_cme(50);
	if (rst) {
		vm->reboot_after_reply = true;
		return vm_ok();
	}
	if (fun != vm->cfun)
		log_info("vmodem", "event=cfun modem=%s from=%d to=%d", vm->name, vm->cfun, fun);
	vm->cfun = fun;
	if (fun == 1 && vm->sim == VM_SIM_READY && vm->reg_stat != 1)
		vm->reg_at = vm->now_ms + vm->model->reg_delay_ms;
	vmodem_update(vm, vm->now_ms);
	return vm_ok();
}

/* Signal quality: 27.007 8.5, <rssi> 99 when not known or not detectable. */
static struct vm_result cmd_csq(struct vmodem *vm, enum vm_cmd_type type, struct vm_args *a)
{
	(void)a;
	if (type == VM_CMD_TEST) {
		vmodem_info(vm, "+CSQ: (0-31,99),(0-7,99)");
		return vm_ok();
	}
	if (type != VM_CMD_EXEC)
		return vm_cme(4);
	if (vm->reg_stat == 1)
		vmodem_info(vm, "+CSQ: 21,0");
	else
		vmodem_info(vm, "+CSQ: 99,99");
	return vm_ok();
}

static struct vm_result cmd_cbc(struct vmodem *vm, enum vm_cmd_type type, struct vm_args *a)
{
	(void)a;
	if (!vm->model->cbc)
		return vm_cme(4);
	if (type == VM_CMD_TEST)
		return vm_ok();
	if (type != VM_CMD_EXEC)
		return vm_cme(4);
	vmodem_info(vm, "%s", vm->model->cbc);
	return vm_ok();
}

const struct vm_cmd vmodem_cmds_gsm[] = {
	{"+CMEE", cmd_cmee, 0}, {"+CPIN", cmd_cpin, 0}, {"+CFUN", cmd_cfun, 0}, {"+CSCS", cmd_cscs, 0},
	{"+CSQ", cmd_csq, 0},   {"+CBC", cmd_cbc, 0},   {"+CLIP", cmd_clip, 0}, {"+CRC", cmd_crc, 0},
	{"+CCWA", cmd_ccwa, 0}, {"+CUSD", cmd_cusd, 0}, {NULL, NULL, 0},
};
