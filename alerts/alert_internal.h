/* Shared between the engine's files (alert_engine.c, alert_deliver.c, alert_msg.c); not part
 * of the public interface. */
#ifndef M2_ALERT_INTERNAL_H
#define M2_ALERT_INTERNAL_H

#include "alert_engine.h"

struct incident {
	uint32_t id; /* 0: free slot */
	enum alert_state state;
	enum alert_state before_clear; /* where a reopen returns to */
	char unit[ALERT_UNIT_MAX];
	int16_t channel;
	enum alert_kind kind;
	bool critical;
	bool normal_raised; /* a RAISE of the normal (not critical) level was seen */
	bool has_value;
	int32_t value_c10;
	int32_t threshold_c10;
	int64_t since_ms;
	int64_t opened_ms;
	int64_t cleared_ms;
	int64_t ladder_ms; /* when tier 1 became due (first moment not held); 0: not yet */
	uint32_t notified; /* contacts texted on the current ladder (reset when it turns critical) */
	uint32_t told;     /* contacts ever texted about it: all-clear, ACK news, bare ACK */
	uint32_t capped;   /* contacts whose alarm text a cap stopped */
	uint32_t reminders;
	int acked_by;
	int64_t acked_ms;
	uint32_t reopened;
};

struct mute {
	char unit[ALERT_UNIT_MAX]; /* "": free */
	int16_t channel;
	int64_t until_ms;
};

struct contact_state {
	uint32_t sent;          /* texts today */
	int64_t last_alarm_ms;  /* last alarm text, for coalescing; 0: none */
};

struct alert_engine {
	struct alert_policy p; /* names cleaned for texts */
	struct incident *inc;
	bool *remind; /* scratch for deliver_due(), one per slot: a reminder is due */
	bool *held;   /* scratch for deliver_due(), one per slot: muted or in maintenance */
	size_t cap;
	uint32_t next_id;
	alert_sink_fn sink;
	void *user_data;
	int32_t utc_offset_s;
	int64_t day; /* local day number the counters belong to */
	struct contact_state cs[ALERT_CONTACTS_MAX];
	uint32_t site_sent;
	bool site_noticed;
	struct mute mutes[ALERT_MUTES_MAX];
};

/* alert_engine.c */
bool incident_active(const struct incident *inc); /* OPEN, NOTIFIED, ESCALATED */
void incident_set_state(struct alert_engine *e, struct incident *inc, enum alert_state to,
			int64_t now_ms);
size_t engine_open_alarms(const struct alert_engine *e);

/* alert_deliver.c */
int64_t local_day(const struct alert_engine *e, int64_t now_ms);
unsigned local_minute(const struct alert_engine *e, int64_t now_ms);
bool incident_held(const struct alert_engine *e, const struct incident *inc, int64_t now_ms);
bool contact_quiet(const struct alert_engine *e, int c, int64_t now_ms);
int64_t tier_start_ms(const struct alert_engine *e, const struct incident *inc, unsigned tier);
/* Sends `text` to contact `c` within the caps; returns 0, or -EDQUOT when a cap stopped it
 * (the DROP action and any cap notice are emitted). */
int send_text(struct alert_engine *e, int c, enum alert_msg msg, const uint32_t *ids,
	      size_t n_ids, const char *text, int64_t now_ms);
/* Info text (ack info, all-clear) to `c`, skipped in quiet hours unless `critical`. */
void send_info(struct alert_engine *e, int c, enum alert_msg msg, const struct incident *inc,
	       const char *text, int64_t now_ms);
void deliver_due(struct alert_engine *e, int64_t now_ms);
int64_t deliver_next_ms(const struct alert_engine *e, int64_t now_ms);

/* alert_msg.c: each writes one text of at most 160 septets into `out` (ALERT_TEXT_MAX). */
void msg_alarm(const struct alert_engine *e, char *out, const struct incident *inc,
	       bool reminder, int64_t now_ms);
void msg_alarms(const struct alert_engine *e, char *out, const struct incident *const *incs,
		size_t n);
void msg_ack_done(const struct alert_engine *e, char *out, const struct incident *inc, size_t n);
void msg_ack_info(const struct alert_engine *e, char *out, const struct incident *inc);
void msg_all_clear(const struct alert_engine *e, char *out, const struct incident *inc);
void msg_mute_done(const struct alert_engine *e, char *out, const char *unit, int16_t channel,
		   int64_t until_ms);
void msg_refused(const struct alert_engine *e, char *out, const char *why);
/* STATUS: the incidents not closed, in id order; the reply hint names the newest unacked. */
void msg_status(const struct alert_engine *e, char *out, const struct incident *const *incs,
		size_t n);
void msg_cap_contact(const struct alert_engine *e, char *out);
void msg_cap_site(const struct alert_engine *e, char *out);

#endif
