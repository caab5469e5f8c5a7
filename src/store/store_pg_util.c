/* The PostgreSQL backend's small helpers: reading typed values out of text results, mapping
 * SQLSTATEs and libpq's connection messages to the store's errno, the hint that goes with
 * each for the person reading the log, and the once-per-failure query error log line. */
#include "store_pg.h"

#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int64_t store_pg_int(const PGresult *r, int row, int col)
{
	if (PQgetisnull(r, row, col))
		return 0;
	return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

bool store_pg_bool(const PGresult *r, int row, int col)
{
	return !PQgetisnull(r, row, col) && PQgetvalue(r, row, col)[0] == 't';
}

bool store_pg_isnull(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) != 0;
}

void store_pg_text(const PGresult *r, int row, int col, char *out, size_t n)
{
	snprintf(out, n, "%s", PQgetisnull(r, row, col) ? "" : PQgetvalue(r, row, col));
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

long store_pg_unhex(const char *v, void *out, size_t cap)
{
	if (v[0] != '\\' || v[1] != 'x')
		return -1;
	size_t len = strlen(v + 2);
	if (len % 2 || len / 2 > cap)
		return -1;
	uint8_t *o = out;
	for (size_t i = 0; i < len / 2; i++) {
		int hi = hexval(v[2 + 2 * i]), lo = hexval(v[3 + 2 * i]);
		if (hi < 0 || lo < 0)
			return -1;
		o[i] = (uint8_t)(hi << 4 | lo);
	}
	return (long)(len / 2);
}

long store_pg_bytea(const PGresult *r, int row, int col, void *out, size_t cap)
{
	if (PQgetisnull(r, row, col))
		return 0;
	return store_pg_unhex(PQgetvalue(r, row, col), out, cap);
}

int store_pg_fits(const char *text, size_t n)
{
	return text && strnlen(text, n) < n ? 0 : -EMSGSIZE;
}

int store_pg_errno_of(const char *s)
{
	if (strcmp(s, PG_STATE_NOT_LEADER) == 0)
		return -EPERM;
	if (strcmp(s, PG_STATE_NO_ROW) == 0)
		return -ENOENT;
	if (strcmp(s, PG_STATE_FOREIGN) == 0)
		return -EMEDIUMTYPE;
	if (strcmp(s, PG_STATE_NEWER) == 0)
		return -ENOTSUP;
	if (strcmp(s, PG_STATE_DONE_BEFORE) == 0)
		return -EALREADY;
	if (strcmp(s, "23505") == 0)
		return -EEXIST;
	if (strcmp(s, "22001") == 0)
		return -EMSGSIZE;
	if (strcmp(s, "53100") == 0)
		return -ENOSPC;
	if (strcmp(s, "53200") == 0)
		return -ENOMEM;
	if (strcmp(s, "57014") == 0)
		return -ETIMEDOUT;
	if (strcmp(s, "42P01") == 0)
		return -ESTALE; /* a table of the schema is missing: an older or empty database */
	if (strcmp(s, "42501") == 0)
		return -EACCES;
	if (strcmp(s, "25006") == 0)
		return -EROFS; /* a read-only transaction (a standby) */
	if (strncmp(s, "XX", 2) == 0)
		return -EUCLEAN;
	if (strncmp(s, "08", 2) == 0 || strncmp(s, "57P", 3) == 0)
		return -ENOTCONN;
	if (strncmp(s, "40", 2) == 0 || strcmp(s, "55P03") == 0)
		return -EBUSY;
	if (strncmp(s, "22", 2) == 0 || strncmp(s, "23", 2) == 0)
		return -EINVAL;
	return -EIO;
}

/* libpq reports a failed connection as text only (and the server's FATAL in the
 * language of its lc_messages: ours is C in the tests; a translated one is "other"). */
int store_pg_connect_errno(const char *msg)
{
	static const struct {
		const char *needle;
		int err;
	} table[] = {
		{"does not exist", -ENOENT}, /* database "x" (a role is matched first below) */
		{"authentication failed", -EACCES},
		{"no pg_hba.conf entry", -EACCES},
		{"password", -EACCES},
		{"permission denied", -EACCES},
		{"too many clients", -EUSERS},
		{"remaining connection slots", -EUSERS},
		{"starting up", -ECONNREFUSED},
		{"shutting down", -ECONNREFUSED},
		{"in recovery", -ECONNREFUSED},
		{"Connection refused", -ECONNREFUSED},
		{"No such file or directory", -ECONNREFUSED},
		{"could not connect", -ECONNREFUSED},
		{"could not translate host name", -EHOSTUNREACH},
		{"No route to host", -EHOSTUNREACH},
		{"timeout expired", -ETIMEDOUT},
	};
	if (strstr(msg, "role \"") && strstr(msg, "does not exist"))
		return -EACCES;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (strstr(msg, table[i].needle))
			return table[i].err;
	return -EIO;
}

const char *store_pg_hint(int err)
{
	switch (err) {
	case -ECONNREFUSED:
		return "the PostgreSQL server is not running or not reachable at the store URI: start it "
		       "(systemctl start postgresql) or fix host/port; m2mon reconnects by itself";
	case -EACCES:
		return "the server refused the role: check the user in the store URI, its password "
		       "(~/.pgpass of the daemon's user) and pg_hba.conf (docs/operations.md)";
	case -ENOENT:
		return "the database in the store URI does not exist: createdb -O ROLE NAME "
		       "(docs/operations.md)";
	case -ENOTSUP:
		return "the database was upgraded by a newer m2mon: run that version on every base";
	case -EMEDIUMTYPE:
		return "the database holds another program's tables: give m2mon a database of its own";
	case -ESTALE:
		return "the database has no m2mon schema yet or an older one: start the base daemon once";
	case -ETIMEDOUT:
		return "the server did not answer in time: check its load and the network; m2mon reconnects";
	case -EUSERS:
		return "the server has no connection slot left: raise max_connections or stop idle clients";
	case -EHOSTUNREACH:
		return "the server's address is not reachable: check hostaddr in the store URI and the "
		       "network";
	case -ENOSPC:
		return "the database server's disk is full: free space; nothing of this change was kept";
	case -EROFS:
		return "the server is read-only (a standby?): point the store URI at the primary";
	case -EUCLEAN:
		return "the server reports damaged data: see its log, restore a backup";
	case -ECONNRESET:
	case -ENOTCONN:
		return "the connection to the database was lost: m2mon reconnects by itself; check the "
		       "server's log if it goes on";
	default:
		return "see the detail and the server's log";
	}
}

void store_pg_log_error(struct store_pg *pg, int err, const char *op, const char *detail)
{
	if (err == pg->last_logged || err == -EEXIST || err == -EMSGSIZE || err == -EINVAL)
		return;
	pg->last_logged = err;
	char esc[256];
	log_escape(detail ? detail : "", detail ? strlen(detail) : 0, esc, sizeof(esc));
	log_error("store", "event=db_error db=\"%s\" op=%s error=\"%s\" detail=\"%s\" hint=\"%s\"",
		  pg->pub.path, op, store_strerror(err), esc, store_pg_hint(err));
}

void store_pg_ok(struct store_pg *pg)
{
	if (pg->last_logged)
		log_info("store", "event=db_recovered db=\"%s\" after=\"%s\"", pg->pub.path,
			 store_strerror(pg->last_logged));
	pg->last_logged = 0;
}

int store_pg_rows(const PGresult *r, size_t size, pg_row_fn row, void **rows, size_t *n)
{
	int k = PQntuples(r);
	if (k == 0)
		return 0;
	void *a = calloc((size_t)k, size);
	if (!a)
		return -ENOMEM;
	for (int i = 0; i < k; i++)
		row(r, i, a);
	*rows = a;
	*n = (size_t)k;
	return 0;
}
