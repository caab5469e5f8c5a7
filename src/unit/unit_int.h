/* The daemon's insides, shared by the files of src/unit/: one struct unit, and the functions
 * each file offers the others. Nothing here is exported beyond m2unit. */
#ifndef M2_UNIT_INT_H
#define M2_UNIT_INT_H

#include "alert_channel.h"
#include "config.h"
#include "modem_link.h"
#include "phone_help.h"
#include "proto.h"
#include "proto_window.h"
#include "sensor.h"
#include "sensor_power.h"
#include "sms_assembly.h"
#include "store_unit.h"
#include "unit.h"
#include "unit_clock.h"
#include "unit_conf.h"

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#define MOD "unit"

/* Outbox kinds beyond the protocol's: plain texts to people (seq 0). */
#define UNIT_KIND_TEXT     100 /* a reply to a phone, a lockout notice */
#define UNIT_KIND_FALLBACK 101 /* an event sent straight to a fallback phone */

#define UNIT_WAITERS_MAX 8  /* READs waiting for one round of reads */
#define UNIT_PARTS_MAX   16 /* multipart parts held on the modem until their message is whole */
#define UNIT_REPLY_MAX   480

/* Who waits for a fresh reading: a phone's READ or the base's; kept in the store (`id`)
 * until it is answered. */
struct unit_waiter {
	int64_t id;
	bool base;
	uint32_t cmd_id;
	char number[M2_CONFIG_NUMBER_MAX];
	int channel; /* -1: every channel */
};

/* One round of reads of every channel: a scheduled sample (stored and fed to the alarm
 * engine) or a READ's (answered only). */
struct unit_tick {
	bool active, scheduled;
	int pending;
	int64_t t_ms;
	bool done[M2_CONFIG_CHANNELS_MAX];
	bool stored[M2_CONFIG_CHANNELS_MAX];
	struct sensor_reading r[M2_CONFIG_CHANNELS_MAX];
	size_t n_waiters;
	struct unit_waiter waiters[UNIT_WAITERS_MAX];
};

struct unit_chan {
	struct unit *u;
	int index;
	struct sensor *sensor;
	struct alert_channel state;
	bool have; /* `last` holds the latest scheduled reading */
	struct sensor_reading last;
};

struct unit_part {
	uint64_t token;
	struct sms_assembly_key key;
	uint8_t dedup[STORE_DEDUP_KEY_LEN];
};

struct unit {
	uv_loop_t *loop;
	const struct unit_settings *set;
	struct unit_conf conf;
	struct store *store;
	struct modem_link *link;
	struct sms_assembly *assembly;
	struct unit_clock clock;
	struct proto_window window;
	int utc_offset_min;
	uint64_t start_mono;
	int64_t alert_ms;      /* the alarm engine's clock: the unit's time, never going back */
	int base;              /* index of base_numbers in use */
	int64_t base_since_ms; /* when it moved to it (the unit's time) */
	int64_t receipt_ms;    /* when the last receipt came, 0: none since the start */
	uint32_t probe_seq;    /* a heartbeat sent to the first number while on another, 0: none */

	uv_timer_t t_sample, t_report, t_heartbeat, t_outbox, t_assembly, t_stop;
	uv_signal_t sig_term, sig_int;
	uint64_t grid_mono;
	uint64_t grid_k;

	struct unit_chan chan[M2_CONFIG_CHANNELS_MAX];
	struct unit_tick tick;

	struct sensor_power_watch power_watch;
	struct sensor_power power;
	bool power_sysfs;
	bool power_modem; /* the battery from the module's AT+CBC */

	bool sending;
	int64_t sending_id;
	uint32_t sending_seq, sending_attempts;
	bool modem_ready;
	bool routine_held; /* due readings or heartbeats wait for the sample in hand */
	bool stopping;
	bool handles; /* the timers and signals are initialised */

	bool in_tx;    /* a command's transaction is open: nothing is sent until it commits */
	int rx_result; /* what handling the message just delivered by the assembly gave */
	struct unit_part parts[UNIT_PARTS_MAX];
	size_t n_parts;
	struct unit_part rx_part; /* the part being added to the assembly (rx_adding) */
	bool rx_adding;
	/* The parts of the message being acted on, recorded with what it changed. */
	uint8_t rx_keys[UNIT_PARTS_MAX + 1][STORE_DEDUP_KEY_LEN];
	size_t n_rx_keys;

