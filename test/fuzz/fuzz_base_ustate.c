/* Fuzz target: a unit's state blob as the base reads it back from its database (a damaged
 * file, another build's layout, a hostile row in a shared database). Whatever the bytes: it
 * is refused whole or read into a state whose counts and names are in range, and a state it
 * read is written back to the very same bytes. */
#include "base_ustate.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_base_ustate: %s\n", what);
		abort();
	}
}

static void check_state(struct base_ustate *s)
{
	check(s->n_channels <= BASE_CHANNELS_MAX && s->n_pending <= BASE_PENDING_MAX, "counts out of range");
	for (size_t i = 0; i < s->n_channels; i++) {
		size_t len = strlen(s->ch[i].name);
		check(len > 0 && len < sizeof(s->ch[i].name), "bad channel name");
		check(base_ustate_channel(s, s->ch[i].name, false) == (int)i, "channel lookup");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct base_ustate s, again;
	uint8_t back[BASE_USTATE_BYTES];
	/* An older build's layout: read, written in this one's, read back the same. */
	if (base_ustate_decode(data, size, 1, &s) == 0) {
		check_state(&s);
		int n = base_ustate_encode(&s, back, sizeof(back));
		check(n > 0 && base_ustate_decode(back, (size_t)n, BASE_USTATE_VERSION, &again) == 0,
		      "version 1 not written back in this layout");
		check(memcmp(&s, &again, sizeof(s)) == 0, "version 1 read back otherwise");
	}
	if (base_ustate_decode(data, size, BASE_USTATE_VERSION, &s) != 0)
		return 0;
	check_state(&s);
	int n = base_ustate_encode(&s, back, sizeof(back));
	check(n > 0 && (size_t)n == size && memcmp(back, data, size) == 0, "not written back the same");
	return 0;
}
