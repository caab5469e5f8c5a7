/* One virtual modem: the modem side of an AT serial line, as a real module answers it
 * (V.250, 3GPP TS 27.007, TS 27.005 in PDU and text mode), with its SIM and SMS storage.
 *
 * Pure engine: bytes and `now_ms` in, bytes and network requests out through hooks; no fd,
 * no clock, no timer of its own. The network (sim/ network code) owns the PTY, paces it,
 * routes SMS between modems and phones, and calls vmodem_tick() at vmodem_next_deadline().
 *
 * Seam between the two halves of the simulator: vmodem_*.c implements this header; the
 * network and the `m2mon sim` command use only what it declares. */
#ifndef M2_SIM_VMODEM_H
#define M2_SIM_VMODEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vmodem;

/* Personalities, indexed like sim_model_names (sim_settings.h). */
enum vmodem_model {
	VMODEM_MODEL_GENERIC,
	VMODEM_MODEL_SIM800,
	VMODEM_MODEL_EC2X,
	VMODEM_MODEL_E3372,
};

struct vmodem_config {
	const char *name;   /* for logs */
	const char *number; /* own subscriber number, e.g. "+15550001000" */
	const char *smsc;   /* service centre number answered to AT+CSCA? */
	const char *pin;    /* SIM PIN, NULL or "" for none */
	enum vmodem_model model;
	int slots;     /* SMS storage slots per memory (SM, ME) */
	uint32_t seed; /* for the garbage fault's bytes */
	/* The network's time (UTC epoch ms) when now_ms is 0: what it sends the modem (NITZ,
	 * TS 24.008 9.2.15a) once the model's switch is on. 0: the network sends no time. */
	int64_t epoch_ms;
};

/* What the modem asks of the network. Every hook is called from inside a vmodem_* call. */
struct vmodem_hooks {
	/* Bytes the modem writes to its serial line, in order. */
	void (*write)(void *user, const void *buf, size_t len);
	/* The modem sends an SMS: `tpdu` is the SMS-SUBMIT TPDU (SMSC octets removed), `mr` the
	 * TP-Message-Reference the modem gave it (also in the TPDU). Returns 0 when the network
	 * accepted it (the modem then answers +CMGS: mr), or a positive TS 27.005 <err> code
	 * (e.g. 331 no network service, 500 unknown error) that the modem answers as +CMS ERROR. */
	int (*submit)(void *user, const uint8_t *tpdu, size_t len, uint8_t mr);
};

struct vmodem *vmodem_new(const struct vmodem_config *cfg, const struct vmodem_hooks *hooks, void *user);
void vmodem_free(struct vmodem *vm);

/* Power-on: prints the boot URCs of its model (e.g. RDY, +CPIN: READY or SIM PIN) and starts
 * with echo on, like a real module. Call once after vmodem_new(), and after each
 * vmodem_power_off(). */
void vmodem_power_on(struct vmodem *vm, uint64_t now_ms);

/* Power lost (a USB module unplugged): the module writes nothing, is off the network
 * (vmodem_deliver answers -ENETDOWN) and forgets its volatile state, as at a reboot; the SIM
 * keeps its messages. vmodem_power_on() brings it back. */
void vmodem_power_off(struct vmodem *vm, uint64_t now_ms);

/* Bytes the client wrote to the serial line (any split: one byte per call works). */
void vmodem_input(struct vmodem *vm, const void *buf, size_t len, uint64_t now_ms);

/* The network hands the modem an SMS-DELIVER TPDU (no SMSC octets; the modem adds the SMSC
 * it knows when it lists or reports the PDU). The modem stores it and notifies (+CMTI) or
 * routes it (+CMT) as +CNMI says. Returns 0, -ENOSPC when the storage is full (the modem
 * has then shown +CMS ERROR 322 behaviour of its model, and the network keeps the SMS for a
 * later retry), or -ENETDOWN when the modem is off the network, powered down, rebooting or
 * hung; -EBUSY when +CNMI <mode> 1 makes it reject a message it would route (+CMT) while
 * the text-entry prompt reserves the line (27.005 3.4.1; the network retries later);
 * -EINVAL when `len` is 0 or longer than a TPDU can be (176). */
int vmodem_deliver(struct vmodem *vm, const uint8_t *tpdu, size_t len, uint64_t now_ms);

/* The network hands the modem an SMS-STATUS-REPORT TPDU; shown as +CDS or stored with +CDSI
 * per +CNMI <ds>. Same returns as vmodem_deliver. */
int vmodem_status_report(struct vmodem *vm, const uint8_t *tpdu, size_t len, uint64_t now_ms);

enum vmodem_fault {
	VMODEM_FAULT_HANG,        /* arg_ms: reads and ignores input for that long, answers nothing */
	VMODEM_FAULT_GARBAGE,     /* stray bytes in the next reply */
	VMODEM_FAULT_REBOOT,      /* drops volatile state (echo, CNMI, CMGF, ...) and prints boot URCs */
	VMODEM_FAULT_NO_NETWORK,  /* arg_ms: unregistered for that long (+CREG: 0/2 URCs when enabled) */
	VMODEM_FAULT_SIM_FULL,    /* every storage slot is taken until messages are deleted */
	VMODEM_FAULT_HANG_PROMPT, /* arg_ms: the next AT+CMGS shows its prompt, then the module
				     hangs for that long (the text entered is lost) */
	VMODEM_FAULT_HANG_SENT,   /* arg_ms: the next AT+CMGS hands its SMS to the network, then
				     the module hangs for that long without answering +CMGS: the
				     client cannot know that the SMS went */
};
const char *vmodem_fault_str(enum vmodem_fault kind);

void vmodem_fault(struct vmodem *vm, enum vmodem_fault kind, uint32_t arg_ms, uint64_t now_ms);

/* The network's time as this modem's cell sends it from now on: epoch_ms + now_ms +
 * `skew_ms`, in the zone `tz_minutes` east of UTC (a multiple of 15 within 18 hours). A
 * modem whose switch is on (Quectel AT+CTZU=1, SIMCom AT+CLTS=1; the other models lack one)
 * takes it at once when registered, and again at each registration; without the switch its
 * AT+CCLK? keeps its own clock, from 2004-01-01 at power-on until AT+CCLK= sets it.
 * Returns 0, or -EINVAL for a zone out of range. */
int vmodem_network_time(struct vmodem *vm, int64_t skew_ms, int tz_minutes, uint64_t now_ms);

/* What AT+CBC (27.007 8.4) answers from now on: charge `pct` (0..100) and, on the models
 * that give a voltage, `mv` millivolts (1..65535; -1: one that goes with `pct`, 3300 empty to
 * 4200 full). Returns 0, -EINVAL out of range, -ENOTSUP for a model without a battery (its
 * AT+CBC answers ERROR). */
int vmodem_battery(struct vmodem *vm, int pct, int mv);

/* True while registered on the network (not in a no-network fault, not rebooting). */
bool vmodem_registered(const struct vmodem *vm);
/* Why the modem cannot take an SMS until a fault ends or its client acts: "no network" (the
 * no-network fault, or deregistered by AT+COPS=2), "radio off" (AT+CFUN other than 1); NULL
 * when it takes SMS or soon will by itself (booting, hung, registering). */
const char *vmodem_away(const struct vmodem *vm);

/* The next time the modem needs vmodem_tick() (end of a hang, of a no-network period, a
 * reboot finishing, a delayed answer), or UINT64_MAX when nothing is pending. */
uint64_t vmodem_next_deadline(const struct vmodem *vm);
void vmodem_tick(struct vmodem *vm, uint64_t now_ms);

#endif
