import Foundation
import Hummingbird
import RailyardCore
import RailyardStore

/// Workspaces and what admins manage in them: members, invites, API tokens, the audit log.
struct WorkspaceController {
    let dependencies: APIDependencies
    var store: Store { dependencies.store }

    struct InviteRequest: Decodable {
        var email: String
        var role: Role?
    }

    struct InviteCreated: Encodable {
        var invite: Invite
        /// The secret to pass to `POST /invites/accept`; shown only here.
        var token: String
    }

    struct RoleRequest: Decodable {
        var role: Role
    }

    struct TokenRequest: Decodable {
        var name: String
        var role: Role?
        var projectId: ProjectID?
        var environmentId: EnvironmentID?
        var expiresInDays: Int?
    }

    struct TokenCreated: Encodable {
        var token: APIToken
        /// The token itself; shown only here.
        var secret: String
    }

    func addRoutes(to group: RouterGroup<APIRequestContext>) {
        group.get("workspaces", use: listWorkspaces)
        group.post("workspaces", use: createWorkspace)
        group.get("workspaces/{workspaceId}/members", use: listMembers)
        group.patch("workspaces/{workspaceId}/members/{userId}", use: changeRole)
        group.delete("workspaces/{workspaceId}/members/{userId}", use: removeMember)
        group.post("workspaces/{workspaceId}/invites", use: invite)
        group.get("workspaces/{workspaceId}/tokens", use: listTokens)
        group.post("workspaces/{workspaceId}/tokens", use: createToken)
        group.delete("tokens/{tokenId}", use: revokeToken)
        group.get("workspaces/{workspaceId}/audit", use: listAudit)
    }

    @Sendable func listWorkspaces(_ request: Request, context: APIRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        let page = try request.pageRequest()
        var items: [AuthController.WorkspaceRole] = []
        for (id, role) in caller.roles.sorted(by: { $0.key < $1.key }) where id.rawValue > (page.after ?? "") {
            if let workspace = try await store.workspace(id: id) { items.append(.init(workspace: workspace, role: role)) }
        }
        return try JSONIO.response(Store.makePage(items, page: page) { $0.workspace.id.rawValue })
    }

    static let maximumWorkspacesPerPerson = 100

    struct CreateWorkspaceRequest: Decodable {
        var name: String
    }

    /// Any signed-in person may start a workspace of their own, as its admin.
    @Sendable func createWorkspace(_ request: Request, context: APIRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        guard let user = caller.userID else {
            throw RailyardError.forbidden("API tokens cannot create workspaces; log in as a person")
        }
        let body = try await JSONIO.decode(CreateWorkspaceRequest.self, from: request, context: context)
        if let problem = NameRules.displayNameProblem(body.name, what: "workspace name") {
            throw RailyardError.invalid(problem, field: "name")
        }
        if caller.roles.count >= Self.maximumWorkspacesPerPerson {
            throw RailyardError.conflict("you belong to \(caller.roles.count) workspaces, the most one person may")
        }
        let workspace = try await store.createWorkspace(name: body.name, owner: user, audit: context.audit(caller))
        return try JSONIO.response(AuthController.WorkspaceRole(workspace: workspace, role: .admin), status: .created)
    }

    @Sendable func listMembers(_ request: Request, context: APIRequestContext) async throws -> Response {
        let workspace: WorkspaceID = try context.pathID("workspaceId", "workspace")
        _ = try context.requireCaller().authorize(.read, workspace: workspace, notFound: "workspace")
        return try JSONIO.response(try await store.members(of: workspace, page: try request.pageRequest()))
    }

    /// The workspace in the path, when the caller is a person who may manage its members.
    static func memberManager(_ context: APIRequestContext) throws -> (WorkspaceID, Caller) {
        let workspace: WorkspaceID = try context.pathID("workspaceId", "workspace")
        let caller = try context.requireCaller()
        _ = try caller.authorize(.manageMembers, workspace: workspace, notFound: "workspace")
        try Self.requirePerson(caller)
        return (workspace, caller)
    }

    @Sendable func changeRole(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (workspace, caller) = try Self.memberManager(context)
        let user: UserID = try context.pathID("userId", "member")
        let body = try await JSONIO.decode(RoleRequest.self, from: request, context: context)
        let membership = try await store.setRole(body.role, of: user, in: workspace, audit: context.audit(caller))
        return try JSONIO.response(membership)
    }

    @Sendable func removeMember(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (workspace, caller) = try Self.memberManager(context)
        let user: UserID = try context.pathID("userId", "member")
        try await store.removeMember(user, from: workspace, audit: context.audit(caller))
        return JSONIO.noContent()
    }

    @Sendable func invite(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (workspace, caller) = try Self.memberManager(context)
        let body = try await JSONIO.decode(InviteRequest.self, from: request, context: context)
        return try JSONIO.response(try await invite(body, to: workspace, by: caller, context: context), status: .created)
    }

