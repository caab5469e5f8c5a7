/* The grammar of a channel's `source` string (sensor_spec.h): KIND:WHAT, one parser per kind,
 * each refusal a static sentence that says what a good one looks like. */
#include "sensor_spec.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>

const char *sensor_kind_str(enum sensor_kind kind)
{
	switch (kind) {
	case SENSOR_KIND_W1:
		return "w1";
	case SENSOR_KIND_HWMON:
		return "hwmon";
	case SENSOR_KIND_FILE:
		return "file";
	case SENSOR_KIND_CMD:
		return "cmd";
	case SENSOR_KIND_SIM:
		return "sim";
	}
	return "?";
}

static int fail(const char **why, const char *what)
{
	if (why)
		*why = what;
	return -EINVAL;
}

/* 28-0316a2794aff: the family code, a dash, the 48-bit serial, as the w1 bus names it. */
static int parse_w1(const char *id, struct sensor_spec *out, const char **why)
{
	static const char form[] = "a 1-Wire id is the family code, '-' and 12 hex digits, as listed "
				   "in /sys/bus/w1/devices (e.g. w1:28-0316a2794aff)";
	if (!*id)
		return fail(why,
			    "w1: needs the probe's id, e.g. w1:28-0316a2794aff (ls /sys/bus/w1/devices)");
	if (strlen(id) != 15 || id[2] != '-')
		return fail(why, form);
	for (int i = 0; i < 15; i++) {
		if (i == 2)
			continue;
		if (!isxdigit((unsigned char)id[i]))
			return fail(why, form);
		out->arg[i] = (char)tolower((unsigned char)id[i]);
	}
	out->arg[2] = '-';
	out->arg[15] = '\0';
	return 0;
}

static int parse_path(const char *path, struct sensor_spec *out, const char **why, const char *relative)
{
	if (path[0] != '/')
		return fail(why, relative);
	if (path[strlen(path) - 1] == '/')
		return fail(why, "the path names a directory (it ends in '/'); name the file");
	strcpy(out->arg, path);
	return 0;
}

/* Splits the command line at blanks into NUL-separated words in out->arg. */
static int parse_cmd(const char *line, struct sensor_spec *out, const char **why)
{
	if (strpbrk(line, "|;&<>()$`\\\"'*?~"))
		return fail(why, "cmd: runs the program without a shell, so quotes, | ; & < > ( ) $ ` \\ * ? "
				 "and ~ would not mean what they do in a shell; write a wrapper script");
	size_t n = 0;
	out->argc = 0;
	for (const char *p = line; *p;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		if (out->argc == SENSOR_CMD_ARGC_MAX)
			return fail(why, "cmd: at most 15 arguments after the program");
		while (*p && *p != ' ' && *p != '\t')
			out->arg[n++] = *p++;
		out->arg[n++] = '\0';
		out->argc++;
	}
	if (out->argc == 0)
		return fail(why, "cmd: needs a program, e.g. cmd:/usr/local/bin/read-probe");
	if (out->arg[0] != '/')
		return fail(why, "cmd: the program must be an absolute path (no shell runs it, so there "
				 "is no PATH search)");
	return 0;
}

