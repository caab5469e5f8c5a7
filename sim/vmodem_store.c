/* SMS storage (27.005 3.2.2): the SM, ME and SR stores with a fixed number of slots, MT as SM
 * then ME, and the commands over them: +CPMS, +CMGL, +CMGR, +CMGD. Listed and read PDUs start
 * with the SMSC octets; the length field counts the TPDU only (27.005 3.4.2, 4.1). */
#include "vmodem_int.h"

#include "sim_pdu.h"

#include "hex.h"
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int vmodem_store_init(struct vmodem *vm, int slots)
{
	for (int i = 0; i < VM_MEM_STORES; i++) {
		vm->store[i].slot = calloc((size_t)slots, sizeof(struct vm_msg));
		vm->store[i].n = slots;
		if (!vm->store[i].slot) {
			vmodem_store_free(vm);
			return -ENOMEM;
		}
	}
	return 0;
}

void vmodem_store_free(struct vmodem *vm)
{
	for (int i = 0; i < VM_MEM_STORES; i++) {
		free(vm->store[i].slot);
		vm->store[i].slot = NULL;
	}
}

int vmodem_store_total(const struct vmodem *vm, enum vm_mem_id mem)
{
	if (mem == VM_MEM_MT)
		return vm->store[VM_MEM_SM].n + vm->store[VM_MEM_ME].n;
	return mem == VM_MEM_NONE ? 0 : vm->store[mem].n;
}

struct vm_msg *vmodem_store_slot(struct vmodem *vm, enum vm_mem_id mem, int i)
{
	if (i < 0 || i >= vmodem_store_total(vm, mem))
		return NULL;
	if (mem == VM_MEM_MT) {
		int sm = vm->store[VM_MEM_SM].n;
		return i < sm ? &vm->store[VM_MEM_SM].slot[i] : &vm->store[VM_MEM_ME].slot[i - sm];
	}
	return &vm->store[mem].slot[i];
}

static int slots_used(const struct vm_store *store)
{
	int used = 0;
	for (int i = 0; i < store->n; i++)
		used += store->slot[i].used;
	return used;
}

int vmodem_store_used(const struct vmodem *vm, enum vm_mem_id mem)
{
	if (mem == VM_MEM_MT)
		return slots_used(&vm->store[VM_MEM_SM]) + slots_used(&vm->store[VM_MEM_ME]);
	return mem == VM_MEM_NONE ? 0 : slots_used(&vm->store[mem]);
}

int vmodem_store_put(struct vmodem *vm, enum vm_mem_id mem, enum vm_stat stat, const uint8_t *tpdu,
		     size_t len, enum vm_mem_id *where)
{
	for (int i = 0; i < vmodem_store_total(vm, mem); i++) {
		struct vm_msg *m = vmodem_store_slot(vm, mem, i);
		if (m->used)
			continue;
		m->used = true;
		m->stat = (uint8_t)stat;
		m->len = (uint8_t)len;
		memcpy(m->tpdu, tpdu, len);
		*where = mem;
		if (mem == VM_MEM_MT)
			*where = i < vm->store[VM_MEM_SM].n ? VM_MEM_SM : VM_MEM_ME;
		int in_store = mem == VM_MEM_MT && *where == VM_MEM_ME ? i - vm->store[VM_MEM_SM].n : i;
		return in_store + vm->model->index_base;
	}
	return -ENOSPC;
}

#define VM_FILL_SCTS 1795564800 /* 2026-11-25 00:00 UTC: the old messages' TP-SCTS */

void vmodem_store_fill(struct vmodem *vm)
{
	uint8_t tpdu[SIM_TPDU_MAX];
	struct sim_part parts[SIM_MAX_PARTS];
	int n = 0;
	for (int s = VM_MEM_SM; s <= VM_MEM_ME; s++)
		for (int i = 0; i < vm->store[s].n; i++) {
			struct vm_msg *m = &vm->store[s].slot[i];
			if (m->used)
				continue;
			char text[32];
			snprintf(text, sizeof(text), "OLD MESSAGE %d", ++n);
			int len = 0;
			if (sim_pdu_split(text, false, 0, parts) == 1)
				len = sim_pdu_build_deliver("+10000", &parts[0], VM_FILL_SCTS, tpdu);
			if (len <= 0)
				continue;
			m->used = true;
			m->stat = VM_STAT_REC_READ;
			m->len = (uint8_t)len;
			memcpy(m->tpdu, tpdu, len);
		}
	log_info("vmodem",
		 "event=sim_full modem=%s filled=%d hint=\"delete messages (AT+CMGD) to free slots\"",
		 vm->name, n);
}

