import Foundation
import Synchronization
import Testing
@testable import RailyardBuild
@testable import RailyardRuntime
@testable import RailyardSandbox

/// Issue 13, items 5 and 8, performed for real: processes that try to outlive their sandbox,
/// fork bombs, scratch space filled, and a tenant reading another's environment. Cgroups and
/// other users need root, which CI has: without it these fail, never pass.
struct ContainmentTests {
    typealias Recorder = SandboxedProcessRuntimeTests.Recorder

    static func requireRoot(sourceLocation: SourceLocation = #_sourceLocation) throws {
        try #require(geteuid() == 0, "containment needs root (cgroups, other users); CI runs as root", sourceLocation: sourceLocation)
    }

    /// Processes whose command line holds `marker`, anywhere on the host.
    static func processes(marked marker: String) -> [Int32] {
        ProcessTree.parents().keys.filter { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            return String(decoding: data, as: UTF8.self).contains(marker)
        }
    }

    static func run(_ arguments: [String]) throws -> (Int32, String) {
        let run = try ProgramOutput.run(arguments, within: .seconds(300))
        return (run.status, run.combined)
    }

    @Test func nothingABuildDetachesOutlivesIt() async throws {
        try Self.requireRoot()
        let marker = "7\(Int.random(in: 100_000...999_999))"
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("railyard-contain-\(UUID().uuidString)")
        let source = base.appendingPathComponent("src")
        try FileManager.default.createDirectory(at: source, withIntermediateDirectories: true)
        var plan = BuildPlan(provider: "shell", build: [
            "nohup sleep \(marker) >/dev/null 2>&1 &",
            "setsid sh -c 'sleep \(marker)' >/dev/null 2>&1 < /dev/null &",
            "(trap '' HUP TERM; exec -a sleeper sleep \(marker)) >/dev/null 2>&1 &",
            "sleep 0.3; echo started",
        ], start: "true")
        plan.install = []
        let lines = LinesSeen()
        try await BuildExecutor(hiddenPaths: []).build(
            source: source, plan: plan, artifact: base.appendingPathComponent("artifact"), variables: [:], onLine: lines.add)
        #expect(lines.all.contains("started"))
        #expect(Self.processes(marked: marker).isEmpty, "a build's detached process is still running: \(Self.processes(marked: marker))")
    }

    @Test func nothingAnInstanceDetachesOutlivesItsStop() async throws {
        try Self.requireRoot()
        let marker = "8\(Int.random(in: 100_000...999_999))"
        let artifact = try SandboxedProcessRuntimeTests.artifact([
            "run.sh": "setsid sh -c 'sleep \(marker)' >/dev/null 2>&1 < /dev/null &\nnohup sleep \(marker) >/dev/null 2>&1 &\necho up\nexec sleep 600",
        ])
        let runtime = SandboxedProcessRuntime()
        let recorder = Recorder()
        let id = "contain-\(UUID().uuidString.prefix(8))"
        try await runtime.start(
            InstanceSpec(id: id, artifact: artifact.path, command: "sh run.sh", environment: [:], hiddenPaths: []),
            onOutput: recorder.line, onExit: recorder.exit)
        try await SandboxedProcessRuntimeTests.waitFor { recorder.lines.contains("up") }
        try await Task.sleep(for: .milliseconds(200))
        #expect(Self.processes(marked: marker).count >= 2, "the detached processes started")
        await runtime.stop(id, grace: .milliseconds(500))
        try await SandboxedProcessRuntimeTests.waitFor { Self.processes(marked: marker).isEmpty }
        #expect(Self.processes(marked: marker).isEmpty, "an instance's detached process outlived its stop")
    }

