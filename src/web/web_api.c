/* The display's requests: the method, the built-in page, the API's routes with the
 * parameters each takes, the read-only store opened when first needed, and the ETag that
 * lets a poll which finds nothing new cost one PRAGMA. */
#include "web_api_int.h"

#include "log.h"
#include "store_view.h"
#include "web_assets.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef int (*route_fn)(struct web_api *api, struct store *s, const struct web_query *q, int64_t now_ms,
			struct web_reply *r);

struct route {
	const char *path;
	unsigned params;   /* enum web_param */
	int64_t bucket_ms; /* how long an answer stays true when the database does not change */
	route_fn fn;
};

static const struct route routes[] = {
	{"/api/status", WEB_PARAM_V, 10000, web_api_status},
	{"/api/events", WEB_PARAM_UNIT | WEB_PARAM_SINCE | WEB_PARAM_LIMIT | WEB_PARAM_V, 10000,
	 web_api_events},
	{"/api/history",
	 WEB_PARAM_UNIT | WEB_PARAM_CHANNEL | WEB_PARAM_SINCE | WEB_PARAM_UNTIL | WEB_PARAM_POINTS |
		 WEB_PARAM_V,
	 60000, web_api_history},
	{"/api/chart.svg",
	 WEB_PARAM_UNIT | WEB_PARAM_CHANNEL | WEB_PARAM_SINCE | WEB_PARAM_UNTIL | WEB_PARAM_WIDTH |
		 WEB_PARAM_HEIGHT | WEB_PARAM_V,
	 60000, web_api_chart},
};

struct web_api *web_api_new(const struct web_site *site)
{
	struct web_api *api = calloc(1, sizeof(*api));
	if (api)
		api->site = site;
	return api;
}

void web_api_free(struct web_api *api)
{
	if (!api)
		return;
	store_close(api->store);
	free(api);
}

void web_reply_free(struct web_reply *r)
{
	free(r->body);
	memset(r, 0, sizeof(*r));
}

void web_reply_json(struct web_reply *r, unsigned status, json_t *j)
{
	char *text = j ? json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(6)) : NULL;
	json_decref(j);
	free(r->body);
	r->status = text ? status : 500;
	r->type = "application/json";
	r->body = text;
	r->static_body = text ? NULL : (const unsigned char *)"{\"error\":\"out of memory\"}";
	r->len = strlen(text ? text : (const char *)r->static_body);
}

void web_reply_error(struct web_reply *r, unsigned status, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	r->etag[0] = '\0';
	web_reply_json(r, status, json_pack("{s:s}", "error", msg));
}

