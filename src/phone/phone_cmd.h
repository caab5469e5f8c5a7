/* The grammar of the SMS commands that people send to a unit and to the base: one SMS text in,
 * typed commands or a refusal with a short reason out. Pure: no I/O, no state, no logging;
 * the daemons decide who may do what and what to reply. docs/commands.md is the user's view.
 *
 * A message is read line by line; each line is a list of commands separated by ';'. Blank
 * lines and quote lines (starting with '>') are skipped; reading stops at a signature line
 * ("--", "__") or at the first later line that does not start with a command word (a
 * signature, the quoted text of the message replied to). Each command is parsed on its own:
 * a bad one in the middle does not stop the others, and each gets its own result, in order.
 * Words are case-insensitive; ':' and '=' count as spaces; punctuation around a command,
 * Unicode spaces, the minus sign and fullwidth letters are tolerated. */
#ifndef M2_PHONE_CMD_H
#define M2_PHONE_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Who reads the text: a unit (commands start with the unit's PIN) or the base (no PIN; the
 * sender's number and role are the daemon's to check). */
enum phone_side {
	PHONE_SIDE_UNIT,
	PHONE_SIDE_BASE,
};

const char *phone_side_str(enum phone_side side);

enum phone_verb {
	PHONE_VERB_STATUS,   /* unit: STATUS or ?; base: STATUS [UNIT] ("" or ALL: every unit) */
	PHONE_VERB_READ,     /* unit: READ [CH]; base: READ UNIT [CH]: a fresh reading */
	PHONE_VERB_SET,      /* unit: SET CH SETTING VALUE; base: SET UNIT CH SETTING VALUE */
	PHONE_VERB_INTERVAL, /* unit: INTERVAL DURATION (sampling) */
	PHONE_VERB_REPORT,   /* unit: REPORT DURATION (batched readings to the base) */
	PHONE_VERB_PIN,      /* unit: PIN OLD NEW, or PIN NEW after a leading PIN */
	PHONE_VERB_HELP,     /* both: the rest of the command is ignored */
	PHONE_VERB_ACK,      /* base: ACK, ACK 12, ACK ALL (also OK, OKAY) */
	PHONE_VERB_MUTE,     /* base: MUTE UNIT [CH] DURATION */
	PHONE_VERB_UNMUTE,   /* base: UNMUTE UNIT [CH] */
	PHONE_VERB_WHO,      /* base: who is on call; the rest is ignored */
};
#define PHONE_VERB_COUNT 11

/* The canonical command word: "STATUS", "SET", "ACK"... */
const char *phone_verb_str(enum phone_verb verb);

/* True when `verb` is a command of `side` (ACK is the base's, INTERVAL a unit's...). */
bool phone_verb_on(enum phone_side side, enum phone_verb verb);

/* True when `verb` changes something (SET, INTERVAL, REPORT, PIN, ACK, MUTE, UNMUTE); STATUS,
 * READ, HELP and WHO only ask. */
bool phone_verb_changes(enum phone_verb verb);

/* What a SET changes. The limits are the alarm engine's levels (alert_channel_cfg). */
enum phone_setting {
	PHONE_SETTING_HIGH,      /* HIGH (also HI, MAX): a temperature, or OFF */
	PHONE_SETTING_LOW,       /* LOW (also LO, MIN): a temperature, or OFF */
	PHONE_SETTING_HIGH_HIGH, /* HH (also HIGHHIGH, HIHI, HIGH_HIGH): the critical level */
	PHONE_SETTING_LOW_LOW,   /* LL (also LOWLOW, LOLO, LOW_LOW) */
	PHONE_SETTING_DELAY,     /* DELAY: the on-delay, a duration (0 or OFF: none) */
	PHONE_SETTING_HYST,      /* HYST (also HYS, HYSTERESIS): the dead band, > 0 */
};
#define PHONE_SETTING_COUNT 6

/* The canonical word: "HIGH", "LOW", "HH", "LL", "DELAY", "HYST". */
const char *phone_setting_str(enum phone_setting setting);

/* True for HIGH, LOW, HH and LL (a temperature or OFF). */
bool phone_setting_is_limit(enum phone_setting setting);

/* Which alarms an ACK takes (alert_engine_ack: ALERT_ACK_NEWEST, the id, ALERT_ACK_ALL). */
enum phone_ack {
	PHONE_ACK_NEWEST, /* ACK alone, or followed by a comment: "ACK on my way" */
	PHONE_ACK_ID,     /* ACK 12, ACK #12, ACK12; a comment may follow: "ACK 12 on my way" */
	PHONE_ACK_ALL,    /* ACK ALL, with nothing after it */
};

const char *phone_ack_str(enum phone_ack ack);

/* Names as the house defines them (BRIEF): a unit id is 1..16 of [A-Za-z0-9_-], a channel
 * 1..8 of [A-Za-z0-9_]. They are kept as typed; the daemons match them case-insensitively
 * (phone_name_same) because the person typed "t1" for "T1". */