/* A whole number of at most 18 digits (no sign, no unit). */
static bool parse_whole(const char *s, size_t len, uint64_t *out)
{
	if (len == 0 || len > 18)
		return false;
	uint64_t v = 0;
	for (size_t i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return true;
}

/* One "name=value" option of sim:; `seen` collects the options given so far. */
static int parse_sim_option(const char *opt, size_t len, struct sensor_spec *out, unsigned *seen,
			    const char **why)
{
	static const char *const names[] = {"fail_at", "repair_at", "seed"};
	const char *eq = memchr(opt, '=', len);
	for (unsigned i = 0; eq && i < 3; i++) {
		if ((size_t)(eq - opt) != strlen(names[i]) || memcmp(opt, names[i], strlen(names[i])) != 0)
			continue;
		uint64_t v;
		if (!parse_whole(eq + 1, len - (size_t)(eq + 1 - opt), &v))
			return fail(why, "sim: fail_at, repair_at and seed take whole numbers (the times in "
					 "seconds after the unit starts), e.g. sim:chiller,fail_at=600");
		if (*seen & (1u << i))
			return fail(why, "sim: an option is given twice");
		*seen |= 1u << i;
		if (i == 0)
			out->sim.fail_after_s = (int64_t)v;
		else if (i == 1)
			out->sim.repair_after_s = (int64_t)v;
		else
			out->sim.seed = v;
		return 0;
	}
	return fail(why, "sim: the options are fail_at=S, repair_at=S and seed=N, separated by commas");
}

static int parse_sim(const char *what, struct sensor_spec *out, const char **why)
{
	const char *comma = strchr(what, ',');
	size_t plen = comma ? (size_t)(comma - what) : strlen(what);
	char name[16];
	if (plen == 0)
		return fail(why, "sim: needs a profile: sim:chiller, sim:freezer or sim:reefer");
	if (plen >= sizeof(name))
		return fail(why, "sim: the profile is chiller, freezer or reefer");
	memcpy(name, what, plen);
	name[plen] = '\0';
	if (sensor_sim_profile_parse(name, &out->sim.profile) < 0)
		return fail(why, "sim: the profile is chiller, freezer or reefer");
	out->sim.seed = 0;
	out->sim.fail_after_s = INT64_MAX;
	out->sim.repair_after_s = INT64_MAX;
	unsigned seen = 0;
	for (const char *p = comma; p; p = strchr(p + 1, ',')) {
		const char *next = strchr(p + 1, ',');
		size_t len = next ? (size_t)(next - p - 1) : strlen(p + 1);
		int rc = parse_sim_option(p + 1, len, out, &seen, why);
		if (rc < 0)
			return rc;
	}
	if ((seen & 2u) && !(seen & 1u))
		return fail(why, "sim: repair_at needs a fail_at: the compressor must fail first");
	if ((seen & 2u) && out->sim.repair_after_s <= out->sim.fail_after_s)
		return fail(why, "sim: repair_at must be later than fail_at");
	return 0;
}

static const struct {
	const char *prefix;
	enum sensor_kind kind;
} prefixes[] = {
	{"w1:", SENSOR_KIND_W1},   {"hwmon:", SENSOR_KIND_HWMON}, {"file:", SENSOR_KIND_FILE},
	{"cmd:", SENSOR_KIND_CMD}, {"sim:", SENSOR_KIND_SIM},
};

static int parse_what(const char *what, struct sensor_spec *out, const char **why)
{
	switch (out->kind) {
	case SENSOR_KIND_W1:
		return parse_w1(what, out, why);
	case SENSOR_KIND_HWMON:
		return parse_path(
			what, out, why,
			"hwmon: needs the whole path, e.g. hwmon:/sys/class/hwmon/hwmon0/temp1_input");
	case SENSOR_KIND_FILE:
		return parse_path(what, out, why, "file: needs an absolute path, e.g. file:/run/probe1");
	case SENSOR_KIND_CMD:
		return parse_cmd(what, out, why);
	case SENSOR_KIND_SIM:
		return parse_sim(what, out, why);
	}
	return fail(why, "unknown kind");
}

int sensor_source_parse(const char *source, struct sensor_spec *out, const char **why)
{
	size_t len = strlen(source);
	if (len == 0)
		return fail(why, "empty: a source is KIND:WHAT, e.g. w1:28-0316a2794aff or file:/run/probe1");
	if (len >= SENSOR_SOURCE_MAX)
		return fail(why, "longer than 255 characters");
	for (const char *p = source; *p; p++)
		if (iscntrl((unsigned char)*p) && *p != '\t')
			return fail(why, "holds a control character");
	if (isspace((unsigned char)source[0]) || isspace((unsigned char)source[len - 1]))
		return fail(why, "starts or ends with a space");
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t plen = strlen(prefixes[i].prefix);
		if (strncmp(source, prefixes[i].prefix, plen) != 0)
			continue;
		out->kind = prefixes[i].kind;
		memcpy(out->text, source, len + 1);
		const char *what = source + plen;
		if (out->kind != SENSOR_KIND_CMD && out->kind != SENSOR_KIND_SIM && strpbrk(what, " \t"))
			return fail(why, "a path or id holds a space");
		int rc = parse_what(what, out, why);
		if (rc == 0 && out->kind != SENSOR_KIND_CMD)
			out->argc = out->kind == SENSOR_KIND_SIM ? 0 : 1;
		return rc;
	}
	return fail(why, "unknown kind: a source starts with w1:, hwmon:, file:, cmd: or sim:");
}

const char *sensor_source_check(const char *source)
{
	struct sensor_spec spec;
	const char *why = NULL;
	return sensor_source_parse(source, &spec, &why) == 0 ? NULL : why;
}
