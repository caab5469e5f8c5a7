/* Sampling: every sample_interval (on a grid of the loop's clock, so samples do not drift)
 * each channel is read; each reading is fed to the channel's alarm engine and an event is
 * stored with its reading and the channel's state in one transaction and sent at once; the
 * readings of a round without events are stored together when the round ends. A READ,
 * stored until it is answered, joins the round in hand or gets a round of its own that is
 * answered, not stored. */
#include "unit_int.h"

#include "log.h"

#include <errno.h>
#include <string.h>

#define ALERT_STATE_VERSION 1
/* A report or heartbeat timer a little ahead of the sample grid (its repeat drifts by the
 * loop's lag) still counts as due with the sample. */
#define UNIT_SAMPLE_SOON_MS 250

static void on_sample_timer(uv_timer_t *t);

static void arm(struct unit *u)
{
	uint64_t iv = (uint64_t)u->conf.sample_interval_s * 1000, now = unit_mono(u);
	uint64_t next = u->grid_mono + u->grid_k * iv;
	if (next + iv <= now) { /* the loop was held up: skip the samples that are past */
		u->grid_k = (now - u->grid_mono) / iv + 1;
		next = u->grid_mono + u->grid_k * iv;
	}
	uv_timer_start(&u->t_sample, on_sample_timer, next > now ? next - now : 0, 0);
}

void unit_sample_rearm(struct unit *u)
{
	u->grid_mono = unit_mono(u);
	u->grid_k = 1;
	arm(u);
}

static int64_t alert_now(struct unit *u)
{
	int64_t now = unit_now_ms(u);
	if (now > u->alert_ms)
		u->alert_ms = now;
	return u->alert_ms;
}

static void log_probe(struct unit *u, int i, const struct sensor_reading *r)
{
	struct unit_chan *c = &u->chan[i];
	bool was_ok = !c->have || c->last.ok;
	if (!r->ok && was_ok)
		log_warn(MOD, "event=probe_unreadable channel=%s source=\"%s\" fault=%s detail=\"%s\"",
			 u->conf.name[i], u->set->channels[i].source.text, sensor_fault_str(r->fault),
			 r->detail);
	else if (r->ok && !was_ok)
		log_info(MOD, "event=probe_readable channel=%s temp_c10=%d", u->conf.name[i], r->temp_c10);
}

static struct store_unit_reading reading_of(const struct unit *u, int i)
{
	const struct sensor_reading *r = &u->tick.r[i];
	return (struct store_unit_reading){.channel = (uint8_t)i,
					   .t_ms = u->tick.t_ms,
					   .fault = !r->ok,
					   .temp_c10 = r->ok ? r->temp_c10 : 0};
}

/* A reading that raised or cleared something: reading, state and messages kept together. */
static void store_event(struct unit *u, int i, const struct alert_channel_event *ev, size_t n)
{
	struct store_unit_reading rd = reading_of(u, i);
	int rc = store_unit_begin(u->store);
	if (!rc)
		rc = store_unit_readings_add(u->store, &rd, 1);
	if (!rc)
		rc = store_unit_channel_save(u->store, (unsigned)i, ALERT_STATE_VERSION, &u->chan[i].state,
					     sizeof(u->chan[i].state));
	if (!rc)
		rc = unit_queue_events(u, i, ev, n);
	if (!rc)
		rc = store_unit_commit(u->store);
	else
		store_unit_rollback(u->store);
	if (rc < 0) {
		log_error(MOD,
			  "event=alarm_not_stored channel=%s error=\"%s\" advice=\"check the disk; the alarm "
			  "goes when the condition is seen again\"",
			  u->conf.name[i], store_strerror(rc));
		return;
	}
	u->tick.stored[i] = true;
	unit_outbox_kick(u);
}

