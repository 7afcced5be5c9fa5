import Foundation

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
    public func unavailableReason() -> String? {
        let probe = SandboxSpec(workDirectory: "/", writableWork: false, hiddenPaths: [], environment: [:])
        do {
            let result = try run(probe, command: ["/bin/true"])
            return result.status == 0 ? nil : "bubblewrap cannot create a sandbox here: \(result.output.prefix(200))"
        } catch {
            return "bubblewrap is not installed (apt-get install bubblewrap)"
        }
    }

    /// Runs `command` to completion and returns its exit status and combined output. For
    /// short commands (probes, build steps in tests); long-running instances are supervised
    /// by the runtime.
    public func run(_ spec: SandboxSpec, command: [String]) throws -> Result {
        let arguments = SandboxCommand.arguments(spec, command: command, dropPrivileges: dropPrivileges)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.environment = ["PATH": "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try ProcessLauncher.launchNow(process)
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: String(decoding: output, as: UTF8.self))
    }
}
