/* The base number a unit uses, kept across restarts, against a real store in a temporary
 * file: the number saved is the one a reopened store gives back; a list edited so that the
 * saved index is gone, or holds another number, starts on the first again; a single number
 * is always the first. */
#include "store_fixture.h"
#include "unit_bases.h"

#include "store_unit.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <cmocka.h>

struct fx {
	struct store_fx sfx;
	struct store *s;
	struct unit_settings set;
};

static int setup(void **state)
{
	struct fx *f = test_calloc(1, sizeof(*f));
	fx_setup(&f->sfx, "unit.db");
	assert_int_equal(fx_open(&f->sfx, STORE_KIND_UNIT, false, &f->s), 0);
	f->set.n_base_numbers = 3;
	for (int i = 0; i < 3; i++)
		snprintf(f->set.base_numbers[i], sizeof(f->set.base_numbers[i]), "+1555000100%d", i + 1);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	store_close(f->s);
	fx_teardown(&f->sfx);
	test_free(f);
	return 0;
}

static void reopen(struct fx *f)
{
	store_close(f->s);
	assert_int_equal(fx_open(&f->sfx, STORE_KIND_UNIT, false, &f->s), 0);
}

static void nothing_saved_is_the_first(void **state)
{
	struct fx *f = *state;
	assert_int_equal(unit_bases_saved(f->s, &f->set), 0);
}

static void the_number_in_use_outlives_a_restart(void **state)
{
	struct fx *f = *state;
	assert_int_equal(unit_bases_save(f->s, &f->set, 2, 1000), 0);
	reopen(f);
	assert_int_equal(unit_bases_saved(f->s, &f->set), 2);
	assert_int_equal(unit_bases_save(f->s, &f->set, 1, 2000), 0);
	reopen(f);
	assert_int_equal(unit_bases_saved(f->s, &f->set), 1);
	/* Back on the first: kept too. */
	assert_int_equal(unit_bases_save(f->s, &f->set, 0, 3000), 0);
	reopen(f);
	assert_int_equal(unit_bases_saved(f->s, &f->set), 0);
}

static void an_edited_list_starts_on_the_first(void **state)
{
	struct fx *f = *state;
	assert_int_equal(unit_bases_save(f->s, &f->set, 2, 1000), 0);
	reopen(f);
	f->set.n_base_numbers = 2; /* the third number removed */
	assert_int_equal(unit_bases_saved(f->s, &f->set), 0);
	f->set.n_base_numbers = 3;
	snprintf(f->set.base_numbers[2], sizeof(f->set.base_numbers[2]), "+15550009999");
	assert_int_equal(unit_bases_saved(f->s, &f->set), 0);
	snprintf(f->set.base_numbers[2], sizeof(f->set.base_numbers[2]), "+15550001003");
	assert_int_equal(unit_bases_saved(f->s, &f->set), 2);
	f->set.n_base_numbers = 1; /* one number: always it */
	assert_int_equal(unit_bases_saved(f->s, &f->set), 0);
}

static void the_saved_record_names_the_number(void **state)
{
	struct fx *f = *state;
	assert_int_equal(unit_bases_save(f->s, &f->set, 1, 1000), 0);
	struct store_unit_setting st;
	assert_int_equal(store_unit_setting_get(f->s, "state.base", &st), 0);
	assert_int_equal(st.value, 1);
	assert_string_equal(st.text, "+15550001002");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(nothing_saved_is_the_first, setup, teardown),
		cmocka_unit_test_setup_teardown(the_number_in_use_outlives_a_restart, setup, teardown),
		cmocka_unit_test_setup_teardown(an_edited_list_starts_on_the_first, setup, teardown),
		cmocka_unit_test_setup_teardown(the_saved_record_names_the_number, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
