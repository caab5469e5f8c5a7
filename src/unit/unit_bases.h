/* The base number a unit with several (base_numbers) is using, kept in its store across
 * restarts as the setting "state.base": the number's index and the number itself, so that
 * an edited list that no longer holds it starts on the first number again. */
#ifndef M2_UNIT_BASES_H
#define M2_UNIT_BASES_H

#include "config.h"
#include "store.h"

#include <stdint.h>

/* The index into set->base_numbers saved by unit_bases_save, when the number at that index
 * is still the one saved; 0 otherwise (none saved, fewer numbers now, another number there,
 * a store error). */
int unit_bases_saved(struct store *s, const struct unit_settings *set);

/* Keeps `index` (0..n_base_numbers-1) and its number. 0 or a negative errno (store_unit.h). */
int unit_bases_save(struct store *s, const struct unit_settings *set, int index, int64_t now_ms);

#endif
