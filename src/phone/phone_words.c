/* The words of the grammar: command words with their aliases and the side they belong to,
 * setting words, the words reserved so that a unit or channel name can never be read as
 * something else, and the name checks the config files use. */
#include "phone_cmd.h"
#include "phone_internal.h"
#include "phone_value.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>

struct verb_word {
	const char *word;
	enum phone_verb verb;
	bool first_only; /* only as a message's first command: a bare "ok" reply */
};

static const struct verb_word verb_words[] = {
	{"STATUS", PHONE_VERB_STATUS, false}, {"STAT", PHONE_VERB_STATUS, false},
	{"STATE", PHONE_VERB_STATUS, false},  {"READ", PHONE_VERB_READ, false},
	{"SET", PHONE_VERB_SET, false},       {"INTERVAL", PHONE_VERB_INTERVAL, false},
	{"REPORT", PHONE_VERB_REPORT, false}, {"PIN", PHONE_VERB_PIN, false},
	{"HELP", PHONE_VERB_HELP, false},     {"ACK", PHONE_VERB_ACK, false},
	{"OK", PHONE_VERB_ACK, true},         {"OKAY", PHONE_VERB_ACK, true},
	{"MUTE", PHONE_VERB_MUTE, false},     {"UNMUTE", PHONE_VERB_UNMUTE, false},
	{"WHO", PHONE_VERB_WHO, false},
};

int phone_verb_lookup(const struct phone_tok *t, enum phone_verb *out, bool *first_only)
{
	for (size_t i = 0; i < sizeof(verb_words) / sizeof(verb_words[0]); i++) {
		if (phone_tok_is(t, verb_words[i].word)) {
			*out = verb_words[i].verb;
			*first_only = verb_words[i].first_only;
			return 0;
		}
	}
	return -ENOENT;
}

bool phone_verb_on(enum phone_side side, enum phone_verb verb)
{
	switch (verb) {
	case PHONE_VERB_STATUS:
	case PHONE_VERB_READ:
	case PHONE_VERB_SET:
	case PHONE_VERB_HELP:
		return true;
	case PHONE_VERB_INTERVAL:
	case PHONE_VERB_REPORT:
	case PHONE_VERB_PIN:
		return side == PHONE_SIDE_UNIT;
	case PHONE_VERB_ACK:
	case PHONE_VERB_MUTE:
	case PHONE_VERB_UNMUTE:
	case PHONE_VERB_WHO:
		return side == PHONE_SIDE_BASE;
	}
	return false;
}

bool phone_verb_changes(enum phone_verb verb)
{
	switch (verb) {
	case PHONE_VERB_STATUS:
	case PHONE_VERB_READ:
	case PHONE_VERB_HELP:
	case PHONE_VERB_WHO:
		return false;
	case PHONE_VERB_SET:
	case PHONE_VERB_INTERVAL:
	case PHONE_VERB_REPORT:
	case PHONE_VERB_PIN:
	case PHONE_VERB_ACK:
	case PHONE_VERB_MUTE:
	case PHONE_VERB_UNMUTE:
		return true;
	}
	return true;
}

struct setting_word {
	const char *word;
	enum phone_setting setting;
};

static const struct setting_word setting_words[] = {
	{"HIGH", PHONE_SETTING_HIGH},
	{"HI", PHONE_SETTING_HIGH},
	{"MAX", PHONE_SETTING_HIGH},
	{"LOW", PHONE_SETTING_LOW},
	{"LO", PHONE_SETTING_LOW},
	{"MIN", PHONE_SETTING_LOW},
	{"HH", PHONE_SETTING_HIGH_HIGH},
	{"HIGHHIGH", PHONE_SETTING_HIGH_HIGH},
	{"HIHI", PHONE_SETTING_HIGH_HIGH},
	{"HIGH_HIGH", PHONE_SETTING_HIGH_HIGH},
	{"HIGH-HIGH", PHONE_SETTING_HIGH_HIGH},
	{"LL", PHONE_SETTING_LOW_LOW},
	{"LOWLOW", PHONE_SETTING_LOW_LOW},
	{"LOLO", PHONE_SETTING_LOW_LOW},
	{"LOW_LOW", PHONE_SETTING_LOW_LOW},
	{"LOW-LOW", PHONE_SETTING_LOW_LOW},
	{"DELAY", PHONE_SETTING_DELAY},
	{"HYST", PHONE_SETTING_HYST},
	{"HYS", PHONE_SETTING_HYST},
	{"HYSTERESIS", PHONE_SETTING_HYST},
};

int phone_setting_lookup(const struct phone_tok *t, enum phone_setting *out)
{
	for (size_t i = 0; i < sizeof(setting_words) / sizeof(setting_words[0]); i++) {
		if (phone_tok_is(t, setting_words[i].word)) {
			*out = setting_words[i].setting;
			return 0;
		}
	}
	return -ENOENT;
}

bool phone_setting_is_limit(enum phone_setting setting)
{
	switch (setting) {
	case PHONE_SETTING_HIGH:
	case PHONE_SETTING_LOW:
	case PHONE_SETTING_HIGH_HIGH:
	case PHONE_SETTING_LOW_LOW:
		return true;
	case PHONE_SETTING_DELAY:
	case PHONE_SETTING_HYST:
		return false;
	}
	return false;
}

bool phone_word_reserved(const struct phone_tok *t)
{
	enum phone_verb v;
	enum phone_setting s;
	bool first_only;
	uint32_t d;
	if (phone_verb_lookup(t, &v, &first_only) == 0 || phone_setting_lookup(t, &s) == 0)
		return true;
	if (phone_tok_is(t, "ALL") || phone_tok_is(t, "OFF"))
		return true;
	return phone_duration_parse(t->s, t->len, &d) == 0;
}

bool phone_name_same(const char *a, const char *b)
{
	if (!a || !b)
		return false;
	for (;; a++, b++) {
		if (toupper((unsigned char)*a) != toupper((unsigned char)*b))
			return false;
		if (*a == '\0')
			return true;
	}
}

int phone_name_check(enum phone_name kind, const char *name, const char **why)
{
	char buf[PHONE_UNIT_SIZE];
	const char *reason = NULL;
	if (!name)
		name = "";
	struct phone_tok t = {name, strlen(name)};
	switch (kind) {
	case PHONE_NAME_UNIT:
		if (phone_tok_name(&t, true, buf, PHONE_UNIT_SIZE) != 0)
			reason = "a unit id is 1 to 16 letters, digits, '-' or '_'";
		break;
	case PHONE_NAME_CHANNEL:
		if (phone_tok_name(&t, false, buf, PHONE_CHANNEL_SIZE) != 0)
			reason = "a channel name is 1 to 8 letters, digits or '_'";
		break;
	}
	if (!reason && phone_word_reserved(&t))
		reason = "a command word, setting, ALL, OFF or a duration: commands could not name it";
	if (reason && why)
		*why = reason;
	return reason ? -EINVAL : 0;
}
