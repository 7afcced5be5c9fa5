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
        private let state = Mutex<(lines: [String], exits: [ProcessExit])>(([], []))
        func line(_ channel: OutputChannel, _ text: String) { state.withLock { $0.lines.append(text) } }
        func exit(_ status: ProcessExit) { state.withLock { $0.exits.append(status) } }
        var lines: [String] { state.withLock { $0.lines } }
        var exits: [ProcessExit] { state.withLock { $0.exits } }
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

    static func waitFor(_ condition: @Sendable () -> Bool) async throws {
        for _ in 0..<200 where !condition() { try await Task.sleep(for: .milliseconds(50)) }
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
        let started = ContinuousClock.now
        await runtime.stop("drain-0", grace: .seconds(10))
        #expect(ContinuousClock.now - started < .seconds(5), "a draining app is not waited on for the whole grace period")
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
        let started = ContinuousClock.now
        await runtime.stop("stubborn-0", grace: .seconds(1))
        let elapsed = ContinuousClock.now - started
        #expect(elapsed >= .milliseconds(900) && elapsed < .seconds(10))
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
}
