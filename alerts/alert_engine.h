/* Incidents and notification, run on the base: unit alarms become incidents (one per unit,
 * channel and kind), texted to the call list tier by tier until someone acknowledges, with
 * reminders, all-clears, mutes, maintenance windows, quiet hours, daily caps and coalescing.
 * Pure: inputs are alarms, commands and `now_ms` (UTC epoch milliseconds, non-decreasing);
 * outputs go to a sink as actions (a text to send, a state change to record). */
#ifndef M2_ALERT_ENGINE_H
#define M2_ALERT_ENGINE_H

#include "alert_channel.h"
#include "alert_policy.h"
#include "alert_text.h"

#include <stdbool.h>
#include <stdint.h>

enum alert_kind {
	ALERT_KIND_HIGH,     /* HIGH, or HIGH_HIGH when critical */
	ALERT_KIND_LOW,      /* LOW, or LOW_LOW when critical */
	ALERT_KIND_PROBE,    /* probe fault */
	ALERT_KIND_RATE,     /* temperature moving too fast */
	ALERT_KIND_SILENT,   /* the unit missed its heartbeat */
	ALERT_KIND_POWER,    /* mains lost */
	ALERT_KIND_BATTERY,  /* battery low */
	ALERT_KIND_MODEM,    /* the base's own modem is dead (unit: the modem's name) */
	ALERT_KIND_SIM_FULL, /* the base's modem's SIM storage is full: nothing more can arrive */
	ALERT_KIND_BASE,     /* another base station stopped beating (unit: "base-" its name) */
};

const char *alert_kind_str(enum alert_kind kind);

/* The incident kind a channel level belongs to; `critical` is set for LOW_LOW/HIGH_HIGH. */
enum alert_kind alert_kind_of_level(enum alert_level level, bool *critical);

enum alert_state {
	ALERT_STATE_OPEN,      /* raised, nobody texted yet (coalescing, muted, quiet hours) */
	ALERT_STATE_NOTIFIED,  /* tier 1 texted */
	ALERT_STATE_ESCALATED, /* a later tier texted too */
	ALERT_STATE_ACKED,     /* someone took it; no more alarm texts */
	ALERT_STATE_CLEARED,   /* the condition is gone; closes after the settle time */
	ALERT_STATE_CLOSED,    /* done; the slot is free */
};

const char *alert_state_str(enum alert_state state);

/* An alarm from a unit (a RAISE or CLEAR it sent, or a SILENT the base decided). */
struct alert_report {
	const char *unit; /* unit id: letters, digits, '-', '_' (others become '?'); copied,
			     up to ALERT_UNIT_MAX - 1 characters */
	int16_t channel;  /* -1 for unit-wide kinds (SILENT, POWER, BATTERY) */
	enum alert_kind kind;
	bool critical;
	bool has_value;
	int32_t value_c10;
	int32_t threshold_c10;
	int64_t since_ms; /* when the condition began, as the unit saw it */
};

enum alert_msg {
	ALERT_MSG_ALARM,       /* first text about one incident */
	ALERT_MSG_ALARMS,      /* several incidents in one text (coalesced) */
	ALERT_MSG_REMINDER,    /* the last tier, again */
	ALERT_MSG_ACK_DONE,    /* to whoever acknowledged */
	ALERT_MSG_ACK_INFO,    /* to the others notified: who acknowledged */
	ALERT_MSG_ALL_CLEAR,   /* the incident closed */
	ALERT_MSG_MUTE_DONE,   /* to whoever muted */
	ALERT_MSG_REFUSED,     /* a command from a known contact that could not be done */
	ALERT_MSG_CAP_CONTACT, /* this contact's daily cap is reached */
	ALERT_MSG_CAP_SITE,    /* the site's daily cap is reached (to the first admin) */
	ALERT_MSG_SUMMARY,     /* quiet hours ended and news was held back: the open alarms now,
				  standing in for any alarm text due to the reader at that moment */
};

const char *alert_msg_str(enum alert_msg msg);

enum alert_action_kind {
	ALERT_ACTION_SMS,   /* send `text` to `contact` */
	ALERT_ACTION_STATE, /* incident `incident_id` went from `from` to `to` */
	ALERT_ACTION_DROP,  /* a text of kind `msg` to `contact` was not sent: `reason` */
};

