import Foundation
import RailyardCore

// Shapes of the API's answers that are not models of RailyardCore.

public struct TokenPair: Codable, Sendable {
    public var accessToken: String
    public var refreshToken: String
    public var expiresIn: Int
    public var user: User
}

public struct WorkspaceRole: Codable, Sendable {
    public var workspace: Workspace
    public var role: Role
}

public struct Me: Codable, Sendable {
    public var user: User?
    public var token: APIToken?
    /// For a token: the role it acts with now (its own, capped by its creator's current role).
    public var effectiveRole: Role?
    /// For a token: the actions its role and scope allow.
    public var allowedActions: [String]?
    public var workspaces: [WorkspaceRole]
}

public struct ProjectCreated: Codable, Sendable {
    public var project: Project
    public var environments: [Environment]
}

public struct TokenCreated: Codable, Sendable {
    public var token: APIToken
    public var secret: String
}

public struct InviteCreated: Codable, Sendable {
    public var invite: Invite
    public var token: String
}

public struct InviteAccepted: Codable, Sendable {
    public var user: User
    public var membership: Membership
}

public struct SetupResult: Codable, Sendable {
    public var user: User
    public var workspace: Workspace
}
