/* The `m2mon sim` process wiring: one libuv loop driving, for each virtual modem, its PTY
 * line and deadline timer, the SMSC engine and its timer, the control socket, the sms.jsonl
 * record, and SIGTERM/SIGINT for a clean exit. */
#include "sim_run.h"

#include "log.h"
#include "sim_run_int.h"

#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#define NET_RETRY_MS 1000

static uint64_t now_ms(struct sim_run *run)
{
	return uv_now(&run->loop);
}

static void arm(uv_timer_t *t, uint64_t deadline, uint64_t now, uv_timer_cb cb)
{
	if (deadline == UINT64_MAX) {
		uv_timer_stop(t);
		return;
	}
	uv_timer_start(t, cb, deadline > now ? deadline - now : 0, 0);
}

static void on_modem_timer(uv_timer_t *t)
{
	struct run_modem *m = t->data;
	vmodem_tick(m->vm, now_ms(m->run));
	sim_run_rearm_modem(m);
}

void sim_run_rearm_modem(struct run_modem *m)
{
	if (!m->run->stopping)
		arm(&m->timer, vmodem_next_deadline(m->vm), now_ms(m->run), on_modem_timer);
}

static void on_net_timer(uv_timer_t *t)
{
	struct sim_run *run = t->data;
	sim_net_tick(run->net, now_ms(run));
	sim_run_rearm_net(run);
	sim_run_net_progress(run);
}

void sim_run_rearm_net(struct sim_run *run)
{
	if (!run->stopping)
		arm(&run->net_timer, sim_net_next_deadline(run->net), now_ms(run), on_net_timer);
}

/* vmodem hooks */
static void modem_write(void *user, const void *buf, size_t len)
{
	struct run_modem *m = user;
	if (m->line)
		sim_line_write(m->line, buf, len);
}

static int modem_submit(void *user, const uint8_t *tpdu, size_t len, uint8_t mr)
{
	struct run_modem *m = user;
	(void)mr;
	if (!vmodem_registered(m->vm))
		return 331; /* TS 27.005 3.2.5: no network service */
	int rc = sim_net_modem_submit(m->run->net, m->index, tpdu, len, now_ms(m->run));
	sim_run_rearm_net(m->run);
	return rc;
}

static void line_input(void *user, const void *buf, size_t len)
{
	struct run_modem *m = user;
	vmodem_input(m->vm, buf, len, now_ms(m->run));
	sim_run_rearm_modem(m);
}

/* sim_net hooks */
static int net_deliver(void *user, int modem, const uint8_t *tpdu, size_t len, uint64_t now)
{
	struct run_modem *m = &((struct sim_run *)user)->modems[modem];
	int rc = vmodem_deliver(m->vm, tpdu, len, now);
	sim_run_rearm_modem(m);
	return rc;
}

static int net_status_report(void *user, int modem, const uint8_t *tpdu, size_t len, uint64_t now)
{
	struct run_modem *m = &((struct sim_run *)user)->modems[modem];
	int rc = vmodem_status_report(m->vm, tpdu, len, now);
	sim_run_rearm_modem(m);
	return rc;
}

static json_t *iso_time(uint64_t ms)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	char buf[40];
	size_t n = strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, sizeof(buf) - n, ".%03uZ", (unsigned)(ms % 1000));
	return json_string(buf);
}

static void net_record(void *user, const struct sim_net_record *r)
{
	struct sim_run *run = user;
	if (!run->jsonl)
		return;
	json_t *faults = json_array();
	for (int b = 0; b < SIM_NET_F_COUNT; b++)
		if (r->faults & (1u << b))
			json_array_append_new(faults, json_string(sim_net_fault_bit_str(b)));
	json_t *o = json_pack(
		"{s:o,s:o,s:I,s:s,s:s,s:s,s:s,s:s,s:i,s:i,s:s,s:b,s:i,s:o,s:i}", "time", iso_time(r->done_ms),
		"submitted", iso_time(r->submit_ms), "id", (json_int_t)r->id, "type",
		r->is_report ? "status-report" : "sms", "from", r->from, "to", r->to, "text", r->part->text,
		"encoding", sim_coding_str(r->part->coding), "parts",
		r->part->concat.total ? r->part->concat.total : 1, "part",
		r->part->concat.total ? r->part->concat.seq : 1, "status", sim_net_status_str(r->status),
		"status_report", r->status_report, "attempts", r->attempts, "faults", faults, "mr", r->mr);
	if (o && r->is_report)
		json_object_set_new(o, "tp_status", json_integer(r->tp_status));
	if (!o)
		return; /* text that is not UTF-8 cannot happen: sim_pdu hands out UTF-8 only */
	char *line = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (line) {
		fprintf(run->jsonl, "%s\n", line);
		fflush(run->jsonl);
	}
	free(line);
}

