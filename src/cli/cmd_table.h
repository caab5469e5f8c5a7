/* Tables that the read commands print (`m2mon status`, `history`, `events`): aligned columns
 * under a header on a terminal, tab-separated lines when piped, CSV (RFC 4180) for
 * spreadsheets. Every cell is cleaned on the way in: text that came by SMS can hold control
 * characters, and a terminal must never receive one. */
#ifndef M2_CMD_TABLE_H
#define M2_CMD_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum cmd_table_style {
	CMD_TABLE_ALIGNED, /* for a person: columns padded to their widest cell, two spaces apart */
	CMD_TABLE_TSV,     /* for a pipe: header and cells separated by one tab, no padding */
	CMD_TABLE_CSV,     /* for a spreadsheet: RFC 4180, CRLF line ends */
};

const char *cmd_table_style_str(enum cmd_table_style style);

/* ALIGNED when `f` is a terminal, else TSV. */
enum cmd_table_style cmd_table_style_for(FILE *f);

struct cmd_column {
	const char *header;
	bool right; /* right-aligned in ALIGNED (numbers) */
};

#define CMD_TABLE_COLS_MAX 16

struct cmd_table;

/* A table of `n_cols` (1..CMD_TABLE_COLS_MAX) columns, the array copied. NULL when out of memory. */
struct cmd_table *cmd_table_new(const struct cmd_column *cols, size_t n_cols);
void cmd_table_free(struct cmd_table *t);

/* Appends a row of n_cols cells (NULL stands for an empty cell), each cleaned by
 * cmd_text_clean and copied. Returns 0 or -ENOMEM. */
int cmd_table_add(struct cmd_table *t, const char *const *cells);

size_t cmd_table_rows(const struct cmd_table *t);

/* Writes the header and every row in `style`. The last column is never padded. */
void cmd_table_print(const struct cmd_table *t, enum cmd_table_style style, FILE *out);

/* Writes one line of `n` cells, cleaned, in TSV or CSV (not ALIGNED, which needs every row
 * first): for output too long to keep, such as a year of readings. */
void cmd_table_line(enum cmd_table_style style, const char *const *cells, size_t n, FILE *out);

/* Copies `in` to `out` (`n` bytes, NUL-terminated, cut at a character boundary) with every
 * control character (C0, DEL, and C1 as UTF-8) and tab or line break replaced by a space and
 * every byte that is not valid UTF-8 by '?'. Returns the length written. */
size_t cmd_text_clean(const char *in, char *out, size_t n);

/* Characters (UTF-8 code points) in `s`, the width a terminal gives clean text. */
size_t cmd_text_width(const char *s);

/* Writes `s` as one CSV field: as it is, or in double quotes with quotes doubled when it holds
 * a comma, a quote, a CR or LF, or starts or ends with a space. */
void cmd_csv_field(FILE *out, const char *s);

#endif
