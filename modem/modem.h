/* The modem lifecycle: one cellular module from port open to ready and back after faults.
 * open -> probe (AT) -> init (ATE0, CMEE, identity, CPIN with the PIN) -> registration wait
 * (+CREG/+CEREG) -> SMS setup (CMGF=0, CPMS, CSMS, CNMI, CSCA) -> ready. In ready it
 * receives by event as the profile says (+CMTI/+CDSI -> +CMGR -> application -> +CMGD once
 * stored; or +CMT/+CDS -> application -> +CNMA once stored), sweeps every storage with +CMGL
 * at start, on a slow timer and at once when the storage is full, tracks signal,
 * registration and storage fill, and sends PDUs with AT+CMGS. Faults climb a recovery
 * ladder: re-init -> modem reset -> port reopen -> dead. The SIM PIN never reaches a log.
 *
 * Pure engine, like at_chat: bytes and now_ms in (modem_feed, modem_tick), bytes out
 * (modem_output) and hooks called. The driver (modem_link.c) wires it to a port and libuv;
 * tests and transcripts drive it directly. It knows PDUs only as hex: the SMS codec
 * (sms_codec.h) is the application's. */
#ifndef M2_MODEM_H
#define M2_MODEM_H

#include "at_result.h"
#include "modem_settings.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct modem;

enum modem_state {
	MODEM_STATE_CLOSED,      /* no port: waiting for modem_port_opened */
	MODEM_STATE_PROBING,     /* AT until the modem answers */
	MODEM_STATE_INIT,        /* echo off, errors numeric, identity, SIM PIN */
	MODEM_STATE_REGISTERING, /* waiting for +CREG/+CEREG home or roaming */
	MODEM_STATE_SMS_SETUP,   /* PDU mode, storage, indications, service centre */
	MODEM_STATE_READY,
	MODEM_STATE_RESETTING,  /* reset command sent, waiting for the module to boot */
	MODEM_STATE_REOPENING,  /* the driver was asked to close and reopen the port */
	MODEM_STATE_SIM_LOCKED, /* wrong PIN, PUK needed or no SIM: a person must act */
	MODEM_STATE_DEAD,       /* the ladder is exhausted; a slow timer still retries */
};
const char *modem_state_str(enum modem_state state);

enum modem_reg {
	MODEM_REG_UNKNOWN,
	MODEM_REG_NOT_REGISTERED, /* TS 27.007 7.2 <stat> 0 */
	MODEM_REG_HOME,           /* 1 */
	MODEM_REG_SEARCHING,      /* 2 */
	MODEM_REG_DENIED,         /* 3 */
	MODEM_REG_ROAMING,        /* 5 */
};
const char *modem_reg_str(enum modem_reg reg);

/* The SIM's state as +CPIN: tells it (TS 27.007 8.3), and the failures that stand for one. */
enum modem_sim {
	MODEM_SIM_UNKNOWN,      /* not asked yet */
	MODEM_SIM_READY,        /* READY */
	MODEM_SIM_PIN,          /* SIM PIN: the PIN is needed */
	MODEM_SIM_PUK,          /* SIM PUK: blocked, the PUK is needed */
	MODEM_SIM_PH_SIM_PIN,   /* PH-SIM PIN: the phone is locked to another SIM */
	MODEM_SIM_NOT_INSERTED, /* NOT INSERTED (+CME ERROR: 10) */
	MODEM_SIM_NOT_READY,    /* NOT READY: still starting up (+CME ERROR: 14, busy) */
	MODEM_SIM_WRONG_PIN,    /* the configured PIN was refused (+CME ERROR: 16) */
	MODEM_SIM_FAILURE,      /* any other answer (+CME ERROR: 13, SIM failure) */
};
const char *modem_sim_str(enum modem_sim sim);

/* What the modem told about itself; strings are "" until known. */
struct modem_info {
	char manufacturer[64], model[64], revision[64], imei[32];
	char sim[32]; /* +CPIN state as the modem wrote it: "READY", "SIM PIN", ... */
	char operator_name[64];
	enum modem_reg reg;
	int signal_dbm;      /* from +CSQ (TS 27.007 8.5); 0 when unknown */
	const char *profile; /* the profile in use */
	enum modem_sim sim_state;
	int storage_used, storage_total; /* of the receiving storage (+CPMS <mem3>); -1 unknown */
};

