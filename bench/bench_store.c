/* Store figures on real SQLite files (WAL, synchronous=FULL, so each commit waits for its
 * fsync on the disk under $TMPDIR): readings and inbox rows stored per second, the unit's
 * readings->batch->outbox step, outbox claim and outcome, and the time of the queries behind
 * `m2mon status` and `history` on a generated year of history for a fleet of units.
 * Then a fleet of 10,000 units reporting hourly on SQLite and on PostgreSQL side by side
 * (bench_store_fleet.c; PostgreSQL when M2_PG_URI names a server, as under
 * test/pg/pg_cluster.sh run). Prints figures, never a verdict.
 * Usage: bench_store [units [days]] (default 100 units, 365 days: two channels each, one
 * reading per channel every 10 minutes, 10.5 million readings). With M2_BENCH_KEEP set, the
 * year's base.db stays (its path printed) for timing the real `m2mon status` and `history`. */
#include "bench_store_fleet.h"
#include "store_base.h"
#include "store_unit.h"
#include "store_view.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef M2_BUILD_TYPE
#define M2_BUILD_TYPE "unknown"
#endif
#ifndef M2_SANITIZE
#define M2_SANITIZE 0
#endif

#define T0        1735689600000LL /* 2025-01-01 00:00 UTC */
#define MIN_MS    60000LL
#define DAY_MS    86400000LL
#define STEP_MS   (10 * MIN_MS)
#define PER_DAY   144
#define CHANNELS  2
#define QUERY_RUN 5

static double seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, int err)
{
	fprintf(stderr, "bench_store: %s: %s\n", what, store_strerror(err));
	exit(1);
}

static void check_done(void *ud, int result, int64_t id)
{
	(void)id;
	*(int *)ud = result;
}

static struct store *open_kind(const char *path, enum store_kind kind, bool read_only)
{
	struct store_open_cfg cfg = {.path = path, .kind = kind, .read_only = read_only};
	struct store *s = NULL;
	int err = store_open(&cfg, &s);
	if (err)
		die(path, err);
	return s;
}

/* ---- the unit ---- */

static void bench_unit(const char *dir)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/unit.db", dir);
	struct store *s = open_kind(path, STORE_KIND_UNIT, false);
	enum { SAMPLES = 400, CH = 4 };
	double t = seconds();
	for (int i = 0; i < SAMPLES; i++) {
		struct store_unit_reading r[CH];
		for (int c = 0; c < CH; c++)
			r[c] = (struct store_unit_reading){
				.channel = (uint8_t)c, .t_ms = T0 + i * MIN_MS, .temp_c10 = 40 + (i + c) % 7};
		int err = store_unit_readings_add(s, r, CH);
		if (err)
			die("readings_add", err);
	}
	double dt = seconds() - t;
	printf("unit  readings stored, %d channels per commit      %9.0f readings/s  (%.2f ms per commit)\n",
	       CH, SAMPLES * CH / dt, dt * 1000 / SAMPLES);

	enum { BATCH = 144 };
	struct store_unit_reading pending[BATCH];
	int64_t ids[BATCH];
	int steps = 0;
	t = seconds();
	for (;;) {
		size_t n = 0;
		int err = store_unit_readings_pending(s, 0, pending, BATCH, &n);
		if (err)
			die("readings_pending", err);
		if (n == 0)
			break;
		for (size_t i = 0; i < n; i++)
			ids[i] = pending[i].id;
		uint32_t seq = 0;
		if ((err = store_unit_seq_next(s, &seq)) != 0)
			die("seq_next", err);
		struct store_unit_msg m = {
			.seq = seq, .kind = 1, .dest = "+15550001000", .created_ms = T0, .next_ms = T0};
		memset(m.text, 'A', 150);
		if ((err = store_unit_batch_store(s, ids, n, &m)) != 0)
			die("batch_store", err);
		steps++;
	}
	dt = seconds() - t;
	printf("unit  readings->batch->outbox step, %d readings   %9.0f steps/s     (%.2f ms each)\n", BATCH,
	       steps / dt, dt * 1000 / steps);
	store_close(s);
}

/* ---- the base's write paths ---- */

