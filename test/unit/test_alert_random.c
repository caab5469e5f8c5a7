/* Randomized sequences against the invariants of the alarm engine, checked after every step:
 * a level never raises twice without a clear and honours its delays; nobody gets an alarm
 * text about an incident after it was acknowledged; caps are never exceeded; every incident
 * has exactly one state and there is one incident per unit, channel and kind; everyone told
 * of an incident gets its all-clear or a logged reason why not; no alarm text
 * about a muted unit or one in its maintenance window, none that is not critical to a contact
 * in quiet hours, and no viewer told to reply ACK; a tick leaves nothing due at its own time
 * (the daemon never spins); all of it holds across restarts from saved state. Each run is
 * reproducible from the seed printed on failure. */
#include "alert_engine.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#define T0    1764000000000LL
#define SEEDS 40
#define STEPS 4000

/* splitmix64: small, fast, and the same sequence on every platform. */
struct prng {
	uint64_t s;
};

static uint64_t prng_next(struct prng *p)
{
	uint64_t z = (p->s += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* Uniform in [lo, hi]. */
static int64_t prng_range(struct prng *p, int64_t lo, int64_t hi)
{
	return lo + (int64_t)(prng_next(p) % (uint64_t)(hi - lo + 1));
}

static bool prng_chance(struct prng *p, int percent)
{
	return prng_range(p, 0, 99) < percent;
}

#define CHECK(cond, seed, step, ...)                                                                         \
	do {                                                                                                 \
		if (!(cond)) {                                                                               \
			char detail_[200];                                                                   \
			snprintf(detail_, sizeof(detail_), __VA_ARGS__);                                     \
			fail_msg("seed=%llu step=%d: %s (%s)", (unsigned long long)(seed), (step), #cond,    \
				 detail_);                                                                   \
		}                                                                                            \
	} while (0)

/* ---- channel evaluation ---- */

static void random_channel_cfg(struct prng *p, struct alert_channel_cfg *cfg)
{
	do {
		alert_channel_cfg_default(cfg);
		cfg->hysteresis_c10 = (int32_t)prng_range(p, 1, 20);
		cfg->low.temp_c10 = (int32_t)prng_range(p, -50, 20);
		cfg->high.temp_c10 = cfg->low.temp_c10 + (int32_t)prng_range(p, 25, 120);
		cfg->high_high = (struct alert_limit){prng_chance(p, 50),
						      cfg->high.temp_c10 + (int32_t)prng_range(p, 25, 80)};
		cfg->low_low = (struct alert_limit){prng_chance(p, 50),
						    cfg->low.temp_c10 - (int32_t)prng_range(p, 25, 80)};
		cfg->on_delay_s = (uint32_t)prng_range(p, 0, 1800);
		cfg->off_delay_s = (uint32_t)prng_range(p, 0, 600);
		cfg->fault_delay_s = (uint32_t)prng_range(p, 0, 300);
		cfg->missing_samples = (uint32_t)prng_range(p, 0, 5);
		cfg->rate.enabled = prng_chance(p, 50);
		cfg->rate.delta_c10 = cfg->hysteresis_c10 + (int32_t)prng_range(p, 1, 50);
		cfg->rate.window_s = (uint32_t)prng_range(p, 60, 1800);
	} while (alert_channel_cfg_check(cfg, NULL) != 0);
}

/* A temperature level raises only beyond its limit and clears only beyond its clear level. */
static void check_value_side(uint64_t seed, int step, const struct alert_channel_cfg *cfg,
			     const struct alert_channel_event *ev)
{
	const struct alert_limit *lim[] = {&cfg->low_low, &cfg->low, &cfg->high, &cfg->high_high};
	if (ev->level > ALERT_LEVEL_HIGH_HIGH)
		return;
	int sign = ev->level >= ALERT_LEVEL_HIGH ? 1 : -1;
	int64_t over = ((int64_t)ev->value_c10 - lim[ev->level]->temp_c10) * sign;
	if (ev->edge == ALERT_EDGE_RAISE)
		CHECK(over > 0, seed, step, "%s raised at %d", alert_level_str(ev->level), ev->value_c10);
	else
		CHECK(over <= -cfg->hysteresis_c10, seed, step, "%s cleared at %d inside the dead band",
		      alert_level_str(ev->level), ev->value_c10);
}

static void check_channel_events(uint64_t seed, int step, const struct alert_channel_cfg *cfg,
				 const struct alert_channel *ch, bool *raised,
				 const struct alert_channel_event *ev, size_t n, int64_t now)
{
	bool seen[ALERT_LEVEL_COUNT] = {false};
	for (size_t i = 0; i < n; i++) {
		int l = ev[i].level;
		CHECK(!seen[l], seed, step, "two events for %s in one call", alert_level_str(ev[i].level));
		seen[l] = true;
		check_value_side(seed, step, cfg, &ev[i]);
		CHECK(ev[i].at_ms == now && ev[i].since_ms <= now, seed, step, "event times");
		bool probe = ev[i].level == ALERT_LEVEL_PROBE;
		int64_t on = (int64_t)(probe ? cfg->fault_delay_s : cfg->on_delay_s) * 1000;
		int64_t off = (int64_t)(probe ? cfg->fault_delay_s : cfg->off_delay_s) * 1000;
		if (ev[i].edge == ALERT_EDGE_RAISE) {
			CHECK(!raised[l], seed, step, "RAISE %s twice without a CLEAR",
			      alert_level_str(ev[i].level));
			CHECK(now - ev[i].since_ms >= on, seed, step, "raised before its delay");
			raised[l] = true;
		} else {
			CHECK(raised[l], seed, step, "CLEAR %s without a RAISE",
			      alert_level_str(ev[i].level));
			CHECK(now - ev[i].since_ms >= off, seed, step, "cleared before its delay");
			raised[l] = false;
		}
	}
	for (int l = 0; l < ALERT_LEVEL_COUNT; l++)
		CHECK(raised[l] == alert_channel_raised(ch, (enum alert_level)l), seed, step,
		      "level %d: events and state disagree", l);
}

static void channel_sequences_keep_their_invariants(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= SEEDS; seed++) {
		struct prng p = {seed};
		struct alert_channel_cfg cfg;
		struct alert_channel ch;
		struct alert_channel_event ev[ALERT_CHANNEL_EVENTS_MAX];
		bool raised[ALERT_LEVEL_COUNT] = {false};
		size_t total = 0;
		random_channel_cfg(&p, &cfg);
		int64_t now = T0;
		int32_t v = (cfg.low.temp_c10 + cfg.high.temp_c10) / 2;
		alert_channel_init(&ch, now);
		for (int step = 0; step < STEPS; step++) {
			now += prng_range(&p, 1, 150) * 1000;
			size_t n;
			int pick = (int)prng_range(&p, 0, 99);
			if (pick < 5) {
				n = alert_channel_feed(&ch, &cfg, &(struct alert_reading){false, 0}, now, ev);
			} else if (pick < 20) {
				n = alert_channel_tick(&ch, &cfg, now, ev);
			} else {
				v += (int32_t)prng_range(&p, -15, 15);
				if (prng_chance(&p, 2))
					v = (int32_t)prng_range(&p, -700,
								1400); /* jump, maybe out of range */
				if (v < -700 || v > 1400)
					v = cfg.high.temp_c10;
				n = alert_channel_feed(&ch, &cfg, &(struct alert_reading){true, v}, now, ev);
			}
			total += n;
			check_channel_events(seed, step, &cfg, &ch, raised, ev, n, now);
		}
		CHECK(total > 0, seed, STEPS, "a run that never raised tests nothing");
	}
}

/* ---- incidents and notification ---- */

#define MAX_IDS 4096
#define KEYS    12 /* 3 units x 2 channels x 2 kinds */

struct world {
	uint64_t seed;
	int step;
	struct alert_policy pol;
	struct alert_engine *e;
	int32_t offset_s;
	enum alert_state state[MAX_IDS]; /* as told by STATE actions; CLOSED for unknown */
	bool acked[MAX_IDS];
	int acked_step[MAX_IDS];
	uint32_t notified[MAX_IDS];
	uint32_t cleared_to[MAX_IDS]; /* all-clear sent, or not sent with a reason */
	uint32_t key_id[KEYS];        /* the open incident for each key, 0 when none */
	int raising;                  /* the key of the raise under way */
	int key_of[MAX_IDS];          /* the key each incident was opened for */
	int64_t mute_until[2][3];     /* units u0, u1 x channel -1, 0, 1: as the replies confirmed */
	int64_t day;
	uint32_t sent[ALERT_CONTACTS_MAX], site_sent;
	uint32_t cap_notices[ALERT_CONTACTS_MAX], site_notices;
	size_t texts;
};

static bool is_alarm_text(enum alert_msg m)
{
	return m == ALERT_MSG_ALARM || m == ALERT_MSG_ALARMS || m == ALERT_MSG_REMINDER ||
	       m == ALERT_MSG_SUMMARY;
}

static void world_day(struct world *w, int64_t at_ms)
{
	int64_t s = at_ms / 1000 + w->offset_s;
	int64_t day = s / 86400;
	if (day != w->day) {
		w->day = day;
		w->site_sent = w->site_notices = 0;
		memset(w->sent, 0, sizeof(w->sent));
		memset(w->cap_notices, 0, sizeof(w->cap_notices));
	}
}

static unsigned world_minute(const struct world *w, int64_t at_ms)
{
	return (unsigned)((at_ms / 1000 + w->offset_s) % 86400 / 60);
}

/* Written apart from the engine: a window's days name the day its span started on. */
static bool in_window(const struct world *w, int key, int64_t at_ms)
{
	for (size_t i = 0; key / 4 == 0 && i < w->pol.n_windows; i++) {
		const struct alert_window *win = &w->pol.windows[i];
		unsigned min = world_minute(w, at_ms);
		if (!alert_span_contains(&win->span, min))
			continue;
		int64_t day = (at_ms / 1000 + w->offset_s) / 86400;
		if (win->span.start_min > win->span.end_min && min < win->span.end_min)
			day--;
		if (win->days == 0 || (win->days & (1u << ((day + 4) % 7))))
			return true;
	}
	return false;
}

static bool muted(const struct world *w, int key, int64_t at_ms)
{
	int unit = key / 4, channel = key / 2 % 2;
	return unit < 2 && (w->mute_until[unit][0] > at_ms || w->mute_until[unit][1 + channel] > at_ms);
}

/* An alarm text reaches nobody about a muted unit or one in maintenance, and a contact in
 * quiet hours only when every incident in it is critical. */
static void check_alarm_text(struct world *w, const struct alert_action *a, uint32_t id)
{
	struct alert_incident v;
	int key = w->key_of[id];
	CHECK(!muted(w, key, a->at_ms), w->seed, w->step, "%s about #%u while muted", alert_msg_str(a->msg),
	      id);
	CHECK(!in_window(w, key, a->at_ms), w->seed, w->step, "%s about #%u in maintenance",
	      alert_msg_str(a->msg), id);
	if (alert_span_contains(&w->pol.contacts[a->contact_idx].quiet, world_minute(w, a->at_ms)))
		CHECK(alert_engine_incident(w->e, id, &v) == 0 && v.critical, w->seed, w->step,
		      "%s about #%u woke contact %d in quiet hours", alert_msg_str(a->msg), id,
		      a->contact_idx);
}

static void on_sms(struct world *w, const struct alert_action *a)
{
	int c = a->contact_idx;
	CHECK(alert_text_check(a->text) == 0, w->seed, w->step, "bad text \"%s\"", a->text);
	CHECK(w->pol.contacts[c].role != ALERT_ROLE_VIEWER || !strstr(a->text, "Reply ACK"), w->seed, w->step,
	      "a viewer told to ACK: \"%s\"", a->text);
	world_day(w, a->at_ms);
	w->sent[c]++;
	w->site_sent++;
	w->texts++;
	CHECK(!w->pol.cap_contact || w->sent[c] <= w->pol.cap_contact, w->seed, w->step, "contact cap");
	CHECK(!w->pol.cap_site || w->site_sent <= w->pol.cap_site, w->seed, w->step, "site cap");
	w->cap_notices[c] += a->msg == ALERT_MSG_CAP_CONTACT;
	w->site_notices += a->msg == ALERT_MSG_CAP_SITE;
	CHECK(w->cap_notices[c] <= 1 && w->site_notices <= 1, w->seed, w->step, "second cap notice");
	for (size_t i = 0; i < a->n_ids; i++) {
		uint32_t id = a->ids[i];
		if (w->acked[id])
			CHECK(a->msg == ALERT_MSG_ALL_CLEAR || a->msg == ALERT_MSG_ACK_DONE ||
				      (a->msg == ALERT_MSG_ACK_INFO && w->acked_step[id] == w->step),
			      w->seed, w->step, "%s text about #%u after its ACK", alert_msg_str(a->msg), id);
		if (is_alarm_text(a->msg)) {
			CHECK(w->state[id] == ALERT_STATE_OPEN || w->state[id] == ALERT_STATE_NOTIFIED ||
				      w->state[id] == ALERT_STATE_ESCALATED,
			      w->seed, w->step, "alarm text about #%u in state %s", id,
			      alert_state_str(w->state[id]));
			check_alarm_text(w, a, id);
			w->notified[id] |= 1u << c;
		}
		if (a->msg == ALERT_MSG_ALL_CLEAR) {
			CHECK(w->notified[id] & (1u << c), w->seed, w->step, "all-clear to a stranger");
			w->cleared_to[id] |= 1u << c;
		}
	}
}

static void world_sink(const struct alert_action *a, void *user_data)
{
	struct world *w = user_data;
	switch (a->kind) {
	case ALERT_ACTION_SMS:
		on_sms(w, a);
		break;
	case ALERT_ACTION_STATE:
		CHECK(a->incident_id < MAX_IDS, w->seed, w->step, "id range");
		CHECK(w->state[a->incident_id] == a->from, w->seed, w->step, "#%u moved from %s but was %s",
		      a->incident_id, alert_state_str(a->from), alert_state_str(w->state[a->incident_id]));
		w->state[a->incident_id] = a->to;
		if (a->to == ALERT_STATE_CLOSED && w->pol.all_clear)
			CHECK((w->notified[a->incident_id] & ~w->cleared_to[a->incident_id]) == 0, w->seed,
			      w->step, "#%u closed without an all-clear (or a reason) to everyone told",
			      a->incident_id);
		if (a->from == ALERT_STATE_CLOSED)
			w->key_of[a->incident_id] = w->raising;
		if (a->to == ALERT_STATE_ACKED && !w->acked[a->incident_id]) {
			w->acked[a->incident_id] = true;
			w->acked_step[a->incident_id] = w->step;
		}
		break;
	case ALERT_ACTION_DROP:
		if (a->msg == ALERT_MSG_ALL_CLEAR)
			w->cleared_to[a->incident_id] |= 1u << a->contact_idx;
		break;
	}
}

static void random_policy(struct prng *p, struct alert_policy *pol)
{
	do {
		alert_policy_default(pol);
		pol->n_tiers = (size_t)prng_range(p, 1, 3);
		pol->n_contacts = (size_t)prng_range(p, (int64_t)pol->n_tiers, 6);
		for (size_t i = 0; i < pol->n_contacts; i++) {
			struct alert_contact *c = &pol->contacts[i];
			snprintf(c->name, sizeof(c->name), "c%d", (int)i % 10);
			snprintf(c->number, sizeof(c->number), "+100%d", (int)i % 10);
			c->role = (enum alert_role)prng_range(p, 0, 2);
			c->tier = (uint8_t)(i < pol->n_tiers ? (int64_t)i + 1
							     : prng_range(p, 1, (int64_t)pol->n_tiers));
			if (prng_chance(p, 30))
				c->quiet = (struct alert_span){true, (uint16_t)prng_range(p, 0, 1439),
							       (uint16_t)prng_range(p, 0, 1439)};
		}
		pol->contacts[0].role = ALERT_ROLE_OPERATOR;
		for (size_t t = 0; t < pol->n_tiers; t++)
			pol->tier_delay_s[t] = (uint32_t)prng_range(p, 60, 1800);
		pol->repeat_s = (uint32_t)(prng_chance(p, 70) ? prng_range(p, 300, 3600) : 0);
		pol->repeat_max = (uint32_t)prng_range(p, 0, 5);
		pol->coalesce_s = (uint32_t)prng_range(p, 0, 180);
		pol->clear_settle_s = (uint32_t)prng_range(p, 0, 900);
		pol->all_clear = prng_chance(p, 80);
		pol->cap_contact = (uint32_t)(prng_chance(p, 60) ? prng_range(p, 2, 15) : 0);
		pol->cap_site = (uint32_t)(prng_chance(p, 60) ? prng_range(p, 2, 40) : 0);
		if (prng_chance(p, 30)) {
			struct alert_window *w = &pol->windows[pol->n_windows++];
			snprintf(w->unit, sizeof(w->unit), "u0");
			w->channel = -1;
			w->days = (uint8_t)prng_range(p, 0, 127);
			w->span = (struct alert_span){true, (uint16_t)prng_range(p, 0, 1439),
						      (uint16_t)prng_range(p, 0, 1439)};
		}
	} while (alert_policy_check(pol, NULL) != 0);
}

static struct alert_report key_report(int key, struct prng *p, int64_t now)
{
	static const char *const units[] = {"u0", "u1", "u2"};
	return (struct alert_report){.unit = units[key / 4],
				     .channel = (int16_t)(key / 2 % 2),
				     .kind = key % 2 ? ALERT_KIND_LOW : ALERT_KIND_HIGH,
				     .critical = prng_chance(p, 10),
				     .has_value = true,
				     .value_c10 = (int32_t)prng_range(p, -300, 300),
				     .threshold_c10 = 80,
				     .since_ms = now - prng_range(p, 0, 600000)};
}

static void random_command(struct world *w, struct prng *p, int64_t now)
{
	int c = (int)prng_range(p, 0, (int64_t)w->pol.n_contacts);
	const char *number = c < (int)w->pol.n_contacts ? w->pol.contacts[c].number : "+999";
	size_t before = w->texts;
	bool viewer = c < (int)w->pol.n_contacts && w->pol.contacts[c].role == ALERT_ROLE_VIEWER;
	int rc;
	if (prng_chance(p, 70)) {
		int64_t id = prng_chance(p, 50) ? prng_range(p, 1, 60) : -prng_range(p, 0, 1);
		rc = alert_engine_ack(w->e, number, id, now);
	} else {
		int unit = (int)prng_range(p, 0, 1), channel = (int)prng_range(p, -1, 1);
		uint32_t duration_s = (uint32_t)(prng_chance(p, 30) ? 0 : prng_range(p, 1, 3600));
		bool may = c < (int)w->pol.n_contacts && !viewer;
		/* The model moves first: texts go out inside the call. */
		if (may && duration_s)
			w->mute_until[unit][channel + 1] = now + (int64_t)duration_s * 1000;
		for (int k = 0; may && !duration_s && k < 3; k++)
			if (channel < 0 || k == channel + 1)
				w->mute_until[unit][k] = 0;
		rc = alert_engine_mute(w->e, number, unit ? "u1" : "u0", (int16_t)channel, duration_s, now);
		CHECK(!may || rc == 0, w->seed, w->step, "a mute refused (rc %d)", rc);
	}
	if (c == (int)w->pol.n_contacts)
		CHECK(rc == -EACCES && w->texts == before, w->seed, w->step, "a stranger got an answer");
	if (viewer)
		CHECK(rc == -EPERM, w->seed, w->step, "a viewer acknowledged or muted (rc %d)", rc);
}

static void check_world(struct world *w)
{
	for (int k = 0; k < KEYS; k++) {
		uint32_t id = w->key_id[k];
		if (id == 0)
			continue;
		struct alert_incident v;
		if (alert_engine_incident(w->e, id, &v) != 0) {
			CHECK(w->state[id] == ALERT_STATE_CLOSED, w->seed, w->step, "#%u lost", id);
			w->key_id[k] = 0;
			continue;
		}
		CHECK(v.state == w->state[id] && v.state != ALERT_STATE_CLOSED, w->seed, w->step,
		      "#%u is %s but was told %s", id, alert_state_str(v.state),
		      alert_state_str(w->state[id]));
		CHECK((v.state == ALERT_STATE_ACKED) <= w->acked[id], w->seed, w->step, "ack state");
	}
}

/* The base restarts: everything the engine knows is saved, and a new engine takes it up. */
static void restart(struct world *w, int64_t now)
{
	struct alert_incident saved[16];
	struct alert_mute mutes[ALERT_MUTES_MAX];
	struct alert_counters cnt;
	size_t n = alert_engine_incidents(w->e, saved, 16);
	size_t n_mutes = alert_engine_mutes(w->e, mutes, ALERT_MUTES_MAX, now);
	uint32_t next_id = alert_engine_next_id(w->e);
	alert_engine_counters(w->e, &cnt);
	alert_engine_free(w->e);
	w->e = alert_engine_new(&w->pol, 16, next_id, world_sink, w);
	assert_non_null(w->e);
	alert_engine_set_utc_offset(w->e, w->offset_s);
	for (size_t i = 0; i < n; i++)
		CHECK(alert_engine_restore(w->e, &saved[i]) == 0, w->seed, w->step, "restore #%u",
		      saved[i].id);
	for (size_t i = 0; i < n_mutes; i++)
		CHECK(alert_engine_restore_mute(w->e, &mutes[i], now) == 0, w->seed, w->step, "restore mute");
	alert_engine_restore_counters(w->e, &cnt);
}

static void run_world(uint64_t seed)
{
	static struct world w;
	struct prng p = {seed};
	memset(&w, 0, sizeof(w));
	w.seed = seed;
	w.day = INT64_MIN;
	for (size_t i = 0; i < MAX_IDS; i++)
		w.state[i] = ALERT_STATE_CLOSED;
	random_policy(&p, &w.pol);
	w.offset_s = (int32_t)prng_range(&p, -12, 12) * 3600;
	w.e = alert_engine_new(&w.pol, 16, 1, world_sink, &w);
	assert_non_null(w.e);
	alert_engine_set_utc_offset(w.e, w.offset_s);
	int64_t now = T0;
	for (w.step = 0; w.step < STEPS; w.step++) {
		now += prng_range(&p, 0, prng_chance(&p, 10) ? 3600 : 120) * 1000;
		int pick = (int)prng_range(&p, 0, 99);
		int key = (int)prng_range(&p, 0, KEYS - 1);
		struct alert_report r = key_report(key, &p, now);
		if (pick < 25) {
			w.raising = key;
			int64_t id = alert_engine_raise(w.e, &r, now);
			CHECK(id > 0 && id < MAX_IDS, seed, w.step, "raise gave %lld", (long long)id);
			CHECK(w.key_id[key] == 0 || w.key_id[key] == (uint32_t)id, seed, w.step,
			      "a second incident #%lld for one key (open: #%u)", (long long)id,
			      w.key_id[key]);
			w.key_id[key] = (uint32_t)id;
		} else if (pick < 45) {
			int64_t id = alert_engine_clear(w.e, &r, now);
			CHECK(id == -ENOENT || (uint32_t)id == w.key_id[key], seed, w.step,
			      "clear hit another incident");
		} else if (pick < 60) {
			random_command(&w, &p, now);
		} else if (pick < 62) {
			restart(&w, now);
		} else {
			alert_engine_tick(w.e, now);
			CHECK(alert_engine_next_ms(w.e, now) > now, seed, w.step,
			      "work left right after a tick: the daemon would spin");
		}
		check_world(&w);
	}
	alert_engine_free(w.e);
}

static void engine_sequences_keep_their_invariants(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= SEEDS; seed++)
		run_world(seed);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(channel_sequences_keep_their_invariants),
		cmocka_unit_test(engine_sequences_keep_their_invariants),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
