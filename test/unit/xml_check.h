/* A strict little well-formedness check for the SVG the chart writes: one root element,
 * tags that nest and close, quoted attributes, no raw '<' or bare '&' in text, only the
 * five XML entities and numeric references, no control characters. Enough to catch an
 * escaping mistake; rsvg-convert (test/cli/view) reads the document for real. */
#ifndef M2_TEST_XML_CHECK_H
#define M2_TEST_XML_CHECK_H

#include <stddef.h>

/* Returns NULL when `doc` is well-formed, else a static description of the first problem
 * with its offset in `*at`. `root` receives the root element's name (n bytes). */
const char *xml_check(const char *doc, size_t *at, char *root, size_t n);

#endif