static void bench_inbox(struct store *s)
{
	enum { N = 300 };
	int rc = 0;
	double t = seconds();
	for (int i = 0; i < N; i++) {
		struct store_inbox_sms m = {.sender = "+15550002001",
					    .scts_ms = T0 + i * 1000LL,
					    .received_ms = T0 + i * 1000LL,
					    .modem = "modem0",
					    .total = 1,
					    .part = 1};
		snprintf(m.pdu_hex, sizeof(m.pdu_hex),
			 "07915155000000F0040B915155001020F00000621103125423800A%08X", i);
		store_base_inbox_add(s, &m, check_done, &rc);
		if (rc < 0)
			die("inbox_add", rc);
	}
	double dt = seconds() - t;
	printf("base  inbox rows stored (one commit each)         %9.0f rows/s      (%.2f ms each)\n", N / dt,
	       dt * 1000 / N);
}

static void on_claim(void *ud, int result, const struct store_sms_out *row, int64_t next_due_ms)
{
	(void)next_due_ms;
	int64_t *id = ud;
	*id = result == 0 ? row->id : result;
}

static void bench_outbox(struct store *s)
{
	enum { N = 300 };
	static struct store_sms_out texts[N];
	for (int i = 0; i < N; i++) {
		texts[i] = (struct store_sms_out){.dest = "+15550003001", .kind = "alarm", .created_ms = T0};
		snprintf(texts[i].text, sizeof(texts[i].text),
			 "Cold store North: ALARM WH%d T1 9.4C. Reply ACK %d", i % 100, i + 1);
	}
	int rc = 0;
	store_base_write(s, &(struct store_base_batch){.outbox = texts, .n_outbox = N}, check_done, &rc);
	if (rc)
		die("write", rc);
	double t = seconds();
	for (int i = 0; i < N; i++) {
		int64_t id = 0;
		store_base_outbox_claim(s, T0 + DAY_MS, "modem0", on_claim, &id);
		if (id <= 0)
			die("outbox_claim", (int)id);
		struct store_sms_outcome o = {.id = id,
					      .outcome = STORE_OUTCOME_SENT,
					      .at_ms = T0 + DAY_MS,
					      .n_parts = 1,
					      .mr = {(uint8_t)i}};
		store_base_outbox_outcome(s, &o, check_done, &rc);
		if (rc)
			die("outbox_outcome", rc);
	}
	double dt = seconds() - t;
	printf("base  outbox claim + outcome (two commits)        %9.0f texts/s     (%.2f ms each)\n", N / dt,
	       dt * 1000 / N);
}

/* ---- a generated year ---- */

static void unit_name(int u, char *out, size_t n)
{
	snprintf(out, n, "WH%03d", u);
}

/* A cold room's day: 4 C with a slow sine, a defrost every 6 h, noise from a hash. */
static int32_t trace_c10(int u, int c, int64_t k)
{
	uint32_t h = (uint32_t)(k * 2654435761u) ^ (uint32_t)(u * 40503 + c * 977);
	int32_t noise = (int32_t)(h % 5) - 2;
	int32_t defrost = k % 36 < 2 ? 25 : 0;
	return 40 + (int32_t)((k % PER_DAY) < PER_DAY / 2 ? (k % 72) / 8 : 9 - (k % 72) / 8) + defrost +
	       noise + c * 10;
}