/* A weak hash of an asset, for its ETag (FNV-1a). */
static uint32_t fnv1a(const unsigned char *p, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

static bool etag_matches(const char *if_none_match, const char *etag)
{
	return if_none_match && etag[0] && (strstr(if_none_match, etag) || strcmp(if_none_match, "*") == 0);
}

static void serve_asset(const struct web_asset *a, const char *if_none_match, struct web_reply *r)
{
	snprintf(r->etag, sizeof(r->etag), "\"a%08x\"", fnv1a(a->data, a->size));
	r->type = a->type;
	if (etag_matches(if_none_match, r->etag)) {
		r->status = 304;
		return;
	}
	r->status = 200;
	r->static_body = a->data;
	r->len = a->size;
}

static const char *why_no_store(int err)
{
	switch (err) {
	case -ENOENT:
		return "no database yet: the base station creates it when it first starts";
	case -ESTALE:
		return "the database has an older schema: the base station upgrades it when it starts";
	default:
		return store_strerror(err);
	}
}

/* The store, opened read-only when first needed and again after a failure (at most once a
 * second). */
static int api_store(struct web_api *api, int64_t now_ms, struct store **out)
{
	*out = api->store;
	if (api->store)
		return 0;
	if (api->last_try_ms && now_ms - api->last_try_ms < 1000 && now_ms >= api->last_try_ms)
		return api->last_err;
	api->last_try_ms = now_ms;
	/* A missing file is said once here; the store would log each second's try. */
	struct stat st;
	bool is_file = strncmp(api->site->store, "postgresql:", 11) != 0;
	api->last_err = is_file && stat(api->site->store, &st) != 0 && errno == ENOENT ? -ENOENT : 0;
	struct store_open_cfg cfg = {.path = api->site->store, .kind = STORE_KIND_BASE, .read_only = true};
	if (!api->last_err)
		api->last_err = store_open(&cfg, &api->store);
	if (api->last_err) {
		if (api->last_err != api->logged_err)
			log_warn("web", "event=store_unavailable file=\"%s\" reason=\"%s\"", api->site->store,
				 why_no_store(api->last_err));
		api->logged_err = api->last_err;
		return api->last_err;
	}
	api->generation++;
	api->logged_err = 0;
	log_info("web", "event=store_open file=\"%s\"", api->site->store);
	*out = api->store;
	return 0;
}

static void store_failed(struct web_api *api, int err, struct web_reply *r)
{
	log_warn("web", "event=store_error file=\"%s\" reason=\"%s\" hint=\"reopening it\"", api->site->store,
		 store_strerror(err));
	store_close(api->store);
	api->store = NULL;
	api->last_try_ms = 0;
	web_reply_error(r, 500, "the database could not be read: %s", store_strerror(err));
}

static void serve_route(struct web_api *api, const struct route *rt, const char *query,
			const char *if_none_match, int64_t now_ms, struct web_reply *r)
{
	struct web_query q;
	char err[192];
	if (web_query_parse(query ? query : "", query ? strlen(query) : 0, rt->params, now_ms, &q, err,
			    sizeof(err)) != 0) {
		web_reply_error(r, 400, "%s", err);
		return;
	}
	struct store *s;
	int rc = api_store(api, now_ms, &s);
	if (rc) {
		web_reply_error(r, 503, "%s (%s)", why_no_store(rc), api->site->store);
		return;
	}
	uint64_t version;
	rc = store_view_version(s, &version);
	if (rc) {
		store_failed(api, rc, r);
		return;
	}
	snprintf(r->etag, sizeof(r->etag), "W/\"%u.%llu.%lld\"", api->generation, (unsigned long long)version,
		 (long long)(now_ms / rt->bucket_ms));
	if (etag_matches(if_none_match, r->etag)) {
		r->status = 304;
		return;
	}
	char etag[sizeof(r->etag)];
	memcpy(etag, r->etag, sizeof(etag));
	rc = rt->fn(api, s, &q, now_ms, r);
	if (rc) {
		store_failed(api, rc, r);
		return;
	}
	if (r->status == 200)
		memcpy(r->etag, etag, sizeof(etag));
	else
		r->etag[0] = '\0';
}

void web_api_handle(struct web_api *api, const char *method, const char *path, const char *query,
		    const char *if_none_match, int64_t now_ms, struct web_reply *r)
{
	memset(r, 0, sizeof(*r));
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
		web_reply_error(r, 405, "the display is read-only: only GET and HEAD are answered");
		r->allow = "GET, HEAD";
		return;
	}
	const struct web_asset *a = web_asset_find(path);
	if (a) {
		serve_asset(a, if_none_match, r);
		return;
	}
	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		if (strcmp(routes[i].path, path) == 0) {
			serve_route(api, &routes[i], query, if_none_match, now_ms, r);
			return;
		}
	}
	web_reply_error(r, 404, "no such page: the display is at / and its API under /api/");
}

const struct web_asset *web_asset_find(const char *path)
{
	if (strcmp(path, "/") == 0)
		path = "/index.html";
	for (unsigned i = 0; i < web_assets_count; i++)
		if (strcmp(web_assets[i].path, path) == 0)
			return &web_assets[i];
	return NULL;
}
