/* The state of a site at one moment, as `m2mon status`, /api/status and the display show it:
 * every unit (configured or seen in the database) with the last reading of each channel and
 * a state for each, and the incidents not closed with who was told and who took them. Read
 * from the store (store_view.h) and the site's configuration; the moment is given. */
#ifndef M2_WEB_MODEL_H
#define M2_WEB_MODEL_H

#include "store_view.h"
#include "web_site.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* From least to most urgent: a unit's state is the most urgent of its channels' and its own. */
enum web_state {
	WEB_STATE_UNKNOWN, /* nothing heard from it yet */
	WEB_STATE_OK,
	WEB_STATE_CLEARED, /* an alarm whose condition is gone; it closes soon */
	WEB_STATE_FAULT,   /* the last reading is a probe fault, and no incident says more */
	WEB_STATE_ACKED,   /* an alarm someone took */
	WEB_STATE_ALARM,   /* an alarm nobody took yet */
	WEB_STATE_SILENT,  /* the unit: an open SILENT incident, or not heard past its heartbeat */
};

const char *web_state_str(enum web_state state);

/* The state an open incident stands for (by its kind and state words). */
enum web_state web_state_of_incident(const struct store_incident *inc);

#define WEB_CHANNELS_MAX 16

struct web_channel {
	char name[STORE_CHANNEL_MAX];
	bool has_reading;
	struct store_reading last;
	enum web_state state;
	uint32_t incident_id; /* the most urgent open incident on it, 0 none */
};

struct web_unit {
	char id[STORE_UNIT_MAX];
	bool configured;       /* in the base's configuration */
	uint32_t heartbeat_s;  /* 0 when not configured */
	int64_t last_heard_ms; /* the last message or reading, 0 never */
	int64_t silent_at_ms;  /* from then on it counts as silent if nothing comes; 0 unknown */
	bool overdue;          /* now is past silent_at_ms */
	enum web_state state;
	uint32_t incident_id; /* the most urgent open incident of the unit, 0 none */
	size_t n_channels;
	size_t n_channels_dropped; /* channels past WEB_CHANNELS_MAX, not shown */
	struct web_channel channels[WEB_CHANNELS_MAX];
};

struct web_status {
	int64_t now_ms;
	struct web_unit *units; /* configured units in the file's order, then the others by id */
	size_t n_units;
	struct store_view_incident *incidents; /* open, oldest first */
	size_t n_incidents;
};

/* Reads the state at `now_ms`. Returns 0, -ENOMEM, or a store error (store.h); on error
 * `out` holds nothing to free. */
int web_status_load(struct store *s, const struct web_site *site, int64_t now_ms, struct web_status *out);
void web_status_free(struct web_status *st);

/* The unit `id` in `st`, or NULL. */
const struct web_unit *web_status_unit(const struct web_status *st, const char *id);
/* The open incident `id`, or NULL. */
const struct store_view_incident *web_status_incident(const struct web_status *st, uint32_t id);

#endif
