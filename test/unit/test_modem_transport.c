/* The transport over a real pseudo-terminal pair (as the simulator provides) and the
 * in-memory back end: the right back end is chosen by what the device is, bytes pass
 * both ways, a full line queues writes instead of losing them, a missing device is an error. */
#include "modem_transport.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <cmocka.h>

struct pty {
	int master;
	char slave[128];
};

static void pty_open(struct pty *p)
{
	struct termios tio;
	p->master = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK);
	assert_true(p->master >= 0);
	assert_int_equal(grantpt(p->master), 0);
	assert_int_equal(unlockpt(p->master), 0);
	assert_int_equal(ptsname_r(p->master, p->slave, sizeof(p->slave)), 0);
	assert_int_equal(tcgetattr(p->master, &tio), 0);
	cfmakeraw(&tio);
	assert_int_equal(tcsetattr(p->master, TCSANOW, &tio), 0);
}

static struct modem_settings settings_for(const char *device)
{
	struct modem_settings s = {.baud = 115200, .command_timeout_ms = 5000};
	snprintf(s.device, sizeof(s.device), "%s", device);
	return s;
}

/* Every wait below is on an event (poll() readiness); WAIT_MS only bounds a wait for an
 * event that never comes, so that a broken transport fails the test instead of hanging it. */
#define WAIT_MS 10000

static void wait_for(int fd, short events)
{
	struct pollfd pfd = {.fd = fd, .events = events};
	assert_int_equal(poll(&pfd, 1, WAIT_MS), 1);
}

/* Reads from the transport once its fd is readable (or hung up). */
static ssize_t read_some(struct modem_transport *t, char *buf, size_t len)
{
	wait_for(modem_transport_fd(t), POLLIN);
	return modem_transport_read(t, buf, len);
}

/* Reads exactly `want` bytes from `fd`, each read after poll() said there is something. */
static void read_exactly(int fd, char *buf, size_t want)
{
	size_t got = 0;
	while (got < want) {
		wait_for(fd, POLLIN);
		ssize_t n = read(fd, buf + got, want - got);
		assert_true(n > 0);
		got += (size_t)n;
	}
}

/* Waits until `fd` holds `want` unread bytes. A PTY hands a write over in one piece, so the
 * first readiness normally shows them all; the loop is bounded by count. */
static void wait_unread(int fd, int want)
{
	int pending = 0;
	for (int i = 0; i < 1000 && pending < want; i++) {
		wait_for(fd, POLLIN);
		assert_int_equal(ioctl(fd, FIONREAD, &pending), 0);
	}
	assert_int_equal(pending, want);
}

static void pty_is_opened_with_termios_and_carries_bytes(void **state)
{
	(void)state;
	struct pty p;
	struct modem_transport *t;
	char buf[64];
	pty_open(&p);
	assert_true(modem_transport_is_pty(p.slave));
	struct modem_settings s = settings_for(p.slave);
	assert_int_equal(modem_transport_open(&s, &t), 0);
	assert_int_equal(modem_transport_kind(t), MODEM_TRANSPORT_PTY);
	assert_true(modem_transport_fd(t) >= 0);
	assert_int_equal(modem_transport_write(t, "AT\r", 3), 0);
	read_exactly(p.master, buf, 3);
	assert_memory_equal(buf, "AT\r", 3);
	assert_int_equal(write(p.master, "\r\nOK\r\n", 6), 6);
	assert_int_equal(read_some(t, buf, sizeof(buf)), 6);
	assert_memory_equal(buf, "\r\nOK\r\n", 6);
	assert_int_equal(modem_transport_read(t, buf, sizeof(buf)), -EAGAIN);
	modem_transport_close(t);
	close(p.master);
}

/* The answers a previous program left unread (its last command's +CPIN: READY, OK) would be
 * taken for the answers to ours and shift every answer by one: opening discards them. */
static void opening_discards_what_a_previous_program_left_unread(void **state)
{
	(void)state;
	struct pty p;
	struct modem_transport *t;
	char buf[64];
	pty_open(&p);
	int keeper = open(p.slave, O_RDWR | O_NOCTTY); /* as the simulator keeps its ports open */
	assert_true(keeper >= 0);
	assert_int_equal(write(p.master, "\r\n+CPIN: READY\r\n\r\nOK\r\n", 22), 22);
	wait_unread(keeper, 22);
	struct modem_settings s = settings_for(p.slave);
	assert_int_equal(modem_transport_open(&s, &t), 0);
	assert_int_equal(modem_transport_read(t, buf, sizeof(buf)), -EAGAIN);
	assert_int_equal(write(p.master, "\r\nOK\r\n", 6), 6);
	assert_int_equal(read_some(t, buf, sizeof(buf)), 6);
	assert_memory_equal(buf, "\r\nOK\r\n", 6);
	modem_transport_close(t);
	close(keeper);
	close(p.master);
}

