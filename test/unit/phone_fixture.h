/* Helpers of the phone-command tests: parse a text, expect a canonical command or a refusal,
 * and check that every command accepted survives the round trip through its canonical text. */
#ifndef M2_PHONE_FIXTURE_H
#define M2_PHONE_FIXTURE_H

#include "phone_cmd.h"

#include <stdbool.h>

/* The message of `text` on `side` (a static one, valid until the next call). */
const struct phone_msg *phone_fx_parse(enum phone_side side, const char *text);

/* Asserts that `text` holds one command, accepted, whose canonical text is `canonical`, and
 * that the canonical text parses back into the same command. Returns the command. */
const struct phone_cmd *phone_fx_ok(enum phone_side side, const char *text, const char *canonical);

/* Asserts that `text` holds one command, refused with `err`, and returns its reason. */
const char *phone_fx_err(enum phone_side side, const char *text, enum phone_err err);

/* Asserts that the item list of `msg` reads `list` as phone_msg_log() writes it
 * ("STATUS; !unknown; READ"). */
void phone_fx_list(enum phone_side side, const char *text, const char *list);

bool phone_fx_cmd_equal(const struct phone_cmd *a, const struct phone_cmd *b);

/* Formats `cmd` for `side`, parses the text again, and asserts the same command. */
void phone_fx_round_trip(enum phone_side side, const struct phone_cmd *cmd);

/* Asserts that a reason is fit for a reply and a log: printable ASCII, not empty, short. */
void phone_fx_reason_ok(const char *reason);

#endif
