/* Fuzz target: the text the PostgreSQL backend reads that it did not write: the store URI
 * from a configuration (masked for the logs), a bytea in hex as the server sends it, and
 * libpq's connection messages (mapped to an errno). Whatever comes in: no overrun, a mask
 * whose every password= is followed by *** (none given that way is kept, wherever it stands),
 * a bytea that fits or -1, an errno from the documented list. */
#include "store_pg.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_store_pg_text: %s\n", what);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	char *m = store_pg_mask_uri(s);
	if (m) {
		check(strlen(m) <= 2 * strlen(s) + 15, "mask longer than its buffer");
		/* A password given as password=VALUE is not in the mask: every password= in it is
		 * followed by *** (the user's password, masked as ***, may follow). */
		for (const char *pw = strstr(m, "password="); pw; pw = strstr(pw + 1, "password="))
			check(strncmp(pw + 9, "***", 3) == 0, "a password left in the mask");
		free(m);
	}
	uint8_t out[64];
	long n = store_pg_unhex(s, out, sizeof(out));
	check(n == -1 || (n >= 0 && (size_t)n <= sizeof(out)), "bytea length");
	int err = store_pg_connect_errno(s);
	check(err == -ENOENT || err == -EACCES || err == -EUSERS || err == -ECONNREFUSED ||
		      err == -EHOSTUNREACH || err == -ETIMEDOUT || err == -EIO,
	      "an errno outside the list");
	check(store_pg_hint(err) != NULL, "a hint");
	free(s);
	return 0;
}
