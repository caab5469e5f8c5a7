/* The query strings of the web API (`/api/history?unit=WH1&channel=T1&since=24h`), which
 * come from anyone who can reach the port: read strictly, never trusted. Every parameter is
 * known, given once, percent-decoded, and checked for what it names; anything else is a
 * clear error that the server answers with 400. */
#ifndef M2_WEB_QUERY_H
#define M2_WEB_QUERY_H

#include "store.h"

#include <stddef.h>
#include <stdint.h>

enum web_param {
	WEB_PARAM_UNIT = 1 << 0,    /* unit=WH1: 1..16 of [A-Za-z0-9_-] */
	WEB_PARAM_CHANNEL = 1 << 1, /* channel=T1: 1..8 of [A-Za-z0-9_] */
	WEB_PARAM_SINCE = 1 << 2,   /* since=24h | 2026-11-25T03:00Z (web_time_parse) */
	WEB_PARAM_UNTIL = 1 << 3,   /* until=..., the same forms */
	WEB_PARAM_LIMIT = 1 << 4,   /* limit=50: 1..1000 */
	WEB_PARAM_WIDTH = 1 << 5,   /* width=900: 200..4000 pixels */
	WEB_PARAM_HEIGHT = 1 << 6,  /* height=320: 120..3000 pixels */
	WEB_PARAM_POINTS = 1 << 7,  /* points=1000: 0..20000 columns of thinned readings */
	WEB_PARAM_V = 1 << 8, /* v=...: ignored, for a page to defeat a cache (1..64 of [A-Za-z0-9._-]) */
};

#define WEB_QUERY_MAX 1024 /* bytes of a whole query string */

struct web_query {
	unsigned present; /* enum web_param bits of the parameters given */
	char unit[STORE_UNIT_MAX];
	char channel[STORE_CHANNEL_MAX];
	int64_t since_ms, until_ms;
	uint32_t limit, points;
	int width, height;
};

/* Parses `len` bytes of query string (what follows '?', which may be empty) at `now_ms`,
 * accepting the parameters of `allowed` only. Returns 0 with `q` filled, or -EINVAL with a
 * message for a person in `err` (`n` bytes) naming the parameter and what it must be;
 * the message never repeats the value that was sent. */
int web_query_parse(const char *qs, size_t len, unsigned allowed, int64_t now_ms, struct web_query *q,
		    char *err, size_t n);

#endif