static void net_phone_received(void *user, const struct sim_phone *phone)
{
	sim_run_phone_received(user, phone);
}

static const struct vmodem_hooks modem_hooks = {modem_write, modem_submit};
static const struct sim_net_hooks net_hooks = {net_deliver, net_status_report, net_record,
					       net_phone_received};

static void on_closed_nothing(uv_handle_t *h)
{
	(void)h;
}

static void shutdown_run(struct sim_run *run)
{
	if (run->stopping)
		return;
	run->stopping = true;
	sim_run_drop_waiters(run);
	sim_ctl_close(run->ctl);
	run->ctl = NULL;
	if (!run->handles_init)
		return;
	for (int i = 0; i < run->n_open; i++) {
		sim_line_close(run->modems[i].line);
		run->modems[i].line = NULL;
		uv_close((uv_handle_t *)&run->modems[i].timer, on_closed_nothing);
		uv_close((uv_handle_t *)&run->modems[i].replug, on_closed_nothing);
	}
	uv_close((uv_handle_t *)&run->net_timer, on_closed_nothing);
	uv_close((uv_handle_t *)&run->sig_term, on_closed_nothing);
	uv_close((uv_handle_t *)&run->sig_int, on_closed_nothing);
}

static void on_signal(uv_signal_t *h, int signum)
{
	struct sim_run *run = h->data;
	log_info("sim", "event=stopping signal=%s", signum == SIGTERM ? "TERM" : "INT");
	shutdown_run(run);
}

/* The modem's PTY behind DIR/NAME.tty. */
static int open_line(struct run_modem *m)
{
	struct sim_run *run = m->run;
	const struct sim_modem_settings *ms = &run->s.modems[m->index];
	char link[4200];
	snprintf(link, sizeof(link), "%s/%s.tty", run->dir, ms->name);
	int rc = sim_line_open(&run->loop, link, run->s.baud, line_input, m, &m->line);
	if (rc < 0)
		log_error("sim",
			  "event=pty_failed modem=%s link=%s err=\"%s\" what_to_do=\"check that "
			  "DIR is writable and /dev/pts is mounted\"",
			  ms->name, link, strerror(-rc));
	return rc;
}

static void on_replug(uv_timer_t *t)
{
	struct run_modem *m = t->data;
	const char *name = m->run->s.modems[m->index].name;
	if (m->run->stopping || m->line)
		return;
	if (open_line(m) < 0) {
		uv_timer_start(&m->replug, on_replug, NET_RETRY_MS, 0);
		return;
	}
	log_info("sim", "event=replugged modem=%s tty=%s", name, sim_line_tty(m->line));
	vmodem_power_on(m->vm, now_ms(m->run));
	sim_run_rearm_modem(m);
}

void sim_run_unplug(struct run_modem *m, uint32_t ms)
{
	if (m->line) {
		sim_line_close(m->line); /* the link goes now, the PTY once libuv lets it */
		m->line = NULL;
		vmodem_power_off(m->vm, now_ms(m->run));
	}
	log_info("sim", "event=unplugged modem=%s replug_ms=%u", m->run->s.modems[m->index].name, ms);
	uv_timer_start(&m->replug, on_replug, ms, 0);
}

