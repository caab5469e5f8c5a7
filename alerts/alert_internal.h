/* Shared between the engine's files (alert_engine.c, alert_deliver.c, alert_msg.c); not part
 * of the public interface. */
#ifndef M2_ALERT_INTERNAL_H
#define M2_ALERT_INTERNAL_H

#include "alert_engine.h"

struct alert_engine {
	struct alert_policy p;      /* names cleaned for texts */
	struct alert_incident *inc; /* the table; id 0 marks a free slot */
	bool *remind;               /* scratch for alert_deliver_due(), one per slot: a reminder is due */
	bool *held;     /* scratch for alert_deliver_due(), one per slot: muted or in maintenance */
	uint32_t *owed; /* one per slot: contacts whose reminder waits for their coalescing hold */
	size_t cap;
	uint32_t next_id;
	alert_sink_fn sink;
	void *user_data;
	int32_t utc_offset_s;
	alert_channel_name_fn channel_name;
	void *channel_name_data;
	struct alert_counters cnt;
	struct alert_mute mutes[ALERT_MUTES_MAX]; /* unit "": a free slot */
};

/* alert_engine.c */
bool alert_incident_active(const struct alert_incident *inc); /* OPEN, NOTIFIED, ESCALATED */
void alert_incident_set_state(struct alert_engine *e, struct alert_incident *inc, enum alert_state to,
			      int64_t now_ms);
size_t alert_engine_open_alarms(const struct alert_engine *e);
bool alert_contact_can_ack(const struct alert_engine *e, int c); /* admin or operator */
const char *alert_acker_name(const struct alert_engine *e, const struct alert_incident *inc);
/* The STATUS text; `can_ack`: the reader may acknowledge, so the reply hint says ACK. */
int alert_engine_status(const struct alert_engine *e, char *out, bool can_ack);

/* alert_deliver.c */
int64_t alert_local_day(const struct alert_engine *e, int64_t now_ms);
unsigned alert_local_minute(const struct alert_engine *e, int64_t now_ms);
bool alert_incident_held(const struct alert_engine *e, const struct alert_incident *inc, int64_t now_ms);
bool alert_contact_quiet(const struct alert_engine *e, int c, int64_t now_ms);
int64_t alert_tier_start_ms(const struct alert_engine *e, const struct alert_incident *inc, unsigned tier);
/* Sends `text` to contact `c` within the caps; returns 0, or -EDQUOT when a cap stopped it
 * (the DROP action and any cap notice are emitted). */
int alert_send_text(struct alert_engine *e, int c, enum alert_msg msg, const uint32_t *ids, size_t n_ids,
		    const char *text, int64_t now_ms);
/* Info text (ack info, all-clear) about incidents `ids` to `c`, skipped in quiet hours
 * unless one of them is `critical`. */
void alert_send_info(struct alert_engine *e, int c, enum alert_msg msg, const uint32_t *ids, size_t n_ids,
		     bool critical, const char *text, int64_t now_ms);
void alert_deliver_due(struct alert_engine *e, int64_t now_ms);
int64_t alert_deliver_next_ms(const struct alert_engine *e, int64_t now_ms);

/* alert_msg.c: each writes one text of at most 160 septets into `out` (ALERT_TEXT_MAX).
 * `can_ack`: the reader may acknowledge; otherwise the text ends with "Reply STATUS". */
void alert_msg_alarm(const struct alert_engine *e, char *out, const struct alert_incident *inc, bool reminder,
		     bool can_ack, int64_t now_ms);
void alert_msg_alarms(const struct alert_engine *e, char *out, const struct alert_incident *const *incs,
		      size_t n, bool can_ack);
void alert_msg_ack_done(const struct alert_engine *e, char *out, const struct alert_incident *inc, size_t n);
/* Who acknowledged `incs` (n >= 1, one ACK by one person), for the others told of them. */
void alert_msg_ack_info(const struct alert_engine *e, char *out, const struct alert_incident *const *incs,
			size_t n);
void alert_msg_all_clear(const struct alert_engine *e, char *out, const struct alert_incident *inc);
/* A mute until `until_ms`, or (0) an unmute; `unit_until_ms` > 0: a mute of the whole unit
 * still holds the channel that was unmuted. */
void alert_msg_mute_done(const struct alert_engine *e, char *out, const char *unit, int16_t channel,
			 int64_t until_ms, int64_t unit_until_ms, int64_t now_ms);
void alert_msg_refused(const struct alert_engine *e, char *out, const char *why);
/* STATUS: the incidents not closed, in id order; the reply hint names the newest unacked. */
void alert_msg_status(const struct alert_engine *e, char *out, const struct alert_incident *const *incs,
		      size_t n, bool can_ack);
void alert_msg_cap_contact(const struct alert_engine *e, char *out);
void alert_msg_cap_site(const struct alert_engine *e, char *out);

#endif
