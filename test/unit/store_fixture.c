/* The store tests' temporary folders, stores and captured log (store_fixture.h). */
#include "store_fixture.h"

#include <fcntl.h>
#include <ftw.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void fx_setup(struct store_fx *fx, const char *name)
{
	memset(fx, 0, sizeof(*fx));
	const char *tmp = getenv("TMPDIR");
	snprintf(fx->dir, sizeof(fx->dir), "%s/m2store-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
	if (!mkdtemp(fx->dir))
		abort();
	snprintf(fx->path, sizeof(fx->path), "%s/%s", fx->dir, name ? name : "test.db");
	fx->saved_stderr = -1;
	if (fx_pg()) {
		fx->pg = true;
		/* Named after the folder's unique suffix, in lower case as SQL folds it. */
		const char *suffix = strrchr(fx->dir, '-');
		snprintf(fx->db, sizeof(fx->db), "m2t_%s", suffix ? suffix + 1 : "x");
		for (char *p = fx->db; *p; p++)
			*p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
		char sql[128];
		snprintf(sql, sizeof(sql), "CREATE DATABASE %s", fx->db);
		if (fx_pg_exec(NULL, sql) != 0)
			abort();
		fx_pg_uri(fx->db, fx->path, sizeof(fx->path));
	}
}

bool fx_pg(void)
{
	const char *b = getenv("M2_STORE_BACKEND");
	return b && strcmp(b, "postgresql") == 0;
}

void fx_pg_uri(const char *db, char *out, size_t n)
{
	const char *dir = getenv("M2_PG_DIR"), *port = getenv("M2_PG_PORT");
	if (!dir || !port) {
		fprintf(stderr,
			"store_fixture: M2_PG_DIR and M2_PG_PORT unset: run under test/pg/pg_cluster.sh\n");
		abort();
	}
	snprintf(out, n, "postgresql:///%s?host=%s&port=%s&user=postgres", db, dir, port);
}

int fx_pg_exec(const char *db, const char *sql)
{
	char uri[320];
	fx_pg_uri(db ? db : "postgres", uri, sizeof(uri));
	PGconn *c = PQconnectdb(uri);
	int rc = -1;
	if (PQstatus(c) == CONNECTION_OK) {
		PGresult *r = PQexec(c, sql);
		rc = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK ? 0 : -1;
		if (rc)
			fprintf(stderr, "store_fixture: %s: %s", sql, PQerrorMessage(c));
		PQclear(r);
	} else {
		fprintf(stderr, "store_fixture: %s", PQerrorMessage(c));
	}
	PQfinish(c);
	return rc;
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void fx_teardown(struct store_fx *fx)
{
	if (fx->pg) {
		char sql[128];
		snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", fx->db);
		fx_pg_exec(NULL, sql);
	}
	chmod(fx->dir, 0700);
	nftw(fx->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

int fx_open_cfg(const struct store_open_cfg *cfg, struct store **out)
{
	return store_open(cfg, out);
}

int fx_open(struct store_fx *fx, enum store_kind kind, bool read_only, struct store **out)
{
	struct store_open_cfg cfg = {.path = fx->path, .kind = kind, .read_only = read_only};
	return store_open(&cfg, out);
}

void fx_capture_begin(struct store_fx *fx)
{
	fflush(stderr);
	snprintf(fx->log_path, sizeof(fx->log_path), "%s.stderr", fx->dir);
	int fd = open(fx->log_path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
	if (fd < 0)
		abort();
	fx->saved_stderr = dup(2);
	dup2(fd, 2);
	close(fd);
}

void fx_capture_end(struct store_fx *fx)
{
	fflush(stderr);
	dup2(fx->saved_stderr, 2);
	close(fx->saved_stderr);
	fx->saved_stderr = -1;
	FILE *f = fopen(fx->log_path, "r");
	size_t n = f ? fread(fx->log, 1, sizeof(fx->log) - 1, f) : 0;
	fx->log[n] = '\0';
	if (f)
		fclose(f);
	unlink(fx->log_path);
	fputs(fx->log, stderr); /* still shown with the test's output */
}

void fx_file(const struct store_fx *fx, const char *name, char *out, size_t n)
{
	snprintf(out, n, "%s/%s", fx->dir, name);
}
