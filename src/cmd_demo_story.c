/* The demo's story, one step after another: each step acts through what a person has (the
 * chiller's probe file, the phones of the simulator, its fault switch) and is done when its
 * outcome shows in what the network carried or the base recorded. The pacing uses timers; a
 * step that does not happen within a generous bound ends the demo with exit status 1. */
#include "cmd_demo.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define BOUND_MS 60000 /* on top of a step's own time: a loaded machine is slow, not wrong */

struct step {
	const char *title;
	int gap_s;   /* the story's pause before the step acts, at speed 1 */
	int story_s; /* how long it takes by design, at speed 1 (the escalation delay...) */
	void (*act)(struct demo *d);
	bool (*done)(struct demo *d);
	const char *awaited; /* for the message when it does not happen */
};

static void tool(struct demo *d, const char *name, const char *const *args)
{
	if (demo_spawn(d, name, false, "tools.log", args))
		d->tool_pending++;
	else
		d->tool_failed = true;
}

static void phone_sends(struct demo *d, enum demo_who from, const char *text)
{
	const char *args[] = {"sim",    "send",
			      "--dir",  d->net,
			      "--from", demo_parties[from].number,
			      "--to",   demo_parties[DEMO_BASE].number,
			      text,     NULL};
	tool(d, "m2mon sim send", args);
}

static bool file_has(const struct demo *d, const char *name, const char *needle, char *rest, size_t size)
{
	char path[DEMO_PATH_MAX + 32], line[1024];
	demo_path(d, name, path, sizeof(path));
	FILE *f = fopen(path, "r");
	bool found = false;
	while (f && !found && fgets(line, sizeof(line), f)) {
		const char *at = strstr(line, needle);
		if (at && rest)
			snprintf(rest, size, "%.*s", (int)strcspn(at + strlen(needle), " \n"),
				 at + strlen(needle));
		found = at != NULL;
	}
	if (f)
		fclose(f);
	return found;
}

/* ---- the steps ---- */

static void act_network(struct demo *d)
{
	char conf[DEMO_PATH_MAX + 16];
	demo_path(d, "sim.conf", conf, sizeof(conf));
	const char *args[] = {"sim", "--dir", d->net, "--config", conf, NULL};
	demo_spawn(d, "m2mon sim", true, "sim.log", args);
}

static bool done_network(struct demo *d)
{
	return file_has(d, "sim.log", "event=ready", NULL, 0);
}

static void act_base(struct demo *d)
{
	char conf[DEMO_PATH_MAX + 16];
	demo_path(d, "base.conf", conf, sizeof(conf));
	const char *args[] = {"base", "--config", conf, NULL};
	demo_spawn(d, "m2mon base", true, "base.log", args);
}

static bool done_base(struct demo *d)
{
	return file_has(d, "base.log", "event=started", NULL, 0) && (d->store || demo_watch_open(d) == 0);
}

static void act_units(struct demo *d)
{
	for (int w = DEMO_CHILLER; w <= DEMO_REEFER; w++) {
		char file[64], conf[DEMO_PATH_MAX + 64], log[64], name[24];
		snprintf(file, sizeof(file), "unit-%s.conf", demo_parties[w].sim_name);
		demo_path(d, file, conf, sizeof(conf));
		snprintf(log, sizeof(log), "unit-%s.log", demo_parties[w].sim_name);
		snprintf(name, sizeof(name), "m2mon unit %s", demo_parties[w].unit_id);
		demo_spawn(d, name, true, log, (const char *const[]){"unit", "--config", conf, NULL});
	}
	char base[DEMO_PATH_MAX + 16];
	demo_path(d, "base.conf", base, sizeof(base));
	const char *web[] = {"web", "--config", base, "--listen", "127.0.0.1:0", NULL};
	demo_spawn(d, "m2mon web", true, "web.log", web);
}

static bool done_units(struct demo *d)
{
	for (int w = DEMO_CHILLER; w <= DEMO_REEFER; w++)
		if (demo_sms_find(d, 0, w, DEMO_BASE, NULL) < 0)
			return false;
	if (!d->web_url[0] && !file_has(d, "web.log", "event=start url=", d->web_url, sizeof(d->web_url)))
		return false;
	demo_say(d, "   The office display: %s", d->web_url);
	return true;
}

/* The normal day runs a while (a timer: the story's pace), long enough for batches. */
static bool done_readings(struct demo *d)
{
	if (demo_mono_ms() - d->step_ms < 15000 / d->speed)
		return false;
	for (int w = DEMO_CHILLER; w <= DEMO_REEFER; w++)
		if (demo_readings(d, demo_parties[w].unit_id) < 3 || demo_batch_max(d, w) < 2)
			return false;
	return true;
}

