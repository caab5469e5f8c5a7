/* Internals shared by the vmodem_*.c files: the modem's state, the command table entry, the
 * result of a command, the argument iterator, the output helpers and the personality data.
 * Nothing outside sim/vmodem*.c includes this header. */
#ifndef M2_SIM_VMODEM_INT_H
#define M2_SIM_VMODEM_INT_H

#include "vmodem.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VM_LINE_MAX        1024 /* a command line longer than this answers ERROR */
#define VM_TPDU_MAX        176  /* largest TPDU a slot keeps (SMS-SUBMIT is at most 164) */
#define VM_NUMBER_MAX      24   /* "+" and up to 20 digits, NUL */
#define VM_URC_MAX         1024 /* one formatted URC or line: a text-mode +CMT with +CSDH=1 and hex data */
#define VM_URC_QUEUE       16   /* URCs the TA buffers while +CNMI says so (27.005 3.4.1) */
#define VM_SLOTS_MAX       255
#define VM_CNMA_TIMEOUT_MS 15000      /* TS 24.011 TR2M-class wait for +CNMA */
#define VM_PUK             "12345678" /* the PUK of every virtual SIM */

enum vm_mem_id { VM_MEM_SM, VM_MEM_ME, VM_MEM_SR, VM_MEM_MT, VM_MEM_NONE };
#define VM_MEM_STORES 3 /* SM, ME, SR hold slots; MT is SM then ME */

enum vm_sim_state { VM_SIM_READY, VM_SIM_PIN, VM_SIM_PUK };
/* VM_IN_WAIT: a sent SMS waits for the network's answer; input is ignored meanwhile. */
enum vm_input_state { VM_IN_COMMAND, VM_IN_PDU, VM_IN_TEXT, VM_IN_WAIT };
enum vm_cmd_type { VM_CMD_EXEC, VM_CMD_SET, VM_CMD_READ, VM_CMD_TEST };
/* VM_RES_DONE: the command wrote its final result itself (to print a URC after it). */
enum vm_res { VM_RES_OK, VM_RES_ERROR, VM_RES_CME, VM_RES_CMS, VM_RES_PROMPT, VM_RES_DONE };

/* <stat> of a stored message, TS 27.005 3.1 */
enum vm_stat { VM_STAT_REC_UNREAD, VM_STAT_REC_READ, VM_STAT_STO_UNSENT, VM_STAT_STO_SENT };

struct vm_result {
	enum vm_res kind;
	int code; /* +CME or +CMS <err> */
};

struct vm_msg {
	bool used;
	uint8_t stat;
	uint8_t len;
	uint8_t tpdu[VM_TPDU_MAX];
};

struct vm_store {
	struct vm_msg *slot;
	int n;
};

/* Fields of one command's parameters, left to right. */
struct vm_args {
	const char *p;
	const char *end;
};

struct vmodem_mem_name {
	const char *name;
	enum vm_mem_id id;
};

/* A personality: the documented habits of one module family, as data. */
struct vm_model {
	const char *key;
	const char *manufacturer;           /* +CGMI */
	const char *model;                  /* +CGMM */
	const char *revision;               /* +CGMR */
	const char *const *ati;             /* ATI lines */
	const char *const *boot_urcs;       /* after power-on, before the SIM state */
	const char *const *sim_ready_urcs;  /* once the SIM is unlocked */
	const char *const *unsupported;     /* commands this model answers ERROR to */
	const struct vmodem_mem_name *mems; /* names +CPMS accepts */
	const char *cpms_test;
	const char *cnmi_test;
	const char *cscs_test;
	int battery_pct;      /* AT+CBC at power-on; -1: no battery, AT+CBC answers ERROR */
	int battery_mv;       /* its voltage at power-on; 0: the model's AT+CBC gives none */
	const char *full_urc; /* storage-full URC, "%s" replaced by the memory name; NULL: silent */
	const char *alpha;    /* the empty <alpha> of PDU-mode +CMGL/+CMGR/+CMT: "" or "\"\"" */
	uint8_t cnmi_max[5];  /* highest accepted <mode>,<mt>,<bm>,<ds>,<bfr> */
	enum vm_mem_id default_mem;
	enum vm_mem_id mt_forced;  /* incoming SMS always go there; VM_MEM_NONE: <mem3> */
	enum vm_mem_id report_mem; /* where +CNMI ds=2 stores SMS-STATUS-REPORTs */
	int index_base;            /* first storage index: 1, or 0 on Huawei */
	bool empty_read_ok;        /* +CMGR of an empty slot: OK instead of +CMS ERROR: 321 */
	int act;                   /* +COPS <AcT>: 0 GSM, 7 E-UTRAN */
	uint32_t boot_ms;          /* silent time of a reboot before the boot URCs */
	uint32_t reg_delay_ms;     /* SIM ready to registered */
	uint32_t send_ms;          /* Ctrl-Z to the +CMGS result: RP-DATA to RP-ACK, TS 24.011 */
};

