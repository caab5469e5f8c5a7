/* The AT line framer: CR/LF line splitting, blank-line and control-byte removal, the `> `
 * prompt, PDU-line recognition after the TS 27.005 headers that announce one, and the
 * overlong-line guard. No knowledge of commands or results. */
#include "at_framer.h"

#include <string.h>

const char *at_frame_kind_str(enum at_frame_kind kind)
{
	switch (kind) {
	case AT_FRAME_LINE:
		return "line";
	case AT_FRAME_PDU:
		return "pdu";
	case AT_FRAME_PROMPT:
		return "prompt";
	case AT_FRAME_OVERLONG:
		return "overlong";
	}
	return "unknown";
}

/* Headers followed by a PDU line in PDU mode (TS 27.005 3.4.1 +CMT, 3.4.1 +CDS, 4.1 +CMGL,
 * 4.2 +CMGR). +CMTI and +CDSI carry only an index and are not in this list. */
static const char *const pdu_headers[] = {"+CMT:", "+CDS:", "+CMGL:", "+CMGR:"};

void at_framer_init(struct at_framer *f, at_frame_cb cb, void *user_data)
{
	memset(f, 0, sizeof(*f));
	f->cb = cb;
	f->user_data = user_data;
}

void at_framer_reset(struct at_framer *f)
{
	f->len = 0;
	f->overflow = false;
	f->pdu_next = false;
}

static bool announces_pdu(const char *line)
{
	for (size_t i = 0; i < sizeof(pdu_headers) / sizeof(pdu_headers[0]); i++)
		if (strncmp(line, pdu_headers[i], strlen(pdu_headers[i])) == 0)
			return true;
	return false;
}

static bool is_hex(const char *s, size_t len)
{
	if (len == 0 || len % 2 != 0)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f')))
			return false;
	}
	return true;
}

/* A PDU line: hex digits, which some modems quote ("0791..." or 0791..."). When it is one,
 * the quotes are dropped from the buffer. */
static bool is_hex_line(char *s, size_t *len_io)
{
	size_t from = s[0] == '"', to = *len_io;

	if (to > from && s[to - 1] == '"')
		to--;
	if (!is_hex(s + from, to - from))
		return false;
	memmove(s, s + from, to - from);
	*len_io = to - from;
	s[*len_io] = '\0';
	return true;
}

static void emit(struct at_framer *f, enum at_frame_kind kind)
{
	struct at_frame frame = {kind, f->buf, f->len};
	f->buf[f->len] = '\0';
	f->cb(f->user_data, &frame);
}

static void end_line(struct at_framer *f)
{
	if (f->overflow) {
		f->overflow = false;
		f->pdu_next = false;
		f->len = 0;
		return;
	}
	if (f->len == 0)
		return;
	f->buf[f->len] = '\0';
	if (f->pdu_next && is_hex_line(f->buf, &f->len)) {
		f->pdu_next = false;
		emit(f, AT_FRAME_PDU);
	} else {
		f->pdu_next = announces_pdu(f->buf);
		emit(f, AT_FRAME_LINE);
	}
	f->len = 0;
}

static void add_byte(struct at_framer *f, char c)
{
	if (f->overflow)
		return;
	if (f->len == AT_FRAMER_LINE_MAX) {
		emit(f, AT_FRAME_OVERLONG);
		f->overflow = true;
		f->len = 0;
		return;
	}
	f->buf[f->len++] = c;
	if (f->len == 2 && f->buf[0] == '>' && f->buf[1] == ' ') {
		f->pdu_next = false;
		emit(f, AT_FRAME_PROMPT);
		f->len = 0;
	}
}

void at_framer_feed(struct at_framer *f, const void *data, size_t len)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = p[i];
		if (c == '\r' || c == '\n')
			end_line(f);
		else if (c >= 0x20 && c != 0x7f)
			add_byte(f, (char)c);
	}
}

bool at_framer_pending(const struct at_framer *f)
{
	return f->len > 0 || f->overflow;
}

void at_framer_flush(struct at_framer *f)
{
	end_line(f);
}

bool at_framer_expects_pdu(const struct at_framer *f)
{
	return f->pdu_next;
}
