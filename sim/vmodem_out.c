/* What the modem writes on its serial line: information text, final result codes in the
 * V1/V0/Q forms of V.250 6.2.5-6.2.6, +CME/+CMS errors per +CMEE (27.007 9.1), the
 * text-entry prompt, unsolicited result codes and the +CNMI buffer of the TA (27.005 3.4.1),
 * and the stray bytes of the garbage fault. */
#include "vmodem_int.h"

#include <stdio.h>
#include <string.h>

struct vm_err_text {
	int code;
	const char *text;
};

/* 27.007 9.2 */
static const struct vm_err_text cme_texts[] = {
	{3, "operation not allowed"},
	{4, "operation not supported"},
	{10, "SIM not inserted"},
	{11, "SIM PIN required"},
	{12, "SIM PUK required"},
	{13, "SIM failure"},
	{16, "incorrect password"},
	{30, "no network service"},
	{50, "incorrect parameters"},
	{100, "unknown"},
	{0, NULL},
};

/* 27.005 3.2.5 */
static const struct vm_err_text cms_texts[] = {
	{302, "operation not allowed"},
	{303, "operation not supported"},
	{304, "invalid PDU mode parameter"},
	{305, "invalid text mode parameter"},
	{310, "SIM not inserted"},
	{311, "SIM PIN required"},
	{316, "SIM PUK required"},
	{321, "invalid memory index"},
	{322, "memory full"},
	{330, "SMSC address unknown"},
	{331, "no network service"},
	{332, "network timeout"},
	{340, "no +CNMA acknowledgement expected"},
	{500, "unknown error"},
	{0, NULL},
};

static const char *err_text(const struct vm_err_text *t, int code)
{
	for (; t->text; t++)
		if (t->code == code)
			return t->text;
	return "unknown";
}

uint32_t vmodem_random(struct vmodem *vm)
{
	uint32_t x = vm->rng;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	vm->rng = x;
	return x;
}

static void put_garbage(struct vmodem *vm)
{
	uint8_t junk[16];
	size_t n = 4 + vmodem_random(vm) % 9;
	for (size_t i = 0; i < n; i++) {
		uint8_t b = (uint8_t)vmodem_random(vm);
		junk[i] = (b == '\r' || b == '\n') ? 0xff : b;
	}
	vm->garbage_pending = false;
	vm->hooks.write(vm->user, junk, n);
}

void vmodem_write(struct vmodem *vm, const void *buf, size_t len)
{
	if (vm->hang_until || vm->boot_until)
		return;
	if (vm->garbage_pending)
		put_garbage(vm);
	vm->hooks.write(vm->user, buf, len);
}

__attribute__((format(printf, 4, 0))) static void vm_vprint(struct vmodem *vm, const char *pre,
							    const char *post, const char *fmt, va_list ap)
{
	char buf[VM_URC_MAX + 64];
	size_t n = (size_t)snprintf(buf, sizeof(buf), "%s", pre);
	int k = vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
	if (k < 0)
		return;
	n += (size_t)k < sizeof(buf) - n ? (size_t)k : sizeof(buf) - n - 1;
	k = snprintf(buf + n, sizeof(buf) - n, "%s", post);
	n += (size_t)k < sizeof(buf) - n ? (size_t)k : sizeof(buf) - n - 1;
	vmodem_write(vm, buf, n);
}

void vmodem_info(struct vmodem *vm, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vm_vprint(vm, vm->info_started || !vm->verbose ? "" : "\r\n", "\r\n", fmt, ap);
	va_end(ap);
	vm->info_started = true;
}

void vmodem_info_cont(struct vmodem *vm, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vm_vprint(vm, "", "\r\n", fmt, ap);
	va_end(ap);
}

static void final_text(struct vmodem *vm, const char *text, int v0)
{
	char buf[96];
	int n = vm->verbose ? snprintf(buf, sizeof(buf), "\r\n%s\r\n", text)
			    : snprintf(buf, sizeof(buf), "%d\r", v0);
	vmodem_write(vm, buf, (size_t)n);
}

static void final_err(struct vmodem *vm, const char *kind, const struct vm_err_text *t, int code)
{
	char buf[96];
	if (vm->cmee == 2)
		snprintf(buf, sizeof(buf), "+%s ERROR: %s", kind, err_text(t, code));
	else
		snprintf(buf, sizeof(buf), "+%s ERROR: %d", kind, code);
	char out[104];
	int n = vm->verbose ? snprintf(out, sizeof(out), "\r\n%s\r\n", buf)
			    : snprintf(out, sizeof(out), "%s\r\n", buf);
	vmodem_write(vm, out, (size_t)n);
}

void vmodem_final(struct vmodem *vm, struct vm_result res)
{
	vm->info_started = false;
	if (vm->quiet && res.kind != VM_RES_PROMPT && res.kind != VM_RES_DONE)
		return;
	switch (res.kind) {
	case VM_RES_OK:
		final_text(vm, "OK", 0);
		break;
	case VM_RES_ERROR:
		final_text(vm, "ERROR", 4);
		break;
	case VM_RES_CME:
		if (vm->cmee == 0)
			final_text(vm, "ERROR", 4);
		else
			final_err(vm, "CME", cme_texts, res.code);
		break;
	case VM_RES_CMS:
		if (vm->cmee == 0)
			final_text(vm, "ERROR", 4);
		else
			final_err(vm, "CMS", cms_texts, res.code);
		break;
	case VM_RES_PROMPT:
		vmodem_prompt(vm);
		break;
	case VM_RES_DONE:
		break;
	}
}

void vmodem_prompt(struct vmodem *vm)
{
	vmodem_write(vm, "\r\n> ", 4);
	if (vm->hang_prompt_ms) {
		vmodem_hang_start(vm, vm->hang_prompt_ms, "prompt");
		vm->hang_prompt_ms = 0;
	}
}

void vmodem_urc(struct vmodem *vm, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vm_vprint(vm, "\r\n", "\r\n", fmt, ap);
	va_end(ap);
}

static void queue_urc(struct vmodem *vm, const char *text, size_t len)
{
	if (vm->urcq_len == VM_URC_QUEUE) {
		memmove(&vm->urcq[0], &vm->urcq[1], sizeof(vm->urcq[0]) * (VM_URC_QUEUE - 1));
		vm->urcq_len--;
	}
	struct vmodem_urc *u = &vm->urcq[vm->urcq_len++];
	u->len = len < sizeof(u->text) ? len : sizeof(u->text);
	memcpy(u->text, text, u->len);
}

void vmodem_urc_sms(struct vmodem *vm, const char *text, size_t len)
{
	bool busy = vmodem_link_reserved(vm);
	switch (vm->cnmi[0]) {
	case 0:
		queue_urc(vm, text, len);
		return;
	case 1:
		if (!busy)
			vmodem_write(vm, text, len);
		return;
	case 2:
		if (busy)
			queue_urc(vm, text, len);
		else
			vmodem_write(vm, text, len);
		return;
	default:
		vmodem_write(vm, text, len);
		return;
	}
}

void vmodem_urc_flush(struct vmodem *vm)
{
	if (vm->cnmi[0] == 0 || vmodem_link_reserved(vm))
		return;
	for (int i = 0; i < vm->urcq_len; i++)
		vmodem_write(vm, vm->urcq[i].text, vm->urcq[i].len);
	vm->urcq_len = 0;
}
