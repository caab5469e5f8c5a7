/* The read commands' tables: rows of cleaned cells kept in memory until printed, so that a
 * terminal gets columns as wide as their widest cell; a pipe gets tab-separated lines, a
 * spreadsheet RFC 4180 CSV. Owns the cleaning of text that may have come by SMS. */
#include "cmd_table.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct cmd_table {
	struct cmd_column cols[CMD_TABLE_COLS_MAX];
	size_t n_cols;
	char **cells; /* n_rows * n_cols, row-major */
	size_t n_rows, cap_rows;
};

const char *cmd_table_style_str(enum cmd_table_style style)
{
	switch (style) {
	case CMD_TABLE_ALIGNED:
		return "aligned";
	case CMD_TABLE_TSV:
		return "tsv";
	case CMD_TABLE_CSV:
		return "csv";
	}
	return "?";
}

enum cmd_table_style cmd_table_style_for(FILE *f)
{
	return isatty(fileno(f)) ? CMD_TABLE_ALIGNED : CMD_TABLE_TSV;
}

struct cmd_table *cmd_table_new(const struct cmd_column *cols, size_t n_cols)
{
	if (n_cols == 0 || n_cols > CMD_TABLE_COLS_MAX)
		return NULL;
	struct cmd_table *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	memcpy(t->cols, cols, n_cols * sizeof(*cols));
	t->n_cols = n_cols;
	return t;
}

void cmd_table_free(struct cmd_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n_rows * t->n_cols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t);
}

size_t cmd_table_rows(const struct cmd_table *t)
{
	return t->n_rows;
}

static char *clean_copy(const char *s)
{
	size_t n = strlen(s) + 1;
	char *out = malloc(n);
	if (out)
		cmd_text_clean(s, out, n);
	return out;
}

int cmd_table_add(struct cmd_table *t, const char *const *cells)
{
	if (t->n_rows == t->cap_rows) {
		size_t cap = t->cap_rows ? t->cap_rows * 2 : 16;
		char **grown = realloc(t->cells, cap * t->n_cols * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		t->cells = grown;
		t->cap_rows = cap;
	}
	char **row = t->cells + t->n_rows * t->n_cols;
	for (size_t c = 0; c < t->n_cols; c++) {
		row[c] = clean_copy(cells[c] ? cells[c] : "");
		if (!row[c]) {
			while (c-- > 0)
				free(row[c]);
			return -ENOMEM;
		}
	}
	t->n_rows++;
	return 0;
}

static void print_padded(FILE *out, const char *s, size_t width, bool right, bool last)
{
	size_t w = cmd_text_width(s);
	size_t pad = width > w ? width - w : 0;
	if (right)
		fprintf(out, "%*s", (int)pad, "");
	fputs(s, out);
	if (!right && !last)
		fprintf(out, "%*s", (int)pad, "");
}

static void print_row(const struct cmd_table *t, const char *const *row, const size_t *width,
		      enum cmd_table_style style, FILE *out)
{
	for (size_t c = 0; c < t->n_cols; c++) {
		bool last = c + 1 == t->n_cols;
		switch (style) {
		case CMD_TABLE_ALIGNED:
			print_padded(out, row[c], width[c], t->cols[c].right, last);
			if (!last)
				fputs("  ", out);
			break;
		case CMD_TABLE_TSV:
			fputs(row[c], out);
			if (!last)
				fputc('\t', out);
			break;
		case CMD_TABLE_CSV:
			cmd_csv_field(out, row[c]);
			if (!last)
				fputc(',', out);
			break;
		}
	}
	fputs(style == CMD_TABLE_CSV ? "\r\n" : "\n", out);
}

void cmd_table_print(const struct cmd_table *t, enum cmd_table_style style, FILE *out)
{
	size_t width[CMD_TABLE_COLS_MAX];
	const char *header[CMD_TABLE_COLS_MAX];
	for (size_t c = 0; c < t->n_cols; c++) {
		header[c] = t->cols[c].header;
		width[c] = cmd_text_width(header[c]);
		for (size_t r = 0; r < t->n_rows; r++) {
			size_t w = cmd_text_width(t->cells[r * t->n_cols + c]);
			if (w > width[c])
				width[c] = w;
		}
	}
	print_row(t, header, width, style, out);
	for (size_t r = 0; r < t->n_rows; r++)
		print_row(t, (const char *const *)t->cells + r * t->n_cols, width, style, out);
}

void cmd_table_line(enum cmd_table_style style, const char *const *cells, size_t n, FILE *out)
{
	char buf[512];
	for (size_t c = 0; c < n; c++) {
		cmd_text_clean(cells[c] ? cells[c] : "", buf, sizeof(buf));
		if (style == CMD_TABLE_CSV)
			cmd_csv_field(out, buf);
		else
			fputs(buf, out);
		if (c + 1 < n)
			fputc(style == CMD_TABLE_CSV ? ',' : '\t', out);
	}
	fputs(style == CMD_TABLE_CSV ? "\r\n" : "\n", out);
}

/* The length of the valid UTF-8 sequence at `s` (1..4) with its code point in `*cp`, or 0
 * when the bytes there are not one (RFC 3629: no overlong forms, no surrogates). */
static size_t utf8_seq(const unsigned char *s, uint32_t *cp)
{
	size_t len;
	uint32_t min;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	} else if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		min = 0x80;
		*cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		min = 0x800;
		*cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		min = 0x10000;
		*cp = s[0] & 0x07;
	} else {
		return 0;
	}
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		*cp = *cp << 6 | (s[i] & 0x3f);
	}
	if (*cp < min || *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff))
		return 0;
	return len;
}

size_t cmd_text_clean(const char *in, char *out, size_t n)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t o = 0;
	if (n == 0)
		return 0;
	while (*s) {
		uint32_t cp;
		size_t len = utf8_seq(s, &cp);
		const unsigned char *src = s;
		size_t take = len;
		if (len == 0) {
			src = (const unsigned char *)"?";
			take = 1;
			len = 1;
		} else if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f)) {
			src = (const unsigned char *)" ";
			take = 1;
		}
		if (o + take >= n)
			break;
		memcpy(out + o, src, take);
		o += take;
		s += len;
	}
	out[o] = '\0';
	return o;
}

size_t cmd_text_width(const char *s)
{
	size_t w = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		w += (*p & 0xc0) != 0x80;
	return w;
}

void cmd_csv_field(FILE *out, const char *s)
{
	size_t len = strlen(s);
	bool quote = strpbrk(s, ",\"\r\n") != NULL || (len > 0 && (s[0] == ' ' || s[len - 1] == ' '));
	if (!quote) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			fputc('"', out);
		fputc(*p, out);
	}
	fputc('"', out);
}
