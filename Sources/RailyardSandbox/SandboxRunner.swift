import Foundation
import Synchronization

/// Runs commands in the sandbox `SandboxCommand` describes, or, where bubblewrap cannot work
/// (or is turned off), without one: as the unprivileged user when Railyard is root, in the
/// command's own folder, with only the environment it is given.
public struct SandboxRunner: Sendable {
    public let dropPrivileges: Bool
    /// Why commands run without a sandbox; nil when they run in one.
    public let unsandboxedReason: String?

    /// Where builds and other short sandboxes get their groups; nil when the host has none
    /// (or Railyard is not root).
    public let cgroups: Swift.Result<Cgroups, CgroupError>

    /// What the probe of writable views found wrong (`detect`), nil when they work or were
    /// not probed.
    private var viewProbe: String?

    public init(dropPrivileges: Bool = geteuid() == 0, unsandboxedReason: String? = nil, cgroups: Swift.Result<Cgroups, CgroupError>? = nil) {
        self.dropPrivileges = dropPrivileges
        self.unsandboxedReason = unsandboxedReason
        self.cgroups = cgroups ?? (geteuid() == 0 ? Cgroups.detect() : .failure(CgroupError("cgroups need root")))
    }

    /// A runner that sandboxes when bubblewrap works here, and otherwise runs commands
    /// without a sandbox and says why (`turnedOff` names the setting that disabled it). `node`
    /// names this server's cgroups.
    public static func detect(turnedOff: String? = nil, node: String = "") async -> SandboxRunner {
        let cgroups = geteuid() == 0 ? Cgroups.detect(node: node) : .failure(CgroupError("cgroups need root"))
        var runner: SandboxRunner
        if let turnedOff {
            runner = SandboxRunner(unsandboxedReason: turnedOff, cgroups: cgroups)
        } else {
            let probe = SandboxRunner(cgroups: cgroups)
            let reason = await probe.probeReason()
            runner = reason.map { SandboxRunner(unsandboxedReason: $0, cgroups: cgroups) } ?? probe
        }
        if runner.dropPrivileges { runner.viewProbe = await runner.probeViews() }
        return runner
    }

