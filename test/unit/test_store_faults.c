/* The store when things go wrong, on real files: an old database is migrated with its data,
 * a newer, corrupt, foreign or unreachable one is refused with an error naming the file, a
 * locked one and a full disk fail cleanly and keep nothing partial, and a process killed in
 * the middle of the batch step leaves all of it or none, with the file intact. The test
 * reaches under the store with SQLite itself only to make the files the store must refuse. */
#include "store_backend.h"
#include "store_base.h"
#include "store_fixture.h"
#include "store_unit.h"
#include "store_view.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#define T0 1764000000000LL

static int setup(void **state)
{
	static struct store_fx fx;
	fx_setup(&fx, "test.db");
	*state = &fx;
	return 0;
}

static int teardown(void **state)
{
	fx_teardown(*state);
	return 0;
}

static void raw_exec(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static struct store_unit_msg umsg(uint32_t seq, const char *text)
{
	struct store_unit_msg m = {.seq = seq, .kind = 1, .created_ms = T0, .next_ms = T0};
	snprintf(m.dest, sizeof(m.dest), "+15550001000");
	snprintf(m.text, sizeof(m.text), "%s", text);
	return m;
}

static void on_done(void *ud, int result, int64_t id)
{
	(void)id;
	*(int *)ud = result;
}

/* ---- migrations ---- */

static void a_schema_1_unit_database_is_migrated_with_its_data(void **state)
{
	struct store_fx *fx = *state;
	struct store_open_cfg cfg = {.path = fx->path, .kind = STORE_KIND_UNIT, .migrate_to = 1};
	struct store *s = NULL;
	assert_int_equal(store_open(&cfg, &s), 0);
	assert_int_equal(store_schema_version(s), 1);
	struct store_unit_reading r = {.channel = 1, .t_ms = T0, .temp_c10 = 33};
	assert_int_equal(store_unit_readings_add(s, &r, 1), 0);
	struct store_unit_msg m = umsg(1, "made under schema 1");
	assert_int_equal(store_unit_outbox_add(s, &m), 0);
	uint32_t seq = 0;
	assert_int_equal(store_unit_seq_next(s, &seq), 0);
	store_close(s);

	cfg.migrate_to = 0;
	assert_int_equal(store_open(&cfg, &s), 0);
	assert_int_equal(store_schema_version(s), store_schema_latest(STORE_KIND_UNIT));
	struct store_unit_reading out[2];
	size_t n = 0;
	assert_int_equal(store_unit_readings_pending(s, 0, out, 2, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(out[0].temp_c10, 33);
	struct store_unit_msg all[2];
	assert_int_equal(store_unit_outbox_list(s, 0, all, 2, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(all[0].text, "made under schema 1");
	assert_int_equal(store_unit_seq_next(s, &seq), 0);
	assert_int_equal(seq, STORE_SEQ_BLOCK + 1);
	/* What schema 2 added works on the migrated file. */
	struct store_pin_state pin = {.number = "+15550009999", .failures = 1};
	assert_int_equal(store_unit_pin_put(s, &pin), 0);
	/* And what schema 3 added. */
	uint8_t key[STORE_DEDUP_KEY_LEN];
	store_dedup_key("07AB", "+15550009999", T0, key);
	assert_int_equal(store_unit_handled_add(s, key, T0), 0);
	assert_int_equal(store_unit_handled_has(s, key), 1);
	struct store_unit_read rd = {.base = true, .cmd_id = 7, .channel = -1, .asked_ms = T0};
	assert_int_equal(store_unit_read_add(s, &rd), 0);
	assert_int_equal(store_integrity_check(s, NULL, 0), 0);
	store_close(s);
}

static int count_reading(void *ud, const struct store_reading *r)
{
	(void)r;
	(*(int *)ud)++;
	return 0;
}

static void a_schema_1_base_database_is_migrated_with_its_data(void **state)
{
	struct store_fx *fx = *state;
	struct store_open_cfg cfg = {.path = fx->path, .kind = STORE_KIND_BASE, .migrate_to = 1};
	struct store *s = NULL;
	assert_int_equal(store_open(&cfg, &s), 0);
	struct store_inbox_sms sms = {
		.pdu_hex = "0011", .sender = "+15550002001", .scts_ms = T0, .total = 1, .part = 1};
	int rc = 99;
	store_base_inbox_add(s, &sms, on_done, &rc);
	assert_int_equal(rc, 0);
	struct store_reading rd = {.unit = "WH1", .channel = "T1", .t_ms = T0, .temp_c10 = 41};
	store_base_write(s, &(struct store_base_batch){.readings = &rd, .n_readings = 1}, on_done, &rc);
	assert_int_equal(rc, 0);
	store_close(s);

	cfg.migrate_to = 0;
	assert_int_equal(store_open(&cfg, &s), 0);
	assert_int_equal(store_schema_version(s), store_schema_latest(STORE_KIND_BASE));
	store_base_inbox_add(s, &sms, on_done, &rc);
	assert_int_equal(rc, STORE_DUPLICATE);
	int n = 0;
	assert_int_equal(store_view_history(s, "WH1", "T1", 0, 0, count_reading, &n), 0);
	assert_int_equal(n, 1);
	struct store_incident inc = {.id = 1, .state = "open", .unit = "WH1", .kind = "high", .channel = -1};
	store_base_write(s,
			 &(struct store_base_batch){
				 .engine = &(struct store_engine_state){.incidents = &inc, .n_incidents = 1}},
			 on_done, &rc);
	assert_int_equal(rc, 0);
	store_close(s);
}

/* ---- databases that are refused ---- */

static void expect_refused(struct store_fx *fx, enum store_kind kind, bool read_only, int want,
			   const char *says)
{
	struct store *s = (struct store *)1;
	fx_capture_begin(fx);
	int rc = fx_open(fx, kind, read_only, &s);
	fx_capture_end(fx);
	assert_int_equal(rc, want);
	assert_null(s);
	assert_non_null(strstr(fx->log, fx->path)); /* names the file */
	assert_non_null(strstr(fx->log, "hint="));  /* and what to do */
	assert_non_null(strstr(fx->log, says));
}

static void a_database_from_a_newer_m2mon_is_refused(void **state)
{
	struct store_fx *fx = *state;
	struct store *s = NULL;
	assert_int_equal(fx_open(fx, STORE_KIND_UNIT, false, &s), 0);
	store_close(s);
	char sql[64];
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", store_schema_latest(STORE_KIND_UNIT) + 1);
	raw_exec(fx->path, sql);
	expect_refused(fx, STORE_KIND_UNIT, false, -ENOTSUP, "newer m2mon");
	expect_refused(fx, STORE_KIND_UNIT, true, -ENOTSUP, "newer m2mon");
}

static void a_file_that_is_not_a_database_is_refused(void **state)
{
	struct store_fx *fx = *state;
	FILE *f = fopen(fx->path, "w");
	assert_non_null(f);
	for (int i = 0; i < 200; i++)
		fputs("this is a configuration file, not a database\n", f);
	fclose(f);
	expect_refused(fx, STORE_KIND_BASE, false, -EUCLEAN, "corrupt or not a database");
}

static void a_damaged_database_fails_its_integrity_check(void **state)
{
	struct store_fx *fx = *state;
	struct store *s = NULL;
	assert_int_equal(fx_open(fx, STORE_KIND_BASE, false, &s), 0);
	struct store_reading rd[200];
	for (int i = 0; i < 200; i++)
		rd[i] = (struct store_reading){
			.unit = "WH1", .channel = "T1", .t_ms = T0 + i * 600000, .temp_c10 = i};
	int rc = 99;
	store_base_write(s, &(struct store_base_batch){.readings = rd, .n_readings = 200}, on_done, &rc);
	assert_int_equal(rc, 0);
	store_close(s); /* the last close checkpoints the WAL into the file */
	/* Scribble over the pages after the first. */
	int fd = open(fx->path, O_WRONLY);
	assert_true(fd >= 0);
	static char junk[4096 * 4];
	memset(junk, 0x5A, sizeof(junk));
	assert_int_equal(pwrite(fd, junk, sizeof(junk), 4096), (ssize_t)sizeof(junk));
	close(fd);
	int open_rc = fx_open(fx, STORE_KIND_BASE, false, &s);
	if (open_rc == 0) {
		char detail[128];
		fx_capture_begin(fx);
		rc = store_integrity_check(s, detail, sizeof(detail));
		fx_capture_end(fx);
		assert_int_equal(rc, -EUCLEAN);
		assert_true(detail[0] != '\0');
		assert_non_null(strstr(fx->log, fx->path));
		store_close(s);
	} else {
		assert_int_equal(open_rc, -EUCLEAN);
	}
}

static void another_kind_of_database_is_refused(void **state)
{
	struct store_fx *fx = *state;
	struct store *s = NULL;
	assert_int_equal(fx_open(fx, STORE_KIND_UNIT, false, &s), 0);
	store_close(s);
	expect_refused(fx, STORE_KIND_BASE, false, -EMEDIUMTYPE, "not a base one");
	unlink(fx->path);
	raw_exec(fx->path, "CREATE TABLE contacts(name TEXT)");
	expect_refused(fx, STORE_KIND_UNIT, false, -EMEDIUMTYPE, "another program");
}

static void a_directory_that_cannot_be_written_is_an_error(void **state)
{
	struct store_fx *fx = *state;
	if (geteuid() == 0) {
		/* root writes in any directory whatever its mode; /proc takes no files from anyone. */
		snprintf(fx->path, sizeof(fx->path), "/proc/m2store-test-%d.db", (int)getpid());
	} else {
		fx_file(fx, "ro", fx->path, sizeof(fx->path));
		assert_int_equal(mkdir(fx->path, 0555), 0);
		strcat(fx->path, "/test.db");
	}
	struct store *s = (struct store *)1;
	fx_capture_begin(fx);
	int rc = fx_open(fx, STORE_KIND_BASE, false, &s);
	fx_capture_end(fx);
	assert_true(rc == -EACCES || rc == -EROFS || rc == -ENOENT);
	assert_null(s);
	assert_non_null(strstr(fx->log, fx->path));
	assert_non_null(strstr(fx->log, "writable"));
}

static void the_tools_do_not_create_or_upgrade_a_database(void **state)
{
	struct store_fx *fx = *state;
	struct store *s = (struct store *)1;
	fx_capture_begin(fx);
	int rc = fx_open(fx, STORE_KIND_BASE, true, &s);
	fx_capture_end(fx);
	assert_int_equal(rc, -ENOENT);
	assert_null(s);
	assert_int_equal(access(fx->path, F_OK), -1);
	struct store_open_cfg cfg = {.path = fx->path, .kind = STORE_KIND_BASE, .migrate_to = 1};
	assert_int_equal(store_open(&cfg, &s), 0);
	store_close(s);
	expect_refused(fx, STORE_KIND_BASE, true, -ESTALE, "start the daemon once");
}

/* ---- a locked database, a full disk ---- */

static void a_database_locked_by_another_writer_is_busy(void **state)
{
	struct store_fx *fx = *state;
	struct store *a = NULL, *b = NULL;
	assert_int_equal(fx_open(fx, STORE_KIND_UNIT, false, &a), 0);
	struct store_open_cfg cfg = {.path = fx->path, .kind = STORE_KIND_UNIT, .busy_timeout_ms = 20};
	assert_int_equal(store_open(&cfg, &b), 0);
	assert_int_equal(store_unit_begin(a), 0);
	struct store_unit_reading r = {.channel = 0, .t_ms = T0, .temp_c10 = 1};
	assert_int_equal(store_unit_readings_add(a, &r, 1), 0);
	fx_capture_begin(fx);
	int rc = store_unit_readings_add(b, &r, 1);
	fx_capture_end(fx);
	assert_int_equal(rc, -EBUSY);
	assert_non_null(strstr(fx->log, "no second daemon"));
	/* A reader is not blocked by the writer (WAL). */
	uint64_t n = 9;
	assert_int_equal(store_unit_readings_count(b, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(store_unit_commit(a), 0);
	assert_int_equal(store_unit_readings_add(b, &r, 1), 0);
	assert_int_equal(store_unit_readings_count(b, &n), 0);
	assert_int_equal(n, 2);
	store_close(a);
	store_close(b);
}

static void add_readings(struct store *s, int n, int64_t *ids)
{
	for (int i = 0; i < n; i++) {
		struct store_unit_reading r = {
			.channel = (uint8_t)(i % 4), .t_ms = T0 + i * 60000, .temp_c10 = i};
		assert_int_equal(store_unit_readings_add(s, &r, 1), 0);
		ids[i] = r.id;
	}
}

/* The database holds either all the readings and no batch message, or no readings and the
 * message: never a mixture. Returns true for the second. */
static bool batch_all_or_nothing(struct store *s, int n_readings)
{
	uint64_t left = 0;
	assert_int_equal(store_unit_readings_count(s, &left), 0);
	struct store_unit_msg all[2];
	size_t n = 0;
	assert_int_equal(store_unit_outbox_list(s, 0, all, 2, &n), 0);
	if (n == 0) {
		assert_int_equal(left, (uint64_t)n_readings);
		return false;
	}
	assert_int_equal(n, 1);
	assert_int_equal(left, 0);
	assert_string_equal(all[0].text, "WH1 B batch");
	return true;
}

static void a_full_disk_fails_the_batch_and_keeps_nothing_partial(void **state)
{
	struct store_fx *fx = *state;
	struct store_fault fault = {.action = STORE_FAULT_NONE};
	struct store_open_cfg cfg = {.path = fx->path, .kind = STORE_KIND_UNIT, .fault = &fault};
	struct store *s = NULL;
	assert_int_equal(store_open(&cfg, &s), 0);
	int64_t ids[24];
	add_readings(s, 24, ids);
	bool failed_once = false;
	for (uint64_t after = 0; after < 1000; after++) {
		fault = (struct store_fault){.action = STORE_FAULT_FULL, .after = after};
		struct store_unit_msg m = umsg(1, "WH1 B batch");
		fx_capture_begin(fx);
		int rc = store_unit_batch_store(s, ids, 24, &m);
		fx_capture_end(fx);
		fault.action = STORE_FAULT_NONE;
		if (rc == 0)
			break;
		assert_int_equal(rc, -ENOSPC);
		/* Logged once, not at every retry of a disk that stays full. */
		if (!failed_once)
			assert_non_null(strstr(fx->log, "disk full"));
		else
			assert_null(strstr(fx->log, "disk full"));
		failed_once = true;
		assert_false(batch_all_or_nothing(s, 24));
	}
	assert_true(failed_once);
	assert_non_null(strstr(fx->log, "event=db_recovered")); /* said once the disk took it */
	store_close(s);
	assert_int_equal(fx_open(fx, STORE_KIND_UNIT, false, &s), 0);
	assert_true(batch_all_or_nothing(s, 24));
	assert_int_equal(store_integrity_check(s, NULL, 0), 0);
	store_close(s);
}

/* ---- SIGKILL in the middle ---- */

/* In a child: opens the database with a fault that SIGKILLs the process at the `after`+1-th
 * write or sync, and runs the batch step. Returns true when the child was killed. */
static bool batch_in_child_killed_at(struct store_fx *fx, uint64_t after, const int64_t *ids, size_t n)
{
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct store_fault fault = {.action = STORE_FAULT_NONE};
		struct store_open_cfg cfg = {.path = fx->path, .kind = STORE_KIND_UNIT, .fault = &fault};
		struct store *s = NULL;
		if (store_open(&cfg, &s) != 0)
			_exit(2);
		fault = (struct store_fault){.action = STORE_FAULT_KILL, .after = after};
		struct store_unit_msg m = umsg(1, "WH1 B batch");
		int rc = store_unit_batch_store(s, ids, n, &m);
		fault.action = STORE_FAULT_NONE;
		store_close(s);
		_exit(rc == 0 ? 0 : 3);
	}
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status)) {
		assert_int_equal(WTERMSIG(status), SIGKILL);
		return true;
	}
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	return false;
}

static void the_batch_step_is_all_or_nothing_when_killed(void **state)
{
	struct store_fx *fx = *state;
	int kills = 0;
	for (uint64_t after = 0;; after++) {
		unlink(fx->path);
		char side[360];
		snprintf(side, sizeof(side), "%s-wal", fx->path);
		unlink(side);
		snprintf(side, sizeof(side), "%s-shm", fx->path);
		unlink(side);
		struct store *s = NULL;
		assert_int_equal(fx_open(fx, STORE_KIND_UNIT, false, &s), 0);
		int64_t ids[16];
		add_readings(s, 16, ids);
		store_close(s);
		bool killed = batch_in_child_killed_at(fx, after, ids, 16);
		assert_int_equal(fx_open(fx, STORE_KIND_UNIT, false, &s), 0);
		assert_int_equal(store_integrity_check(s, NULL, 0), 0);
		bool done = batch_all_or_nothing(s, 16);
		store_close(s);
		if (!killed) {
			assert_true(done);
			break;
		}
		kills++;
		assert_true(after < 1000);
	}
	/* The step writes and syncs at several points: each of them was a kill. */
	assert_true(kills >= 3);
}

static void a_base_killed_mid_write_keeps_an_intact_file(void **state)
{
	struct store_fx *fx = *state;
	struct store *s = NULL;
	assert_int_equal(fx_open(fx, STORE_KIND_BASE, false, &s), 0);
	store_close(s);
	for (uint64_t after = 0; after < 12; after++) {
		fflush(NULL);
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			struct store_fault fault = {.action = STORE_FAULT_KILL, .after = after};
			struct store_open_cfg cfg = {
				.path = fx->path, .kind = STORE_KIND_BASE, .fault = &fault};
			if (store_open(&cfg, &s) != 0)
				_exit(2);
			static struct store_reading rd[500];
			for (int i = 0; i < 500; i++)
				rd[i] = (struct store_reading){.unit = "WH1",
							       .channel = "T1",
							       .t_ms = T0 +
								       ((int64_t)after * 500 + i) * 60000};
			int rc = 0;
			store_base_write(s, &(struct store_base_batch){.readings = rd, .n_readings = 500},
					 on_done, &rc);
			_exit(rc == 0 ? 0 : 3);
		}
		int status = 0;
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) == 0));
		assert_int_equal(fx_open(fx, STORE_KIND_BASE, false, &s), 0);
		char detail[128];
		assert_int_equal(store_integrity_check(s, detail, sizeof(detail)), 0);
		int n = 0;
		assert_int_equal(store_view_history(s, "WH1", "T1", 0, 0, count_reading, &n), 0);
		assert_int_equal(n % 500, 0); /* whole writes only */
		store_close(s);
	}
}