static int open_modem(struct sim_run *run, int i)
{
	struct run_modem *m = &run->modems[i];
	const struct sim_modem_settings *ms = &run->s.modems[i];
	m->run = run;
	m->index = i;
	int rc = open_line(m);
	if (rc < 0)
		return rc;
	struct timeval tv;
	gettimeofday(&tv, NULL);
	struct vmodem_config cfg = {
		.epoch_ms = (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000 - (int64_t)now_ms(run),
		.name = ms->name,
		.number = ms->number,
		.smsc = run->s.smsc,
		.pin = ms->pin,
		.model = (enum vmodem_model)ms->model,
		.slots = run->s.slots,
		.seed = (uint32_t)run->s.seed + (uint32_t)i,
	};
	m->vm = vmodem_new(&cfg, &modem_hooks, m);
	if (!m->vm) {
		sim_line_close(m->line);
		return -ENOMEM;
	}
	uv_timer_init(&run->loop, &m->timer);
	uv_timer_init(&run->loop, &m->replug);
	m->timer.data = m->replug.data = m;
	run->n_open++;
	log_info("sim", "event=modem_ready modem=%s number=%s tty=%s link=%s/%s.tty", ms->name, ms->number,
		 sim_line_tty(m->line), run->dir, ms->name);
	return 0;
}

static int prepare_dir(struct sim_run *run)
{
	if (mkdir(run->dir, 0755) == 0)
		run->created_dir = true;
	else if (errno != EEXIST)
		return -errno;
	char path[4200];
	snprintf(path, sizeof(path), "%s/sms.jsonl", run->dir);
	run->jsonl = fopen(path, "a");
	return run->jsonl ? 0 : -errno;
}

static int start(struct sim_run *run)
{
	int rc = prepare_dir(run);
	if (rc < 0) {
		fprintf(stderr, "m2mon sim: cannot use directory %s: %s\n", run->dir, strerror(-rc));
		return rc;
	}
	struct timeval tv;
	gettimeofday(&tv, NULL);
	uint64_t wall_ms = (uint64_t)tv.tv_sec * 1000 + (uint64_t)tv.tv_usec / 1000;
	run->net = sim_net_new(&run->s, wall_ms - uv_now(&run->loop), NET_RETRY_MS, &net_hooks, run);
	if (!run->net)
		return -ENOMEM;
	uv_timer_init(&run->loop, &run->net_timer);
	run->net_timer.data = run;
	uv_signal_init(&run->loop, &run->sig_term);
	uv_signal_init(&run->loop, &run->sig_int);
	run->sig_term.data = run->sig_int.data = run;
	uv_signal_start(&run->sig_term, on_signal, SIGTERM);
	uv_signal_start(&run->sig_int, on_signal, SIGINT);
	run->handles_init = true;
	char sock[4200];
	snprintf(sock, sizeof(sock), "%s/sim.sock", run->dir);
	if (sim_ctl_alive(sock)) {
		fprintf(stderr,
			"m2mon sim: another simulator runs in %s; stop it first or use another "
			"--dir\n",
			run->dir);
		return -EADDRINUSE;
	}
	for (int i = 0; i < run->s.n_modems; i++)
		if ((rc = open_modem(run, i)) < 0) {
			fprintf(stderr, "m2mon sim: cannot open a PTY for modem %s: %s\n",
				run->s.modems[i].name, strerror(-rc));
			return rc;
		}
	static const struct sim_ctl_handlers ctl_handlers = {sim_run_ctl_request, sim_run_ctl_closed};
	rc = sim_ctl_listen(&run->loop, sock, &ctl_handlers, run, &run->ctl);
	if (rc < 0) {
		fprintf(stderr, "m2mon sim: cannot listen on %s: %s\n", sock, strerror(-rc));
		return rc;
	}
	return 0;
}

static void cleanup(struct sim_run *run)
{
	for (int i = 0; i < run->n_open; i++)
		vmodem_free(run->modems[i].vm);
	sim_net_free(run->net);
	if (run->jsonl)
		fclose(run->jsonl);
	if (run->created_dir && rmdir(run->dir) < 0 && errno != ENOTEMPTY && errno != EEXIST)
		log_warn("sim", "event=rmdir_failed dir=%s err=\"%s\"", run->dir, strerror(errno));
}

int sim_run(const struct sim_settings *s, const char *dir)
{
	struct sim_run *run = calloc(1, sizeof(*run));
	if (!run)
		return 1;
	run->s = *s;
	snprintf(run->dir, sizeof(run->dir), "%s", dir);
	signal(SIGPIPE, SIG_IGN);
	uv_loop_init(&run->loop);
	int rc = start(run);
	if (rc == 0) {
		for (int i = 0; i < run->n_open; i++) {
			vmodem_power_on(run->modems[i].vm, now_ms(run));
			sim_run_rearm_modem(&run->modems[i]);
		}
		log_info("sim", "event=ready dir=%s modems=%d phones=%d seed=%d", run->dir, run->s.n_modems,
			 run->s.n_phones, run->s.seed);
		printf("ready\n");
		fflush(stdout);
	} else {
		shutdown_run(run);
	}
	uv_run(&run->loop, UV_RUN_DEFAULT);
	uv_loop_close(&run->loop);
	cleanup(run);
	free(run);
	return rc == 0 ? 0 : 1;
}
