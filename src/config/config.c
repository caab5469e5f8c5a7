/* The loader that tells a file's kind from its top-level group and fills struct m2_config,
 * the groups every kind shares (log, modem) and the simulator's schema; the unit's and the
 * base's are in config_unit.c and config_base.c. */
#include "config_int.h"

#include "log.h"
#include "modem_profile.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>

static const char *const log_level_names[] = {"error", "warn", "info", "debug", "trace", 0};

const struct cfg_field m2_config_log_fields[] = {
	ENUM(struct log_settings, level, log_level_names, LOG_LEVEL_INFO, "least severe level written"),
	BOOL(struct log_settings, syslog, false, "log to syslog instead of stderr"),
	END,
};

static const char *check_profile(const char *value)
{
	return modem_profile_name_valid(value) ? NULL : "m2mon knows " MODEM_PROFILE_CHOICES;
}

const struct cfg_field m2_config_modem_fields[] = {
	STR(struct modem_settings, device, true, 1, NULL, NULL,
	    "the modem's serial port, e.g. \"/dev/ttyUSB2\""),
	INT(struct modem_settings, baud, false, 1200, 4000000, 115200, "line speed in bit/s"),
	ENUM(struct modem_settings, flow_control, modem_flow_names, MODEM_FLOW_NONE, "flow control"),
	SECRET(struct modem_settings, pin, false, 0, cfg_check_digits, "the SIM's PIN"),
	STR(struct modem_settings, profile, false, 0, check_profile, "auto", "modem model profile"),
	STR(struct modem_settings, smsc, false, 0, NULL, NULL, "service centre number"),
	BOOL(struct modem_settings, status_reports, false, "request delivery reports"),
	INT(struct modem_settings, command_timeout_ms, false, 100, 600000, 5000, "AT command timeout"),
	INT(struct modem_settings, status_poll_s, false, 1, 3600, 60, "status poll period in s"),
	END,
};

static const struct cfg_field sim_modem_fields[] = {
	STR(struct sim_modem_settings, name, true, 1, cfg_check_ident, NULL, "the modem's name"),
	STR(struct sim_modem_settings, number, true, 3, cfg_check_phone, NULL, "the modem's number"),
	ENUM(struct sim_modem_settings, model, sim_model_names, 0, "personality"),
	SECRET(struct sim_modem_settings, pin, false, 0, cfg_check_digits, "SIM PIN"),
	END,
};

static const struct cfg_field sim_phone_fields[] = {
	STR(struct sim_phone_settings, name, true, 1, cfg_check_ident, NULL, "the phone's name"),
	STR(struct sim_phone_settings, number, true, 3, cfg_check_phone, NULL, "the phone's number"),
	END,
};

static const struct cfg_field sim_fields[] = {
	STR(struct sim_settings, smsc, false, 3, cfg_check_phone, "+15550000000", "service centre number"),
	INT(struct sim_settings, latency_ms, false, 0, 3600000, 0, "delivery latency in ms"),
	DBL(struct sim_settings, loss, 0.0, 1.0, 0.0, "probability of losing an SMS"),
	DBL(struct sim_settings, duplicate, 0.0, 1.0, 0.0, "probability of delivering an SMS twice"),
	DBL(struct sim_settings, reorder, 0.0, 1.0, 0.0, "probability of reordering parts"),
	INT(struct sim_settings, baud, false, 0, 4000000, 0, "line speed to pace to; 0 = unpaced"),
	INT(struct sim_settings, seed, false, 0, 2147483647, 1, "random seed"),
	INT(struct sim_settings, slots, false, 1, 255, 30, "SMS slots per SIM"),
	LIST(struct sim_settings, modems, n_modems, 1, sim_modem_fields, "the virtual modems"),
	LIST(struct sim_settings, phones, n_phones, 0, sim_phone_fields, "the phones"),
	END,
};

#define CONF struct m2_config
static const struct cfg_field sim_schema[] = {
	GROUP("log", CONF, log, false, m2_config_log_fields, NULL),
	GROUP("sim", CONF, u.sim, true, sim_fields, NULL),
	END,
};

