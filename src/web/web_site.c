/* Look-ups in the site's description: a unit by id, a contact by number. */
#include "web_site.h"

#include "sms_number.h"

#include <strings.h>

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
