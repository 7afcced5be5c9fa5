import Foundation
import RailyardSandbox

/// The default runtime: each instance is a process in its own bubblewrap sandbox.
public actor SandboxedProcessRuntime: Runtime {
    private let runner: SandboxRunner
    private var instances: [String: ChildProcess] = [:]

    public init(runner: SandboxRunner = SandboxRunner()) { self.runner = runner }

    public func start(
        _ spec: InstanceSpec, onOutput: @escaping @Sendable (OutputChannel, String) -> Void,
        onExit: @escaping @Sendable (ProcessExit) -> Void
    ) async throws {
        guard instances[spec.id] == nil else { throw RuntimeError("instance \(spec.id) is already running") }
        let sandbox = SandboxSpec(
            workDirectory: spec.artifact, writableWork: false, hiddenPaths: spec.hiddenPaths, environment: spec.environment,
            hostname: String(spec.id.prefix(63)))
        var bound = sandbox
        bound.readOnlyBinds = spec.readOnlyBinds
        let arguments = SandboxCommand.arguments(
            bound, command: ["/bin/sh", "-c", "exec " + spec.command], dropPrivileges: runner.dropPrivileges)
        let child: ChildProcess
        do {
            child = try ChildProcess.spawn(
                ["/usr/bin/env"] + arguments, environment: ["PATH": StreamingProcess.defaultPath], onLine: onOutput)
        } catch {
            throw RuntimeError(error.description)
        }
        instances[spec.id] = child
        let id = spec.id
        Task {
            let exit = await child.exitStatus()
            onExit(exit)
            self.forget(id, child)
        }
    }

    public func stop(_ id: String, grace: Duration) async {
        // Taken out at once: a second stop of the same instance finds nothing to do.
        guard let child = instances.removeValue(forKey: id) else { return }
        // The app and what it started, but not bubblewrap itself: bubblewrap does not pass
        // SIGTERM on, and killing it would SIGKILL the app with no chance to drain.
        let targets = ProcessTree.descendants(of: child.pid, parents: ProcessTree.parents())
            .filter { ProcessTree.commandName($0) != "bwrap" }
        if child.finishedStatus == nil {
            for pid in targets { kill(pid, SIGTERM) }
            if targets.isEmpty { child.signal(SIGTERM) }
        }
        if await child.exitStatus(within: grace) == nil {
            child.killTree()
            _ = await child.exitStatus()
        }
    }

    public func running() async -> [String] { instances.keys.sorted() }

    public func handle(of id: String) async -> String? { instances[id].map { String($0.pid) } }

    public func removeOrphan(id: String, handle: String) async {
        guard let pid = Int32(handle), pid > 1, Self.isSandbox(pid: pid, of: id) else { return }
        ProcessTree.killTree(pid)
        for _ in 0..<50 where kill(pid, 0) == 0 { try? await Task.sleep(for: .milliseconds(20)) }
    }

    /// Whether `pid` is still the sandbox of instance `id`: its command line names the
    /// instance as the sandbox's host name. Guards against a pid reused since.
    static func isSandbox(pid: Int32, of id: String) -> Bool {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
        let arguments = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        guard let index = arguments.firstIndex(of: "--hostname"), index + 1 < arguments.count else { return false }
        return arguments[index + 1] == String(id.prefix(63))
    }

    private func forget(_ id: String, _ child: ChildProcess) {
        if instances[id] === child { instances[id] = nil }
    }
}

public struct RuntimeError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
