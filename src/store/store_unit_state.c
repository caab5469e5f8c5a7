/* The unit's state that survives a restart, in SQLite: named blobs with their layout (the
 * alarm channels, the base's replay window; the base's counters use the same table), the
 * settings changed by SMS, and PIN failures with their lockouts. */
#include "store_sqlite.h"
#include "store_unit.h"

#include "log.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

int store_sq_blob_save(struct store_sqlite *q, const char *name, uint32_t version, const void *data,
		       size_t size)
{
	if (size == 0 || size > STORE_BLOB_MAX)
		return -EMSGSIZE;
	sqlite3_stmt *st;
	int err = store_sq_begin(q, "blob_save");
	if (!err)
		err = store_sq_stmt(q,
				    "INSERT INTO blobs(name, version, data) VALUES(?, ?, ?) ON CONFLICT(name)"
				    " DO UPDATE SET version = excluded.version, data = excluded.data",
				    &st);
	if (!err) {
		store_sq_bind_text(st, 1, name);
		sqlite3_bind_int64(st, 2, version);
		sqlite3_bind_blob(st, 3, data, (int)size, SQLITE_TRANSIENT);
		err = store_sq_step_done(q, st, "blob_save");
	}
	return store_sq_end(q, err, "blob_save");
}

int store_sq_blob_load(struct store_sqlite *q, const char *name, uint32_t version, void *data, size_t size)
{
	sqlite3_stmt *st;
	int err = store_sq_stmt(q, "SELECT version, data FROM blobs WHERE name = ?", &st);
	if (err)
		return err;
	store_sq_bind_text(st, 1, name);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(st);
		return -ENOENT;
	}
	if (rc != SQLITE_ROW) {
		err = store_sq_fail(q, rc, "blob_load");
		sqlite3_reset(st);
		return err;
	}
	int64_t saved_version = sqlite3_column_int64(st, 0);
	const void *blob = sqlite3_column_blob(st, 1);
	size_t saved_size = (size_t)sqlite3_column_bytes(st, 1);
	if (saved_version == version && saved_size == size && blob) {
		memcpy(data, blob, size);
	} else {
		log_warn("store",
			 "event=state_layout_changed file=\"%s\" name=%s saved_version=%lld saved_size=%zu "
			 "version=%u "
			 "size=%zu hint=\"saved by another build of m2mon: this state starts afresh\"",
			 q->pub.path, name, (long long)saved_version, saved_size, version, size);
		err = -ESTALE;
	}
	sqlite3_reset(st);
	return err;
}

static void channel_blob_name(unsigned index, char *out, size_t n)
{
	snprintf(out, n, "channel.%u", index);
}

int store_unit_channel_save(struct store *s, unsigned index, uint32_t version, const void *state, size_t size)
{
	assert(s->kind == STORE_KIND_UNIT && !s->read_only);
	char name[24];
	channel_blob_name(index, name, sizeof(name));
	return store_sq_blob_save(sq_of(s), name, version, state, size);
}

int store_unit_channel_load(struct store *s, unsigned index, uint32_t version, void *state, size_t size)
{
	assert(s->kind == STORE_KIND_UNIT);
	char name[24];
	channel_blob_name(index, name, sizeof(name));
	return store_sq_blob_load(sq_of(s), name, version, state, size);
}

int store_unit_replay_save(struct store *s, uint32_t version, const void *window, size_t size)
{
	assert(s->kind == STORE_KIND_UNIT && !s->read_only);
	return store_sq_blob_save(sq_of(s), "replay", version, window, size);
}

int store_unit_replay_load(struct store *s, uint32_t version, void *window, size_t size)
{
	assert(s->kind == STORE_KIND_UNIT);
	return store_sq_blob_load(sq_of(s), "replay", version, window, size);
}

/* ---- settings ---- */

/* Runs one statement in a transaction of its own; `bind` fills its parameters. */
static int one_write(struct store_sqlite *q, const char *sql, const char *op,
		     void (*bind)(sqlite3_stmt *st, const void *arg), const void *arg)
{
	sqlite3_stmt *st;
	int err = store_sq_begin(q, op);
	if (!err)
		err = store_sq_stmt(q, sql, &st);
	if (!err) {
		bind(st, arg);
		err = store_sq_step_done(q, st, op);
	}
	return store_sq_end(q, err, op);
}

static void bind_setting(sqlite3_stmt *st, const void *arg)
{
	const struct store_unit_setting *set = arg;
	store_sq_bind_text(st, 1, set->name);
	sqlite3_bind_int64(st, 2, set->value);
	store_sq_bind_text(st, 3, set->text);
	sqlite3_bind_int64(st, 4, set->changed_ms);
	store_sq_bind_text(st, 5, set->changed_by);
}

static void bind_name(sqlite3_stmt *st, const void *arg)
{
	store_sq_bind_text(st, 1, arg);
}