/* ---- the de-duplication key ---- */

static void sha256_matches_the_fips_vectors(void **state)
{
	(void)state;
	uint8_t out[32];
	static const uint8_t abc[32] = {0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40,
					0xde, 0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17,
					0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad};
	store_sha256("abc", 3, out);
	assert_memory_equal(out, abc, 32);
	static const uint8_t two_blocks[32] = {0x24, 0x8d, 0x6a, 0x61, 0xd2, 0x06, 0x38, 0xb8,
					       0xe5, 0xc0, 0x26, 0x93, 0x0c, 0x3e, 0x60, 0x39,
					       0xa3, 0x3c, 0xe4, 0x59, 0x64, 0xff, 0x21, 0x67,
					       0xf6, 0xec, 0xed, 0xd4, 0x19, 0xdb, 0x06, 0xc1};
	const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	store_sha256(m, strlen(m), out);
	assert_memory_equal(out, two_blocks, 32);
	static const uint8_t empty[4] = {0xe3, 0xb0, 0xc4, 0x42};
	store_sha256("", 0, out);
	assert_memory_equal(out, empty, 4);
	uint8_t k1[32], k2[32], k3[32];
	store_dedup_key("07ab", "+1555", T0, k1);
	store_dedup_key("07AB", "+1555", T0, k2);
	store_dedup_key("07AB", "+1556", T0, k3);
	assert_memory_equal(k1, k2, 32);
	assert_memory_not_equal(k2, k3, 32);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(a_schema_1_unit_database_is_migrated_with_its_data, setup,
						teardown),
		cmocka_unit_test_setup_teardown(a_schema_1_base_database_is_migrated_with_its_data, setup,
						teardown),
		cmocka_unit_test_setup_teardown(a_database_from_a_newer_m2mon_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(a_file_that_is_not_a_database_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(a_damaged_database_fails_its_integrity_check, setup,
						teardown),
		cmocka_unit_test_setup_teardown(another_kind_of_database_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(a_directory_that_cannot_be_written_is_an_error, setup,
						teardown),
		cmocka_unit_test_setup_teardown(the_tools_do_not_create_or_upgrade_a_database, setup,
						teardown),
		cmocka_unit_test_setup_teardown(a_database_locked_by_another_writer_is_busy, setup, teardown),
		cmocka_unit_test_setup_teardown(a_full_disk_fails_the_batch_and_keeps_nothing_partial, setup,
						teardown),
		cmocka_unit_test_setup_teardown(the_batch_step_is_all_or_nothing_when_killed, setup,
						teardown),
		cmocka_unit_test_setup_teardown(a_base_killed_mid_write_keeps_an_intact_file, setup,
						teardown),
		cmocka_unit_test(sha256_matches_the_fips_vectors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