static void act_fail(struct demo *d)
{
	demo_note(d, "the chiller's probe (the file chiller-probe) climbs 0.5 C a second");
	d->probe_mode = DEMO_PROBE_FAILING;
	d->probe_since_ms = demo_mono_ms();
	d->probe_from_c10 = d->probe_c10;
}

static bool done_alarm(struct demo *d)
{
	return demo_event_find(d, 0, STORE_EVENT_ALARM, "CHILLER", NULL) != NULL;
}

static bool got(const struct demo *d, enum demo_who to, const char *a, const char *b, long *at)
{
	for (long i = demo_sms_find(d, (size_t)d->mark, DEMO_BASE, to, a); i >= 0;
	     i = demo_sms_find(d, (size_t)i + 1, DEMO_BASE, to, a)) {
		if (!b || strstr(d->sms[i].text, b)) {
			if (at)
				*at = i;
			return true;
		}
	}
	return false;
}

static bool done_tier1(struct demo *d)
{
	long at;
	if (!done_alarm(d) || !got(d, DEMO_ALICE, "ALARM #", "CHILLER/T1 HIGH", &at))
		return false;
	d->latency_ms = d->sms[at].t_ms - d->crossed_ms;
	return true;
}

static bool done_tier2(struct demo *d)
{
	return got(d, DEMO_BOB, "ALARM #", "CHILLER/T1", NULL) &&
	       got(d, DEMO_CAROL, "ALARM #", "CHILLER/T1", NULL);
}

static void act_ack(struct demo *d)
{
	phone_sends(d, DEMO_BOB, "ACK");
}

static bool done_ack(struct demo *d)
{
	return got(d, DEMO_BOB, "acknowledged by you", NULL, NULL) &&
	       demo_event_find(d, 0, STORE_EVENT_ACK, "CHILLER", NULL);
}

static void act_repair(struct demo *d)
{
	demo_note(d, "the chiller's probe falls 0.8 C a second, back to 4 C");
	d->probe_mode = DEMO_PROBE_REPAIRED;
	d->probe_since_ms = demo_mono_ms();
	d->probe_from_c10 = d->probe_c10;
}

static bool done_clear(struct demo *d)
{
	return got(d, DEMO_ALICE, "CLEARED #", "CHILLER", NULL) &&
	       got(d, DEMO_BOB, "CLEARED #", "CHILLER", NULL) &&
	       got(d, DEMO_CAROL, "CLEARED #", "CHILLER", NULL);
}

static void act_silent(struct demo *d)
{
	const char *args[] = {"sim", "fault", "--dir", d->net, "reefer", "no-network", "3600000", NULL};
	tool(d, "m2mon sim fault", args);
}

static bool done_silent(struct demo *d)
{
	return demo_event_find(d, 0, STORE_EVENT_SILENT, "REEFER", NULL) &&
	       got(d, DEMO_ALICE, "REEFER SILENT", NULL, NULL);
}

static void act_status(struct demo *d)
{
	d->mark = (int64_t)d->n_sms;
	phone_sends(d, DEMO_ALICE, "STATUS");
}

static bool done_status(struct demo *d)
{
	long at;
	return got(d, DEMO_ALICE, "CHILLER", "FREEZER", &at) && strstr(d->sms[at].text, "REEFER") &&
	       !strstr(d->sms[at].text, "ALARM #");
}

static void act_stranger(struct demo *d)
{
	phone_sends(d, DEMO_STRANGER, "STATUS");
}

/* The base recorded the stranger's text as dropped, and a text it queued later (a receipt
 * to a unit) has gone through the network: a reply to the stranger, queued before it, would
 * have gone first. None did. */
static bool done_stranger(struct demo *d)
{
	const struct demo_event *e = demo_event_find(d, 0, STORE_EVENT_STRANGER, NULL, NULL);
	if (!e)
		return false;
	if (demo_sms_find(d, 0, -1, DEMO_STRANGER, NULL) >= 0) {
		d->tool_failed = true;
		demo_say(d, "   The stranger got a reply: that is wrong.");
		return false;
	}
	for (size_t i = d->n_sms; i > 0; i--) {
		const struct demo_sms *m = &d->sms[i - 1];
		if (m->from == DEMO_BASE && !m->report && m->submit_ms > e->t_ms + 200)
			return true;
	}
	return false;
}

static void act_chart(struct demo *d)
{
	char conf[DEMO_PATH_MAX + 16], svg[DEMO_PATH_MAX + 16];
	demo_path(d, "base.conf", conf, sizeof(conf));
	demo_path(d, "chiller.svg", svg, sizeof(svg));
	const char *args[] = {"history", "--config", conf,    "CHILLER", "T1",
			      "--since", "1h",       "--svg", svg,       NULL};
	tool(d, "m2mon history", args);
}

