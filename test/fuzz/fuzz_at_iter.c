/* Fuzz target: the AT field iterator alone, on any line (the framer's target reaches it only
 * with what the framer passes). Byte 0 picks the buffer size the fields are copied into
 * (1..16, so -ENOSPC is met), the next bytes up to a NUL are the reads to make, one per byte
 * (int, string, text, hex, range, skip, a list opened or closed, a prefix), the rest is the
 * line. Whatever a read returns, the iterator must stay inside the line and a copied field
 * must be NUL-terminated within its buffer. */
#include "at_iter.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_text(int rc, const char *out, size_t size)
{
	if (rc == 0 && strnlen(out, size) == size)
		abort();
}

static void read_one(struct at_iter *it, uint8_t op, size_t size)
{
	char text[16];
	uint8_t hex[16];
	size_t n = 0;
	int v, lo, hi, rc;

	switch (op % 9) {
	case 0:
		at_iter_next_int(it, &v);
		break;
	case 1:
		check_text(at_iter_next_string(it, text, size), text, size);
		break;
	case 2:
		check_text(at_iter_next_text(it, text, size), text, size);
		break;
	case 3:
		rc = at_iter_next_hex(it, hex, size, &n);
		if (rc == 0 && n > size)
			abort();
		break;
	case 4:
		if (at_iter_next_range(it, &lo, &hi) == 0 && lo > hi)
			abort();
		break;
	case 5:
		at_iter_skip(it);
		break;
	case 6:
		at_iter_open_list(it);
		break;
	case 7:
		at_iter_close_list(it);
		break;
	default:
		at_iter_prefix(it, "+C");
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	size_t buf = 1 + data[0] % 16;
	const uint8_t *ops = data + 1, *nul = memchr(ops, 0, size - 1);
	size_t n_ops = nul ? (size_t)(nul - ops) : size - 1;
	size_t line_at = 1 + n_ops + (nul ? 1 : 0);
	char *line = malloc(size - line_at + 1);
	if (!line)
		return 0;
	memcpy(line, data + line_at, size - line_at);
	line[size - line_at] = '\0';
	struct at_iter it;
	at_iter_init(&it, line);
	for (size_t i = 0; i < n_ops && i < 64; i++) {
		read_one(&it, ops[i], buf);
		if (it.pos > it.len)
			abort();
	}
	while (!at_iter_at_end(&it) && at_iter_skip(&it) == 0)
		if (it.pos > it.len)
			abort();
	free(line);
	return 0;
}
