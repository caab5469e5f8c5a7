/* Choosing a profile: by its name in the configuration, or by the model the modem reports
 * in +CGMM when the configuration says "auto". */
#include "modem_profile.h"
#include "modem_settings.h"

#include <stddef.h>
#include <string.h>
#include <strings.h>

static const struct modem_profile *const profiles[] = {
	&modem_profile_generic, &modem_profile_sim800, &modem_profile_sim7600,
	&modem_profile_ec2x,    &modem_profile_bg9x,   &modem_profile_e3372,
};

#define N_PROFILES (sizeof(profiles) / sizeof(profiles[0]))

const struct modem_profile *modem_profile_by_index(int index)
{
	if (index <= 0 || !modem_profile_names[index])
		return NULL;
	for (size_t i = 0; i < N_PROFILES; i++)
		if (strcmp(profiles[i]->name, modem_profile_names[index]) == 0)
			return profiles[i];
	return NULL;
}

static bool contains_nocase(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return true;
	return false;
}

const struct modem_profile *modem_profile_by_model(const char *model)
{
	for (size_t i = 0; i < N_PROFILES; i++)
		for (const char *const *m = profiles[i]->models; m && *m; m++)
			if (contains_nocase(model, *m))
				return profiles[i];
	return &modem_profile_generic;
}
