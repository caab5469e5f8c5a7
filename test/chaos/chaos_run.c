/* One chaos run: the network (base modem, the unit's modem, three phones) with the seed's
 * loss, duplication and reordering; the real base and unit; `cycles` alarm stories (the
 * probe crosses its limit, the call list is told, Bob ACKs, the probe comes back) while the
 * seed's plan injects every fault: the modem faults at steps of the story, the kills at the
 * n-th time a daemon logs one of its lines, seen as soon as it is written (inotify). */
#include "chaos.h"

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include <cmocka.h>

enum kind {
	K_HANG_PROMPT,
	K_HANG_SENT,
	K_GARBAGE,
	K_REBOOT,
	K_NO_NETWORK,
	K_SIM_FULL,
	K_UNPLUG,
	K_MODEM_FAULTS, /* the ones above are `m2mon sim fault` kinds */
	K_KILL_UNIT = K_MODEM_FAULTS,
	K_KILL_BASE,
	K_POWER_CUT,
	K_COUNT,
};

static const char *const kind_names[K_COUNT] = {"hang-prompt", "hang-sent", "garbage", "reboot",
						"no-network",  "sim-full",  "unplug",  "kill-unit",
						"kill-base",   "power-cut"};

/* Lines each daemon writes in every story, and how often at least per cycle. */
static const struct point {
	const char *needle;
	int per_cycle;
} base_points[] = {{"event=unit_message", 2}, {"mod=alerts event=sms ", 9}, {"event=sms_sending", 9},
		   {"event=sms_sent", 9},     {"event=phone_command", 1},   {"event=sms_delivered", 6}},
  unit_points[] = {{"mod=unit event=sending", 2}, {"mod=unit event=sent", 2}, {"mod=unit event=receipt", 1}};

struct fault {
	enum kind kind;
	const char *modem;  /* modem faults: base or unit1 */
	int step;           /* modem faults: the story's step */
	const char *needle; /* kills: the log line, and its occurrence */
	int at;
	bool done;
};

struct run {
	struct it_sim sim;
	struct it_base b;
	const struct chaos_opts *o;
	struct fault plan[K_COUNT];
	struct chaos_counts *c;
	int ids[16]; /* each story's incident */
	int ack_tries;
};

static void make_plan(struct run *r, uint64_t seed)
{
	uint64_t s = seed;
	int steps = 4 * r->o->cycles;
	for (int k = 0; k < K_COUNT; k++) {
		struct fault *f = &r->plan[k];
		f->kind = (enum kind)k;
		if (k < K_MODEM_FAULTS) {
			f->modem = it_splitmix(&s) % 2 ? "base" : "unit1";
			f->step = (int)(it_splitmix(&s) % (uint64_t)steps);
			continue;
		}
		bool unit = k == K_KILL_UNIT;
		const struct point *pts = unit ? unit_points : base_points;
		size_t n = unit ? sizeof(unit_points) / sizeof(unit_points[0])
				: sizeof(base_points) / sizeof(base_points[0]);
		const struct point *p = &pts[it_splitmix(&s) % n];
		f->needle = p->needle;
		f->at = 1 + (int)(it_splitmix(&s) % (uint64_t)(p->per_cycle * r->o->cycles));
	}
	printf("  plan:");
	for (int k = 0; k < K_COUNT; k++) {
		const struct fault *f = &r->plan[k];
		if (k < K_MODEM_FAULTS)
			printf(" %s@%s/step%d", kind_names[k], f->modem, f->step);
		else
			printf(" %s@\"%s\"#%d", kind_names[k], f->needle, f->at);
	}
	printf("\n");
	fflush(stdout);
}

static void unit_kill(struct it_base *b)
{
	assert_int_equal(kill(b->unit_pid, SIGKILL), 0);
	int status = 0;
	assert_int_equal(waitpid(b->unit_pid, &status, 0), b->unit_pid);
	b->unit_pid = 0;
}

static void power_cut(struct run *r)
{
	it_base_kill(&r->b);
	unit_kill(&r->b);
	r->c->integrity_bad += !chaos_integrity(r->b.db, true);
	r->c->integrity_bad += !chaos_integrity(r->b.unit_db, false);
	it_base_spawn(&r->b);
	it_base_unit_start(&r->b);
}

