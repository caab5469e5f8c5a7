/* A simulated handset's message store: concatenated parts wait, keyed by originator and
 * reference (TS 23.040 9.2.3.24.1), until every sequence number is there; then the whole text
 * enters the inbox. The last few finished messages are kept to recognise a repeated part. */
#include "sim_phone.h"

#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PHONE_MAX_PENDING 32
#define PHONE_MAX_DONE    8 /* finished messages whose repeated parts are recognised */

struct pending {
	char from[SIM_NUMBER_MAX];
	uint16_t ref;
	uint8_t total;
	uint8_t have;
	enum sim_coding coding;
	char *text[256]; /* by sequence number, 1..total */
};

struct sim_phone {
	char name[33];
	char number[SIM_NUMBER_MAX];
	struct sim_inbox_msg *inbox;
	size_t n_inbox, cap_inbox;
	struct pending *pending[PHONE_MAX_PENDING];
	size_t n_pending;
	struct pending *done[PHONE_MAX_DONE]; /* oldest first */
	size_t n_done;
};

struct sim_phone *sim_phone_new(const char *name, const char *number)
{
	struct sim_phone *ph = calloc(1, sizeof(*ph));
	if (!ph)
		return NULL;
	snprintf(ph->name, sizeof(ph->name), "%s", name);
	snprintf(ph->number, sizeof(ph->number), "%s", number);
	return ph;
}

static void pending_free(struct pending *p)
{
	for (int i = 0; i < 256; i++)
		free(p->text[i]);
	free(p);
}

void sim_phone_free(struct sim_phone *ph)
{
	if (!ph)
		return;
	for (size_t i = 0; i < ph->n_inbox; i++)
		free(ph->inbox[i].text);
	free(ph->inbox);
	for (size_t i = 0; i < ph->n_pending; i++)
		pending_free(ph->pending[i]);
	for (size_t i = 0; i < ph->n_done; i++)
		pending_free(ph->done[i]);
	free(ph);
}

const char *sim_phone_name(const struct sim_phone *ph)
{
	return ph->name;
}

const char *sim_phone_number(const struct sim_phone *ph)
{
	return ph->number;
}

const struct sim_inbox_msg *sim_phone_inbox(const struct sim_phone *ph, size_t *count)
{
	*count = ph->n_inbox;
	return ph->inbox;
}

/* Takes ownership of `text`. */
static int inbox_add(struct sim_phone *ph, const char *from, char *text, int parts, enum sim_coding coding,
		     uint64_t time_ms)
{
	if (ph->n_inbox == ph->cap_inbox) {
		size_t cap = ph->cap_inbox ? ph->cap_inbox * 2 : 16;
		struct sim_inbox_msg *n = realloc(ph->inbox, cap * sizeof(*n));
		if (!n) {
			free(text);
			return -ENOMEM;
		}
		ph->inbox = n;
		ph->cap_inbox = cap;
	}
	struct sim_inbox_msg *m = &ph->inbox[ph->n_inbox++];
	snprintf(m->from, sizeof(m->from), "%s", from);
	m->text = text;
	m->parts = parts;
	m->coding = coding;
	m->time_ms = time_ms;
	log_info("sim", "event=phone_received phone=%s from=%s parts=%d", ph->name, from, parts);
	return 1;
}

static bool same_message(const struct pending *p, const char *from, const struct sim_concat *c)
{
	return p->ref == c->ref && p->total == c->total && strcmp(p->from, from) == 0;
}

/* A part that a finished message already had, word for word: the network repeated it. */
static bool repeat_of_done(const struct sim_phone *ph, const char *from, const struct sim_part *part)
{
	for (size_t i = 0; i < ph->n_done; i++) {
		const struct pending *p = ph->done[i];
		if (same_message(p, from, &part->concat) &&
		    strcmp(p->text[part->concat.seq], part->text) == 0)
			return true;
	}
	return false;
}

static struct pending *pending_find(struct sim_phone *ph, const char *from, const struct sim_concat *c)
{
	for (size_t i = 0; i < ph->n_pending; i++) {
		struct pending *p = ph->pending[i];
		if (same_message(p, from, c))
			return p;
	}
	if (ph->n_pending == PHONE_MAX_PENDING) {
		log_warn("sim",
			 "event=phone_parts_dropped phone=%s from=%s ref=%u have=%u total=%u "
			 "reason=\"too many incomplete messages; the missing parts never came\"",
			 ph->name, ph->pending[0]->from, ph->pending[0]->ref, ph->pending[0]->have,
			 ph->pending[0]->total);
		pending_free(ph->pending[0]);
		memmove(ph->pending, ph->pending + 1, (PHONE_MAX_PENDING - 1) * sizeof(ph->pending[0]));
		ph->n_pending--;
	}
	struct pending *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	snprintf(p->from, sizeof(p->from), "%s", from);
	p->ref = c->ref;
	p->total = c->total;
	p->coding = SIM_CODING_GSM7;
	ph->pending[ph->n_pending++] = p;
	return p;
}

static char *pending_join(const struct pending *p)
{
	size_t len = 1;
	for (int s = 1; s <= p->total; s++)
		len += strlen(p->text[s]);
	char *text = malloc(len);
	if (!text)
		return NULL;
	text[0] = '\0';
	for (int s = 1; s <= p->total; s++)
		strcat(text, p->text[s]);
	return text;
}

/* Moves the finished `p` from the waiting messages to the recently finished ones. */
static void pending_finish(struct sim_phone *ph, struct pending *p)
{
	for (size_t i = 0; i < ph->n_pending; i++) {
		if (ph->pending[i] != p)
			continue;
		memmove(ph->pending + i, ph->pending + i + 1, (ph->n_pending - i - 1) * sizeof(p));
		ph->n_pending--;
		break;
	}
	if (ph->n_done == PHONE_MAX_DONE) {
		pending_free(ph->done[0]);
		memmove(ph->done, ph->done + 1, (PHONE_MAX_DONE - 1) * sizeof(p));
		ph->n_done--;
	}
	ph->done[ph->n_done++] = p;
}

int sim_phone_receive(struct sim_phone *ph, const char *from, const struct sim_part *part, uint64_t time_ms)
{
	const struct sim_concat *c = &part->concat;
	if (c->total <= 1 || c->seq < 1 || c->seq > c->total) {
		char *text = strdup(part->text);
		if (!text)
			return -ENOMEM;
		return inbox_add(ph, from, text, 1, part->coding, time_ms);
	}
	if (repeat_of_done(ph, from, part))
		return 0;
	struct pending *p = pending_find(ph, from, c);
	if (!p)
		return -ENOMEM;
	if (p->text[c->seq])
		return 0;
	p->text[c->seq] = strdup(part->text);
	if (!p->text[c->seq])
		return -ENOMEM;
	p->have++;
	if (part->coding == SIM_CODING_UCS2)
		p->coding = SIM_CODING_UCS2;
	if (p->have < p->total)
		return 0;
	char *text = pending_join(p);
	if (!text)
		return -ENOMEM;
	int rc = inbox_add(ph, from, text, p->total, p->coding, time_ms);
	pending_finish(ph, p);
	return rc;
}
