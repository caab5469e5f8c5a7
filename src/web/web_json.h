/* The read side's records as JSON (jansson), the same for `m2mon status|events|history
 * --json` and the web API: times as epoch milliseconds (`*_ms`) with an ISO 8601 UTC twin
 * where a person may read it, temperatures as tenths (`*_c10`) and degrees (`temp_c`). */
#ifndef M2_WEB_JSON_H
#define M2_WEB_JSON_H

#include "store_view.h"
#include "web_model.h"
#include "web_site.h"

#include <jansson.h>
#include <stdbool.h>

/* Each returns a new reference, or NULL when out of memory. */
json_t *web_json_status(const struct web_status *st, const struct web_site *site);

/* The base stations that share the database (store_view_bases): name, leader and its epoch,
 * modems_up, modems, last_seen (ISO), seen_ago_ms on the database's clock, and beating (seen
 * within 3 heartbeats of `site`). An empty array for a database without them; NULL when out
 * of memory. */
json_t *web_json_bases(struct store *s, const struct web_site *site);
json_t *web_json_incident(const struct store_view_incident *vi);
json_t *web_json_event(const struct store_event *e, const struct web_site *site);
json_t *web_json_reading(const struct store_reading *r);

/* The JSON text of `j` (free() it), indented when `pretty`, with real numbers at most as
 * precise as they were meant (9.4, not 9.4000000000000004); NULL when out of memory. */
char *web_json_text(const json_t *j, bool pretty);

#endif
