/* What a probe reading is, and the pure parsers of what the sources hold: a w1_slave file,
 * hwmon millidegrees, degrees C in a text file, the first number a program prints. Every
 * failure is a fault with a reason, never a zero. Conversions to tenths of a degree round half
 * away from zero: 12950 millidegrees is 13.0 C (130), -12950 is -13.0 C (-130), 4.25 C is 4.3 C,
 * -4.25 C is -4.3 C; the decimal text is rounded as written, without binary floating point. */
#ifndef M2_SENSOR_TEXT_H
#define M2_SENSOR_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum sensor_fault {
	SENSOR_FAULT_NONE,     /* a good reading */
	SENSOR_FAULT_MISSING,  /* no such file or device: the probe is off the bus or misnamed */
	SENSOR_FAULT_IO,       /* the read failed (EIO and friends) */
	SENSOR_FAULT_CRC,      /* DS18B20: the first line of w1_slave does not end in YES */
	SENSOR_FAULT_POWER_ON, /* DS18B20: t=85000, the power-on value: no conversion ran */
	SENSOR_FAULT_BUS,      /* DS18B20: an all-zero scratchpad (its CRC is 00, so it passes) */
	SENSOR_FAULT_GARBAGE,  /* the text holds no number where one belongs */
	SENSOR_FAULT_RANGE,    /* a number that is no temperature (below -273.2 C or above 2000 C) */
	SENSOR_FAULT_TIMEOUT,  /* cmd: the program did not finish in time and was killed */
	SENSOR_FAULT_EXIT,     /* cmd: the program exited non-zero or was killed by a signal */
	SENSOR_FAULT_SPAWN,    /* cmd: the program could not be started */
};
#define SENSOR_FAULT_COUNT 11

const char *sensor_fault_str(enum sensor_fault fault);

/* The plausible span of a raw reading in tenths, before the channel's offset. */
#define SENSOR_TEMP_MIN_C10 (-2732)
#define SENSOR_TEMP_MAX_C10 20000

struct sensor_reading {
	bool ok;
	int32_t temp_c10;        /* when ok: tenths of a degree C, offset applied */
	enum sensor_fault fault; /* SENSOR_FAULT_NONE when ok */
	char detail[120];        /* when not ok: what was seen and what to check, printable ASCII */
};

/* Millidegrees to tenths, rounding half away from zero. */
int32_t sensor_mdeg_to_c10(int64_t mdeg);

/* The contents of a DS18B20's w1_slave, e.g.
 *   "72 01 4b 46 7f ff 0e 10 57 : crc=57 YES\n72 01 4b 46 7f ff 0e 10 57 t=23125\n"
 * ok with 231 only when the first line ends in YES, the second holds t=, the value is not the
 * power-on 85000, and the scratchpad is not all zeros. */
void sensor_text_w1_slave(const char *text, size_t len, struct sensor_reading *out);

/* An integer of millidegrees alone on a line (hwmon's temp*_input), blanks around it allowed. */
void sensor_text_mdeg(const char *text, size_t len, struct sensor_reading *out);

/* A decimal number of degrees C alone in the text ("4.5", "-18.25\n"; no exponent, no unit). */
void sensor_text_degrees(const char *text, size_t len, struct sensor_reading *out);

/* The first number in a program's output: a decimal that does not start inside a word
 * ("probe2: 4.5 C" gives 4.5, "t=-3.2" gives -3.2, "4.5C" gives 4.5; "1e3" is no number). */
void sensor_text_first_number(const char *text, size_t len, struct sensor_reading *out);

/* Copies up to size - 4 characters of s[0..len) into `buf` to quote in a log line or a text:
 * anything but printable ASCII, and what GSM 7-bit or a log parser would stumble on
 * (" @ [ ] { } \ ^ ~ | `), becomes '?'; "..." marks a cut. Returns `buf`. */
const char *sensor_text_excerpt(const char *s, size_t len, char *buf, size_t size);

/* Sets `out` to a fault with a formatted detail. */
void sensor_reading_fault(struct sensor_reading *out, enum sensor_fault fault, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