/* The round is over: the readings not stored with an event, and the channels' states. */
static void store_round(struct unit *u)
{
	struct store_unit_reading rd[M2_CONFIG_CHANNELS_MAX];
	size_t n = 0;
	int rc = store_unit_begin(u->store);
	for (int i = 0; !rc && i < u->conf.n_channels; i++) {
		if (u->tick.stored[i])
			continue;
		rd[n++] = reading_of(u, i);
		rc = store_unit_channel_save(u->store, (unsigned)i, ALERT_STATE_VERSION, &u->chan[i].state,
					     sizeof(u->chan[i].state));
	}
	if (!rc && n)
		rc = store_unit_readings_add(u->store, rd, n);
	if (!rc)
		rc = store_unit_commit(u->store);
	else
		store_unit_rollback(u->store);
	if (rc < 0)
		log_error(MOD,
			  "event=readings_not_stored count=%zu error=\"%s\" advice=\"check the disk; these "
			  "samples are missing from the next report\"",
			  n, store_strerror(rc));
}

static void complete(struct unit *u)
{
	bool scheduled = u->tick.scheduled;
	if (scheduled)
		store_round(u);
	u->tick.active = false;
	if (u->tick.n_waiters)
		unit_cmd_read_done(u, &u->tick);
	u->tick.n_waiters = 0;
	if (scheduled) { /* after the readings: an alarm's AT+CMGS never waits behind AT+CBC */
		unit_outbox_release(u);
		unit_power_sample(u);
	}
}

static void record(struct unit *u, int i, const struct sensor_reading *r)
{
	struct unit_tick *t = &u->tick;
	t->r[i] = *r;
	t->done[i] = true;
	t->pending--;
	if (t->scheduled) {
		log_probe(u, i, r);
		u->chan[i].last = *r;
		u->chan[i].have = true;
		struct alert_reading ar = {.ok = r->ok, .temp_c10 = r->temp_c10};
		struct alert_channel_event ev[ALERT_CHANNEL_EVENTS_MAX];
		size_t n = alert_channel_feed(&u->chan[i].state, &u->conf.alert[i], &ar, alert_now(u), ev);
		if (n)
			store_event(u, i, ev, n);
	}
	if (t->pending == 0)
		complete(u);
}

static void on_read(struct sensor *s, const struct sensor_reading *r, void *user_data)
{
	struct unit_chan *c = user_data;
	(void)s;
	if (!c->u->tick.active || c->u->tick.done[c->index])
		return; /* the round it belonged to was closed without it */
	record(c->u, c->index, r);
}

/* Ends a round still waiting for a channel: it counts as a fault of that round. */
static void close_round(struct unit *u)
{
	for (int i = 0; u->tick.active && i < u->conf.n_channels; i++) {
		if (u->tick.done[i])
			continue;
		struct sensor_reading r;
		sensor_reading_fault(&r, SENSOR_FAULT_TIMEOUT, "still reading when the next sample was due");
		record(u, i, &r);
	}
}

/* The READs stored since the last round join the round in hand. */
static void take_staged(struct unit *u)
{
	struct unit_tick *t = &u->tick;
	for (size_t i = 0; i < u->n_staged && t->n_waiters < UNIT_WAITERS_MAX; i++)
		t->waiters[t->n_waiters++] = u->staged[i];
	u->n_staged = 0;
}

static void start_round(struct unit *u, bool scheduled)
{
	struct unit_tick *t = &u->tick;
	memset(t, 0, sizeof(*t));
	t->active = true;
	t->scheduled = scheduled;
	t->pending = u->conf.n_channels;
	t->t_ms = unit_now_ms(u);
	log_debug(MOD, "event=sample round=%s channels=%d", scheduled ? "scheduled" : "read", t->pending);
	take_staged(u);
	for (int i = 0; i < u->conf.n_channels; i++) {
		int rc = sensor_read(u->chan[i].sensor, t->t_ms, on_read, &u->chan[i]);
		if (rc == 0)
			continue;
		struct sensor_reading r;
		sensor_reading_fault(&r, SENSOR_FAULT_TIMEOUT, "the previous read has not finished (%s)",
				     rc == -EBUSY ? "busy" : "out of memory");
		record(u, i, &r);
	}
}

