import Foundation
import RailyardSandbox
import Synchronization

/// The default runtime: each instance is a process in its own bubblewrap sandbox.
public actor SandboxedProcessRuntime: Runtime {
    private struct Instance {
        let process: Process
        let exited: AsyncStream<Void>
    }

    private let runner: SandboxRunner
    private var instances: [String: Instance] = [:]

    public init(runner: SandboxRunner = SandboxRunner()) { self.runner = runner }

    public func start(
        _ spec: InstanceSpec, onOutput: @escaping @Sendable (OutputChannel, String) -> Void,
        onExit: @escaping @Sendable (Int32) -> Void
    ) async throws {
        guard instances[spec.id] == nil else { throw RuntimeError("instance \(spec.id) is already running") }
        let sandbox = SandboxSpec(
            workDirectory: spec.artifact, writableWork: false, hiddenPaths: spec.hiddenPaths, environment: spec.environment,
            hostname: String(spec.id.prefix(63)))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = SandboxCommand.arguments(
            sandbox, command: ["/bin/sh", "-c", "exec " + spec.command], dropPrivileges: runner.dropPrivileges)
        process.environment = ["PATH": "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin"]
        process.standardInput = FileHandle.nullDevice
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        for (pipe, channel) in [(stdout, OutputChannel.stdout), (stderr, .stderr)] {
            let splitter = LineSplitter(channel, onOutput)
            pipe.fileHandleForReading.readabilityHandler = { handle in
                let data = handle.availableData
                if data.isEmpty {
                    handle.readabilityHandler = nil
                    splitter.finish()
                } else {
                    splitter.append(data)
                }
            }
        }
        let (exited, continuation) = AsyncStream<Void>.makeStream()
        let id = spec.id
        process.terminationHandler = { [weak self] finished in
            onExit(finished.terminationStatus)
            continuation.finish()
            Task { await self?.forget(id) }
        }
        try await ProcessLauncher.launch(process)
        instances[id] = Instance(process: process, exited: exited)
    }

    public func stop(_ id: String, grace: Duration) async {
        // Taken out at once: a second stop of the same instance finds nothing to do.
        guard let instance = instances.removeValue(forKey: id) else { return }
        let root = instance.process.processIdentifier
        // The app and what it started, but not bubblewrap itself: bubblewrap does not pass
        // SIGTERM on, and killing it would SIGKILL the app with no chance to drain.
        let targets = ProcessTree.descendants(of: root, parents: ProcessTree.parents())
            .filter { ProcessTree.commandName($0) != "bwrap" }
        for pid in targets { kill(pid, SIGTERM) }
        if targets.isEmpty { kill(root, SIGTERM) }
        let exited = instance.exited
        let gone = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                for await _ in exited {}
                return true
            }
            group.addTask {
                try? await Task.sleep(for: grace)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
        if !gone {
            kill(root, SIGKILL)  // --die-with-parent takes the sandbox down with it
            for await _ in exited {}
        }
    }

    public func running() async -> [String] { instances.keys.sorted() }

    private func forget(_ id: String) {
        if let instance = instances[id], !instance.process.isRunning { instances[id] = nil }
    }
}

public struct RuntimeError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
