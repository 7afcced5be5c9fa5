import CRailyardSeccomp
import Foundation

/// The seccomp filter every build and app instance runs under, in the spirit of Docker's default
/// profile: everything is allowed except the calls in `deniedCalls`, which fail with an error
/// (EPERM, or ENOSYS for clone3) rather than killing the process, so programs that probe for a
/// feature fall back. No new namespaces (above all no user namespace, which would hand the
/// sandbox every capability inside it and with them the kernel's mount and network code), no
/// mounts, keyrings, BPF, perf events, kernel modules, kexec, clock changes, io_uring, ptrace,
/// file handles or address-space-weakening personalities.
///
/// The filter is built with libseccomp (Debian's libseccomp-dev) for the native architecture
/// only; a system call made through another ABI (i386's `int 0x80`, x32) kills the process, so
/// no call can slip past a rule by using another ABI's numbers.
///
/// bubblewrap loads it: `bubblewrapArguments()` on its command line, and the program
/// (`programDescriptor()`) as the child's descriptor 3 (`ChildProcess.spawn(passing:)`).
/// bubblewrap sets no_new_privs and installs the filter last, just before it executes the
/// command, after its own namespace and mount setup; `setpriv`, which runs after it as root,
/// needs setresuid, setresgid, setgroups, capset and prctl, none of which is denied.
public enum SeccompFilter {
    /// Which descriptor the program is in, in bubblewrap's process.
    public static let descriptorInSandbox: Int32 = 3

    /// bubblewrap's options to load the program from `descriptor`, which it reads and closes
    /// before starting the command. bubblewrap 0.8.0 has both `--seccomp FD` (one program) and
    /// `--add-seccomp-fd FD` (repeatable); the latter composes with any other filter.
    public static func bubblewrapArguments(descriptor: Int32 = descriptorInSandbox) -> [String] {
        ["--add-seccomp-fd", String(descriptor)]
    }

    /// The default filter as a classic BPF program (`struct sock_filter` records, 8 bytes
    /// each), built once.
    public static func defaultProgram() throws(SeccompError) -> [UInt8] {
        try cachedProgram.get()
    }

    private static let cachedProgram: Result<[UInt8], SeccompError> = {
        do throws(SeccompError) {
            return .success(try export(deniedCalls, pseudoCode: false))
        } catch {
            return .failure(error)
        }
    }()

    /// A new descriptor holding `defaultProgram()` from offset 0: a sealed, close-on-exec
    /// memfd, one per bubblewrap started (bubblewrap reads it to the end, and descriptors share
    /// their offset). The caller hands it to the child and closes it after the spawn.
    public static func programDescriptor() throws(SeccompError) -> Int32 {
        let program = try defaultProgram()
        let fd = railyard_memfd("railyard-seccomp")
        guard fd >= 0 else { throw SeccompError("cannot create a memfd for the seccomp filter: \(String(cString: strerror(errno)))") }
        let written = program.withUnsafeBytes { bytes -> Bool in
            var offset = 0
            while offset < bytes.count {
                let count = write(fd, bytes.baseAddress.map { $0 + offset }, bytes.count - offset)
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { return false }
                offset += count
            }
            return true
        }
        guard written, railyard_memfd_seal(fd) == 0, lseek(fd, 0, SEEK_SET) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw SeccompError("cannot write the seccomp filter: \(reason)")
        }
        return fd
    }

    /// libseccomp's readable rendering of the filter, for debugging.
    public static func pseudoCode() throws(SeccompError) -> String {
        String(decoding: try export(deniedCalls, pseudoCode: true), as: UTF8.self)
    }

    /// The native number of a system call, or nil when this architecture has no such call.
    public static func syscallNumber(_ name: String) -> Int32? {
        let number = railyard_seccomp_resolve(name)
        if number >= 0 { return number }
        #if arch(x86_64) || arch(arm64)
        // Calls newer than Debian's libseccomp (2.5.4); numbers from 424 on are the same on
        // these architectures.
        return ["open_tree_attr": 467][name]
        #else
        return nil
        #endif
    }

    static func export(_ calls: [DeniedCall], pseudoCode: Bool) throws(SeccompError) -> [UInt8] {
        guard railyard_seccomp_available() != 0 else {
            throw SeccompError("libseccomp.so.2 cannot be loaded: apt-get install libseccomp2")
        }
        guard let filter = railyard_seccomp_new() else { throw SeccompError("libseccomp cannot create a filter") }
        defer { railyard_seccomp_release(filter) }
        for call in calls {
            // "where present": stime, umount and others exist only on some architectures.
            guard let number = syscallNumber(call.name) else { continue }
            switch call.when {
            case .always:
                try check(railyard_seccomp_deny(filter, number, call.error), "deny \(call.name)")
            case .anyOf(let matches, _):
                for match in matches {
                    try check(
                        railyard_seccomp_deny_masked(filter, number, call.error, match.argument, match.mask, match.value),
                        "deny \(call.name) when argument \(match.argument) & \(match.mask) == \(match.value)")
                }
            }
        }
        let fd = railyard_memfd("railyard-seccomp-export")
        guard fd >= 0 else { throw SeccompError("cannot create a memfd: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        try check(pseudoCode ? railyard_seccomp_export_pfc(filter, fd) : railyard_seccomp_export_bpf(filter, fd), "export the filter")
        guard lseek(fd, 0, SEEK_SET) == 0 else { throw SeccompError("cannot read back the exported filter") }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw SeccompError("cannot read back the exported filter: \(String(cString: strerror(errno)))") }
            if count == 0 { break }
            bytes += chunk[..<count]
        }
        guard !bytes.isEmpty, pseudoCode || bytes.count % 8 == 0 else {
            throw SeccompError("libseccomp exported a malformed program (\(bytes.count) bytes)")
        }
        return bytes
    }

    private static func check(_ result: Int32, _ what: String) throws(SeccompError) {
        guard result == 0 else { throw SeccompError("libseccomp cannot \(what): \(String(cString: strerror(-result)))") }
    }
}

public struct SeccompError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