struct vmodem_urc {
	size_t len;
	char text[VM_URC_MAX];
};

struct vmodem {
	char name[33];
	char number[VM_NUMBER_MAX];
	char pin[9];
	const struct vm_model *model;
	struct vmodem_hooks hooks;
	void *user;
	uint32_t rng;
	uint64_t now_ms;

	/* line editing and the response being written */
	enum vm_input_state in;
	char line[VM_LINE_MAX];
	size_t line_len;
	bool line_overflow;
	char last_line[VM_LINE_MAX];
	bool info_started;
	bool garbage_pending;
	bool reboot_after_reply;

	/* V.250 profile */
	bool echo, verbose, quiet;
	uint8_t sreg[13];
	int cmee;

	/* 27.007 state */
	bool powered;
	int cfun;
	enum vm_sim_state sim;
	int pin_left, puk_left;
	int reg_n[3]; /* +CREG, +CGREG, +CEREG <n> */
	int reg_stat; /* 0 not registered, 1 home, 2 searching */
	bool cops_deregistered;
	int cops_format;
	int clip, crc, ccwa, cusd;
	char cscs[8];
	int batt_pct, batt_mv;

	/* the module's clock (27.007 8.15) and the network's time */
	int64_t epoch_ms;    /* the network's UTC at now_ms 0; 0: it sends none */
	int64_t net_skew_ms; /* added to it, as this modem's cell sends it */
	int net_tz_min;
	int64_t rtc_ms;  /* the clock's UTC at now_ms rtc_at */
	uint64_t rtc_at; /* now_ms when it was set */
	int rtc_tz_min;  /* the zone it shows */
	bool nitz;       /* the switch (+CTZU/+CLTS) that lets the network set it */

	/* 27.005 state */
	int cmgf, csdh, csms, cmms;
	int cnmi[5];
	int csmp[4];
	char csca[VM_NUMBER_MAX];
	int csca_type;
	enum vm_mem_id cpms[3];
	struct vm_store store[VM_MEM_STORES];
	bool full_shown;
	uint8_t mr;

	/* the text-entry prompt of +CMGS */
	int prompt_len;
	char prompt_da[VM_NUMBER_MAX];
	int prompt_toda;
	char prompt_buf[2 * (VM_TPDU_MAX + 12) + 2];
	size_t prompt_used;
	bool prompt_bad;
	uint64_t send_done_at; /* when the SMS of VM_IN_WAIT reaches the network */
	uint8_t send_tpdu[VM_TPDU_MAX];
	size_t send_len;
	uint8_t send_mr;

	/* +CMT/+CDS waiting for +CNMA (when +CSMS=1) */
	bool cnma_pending;
	bool cnma_is_report;
	uint64_t cnma_deadline;
	struct vm_msg cnma_msg;

	struct vmodem_urc urcq[VM_URC_QUEUE];
	int urcq_len;

	/* faults and timers; 0 = not pending */
	uint64_t hang_until;
	uint32_t hang_prompt_ms; /* armed: the next AT+CMGS prompt hangs the module that long */
	uint32_t hang_sent_ms;   /* armed: the next SMS handed to the network does */
	uint64_t nonet_until;
	uint64_t boot_until;
	uint64_t reg_at;
};

typedef struct vm_result (*vm_cmd_fn)(struct vmodem *vm, enum vm_cmd_type type, struct vm_args *args);

