/* The one profile registry: what modem.profile accepts (MODEM_PROFILE_CHOICES, the config's
 * check, --profile) is exactly the registry's names; profiles are found by name and by the
 * model a module reports; and every personality of the simulator is named as the profile of
 * the same module family, whose +CGMM answer selects that very profile. */
#include "modem_profile.h"
#include "sim_settings.h"
#include "test_vmodem_harness.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

static void choices_are_the_registry(void **state)
{
	char names[256] = "auto";

	(void)state;
	for (const struct modem_profile *const *p = modem_profiles; *p; p++) {
		snprintf(names + strlen(names), sizeof(names) - strlen(names), ", %s", (*p)->name);
		assert_ptr_equal(modem_profile_find((*p)->name), *p);
		assert_true(modem_profile_name_valid((*p)->name));
	}
	assert_string_equal(names, MODEM_PROFILE_CHOICES);
	assert_string_equal(modem_profiles[0]->name, "generic");
	assert_true(modem_profile_name_valid("auto"));
	assert_true(modem_profile_name_valid(""));
	assert_false(modem_profile_name_valid("ec25"));
	assert_null(modem_profile_find("auto"));
}

/* Each profile is complete data: nothing the lifecycle reads is missing. */
static void every_profile_is_complete(void **state)
{
	(void)state;
	for (const struct modem_profile *const *p = modem_profiles; *p; p++) {
		assert_non_null((*p)->storage);
		assert_non_null((*p)->report_storage);
		assert_non_null((*p)->cnmi);
		assert_non_null((*p)->boot_urc);
		assert_non_null((*p)->reset);
		assert_true((*p)->boot_ms > 0);
		/* storing profiles ask for reports stored (<ds>=2), acknowledging ones routed (1) */
		const char *ds = strrchr((*p)->cnmi, ',') - 1;
		assert_int_equal(*ds, (*p)->rx == MODEM_RX_STORE ? '2' : '1');
	}
}

static void models_select_their_profile(void **state)
{
	(void)state;
	assert_string_equal(modem_profile_by_model("SIMCOM_SIM7600E-H")->name, "sim7600");
	assert_string_equal(modem_profile_by_model("E3372h-153")->name, "e3372");
	assert_string_equal(modem_profile_by_model("Quectel EC25")->name, "ec2x");
	assert_string_equal(modem_profile_by_model("BG96")->name, "bg9x");
	assert_string_equal(modem_profile_by_model("SIMCOM_SIM800")->name, "sim800");
	assert_string_equal(modem_profile_by_model("VM-1")->name, "generic");
}

/* The +CGMM answer of a virtual modem of model `model`. */
static void cgmm(enum vmodem_model model, char *out, size_t size)
{
	struct vmh *h = vmh_new(model, NULL, 3);
	vmh_advance(h, 20000);
	vmh_take(h);
	vmh_type(h, "ATE0\r");
	vmh_take(h);
	vmh_type(h, "AT+CGMM\r");
	const char *a = vmh_take(h);
	const char *end = strstr(a + 2, "\r\n");
	assert_non_null(end);
	snprintf(out, size, "%.*s", (int)(end - a - 2), a + 2);
	vmh_free(h);
}

static void simulator_models_are_profile_names(void **state)
{
	char model[64];

	(void)state;
	for (int i = 0; sim_model_names[i]; i++) {
		const struct modem_profile *p = modem_profile_find(sim_model_names[i]);
		if (!p)
			fail_msg("the simulator's model \"%s\" is no profile of the modem layer",
				 sim_model_names[i]);
		cgmm((enum vmodem_model)i, model, sizeof(model));
		if (modem_profile_by_model(model) != p)
			fail_msg("the simulator's %s answers +CGMM \"%s\", which selects profile %s",
				 sim_model_names[i], model, modem_profile_by_model(model)->name);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(choices_are_the_registry),
		cmocka_unit_test(every_profile_is_complete),
		cmocka_unit_test(models_select_their_profile),
		cmocka_unit_test(simulator_models_are_profile_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
