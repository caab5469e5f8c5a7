/* Helpers for two real bases on one PostgreSQL database (it_multibase.c, bench_failover.c):
 * a database of its own on the cluster test/pg/pg_cluster.sh runs, and a base's file with
 * its modem, the site's unit WH1, Alice/Bob/Carol and a cluster group with short leases. */
#ifndef M2_IT_MULTI_H
#define M2_IT_MULTI_H

#include "it_base.h"

#include <stddef.h>

/* Creates database `name` on the cluster (M2_PG_DIR, M2_PG_PORT, M2_PG_URI from
 * pg_cluster.sh run) and writes its URI into `uri`. */
void it_multi_db(const char *name, char *uri, size_t size);

/* One integer from SQL on database `uri`, -1 on error. */
long long it_multi_scalar(const char *uri, const char *sql);

/* Base `name` ('A', 'B'...) on modem `tty` of `sim`, store `uri`, lease `lease` ("2s"),
 * heartbeat a quarter of it, claims lapsing after the lease
 * (3 s at least); tier 2 after `tier_delay`; another base not heard for `silent` is an
 * incident. Its file and
 * log are SIM_ROOT/baseNAME.conf and .log. */
void it_multi_conf(struct it_base *b, const struct it_sim *sim, char name, const char *tty, const char *uri,
		   const char *lease, const char *tier_delay, const char *silent);

#endif
