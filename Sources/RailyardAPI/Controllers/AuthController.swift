import Foundation
import Hummingbird
import Logging
import RailyardCore
import RailyardStore

/// Accounts and sessions: first-admin setup, login, refresh, logout, invite acceptance, `me`.
struct AuthController {
    let dependencies: APIDependencies

    struct SetupRequest: Decodable {
        var token: String
        var email: String
        var password: String
        var workspaceName: String?
    }

    struct LoginRequest: Decodable {
        var email: String
        var password: String
    }

    struct RefreshRequest: Decodable {
        var refreshToken: String
    }

    struct AcceptInviteRequest: Decodable {
        var token: String
        var password: String?
    }

    struct TokenPair: Encodable {
        var accessToken: String
        var refreshToken: String
        var tokenType = "Bearer"
        var expiresIn = Int(TokenService.accessTokenLifetime)
        var user: User
    }

    struct SetupStatus: Encodable {
        var required: Bool
    }

    struct SetupResult: Encodable {
        var user: User
        var workspace: Workspace
    }

    struct AcceptResult: Encodable {
        var user: User
        var membership: Membership
    }

    struct WorkspaceRole: Codable {
        var workspace: Workspace
        var role: Role
    }

    struct Me: Encodable {
        var user: User?
        var token: APIToken?
        /// For a token: the role it acts with now, its own capped by its creator's current one.
        var effectiveRole: Role?
        /// For a token: the actions that role and the token's scope allow.
        var allowedActions: [String]?
        var workspaces: [WorkspaceRole]
    }

    func addRoutes(to group: RouterGroup<APIRequestContext>) {
        group.get("setup", use: setupStatus)
        group.post("setup", use: setup)
        group.post("auth/login", use: login)
        group.post("auth/refresh", use: refresh)
        group.post("auth/logout", use: logout)
        group.post("invites/accept", use: acceptInvite)
        group.get("me", use: me)
    }

    @Sendable func setupStatus(_ request: Request, context: APIRequestContext) async throws -> Response {
        try JSONIO.response(SetupStatus(required: try await dependencies.store.userCount() == 0))
    }

    @Sendable func setup(_ request: Request, context: APIRequestContext) async throws -> Response {
        let body = try await JSONIO.decode(SetupRequest.self, from: request, context: context)
        return try JSONIO.response(try await setup(body, context: context), status: .created)
    }

    /// Makes the first admin with the setup token, for the API and the dashboard.
    func setup(_ body: SetupRequest, context: APIRequestContext) async throws -> SetupResult {
        guard dependencies.setupGate.accepts(body.token) else {
            throw RailyardError.unauthorized("setup token is not valid (or setup is already done)")
        }
        if let problem = NameRules.emailProblem(body.email) { throw RailyardError.invalid(problem, field: "email") }
        if let problem = NameRules.passwordProblem(body.password) { throw RailyardError.invalid(problem, field: "password") }
        let workspaceName = body.workspaceName ?? "default"
        if let problem = NameRules.displayNameProblem(workspaceName, what: "workspace name") {
            throw RailyardError.invalid(problem, field: "workspaceName")
        }
        let hash = try await dependencies.passwords.hash(body.password)
        let (user, workspace) = try await dependencies.store.bootstrapAdmin(
            email: body.email, passwordHash: hash, workspaceName: workspaceName,
            audit: AuditContext(actor: "setup", clientAddress: context.clientAddress))
        dependencies.setupGate.close()
        dependencies.onSetupComplete()
        return SetupResult(user: user, workspace: workspace)
    }

    @Sendable func login(_ request: Request, context: APIRequestContext) async throws -> Response {
        let body = try await JSONIO.decode(LoginRequest.self, from: request, context: context)
        guard let credentials = try await checkPassword(body.password, account: body.email, context: context) else {
            throw RailyardError.unauthorized("email or password is wrong")
        }
        return try JSONIO.response(try await issueSession(for: credentials.user, familyID: nil, logger: context.logger))
    }