static void show_pdu(struct vmodem *vm, const struct vm_msg *m)
{
	char hex[2 * (VM_TPDU_MAX + 14) + 1];
	size_t n = vmodem_pdu_smsc_hex(vm->csca, vm->csca_type, hex, sizeof(hex));
	hex_encode(m->tpdu, m->len, hex + n);
	vmodem_info_cont(vm, "%s", hex);
}

static struct vm_result cmd_cpms(struct vmodem *vm, enum vm_cmd_type type, struct vm_args *a)
{
	const enum vm_mem_id *c = vm->cpms;
	switch (type) {
	case VM_CMD_TEST:
		vmodem_info(vm, "%s", vm->model->cpms_test);
		return vm_ok();
	case VM_CMD_READ:
		vmodem_info(vm, "+CPMS: \"%s\",%d,%d,\"%s\",%d,%d,\"%s\",%d,%d", vmodem_mem_name(c[0]),
			    vmodem_store_used(vm, c[0]), vmodem_store_total(vm, c[0]), vmodem_mem_name(c[1]),
			    vmodem_store_used(vm, c[1]), vmodem_store_total(vm, c[1]), vmodem_mem_name(c[2]),
			    vmodem_store_used(vm, c[2]), vmodem_store_total(vm, c[2]));
		return vm_ok();
	case VM_CMD_EXEC:
		return vm_cms(304);
	case VM_CMD_SET:
		break;
	}
	enum vm_mem_id want[3] = {c[0], c[1], c[2]};
	for (int i = 0; i < 3; i++) {
		char name[8];
		int rc = vmodem_arg_str(a, name, sizeof(name));
		if (rc < 0 || (i == 0 && rc == 0))
			return vm_cms(rc < 0 ? 304 : 302);
		if (rc == 0)
			continue;
		want[i] = vmodem_model_mem(vm->model, name);
		if (want[i] == VM_MEM_NONE || (i > 0 && want[i] == VM_MEM_SR))
			return vm_cms(302);
	}
	if (!vmodem_arg_done(a))
		return vm_cms(304);
	memcpy(vm->cpms, want, sizeof(want));
	vmodem_info(vm, "+CPMS: %d,%d,%d,%d,%d,%d", vmodem_store_used(vm, want[0]),
		    vmodem_store_total(vm, want[0]), vmodem_store_used(vm, want[1]),
		    vmodem_store_total(vm, want[1]), vmodem_store_used(vm, want[2]),
		    vmodem_store_total(vm, want[2]));
	return vm_ok();
}

static const char *const stat_text[] = {"REC UNREAD", "REC READ", "STO UNSENT", "STO SENT", "ALL"};

static int parse_stat(struct vmodem *vm, struct vm_args *a, int *stat)
{
	*stat = 0;
	if (vm->cmgf == 0)
		return vmodem_arg_int_opt(a, 0, 4, stat) < 0 || !vmodem_arg_done(a) ? -EINVAL : 0;
	char s[16];
	int rc = vmodem_arg_str(a, s, sizeof(s));
	if (rc < 0 || !vmodem_arg_done(a))
		return -EINVAL;
	for (int i = 0; rc == 1 && i < 5; i++)
		if (strcmp(s, stat_text[i]) == 0) {
			*stat = i;
			return 0;
		}
	return rc == 0 ? 0 : -EINVAL;
}

static struct vm_result cmd_cmgl(struct vmodem *vm, enum vm_cmd_type type, struct vm_args *a)
{
	int stat = 0;
	if (type == VM_CMD_TEST) {
		if (vm->cmgf)
			vmodem_info(
				vm,
				"+CMGL: (\"REC UNREAD\",\"REC READ\",\"STO UNSENT\",\"STO SENT\",\"ALL\")");
		else
			vmodem_info(vm, "+CMGL: (0-4)");
		return vm_ok();
	}
	if (type == VM_CMD_READ || (type == VM_CMD_SET && parse_stat(vm, a, &stat) < 0))
		return vm_cms(vm->cmgf ? 305 : 304);
	if (vm->cmgf)
		return vmodem_text_list(vm, stat);
	enum vm_mem_id mem = vm->cpms[0];
	for (int i = 0; i < vmodem_store_total(vm, mem); i++) {
		struct vm_msg *m = vmodem_store_slot(vm, mem, i);
		if (!m->used || (stat != 4 && m->stat != stat))
			continue;
		vmodem_info(vm, "+CMGL: %d,%d,%s,%d", i + vm->model->index_base, m->stat, vm->model->alpha,
			    m->len);
		show_pdu(vm, m);
		if (m->stat == VM_STAT_REC_UNREAD)
			m->stat = VM_STAT_REC_READ;
	}
	return vm_ok();
}