static void on_sample_timer(uv_timer_t *timer)
{
	struct unit *u = timer->data;
	u->grid_k++;
	if (u->tick.active)
		close_round(u);
	start_round(u, true);
	arm(u);
}

int unit_sample_read(struct unit *u, const struct unit_waiter *w)
{
	size_t owed = (u->tick.active ? u->tick.n_waiters : 0) + u->n_staged;
	if (owed >= UNIT_WAITERS_MAX)
		return -EBUSY;
	struct store_unit_read r = {
		.base = w->base, .cmd_id = w->cmd_id, .channel = w->channel, .asked_ms = unit_now_ms(u)};
	snprintf(r.number, sizeof(r.number), "%s", w->number);
	int rc = store_unit_read_add(u->store, &r);
	if (rc < 0)
		return rc;
	u->staged[u->n_staged] = *w;
	u->staged[u->n_staged++].id = r.id;
	return 0;
}

void unit_sample_reads_start(struct unit *u)
{
	if (!u->n_staged)
		return;
	if (u->tick.active)
		take_staged(u);
	else
		start_round(u, false);
}

void unit_sample_reads_drop(struct unit *u)
{
	u->n_staged = 0;
}

/* READs accepted before a restart and not answered: the first round answers them. */
static void load_reads(struct unit *u)
{
	struct store_unit_read r[UNIT_WAITERS_MAX];
	size_t n = 0;
	if (store_unit_read_list(u->store, r, UNIT_WAITERS_MAX, &n) < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		struct unit_waiter *w = &u->staged[u->n_staged++];
		*w = (struct unit_waiter){.id = r[i].id, .base = r[i].base, .cmd_id = r[i].cmd_id};
		w->channel = r[i].channel < u->conf.n_channels ? r[i].channel : -1;
		snprintf(w->number, sizeof(w->number), "%.*s", (int)sizeof(w->number) - 1, r[i].number);
	}
	if (n)
		log_info(MOD, "event=reads_owed count=%zu", n);
}

static void load_state(struct unit *u, int i, int64_t now)
{
	struct unit_chan *c = &u->chan[i];
	int rc = store_unit_channel_load(u->store, (unsigned)i, ALERT_STATE_VERSION, &c->state,
					 sizeof(c->state));
	if (rc < 0)
		alert_channel_init(&c->state, now);
	else if (c->state.last_sample_ms > u->alert_ms)
		u->alert_ms = c->state.last_sample_ms;
}

int unit_sample_init(struct unit *u)
{
	int64_t now = unit_now_ms(u);
	u->alert_ms = now;
	for (int i = 0; i < u->conf.n_channels; i++) {
		const struct unit_channel_settings *cs = &u->set->channels[i];
		struct sensor_opts o = {.w1_root = u->set->w1_root,
					.offset_c10 = cs->offset_c10,
					.timeout_ms = cs->timeout_s * 1000};
		u->chan[i].u = u;
		u->chan[i].index = i;
		u->chan[i].sensor = sensor_new(u->loop, &cs->source, &o, now);
		if (!u->chan[i].sensor)
			return -ENOMEM;
		load_state(u, i, now);
	}
	load_reads(u);
	u->grid_mono = unit_mono(u);
	u->grid_k = 0;
	arm(u);
	return 0;
}

bool unit_sample_due(const struct unit *u)
{
	if (u->tick.active && u->tick.scheduled)
		return true;
	uint64_t soon = (uint64_t)u->conf.sample_interval_s * 1000 / 4;
	if (soon > UNIT_SAMPLE_SOON_MS)
		soon = UNIT_SAMPLE_SOON_MS;
	return uv_is_active((const uv_handle_t *)&u->t_sample) && uv_timer_get_due_in(&u->t_sample) <= soon;
}

void unit_sample_close(struct unit *u)
{
	uv_timer_stop(&u->t_sample);
	for (int i = 0; i < u->conf.n_channels; i++) {
		sensor_free(u->chan[i].sensor);
		u->chan[i].sensor = NULL;
	}
	u->tick.active = false;
}
