/* What the read side knows of a site besides its database: the name, where the store is,
 * which units the base listens to with their heartbeats, and who the contacts are (to name
 * the number behind an event). Filled from the base's configuration (web_site_from_config) or
 * by hand in tests; read only afterwards. */
#ifndef M2_WEB_SITE_H
#define M2_WEB_SITE_H

#include "store.h"

#include <stddef.h>
#include <stdint.h>

#define WEB_SITE_UNITS_MAX    64
#define WEB_SITE_CONTACTS_MAX 32
#define WEB_SITE_PATH_MAX     256

struct web_site_unit {
	char id[STORE_UNIT_MAX];
	uint32_t heartbeat_s; /* silent this long (plus the grace): SILENT; 0 when not known */
};

struct web_site_contact {
	char name[STORE_NAME_MAX];
	char number[STORE_NUMBER_MAX];
};

struct web_site {
	char name[STORE_NAME_MAX]; /* as people call the site */
	char store[WEB_SITE_PATH_MAX];
	uint32_t silent_grace_s;
	uint32_t base_heartbeat_ms; /* cluster.heartbeat: a base silent 3 of these is not beating */
	struct web_site_unit units[WEB_SITE_UNITS_MAX];
	size_t n_units;
	struct web_site_contact contacts[WEB_SITE_CONTACTS_MAX];
	size_t n_contacts;
};

struct m2_config;

/* Fills `out` from a loaded base configuration (its kind must be M2_CONFIG_BASE). */
void web_site_from_config(const struct m2_config *cfg, struct web_site *out);

/* The configured unit `id` (matched ignoring case, as the configuration's ids are unique
 * so), or NULL. */
const struct web_site_unit *web_site_unit(const struct web_site *site, const char *id);

/* The contact whose number is `number` (sms_number_same), or NULL. */
const struct web_site_contact *web_site_contact(const struct web_site *site, const char *number);

#endif