/* The slot a client's <index> names in <mem1>, or NULL (+CMS ERROR: 321). */
static struct vm_msg *slot_by_index(struct vmodem *vm, struct vm_args *a, int *index)
{
	int rc = vmodem_arg_int(a, index);
	if (rc != 1)
		return NULL;
	return vmodem_store_slot(vm, vm->cpms[0], *index - vm->model->index_base);
}

static struct vm_result cmd_cmgr(struct vmodem *vm, enum vm_cmd_type type, struct vm_args *a)
{
	int index;
	if (type == VM_CMD_TEST)
		return vm_ok();
	if (type != VM_CMD_SET)
		return vm_cms(vm->cmgf ? 305 : 304);
	struct vm_msg *m = slot_by_index(vm, a, &index);
	if (!m || !vmodem_arg_done(a))
		return vm_cms(321);
	if (!m->used)
		return vm->model->empty_read_ok ? vm_ok() : vm_cms(321);
	if (vm->cmgf) {
		struct vm_result r = vmodem_text_read(vm, m);
		if (r.kind == VM_RES_OK && m->stat == VM_STAT_REC_UNREAD)
			m->stat = VM_STAT_REC_READ;
		return r;
	}
	vmodem_info(vm, "+CMGR: %d,%s,%d", m->stat, vm->model->alpha, m->len);
	show_pdu(vm, m);
	if (m->stat == VM_STAT_REC_UNREAD)
		m->stat = VM_STAT_REC_READ;
	return vm_ok();
}

/* 27.005 3.5.4 <delflag>: which stats each flag removes (bit per enum vm_stat). */
static const uint8_t delflag_mask[5] = {0, 0x2, 0xA, 0xE, 0xF};

static void cmgd_list(struct vmodem *vm)
{
	char buf[VM_URC_MAX];
	size_t n = 0;
	enum vm_mem_id mem = vm->cpms[0];
	for (int i = 0; i < vmodem_store_total(vm, mem) && n + 8 < sizeof(buf); i++)
		if (vmodem_store_slot(vm, mem, i)->used)
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%d", n ? "," : "",
					      i + vm->model->index_base);
	buf[n] = '\0';
	vmodem_info(vm, "+CMGD: (%s),(0-4)", buf);
}

static struct vm_result cmd_cmgd(struct vmodem *vm, enum vm_cmd_type type, struct vm_args *a)
{
	if (type == VM_CMD_TEST) {
		cmgd_list(vm);
		return vm_ok();
	}
	if (type != VM_CMD_SET)
		return vm_cms(vm->cmgf ? 305 : 304);
	int index = -1, flag = 0;
	int rc = vmodem_arg_int(a, &index);
	if (rc < 0 || vmodem_arg_int_opt(a, 0, 4, &flag) < 0 || !vmodem_arg_done(a))
		return vm_cms(vm->cmgf ? 305 : 304);
	enum vm_mem_id mem = vm->cpms[0];
	if (flag == 0) {
		struct vm_msg *m = vmodem_store_slot(vm, mem, index - vm->model->index_base);
		if (rc == 0 || !m)
			return vm_cms(321);
		m->used = false;
	} else {
		for (int i = 0; i < vmodem_store_total(vm, mem); i++) {
			struct vm_msg *m = vmodem_store_slot(vm, mem, i);
			if (m->used && (delflag_mask[flag] & (1u << m->stat)))
				m->used = false;
		}
	}
	vm->full_shown = false;
	return vm_ok();
}

const struct vm_cmd vmodem_cmds_store[] = {
	{"+CPMS", cmd_cpms, VM_CMD_NEEDS_SIM | VM_CMD_SMS},
	{"+CMGL", cmd_cmgl, VM_CMD_NEEDS_SIM | VM_CMD_SMS},
	{"+CMGR", cmd_cmgr, VM_CMD_NEEDS_SIM | VM_CMD_SMS},
	{"+CMGD", cmd_cmgd, VM_CMD_NEEDS_SIM | VM_CMD_SMS},
	{NULL, NULL, 0},
};
