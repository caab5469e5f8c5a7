/* What each role may send, and the HELP text built from it: one SMS (at most 160 GSM 7-bit
 * characters, basic table only) per side and role, so HELP and the refusals agree. */
#ifndef M2_PHONE_HELP_H
#define M2_PHONE_HELP_H

#include "phone_cmd.h"

#include <stdbool.h>

/* The roles of the config files: the base's contacts (admin, operator, viewer) and the
 * unit's phones (admin, operator; a viewer there may ask what an operator may). */
enum phone_role {
	PHONE_ROLE_ADMIN,    /* everything */
	PHONE_ROLE_OPERATOR, /* base: asks, ACK, MUTE, UNMUTE; unit: asks */
	PHONE_ROLE_VIEWER,   /* asks only: STATUS, READ, WHO, HELP */
};
#define PHONE_ROLE_COUNT 3

const char *phone_role_str(enum phone_role role);

/* Parses "admin", "operator" or "viewer" (as written in config files). Returns 0 or -EINVAL. */
int phone_role_parse(const char *name, enum phone_role *out);

/* Whether `role` may send `verb` to `side`: the table the help texts are written from.
 * Asking (STATUS, READ, WHO, HELP) is for every role; ACK, MUTE and UNMUTE at the base for
 * operators and admins; SET, INTERVAL, REPORT and PIN for admins. False for a verb of the
 * other side. */
bool phone_role_may(enum phone_side side, enum phone_role role, enum phone_verb verb);

/* The HELP reply for `role` on `side`: a static string of one SMS that names only what the
 * role may send. */
const char *phone_help(enum phone_side side, enum phone_role role);

#endif
