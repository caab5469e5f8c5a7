/* Look-ups in the site's description: a unit by id, a contact by number. */
#include "web_site.h"

#include "config.h"
#include "sms_number.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

void web_site_from_config(const struct m2_config *cfg, struct web_site *out)
{
	assert(cfg->kind == M2_CONFIG_BASE);
	const struct base_settings *b = &cfg->u.base;
	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%s", b->name);
	snprintf(out->store, sizeof(out->store), "%s", b->store);
	out->silent_grace_s = b->silent_grace_s;
	out->base_heartbeat_ms = b->cluster.heartbeat_ms;
	for (int i = 0; i < b->n_units && out->n_units < WEB_SITE_UNITS_MAX; i++) {
		struct web_site_unit *u = &out->units[out->n_units++];
		snprintf(u->id, sizeof(u->id), "%s", b->units[i].id);
		u->heartbeat_s = b->units[i].heartbeat_s;
	}
	for (size_t i = 0; i < b->policy.n_contacts && out->n_contacts < WEB_SITE_CONTACTS_MAX; i++) {
		struct web_site_contact *c = &out->contacts[out->n_contacts++];
		snprintf(c->name, sizeof(c->name), "%s", b->policy.contacts[i].name);
		snprintf(c->number, sizeof(c->number), "%s", b->policy.contacts[i].number);
	}
}

const struct web_site_unit *web_site_unit(const struct web_site *site, const char *id)
{
	for (size_t i = 0; i < site->n_units; i++)
		if (strcasecmp(site->units[i].id, id) == 0)
			return &site->units[i];
	return NULL;
}

const struct web_site_contact *web_site_contact(const struct web_site *site, const char *number)
{
	for (size_t i = 0; i < site->n_contacts; i++)
		if (sms_number_same(site->contacts[i].number, number))
			return &site->contacts[i];
	return NULL;
}
