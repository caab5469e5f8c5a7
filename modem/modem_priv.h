/* The inside of the modem lifecycle, shared by modem.c (the engine's face, the event queue),
 * modem_state.c (one handler per state, the recovery ladder), modem_init.c (the named
 * scripts), modem_read.c (what the modem answers to them), modem_sim.c (the SIM states),
 * modem_urc.c (the URC table), modem_rx.c (messages handed over once), modem_store.c (the
 * storages and the sweep) and modem_tx.c (sending). Private to modem/. */
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
	MODEM_EV_SIM_FULL, /* the message storage is full (+CMS ERROR 322, the module's
			    * indication, or +CPMS used == total) */
};
const char *modem_event_str(enum modem_event ev);

/* Events waiting to be handled: handlers post events, which are queued, not re-entered. */
#define MODEM_EVENT_QUEUE 16

/* The recovery ladder, lowest first; modem_state.c has its table (what each rung does, how
 * long it waits, what a person can check). */
enum modem_rung {
	MODEM_RUNG_HEALTHY,
	MODEM_RUNG_REINIT, /* probe and initialise again */
	MODEM_RUNG_RESET,  /* the profile's reset command, then wait for the boot */
	MODEM_RUNG_REOPEN, /* close and reopen the port */
	MODEM_RUNG_DEAD,   /* report the modem dead; retry the port on a slow timer */
};
const char *modem_rung_str(enum modem_rung rung);

/* One command of a named script. */
struct modem_step {
	const char *request; /* fixed text, or NULL when build makes it */
	void (*build)(const struct modem *m, char *buf, size_t size);
	const char *prefix; /* as at_cmd.prefix */
	bool optional;      /* a modem error is logged and the script goes on; a timeout
			     * still fails it */
	bool secret;        /* as at_cmd.secret: the request never reaches a log */
	bool (*skip)(const struct modem *m);
	/* On OK: reads the answer; returns 0, or -1 after setting m->script_result to fail
	 * the script (e.g. +CPIN: SIM PUK). */
	int (*parse)(struct modem *m, const struct at_response *r);
	/* On a modem error of an optional step: says what it means (e.g. +CSMS=1 refused). */
	void (*refused)(struct modem *m, const struct at_response *r);
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
	INBOUND_DELETING,      /* stored; AT+CMGD queued or running */
	INBOUND_DELETE_FAILED, /* stored, still on the modem: never handed over again */
	INBOUND_KEPT,          /* left on the modem on purpose: neither deleted nor handed over */
};

struct inbound_slot {
	enum inbound_state state;
	uint64_t token;
	int mem;     /* index into modem.mems, -1: direct delivery */
	int index;   /* storage index, -1: direct delivery */
	uint64_t fp; /* fingerprint of the PDU */
	bool seen;   /* listed by the running sweep */
	bool warned; /* its failed delete was logged */
};

/* The storages m2mon reads: the profile's, its report storage, and any other a +CMTI or
 * +CDSI named. */
#define MODEM_MEMS_MAX 4

struct modem_mem {
	char name[8];    /* "SM", "ME", "SR", ... */
	int used, total; /* from the last +CPMS answer that showed it; -1 unknown */
	bool refused;    /* AT+CPMS refused to select it: not swept again until re-init */
};

/* Storage commands run one at a time, each after an AT+CPMS that selects its storage as
 * <mem1> when another is selected (TS 27.005 3.2.2: +CMGL, +CMGR, +CMGD act on <mem1>).
 * <mem2> and <mem3> stay the profile's storage. */
enum store_op_kind {
	STORE_OP_LIST,   /* AT+CMGL=4 over one storage, part of a sweep */
	STORE_OP_SCAN,   /* AT+CMGR of every index in turn, when AT+CMGL failed (as gammu) */
	STORE_OP_READ,   /* AT+CMGR of one index (+CMTI, +CDSI) */
	STORE_OP_DELETE, /* AT+CMGD of one index, once the application stored it */
};

struct store_op {
	enum store_op_kind kind;
	int mem;
	int index; /* READ, DELETE, the next index of a SCAN */
	int end;   /* SCAN: the last index to read */
};

/* Storage commands waiting: every delete of a whole memory, with room for reads. */
#define MODEM_STORE_OPS 512

