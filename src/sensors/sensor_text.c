/* The parsers of what probes and programs write (sensor_text.h): decimal and millidegree text
 * read digit by digit so that rounding to tenths is exact, and the DS18B20's w1_slave checks. */
#include "sensor_text.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *sensor_fault_str(enum sensor_fault fault)
{
	switch (fault) {
	case SENSOR_FAULT_NONE:
		return "none";
	case SENSOR_FAULT_MISSING:
		return "missing";
	case SENSOR_FAULT_IO:
		return "io";
	case SENSOR_FAULT_CRC:
		return "crc";
	case SENSOR_FAULT_POWER_ON:
		return "power_on";
	case SENSOR_FAULT_BUS:
		return "bus";
	case SENSOR_FAULT_GARBAGE:
		return "garbage";
	case SENSOR_FAULT_RANGE:
		return "range";
	case SENSOR_FAULT_TIMEOUT:
		return "timeout";
	case SENSOR_FAULT_EXIT:
		return "exit";
	case SENSOR_FAULT_SPAWN:
		return "spawn";
	}
	return "?";
}

void sensor_reading_fault(struct sensor_reading *out, enum sensor_fault fault, const char *fmt, ...)
{
	out->ok = false;
	out->temp_c10 = 0;
	out->fault = fault;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(out->detail, sizeof(out->detail), fmt, ap);
	va_end(ap);
}

const char *sensor_text_excerpt(const char *s, size_t len, char *buf, size_t size)
{
	size_t n = 0, max = size - 4;
	for (size_t i = 0; i < len && n < max; i++) {
		unsigned char c = (unsigned char)s[i];
		buf[n++] = (c >= 0x20 && c < 0x7f && !strchr("\"@[]{}\\^~|`", c)) ? (char)c : '?';
	}
	buf[n] = '\0';
	if (len > n)
		strcat(buf, "...");
	return buf;
}

static void good(struct sensor_reading *out, int64_t c10, const char *text, size_t len)
{
	char ex[32];
	if (c10 < SENSOR_TEMP_MIN_C10 || c10 > SENSOR_TEMP_MAX_C10) {
		sensor_reading_fault(out, SENSOR_FAULT_RANGE, "\"%s\" is no temperature (-273.2 to 2000 C)",
				     sensor_text_excerpt(text, len, ex, sizeof(ex)));
		return;
	}
	*out = (struct sensor_reading){.ok = true, .temp_c10 = (int32_t)c10, .fault = SENSOR_FAULT_NONE};
}

int32_t sensor_mdeg_to_c10(int64_t mdeg)
{
	return (int32_t)(mdeg >= 0 ? (mdeg + 50) / 100 : (mdeg - 50) / 100);
}

/* Values beyond this many tenths are clamped while parsing: they fail the range check anyway. */
#define HUGE_C10 1000000000LL

/* A decimal at s[0..len): [+-]digits[.digits] or [+-].digits. Sets `*end` past it and
 * `*c10` to tenths rounded half away from zero. False when no digit, or when the token goes
 * on as a number would (a second '.', more digits, an exponent). */
static bool parse_decimal(const char *s, size_t len, size_t *end, int64_t *c10)
{
	size_t i = 0;
	bool neg = false, digits = false;
	if (i < len && (s[i] == '+' || s[i] == '-'))
		neg = s[i++] == '-';
	int64_t v = 0;
	for (; i < len && isdigit((unsigned char)s[i]); i++, digits = true)
		v = v < HUGE_C10 ? v * 10 + (s[i] - '0') : v;
	v *= 10;
	if (i < len && s[i] == '.') {
		i++;
		int place = 0;
		for (; i < len && isdigit((unsigned char)s[i]); i++, place++, digits = true) {
			if (place == 0)
				v += s[i] - '0';
			else if (place == 1 && s[i] >= '5')
				v += 1;
		}
	}
	*end = i;
	if (!digits || (i < len && (s[i] == '.' || isdigit((unsigned char)s[i]))))
		return false;
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		size_t j = i + 1 < len && (s[i + 1] == '+' || s[i + 1] == '-') ? i + 2 : i + 1;
		if (j < len && isdigit((unsigned char)s[j]))
			return false;
	}
	*c10 = neg ? -v : v;
	return true;
}

static size_t skip_blank(const char *s, size_t len, size_t i)
{
	while (i < len && isspace((unsigned char)s[i]))
		i++;
	return i;
}

void sensor_text_degrees(const char *text, size_t len, struct sensor_reading *out)
{
	char ex[32];
	size_t start = skip_blank(text, len, 0), used = 0;
	int64_t c10 = 0;
	if (start == len) {
		sensor_reading_fault(out, SENSOR_FAULT_GARBAGE, "empty: it must hold degrees C, e.g. 4.5");
		return;
	}
	if (!parse_decimal(text + start, len - start, &used, &c10) ||
	    skip_blank(text, len, start + used) != len) {
		sensor_reading_fault(out, SENSOR_FAULT_GARBAGE, "\"%s\" is not a number of degrees C",
				     sensor_text_excerpt(text + start, len - start, ex, sizeof(ex)));
		return;
	}
	good(out, c10, text + start, used);
}

