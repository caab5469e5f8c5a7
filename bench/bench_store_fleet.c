/* The base's store under a fleet's load, SQLite and PostgreSQL side by side: what 10,000
 * units reporting hourly ask of it (2.8 messages a second, each an inbox row, a write of 12
 * readings with the message's mark and unit state, and a receipt through the outbox), the
 * rate each backend sustains for each step, and the base process's CPU for it (getrusage;
 * the PostgreSQL server's own CPU is not counted). PostgreSQL runs as the daemon does, its
 * calls completing on a libuv loop; the process's RSS with the store open stands for the
 * base's memory. Prints figures, never a verdict. */
#include "bench_store_fleet.h"

#include "store_base.h"

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#define FLEET_UNITS  10000
#define FLEET_N      1500 /* messages per phase */
#define FLEET_READ   12   /* readings per message: 2 channels, every 10 min, hourly */
#define FLEET_T0     1735689600000LL
#define FLEET_PHASES 3

struct fleet {
	struct store *s;
	uv_loop_t *loop;
	int busy, err;
	int64_t claimed;
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_s(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
	       (double)ru.ru_stime.tv_usec / 1e6;
}

static void on_done(void *ud, int result, int64_t id)
{
	struct fleet *f = ud;
	(void)id;
	if (result < 0)
		f->err = result;
	f->busy = 0;
}

static void on_claim(void *ud, int result, const struct store_sms_out *row, int64_t next_due_ms)
{
	struct fleet *f = ud;
	(void)next_due_ms;
	f->claimed = result == 0 ? row->id : 0;
	if (result < 0)
		f->err = result;
	f->busy = 0;
}

/* Waits for the call in flight: at once on SQLite, on the loop on PostgreSQL. */
static void settle(struct fleet *f)
{
	while (f->busy && f->loop)
		uv_run(f->loop, UV_RUN_ONCE);
}

static void one_inbox(struct fleet *f, int i)
{
	struct store_inbox_sms m = {.sender = "+15550002001",
				    .received_ms = FLEET_T0,
				    .modem = "modem0",
				    .total = 1,
				    .part = 1,
				    .scts_ms = FLEET_T0 + i};
	snprintf(m.pdu_hex, sizeof(m.pdu_hex), "07915155000000F0040B915155001020F0000062110312542380%08X", i);
	f->busy = 1;
	store_base_inbox_add(f->s, &m, on_done, f);
}

static void one_write(struct fleet *f, int i)
{
	struct store_reading r[FLEET_READ];
	struct store_unit_proto u = {.last_heard_ms = FLEET_T0 + i, .last_seq = (uint32_t)i};
	snprintf(u.unit, sizeof(u.unit), "U%05d", i % FLEET_UNITS);
	for (int k = 0; k < FLEET_READ; k++) {
		r[k] = (struct store_reading){.t_ms = FLEET_T0 + (int64_t)i * 3600000 + (k / 2) * 600000,
					      .temp_c10 = 40 + k,
					      .received_ms = FLEET_T0,
					      .seq = (uint32_t)i};
		memcpy(r[k].unit, u.unit, sizeof(u.unit));
		snprintf(r[k].channel, sizeof(r[k].channel), "T%d", k % 2 + 1);
	}
	struct store_sms_out receipt = {.dest = "+15550002001", .text = "M2 RCPT", .kind = "receipt"};
	struct store_inbox_mark mark = {.id = i + 1, .state = STORE_INBOX_PROCESSED};
	struct store_base_batch b = {.marks = &mark,
				     .n_marks = 1,
				     .units = &u,
				     .n_units = 1,
				     .readings = r,
				     .n_readings = FLEET_READ,
				     .outbox = &receipt,
				     .n_outbox = 1};
	f->busy = 1;
	store_base_write(f->s, &b, on_done, f);
}

static void one_send(struct fleet *f, int i)
{
	f->busy = 1;
	store_base_outbox_claim(f->s, FLEET_T0 + 1, "modem0", on_claim, f);
	settle(f);
	if (f->claimed <= 0) {
		f->err = f->err ? f->err : -1;
		return;
	}
	struct store_sms_outcome o = {.id = f->claimed,
				      .outcome = STORE_OUTCOME_SENT,
				      .at_ms = FLEET_T0 + 2,
				      .n_parts = 1,
				      .mr = {(uint8_t)i}};
	f->busy = 1;
	store_base_outbox_outcome(f->s, &o, on_done, f);
}

/* Runs the three phases on `s`: per-phase rates (per second) and CPU seconds per message. */
static int run_phases(struct fleet *f, double rate[FLEET_PHASES], double *cpu_per_msg)
{
	void (*const step[FLEET_PHASES])(struct fleet *, int) = {one_inbox, one_write, one_send};
	double cpu = 0;
	for (int p = 0; p < FLEET_PHASES; p++) {
		double t = now_s(), c = cpu_s();
		for (int i = 0; i < FLEET_N && !f->err; i++) {
			step[p](f, i);
			settle(f);
		}
		if (f->err)
			return f->err;
		rate[p] = FLEET_N / (now_s() - t);
		cpu += cpu_s() - c;
	}
	*cpu_per_msg = cpu / FLEET_N;
	return 0;
}

/* A database of its own on the server `uri` names; its name in `db`. */
static char *pg_database(const char *uri, char *db, size_t n)
{
	PGconn *c = PQconnectdb(uri);
	snprintf(db, n, "m2bench_%d", (int)getpid());
	char sql[96];
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s", db);
	PGresult *r = PQstatus(c) == CONNECTION_OK ? PQexec(c, sql) : NULL;
	bool ok = r && PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok)
		fprintf(stderr, "bench_store: %s", PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
	if (!ok)
		return NULL;
	/* The same URI with the database replaced: postgresql:///DB?... */
	const char *q = strchr(uri, '?');
	size_t len = strlen(uri) + n + 32;
	char *out = malloc(len);
	if (out)
		snprintf(out, len, "postgresql:///%s%s", db, q ? q : "");
	return out;
}

static void pg_drop(const char *uri, const char *db)
{
	PGconn *c = PQconnectdb(uri);
	char sql[96];
	snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", db);
	if (PQstatus(c) == CONNECTION_OK)
		PQclear(PQexec(c, sql));
	PQfinish(c);
}

/* This process's resident memory in MB (/proc/self/status VmRSS), or -1. */
static double rss_mb(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	double mb = -1;
	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, "VmRSS:", 6) == 0)
			mb = strtol(line + 6, NULL, 10) / 1024.0;
	if (f)
		fclose(f);
	return mb;
}