/* What a message found on the modem is, from its TP-MTI (TS 23.040 9.2.3.1). */
enum modem_inbound_kind {
	MODEM_INBOUND_DELIVER,       /* received from a phone or a unit */
	MODEM_INBOUND_STATUS_REPORT, /* the network's report on a message sent */
	MODEM_INBOUND_SUBMIT,        /* a stored outgoing message (a SIM taken from a phone) */
	MODEM_INBOUND_UNKNOWN,       /* the hex or the message type cannot be read */
};
const char *modem_inbound_kind_str(enum modem_inbound_kind kind);

/* A message handed to the application: every message found on the modem, whatever its kind,
 * so that the application can keep a copy and free the slot. Strings are valid only during
 * the hook. */
struct modem_inbound {
	uint64_t token;     /* give it back to modem_sms_stored */
	const char *pdu;    /* SMSC octets + TPDU, hex, as the modem gave it */
	int tpdu_len;       /* <length> the modem announced, -1 when it gave none */
	int index;          /* storage index, -1 for a direct delivery (+CMT/+CDS) */
	bool status_report; /* kind is MODEM_INBOUND_STATUS_REPORT (+CDS, or stored) */
	enum modem_inbound_kind kind;
	const char *mem; /* the storage it is in ("SM", "ME", "SR"), "" for a direct delivery */
	int stat;        /* TS 27.005 3.1 <stat>: 0 received unread, 1 read, 2 stored unsent,
			  * 3 stored sent; -1 for a direct delivery */
};

struct modem_hooks {
	void (*state_changed)(void *user_data, enum modem_state from, enum modem_state to);
	/* A received SMS. The application stores it durably, then calls modem_sms_stored
	 * (from inside the hook or later); only then is it deleted from the modem. */
	void (*sms_received)(void *user_data, const struct modem_inbound *in);
	/* The ladder wants the port closed and opened again: the driver calls
	 * modem_port_closed, reopens, then modem_port_opened (or modem_port_failed). */
	void (*reopen_port)(void *user_data);
};

struct modem_timing {
	uint32_t command_ms;    /* default command timeout (settings->command_timeout_ms) */
	uint32_t send_ms;       /* AT+CMGS result: the network round trip (default 120 s) */
	uint32_t register_ms;   /* registration wait before going on without it */
	uint32_t sweep_ms;      /* +CMGL safety sweep period in ready */
	uint32_t signal_ms;     /* status poll period in ready: +CSQ, +CREG?, +CPMS? (storage fill) */
	uint32_t dead_retry_ms; /* reopen attempt period once dead */
};

/* Sensible defaults for `timing` given the settings. */
void modem_timing_defaults(const struct modem_settings *settings, struct modem_timing *timing);

/* Creates the engine for `settings` (copied; a PIN stays only in this copy). `timing` may
 * be NULL for the defaults. Returns NULL when out of memory. Starts in CLOSED. */
struct modem *modem_new(const struct modem_settings *settings, const struct modem_timing *timing,
			const struct modem_hooks *hooks, void *user_data);
void modem_free(struct modem *m);

/* The port is open: start probing. */
void modem_port_opened(struct modem *m, uint64_t now_ms);
/* The port could not be opened (errno `err`, negative) or failed while open. */
void modem_port_failed(struct modem *m, int err, uint64_t now_ms);
/* The port was closed by the driver: every running command ends ABORTED. */
void modem_port_closed(struct modem *m, uint64_t now_ms);

void modem_feed(struct modem *m, const void *buf, size_t len, uint64_t now_ms);
void modem_tick(struct modem *m, uint64_t now_ms);
uint64_t modem_next_deadline(const struct modem *m);
const uint8_t *modem_output(const struct modem *m, size_t *len);
void modem_consume(struct modem *m, size_t n);
/* How many of the first bytes modem_output gives may carry a secret (the SIM PIN): a driver
 * that logs the bytes it writes shows these as hidden (modem_transport_write_hidden). */
