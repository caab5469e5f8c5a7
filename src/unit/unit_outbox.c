/* The outbox towards the modem: one send at a time, oldest first inside the base's window,
 * events before readings, readings and heartbeats held while a sample that may raise an
 * alarm is due or being read (so its alarm never waits behind them), only while the modem
 * is READY; a message the modem took is due again after the backoff
 * until a receipt removes it; an event the base has not confirmed within fallback_after also
 * goes to the fallback phones, once. One timer: the next resend or fallback, nothing else. */
#include "unit_int.h"
#include "unit_sched.h"

#include "log.h"
#include "sms_codec.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define ROWS_MAX 256 /* rows looked at per decision: the window holds 128 seqs */

static void on_outbox_timer(uv_timer_t *t)
{
	unit_outbox_kick(t->data);
}

static int load_rows(struct unit *u, struct store_unit_msg *rows, size_t *n)
{
	*n = 0;
	int rc = store_unit_outbox_list(u->store, 0, rows, ROWS_MAX, n);
	if (rc < 0)
		log_error(MOD,
			  "event=outbox_unreadable error=\"%s\" advice=\"check the disk and the store file\"",
			  store_strerror(rc));
	return rc;
}

uint32_t unit_outbox_pending(struct unit *u)
{
	struct store_unit_msg *rows = calloc(32, sizeof(*rows));
	uint32_t count = 0;
	int64_t after = 0;
	size_t n = 0;
	while (rows && store_unit_outbox_list(u->store, after, rows, 32, &n) == 0 && n > 0) {
		for (size_t i = 0; i < n; i++)
			count += rows[i].seq != 0;
		after = rows[n - 1].id;
	}
	free(rows);
	return count;
}

static void fallback(struct unit *u, const struct store_unit_msg *m, int64_t now)
{
	struct store_unit_msg texts[M2_CONFIG_FALLBACK_MAX];
	char text[STORE_TEXT_MAX];
	unit_text_fallback(u, m->text, text, sizeof(text));
	int n = u->set->n_fallback_numbers;
	for (int i = 0; i < n; i++) {
		texts[i] = (struct store_unit_msg){
			.kind = UNIT_KIND_FALLBACK, .created_ms = now, .next_ms = now};
		snprintf(texts[i].dest, sizeof(texts[i].dest), "%s", u->set->fallback_numbers[i]);
		snprintf(texts[i].text, sizeof(texts[i].text), "%s", text);
	}
	int rc = store_unit_outbox_fallback(u->store, m->id, texts, (size_t)n, now);
	if (rc < 0 && rc != -EALREADY)
		log_error(MOD, "event=fallback_not_stored seq=%u error=\"%s\"", m->seq, store_strerror(rc));
	else if (rc == 0)
		log_warn(MOD,
			 "event=fallback seq=%u kind=%s phones=%d advice=\"the base has not confirmed this "
			 "for "
			 "%us: check the base station, its modem and its SIM credit\"",
			 m->seq, proto_kind_str((enum proto_kind)m->kind), n, u->set->fallback_after_s);
}

/* Queues the fallback texts that are due; returns the next fallback time. */
static int64_t fallbacks(struct unit *u, const struct store_unit_msg *rows, size_t n, int64_t now,
			 bool *queued)
{
	int64_t next = INT64_MAX;
	for (size_t i = 0; i < n; i++) {
		int64_t at = unit_sched_fallback_at(&rows[i], u->set->fallback_after_s);
		if (at <= now) {
			fallback(u, &rows[i], now);
			*queued = true;
		} else if (at < next) {
			next = at;
		}
	}
	return next;
}

static void send_row(struct unit *u, const struct store_unit_msg *m);

static void arm(struct unit *u, int64_t next_ms, int64_t now)
{
	if (next_ms == INT64_MAX) {
		uv_timer_stop(&u->t_outbox);
		return;
	}
	int64_t d = next_ms - now;
	uv_timer_start(&u->t_outbox, on_outbox_timer, d > 0 ? (uint64_t)d : 0, 0);
}

static void kick(struct unit *u, bool release)
{
	if (u->stopping || !u->handles || u->in_tx)
		return;
	bool hold_routine = !release && unit_sample_due(u);
	struct store_unit_msg *rows = calloc(ROWS_MAX, sizeof(*rows));
	size_t n = 0;
	if (!rows || load_rows(u, rows, &n) < 0) {
		free(rows);
		return;
	}
	int64_t now = unit_now_ms(u);
	bool queued = false;
	int64_t next_fb = fallbacks(u, rows, n, now, &queued);
	if (queued && load_rows(u, rows, &n) < 0) {
		free(rows);
		return;
	}
	struct unit_sched_pick p;
	unit_sched_pick(rows, n, now, hold_routine, &p);
	if (p.blocked)
		log_debug(MOD, "event=outbox_held count=%zu oldest_seq=%u", p.blocked, p.oldest_seq);
	u->routine_held = p.held > 0;
	if (p.held)
		log_debug(MOD, "event=report_waits_for_sample count=%zu", p.held);
	if (p.found && !u->sending && u->modem_ready)
		send_row(u, &rows[p.index]);
	free(rows);
	arm(u, p.next_ms < next_fb ? p.next_ms : next_fb, now);
}

