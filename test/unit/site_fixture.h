/* A small site's database written through the store's own API (a real SQLite file), for the
 * read side's tests: the unit tests of the model and chart, and the command-line and browser
 * tests (test/cli/make_site_db). Relative to `now_ms`:
 *   WH1     chiller, T1 and T2 every 5 min for 26 h; T1 climbs from now-3h to 9.4 C: incident
 *           12 (high, threshold 8.0) open since now-2h30, told Alice and Bob, acknowledged by
 *           Bob at now-1h50; an earlier incident 7 (high) from now-20h to now-19h, closed.
 *   FRZ1    freezer at -18 C, one probe fault at now-6h; its door left open at now-50min:
 *           incident 14 (high, threshold -15.0) open since now-40min, told Alice and Bob,
 *           nobody acknowledged.
 *   REEFER3 reefer, heard last at now-5h: SILENT incident 13 open since now-2h50, told Alice.
 *   WH2     a second chiller at 4.6..5.1 C, all well.
 *   WH9     configured, never heard.
 * Contacts Alice (+15550003001), Bob (+15550003002), Carol (+15550003003); heartbeats 2 h,
 * grace 10 min. */
#ifndef M2_TEST_SITE_FIXTURE_H
#define M2_TEST_SITE_FIXTURE_H

#include "store.h"
#include "web_site.h"

#include <stdint.h>

#define SF_MIN  60000LL
#define SF_HOUR 3600000LL

/* Writes the site into `s` (a base store open for writing). Returns 0 or the store's error. */
int sf_write(struct store *s, int64_t now_ms);

/* A store_done_fn that puts the result in the int `ud` points to. */
void sf_done(void *ud, int result, int64_t id);

/* The site as the configuration describes it, with `store_path` as its store. */
void sf_site(struct web_site *site, const char *store_path);

/* The temperature the fixture gives WH1 T1 at `t_ms` (tenths). */
int32_t sf_wh1_t1(int64_t t_ms, int64_t now_ms);

#endif
