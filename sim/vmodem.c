/* One virtual modem's life: creation, power-on and reboot with the boot URCs of its model,
 * the SIM lock, network registration and its URCs (27.007 7.2), the injected faults, and the
 * timers the network drives through vmodem_tick(). Input goes to the line or the prompt. */
#include "vmodem_int.h"

#include "log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void copy_str(char *dst, size_t size, const char *src)
{
	size_t n = src ? strnlen(src, size - 1) : 0;
	if (n)
		memcpy(dst, src, n);
	dst[n] = '\0';
}

struct vmodem *vmodem_new(const struct vmodem_config *cfg, const struct vmodem_hooks *hooks, void *user)
{
	struct vmodem *vm = calloc(1, sizeof(*vm));
	if (!vm)
		return NULL;
	copy_str(vm->name, sizeof(vm->name), cfg->name);
	copy_str(vm->number, sizeof(vm->number), cfg->number);
	copy_str(vm->pin, sizeof(vm->pin), cfg->pin);
	copy_str(vm->csca, sizeof(vm->csca), cfg->smsc);
	vm->csca_type = vm->csca[0] == '+' ? 145 : 129;
	vm->model = vmodem_model_get(cfg->model);
	vm->hooks = *hooks;
	vm->user = user;
	vm->rng = cfg->seed ? cfg->seed : 0x9e3779b9u;
	vm->pin_left = 3;
	vm->puk_left = 10;
	vm->batt_pct = vm->model->battery_pct;
	vm->batt_mv = vm->model->battery_mv;
	vmodem_clock_init(vm, cfg->epoch_ms);
	int slots = cfg->slots > 0 ? cfg->slots : 30;
	if (vmodem_store_init(vm, slots > VM_SLOTS_MAX ? VM_SLOTS_MAX : slots) < 0) {
		free(vm);
		return NULL;
	}
	return vm;
}

void vmodem_free(struct vmodem *vm)
{
	if (!vm)
		return;
	vmodem_store_free(vm);
	free(vm);
}

void vmodem_profile_defaults(struct vmodem *vm)
{
	static const uint8_t sreg[13] = {0, 0, 43, 13, 10, 8, 2, 60, 2, 6, 14, 95, 50};
	vm->echo = true;
	vm->verbose = true;
	vm->quiet = false;
	vm->cmee = 0;
	memcpy(vm->sreg, sreg, sizeof(sreg));
}

/* Everything a power cycle forgets; the SIM (PIN counters, SMS, +CSCA, TP-MR) survives. */
static void volatile_defaults(struct vmodem *vm)
{
	static const int csmp[4] = {17, 167, 0, 0};
	vmodem_profile_defaults(vm);
	vm->in = VM_IN_COMMAND;
	vm->send_done_at = 0;
	vmodem_line_reset(vm);
	vm->info_started = false;
	vm->cfun = 1;
	vm->sim = vm->pin[0] ? VM_SIM_PIN : VM_SIM_READY;
	memset(vm->reg_n, 0, sizeof(vm->reg_n));
	vm->reg_stat = 0;
	vm->reg_at = 0;
	vm->cops_deregistered = false;
	vm->cops_format = 0;
	vm->clip = vm->crc = vm->ccwa = vm->cusd = 0;
	vm->nitz = false;
	copy_str(vm->cscs, sizeof(vm->cscs), "IRA");
	vm->cmgf = vm->csdh = vm->csms = vm->cmms = 0;
	memset(vm->cnmi, 0, sizeof(vm->cnmi));
	memcpy(vm->csmp, csmp, sizeof(csmp));
	for (int i = 0; i < 3; i++)
		vm->cpms[i] = vm->model->default_mem;
	vm->urcq_len = 0;
}

static void print_lines(struct vmodem *vm, const char *const *lines)
{
	for (; lines && *lines; lines++)
		vmodem_urc(vm, "%s", *lines);
}

static void boot_done(struct vmodem *vm)
{
	vm->boot_until = 0;
	vm->powered = true;
	print_lines(vm, vm->model->boot_urcs);
	if (vm->sim == VM_SIM_PIN) {
		vmodem_urc(vm, "+CPIN: SIM PIN");
		log_info("vmodem",
			 "event=boot modem=%s model=%s sim=locked hint=\"client must send AT+CPIN\"",
			 vm->name, vm->model->key);
		return;
	}
	vmodem_urc(vm, "+CPIN: READY");
	log_info("vmodem", "event=boot modem=%s model=%s sim=ready", vm->name, vm->model->key);
	vmodem_sim_unlocked(vm);
}