void unit_outbox_kick(struct unit *u)
{
	kick(u, false);
}

void unit_outbox_release(struct unit *u)
{
	if (u->routine_held)
		kick(u, true);
}

static void on_sent(void *user_data, const struct modem_send_result *res)
{
	struct unit *u = user_data;
	int64_t now = unit_now_ms(u), id = u->sending_id;
	int64_t later =
		now + unit_sched_backoff_ms(u->sending_attempts + 1, u->set->resend_s, u->set->resend_max_s);
	enum at_result_kind k = res->result.kind;
	u->sending = false;
	int rc;
	if (k == AT_RESULT_OK || k == AT_RESULT_TIMEOUT) {
		rc = store_unit_outbox_sent(u->store, id, later);
		log_info(MOD, "event=sent id=%lld seq=%u attempt=%u outcome=%s next_try_s=%lld",
			 (long long)id, u->sending_seq, u->sending_attempts + 1,
			 k == AT_RESULT_OK ? "accepted" : "unknown",
			 u->sending_seq ? (long long)((later - now) / 1000) : -1LL);
	} else {
		bool aborted = k == AT_RESULT_ABORTED;
		rc = store_unit_outbox_retry(u->store, id, aborted ? now : later);
		const char *why = at_result_describe(&res->result);
		log_warn(MOD, "event=send_failed id=%lld seq=%u result=%s code=%d why=\"%s\" next_try_s=%lld",
			 (long long)id, u->sending_seq, at_result_kind_str(k), res->result.code,
			 why ? why : "", aborted ? 0LL : (long long)((later - now) / 1000));
	}
	if (rc < 0 && rc != -ENOENT)
		log_error(MOD, "event=outbox_update_failed id=%lld error=\"%s\"", (long long)id,
			  store_strerror(rc));
	if (u->stopping)
		unit_stop_if_idle(u);
	else
		unit_outbox_kick(u);
}

static void send_failed_now(struct unit *u, const struct store_unit_msg *m, int rc)
{
	int64_t now = unit_now_ms(u);
	if (rc == -ENOTCONN) {
		u->modem_ready = false;
		return;
	}
	log_error(MOD, "event=send_refused id=%lld seq=%u dest=%s error=%d advice=\"%s\"", (long long)m->id,
		  m->seq, m->dest, rc,
		  rc == -EINVAL && !m->seq ? "not a number a text can go to; the text is dropped"
					   : "retried later");
	if (rc == -EINVAL && !m->seq)
		store_unit_outbox_remove(u->store, m->id);
	else
		store_unit_outbox_retry(
			u->store, m->id,
			now + unit_sched_backoff_ms(m->attempts + 1, u->set->resend_s, u->set->resend_max_s));
}

static void send_row(struct unit *u, const struct store_unit_msg *m)
{
	const char *dest = m->seq ? unit_bases_dest(u, m, unit_now_ms(u)) : m->dest;
	struct sms_submit_opts o = {.concat_ref = (uint8_t)(m->seq ? m->seq : (uint32_t)m->id)};
	struct sms_submit *sub = calloc(1, sizeof(*sub));
	if (!sub)
		return;
	int rc = sms_encode_submit(dest, m->text, &o, sub);
	if (rc == 0) {
		struct modem_pdu parts[SMS_MAX_PARTS];
		for (int i = 0; i < sub->part_count; i++)
			parts[i] = (struct modem_pdu){.hex = sub->parts[i].hex,
						      .tpdu_len = sub->parts[i].tpdu_len};
		rc = modem_send(modem_link_modem(u->link), parts, sub->part_count, unit_mono(u), on_sent, u);
	}
	int part_count = sub->part_count;
	free(sub);
	if (rc < 0) {
		send_failed_now(u, m, rc);
		return;
	}
	u->sending = true;
	u->sending_id = m->id;
	u->sending_seq = m->seq;
	u->sending_attempts = m->attempts;
	log_info(MOD, "event=sending id=%lld seq=%u kind=%d attempt=%u parts=%d dest=%s", (long long)m->id,
		 m->seq, m->kind, m->attempts + 1, part_count, dest);
	modem_link_service(u->link);
}

void unit_outbox_modem_state(struct unit *u, enum modem_state to)
{
	bool ready = to == MODEM_STATE_READY;
	if (ready == u->modem_ready)
		return;
	u->modem_ready = ready;
	if (ready) {
		log_info(MOD, "event=modem_ready pending=%u", unit_outbox_pending(u));
		unit_outbox_kick(u);
		unit_power_query(u, MODEM_QUERY_CLOCK);
	} else {
		log_warn(MOD,
			 "event=modem_not_ready state=%s advice=\"messages wait in the store until the modem "
			 "is "
			 "back; see the modem's own lines for why\"",
			 modem_state_str(to));
	}
}
