/* A whole SMS into commands: the lines and ';' lists, the PIN of the message (unit side), the
 * command word of each command with its aliases and glued forms ("1234STATUS", "ACK12",
 * "STATUS?"), and where reading stops (signatures, quoted text, too many commands). The
 * arguments are phone_verbs.c's; one relayed command is read by phone_parse_unit_cmd(). */
#include "phone_internal.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <strings.h>

/* The start of a command: an optional PIN, the command word, maybe an argument glued to it. */
struct head {
	bool has_pin;
	struct phone_tok pin;
	bool has_verb;
	bool first_only;
	enum phone_verb verb;
	struct phone_tok word; /* the command word as typed (or the first word, unknown) */
	bool has_glued;
	struct phone_tok glued; /* "12" of "ACK12", "ALL" of "ACKALL" */
	size_t args_at;         /* index of the first argument word */
};

/* The command word without the punctuation people add: "Ack.", "STATUS?", "ok!". A word of
 * question marks only is STATUS. */
static bool verb_word(struct phone_tok w, struct head *h)
{
	bool questions = w.len > 0;
	for (size_t i = 0; i < w.len; i++)
		questions = questions && w.s[i] == '?';
	if (questions) {
		h->verb = PHONE_VERB_STATUS;
		h->first_only = false;
		return true;
	}
	while (w.len > 1 && strchr(".!?", w.s[w.len - 1]))
		w.len--;
	if (phone_verb_lookup(&w, &h->verb, &h->first_only) == 0)
		return true;
	/* ACK12, ACK#12, ACKALL: the alarm number glued to the word. */
	struct phone_tok rest = {w.s + 3, w.len > 3 ? w.len - 3 : 0};
	if (w.len > 3 && strncasecmp(w.s, "ACK", 3) == 0 &&
	    (phone_tok_numberish(&rest) || phone_tok_is(&rest, "ALL"))) {
		h->verb = PHONE_VERB_ACK;
		h->first_only = false;
		h->has_glued = true;
		h->glued = rest;
		return true;
	}
	return false;
}

static void read_head(const struct phone_tok *t, size_t n, struct head *h)
{
	memset(h, 0, sizeof(*h));
	if (n == 0)
		return;
	size_t i = 0;
	if (phone_tok_digits(&t[0])) {
		h->has_pin = true;
		h->pin = t[0];
		i = 1;
	}
	if (i >= n)
		return;
	h->word = t[i];
	h->args_at = i + 1;
	if (verb_word(t[i], h)) {
		h->has_verb = true;
		return;
	}
	/* "1234STATUS": a PIN glued to its command, as King Pigeon boxes take it. */
	size_t d = 0;
	while (d < t[i].len && isdigit((unsigned char)t[i].s[d]))
		d++;
	if (i == 0 && d > 0 && d < t[i].len && verb_word((struct phone_tok){t[i].s + d, t[i].len - d}, h)) {
		h->has_pin = true;
		h->pin = (struct phone_tok){t[i].s, d};
		h->word = (struct phone_tok){t[i].s + d, t[i].len - d};
		h->has_verb = true;
	}
}

struct parser {
	enum phone_side side;
	struct phone_msg *msg;
	bool first; /* the next command is the message's first */
	bool relayed;
};

static bool tok_equals(const struct phone_tok *t, const char *s)
{
	return strlen(s) == t->len && memcmp(s, t->s, t->len) == 0;
}

/* The PIN before a command on the unit side. Returns false when the command is refused. */
static bool unit_pin(struct parser *ps, const struct head *h, struct phone_item *item)
{
	struct phone_msg *m = ps->msg;
	if (ps->relayed) {
		phone_refuse(item, PHONE_ERR_PIN_PLACE, "a relayed command carries no PIN");
		return false;
	}
	if (ps->first) {
		m->has_pin = true;
		if (h->pin.len >= PHONE_PIN_MIN_DIGITS && h->pin.len <= PHONE_PIN_MAX_DIGITS) {
			memcpy(m->pin, h->pin.s, h->pin.len);
			m->pin[h->pin.len] = '\0';
		} else {
			m->pin_err = PHONE_ERR_PIN_FORMAT;
		}
		return true;
	}
	if (!m->has_pin) {
		phone_refuse(item, PHONE_ERR_PIN_PLACE, "put the PIN at the start of the message");
		return false;
	}
	if (m->pin_err != PHONE_ERR_NONE || !tok_equals(&h->pin, m->pin)) {
		phone_refuse(item, PHONE_ERR_PIN_MISMATCH, "a second, different PIN; one PIN per message");
		return false;
	}
	return true;
}