static int run_backend(const char *path, uv_loop_t *loop, double rate[FLEET_PHASES], double *cpu, double *rss)
{
	struct store_open_cfg cfg = {
		.path = path, .kind = STORE_KIND_BASE, .loop = loop, .base_name = "bench"};
	struct fleet f = {.loop = loop};
	int err = store_open(&cfg, &f.s);
	if (!err)
		err = run_phases(&f, rate, cpu);
	*rss = rss_mb(); /* with the store open and warm, as a running base holds it */
	store_close(f.s);
	for (int i = 0; loop && i < 4; i++)
		uv_run(loop, UV_RUN_NOWAIT);
	return err;
}

/* One line of the table: two columns with `digits` decimals, and `unit` after each. */
static void print_row(const char *what, const double *v, int digits, const char *unit)
{
	printf("fleet %-40s", what);
	for (int i = 0; i < 2; i++) {
		if (v[i] < 0)
			printf(" %14s", "-");
		else
			printf(" %*.*f%s", 14 - (int)strlen(unit), digits, v[i], unit);
	}
	printf("\n");
}

void bench_fleet(const char *dir, const char *pg_uri)
{
	double rate[2][FLEET_PHASES], cpu[2] = {-1, -1}, rss[2] = {-1, -1};
	for (int b = 0; b < 2; b++)
		for (int p = 0; p < FLEET_PHASES; p++)
			rate[b][p] = -1;
	char path[512];
	snprintf(path, sizeof(path), "%s/fleet.db", dir);
	if (run_backend(path, NULL, rate[0], &cpu[0], &rss[0]) != 0)
		fprintf(stderr, "bench_store: fleet on SQLite failed\n");
	static const char *const suffix[] = {"", "-wal", "-shm"};
	for (int i = 0; i < 3; i++) {
		char f[540];
		snprintf(f, sizeof(f), "%s%s", path, suffix[i]);
		unlink(f);
	}
	char db[64] = "";
	char *uri = pg_uri ? pg_database(pg_uri, db, sizeof(db)) : NULL;
	if (uri) {
		uv_loop_t loop;
		uv_loop_init(&loop);
		if (run_backend(uri, &loop, rate[1], &cpu[1], &rss[1]) != 0)
			fprintf(stderr, "bench_store: fleet on PostgreSQL failed\n");
		uv_loop_close(&loop);
		pg_drop(pg_uri, db);
		free(uri);
	}
	double need = FLEET_UNITS / 3600.0;
	printf("fleet %d units reporting hourly: %.2f messages/s, each 1 inbox row, a write of %d readings,"
	       " 1 receipt claimed and settled (%d messages per step)\n",
	       FLEET_UNITS, need, FLEET_READ, FLEET_N);
	printf("fleet %-40s %14s %14s\n", "", "sqlite", pg_uri ? "postgresql" : "postgresql (*)");
	print_row("inbox rows stored /s", (double[]){rate[0][0], rate[1][0]}, 0, "");
	print_row("readings stored /s (in writes of 12)",
		  (double[]){rate[0][1] * FLEET_READ, rate[1][1] < 0 ? -1 : rate[1][1] * FLEET_READ}, 0, "");
	print_row("outbox claim + outcome /s", (double[]){rate[0][2], rate[1][2]}, 0, "");
	print_row("base CPU per message, ms", (double[]){cpu[0] * 1000, cpu[1] < 0 ? -1 : cpu[1] * 1000}, 3,
		  "");
	print_row("base CPU for the fleet, % of one core",
		  (double[]){cpu[0] * need * 100, cpu[1] < 0 ? -1 : cpu[1] * need * 100}, 2, "");
	print_row("base process RSS, MB (store open, after)", rss, 1, "");
	for (int b = 0; b < 2; b++) {
		double per_msg = 0;
		for (int p = 0; p < FLEET_PHASES && rate[b][p] > 0; p++)
			per_msg += 1 / rate[b][p];
		rate[b][0] = per_msg > 0 ? 1 / per_msg / need : -1;
	}
	print_row("headroom: messages/s sustained / needed", (double[]){rate[0][0], rate[1][0]}, 0, "x");
	if (!pg_uri)
		printf("fleet (*) not measured: set M2_PG_URI, or run under test/pg/pg_cluster.sh run\n");
}