const char *alert_action_kind_str(enum alert_action_kind kind);

/* Valid during the sink call only: copy what you keep. */
struct alert_action {
	enum alert_action_kind kind;
	uint32_t incident_id; /* 0 when the action concerns no single incident */
	int64_t at_ms;
	/* SMS and DROP */
	enum alert_msg msg;
	const struct alert_contact *contact; /* the engine's copy of the policy's contact */
	int contact_idx;                     /* its index in the policy's contacts */
	const char *text;                    /* SMS: one GSM 7-bit SMS ending with what to reply */
	const uint32_t *ids;                 /* SMS: every incident the text is about (ALARMS: several;
						SUMMARY: the alarms due to the reader that it stands in for) */
	size_t n_ids;
	const char *reason; /* DROP: "cap_contact", "cap_site", "quiet_hours" (a summary of the
			       open alarms follows when the quiet hours end) */
	/* STATE */
	enum alert_state from, to;
};

/* Formats `a` as the fields of one log line after `mod=alerts` (snprintf semantics: returns
 * the length it needed, writes at most `n` bytes). A text that was not sent says why and
 * what to do: "event=sms_not_sent msg=alarm id=17 to=\"Anna\" reason=cap_contact hint=...". */
int alert_action_log_fields(const struct alert_action *a, char *out, size_t n);

typedef void (*alert_sink_fn)(const struct alert_action *action, void *user_data);

struct alert_engine;

/* Creates an engine for `policy` (copied; run alert_policy_check() first) with room for
 * `max_incidents` incidents not yet closed, numbering new incidents from `first_id` (the
 * store's next id, so that ids survive a restart). Every action goes to `sink`. Returns NULL
 * when out of memory. */
struct alert_engine *alert_engine_new(const struct alert_policy *policy, size_t max_incidents,
				      uint32_t first_id, alert_sink_fn sink, void *user_data);
void alert_engine_free(struct alert_engine *e);

/* The name of channel `channel` of `unit` for texts ("WH1/T1 HIGH 9.4C"), or NULL when it
 * has none (the text then shows the number: "WH1/0"). A name is 1..8 of [A-Za-z0-9_];
 * anything else is shown as its number. */
typedef const char *(*alert_channel_name_fn)(void *user_data, const char *unit, int16_t channel);

/* Sets where texts take channel names from (NULL: numbers only, the default). */
void alert_engine_set_channel_names(struct alert_engine *e, alert_channel_name_fn fn, void *user_data);

/* The offset of local time from UTC, for quiet hours, maintenance windows, the daily cap's
 * midnight and the clock times in texts. The daemon sets it at start and when it changes. */
void alert_engine_set_utc_offset(struct alert_engine *e, int32_t offset_s);

/* A RAISE: opens an incident for (unit, channel, kind), or updates the open one (a critical
 * level upgrades it; a repeated RAISE sends nothing), or reopens a CLEARED one. Texts go out
 * at once when due. Returns the incident id (> 0), or -ENOSPC when every slot is taken (the
 * alarm is then only in the daemon's log and store: raise max_incidents). */
int64_t alert_engine_raise(struct alert_engine *e, const struct alert_report *r, int64_t now_ms);

/* A CLEAR: the incident for (unit, channel, kind) goes CLEARED and closes after the settle
 * time. The CLEAR of a critical level (`critical` set) only lowers an incident whose normal
 * level was raised too (HIGH_HIGH gone, HIGH still there). Returns the incident id, or -ENOENT
 * when none is open. */
int64_t alert_engine_clear(struct alert_engine *e, const struct alert_report *r, int64_t now_ms);

/* A CLEAR known only afterwards (the unit raised the level again for a new excursion, so the
 * CLEAR it sent in between was lost or is late): the incident closes at once, not after the
 * settle time, with its all-clear, cleared at `r->since_ms` (the new excursion's start: the
 * latest it can have cleared) and without a value (the clear's is not known), so that the
 * raise that follows opens a new incident. A critical `r` is alert_engine_clear. Returns the
 * incident id, or -ENOENT. */
