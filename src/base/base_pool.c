/* The modem pool: one modem_link per configured modem under the daemon's loop, their states
 * followed (a modem that dies, or whose SIM is locked, is an incident through the others;
 * one that comes back closes it), every message they hand over given to the inbox, and the
 * pure choice of who takes the next text. */
#include "base_int.h"

#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t base_pool_order(struct base_pool *p, int *out)
{
	size_t k = 0;
	for (size_t j = 0; j < p->n; j++) {
		size_t i = (p->rr + j) % p->n;
		if (p->m[i].state == MODEM_STATE_READY && !p->m[i].busy)
			out[k++] = (int)i;
	}
	if (k)
		p->rr = ((size_t)out[0] + 1) % p->n;
	return k;
}

size_t base_pool_ready(const struct base_pool *p)
{
	size_t k = 0;
	for (size_t i = 0; i < p->n; i++)
		k += p->m[i].state == MODEM_STATE_READY;
	return k;
}

void base_pool_describe(const struct base_pool *p, char *out, size_t n)
{
	size_t len = 0;
	out[0] = '\0';
	for (size_t i = 0; i < p->n && len < n; i++)
		len += (size_t)snprintf(out + len, n - len, "%s%s=%s", i ? " " : "", p->m[i].name,
					modem_state_str(p->m[i].state));
}

/* ---- the links ---- */

static bool dead_state(enum modem_state s)
{
	return s == MODEM_STATE_DEAD || s == MODEM_STATE_SIM_LOCKED;
}

static void news(struct base *b, struct base_modem *m, enum base_modem_news what)
{
	struct base_job *job = base_job_new(b, BASE_JOB_MODEM);
	if (!job)
		return;
	job->modem = m->idx;
	job->news = what;
	base_job_push(b, job);
}

static void on_state(void *user_data, enum modem_state from, enum modem_state to)
{
	struct base_modem *m = user_data;
	struct base *b = m->b;
	m->state = to;
	m->since_ms = base_now_ms(b);
	log_info("base", "event=modem_state modem=%s device=%s from=%s to=%s", m->name, m->cfg->device,
		 modem_state_str(from), modem_state_str(to));
	base_cluster_modems(b);
	if (to == MODEM_STATE_READY) {
		b->outbox_waiting_logged = false;
		base_super_modem_ready(b, m->since_ms);
		if (m->dead) {
			m->dead = false;
			news(b, m, BASE_MODEM_ALIVE);
		}
		base_outbox_kick(b);
	} else if (dead_state(to) && !m->dead) {
		m->dead = true;
		char pool[128];
		base_pool_describe(&b->pool, pool, sizeof(pool));
		log_error("base", "event=modem_dead modem=%s device=%s state=%s pool=\"%s\" hint=\"%s\"",
			  m->name, m->cfg->device, modem_state_str(to), pool,
			  to == MODEM_STATE_SIM_LOCKED
				  ? "the SIM wants its PIN or PUK, or is missing: check pin in the modem's "
				    "group"
				  : "no answer after every recovery step: check its power and USB cable; "
				    "texts go "
				    "through the other modems, and it is retried every minute");
		news(b, m, BASE_MODEM_DEAD);
	}
}

struct stored_ctx {
	struct base_modem *m;
	uint64_t token;
};

static void on_stored(void *user_data, int result)
{
	struct stored_ctx *ctx = user_data;
	struct modem_link *l = ctx->m->link;
	if (!l) {
		/* The modem closed first (a stop): the message stays on its SIM for the next start. */
		free(ctx);
		return;
	}
	modem_sms_stored(modem_link_modem(l), ctx->token, result, modem_link_now(l));
	modem_link_service(l);
	free(ctx);
}

static void on_sms(void *user_data, const struct modem_inbound *in)
{
	struct base_modem *m = user_data;
	struct stored_ctx *ctx = malloc(sizeof(*ctx));
	if (!ctx) {
		modem_sms_stored(modem_link_modem(m->link), in->token, -ENOMEM, modem_link_now(m->link));
		return;
	}
	*ctx = (struct stored_ctx){m, in->token};
	struct base_inbound bin = {.pdu = in->pdu,
				   .tpdu_len = in->tpdu_len,
				   .modem = m->idx,
				   .stored = on_stored,
				   .user_data = ctx};
	if (m->b->stopping) {
		/* Not stored: it stays on the SIM for the next start. */
		on_stored(ctx, -ECANCELED);
		return;
	}
	base_sms_received(m->b, &bin);
	base_pool_check_storage(m->b, base_now_ms(m->b));
}

