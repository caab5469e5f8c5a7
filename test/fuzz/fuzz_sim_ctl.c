/* Fuzz target: the simulator's control socket, its JSON-lines framing (sim_ctl.c) and its
 * requests (sim_run_ctl.c). Each input is what one client writes on one connection to a real
 * socket, served on a fresh network of two modems and a phone; the client half-closes and
 * reads until the server closes. Every answer must be one JSON object with a boolean "ok". */
#include "sim_run_int.h"

#include "log.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int to_modem(void *user, int modem, const uint8_t *tpdu, size_t len, uint64_t now_ms)
{
	struct sim_run *run = user;
	return vmodem_deliver(run->modems[modem].vm, tpdu, len, now_ms);
}

static int report_to_modem(void *user, int modem, const uint8_t *tpdu, size_t len, uint64_t now_ms)
{
	struct sim_run *run = user;
	return vmodem_status_report(run->modems[modem].vm, tpdu, len, now_ms);
}

static void phone_received(void *user, const struct sim_phone *phone)
{
	sim_run_phone_received(user, phone);
}

static void line_discarded(void *user, const void *buf, size_t len)
{
	(void)user, (void)buf, (void)len;
}

static int no_submit(void *user, const uint8_t *tpdu, size_t len, uint8_t mr)
{
	(void)user, (void)tpdu, (void)len, (void)mr;
	return 500; /* no client types on the modems' lines here */
}

static const struct sim_net_hooks net_hooks = {to_modem, report_to_modem, NULL, phone_received};
static const struct vmodem_hooks modem_hooks = {line_discarded, no_submit};
static const struct sim_ctl_handlers ctl_handlers = {sim_run_ctl_request, sim_run_ctl_closed};

static void settings(struct sim_settings *s)
{
	static const char *const names[] = {"base", "unit1"}, *const numbers[] = {"+15550001000",
										  "+15550002001"};
	*s = (struct sim_settings){
		.smsc = "+15550000000", .seed = 1, .slots = 3, .n_modems = 2, .n_phones = 1};
	for (int i = 0; i < 2; i++) {
		snprintf(s->modems[i].name, sizeof(s->modems[i].name), "%s", names[i]);
		snprintf(s->modems[i].number, sizeof(s->modems[i].number), "%s", numbers[i]);
		s->modems[i].model = i;
	}
	snprintf(s->phones[0].name, sizeof(s->phones[0].name), "alice");
	snprintf(s->phones[0].number, sizeof(s->phones[0].number), "+15550003001");
}

static struct sim_run *run_new(const char *sock)
{
	struct sim_run *run = calloc(1, sizeof(*run));
	if (!run || uv_loop_init(&run->loop) != 0)
		abort();
	settings(&run->s);
	run->net = sim_net_new(&run->s, 0, 1000, &net_hooks, run);
	uv_timer_init(&run->loop, &run->net_timer);
	run->net_timer.data = run;
	for (int i = 0; i < run->s.n_modems; i++) {
		struct run_modem *m = &run->modems[i];
		struct vmodem_config cfg = {.name = run->s.modems[i].name,
					    .number = run->s.modems[i].number,
					    .smsc = run->s.smsc,
					    .model = (enum vmodem_model)run->s.modems[i].model,
					    .slots = run->s.slots,
					    .epoch_ms = 1767225600000LL};
		*m = (struct run_modem){.run = run, .index = i, .vm = vmodem_new(&cfg, &modem_hooks, m)};
		uv_timer_init(&run->loop, &m->timer);
		m->timer.data = m;
		if (!m->vm)
			abort();
		vmodem_power_on(m->vm, uv_now(&run->loop));
		run->n_open++;
	}
	run->handles_init = true;
	if (!run->net || sim_ctl_listen(&run->loop, sock, &ctl_handlers, run, &run->ctl) != 0)
		abort();
	return run;
}

static void run_free(struct sim_run *run)
{
	run->stopping = true;
	sim_run_drop_waiters(run);
	sim_ctl_close(run->ctl);
	for (int i = 0; i < run->n_open; i++)
		uv_close((uv_handle_t *)&run->modems[i].timer, NULL);
	uv_close((uv_handle_t *)&run->net_timer, NULL);
	uv_run(&run->loop, UV_RUN_DEFAULT); /* every handle is closing: returns once they are */
	uv_loop_close(&run->loop);
	for (int i = 0; i < run->n_open; i++)
		vmodem_free(run->modems[i].vm);
	sim_net_free(run->net);
	free(run);
}

static int connect_to(const char *sock)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", sock);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0)
		abort(); /* the listener is bound: a local connect completes at once */
	return fd;
}

/* Writes `data` (interleaved with the loop, so neither side blocks), half-closes, and keeps
 * what the server answers in `*out` until it closes the connection. */
static void exchange(struct sim_run *run, int fd, const uint8_t *data, size_t size, char **out, size_t *len)
{
	size_t off = 0, cap = 0;
	bool shut = false;
	for (;;) {
		uv_run(&run->loop, UV_RUN_NOWAIT);
		ssize_t n = off < size ? write(fd, data + off, size - off) : 0;
		off += n > 0 ? (size_t)n : 0;
		if (off == size && !shut)
			shut = shutdown(fd, SHUT_WR) == 0;
		if (cap - *len < 4096 && !(*out = realloc(*out, cap += 65536)))
			abort();
		n = read(fd, *out + *len, cap - *len - 1);
		if (n == 0 || (n < 0 && errno != EAGAIN))
			break;
		*len += n > 0 ? (size_t)n : 0;
		struct pollfd p[2] = {{.fd = fd, .events = POLLIN | (off < size ? POLLOUT : 0)},
				      {.fd = uv_backend_fd(&run->loop), .events = POLLIN}};
		poll(p, 2, uv_backend_timeout(&run->loop));
	}
	(*out)[*len] = '\0';
}

static void check_answers(const char *text)
{
	for (const char *line = text; *line;) {
		const char *nl = strchr(line, '\n');
		if (!nl)
			abort(); /* every answer is a whole line */
		json_error_t err;
		json_t *a = json_loadb(line, (size_t)(nl - line), 0, &err);
		if (!json_is_object(a) || !json_is_boolean(json_object_get(a, "ok")))
			abort();
		json_decref(a);
		line = nl + 1;
	}
}

static char dir[] = "/tmp/m2-fuzz-ctl-XXXXXX";

static void remove_dir(void)
{
	rmdir(dir); /* sim_ctl_close removed the socket */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char sock[64];
	if (!sock[0]) {
		if (!mkdtemp(dir))
			abort();
		atexit(remove_dir);
		snprintf(sock, sizeof(sock), "%s/sim.sock", dir);
		log_setup(LOG_LEVEL_ERROR, false, "fuzz");
	}
	struct sim_run *run = run_new(sock);
	int fd = connect_to(sock);
	char *out = NULL;
	size_t len = 0;
	exchange(run, fd, data, size, &out, &len);
	close(fd);
	run_free(run);
	check_answers(out);
	free(out);
	return 0;
}
