/* Reads of a base's database for the people: `m2mon status`, `history`, `events` and the
 * office display. Synchronous, and safe while the base daemon writes (open the store with
 * read_only set: WAL lets a reader see the last commit without blocking the writer). Rows are
 * handed to a callback one at a time, valid during the call only; the callback returns 0 to
 * go on or anything else to stop early (the call then returns 0). Errors are those of
 * store.h, logged. */
#ifndef M2_STORE_VIEW_H
#define M2_STORE_VIEW_H

#include "store.h"
#include "store_base.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A unit as the base knows it: heard (its protocol state), or seen in readings. */
struct store_view_unit {
	char unit[STORE_UNIT_MAX];
	int64_t last_heard_ms; /* 0: never */
	uint32_t last_seq;
	int64_t clock_offset_ms;
	uint32_t channels;       /* channels with at least one reading */
	int64_t last_reading_ms; /* the newest reading of any channel, 0: none */
};

typedef int (*store_view_unit_fn)(void *user_data, const struct store_view_unit *u);
typedef int (*store_view_reading_fn)(void *user_data, const struct store_reading *r);
typedef int (*store_view_event_fn)(void *user_data, const struct store_event *e);

/* Every unit, by id. */
int store_view_units(struct store *s, store_view_unit_fn fn, void *user_data);

/* The last reading of every channel of `unit` (NULL: of every unit), by unit then channel. */
int store_view_latest(struct store *s, const char *unit, store_view_reading_fn fn, void *user_data);

/* Readings of `unit` (and `channel`, NULL or "" for all its channels) with since_ms <= t_ms
 * < until_ms (until_ms 0: no end), in time order (then channel). A year of one channel is a
 * range scan of one index. */
int store_view_history(struct store *s, const char *unit, const char *channel, int64_t since_ms,
		       int64_t until_ms, store_view_reading_fn fn, void *user_data);

/* Events with t_ms >= since_ms (of `unit` when not NULL), oldest first. */
int store_view_events(struct store *s, const char *unit, int64_t since_ms, store_view_event_fn fn,
		      void *user_data);

/* The `max` newest events (of `unit` when not NULL), newest first: the display's list. */
int store_view_events_latest(struct store *s, const char *unit, size_t max, store_view_event_fn fn,
			     void *user_data);

/* An incident with the people its masks and acked_by name, resolved against the call list it
 * was saved under. */
struct store_view_incident {
	struct store_incident inc;
	struct store_contact acked_by; /* empty when nobody acknowledged or they are unknown */
	size_t n_told;                 /* everyone ever texted about it, in call-list order */
	struct store_contact told[STORE_CONTACTS_MAX];
};

typedef int (*store_view_incident_fn)(void *user_data, const struct store_view_incident *vi);

/* The incidents not closed, oldest first: STATUS and the display. */
int store_view_incidents_open(struct store *s, store_view_incident_fn fn, void *user_data);

/* The incidents of `unit` (and `channel_name`, NULL for all) open at any moment of
 * [since_ms, until_ms) (until_ms 0: no end), oldest first: the alarm periods a chart shades
 * (opened_ms to cleared_ms, or to closed_ms, or still open). */
int store_view_incidents_between(struct store *s, const char *unit, const char *channel_name,
				 int64_t since_ms, int64_t until_ms, store_view_incident_fn fn,
				 void *user_data);

/* A token that changes whenever another process committed a change to the database since
 * the token was last read on this handle: compare two tokens for equality only (a display's
 * "anything new?" costs one call; SQLite: PRAGMA data_version). The first call gives a
 * value to compare later ones with. Errors are those of store.h. */
int store_view_version(struct store *s, uint64_t *version);

#endif
