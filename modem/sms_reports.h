/* Status reports (TS 23.040 9.2.2.3) matched to the messages we sent. The sender registers
 * each part it sent with the TP-MR the modem returned in +CMGS; a report is matched by that
 * reference and the recipient (compared across national and international forms), part by
 * part, so a multipart message is delivered only when every part is. Entries expire so that
 * a reference the modem reuses (it wraps at 256) is not matched to an old message. Time is
 * given by the caller; nothing here reads a clock or does I/O. */
#ifndef M2_SMS_REPORTS_H
#define M2_SMS_REPORTS_H

#include <stdbool.h>
#include <stdint.h>

#include "sms_codec.h"

/* Where a sent message stands, from the status reports of its parts. */
struct sms_sent_state {
	uint64_t message_id; /* the caller's id (e.g. the outbox row) */
	char recipient[SMS_NUMBER_MAX];
	int part_count;
	int delivered; /* parts with a final "delivered" report */
	int failed;    /* parts with a final "failed" report */
	int pending;   /* parts with no report or a "still trying" one */
	/* DELIVERED when every part is; FAILED as soon as one part failed (the text cannot
	 * arrive whole); PENDING otherwise. */
	enum sms_delivery state;
	bool final; /* state will not change any more */
};

enum sms_report_outcome {
	SMS_REPORT_MATCHED,   /* matched a registered part: `part` and `message` are filled */
	SMS_REPORT_UNMATCHED, /* no message sent to that recipient with that reference */
	SMS_REPORT_LATE,      /* it matched a message that had already expired or was final */
};
const char *sms_report_outcome_str(enum sms_report_outcome outcome);

struct sms_report_match {
	enum sms_report_outcome outcome;
	int part;                      /* MATCHED or LATE: 1-based part number */
	enum sms_delivery part_state;  /* the report's status, classified */
	bool message_changed;          /* MATCHED: the message's state or counts changed */
	struct sms_sent_state message; /* MATCHED or LATE: the message after this report */
};

struct sms_reports_cfg {
	/* How long after sending a part its report is still awaited. Reports normally come
	 * within minutes, but a "still trying" one can precede the final one by the validity
	 * period; 72 h is a sensible default. Must be > 0. */
	int64_t expire_ms;
	/* Called once for each message that expires while not final, so the application can
	 * record "no delivery report". May be NULL. */
	void (*on_expired)(const struct sms_sent_state *state, void *user_data);
	void *user_data;
};

struct sms_reports;

/* Returns a new tracker, or NULL when out of memory or expire_ms <= 0. `cfg` is copied. */
struct sms_reports *sms_reports_new(const struct sms_reports_cfg *cfg);
void sms_reports_free(struct sms_reports *rep);

/* Registers part `part` (1..part_count) of message `message_id`, sent to `recipient` and
 * given reference `message_ref` by the modem, at `now_ms`. All parts of one message must be
 * registered with the same recipient and part_count. A new registration of the same
 * reference and recipient replaces the old one (the modem's counter wrapped). After a
 * restart, register again the parts still awaited (from the outbox) with their original
 * send times, so that their reports still match and their expiry is unchanged.
 * Returns 0, -EINVAL (bad part numbers, empty recipient, parts disagree), -ENOMEM. */
int sms_reports_sent(struct sms_reports *rep, uint64_t message_id, int part, int part_count,
		     uint8_t message_ref, const char *recipient, int64_t now_ms);

/* Matches one decoded SMS-STATUS-REPORT received at `now_ms`. Returns 0 and fills `out`;
 * -EINVAL when `report` is not a status report. A "still trying" report leaves the part
 * pending; a final one (delivered or failed) settles it. A report for a part already settled,
 * for a message already final, or arriving expire_ms or more after the part was sent comes
 * back LATE and changes nothing. */
int sms_reports_match(struct sms_reports *rep, const struct sms_decoded *report, int64_t now_ms,
		      struct sms_report_match *out);

/* Drops every part registered expire_ms or more before `now_ms`, calling on_expired for
 * each message that had not reached a final state; they are remembered a further expire_ms
 * so that a report arriving after that comes back LATE rather than UNMATCHED. Returns the
 * number of messages that expired. */
int sms_reports_expire(struct sms_reports *rep, int64_t now_ms);

/* Messages still awaited (not final, not expired). */
int sms_reports_pending(const struct sms_reports *rep);

#endif
