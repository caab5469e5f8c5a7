/* The fake serial line and clock behind the virtual modem tests. */
#include "test_vmodem_harness.h"

#include "log.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static void on_write(void *user, const void *buf, size_t len)
{
	struct vmh *h = user;
	assert_true(h->out_len + len < sizeof(h->out));
	memcpy(h->out + h->out_len, buf, len);
	h->out_len += len;
	h->out[h->out_len] = '\0';
}

static int on_submit(void *user, const uint8_t *tpdu, size_t len, uint8_t mr)
{
	struct vmh *h = user;
	if (h->submit_rc)
		return h->submit_rc;
	assert_true(h->n_sub < VMH_SUBMITS);
	assert_true(len <= sizeof(h->sub[0]));
	memcpy(h->sub[h->n_sub], tpdu, len);
	h->sub_len[h->n_sub] = len;
	h->sub_mr[h->n_sub] = mr;
	h->n_sub++;
	return 0;
}

struct vmh *vmh_new(enum vmodem_model model, const char *pin, int slots)
{
	log_setup(LOG_LEVEL_ERROR, false, "test");
	struct vmh *h = calloc(1, sizeof(*h));
	assert_non_null(h);
	struct vmodem_config cfg = {
		.name = "mA",
		.number = "+15550001000",
		.smsc = "+15550000000",
		.pin = pin,
		.model = model,
		.slots = slots,
		.seed = 7,
		.epoch_ms = VMH_EPOCH_MS,
	};
	struct vmodem_hooks hooks = {on_write, on_submit};
	h->vm = vmodem_new(&cfg, &hooks, h);
	assert_non_null(h->vm);
	h->now = 1000;
	vmodem_power_on(h->vm, h->now);
	return h;
}

struct vmh *vmh_client(void **state, enum vmodem_model model, int slots, const char *more)
{
	struct vmh *h = vmh_new(model, NULL, slots);
	*state = h;
	char line[256];
	snprintf(line, sizeof(line), "ATE0;+CMEE=1%s%s\r", more ? ";" : "", more ? more : "");
	vmh_type(h, line);
	vmh_take(h);
	return h;
}

void vmh_free(struct vmh *h)
{
	vmodem_free(h->vm);
	free(h);
}

int vmh_teardown(void **state)
{
	if (*state)
		vmh_free(*state);
	*state = NULL;
	return 0;
}

void vmh_type_len(struct vmh *h, const char *s, size_t len)
{
	size_t off = 0;
	while (off < len) {
		size_t n = 1 + h->piece++ % 8;
		if (n > len - off)
			n = len - off;
		vmodem_input(h->vm, s + off, n, ++h->now);
		off += n;
	}
}

void vmh_type(struct vmh *h, const char *s)
{
	vmh_type_len(h, s, strlen(s));
}

void vmh_type_bytes(struct vmh *h, const char *s)
{
	for (; *s; s++)
		vmodem_input(h->vm, s, 1, ++h->now);
}

const char *vmh_take(struct vmh *h)
{
	memcpy(h->taken, h->out, h->out_len + 1);
	h->out_len = 0;
	h->out[0] = '\0';
	return h->taken;
}

void vmh_expect(struct vmh *h, const char *want)
{
	char got_esc[8192], want_esc[8192];
	log_escape(h->out, h->out_len, got_esc, sizeof(got_esc));
	log_escape(want, strlen(want), want_esc, sizeof(want_esc));
	assert_string_equal(got_esc, want_esc);
	vmh_take(h);
}

void vmh_advance(struct vmh *h, uint64_t ms)
{
	h->now += ms;
	vmodem_tick(h->vm, h->now);
}

static size_t unhex(const char *hex, uint8_t *out)
{
	size_t n = strlen(hex) / 2;
	for (size_t i = 0; i < n; i++) {
		char b[3] = {hex[2 * i], hex[2 * i + 1], 0};
		out[i] = (uint8_t)strtoul(b, NULL, 16);
	}
	return n;
}

int vmh_deliver_hex(struct vmh *h, const char *hex)
{
	uint8_t buf[200];
	return vmodem_deliver(h->vm, buf, unhex(hex, buf), ++h->now);
}

int vmh_report_hex(struct vmh *h, const char *hex)
{
	uint8_t buf[200];
	return vmodem_status_report(h->vm, buf, unhex(hex, buf), ++h->now);
}
