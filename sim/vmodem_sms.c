/* The 27.005 message service settings and sending: +CSMS, +CMGF, +CSCA, +CSMP, +CSDH, +CNMI,
 * +CNMA, +CMMS, and +CMGS with its text-entry prompt (CR LF '>' SPACE; Ctrl-Z sends, ESC
 * cancels, 27.005 3.5.1 and 4.3). The modem stamps TP-MR from its own counter. */
#include "vmodem_int.h"

#include "sim_pdu.h"

#include "hex.h"
#include "log.h"

#include <stdio.h>
#include <string.h>

#define VM_CTRL_Z 0x1a
#define VM_ESC    0x1b

static struct vm_result cmd_csms(struct vmodem *vm, enum vm_cmd_type type, struct vm_args *a)
{
	int s = vm->csms;
	switch (type) {
	case VM_CMD_TEST:
		vmodem_info(vm, "+CSMS: (0,1)");
		return vm_ok();
	case VM_CMD_READ:
		vmodem_info(vm, "+CSMS: %d,1,1,1", vm->csms);
		return vm_ok();
	case VM_CMD_EXEC:
		return vm_cms(304);
	case VM_CMD_SET:
		break;
	}
	if (vmodem_arg_int(a, &s) != 1 || s > 1 || !vmodem_arg_done(a))
		return vm_cms(304);
	vm->csms = s;
	vmodem_info(vm, "+CSMS: 1,1,1");
	return vm_ok();
}

static struct vm_result int_setting(struct vmodem *vm, enum vm_cmd_type type, struct vm_args *a,
				    const char *name, int max, int *v)
{
	int n = *v;
	switch (type) {
	case VM_CMD_TEST:
		vmodem_info(vm, "%s: (0-%d)", name, max);
		return vm_ok();
	case VM_CMD_READ:
		vmodem_info(vm, "%s: %d", name, *v);
		return vm_ok();
	case VM_CMD_EXEC:
		*v = 0;
		return vm_ok();
	case VM_CMD_SET:
		break;
	}
	if (vmodem_arg_int_opt(a, 0, max, &n) < 0 || !vmodem_arg_done(a))
		return vm_cms(304);
	*v = n;
	return vm_ok();
}

static struct vm_result cmd_cmgf(struct vmodem *vm, enum vm_cmd_type type, struct vm_args *a)
{
	return int_setting(vm, type, a, "+CMGF", 1, &vm->cmgf);
}

static struct vm_result cmd_csdh(struct vmodem *vm, enum vm_cmd_type type, struct vm_args *a)
{
	return int_setting(vm, type, a, "+CSDH", 1, &vm->csdh);
}

static struct vm_result cmd_cmms(struct vmodem *vm, enum vm_cmd_type type, struct vm_args *a)
{
	return int_setting(vm, type, a, "+CMMS", 2, &vm->cmms);
}

static struct vm_result cmd_csca(struct vmodem *vm, enum vm_cmd_type type, struct vm_args *a)
{
	char num[VM_NUMBER_MAX];
	int tosca = -1;
	switch (type) {
	case VM_CMD_TEST:
		return vm_ok();
	case VM_CMD_READ:
		vmodem_info(vm, "+CSCA: \"%s\",%d", vm->csca, vm->csca_type);
		return vm_ok();
	case VM_CMD_EXEC:
		return vm_cms(304);
	case VM_CMD_SET:
		break;
	}
	if (vmodem_arg_str(a, num, sizeof(num)) != 1 || vmodem_arg_int_opt(a, 128, 255, &tosca) < 0 ||
	    !vmodem_arg_done(a) || num[strspn(num, "+0123456789")] != '\0')
		return vm_cms(vm->cmgf ? 305 : 304);
	memcpy(vm->csca, num, sizeof(num));
	vm->csca_type = tosca >= 0 ? tosca : (num[0] == '+' ? 145 : 129);
	return vm_ok();
}

static struct vm_result cmd_csmp(struct vmodem *vm, enum vm_cmd_type type, struct vm_args *a)
{
	int v[4];
	memcpy(v, vm->csmp, sizeof(v));
	switch (type) {
	case VM_CMD_TEST:
		return vm_ok();
	case VM_CMD_READ:
		vmodem_info(vm, "+CSMP: %d,%d,%d,%d", v[0], v[1], v[2], v[3]);
		return vm_ok();
	case VM_CMD_EXEC:
		return vm_ok();
	case VM_CMD_SET:
		break;
	}
	for (int i = 0; i < 4; i++)
		if (vmodem_arg_int_opt(a, 0, 255, &v[i]) < 0)
			return vm_cms(305);
	if (!vmodem_arg_done(a))
		return vm_cms(305);
	memcpy(vm->csmp, v, sizeof(v));
	return vm_ok();
}