/* Fires each kill whose point is in its daemon's log now. */
static void kills(struct run *r)
{
	for (int k = K_KILL_UNIT; k < K_COUNT; k++) {
		struct fault *f = &r->plan[k];
		const char *const needles[] = {f->needle, NULL};
		if (f->done || (k == K_KILL_UNIT ? it_base_unit_count(&r->b, needles)
						 : it_base_count(&r->b, needles)) < f->at)
			continue;
		f->done = true;
		if (k == K_KILL_UNIT) {
			unit_kill(&r->b);
			it_base_unit_start(&r->b);
			r->c->kills_unit++;
		} else if (k == K_KILL_BASE) {
			it_base_kill(&r->b);
			it_base_spawn(&r->b);
			r->c->kills_base++;
		} else {
			power_cut(r);
			r->c->power_cuts++;
		}
	}
}

static void modem_faults(struct run *r, int step)
{
	for (int k = 0; k < K_MODEM_FAULTS; k++) {
		struct fault *f = &r->plan[k];
		if (f->step != step)
			continue;
		char ms[16];
		int v = k == K_NO_NETWORK ? r->o->nonet_ms : k == K_UNPLUG ? r->o->unplug_ms : r->o->hang_ms;
		snprintf(ms, sizeof(ms), "%d", v);
		bool arg = k != K_GARBAGE && k != K_REBOOT && k != K_SIM_FULL;
		const char *args[] = {f->modem, kind_names[k], arg ? ms : NULL, NULL};
		assert_int_equal(it_cli(&r->sim, "fault", args, NULL, 0), 0);
		f->done = true;
		r->c->faults++;
	}
}

struct dues {
	const struct chaos_due *d;
	int n;
};

static bool all_met(struct run *r, void *ctx)
{
	const struct dues *w = ctx;
	for (int i = 0; i < w->n; i++)
		if (!chaos_due_met(&r->b, &w->d[i]))
			return false;
	return true;
}

struct until {
	struct run *r;
	bool (*done)(struct run *r, void *ctx);
	void *ctx;
};

static bool kills_then_done(void *ctx)
{
	struct until *u = ctx;
	kills(u->r);
	return u->done(u->r, u->ctx);
}

/* Waits until `done` says so or `bound_ms` passed, firing the kills on the way; woken by each
 * write to the daemons' logs and to the network's record. */
static bool await_until(struct run *r, bool (*done)(struct run *r, void *ctx), void *ctx, int bound_ms)
{
	struct until u = {r, done, ctx};
	const char *watch[] = {r->sim.root, r->sim.dir};
	return it_wait_until(watch, 2, kills_then_done, &u, bound_ms);
}

static bool await(struct run *r, const struct chaos_due *d, int n, int bound_ms)
{
	struct dues w = {d, n};
	return await_until(r, all_met, &w, bound_ms);
}

struct incident {
	int after, id;
};

static bool incident_texted(struct run *r, void *ctx)
{
	struct incident *inc = ctx;
	return (inc->id = chaos_incident_after(&r->b, inc->after)) > 0;
}

/* Bob ACKs the incident; like a person who sees no answer, he sends it again now and then. */
static void ack(struct run *r, int id, const struct chaos_due *d)
{
	char text[32];
	snprintf(text, sizeof(text), "ACK %d", id);
	int64_t deadline = it_mono_ms() + r->o->phase_ms;
	do {
		it_base_send(&r->b, IT_BOB, IT_BASE_NUMBER, text);
		r->ack_tries++;
		if (await(r, &d[3], 1, r->o->phase_ms / 4))
			break;
	} while (it_mono_ms() < deadline);
	await(r, &d[4], 2, (int)(deadline - it_mono_ms() > 0 ? deadline - it_mono_ms() : 0));
}

static void story(struct run *r)
{
	int last = 0;
	for (int k = 0; k < r->o->cycles; k++) {
		struct chaos_due d[CHAOS_DUES];
		modem_faults(r, 4 * k);
		it_base_probe(&r->b, "9.4");
		struct incident inc = {last, 0};
		await_until(r, incident_texted, &inc, r->o->phase_ms);
		r->ids[k] = inc.id;
		if (inc.id)
			last = inc.id;
		chaos_dues(inc.id ? inc.id : 1000000 + k, d);
		await(r, &d[0], 3, r->o->phase_ms);
		modem_faults(r, 4 * k + 1);
		ack(r, inc.id ? inc.id : 1000000 + k, d);
		modem_faults(r, 4 * k + 2);
		it_base_probe(&r->b, "4.0");
		await(r, &d[6], 3, r->o->phase_ms);
		modem_faults(r, 4 * k + 3);
	}
}

