/* Writes the read side's test site (test/unit/site_fixture.h) into a new base database at
 * PATH, through the store's own API, relative to now: `make_site_db PATH`. */
#include "site_fixture.h"
#include "store.h"

#include <stdio.h>
#include <time.h>

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: make_site_db PATH\n");
		return 2;
	}
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	int64_t now_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	struct store *s;
	struct store_open_cfg cfg = {.path = argv[1], .kind = STORE_KIND_BASE};
	int err = store_open(&cfg, &s);
	if (!err)
		err = sf_write(s, now_ms);
	store_close(s);
	if (err) {
		fprintf(stderr, "make_site_db: %s: %s\n", argv[1], store_strerror(err));
		return 1;
	}
	return 0;
}
