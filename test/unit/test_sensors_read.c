/* The reader on a real libuv loop: each source against a sysfs-like tree in a scratch
 * directory (the DS18B20's CRC failure and power-on value, a missing probe, garbage, negative
 * temperatures, the offset), real child processes for cmd: (a number, garbage, a non-zero
 * exit, a hang killed at its timeout, a script whose children hold the pipe), and sim: at the
 * times given. Every test waits on the callback; none sleeps. */
#include "sensor.h"
#include "sensor_sim.h"
#include "test_tree.h"

#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cmocka.h>

struct fixture {
	uv_loop_t loop;
	char root[256];
	int calls;
	struct sensor_reading last;
	struct sensor *again; /* read once more from inside the callback */
};

static struct fixture *fx;

static int setup(void **state)
{
	fx = calloc(1, sizeof(*fx));
	assert_int_equal(uv_loop_init(&fx->loop), 0);
	tree_new(fx->root);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	uv_run(&fx->loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&fx->loop), 0);
	tree_remove(fx->root);
	free(fx);
	return 0;
}

static void on_reading(struct sensor *s, const struct sensor_reading *r, void *user_data)
{
	assert_ptr_equal(user_data, fx);
	fx->calls++;
	fx->last = *r;
	if (fx->again == s) {
		fx->again = NULL;
		assert_int_equal(sensor_read(s, 0, on_reading, fx), 0);
	}
}

static struct sensor *open_source(const char *source, const struct sensor_opts *opts, int64_t now_ms)
{
	struct sensor_spec spec;
	const char *why = NULL;
	if (sensor_source_parse(source, &spec, &why) < 0)
		fail_msg("%s: %s", source, why);
	struct sensor *s = sensor_new(&fx->loop, &spec, opts, now_ms);
	assert_non_null(s);
	return s;
}

/* Reads `source` once at `now_ms` and waits for the callback. */
static const struct sensor_reading *read_at(const char *source, const struct sensor_opts *opts,
					    int64_t open_ms, int64_t now_ms)
{
	struct sensor *s = open_source(source, opts, open_ms);
	int before = fx->calls;
	assert_int_equal(sensor_read(s, now_ms, on_reading, fx), 0);
	assert_int_equal(fx->calls, before); /* never from inside sensor_read */
	assert_true(sensor_busy(s));
	uv_run(&fx->loop, UV_RUN_DEFAULT);
	assert_int_equal(fx->calls, before + 1);
	assert_false(sensor_busy(s));
	sensor_free(s);
	return &fx->last;
}

static const struct sensor_reading *read_once(const char *source, const struct sensor_opts *opts)
{
	return read_at(source, opts, 0, 0);
}

static void expect_c10(const struct sensor_reading *r, int32_t want)
{
	if (!r->ok)
		fail_msg("fault %s: %s", sensor_fault_str(r->fault), r->detail);
	assert_int_equal(r->temp_c10, want);
}

static void expect_fault(const struct sensor_reading *r, enum sensor_fault fault, const char *needle)
{
	assert_false(r->ok);
	if (r->fault != fault)
		fail_msg("fault %s, want %s: %s", sensor_fault_str(r->fault), sensor_fault_str(fault),
			 r->detail);
	assert_int_equal(r->temp_c10, 0);
	if (!strstr(r->detail, needle))
		fail_msg("'%s' not in '%s'", needle, r->detail);
}

#define ID      "28-0316a2794aff"
#define W1_SRC  "w1:" ID
#define W1_FILE "28-0316a2794aff/w1_slave"

static void w1_probe(const char *mdeg_line, const char *crc)
{
	char text[200];
	snprintf(text, sizeof(text),
		 "72 01 4b 46 7f ff 0e 10 57 : crc=57 %s\n72 01 4b 46 7f ff 0e 10 57 t=%s\n", crc, mdeg_line);
	tree_write(fx->root, W1_FILE, text, 0);
}

static void w1_reads_the_probe_under_its_root(void **state)
{
	(void)state;
	struct sensor_opts o = {.w1_root = fx->root};
	w1_probe("4125", "YES");
	expect_c10(read_once(W1_SRC, &o), 41);
	w1_probe("-18062", "YES");
	expect_c10(read_once(W1_SRC, &o), -181);
	w1_probe("-55000", "YES");
	expect_c10(read_once("w1:28-0316A2794AFF", &o), -550);
}

