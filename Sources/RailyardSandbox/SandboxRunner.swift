import Foundation
import Synchronization

/// Runs commands in the sandbox `SandboxCommand` describes, or says why it cannot.
public struct SandboxRunner: Sendable {
    public let dropPrivileges: Bool

    public init(dropPrivileges: Bool = geteuid() == 0) { self.dropPrivileges = dropPrivileges }

    public struct Result: Sendable {
        public let status: Int32
        public let output: String
    }

    /// Whether bubblewrap is installed and can make namespaces here; nil when it works, else the
    /// reason, for the warning on a deployment that has to run without it.
    public func unavailableReason() async -> String? {
        let probe = SandboxSpec(workDirectory: "/", writableWork: false, hiddenPaths: [], environment: [:])
        do {
            let result = try await run(probe, command: ["/bin/true"], timeLimit: .seconds(30))
            return result.status == 0 ? nil : "bubblewrap cannot create a sandbox here: \(result.output.prefix(200))"
        } catch {
            return "bubblewrap is not installed (apt-get install bubblewrap)"
        }
    }

    /// Runs `command` to completion and returns its exit status and combined output. For
    /// short commands (probes, checks); builds stream through `StreamingProcess` and
    /// long-running instances are supervised by the runtime.
    public func run(_ spec: SandboxSpec, command: [String], timeLimit: Duration = .seconds(300)) async throws -> Result {
        let collected = CollectedOutput()
        let outcome = try await stream(spec, command: command, timeLimit: timeLimit) { _, line in collected.add(line) }
        return Result(status: outcome.status, output: collected.text)
    }

    /// Runs `command` in the sandbox to completion, handing over each line of output as it
    /// comes; killed (with everything it started) past `timeLimit`.
    public func stream(
        _ spec: SandboxSpec, command: [String], timeLimit: Duration,
        onLine: @escaping @Sendable (OutputChannel, String) -> Void
    ) async throws -> StreamingProcess.Outcome {
        try await StreamingProcess.run(
            SandboxCommand.arguments(spec, command: command, dropPrivileges: dropPrivileges),
            environment: SandboxCommand.environment(spec), timeLimit: timeLimit, onLine: onLine)
    }
}

private final class CollectedOutput: Sendable {
    private let lines = Mutex<[String]>([])
    func add(_ line: String) { lines.withLock { $0.append(line) } }
    var text: String { lines.withLock { $0.joined(separator: "\n") } }
}