static bool done_chart(struct demo *d)
{
	char path[DEMO_PATH_MAX + 16];
	struct stat st;
	demo_path(d, "chiller.svg", path, sizeof(path));
	return !d->tool_pending && stat(path, &st) == 0 && st.st_size > 0;
}

static bool done_now(struct demo *d)
{
	(void)d;
	return true;
}

static const struct step steps[] = {
	{"The network starts: a base modem, three unit modems, four phones", 0, 0, act_network, done_network,
	 "the simulator's 'ready' (sim.log)"},
	{"The base station starts", 0, 0, act_base, done_base, "the base's event=started (base.log)"},
	{"Three units start: a chiller (+2..+8 C), a freezer (-18 C), a reefer", 0, 0, act_units, done_units,
	 "a first message from each unit, and the display's address (web.log)"},
	{"Normal readings: each unit reads its probe every few seconds, and sends the readings in one SMS", 0,
	 15, NULL, done_readings,
	 "three readings of each unit in the base's database, and an SMS of each with several"},
	{"The chiller's compressor fails: its temperature climbs past 8 C, the alarm goes to tier 1 (Alice)",
	 3, 8, act_fail, done_tier1, "the chiller's alarm in the base's database and on Alice's phone"},
	{"Nobody answers: after the tier delay, tier 2 (Bob, Carol) gets it", 0, 10, NULL, done_tier2,
	 "the alarm text on Bob's and Carol's phones"},
	{"Bob replies ACK", 4, 0, act_ack, done_ack, "'acknowledged by you' on Bob's phone"},
	{"The compressor is repaired: the temperature falls, the all-clear goes out", 5, 8, act_repair,
	 done_clear, "CLEARED on Alice's, Bob's and Carol's phones"},
	{"The reefer drives out of coverage: its modem loses the network", 5, 12, act_silent, done_silent,
	 "SILENT for the reefer, and its text on Alice's phone"},
	{"Alice sends STATUS", 4, 0, act_status, done_status, "the summary of every unit on Alice's phone"},
	{"A stranger texts the base", 3, 0, act_stranger, done_stranger,
	 "the stranger's text recorded, a later text of the base's carried, and none to the stranger"},
	{"The chart of the chiller, from the base's database", 2, 0, act_chart, done_chart,
	 "chiller.svg from m2mon history --svg"},
	{NULL, 0, 0, NULL, done_now, NULL},
};

/* The chiller's probe: a slow wobble around 4 C, a climb of 0.5 C a second (at speed 1) while
 * the compressor is down, then a fall back to 4 C. */
static void probe_tick(struct demo *d)
{
	int64_t now = demo_mono_ms(), in = (now - d->probe_since_ms) * d->speed;
	int32_t c10 = d->probe_c10;
	switch (d->probe_mode) {
	case DEMO_PROBE_NORMAL:
		c10 = 40 +
		      (int32_t)lround(3.0 * sin((double)(demo_wall_ms() - d->start_ms) * d->speed / 6000.0));
		break;
	case DEMO_PROBE_FAILING:
		c10 = d->probe_from_c10 + (int32_t)(in * 5 / 1000);
		c10 = c10 > 115 ? 115 : c10;
		break;
	case DEMO_PROBE_REPAIRED:
		c10 = d->probe_from_c10 - (int32_t)(in * 8 / 1000);
		c10 = c10 < 40 ? 40 : c10;
		break;
	}
	if (c10 == d->probe_c10 || demo_probe_write(d, c10) != 0)
		return;
	if (d->probe_mode == DEMO_PROBE_FAILING && c10 > 80 && !d->crossed_ms)
		d->crossed_ms = demo_wall_ms();
}

static void fail_step(struct demo *d, const struct step *s, const char *why)
{
	fprintf(stderr, "\nm2mon demo: step %d did not happen: %s\n  waiting for %s: %s\n", d->step + 1,
		s->title, s->awaited, why);
	fprintf(stderr, "  The logs of every process are in %s (kept).\n", d->dir);
	demo_finish(d, 1);
}

void demo_story_tick(struct demo *d)
{
	if (d->stopping)
		return;
	demo_watch(d);
	probe_tick(d);
	if (d->story_done)
		return;
	const struct step *s = &steps[d->step];
	int64_t now = demo_mono_ms();
	if (!d->step_acted) {
		if (now - d->step_ms < (int64_t)s->gap_s * 1000 / d->speed)
			return;
		if (s->title)
			demo_say(d, "\n== %d. %s", d->step + 1, s->title);
		d->step_acted = true;
		d->step_ms = now;
		if (s->act)
			s->act(d);
	}
	if (d->tool_failed) {
		fail_step(d, s, "a command it ran failed (see tools.log)");
	} else if (s->done(d)) {
		if (!s->title) {
			d->story_done = true;
			demo_story_end(d);
			return;
		}
		d->step++;
		d->step_acted = false;
		d->step_ms = now;
	} else if (now - d->step_ms > BOUND_MS + (int64_t)s->story_s * 1000 / d->speed) {
		fail_step(d, s, "not seen in time");
	}
}

