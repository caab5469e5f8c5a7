/* Network registration as the client sees it (27.007 7.2, 7.3, 10.1.19-20): +CREG, +CGREG
 * and +CEREG with <n> 0/1/2, +COPS with its format switch and deregistration, +CGATT. The
 * state itself is kept by vmodem.c; URCs are printed there when it changes. */
#include "vmodem_int.h"

#include <string.h>

static const char *const oper_names[3] = {"VirtualNet", "VNet", "00101"};

static struct vm_result reg_cmd(struct vmodem *vm, enum vm_cmd_type type, struct vm_args *a, int which)
{
	static const char *const names[3] = {"+CREG", "+CGREG", "+CEREG"};
	int n = vm->reg_n[which];
	switch (type) {
	case VM_CMD_TEST:
		vmodem_info(vm, "%s: (0-2)", names[which]);
		return vm_ok();
	case VM_CMD_READ:
		if (n == 2 && vm->reg_stat == 1)
			vmodem_info(vm, "%s: %d,%d,\"%s\",\"%s\",%d", names[which], n, vm->reg_stat,
				    which == 2 ? "0001" : "1A2B", which == 2 ? "01A2B3C" : "3C4D",
				    vm->model->act);
		else
			vmodem_info(vm, "%s: %d,%d", names[which], n, vm->reg_stat);
		return vm_ok();
	case VM_CMD_EXEC:
		vm->reg_n[which] = 0;
		return vm_ok();
	case VM_CMD_SET:
		break;
	}
	if (vmodem_arg_int_opt(a, 0, 2, &n) < 0 || !vmodem_arg_done(a))
		return vm_cme(50);
	vm->reg_n[which] = n;
	return vm_ok();
}

static struct vm_result cmd_creg(struct vmodem *vm, enum vm_cmd_type type, struct vm_args *a)
{
	return reg_cmd(vm, type, a, 0);
}

static struct vm_result cmd_cgreg(struct vmodem *vm, enum vm_cmd_type type, struct vm_args *a)
{
	return reg_cmd(vm, type, a, 1);
}

static struct vm_result cmd_cereg(struct vmodem *vm, enum vm_cmd_type type, struct vm_args *a)
{
	return reg_cmd(vm, type, a, 2);
}

/* +COPS=<mode>[,<format>[,<oper>]]: 0 automatic, 2 deregister, 3 set the format only. */
static struct vm_result cops_set(struct vmodem *vm, struct vm_args *a)
{
	int mode = 0, format = vm->cops_format;
	char oper[24];
	if (vmodem_arg_int(a, &mode) != 1 || vmodem_arg_int_opt(a, 0, 2, &format) < 0 ||
	    vmodem_arg_str(a, oper, sizeof(oper)) < 0 || !vmodem_arg_done(a))
		return vm_cme(50);
	switch (mode) {
	case 0:
		vm->cops_deregistered = false;
		vm->cops_format = format;
		break;
	case 1:
		if (strcmp(oper, oper_names[format]) != 0)
			return vm_cme(30);
		vm->cops_deregistered = false;
		vm->cops_format = format;
		break;
	case 2:
		vm->cops_deregistered = true;
		break;
	case 3:
		vm->cops_format = format;
		return vm_ok();
	default:
		return vm_cme(50);
	}
	vmodem_update(vm, vm->now_ms);
	return vm_ok();
}

static struct vm_result cmd_cops(struct vmodem *vm, enum vm_cmd_type type, struct vm_args *a)
{
	switch (type) {
	case VM_CMD_TEST:
		if (!vmodem_radio_on(vm))
			return vm_cme(30);
		vmodem_info(vm, "+COPS: (2,\"%s\",\"%s\",\"%s\",%d),,(0-4),(0-2)", oper_names[0],
			    oper_names[1], oper_names[2], vm->model->act);
		return vm_ok();
	case VM_CMD_READ:
		if (vm->reg_stat == 1)
			vmodem_info(vm, "+COPS: %d,%d,\"%s\",%d", vm->cops_deregistered ? 2 : 0,
				    vm->cops_format, oper_names[vm->cops_format], vm->model->act);
		else
			vmodem_info(vm, "+COPS: %d", vm->cops_deregistered ? 2 : 0);
		return vm_ok();
	case VM_CMD_EXEC:
		return vm_cme(50);
	case VM_CMD_SET:
		break;
	}
	return cops_set(vm, a);
}

static struct vm_result cmd_cgatt(struct vmodem *vm, enum vm_cmd_type type, struct vm_args *a)
{
	int state = 1;
	switch (type) {
	case VM_CMD_TEST:
		vmodem_info(vm, "+CGATT: (0,1)");
		return vm_ok();
	case VM_CMD_READ:
		vmodem_info(vm, "+CGATT: %d", vm->reg_stat == 1);
		return vm_ok();
	case VM_CMD_EXEC:
		return vm_cme(50);
	case VM_CMD_SET:
		break;
	}
	if (vmodem_arg_int_opt(a, 0, 1, &state) < 0 || !vmodem_arg_done(a))
		return vm_cme(50);
	if (state == 1 && vm->reg_stat != 1)
		return vm_cme(30);
	return vm_ok();
}

const struct vm_cmd vmodem_cmds_reg[] = {
	{"+CREG", cmd_creg, 0},   {"+CGREG", cmd_cgreg, 0},
	{"+CEREG", cmd_cereg, 0}, {"+COPS", cmd_cops, VM_CMD_NEEDS_SIM},
	{"+CGATT", cmd_cgatt, 0}, {NULL, NULL, 0},
};
