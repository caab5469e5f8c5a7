/* The well-formedness check of xml_check.h: a hand-written scanner with a stack of open
 * element names. */
#include "xml_check.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define DEPTH_MAX 64
#define NAME_MAX_ 64

struct scan {
	const char *s;
	size_t i;
	char stack[DEPTH_MAX][NAME_MAX_];
	int depth;
	int roots;
};

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
	       c == '_' || c == ':' || c == '.';
}

static const char *read_name(struct scan *sc, char *out)
{
	size_t n = 0;
	while (name_char(sc->s[sc->i])) {
		if (n + 1 >= NAME_MAX_)
			return "name too long";
		out[n++] = sc->s[sc->i++];
	}
	out[n] = '\0';
	return n ? NULL : "expected a name";
}

/* An entity after '&': one of the five, or &#N; / &#xH;. */
static const char *entity(struct scan *sc)
{
	static const char *const names[] = {"amp;", "lt;", "gt;", "quot;", "apos;"};
	const char *p = sc->s + sc->i + 1;
	for (size_t k = 0; k < 5; k++)
		if (strncmp(p, names[k], strlen(names[k])) == 0) {
			sc->i += 1 + strlen(names[k]);
			return NULL;
		}
	if (*p == '#') {
		size_t j = 1;
		bool hex = p[1] == 'x';
		j += hex;
		size_t digits = 0;
		while ((p[j] >= '0' && p[j] <= '9') ||
		       (hex && ((p[j] >= 'a' && p[j] <= 'f') || (p[j] >= 'A' && p[j] <= 'F')))) {
			j++;
			digits++;
		}
		if (digits && p[j] == ';') {
			sc->i += 1 + j + 1;
			return NULL;
		}
	}
	return "a bare '&' (not an entity)";
}

static const char *text_char(struct scan *sc, char quote)
{
	unsigned char c = (unsigned char)sc->s[sc->i];
	if (c == '&')
		return entity(sc);
	if (c == '<')
		return "a raw '<' in text or in an attribute";
	if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
		return "a control character";
	(void)quote;
	sc->i++;
	return NULL;
}

static const char *attributes(struct scan *sc)
{
	for (;;) {
		while (sc->s[sc->i] == ' ' || sc->s[sc->i] == '\n' || sc->s[sc->i] == '\t')
			sc->i++;
		char c = sc->s[sc->i];
		if (c == '>' || c == '/' || c == '?')
			return NULL;
		char name[NAME_MAX_];
		const char *err = read_name(sc, name);
		if (err)
			return err;
		if (sc->s[sc->i++] != '=')
			return "an attribute without '='";
		char q = sc->s[sc->i++];
		if (q != '"' && q != '\'')
			return "an attribute value not in quotes";
		while (sc->s[sc->i] && sc->s[sc->i] != q)
			if ((err = text_char(sc, q)))
				return err;
		if (!sc->s[sc->i++])
			return "an unterminated attribute";
	}
}

static const char *tag(struct scan *sc)
{
	char name[NAME_MAX_];
	const char *err;
	sc->i++; /* '<' */
	if (sc->s[sc->i] == '?') {
		const char *end = strstr(sc->s + sc->i, "?>");
		if (!end || sc->i != 1)
			return "a processing instruction not at the start";
		sc->i = (size_t)(end - sc->s) + 2;
		return NULL;
	}
	if (sc->s[sc->i] == '/') {
		sc->i++;
		if ((err = read_name(sc, name)))
			return err;
		if (sc->depth == 0 || strcmp(sc->stack[sc->depth - 1], name) != 0)
			return "a closing tag that does not match the open one";
		sc->depth--;
		return sc->s[sc->i++] == '>' ? NULL : "a closing tag without '>'";
	}
	if ((err = read_name(sc, name)) || (err = attributes(sc)))
		return err;
	if (sc->depth == 0 && sc->roots++)
		return "a second root element";
	if (sc->s[sc->i] == '/') {
		sc->i++;
		return sc->s[sc->i++] == '>' ? NULL : "'/' without '>'";
	}
	if (sc->s[sc->i++] != '>')
		return "a tag without '>'";
	if (sc->depth == DEPTH_MAX)
		return "nested too deep";
	snprintf(sc->stack[sc->depth++], NAME_MAX_, "%s", name);
	return NULL;
}

const char *xml_check(const char *doc, size_t *at, char *root, size_t n)
{
	struct scan sc = {.s = doc};
	const char *err = NULL;
	root[0] = '\0';
	while (!err && doc[sc.i]) {
		if (doc[sc.i] == '<') {
			bool first = sc.roots == 0 && sc.depth == 0;
			err = tag(&sc);
			if (!err && first && sc.roots == 1)
				snprintf(root, n, "%s", sc.depth ? sc.stack[0] : "");
		} else if (sc.depth == 0 && doc[sc.i] != '\n' && doc[sc.i] != ' ') {
			err = "text outside the root element";
		} else {
			err = text_char(&sc, 0);
		}
	}
	if (!err && sc.depth)
		err = "an element left open at the end";
	if (!err && sc.roots != 1)
		err = "no root element";
	*at = sc.i;
	return err;
}