enum {
	VM_CMD_NEEDS_SIM = 1 << 0, /* refused with SIM PIN/PUK errors while the SIM is locked */
	VM_CMD_SMS = 1 << 1,       /* a 27.005 command: errors are +CMS ERROR */
};

struct vm_cmd {
	const char *name; /* upper case with its prefix, e.g. "+CMGS" */
	vm_cmd_fn fn;
	unsigned flags;
};

/* Command tables, one per file that implements them. */
extern const struct vm_cmd vmodem_cmds_ident[];
extern const struct vm_cmd vmodem_cmds_gsm[];
extern const struct vm_cmd vmodem_cmds_reg[];
extern const struct vm_cmd vmodem_cmds_sms[];
extern const struct vm_cmd vmodem_cmds_store[];
extern const struct vm_cmd vmodem_cmds_clock[];

/* Personalities, indexed by enum vmodem_model. */
const struct vm_model *vmodem_model_get(enum vmodem_model model);
bool vmodem_model_unsupported(const struct vm_model *m, const char *name);
/* The storage a +CPMS name means for this model, or VM_MEM_NONE. */
enum vm_mem_id vmodem_model_mem(const struct vm_model *m, const char *name);
const char *vmodem_mem_name(enum vm_mem_id id);

static inline struct vm_result vm_ok(void)
{
	return (struct vm_result){VM_RES_OK, 0};
}
static inline struct vm_result vm_cme(int code)
{
	return (struct vm_result){VM_RES_CME, code};
}
static inline struct vm_result vm_cms(int code)
{
	return (struct vm_result){VM_RES_CMS, code};
}

/* vmodem_arg.c: each returns 1 when the field is present, 0 when it is empty or missing,
 * -EINVAL when it is malformed. Strings must be quoted; `size` includes the NUL. */
int vmodem_arg_int(struct vm_args *a, int *out);
int vmodem_arg_str(struct vm_args *a, char *out, size_t size);
/* The value of an optional int field within [min, max]: 0, or -EINVAL. */
int vmodem_arg_int_opt(struct vm_args *a, int min, int max, int *inout);
bool vmodem_arg_done(const struct vm_args *a);

