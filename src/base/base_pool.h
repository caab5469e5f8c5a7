/* The base's modems as one pool: each has its link, its state and at most one text in
 * hand; texts go to the READY ones in turn, and one that dies gives its text back to the
 * queue for the others. This header is the pool's data and its pure choice; base_pool.c
 * wires the links, base_outbox.c hands them texts. */
#ifndef M2_BASE_POOL_H
#define M2_BASE_POOL_H

#include "modem.h"
#include "modem_settings.h"
#include "sms_codec.h"
#include "store.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BASE_MODEMS_MAX 4

struct base;
struct modem_link;

struct base_modem {
	struct base *b;
	int idx;
	char name[16]; /* "modem1": in logs, in the outbox rows, in its incidents */
	const struct modem_settings *cfg;
	struct modem_link *link;
	enum modem_state state;
	bool busy;             /* a claim or a send is in hand */
	bool closed;           /* its link released by libuv */
	bool dead;             /* reported dead (an incident is open) */
	bool sim_full;         /* reported full (an incident is open) */
	int64_t full_since_ms; /* its storage has been full since then, 0: it is not */
	int64_t since_ms;
	/* The text in hand. */
	int64_t row_id;
	char dest[STORE_NUMBER_MAX];
	char kind[STORE_LABEL_MAX];
	uint32_t attempts;
	bool report; /* a status report was asked for */
	struct sms_submit sub;
};

struct base_pool {
	struct base_modem m[BASE_MODEMS_MAX];
	size_t n;
	size_t rr; /* where the next choice starts */
};

/* The modems that may take a text now (READY, none in hand) into `out` (room for n), in
 * turn from p->rr, which moves past the first of them so that the next round starts with
 * the one after it. Returns how many. */
size_t base_pool_order(struct base_pool *p, int *out);

/* Modems in READY. */
size_t base_pool_ready(const struct base_pool *p);

/* "modem1=ready modem2=dead", for a log line. */
void base_pool_describe(const struct base_pool *p, char *out, size_t n);

#endif