int64_t alert_engine_close(struct alert_engine *e, const struct alert_report *r, int64_t now_ms);

#define ALERT_ACK_NEWEST 0
#define ALERT_ACK_ALL    (-1)

/* An ACK from `number`: `id` > 0 for one incident, ALERT_ACK_NEWEST for the newest incident
 * texted to this person and not yet acknowledged, ALERT_ACK_ALL for all of those. The acker
 * gets a confirmation and everyone else notified is told who acknowledged. Returns the
 * number of incidents acknowledged (>= 1), or -EACCES (unknown number: no reply is sent),
 * -EPERM (a viewer), -ENOENT (no such incident, or nothing to acknowledge), -EALREADY
 * (someone acknowledged it before; the reply names them), -ENOMEM. All but -EACCES and
 * -ENOMEM send the person a short refusal. */
int alert_engine_ack(struct alert_engine *e, const char *number, int64_t id, int64_t now_ms);

/* MUTE from `number`: no alarm texts about `unit` (channel -1: all channels) for
 * `duration_s` seconds. 0 unmutes: every mute of the unit (channel -1) or that channel's;
 * the reply says when a mute of the whole unit still holds the channel. Incidents still open
 * and are recorded; when the mute ends and one is still unacknowledged, the ladder resumes.
 * Returns 0, or -EACCES, -EPERM as for ack, -EINVAL (no unit), or -ENOSPC when
 * ALERT_MUTES_MAX mutes are in force (a mute only: an unmute always works). */
#define ALERT_MUTES_MAX 32
int alert_engine_mute(struct alert_engine *e, const char *number, const char *unit, int16_t channel,
		      uint32_t duration_s, int64_t now_ms);

/* Lets time pass: tiers, reminders, coalesced texts, ends of quiet hours and mutes, closes.
 * Call it when alert_engine_next_ms() says, or simply every second. */
void alert_engine_tick(struct alert_engine *e, int64_t now_ms);

/* The earliest time at which tick() may have something to do (INT64_MAX: nothing pending).
 * Quiet hours and maintenance windows are covered by a re-check at least every minute. */
int64_t alert_engine_next_ms(const struct alert_engine *e, int64_t now_ms);

/* Everything the engine knows about one incident: for STATUS, for tests, and for the store
 * to save so that a restart of the base loses nothing (see alert_engine_restore()).
 * Contact masks are by index in the policy's contacts: bit i is contact i. */
struct alert_incident {
	uint32_t id; /* > 0 */
	enum alert_state state;
	enum alert_state before_clear; /* CLEARED: the state a new RAISE returns it to */
	char unit[ALERT_UNIT_MAX];
	int16_t channel;
	enum alert_kind kind;
	bool critical;
	bool normal_raised; /* the normal level was raised too (a critical CLEAR only lowers) */
	bool has_value;
	int32_t value_c10;
	int32_t threshold_c10;
	int64_t since_ms; /* when the condition began, as the unit saw it */
	int64_t opened_ms;
	int64_t cleared_ms; /* CLEARED: when; it closes clear_settle_s later */
	int64_t ladder_ms;  /* when tier 1 became due (not muted); 0: not yet */
	uint32_t notified;  /* contacts texted on the current ladder (reset when it turns critical) */
	uint32_t told;      /* contacts ever texted about it: all-clear, ACK news, bare ACK */
	uint32_t capped;    /* contacts whose alarm text a daily cap stopped (until midnight) */
	uint32_t reminders; /* reminders sent to the last tier */
	int acked_by;       /* contact index, -1 when not acknowledged, ALERT_ACKED_BY_GONE */
	int64_t acked_ms;
	uint32_t reopened; /* times a RAISE reopened it after a CLEAR */
};

/* What the incident is, in the words its texts use: "HIGH", "VERY LOW", "PROBE FAULT",
 * "SILENT", "MODEM DEAD"... */
const char *alert_kind_words(const struct alert_incident *inc);

/* acked_by of an incident acknowledged by someone no longer in the call list (see remap). */
#define ALERT_ACKED_BY_GONE (-2)

/* Copies incident `id` into `out`; returns 0, or -ENOENT when it is closed or unknown. */
int alert_engine_incident(const struct alert_engine *e, uint32_t id, struct alert_incident *out);

