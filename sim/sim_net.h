/* The simulated network core: an SMSC that routes SMS between virtual modems and phones by
 * number, with latency, loss, duplication, reordering and per-modem faults drawn from its own
 * seeded PRNG, status reports (TS 23.040 9.2.2.3) when asked for, and store-and-retry while a
 * modem's storage is full or it is off the network.
 *
 * Pure engine: SMS and `now_ms` in, calls to hooks out; no fd, no clock, no timer. The caller
 * runs sim_net_tick() at sim_net_next_deadline(). Modems are referred to by their index in
 * the settings; phones by number. */
#ifndef M2_SIM_NET_H
#define M2_SIM_NET_H

#include "sim_pdu.h"
#include "sim_phone.h"
#include "sim_settings.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What happened to an SMS on its way (bits of sim_net_record.faults). */
enum sim_net_fault_bit {
	SIM_NET_F_LOSS = 1 << 0,         /* lost by the --loss probability */
	SIM_NET_F_DROP_NEXT = 1 << 1,    /* lost by a drop-next fault on the sending modem */
	SIM_NET_F_DUPLICATE = 1 << 2,    /* this is the network's second copy */
	SIM_NET_F_REORDER = 1 << 3,      /* held back so that later SMS overtake it */
	SIM_NET_F_DELAY = 1 << 4,        /* extra latency from a delay fault on the sending modem */
	SIM_NET_F_STORAGE_FULL = 1 << 5, /* the receiving modem's storage was full; retried */
	SIM_NET_F_NO_NETWORK = 1 << 6,   /* the receiving modem was off the network; retried */
};
#define SIM_NET_F_COUNT 7

/* Name of fault bit number `bit` (0..SIM_NET_F_COUNT-1): "loss", "drop-next", ... */
const char *sim_net_fault_bit_str(int bit);

enum sim_net_status {
	SIM_NET_DELIVERED,      /* handed to the modem or phone */
	SIM_NET_LOST,           /* the network lost it (loss or drop-next) */
	SIM_NET_UNKNOWN_NUMBER, /* nobody has that number */
	SIM_NET_REFUSED,        /* the receiving modem can never take it (not retried) */
};
const char *sim_net_status_str(enum sim_net_status status);

/* One SMS (one TPDU) the network is done with, an SMS-STATUS-REPORT included: written to
 * sms.jsonl by the caller. */
struct sim_net_record {
	uint64_t id;        /* network-wide, in submission order; a duplicate shares it */
	uint64_t submit_ms; /* wall-clock ms when the network accepted it */
	uint64_t done_ms;   /* wall-clock ms of the outcome */
	const char *from, *to;
	const struct sim_part *part;
	enum sim_net_status status;
	unsigned faults;    /* enum sim_net_fault_bit */
	int attempts;       /* delivery attempts (0 when lost before any) */
	bool status_report; /* a status report was requested */
	bool is_report;     /* this is the SMS-STATUS-REPORT for SMS `id`, from its recipient */
	uint8_t tp_status;  /* is_report: its TP-Status (TS 23.040 9.2.3.15) */
	uint8_t mr;         /* the TP-Message-Reference the sender gave the SMS */
};

struct sim_net_hooks {
	/* Hands an SMS-DELIVER TPDU to modem `modem`: 0, or -ENOSPC / -ENETDOWN / -EBUSY to retry later
	 * (the contract of vmodem_deliver); any other error is final. */
	int (*deliver)(void *user, int modem, const uint8_t *tpdu, size_t len, uint64_t now_ms);
	/* Hands an SMS-STATUS-REPORT TPDU to modem `modem`; same returns. */
	int (*status_report)(void *user, int modem, const uint8_t *tpdu, size_t len, uint64_t now_ms);
	/* An SMS is done (delivered, lost or undeliverable); `rec` and what it points to are
	 * valid during the call only. Optional. */
	void (*record)(void *user, const struct sim_net_record *rec);
	/* A whole message entered the inbox of phone `phone`. Optional. */
	void (*phone_received)(void *user, const struct sim_phone *phone);
};

