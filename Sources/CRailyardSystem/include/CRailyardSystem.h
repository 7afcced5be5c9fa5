// Linux calls that glibc declares only with _GNU_SOURCE, which Swift's Glibc module does not
// set: close-on-exec pipes (so no concurrently spawned child inherits a pipe end) and
// closing every inherited descriptor in a spawned child.
#ifndef CRAILYARD_SYSTEM_H
#define CRAILYARD_SYSTEM_H

#include <spawn.h>

int railyard_pipe_cloexec(int fds[2]);
int railyard_spawn_file_actions_addclosefrom(posix_spawn_file_actions_t *actions, int from);
int railyard_spawn_file_actions_addchdir(posix_spawn_file_actions_t *actions, const char *path);

#endif