/* URCs registered at once: the fixed table and the profile's own (modem_urc.c). */
#define MODEM_URC_MAX 16

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
	enum modem_rung rung;
	uint32_t dead_wait_ms; /* the next reopen while dead, doubling up to timing.dead_retry_ms;
				  0: the first, until the modem is healthy again */
	int probe_tries;
	int sim_busy_tries;
	bool pin_refused; /* the SIM refused the configured PIN: it is never sent again */

	const struct modem_script *script;
	size_t step, extra;
	unsigned script_gen; /* tells a running script's answers from stale ones */
	struct at_result script_result;
	char script_failed_cmd[64];     /* the command that failed or timed out last, for logs */
	enum modem_reg reg_cs, reg_eps; /* +CREG and +CEREG separately */

	enum modem_event events[MODEM_EVENT_QUEUE];
	size_t ev_head, ev_len;
	bool in_events;

	int urc_ids[MODEM_URC_MAX];
	int n_urc_ids;

	uint64_t sweep_at_ms, poll_at_ms; /* ready timers, UINT64_MAX: none */
	bool sweeping;
	int sweep_ops;  /* LIST and SCAN operations of the running sweep not yet done */
	bool full_seen; /* the storage was found full and no delete has succeeded since */
	bool acking;    /* routed messages are acknowledged (+CSMS=1 accepted, MODEM_RX_ACK) */
	bool mismatch_logged;
	bool hanging_up; /* an ATH for a RING is queued */
	struct inbound_slot inbound[MODEM_INBOUND_MAX];
	uint64_t next_token;
	uint64_t recent_fp[MODEM_RECENT_MAX]; /* 0: empty */
	size_t recent_next;
	bool registered_logged;

	struct modem_mem mems[MODEM_MEMS_MAX];
	int n_mems;
	int mem1; /* the storage selected as <mem1>, -1 when unknown */
	struct store_op ops[MODEM_STORE_OPS];
	size_t ops_head, ops_len;
	struct store_op cur; /* the operation running, when cur_running */
	bool cur_running;
};

void modem_post(struct modem *m, enum modem_event ev);
void modem_set_timer(struct modem *m, uint64_t delay_ms);

/* modem_state.c: the per-state handlers and the ladder. */
void modem_enter_state(struct modem *m, enum modem_state to);
void modem_handle_event(struct modem *m, enum modem_event ev);
/* Drops what the modem was doing: queued commands end ABORTED, messages handed over stay so. */
void modem_drop_work(struct modem *m);

/* modem_init.c: the named scripts. */
extern const struct modem_script modem_script_probe;
extern const struct modem_script modem_script_init;
extern const struct modem_script modem_script_register;
extern const struct modem_script modem_script_reg_poll;
extern const struct modem_script modem_script_sms_setup;
extern const struct modem_script modem_script_status;
void modem_script_start(struct modem *m, const struct modem_script *script);

/* modem_read.c: what the modem answers to the scripts. */
int modem_parse_cgmi(struct modem *m, const struct at_response *r);
int modem_parse_cgmm(struct modem *m, const struct at_response *r);
int modem_parse_cgmr(struct modem *m, const struct at_response *r);
int modem_parse_cgsn(struct modem *m, const struct at_response *r);
int modem_parse_cpin(struct modem *m, const struct at_response *r);
int modem_parse_cpin_set(struct modem *m, const struct at_response *r);
int modem_parse_reg(struct modem *m, const struct at_response *r);
int modem_parse_csq(struct modem *m, const struct at_response *r);
int modem_parse_cops(struct modem *m, const struct at_response *r);
int modem_parse_csms(struct modem *m, const struct at_response *r);
void modem_csms_refused(struct modem *m, const struct at_response *r);
/* Reads a +CREG:/+CEREG: line, URC or answer to the read form (told apart by shape). */
void modem_reg_line(struct modem *m, const char *line);
bool modem_is_registered(const struct modem *m);

