/* The integration client's own waits, against a scripted modem on a socket pair: a URC that
 * arrives in the same read as an answer is not lost (the tests built on it would otherwise
 * pass or fail by how the kernel happened to split the bytes), and stray NUL bytes do not
 * hide what follows them. */
#include "it_util.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

/* Reads from `fd` until `want` has been seen; false at EOF. */
static bool read_until(int fd, const char *want)
{
	char acc[256] = "";
	size_t len = 0;
	while (!strstr(acc, want)) {
		ssize_t n = read(fd, acc + len, sizeof(acc) - len - 1);
		if (n <= 0 || len + (size_t)n >= sizeof(acc) - 1)
			return false;
		len += (size_t)n;
		acc[len] = '\0';
	}
	return true;
}

/* The modem: +CREG? still says searching, and the URC of registration follows at once, in
 * the same write. */
static void scripted_modem(int fd)
{
	static const char answer[] = "\r\n+CREG: 1,2\r\n\r\nOK\r\n\r\n+CREG: 1\r\n";
	if (!read_until(fd, "AT+CREG=1\r") || write(fd, "\r\nOK\r\n", 6) != 6)
		_exit(1);
	if (!read_until(fd, "AT+CREG?\r") ||
	    write(fd, answer, sizeof(answer) - 1) != (ssize_t)sizeof(answer) - 1)
		_exit(1);
	char c;
	while (read(fd, &c, 1) > 0)
		;
	_exit(0);
}

static void registration_urc_in_the_same_read_as_the_answer_counts(void **state)
{
	(void)state;
	int sv[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(sv[0]);
		scripted_modem(sv[1]);
	}
	close(sv[1]);
	bool registered = it_at_registered(sv[0]);
	close(sv[0]);
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(registered);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* The modem: the garbage fault's stray bytes (a NUL among them, as line noise has) before
 * the answer to AT. */
static void noisy_modem(int fd)
{
	static const char answer[] = "\x00\xAB\x00\r\nOK\r\n";
	if (!read_until(fd, "AT\r") || write(fd, answer, sizeof(answer) - 1) != (ssize_t)sizeof(answer) - 1)
		_exit(1);
	char c;
	while (read(fd, &c, 1) > 0)
		;
	_exit(0);
}

static void stray_nul_bytes_do_not_hide_the_answer(void **state)
{
	(void)state;
	int sv[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(sv[0]);
		noisy_modem(sv[1]);
	}
	close(sv[1]);
	char reply[256];
	bool ok = it_at_cmd(sv[0], "AT", reply, sizeof(reply));
	close(sv[0]);
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(ok);
	assert_string_not_equal(reply, "\r\nOK\r\n"); /* the stray bytes are kept, visibly */
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(registration_urc_in_the_same_read_as_the_answer_counts),
		cmocka_unit_test(stray_nul_bytes_do_not_hide_the_answer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
