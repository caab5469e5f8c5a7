/* A small scripted modem on a real pseudo-terminal for the `m2mon sms`/`modem` command
 * tests: echo on at start, SIM PIN, PDU-mode storage, AT+CMGS with the `> ` prompt; every
 * SMS it is asked to send or delete goes to a log file the test reads. Just enough of a
 * modem to make the commands' behaviour observable; the simulator (sim/) is the real one.
 * Prints `ready` once LINK exists. --incoming: that message arrives (stored, +CMTI) as soon as
 * the client's first listing is answered, so a test waits on events, not on time.
 * Usage: fake_modem LINK LOG [--pin PIN] [--store PDU]... [--refuse CODE] [--incoming PDU] */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#define SLOTS 30

struct fake {
	int fd;
	FILE *log;
	bool echo, pin_ok, text_entry;
	bool sr; /* AT+CPMS="SR": the (always empty) status-report storage is <mem1> */
	const char *pin;
	char *slot[SLOTS + 1];
	int refuse, next_mr;
	const char *incoming; /* arrives after the first AT+CMGL is answered; NULL once it did */
	char line[1024];
	size_t len;
};

__attribute__((format(printf, 2, 3))) static void say(struct fake *f, const char *fmt, ...)
{
	char buf[1200];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0 && write(f->fd, buf, (size_t)n) != n)
		perror("fake_modem: write");
}

static int used(const struct fake *f)
{
	int n = 0;
	for (int i = 1; i <= SLOTS; i++)
		n += f->slot[i] != NULL;
	return n;
}

static int store(struct fake *f, const char *pdu)
{
	for (int i = 1; i <= SLOTS; i++) {
		if (!f->slot[i]) {
			f->slot[i] = strdup(pdu);
			return i;
		}
	}
	return -1;
}

static int tpdu_len(const char *pdu)
{
	char smsc[3] = {pdu[0], pdu[1], 0};
	return (int)(strlen(pdu) / 2) - 1 - (int)strtol(smsc, NULL, 16);
}

static bool arg_index(const char *cmd, const char *prefix, int *out)
{
	size_t n = strlen(prefix);
	char *end;
	if (strncmp(cmd, prefix, n) != 0)
		return false;
	long v = strtol(cmd + n, &end, 10);
	if (*end || end == cmd + n)
		return false;
	*out = (int)v;
	return true;
}

static void list(struct fake *f)
{
	for (int i = 1; i <= SLOTS; i++)
		if (f->slot[i])
			say(f, "\r\n+CMGL: %d,1,,%d\r\n%s", i, tpdu_len(f->slot[i]), f->slot[i]);
	say(f, "\r\n\r\nOK\r\n");
}

/* +CPMS, and what the (always empty) status-report storage answers once selected. */
static void storage(struct fake *f, const char *c)
{
	if (!strncmp(c, "AT+CPMS=", 8)) {
		f->sr = !strcmp(c, "AT+CPMS=\"SR\"");
		say(f, "\r\n+CPMS: %d,%d,%d,%d,%d,%d\r\n\r\nOK\r\n", f->sr ? 0 : used(f), SLOTS, used(f),
		    SLOTS, used(f), SLOTS);
	} else if (!strcmp(c, "AT+CPMS?")) {
		say(f, "\r\n+CPMS: \"%s\",%d,%d,\"SM\",%d,%d,\"SM\",%d,%d\r\n\r\nOK\r\n", f->sr ? "SR" : "SM",
		    f->sr ? 0 : used(f), SLOTS, used(f), SLOTS, used(f), SLOTS);
	} else {
		say(f, !strcmp(c, "AT+CMGL=4") ? "\r\nOK\r\n" : "\r\n+CMS ERROR: 321\r\n");
	}
}

