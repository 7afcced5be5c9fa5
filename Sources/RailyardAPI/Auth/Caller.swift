import RailyardCore

/// Who is calling, and what they may reach: a signed-in person with their role in each of their
/// workspaces, or an API token with its one workspace and, for environment tokens, one
/// environment.
public struct Caller: Sendable {
    public enum Identity: Sendable {
        case user(User)
        case token(APIToken)
    }

    public let identity: Identity
    public let roles: [WorkspaceID: Role]
    /// For an environment token: its environment's name, for messages.
    var tokenEnvironmentName: String? = nil

    public var actorName: String {
        switch identity {
        case .user(let user): "user:\(user.id)"
        case .token(let token): "token:\(token.id)"
        }
    }

    public var userID: UserID? {
        if case .user(let user) = identity { return user.id }
        return nil
    }

    /// Whether the caller is an API token rather than a person's session. Tokens never manage
    /// people: an admin's token that could invite an admin would outlive its own revocation.
    var isToken: Bool {
        if case .token = identity { return true }
        return false
    }

    var tokenScope: TokenScope? {
        if case .token(let token) = identity { return token.scope }
        return nil
    }

    /// Checks that the caller may do `action` in `workspace` (and, when given, in that project
    /// and environment). A resource outside the caller's reach answers 404, exactly as a missing
    /// one does, so that nobody learns what other workspaces hold; a resource within reach
    /// but above the caller's role, or in another environment of an environment token's
    /// project, answers 403.
    func authorize(
        _ action: Action, workspace: WorkspaceID, project: ProjectID? = nil, environment: EnvironmentID? = nil,
        notFound what: String
    ) throws(RailyardError) -> Role {
        guard let role = roles[workspace] else { throw .notFound(what) }
        if case .environment(_, let tokenProject, let tokenEnvironment) = tokenScope {
            // An environment token lives inside one project: other projects do not exist for
            // it, the workspace's own business is closed to it, and it reads, deploys and sets
            // variables in its environment, nothing else (Action.allowedForEnvironmentTokens).
            guard let project else { throw .forbidden("an environment token cannot act on the workspace") }
            if project != tokenProject { throw .notFound(what) }
            // Another environment of the token's own project, which the token may list: 403
            // naming the one it grants (the answer is the same whatever id was asked for, so
            // it tells nothing of other workspaces).
            if let environment, environment != tokenEnvironment {
                let name = tokenEnvironmentName.map { "'\($0)' (\(tokenEnvironment))" } ?? "\(tokenEnvironment)"
                throw .forbidden("this API token only grants environment \(name) of its project, not the one asked for; use a token for that environment or a person's login")
            }
            guard action.allowedForEnvironmentTokens else {
                throw .forbidden("an environment token can only read, deploy and set variables; use a person's login for this")
            }
            if action != .read && environment == nil {
                throw .forbidden("an environment token can only change its own environment")
            }
        }
        guard role.allows(action) else {
            throw .forbidden("your role (\(role.rawValue)) does not allow this; it needs \(action.minimumRole.rawValue)")
        }
        return role
    }

    /// Whether an environment token restricts listings to its project.
    var onlyProject: ProjectID? {
        if case .environment(_, let project, _) = tokenScope { return project }
        return nil
    }
}