static struct vm_result cmd_cnmi(struct vmodem *vm, enum vm_cmd_type type, struct vm_args *a)
{
	int v[5];
	memcpy(v, vm->cnmi, sizeof(v));
	switch (type) {
	case VM_CMD_TEST:
		vmodem_info(vm, "%s", vm->model->cnmi_test);
		return vm_ok();
	case VM_CMD_READ:
		vmodem_info(vm, "+CNMI: %d,%d,%d,%d,%d", v[0], v[1], v[2], v[3], v[4]);
		return vm_ok();
	case VM_CMD_EXEC:
		return vm_cms(304);
	case VM_CMD_SET:
		break;
	}
	v[4] = 0;
	for (int i = 0; i < 5; i++)
		if (vmodem_arg_int_opt(a, 0, vm->model->cnmi_max[i], &v[i]) < 0)
			return vm_cms(303);
	if (!vmodem_arg_done(a) || v[2] == 1)
		return vm_cms(303);
	memcpy(vm->cnmi, v, sizeof(v));
	if (v[0] != 0 && v[4] == 1)
		vm->urcq_len = 0;
	return vm_ok();
}

static struct vm_result cmd_cnma(struct vmodem *vm, enum vm_cmd_type type, struct vm_args *a)
{
	int n = 0;
	if (type == VM_CMD_TEST) {
		if (vm->cmgf == 0)
			vmodem_info(vm, "+CNMA: (0-2)");
		return vm_ok();
	}
	if (type == VM_CMD_READ ||
	    (type == VM_CMD_SET && (vmodem_arg_int_opt(a, 0, 2, &n) < 0 || !vmodem_arg_done(a))))
		return vm_cms(304);
	return vmodem_cnma(vm, n);
}

/* AT+CMGS=<length> (PDU mode) or AT+CMGS="<da>"[,<toda>] (text mode): opens the prompt. */
static struct vm_result cmd_cmgs(struct vmodem *vm, enum vm_cmd_type type, struct vm_args *a)
{
	if (type == VM_CMD_TEST)
		return vm_ok();
	if (type != VM_CMD_SET)
		return vm_cms(vm->cmgf ? 305 : 304);
	vm->prompt_used = 0;
	vm->prompt_bad = false;
	if (vm->cmgf == 0) {
		int len = 0;
		if (vmodem_arg_int(a, &len) != 1 || len < 7 || len > 164 || !vmodem_arg_done(a))
			return vm_cms(304);
		vm->prompt_len = len;
		vm->in = VM_IN_PDU;
	} else {
		vm->prompt_toda = -1;
		if (vmodem_arg_str(a, vm->prompt_da, sizeof(vm->prompt_da)) != 1 ||
		    vmodem_arg_int_opt(a, 128, 255, &vm->prompt_toda) < 0 || !vmodem_arg_done(a))
			return vm_cms(305);
		vm->in = VM_IN_TEXT;
	}
	return (struct vm_result){VM_RES_PROMPT, 0};
}

static struct vm_result hand_to_network(struct vmodem *vm, const uint8_t *tpdu, size_t len, uint8_t mr)
{
	int err = vm->hooks.submit(vm->user, tpdu, len, mr);
	if (err > 0) {
		log_warn("vmodem", "event=send_failed modem=%s mr=%u cms=%d", vm->name, mr, err);
		return vm_cms(err);
	}
	log_debug("vmodem", "event=sent modem=%s mr=%u len=%zu", vm->name, mr, len);
	if (vm->hang_sent_ms) {
		vmodem_hang_start(vm, vm->hang_sent_ms, "sent"); /* the answer below is never written */
		vm->hang_sent_ms = 0;
	}
	vmodem_info(vm, "+CMGS: %u", mr);
	return vm_ok();
}

