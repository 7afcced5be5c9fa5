import Foundation

/// One system call the default seccomp filter refuses, and why. The list
/// (`SeccompFilter.deniedCalls`) builds the filter and is what docs and tests read.
public struct DeniedCall: Sendable, Equatable {
    /// A comparison on one argument: it matches when `argument & mask == value`.
    public struct ArgumentMatch: Sendable, Equatable {
        public var argument: UInt32
        public var mask: UInt64
        public var value: UInt64
    }

    public enum When: Sendable, Equatable {
        case always
        /// When any of the comparisons matches; `description` says what that means.
        case anyOf([ArgumentMatch], description: String)
    }

    /// The call's name in the kernel's table (libseccomp's name).
    public var name: String
    /// What the call fails with: EPERM, or ENOSYS where the C library falls back to another call.
    public var error: Int32
    public var when: When
    public var reason: String
}

extension SeccompFilter {
    /// Namespace flags of clone(2) and unshare(2) (linux/sched.h).
    public static let namespaceFlags: [(name: String, flag: UInt64)] = [
        ("CLONE_NEWNS", 0x0002_0000), ("CLONE_NEWCGROUP", 0x0200_0000), ("CLONE_NEWUTS", 0x0400_0000),
        ("CLONE_NEWIPC", 0x0800_0000), ("CLONE_NEWUSER", 0x1000_0000), ("CLONE_NEWPID", 0x2000_0000),
        ("CLONE_NEWNET", 0x4000_0000),
    ]
    /// unshare(2) only: for clone(2) this bit is part of the exit signal.
    static let cloneNewTime: UInt64 = 0x80

    /// personality(2) values that are refused: any flag from ADDR_NO_RANDOMIZE (0x0040000) up,
    /// which switch off address randomisation, make reads imply execute, map page zero or
    /// shrink the address space; UNAME26 (0x0020000) and the execution domains PER_LINUX (0)
    /// and PER_LINUX32 (8) stay allowed, as in Docker's profile. A value with bit 31 set is
    /// refused unless it is 0xffffffff, which only asks for the current personality.
    /// The kernel reads the argument as 32 bits; the masks look at those bits only.
    static let unsafePersonalities: [DeniedCall.ArgumentMatch] = {
        var matches: [DeniedCall.ArgumentMatch] = (18...30).map { bit in
            DeniedCall.ArgumentMatch(argument: 0, mask: 1 << bit | 0x8000_0000, value: 1 << bit)
        }
        matches += (0...30).map { bit in
            DeniedCall.ArgumentMatch(argument: 0, mask: 1 << bit | 0x8000_0000, value: 0x8000_0000)
        }
        return matches
    }()

    /// Every call the default filter refuses. Default action: allow.
    public static let deniedCalls: [DeniedCall] = {
        func always(_ names: [String], _ reason: String, error: Int32 = EPERM) -> [DeniedCall] {
            names.map { DeniedCall(name: $0, error: error, when: .always, reason: reason) }
        }
        let namespaceMatches = namespaceFlags.map { DeniedCall.ArgumentMatch(argument: 0, mask: $0.flag, value: $0.flag) }
        let flagNames = namespaceFlags.map(\.name).joined(separator: ", ")
        var calls: [DeniedCall] = [
            DeniedCall(
                name: "unshare", error: EPERM,
                when: .anyOf(
                    namespaceMatches + [DeniedCall.ArgumentMatch(argument: 0, mask: cloneNewTime, value: cloneNewTime)],
                    description: "with any of \(flagNames), CLONE_NEWTIME"),
                reason: "no new namespaces: a user namespace grants every capability inside it"),
            DeniedCall(
                name: "clone", error: EPERM,
                when: .anyOf(namespaceMatches, description: "with any of \(flagNames)"),
                reason: "no new namespaces (threads and fork are unaffected)"),
            DeniedCall(
                name: "clone3", error: ENOSYS, when: .always,
                reason: "its flags are behind a pointer a filter cannot read; ENOSYS makes the C library fall back to clone"),
            DeniedCall(
                name: "personality", error: EPERM,
                when: .anyOf(unsafePersonalities, description: "with ADDR_NO_RANDOMIZE, READ_IMPLIES_EXEC or another flag from 0x0040000 up"),
                reason: "no switching off address randomisation or making data executable"),
        ]
        calls += always(["setns"], "no joining other namespaces")
        calls += always(
            ["mount", "umount", "umount2", "pivot_root", "move_mount", "open_tree", "open_tree_attr", "fsopen", "fsmount",
             "fsconfig", "fspick", "mount_setattr"],
            "no mounts: the sandbox's file system is set up before the filter is loaded")
        calls += always(["keyctl", "add_key", "request_key"], "kernel keyrings are not namespaced")
        calls += always(["bpf"], "BPF programs: large kernel attack surface")
        calls += always(["perf_event_open"], "performance events observe the host and are a large attack surface")
        calls += always(["userfaultfd"], "a classic tool for winning kernel races")
        calls += always(
            ["io_uring_setup", "io_uring_enter", "io_uring_register"],
            "io_uring: large kernel attack surface; runtimes fall back to ordinary calls")
        calls += always(
            ["ptrace"],
            "no debugging other processes: nothing a build or an app needs, and ptrace has been a source of kernel privilege escalations")
        calls += always(
            ["init_module", "finit_module", "delete_module", "kexec_load", "kexec_file_load"],
            "no kernel modules or kernels")
        calls += always(
            ["clock_settime", "clock_adjtime", "settimeofday", "adjtimex", "stime"],
            "the clock is the host's")
        calls += always(
            ["reboot", "swapon", "swapoff", "acct", "quotactl", "quotactl_fd", "lookup_dcookie", "syslog", "vhangup",
             "nfsservctl", "uselib", "sethostname", "setdomainname", "iopl", "ioperm"],
            "host administration")
        calls += always(
            ["name_to_handle_at", "open_by_handle_at"],
            "file handles open files by inode, around the sandbox's mounts")
        return calls
    }()
}

extension SeccompFilter {
    /// `deniedCalls` as a Markdown table (call, when, error, why), for docs/SECURITY.md.
    public static var markdownTable: String {
        var lines = ["| call | when | fails with | why |", "|---|---|---|---|"]
        for call in deniedCalls {
            let when: String
            switch call.when {
            case .always: when = "always"
            case .anyOf(_, let description): when = description
            }
            let error = call.error == ENOSYS ? "ENOSYS" : call.error == EPERM ? "EPERM" : "errno \(call.error)"
            lines.append("| `\(call.name)` | \(when) | \(error) | \(call.reason) |")
        }
        return lines.joined(separator: "\n")
    }
}
