/* Inside src/web/ only: what the API's routing (web_api.c) and its answers (web_api_data.c)
 * share. */
#ifndef M2_WEB_API_INT_H
#define M2_WEB_API_INT_H

#include "store.h"
#include "web_api.h"
#include "web_query.h"

#include <jansson.h>

struct web_api {
	const struct web_site *site;
	struct store *store; /* NULL until opened, and after an error */
	uint32_t generation; /* opens so far: part of every ETag */
	int64_t last_try_ms;
	int last_err;   /* of the last open that failed */
	int logged_err; /* the failure last logged, so that a missing database is said once */
};

/* Sets `r` to `j` as JSON (consumed). */
void web_reply_json(struct web_reply *r, unsigned status, json_t *j);
/* Sets `r` to {"error": MESSAGE}. */
void web_reply_error(struct web_reply *r, unsigned status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The answers. Each returns 0 with `r` set (a 4xx included), or a store error, after which
 * the caller answers 500 and reopens the store. */
int web_api_status(struct web_api *api, struct store *s, const struct web_query *q, int64_t now_ms,
		   struct web_reply *r);
int web_api_events(struct web_api *api, struct store *s, const struct web_query *q, int64_t now_ms,
		   struct web_reply *r);
int web_api_history(struct web_api *api, struct store *s, const struct web_query *q, int64_t now_ms,
		    struct web_reply *r);
int web_api_chart(struct web_api *api, struct store *s, const struct web_query *q, int64_t now_ms,
		  struct web_reply *r);

#endif