    @Test func aForkBombStopsAtThePidsLimit() async throws {
        try Self.requireRoot()
        let artifact = try SandboxedProcessRuntimeTests.artifact([
            "bomb.py": """
                import os, time
                children = 0
                try:
                    for _ in range(10000):
                        if os.fork() == 0:
                            time.sleep(30)
                            os._exit(0)
                        children += 1
                except OSError as error:
                    print("refused after", children, error.errno, flush=True)
                """,
        ])
        let runtime = SandboxedProcessRuntime()
        let recorder = Recorder()
        var spec = InstanceSpec(id: "bomb-\(UUID().uuidString.prefix(8))", artifact: artifact.path, command: "python3 bomb.py",
                                environment: [:], hiddenPaths: [])
        spec.limits = ResourceLimits(pids: 64)
        #expect(try await runtime.start(spec, onOutput: recorder.line, onExit: recorder.exit).isEmpty)
        try await SandboxedProcessRuntimeTests.waitFor { recorder.lines.contains { $0.hasPrefix("refused after") } }
        let line = try #require(recorder.lines.first { $0.hasPrefix("refused after") }, "\(recorder.lines)")
        let children = try #require(Int(line.split(separator: " ")[2]))
        #expect(children < 64, "forked \(children) processes under a limit of 64")
        await runtime.stop(spec.id, grace: .milliseconds(200))
    }

    @Test func scratchSpaceIsCapped() async throws {
        let artifact = try SandboxedProcessRuntimeTests.artifact([
            "fill.sh": "dd if=/dev/zero of=/tmp/fill bs=1M count=400 2>/dev/null; echo status $?; du -m /tmp/fill | cut -f1",
        ])
        let runtime = SandboxedProcessRuntime()
        let recorder = Recorder()
        try await runtime.start(
            InstanceSpec(id: "fill-\(UUID().uuidString.prefix(8))", artifact: artifact.path, command: "sh fill.sh", environment: [:], hiddenPaths: []),
            onOutput: recorder.line, onExit: recorder.exit)
        try await SandboxedProcessRuntimeTests.waitFor { !recorder.exits.isEmpty }
        #expect(recorder.lines.first == "status 1", "\(recorder.lines)")
        let written = try #require(recorder.lines.dropFirst().first.flatMap { Int($0) })
        #expect(written <= SandboxSpec.defaultScratchBytes >> 20)
    }

    /// Two services' replicas run as different users; a process of any other user (another
    /// service's, or `nobody`) cannot read a replica's environment, where its secrets are.
    @Test func anotherServicesProcessCannotReadAReplicasEnvironment() async throws {
        try Self.requireRoot()
        let artifact = try SandboxedProcessRuntimeTests.artifact(["wait.sh": "echo up; exec sleep 600"])
        let runtime = SandboxedProcessRuntime()
        let recorder = Recorder()
        var spec = InstanceSpec(id: "secret-\(UUID().uuidString.prefix(8))", artifact: artifact.path, command: "sh wait.sh",
                                environment: ["DATABASE_URL": "postgres://owner:s3cret@db/app"], hiddenPaths: [])
        spec.user = SandboxUser(uid: 1_200_999_001, gid: 1_200_999_001)
        try await runtime.start(spec, onOutput: recorder.line, onExit: recorder.exit)
        try await SandboxedProcessRuntimeTests.waitFor { recorder.lines.contains("up") }
        let handle = try #require(await runtime.handle(of: spec.id).flatMap { Int32($0) })
        let app = try #require(ProcessTree.descendants(of: handle, parents: ProcessTree.parents()).first { ProcessTree.commandName($0) == "sleep" })
        func read(as uid: UInt32) throws -> (Int32, String) {
            let result = try Self.run([
                "/usr/bin/setpriv", "--reuid=\(uid)", "--regid=\(uid)", "--clear-groups", "--", "cat", "/proc/\(app)/environ",
            ])
            return result
        }
        for stranger: UInt32 in [65534, 1_200_999_002] {
            let (status, output) = try read(as: stranger)
            #expect(status != 0 && !output.contains("s3cret"), "uid \(stranger) read the replica's environment")
        }
        let (status, output) = try read(as: 1_200_999_001)
        #expect(status == 0 && output.contains("s3cret"), "the service's own user reads it (the probe works): \(output)")
        let owner = try String(contentsOfFile: "/proc/\(app)/status", encoding: .utf8).split(separator: "\n").first { $0.hasPrefix("Uid:") }
        #expect(owner?.split(separator: "\t").dropFirst().first == "1200999001", "\(owner ?? "")")
        await runtime.stop(spec.id, grace: .zero)
    }
}

final class LinesSeen: Sendable {
    private let storage = Mutex<[String]>([])
    func add(_ channel: OutputChannel, _ line: String) { storage.withLock { $0.append(line) } }
    var all: [String] { storage.withLock { $0 } }
}