/* A PIN sent to the base: refused, with a hint when it was an alarm number alone. */
static void base_pin(const struct head *h, size_t n_words, struct phone_item *item)
{
	char w[16];
	if (n_words == 1 && h->pin.len <= 10) {
		phone_echo(PHONE_SIDE_BASE, &h->pin, w, sizeof(w));
		phone_refuse(item, PHONE_ERR_UNKNOWN, "to acknowledge alarm %s, send ACK %s", w, w);
		return;
	}
	phone_refuse(item, PHONE_ERR_NO_PIN_HERE, "the base needs no PIN; send the command alone");
}

/* The command word and what it says about the side; returns false when refused. */
static bool check_verb(struct parser *ps, const struct head *h, struct phone_item *item)
{
	char w[16];
	if (!h->has_verb) {
		if (h->word.len == 0) {
			phone_refuse(item, PHONE_ERR_MISSING, "send a command after the PIN, e.g. STATUS");
			return false;
		}
		phone_echo(ps->side, &h->word, w, sizeof(w));
		phone_refuse(item, PHONE_ERR_UNKNOWN, "unknown command %s; send HELP", w);
		return false;
	}
	if (h->first_only && !ps->first) {
		phone_echo(ps->side, &h->word, w, sizeof(w));
		phone_refuse(item, PHONE_ERR_UNKNOWN, "unknown command %s; send ACK", w);
		return false;
	}
	item->has_verb = true;
	item->cmd.verb = h->verb;
	if (phone_verb_on(ps->side, h->verb))
		return true;
	if (ps->side == PHONE_SIDE_UNIT)
		phone_refuse(item, PHONE_ERR_ELSEWHERE, "%s goes to the base, not to a unit",
			     phone_verb_str(h->verb));
	else
		phone_refuse(item, PHONE_ERR_ELSEWHERE, "%s goes to a unit, not to the base",
			     phone_verb_str(h->verb));
	return false;
}

/* "PIN OLD NEW" as the first command of a message without a leading PIN: its old PIN is
 * the message's, checked once like any other. */
static void lift_pin(struct parser *ps, const struct phone_args *a)
{
	struct phone_msg *m = ps->msg;
	if (ps->relayed || !ps->first || m->has_pin || a->n_words != 2)
		return;
	m->has_pin = true;
	const struct phone_tok *t = &a->t[0];
	if (phone_tok_digits(t) && t->len >= PHONE_PIN_MIN_DIGITS && t->len <= PHONE_PIN_MAX_DIGITS) {
		memcpy(m->pin, t->s, t->len);
		m->pin[t->len] = '\0';
	} else {
		m->pin_err = PHONE_ERR_PIN_FORMAT;
	}
}

static void parse_command(struct parser *ps, const char *buf, struct phone_item *item)
{
	struct phone_tok toks[PHONE_TOKS_MAX + 1];
	struct head h;
	size_t words = phone_split(buf, toks);
	size_t n = words < PHONE_TOKS_MAX ? words : PHONE_TOKS_MAX;
	read_head(toks, n, &h);
	if (h.has_pin && ps->side == PHONE_SIDE_UNIT && !unit_pin(ps, &h, item))
		return;
	if (h.has_pin && ps->side == PHONE_SIDE_BASE) {
		base_pin(&h, words, item);
		return;
	}
	if (!check_verb(ps, &h, item))
		return;
	struct phone_args a = {.side = ps->side, .msg = ps->relayed ? NULL : ps->msg};
	if (h.has_glued) {
		/* The glued argument goes first; toks has room for one more word. */
		memmove(&toks[h.args_at + 1], &toks[h.args_at], (n - h.args_at) * sizeof(toks[0]));
		toks[h.args_at] = h.glued;
		n++;
		words++;
	}
	a.t = &toks[h.args_at];
	a.n = n - h.args_at;
	a.n_words = words - h.args_at;
	if (h.verb == PHONE_VERB_PIN)
		lift_pin(ps, &a);
	phone_parse_args(&a, item);
}