static void w1_faults(void **state)
{
	(void)state;
	struct sensor_opts o = {.w1_root = fx->root};
	w1_probe("4125", "NO");
	expect_fault(read_once(W1_SRC, &o), SENSOR_FAULT_CRC, "CRC");
	w1_probe("85000", "YES");
	expect_fault(read_once(W1_SRC, &o), SENSOR_FAULT_POWER_ON, "85.0 C");
	tree_write(fx->root, W1_FILE,
		   "00 00 00 00 00 00 00 00 00 : crc=00 YES\n00 00 00 00 00 00 00 00 00 t=0\n", 0);
	expect_fault(read_once(W1_SRC, &o), SENSOR_FAULT_BUS, "zeros");
	tree_write(fx->root, W1_FILE, "garbage", 0);
	expect_fault(read_once(W1_SRC, &o), SENSOR_FAULT_GARBAGE, "YES");
	tree_unlink(fx->root, W1_FILE);
	expect_fault(read_once(W1_SRC, &o), SENSOR_FAULT_MISSING, "not on the bus");
	expect_fault(read_once("w1:28-000000000001", &o), SENSOR_FAULT_MISSING, "28-000000000001/w1_slave");
	struct sensor_opts nowhere = {.w1_root = "/nonexistent/w1"};
	expect_fault(read_once(W1_SRC, &nowhere), SENSOR_FAULT_MISSING, "/nonexistent/w1/" ID "/w1_slave");
}

static void default_w1_root_is_sysfs(void **state)
{
	(void)state;
	struct sensor_reading r = *read_once("w1:28-00000000dead", NULL);
	assert_false(r.ok);
	assert_non_null(strstr(r.detail, SENSOR_W1_ROOT_DEFAULT "/28-00000000dead/w1_slave"));
}

static void offset_applies_to_good_readings_only(void **state)
{
	(void)state;
	struct sensor_opts o = {.w1_root = fx->root, .offset_c10 = 5};
	w1_probe("23125", "YES");
	expect_c10(read_once(W1_SRC, &o), 236);
	o.offset_c10 = -12;
	w1_probe("-18062", "YES");
	expect_c10(read_once(W1_SRC, &o), -193);
	w1_probe("85000", "YES");
	expect_fault(read_once(W1_SRC, &o), SENSOR_FAULT_POWER_ON, "power-on");
	tree_write(fx->root, "probe", "4.0\n", 0);
	char src[300];
	snprintf(src, sizeof(src), "file:%s/probe", fx->root);
	expect_c10(read_once(src, &o), 28);
	snprintf(src, sizeof(src), "cmd:/bin/echo 4.0");
	expect_c10(read_once(src, &o), 28);
}

static void hwmon_reads_millidegrees(void **state)
{
	(void)state;
	char src[300];
	snprintf(src, sizeof(src), "hwmon:%s/hwmon0/temp1_input", fx->root);
	tree_write(fx->root, "hwmon0/temp1_input", "45250\n", 0);
	expect_c10(read_once(src, NULL), 453);
	tree_write(fx->root, "hwmon0/temp1_input", "-5049\n", 0);
	expect_c10(read_once(src, NULL), -50);
	tree_write(fx->root, "hwmon0/temp1_input", "N/A\n", 0);
	expect_fault(read_once(src, NULL), SENSOR_FAULT_GARBAGE, "N/A");
	tree_unlink(fx->root, "hwmon0/temp1_input");
	expect_fault(read_once(src, NULL), SENSOR_FAULT_MISSING, "check the path");
}

static void file_reads_degrees(void **state)
{
	(void)state;
	char src[300];
	snprintf(src, sizeof(src), "file:%s/probe1", fx->root);
	tree_write(fx->root, "probe1", "3.85\n", 0);
	expect_c10(read_once(src, NULL), 39);
	tree_write(fx->root, "probe1", "-21.5", 0);
	expect_c10(read_once(src, NULL), -215);
	tree_write(fx->root, "probe1", "", 0);
	expect_fault(read_once(src, NULL), SENSOR_FAULT_GARBAGE, "empty");
	tree_write(fx->root, "probe1", "warm\n", 0);
	expect_fault(read_once(src, NULL), SENSOR_FAULT_GARBAGE, "\"warm?\"");
	char big[2000];
	memset(big, ' ', sizeof(big));
	big[0] = '4';
	big[sizeof(big) - 1] = '\0';
	tree_write(fx->root, "probe1", big, 0);
	expect_fault(read_once(src, NULL), SENSOR_FAULT_GARBAGE, "more than a number");
	tree_unlink(fx->root, "probe1");
	expect_fault(read_once(src, NULL), SENSOR_FAULT_MISSING, "probe1");
	snprintf(src, sizeof(src), "file:%s", fx->root);
	expect_fault(read_once(src, NULL), SENSOR_FAULT_IO, "cannot read");
}

