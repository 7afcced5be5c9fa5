import Foundation
import RailyardSandbox

/// Why a build failed, in words for the deploy log.
public struct BuildFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Runs a plan's install and build commands in a sandbox over a copy of the source, leaving
/// an artifact: the built folder, made read-only, ready to be mounted into app instances and
/// kept for rollbacks.
public struct BuildExecutor: Sendable {
    public let runner: SandboxRunner
    /// Folders the build must not see (the data folder, which holds every other service).
    public let hiddenPaths: [String]
    public let timeLimit: Duration

    public init(runner: SandboxRunner = SandboxRunner(), hiddenPaths: [String], timeLimit: Duration = .seconds(900)) {
        self.runner = runner
        self.hiddenPaths = hiddenPaths
        self.timeLimit = timeLimit
    }

    /// Builds `source` into the new folder `artifact`. Every line of output, and each command
    /// before it runs, goes to `onLine`.
    public func build(
        source: URL, plan: BuildPlan, artifact: URL, variables: [String: String],
        onLine: @escaping @Sendable (OutputChannel, String) -> Void
    ) async throws {
        guard !FileManager.default.fileExists(atPath: artifact.path) else {
            throw BuildFailure("artifact folder \(artifact.lastPathComponent) already exists")
        }
        try FileManager.default.createDirectory(at: artifact.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: source, to: artifact)
        let user = SandboxSpec.defaultUser
        if runner.dropPrivileges { try Self.changeOwner(of: artifact, uid: user.uid, gid: user.gid) }
        let spec = SandboxSpec(
            workDirectory: artifact.path, writableWork: true, hiddenPaths: hiddenPaths, environment: variables, user: user,
            hostname: "build")
        let deadline = ContinuousClock.now + timeLimit
        for command in plan.install + plan.build {
            onLine(.stdout, "$ \(command)")
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else { throw BuildFailure("the build took longer than its limit of \(timeLimit)") }
            let outcome = try await runner.stream(spec, command: ["/bin/sh", "-c", command], timeLimit: remaining, onLine: onLine)
            if outcome.timedOut { throw BuildFailure("the build took longer than its limit of \(timeLimit); `\(command)` was stopped") }
            if outcome.status != 0 { throw BuildFailure("`\(command)` exited with status \(outcome.status)") }
        }
        if runner.dropPrivileges { try Self.changeOwner(of: artifact, uid: 0, gid: 0) }
        try Self.makeReadOnly(artifact)
    }

    static func changeOwner(of root: URL, uid: UInt32, gid: UInt32) throws {
        try walk(root) { path in
            if lchown(path, uid, gid) != 0 { throw BuildFailure("cannot change the owner of \(path)") }
        }
    }

    /// Removes every write permission: an artifact never changes after its build.
    static func makeReadOnly(_ root: URL) throws {
        try walk(root) { path in
            var info = stat()
            guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) != S_IFLNK else { return }
            _ = chmod(path, info.st_mode & ~(S_IWUSR | S_IWGRP | S_IWOTH) & 0o7777)
        }
    }

    private static func walk(_ root: URL, _ body: (String) throws -> Void) throws {
        try body(root.path)
        guard let enumerator = FileManager.default.enumerator(atPath: root.path) else { return }
        while let relative = enumerator.nextObject() as? String {
            try body(root.appendingPathComponent(relative).path)
        }
    }
}