void vmodem_sim_unlocked(struct vmodem *vm)
{
	vm->sim = VM_SIM_READY;
	print_lines(vm, vm->model->sim_ready_urcs);
	vm->reg_at = vm->now_ms + vm->model->reg_delay_ms;
	vmodem_update(vm, vm->now_ms);
}

void vmodem_power_on(struct vmodem *vm, uint64_t now_ms)
{
	vm->now_ms = now_ms;
	volatile_defaults(vm);
	boot_done(vm);
}

void vmodem_power_off(struct vmodem *vm, uint64_t now_ms)
{
	vm->now_ms = now_ms;
	vm->powered = false;
	vm->boot_until = vm->hang_until = vm->nonet_until = 0;
	vmodem_notify_reset(vm);
	volatile_defaults(vm);
	vmodem_update(vm, now_ms);
	log_info("vmodem", "event=power_off modem=%s stored_kept=1", vm->name);
}

void vmodem_hang_start(struct vmodem *vm, uint32_t ms, const char *at)
{
	vm->hang_until = vm->now_ms + (ms ? ms : 1);
	log_info("vmodem", "event=hang_start modem=%s at=%s ms=%u", vm->name, at, ms);
}

void vmodem_reboot(struct vmodem *vm)
{
	vm->boot_until = vm->now_ms + (vm->model->boot_ms ? vm->model->boot_ms : 1);
	vm->powered = false;
	vm->hang_until = 0; /* a power cycle is what cures a hung module */
	vmodem_notify_reset(vm);
	volatile_defaults(vm);
	log_info("vmodem", "event=reboot modem=%s boot_ms=%u stored_kept=1", vm->name, vm->model->boot_ms);
}

bool vmodem_radio_on(const struct vmodem *vm)
{
	return vm->powered && !vm->boot_until && vm->cfun == 1;
}

static int wanted_reg_stat(const struct vmodem *vm)
{
	if (!vmodem_radio_on(vm) || vm->sim != VM_SIM_READY || vm->cops_deregistered)
		return 0;
	if (vm->nonet_until || vm->reg_at)
		return 2;
	return 1;
}

const char *vmodem_away(const struct vmodem *vm)
{
	if (!vm->powered || vm->boot_until || vm->hang_until)
		return NULL;
	if (vm->cfun != 1)
		return "radio off";
	if (vm->nonet_until || vm->cops_deregistered)
		return "no network";
	return NULL;
}

/* <stat> of +CREG, 27.007 7.2 */
static const char *reg_str(int stat)
{
	static const char *const names[] = {"not_registered", "home", "searching"};
	return stat >= 0 && stat <= 2 ? names[stat] : "unknown";
}

static void reg_urc(struct vmodem *vm, const char *name, int n, bool lte)
{
	if (n == 1 || (n == 2 && vm->reg_stat != 1))
		vmodem_urc(vm, "+%s: %d", name, vm->reg_stat);
	else if (n == 2)
		vmodem_urc(vm, "+%s: %d,\"%s\",\"%s\",%d", name, vm->reg_stat, lte ? "0001" : "1A2B",
			   lte ? "01A2B3C" : "3C4D", vm->model->act);
}

void vmodem_reg_changed(struct vmodem *vm)
{
	reg_urc(vm, "CREG", vm->reg_n[0], false);
	reg_urc(vm, "CGREG", vm->reg_n[1], false);
	if (!vmodem_model_unsupported(vm->model, "+CEREG"))
		reg_urc(vm, "CEREG", vm->reg_n[2], true);
}

void vmodem_update(struct vmodem *vm, uint64_t now_ms)
{
	vm->now_ms = now_ms;
	if (vm->boot_until && now_ms >= vm->boot_until)
		boot_done(vm);
	if (vm->hang_until && now_ms >= vm->hang_until) {
		vm->hang_until = 0;
		vmodem_line_reset(vm);
		if (vmodem_link_reserved(vm))
			vm->in = VM_IN_COMMAND; /* the text entered before the hang is lost */
		log_info("vmodem", "event=hang_end modem=%s", vm->name);
	}
	if (vm->nonet_until && now_ms >= vm->nonet_until) {
		vm->nonet_until = 0;
		log_info("vmodem", "event=network_back modem=%s", vm->name);
	}
	if (vm->reg_at && now_ms >= vm->reg_at)
		vm->reg_at = 0;
	int stat = wanted_reg_stat(vm);
	if (stat != vm->reg_stat) {
		log_info("vmodem", "event=registration modem=%s from=%s to=%s", vm->name,
			 reg_str(vm->reg_stat), reg_str(stat));
		vm->reg_stat = stat;
		vmodem_reg_changed(vm);
		vmodem_clock_nitz(vm);
	}
	vmodem_notify_tick(vm);
	vmodem_send_tick(vm);
}

