// Linux calls that glibc declares only with _GNU_SOURCE, which Swift's Glibc module does not
// set: close-on-exec pipes (so no concurrently spawned child inherits a pipe end) and
// closing every inherited descriptor in a spawned child; and openat2, which glibc does not
// wrap, for resolving paths inside a user's tree without following links out of it.
#ifndef CRAILYARD_SYSTEM_H
#define CRAILYARD_SYSTEM_H

#include <spawn.h>

int railyard_pipe_cloexec(int fds[2]);
int railyard_spawn_file_actions_addclosefrom(posix_spawn_file_actions_t *actions, int from);
int railyard_spawn_file_actions_addchdir(posix_spawn_file_actions_t *actions, const char *path);

/// openat2(2): `resolve` takes RESOLVE_* flags (below). Returns a descriptor, or -1 with errno.
int railyard_openat2(int dirfd, const char *path, int flags, unsigned int mode, unsigned long long resolve);

/// renameat2(2) with RENAME_NOREPLACE.
int railyard_renameat_noreplace(int olddirfd, const char *oldpath, int newdirfd, const char *newpath);

/// malloc_trim(0): gives the free memory of every malloc arena back to the system (glibc keeps
/// it otherwise, per thread, long after a burst). Returns 1 when some was given back.
int railyard_malloc_trim(void);

/// O_PATH, which glibc declares only with _GNU_SOURCE.
#define RAILYARD_O_PATH 010000000

#define RAILYARD_RESOLVE_NO_XDEV 0x01
#define RAILYARD_RESOLVE_NO_MAGICLINKS 0x02
#define RAILYARD_RESOLVE_NO_SYMLINKS 0x04
#define RAILYARD_RESOLVE_BENEATH 0x08
#define RAILYARD_RESOLVE_IN_ROOT 0x10

#endif
