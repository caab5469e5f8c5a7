/* Byte-fed framer for the modem side of an AT serial line: turns any split of the byte
 * stream into frames (lines, the `> ` text-entry prompt, the PDU line that follows
 * +CMT:/+CMGL:/+CMGR:/+CDS:). It knows no commands; at_chat.c gives frames meaning. */
#ifndef M2_AT_FRAMER_H
#define M2_AT_FRAMER_H

#include <stdbool.h>
#include <stddef.h>

/* Longest line kept: a 176-octet SMSC+TPDU is 352 hex digits; anything longer is noise. */
#define AT_FRAMER_LINE_MAX 1024

enum at_frame_kind {
	AT_FRAME_LINE,     /* a non-blank line, terminator removed */
	AT_FRAME_PDU,      /* a hex line right after a PDU-carrying header (TS 27.005 3.4, 3.5) */
	AT_FRAME_PROMPT,   /* `> ` at the start of a line: the modem waits for the PDU */
	AT_FRAME_OVERLONG, /* a line longer than AT_FRAMER_LINE_MAX; text is its first bytes */
};

const char *at_frame_kind_str(enum at_frame_kind kind);

struct at_frame {
	enum at_frame_kind kind;
	const char *text; /* NUL-terminated; valid only during the callback */
	size_t len;
};

typedef void (*at_frame_cb)(void *user_data, const struct at_frame *frame);

struct at_framer {
	char buf[AT_FRAMER_LINE_MAX + 1];
	size_t len;
	bool overflow; /* discarding the rest of an overlong line */
	bool pdu_next; /* the next non-blank line may be a PDU */
	at_frame_cb cb;
	void *user_data;
};

/* Prepares `f` (caller-owned memory) to report frames to `cb`. */
void at_framer_init(struct at_framer *f, at_frame_cb cb, void *user_data);

/* Feeds `len` bytes in any split. CR and LF both end a line; blank lines are dropped; C0
 * control bytes other than CR/LF (NUL, the echoed Ctrl-Z, ESC) are dropped; other bytes are
 * kept so that garbage reaches the caller as an unrecognised line. Calls `cb` per frame. */
void at_framer_feed(struct at_framer *f, const void *data, size_t len);

/* True when bytes of an unterminated line are buffered. */
bool at_framer_pending(const struct at_framer *f);

/* Emits the buffered partial line as if it had been terminated: for a modem that leaves the
 * final CR off its last line. No-op when nothing is pending. */
void at_framer_flush(struct at_framer *f);

/* True while the framer would classify the next hex line as a PDU. */
bool at_framer_expects_pdu(const struct at_framer *f);

/* Drops any partial line and PDU expectation (after the port is reopened). */
void at_framer_reset(struct at_framer *f);

#endif
