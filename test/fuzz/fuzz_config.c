/* Fuzz target: the configuration loader on arbitrary text (syntax, schema, every kind). */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct m2_config *cfg = malloc(sizeof(*cfg));
	if (!text || !cfg) {
		free(text);
		free(cfg);
		return 0;
	}
	memcpy(text, data, size);
	text[size] = '\0';
	struct cfg_report rep = {0};
	m2_config_load_string(text, "fuzz.conf", cfg, &rep);
	free(text);
	free(cfg);
	return 0;
}