#define PHONE_UNIT_SIZE    17
#define PHONE_CHANNEL_SIZE 9

/* A PIN is 4 to 8 digits. */
#define PHONE_PIN_MIN_DIGITS 4
#define PHONE_PIN_MAX_DIGITS 8
#define PHONE_PIN_SIZE       (PHONE_PIN_MAX_DIGITS + 1)

/* Temperatures are degrees C with at most one decimal, kept in tenths (temp_c10). */
#define PHONE_TEMP_MIN_C10 (-1000)
#define PHONE_TEMP_MAX_C10 1500
#define PHONE_HYST_MIN_C10 1
#define PHONE_HYST_MAX_C10 200

/* Durations accepted per command, in seconds (the parser refuses others with a reason). */
#define PHONE_DELAY_MAX_S    86400u
#define PHONE_INTERVAL_MIN_S 10u
#define PHONE_INTERVAL_MAX_S 86400u
#define PHONE_REPORT_MIN_S   60u
#define PHONE_REPORT_MAX_S   (7u * 86400u)
#define PHONE_MUTE_MIN_S     60u
#define PHONE_MUTE_MAX_S     (7u * 86400u)

/* One command as understood. Fields a verb does not use are zero or "". PINs are kept only
 * here: never log them (phone_cmd_log writes them as <hidden>). */
struct phone_cmd {
	enum phone_verb verb;
	char unit[PHONE_UNIT_SIZE];       /* base: STATUS ("" = every unit), READ, SET, MUTE,
					     UNMUTE; always "" on the unit side */
	char channel[PHONE_CHANNEL_SIZE]; /* SET; READ, MUTE, UNMUTE: "" for every channel */
	enum phone_setting setting;       /* SET */
	bool off;                         /* SET of a limit: switched off (value_c10 is 0) */
	int32_t value_c10;                /* SET of a limit or HYST, tenths of a degree C */
	uint32_t duration_s;              /* SET DELAY, INTERVAL, REPORT, MUTE */
	enum phone_ack ack;               /* ACK */
	uint32_t ack_id;                  /* ACK with PHONE_ACK_ID: the alarm number, > 0 */
	char pin[PHONE_PIN_SIZE];         /* PIN: the old PIN (4..8 digits) */
	char new_pin[PHONE_PIN_SIZE];     /* PIN: the new PIN (4..8 digits, not the old one) */
};

/* Why a command was refused. Every refusal comes with a reason for the reply. */
enum phone_err {
	PHONE_ERR_NONE,
	PHONE_ERR_EMPTY,         /* the message holds no command at all */
	PHONE_ERR_UNKNOWN,       /* not a command word */
	PHONE_ERR_ELSEWHERE,     /* a command of the other side: ACK sent to a unit... */
	PHONE_ERR_MISSING,       /* a word the command needs is missing */
	PHONE_ERR_EXTRA,         /* words after a complete command (nothing is guessed) */
	PHONE_ERR_AMBIGUOUS,     /* ACK ALL followed by words, ACK 12 13, ACK with a number in
				    its comment: could mean several things, so nothing is done */
	PHONE_ERR_UNIT,          /* not a unit id */
	PHONE_ERR_CHANNEL,       /* not a channel name */
	PHONE_ERR_SETTING,       /* not HIGH, LOW, HH, LL, DELAY or HYST */
	PHONE_ERR_TEMP,          /* not a temperature */
	PHONE_ERR_DECIMALS,      /* more than one decimal digit (never rounded) */
	PHONE_ERR_FAHRENHEIT,    /* degrees F given; only degrees C are accepted */
	PHONE_ERR_DURATION,      /* not a duration */
	PHONE_ERR_DURATION_UNIT, /* a bare number where a duration is due: 30s, 30m, 30h? */
	PHONE_ERR_RANGE,         /* a temperature, hysteresis or duration outside its range */
	PHONE_ERR_ACK_ID,        /* not an alarm number */
	PHONE_ERR_PIN_FORMAT,    /* a PIN that is not 4 to 8 digits */
	PHONE_ERR_PIN_MISMATCH,  /* a second PIN in the message differs from the first */
	PHONE_ERR_PIN_PLACE,     /* a PIN after the first command, the message having none */
	PHONE_ERR_PIN_SAME,      /* PIN: the new PIN is the old one */
	PHONE_ERR_NO_PIN_HERE,   /* a PIN sent to the base, which needs none */
	PHONE_ERR_TOO_LONG,      /* a command longer than PHONE_CMD_TEXT_MAX characters */
	PHONE_ERR_TOO_MANY,      /* more than PHONE_CMDS_MAX commands: the rest was not read */
};
#define PHONE_ERR_COUNT 24

/* The code's name for logs: "unknown", "pin_format"... */
const char *phone_err_str(enum phone_err err);

/* A reason fits a reply: printable ASCII, at most PHONE_REASON_MAX - 1 characters, never a PIN
 * (a run of 4 or more digits from the text is shown as '*' on the unit side). */
