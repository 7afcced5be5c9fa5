/// A person's role in a workspace. Roles are ordered: each one can do everything the one below
/// it can.
public enum Role: String, Codable, Sendable, CaseIterable, Comparable {
    case viewer
    case member
    case admin

    var rank: Int {
        switch self {
        case .viewer: 0
        case .member: 1
        case .admin: 2
        }
    }

    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rank < rhs.rank }

    /// Whether this role may perform `action`.
    public func allows(_ action: Action) -> Bool { self >= action.minimumRole }
}

/// What a caller can try to do. Each action needs a minimum role; the API asks this table
/// and nothing else, so the permission rules live in one place.
public enum Action: String, Sendable, CaseIterable {
    case read
    case readVariableValues
    case changeProject
    case changeService
    case changeEnvironment
    case changeVariables
    case deploy
    case deleteEnvironment
    case deleteService
    case deleteProject
    case manageMembers
    case manageTokens
    case readAudit

    public var minimumRole: Role {
        switch self {
        case .read: .viewer
        case .readVariableValues, .changeProject, .changeService, .changeEnvironment,
             .changeVariables, .deploy, .deleteEnvironment, .deleteService:
            .member
        case .deleteProject, .manageMembers, .manageTokens, .readAudit: .admin
        }
    }

    /// Whether an environment-scoped API token may do this at all, whatever its role: such a
    /// token reads, deploys and sets variables in its one environment. It never deletes,
    /// renames or creates anything, changes domains, nor manages members or tokens.
    public var allowedForEnvironmentTokens: Bool {
        switch self {
        case .read, .readVariableValues, .changeVariables, .deploy: true
        case .changeProject, .changeService, .changeEnvironment, .deleteEnvironment, .deleteService, .deleteProject,
             .manageMembers, .manageTokens, .readAudit:
            false
        }
    }
}