	/* READs stored inside a command's transaction, handed to the sampling once it commits. */
	struct unit_waiter staged[UNIT_WAITERS_MAX];
	size_t n_staged;

	enum unit_crash_point crash_at; /* tests only */
};

/* unit.c */
int64_t unit_now_ms(const struct unit *u); /* the unit's time, UTC epoch ms */
int64_t unit_board_ms(void);               /* the board's clock */
uint64_t unit_mono(const struct unit *u);  /* the loop's monotonic clock */
const char *unit_base_number(const struct unit *u);
void unit_stop_if_idle(struct unit *u);
void unit_clock_persist(struct unit *u);
/* Kills the process (SIGKILL) when the test asked for a crash at `point`. */
void unit_crash_if(const struct unit *u, enum unit_crash_point point);

/* unit_bases.c: the base number message `m` goes to now (moving on when the base in use
 * left it without receipts for the whole resend schedule); a receipt applied. */
const char *unit_bases_dest(struct unit *u, const struct store_unit_msg *m, int64_t now);
void unit_bases_receipt(struct unit *u, const struct store_receipt *r, int64_t now);

/* unit_msg.c: every message is stored with its seq before anything sends it */
int unit_queue_proto(struct unit *u, struct proto_msg *m);
int unit_queue_text(struct unit *u, const char *dest, const char *text, int kind);
int unit_queue_events(struct unit *u, int ch, const struct alert_channel_event *ev, size_t n);
int unit_queue_heartbeat(struct unit *u);
void unit_values(struct unit *u, const struct unit_tick *t, int only, struct proto_value *v, size_t *n);

/* unit_sample.c */
int unit_sample_init(struct unit *u);
void unit_sample_rearm(struct unit *u);
/* Inside a command's transaction: stores the READ `w` and holds it for
 * unit_sample_reads_start. Returns 0, -EBUSY (UNIT_WAITERS_MAX owed already), or the store's
 * error. */
int unit_sample_read(struct unit *u, const struct unit_waiter *w);
/* After the transaction committed: the READs it stored join the round in hand or start one. */
void unit_sample_reads_start(struct unit *u);
/* After it rolled back: they are forgotten, as the store forgot them. */
void unit_sample_reads_drop(struct unit *u);
void unit_sample_close(struct unit *u);
/* True while a scheduled sample is being read or is due within UNIT_SAMPLE_SOON_MS: an alarm
 * it raises goes before the readings and heartbeats due with it. */
bool unit_sample_due(const struct unit *u);

/* unit_report.c */
void unit_report_init(struct unit *u);
void unit_report_rearm(struct unit *u);
int unit_report_batch(struct unit *u);
void unit_heartbeat_reset(struct unit *u);

/* unit_outbox.c */
void unit_outbox_kick(struct unit *u);
/* The scheduled sample is done: the readings and heartbeats it held go now. */
void unit_outbox_release(struct unit *u);
void unit_outbox_modem_state(struct unit *u, enum modem_state to);
uint32_t unit_outbox_pending(struct unit *u);

/* unit_rx.c */
int unit_rx_init(struct unit *u);
void unit_rx_sms(struct unit *u, const struct modem_inbound *in);
void unit_rx_close(struct unit *u);
/* Inside the transaction of a message's effects: records its parts as acted on. */
int unit_rx_mark_handled(struct unit *u);

/* unit_cmd.c */
int unit_cmd_phone(struct unit *u, const char *from, enum phone_role role, const char *text, size_t len);
int unit_cmd_base(struct unit *u, const struct proto_msg *m);
void unit_cmd_read_done(struct unit *u, const struct unit_tick *t);

/* unit_power.c */
void unit_power_init(struct unit *u);
void unit_power_sample(struct unit *u);
/* Asks the modem (modem_query) for MODEM_QUERY_BATTERY and/or MODEM_QUERY_CLOCK. */
void unit_power_query(struct unit *u, unsigned what);

/* unit_text.c */
int unit_text_status(struct unit *u, char *out, size_t n);
int unit_text_values(struct unit *u, const struct unit_tick *t, int only, char *out, size_t n);
int unit_text_fallback(const struct unit *u, const char *msg_text, char *out, size_t n);

#endif
