/* The store's I/O seam for tests: a VFS over the default one that counts every write and
 * sync of the database's files and, on a countdown, fails one as a full or failing disk
 * would, or SIGKILLs the process in the middle of a transaction. Registered per handle (its
 * state is the caller's struct store_fault), never as the default VFS. */
#include "store_sqlite.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fault_vfs {
	sqlite3_vfs vfs; /* first: SQLite hands this pointer back */
	sqlite3_vfs *real;
	struct store_fault *fault;
	char name[48];
};

struct fault_file {
	sqlite3_file base; /* first: SQLite's view of the file */
	struct store_fault *fault;
	sqlite3_file *real; /* the default VFS's file, allocated right after this struct */
};

/* Counts one operation; returns the SQLite error to fail it with, or SQLITE_OK. */
static int fault_hit(struct store_fault *f, bool is_write)
{
	f->count++;
	if (f->action == STORE_FAULT_NONE || f->count <= f->after)
		return SQLITE_OK;
	switch (f->action) {
	case STORE_FAULT_NONE:
		return SQLITE_OK;
	case STORE_FAULT_FULL:
		return is_write ? SQLITE_FULL : SQLITE_OK;
	case STORE_FAULT_IOERR:
		return is_write ? SQLITE_IOERR_WRITE : SQLITE_IOERR_FSYNC;
	case STORE_FAULT_KILL:
		raise(SIGKILL);
		return SQLITE_IOERR;
	}
	return SQLITE_OK;
}

static struct fault_file *ff(sqlite3_file *f)
{
	return (struct fault_file *)f;
}

static int ff_close(sqlite3_file *f)
{
	return ff(f)->real->pMethods->xClose(ff(f)->real);
}

static int ff_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
	return ff(f)->real->pMethods->xRead(ff(f)->real, buf, n, off);
}

static int ff_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
	int rc = fault_hit(ff(f)->fault, true);
	return rc != SQLITE_OK ? rc : ff(f)->real->pMethods->xWrite(ff(f)->real, buf, n, off);
}

static int ff_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	return ff(f)->real->pMethods->xTruncate(ff(f)->real, size);
}

static int ff_sync(sqlite3_file *f, int flags)
{
	int rc = fault_hit(ff(f)->fault, false);
	return rc != SQLITE_OK ? rc : ff(f)->real->pMethods->xSync(ff(f)->real, flags);
}

static int ff_size(sqlite3_file *f, sqlite3_int64 *size)
{
	return ff(f)->real->pMethods->xFileSize(ff(f)->real, size);
}

static int ff_lock(sqlite3_file *f, int level)
{
	return ff(f)->real->pMethods->xLock(ff(f)->real, level);
}

static int ff_unlock(sqlite3_file *f, int level)
{
	return ff(f)->real->pMethods->xUnlock(ff(f)->real, level);
}

static int ff_check_lock(sqlite3_file *f, int *out)
{
	return ff(f)->real->pMethods->xCheckReservedLock(ff(f)->real, out);
}

static int ff_control(sqlite3_file *f, int op, void *arg)
{
	return ff(f)->real->pMethods->xFileControl(ff(f)->real, op, arg);
}

static int ff_sector(sqlite3_file *f)
{
	return ff(f)->real->pMethods->xSectorSize(ff(f)->real);
}

static int ff_caps(sqlite3_file *f)
{
	return ff(f)->real->pMethods->xDeviceCharacteristics(ff(f)->real);
}

static int ff_shm_map(sqlite3_file *f, int region, int size, int extend, void volatile **out)
{
	return ff(f)->real->pMethods->xShmMap(ff(f)->real, region, size, extend, out);
}

static int ff_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
	return ff(f)->real->pMethods->xShmLock(ff(f)->real, offset, n, flags);
}

static void ff_shm_barrier(sqlite3_file *f)
{
	ff(f)->real->pMethods->xShmBarrier(ff(f)->real);
}

static int ff_shm_unmap(sqlite3_file *f, int del)
{
	return ff(f)->real->pMethods->xShmUnmap(ff(f)->real, del);
}

/* Version 2: shared memory (WAL), without memory-mapped I/O, which would let writes bypass
 * the counted xWrite. */