struct vm_result vmodem_submit(struct vmodem *vm, uint8_t *tpdu, size_t len)
{
	if (sim_pdu_submit_size(tpdu, len) != (int)len)
		return vm_cms(vm->cmgf ? 305 : 304);
	if (vm->reg_stat != 1) {
		log_warn("vmodem", "event=send_refused modem=%s reason=no_network", vm->name);
		return vm_cms(331);
	}
	uint8_t mr = ++vm->mr;
	tpdu[1] = mr;
	if (vm->model->send_ms) {
		/* the SMSC gets the message when the round trip is over, so that nothing it causes
		 * (a delivery, a status report) can come before the +CMGS result */
		memcpy(vm->send_tpdu, tpdu, len);
		vm->send_len = len;
		vm->send_mr = mr;
		vm->send_done_at = vm->now_ms + vm->model->send_ms;
		return (struct vm_result){VM_RES_DONE, 0};
	}
	return hand_to_network(vm, tpdu, len, mr);
}

bool vmodem_link_reserved(const struct vmodem *vm)
{
	return vm->in == VM_IN_PDU || vm->in == VM_IN_TEXT;
}

void vmodem_send_tick(struct vmodem *vm)
{
	if (vm->in != VM_IN_WAIT || vm->now_ms < vm->send_done_at)
		return;
	vm->in = VM_IN_COMMAND;
	vm->send_done_at = 0;
	vm->info_started = false;
	struct vm_result res = vm_cms(332); /* lost on the way: network timeout, 27.005 3.2.5 */
	if (vm->reg_stat == 1)
		res = hand_to_network(vm, vm->send_tpdu, vm->send_len, vm->send_mr);
	else
		log_warn("vmodem", "event=send_failed modem=%s mr=%u reason=network_lost_during_send",
			 vm->name, vm->send_mr);
	vmodem_final(vm, res);
	vmodem_urc_flush(vm);
}

/* Ctrl-Z in PDU mode: <length> must match the hex after the SMSC octets, 27.005 4.3. */
static struct vm_result submit_pdu(struct vmodem *vm)
{
	uint8_t buf[VM_TPDU_MAX + 13];
	int n = hex_decode(vm->prompt_buf, vm->prompt_used, buf, sizeof(buf));
	if (vm->prompt_bad || n < 1 || n != 1 + buf[0] + vm->prompt_len) {
		log_warn("vmodem",
			 "event=bad_pdu modem=%s hex_digits=%zu length=%d hint=\"AT+CMGS length must count "
			 "the TPDU octets after the SMSC part\"",
			 vm->name, vm->prompt_used, vm->prompt_len);
		return vm_cms(304);
	}
	if (buf[0] == 0 && vm->csca[0] == '\0')
		return vm_cms(330); /* no SMSC in the PDU and none in +CSCA, 27.005 3.2.5 */
	return vmodem_submit(vm, buf + 1 + buf[0], (size_t)vm->prompt_len);
}

static void prompt_close(struct vmodem *vm, struct vm_result res)
{
	vm->in = res.kind == VM_RES_DONE && vm->send_done_at ? VM_IN_WAIT : VM_IN_COMMAND;
	vm->info_started = false;
	vmodem_final(vm, res);
	vmodem_urc_flush(vm);
}

void vmodem_prompt_input(struct vmodem *vm, uint8_t c)
{
	if (vm->echo)
		vm->hooks.write(vm->user, &c, 1);
	if (c == VM_ESC) {
		prompt_close(vm, vm_ok());
		return;
	}
	if (c == VM_CTRL_Z) {
		vm->info_started = false;
		prompt_close(vm, vm->cmgf ? vmodem_text_submit(vm) : submit_pdu(vm));
		return;
	}
	if (vm->in == VM_IN_TEXT && c == '\r')
		vmodem_write(vm, "\r\n> ", 4);
	if (vm->in == VM_IN_PDU && (c == '\r' || c == '\n'))
		return;
	if (vm->prompt_used + 1 >= sizeof(vm->prompt_buf)) {
		vm->prompt_bad = true;
		return;
	}
	vm->prompt_buf[vm->prompt_used++] = (char)c;
}

const struct vm_cmd vmodem_cmds_sms[] = {
	{"+CSMS", cmd_csms, VM_CMD_SMS},
	{"+CMGF", cmd_cmgf, VM_CMD_SMS},
	{"+CSCA", cmd_csca, VM_CMD_NEEDS_SIM | VM_CMD_SMS},
	{"+CSMP", cmd_csmp, VM_CMD_SMS},
	{"+CSDH", cmd_csdh, VM_CMD_SMS},
	{"+CNMI", cmd_cnmi, VM_CMD_SMS},
	{"+CNMA", cmd_cnma, VM_CMD_SMS},
	{"+CMMS", cmd_cmms, VM_CMD_SMS},
	{"+CMGS", cmd_cmgs, VM_CMD_NEEDS_SIM | VM_CMD_SMS},
	{NULL, NULL, 0},
};