    /// Mounts a view over an empty folder and runs /bin/true in it: nil when that works.
    private func probeViews() async -> String? {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("railyard-view-probe-\(UUID().uuidString)")
        let lower = base.appendingPathComponent("lower"), mountPoint = base.appendingPathComponent("view")
        defer { try? FileManager.default.removeItem(at: base) }
        do {
            try FileManager.default.createDirectory(at: lower, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(at: mountPoint, withIntermediateDirectories: true)
        } catch {
            return "cannot make the probe's folders: \(error)"
        }
        var spec = SandboxSpec(workDirectory: lower.path, writableWork: false, hiddenPaths: [], environment: [:])
        spec.writableView = WritableView(lower: lower.path, mountPoint: mountPoint.path, sizeBytes: 1 << 20, owner: dropPrivileges ? spec.user : nil)
        do {
            let result = try await run(spec, command: ["/bin/sh", "-c", "echo probe > written && test -s written"], timeLimit: .seconds(30))
            return result.status == 0 ? nil : "the app folder cannot be made writable here (overlay): \(result.output.prefix(300))"
        } catch {
            return "the app folder cannot be made writable here (overlay): \(error)"
        }
    }

    // MARK: Groups of short-lived sandboxes (builds, clones, pre-deploy commands)

    /// Makes the groups `name` with `limits` and returns the `cgroup.procs` files to put in
    /// a spec's `cgroupProcs`, or a warning when the host cannot give them.
    public func prepareGroup(_ name: String, limits: ResourceLimits) async -> (procs: [String], warning: String?) {
        switch cgroups {
        case .success(let cgroups):
            do {
                return (try cgroups.prepare(name, limits: limits), nil)
            } catch {
                await cgroups.remove(name)
                return ([], "memory and process limits are not enforced: \(error)")
            }
        case .failure(let problem):
            return ([], "memory and process limits are not enforced, and processes left behind cannot be found: \(problem)")
        }
    }

    /// Kills every process left in the groups `name` (a build step's background processes).
    public func killGroup(_ name: String) async {
        if case .success(let cgroups) = cgroups { await cgroups.killAll(name) }
    }

    /// Kills what is left in the groups `name` and removes them.
    public func removeGroup(_ name: String) async {
        if case .success(let cgroups) = cgroups { await cgroups.remove(name) }
    }

    /// What to start for `command` in `spec`: the program and its arguments, its whole
    /// environment, and the folder to start it in (for a command without a sandbox).
    public struct Invocation: Sendable, Equatable {
        public var arguments: [String]
        public var environment: [String: String]
        public var workingDirectory: String?
    }

    /// The invocation joins the spec's cgroups first (`Cgroups.joining`), so that everything
    /// the command starts is inside them.
    public func invocation(_ spec: SandboxSpec, command: [String]) -> Invocation {
        var invocation: Invocation
        if let view = spec.writableView, viewProblem == nil {
            // The sandbox gets the view where it would have had the folder; the view is
            // mounted (in a namespace of the command's own) just before bubblewrap starts.
            var viewed = spec
            viewed.workDirectory = view.merged
            viewed.writableWork = true
            viewed.writableView = nil
            invocation = uncontained(viewed, command: command)
            invocation.arguments = view.wrapping(invocation.arguments)
            // The view's folder exists only once mounted: the wrapper goes there itself.
            invocation.workingDirectory = nil
        } else {
            invocation = uncontained(spec, command: command)
        }
        if let network = spec.network {
            // Into the private network's namespace before anything else is set up: the sandbox
            // never has a moment on the host's network.
            invocation.arguments = [Self.nsenter, "--net=\(network.namespacePath)", "--"] + invocation.arguments
        }
        invocation.arguments = Cgroups.joining(spec.cgroupProcs, command: invocation.arguments)
        return invocation
    }

    static let nsenter = ["/usr/bin/nsenter", "/bin/nsenter", "/usr/sbin/nsenter"]
        .first { FileManager.default.isExecutableFile(atPath: $0) } ?? "/usr/bin/nsenter"

    /// Why sandboxes cannot get a writable view of their folder (`WritableView`) here; nil
    /// when they can. Views need root, to mount.
    public var viewProblem: String? {
        viewProbe ?? (dropPrivileges ? nil : "a writable app folder needs Railyard to run as root (it mounts an overlay)")
    }

    private func uncontained(_ spec: SandboxSpec, command: [String]) -> Invocation {
        guard unsandboxedReason != nil else {
            return Invocation(
                arguments: SandboxCommand.arguments(spec, command: command, dropPrivileges: dropPrivileges),
                environment: SandboxCommand.environment(spec), workingDirectory: nil)
        }
        // The paths the command was written for are the sandbox's: put the host's in.
        var places = (spec.readOnlyBinds.merging(spec.writableBinds) { first, _ in first }).map { (inside: $0.key, outside: $0.value) }
        places.append((SandboxSpec.mountPoint, spec.workDirectory))
        let translated = command.map { word in
            places.reduce(word) { $0.replacingOccurrences(of: $1.inside, with: $1.outside) }
        }
        var arguments: [String] = []
        if dropPrivileges {
            arguments = [
                "/usr/bin/setpriv", "--reuid=\(spec.user.uid)", "--regid=\(spec.user.gid)", "--clear-groups",
                "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--",
            ]
        }
        // And in the environment: PATH names the app's own folders (`/srv/app/.venv/bin`), and
        // variables such as VIRTUAL_ENV or a cache folder name sandbox paths too.
        let environment = SandboxCommand.environment(spec).mapValues { value in
            places.reduce(value) { $0.replacingOccurrences(of: $1.inside, with: $1.outside) }
        }
        return Invocation(arguments: arguments + translated, environment: environment, workingDirectory: spec.workDirectory)
    }

    /// The descriptors to pass with `invocation(_:command:)`: the seccomp program (the child's
    /// fd 3) when the command runs in bubblewrap. The caller closes them after the spawn.
    public func inheritedDescriptors() throws(SeccompError) -> [Int32] {
        unsandboxedReason == nil ? [try SeccompFilter.programDescriptor()] : []
    }

    public struct Result: Sendable {
        public let status: Int32
        public let output: String
    }

    /// Whether bubblewrap is installed and can make namespaces here; nil when it works, else the
    /// reason, for the warning on a deployment that has to run without it.
    public func unavailableReason() async -> String? {
        if let unsandboxedReason { return unsandboxedReason }
        return await probeReason()
    }

    private func probeReason() async -> String? {
        // Its folder is one with no mounts under it: bound whole, `/` took in mounts that come
        // and go (a replica's network namespace), bubblewrap could fail on one, and a server
        // started at that moment concluded that it had no sandbox (`SandboxMountChurnTests`).
        let probe = SandboxSpec(workDirectory: "/usr/bin", writableWork: false, hiddenPaths: [], environment: [:])
        do {
            let result = try await run(probe, command: ["/bin/true"], timeLimit: .seconds(30))
            return result.status == 0 ? nil : "bubblewrap cannot create a sandbox here: \(result.output.prefix(200))"
        } catch let problem as SeccompError {
            return "the sandbox's seccomp filter cannot be built: \(problem)"
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
        let invocation = invocation(spec, command: command)
        let descriptors = try inheritedDescriptors()
        defer { for descriptor in descriptors { close(descriptor) } }
        return try await StreamingProcess.run(
            invocation.arguments, environment: invocation.environment, workingDirectory: invocation.workingDirectory,
            passing: descriptors, timeLimit: timeLimit, onLine: onLine)
    }
}

private final class CollectedOutput: Sendable {
    private let lines = Mutex<[String]>([])
    func add(_ line: String) { lines.withLock { $0.append(line) } }
    var text: String { lines.withLock { $0.joined(separator: "\n") } }
}
