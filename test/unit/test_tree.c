/* Scratch directory trees for tests (test_tree.h). */
#include "test_tree.h"

#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void die(const char *what, const char *path)
{
	fprintf(stderr, "test tree: %s %s failed\n", what, path);
	abort();
}

void tree_new(char *root)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(root, 256, "%s/m2mon-test-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(root))
		die("mkdtemp", root);
}

void tree_write(const char *root, const char *rel, const char *text, mode_t mode)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (char *p = path + strlen(root) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		if (mkdir(path, 0755) < 0 && access(path, F_OK) < 0)
			die("mkdir", path);
		*p = '/';
	}
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode ? mode : 0644);
	if (fd < 0)
		die("open", path);
	size_t len = strlen(text);
	if (write(fd, text, len) != (ssize_t)len)
		die("write", path);
	close(fd);
}

void tree_unlink(const char *root, const char *rel)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	if (unlink(path) < 0)
		die("unlink", path);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void tree_remove(const char *root)
{
	nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}
