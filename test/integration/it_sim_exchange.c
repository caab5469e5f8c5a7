/* Two modems and a phone on a real `m2mon sim`, driven through their PTYs as a client would:
 * SMS go from modem to modem (+CMTI, AT+CMGL), long texts arrive whole at a phone and in
 * parts at a modem, status reports say delivered or failed, and a port closed by its client
 * serves the next one. */
#include "it_util.h"
#include "sim_ctl.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

static const char *const net_args[] = {
	"--modem", "base=+15550001000",  "--modem",      "unit1=+15550002001:sim800",
	"--phone", "alice=+15550003001", "--latency-ms", "50",
	NULL,
};

static int open_modem(const struct it_sim *sim, const char *name)
{
	char path[400];
	int fd = it_at_open(it_tty(sim, name, path, sizeof(path)));
	char reply[4096];
	assert_true(it_at_cmd(fd, "AT", reply, sizeof(reply)));
	assert_true(it_at_cmd(fd, "ATE0", NULL, 0));
	assert_true(it_at_cmd(fd, "AT+CMEE=1;+CMGF=0", NULL, 0));
	assert_true(it_at_cmd(fd, "AT+CNMI=2,1,0,1,0", NULL, 0));
	assert_true(it_at_registered(fd));
	return fd;
}

/* Waits for +CDS (it may already be in `acc`, seen while sending) and reads its PDU line. */
static void wait_report(int fd, char *acc, size_t size, struct it_sms *out)
{
	assert_true(it_at_wait(fd, "+CDS:", IT_TIMEOUT_MS, acc, size));
	char *p = strstr(acc, "+CDS:");
	size_t room = size - (size_t)(p - acc);
	assert_true(it_at_wait(fd, "\r\n", IT_TIMEOUT_MS, p, room));
	char *pdu = strstr(p, "\r\n") + 2;
	assert_true(it_at_wait(fd, "\r\n", IT_TIMEOUT_MS, pdu, size - (size_t)(pdu - acc)));
	*strstr(pdu, "\r\n") = '\0';
	assert_int_equal(it_read_pdu_hex(pdu, out), 0);
	assert_true(out->report);
}

static void modem_to_modem_with_status_report(void **state)
{
	const char *m2mon = *state;
	struct it_sim sim;
	it_sim_start(&sim, m2mon, net_args);
	int base = open_modem(&sim, "base"), unit = open_modem(&sim, "unit1");
	char seen[4096];
	assert_int_equal(it_at_send_sms_seen(unit, "+15550001000", "T1=4.5 T2=5.0", true, seen, sizeof(seen)),
			 1);
	char acc[4096] = "";
	assert_true(it_at_wait(base, "+CMTI:", IT_TIMEOUT_MS, acc, sizeof(acc)));
	struct it_sms sms[8];
	assert_int_equal(it_at_list(base, sms, 8), 1);
	assert_string_equal(sms[0].from, "+15550002001");
	assert_string_equal(sms[0].text, "T1=4.5 T2=5.0");
	struct it_sms rep;
	wait_report(unit, seen, sizeof(seen), &rep);
	assert_int_equal(rep.status, 0x00);
	assert_string_equal(rep.from, "+15550001000");
	assert_int_equal(it_at_send_sms_seen(unit, "+19995550000", "anyone there?", true, seen, sizeof(seen)),
			 1);
	wait_report(unit, seen, sizeof(seen), &rep);
	assert_int_equal(rep.status, 0x41);
	assert_true(it_drain(&sim, IT_TIMEOUT_MS)); /* the record follows the delivery */
	assert_int_equal(it_jsonl_count(&sim, (const char *const[]){"\"status\":\"unknown-number\"",
								    "+19995550000", NULL}),
			 1);
	assert_int_equal(it_jsonl_count(&sim, (const char *const[]){"\"type\":\"status-report\"",
								    "\"tp_status\":65", NULL}),
			 1);
	close(base);
	close(unit);
	it_sim_stop(&sim);
}

static void long_texts_between_phone_and_modem(void **state)
{
	const char *m2mon = *state;
	struct it_sim sim;
	it_sim_start(&sim, m2mon, net_args);
	int base = open_modem(&sim, "base");
	char text[401];
	for (int i = 0; i < 400; i++)
		text[i] = (char)('a' + i % 26);
	text[400] = '\0';
	assert_int_equal(it_at_send_sms(base, "+15550003001", text, false), 3);
	char out[8192];
	assert_int_equal(it_cli(&sim, "inbox",
				(const char *const[]){"+15550003001", "--wait-ms", "10000", "--json", NULL},
				out, sizeof(out)),
			 0);
	assert_non_null(strstr(out, "\"parts\":3"));
	assert_non_null(strstr(out, text));
	assert_non_null(strstr(out, "\"from\":\"+15550001000\""));
	const char *reply = "ACK Ünit 1 is fine, thanks. This reply is long enough to need two SMS "
			    "because a handset splits it into concatenated parts of 153 characters "
			    "each, and the modem sees every part with its UDH.";
	assert_int_equal(
		it_cli(&sim, "send",
		       (const char *const[]){"--from", "+15550003001", "--to", "+15550001000", reply, NULL},
		       out, sizeof(out)),
		0);
	char acc[4096] = "";
	assert_true(it_at_wait(base, "+CMTI:", IT_TIMEOUT_MS, acc, sizeof(acc)));
	assert_true(it_at_wait(base + 0, "+CMTI:", IT_TIMEOUT_MS, strstr(acc, "+CMTI:") + 1,
			       sizeof(acc) - (size_t)(strstr(acc, "+CMTI:") + 1 - acc)));
	struct it_sms sms[8];
	assert_int_equal(it_at_list(base, sms, 8), 2);
	char joined[1024] = "";
	for (int part = 1; part <= 2; part++)
		for (int i = 0; i < 2; i++)
			if (sms[i].part == part)
				strcat(joined, sms[i].text);
	assert_int_equal(sms[0].parts, 2);
	assert_string_equal(joined, reply);
	close(base);
	it_sim_stop(&sim);
}