/* Answers one command; returns false for an unknown one. */
static bool answer(struct fake *f, const char *c)
{
	int i;
	if (!strcmp(c, "AT") || !strcmp(c, "AT+CMEE=1") || !strcmp(c, "AT+CREG=1") ||
	    !strcmp(c, "AT+CMGF=0") || !strncmp(c, "AT+CNMI=", 8) || !strcmp(c, "AT+COPS=3,0")) {
		say(f, "\r\nOK\r\n");
	} else if (!strcmp(c, "ATE0") || !strcmp(c, "ATE1")) {
		f->echo = c[3] == '1';
		say(f, "\r\nOK\r\n");
	} else if (!strcmp(c, "AT+CGMI")) {
		say(f, "\r\nFakeModem\r\n\r\nOK\r\n");
	} else if (!strcmp(c, "AT+CGMM")) {
		say(f, "\r\nFM-1\r\n\r\nOK\r\n");
	} else if (!strcmp(c, "AT+CGMR")) {
		say(f, "\r\n1.0\r\n\r\nOK\r\n");
	} else if (!strcmp(c, "AT+CGSN")) {
		say(f, "\r\n490154203237518\r\n\r\nOK\r\n");
	} else if (!strcmp(c, "AT+CPIN?")) {
		say(f, "\r\n+CPIN: %s\r\n\r\nOK\r\n", f->pin_ok ? "READY" : "SIM PIN");
	} else if (!strncmp(c, "AT+CPIN=\"", 9)) {
		bool ok = f->pin && !strncmp(c + 9, f->pin, strlen(f->pin)) && c[9 + strlen(f->pin)] == '"';
		f->pin_ok = f->pin_ok || ok;
		say(f, ok ? "\r\nOK\r\n" : "\r\n+CME ERROR: 16\r\n");
	} else if (!strcmp(c, "AT+CREG?")) {
		say(f, "\r\n+CREG: 1,1\r\n\r\nOK\r\n");
	} else if (!strncmp(c, "AT+CPMS", 7) ||
		   (f->sr &&
		    (!strcmp(c, "AT+CMGL=4") || !strncmp(c, "AT+CMGR=", 8) || !strncmp(c, "AT+CMGD=", 8)))) {
		storage(f, c);
	} else if (!strcmp(c, "AT+COPS?")) {
		say(f, "\r\n+COPS: 0,0,\"Fake Net\",7\r\n\r\nOK\r\n");
	} else if (!strcmp(c, "AT+CSQ")) {
		say(f, "\r\n+CSQ: 20,99\r\n\r\nOK\r\n");
	} else if (!strcmp(c, "AT+CMGL=4")) {
		list(f);
		if (f->incoming) {
			say(f, "\r\n+CMTI: \"SM\",%d\r\n", store(f, f->incoming));
			f->incoming = NULL;
		}
	} else if (arg_index(c, "AT+CMGR=", &i)) {
		if (i >= 1 && i <= SLOTS && f->slot[i])
			say(f, "\r\n+CMGR: 1,,%d\r\n%s\r\n\r\nOK\r\n", tpdu_len(f->slot[i]), f->slot[i]);
		else
			say(f, "\r\n+CMS ERROR: 321\r\n");
	} else if (arg_index(c, "AT+CMGD=", &i)) {
		if (i >= 1 && i <= SLOTS && f->slot[i]) {
			free(f->slot[i]);
			f->slot[i] = NULL;
		}
		fprintf(f->log, "CMGD %d\n", i);
		say(f, "\r\nOK\r\n");
	} else if (arg_index(c, "AT+CMGS=", &i)) {
		fprintf(f->log, "CMGS %d ", i);
		f->text_entry = true;
		say(f, "\r\n> ");
	} else {
		return false;
	}
	return true;
}

static void text_byte(struct fake *f, char c)
{
	if (c == 0x1a || c == 0x1b) {
		f->text_entry = false;
		fprintf(f->log, "%s\n", c == 0x1a ? "" : "(cancelled)");
		if (c == 0x1b)
			say(f, "\r\nOK\r\n");
		else if (f->refuse)
			say(f, "\r\n+CMS ERROR: %d\r\n", f->refuse);
		else
			say(f, "\r\n+CMGS: %d\r\n\r\nOK\r\n", ++f->next_mr);
		return;
	}
	fputc(c, f->log);
}

static void input(struct fake *f, const char *buf, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		char c = buf[k];
		if (f->text_entry) {
			text_byte(f, c);
			continue;
		}
		if (f->echo)
			say(f, "%c", c);
		if (c == '\n')
			continue;
		if (c != '\r') {
			if (f->len < sizeof(f->line) - 1)
				f->line[f->len++] = c;
			continue;
		}
		f->line[f->len] = '\0';
		if (f->len && !answer(f, f->line))
			say(f, "\r\nERROR\r\n");
		f->len = 0;
	}
	fflush(f->log);
}

static int open_pty(const char *link)
{
	struct termios tio;
	int m = posix_openpt(O_RDWR | O_NOCTTY);
	if (m < 0 || grantpt(m) || unlockpt(m))
		return -1;
	const char *slave = ptsname(m);
	int keep = open(slave, O_RDWR | O_NOCTTY); /* keeps the master readable between clients */
	if (keep < 0 || tcgetattr(keep, &tio))
		return -1;
	cfmakeraw(&tio);
	tcsetattr(keep, TCSANOW, &tio);
	unlink(link);
	if (symlink(slave, link))
		return -1;
	return m;
}

int main(int argc, char **argv)
{
	static struct fake f = {.echo = true, .pin_ok = true};
	if (argc < 3) {
		fprintf(stderr, "usage: fake_modem LINK LOG [--pin PIN] [--store PDU]... [--refuse CODE] "
				"[--incoming PDU]\n");
		return 2;
	}
	for (int i = 3; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--pin")) {
			f.pin = argv[i + 1];
			f.pin_ok = false;
		} else if (!strcmp(argv[i], "--store")) {
			store(&f, argv[i + 1]);
		} else if (!strcmp(argv[i], "--refuse")) {
			f.refuse = atoi(argv[i + 1]);
		} else if (!strcmp(argv[i], "--incoming")) {
			f.incoming = argv[i + 1];
		}
	}
	f.log = fopen(argv[2], "a");
	f.fd = open_pty(argv[1]);
	if (f.fd < 0 || !f.log) {
		perror("fake_modem");
		return 1;
	}
	/* Each log line is complete on disk before the answer that ends it is written, so a
	 * test that reads the log after the command returned sees it. */
	setvbuf(f.log, NULL, _IOLBF, 0);
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		struct pollfd p = {f.fd, POLLIN, 0};
		int rc = poll(&p, 1, -1);
		if (rc < 0 && errno != EINTR)
			return 1;
		if (rc > 0) {
			char buf[256];
			ssize_t n = read(f.fd, buf, sizeof(buf));
			if (n > 0)
				input(&f, buf, (size_t)n);
		}
	}
}
