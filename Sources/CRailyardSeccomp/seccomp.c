#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <seccomp.h>
#include <sys/mman.h>
#include "CRailyardSeccomp.h"

void *railyard_seccomp_new(void) {
    scmp_filter_ctx filter = seccomp_init(SCMP_ACT_ALLOW);
    if (filter == NULL) return NULL;
    // seccomp_init adds only the native architecture; calls through any other ABI the kernel
    // accepts (int 0x80 on x86_64, the x32 numbers) match no rule and must not slip past them.
    if (seccomp_attr_set(filter, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS) != 0) {
        seccomp_release(filter);
        return NULL;
    }
    // bubblewrap sets no_new_privs itself before it loads the program; the attribute only
    // matters to seccomp_load, which is never called here.
    return filter;
}

void railyard_seccomp_release(void *filter) {
    seccomp_release((scmp_filter_ctx)filter);
}

int railyard_seccomp_resolve(const char *name) {
    return seccomp_syscall_resolve_name(name);
}

int railyard_seccomp_deny(void *filter, int number, int error) {
    return seccomp_rule_add_array((scmp_filter_ctx)filter, SCMP_ACT_ERRNO((unsigned int)error), number, 0, NULL);
}

int railyard_seccomp_deny_masked(void *filter, int number, int error, unsigned int argument,
                                 uint64_t mask, uint64_t value) {
    struct scmp_arg_cmp comparison = {
        .arg = argument, .op = SCMP_CMP_MASKED_EQ, .datum_a = mask, .datum_b = value,
    };
    return seccomp_rule_add_array((scmp_filter_ctx)filter, SCMP_ACT_ERRNO((unsigned int)error), number, 1, &comparison);
}

int railyard_seccomp_export_bpf(void *filter, int fd) {
    return seccomp_export_bpf((scmp_filter_ctx)filter, fd);
}

int railyard_seccomp_export_pfc(void *filter, int fd) {
    return seccomp_export_pfc((scmp_filter_ctx)filter, fd);
}

int railyard_memfd(const char *name) {
    return memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
}

int railyard_memfd_seal(int fd) {
    return fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL);
}