/* One month of one unit per commit: 2 x 144 x 30 readings and the month's events. */
static double generate(struct store *s, int units, int days, uint64_t *n_readings, uint64_t *n_events)
{
	enum { MONTH = 30 };
	struct store_reading *rd = calloc((size_t)CHANNELS * PER_DAY * MONTH, sizeof(*rd));
	struct store_event *ev = calloc(4 * MONTH, sizeof(*ev));
	if (!rd || !ev)
		die("generate", -ENOMEM);
	double t = seconds();
	for (int u = 0; u < units; u++) {
		for (int d0 = 0; d0 < days; d0 += MONTH) {
			size_t n = 0, ne = 0;
			for (int d = d0; d < days && d < d0 + MONTH; d++) {
				for (int k = 0; k < PER_DAY; k++) {
					int64_t idx = (int64_t)d * PER_DAY + k;
					for (int c = 0; c < CHANNELS; c++) {
						struct store_reading *r = &rd[n++];
						unit_name(u, r->unit, sizeof(r->unit));
						snprintf(r->channel, sizeof(r->channel), "T%d", c + 1);
						r->t_ms = T0 + idx * STEP_MS;
						r->temp_c10 = trace_c10(u, c, idx);
						r->received_ms = r->t_ms + 3600000;
						r->seq = (uint32_t)(idx / 6 + 1);
					}
				}
				for (int e = 0; e < 4; e++) {
					struct store_event *x = &ev[ne++];
					*x = (struct store_event){.t_ms = T0 + d * DAY_MS + e * 6 * 3600000LL,
								  .kind = e % 2 ? STORE_EVENT_CLEAR
										: STORE_EVENT_ALARM};
					unit_name(u, x->unit, sizeof(x->unit));
					snprintf(x->channel, sizeof(x->channel), "T1");
					snprintf(x->text, sizeof(x->text), "%s %s T1", x->unit,
						 e % 2 ? "CLEAR" : "ALARM");
				}
			}
			int rc = 0;
			store_base_write(
				s,
				&(struct store_base_batch){
					.readings = rd, .n_readings = n, .events = ev, .n_events = ne},
				check_done, &rc);
			if (rc)
				die("generate", rc);
			*n_readings += n;
			*n_events += ne;
		}
	}
	free(rd);
	free(ev);
	return seconds() - t;
}

/* Open incidents for the status query: one in ten units. */
static void generate_incidents(struct store *s, int units, int days)
{
	struct store_contact people[] = {{.number = "+15550003001", .name = "Alice"},
					 {.number = "+15550003002", .name = "Bob"}};
	struct store_engine_state st = {.contacts_set = true, .contacts = people, .n_contacts = 2};
	int rc = 0;
	store_base_write(s, &(struct store_base_batch){.engine = &st}, check_done, &rc);
	for (int u = 0; u < units; u += 10) {
		struct store_incident inc = {.id = (uint32_t)(u + 1),
					     .state = "notified",
					     .kind = "high",
					     .channel_name = "T1",
					     .opened_ms = T0 + (days - 1) * DAY_MS,
					     .told = 0x3,
					     .acked_by = -1};
		unit_name(u, inc.unit, sizeof(inc.unit));
		struct store_engine_state one = {.incidents = &inc, .n_incidents = 1};
		store_base_write(s, &(struct store_base_batch){.engine = &one}, check_done, &rc);
		if (rc)
			die("incidents", rc);
	}
}

struct count {
	uint64_t rows;
	int64_t sum;
};

static int count_reading(void *ud, const struct store_reading *r)
{
	struct count *c = ud;
	c->rows++;
	c->sum += r->temp_c10;
	return 0;
}

static int count_unit(void *ud, const struct store_view_unit *u)
{
	((struct count *)ud)->rows += u->channels;
	return 0;
}

static int count_incident(void *ud, const struct store_view_incident *vi)
{
	((struct count *)ud)->rows += vi->n_told;
	return 0;
}