void base_pool_init(struct base *b)
{
	/* Without a loop (tests) there are no modems: the test takes the outbox itself. */
	b->pool.n = !b->loop                                     ? 0
		    : (size_t)b->cfg->n_modems < BASE_MODEMS_MAX ? (size_t)b->cfg->n_modems
								 : BASE_MODEMS_MAX;
	for (size_t i = 0; i < b->pool.n; i++) {
		struct base_modem *m = &b->pool.m[i];
		m->b = b;
		m->idx = (int)i;
		m->cfg = &b->cfg->modems[i];
		m->state = MODEM_STATE_CLOSED;
		snprintf(m->name, sizeof(m->name), "modem%u", (unsigned)(i + 1)); /* 5 + 10 digits fit 16 */
	}
}

int base_pool_open(struct base *b)
{
	struct modem_hooks hooks = {.state_changed = on_state, .sms_received = on_sms};
	for (size_t i = 0; i < b->pool.n; i++) {
		struct base_modem *m = &b->pool.m[i];
		struct modem_timing t;
		modem_timing_defaults(m->cfg, &t);
		t.send_ms = b->cfg->send_timeout_s * 1000;
		m->link = modem_link_new(b->loop, m->cfg, &t, &hooks, m);
		if (!m->link)
			return -ENOMEM;
		log_info("base", "event=modem_open modem=%s device=%s", m->name, m->cfg->device);
		modem_link_start(m->link); /* a failure is logged and retried by the link itself */
	}
	return 0;
}

void base_pool_close(struct base *b)
{
	for (size_t i = 0; i < b->pool.n; i++) {
		modem_link_close(b->pool.m[i].link);
		b->pool.m[i].link = NULL;
	}
}

bool base_pool_busy(const struct base *b)
{
	for (size_t i = 0; i < b->pool.n; i++)
		if (b->pool.m[i].busy)
			return true;
	return false;
}

/* A storage that stays full this long (the modem sweeps and frees it at once as a rule) is an
 * incident: nothing more can arrive on that modem. */
#define FULL_GRACE_MS (120 * 1000LL)

void base_pool_check_storage(struct base *b, int64_t now_ms)
{
	for (size_t i = 0; i < b->pool.n; i++) {
		struct base_modem *m = &b->pool.m[i];
		if (!m->link)
			continue;
		const struct modem_info *info = modem_info(modem_link_modem(m->link));
		bool full = info->storage_total > 0 && info->storage_used >= info->storage_total;
		if (full && !m->full_since_ms)
			m->full_since_ms = now_ms;
		if (full && !m->sim_full && now_ms - m->full_since_ms >= FULL_GRACE_MS) {
			m->sim_full = true;
			log_error("base",
				  "event=modem_storage_full modem=%s device=%s used=%d total=%d "
				  "hint=\"messages cannot "
				  "arrive on this modem: the base could not store or delete what is there "
				  "(see the "
				  "lines before); texts still go out\"",
				  m->name, m->cfg->device, info->storage_used, info->storage_total);
			news(b, m, BASE_MODEM_SIM_FULL);
		} else if (!full && m->full_since_ms) {
			m->full_since_ms = 0;
			if (m->sim_full) {
				m->sim_full = false;
				log_info("base", "event=modem_storage_ok modem=%s used=%d total=%d", m->name,
					 info->storage_used, info->storage_total);
				news(b, m, BASE_MODEM_SIM_OK);
			}
		}
	}
}

int64_t base_pool_next_ms(const struct base *b)
{
	int64_t next = INT64_MAX;
	for (size_t i = 0; i < b->pool.n; i++) {
		const struct base_modem *m = &b->pool.m[i];
		int64_t t = m->full_since_ms && !m->sim_full ? m->full_since_ms + FULL_GRACE_MS : INT64_MAX;
		next = t < next ? t : next;
	}
	return next;
}
