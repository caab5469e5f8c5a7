/* The calls of several bases, which the one base of a file makes too: a base's heartbeat is
 * seen by the tools, its claims go back when its modems die, and on SQLite it leads at once
 * with epoch 1 while a write of another epoch is refused. */
#include "store_base_fixture.h"
#include "store_cluster.h"
#include "store_view.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

struct bases_seen {
	size_t n;
	struct store_view_base b[2];
};

static int take_base(void *ud, const struct store_view_base *b)
{
	struct bases_seen *s = ud;
	if (s->n < 2)
		s->b[s->n] = *b;
	s->n++;
	return 0;
}

static void on_leader(void *ud, const struct store_leader_event *ev)
{
	*(struct store_leader_event *)ud = *ev;
}

static void the_base_beats_and_gives_its_claims_back(void **state)
{
	struct store_fx *fx = *state;
	struct store *s = open_base(fx);
	struct done d = {0};
	store_cluster_heartbeat(s, 1, 2, on_done, &d);
	assert_int_equal(d.result, 0);
	struct store *r = NULL;
	assert_int_equal(fx_open(fx, STORE_KIND_BASE, true, &r), 0);
	struct bases_seen seen = {0};
	int64_t now = 0;
	assert_int_equal(store_view_bases(r, &now, take_base, &seen), 0);
	store_close(r);
	assert_int_equal(seen.n, 1);
	assert_int_equal(seen.b[0].modems_up, 1);
	assert_int_equal(seen.b[0].modems, 2);
	assert_true(seen.b[0].last_seen_ms <= now && seen.b[0].last_seen_ms > now - 60000);
	struct store_sms_out texts[] = {text_to("+15550003001", "ALARM one", T0),
					text_to("+15550003002", "ALARM two", T0)};
	write_batch(s, &(struct store_base_batch){.outbox = texts, .n_outbox = 2}, 0);
	assert_int_equal(claim(s, T0).result, 0);
	assert_int_equal(claim(s, T0).result, 0);
	/* Its modems died: both go back, and may have gone already. */
	store_cluster_release(s, on_done, &d);
	assert_int_equal(d.result, 0);
	assert_int_equal(d.id, 2);
	struct claimed c = claim(s, T0);
	assert_int_equal(c.result, 0);
	assert_true(c.row.possibly_duplicate);
	assert_int_equal(c.row.attempts, 2);
	store_close(s);
}

/* SQLite's one base leads with epoch 1, at once; another epoch is nobody's. */
static void the_one_base_of_a_file_leads(void **state)
{
	struct store_fx *fx = *state;
	struct store *s = open_base(fx);
	struct store_leader_event ev = {.state = STORE_LEADER_FOLLOWING};
	if (fx->pg) {
		/* A tool's handle has no loop to keep a lease on. */
		assert_int_equal(store_leader_start(s, NULL, on_leader, &ev), -EINVAL);
		store_close(s);
		return;
	}
	assert_int_equal(store_leader_start(s, NULL, on_leader, &ev), 0);
	assert_int_equal(ev.state, STORE_LEADER_LEADING);
	assert_int_equal(ev.epoch, 1);
	struct store_incident inc = incident(9, "notified", T0);
	struct store_engine_state e = {.incidents = &inc, .n_incidents = 1};
	write_batch(s, &(struct store_base_batch){.engine = &e, .epoch = 1}, 0);
	write_batch(s, &(struct store_base_batch){.engine = &e, .epoch = 2}, -EPERM);
	store_leader_stop(s);
	store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(the_base_beats_and_gives_its_claims_back, base_setup,
						base_teardown),
		cmocka_unit_test_setup_teardown(the_one_base_of_a_file_leads, base_setup, base_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