#define PHONE_REASON_MAX 80

struct phone_item {
	enum phone_err err;            /* PHONE_ERR_NONE: `cmd` holds the command */
	bool has_verb;                 /* the command word was recognised (cmd.verb), even
					  when its arguments were refused */
	char reason[PHONE_REASON_MAX]; /* refused: "unknown command FOO; send HELP" */
	struct phone_cmd cmd;
};

/* Limits that keep the work bounded whatever the text: at most this many commands are read
 * from one message (one more item then says PHONE_ERR_TOO_MANY), each at most this long. */
#define PHONE_CMDS_MAX     8
#define PHONE_CMD_TEXT_MAX 96

struct phone_msg {
	/* Unit side: the PIN that authorises the whole message, one check per message. It is
	 * the digits before the first command ("1234 STATUS", also glued: "1234STATUS"), or,
	 * when there are none, the old PIN of a first command "PIN OLD NEW". A later command
	 * may repeat the same PIN ("1234 A; 1234 B"); a different one is refused. */
	bool has_pin;
	char pin[PHONE_PIN_SIZE]; /* "" when the PIN given was not 4..8 digits */
	enum phone_err pin_err;   /* PHONE_ERR_PIN_FORMAT then, else PHONE_ERR_NONE */
	size_t n;                 /* items, 1 .. PHONE_CMDS_MAX + 1 */
	struct phone_item item[PHONE_CMDS_MAX + 1];
	bool rest_ignored; /* lines after a signature or quoted text were not read */
};

/* Parses the text of one SMS (UTF-8 as decoded by the modem layer; `len` bytes, which may hold
 * NULs, invalid UTF-8 and control characters: they make the words they are in unknown). Fills
 * `out` with at least one item: a message without any command gives one PHONE_ERR_EMPTY item.
 * Linear in `len`, no allocation. Returns 0, or -EINVAL when `out` is NULL or `text` is NULL
 * with `len` > 0. */
int phone_parse(enum phone_side side, const char *text, size_t len, struct phone_msg *out);

/* Parses one unit command with no PIN before it, as the base relays it inside a signed
 * message ("SET T1 HIGH 8"): one command of printable ASCII (no ';', no line break, no
 * control character), no leading PIN; words are still case-insensitive. Every unit
 * verb is accepted (PIN OLD NEW too: the daemon decides what it takes from the base).
 * Returns 0 with `out->err` PHONE_ERR_NONE, or -EINVAL with `out->err` and `out->reason` set
 * (`out` NULL or `text` NULL with `len` > 0: -EINVAL, nothing written). */
int phone_parse_unit_cmd(const char *text, size_t len, struct phone_item *out);

/* Writes the canonical text of `cmd` as sent to `side`: "SET T1 HIGH 8", "SET T1 HH OFF",
 * "SET T1 DELAY 30m", "ACK 12", "MUTE WH1 T1 2h". Numbers in their shortest exact form
 * (8, -18.5, 0.5; 90m, 1h, 2d, 0s). Parsing it again gives the same struct. The base-side
 * SET or READ formatted for PHONE_SIDE_UNIT is the text the base relays (no unit id).
 * snprintf semantics: returns the length the text needs (writes at most `n` bytes, always
 * NUL-terminated when `n` > 0), or -EINVAL when `cmd` is not a valid command of `side`
 * (verb of the other side, a name or value the parser would refuse). */
int phone_cmd_format(enum phone_side side, const struct phone_cmd *cmd, char *out, size_t n);

/* As phone_cmd_format(), with the PINs written as <hidden>: "PIN <hidden> <hidden>", and on
 * the unit side every run of 4 or more digits as '*' (a PIN typed where a name was due:
 * "1234 READ 1234"). The text for a log line (cmd="..."); it has no quote, backslash or
 * control character. */
int phone_cmd_log(enum phone_side side, const struct phone_cmd *cmd, char *out, size_t n);

/* One log line's fields for a whole message, PIN hidden: `pin=<hidden> cmds=2 refused=1
 * first="SET T1 HIGH 8"` (pin=none when there is none, pin=malformed when it was not 4..8
 * digits). snprintf semantics. */
int phone_msg_log(enum phone_side side, const struct phone_msg *msg, char *out, size_t n);

/* ASCII case-insensitive comparison of two names: the daemons' lookup of a unit or channel. */
bool phone_name_same(const char *a, const char *b);

enum phone_name {
	PHONE_NAME_UNIT,
	PHONE_NAME_CHANNEL,
};

/* Whether `name` can be used in commands: its characters and length (see above), and not a
 * word the grammar reads otherwise (a command or setting word, ALL, OFF, or a duration such
 * as "2h" or "0"), which would make "MUTE WH1 2h" or "STATUS ALL" ambiguous. For the config
 * checks. Returns 0, or -EINVAL with a static reason in `*why` when `why` is not NULL. */
int phone_name_check(enum phone_name kind, const char *name, const char **why);

#endif
