import AsyncHTTPClient
import Foundation
import Synchronization
import Testing
@testable import RailyardRuntime
@testable import RailyardSandbox

/// Real instances in real sandboxes: started with their PORT, their output captured, stopped
/// gracefully or by force.
struct SandboxedProcessRuntimeTests {
    final class Recorder: Sendable {
        private let state = Mutex<(lines: [String], exits: [InstanceExit])>(([], []))
        func line(_ channel: OutputChannel, _ text: String) { state.withLock { $0.lines.append(text) } }
        func exit(_ status: InstanceExit) { state.withLock { $0.exits.append(status) } }
        var lines: [String] { state.withLock { $0.lines } }
        var exits: [ProcessExit] { state.withLock { $0.exits.map(\.process) } }
        var instanceExits: [InstanceExit] { state.withLock { $0.exits } }
    }

    static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func artifact(_ files: [String: String]) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("railyard-artifact-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        for (name, text) in files { try Data(text.utf8).write(to: folder.appendingPathComponent(name)) }
        return folder
    }

    static func get(port: Int, deadline: Duration = .seconds(20)) async throws -> String {
        let started = ContinuousClock.now
        while ContinuousClock.now - started < deadline {
            let request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/hello")
            if let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(5)), response.status == .ok {
                let body = try await response.body.collect(upTo: 1 << 20)
                return String(buffer: body)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw RuntimeError("nothing answered on port \(port)")
    }

    /// Waits up to a minute for `condition` (generous: other builds share these two cores);
    /// the callers then assert what they waited for, so a condition that never holds fails.
    static func waitFor(_ condition: @Sendable () -> Bool) async throws {
        let started = ContinuousClock.now
        while !condition(), ContinuousClock.now - started < .seconds(60) { try await Task.sleep(for: .milliseconds(50)) }
    }

    @Test func anInstanceServesOnItsPortAndStopsGracefully() async throws {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/apps/python-stdlib/main.py")
        let artifact = try Self.artifact(["main.py": try String(contentsOf: fixture, encoding: .utf8)])
        let port = try Self.freePort()
        let runtime = SandboxedProcessRuntime()
        let recorder = Recorder()
        try await runtime.start(
            InstanceSpec(id: "dep1-0", artifact: artifact.path, command: "python3 -u main.py",
                         environment: ["PORT": String(port), "RAILYARD_SERVICE_NAME": "web"], hiddenPaths: []),
            onOutput: recorder.line, onExit: recorder.exit)
        let body = try await Self.get(port: port)
        #expect(body.contains("\"service\": \"web\""))
        #expect(await runtime.running() == ["dep1-0"])
        try await Self.waitFor { recorder.lines.contains { $0.contains("GET /hello") } }
        #expect(recorder.lines.contains { $0.contains("GET /hello") }, "access log lines are captured: \(recorder.lines)")
        await runtime.stop("dep1-0", grace: .seconds(5))
        #expect(await runtime.running().isEmpty)
        try await Self.waitFor { !recorder.exits.isEmpty }
        #expect(recorder.exits.count == 1)
    }

    @Test func sigtermReachesTheAppWhichMayDrain() async throws {
        let artifact = try Self.artifact(["app.py": """
            import signal, sys, time
            def drain(signum, frame):
                print("draining", flush=True)
                sys.exit(0)
            signal.signal(signal.SIGTERM, drain)
            print("ready", flush=True)
            while True:
                time.sleep(0.1)
            """])
        let runtime = SandboxedProcessRuntime()
        let recorder = Recorder()
        try await runtime.start(
            InstanceSpec(id: "drain-0", artifact: artifact.path, command: "python3 app.py", environment: [:], hiddenPaths: []),
            onOutput: recorder.line, onExit: recorder.exit)
        try await Self.waitFor { recorder.lines.contains("ready") }
        #expect(recorder.lines.contains("ready"))
        let started = ContinuousClock.now
        // A grace period of five minutes: an app that exits on SIGTERM is not waited on for it.
        // Half of it is the bound, far beyond any stall of a loaded machine.
        await runtime.stop("drain-0", grace: .seconds(300))
        #expect(ContinuousClock.now - started < .seconds(150), "a draining app is not waited on for the whole grace period")
        try await Self.waitFor { recorder.lines.contains("draining") }
        #expect(recorder.lines.contains("draining"))
    }

    @Test func anAppIgnoringSigtermIsKilledAfterTheGracePeriod() async throws {
        let artifact = try Self.artifact(["stubborn.py": """
            import signal, time
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            print("ready", flush=True)
            while True:
                time.sleep(0.1)
            """])
        let runtime = SandboxedProcessRuntime()
        let recorder = Recorder()
        try await runtime.start(
            InstanceSpec(id: "stubborn-0", artifact: artifact.path, command: "python3 stubborn.py", environment: [:], hiddenPaths: []),
            onOutput: recorder.line, onExit: recorder.exit)
        try await Self.waitFor { recorder.lines.contains("ready") }
        #expect(recorder.lines.contains("ready"))
        let started = ContinuousClock.now
        await runtime.stop("stubborn-0", grace: .seconds(1))
        let elapsed = ContinuousClock.now - started
        // Never before the grace period ends; after it, killed (the exit below says how), with
        // a bound only against waiting forever.
        #expect(elapsed >= .milliseconds(900) && elapsed < .seconds(60), "stopped after \(elapsed)")
        try await Self.waitFor { !recorder.exits.isEmpty }
        #expect(recorder.exits == [.signaled(SIGKILL)])
    }

    @Test func exitsAreReportedAndNamesAreUnique() async throws {
        let artifact = try Self.artifact(["quit.sh": "echo bye; exit 7"])
        let runtime = SandboxedProcessRuntime()
        let recorder = Recorder()
        let spec = InstanceSpec(id: "quit-0", artifact: artifact.path, command: "sh quit.sh", environment: [:], hiddenPaths: [])
        try await runtime.start(spec, onOutput: recorder.line, onExit: recorder.exit)
        try await Self.waitFor { !recorder.exits.isEmpty }
        #expect(recorder.exits == [.exited(7)])
        #expect(recorder.lines == ["bye"], "every line arrives before the exit is reported")
        #expect(await runtime.running().isEmpty)
    }

    @Test func parentPIDsParseEvenWithOddCommandNames() {
        #expect(ProcessTree.parentPID(fromStat: "123 (a) b (c)) S 45 123 123 0 -1") == 45)
        #expect(ProcessTree.parentPID(fromStat: "1 (init) S 0 1 1") == 0)
        #expect(ProcessTree.descendants(of: 1, parents: [2: 1, 3: 2, 4: 1, 5: 9]) == [2, 4, 3])
    }

    // MARK: Limits

    /// A memory hog in a 64 MiB cgroup: the kernel kills it when it goes over, the exit says
    /// so, and it never held much more than its limit.
    @Test func aMemoryHogIsHeldToItsLimit() async throws {
        try #require(geteuid() == 0, "cgroups need root; CI runs as root")
        let artifact = try Self.artifact(["hog.py": """
            chunks = []
            for megabytes in range(8, 1025, 8):
                chunks.append(bytearray(8 << 20))
                print(megabytes, flush=True)
            print("survived", flush=True)
            """])
        let runtime = SandboxedProcessRuntime()
        let recorder = Recorder()
        var spec = InstanceSpec(id: "hog-\(UUID().uuidString.prefix(8))", artifact: artifact.path, command: "python3 hog.py",
                                environment: [:], hiddenPaths: [])
        spec.limits = ResourceLimits(memoryBytes: 64 << 20)
        let warnings = try await runtime.start(spec, onOutput: recorder.line, onExit: recorder.exit)
        #expect(warnings.isEmpty, "\(warnings)")
        try await Self.waitFor { !recorder.exits.isEmpty }
        #expect(!recorder.lines.contains("survived"))
        let reached = recorder.lines.compactMap { Int($0) }.max() ?? 0
        #expect(reached > 0 && reached <= 64, "allocated \(reached) MiB under a 64 MiB limit")
        let exit = try #require(recorder.instanceExits.first)
        // bubblewrap passes the app's SIGKILL on as status 128 + 9.
        #expect(exit.process.code == 128 + SIGKILL, "\(exit.process)")
        #expect(exit.outOfMemory)
        #expect(exit.description.contains("out of memory (over its limit of 64 MiB)"), "\(exit.description)")
        // Removed from whichever hierarchy this host has (v2's unified one, or v1's memory one).
        let groups = try Cgroups.detect().get().groups(spec.id)
        #expect(!groups.isEmpty)
        #expect(groups.allSatisfy { !FileManager.default.fileExists(atPath: $0) }, "its groups are removed: \(groups)")
    }

    /// A busy loop with a fifth of a core gets about a fifth of the CPU time it would have had.
    @Test func aCPULimitThrottlesABusyLoop() async throws {
        try #require(geteuid() == 0, "cgroups need root; CI runs as root")
        let artifact = try Self.artifact(["spin.py": """
            import os, time
            start = time.monotonic()
            end = start + 2
            while time.monotonic() < end:
                pass
            times = os.times()
            print("cpu", round(times.user + times.system, 3), round(time.monotonic() - start, 3), flush=True)
            """])
        let runtime = SandboxedProcessRuntime()
        let recorder = Recorder()
        var spec = InstanceSpec(id: "spin-\(UUID().uuidString.prefix(8))", artifact: artifact.path, command: "python3 spin.py",
                                environment: [:], hiddenPaths: [])
        spec.limits = ResourceLimits(cpuMillis: 200)
        #expect(try await runtime.start(spec, onOutput: recorder.line, onExit: recorder.exit).isEmpty)
        try await Self.waitFor { !recorder.exits.isEmpty }
        let numbers = try #require(recorder.lines.first { $0.hasPrefix("cpu ") }).split(separator: " ").dropFirst().compactMap { Double($0) }
        let (used, wall) = (try #require(numbers.first), try #require(numbers.last))
        // A ratio of CPU time to the time it spun: unthrottled on an idle core about 1, at 0.2
        // cores about 0.2 however busy the machine is (the quota caps it; others' load only
        // lowers it). Twice the limit is the bound.
        #expect(numbers.count == 2 && wall >= 2)
        #expect(used / wall < 0.4, "used \(used) s of CPU in \(wall) s with a limit of 0.2 cores")
        #expect(recorder.exits == [.exited(0)])
    }

    /// Without a sandbox the instance runs in its artifact folder, as nobody when the runtime
    /// is root, with only its own environment.
    @Test func withoutASandboxTheInstanceStillRuns() async throws {
        let artifact = try Self.artifact(["show.sh": "pwd; id -u; env | sort"])
        let runtime = SandboxedProcessRuntime(runner: SandboxRunner(unsandboxedReason: "test"))
        let recorder = Recorder()
        try await runtime.start(
            InstanceSpec(id: "bare-0", artifact: artifact.path, command: "sh show.sh", environment: ["GIVEN": "yes"], hiddenPaths: []),
            onOutput: recorder.line, onExit: recorder.exit)
        try await Self.waitFor { !recorder.exits.isEmpty }
        #expect(recorder.exits == [.exited(0)])
        let lines = recorder.lines
        #expect(lines.first == artifact.path, "\(lines)")
        try #require(geteuid() == 0, "dropping privileges needs root; CI runs as root")
        #expect(lines.dropFirst().first == "65534", "\(lines)")
        #expect(lines.contains("GIVEN=yes"))
        #expect(lines.contains("RAILYARD_INSTANCE=bare-0"))
        #expect(!lines.contains { $0.hasPrefix("RAILYARD_TEST_POSTGRES_URL") || $0.hasPrefix("XDG_") }, "\(lines)")
    }

    /// Without cgroups the instance still runs, and the runtime says why its limits do not hold.
    @Test func withoutCgroupsTheInstanceRunsWithAWarning() async throws {
        let artifact = try Self.artifact(["quit.sh": "echo ran"])
        let runtime = SandboxedProcessRuntime(cgroupRoot: "/nonexistent-cgroup-root")
        let recorder = Recorder()
        var spec = InstanceSpec(id: "nocg-0", artifact: artifact.path, command: "sh quit.sh", environment: [:], hiddenPaths: [])
        spec.limits = ResourceLimits(memoryBytes: 64 << 20)
        let warnings = try await runtime.start(spec, onOutput: recorder.line, onExit: recorder.exit)
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("memory, CPU and process limits are not enforced") == true, "\(warnings)")
        try await Self.waitFor { !recorder.exits.isEmpty }
        #expect(recorder.lines == ["ran"])
        #expect(recorder.exits == [.exited(0)])
    }
}

/// The files Railyard writes to set limits. This machine has cgroup v1 only, so the v2 layout
/// is checked against a plain folder standing in for the kernel's cgroup2 file system (the
/// kernel itself cannot be faked here; the v1 path runs for real in the tests above).
struct CgroupLayoutTests {
    static func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("railyard-cgroupfs-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func read(_ path: String) -> String? { try? String(contentsOfFile: path, encoding: .utf8) }

    @Test func unifiedHierarchyGetsControllersAndLimits() async throws {
        let root = try Self.folder()
        try "cpuset cpu io memory pids\n".write(toFile: root + "/cgroup.controllers", atomically: true, encoding: .utf8)
        try "pids\n".write(toFile: root + "/cgroup.subtree_control", atomically: true, encoding: .utf8)
        let cgroups = try Cgroups.detect(root: root).get()
        #expect(cgroups.layout == .v2(root))
        #expect(Self.read(root + "/cgroup.subtree_control") == "+memory +cpu")
        #expect(Self.read(root + "/railyard/cgroup.subtree_control") == "+memory +cpu +pids")
        let procs = try cgroups.prepare("dep-0-1", limits: ResourceLimits(memoryBytes: 512 << 20, cpuMillis: 1500))
        #expect(procs == [root + "/railyard/dep-0-1/cgroup.procs"])
        #expect(Self.read(root + "/railyard/dep-0-1/memory.max") == "536870912")
        #expect(Self.read(root + "/railyard/dep-0-1/cpu.max") == "150000 100000")
        try "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n".write(
            toFile: root + "/railyard/dep-0-1/memory.events", atomically: true, encoding: .utf8)
        #expect(cgroups.outOfMemoryKills("dep-0-1") == 1)
    }

    @Test func separateHierarchiesGetAGroupEach() throws {
        let root = try Self.folder()
        for (hierarchy, file) in [("memory", "memory.limit_in_bytes"), ("cpu,cpuacct", "cpu.cfs_quota_us")] {
            try FileManager.default.createDirectory(atPath: root + "/" + hierarchy, withIntermediateDirectories: true)
            try "".write(toFile: root + "/\(hierarchy)/\(file)", atomically: true, encoding: .utf8)
        }
        let cgroups = try Cgroups.detect(root: root).get()
        #expect(cgroups.layout == .v1(memory: root + "/memory", cpu: root + "/cpu,cpuacct"))
        let procs = try cgroups.prepare("dep-1-1", limits: ResourceLimits(memoryBytes: 64 << 20, cpuMillis: 250))
        #expect(procs == [root + "/memory/railyard/dep-1-1/cgroup.procs", root + "/cpu,cpuacct/railyard/dep-1-1/cgroup.procs"])
        #expect(Self.read(root + "/memory/railyard/dep-1-1/memory.limit_in_bytes") == "67108864")
        #expect(Self.read(root + "/cpu,cpuacct/railyard/dep-1-1/cpu.cfs_quota_us") == "25000")
        #expect(Self.read(root + "/cpu,cpuacct/railyard/dep-1-1/cpu.cfs_period_us") == "100000")
    }

    @Test func namesThatCouldEscapeTheParentAreRefused() throws {
        let cgroups = Cgroups(layout: .v2(try Self.folder()))
        for name in ["../escape", "a/b", "", "x y", "dep'quote"] {
            #expect(throws: CgroupError.self) { try cgroups.prepare(name, limits: ResourceLimits(memoryBytes: 1 << 30)) }
        }
        let joined = Cgroups.joining(["/sys/fs/cgroup/railyard/a/cgroup.procs"], command: ["bwrap", "--", "true"])
        #expect(joined == ["/bin/sh", "-c", "echo $$ > '/sys/fs/cgroup/railyard/a/cgroup.procs' && exec \"$@\"",
                           "railyard-cgroup", "bwrap", "--", "true"])
    }
}
