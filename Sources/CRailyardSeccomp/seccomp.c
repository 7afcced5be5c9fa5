#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include "CRailyardSeccomp.h"

// libseccomp is loaded when first needed (dlopen of libseccomp.so.2, which every Debian system
// has: apt depends on it), not linked: building Railyard then needs no -dev package, and the
// README's two commands stay the whole set-up. The declarations below are libseccomp 2's
// stable ABI, as its seccomp.h gives them.
typedef void *scmp_filter_ctx;
struct scmp_arg_cmp {
    unsigned int arg;
    int op;
    uint64_t datum_a;
    uint64_t datum_b;
};
#define SCMP_ACT_ALLOW 0x7fff0000U
#define SCMP_ACT_KILL_PROCESS 0x80000000U
#define SCMP_ACT_ERRNO(x) (0x00050000U | ((x) & 0x0000ffffU))
#define SCMP_FLTATR_ACT_BADARCH 2
#define SCMP_CMP_MASKED_EQ 7

static struct {
    int loaded;
    scmp_filter_ctx (*init)(uint32_t);
    int (*attr_set)(scmp_filter_ctx, int, uint32_t);
    void (*release)(scmp_filter_ctx);
    int (*resolve_name)(const char *);
    int (*rule_add_array)(scmp_filter_ctx, uint32_t, int, unsigned int, const struct scmp_arg_cmp *);
    int (*export_bpf)(scmp_filter_ctx, int);
    int (*export_pfc)(scmp_filter_ctx, int);
} lib;

// Called under the Swift side's lock (the program is built once).
static int load(void) {
    if (lib.loaded) return lib.loaded > 0;
    void *handle = dlopen("libseccomp.so.2", RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) {
        lib.loaded = -1;
        return 0;
    }
    lib.init = (scmp_filter_ctx (*)(uint32_t))dlsym(handle, "seccomp_init");
    lib.attr_set = (int (*)(scmp_filter_ctx, int, uint32_t))dlsym(handle, "seccomp_attr_set");
    lib.release = (void (*)(scmp_filter_ctx))dlsym(handle, "seccomp_release");
    lib.resolve_name = (int (*)(const char *))dlsym(handle, "seccomp_syscall_resolve_name");
    lib.rule_add_array = (int (*)(scmp_filter_ctx, uint32_t, int, unsigned int, const struct scmp_arg_cmp *))dlsym(handle, "seccomp_rule_add_array");
    lib.export_bpf = (int (*)(scmp_filter_ctx, int))dlsym(handle, "seccomp_export_bpf");
    lib.export_pfc = (int (*)(scmp_filter_ctx, int))dlsym(handle, "seccomp_export_pfc");
    int complete = lib.init && lib.attr_set && lib.release && lib.resolve_name && lib.rule_add_array && lib.export_bpf && lib.export_pfc;
    lib.loaded = complete ? 1 : -1;
    return complete;
}

int railyard_seccomp_available(void) {
    return load();
}

void *railyard_seccomp_new(void) {
    if (!load()) return NULL;
    scmp_filter_ctx filter = lib.init(SCMP_ACT_ALLOW);
    if (filter == NULL) return NULL;
    // seccomp_init adds only the native architecture; calls through any other ABI the kernel
    // accepts (int 0x80 on x86_64, the x32 numbers) match no rule and must not slip past them.
    if (lib.attr_set(filter, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS) != 0) {
        lib.release(filter);
        return NULL;
    }
    // bubblewrap sets no_new_privs itself before it loads the program; the attribute only
    // matters to seccomp_load, which is never called here.
    return filter;
}

void railyard_seccomp_release(void *filter) {
    if (filter != NULL && load()) lib.release((scmp_filter_ctx)filter);
}

int railyard_seccomp_resolve(const char *name) {
    if (!load()) return -1;
    return lib.resolve_name(name);
}

int railyard_seccomp_deny(void *filter, int number, int error) {
    return lib.rule_add_array((scmp_filter_ctx)filter, SCMP_ACT_ERRNO((unsigned int)error), number, 0, NULL);
}

int railyard_seccomp_deny_masked(void *filter, int number, int error, unsigned int argument,
                                 uint64_t mask, uint64_t value) {
    struct scmp_arg_cmp comparison = {
        .arg = argument, .op = SCMP_CMP_MASKED_EQ, .datum_a = mask, .datum_b = value,
    };
    return lib.rule_add_array((scmp_filter_ctx)filter, SCMP_ACT_ERRNO((unsigned int)error), number, 1, &comparison);
}

int railyard_seccomp_export_bpf(void *filter, int fd) {
    return lib.export_bpf((scmp_filter_ctx)filter, fd);
}

int railyard_seccomp_export_pfc(void *filter, int fd) {
    return lib.export_pfc((scmp_filter_ctx)filter, fd);
}

int railyard_memfd(const char *name) {
    return memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
}

int railyard_memfd_seal(int fd) {
    return fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL);
}
