/* Reports and heartbeats: every report_interval the readings not yet reported become READINGS
 * messages, each as many samples as one SMS holds, each stored in the same transaction that
 * removes its readings (nothing dropped, nothing twice); a heartbeat when no message went to
 * the base for `heartbeat`. */
#include "unit_batch.h"
#include "unit_int.h"

#include "log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define PAGE PROTO_READINGS_MAX

static void on_report(uv_timer_t *t)
{
	struct unit *u = t->data;
	if (unit_report_batch(u) > 0)
		unit_outbox_kick(u);
	unit_power_query(u, MODEM_QUERY_CLOCK);
}

static void on_heartbeat(uv_timer_t *t)
{
	struct unit *u = t->data;
	log_info(MOD, "event=heartbeat_due quiet_s=%u", u->set->heartbeat_s);
	if (unit_queue_heartbeat(u) == 0)
		unit_outbox_kick(u);
	else
		unit_heartbeat_reset(u);
}

void unit_report_rearm(struct unit *u)
{
	uint64_t ms = (uint64_t)u->conf.report_interval_s * 1000;
	uv_timer_start(&u->t_report, on_report, ms, ms);
}

void unit_heartbeat_reset(struct unit *u)
{
	/* On another base than the first, heartbeats probe the first: they keep their beat. */
	if (u->base != 0 && uv_is_active((const uv_handle_t *)&u->t_heartbeat))
		return;
	if (!u->stopping && u->handles)
		uv_timer_start(&u->t_heartbeat, on_heartbeat, (uint64_t)u->set->heartbeat_s * 1000, 0);
}

void unit_report_init(struct unit *u)
{
	unit_report_rearm(u);
	unit_heartbeat_reset(u);
}

/* A reading of a channel that the file no longer has is still reported, under a stand-in. */
static const char *channel_name(const struct unit *u, uint8_t i)
{
	static const char *const gone[M2_CONFIG_CHANNELS_MAX] = {"GONE0", "GONE1", "GONE2", "GONE3",
								 "GONE4", "GONE5", "GONE6", "GONE7"};
	return i < u->conf.n_channels ? u->conf.name[i] : gone[i % M2_CONFIG_CHANNELS_MAX];
}

/* One message from the run at the start of r[0..n): stores it with its readings' removal.
 * Returns the readings it took (> 0) or a negative errno. */
static int batch_one(struct unit *u, const struct store_unit_reading *r, const struct unit_batch_run *run)
{
	int32_t *vals = calloc(run->n_ticks * run->n_channels, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	struct proto_series s = {.n_channels = run->n_channels,
				 .count = run->n_ticks,
				 .first_ms = run->first_ms,
				 .interval_s = run->interval_s};
	for (size_t c = 0; c < run->n_channels; c++) {
		for (size_t k = 0; k < run->n_ticks; k++) {
			const struct store_unit_reading *x = &r[k * run->n_channels + c];
			vals[c * run->n_ticks + k] = x->fault ? PROTO_MISSING : x->temp_c10;
		}
		s.channel[c] = channel_name(u, run->channel[c]);
		s.temp_c10[c] = vals + c * run->n_ticks;
	}
	struct store_unit_msg row = {.kind = PROTO_KIND_READINGS};
	struct proto_head h = {.kind = PROTO_KIND_READINGS};
	size_t taken = 0;
	int rc = store_unit_seq_next(u->store, &row.seq);
	h.seq = row.seq;
	h.time_ms = unit_now_ms(u);
	snprintf(h.unit, sizeof(h.unit), "%s", u->set->id);
	int len = rc < 0 ? rc
			 : proto_encode_readings(&h, &s, 0, u->set->key, row.text, sizeof(row.text), &taken);
	free(vals);
	if (len < 0)
		return len;
	size_t n_ids = taken * run->n_channels;
	int64_t *ids = calloc(n_ids, sizeof(*ids));
	if (!ids)
		return -ENOMEM;
	for (size_t i = 0; i < n_ids; i++)
		ids[i] = r[i].id;
	snprintf(row.dest, sizeof(row.dest), "%s", unit_base_number(u));
	row.created_ms = row.next_ms = h.time_ms;
	rc = store_unit_batch_store(u->store, ids, n_ids, &row);
	free(ids);
	if (rc < 0)
		return rc;
	log_info(MOD, "event=message kind=readings seq=%u samples=%zu channels=%zu len=%d", row.seq, taken,
		 run->n_channels, len);
	unit_heartbeat_reset(u);
	return (int)n_ids;
}

/* A page of pending readings, sorted; the first run of it goes into one message. */
static int batch_page(struct unit *u, struct store_unit_reading *page)
{
	size_t n = 0;
	int rc = store_unit_readings_pending(u->store, 0, page, PAGE, &n);
	if (rc < 0)
		return rc;
	if (n == 0)
		return 0;
	unit_batch_sort(page, n);
	struct unit_batch_run run;
	unit_batch_first(page, n, n == PAGE, u->conf.sample_interval_s, &run);
	return batch_one(u, page, &run);
}

int unit_report_batch(struct unit *u)
{
	struct store_unit_reading *page = calloc(PAGE, sizeof(*page));
	if (!page)
		return -ENOMEM;
	int made = 0, rc;
	while ((rc = batch_page(u, page)) > 0)
		made++;
	free(page);
	if (rc < 0)
		log_error(MOD,
			  "event=report_failed error=\"%s\" advice=\"the readings stay stored and go in the "
			  "next report; check the disk\"",
			  rc == -EINVAL ? "a reading the protocol cannot carry" : store_strerror(rc));
	return made;
}
