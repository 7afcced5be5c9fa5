import Foundation
import RailyardSandbox

/// What to run for one replica of a deployment.
public struct InstanceSpec: Sendable, Equatable {
    /// Unique per instance: `DEPLOYMENT-REPLICA-ATTEMPT`.
    public var id: String
    /// The read-only artifact folder, mounted at `/srv/app`.
    public var artifact: String
    public var command: String
    public var environment: [String: String]
    /// Folders the app must not see (the data folder).
    public var hiddenPaths: [String]
    /// Extra read-only paths, inside → outside.
    public var readOnlyBinds: [String: String] = [:]
    /// Extra writable folders, inside → outside (the service's volume).
    public var writableBinds: [String: String] = [:]
    /// Memory, CPU and process caps, through cgroups when the host has them.
    public var limits = ResourceLimits()
    /// Who the app runs as (its service's own user when Railyard is root).
    public var user = SandboxSpec.defaultUser
    /// A writable view of the artifact of the instance's own (`WritableView`); nil for the
    /// artifact read-only.
    public var writableView: WritableView?
    /// Its place on its environment's private network; nil for the host's network.
    public var network: SandboxNetwork?
    /// How it is asked to stop: SIGTERM to every process of the app (the default), or a
    /// server's own signal to its main process only (PostgreSQL's SIGINT, a fast shutdown,
    /// which it then passes on to its workers in order).
    public var stopSignal = StopSignal.everyProcess(SIGTERM)

    public init(id: String, artifact: String, command: String, environment: [String: String], hiddenPaths: [String]) {
        self.id = id
        self.artifact = artifact
        self.command = command
        self.environment = environment
        self.hiddenPaths = hiddenPaths
    }
}

/// How an instance is asked to stop, before SIGKILL.
public enum StopSignal: Sendable, Equatable {
    /// To the app and everything it started (the start command's shell aside).
    case everyProcess(Int32)
    /// To the app's topmost process only, which stops the rest itself.
    case mainProcess(Int32)
}

/// Runs app instances. The rest of the system talks to this protocol only, so that sandboxed
/// processes today and containers or Kubernetes later are interchangeable (Dokku's scheduler
/// switch).
public protocol Runtime: Sendable {
    /// Starts an instance; `onOutput` gets each line it prints and `onExit` how it ended
    /// (once, from any thread, after its last line). Returns warnings about what could not be
    /// applied (limits the host cannot enforce); the instance runs regardless.
    @discardableResult
    func start(
        _ spec: InstanceSpec, onOutput: @escaping @Sendable (OutputChannel, String) -> Void,
        onExit: @escaping @Sendable (InstanceExit) -> Void
    ) async throws -> [String]
    /// SIGTERM to the app, then SIGKILL after `grace`. Returns once the instance is gone.
    func stop(_ id: String, grace: Duration) async
    /// The ids of the instances still running.
    func running() async -> [String]
    /// What finds the instance again after a crash of the server (a process id here).
    func handle(of id: String) async -> String?
    /// Stops an instance left running by an earlier run of the server, if `handle` still
    /// names it; does nothing when it has gone or the handle now names something else.
    func removeOrphan(id: String, handle: String) async
    /// Whether the instance's own processes listen on `port` (a domain's target port must
    /// name one of its instances, never a port of the host or of another tenant).
    func listens(_ id: String, port: Int) async -> Bool
    /// Whether the instance listens on `port` on its own loopback only (where nothing outside
    /// it can connect): the usual reason an app that runs never passes its health check.
    func listensOnlyOnLoopback(_ id: String, port: Int) async -> Bool
    /// Kills whatever an earlier run of the server left running (instances and builds), by
    /// the groups they were started in; returns how many it found.
    func removeLeftovers() async -> Int
    /// What the instance uses now (memory, CPU time so far); nil when it is not running or the
    /// host cannot say.
    func usage(_ id: String) async -> InstanceUsage?
}

/// An instance's use of the machine, from its cgroups.
public struct InstanceUsage: Sendable, Equatable {
    public var memoryBytes: Int64?
    public var cpuMicroseconds: Int64?

    public init(memoryBytes: Int64?, cpuMicroseconds: Int64?) {
        self.memoryBytes = memoryBytes
        self.cpuMicroseconds = cpuMicroseconds
    }
}

/// How an instance ended.
public struct InstanceExit: Sendable, Equatable, CustomStringConvertible {
    public var process: ProcessExit
    /// The kernel killed one of its processes for going over its memory limit.
    public var outOfMemory: Bool
    public var memoryLimit: Int64?

    public init(process: ProcessExit, outOfMemory: Bool = false, memoryLimit: Int64? = nil) {
        self.process = process
        self.outOfMemory = outOfMemory
        self.memoryLimit = memoryLimit
    }

    public var description: String {
        guard outOfMemory else { return process.description }
        let limit = memoryLimit.map { " of \(ByteCountFormatter.mebibytes($0))" } ?? ""
        return "\(process.description): out of memory (over its limit\(limit))"
    }
}

extension ByteCountFormatter {
    static func mebibytes(_ bytes: Int64) -> String {
        bytes % (1 << 30) == 0 ? "\(bytes >> 30) GiB" : "\(bytes >> 20) MiB"
    }
}
