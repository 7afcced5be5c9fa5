// A thin shim over libseccomp (Debian's libseccomp2, loaded at run time) for RailyardSandbox's seccomp filter:
// seccomp_rule_add is variadic and the action macros are function-like, so Swift cannot call
// libseccomp directly. The rules themselves live in Swift (SeccompFilter.deniedCalls); this
// file only builds a filter from them and exports it as a classic BPF program.
#ifndef CRAILYARD_SECCOMP_H
#define CRAILYARD_SECCOMP_H

#include <stdint.h>

/// 1 when libseccomp.so.2 could be loaded (it is loaded at run time, not linked), else 0.
int railyard_seccomp_available(void);

/// A filter for the native architecture only, whose default action is to allow, and which
/// kills the whole process for a system call made through another ABI (i386's int 0x80, x32).
/// NULL when libseccomp cannot be loaded or cannot allocate it.
void *railyard_seccomp_new(void);

void railyard_seccomp_release(void *filter);

/// The native architecture's number for a system call, or a negative number when libseccomp
/// does not know it there.
int railyard_seccomp_resolve(const char *name);

/// Makes system call `number` fail with `error` (errno). 0, or a negative errno.
int railyard_seccomp_deny(void *filter, int number, int error);

/// Makes system call `number` fail with `error` when (argument `argument` & `mask`) == `value`.
int railyard_seccomp_deny_masked(void *filter, int number, int error, unsigned int argument,
                                 uint64_t mask, uint64_t value);

/// Writes the filter as a classic BPF program (what bubblewrap's --add-seccomp-fd reads) to
/// `fd`. 0, or a negative errno.
int railyard_seccomp_export_bpf(void *filter, int fd);

/// Writes the filter in libseccomp's human-readable form (for debugging) to `fd`.
int railyard_seccomp_export_pfc(void *filter, int fd);

/// memfd_create(2) with MFD_CLOEXEC | MFD_ALLOW_SEALING; -1 with errno on failure.
int railyard_memfd(const char *name);

/// Seals a memfd against any change of its contents or size. 0, or -1 with errno.
int railyard_memfd_seal(int fd);

#endif