static int count_event(void *ud, const struct store_event *e)
{
	(void)e;
	((struct count *)ud)->rows++;
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* The status query: units, the last reading of every channel, open incidents with names. */
static void status_query(struct store *s, struct count *c)
{
	int err = store_view_units(s, count_unit, c);
	if (!err)
		err = store_view_latest(s, NULL, count_reading, c);
	if (!err)
		err = store_view_incidents_open(s, count_incident, c);
	if (err)
		die("status", err);
}

enum query { Q_STATUS, Q_DAY, Q_WEEK_UNIT, Q_YEAR, Q_EVENTS };

static double time_query(struct store *s, enum query q, int64_t end_ms, uint64_t *rows)
{
	double runs[QUERY_RUN];
	for (int i = 0; i < QUERY_RUN; i++) {
		struct count c = {0};
		double t = seconds();
		int err = 0;
		switch (q) {
		case Q_STATUS:
			status_query(s, &c);
			break;
		case Q_DAY:
			err = store_view_history(s, "WH042", "T1", end_ms - DAY_MS, 0, count_reading, &c);
			break;
		case Q_WEEK_UNIT:
			err = store_view_history(s, "WH042", NULL, end_ms - 7 * DAY_MS, 0, count_reading, &c);
			break;
		case Q_YEAR:
			err = store_view_history(s, "WH042", "T1", 0, 0, count_reading, &c);
			break;
		case Q_EVENTS:
			err = store_view_events(s, NULL, end_ms - DAY_MS, count_event, &c);
			break;
		}
		if (err)
			die("query", err);
		runs[i] = (seconds() - t) * 1000;
		*rows = c.rows;
	}
	qsort(runs, QUERY_RUN, sizeof(runs[0]), cmp_double);
	return runs[QUERY_RUN / 2];
}

static void bench_queries(const char *path, int days)
{
	struct store *s = open_kind(path, STORE_KIND_BASE, true);
	int64_t end = T0 + days * DAY_MS;
	static const struct {
		enum query q;
		const char *what;
	} qs[] = {
		{Q_STATUS, "status: units, last reading per channel, incidents"},
		{Q_DAY, "history WH042 T1 --since 24h"},
		{Q_WEEK_UNIT, "history WH042 --since 7d (both channels)"},
		{Q_YEAR, "history WH042 T1, the whole period"},
		{Q_EVENTS, "events --since 24h (every unit)"},
	};
	for (size_t i = 0; i < sizeof(qs) / sizeof(qs[0]); i++) {
		uint64_t rows = 0;
		double ms = time_query(s, qs[i].q, end, &rows);
		printf("query %-52s %8.2f ms  (%llu rows, median of %d, read-only handle)\n", qs[i].what, ms,
		       (unsigned long long)rows, QUERY_RUN);
	}
	store_close(s);
}

int main(int argc, char **argv)
{
	int units = argc > 1 ? atoi(argv[1]) : 100;
	int days = argc > 2 ? atoi(argv[2]) : 365;
	if (units < 43 || days < 7) {
		fprintf(stderr, "usage: bench_store [units >= 43 [days >= 7]]\n");
		return 2;
	}
	const char *tmp = getenv("TMPDIR");
	char dir[256];
	snprintf(dir, sizeof(dir), "%s/bench_store-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		perror("bench_store: mkdtemp");
		return 1;
	}
	printf("bench_store: build %s, sanitizers %s, files in %s (synchronous=FULL)\n", M2_BUILD_TYPE,
	       M2_SANITIZE ? "on (figures not representative)" : "off", dir);
	bench_unit(dir);
	char path[512];
	snprintf(path, sizeof(path), "%s/base.db", dir);
	struct store *s = open_kind(path, STORE_KIND_BASE, false);
	bench_inbox(s);
	bench_outbox(s);
	uint64_t n_readings = 0, n_events = 0;
	double gen = generate(s, units, days, &n_readings, &n_events);
	generate_incidents(s, units, days);
	store_close(s);
	struct stat st;
	stat(path, &st);
	printf("base  readings stored in batches of one month     %9.0f readings/s  (%llu readings, %llu "
	       "events "
	       "for %d units x %d days in %.1f s)\n",
	       n_readings / gen, (unsigned long long)n_readings, (unsigned long long)n_events, units, days,
	       gen);
	printf("base  database file: %.1f MB, %.1f bytes per reading\n", st.st_size / 1e6,
	       (double)st.st_size / (double)n_readings);
	bench_queries(path, days);
	bench_fleet(dir, getenv("M2_PG_URI"));
	static const char *const files[] = {"unit.db", "unit.db-wal", "unit.db-shm",
					    "base.db", "base.db-wal", "base.db-shm"};
	bool keep = getenv("M2_BENCH_KEEP") && getenv("M2_BENCH_KEEP")[0]; /* for bench/run's CLI timing */
	if (keep)
		printf("bench_store: base.db kept: %s/base.db (the caller removes %s)\n", dir, dir);
	for (size_t i = 0; i < (keep ? 3 : sizeof(files) / sizeof(files[0])); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	return keep || rmdir(dir) == 0 ? 0 : 1;
}