/* A number may start here: not inside a word or another number ("T1", "1.2", "x-3"). */
static bool number_starts(const char *s, size_t len, size_t i)
{
	if (i > 0 && (isalnum((unsigned char)s[i - 1]) || strchr("._+-", s[i - 1])))
		return false;
	size_t j = i;
	if (j < len && (s[j] == '+' || s[j] == '-'))
		j++;
	if (j < len && s[j] == '.')
		j++;
	return j < len && isdigit((unsigned char)s[j]);
}

void sensor_text_first_number(const char *text, size_t len, struct sensor_reading *out)
{
	char ex[32];
	for (size_t i = 0; i < len; i++) {
		if (!number_starts(text, len, i))
			continue;
		size_t used = 0;
		int64_t c10 = 0;
		if (parse_decimal(text + i, len - i, &used, &c10)) {
			good(out, c10, text + i, used);
			return;
		}
		i += used;
	}
	if (skip_blank(text, len, 0) == len)
		sensor_reading_fault(out, SENSOR_FAULT_GARBAGE, "printed nothing");
	else
		sensor_reading_fault(out, SENSOR_FAULT_GARBAGE, "printed no number: \"%s\"",
				     sensor_text_excerpt(text, len, ex, sizeof(ex)));
}

/* [+-]digits with blanks around, as millidegrees; false when anything else is there. */
static bool parse_mdeg(const char *s, size_t len, int64_t *mdeg)
{
	size_t i = skip_blank(s, len, 0);
	bool neg = false;
	if (i < len && (s[i] == '+' || s[i] == '-'))
		neg = s[i++] == '-';
	size_t first = i;
	int64_t v = 0;
	for (; i < len && isdigit((unsigned char)s[i]); i++)
		v = v < HUGE_C10 ? v * 10 + (s[i] - '0') : v;
	if (i == first || skip_blank(s, len, i) != len)
		return false;
	*mdeg = neg ? -v : v;
	return true;
}

void sensor_text_mdeg(const char *text, size_t len, struct sensor_reading *out)
{
	char ex[32];
	int64_t mdeg = 0;
	if (!parse_mdeg(text, len, &mdeg)) {
		sensor_reading_fault(out, SENSOR_FAULT_GARBAGE, "\"%s\" is not a number of millidegrees",
				     sensor_text_excerpt(text, len, ex, sizeof(ex)));
		return;
	}
	good(out, sensor_mdeg_to_c10(mdeg), text, len);
}

/* True when the hex bytes before " : crc=" are all 00: a shorted or open data line reads
 * as zeros, whose CRC is 00 too, so the driver says YES and t=0. */
static bool scratchpad_zero(const char *line, size_t len)
{
	int bytes = 0;
	for (size_t i = 0; i + 1 < len && line[i] != ':'; i++) {
		if (line[i] == ' ')
			continue;
		if (line[i] != '0' || line[i + 1] != '0')
			return false;
		bytes++;
		i++;
	}
	return bytes == 9;
}

static void w1_values(const char *l2, size_t len2, struct sensor_reading *out)
{
	char ex[32];
	const char *t = NULL;
	for (size_t i = 0; i + 1 < len2; i++)
		if (l2[i] == 't' && l2[i + 1] == '=' && (i == 0 || l2[i - 1] == ' '))
			t = l2 + i + 2;
	int64_t mdeg = 0;
	if (!t || !parse_mdeg(t, len2 - (size_t)(t - l2), &mdeg)) {
		sensor_reading_fault(out, SENSOR_FAULT_GARBAGE, "w1_slave has no t= value: \"%s\"",
				     sensor_text_excerpt(l2, len2, ex, sizeof(ex)));
		return;
	}
	if (mdeg == 85000) {
		sensor_reading_fault(out, SENSOR_FAULT_POWER_ON,
				     "85.0 C is the DS18B20 power-on value: no conversion ran; check the "
				     "supply (parasite power, pull-up)");
		return;
	}
	good(out, sensor_mdeg_to_c10(mdeg), t, len2 - (size_t)(t - l2));
}

void sensor_text_w1_slave(const char *text, size_t len, struct sensor_reading *out)
{
	char ex[32];
	const char *nl = memchr(text, '\n', len);
	size_t len1 = nl ? (size_t)(nl - text) : len;
	while (len1 > 0 && isspace((unsigned char)text[len1 - 1]))
		len1--;
	if (len1 >= 2 && memcmp(text + len1 - 2, "NO", 2) == 0 && (len1 == 2 || text[len1 - 3] == ' ')) {
		sensor_reading_fault(out, SENSOR_FAULT_CRC,
				     "CRC check failed: noise on the 1-Wire bus; check the data wire, the "
				     "pull-up and the cable length");
		return;
	}
	if (len1 < 3 || memcmp(text + len1 - 3, "YES", 3) != 0) {
		sensor_reading_fault(out, SENSOR_FAULT_GARBAGE,
				     "w1_slave first line does not end in YES/NO: \"%s\"",
				     sensor_text_excerpt(text, len1, ex, sizeof(ex)));
		return;
	}
	if (scratchpad_zero(text, len1)) {
		sensor_reading_fault(out, SENSOR_FAULT_BUS,
				     "the probe answered all zeros: a shorted or open data wire");
		return;
	}
	if (!nl) {
		sensor_reading_fault(out, SENSOR_FAULT_GARBAGE, "w1_slave has no second line (t=)");
		return;
	}
	const char *l2 = nl + 1;
	const char *end = text + len;
	const char *nl2 = memchr(l2, '\n', (size_t)(end - l2));
	w1_values(l2, (size_t)((nl2 ? nl2 : end) - l2), out);
}