/* Copies up to `max` incidents not yet closed into `out`; returns how many there are. */
size_t alert_engine_incidents(const struct alert_engine *e, struct alert_incident *out, size_t max);

/* Puts back an incident saved before a restart, as it was (no text, no action). New ids
 * continue above it. Returns 0, -EINVAL (id 0, CLOSED, a state or kind out of range, a
 * contact index or mask outside the policy), -EEXIST (its id, or another incident for its
 * unit, channel and kind, is there) or -ENOSPC. Restore before the first raise, with the
 * policy it was saved under, or after alert_engine_remap() when the call list has changed. */
int alert_engine_restore(struct alert_engine *e, const struct alert_incident *inc);

/* Rewrites the contact indexes of `inc`, saved under a call list whose numbers were
 * `old_numbers` (`n_old` of them, in that list's order), for the engine's policy, matching
 * people by number: after the call list was edited (someone added, removed or moved) the
 * all-clear and "acknowledged by" news still reach those who were told, and nobody else.
 * Someone no longer listed drops out of the masks; their acknowledgement stands, as
 * ALERT_ACKED_BY_GONE. Call it before alert_engine_restore(). */
void alert_engine_remap(const struct alert_engine *e, struct alert_incident *inc,
			const char *const *old_numbers, size_t n_old);

/* The day's texting counters, for the store to save with the incidents. */
struct alert_counters {
	int64_t day; /* local day number (days since 1970-01-01 in local time) they belong to */
	uint32_t site_sent;
	bool site_noticed;     /* the site's "cap reached" notice went out */
	uint32_t quiet_missed; /* contacts whose ACK news or all-clear quiet hours held back */
	uint32_t sent[ALERT_CONTACTS_MAX];
	int64_t last_alarm_ms[ALERT_CONTACTS_MAX]; /* for coalescing; 0: none */
};

void alert_engine_counters(const struct alert_engine *e, struct alert_counters *out);

/* The id the next incident will get: save it, and give it as `first_id` after a restart, so
 * that an id a phone has seen is never reused (closed incidents are not restored). */
uint32_t alert_engine_next_id(const struct alert_engine *e);

/* alert_engine_remap() for saved counters: texts sent today, coalescing times and held-back
 * news follow each person by number. */
void alert_engine_remap_counters(const struct alert_engine *e, struct alert_counters *cnt,
				 const char *const *old_numbers, size_t n_old);

/* Puts back saved counters; those of another day are reset at the next action. */
void alert_engine_restore_counters(struct alert_engine *e, const struct alert_counters *in);

/* A MUTE in force, for the store to save so that a restart does not unmute. */
struct alert_mute {
	char unit[ALERT_UNIT_MAX];
	int16_t channel; /* -1: the whole unit */
	int64_t until_ms;
};

/* Copies up to `max` mutes still in force at `now_ms` into `out`; returns how many there are. */
size_t alert_engine_mutes(const struct alert_engine *e, struct alert_mute *out, size_t max, int64_t now_ms);

/* Puts back a saved mute (one that has ended by `now_ms` is accepted and ignored). Returns 0,
 * -EINVAL (no unit) or -ENOSPC (ALERT_MUTES_MAX in force). Restore before the first raise. */
int alert_engine_restore_mute(struct alert_engine *e, const struct alert_mute *m, int64_t now_ms);

/* Writes the reply to a STATUS from `number` into `out` (ALERT_TEXT_MAX bytes): every
 * incident not yet closed, oldest first, with who acknowledged it, cut to one SMS with
 * "+N more", ending with a reply the asker's role allows (a viewer is not told to ACK).
 * Returns how many incidents there are, -EACCES for an unknown number (nothing written: no
 * reply), or -ENOMEM. Sends nothing: the caller queues the text. */
int alert_engine_status_text(const struct alert_engine *e, const char *number, char *out);

/* Counts incidents not yet closed. */
size_t alert_engine_open_count(const struct alert_engine *e);

/* Texts sent today to contact `idx` and to the whole site. */
uint32_t alert_engine_sent_today(const struct alert_engine *e, int idx);
uint32_t alert_engine_site_sent_today(const struct alert_engine *e);

#endif
