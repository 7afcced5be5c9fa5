import Foundation
import Synchronization
import Testing
@testable import RailyardSandbox

/// The filter itself, without running it.
struct SeccompFilterTests {
    @Test func bubblewrapReadsTheProgramFromDescriptorThree() {
        #expect(SeccompFilter.bubblewrapArguments() == ["--add-seccomp-fd", "3"])
        #expect(SeccompFilter.bubblewrapArguments(descriptor: 5) == ["--add-seccomp-fd", "5"])
        #expect(SeccompFilter.descriptorInSandbox == 3)
    }

    @Test func theProgramIsClassicBPFBuiltOnce() throws {
        let program = try SeccompFilter.defaultProgram()
        #expect(program.count % 8 == 0 && program.count > 8 * 10, "\(program.count) bytes")
        #expect(try SeccompFilter.defaultProgram() == program)
        let fd = try SeccompFilter.programDescriptor()
        defer { close(fd) }
        #expect(fcntl(fd, F_GETFD) & FD_CLOEXEC != 0)
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            received += chunk[..<count]
        }
        #expect(received == program)
        // Sealed: nothing can change the program between its making and bubblewrap's read.
        let zeros: [UInt8] = [0, 0]
        let written = zeros.withUnsafeBytes { pwrite(fd, $0.baseAddress, 2, 0) }
        #expect(written == -1 && errno == EPERM)
    }

    @Test func theDeniedListCoversIssue13Item10() throws {
        let denied = Set(SeccompFilter.deniedCalls.map(\.name))
        let required = [
            "unshare", "clone", "clone3", "setns", "mount", "umount2", "pivot_root", "move_mount", "open_tree", "fsopen",
            "fsmount", "fsconfig", "fspick", "keyctl", "add_key", "request_key", "bpf", "perf_event_open", "init_module",
            "finit_module", "delete_module", "kexec_load", "kexec_file_load", "clock_settime", "clock_adjtime",
            "settimeofday", "adjtimex", "reboot", "swapon", "swapoff", "acct", "quotactl", "lookup_dcookie", "userfaultfd",
            "ptrace", "personality", "io_uring_setup", "io_uring_enter", "io_uring_register", "name_to_handle_at",
            "open_by_handle_at", "syslog", "vhangup", "nfsservctl", "uselib",
        ]
        for name in required {
            #expect(denied.contains(name), "\(name) is not denied")
            #expect(SeccompFilter.syscallNumber(name) != nil, "\(name) does not resolve on this architecture")
        }
        #expect(SeccompFilter.deniedCalls.first { $0.name == "clone3" }?.error == ENOSYS)
        #expect(SeccompFilter.deniedCalls.filter { $0.name != "clone3" }.allSatisfy { $0.error == EPERM })
        #expect(SeccompFilter.deniedCalls.allSatisfy { !$0.reason.isEmpty })
        let table = SeccompFilter.markdownTable
        for call in SeccompFilter.deniedCalls { #expect(table.contains("| `\(call.name)` |")) }
        #expect(table.contains("| `clone3` | always | ENOSYS |"))
        // What setpriv does after bubblewrap has loaded the filter, and what every program needs.
        let needed = [
            "setresuid", "setresgid", "setgroups", "capset", "capget", "prctl", "execve", "fork", "vfork", "wait4",
            "seccomp", "process_vm_readv", "pkey_alloc",
        ]
        for name in needed { #expect(!denied.contains(name), "\(name) must stay allowed") }
        let pseudo = try SeccompFilter.pseudoCode()
        for name in needed { #expect(!pseudo.contains("\"\(name)\""), "\(name) has a rule: \(pseudo)") }
        #expect(pseudo.contains("action ALLOW"))
        #expect(pseudo.contains("invalid architecture action\naction KILL_PROCESS"), "\(pseudo.suffix(300))")
    }
}

/// The filter loaded by real bubblewrap, as root (as CI runs): each denied call fails inside the
/// sandbox, and ordinary programs still run.
struct SeccompSandboxTests {
    /// How the sandbox is entered.
    enum Mode {
        /// As production runs as root: bubblewrap as root, setpriv to nobody with no capabilities.
        case production
        /// bubblewrap started as nobody, in a user namespace of its own with every capability
        /// there (over the sandbox's own namespaces only; outside, the sandbox is nobody). Most
        /// calls then get past their privilege checks, so an EPERM can only come from the filter.
        case capableInUserNamespace
    }

    final class Lines: Sendable {
        private let lines = Mutex<[String]>([])
        func add(_ line: String) { lines.withLock { $0.append(line) } }
        var all: [String] { lines.withLock { $0 } }
    }

    static func requireRoot() throws {
        try #require(geteuid() == 0, "these tests run bubblewrap as root (CI runs as root); run them as root, not as uid \(geteuid())")
    }

    static func folder(_ files: [String: String]) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("railyard-seccomp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        for (name, text) in files {
            try Data(text.utf8).write(to: folder.appendingPathComponent(name))
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: folder.appendingPathComponent(name).path)
        }
        return folder
    }

    /// Runs `command` in a sandbox over `folder` (at /srv/app), with or without the filter.
    static func run(
        _ command: [String], in folder: URL, filter: Bool = true, mode: Mode = .production
    ) async throws -> (exit: ProcessExit, lines: [String]) {
        let spec = SandboxSpec(workDirectory: folder.path, writableWork: false, hiddenPaths: [], environment: [:])
        var arguments: [String]
        switch mode {
        case .production:
            arguments = SandboxCommand.arguments(spec, command: command, dropPrivileges: true)
        case .capableInUserNamespace:
            arguments = SandboxCommand.arguments(spec, command: command, dropPrivileges: false)
            let uid = try #require(arguments.firstIndex(of: "--uid"))
            let gid = try #require(arguments.firstIndex(of: "--gid"))
            arguments[uid + 1] = "0"
            arguments[gid + 1] = "0"
            arguments.insert(contentsOf: ["--cap-add", "ALL"], at: 1)
            arguments = ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"] + arguments
        }
        // SandboxCommand may already ask for the filter (once the runner passes it); a control
        // run without it takes the options out.
        arguments = Self.withoutFilterOptions(arguments)
        var passing: [Int32] = []
        if filter {
            let bubblewrap = try #require(arguments.firstIndex(of: SandboxCommand.bubblewrap))
            arguments.insert(contentsOf: SeccompFilter.bubblewrapArguments(), at: bubblewrap + 1)
            passing = [try SeccompFilter.programDescriptor()]
        }
        defer { for fd in passing { close(fd) } }
        let lines = Lines()
        let child = try ChildProcess.spawn(
            arguments, environment: SandboxCommand.environment(spec), passing: passing) { _, line in lines.add(line) }
        for fd in passing { close(fd) }
        passing = []
        guard let exit = await child.exitStatus(within: .seconds(180)) else {
            child.killTree()
            Issue.record("\(command) did not finish: \(lines.all.suffix(20))")
            return (.signaled(SIGKILL), lines.all)
        }
        return (exit, lines.all)
    }

    static func withoutFilterOptions(_ arguments: [String]) -> [String] {
        let options = SeccompFilter.bubblewrapArguments()
        var remaining = arguments
        while let start = remaining.firstIndex(of: options[0]), start + options.count <= remaining.count,
            Array(remaining[start..<(start + options.count)]) == options
        {
            remaining.removeSubrange(start..<(start + options.count))
        }
        return remaining
    }

    // MARK: - Denied calls

    /// Calls each system call by number in a child process of its own (so that one that
    /// succeeds, such as unshare, changes nothing for the next) and prints `label code`: 0 for
    /// success, the errno, or minus the signal that killed the child.
    static let probeScript = """
        import ctypes, json, os, sys
        libc = ctypes.CDLL(None, use_errno=True)
        libc.syscall.restype = ctypes.c_long
        def arg(a):
            return ctypes.c_char_p(bytes.fromhex(a)) if isinstance(a, str) else ctypes.c_long(a)
        def call(label, nr, args):
            ctypes.set_errno(0)
            r = libc.syscall(ctypes.c_long(nr), *[arg(a) for a in args])
            if r == -1: return ctypes.get_errno()
            if label.startswith("clone "):
                if r == 0: os._exit(0)
                os.waitpid(r, 0)
            return 0
        for label, nr, args in json.loads(sys.argv[1]):
            pid = os.fork()
            if pid == 0:
                try: code = call(label, nr, args)
                except BaseException: code = 254
                os._exit(min(code, 250))
            _, status = os.waitpid(pid, 0)
            print(label, os.waitstatus_to_exitcode(status), flush=True)
        """

    /// An integer, or hex bytes passed as a pointer to them.
    enum ProbeArgument: Sendable, ExpressibleByIntegerLiteral, ExpressibleByStringLiteral {
        case integer(Int)
        case bytes(String)
        init(integerLiteral value: Int) { self = .integer(value) }
        init(stringLiteral value: String) { self = .bytes(value) }
        var json: Any {
            switch self {
            case .integer(let value): value
            case .bytes(let hex): hex
            }
        }
    }

    struct Probe: Sendable {
        var label: String
        var syscall: String
        var arguments: [ProbeArgument]
        init(_ syscall: String, _ arguments: [ProbeArgument], label: String? = nil) {
            self.label = label ?? syscall
            self.syscall = syscall
            self.arguments = arguments
        }
    }

    /// One probe per denied call (and one per namespace flag), with arguments that make the
    /// call fail harmlessly, and mostly before any privilege check, if it ever got through.
    /// x86_64 arguments.
    static var deniedProbes: [Probe] {
        var probes: [Probe] = []
        for (name, flag) in SeccompFilter.namespaceFlags {
            probes.append(Probe("unshare", [.integer(Int(flag))], label: "unshare \(name)"))
            probes.append(Probe("clone", [.integer(Int(flag) | Int(SIGCHLD)), 0, 0, 0, 0], label: "clone \(name)"))
        }
        probes.append(Probe("unshare", [.integer(Int(SeccompFilter.cloneNewTime))], label: "unshare CLONE_NEWTIME"))
        let none: ProbeArgument = 0xffff_ffff
        let badTimeval: ProbeArgument = "000000000000000080841e0000000000"  // tv_usec = 2,000,000
        let badQuota: ProbeArgument = 0x8000_0505  // Q_GETINFO on quota type 5
        probes += [
            Probe("clone3", [0, 0]), Probe("setns", [-1, 0]),
            Probe("personality", [0x0040000], label: "personality ADDR_NO_RANDOMIZE"),
            Probe("personality", [0x0400000], label: "personality READ_IMPLIES_EXEC"),
            Probe("personality", [0xffff_fffe], label: "personality 0xfffffffe"),
            Probe("mount", [0, 0, 0, 0, 0]), Probe("umount2", ["2f00", 0x100]), Probe("pivot_root", [0, 0]),
            Probe("move_mount", [-1, 0, -1, 0, none]), Probe("open_tree", [-1, 0, none]),
            Probe("open_tree_attr", [-1, 0, none, 0, 0]), Probe("fsopen", [0, 0xffff]), Probe("fsmount", [-1, 0xffff, 0]),
            Probe("fsconfig", [-1, 0xffff, 0, 0, 0]), Probe("fspick", [-1, 0, none]), Probe("mount_setattr", [-1, 0, none, 0, 0]),
            Probe("keyctl", [9999, 0, 0, 0, 0]), Probe("add_key", [0, 0, 0, 0, 0]), Probe("request_key", [0, 0, 0, 0]),
            Probe("bpf", [9999, 0, 0]), Probe("perf_event_open", [0, 0, -1, -1, 0]), Probe("userfaultfd", [3]),
            Probe("io_uring_setup", [0, 0]), Probe("io_uring_enter", [-1, 0, 0, 0, 0, 0]), Probe("io_uring_register", [-1, 0, 0, 0]),
            Probe("ptrace", [2, 999_999, 0, 0]),
            Probe("init_module", [0, 0, 0]), Probe("finit_module", [-1, 0, 0]), Probe("delete_module", [0, 0]),
            Probe("kexec_load", [0, 0, 0, 0]), Probe("kexec_file_load", [-1, -1, 0, 0, 0]),
            Probe("clock_settime", [9999, 0]), Probe("clock_adjtime", [9999, 0]), Probe("settimeofday", [badTimeval, 0]),
            Probe("adjtimex", [0]),
            Probe("reboot", [0, 0, 0, 0]), Probe("swapon", [0, 0]), Probe("swapoff", [0]), Probe("acct", [0]),
            Probe("quotactl", [badQuota, 0, 0, 0]), Probe("quotactl_fd", [-1, badQuota, 0, 0]), Probe("lookup_dcookie", [0, 0, 0]),
            Probe("syslog", [10, 0, 0]), Probe("vhangup", []), Probe("nfsservctl", [0, 0, 0]), Probe("uselib", [0]),
            Probe("sethostname", [0, 99999]), Probe("setdomainname", [0, 99999]), Probe("iopl", [99]), Probe("ioperm", [0, 0, 1]),
            Probe("name_to_handle_at", [-1, 0, 0, 0, 0xffff]), Probe("open_by_handle_at", [-1, 0, 0]),
        ]
        return probes
    }

    /// Calls the filter must leave alone, with what they return unfiltered (0: success).
    static var allowedProbes: [Probe] { [
        Probe("personality", [0xffff_ffff], label: "personality query"), Probe("personality", [0], label: "personality PER_LINUX"),
        Probe("personality", [8], label: "personality PER_LINUX32"), Probe("personality", [0x0020000], label: "personality UNAME26"),
        Probe("clone", [.integer(Int(SIGCHLD)), 0, 0, 0, 0], label: "clone fork"),
        Probe("unshare", [0x0000_0200], label: "unshare CLONE_FS"),
    ] }

    /// Runs the probes and returns label → code.
    static func probe(_ probes: [Probe], filter: Bool, mode: Mode) async throws -> [String: Int] {
        let folder = try folder(["probe.py": probeScript])
        let table: [[Any]] = try probes.map { probe in
            let number = try #require(SeccompFilter.syscallNumber(probe.syscall), "\(probe.syscall) has no number")
            return [probe.label, Int(number), probe.arguments.map(\.json)]
        }
        let json = String(decoding: try JSONSerialization.data(withJSONObject: table), as: UTF8.self)
        let (exit, lines) = try await run(["/usr/bin/python3", "probe.py", json], in: folder, filter: filter, mode: mode)
        #expect(exit == .exited(0), "\(lines)")
        var codes: [String: Int] = [:]
        for line in lines {
            guard let space = line.lastIndex(of: " "), let code = Int(line[line.index(after: space)...]) else { continue }
            codes[String(line[..<space])] = code
        }
        #expect(Set(codes.keys) == Set(probes.map(\.label)), "\(lines)")
        return codes
    }

    static func expectedError(_ probe: Probe) -> Int {
        Int(SeccompFilter.deniedCalls.first { $0.name == probe.syscall }?.error ?? -1)
    }

    @Test func everyDeniedCallHasAProbe() {
        let probed = Set(Self.deniedProbes.map(\.syscall))
        for call in SeccompFilter.deniedCalls where SeccompFilter.syscallNumber(call.name) != nil {
            #expect(probed.contains(call.name), "no probe for \(call.name)")
        }
    }

    /// As production runs: every denied call fails with its error; without the filter, nobody
    /// could make a user namespace (the hole of issue 13, item 10).
    @Test func eachDeniedCallFailsInsideTheSandbox() async throws {
        try Self.requireRoot()
        let codes = try await Self.probe(Self.deniedProbes + Self.allowedProbes, filter: true, mode: .production)
        for probe in Self.deniedProbes {
            #expect(codes[probe.label] == Self.expectedError(probe), "\(probe.label): \(codes[probe.label].map(String.init) ?? "no answer")")
        }
        for probe in Self.allowedProbes { #expect(codes[probe.label] == 0, "\(probe.label) was refused: \(codes[probe.label] ?? -1)") }

        let unfiltered = try await Self.probe(Self.deniedProbes, filter: false, mode: .production)
        #expect(unfiltered["unshare CLONE_NEWUSER"] == 0, "the control run should show the hole the filter closes")
        #expect(unfiltered["clone CLONE_NEWUSER"] == 0)
        #expect(unfiltered["personality ADDR_NO_RANDOMIZE"] == 0)
    }

    /// Where the sandbox holds every capability (over its own namespaces), a call's EPERM can
    /// only come from the filter: without it, every probe but a few fails otherwise or succeeds.
    @Test func theFilterNotMissingPrivilegesRefusesThem() async throws {
        try Self.requireRoot()
        // Checked against capabilities in the host's user namespace before anything else (the
        // module and kexec calls are ENOSYS on this machine's kernel, which has neither, but EPERM
        // on a kernel with them; lookup_dcookie likewise before Linux 6.9).
        let privilegeFirst: Set = [
            "swapon", "swapoff", "acct", "syslog", "vhangup",
            "init_module", "finit_module", "delete_module", "kexec_load", "kexec_file_load", "lookup_dcookie",
        ]
        let unfiltered = try await Self.probe(Self.deniedProbes, filter: false, mode: .capableInUserNamespace)
        for probe in Self.deniedProbes where !privilegeFirst.contains(probe.syscall) {
            #expect(unfiltered[probe.label] != Self.expectedError(probe), "\(probe.label) fails the same without the filter")
        }
        for name in SeccompFilter.namespaceFlags.map(\.name) {
            #expect(unfiltered["unshare \(name)"] == 0, "unshare \(name) should work in the user namespace")
            #expect(unfiltered["clone \(name)"] == 0, "clone \(name) should work in the user namespace")
        }
        let filtered = try await Self.probe(Self.deniedProbes + Self.allowedProbes, filter: true, mode: .capableInUserNamespace)
        for probe in Self.deniedProbes {
            #expect(filtered[probe.label] == Self.expectedError(probe), "\(probe.label): \(filtered[probe.label].map(String.init) ?? "no answer")")
        }
        for probe in Self.allowedProbes { #expect(filtered[probe.label] == 0, "\(probe.label) was refused") }
    }

    /// A call through another ABI's numbers matches none of the native rules: it kills.
    @Test func otherABIsKillTheProcess() async throws {
        try Self.requireRoot()
        let folder = try Self.folder([
            "probe.py": Self.probeScript,
            "i386.c": "int main(void) { long r; __asm__ volatile(\"int $0x80\" : \"=a\"(r) : \"a\"(20L)); return r > 0 ? 0 : 1; }\n",
        ])
        let getpidX32 = 0x4000_0000 | 39
        let json = "[[\"x32 getpid\", \(getpidX32), []]]"
        let filtered = try await Self.run(["/usr/bin/python3", "probe.py", json], in: folder)
        #expect(filtered.lines == ["x32 getpid -\(SIGSYS)"], "\(filtered.lines)")
        let unfiltered = try await Self.run(["/usr/bin/python3", "probe.py", json], in: folder, filter: false)
        #expect(unfiltered.lines == ["x32 getpid \(ENOSYS)"], "\(unfiltered.lines)")

        let i386 = "cc -o /tmp/i386 /srv/app/i386.c && /tmp/i386; echo status $?"
        let killed = try await Self.run(["/bin/sh", "-c", i386], in: folder)
        // The shell's "Bad system call" (stderr) may come before or after the status line.
        #expect(killed.lines.contains("status \(128 + SIGSYS)"), "\(killed.lines)")
        let ran = try await Self.run(["/bin/sh", "-c", i386], in: folder, filter: false)
        #expect(ran.lines.last == "status 0", "\(ran.lines)")
    }

    @Test func unshareCannotMakeAUserNamespace() async throws {
        try Self.requireRoot()
        let folder = try Self.folder([:])
        for command in ["unshare --user true", "unshare -r true", "unshare --user --map-root-user --mount true"] {
            let filtered = try await Self.run(["/bin/sh", "-c", command + " 2>&1; echo status $?"], in: folder)
            #expect(filtered.lines.last != "status 0", "\(command): \(filtered.lines)")
            #expect(filtered.lines.joined().contains("Operation not permitted"), "\(command): \(filtered.lines)")
        }
        let unfiltered = try await Self.run(["/bin/sh", "-c", "unshare --user true; echo status $?"], in: folder, filter: false)
        #expect(unfiltered.lines.last == "status 0", "without the filter nobody can make a user namespace: \(unfiltered.lines)")
    }

    /// setpriv runs after bubblewrap has loaded the filter: it must still drop to nobody.
    @Test func setprivStillDropsPrivilegesUnderTheFilter() async throws {
        try Self.requireRoot()
        let script = "id -u; grep -E '^(CapEff|CapBnd|NoNewPrivs|Seccomp|Seccomp_filters):' /proc/self/status"
        let result = try await Self.run(["/bin/sh", "-c", script], in: try Self.folder([:]))
        #expect(result.exit == .exited(0), "\(result.lines)")
        let text = result.lines.joined(separator: "\n")
        for expected in [
            "65534", "CapEff:\t0000000000000000", "CapBnd:\t0000000000000000", "NoNewPrivs:\t1", "Seccomp:\t2",
            "Seccomp_filters:\t1",
        ] {
            #expect(text.contains(expected), "\(expected) missing from \(text)")
        }
    }

    /// The way SandboxRunner starts builds: through StreamingProcess (and /usr/bin/env).
    @Test func streamingProcessPassesTheProgramToBubblewrap() async throws {
        try Self.requireRoot()
        let spec = SandboxSpec(workDirectory: try Self.folder([:]).path, writableWork: false, hiddenPaths: [], environment: [:])
        var arguments = Self.withoutFilterOptions(
            SandboxCommand.arguments(spec, command: ["/bin/sh", "-c", "grep '^Seccomp:' /proc/self/status"], dropPrivileges: true))
        arguments.insert(contentsOf: SeccompFilter.bubblewrapArguments(), at: 1)
        let fd = try SeccompFilter.programDescriptor()
        defer { close(fd) }
        let lines = Lines()
        let outcome = try await StreamingProcess.run(
            arguments, environment: SandboxCommand.environment(spec), passing: [fd], timeLimit: .seconds(60)
        ) { _, line in lines.add(line) }
        #expect(outcome.status == 0, "\(lines.all)")
        #expect(lines.all == ["Seccomp:\t2"], "\(lines.all)")
        // Without the descriptor, bubblewrap refuses to start rather than run unfiltered.
        let missing = try await StreamingProcess.run(
            arguments, environment: SandboxCommand.environment(spec), timeLimit: .seconds(60)) { _, _ in }
        #expect(missing.status != 0)
    }

    @Test func ordinaryProgramsStillRun() async throws {
        try Self.requireRoot()
        let folder = try Self.folder([
            "threads.py": """
                import subprocess, threading
                squares = []
                threads = [threading.Thread(target=lambda i=i: squares.append(i * i)) for i in range(8)]
                for t in threads: t.start()
                for t in threads: t.join()
                child = subprocess.run(["sh", "-c", "echo from-child"], capture_output=True, text=True, check=True)
                print("python", sum(squares), child.stdout.strip())
                """,
            "workers.js": """
                const { Worker } = require('worker_threads');
                const { execFileSync } = require('child_process');
                const fs = require('fs');
                const worker = new Worker('require("worker_threads").parentPort.postMessage(6 * 7)', { eval: true });
                worker.on('message', async (answer) => {
                  const text = await fs.promises.readFile('/srv/app/workers.js', 'utf8');
                  const child = execFileSync('sh', ['-c', 'echo from-child']).toString().trim();
                  console.log('node', answer, child, text.length > 0);
                });
                """,
            "hello.c": """
                #include <pthread.h>
                #include <stdio.h>
                static void *work(void *arg) { return (void *)((long)arg * 2); }
                int main(void) {
                    pthread_t thread; void *result;
                    pthread_create(&thread, NULL, work, (void *)21L);
                    pthread_join(thread, &result);
                    printf("c %ld\\n", (long)result);
                    return 0;
                }
                """,
        ])
        let cases: [(command: String, expected: String)] = [
            ("python3 threads.py", "python 140 from-child"),
            ("node workers.js", "node 42 from-child true"),
            ("cc -O2 -pthread -o /tmp/hello hello.c && /tmp/hello", "c 42"),
            ("git --version | cut -d' ' -f1-2", "git version"),
            ("seq 1 100 | sort -rn | head -3 | tr '\\n' ' ' | sed 's/ $//'", "100 99 98"),
        ]
        for (command, expected) in cases {
            let result = try await Self.run(["/bin/sh", "-c", command], in: folder)
            #expect(result.exit == .exited(0), "\(command): \(result.lines)")
            #expect(result.lines.last == expected, "\(command): \(result.lines)")
        }
    }
}