void demo_story_tool_done(struct demo *d, struct demo_child *c)
{
	d->tool_pending--;
	if (c->exit_status != 0 || c->term_signal) {
		if (!d->stopping)
			fprintf(stderr, "m2mon demo: %s failed (exit status %d); see %s\n", c->name,
				(int)c->exit_status, c->log);
		d->tool_failed = true;
	}
}

const char *demo_story_step(const struct demo *d)
{
	return steps[d->step].title ? steps[d->step].title : "the end";
}

static void clock_of(int64_t ms, char *out, size_t size)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	localtime_r(&t, &tm);
	size_t n = strftime(out, size, "%H:%M:%S", &tm);
	snprintf(out + n, size - n, ".%d", (int)(ms % 1000) / 100);
}

/* Each incident as the base's events tell it: where, what, who took it, where it ended. */
static void incidents_text(const struct demo *d, char *out, size_t size)
{
	size_t n = 0;
	out[0] = '\0';
	for (size_t i = 0; i < d->n_events && n < size; i++) {
		const struct demo_event *e = &d->events[i];
		const char *arrow = strstr(e->text, "->");
		if (e->kind != STORE_EVENT_INCIDENT || !arrow || strcmp(arrow + 2, "open") != 0)
			continue;
		const char *last = "open", *by = NULL;
		for (size_t k = i + 1; k < d->n_events; k++) {
			const struct demo_event *f = &d->events[k];
			const char *to = strstr(f->text, "->");
			if (f->incident_id == e->incident_id && f->kind == STORE_EVENT_INCIDENT && to)
				last = to + 2;
			if (f->incident_id == e->incident_id && f->kind == STORE_EVENT_ACK)
				by = demo_party_name(f->actor);
		}
		n += (size_t)snprintf(out + n, size - n, "%s#%u %s%s%s %.*s: %s%s%s%s", n ? "; " : "",
				      e->incident_id, e->unit, e->channel[0] ? "/" : "", e->channel,
				      (int)strcspn(e->text, " "), e->text, by ? "acknowledged by " : "",
				      by ? by : "", by ? ", " : "", last);
	}
}

static void summary(const struct demo *d)
{
	long by[3] = {0, 0, 0};
	for (size_t i = 0; i < d->n_sms; i++)
		if (!d->sms[i].report && d->sms[i].from >= 0)
			by[demo_parties[d->sms[i].from].kind]++;
	long texts = (long)d->n_sms - (long)d->n_reports;
	char crossed[32], told[32];
	clock_of(d->crossed_ms, crossed, sizeof(crossed));
	clock_of(d->crossed_ms + d->latency_ms, told, sizeof(told));
	demo_say(d, "\n== The whole story happened, every step checked, in %.0f s.",
		 (double)(demo_wall_ms() - d->start_ms) / 1000.0);
	printf("   Messages carried:  %ld SMS (%ld from the units, %ld from the base, %ld from phones)"
	       " and %lld delivery reports\n",
	       texts, by[DEMO_PARTY_UNIT], by[DEMO_PARTY_BASE], by[DEMO_PARTY_PHONE],
	       (long long)d->n_reports);
	char incidents[600];
	incidents_text(d, incidents, sizeof(incidents));
	printf("   Incidents:         %d (%s)\n", d->incidents, incidents);
	printf("   Threshold to phone: the probe passed 8.0 C at %s, Alice's phone had the alarm at %s:"
	       " %.1f s\n",
	       crossed, told, (double)d->latency_ms / 1000.0);
	printf("   Database:          %s/base.db   (m2mon events --config %s/base.conf)\n", d->dir, d->dir);
	printf("   Chart:             %s/chiller.svg\n", d->dir);
	printf("   Display:           %s   (m2mon web --config %s/base.conf)%s\n", d->web_url, d->dir,
	       d->hold ? "" : ", stopped with the demo; --hold keeps it");
	printf("   Logs:              %s/*.log\n", d->dir);
	if (d->keep)
		printf("   Kept: %s/START.md has the commands that start this site by hand.\n", d->dir);
	else
		printf("   The folder is removed when the demo ends; --keep DIR keeps it.\n");
	fflush(stdout);
}

void demo_story_end(struct demo *d)
{
	summary(d);
	if (!d->hold) {
		demo_finish(d, 0);
		return;
	}
	demo_say(d, "\nThe site keeps running (--hold): the display is at %s. Ctrl-C stops it.", d->web_url);
}
