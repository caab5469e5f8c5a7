/* Helpers for the configuration tests: load text, expect it valid or expect a problem, and
 * minimal valid unit and base files to change one thing in. */
#ifndef M2_CONFIG_FIXTURE_H
#define M2_CONFIG_FIXTURE_H

#include "config.h"

#define KEY1 "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
#define KEY2 "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752"

/* The settings a unit group needs besides its channels, and a whole valid body, on one line. */
#define UNIT_CORE "id = \"u1\"; base_number = \"+15550001000\"; key = \"" KEY1 "\"; pin = \"1234\"; "
#define UNIT_BODY UNIT_CORE "channels = ( { name = \"T1\"; source = \"sim:chiller\"; } );"
#define UNIT_MIN  "unit = { " UNIT_BODY " };\nmodem = { device = \"/dev/ttyS1\"; };\n"
#define UNIT_HEAD "unit = { " UNIT_BODY " };\n"

/* The body of a valid base group, on one line. */
#define BASE_BODY                                                                                            \
	"name = \"x\"; units = ( { id = \"u1\"; number = \"+15550002001\"; key = \"" KEY1 "\"; } ); "        \
	"contacts = ( { name = \"A\"; number = \"+15550003001\"; role = \"admin\"; tier = 1; } );"
#define BASE_MIN  "base = { " BASE_BODY " };\nmodem = { device = \"/dev/ttyUSB2\"; };\n"
#define BASE_HEAD "base = { " BASE_BODY " };\n"

extern struct m2_config fixture_cfg;

/* Loads `text` (as "t.conf") and fails the test unless it is valid and of `kind`. */
void load_ok(const char *text, enum m2_config_kind kind);

/* Loads `text`, expects it to fail with a first message containing every `needle`. */
void load_bad(const char *text, const char *needle1, const char *needle2);

/* Loads `text`, expects it to fail with some message that contains `needle`, and with
 * `count` problems in all (0: any number). */
void load_problem(const char *text, const char *needle, int count);

#endif
