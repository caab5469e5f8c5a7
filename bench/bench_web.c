/* The office display's costs on the test site (test/unit/site_fixture.h, a real SQLite
 * file): a poll of /api/status answered in full and answered 304 (the database unchanged),
 * a day's chart of a unit, and the SVG's size; then the same chart over a month of
 * one-minute readings. Calls the API directly, without the socket. Prints figures, never a
 * verdict. Usage: bench_web [runs] (default 200). */
#include "site_fixture.h"
#include "store_base.h"
#include "web_api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifndef M2_BUILD_TYPE
#define M2_BUILD_TYPE "unknown"
#endif
#ifndef M2_SANITIZE
#define M2_SANITIZE 0
#endif

#define NOW 1764547200000LL

static double seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Runs `runs` requests and prints the mean time per request and the last answer's size. */
static void measure(struct web_api *api, const char *what, const char *path, const char *query,
		    const char *etag, int runs)
{
	struct web_reply r = {0};
	double t0 = seconds();
	for (int i = 0; i < runs; i++) {
		web_reply_free(&r);
		web_api_handle(api, "GET", path, query, etag, NOW + 1000, &r);
	}
	double us = (seconds() - t0) * 1e6 / runs;
	printf("%-44s %9.1f us  status %u  %zu bytes\n", what, us, r.status, r.len);
	web_reply_free(&r);
}

static int month_of_readings(struct store *s)
{
	size_t n = 30 * 24 * 60;
	struct store_reading *rd = calloc(n, sizeof(*rd));
	if (!rd)
		return -1;
	for (size_t i = 0; i < n; i++) {
		rd[i] = (struct store_reading){.t_ms = NOW - 30 * 24 * SF_HOUR + (int64_t)i * SF_MIN,
					       .temp_c10 = 40 + (int32_t)(i % 11)};
		snprintf(rd[i].unit, sizeof(rd[i].unit), "WH2");
		snprintf(rd[i].channel, sizeof(rd[i].channel), "T2");
	}
	int result = -1;
	store_base_write(s, &(struct store_base_batch){.readings = rd, .n_readings = n}, sf_done, &result);
	free(rd);
	return result;
}

int main(int argc, char **argv)
{
	int runs = argc > 1 ? atoi(argv[1]) : 200;
	char path[] = "/tmp/bench_web.XXXXXX";
	if (runs <= 0 || !mkdtemp(path))
		return 1;
	char db[64];
	snprintf(db, sizeof(db), "%s/base.db", path);
	struct store *w;
	struct store_open_cfg cfg = {.path = db, .kind = STORE_KIND_BASE};
	if (store_open(&cfg, &w) || sf_write(w, NOW) || month_of_readings(w))
		return 1;
	struct web_site site;
	sf_site(&site, db);
	struct web_api *api = web_api_new(&site);
	struct web_reply r = {0};
	web_api_handle(api, "GET", "/api/status", NULL, NULL, NOW, &r);
	char etag[64];
	snprintf(etag, sizeof(etag), "%s", r.etag);
	web_reply_free(&r);
	printf("bench_web: build %s%s, %d runs each, 5 units, 1 month of 1-minute readings for WH2 T2\n",
	       M2_BUILD_TYPE, M2_SANITIZE ? " with sanitizers" : "", runs);
	measure(api, "/api/status, answered in full", "/api/status", NULL, NULL, runs);
	measure(api, "/api/status, If-None-Match: 304", "/api/status", NULL, etag, runs);
	measure(api, "/api/chart.svg WH1, 24 h", "/api/chart.svg", "unit=WH1", NULL, runs);
	measure(api, "/api/history WH1, 24 h, points=0", "/api/history", "unit=WH1&points=0", NULL, runs);
	measure(api, "/api/chart.svg WH2 T2, 30 days (43200 readings)", "/api/chart.svg",
		"unit=WH2&channel=T2&since=30d", NULL, runs / 10 > 0 ? runs / 10 : 1);
	web_api_free(api);
	store_close(w);
	static const char *const tails[] = {"", "-wal", "-shm"};
	for (size_t i = 0; i < 3; i++) {
		char f[80];
		snprintf(f, sizeof(f), "%s%s", db, tails[i]);
		unlink(f);
	}
	return rmdir(path) == 0 ? 0 : 1;
}
