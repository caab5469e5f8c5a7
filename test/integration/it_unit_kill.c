/* SIGKILL of the real `m2mon unit` at several points (just after a message was stored, while
 * one is in flight, just after the modem took one), each time started again: the base
 * receives every message the unit stored and sent, each seq once except at most the one in
 * flight at each kill. */
#include "it_unit_util.h"
#include "store_unit.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define KILLS 6
/* After a kill the modem reboots (a power cut): the next start waits for its boot. */
#define RECOVER_MS 40000

static int setup(void **state)
{
	(void)state;
	return proto_init();
}

/* The lines after which each kill comes, in turn. */
static const char *const kill_after[KILLS] = {
	"event=message", "event=sending", "event=sent", "event=sending", "event=message", "event=sent",
};

/* The seqs of the READINGS the unit logged as stored (the log line follows the commit). */
static size_t stored_seqs(const struct it_unit *u, uint32_t *seqs, size_t max)
{
	FILE *f = fopen(u->log, "r");
	assert_non_null(f);
	char line[4096];
	size_t n = 0;
	while (fgets(line, sizeof(line), f) && n < max) {
		const char *p = strstr(line, "event=message kind=readings seq=");
		if (p)
			seqs[n++] =
				(uint32_t)strtoul(p + strlen("event=message kind=readings seq="), NULL, 10);
	}
	fclose(f);
	return n;
}

/* True when seq is still in the outbox, never handed to the modem: it goes at the next start. */
static bool waiting(struct store *s, uint32_t seq)
{
	struct store_unit_msg *rows = calloc(512, sizeof(*rows));
	size_t n = 0;
	bool found = false;
	assert_int_equal(store_unit_outbox_list(s, 0, rows, 512, &n), 0);
	for (size_t i = 0; i < n && !found; i++)
		found = rows[i].seq == seq && rows[i].attempts == 0;
	free(rows);
	return found;
}

static void check_delivery(const struct it_unit *u, const struct it_base *b, int kills)
{
	struct store *s = NULL;
	struct store_open_cfg cfg = {.path = u->db, .kind = STORE_KIND_UNIT, .read_only = true};
	assert_int_equal(store_open(&cfg, &s), 0);
	uint32_t *seqs = calloc(4096, sizeof(*seqs));
	size_t n = stored_seqs(u, seqs, 4096);
	int received = 0, pending = 0, extra = 0;
	for (size_t i = 0; i < n; i++) {
		int copies = it_base_count(b, PROTO_KIND_READINGS, seqs[i]);
		if (copies == 0 && waiting(s, seqs[i]))
			pending++;
		else if (copies == 0)
			fail_msg("seq %u was stored but never reached the base", seqs[i]);
		received += copies > 0;
		extra += copies > 1 ? copies - 1 : 0;
	}
	print_message("kills=%d stored=%zu received=%d waiting=%d duplicates=%d\n", kills, n, received,
		      pending, extra);
	assert_int_equal(b->n, received + extra);
	assert_true(received >= KILLS);
	assert_true(extra <= kills);
	free(seqs);
	store_close(s);
}

static void sigkill_loses_and_duplicates_nothing(void **state)
{
	struct it_sim sim;
	struct it_unit u;
	struct it_base *b = calloc(1, sizeof(*b));
	it_sim_start(&sim, *state, it_unit_net);
	it_unit_setup(&u, &sim,
		      "sample_interval = \"1s\"; report_interval = \"1s\"; heartbeat = \"1h\";\n"
		      "resend = \"1d\"; resend_max = \"1d\";",
		      "4.0");
	it_base_open(b, &sim);
	for (int k = 0; k < KILLS; k++) {
		int before = it_unit_count(&u, (const char *const[]){kill_after[k], NULL});
		it_unit_start(&u);
		assert_true(it_unit_wait_ms(&u, (const char *const[]){kill_after[k], NULL}, before + 2,
					    RECOVER_MS));
		it_unit_kill(&u);
		/* The board and its modem lose power together, as in a power cut. A process killed
		 * alone inside AT+CMGS text entry would leave the module at its "> " prompt, where
		 * the next start's AT is read as PDU text (a modem-layer matter: ESC first). */
		assert_int_equal(
			it_cli(&sim, "fault", (const char *const[]){"unit1", "reboot", NULL}, NULL, 0), 0);
		it_base_read(b);
		it_base_receipt(b); /* as a base would: the unit sends no further than its window */
	}
	/* A last run sends what the kills left, then stops cleanly. */
	int sent = it_unit_count(&u, (const char *const[]){"event=sent", NULL});
	it_unit_start(&u);
	assert_true(it_unit_wait_ms(&u, (const char *const[]){"event=sent", NULL}, sent + 3, RECOVER_MS));
	it_unit_stop(&u);
	assert_true(it_drain(&sim, IT_TIMEOUT_MS));
	while (it_base_read(b) > 0)
		continue;
	check_delivery(&u, b, KILLS);
	free(b);
	it_sim_stop(&sim);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s M2MON\n", argv[0]);
		return 2;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_prestate(sigkill_loses_and_duplicates_nothing, argv[1]),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