static const sqlite3_io_methods ff_methods = {
	.iVersion = 2,
	.xClose = ff_close,
	.xRead = ff_read,
	.xWrite = ff_write,
	.xTruncate = ff_truncate,
	.xSync = ff_sync,
	.xFileSize = ff_size,
	.xLock = ff_lock,
	.xUnlock = ff_unlock,
	.xCheckReservedLock = ff_check_lock,
	.xFileControl = ff_control,
	.xSectorSize = ff_sector,
	.xDeviceCharacteristics = ff_caps,
	.xShmMap = ff_shm_map,
	.xShmLock = ff_shm_lock,
	.xShmBarrier = ff_shm_barrier,
	.xShmUnmap = ff_shm_unmap,
};

static int fv_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *file, int flags, int *out_flags)
{
	struct fault_vfs *fv = (struct fault_vfs *)vfs;
	struct fault_file *f = ff(file);
	f->fault = fv->fault;
	f->real = (sqlite3_file *)(f + 1);
	int rc = fv->real->xOpen(fv->real, name, f->real, flags, out_flags);
	f->base.pMethods = f->real->pMethods ? &ff_methods : NULL;
	return rc;
}

static int fv_delete(sqlite3_vfs *vfs, const char *name, int sync_dir)
{
	struct fault_vfs *fv = (struct fault_vfs *)vfs;
	return fv->real->xDelete(fv->real, name, sync_dir);
}

static int fv_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
	struct fault_vfs *fv = (struct fault_vfs *)vfs;
	return fv->real->xAccess(fv->real, name, flags, out);
}

static int fv_full_path(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
	struct fault_vfs *fv = (struct fault_vfs *)vfs;
	return fv->real->xFullPathname(fv->real, name, n, out);
}

static int fv_random(sqlite3_vfs *vfs, int n, char *out)
{
	struct fault_vfs *fv = (struct fault_vfs *)vfs;
	return fv->real->xRandomness(fv->real, n, out);
}

static int fv_sleep(sqlite3_vfs *vfs, int us)
{
	struct fault_vfs *fv = (struct fault_vfs *)vfs;
	return fv->real->xSleep(fv->real, us);
}

static int fv_time(sqlite3_vfs *vfs, double *out)
{
	struct fault_vfs *fv = (struct fault_vfs *)vfs;
	return fv->real->xCurrentTime(fv->real, out);
}

static int fv_last_error(sqlite3_vfs *vfs, int n, char *out)
{
	struct fault_vfs *fv = (struct fault_vfs *)vfs;
	return fv->real->xGetLastError ? fv->real->xGetLastError(fv->real, n, out) : 0;
}

static int fv_time64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
	struct fault_vfs *fv = (struct fault_vfs *)vfs;
	return fv->real->xCurrentTimeInt64(fv->real, out);
}

int store_sq_fault_vfs_new(struct store_fault *fault, sqlite3_vfs **out)
{
	sqlite3_vfs *real = sqlite3_vfs_find(NULL);
	struct fault_vfs *fv = calloc(1, sizeof(*fv));
	if (!real || !fv || real->iVersion < 2) {
		free(fv);
		return -ENOMEM;
	}
	snprintf(fv->name, sizeof(fv->name), "m2fault-%p", (void *)fv);
	fv->real = real;
	fv->fault = fault;
	fv->vfs = (sqlite3_vfs){
		.iVersion = 2,
		.szOsFile = (int)sizeof(struct fault_file) + real->szOsFile,
		.mxPathname = real->mxPathname,
		.zName = fv->name,
		.xOpen = fv_open,
		.xDelete = fv_delete,
		.xAccess = fv_access,
		.xFullPathname = fv_full_path,
		.xRandomness = fv_random,
		.xSleep = fv_sleep,
		.xCurrentTime = fv_time,
		.xGetLastError = fv_last_error,
		.xCurrentTimeInt64 = fv_time64,
	};
	if (sqlite3_vfs_register(&fv->vfs, 0) != SQLITE_OK) {
		free(fv);
		return -ENOMEM;
	}
	*out = &fv->vfs;
	return 0;
}

void store_sq_fault_vfs_free(sqlite3_vfs *vfs)
{
	sqlite3_vfs_unregister(vfs);
	free(vfs);
}