/* Replaces the first `key` in the file at `path` with itself followed by `more`. */
static void conf_add(const char *path, const char *key, const char *more)
{
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char text[8192];
	size_t n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	char *at = strstr(text, key);
	assert_non_null(at);
	at += strlen(key);
	char out[8400];
	snprintf(out, sizeof(out), "%.*s %s%s", (int)(at - text), text, more, at);
	it_write_file(path, out);
}

/* The daemons' slow timers scaled like the rest of the run: the unit's resends and AT+CMGS
 * bound (its defaults: 2 min doubling to 1 h, 2 min), both modems' status poll (1 min),
 * which is how a module without a storage-full line is found full. */
static void scale(const struct it_base *b)
{
	conf_add(b->unit_conf, "heartbeat = \"10m\";",
		 "resend = \"10s\"; resend_max = \"30s\"; send_timeout = \"5s\";");
	conf_add(b->unit_conf, "profile = \"generic\";", "status_poll_s = 5;");
	conf_add(b->conf, "status_reports = true;", "status_poll_s = 5;");
}

static void start(struct run *r, const char *m2mon, uint64_t seed)
{
	char sim_seed[24];
	snprintf(sim_seed, sizeof(sim_seed), "%d", (int)(seed % 2147483646) + 1);
	const char *args[] = {"--loss",      r->o->loss, "--duplicate", r->o->dup, "--reorder",
			      r->o->reorder, "--seed",   sim_seed,      NULL};
	it_base_net(&r->sim, m2mon, false, true, args);
}

bool chaos_run(const char *m2mon, const struct chaos_opts *o, uint64_t seed, struct chaos_counts *c)
{
	static struct run one; /* static: a failed assertion leaves by longjmp */
	struct run *r = &one;
	memset(r, 0, sizeof(*r));
	int64_t t0 = it_mono_ms();
	memset(c, 0, sizeof(*c));
	r->o = o;
	r->c = c;
	make_plan(r, seed);
	start(r, m2mon, seed);
	it_base_conf(&r->b, &r->sim, false, NULL, "report_timeout = \"5s\";");
	it_base_unit_conf(&r->b, IT_BASE_NUMBER, "4.0", NULL);
	scale(&r->b);
	it_base_start(&r->b);
	char pct[16];
	snprintf(pct, sizeof(pct), "%d", o->unit_loss_pct);
	if (o->unit_loss_pct > 0)
		assert_int_equal(
			it_cli(&r->sim, "fault", (const char *const[]){"unit1", "loss", pct, NULL}, NULL, 0),
			0);
	it_base_unit_start(&r->b);
	story(r);
	int sent = 0;
	/* Each wait ends at a receipt or after IT_TIMEOUT_MS. A receipt the network lost is sent
	 * again only for a copy that comes a minute or more after it (BASE_RECEIPT_COPY_MS, so a
	 * replay cannot make the base text), and the unit's resends come every resend_max (30 s
	 * here): a lost receipt can cost 90 s more than the phase. */
	for (int i = 0; i <= (o->phase_ms + 90000) / IT_TIMEOUT_MS; i++)
		if ((c->inbound_lost = it_base_wait_covered(&r->b, &sent)) == 0)
			break;
	it_base_unit_stop(&r->b);
	it_base_stop(&r->b);
	c->integrity_bad += !chaos_integrity(r->b.db, true);
	c->integrity_bad += !chaos_integrity(r->b.unit_db, false);
	c->alarms = chaos_unit_alarms(&r->b);
	chaos_count(&r->b, r->ids, o->cycles, c);
	c->lost += c->inbound_lost;
	c->ms = it_mono_ms() - t0;
	bool ok = c->lost == 0 && c->dup_beyond == 0 && c->integrity_bad == 0;
	if (!ok) {
		printf("  kept for a look: %s (base.log, unit.log, net/sms.jsonl)\n", r->sim.root);
		setenv("IT_KEEP", "1", 1);
	}
	it_sim_stop(&r->sim);
	unsetenv("IT_KEEP");
	return ok;
}
