/* The PostgreSQL backend's jobs as data: a list of statements, each with its parameters as
 * owned text (integers in decimal, booleans as t/f, bytea as \\x and hex), built by the calls
 * and freed once the job has finished. */
#include "store_pg.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *store_pg_job_new(size_t size, const char *op, pg_result_fn on_result, pg_finish_fn finish)
{
	struct pg_job *j = calloc(1, size);
	if (!j)
		return NULL;
	j->op = op;
	j->on_result = on_result;
	j->finish = finish;
	return j;
}

struct pg_stmt *store_pg_stmt(struct pg_job *j, const char *sql)
{
	if (j->n_stmts == j->cap) {
		size_t cap = j->cap ? 2 * j->cap : 4;
		struct pg_stmt *p = realloc(j->stmts, cap * sizeof(*p));
		if (!p) {
			j->alloc_err = -ENOMEM;
			memset(&j->sink, 0, sizeof(j->sink));
			return &j->sink;
		}
		j->stmts = p;
		j->cap = cap;
	}
	struct pg_stmt *st = &j->stmts[j->n_stmts++];
	memset(st, 0, sizeof(*st));
	st->sql = sql;
	return st;
}

static void p_own(struct pg_job *j, struct pg_stmt *st, char *v, bool null)
{
	if (st->n >= PG_PARAMS_MAX || (!v && !null)) {
		free(v);
		j->alloc_err = st->n >= PG_PARAMS_MAX ? -E2BIG : -ENOMEM;
		return;
	}
	st->v[st->n++] = v;
}

struct pg_stmt *store_pg_stmt_owned(struct pg_job *j, char *sql)
{
	if (!sql) {
		j->alloc_err = -ENOMEM;
		return &j->sink;
	}
	struct pg_stmt *st = store_pg_stmt(j, sql);
	if (st == &j->sink)
		free(sql);
	else
		st->owned = sql;
	return st;
}

void store_pg_p_text(struct pg_job *j, struct pg_stmt *st, const char *text)
{
	p_own(j, st, strdup(text ? text : ""), false);
}

void store_pg_p_null(struct pg_job *j, struct pg_stmt *st)
{
	p_own(j, st, NULL, true);
}

void store_pg_p_int(struct pg_job *j, struct pg_stmt *st, int64_t v)
{
	char b[24];
	snprintf(b, sizeof(b), "%lld", (long long)v);
	store_pg_p_text(j, st, b);
}

void store_pg_p_uint(struct pg_job *j, struct pg_stmt *st, uint64_t v)
{
	char b[24];
	snprintf(b, sizeof(b), "%llu", (unsigned long long)v);
	store_pg_p_text(j, st, b);
}

void store_pg_p_bool(struct pg_job *j, struct pg_stmt *st, bool v)
{
	store_pg_p_text(j, st, v ? "t" : "f");
}

void store_pg_p_bytea(struct pg_job *j, struct pg_stmt *st, const void *data, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char *v = malloc(2 * n + 3);
	if (v) {
		const uint8_t *p = data;
		v[0] = '\\';
		v[1] = 'x';
		for (size_t i = 0; i < n; i++) {
			v[2 + 2 * i] = hex[p[i] >> 4];
			v[3 + 2 * i] = hex[p[i] & 15];
		}
		v[2 + 2 * n] = '\0';
	}
	p_own(j, st, v, false);
}

void store_pg_job_free(struct pg_job *j)
{
	if (!j)
		return;
	for (size_t i = 0; i < j->n_stmts; i++) {
		for (int k = 0; k < j->stmts[i].n; k++)
			free(j->stmts[i].v[k]);
		free(j->stmts[i].owned);
	}
	free(j->stmts);
	free(j);
}