static const struct {
	const char *group;
	enum m2_config_kind kind;
	const struct cfg_field *schema;
	cfg_validate_fn check; /* across the top-level groups, once each was fine */
} kinds[] = {
	{"base", M2_CONFIG_BASE, m2_config_base_schema, m2_config_base_check},
	{"unit", M2_CONFIG_UNIT, m2_config_unit_schema, NULL},
	{"sim", M2_CONFIG_SIM, sim_schema, NULL},
};

const char *m2_config_check_abspath(const char *value)
{
	return value[0] == '/' ? NULL : "write the whole path, from /";
}

const char *m2_config_kind_str(enum m2_config_kind kind)
{
	switch (kind) {
	case M2_CONFIG_BASE:
		return "base";
	case M2_CONFIG_UNIT:
		return "unit";
	case M2_CONFIG_SIM:
		return "sim";
	}
	return "unknown";
}

/* Tells the kind by the top-level groups present: exactly one of base, unit, sim. */
static int detect_kind(const config_setting_t *root, const char *name, size_t *which, struct cfg_report *rep)
{
	int found = 0;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (!config_setting_get_member(root, kinds[i].group))
			continue;
		if (found++) {
			const config_setting_t *s = config_setting_get_member(root, kinds[i].group);
			cfg_report_add(rep,
				       "%s:%d: %s: a file describes one thing, but it has both '%s' and '%s'",
				       name, config_setting_source_line(s), kinds[i].group,
				       kinds[*which].group, kinds[i].group);
			return -EINVAL;
		}
		*which = i;
	}
	if (!found) {
		cfg_report_add(rep,
			       "%s:1: not an m2mon configuration: it needs one top-level group "
			       "'base', 'unit' or 'sim'",
			       name);
		return -EINVAL;
	}
	return 0;
}

static int load(config_t *cfg, const char *name, struct m2_config *out, struct cfg_report *rep)
{
	const config_setting_t *root = config_root_setting(cfg);
	size_t which = 0;
	int rc = detect_kind(root, name, &which, rep);
	if (rc < 0)
		return rc;
	memset(out, 0, sizeof(*out));
	out->kind = kinds[which].kind;
	rc = cfg_apply(root, name, kinds[which].schema, out, rep);
	if (rc == 0 && kinds[which].check)
		rc = cfg_validate(root, name, kinds[which].check, out, rep);
	return rc;
}

int m2_config_load(const char *path, struct m2_config *out, struct cfg_report *rep)
{
	config_t cfg;
	config_init(&cfg);
	int rc = cfg_parse_file(&cfg, path, rep);
	if (rc == 0)
		rc = load(&cfg, path, out, rep);
	config_destroy(&cfg);
	return rc;
}

unsigned m2_config_exposed(const char *path, const struct m2_config *cfg)
{
	struct stat st;
	if ((cfg->kind != M2_CONFIG_BASE && cfg->kind != M2_CONFIG_UNIT) || stat(path, &st) != 0)
		return 0;
	return st.st_mode & (S_IROTH | S_IWOTH) ? (unsigned)(st.st_mode & 07777) : 0;
}

void m2_config_warn_exposed(const char *path, const struct m2_config *cfg)
{
	unsigned mode = m2_config_exposed(path, cfg);
	if (mode)
		log_warn("config",
			 "event=config_exposed file=\"%s\" mode=%04o hint=\"any user of this machine can "
			 "%s it, and it holds %s: chmod o-rwx the file (cmake --install makes it 0640, "
			 "group m2mon)\"",
			 path, mode, mode & S_IWOTH ? "change" : "read",
			 cfg->kind == M2_CONFIG_UNIT ? "the unit's key and PIN" : "the units' keys");
}

int m2_config_load_string(const char *text, const char *name, struct m2_config *out, struct cfg_report *rep)
{
	config_t cfg;
	config_init(&cfg);
	int rc = cfg_parse_string(&cfg, text, name, rep);
	if (rc == 0)
		rc = load(&cfg, name, out, rep);
	config_destroy(&cfg);
	return rc;
}
