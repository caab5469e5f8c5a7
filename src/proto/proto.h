/* The unit <-> base message format (docs/protocol.md): every message is one line of GSM 7-bit
 * text, an optional sentence for a person and then the machine frame
 *     [SENTENCE ]#<version><kind> <unit> <seq> <time>[ <field>...] <tag>
 * signed with HMAC-SHA-256 under the unit's 32-byte key (both directions, the direction in
 * the MAC input), the tag being 11 base64 characters (66 bits) of the HMAC.
 *
 * Pure: no clock, no I/O, no allocation; the caller owns every buffer. Call proto_init() once
 * at start (libsodium's own initialisation). A receiver works in this order:
 *
 *     proto_peek(text, len, &head, &err)        unit id, kind and seq; nothing verified yet
 *     key = key_of(head.unit)                    the base: its table of units, an unknown
 *                                                unit is dropped; a unit: its own key, and
 *                                                a head.unit not its own id is dropped
 *     proto_window_check(&win, head.seq, &err)   (proto_window.h) a replay or a duplicate
 *     proto_open(text, len, key, dir, &msg, &err) the tag, then every field of the body
 *     store msg and the window (proto_window_accept) in one transaction, then act on it
 *
 * and logs `err.reason` (proto_reject_str) with `err.at` for any refusal, acting on nothing.
 * Texts go in as (pointer, length), need no NUL and may hold any bytes; texts come out
 * NUL-terminated, in PROTO_TEXT_MAX bytes at most, every character one GSM 7-bit septet. */
#ifndef M2_PROTO_H
#define M2_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROTO_VERSION 1

#define PROTO_KEY_LEN    32  /* octets of a unit's key */
#define PROTO_KEY_HEX    64  /* hex digits of a key in a configuration file */
#define PROTO_TAG_CHARS  11  /* base64 characters of the tag: the first 66 bits of the HMAC */
#define PROTO_SMS_CHARS  160 /* one GSM 7-bit SMS; every protocol character is one septet */
#define PROTO_TEXT_LIMIT 459 /* the longest message: three concatenated SMS (3 x 153 septets) */
#define PROTO_TEXT_MAX   (PROTO_TEXT_LIMIT + 1) /* a buffer for any message, with its NUL */

#define PROTO_UNIT_MAX     17 /* 1..16 of [A-Za-z0-9_-], with the NUL */
#define PROTO_CHANNEL_MAX  9  /* a channel name: 1..8 of [A-Za-z0-9_], with the NUL */
#define PROTO_CHANNELS_MAX 8  /* channels of one unit */
#define PROTO_NUMBER_MAX   22 /* a phone number: optional '+' and 1..20 digits, with the NUL */
#define PROTO_CMD_TEXT_MAX 65 /* a command or echo text: 1..64 characters, with the NUL */

/* Temperatures travel as tenths of a degree C in this range (a probe's reading outside it is
 * a fault, not a value); a readings batch marks a failed read with PROTO_MISSING. */
#define PROTO_TEMP_MIN_C10 (-32768)
#define PROTO_TEMP_MAX_C10 32767
#define PROTO_MISSING      INT32_MIN

/* Which way a message travels; part of the MAC input, so a tag made for one direction never
 * verifies in the other. */
enum proto_dir {
	PROTO_DIR_UNIT_TO_BASE, /* MAC input starts with 'U' */
	PROTO_DIR_BASE_TO_UNIT, /* MAC input starts with 'B' */
};

const char *proto_dir_str(enum proto_dir dir);

/* The kinds of message; the letter after the version in the frame is in brackets. */
enum proto_kind {
	PROTO_KIND_READINGS,  /* [R] unit: a batch of samples of one or more channels */
	PROTO_KIND_ALARM,     /* [A] unit: a level raised (alert_channel RAISE) */
	PROTO_KIND_CLEAR,     /* [C] unit: a level cleared (alert_channel CLEAR) */
	PROTO_KIND_FAULT,     /* [F] unit: probe fault raised (level PROBE) */
	PROTO_KIND_FAULT_END, /* [G] unit: probe good again (level PROBE cleared) */
	PROTO_KIND_POWER,     /* [P] unit: mains lost or restored, battery low or ok */
	PROTO_KIND_HEARTBEAT, /* [H] unit: status, so the base can tell silence from calm */
	PROTO_KIND_ECHO,      /* [E] unit: a setting changed or refused (by the base or a phone) */
	PROTO_KIND_REPLY,     /* [Y] unit: the answer to a READ command */
	PROTO_KIND_RECEIPT,   /* [K] base: "stored up to seq N, and these beyond it" */
	PROTO_KIND_COMMAND,   /* [X] base: a SET relayed from an admin, or a READ */
};
#define PROTO_KIND_COUNT 11

