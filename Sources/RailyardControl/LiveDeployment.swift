import Foundation
import Logging
import NIOCore
import RailyardBuild
import RailyardCore
import RailyardEdge
import RailyardRuntime
import RailyardSandbox
import RailyardStore


/// A deployment whose instances this server runs.
final class LiveDeployment {
    let id: DeploymentID
    let serviceID: ServiceID
    /// Its service's name when it started: the private names it answers to.
    let serviceName: String
    let environmentID: EnvironmentID
    let plan: BuildPlan
    let artifactPath: String
    let environment: [String: String]
    /// The service's limits when the deployment started; a change applies from the next deploy
    /// or restart.
    let limits: ResourceLimits
    let user: SandboxUser
    var instances: [Int: InstanceState] = [:]
    /// New replicas of a rolling restart, started beside the ones they are to replace.
    var successors: [Int: InstanceState] = [:]
    /// Each replica's port as the store last recorded it (before a restart of the server).
    var recordedPorts: [Int: Int] = [:]
    var warnings: [String] = []
    /// When every replica first passed its health check.
    var deployedAt: ContinuousClock.Instant?
    /// The service's volume, mounted on the host, bound writable into each replica. A
    /// deployment with one has one replica and never runs beside another (one writer).
    var volume: VolumeBind?

    init(id: DeploymentID, serviceID: ServiceID, serviceName: String, environmentID: EnvironmentID, plan: BuildPlan, artifactPath: String,
         environment: [String: String], limits: ResourceLimits, user: SandboxUser) {
        self.id = id
        self.serviceID = serviceID
        self.serviceName = serviceName
        self.environmentID = environmentID
        self.plan = plan
        self.artifactPath = artifactPath
        self.environment = environment
        self.limits = limits
        self.user = user
    }

    var addresses: [String] { instances.values.sorted { $0.replica < $1.replica }.map(\.address) }

    var snapshot: [DeploymentInstance] {
        instances.values.sorted { $0.replica < $1.replica }.map {
            DeploymentInstance(replica: $0.replica, address: $0.address, state: $0.state, restarts: $0.restarts)
        }
    }
}

final class InstanceState {
    let replica: Int
    let instanceID: String
    let port: Int
    /// Where it is reached: its private address, or the host's loopback without one.
    var host = InstanceState.hostLoopback
    let attempt: Int
    var state = "starting"
    var restarts = 0
    var exit: InstanceExit?
    var stopping = false
    var startedAt: ContinuousClock.Instant?
    var healthFailures = 0
    /// Domain target ports this instance's own processes were last seen listening on.
    var verifiedPorts: Set<Int> = []

    static let hostLoopback = "127.0.0.1"

    /// `HOST:PORT`, as the edge and the log name it.
    var address: String { "\(host):\(port)" }

    init(replica: Int, instanceID: String, port: Int, attempt: Int) {
        self.replica = replica
        self.instanceID = instanceID
        self.port = port
        self.attempt = attempt
    }
}

/// A volume as a deployment's replicas see it.
struct VolumeBind {
    let id: VolumeID
    /// Where it is mounted on the host.
    let hostPath: String
    /// Where replicas see it.
    let mountPath: String
}

/// Why a deployment failed, in words for its log and its status reason.
struct PipelineFailure: Error, CustomStringConvertible {
    let phase: String
    let reason: String
    init(phase: String, _ reason: String) {
        self.phase = phase
        self.reason = reason
    }
    var description: String { reason }
}

/// A counting semaphore for tasks: at most `count` holders at once, the rest wait in order.
actor AsyncSlots {
    var free: Int
    var waiters: [CheckedContinuation<Void, Never>] = []

    init(_ count: Int) { free = count }

    func acquire() async throws {
        if free > 0 {
            free -= 1
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    func release() {
        if waiters.isEmpty {
            free += 1
        } else {
            waiters.removeFirst().resume()
        }
    }
}