static void busy_while_reading_and_again_from_the_callback(void **state)
{
	(void)state;
	char src[300];
	snprintf(src, sizeof(src), "file:%s/p", fx->root);
	tree_write(fx->root, "p", "1.0", 0);
	struct sensor *s = open_source(src, NULL, 0);
	assert_int_equal(sensor_read(s, 0, on_reading, fx), 0);
	assert_int_equal(sensor_read(s, 0, on_reading, fx), -EBUSY);
	fx->again = s;
	uv_run(&fx->loop, UV_RUN_DEFAULT);
	assert_int_equal(fx->calls, 2);
	expect_c10(&fx->last, 10);
	assert_string_equal(sensor_spec_of(s)->text, src);
	sensor_free(s);
}

static void freed_during_a_file_read_calls_nothing(void **state)
{
	(void)state;
	struct sensor_opts o = {.w1_root = fx->root};
	w1_probe("1000", "YES");
	struct sensor *s = open_source(W1_SRC, &o, 0);
	assert_int_equal(sensor_read(s, 0, on_reading, fx), 0);
	sensor_free(s);
	uv_run(&fx->loop, UV_RUN_DEFAULT);
	assert_int_equal(fx->calls, 0);
	sensor_free(NULL);
}

static void sim_follows_the_trace_from_the_open_time(void **state)
{
	(void)state;
	const int64_t open_ms = 1764000000000LL; /* 2025-11-24 16:00 UTC */
	const int64_t open_s = open_ms / 1000;
	struct sensor_sim want = {SENSOR_SIM_CHILLER, 7, open_s + 600, open_s + 900};
	const char *src = "sim:chiller,fail_at=600,repair_at=900,seed=7";
	for (int64_t t = 0; t <= 1800; t += 300)
		expect_c10(read_at(src, NULL, open_ms, open_ms + t * 1000),
			   sensor_sim_temp_c10(&want, open_s + t));
	struct sensor_sim calm = {SENSOR_SIM_FREEZER, 0, INT64_MAX, INT64_MAX};
	expect_c10(read_at("sim:freezer", NULL, open_ms, open_ms + 5000),
		   sensor_sim_temp_c10(&calm, open_s + 5));
	struct sensor_opts o = {.offset_c10 = -3};
	expect_c10(read_at("sim:freezer", &o, open_ms, open_ms + 5000),
		   sensor_sim_temp_c10(&calm, open_s + 5) - 3);
}

/* A script in the tree; returns its cmd: source. */
static const char *script(const char *name, const char *body, char *src, size_t size)
{
	char text[1024];
	snprintf(text, sizeof(text), "#!/bin/sh\n%s\n", body);
	tree_write(fx->root, name, text, 0755);
	snprintf(src, size, "cmd:%s/%s", fx->root, name);
	return src;
}

static void cmd_prints_a_number(void **state)
{
	(void)state;
	char src[400];
	expect_c10(read_once("cmd:/bin/echo 4.5", NULL), 45);
	expect_c10(read_once("cmd:/bin/echo probe: -3.25 C", NULL), -33);
	expect_c10(
		read_once(script("chatty", "echo 'T1 reading' >&2; echo 'temperature=7.5'", src, sizeof(src)),
			  NULL),
		75);
	/* A program that writes far more than the pipe holds is drained, not blocked. */
	expect_c10(read_once("cmd:/usr/bin/seq 7 300000", NULL), 70);
}

static void cmd_garbage_and_failures_are_faults(void **state)
{
	(void)state;
	char src[400];
	expect_fault(read_once("cmd:/bin/echo no probe found", NULL), SENSOR_FAULT_GARBAGE,
		     "\"no probe found?\"");
	expect_fault(read_once("cmd:/bin/true", NULL), SENSOR_FAULT_GARBAGE, "printed nothing");
	expect_fault(
		read_once(script("fails", "echo 4.5; echo 'i2c: bus error' >&2; exit 3", src, sizeof(src)),
			  NULL),
		SENSOR_FAULT_EXIT, "exited with status 3: \"i2c: bus error\"");
	expect_fault(read_once("cmd:/bin/false", NULL), SENSOR_FAULT_EXIT, "exited with status 1");
	expect_fault(read_once(script("suicide", "kill -9 $$", src, sizeof(src)), NULL), SENSOR_FAULT_EXIT,
		     "killed by signal 9");
	expect_fault(read_once("cmd:/nonexistent/read-probe", NULL), SENSOR_FAULT_SPAWN,
		     "cannot start /nonexistent/read-probe");
	tree_write(fx->root, "not-executable", "#!/bin/sh\necho 1\n", 0644);
	snprintf(src, sizeof(src), "cmd:%s/not-executable", fx->root);
	expect_fault(read_once(src, NULL), SENSOR_FAULT_SPAWN, "permission denied");
}