static void port_survives_its_client_closing(void **state)
{
	const char *m2mon = *state;
	struct it_sim sim;
	it_sim_start(&sim, m2mon, net_args);
	for (int round = 0; round < 3; round++) {
		int fd = open_modem(&sim, "unit1");
		assert_true(it_at_cmd(fd, "AT+CGMI", NULL, 0));
		close(fd);
	}
	char out[256];
	assert_int_equal(it_cli(&sim, "inbox", (const char *const[]){"+15550003001", NULL}, out, sizeof(out)),
			 0);
	assert_int_equal(it_cli(&sim, "inbox",
				(const char *const[]){"+15550003001", "--wait-ms", "100", NULL}, out,
				sizeof(out)),
			 1);
	assert_int_equal(it_cli(&sim, "inbox", (const char *const[]){"+19990000000", NULL}, out, sizeof(out)),
			 1);
	assert_int_equal(
		it_cli(&sim, "send",
		       (const char *const[]){"--from", "+15550001000", "--to", "+15550003001", "x", NULL},
		       out, sizeof(out)),
		1);
	assert_int_equal(it_cli(&sim, "send", (const char *const[]){"--to", "+15550003001", "x", NULL}, out,
				sizeof(out)),
			 2);
	it_sim_stop(&sim);
}

/* Sends `line` on a raw connection to the control socket and returns the answer line. */
static void ctl_raw(int fd, const char *line, char *answer, size_t size)
{
	assert_int_equal(write(fd, line, strlen(line)), (ssize_t)strlen(line));
	size_t len = 0;
	while (len < size - 1 && (len == 0 || answer[len - 1] != '\n')) {
		ssize_t n = read(fd, answer + len, size - 1 - len);
		assert_true(n > 0);
		len += (size_t)n;
	}
	answer[len] = '\0';
}

static void control_socket_survives_bad_requests(void **state)
{
	const char *m2mon = *state;
	struct it_sim sim;
	it_sim_start(&sim, m2mon, net_args);
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	char sock[400];
	snprintf(sock, sizeof(sock), "%s/sim.sock", sim.dir);
	assert_true(strlen(sock) < sizeof(addr.sun_path));
	memcpy(addr.sun_path, sock, strlen(sock) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
	char answer[1024];
	ctl_raw(fd, "hello there\n", answer, sizeof(answer));
	assert_non_null(strstr(answer, "\"ok\":false"));
	assert_non_null(strstr(answer, "not a JSON object"));
	ctl_raw(fd, "{\"op\":\"melt\"}\n", answer, sizeof(answer));
	assert_non_null(strstr(answer, "unknown op melt"));
	ctl_raw(fd, "{\"op\":\"send\",\"from\":1}\n", answer, sizeof(answer));
	assert_non_null(strstr(answer, "send needs"));
	ctl_raw(fd, "{\"op\":\"fault\",\"modem\":\"base\",\"kind\":\"hang\",\"arg\":-5}\n", answer,
		sizeof(answer));
	assert_non_null(strstr(answer, "\"ok\":false"));
	size_t flood_len = 300 * 1024;
	char *flood = malloc(flood_len);
	assert_non_null(flood);
	memset(flood, 'x', flood_len);
	ssize_t sent = 0;
	while (sent < (ssize_t)flood_len) {
		ssize_t n = send(fd, flood + sent, flood_len - (size_t)sent, MSG_NOSIGNAL);
		if (n <= 0)
			break; /* the simulator closed the connection: a line that long is refused */
		sent += n;
	}
	free(flood);
	char c;
	assert_true(read(fd, &c, 1) <= 0);
	close(fd);
	assert_true(sim_ctl_alive(sock));
	it_sim_stop(&sim);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s PATH-TO-M2MON\n", argv[0]);
		return 2;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_prestate(modem_to_modem_with_status_report, argv[1]),
		cmocka_unit_test_prestate(long_texts_between_phone_and_modem, argv[1]),
		cmocka_unit_test_prestate(port_survives_its_client_closing, argv[1]),
		cmocka_unit_test_prestate(control_socket_survives_bad_requests, argv[1]),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
