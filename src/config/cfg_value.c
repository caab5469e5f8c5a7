/* The values that configuration files share beyond libconfig's types: durations with units,
 * phone numbers, identifiers, PIN digits and the 32-byte unit keys in hex. */
#include "cfg.h"
#include "hex.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

int cfg_duration_parse(const char *text, uint64_t *out_s)
{
	static const struct {
		char unit;
		uint64_t s;
	} units[] = {{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}};
	uint64_t total = 0;
	bool range = false;
	const char *p = text;
	if (!*p)
		return -EINVAL;
	while (*p) {
		if (!isdigit((unsigned char)*p))
			return -EINVAL;
		uint64_t n = 0;
		for (; isdigit((unsigned char)*p); p++) {
			if (n > (UINT64_MAX - 9) / 10)
				range = true;
			else
				n = n * 10 + (uint64_t)(*p - '0');
		}
		size_t u = 0;
		while (u < sizeof(units) / sizeof(units[0]) && units[u].unit != *p)
			u++;
		if (u == sizeof(units) / sizeof(units[0]))
			return -EINVAL;
		p++;
		if (n > (UINT64_MAX - total) / units[u].s)
			range = true;
		else
			total += n * units[u].s;
	}
	if (range)
		return -ERANGE;
	*out_s = total;
	return 0;
}

void cfg_duration_format(uint64_t s, char *out, size_t size)
{
	static const struct {
		char unit;
		uint64_t s;
	} units[] = {{'d', 86400}, {'h', 3600}, {'m', 60}, {'s', 1}};
	size_t used = 0;
	out[0] = '\0';
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]) && used < size; i++) {
		uint64_t n = s / units[i].s;
		s %= units[i].s;
		if (n || (units[i].unit == 's' && used == 0))
			used += (size_t)snprintf(out + used, size - used, "%llu%c", (unsigned long long)n,
						 units[i].unit);
	}
}

const char *cfg_check_phone(const char *value)
{
	const char *p = value[0] == '+' ? value + 1 : value;
	size_t n = strlen(p);
	if (n < 3 || n > 20)
		return "a phone number has 3 to 20 digits, with an optional leading '+'";
	for (; *p; p++)
		if (!isdigit((unsigned char)*p))
			return "a phone number has only digits after an optional leading '+'";
	return NULL;
}

const char *cfg_check_digits(const char *value)
{
	for (const char *p = value; *p; p++)
		if (!isdigit((unsigned char)*p))
			return "only digits are allowed";
	return NULL;
}

const char *cfg_check_ident(const char *value)
{
	for (const char *p = value; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
			return "only letters, digits, '-' and '_' are allowed";
	return NULL;
}

const char *cfg_check_word(const char *value)
{
	for (const char *p = value; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_')
			return "only letters, digits and '_' are allowed";
	return NULL;
}

const char *cfg_parse_key32(const char *value, void *out)
{
	uint8_t key[32];
	if (strlen(value) != 64 || hex_decode(value, 64, key, sizeof(key)) != 32)
		return "a key is 64 hex digits; `m2mon keygen` prints a new one";
	uint8_t any = 0;
	for (size_t i = 0; i < sizeof(key); i++)
		any |= key[i];
	if (!any)
		return "a key of zeros is a placeholder, not a secret; `m2mon keygen` prints a new one";
	memcpy(out, key, sizeof(key));
	return NULL;
}