static void symlink_to_pty_is_still_a_pty(void **state)
{
	(void)state;
	struct pty p;
	char link[64];
	pty_open(&p);
	snprintf(link, sizeof(link), "/tmp/m2-test-pty-%d", (int)getpid());
	unlink(link);
	assert_int_equal(symlink(p.slave, link), 0);
	assert_true(modem_transport_is_pty(link));
	assert_false(modem_transport_is_pty("/dev/null"));
	unlink(link);
	close(p.master);
}

static void full_line_queues_writes_until_drained(void **state)
{
	(void)state;
	struct pty p;
	struct modem_transport *t;
	static char big[256 * 1024], sink[4096];
	pty_open(&p);
	struct modem_settings s = settings_for(p.slave);
	assert_int_equal(modem_transport_open(&s, &t), 0);
	memset(big, 'A', sizeof(big));
	assert_int_equal(modem_transport_write(t, big, sizeof(big)), 0);
	assert_true(modem_transport_queued(t) > 0);
	size_t got = 0;
	while (got < sizeof(big)) {
		struct pollfd pfd[2] = {{.fd = p.master, .events = POLLIN},
					{.fd = modem_transport_fd(t), .events = POLLOUT}};
		assert_true(poll(pfd, modem_transport_queued(t) > 0 ? 2 : 1, WAIT_MS) > 0);
		if (pfd[0].revents & POLLIN) {
			ssize_t n = read(p.master, sink, sizeof(sink));
			assert_true(n > 0);
			got += (size_t)n;
		}
		if (pfd[1].revents & POLLOUT) {
			int rc = modem_transport_flush(t);
			assert_true(rc == 0 || rc == -EAGAIN);
		}
	}
	assert_int_equal(got, sizeof(big));
	assert_int_equal(modem_transport_queued(t), 0);
	modem_transport_close(t);
	close(p.master);
}

static void missing_device_is_reported(void **state)
{
	(void)state;
	struct modem_transport *t = NULL;
	struct modem_settings s = settings_for("/dev/m2mon-no-such-modem");
	assert_int_equal(modem_transport_open(&s, &t), -ENOENT);
}

static void closed_peer_is_reported_as_gone(void **state)
{
	(void)state;
	struct pty p;
	struct modem_transport *t;
	char buf[8];
	pty_open(&p);
	struct modem_settings s = settings_for(p.slave);
	assert_int_equal(modem_transport_open(&s, &t), 0);
	close(p.master);
	ssize_t n = read_some(t, buf, sizeof(buf));
	assert_true(n == -EIO || n == -ENODEV);
	modem_transport_close(t);
}

static void memory_transport_caps_reads(void **state)
{
	(void)state;
	struct modem_transport *t;
	char buf[64];
	assert_int_equal(modem_transport_mem_new(8, &t), 0);
	assert_int_equal(modem_transport_fd(t), -1);
	assert_int_equal(modem_transport_mem_push(t, "+CMTI: \"SM\",1\r\n", 15), 0);
	assert_int_equal(modem_transport_read(t, buf, sizeof(buf)), 8);
	assert_int_equal(modem_transport_read(t, buf, sizeof(buf)), 7);
	assert_int_equal(modem_transport_read(t, buf, sizeof(buf)), -EAGAIN);
	assert_int_equal(modem_transport_write(t, "AT\r", 3), 0);
	assert_int_equal(modem_transport_mem_take(t, buf, sizeof(buf)), 3);
	modem_transport_close(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pty_is_opened_with_termios_and_carries_bytes),
		cmocka_unit_test(opening_discards_what_a_previous_program_left_unread),
		cmocka_unit_test(symlink_to_pty_is_still_a_pty),
		cmocka_unit_test(full_line_queues_writes_until_drained),
		cmocka_unit_test(missing_device_is_reported),
		cmocka_unit_test(closed_peer_is_reported_as_gone),
		cmocka_unit_test(memory_transport_caps_reads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
