/* The daemon's steps, one at a time: a step fetches the sequence numbers it needs, computes
 * what it changes into the batch (the engine's reaction included), and ends with one write;
 * the next step starts once the write has completed. A write that fails for a reason that
 * may pass (disk full, a lock, an I/O error) is tried again, the same batch, with a growing
 * delay, and nothing else runs meanwhile: nothing is acted on that is not stored. */
#include "base_int.h"

#include "log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

const char *base_job_kind_str(enum base_job_kind kind)
{
	switch (kind) {
	case BASE_JOB_START:
		return "start";
	case BASE_JOB_INBOX:
		return "inbox";
	case BASE_JOB_RECEIPT:
		return "receipt";
	case BASE_JOB_TICK:
		return "tick";
	case BASE_JOB_MODEM:
		return "modem";
	case BASE_JOB_EVENT:
		return "event";
	}
	return "?";
}

struct base_job *base_job_new(struct base *b, enum base_job_kind kind)
{
	(void)b;
	struct base_job *job = calloc(1, sizeof(*job));
	if (!job) {
		log_error("base",
			  "event=out_of_memory step=%s hint=\"the base needs more memory; it goes on "
			  "and a restart acts on what was stored\"",
			  base_job_kind_str(kind));
		return NULL;
	}
	job->kind = kind;
	job->contact = job->unit = job->modem = -1;
	return job;
}

void base_job_free(struct base_job *job)
{
	if (!job)
		return;
	free(job->text);
	free(job->phone);
	free(job);
}

void base_job_push(struct base *b, struct base_job *job)
{
	if (!job)
		return;
	if (b->stopping) {
		/* Whatever it was is stored or will be found again at the next start. */
		base_job_free(job);
		return;
	}
	if (job->kind == BASE_JOB_TICK)
		b->tick_queued = true;
	if (b->tail)
		b->tail->next = job;
	else
		b->head = job;
	b->tail = job;
	base_jobs_pump(b);
}

/* The units the step changed, as their store records. */
static void units_flush(struct base *b)
{
	for (size_t i = 0; i < b->n_units; i++) {
		struct base_unit *u = &b->units[i];
		if (!u->dirty)
			continue;
		u->dirty = false;
		struct store_unit_proto *p = base_batch_unit(&b->batch);
		if (!p)
			return;
		snprintf(p->unit, sizeof(p->unit), "%s", u->cfg->id);
		int len = base_ustate_encode(&u->st, p->window, sizeof(p->window));
		p->window_version = BASE_USTATE_VERSION;
		p->window_size = len > 0 ? (size_t)len : 0;
		p->last_heard_ms = u->last_heard_ms;
		p->last_seq = u->last_seq;
		p->clock_offset_ms = u->clock_offset_ms;
	}
}

static void compute(struct base *b, struct base_job *job)
{
	b->now_ms = base_now_ms(b);
	b->actor = NULL;
	base_batch_reset(&b->batch);
	bool lead = job->epoch != 0;
	/* The engine names only times still ahead: what came due before this step is done in
	 * it, or the step's new look at the engine would skip it until the minute re-check. */
	if (lead && b->engine_next_ms <= b->now_ms && job->kind != BASE_JOB_TICK)
		alert_engine_tick(b->engine, b->now_ms);
	switch (job->kind) {
	case BASE_JOB_START:
		for (size_t i = 0; i < b->n_units; i++)
			b->units[i].dirty = true;
		break;
	case BASE_JOB_INBOX:
		base_inbox_step(b, job);
		break;
	case BASE_JOB_RECEIPT:
		base_receipts_step(b, job);
		break;
	case BASE_JOB_TICK:
		b->tick_queued = false;
		if (!lead)
			break;
		alert_engine_tick(b->engine, b->now_ms);
		base_super_tick(b, b->now_ms);
		base_super_commands_tick(b, b->now_ms);
		base_peers_tick(b);
		sms_reports_expire(b->reports, b->now_ms);
		break;
	case BASE_JOB_MODEM:
		base_super_modem_step(b, job);
		break;
	case BASE_JOB_EVENT: {
		struct store_event *e = base_batch_event(&b->batch, job->event.kind, b->now_ms);
		if (e) {
			*e = job->event;
			e->t_ms = b->now_ms;
		}
		break;
	}
	}
	b->actor = NULL;
	if (!lead)
		return; /* a follower's step records what happened, never the engine's state */
	/* The engine names only times still ahead: keep the one it named, to wake for it. */
	b->engine_next_ms = alert_engine_next_ms(b->engine, b->now_ms);
	base_alarms_snapshot(b);
	units_flush(b);
}