int store_unit_setting_put(struct store *s, const struct store_unit_setting *set)
{
	assert(s->kind == STORE_KIND_UNIT && !s->read_only);
	if (!set->name[0])
		return -EINVAL;
	if (store_sq_fits(set->name, sizeof(set->name)) || store_sq_fits(set->text, sizeof(set->text)) ||
	    store_sq_fits(set->changed_by, sizeof(set->changed_by)))
		return -EMSGSIZE;
	return one_write(
		sq_of(s),
		"INSERT INTO settings(name, value, text, changed_ms, changed_by) VALUES(?, ?, ?, ?, ?)"
		" ON CONFLICT(name) DO UPDATE SET value = excluded.value, text = excluded.text,"
		" changed_ms = excluded.changed_ms, changed_by = excluded.changed_by",
		"setting_put", bind_setting, set);
}

static void setting_row(sqlite3_stmt *st, struct store_unit_setting *out)
{
	store_sq_col_text(st, 0, out->name, sizeof(out->name));
	out->value = sqlite3_column_int64(st, 1);
	store_sq_col_text(st, 2, out->text, sizeof(out->text));
	out->changed_ms = sqlite3_column_int64(st, 3);
	store_sq_col_text(st, 4, out->changed_by, sizeof(out->changed_by));
}

#define SETTING_COLS "name, value, text, changed_ms, changed_by"

int store_unit_setting_get(struct store *s, const char *name, struct store_unit_setting *out)
{
	assert(s->kind == STORE_KIND_UNIT);
	struct store_sqlite *q = sq_of(s);
	sqlite3_stmt *st;
	int err = store_sq_stmt(q, "SELECT " SETTING_COLS " FROM settings WHERE name = ?", &st);
	if (err)
		return err;
	store_sq_bind_text(st, 1, name);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		setting_row(st, out);
	err = rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? -ENOENT : store_sq_fail(q, rc, "setting_get");
	sqlite3_reset(st);
	return err;
}

int store_unit_setting_list(struct store *s, struct store_unit_setting *out, size_t max, size_t *n)
{
	assert(s->kind == STORE_KIND_UNIT);
	struct store_sqlite *q = sq_of(s);
	sqlite3_stmt *st;
	*n = 0;
	int err = store_sq_stmt(q, "SELECT " SETTING_COLS " FROM settings ORDER BY name", &st);
	if (err)
		return err;
	int rc = SQLITE_DONE;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n < max)
			setting_row(st, &out[*n]);
		(*n)++;
	}
	err = rc == SQLITE_DONE ? 0 : store_sq_fail(q, rc, "setting_list");
	sqlite3_reset(st);
	return err;
}

int store_unit_setting_delete(struct store *s, const char *name)
{
	assert(s->kind == STORE_KIND_UNIT && !s->read_only);
	return one_write(sq_of(s), "DELETE FROM settings WHERE name = ?", "setting_delete", bind_name, name);
}

/* ---- PIN failures ---- */

static void bind_pin(sqlite3_stmt *st, const void *arg)
{
	const struct store_pin_state *p = arg;
	store_sq_bind_text(st, 1, p->number);
	sqlite3_bind_int64(st, 2, p->failures);
	sqlite3_bind_int64(st, 3, p->last_failure_ms);
	sqlite3_bind_int64(st, 4, p->locked_until_ms);
}

int store_unit_pin_put(struct store *s, const struct store_pin_state *st)
{
	assert(s->kind == STORE_KIND_UNIT && !s->read_only);
	if (!st->number[0])
		return -EINVAL;
	if (store_sq_fits(st->number, sizeof(st->number)))
		return -EMSGSIZE;
	return one_write(
		sq_of(s),
		"INSERT INTO pins(number, failures, last_failure_ms, locked_until_ms) VALUES(?, ?, ?, ?)"
		" ON CONFLICT(number) DO UPDATE SET failures = excluded.failures,"
		" last_failure_ms = excluded.last_failure_ms, locked_until_ms = excluded.locked_until_ms",
		"pin_put", bind_pin, st);
}

int store_unit_pin_get(struct store *s, const char *number, struct store_pin_state *out)
{
	assert(s->kind == STORE_KIND_UNIT);
	struct store_sqlite *q = sq_of(s);
	sqlite3_stmt *st;
	int err = store_sq_stmt(
		q, "SELECT number, failures, last_failure_ms, locked_until_ms FROM pins WHERE number = ?",
		&st);
	if (err)
		return err;
	store_sq_bind_text(st, 1, number);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		store_sq_col_text(st, 0, out->number, sizeof(out->number));
		out->failures = (uint32_t)sqlite3_column_int64(st, 1);
		out->last_failure_ms = sqlite3_column_int64(st, 2);
		out->locked_until_ms = sqlite3_column_int64(st, 3);
	}
	err = rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? -ENOENT : store_sq_fail(q, rc, "pin_get");
	sqlite3_reset(st);
	return err;
}

int store_unit_pin_clear(struct store *s, const char *number)
{
	assert(s->kind == STORE_KIND_UNIT && !s->read_only);
	return one_write(sq_of(s), "DELETE FROM pins WHERE number = ?", "pin_clear", bind_name, number);
}