/* Whether a later line starts with a command; a line that does not ends the reading. */
static bool line_is_command(const char *buf)
{
	struct phone_tok toks[PHONE_TOKS_MAX];
	struct head h;
	size_t words = phone_split(buf, toks);
	read_head(toks, words < PHONE_TOKS_MAX ? words : PHONE_TOKS_MAX, &h);
	return h.has_verb && !h.first_only;
}

static struct phone_item *next_item(struct phone_msg *m)
{
	struct phone_item *item = &m->item[m->n++];
	memset(item, 0, sizeof(*item));
	return item;
}

int phone_parse(enum phone_side side, const char *text, size_t len, struct phone_msg *out)
{
	char buf[PHONE_CMD_TEXT_MAX + 1];
	struct phone_lexer lx;
	bool line_start, overlong;
	enum phone_lex k;
	if (!out || (!text && len > 0))
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	struct parser ps = {.side = side, .msg = out, .first = true};
	phone_lex_init(&lx, text, len);
	while ((k = phone_lex_next(&lx, buf, sizeof(buf), &line_start, &overlong)) == PHONE_LEX_CMD) {
		phone_trim(buf);
		if (buf[0] == '\0' && !overlong)
			continue;
		if (line_start && !ps.first && (overlong || !line_is_command(buf))) {
			out->rest_ignored = true;
			break;
		}
		if (out->n == PHONE_CMDS_MAX) {
			phone_refuse(next_item(out), PHONE_ERR_TOO_MANY,
				     "more than %d commands; the rest was not read", PHONE_CMDS_MAX);
			out->rest_ignored = true;
			break;
		}
		struct phone_item *item = next_item(out);
		if (overlong)
			phone_refuse(item, PHONE_ERR_TOO_LONG, "command too long; at most %d characters",
				     PHONE_CMD_TEXT_MAX);
		else
			parse_command(&ps, buf, item);
		ps.first = false;
	}
	if (k == PHONE_LEX_SIGNATURE)
		out->rest_ignored = true;
	if (out->n == 0)
		phone_refuse(next_item(out), PHONE_ERR_EMPTY, "no command found; send HELP");
	return 0;
}

int phone_parse_unit_cmd(const char *text, size_t len, struct phone_item *out)
{
	char buf[PHONE_CMD_TEXT_MAX + 1];
	struct phone_lexer lx;
	bool line_start, overlong;
	if (!out || (!text && len > 0))
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	/* Machine text made by phone_cmd_format(): printable ASCII, one command. */
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c == ';' || c < 0x20 || c >= 0x7F) {
			phone_refuse(out, PHONE_ERR_EXTRA, "one command of printable ASCII, without ;");
			return -EINVAL;
		}
	}
	struct phone_msg unused;
	memset(&unused, 0, sizeof(unused));
	struct parser ps = {.side = PHONE_SIDE_UNIT, .msg = &unused, .first = true, .relayed = true};
	phone_lex_init(&lx, text, len);
	if (phone_lex_next(&lx, buf, sizeof(buf), &line_start, &overlong) != PHONE_LEX_CMD) {
		phone_refuse(out, PHONE_ERR_EMPTY, "no command found");
		return -EINVAL;
	}
	phone_trim(buf);
	if (overlong)
		phone_refuse(out, PHONE_ERR_TOO_LONG, "command too long; at most %d characters",
			     PHONE_CMD_TEXT_MAX);
	else if (buf[0] == '\0')
		phone_refuse(out, PHONE_ERR_EMPTY, "no command found");
	else
		parse_command(&ps, buf, out);
	return out->err == PHONE_ERR_NONE ? 0 : -EINVAL;
}