static void finish(struct base *b, bool written)
{
	struct base_job *job = b->current;
	b->current = NULL;
	bool sent = written && b->batch.n_outbox > 0;
	if (written && job->epoch && job->epoch == b->epoch && b->leading)
		base_alarms_commit(b);
	base_batch_reset(&b->batch);
	base_job_free(job);
	if (sent)
		base_outbox_kick(b);
	base_cluster_idle(b);
	base_jobs_pump(b);
	base_wake(b);
}

static bool may_pass(int err)
{
	return err != -EINVAL && err != -EMSGSIZE && err != -ENOENT && err != -ENOMEM && err != -EPERM;
}

static void retry_later(struct base *b, struct base_job *job, int err, const char *what)
{
	int64_t delay = 1000LL << (job->retries < 6 ? job->retries : 6);
	job->retries++;
	b->retry_at_ms = base_now_ms(b) + delay;
	log_write(job->retries == 1 ? LOG_LEVEL_ERROR : LOG_LEVEL_DEBUG, "base",
		  "event=step_waits step=%s what=%s error=\"%s\" retry_in_ms=%lld tries=%d hint=\"nothing is "
		  "acted on until the database takes it: see the store's own line about the file\"",
		  base_job_kind_str(job->kind), what, store_strerror(err), (long long)delay, job->retries);
	base_wake(b);
}

static void on_written(void *user_data, int result, int64_t id)
{
	struct base *b = user_data;
	struct base_job *job = b->current;
	(void)id;
	if (result == -EPERM) {
		base_cluster_fenced(b, job);
		finish(b, false);
		return;
	}
	if (result < 0 && may_pass(result)) {
		job->computed = true; /* a retry writes the same batch */
		retry_later(b, job, result, "write");
		return;
	}
	if (result < 0)
		log_error(
			"base",
			"event=step_dropped step=%s error=\"%s\" hint=\"a record the store refuses; what it "
			"was about stays stored as new and is tried again at the next start\"",
			base_job_kind_str(job->kind), store_strerror(result));
	finish(b, result >= 0);
}

static void write_batch(struct base *b)
{
	struct store_base_batch view;
	if (!b->batch.failed)
		base_batch_view(&b->batch, &view);
	if (b->batch.failed) {
		log_error("base", "event=step_dropped step=%s error=\"out of memory\"",
			  base_job_kind_str(b->current->kind));
		finish(b, false);
		return;
	}
	if (base_batch_empty(&b->batch)) {
		finish(b, true);
		return;
	}
	/* The engine's writes carry the leader's epoch: a base that lost the lead writes nothing. */
	view.epoch = b->cluster ? b->current->epoch : 0;
	store_base_write(b->store, &view, on_written, b);
}

static void advance(struct base *b);

static void on_seq(void *user_data, int result, uint32_t seq)
{
	struct base *b = user_data;
	struct base_job *job = b->current;
	if (result < 0) {
		if (may_pass(result)) {
			retry_later(b, job, result, "sequence_number");
			return;
		}
		log_error("base", "event=step_dropped step=%s error=\"%s\"", base_job_kind_str(job->kind),
			  store_strerror(result));
		finish(b, false);
		return;
	}
	job->seq[job->got_seq++] = seq;
	advance(b);
}

static void advance(struct base *b)
{
	struct base_job *job = b->current;
	if (job->epoch && (!base_cluster_acts(b) || job->epoch != b->epoch)) {
		/* The lead was lost while the step waited: a leader's step is not computed by a
		 * follower (what it was about is stored and acted on by the leader). */
		log_debug("base", "event=step_dropped step=%s reason=lead_lost",
			  base_job_kind_str(job->kind));
		finish(b, false);
		return;
	}
	if (job->computed) {
		write_batch(b);
		return;
	}
	if (job->got_seq < job->n_seq) {
		store_base_seq_next(b->store, b->units[job->seq_unit[job->got_seq]].cfg->id, on_seq, b);
		return;
	}
	compute(b, job);
	write_batch(b);
}

void base_jobs_pump(struct base *b)
{
	if (b->pumping)
		return;
	b->pumping = true;
	if (b->current && b->retry_at_ms && base_now_ms(b) >= b->retry_at_ms) {
		b->retry_at_ms = 0;
		advance(b);
	}
	while (!b->current && b->head && !b->retry_at_ms && !b->reloading) {
		struct base_job *job = b->head;
		b->head = job->next;
		if (!b->head)
			b->tail = NULL;
		job->next = NULL;
		if (b->stopping) {
			base_job_free(job);
			continue;
		}
		b->current = job;
		job->epoch = base_cluster_acts(b) ? b->epoch : 0;
		if (job->kind == BASE_JOB_INBOX)
			base_inbox_plan(b, job);
		advance(b);
	}
	b->pumping = false;
}