    /// The account's credentials when `password` is its password, else nil. Every check goes
    /// through the login limiter (429 past it, without checking), and unknown accounts cost a
    /// bcrypt like known ones, so that neither timing nor a flood tells them apart.
    func checkPassword(_ password: String, account email: String, context: APIRequestContext) async throws -> UserCredentials? {
        let account = email.lowercased()
        let limiter = dependencies.loginLimiter
        if let wait = limiter.beginAttempt(account: account, address: context.clientAddress) {
            throw RailyardError.rateLimited("too many failed logins; try again in \(wait) seconds", retryAfter: wait)
        }
        guard password.utf8.count <= 72, account.utf8.count <= 254 else { return nil }
        let credentials = try await dependencies.store.credentials(email: account)
        let matches = try await dependencies.passwords.verify(
            password, hash: credentials?.passwordHash ?? PasswordHasher.decoyHash)
        guard let credentials, matches else { return nil }
        limiter.recordSuccess(account: account, address: context.clientAddress)
        return credentials
    }

    @Sendable func refresh(_ request: Request, context: APIRequestContext) async throws -> Response {
        let body = try await JSONIO.decode(RefreshRequest.self, from: request, context: context)
        let invalid = RailyardError.unauthorized("refresh token is invalid, expired or revoked; log in again")
        guard body.refreshToken.hasPrefix(TokenService.Kind.refresh.rawValue) else { throw invalid }
        let tokenHash = TokenService.hash(body.refreshToken)
        let successor = TokenService.newSecret(.refresh)
        let expiresAt = Date().addingTimeInterval(TokenService.refreshTokenLifetime)
        let unsaved = dependencies.unsavedSessions
        let userID: UserID
        let session: String
        switch unsaved.claim(refreshHash: tokenHash) {
        case .refused:
            throw invalid
        case .claimed(let family, let user, let spent):
            // A session begun on a full disk: recorded in the store now if it takes it,
            // else rotated in memory again.
            do {
                try await dependencies.store.recordSession(
                    user: user, familyID: family, tokenHash: TokenService.hash(successor), expiresAt: expiresAt,
                    spentTokenHashes: spent)
                unsaved.recorded(family)
            } catch let problem as StoreUnavailable where problem.isDiskFull {
                unsaved.rotated(family, to: TokenService.hash(successor))
            } catch {
                unsaved.released(family)
                throw error
            }
            (userID, session) = (user, family)
        case .notHere:
            guard let record = try await dependencies.store.rotateRefreshToken(
                tokenHash: tokenHash, successorID: .generate(), successorHash: TokenService.hash(successor),
                successorExpiresAt: expiresAt)
            else { throw invalid }
            (userID, session) = (record.userID, record.familyID)
        }
        guard let user = try await dependencies.store.user(id: userID) else { throw invalid }
        let access = try await dependencies.tokens.accessToken(for: user.id, session: session)
        return try JSONIO.response(TokenPair(accessToken: access, refreshToken: successor, user: user))
    }

    @Sendable func logout(_ request: Request, context: APIRequestContext) async throws -> Response {
        let body = try await JSONIO.decode(RefreshRequest.self, from: request, context: context)
        let tokenHash = TokenService.hash(body.refreshToken)
        if !dependencies.unsavedSessions.end(refreshHash: tokenHash) {
            try await dependencies.store.revokeRefreshFamily(tokenHash: tokenHash)
        }
        return JSONIO.noContent()
    }

    /// Accepts an invite. A new account is created with the given password; an existing
    /// account joins only with its owner's authentication (their session, or their password),
    /// otherwise anyone could add anyone to their workspace.
    @Sendable func acceptInvite(_ request: Request, context: APIRequestContext) async throws -> Response {
        let body = try await JSONIO.decode(AcceptInviteRequest.self, from: request, context: context)
        return try JSONIO.response(try await acceptInvite(body, context: context), status: .created)
    }