/* modem_sim.c: the +CPIN: answers, the SIM states they mean, and what a person does. */
struct modem_sim_row {
	enum modem_sim state;
	const char *cpin;   /* the <code> of +CPIN: (TS 27.007 8.3), NULL for a failure only */
	int cme;            /* the +CME ERROR code that stands for it (TS 27.007 9.2.1), or 0 */
	bool locks;         /* a person must act: m2mon stops in sim_locked */
	const char *advice; /* what to do, for the sim_locked line */
};
/* The row for a +CPIN: text; the MODEM_SIM_FAILURE row for text no row knows. */
const struct modem_sim_row *modem_sim_by_cpin(const char *text);
/* The row for a +CME ERROR code, or NULL when the code says nothing about the SIM. */
const struct modem_sim_row *modem_sim_by_cme(int code);
const struct modem_sim_row *modem_sim_row(enum modem_sim state);

/* modem_urc.c: the URC table, registered for the profile in use (again when it changes).
 * Returns 0, or the first at_chat_urc_add error. */
int modem_urc_register(struct modem *m);

/* modem_rx.c: messages handed over once, deleted or acknowledged once stored. */
void modem_rx_reset(struct modem *m);
/* A message listed or read from storage `mem` at `index` with <stat> `stat`. */
void modem_rx_stored(struct modem *m, int mem, int index, int stat, const char *pdu, int tpdu_len);
/* A message routed to m2mon (+CMT, +CDS), with the header line that announced it. */
void modem_rx_direct(struct modem *m, const char *line, const char *pdu, const char *prefix);
/* A slot of storage `mem` at `index`, or NULL. */
struct inbound_slot *modem_rx_slot(struct modem *m, int mem, int index);
/* Before a listing of `mem`: nothing is marked seen. After it: what was not seen is gone. */
void modem_rx_list_begin(struct modem *m, int mem);
void modem_rx_list_end(struct modem *m, int mem);
/* The result of the AT+CMGD of a stored slot. */
void modem_rx_deleted(struct modem *m, int mem, int index, const struct at_response *r);
/* The +CNMA that turned routing off after a late acknowledgement: set +CNMI again. */
void modem_rx_ack_failed(struct modem *m, const struct at_response *r);

/* modem_store.c: the storages, their operations, the sweep, storage full. */
void modem_store_reset(struct modem *m);
/* The storages for the profile in use, the profile's storage selected as <mem1>. */
void modem_store_setup(struct modem *m);
/* The storage called `name`, added when new; -1 when the table is full or the name bad. */
int modem_store_mem(struct modem *m, const char *name);
void modem_store_read(struct modem *m, int mem, int index);
/* Deletes the stored message of slot `s` (state INBOUND_DELETING meanwhile, or
 * INBOUND_DELETE_FAILED when it cannot be done now: the next sweep does it). */
void modem_store_delete(struct modem *m, struct inbound_slot *s);
/* Lists every storage (AT+CMGL=4), unless a sweep is running. */
void modem_rx_sweep(struct modem *m);
/* Runs the next storage operation when none runs (after leaving a callback, or in ready). */
void modem_store_kick(struct modem *m);
bool modem_store_idle(const struct modem *m);
/* Reads a +CPMS: answer, set form (used,total x3 for the storages just selected, starting
 * with `first`) or read form ("SM",used,total x3), into the storage table. Returns the
 * number of storages found full among <mem1> and <mem3>. */
int modem_store_cpms(struct modem *m, const char *line, int first);
/* The storage is full (`seen_by`: "poll", "urc", "cms_error"): one warning per episode,
 * and a sweep now. */
void modem_storage_full(struct modem *m, const char *mem, const char *seen_by);

/* Reads the header of a PDU line (TS 27.005 3.4.1, 4.1): +CMGL: <index>,<stat>,[<alpha>],
 * <length>; +CMGR: <stat>,[<alpha>],<length>; +CMT: [<alpha>],<length>; +CDS: <length>.
 * `index` and `stat`, when not NULL, get the leading fields (-1 when empty). Returns the
 * <length>, the last field, or -1 when the line has none; -2 when it is not such a line. */
int modem_header(const char *line, const char *prefix, int *index, int *stat);

/* A command in ready: timeouts and SIM-full are turned into events. Returns at_chat_send's. */
int modem_command(struct modem *m, const struct at_cmd *cmd, at_response_cb cb, void *user_data);
/* Reports what a command result means for the lifecycle (timeout -> hung, 322 -> full). */
void modem_note_result(struct modem *m, const struct at_response *r);
/* "cms_error 321 (invalid memory index)": a result for a log line's `result=` field. */
const char *modem_result_text(const struct at_result *r, char *buf, size_t size);

#endif
