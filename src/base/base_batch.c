/* The records one step writes, gathered as the step runs and handed to store_base_write as
 * one transaction; the batch owns its copies until the write has completed. */
#include "base_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Room for one more element of `size` bytes in *arr (count *n, capacity *cap). */
static void *grow(struct base_batch *bt, void **arr, size_t *n, size_t *cap, size_t size)
{
	if (*n == *cap) {
		size_t want = *cap ? *cap * 2 : 8;
		void *p = realloc(*arr, want * size);
		if (!p) {
			bt->failed = -ENOMEM;
			return NULL;
		}
		*arr = p;
		*cap = want;
	}
	void *slot = (char *)*arr + (*n)++ * size;
	memset(slot, 0, size);
	return slot;
}

#define GROW(bt, field)                                                                                      \
	grow(bt, (void **)&(bt)->field, &(bt)->n_##field, &(bt)->cap_##field, sizeof(*(bt)->field))

void base_batch_reset(struct base_batch *bt)
{
	bt->n_marks = bt->n_units = bt->n_readings = bt->n_events = bt->n_outbox = bt->n_incidents = 0;
	bt->has_engine = false;
	bt->failed = 0;
	memset(&bt->engine, 0, sizeof(bt->engine));
}

void base_batch_free(struct base_batch *bt)
{
	free(bt->marks);
	free(bt->units);
	free(bt->readings);
	free(bt->events);
	free(bt->outbox);
	free(bt->incidents);
	free(bt->mark_view);
	memset(bt, 0, sizeof(*bt));
}

bool base_batch_empty(const struct base_batch *bt)
{
	return !bt->n_marks && !bt->n_units && !bt->n_readings && !bt->n_events && !bt->n_outbox &&
	       !bt->has_engine;
}

void base_batch_view(struct base_batch *bt, struct store_base_batch *out)
{
	memset(out, 0, sizeof(*out));
	if (bt->n_marks > bt->cap_view) {
		struct store_inbox_mark *v = realloc(bt->mark_view, bt->n_marks * sizeof(*v));
		if (!v) {
			bt->failed = -ENOMEM;
			return;
		}
		bt->mark_view = v;
		bt->cap_view = bt->n_marks;
	}
	for (size_t i = 0; i < bt->n_marks; i++) {
		bt->mark_view[i] = bt->marks[i].m;
		bt->mark_view[i].sender = bt->marks[i].sender;
		bt->mark_view[i].reason = bt->marks[i].reason[0] ? bt->marks[i].reason : NULL;
	}
	*out = (struct store_base_batch){
		.marks = bt->mark_view,
		.n_marks = bt->n_marks,
		.units = bt->units,
		.n_units = bt->n_units,
		.readings = bt->readings,
		.n_readings = bt->n_readings,
		.events = bt->events,
		.n_events = bt->n_events,
		.outbox = bt->outbox,
		.n_outbox = bt->n_outbox,
		.engine = bt->has_engine ? &bt->engine : NULL,
	};
	if (bt->has_engine) {
		bt->engine.incidents = bt->incidents;
		bt->engine.n_incidents = bt->n_incidents;
	}
}

void base_batch_mark(struct base_batch *bt, int64_t id, const char *sender, uint16_t ref, uint8_t total,
		     enum store_inbox_state state, const char *reason)
{
	struct base_mark *m = GROW(bt, marks);
	if (!m)
		return;
	m->m = (struct store_inbox_mark){.id = id, .ref = ref, .total = total, .state = state};
	snprintf(m->sender, sizeof(m->sender), "%s", sender ? sender : "");
	snprintf(m->reason, sizeof(m->reason), "%s", reason ? reason : "");
}

struct store_reading *base_batch_reading(struct base_batch *bt)
{
	return GROW(bt, readings);
}

struct store_event *base_batch_event(struct base_batch *bt, enum store_event_kind kind, int64_t t_ms)
{
	struct store_event *e = GROW(bt, events);
	if (e) {
		e->kind = kind;
		e->t_ms = t_ms;
	}
	return e;
}

struct store_sms_out *base_batch_sms(struct base_batch *bt, const char *dest, const char *text,
				     const char *kind, uint32_t incident_id, int64_t now_ms)
{
	struct store_sms_out *o = GROW(bt, outbox);
	if (!o)
		return NULL;
	snprintf(o->dest, sizeof(o->dest), "%s", dest);
	snprintf(o->text, sizeof(o->text), "%s", text);
	snprintf(o->kind, sizeof(o->kind), "%s", kind);
	o->incident_id = incident_id;
	o->created_ms = now_ms;
	return o;
}

struct store_unit_proto *base_batch_unit(struct base_batch *bt)
{
	return GROW(bt, units);
}

struct store_incident *base_batch_incident(struct base_batch *bt)
{
	return GROW(bt, incidents);
}
