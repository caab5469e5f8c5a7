/* A growable text buffer for the pages, JSON and SVG the display writes: printf, and text
 * escaped for XML. A failed allocation is remembered, so writers check once at the end. */
#ifndef M2_WEB_BUF_H
#define M2_WEB_BUF_H

#include <stdbool.h>
#include <stddef.h>

struct web_buf {
	char *data; /* NUL-terminated when len > 0; owned */
	size_t len, cap;
	bool failed; /* an allocation failed: the content is cut */
};

/* Appends formatted text. */
void web_buf_printf(struct web_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void web_buf_put(struct web_buf *b, const char *s, size_t len);
void web_buf_puts(struct web_buf *b, const char *s);
/* Appends `s` with & < > " ' as XML entities and every byte that XML 1.0 forbids (C0 controls
 * but tab, CR and LF; invalid UTF-8) as '?': safe in text and in attribute values. */
void web_buf_xml(struct web_buf *b, const char *s);
/* Appends `s` with every byte that is not valid UTF-8 as '?'. */
void web_buf_utf8(struct web_buf *b, const char *s);
/* Hands the content to the caller (free() it; NULL when empty or failed) and empties `b`. */
char *web_buf_take(struct web_buf *b, size_t *len);
void web_buf_free(struct web_buf *b);

#endif
