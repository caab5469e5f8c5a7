/* What a channel's `source` string names, parsed once when the configuration is loaded:
 *
 *   w1:28-0316a2794aff                     a DS18B20 through the Linux 1-Wire driver
 *   hwmon:/sys/class/hwmon/hwmon0/temp1_input   a kernel hwmon input, millidegrees
 *   file:/run/probe1                       a text file holding a number in degrees C
 *   cmd:/usr/local/bin/read-probe ARGS     the first number a program prints
 *   sim:chiller[,fail_at=S][,repair_at=S][,seed=N]   a simulated trace (sensor_sim.h)
 *
 * Pure: no I/O here; sensor.h reads what a spec names. */
#ifndef M2_SENSOR_SPEC_H
#define M2_SENSOR_SPEC_H

#include "sensor_sim.h"

#include <stdint.h>

enum sensor_kind {
	SENSOR_KIND_W1,    /* ROOT/<id>/w1_slave: CRC line and t= millidegrees */
	SENSOR_KIND_HWMON, /* a whole sysfs path holding millidegrees */
	SENSOR_KIND_FILE,  /* a whole path holding degrees C as text */
	SENSOR_KIND_CMD,   /* a program run without a shell; its first printed number */
	SENSOR_KIND_SIM,   /* a simulated chiller, freezer or reefer */
};
#define SENSOR_KIND_COUNT 5

const char *sensor_kind_str(enum sensor_kind kind);

#define SENSOR_SOURCE_MAX      256                   /* a source string, NUL included */
#define SENSOR_W1_ROOT_DEFAULT "/sys/bus/w1/devices" /* where w1: ids are looked up */
#define SENSOR_CMD_ARGC_MAX    16                    /* the program and its arguments */

struct sensor_spec {
	enum sensor_kind kind;
	char text[SENSOR_SOURCE_MAX]; /* the source as written, for logs and replies */
	/* W1: the device id in lower case ("28-0316a2794aff"); HWMON, FILE: the absolute path;
	 * CMD: the program (an absolute path) and then each argument, each NUL-terminated in
	 * turn, `argc` strings in all; SIM: unused. */
	char arg[SENSOR_SOURCE_MAX];
	int argc;
	struct {
		enum sensor_sim_profile profile;
		uint64_t seed;          /* 0 unless seed= is given */
		int64_t fail_after_s;   /* fail_at=: seconds after the source is opened; INT64_MAX: never */
		int64_t repair_after_s; /* repair_at=: likewise, after fail_after_s; INT64_MAX: never */
	} sim;
};

/* Parses `source` into `out`. Returns 0, or -EINVAL with `*why` (when `why` is not NULL) set to
 * a static sentence saying what is wrong and how it should look; `out` is then unspecified.
 * Refused: an unknown kind, a 1-Wire id that is not FF-XXXXXXXXXXXX in hex, a relative path,
 * a path ending in '/', a control character, spaces around the source or inside a path or id,
 * more than 255 characters; for cmd: a relative program, more than 15
 * arguments or a shell character (| ; & < > ( ) $ ` \ " ' * ? ~: nothing interprets them), for
 * sim: an unknown profile or option, an option twice, a number that is not whole, a repair_at
 * without a fail_at or not after it. Upper-case hex in a 1-Wire id is taken as lower case. */
int sensor_source_parse(const char *source, struct sensor_spec *out, const char **why);

/* The same check without a result: NULL when `source` parses, else the reason. Shaped as a
 * cfg_check_fn for the configuration walker. */
const char *sensor_source_check(const char *source);

#endif
