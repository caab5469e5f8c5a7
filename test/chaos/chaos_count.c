/* The chaos runner's counts, read from what the parts left behind: the network's record of
 * every SMS (DIR/sms.jsonl), the base's outbox (its SQLite file: which rows were sent again
 * marked possibly_duplicate) and the stores' own integrity check. */
#include "chaos.h"

#include "store.h"

#include <jansson.h>
#include <sqlite3.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void chaos_dues(int id, struct chaos_due out[CHAOS_DUES])
{
	static const char *const to[CHAOS_DUES] = {IT_ALICE, IT_BOB,   IT_CAROL, IT_BOB,  IT_ALICE,
						   IT_CAROL, IT_ALICE, IT_BOB,   IT_CAROL};
	for (int i = 0; i < CHAOS_DUES; i++) {
		out[i].to = to[i];
		static const char *const and[CHAOS_DUES] = {
			NULL, NULL, NULL, "acknowledged by you", "acknowledged by Bob", "acknowledged by Bob",
			NULL, NULL, NULL};
		out[i].and = and[i];
		if (i < 3)
			snprintf(out[i].needle, sizeof(out[i].needle), "ALARM #%d WH1/T1", id);
		else if (i < 6)
			snprintf(out[i].needle, sizeof(out[i].needle), ": #%d WH1/T1", id);
		else
			snprintf(out[i].needle, sizeof(out[i].needle), "CLEARED #%d WH1/T1", id);
	}
}

/* One SMS of the record. */
struct rec {
	char from[32], to[32], status[16];
	char *text;
	bool net_copy; /* the network's duplicate */
};

struct recs {
	struct rec *r;
	size_t n;
};

static bool has_fault(json_t *faults, const char *name)
{
	size_t i;
	json_t *f;
	json_array_foreach(faults, i, f)
	{
		if (json_is_string(f) && strcmp(json_string_value(f), name) == 0)
			return true;
	}
	return false;
}

static void load(const struct it_base *b, struct recs *rs)
{
	char path[400];
	snprintf(path, sizeof(path), "%s/sms.jsonl", b->sim->dir);
	rs->r = NULL;
	rs->n = 0;
	FILE *f = fopen(path, "r");
	char line[8192];
	size_t cap = 0;
	while (f && fgets(line, sizeof(line), f)) {
		json_t *o = json_loads(line, 0, NULL);
		const char *t = json_string_value(json_object_get(o, "type"));
		const char *from = json_string_value(json_object_get(o, "from"));
		const char *to = json_string_value(json_object_get(o, "to"));
		const char *st = json_string_value(json_object_get(o, "status"));
		const char *text = json_string_value(json_object_get(o, "text"));
		if (t && from && to && st && text && strcmp(t, "sms") == 0) {
			if (rs->n == cap) {
				cap = cap ? 2 * cap : 256;
				rs->r = realloc(rs->r, cap * sizeof(*rs->r));
			}
			struct rec *r = &rs->r[rs->n++];
			snprintf(r->from, sizeof(r->from), "%s", from);
			snprintf(r->to, sizeof(r->to), "%s", to);
			snprintf(r->status, sizeof(r->status), "%s", st);
			r->text = strdup(text);
			r->net_copy = has_fault(json_object_get(o, "faults"), "duplicate");
		}
		json_decref(o);
	}
	if (f)
		fclose(f);
}

static void unload(struct recs *rs)
{
	for (size_t i = 0; i < rs->n; i++)
		free(rs->r[i].text);
	free(rs->r);
}

static bool is_base_text(const struct rec *r)
{
	return strcmp(r->from, IT_BASE_NUMBER) == 0 && strcmp(r->to, IT_WH1_NUMBER) != 0;
}

static bool met(const struct recs *rs, const struct chaos_due *d)
{
	for (size_t i = 0; i < rs->n; i++)
		if (is_base_text(&rs->r[i]) && strcmp(rs->r[i].to, d->to) == 0 &&
		    strcmp(rs->r[i].status, "delivered") == 0 && strstr(rs->r[i].text, d->needle) &&
		    (!d->and || strstr(rs->r[i].text, d->and)))
			return true;
	return false;
}

bool chaos_due_met(const struct it_base *b, const struct chaos_due *due)
{
	struct recs rs;
	load(b, &rs);
	bool m = met(&rs, due);
	unload(&rs);
	return m;
}

/* The outbox's rows for (dest, text), and the copies it allows beyond one per row: each row
 * resent marked possibly_duplicate may have reached the phone once per claim. */
static void outbox_rows(sqlite3 *db, const char *dest, const char *text, int *rows, int *marked)
{
	sqlite3_stmt *st = NULL;
	*rows = 1;
	*marked = 0;
	if (db &&
	    sqlite3_prepare_v2(db,
			       "SELECT count(*), coalesce(sum(CASE WHEN possibly_duplicate = 1 THEN"
			       " attempts - 1 ELSE 0 END), 0) FROM outbox WHERE dest = ?1 AND text = ?2",
			       -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, dest, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW) {
			*rows = sqlite3_column_int(st, 0) > 0 ? sqlite3_column_int(st, 0) : 1;
			*marked = sqlite3_column_int(st, 1);
		}
	}
	sqlite3_finalize(st);
}