    /// Makes an invite (the caller was checked by `memberManager`), for the API and the dashboard.
    func invite(_ body: InviteRequest, to workspace: WorkspaceID, by caller: Caller, context: APIRequestContext) async throws -> InviteCreated {
        if let problem = NameRules.emailProblem(body.email) { throw RailyardError.invalid(problem, field: "email") }
        let secret = TokenService.newSecret(.invite)
        let invite = try await store.createInvite(
            workspace: workspace, email: body.email, role: body.role ?? .member, tokenHash: TokenService.hash(secret),
            createdBy: caller.userID, expiresAt: Date().addingTimeInterval(7 * 24 * 3600), audit: context.audit(caller))
        return InviteCreated(invite: invite, token: secret)
    }

    /// People are invited, promoted and removed by people: a token that could do it would let
    /// whoever holds it make an admin who outlives the token's revocation.
    static func requirePerson(_ caller: Caller) throws {
        if caller.isToken {
            throw RailyardError.forbidden("API tokens cannot invite, promote or remove people; log in as a person")
        }
    }

    @Sendable func listTokens(_ request: Request, context: APIRequestContext) async throws -> Response {
        let workspace: WorkspaceID = try context.pathID("workspaceId", "workspace")
        _ = try context.requireCaller().authorize(.manageTokens, workspace: workspace, notFound: "workspace")
        return try JSONIO.response(try await store.apiTokens(in: workspace, page: try request.pageRequest()))
    }

    /// The workspace in the path and the caller's role there, when the caller is a person who
    /// may manage its tokens.
    static func tokenManager(_ context: APIRequestContext) throws -> (WorkspaceID, Caller, Role) {
        let workspace: WorkspaceID = try context.pathID("workspaceId", "workspace")
        let caller = try context.requireCaller()
        let callerRole = try caller.authorize(.manageTokens, workspace: workspace, notFound: "workspace")
        guard caller.userID != nil else {
            throw RailyardError.forbidden("API tokens cannot create tokens; log in as a person")
        }
        return (workspace, caller, callerRole)
    }

    @Sendable func createToken(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (workspace, caller, callerRole) = try Self.tokenManager(context)
        let body = try await JSONIO.decode(TokenRequest.self, from: request, context: context)
        return try JSONIO.response(
            try await createToken(body, in: workspace, by: caller, role: callerRole, context: context), status: .created)
    }

    /// Makes an API token (the caller was checked by `tokenManager`), for the API and the dashboard.
    func createToken(
        _ body: TokenRequest, in workspace: WorkspaceID, by caller: Caller, role callerRole: Role, context: APIRequestContext
    ) async throws -> TokenCreated {
        if let problem = NameRules.displayNameProblem(body.name, what: "token name") {
            throw RailyardError.invalid(problem, field: "name")
        }
        let role = body.role ?? .member
        if role > callerRole { throw RailyardError.forbidden("a token cannot have a higher role than its creator") }
        let scope: TokenScope
        switch (body.projectId, body.environmentId) {
        case (nil, nil): scope = .workspace(workspace)
        case (let project?, let environment?): scope = .environment(workspace, project, environment)
        default:
            throw RailyardError.invalid("an environment token needs both projectId and environmentId", field: "environmentId")
        }
        var expiresAt: Date?
        if let days = body.expiresInDays {
            guard (1...3650).contains(days) else {
                throw RailyardError.invalid("expiresInDays must be from 1 to 3650", field: "expiresInDays")
            }
            expiresAt = Date().addingTimeInterval(Double(days) * 86400)
        }
        let secret = TokenService.newSecret(.apiToken)
        let token = try await store.createAPIToken(
            name: body.name, role: role, scope: scope, tokenHash: TokenService.hash(secret), createdBy: caller.userID,
            expiresAt: expiresAt, audit: context.audit(caller))
        return TokenCreated(token: token, secret: secret)
    }

    @Sendable func revokeToken(_ request: Request, context: APIRequestContext) async throws -> Response {
        let id: APITokenID = try context.pathID("tokenId", "token")
        let caller = try context.requireCaller()
        guard let token = try await store.apiToken(id: id) else { throw RailyardError.notFound("token") }
        _ = try caller.authorize(.manageTokens, workspace: token.workspaceID, notFound: "token")
        return try JSONIO.response(try await store.revokeAPIToken(id, audit: context.audit(caller)))
    }

    @Sendable func listAudit(_ request: Request, context: APIRequestContext) async throws -> Response {
        let workspace: WorkspaceID = try context.pathID("workspaceId", "workspace")
        _ = try context.requireCaller().authorize(.readAudit, workspace: workspace, notFound: "workspace")
        return try JSONIO.response(try await store.auditEvents(in: workspace, page: try request.pageRequest()))
    }
}
