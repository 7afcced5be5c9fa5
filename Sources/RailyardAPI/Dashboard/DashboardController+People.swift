import Foundation
import Hummingbird
import HTTPTypes
import RailyardCore
import RailyardStore

/// People: a workspace's members, invites, API tokens and audit log (as its role allows), the
/// first admin's setup, and accepting an invite in the browser. Every rule is the API
/// controllers' (`WorkspaceController.memberManager`/`tokenManager`, `AuthController.setup`/
/// `acceptInvite`); a secret made here (an invite's, a token's) is shown once, in the answer
/// to the form that made it, never in an address.
extension DashboardController {
    var workspaces: WorkspaceController { WorkspaceController(dependencies: dependencies) }

    // MARK: A workspace

    @Sendable func workspacePage(_ request: Request, context: APIRequestContext) async throws -> DashboardPage {
        try await workspacePage(request, context: context, showing: [:])
    }

    /// The page, with what a form just made (an invite link, a token's secret) when it did.
    func workspacePage(_ request: Request, context: APIRequestContext, showing made: [String: Any]) async throws -> DashboardPage {
        let caller = try context.requireCaller()
        let workspaceID: WorkspaceID = try context.pathID("workspaceId", "workspace")
        let role = try caller.authorize(.read, workspace: workspaceID, notFound: "workspace")
        guard let workspace = try await store.workspace(id: workspaceID) else { throw RailyardError.notFound("workspace") }
        let manageMembers = role.allows(.manageMembers) && !caller.isToken
        let manageTokens = role.allows(.manageTokens) && caller.userID != nil
        let members = try await store.members(of: workspaceID, page: PageRequest(limit: PageRequest.maximumLimit)).items
        let memberRows: [[String: Any]] = members.map { member in
            [
                "userID": member.userID.rawValue, "memberEmail": member.email, "role": member.role.rawValue,
                "joined": JSONCoding.formatTimestamp(member.createdAt), "isSelf": member.userID == caller.userID,
                "roles": Role.allCases.map { ["value": $0.rawValue, "selected": $0 == member.role] },
            ]
        }
        var model: [String: Any] = made
        model["workspaceID"] = workspaceID.rawValue
        model["name"] = workspace.name
        model["role"] = role.rawValue
        model["members"] = memberRows
        model["manageMembers"] = manageMembers
        model["manageTokens"] = manageTokens
        model["roles"] = Role.allCases.map { ["value": $0.rawValue, "selected": $0 == .member] }
        if manageTokens {
            let tokens = try await store.apiTokens(in: workspaceID, page: PageRequest(limit: PageRequest.maximumLimit)).items
            model["tokens"] = tokens.map { token -> [String: Any] in
                [
                    "tokenID": token.id.rawValue, "tokenName": token.name, "tokenRole": token.role.rawValue,
                    "scope": token.environmentID == nil ? "workspace" : "one environment",
                    "lastUsed": token.lastUsedAt.map(JSONCoding.formatTimestamp) ?? "never",
                    "state": token.revokedAt != nil ? "revoked" : (token.expiresAt.map { $0 < Date() } == true ? "expired" : "active"),
                    "revocable": token.revokedAt == nil,
                ]
            }
            model["hasTokens"] = !tokens.isEmpty
        }
        if role.allows(.readAudit) {
            let filter = String(request.uri.queryParameters.get("action") ?? "").prefix(64)
            // The latest events; a filter looks further back, up to a page of the store's.
            let events = try await store.auditEvents(in: workspaceID, page: PageRequest(limit: PageRequest.maximumLimit)).items
                .filter { filter.isEmpty || $0.action.hasPrefix(filter) }.prefix(50)
            model["audit"] = events.map { event -> [String: Any] in
                [
                    "when": JSONCoding.formatTimestamp(event.createdAt), "actor": event.actor, "action": event.action,
                    "target": "\(event.targetType) \(event.targetID)", "from": event.clientAddress ?? "",
                ]
            }
            model["readAudit"] = true
            model["hasAudit"] = !events.isEmpty
            model["actionFilter"] = String(filter)
        }
        return DashboardPage(template: "workspace", title: workspace.name, model: model)
    }

    @Sendable func inviteMember(_ request: Request, context: APIRequestContext) async throws -> Response {
        let form = try await DashboardSession.checkedForm(request, context: context)
        let (workspace, caller) = try WorkspaceController.memberManager(context)
        let role = try Self.role(form["role"])
        let made = try await workspaces.invite(
            WorkspaceController.InviteRequest(email: form["email"] ?? "", role: role), to: workspace, by: caller, context: context)
        var page = try await workspacePage(request, context: context, showing: [
            "madeInvite": true, "inviteEmail": made.invite.email, "inviteToken": made.token,
            "inviteLink": "\(Self.origin(of: request))/invites/accept?token=\(made.token)",
        ])
        page.status = .created
        return try Self.render(page, request: request, context: context)
    }

    @Sendable func changeMemberRole(_ request: Request, context: APIRequestContext) async throws -> Response {
        let form = try await DashboardSession.checkedForm(request, context: context)
        let (workspace, caller) = try WorkspaceController.memberManager(context)
        let user: UserID = try context.pathID("userId", "member")
        guard let role = try Self.role(form["role"]) else { throw RailyardError.invalid("choose a role", field: "role") }
        _ = try await store.setRole(role, of: user, in: workspace, audit: context.audit(caller))
        return DashboardSession.redirect(to: "/workspaces/\(workspace.rawValue)")
    }