/* Waits until process `pid` has ended (a zombie counts); fails after 10 s. */
static void wait_dead(pid_t pid)
{
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (fd < 0) {
		assert_int_equal(errno, ESRCH);
		return;
	}
	struct pollfd p = {.fd = fd, .events = POLLIN};
	int n = poll(&p, 1, 10000);
	close(fd);
	if (n != 1)
		fail_msg("process %d still runs", (int)pid);
}

static pid_t read_pid(const char *name)
{
	char path[400];
	snprintf(path, sizeof(path), "%s/%s", fx->root, name);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	int pid = 0;
	assert_int_equal(fscanf(f, "%d", &pid), 1);
	fclose(f);
	return (pid_t)pid;
}

static void cmd_that_hangs_is_killed_at_its_timeout(void **state)
{
	(void)state;
	struct sensor_opts o = {.timeout_ms = 200};
	expect_fault(read_once("cmd:/bin/sleep 1000", &o), SENSOR_FAULT_TIMEOUT, "no answer within 200 ms");
	/* A script's own child holds the pipe and dies with the group. */
	char src[400], body[600];
	snprintf(body, sizeof(body), "/bin/sleep 1000 &\necho $! > %s/child.pid\nwait", fx->root);
	expect_fault(read_once(script("hangs", body, src, sizeof(src)), &o), SENSOR_FAULT_TIMEOUT, "killed");
	wait_dead(read_pid("child.pid"));
}

static void cmd_that_leaves_a_child_is_judged_by_its_exit(void **state)
{
	(void)state;
	struct sensor_opts o = {.timeout_ms = 200};
	char src[400], body[600];
	snprintf(body, sizeof(body), "/bin/sleep 1000 &\necho $! > %s/child.pid\necho 3.5", fx->root);
	expect_c10(read_once(script("leaves", body, src, sizeof(src)), &o), 35);
	wait_dead(read_pid("child.pid"));
}

static void freed_during_a_cmd_read_kills_it(void **state)
{
	(void)state;
	char src[400], body[600], fifo[300];
	snprintf(fifo, sizeof(fifo), "%s/self.pid", fx->root);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	snprintf(body, sizeof(body), "echo $$ > %s\nexec /bin/sleep 1000", fifo);
	script("slow", body, src, sizeof(src));
	struct sensor *s = open_source(src, NULL, 0);
	assert_int_equal(sensor_read(s, 0, on_reading, fx), 0);
	/* uv_spawn returns once the script runs; opening the FIFO waits for it to write. */
	pid_t pid = read_pid("self.pid");
	sensor_free(s);
	uv_run(&fx->loop, UV_RUN_DEFAULT);
	assert_int_equal(fx->calls, 0);
	wait_dead(pid);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(w1_reads_the_probe_under_its_root, setup, teardown),
		cmocka_unit_test_setup_teardown(w1_faults, setup, teardown),
		cmocka_unit_test_setup_teardown(default_w1_root_is_sysfs, setup, teardown),
		cmocka_unit_test_setup_teardown(offset_applies_to_good_readings_only, setup, teardown),
		cmocka_unit_test_setup_teardown(hwmon_reads_millidegrees, setup, teardown),
		cmocka_unit_test_setup_teardown(file_reads_degrees, setup, teardown),
		cmocka_unit_test_setup_teardown(busy_while_reading_and_again_from_the_callback, setup,
						teardown),
		cmocka_unit_test_setup_teardown(freed_during_a_file_read_calls_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(sim_follows_the_trace_from_the_open_time, setup, teardown),
		cmocka_unit_test_setup_teardown(cmd_prints_a_number, setup, teardown),
		cmocka_unit_test_setup_teardown(cmd_garbage_and_failures_are_faults, setup, teardown),
		cmocka_unit_test_setup_teardown(cmd_that_hangs_is_killed_at_its_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(cmd_that_leaves_a_child_is_judged_by_its_exit, setup,
						teardown),
		cmocka_unit_test_setup_teardown(freed_during_a_cmd_read_kills_it, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