/* vmodem_out.c: what the modem writes. */
void vmodem_write(struct vmodem *vm, const void *buf, size_t len);
void vmodem_info(struct vmodem *vm, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A line of an answer that continues the previous one (a PDU after its header). */
void vmodem_info_cont(struct vmodem *vm, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void vmodem_final(struct vmodem *vm, struct vm_result res);
void vmodem_prompt(struct vmodem *vm);
void vmodem_urc(struct vmodem *vm, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* +CMTI/+CMT/+CDS/+CDSI, buffered or discarded as +CNMI <mode> says (27.005 3.4.1). */
void vmodem_urc_sms(struct vmodem *vm, const char *text, size_t len);
void vmodem_urc_flush(struct vmodem *vm);
uint32_t vmodem_random(struct vmodem *vm);

/* vmodem_ident.c: ATI<n>, V.250 6.1.3 */
struct vm_result vmodem_ident_ati(struct vmodem *vm, int n);

/* vmodem_line.c */
/* One byte typed in command state: echoed when E1, executed at S3. */
void vmodem_line_input(struct vmodem *vm, uint8_t c);
/* Forgets the partly typed line. */
void vmodem_line_reset(struct vmodem *vm);

/* vmodem.c */
/* ATZ / AT&F: echo on, verbose, not quiet, S-registers and +CMEE back to defaults. */
void vmodem_profile_defaults(struct vmodem *vm);
/* Moves the clock to `now_ms`: ends boots, hangs and outages that are due, recomputes the
 * registration (printing its URCs) and expires a +CNMA wait. Every entry point calls it. */
void vmodem_update(struct vmodem *vm, uint64_t now_ms);
/* Prints +CREG/+CGREG/+CEREG URCs for the current registration, as each <n> asks. */
void vmodem_reg_changed(struct vmodem *vm);
/* Powered, booted and +CFUN=1. */
bool vmodem_radio_on(const struct vmodem *vm);
/* The SIM became ready: its model's URCs, then registration after the model's delay. */
void vmodem_sim_unlocked(struct vmodem *vm);
/* Forgets volatile state and goes silent for the model's boot time (+CFUN=1,1, the fault). */
void vmodem_reboot(struct vmodem *vm);
/* The module stops answering for `ms` from now (`at`: where, for the log). */
void vmodem_hang_start(struct vmodem *vm, uint32_t ms, const char *at);

/* vmodem_store.c */
/* Allocates `slots` empty slots in each of SM, ME and SR. Returns 0 or -ENOMEM. */
int vmodem_store_init(struct vmodem *vm, int slots);
void vmodem_store_free(struct vmodem *vm);
/* Stores a TPDU in `mem` (MT: SM, then ME). Returns the slot index as the client sees it,
 * or -ENOSPC. `*where` is the store it went to. */
int vmodem_store_put(struct vmodem *vm, enum vm_mem_id mem, enum vm_stat stat, const uint8_t *tpdu,
		     size_t len, enum vm_mem_id *where);
/* The sim-full fault: every free SM and ME slot gets an old, read SMS-DELIVER. */
void vmodem_store_fill(struct vmodem *vm);
/* Slot `i` (0-based; across SM then ME for MT), or NULL when out of range. */
struct vm_msg *vmodem_store_slot(struct vmodem *vm, enum vm_mem_id mem, int i);
/* Used and total slots of a memory as +CPMS reports them (MT: SM and ME together). */
int vmodem_store_used(const struct vmodem *vm, enum vm_mem_id mem);
int vmodem_store_total(const struct vmodem *vm, enum vm_mem_id mem);

/* vmodem_clock.c */
/* The clock at power-on and the network's time base (vmodem_config.epoch_ms). */
void vmodem_clock_init(struct vmodem *vm, int64_t epoch_ms);
/* The network sends its time: taken into the clock when the switch is on and registered. */
void vmodem_clock_nitz(struct vmodem *vm);

/* vmodem_pdu.c */
/* Writes the SMSC address octets of `number` as hex into `out`; returns hex digits written. */
size_t vmodem_pdu_smsc_hex(const char *number, int type, char *out, size_t size);
/* The message class of an SMS-DELIVER (TS 23.038 4), or -1 when it has none. */
int vmodem_pdu_deliver_class(const uint8_t *tpdu, size_t len);

/* vmodem_notify.c */
/* After the +CNMA wait: routing off (+CNMI mt=ds=0) and the message stored, 27.005 3.4.1. */
void vmodem_notify_tick(struct vmodem *vm);
/* AT+CNMA[=n]: n 0/1 acknowledges the pending +CMT/+CDS, 2 refuses it (it is then stored);
 * +CMS ERROR: 340 when nothing waits. */
struct vm_result vmodem_cnma(struct vmodem *vm, int n);
/* Power loss: a routed message not yet acknowledged is kept in storage, as the network
 * would deliver it again. */
void vmodem_notify_reset(struct vmodem *vm);

/* vmodem_text.c: text mode (+CMGF=1) views of stored messages, 27.005 3.4.2 and 3.4.3 */
struct vm_result vmodem_text_list(struct vmodem *vm, int stat);
struct vm_result vmodem_text_read(struct vmodem *vm, const struct vm_msg *m);
/* Ctrl-Z after AT+CMGS="<da>": builds the SMS-SUBMIT from the text and +CSMP and sends it. */
struct vm_result vmodem_text_submit(struct vmodem *vm);
/* Formats the +CMT/+CDS header and body of text mode into `out`; returns its length, or 0. */
size_t vmodem_text_urc(struct vmodem *vm, const struct vm_msg *m, bool report, char *out, size_t size);

/* vmodem_sms.c */
/* Hands a checked SMS-SUBMIT TPDU (SMSC octets removed) to the network with the next TP-MR. */
struct vm_result vmodem_submit(struct vmodem *vm, uint8_t *tpdu, size_t len);
/* One byte typed after the `> ` prompt: hex (PDU) or text, Ctrl-Z sends, ESC cancels. */
void vmodem_prompt_input(struct vmodem *vm, uint8_t c);
/* Once the round trip of VM_IN_WAIT is over: hands the SMS to the network, prints the result. */
void vmodem_send_tick(struct vmodem *vm);
/* True while the text-entry prompt holds the line (27.005 3.4.1 "TA-TE link reserved"). */
bool vmodem_link_reserved(const struct vmodem *vm);

#endif
