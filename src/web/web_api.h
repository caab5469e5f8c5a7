/* The office display's HTTP answers, without the HTTP server: a request (method, path,
 * query string, If-None-Match) in, a reply (status, type, body, ETag) out, so that tests
 * can call it directly and web_server.c only carries bytes.
 *
 *   GET /                       the page (and /display.css, /display.js, /favicon.svg)
 *   GET /api/status             every unit, its channels' last reading and state, the open
 *                               incidents with who was told and who acknowledged (web_json.h)
 *   GET /api/events?since=&unit=&limit=        the newest events first (default 50)
 *   GET /api/history?unit=&channel=&since=&until=&points=
 *                               readings thinned to `points` columns (default 1000; 0 gives
 *                               only the counts, lowest, highest and last), thresholds,
 *                               alarm periods; since defaults to 24h, until to now
 *   GET /api/chart.svg?unit=&channel=&since=&until=&width=&height=     the chart (web_chart.h)
 *
 * Every API answer carries an ETag made of the database's version (store_view_version) and
 * a time bucket (10 s for status and events, 60 s for history and charts, whose ages and
 * relative periods move with the clock): a poll whose If-None-Match still matches is
 * answered 304 after one PRAGMA. The store is opened read-only on first need and again
 * after an error, at most once a second; until it can be, the API answers 503 saying why. */
#ifndef M2_WEB_API_H
#define M2_WEB_API_H

#include "web_site.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct web_reply {
	unsigned status;
	const char *type;
	char *body;                       /* owned: free with web_reply_free */
	const unsigned char *static_body; /* or this, not owned (a built-in asset) */
	size_t len;
	char etag[64];     /* "" when none */
	const char *allow; /* 405: the methods allowed */
};

struct web_api;

/* An API over the store that `site->store` names; `site` must outlive it. NULL when out of
 * memory. */
struct web_api *web_api_new(const struct web_site *site);
void web_api_free(struct web_api *api);

/* Answers one request at `now_ms` (wall clock). `query` is what followed '?' (NULL or "" for
 * none); `if_none_match` the header's value or NULL. HEAD gets GET's status and headers. */
void web_api_handle(struct web_api *api, const char *method, const char *path, const char *query,
		    const char *if_none_match, int64_t now_ms, struct web_reply *out);
void web_reply_free(struct web_reply *r);

#endif