struct sim_net;

/* A network for the modems and phones of `s` (copied). `epoch_ms` is the wall-clock time (ms
 * since 1970, UTC) at now_ms == 0: it stamps TP-SCTS. `retry_ms` is how long the SMSC waits
 * before retrying a delivery that a modem refused (full storage, no network). Returns NULL
 * when out of memory. */
struct sim_net *sim_net_new(const struct sim_settings *s, uint64_t epoch_ms, uint32_t retry_ms,
			    const struct sim_net_hooks *hooks, void *user);
void sim_net_free(struct sim_net *net);

/* Modem `modem` submits an SMS-SUBMIT TPDU (no SMSC octets). Returns 0 when the SMSC
 * accepted it (it may still be lost on the way: that is what --loss means), or a TS 27.005
 * 3.2.5 <err> for the modem to answer: 304 when the TPDU cannot be decoded. */
int sim_net_modem_submit(struct sim_net *net, int modem, const uint8_t *tpdu, size_t len, uint64_t now_ms);

/* A phone (any number that is not a modem's, so strangers can be simulated) sends `text`
 * (UTF-8) to `to`, split into parts as a handset does (sim_pdu_split). Returns the number of
 * parts, -EINVAL for a bad number or text, -EMSGSIZE when too long, -EPERM when `from` is a
 * modem's number (a modem sends through its AT line). */
int sim_net_phone_send(struct sim_net *net, const char *from, const char *to, const char *text, bool ucs2,
		       uint64_t now_ms);

/* What `sim send` can ask beyond a handset's text. */
struct sim_net_send {
	const char *from, *to;
	const char *text; /* UTF-8, split as a handset does; ignored when tpdu_len > 0 */
	bool ucs2;
	bool spoof;          /* `from` may be a modem's number: a forged originator, as an SMS spoofer sends;
				the modem whose number it is learns nothing of it */
	const uint8_t *tpdu; /* an SMS-DELIVER TPDU (TS 23.040 9.2.2.1, no SMSC octets) handed to the */
	size_t tpdu_len;     /* modem `to` as it is: class 0, ports, WAP push, message waiting */
};

/* sim_net_phone_send with those choices. Returns the number of parts (1 for a TPDU), or the
 * same errors; -EINVAL also for a TPDU over SIM_TPDU_MAX octets or to a number that is not a
 * modem's (a handset in this network reads text only). */
int sim_net_send(struct sim_net *net, const struct sim_net_send *req, uint64_t now_ms);

/* Per-modem network faults: the next `n` SMS from modem `modem` are lost; every SMS from it
 * takes `ms` more (0 clears); each SMS from it is lost with probability `pct` percent (0
 * clears; drawn from the seeded loss draw, so a --seed repeats it). */
void sim_net_drop_next(struct sim_net *net, int modem, uint32_t n);
void sim_net_delay(struct sim_net *net, int modem, uint32_t ms);
void sim_net_loss(struct sim_net *net, int modem, uint32_t pct);

/* The earliest now_ms at which sim_net_tick() has work, or UINT64_MAX. */
uint64_t sim_net_next_deadline(const struct sim_net *net);

/* Delivers every SMS and status report due at `now_ms`, retrying refused ones later. */
void sim_net_tick(struct sim_net *net, uint64_t now_ms);

/* Index of the modem named `name`, or -1. */
int sim_net_modem_index(const struct sim_net *net, const char *name);

/* The phone with number `number` (with or without the leading "+"), or NULL. */
const struct sim_phone *sim_net_phone(const struct sim_net *net, const char *number);

/* SMS waiting in the SMSC for delivery or retry (status reports included). */
size_t sim_net_pending(const struct sim_net *net);
/* Of those, the ones for modem `modem`: SMS to its number and status reports to it. */
size_t sim_net_pending_for(const struct sim_net *net, int modem);

#endif
