/* Fuzz target: the virtual modem on arbitrary serial input and an arbitrary TPDU from the
 * network. Byte 0 picks the model, byte 1 the TPDU length; the TPDU is delivered and also
 * given as a status report, listed in PDU and text mode and routed as +CMT, then the rest
 * is typed in pieces of 1 to 8 bytes with the clock moving on. */
#include "vmodem.h"

#include "log.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void sink(void *user, const void *buf, size_t len)
{
	size_t *total = user;
	*total += len;
	(void)buf;
}

static int accept(void *user, const uint8_t *tpdu, size_t len, uint8_t mr)
{
	(void)user;
	(void)tpdu;
	(void)mr;
	return len > 100 ? 500 : 0;
}

static void type(struct vmodem *vm, const char *s, uint64_t *now)
{
	vmodem_input(vm, s, strlen(s), ++*now);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	log_setup(LOG_LEVEL_ERROR, false, "fuzz");
	size_t total = 0;
	struct vmodem_config cfg = {.name = "fz",
				    .number = "+15550001000",
				    .smsc = "+15550000000",
				    .model = (enum vmodem_model)(data[0] % 4),
				    .slots = 3,
				    .seed = data[0],
				    .epoch_ms = 1767225600000LL};
	struct vmodem_hooks hooks = {sink, accept};
	struct vmodem *vm = vmodem_new(&cfg, &hooks, &total);
	if (!vm)
		return 0;
	uint64_t now = 1;
	vmodem_power_on(vm, now);
	vmodem_tick(vm, now += 10000);
	size_t tl = data[1] % 177;
	const uint8_t *tpdu = data + 2;
	if (tl > size - 2)
		tl = size - 2;
	type(vm, "AT+CNMI=2,1,0,2,0;+CSDH=1\r", &now);
	vmodem_deliver(vm, tpdu, tl, ++now);
	vmodem_status_report(vm, tpdu, tl, ++now);
	type(vm, "AT+CMGF=0;+CMGL=4;+CPMS=\"SR\";+CMGL=4\r", &now);
	type(vm, "AT+CMGF=1;+CMGL=\"ALL\";+CPMS=\"SM\";+CMGL=\"ALL\";+CNMI=2,2,0,1,0\r", &now);
	vmodem_deliver(vm, tpdu, tl, ++now);
	vmodem_status_report(vm, tpdu, tl, ++now);
	type(vm, "AT+CMGF=0\r", &now);
	for (size_t off = 2 + tl, i = 0; off < size; i++) {
		size_t n = 1 + i % 8;
		if (n > size - off)
			n = size - off;
		vmodem_input(vm, data + off, n, now += 50);
		if (i % 16 == 15)
			vmodem_tick(vm, now += 20000);
		off += n;
	}
	vmodem_free(vm);
	return 0;
}
