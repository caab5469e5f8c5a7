/* The store tests' temporary folders, stores and captured log (store_fixture.h). */
#include "store_fixture.h"

#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void fx_setup(struct store_fx *fx, const char *name)
{
	memset(fx, 0, sizeof(*fx));
	const char *tmp = getenv("TMPDIR");
	snprintf(fx->dir, sizeof(fx->dir), "%s/m2store-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
	if (!mkdtemp(fx->dir))
		abort();
	snprintf(fx->path, sizeof(fx->path), "%s/%s", fx->dir, name ? name : "test.db");
	fx->saved_stderr = -1;
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void fx_teardown(struct store_fx *fx)
{
	chmod(fx->dir, 0700);
	nftw(fx->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

int fx_open_cfg(const struct store_open_cfg *cfg, struct store **out)
{
	return store_open(cfg, out);
}

int fx_open(struct store_fx *fx, enum store_kind kind, bool read_only, struct store **out)
{
	struct store_open_cfg cfg = {.path = fx->path, .kind = kind, .read_only = read_only};
	return store_open(&cfg, out);
}

void fx_capture_begin(struct store_fx *fx)
{
	fflush(stderr);
	snprintf(fx->log_path, sizeof(fx->log_path), "%s.stderr", fx->dir);
	int fd = open(fx->log_path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
	if (fd < 0)
		abort();
	fx->saved_stderr = dup(2);
	dup2(fd, 2);
	close(fd);
}

void fx_capture_end(struct store_fx *fx)
{
	fflush(stderr);
	dup2(fx->saved_stderr, 2);
	close(fx->saved_stderr);
	fx->saved_stderr = -1;
	FILE *f = fopen(fx->log_path, "r");
	size_t n = f ? fread(fx->log, 1, sizeof(fx->log) - 1, f) : 0;
	fx->log[n] = '\0';
	if (f)
		fclose(f);
	unlink(fx->log_path);
	fputs(fx->log, stderr); /* still shown with the test's output */
}

void fx_file(const struct store_fx *fx, const char *name, char *out, size_t n)
{
	snprintf(out, n, "%s/%s", fx->dir, name);
}
