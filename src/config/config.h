/* The m2mon configuration files: a base station, a remote unit, or a simulated network.
 * The kind of a file is told by its top-level group (`base`, `unit` or `sim`); the shared
 * groups (`log`, `modem`) mean the same in every kind. */
#ifndef M2_CONFIG_H
#define M2_CONFIG_H

#include "cfg.h"
#include "modem_settings.h"
#include "sim_settings.h"

#include <stdbool.h>

enum m2_config_kind {
	M2_CONFIG_BASE,
	M2_CONFIG_UNIT,
	M2_CONFIG_SIM,
};

const char *m2_config_kind_str(enum m2_config_kind kind);

struct log_settings {
	int level; /* enum log_level */
	bool syslog;
};

struct base_settings {
	char name[65]; /* the site, as people call it; it opens every text sent to a phone */
};

struct unit_settings {
	char id[17];          /* the unit's name in messages and on phones: letters, digits, - _ */
	char base_number[21]; /* the base station's phone number */
};

struct m2_config {
	enum m2_config_kind kind;
	struct log_settings log;
	union {
		struct {
			struct base_settings base;
			struct modem_settings modem;
		} base;
		struct {
			struct unit_settings unit;
			struct modem_settings modem;
		} unit;
		struct sim_settings sim;
	} u;
};

/* Loads `path`: parses it, tells its kind, checks every setting and fills `out`. Problems
 * (syntax, unknown key, wrong type, value out of range, missing setting, no kind or two
 * kinds) go to `rep`, each naming the file, line and key. Returns 0, or a negative errno. */
int m2_config_load(const char *path, struct m2_config *out, struct cfg_report *rep);

/* The same for text in memory; `name` stands for the file name in messages. */
int m2_config_load_string(const char *text, const char *name, struct m2_config *out, struct cfg_report *rep);

#endif
