/* Typed reading of the fields of one AT response line (V.250 5.7, TS 27.007 4.1):
 * `+CMGL: 1,0,"",34`, `+CPMS: ("SM","ME"),("SM")`. The only way m2mon reads modem text. */
#ifndef M2_AT_ITER_H
#define M2_AT_ITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct at_iter {
	const char *line;
	size_t len;
	size_t pos;
	bool first; /* no field read yet: no comma expected before the next one */
};

/* Starts reading `line` (NUL-terminated, borrowed for the iterator's life) at its start. */
void at_iter_init(struct at_iter *it, const char *line);

/* When the line starts with `prefix` (e.g. "+CMGS:"), skips it and following spaces and
 * returns true; otherwise returns false and leaves the iterator unchanged. */
bool at_iter_prefix(struct at_iter *it, const char *prefix);

/* Every at_iter_next_* reads one comma-separated field and returns 0, or:
 *   -ENOENT  no field left on the line
 *   -ENODATA the field is empty (e.g. the alpha of `+CMGL: 1,0,,34`); it is consumed
 *   -EINVAL  the field is not of the asked type; the iterator is left unchanged
 *   -ERANGE  a number does not fit; -ENOSPC the output buffer is too small (unchanged) */
int at_iter_next_int(struct at_iter *it, int *out);
/* A double-quoted string, copied without quotes into `out` (NUL-terminated). */
int at_iter_next_string(struct at_iter *it, char *out, size_t size);
/* A quoted or unquoted field as text (e.g. an operator name or `SIM PIN`). */
int at_iter_next_text(struct at_iter *it, char *out, size_t size);
/* A field of hex digits (quoted or not) decoded into `out`; `*n` gets the octet count. */
int at_iter_next_hex(struct at_iter *it, uint8_t *out, size_t size, size_t *n);
/* A range `lo-hi` or a single value (then lo == hi), as in +CNMI=? lists; -EINVAL for a
 * range whose low end is above its high end (`2-0` names no value). */
int at_iter_next_range(struct at_iter *it, int *lo, int *hi);
/* Skips one field of any kind (quoted, list or plain). */
int at_iter_skip(struct at_iter *it);

/* Enters a parenthesised list field `(`; the fields inside are read with next_*; returns 0,
 * -ENOENT or -EINVAL. at_iter_close_list() skips to past the matching `)`. */
int at_iter_open_list(struct at_iter *it);
int at_iter_close_list(struct at_iter *it);

/* True when nothing but spaces is left. */
bool at_iter_at_end(const struct at_iter *it);

#endif
