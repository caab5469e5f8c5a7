/* Who may send what, and the HELP texts written from that table: one GSM 7-bit SMS per side
 * and role. A text starts with a word that is no command, so a phone that quotes it back
 * under a reply cannot send a command by accident. */
#include "phone_help.h"

#include <errno.h>
#include <string.h>

const char *phone_role_str(enum phone_role role)
{
	switch (role) {
	case PHONE_ROLE_ADMIN:
		return "admin";
	case PHONE_ROLE_OPERATOR:
		return "operator";
	case PHONE_ROLE_VIEWER:
		return "viewer";
	}
	return "?";
}

int phone_role_parse(const char *name, enum phone_role *out)
{
	static const enum phone_role roles[] = {PHONE_ROLE_ADMIN, PHONE_ROLE_OPERATOR, PHONE_ROLE_VIEWER};
	for (size_t i = 0; name && i < sizeof(roles) / sizeof(roles[0]); i++) {
		if (strcmp(name, phone_role_str(roles[i])) == 0) {
			*out = roles[i];
			return 0;
		}
	}
	return -EINVAL;
}

bool phone_role_may(enum phone_side side, enum phone_role role, enum phone_verb verb)
{
	if (!phone_verb_on(side, verb))
		return false;
	switch (verb) {
	case PHONE_VERB_STATUS:
	case PHONE_VERB_READ:
	case PHONE_VERB_HELP:
	case PHONE_VERB_WHO:
		return true;
	case PHONE_VERB_ACK:
	case PHONE_VERB_MUTE:
	case PHONE_VERB_UNMUTE:
		return role == PHONE_ROLE_ADMIN || role == PHONE_ROLE_OPERATOR;
	case PHONE_VERB_SET:
	case PHONE_VERB_INTERVAL:
	case PHONE_VERB_REPORT:
	case PHONE_VERB_PIN:
		return role == PHONE_ROLE_ADMIN;
	}
	return false;
}

const char *phone_help(enum phone_side side, enum phone_role role)
{
	switch (side) {
	case PHONE_SIDE_UNIT:
		if (role == PHONE_ROLE_ADMIN)
			return "Start with your PIN. STATUS or ?, READ, SET T1 HIGH 8 (or LOW HH LL; OFF), "
			       "SET T1 DELAY 30m, SET T1 HYST 0.5, INTERVAL 5m, REPORT 1h, PIN old new. "
			       "Join with ;";
		return "Start with your PIN. STATUS or ? (every channel), READ or READ T1 (a fresh "
		       "reading), HELP. Several in one SMS: join with ;";
	case PHONE_SIDE_BASE:
		switch (role) {
		case PHONE_ROLE_ADMIN:
			return "Send: STATUS, STATUS WH1, READ WH1, WHO, ACK, ACK 12, ACK ALL, MUTE WH1 2h, "
			       "MUTE WH1 T1 2h, UNMUTE WH1, SET WH1 T1 HIGH 8 (or LOW HH LL DELAY HYST). "
			       "Join with ;";
		case PHONE_ROLE_OPERATOR:
			return "Send: STATUS, STATUS WH1, READ WH1, WHO (on call), ACK (the newest), ACK 12, "
			       "ACK ALL, MUTE WH1 2h, MUTE WH1 T1 2h, UNMUTE WH1. Several in one SMS: join "
			       "with ;";
		case PHONE_ROLE_VIEWER:
			return "Send: STATUS (every unit), STATUS WH1, READ WH1 (a fresh reading), WHO (who "
			       "is on call), HELP. Several in one SMS: join with ;";
		}
		break;
	}
	return "Send HELP";
}
