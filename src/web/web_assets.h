/* The display's page, style sheet, script and icon, built into the binary from
 * src/web/assets/ (embed.cmake): the site has no internet, and the page loads nothing else. */
#ifndef M2_WEB_ASSETS_H
#define M2_WEB_ASSETS_H

#include <stddef.h>

struct web_asset {
	const char *path; /* "/index.html" */
	const char *type; /* its Content-Type */
	const unsigned char *data;
	size_t size;
};

extern const struct web_asset web_assets[];
extern const unsigned web_assets_count;

/* The asset served at `path` ("/" is /index.html), or NULL. */
const struct web_asset *web_asset_find(const char *path);

#endif