void vmodem_input(struct vmodem *vm, const void *buf, size_t len, uint64_t now_ms)
{
	vmodem_update(vm, now_ms);
	if (!vm->powered || vm->hang_until || vm->boot_until) {
		log_debug("vmodem", "event=input_ignored modem=%s len=%zu reason=%s", vm->name, len,
			  vm->hang_until ? "hang" : "booting");
		return;
	}
	const uint8_t *p = buf;
	for (size_t i = 0; i < len; i++) {
		if (vm->hang_until || vm->boot_until)
			return;
		switch (vm->in) {
		case VM_IN_COMMAND:
			vmodem_line_input(vm, p[i]);
			break;
		case VM_IN_PDU:
		case VM_IN_TEXT:
			vmodem_prompt_input(vm, p[i]);
			break;
		case VM_IN_WAIT:
			log_debug("vmodem", "event=input_ignored modem=%s reason=waiting_for_network",
				  vm->name);
			break;
		}
	}
}

const char *vmodem_fault_str(enum vmodem_fault kind)
{
	switch (kind) {
	case VMODEM_FAULT_HANG:
		return "hang";
	case VMODEM_FAULT_GARBAGE:
		return "garbage";
	case VMODEM_FAULT_REBOOT:
		return "reboot";
	case VMODEM_FAULT_NO_NETWORK:
		return "no-network";
	case VMODEM_FAULT_SIM_FULL:
		return "sim-full";
	case VMODEM_FAULT_HANG_PROMPT:
		return "hang-prompt";
	case VMODEM_FAULT_HANG_SENT:
		return "hang-sent";
	}
	return "unknown";
}

void vmodem_fault(struct vmodem *vm, enum vmodem_fault kind, uint32_t arg_ms, uint64_t now_ms)
{
	vmodem_update(vm, now_ms);
	uint64_t until = now_ms + (arg_ms ? arg_ms : 1);
	log_info("vmodem", "event=fault modem=%s kind=%s ms=%u", vm->name, vmodem_fault_str(kind), arg_ms);
	switch (kind) {
	case VMODEM_FAULT_HANG:
		vm->hang_until = until;
		break;
	case VMODEM_FAULT_GARBAGE:
		vm->garbage_pending = true;
		break;
	case VMODEM_FAULT_REBOOT:
		vmodem_reboot(vm);
		break;
	case VMODEM_FAULT_NO_NETWORK:
		vm->nonet_until = until;
		vmodem_update(vm, now_ms);
		break;
	case VMODEM_FAULT_SIM_FULL:
		vmodem_store_fill(vm);
		break;
	case VMODEM_FAULT_HANG_PROMPT:
		vm->hang_prompt_ms = arg_ms ? arg_ms : 1;
		break;
	case VMODEM_FAULT_HANG_SENT:
		vm->hang_sent_ms = arg_ms ? arg_ms : 1;
		break;
	}
}

bool vmodem_registered(const struct vmodem *vm)
{
	return vm->reg_stat == 1 && !vm->hang_until;
}

static uint64_t earliest(uint64_t a, uint64_t b)
{
	if (!b)
		return a;
	return b < a ? b : a;
}

uint64_t vmodem_next_deadline(const struct vmodem *vm)
{
	uint64_t t = UINT64_MAX;
	t = earliest(t, vm->boot_until);
	t = earliest(t, vm->hang_until);
	t = earliest(t, vm->nonet_until);
	t = earliest(t, vm->reg_at);
	if (vm->cnma_pending)
		t = earliest(t, vm->cnma_deadline);
	if (vm->in == VM_IN_WAIT)
		t = earliest(t, vm->send_done_at);
	return t;
}

void vmodem_tick(struct vmodem *vm, uint64_t now_ms)
{
	vmodem_update(vm, now_ms);
}
