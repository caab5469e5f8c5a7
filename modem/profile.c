/* The profile registry, and choosing a profile: by its name in the configuration, or by the
 * model the modem reports in +CGMM when the configuration says "auto". */
#include "modem_profile.h"

#include <stddef.h>
#include <string.h>
#include <strings.h>

const struct modem_profile *const modem_profiles[] = {
	&modem_profile_generic,
	&modem_profile_sim800,
	&modem_profile_sim7600,
	&modem_profile_ec2x,
	&modem_profile_bg9x,
	&modem_profile_e3372,
	NULL,
};

const char *modem_rx_mode_str(enum modem_rx_mode mode)
{
	switch (mode) {
	case MODEM_RX_STORE:
		return "store";
	case MODEM_RX_ACK:
		return "ack";
	}
	return "unknown";
}

const struct modem_profile *modem_profile_find(const char *name)
{
	for (const struct modem_profile *const *p = modem_profiles; *p; p++)
		if (strcmp((*p)->name, name) == 0)
			return *p;
	return NULL;
}

bool modem_profile_name_valid(const char *name)
{
	return name[0] == '\0' || strcmp(name, "auto") == 0 || modem_profile_find(name) != NULL;
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
	for (const struct modem_profile *const *p = modem_profiles; *p; p++)
		for (const char *const *m = (*p)->models; m && *m; m++)
			if (contains_nocase(model, *m))
				return *p;
	return &modem_profile_generic;
}
