/* bench_store's fleet figures (bench_store_fleet.c): SQLite in `dir`, and PostgreSQL in a
 * database of its own on the server `pg_uri` names (NULL: that column is not measured). */
#ifndef M2_BENCH_STORE_FLEET_H
#define M2_BENCH_STORE_FLEET_H

void bench_fleet(const char *dir, const char *pg_uri);

#endif