size_t modem_output_secret(const struct modem *m);
/* True while what the modem sends may echo a secret: a driver that logs the bytes it reads
 * hides them meanwhile (modem_transport_hide_rx). */
bool modem_secret_pending(const struct modem *m);

/* The application has stored message `token` (result 0): it is deleted from the modem, or
 * acknowledged with AT+CNMA when it was routed under a profile that acknowledges. A negative
 * result (an errno) leaves a stored message on the modem, handed over again at the next
 * sweep; a routed one is refused with AT+CNMA=2 so that the network delivers it again, or,
 * where the profile cannot acknowledge, is lost (logged as such). Unknown tokens are
 * ignored. */
void modem_sms_stored(struct modem *m, uint64_t token, int result, uint64_t now_ms);

/* The application keeps message `token` on the modem on purpose (a listing tool): a stored
 * one is neither deleted nor handed over again while this engine lives; a routed one, which
 * the modem does not keep, is acknowledged (AT+CNMA) where the profile acknowledges. */
void modem_sms_keep(struct modem *m, uint64_t token, uint64_t now_ms);

/* One SMS-SUBMIT part for AT+CMGS: SMSC octets + TPDU in hex, and the TPDU octet count. */
struct modem_pdu {
	const char *hex;
	int tpdu_len;
};

#define MODEM_SEND_MAX_PARTS 16

struct modem_send_result {
	struct at_result result;        /* OK when every part was accepted */
	int parts_sent;                 /* parts accepted before the first failure */
	int refs[MODEM_SEND_MAX_PARTS]; /* TP-MR of each accepted part, from +CMGS */
};

typedef void (*modem_send_cb)(void *user_data, const struct modem_send_result *res);

/* Sends `n` parts in order with AT+CMGS, stopping at the first refused one; `cb` is called
 * once. Returns 0, -ENOTCONN when not ready, -EINVAL for 0 or too many parts or a bad
 * part, -ENOBUFS / -ENOMEM. Parts are copied. */
int modem_send(struct modem *m, const struct modem_pdu *parts, int n, uint64_t now_ms, modem_send_cb cb,
	       void *user_data);

/* What the module says of its battery and its clock (modem_query). */
struct modem_query_result {
	struct at_result battery_result; /* of AT+CBC; OK when it answered */
	bool battery_known;
	int battery_pct;               /* TS 27.007 8.4 <bcl>, 0..100 */
	int32_t battery_mv;            /* the voltage SIMCom and Quectel add, -1 when not given */
	struct at_result clock_result; /* of AT+CCLK? */
	bool clock_known;              /* a calendar time from 2023 on: the network set it */
	int64_t clock_utc_ms;          /* the module's clock as UTC epoch ms */
	int tz_minutes;                /* the offset it gave, east positive */
	uint64_t read_at_ms;           /* the engine's now_ms when the clock was read */
};

#define MODEM_QUERY_BATTERY 1u /* AT+CBC */
#define MODEM_QUERY_CLOCK   2u /* AT+CCLK? (TS 27.007 8.15), after the profile's network-time switch */

typedef void (*modem_query_cb)(void *user_data, const struct modem_query_result *res);

/* Asks the module what `what` names (MODEM_QUERY_*), one command after the other in the
 * queue; `cb` is called once with what it answered (a module without AT+CBC or a clock
 * the network never set gives battery_known or clock_known false). The first clock query
 * sends the profile's network_time command first (AT+CTZU=1, AT+CLTS=1), its failure
 * ignored. Returns 0, -ENOTCONN when not ready, -EINVAL for no `what`, -ENOMEM. */
int modem_query(struct modem *m, unsigned what, uint64_t now_ms, modem_query_cb cb, void *user_data);

enum modem_state modem_state(const struct modem *m);
/* True in ready with no command queued and no sweep running: every stored message found so
 * far has been handed over. */
bool modem_idle(const struct modem *m);
const struct modem_info *modem_info(const struct modem *m);

#endif