    /// Accepts an invite: a new account with the password given, or an existing one whose
    /// password is given (or who is signed in), for the API and the dashboard.
    func acceptInvite(_ body: AcceptInviteRequest, context: APIRequestContext) async throws -> AcceptResult {
        let tokenHash = TokenService.hash(body.token)
        // Check the invite before spending a bcrypt on its password: junk tokens cost nothing.
        guard body.token.hasPrefix(TokenService.Kind.invite.rawValue),
              let email = try await dependencies.store.openInviteEmail(tokenHash: tokenHash)
        else { throw RailyardError.unauthorized("invite token is invalid, used or expired") }
        var authenticatedUser: UserID?
        var passwordHash: String?
        if let existing = try await dependencies.store.credentials(email: email) {
            if let caller = context.caller, caller.userID == existing.user.id {
                authenticatedUser = existing.user.id
            } else if let password = body.password {
                guard try await checkPassword(password, account: email, context: context)?.user.id == existing.user.id else {
                    throw RailyardError.unauthorized("the password of \(email) is wrong")
                }
                authenticatedUser = existing.user.id
            } else if context.caller?.userID != nil {
                throw RailyardError.forbidden(
                    "this invite is for \(email), not for you: log in as \(email), or give its password, to accept it")
            } else {
                throw RailyardError.unauthorized(
                    "\(email) already has an account: log in as it, or give its password, to accept the invite")
            }
        } else if let password = body.password {
            if let problem = NameRules.passwordProblem(password) { throw RailyardError.invalid(problem, field: "password") }
            passwordHash = try await dependencies.passwords.hash(password)
        }
        let (user, membership) = try await dependencies.store.acceptInvite(
            tokenHash: tokenHash, authenticatedUser: authenticatedUser,
            passwordHash: { [passwordHash] in
                guard let passwordHash else {
                    throw RailyardError.invalid("a password is needed to create the account", field: "password")
                }
                return passwordHash
            },
            clientAddress: context.clientAddress)
        return AcceptResult(user: user, membership: membership)
    }

    @Sendable func me(_ request: Request, context: APIRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        switch caller.identity {
        case .user(let user):
            let workspaces = try await dependencies.store.workspaces(of: user.id)
            return try JSONIO.response(Me(
                user: user, token: nil, workspaces: workspaces.map { WorkspaceRole(workspace: $0.0, role: $0.1) }))
        case .token(let token):
            let workspace = try await dependencies.store.workspace(id: token.workspaceID)
            // The role the token really acts with: `token.role` is what it was made with.
            let role = caller.roles[token.workspaceID] ?? .viewer
            var actions = Action.allCases.filter { role.allows($0) }
            if case .environment = token.scope { actions = actions.filter(\.allowedForEnvironmentTokens) }
            // Tokens never manage people, whatever their role.
            actions.removeAll { $0 == .manageMembers }
            return try JSONIO.response(Me(
                user: nil, token: token, effectiveRole: role, allowedActions: actions.map(\.rawValue),
                workspaces: workspace.map { [WorkspaceRole(workspace: $0, role: role)] } ?? []))
        }
    }

    /// A new session for `user`: recorded in the store, or, when the store's disk is full, kept
    /// in memory until it can be (`UnsavedSessions`), so that a full disk does not lock
    /// everyone out of the server they need to repair.
    func issueSession(for user: User, familyID: String?, logger: Logger) async throws -> TokenPair {
        let refresh = TokenService.newSecret(.refresh)
        let session = familyID ?? UUID().uuidString.lowercased()
        let tokenHash = TokenService.hash(refresh)
        do {
            try await dependencies.store.insertRefreshToken(
                id: .generate(), user: user.id, familyID: session,
                tokenHash: tokenHash, expiresAt: Date().addingTimeInterval(TokenService.refreshTokenLifetime))
        } catch let problem as StoreUnavailable where problem.isDiskFull {
            try dependencies.unsavedSessions.begin(family: session, user: user.id, refreshHash: tokenHash)
            logger.warning("session kept in memory until the store can record it", metadata: [
                "railyard.user": "\(user.id)", "error": "\(problem)",
                "railyard.sessions.unsaved": "\(dependencies.unsavedSessions.count)",
            ])
        }
        let access = try await dependencies.tokens.accessToken(for: user.id, session: session)
        return TokenPair(accessToken: access, refreshToken: refresh, user: user)
    }
}