const char *proto_kind_str(enum proto_kind kind);
/* The direction a kind travels in. */
enum proto_dir proto_kind_dir(enum proto_kind kind);

/* Why a message was refused; proto_reject_str() gives the word for the log. */
enum proto_reject {
	PROTO_REJECT_EMPTY,        /* no text at all */
	PROTO_REJECT_TOO_LONG,     /* longer than PROTO_TEXT_LIMIT */
	PROTO_REJECT_CHARSET,      /* a character outside the protocol's alphabet (control, non-ASCII,
				      '@', '`', the GSM escape table [ ] { } \ ^ ~ |) */
	PROTO_REJECT_NOT_PROTOCOL, /* no "#" frame: a person's text, an operator's notice */
	PROTO_REJECT_VERSION,      /* a protocol version this build does not speak */
	PROTO_REJECT_KIND,         /* an unknown kind letter */
	PROTO_REJECT_DIRECTION,    /* a kind that does not travel this way */
	PROTO_REJECT_UNIT,         /* the unit id is not 1..16 of [A-Za-z0-9_-] */
	PROTO_REJECT_SEQ,          /* the sequence number is not 1..4294967295 */
	PROTO_REJECT_TIME,         /* the time is not 0..9999999999 seconds */
	PROTO_REJECT_TAG_FORMAT,   /* no tag, a short tag, or one not in base64 */
	PROTO_REJECT_TAG,          /* the tag does not verify: forged or altered, a wrong key, or a
				      tag made for the other direction */
	PROTO_REJECT_FIELD,        /* a field of the body is malformed or out of its range */
	PROTO_REJECT_FIELDS,       /* too few or too many fields for the kind */
	PROTO_REJECT_BATCH,        /* a readings payload that does not decode */
	PROTO_REJECT_DUPLICATE,    /* a sequence number already accepted: a copy or a replay */
	PROTO_REJECT_TOO_OLD,      /* a sequence number below the replay window */
};
#define PROTO_REJECT_COUNT 17

const char *proto_reject_str(enum proto_reject reason);

/* What was wrong and where: `at` is the offset in the text (0 when it is the whole text). */
struct proto_error {
	enum proto_reject reason;
	size_t at;
};

/* Alarm levels, in the order and meaning of alerts/alert_channel.h's enum alert_level (the
 * unit maps one onto the other name by name; the tests check both lists agree). */
enum proto_level {
	PROTO_LEVEL_LOW_LOW,   /* "LL" */
	PROTO_LEVEL_LOW,       /* "L" */
	PROTO_LEVEL_HIGH,      /* "H" */
	PROTO_LEVEL_HIGH_HIGH, /* "HH" */
	PROTO_LEVEL_PROBE,     /* FAULT and FAULT_END only; never sent as a token */
	PROTO_LEVEL_RATE,      /* "R" */
};
#define PROTO_LEVEL_COUNT 6

const char *proto_level_str(enum proto_level level);

/* Every message starts with these. Times are UTC epoch milliseconds in the structs and whole
 * seconds on the wire: the encoder floors them, the parser returns multiples of 1000. */
struct proto_head {
	uint8_t version; /* PROTO_VERSION; set by the parser, ignored by the encoder */
	enum proto_kind kind;
	char unit[PROTO_UNIT_MAX];
	uint32_t seq;    /* the sender's counter, 1..UINT32_MAX, persisted before use; never repeats */
	int64_t time_ms; /* the sender's clock when it made the message, 0..9999999999999 */
};

/* ALARM, CLEAR, FAULT, FAULT_END: one alert_channel_event of one channel. */
struct proto_event {
	char channel[PROTO_CHANNEL_MAX];
	enum proto_level level; /* ALARM/CLEAR: any but PROBE; FAULT/FAULT_END: PROBE */
	bool has_value;         /* ALARM/CLEAR: must be true; FAULT: the last good reading if any;
				   FAULT_END: the first good reading */
	int32_t value_c10;
	int32_t threshold_c10; /* ALARM: the limit; CLEAR: the clear level; RATE: the delta;
				  not carried by FAULT/FAULT_END (0 when parsed) */
	int64_t since_ms;      /* when the condition began (raise) or ended (clear), within about
				  68 years of the head's time */
};

enum proto_power_event {
	PROTO_POWER_MAINS_LOST,     /* "ML" */
	PROTO_POWER_MAINS_RESTORED, /* "MR" */
	PROTO_POWER_BATTERY_LOW,    /* "BL" */
	PROTO_POWER_BATTERY_OK,     /* "BO" */
};
#define PROTO_POWER_EVENT_COUNT 4

