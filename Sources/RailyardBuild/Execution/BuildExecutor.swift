import Foundation
import RailyardSandbox

/// Why a build failed, in words for the deploy log.
public struct BuildFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Runs a plan's install and build commands in a sandbox over the source, leaving an
/// artifact: the built folder, owned by root and made read-only, ready to be mounted into app
/// instances and kept for rollbacks.
public struct BuildExecutor: Sendable {
    public let runner: SandboxRunner
    /// Folders the build must not see (the data folder, which holds every other service).
    public let hiddenPaths: [String]
    public let timeLimit: Duration

    /// Each build runs in groups of its own with these limits; background processes a step
    /// leaves are killed when it ends, and nothing outlives the build.
    public let limits: ResourceLimits

    public static let defaultLimits = ResourceLimits(memoryBytes: 4 << 30, pids: 4096)
    /// Builds write caches and temporary files: more scratch than an app gets.
    public static let scratchBytes = 1 << 30

    public init(runner: SandboxRunner = SandboxRunner(), hiddenPaths: [String], timeLimit: Duration = .seconds(900),
                limits: ResourceLimits = BuildExecutor.defaultLimits) {
        self.runner = runner
        self.hiddenPaths = hiddenPaths
        self.timeLimit = timeLimit
        self.limits = limits
    }

    /// Builds `source` into the new folder `artifact` (the source folder is moved there, on
    /// the same filesystem). Every line of output, and each command before it runs, goes to
    /// `onLine`. The build runs as `user`.
    /// With a `cache`, a plan's dependency layer is reused when its key is unchanged (the
    /// install step is skipped) and made otherwise, and package managers keep their downloads
    /// between builds of the service.
    public func build(
        source: URL, plan: BuildPlan, artifact: URL, variables: [String: String], user: SandboxUser = SandboxSpec.defaultUser,
        cache: BuildCache? = nil, network: SandboxNetwork? = nil, onLine: @escaping @Sendable (OutputChannel, String) -> Void
    ) async throws {
        guard !FileManager.default.fileExists(atPath: artifact.path) else {
            throw BuildFailure("artifact folder \(artifact.lastPathComponent) already exists")
        }
        try FileManager.default.createDirectory(at: artifact.deletingLastPathComponent(), withIntermediateDirectories: true)
        guard rename(source.path, artifact.path) == 0 else {
            throw BuildFailure("cannot move the source to \(artifact.lastPathComponent): \(String(cString: strerror(errno)))")
        }
        // Through descriptors, never following a link: the tree is the tenant's.
        if runner.dropPrivileges { try ConfinedFolder(path: artifact.path).setOwner(user, readOnly: false) }
        var environment = plan.commandEnvironment(variables: variables)
        var spec = SandboxSpec(
            workDirectory: artifact.path, writableWork: true, hiddenPaths: hiddenPaths, environment: environment, user: user,
            hostname: "build")
        spec.scratchBytes = Self.scratchBytes
        spec.readOnlyBinds = plan.toolchainBinds
        spec.network = network
        if let cache {
            do {
                try Self.prepareDownloads(cache.downloads, owner: runner.dropPrivileges ? user : nil)
                spec.writableBinds[BuildCache.inside] = cache.downloads.path
                for (name, value) in BuildCache.variables where environment[name] == nil { environment[name] = value }
                spec.environment = environment
            } catch {
                onLine(.stderr, "warning: no download cache for this build: \(error)")
            }
        }
        // Unique: two builds never share (and so never kill) each other's groups.
        let group = "build-\(artifact.lastPathComponent.prefix(60))-\(String(UInt64.random(in: 0...UInt64.max), radix: 36))"
        let (procs, warning) = await runner.prepareGroup(group, limits: limits)
        if let warning { onLine(.stderr, "warning: \(warning)") }
        spec.cgroupProcs = procs
        do {
            if let layer = plan.dependencies, let cache, runner.unsandboxedReason == nil {
                let layers = LayerStore(cache: cache, dropPrivileges: runner.dropPrivileges)
                let prepared = layers.prepare(layer, plan: plan, variables: variables, artifact: artifact, user: user, onLine: onLine)
                if !prepared.reused {
                    try await runSteps(plan.install, spec: spec, group: group, onLine: onLine)
                    if let key = prepared.key { layers.keep(layer, key: key, artifact: artifact, onLine: onLine) }
                }
                try await runSteps(plan.build, spec: spec, group: group, onLine: onLine)
            } else {
                try await runSteps(plan.install + plan.build, spec: spec, group: group, onLine: onLine)
            }
        } catch {
            await runner.removeGroup(group)
            throw error
        }
        await runner.removeGroup(group)
        // Root's and read-only: an artifact never changes after its build, and its service's
        // own user cannot give itself write permission back.
        do {
            try ConfinedFolder(path: artifact.path).setOwner(runner.dropPrivileges ? SandboxUser(uid: 0, gid: 0) : nil, readOnly: true)
        } catch {
            throw BuildFailure("cannot seal the artifact: \(error)")
        }
    }

    /// The service's download caches: made on first use, its user's, closed to others.
    static func prepareDownloads(_ folder: URL, owner: SandboxUser?) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        if let owner {
            let opened = try ConfinedFolder(path: folder.path)
            guard fchown(opened.descriptor, owner.uid, owner.gid) == 0 else {
                throw BuildFailure("cannot give the download cache to the service's user: \(String(cString: strerror(errno)))")
            }
        }
    }

    private func runSteps(
        _ commands: [String], spec: SandboxSpec, group: String, onLine: @escaping @Sendable (OutputChannel, String) -> Void
    ) async throws {
        let deadline = ContinuousClock.now + timeLimit
        for command in commands {
            onLine(.stdout, "$ \(command)")
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else { throw BuildFailure("the build took longer than its limit of \(timeLimit)") }
            let outcome = try await runner.stream(spec, command: ["/bin/sh", "-c", command], timeLimit: remaining, onLine: onLine)
            // As between a Dockerfile's RUN steps: nothing a step started in the background
            // lives on into the next one.
            await runner.killGroup(group)
            if outcome.timedOut { throw BuildFailure("the build took longer than its limit of \(timeLimit); `\(command)` was stopped") }
            if outcome.status != 0 { throw BuildFailure("`\(command)` exited with status \(outcome.status)") }
        }
    }
}
