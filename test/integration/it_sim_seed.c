/* `--seed` makes a faulty run repeatable: the same SMS sent through two simulators started
 * with the same seed and fault probabilities meet the same fates (lost, duplicated, held
 * back), recorded in sms.jsonl; another seed gives other fates. */
#include "it_util.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static int cmp_lines(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sends 20 SMS from alice to bob under `seed` and returns sms.jsonl without its times,
 * sorted (arrival order may differ by scheduling; fates may not). */
static char *fates(const char *m2mon, const char *seed)
{
	const char *args[] = {"--modem",     "base=+15550001000",
			      "--phone",     "alice=+15550003001",
			      "--phone",     "bob=+15550003002",
			      "--seed",      seed,
			      "--loss",      "0.25",
			      "--duplicate", "0.25",
			      "--reorder",   "0.25",
			      NULL};
	struct it_sim sim;
	it_sim_start(&sim, m2mon, args);
	for (int i = 0; i < 20; i++) {
		char text[32];
		snprintf(text, sizeof(text), "reading %02d", i);
		const char *send[] = {"--from", "+15550003001", "--to", "+15550003002", text, NULL};
		assert_int_equal(it_cli(&sim, "send", send, NULL, 0), 0);
	}
	assert_true(it_drain(&sim, IT_TIMEOUT_MS));
	char path[400];
	snprintf(path, sizeof(path), "%s/sms.jsonl", sim.dir);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char *lines[64];
	int n = 0;
	char buf[2048];
	while (n < 64 && fgets(buf, sizeof(buf), f)) {
		char *status = strstr(buf, "\"id\":"); /* drop "time" and "submitted" before it */
		assert_non_null(status);
		lines[n++] = strdup(status);
	}
	fclose(f);
	it_sim_stop(&sim);
	qsort(lines, (size_t)n, sizeof(lines[0]), cmp_lines);
	size_t total = 1;
	for (int i = 0; i < n; i++)
		total += strlen(lines[i]);
	char *all = calloc(1, total);
	for (int i = 0; i < n; i++) {
		strcat(all, lines[i]);
		free(lines[i]);
	}
	return all;
}

static void same_seed_same_fates(void **state)
{
	const char *m2mon = *state;
	char *a = fates(m2mon, "42"), *b = fates(m2mon, "42"), *c = fates(m2mon, "43");
	assert_non_null(strstr(a, "\"lost\""));
	assert_non_null(strstr(a, "\"duplicate\""));
	assert_non_null(strstr(a, "\"reorder\""));
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	free(a);
	free(b);
	free(c);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s PATH-TO-M2MON\n", argv[0]);
		return 2;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_prestate(same_seed_same_fates, argv[1]),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