    @Sendable func removeMember(_ request: Request, context: APIRequestContext) async throws -> Response {
        _ = try await DashboardSession.checkedForm(request, context: context)
        _ = try await workspaces.removeMember(request, context: context)
        let workspace: WorkspaceID = try context.pathID("workspaceId", "workspace")
        return DashboardSession.redirect(to: "/workspaces/\(workspace.rawValue)")
    }

    @Sendable func createToken(_ request: Request, context: APIRequestContext) async throws -> Response {
        let form = try await DashboardSession.checkedForm(request, context: context)
        let (workspace, caller, callerRole) = try WorkspaceController.tokenManager(context)
        let days = try form["expiresInDays"].flatMap { $0.isEmpty ? nil : $0 }.map { text -> Int in
            guard let days = Int(text) else { throw RailyardError.invalid("days are a number", field: "expiresInDays") }
            return days
        }
        let made = try await workspaces.createToken(
            WorkspaceController.TokenRequest(name: form["name"] ?? "", role: try Self.role(form["role"]), expiresInDays: days),
            in: workspace, by: caller, role: callerRole, context: context)
        var page = try await workspacePage(request, context: context, showing: [
            "madeToken": true, "madeTokenName": made.token.name, "tokenSecret": made.secret,
        ])
        page.status = .created
        return try Self.render(page, request: request, context: context)
    }

    @Sendable func revokeToken(_ request: Request, context: APIRequestContext) async throws -> Response {
        _ = try await DashboardSession.checkedForm(request, context: context)
        let id: APITokenID = try context.pathID("tokenId", "token")
        // The API's own handler: the token's workspace and the caller's right to manage its tokens.
        _ = try await workspaces.revokeToken(request, context: context)
        guard let token = try await store.apiToken(id: id) else { throw RailyardError.notFound("token") }
        return DashboardSession.redirect(to: "/workspaces/\(token.workspaceID.rawValue)")
    }

    static func role(_ text: String?) throws -> Role? {
        guard let text, !text.isEmpty else { return nil }
        guard let role = Role(rawValue: text) else { throw RailyardError.invalid("a role is viewer, member or admin", field: "role") }
        return role
    }

    /// Where this page was asked for (scheme and host), for a link to give someone.
    static func origin(of request: Request) -> String {
        let secure = request.headers[HTTPField.Name("X-Forwarded-Proto")!]?.lowercased() == "https"
        let host = request.headers[HTTPField.Name("Host")!] ?? request.head.authority ?? "127.0.0.1"
        return (secure ? "https://" : "http://") + host
    }

    // MARK: Before a session: the first admin, and invites

    @Sendable func setupPage(_ request: Request, context: APIRequestContext) async throws -> Response {
        guard try await store.userCount() == 0 else { return DashboardSession.redirect(to: "/login") }
        return try Self.openForm(DashboardPage(template: "setup", title: "Set up Railyard", model: ["email": "", "workspaceName": ""]),
                                 error: "", request: request, context: context)
    }

    /// The first admin, with the setup token the server printed; signed in at once.
    @Sendable func setup(_ request: Request, context: APIRequestContext) async throws -> Response {
        let form = try await DashboardSession.checkedOpenForm(request)
        let auth = AuthController(dependencies: dependencies)
        let email = form["email"] ?? ""
        let workspaceName = (form["workspaceName"] ?? "").isEmpty ? nil : form["workspaceName"]
        do {
            let made = try await auth.setup(
                AuthController.SetupRequest(token: form["token"] ?? "", email: email, password: form["password"] ?? "",
                                            workspaceName: workspaceName), context: context)
            return try await signedIn(made.user, request: request, context: context)
        } catch let error as RailyardError where error.kind != .storeUnavailable && error.kind != .diskFull {
            let page = DashboardPage(template: "setup", title: "Set up Railyard", model: [
                "email": email, "workspaceName": workspaceName ?? "",
            ], status: ErrorMiddleware.status(for: error.kind))
            return try Self.openForm(page, error: error.message, request: request, context: context)
        }
    }

    @Sendable func invitePage(_ request: Request, context: APIRequestContext) async throws -> Response {
        let token = String(request.uri.queryParameters.get("token") ?? "")
        guard token.hasPrefix(TokenService.Kind.invite.rawValue), token.utf8.count < 128,
              let email = try await store.openInviteEmail(tokenHash: TokenService.hash(token))
        else { throw RailyardError.notFound("invite (it may be used or expired)") }
        let exists = try await store.credentials(email: email) != nil
        return try Self.openForm(DashboardPage(template: "accept", title: "Join a workspace", model: [
            "token": token, "inviteEmail": email, "existing": exists,
        ]), error: "", request: request, context: context)
    }

    /// Accepts an invite (a new account's password, or the existing account's) and signs in.
    @Sendable func acceptInvite(_ request: Request, context: APIRequestContext) async throws -> Response {
        let form = try await DashboardSession.checkedOpenForm(request)
        let token = form["token"] ?? ""
        do {
            let accepted = try await AuthController(dependencies: dependencies).acceptInvite(
                AuthController.AcceptInviteRequest(token: token, password: form["password"]), context: context)
            return try await signedIn(accepted.user, request: request, context: context)
        } catch let error as RailyardError where error.kind == .unauthorized || error.kind == .invalid || error.kind == .forbidden {
            let email = try await store.openInviteEmail(tokenHash: TokenService.hash(token))
            guard let email else { throw RailyardError.notFound("invite (it may be used or expired)") }
            let exists = try await store.credentials(email: email) != nil
            let page = DashboardPage(template: "accept", title: "Join a workspace", model: [
                "token": token, "inviteEmail": email, "existing": exists,
            ], status: ErrorMiddleware.status(for: error.kind))
            return try Self.openForm(page, error: error.message, request: request, context: context)
        }
    }
}