/* Duplicates of the base's texts: each (phone, text) delivered more often than the outbox
 * has rows for it (a person who sends ACK twice gets two answers: two rows). */
static void duplicates(const struct it_base *b, const struct recs *rs, struct chaos_counts *c)
{
	sqlite3 *db = NULL;
	if (sqlite3_open_v2(b->db, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		sqlite3_close(db);
		db = NULL;
	}
	bool *seen = calloc(rs->n + 1, sizeof(*seen));
	for (size_t i = 0; i < rs->n; i++) {
		const struct rec *r = &rs->r[i];
		if (seen[i] || !is_base_text(r) || strcmp(r->status, "delivered") != 0)
			continue;
		int copies = 0, net = 0;
		for (size_t j = i; j < rs->n; j++) {
			const struct rec *q = &rs->r[j];
			if (seen[j] || strcmp(q->status, "delivered") != 0 || strcmp(q->to, r->to) != 0 ||
			    strcmp(q->from, r->from) != 0 || strcmp(q->text, r->text) != 0)
				continue;
			seen[j] = true;
			copies++;
			net += q->net_copy;
		}
		int rows, allowed;
		if (copies < 2)
			continue;
		outbox_rows(db, r->to, r->text, &rows, &allowed);
		if (copies <= rows)
			continue;
		int extra = copies - rows;
		int by_net = net < extra ? net : extra;
		int by_mark = extra - by_net < allowed ? extra - by_net : allowed;
		c->duplicated += extra;
		c->dup_network += by_net;
		c->dup_marked += by_mark;
		c->dup_beyond += extra - by_net - by_mark;
		if (extra - by_net - by_mark > 0)
			printf("  duplicate beyond the outbox's marks: %dx to %s: %s\n", copies, r->to,
			       r->text);
	}
	free(seen);
	sqlite3_close(db);
}

int chaos_incident_after(const struct it_base *b, int after)
{
	struct recs rs;
	load(b, &rs);
	int best = 0;
	for (size_t i = 0; i < rs.n; i++) {
		const char *at = strstr(rs.r[i].text, "ALARM #");
		if (!is_base_text(&rs.r[i]) || !at)
			continue;
		char *end = NULL;
		long id = strtol(at + strlen("ALARM #"), &end, 10);
		if (end && strncmp(end, " WH1/T1", 7) == 0 && id > after && (!best || id < best))
			best = (int)id;
	}
	unload(&rs);
	return best;
}

void chaos_count(const struct it_base *b, const int *ids, int n, struct chaos_counts *c)
{
	struct recs rs;
	load(b, &rs);
	for (int k = 0; k < n; k++) {
		struct chaos_due d[CHAOS_DUES];
		chaos_dues(ids[k] > 0 ? ids[k] : 1000000 + k, d);
		for (int i = 0; i < CHAOS_DUES; i++) {
			c->expected++;
			if (met(&rs, &d[i])) {
				c->delivered++;
			} else {
				c->lost++;
				printf("  lost: %s never got \"%s\"\n", d[i].to, d[i].needle);
			}
		}
	}
	for (size_t i = 0; i < rs.n; i++)
		c->net_lost += is_base_text(&rs.r[i]) && strcmp(rs.r[i].status, "lost") == 0;
	duplicates(b, &rs, c);
	unload(&rs);
}

int chaos_unit_alarms(const struct it_base *b)
{
	struct recs rs;
	load(b, &rs);
	uint32_t seqs[256];
	int n = 0;
	for (size_t i = 0; i < rs.n; i++) {
		struct proto_head h;
		if (strcmp(rs.r[i].from, IT_WH1_NUMBER) != 0 ||
		    proto_peek(rs.r[i].text, strlen(rs.r[i].text), &h, NULL) != 0 ||
		    h.kind != PROTO_KIND_ALARM)
			continue;
		bool dup = false;
		for (int j = 0; j < n && !dup; j++)
			dup = seqs[j] == h.seq;
		if (!dup && n < 256)
			seqs[n++] = h.seq;
	}
	unload(&rs);
	return n;
}

bool chaos_integrity(const char *path, bool base)
{
	struct store_open_cfg cfg = {.path = path, .kind = base ? STORE_KIND_BASE : STORE_KIND_UNIT};
	struct store *s = NULL;
	int rc = store_open(&cfg, &s);
	char detail[256] = "";
	if (rc == 0)
		rc = store_integrity_check(s, detail, sizeof(detail));
	store_close(s);
	if (rc != 0)
		printf("  integrity_check %s: %s %s\n", path, store_strerror(rc), detail);
	return rc == 0;
}
