/* The AT field iterator: comma-separated fields, quoted strings, integers, hex, ranges and
 * parenthesised lists, each read with a check. Modem text never reaches atoi or sscanf. */
#include "at_iter.h"

#include "hex.h"

#include <errno.h>
#include <limits.h>
#include <string.h>

void at_iter_init(struct at_iter *it, const char *line)
{
	it->line = line;
	it->len = strlen(line);
	it->pos = 0;
	it->first = true;
}

static void skip_spaces(struct at_iter *it)
{
	while (it->pos < it->len && it->line[it->pos] == ' ')
		it->pos++;
}

bool at_iter_prefix(struct at_iter *it, const char *prefix)
{
	size_t n = strlen(prefix);

	if (it->len - it->pos < n || strncmp(it->line + it->pos, prefix, n) != 0)
		return false;
	it->pos += n;
	skip_spaces(it);
	it->first = true;
	return true;
}

bool at_iter_at_end(const struct at_iter *it)
{
	for (size_t i = it->pos; i < it->len; i++)
		if (it->line[i] != ' ')
			return false;
	return true;
}

/* Moves to the start of the next field: past the comma unless it is the first one. Returns
 * the position, or -ENOENT when the line (or the current list) has ended. */
static int field_start(const struct at_iter *it, size_t *start)
{
	size_t p = it->pos;

	while (p < it->len && it->line[p] == ' ')
		p++;
	if (!it->first) {
		if (p >= it->len || it->line[p] != ',')
			return -ENOENT;
		p++;
		while (p < it->len && it->line[p] == ' ')
			p++;
	} else if (p >= it->len || it->line[p] == ')') {
		return -ENOENT;
	}
	*start = p;
	return 0;
}

/* The end of an unquoted field that starts at `p`: the next comma or `)`. */
static size_t plain_end(const struct at_iter *it, size_t p)
{
	while (p < it->len && it->line[p] != ',' && it->line[p] != ')')
		p++;
	return p;
}

static void finish(struct at_iter *it, size_t end)
{
	it->pos = end;
	it->first = false;
}

static size_t trim_end(const struct at_iter *it, size_t start, size_t end)
{
	while (end > start && it->line[end - 1] == ' ')
		end--;
	return end;
}

int at_iter_next_int(struct at_iter *it, int *out)
{
	size_t p, end;
	int rc = field_start(it, &p);
	long v = 0;
	bool neg = false;

	if (rc)
		return rc;
	end = plain_end(it, p);
	size_t last = trim_end(it, p, end);
	if (last == p) {
		finish(it, end);
		return -ENODATA;
	}
	size_t q = p;
	if (it->line[q] == '-' || it->line[q] == '+')
		neg = it->line[q++] == '-';
	if (q == last)
		return -EINVAL;
	for (; q < last; q++) {
		char c = it->line[q];
		if (c < '0' || c > '9')
			return -EINVAL;
		v = v * 10 + (c - '0');
		if (v > INT_MAX)
			return -ERANGE;
	}
	*out = neg ? (int)-v : (int)v;
	finish(it, end);
	return 0;
}

static int quoted_span(const struct at_iter *it, size_t p, size_t *q_end)
{
	size_t q = p + 1;

	while (q < it->len && it->line[q] != '"')
		q++;
	if (q >= it->len)
		return -EINVAL;
	*q_end = q;
	return 0;
}

static int copy_out(char *out, size_t size, const char *src, size_t n)
{
	if (n + 1 > size)
		return -ENOSPC;
	memcpy(out, src, n);
	out[n] = '\0';
	return 0;
}

int at_iter_next_string(struct at_iter *it, char *out, size_t size)
{
	size_t p, q;
	int rc = field_start(it, &p);

	if (rc)
		return rc;
	if (p >= it->len || it->line[p] != '"') {
		if (trim_end(it, p, plain_end(it, p)) == p) {
			finish(it, plain_end(it, p));
			return -ENODATA;
		}
		return -EINVAL;
	}
	if ((rc = quoted_span(it, p, &q)) != 0)
		return rc;
	if ((rc = copy_out(out, size, it->line + p + 1, q - p - 1)) != 0)
		return rc;
	finish(it, plain_end(it, q + 1));
	return 0;
}