const char *proto_power_event_str(enum proto_power_event ev);

/* POWER. Battery figures are -1 when the hardware does not tell. */
struct proto_power {
	enum proto_power_event event;
	int16_t battery_pct; /* 0..100, or -1 */
	int32_t battery_mv;  /* 0..65535, or -1 */
	int64_t since_ms;
};

/* One channel's reading now: HEARTBEAT and REPLY. */
struct proto_value {
	char channel[PROTO_CHANNEL_MAX];
	bool ok; /* false: the probe is at fault (or has not been read yet) */
	int32_t temp_c10;
};

enum proto_mains {
	PROTO_MAINS_UNKNOWN, /* "-" */
	PROTO_MAINS_ON,      /* "1" */
	PROTO_MAINS_OFF,     /* "0": running on battery */
};

const char *proto_mains_str(enum proto_mains mains);

/* HEARTBEAT. */
struct proto_status {
	enum proto_mains mains;
	int16_t battery_pct; /* 0..100, or -1 */
	int32_t battery_mv;  /* 0..65535, or -1 */
	int16_t csq;         /* AT+CSQ signal 0..31, or -1 (99: not known) */
	uint32_t pending;    /* messages in the outbox that no receipt covers yet */
	uint32_t uptime_s;
	size_t n_values; /* 0..PROTO_CHANNELS_MAX */
	struct proto_value values[PROTO_CHANNELS_MAX];
};

/* REPLY: the answer to the COMMAND `cmd_id` (a READ), the readings taken for it. */
struct proto_reply {
	uint32_t cmd_id; /* 1..UINT32_MAX */
	size_t n_values; /* 0..PROTO_CHANNELS_MAX */
	struct proto_value values[PROTO_CHANNELS_MAX];
};

enum proto_result {
	PROTO_RESULT_OK,      /* "OK": applied (and persisted) */
	PROTO_RESULT_INVALID, /* "INVALID": not understood, or a value the unit refuses */
	PROTO_RESULT_FAILED,  /* "FAILED": understood but could not be applied or stored */
};
#define PROTO_RESULT_COUNT 3

const char *proto_result_str(enum proto_result result);

/* ECHO: a change of settings, reported in full whoever asked. */
struct proto_echo {
	uint32_t cmd_id; /* the COMMAND it answers, or 0 for a change a phone made on the unit */
	enum proto_result result;
	char by[PROTO_NUMBER_MAX];     /* who asked ("+15550003001"), or "" when not known */
	char text[PROTO_CMD_TEXT_MAX]; /* what was applied ("SET T1 HIGH 8.0") or why not */
};

/* COMMAND: a phone command relayed by the base, in the phone grammar without the PIN
 * (docs/commands.md): "SET T1 HIGH 8", "READ". The unit answers with ECHO or REPLY. */
struct proto_command {
	uint32_t cmd_id;               /* 1..UINT32_MAX, chosen by the base; a resent command
					  keeps its id, so the unit applies it once */
	char by[PROTO_NUMBER_MAX];     /* the admin who sent it, or "" */
	char text[PROTO_CMD_TEXT_MAX]; /* 1..64 characters, no '#', not starting or ending with a
					  space */
};

#define PROTO_RECEIPT_BITS 128

/* RECEIPT: every seq <= upto is stored or can no longer be accepted (below the window), and
 * bit i of beyond (word i / 64, bit i % 64) says seq upto + 1 + i is stored too. The frame's
 * time is the base's clock, for the unit to set its own. */
struct proto_receipt {
	uint32_t upto; /* 0: nothing yet */
	uint64_t beyond[PROTO_RECEIPT_BITS / 64];
};

/* True when the receipt says `seq` is stored (the unit drops it from its outbox). */
bool proto_receipt_covers(const struct proto_receipt *r, uint32_t seq);

#define PROTO_READINGS_MAX 1024 /* samples (all channels together) one READINGS can hold */

/* READINGS as parsed: `count` samples per channel at a fixed interval, sample i of channel c
 * taken at first_ms + i * interval_s * 1000 and found at temp_c10[c * count + i]
 * (proto_readings_at); PROTO_MISSING marks a failed read. */
struct proto_readings {
	size_t n_channels; /* 1..PROTO_CHANNELS_MAX */
	char channel[PROTO_CHANNELS_MAX][PROTO_CHANNEL_MAX];
	int64_t first_ms;
	uint32_t interval_s; /* 1..1048576 */
	size_t count;        /* 1..PROTO_READINGS_MAX / n_channels */
	int32_t temp_c10[PROTO_READINGS_MAX];
};

