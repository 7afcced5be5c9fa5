/// A deployment's status, with Railway's names.
public enum DeploymentStatus: String, Codable, Sendable, CaseIterable {
    case queued = "QUEUED"
    case building = "BUILDING"
    case deploying = "DEPLOYING"
    case success = "SUCCESS"
    case failed = "FAILED"
    case crashed = "CRASHED"
    case removed = "REMOVED"
    case skipped = "SKIPPED"

    /// Statuses a deployment never leaves.
    public var isTerminal: Bool {
        switch self {
        case .failed, .removed, .skipped: true
        default: false
        }
    }

    /// Statuses in which the deployment is still on its way to running.
    public var isInProgress: Bool {
        switch self {
        case .queued, .building, .deploying: true
        default: false
        }
    }
}

/// The one state machine for deployment statuses. Every status change in the system goes
/// through `transition(from:to:)`; nothing else decides what may follow what.
public enum DeploymentStateMachine {
    public static func allowedNext(after status: DeploymentStatus) -> Set<DeploymentStatus> {
        switch status {
        case .queued: [.building, .deploying, .failed, .skipped, .removed]
        case .building: [.deploying, .failed, .skipped, .removed]
        case .deploying: [.success, .failed, .crashed, .removed]
        case .success: [.crashed, .removed]
        case .crashed: [.deploying, .removed]
        case .failed, .removed, .skipped: []
        }
    }

    public static func canTransition(from: DeploymentStatus, to: DeploymentStatus) -> Bool {
        allowedNext(after: from).contains(to)
    }

    /// The status after the change, or an error that names both ends of the refused change.
    public static func transition(from: DeploymentStatus, to: DeploymentStatus) throws(RailyardError) -> DeploymentStatus {
        guard canTransition(from: from, to: to) else {
            throw RailyardError.conflict(
                "a deployment cannot go from \(from.rawValue) to \(to.rawValue)", field: "status")
        }
        return to
    }
}
