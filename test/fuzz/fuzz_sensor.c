/* Fuzz target: the sensor parsers on arbitrary bytes: the source grammar of a channel and the
 * text that probes and programs write (w1_slave, millidegrees, degrees, first number). */
#include "sensor_spec.h"
#include "sensor_text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_reading(const struct sensor_reading *r)
{
	if (r->ok && (r->fault != SENSOR_FAULT_NONE || r->temp_c10 < SENSOR_TEMP_MIN_C10 ||
		      r->temp_c10 > SENSOR_TEMP_MAX_C10))
		abort();
	if (!r->ok && (r->fault == SENSOR_FAULT_NONE || r->temp_c10 != 0 ||
		       !memchr(r->detail, '\0', sizeof(r->detail))))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	struct sensor_spec spec;
	const char *why = NULL;
	if (sensor_source_parse(text, &spec, &why) == 0) {
		if (spec.kind == SENSOR_KIND_CMD && (spec.argc < 1 || spec.arg[0] != '/'))
			abort();
	} else if (!why || sensor_source_check(text) != why) {
		abort();
	}
	struct sensor_reading r;
	void (*parsers[])(const char *, size_t, struct sensor_reading *) = {
		sensor_text_w1_slave, sensor_text_mdeg, sensor_text_degrees, sensor_text_first_number};
	for (size_t i = 0; i < sizeof(parsers) / sizeof(parsers[0]); i++) {
		parsers[i]((const char *)data, size, &r);
		check_reading(&r);
	}
	free(text);
	return 0;
}
