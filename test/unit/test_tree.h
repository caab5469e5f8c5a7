/* Scratch directory trees for tests that read files laid out like sysfs: a fresh directory
 * under $TMPDIR (or /tmp), files written with their parent directories, removed at the end. */
#ifndef M2_TEST_TREE_H
#define M2_TEST_TREE_H

#include <sys/types.h>

/* Makes a new empty directory and writes its path into `root` (room for 256). Aborts the test
 * on failure. */
void tree_new(char *root);

/* Writes `text` to ROOT/REL, making the directories on the way; mode 0644, or 0755 when
 * `mode` says so (scripts). */
void tree_write(const char *root, const char *rel, const char *text, mode_t mode);

/* Removes ROOT/REL (a file). */
void tree_unlink(const char *root, const char *rel);

/* Removes the whole tree. */
void tree_remove(const char *root);

#endif