static inline int32_t proto_readings_at(const struct proto_readings *r, size_t c, size_t i)
{
	return r->temp_c10[c * r->count + i];
}

/* A message: the head and the body its kind says. */
struct proto_msg {
	struct proto_head head;
	union {
		struct proto_readings readings;
		struct proto_event event;
		struct proto_power power;
		struct proto_status status;
		struct proto_echo echo;
		struct proto_reply reply;
		struct proto_receipt receipt;
		struct proto_command command;
	} u;
};

/* Initialises libsodium; call once before the other functions. Returns 0 or -EIO. */
int proto_init(void);

/* Checks every field of `m` against the limits above. Returns 0, or -EINVAL with `*why`
 * (a static string naming the field) when `why` is not NULL. */
int proto_msg_check(const struct proto_msg *m, const char **why);

/* Writes `m` as signed text into `out` (room for `size`, NUL-terminated) with the direction
 * its kind travels. ALARM, CLEAR, FAULT, FAULT_END and POWER start with a sentence for a
 * person, its clock ("since 03:12") shifted by `utc_offset_min` (the unit's time zone; the
 * machine fields are always UTC). A READINGS message holds every sample of m->u.readings;
 * to send a long series as whole messages of one SMS each, use proto_encode_readings().
 * Returns the length (one SMS when <= PROTO_SMS_CHARS, else the SMS layer sends it as a
 * multipart message), -EINVAL when proto_msg_check() refuses `m`, -EMSGSIZE when the text
 * would be longer than PROTO_TEXT_LIMIT, -ENOSPC when `size` is too small. */
int proto_encode(const struct proto_msg *m, const uint8_t key[PROTO_KEY_LEN], int utc_offset_min, char *out,
		 size_t size);

/* A series of samples to report, caller-owned: channel c's samples are temp_c10[c][0..count),
 * sample i taken at first_ms + i * interval_s * 1000; PROTO_MISSING for a failed read. */
struct proto_series {
	size_t n_channels; /* 1..PROTO_CHANNELS_MAX */
	const char *channel[PROTO_CHANNELS_MAX];
	const int32_t *temp_c10[PROTO_CHANNELS_MAX];
	size_t count;
	int64_t first_ms;
	uint32_t interval_s;
};

/* Encodes as many samples of `s` as fit one SMS (PROTO_SMS_CHARS), starting with sample
 * `from`, as one READINGS message with `head` (kind READINGS, the caller's next seq):
 * `*taken` tells how many (at least one; a text longer than one SMS only when a single sample
 * of every channel cannot fit, with 8 long channel names). Call again from `from + *taken`
 * with the next seq until the series is sent: no sample is rounded, dropped or sent twice.
 * Returns the text's length, -EINVAL for a bad head or series (a value outside
 * PROTO_TEMP_MIN_C10..MAX that is not PROTO_MISSING, from >= count, a bad name), -ENOSPC
 * when `size` is too small (PROTO_TEXT_MAX always suffices). */
int proto_encode_readings(const struct proto_head *head, const struct proto_series *s, size_t from,
			  const uint8_t key[PROTO_KEY_LEN], char *out, size_t size, size_t *taken);

/* Reads the head of a message without verifying it: the unit id picks the key, the seq meets
 * the replay window. Checks the alphabet, the frame and the tag's form, not the body. Returns
 * 0, -EBADMSG, or -EPROTONOSUPPORT for another version; `err` (may be NULL) says why. */
int proto_peek(const char *text, size_t len, struct proto_head *head, struct proto_error *err);

/* Verifies and parses a message that travelled in direction `dir` under `key`: the head as
 * proto_peek(), the kind's direction, the tag (compared in constant time), then every field.
 * `msg` is only filled when it returns 0. Returns 0, -EBADMSG (malformed, or a kind of the
 * other direction), -EPROTONOSUPPORT, or -EACCES (the tag does not verify); `err` says why. */
int proto_open(const char *text, size_t len, const uint8_t key[PROTO_KEY_LEN], enum proto_dir dir,
	       struct proto_msg *msg, struct proto_error *err);

/* Reads a key written as 64 hex digits (either case), as `m2mon keygen` prints it. Returns 0,
 * -EINVAL when it is not 64 characters long, -EILSEQ when one is not a hex digit, or
 * -EKEYREJECTED when every octet is zero (a placeholder, not a key). */
int proto_key_parse(const char *hex64, uint8_t key[PROTO_KEY_LEN]);

/* Writes `key` as 64 lower-case hex digits and a NUL into `out`. */
void proto_key_format(const uint8_t key[PROTO_KEY_LEN], char out[PROTO_KEY_HEX + 1]);

#endif
