/* Shared inside m2phone only: the lexer's normalised text, tokens, and the helpers the verb
 * parsers use. Not installed, not included from outside src/phone/. */
#ifndef M2_PHONE_INTERNAL_H
#define M2_PHONE_INTERNAL_H

#include "phone_cmd.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* The lexer turns every code point into one ASCII byte: these two stand for a degree sign
 * (accepted after a temperature) and for anything else that no command contains (control
 * characters, NUL, invalid UTF-8, letters outside ASCII, emoji). */
#define PHONE_CH_DEG  '\x1d'
#define PHONE_CH_JUNK '\x1a'

struct phone_lexer {
	const unsigned char *p, *end;
	bool line_start; /* the next command begins a line */
};

enum phone_lex {
	PHONE_LEX_END,       /* nothing more */
	PHONE_LEX_CMD,       /* a command (possibly empty: ";;") */
	PHONE_LEX_SIGNATURE, /* a line starting with "--" or "__": stop reading */
};

void phone_lex_init(struct phone_lexer *lx, const char *text, size_t len);

/* The next command: normalised (one byte per code point, spaces, ':' and '=' as one space,
 * no leading space) into `buf` of `cap` bytes, NUL-terminated. `*overlong` is set when it
 * did not fit (the rest up to the next ';' or line break is skipped). `*line_start` says
 * whether it began a line. Quote lines and blank lines are skipped. */
enum phone_lex phone_lex_next(struct phone_lexer *lx, char *buf, size_t cap, bool *line_start,
			      bool *overlong);

/* Removes punctuation around a command in place: leading punctuation except '?', trailing
 * punctuation, and a '?' glued to the last word ("STATUS?"), but keeps a lone "?". */
void phone_trim(char *buf);

struct phone_tok {
	const char *s;
	size_t len;
};

#define PHONE_TOKS_MAX 16

/* Splits at spaces into at most PHONE_TOKS_MAX tokens (a trailing ',' is not part of a word);
 * returns how many words there were, which may be more than were stored. */
size_t phone_split(const char *buf, struct phone_tok *toks);

/* Case-insensitive equality of a token with an upper-case word. */
bool phone_tok_is(const struct phone_tok *t, const char *word);

/* True for a token of digits only. */
bool phone_tok_digits(const struct phone_tok *t);

/* True when the token starts like a number: a digit, or '#' then a digit. */
bool phone_tok_numberish(const struct phone_tok *t);

/* Copies a token as a name into `out` (size `cap`) when it is 1..cap-1 characters of
 * [A-Za-z0-9_] (and '-' when `dash`); returns 0 or -EINVAL. */
int phone_tok_name(const struct phone_tok *t, bool dash, char *out, size_t cap);

/* Writes a token for a reason: printable and safe in a reply and a log line (others become
 * '?'), at most 12 characters then "..", and on the unit side any run of 4 or more digits as
 * '*' so that a PIN typed in the wrong place never reaches a reply or a log. */
void phone_echo(enum phone_side side, const struct phone_tok *t, char *out, size_t cap);

/* Refuses `item` with `err` and a reason (printf format, at most PHONE_REASON_MAX - 1). */
void phone_refuse(struct phone_item *item, enum phone_err err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Setting and duration words, for the verbs and the reserved-name check. */
int phone_setting_lookup(const struct phone_tok *t, enum phone_setting *out);
bool phone_word_reserved(const struct phone_tok *t);

/* The verb word table: returns 0 with the verb, or -ENOENT. `first_only` is set for the
 * words that count only as the first command of a message (OK, OKAY). */
int phone_verb_lookup(const struct phone_tok *t, enum phone_verb *out, bool *first_only);

/* The arguments of one command, after its verb, as the verb parsers see them. */
struct phone_args {
	enum phone_side side;
	const struct phone_tok *t;
	size_t n;                    /* tokens stored in t */
	size_t n_words;              /* words there were (more than n when PHONE_TOKS_MAX overflowed) */
	const struct phone_msg *msg; /* the message so far (its PIN), or NULL */
};

/* Fills item->cmd for the verb in item->cmd.verb from `a`, or refuses `item`. */
void phone_parse_args(const struct phone_args *a, struct phone_item *item);

#endif
