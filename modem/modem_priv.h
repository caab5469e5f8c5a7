/* The inside of the modem lifecycle, shared by modem.c (states and ladder), modem_init.c
 * (the named scripts and what they read), modem_rx.c (receiving) and modem_tx.c (sending).
 * Private to modem/. */
#ifndef M2_MODEM_PRIV_H
#define M2_MODEM_PRIV_H

#include "at_chat.h"
#include "modem.h"
#include "modem_profile.h"

enum modem_event {
	MODEM_EV_PORT_OPENED,
	MODEM_EV_PORT_FAILED,
	MODEM_EV_PORT_CLOSED,
	MODEM_EV_SCRIPT_OK,
	MODEM_EV_SCRIPT_FAILED, /* m->script_result says how */
	MODEM_EV_TIMER,         /* the state's own timer */
	MODEM_EV_REGISTERED,
	MODEM_EV_BOOTED,   /* the module printed its boot indication */
	MODEM_EV_HUNG,     /* a command in ready timed out */
	MODEM_EV_SIM_FULL, /* +CMS ERROR 322 */
};
const char *modem_event_str(enum modem_event ev);

/* One command of a named script. */
struct modem_step {
	const char *request; /* fixed text, or NULL when build makes it */
	void (*build)(const struct modem *m, char *buf, size_t size);
	const char *prefix; /* as at_cmd.prefix */
	bool optional;      /* a modem error is logged and the script goes on; a timeout
			     * still fails it */
	bool (*skip)(const struct modem *m);
	/* On OK: reads the answer; returns 0, or -1 after setting m->script_result to fail
	 * the script (e.g. +CPIN: SIM PUK). */
	int (*parse)(struct modem *m, const struct at_response *r);
	uint32_t timeout_ms; /* 0: the default command timeout */
	bool profile_extras; /* placeholder: run the profile's extra_init commands here */
};

struct modem_script {
	const char *name;
	const struct modem_step *steps;
	size_t n;
};

/* Messages tracked at once: a whole module memory (Quectel EC2x "ME" holds 255). */
#define MODEM_INBOUND_MAX 256
/* Fingerprints of the last messages the application stored, so that the same message seen
 * again (its +CMT copy and its stored copy, or a +CMT the network repeats) is not handed
 * over twice. */
#define MODEM_RECENT_MAX 32

enum inbound_state {
	INBOUND_FREE,
	INBOUND_HANDED,        /* given to the application, not yet stored */
	INBOUND_DELETING,      /* stored; AT+CMGD (or +CNMA) running */
	INBOUND_DELETE_FAILED, /* stored, still on the modem: never handed over again */
	INBOUND_KEPT,          /* left on the modem on purpose: neither deleted nor handed over */
};

struct inbound_slot {
	enum inbound_state state;
	uint64_t token;
	int index;   /* -1: direct delivery */
	uint64_t fp; /* fingerprint of the PDU */
	bool seen;   /* listed by the running sweep */
	bool warned; /* its failed delete was logged */
};

struct modem {
	struct modem_settings settings;
	struct modem_timing timing;
	struct modem_hooks hooks;
	void *user_data;
	const struct modem_profile *profile;
	struct at_chat *chat;
	struct modem_info info;

	enum modem_state state;
	uint64_t now_ms;
	uint64_t state_timer_ms; /* UINT64_MAX: none */
	uint64_t state_since_ms;
	int ladder; /* 0 healthy; 1 re-init; 2 reset; 3 reopen; 4 dead */
	int probe_tries;
	int sim_busy_tries;

	const struct modem_script *script;
	size_t step, extra;
	unsigned script_gen; /* tells a running script's answers from stale ones */
	struct at_result script_result;
	char script_failed_cmd[64];     /* the command that failed or timed out last, for logs */
	enum modem_reg reg_cs, reg_eps; /* +CREG and +CEREG separately */

	enum modem_event events[16];
	size_t ev_head, ev_len;
	bool in_events;

	uint64_t sweep_at_ms, poll_at_ms; /* ready timers, UINT64_MAX: none */
	bool sweeping;
	struct inbound_slot inbound[MODEM_INBOUND_MAX];
	uint64_t next_token;
	uint64_t recent_fp[MODEM_RECENT_MAX]; /* 0: empty */
	size_t recent_next;
	bool registered_logged;
};

void modem_post(struct modem *m, enum modem_event ev);
void modem_set_timer(struct modem *m, uint64_t delay_ms);

/* modem_init.c: the named scripts. */
extern const struct modem_script modem_script_probe;
extern const struct modem_script modem_script_init;
extern const struct modem_script modem_script_register;
extern const struct modem_script modem_script_reg_poll;
extern const struct modem_script modem_script_sms_setup;
extern const struct modem_script modem_script_status;
void modem_script_start(struct modem *m, const struct modem_script *script);
/* Reads a +CREG:/+CEREG: line, URC or answer to the read form (told apart by shape). */
void modem_parse_reg(struct modem *m, const char *line);
bool modem_is_registered(const struct modem *m);

/* modem_rx.c: receiving. */
void modem_rx_register_urcs(struct modem *m);
void modem_rx_sweep(struct modem *m);
void modem_rx_reset(struct modem *m);

/* A command in ready: timeouts and SIM-full are turned into events. Returns at_chat_send's. */
int modem_command(struct modem *m, const struct at_cmd *cmd, at_response_cb cb, void *user_data);
/* Reports what a command result means for the lifecycle (timeout -> hung, 322 -> full). */
void modem_note_result(struct modem *m, const struct at_response *r);

#endif