int at_iter_next_text(struct at_iter *it, char *out, size_t size)
{
	size_t p, end;
	int rc = field_start(it, &p);

	if (rc)
		return rc;
	if (p < it->len && it->line[p] == '"')
		return at_iter_next_string(it, out, size);
	end = plain_end(it, p);
	size_t last = trim_end(it, p, end);
	if (last == p) {
		finish(it, end);
		return -ENODATA;
	}
	if ((rc = copy_out(out, size, it->line + p, last - p)) != 0)
		return rc;
	finish(it, end);
	return 0;
}

int at_iter_next_hex(struct at_iter *it, uint8_t *out, size_t size, size_t *n)
{
	size_t p, s, e, end;
	int rc = field_start(it, &p);

	if (rc)
		return rc;
	if (p < it->len && it->line[p] == '"') {
		if ((rc = quoted_span(it, p, &e)) != 0)
			return rc;
		s = p + 1;
		end = plain_end(it, e + 1);
	} else {
		end = plain_end(it, p);
		s = p;
		e = trim_end(it, p, end);
	}
	if (e == s) {
		finish(it, end);
		return -ENODATA;
	}
	int k = hex_decode(it->line + s, e - s, out, size);
	if (k < 0)
		return k == -EMSGSIZE ? -ENOSPC : -EINVAL;
	*n = (size_t)k;
	finish(it, end);
	return 0;
}

int at_iter_next_range(struct at_iter *it, int *lo, int *hi)
{
	struct at_iter save = *it;
	size_t p;
	int rc = field_start(it, &p);

	if (rc)
		return rc;
	size_t end = plain_end(it, p);
	size_t dash = p;
	while (dash < end && it->line[dash] != '-')
		dash++;
	if (dash == end) {
		rc = at_iter_next_int(it, lo);
		if (rc == 0)
			*hi = *lo;
		return rc;
	}
	/* Read both halves with the integer reader over a bounded copy of the field. */
	char tmp[32];
	if (end - p >= sizeof(tmp))
		return -EINVAL;
	memcpy(tmp, it->line + p, end - p);
	tmp[end - p] = '\0';
	tmp[dash - p] = ',';
	struct at_iter sub;
	at_iter_init(&sub, tmp);
	if (at_iter_next_int(&sub, lo) != 0 || at_iter_next_int(&sub, hi) != 0 || !at_iter_at_end(&sub) ||
	    *lo > *hi) {
		*it = save;
		return -EINVAL;
	}
	finish(it, end);
	return 0;
}

int at_iter_open_list(struct at_iter *it)
{
	size_t p;
	int rc = field_start(it, &p);

	if (rc)
		return rc;
	if (p >= it->len || it->line[p] != '(')
		return -EINVAL;
	it->pos = p + 1;
	it->first = true;
	return 0;
}

int at_iter_close_list(struct at_iter *it)
{
	int depth = 1;
	bool quoted = false;
	size_t p = it->pos;

	for (; p < it->len && depth > 0; p++) {
		char c = it->line[p];
		if (c == '"')
			quoted = !quoted;
		else if (!quoted && c == '(')
			depth++;
		else if (!quoted && c == ')')
			depth--;
	}
	if (depth != 0)
		return -EINVAL;
	finish(it, p);
	return 0;
}

int at_iter_skip(struct at_iter *it)
{
	size_t p, q;
	int rc = field_start(it, &p);

	if (rc)
		return rc;
	if (p < it->len && it->line[p] == '"') {
		if ((rc = quoted_span(it, p, &q)) != 0)
			return rc;
		finish(it, plain_end(it, q + 1));
		return 0;
	}
	if (p < it->len && it->line[p] == '(') {
		it->pos = p + 1;
		return at_iter_close_list(it);
	}
	finish(it, plain_end(it, p));
	return 0;
}
