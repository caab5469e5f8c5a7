/* The values inside phone commands, exported so that other parsers of the same things (the
 * config checks, the tools) read them the same way: temperatures in degrees C into tenths,
 * durations into seconds, PINs. Pure. */
#ifndef M2_PHONE_VALUE_H
#define M2_PHONE_VALUE_H

#include <stddef.h>
#include <stdint.h>

#define PHONE_DURATION_MAX_S (366u * 86400u)

/* Reads a temperature of `len` bytes: an optional sign ('+', '-'), digits, and at most one
 * decimal after '.' or ',' ("8", "-18.5", "8,5", ".5", "8."), then optionally "C" or a degree
 * sign and "C" ("8C", "8°C", "8°"). Exact: nothing is rounded. Returns 0 with `*out_c10` set,
 * -EINVAL (not a temperature), -EDOM (more than one decimal digit), -EPROTO (degrees F),
 * -ERANGE (outside PHONE_TEMP_MIN_C10..PHONE_TEMP_MAX_C10, see phone_cmd.h). */
int phone_temp_parse(const char *s, size_t len, int32_t *out_c10);

/* Writes tenths as the shortest exact text: 80 -> "8", -185 -> "-18.5", 5 -> "0.5",
 * -5 -> "-0.5". `n` at least 12 covers every int32. snprintf semantics. */
int phone_temp_format(int32_t c10, char *out, size_t n);

/* Reads a duration of `len` bytes: one or more whole numbers each with its unit, s (sec,
 * second...), m (min, minute...), h (hr, hour...), d (day...), case-insensitive: "30s",
 * "5m", "1h30m", "2days". A bare "0" is zero; any other bare number is refused because it
 * could mean seconds, minutes or hours. "m" is minutes, never months. Returns 0 with
 * `*out_s` set, -EINVAL (not a duration; a decimal such as "1.5h" too: write 90m), -EDOM (a bare
 * number: give a unit), -ERANGE (above PHONE_DURATION_MAX_S). */
int phone_duration_parse(const char *s, size_t len, uint32_t *out_s);

/* Writes seconds in the largest unit that divides them: 90 -> "90s", 1800 -> "30m",
 * 5400 -> "90m", 86400 -> "1d", 0 -> "0s". snprintf semantics. */
int phone_duration_format(uint32_t s, char *out, size_t n);

/* 0 when `pin` is 4 to 8 ASCII digits, else -EINVAL: for the config's `pin` key. */
int phone_pin_valid(const char *pin);

#endif
