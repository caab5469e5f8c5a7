/* Messages from the network (27.005 3.4.1): SMS-DELIVERs and SMS-STATUS-REPORTs stored and
 * announced (+CMTI, +CDSI) or routed to the client (+CMT, +CDS) as +CNMI says, the +CNMA
 * acknowledgement that +CSMS=1 asks for, and what a full store shows. */
#include "vmodem_int.h"

#include "hex.h"
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static bool reachable(const struct vmodem *vm)
{
	return vm->powered && !vm->boot_until && !vm->hang_until && vm->reg_stat == 1;
}

static void show_full(struct vmodem *vm, enum vm_mem_id mem)
{
	if (vm->full_shown)
		return;
	vm->full_shown = true;
	log_warn("vmodem",
		 "event=store_full modem=%s mem=%s slots=%d hint=\"client must read and delete messages "
		 "(AT+CMGD); the network keeps retrying\"",
		 vm->name, vmodem_mem_name(mem), vmodem_store_total(vm, mem));
	const char *urc = vm->model->full_urc, *mark = urc ? strstr(urc, "%s") : NULL;
	if (mark)
		vmodem_urc(vm, "%.*s%s%s", (int)(mark - urc), urc, vmodem_mem_name(mem), mark + 2);
	else if (urc)
		vmodem_urc(vm, "%s", urc);
}

static int store_and_notify(struct vmodem *vm, const uint8_t *tpdu, size_t len, bool report)
{
	enum vm_mem_id mem = vm->cpms[2];
	if (report && vm->model->report_mem != VM_MEM_NONE)
		mem = vm->model->report_mem;
	else if (!report && vm->model->mt_forced != VM_MEM_NONE)
		mem = vm->model->mt_forced;
	enum vm_mem_id where = mem;
	int index = vmodem_store_put(vm, mem, VM_STAT_REC_UNREAD, tpdu, len, &where);
	if (index < 0) {
		show_full(vm, mem);
		return -ENOSPC;
	}
	char urc[64];
	int n = 0;
	if (report && vm->cnmi[3] == 2)
		n = snprintf(urc, sizeof(urc), "\r\n+CDSI: \"%s\",%d\r\n", vmodem_mem_name(where), index);
	else if (!report && vm->cnmi[1] >= 1)
		n = snprintf(urc, sizeof(urc), "\r\n+CMTI: \"%s\",%d\r\n", vmodem_mem_name(where), index);
	log_debug("vmodem", "event=stored modem=%s mem=%s index=%d report=%d", vm->name,
		  vmodem_mem_name(where), index, report);
	if (n > 0)
		vmodem_urc_sms(vm, urc, (size_t)n);
	return 0;
}

/* 27.005 3.4.1 <mode> 1: a message the ME would route while the text-entry prompt reserves
 * the line is rejected (RP-ERROR, TS 24.011), so the network keeps it and tries again. */
static bool route_rejected(const struct vmodem *vm)
{
	return vm->cnmi[0] == 1 && vmodem_link_reserved(vm);
}

static void route(struct vmodem *vm, const uint8_t *tpdu, size_t len, bool report)
{
	struct vm_msg m = {.used = true, .stat = VM_STAT_REC_UNREAD, .len = (uint8_t)len};
	memcpy(m.tpdu, tpdu, len);
	char text[VM_URC_MAX];
	size_t n;
	if (vm->cmgf) {
		n = vmodem_text_urc(vm, &m, report, text, sizeof(text));
	} else {
		char hex[2 * (VM_TPDU_MAX + 14) + 1];
		size_t h = vmodem_pdu_smsc_hex(vm->csca, vm->csca_type, hex, sizeof(hex));
		hex_encode(tpdu, len, hex + h);
		if (report)
			n = (size_t)snprintf(text, sizeof(text), "\r\n+CDS: %zu\r\n%s\r\n", len, hex);
		else
			n = (size_t)snprintf(text, sizeof(text), "\r\n+CMT: %s,%zu\r\n%s\r\n",
					     vm->model->alpha, len, hex);
	}
	if (n == 0 || n >= sizeof(text)) {
		store_and_notify(vm, tpdu, len, report);
		return;
	}
	vmodem_urc_sms(vm, text, n);
	if (vm->csms == 1) {
		vm->cnma_pending = true;
		vm->cnma_is_report = report;
		vm->cnma_deadline = vm->now_ms + VM_CNMA_TIMEOUT_MS;
		vm->cnma_msg = m;
	}
}

int vmodem_deliver(struct vmodem *vm, const uint8_t *tpdu, size_t len, uint64_t now_ms)
{
	vmodem_update(vm, now_ms);
	if (!reachable(vm))
		return -ENETDOWN;
	if (len < 2 || len > VM_TPDU_MAX)
		return -EINVAL;
	int cls = vmodem_pdu_deliver_class(tpdu, len);
	int mt = vm->cnmi[1];
	/* 27.005 3.4.1 <mt>: 2 routes all but class 2 (SIM-specific), 3 routes class 3 only */
	if (((mt == 2 && cls != 2) || (mt == 3 && cls == 3)) && !vm->cnma_pending) {
		if (route_rejected(vm))
			return -EBUSY;
		route(vm, tpdu, len, false);
		return 0;
	}
	return store_and_notify(vm, tpdu, len, false);
}

int vmodem_status_report(struct vmodem *vm, const uint8_t *tpdu, size_t len, uint64_t now_ms)
{
	vmodem_update(vm, now_ms);
	if (!reachable(vm))
		return -ENETDOWN;
	if (len < 2 || len > VM_TPDU_MAX)
		return -EINVAL;
	switch (vm->cnmi[3]) {
	case 0:
		log_debug("vmodem", "event=report_dropped modem=%s reason=cnmi_ds_0", vm->name);
		return 0;
	case 1:
		if (!vm->cnma_pending) {
			if (route_rejected(vm))
				return -EBUSY;
			route(vm, tpdu, len, true);
			return 0;
		}
		return store_and_notify(vm, tpdu, len, true);
	default:
		return store_and_notify(vm, tpdu, len, true);
	}
}

/* The routed message was not taken: keep it in storage, as the network's retry would. */
static void keep_unacked(struct vmodem *vm)
{
	vm->cnma_pending = false;
	if (store_and_notify(vm, vm->cnma_msg.tpdu, vm->cnma_msg.len, vm->cnma_is_report) < 0)
		log_error("vmodem", "event=unacked_lost modem=%s reason=store_full", vm->name);
}

void vmodem_notify_reset(struct vmodem *vm)
{
	if (vm->cnma_pending)
		keep_unacked(vm);
}

struct vm_result vmodem_cnma(struct vmodem *vm, int n)
{
	if (!vm->cnma_pending)
		return vm_cms(340);
	if (n == 2) {
		log_info("vmodem", "event=cnma_nack modem=%s kept=stored", vm->name);
		keep_unacked(vm);
		return vm_ok();
	}
	vm->cnma_pending = false;
	return vm_ok();
}

void vmodem_notify_tick(struct vmodem *vm)
{
	if (!vm->cnma_pending || vm->now_ms < vm->cnma_deadline)
		return;
	/* 27.005 3.4.1: no +CNMA in time, so the ME sets <mt> and <ds> of +CNMI to 0 */
	vm->cnmi[1] = 0;
	vm->cnmi[3] = 0;
	log_warn("vmodem",
		 "event=cnma_timeout modem=%s hint=\"client set +CSMS=1 but did not answer +CMT/+CDS with "
		 "AT+CNMA; routing is now off (+CNMI mt=0 ds=0), the message was stored\"",
		 vm->name);
	keep_unacked(vm);
}
