/* Two real bases on one PostgreSQL database: the helpers (it_multi.h). */
#include "it_multi.h"

#include <libpq-fe.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

void it_multi_db(const char *name, char *uri, size_t size)
{
	const char *dir = getenv("M2_PG_DIR"), *port = getenv("M2_PG_PORT");
	const char *admin = getenv("M2_PG_URI");
	if (!dir || !port || !admin)
		fail_msg("run under test/pg/pg_cluster.sh run (M2_PG_DIR, M2_PG_PORT, M2_PG_URI)");
	PGconn *c = PQconnectdb(admin);
	assert_int_equal(PQstatus(c), CONNECTION_OK);
	char sql[128];
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s", name);
	PGresult *r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		fail_msg("%s: %s", sql, PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
	snprintf(uri, size, "postgresql:///%s?host=%s&port=%s&user=postgres", name, dir, port);
}

long long it_multi_scalar(const char *uri, const char *sql)
{
	PGconn *c = PQconnectdb(uri);
	long long v = -1;
	PGresult *r = PQstatus(c) == CONNECTION_OK ? PQexec(c, sql) : NULL;
	if (r && PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	PQfinish(c);
	return v;
}

void it_multi_conf(struct it_base *b, const struct it_sim *sim, char name, const char *tty, const char *uri,
		   const char *lease, const char *tier_delay, const char *silent)
{
	memset(b, 0, sizeof(*b));
	b->sim = sim;
	b->seq = 1;
	proto_window_init(&b->win);
	snprintf(b->conf, sizeof(b->conf), "%s/base%c.conf", sim->root, name);
	snprintf(b->log, sizeof(b->log), "%s/base%c.log", sim->root, name);
	uint64_t lease_s = strtoull(lease, NULL, 10);
	char text[4096];
	snprintf(text, sizeof(text),
		 "base = { name = \"North\"; store = \"%s\"; silent_grace = \"0s\"; receipt_delay = \"1s\";\n"
		 "  send_timeout = \"5s\";\n"
		 "  cluster = { name = \"%c\"; lease = \"%s\"; heartbeat = \"%llums\"; claim_lease = "
		 "\"%llums\"; silent = \"%s\"; "
		 "};\n"
		 "  units = ( { id = \"WH1\"; number = \"" IT_WH1_NUMBER "\"; key = \"" IT_WH1_KEY
		 "\"; heartbeat = \"1d\"; channels = [ \"T1\", \"T2\" ]; } );\n"
		 "  contacts = ( { name = \"Alice\"; number = \"" IT_ALICE
		 "\"; role = \"admin\"; tier = 1; },\n"
		 "    { name = \"Bob\"; number = \"" IT_BOB "\"; role = \"operator\"; tier = 2; },\n"
		 "    { name = \"Carol\"; number = \"" IT_CAROL "\"; role = \"viewer\"; tier = 2; } );\n"
		 "  escalation = { tier_delay = \"%s\"; repeat = \"0s\"; coalesce = \"0s\"; clear_settle = "
		 "\"1s\"; };\n"
		 "  caps = { contact = 0; site = 0; };\n};\n"
		 "modems = ( { device = \"%s/%s.tty\"; command_timeout_ms = 1000; status_reports = true; } "
		 ");\n",
		 uri, name, lease, (unsigned long long)(lease_s * 250),
		 (unsigned long long)(lease_s * 1000 > 3000 ? lease_s * 1000 : 3000), silent, tier_delay,
		 sim->dir, tty);
	it_write_file(b->conf, text);
}
