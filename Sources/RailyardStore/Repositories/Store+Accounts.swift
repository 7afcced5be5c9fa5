import Foundation
import RailyardCore

/// A user record with the password hash, which never leaves the store's callers in the API.
public struct UserCredentials: Sendable {
    public var user: User
    public var passwordHash: String
}

extension Store {
    public func userCount() async throws -> Int {
        try await read { db in
            Int(try await db.first("SELECT COUNT(*) AS n FROM users")?.integer("n") ?? 0)
        }
    }

    /// Creates the first admin and their workspace. Fails with a conflict when any user exists,
    /// so that two concurrent set-ups cannot both succeed.
    public func bootstrapAdmin(
        email: String, passwordHash: String, workspaceName: String, audit: AuditContext
    ) async throws -> (User, Workspace) {
        try await write(conflict: "the first admin already exists") { db in
            if try await db.first("SELECT id FROM users LIMIT 1") != nil {
                throw RailyardError.conflict("the first admin already exists")
            }
            let now = Date()
            let user = User(id: .generate(), email: email.lowercased(), createdAt: now)
            let workspace = Workspace(id: .generate(), name: workspaceName, createdAt: now)
            try await self.insertUser(db, user, passwordHash: passwordHash)
            try await db.execute(
                "INSERT INTO workspaces (id, name, created_at) VALUES (?, ?, ?)",
                [SQLValue(workspace.id), .text(workspace.name), SQLValue(now)])
            try await db.execute(
                "INSERT INTO memberships (workspace_id, user_id, role, created_at) VALUES (?, ?, ?, ?)",
                [SQLValue(workspace.id), SQLValue(user.id), .text(Role.admin.rawValue), SQLValue(now)])
            try await self.recordAudit(
                db, AuditContext(actor: "user:\(user.id)", clientAddress: audit.clientAddress),
                workspace: workspace.id, action: "setup", targetType: "user", targetID: user.id.rawValue)
            return (user, workspace)
        }
    }

    func insertUser(_ db: any SQLExecutor, _ user: User, passwordHash: String) async throws {
        try await db.execute(
            "INSERT INTO users (id, email, password_hash, created_at) VALUES (?, ?, ?, ?)",
            [SQLValue(user.id), .text(user.email), .text(passwordHash), SQLValue(user.createdAt)])
    }

    public func credentials(email: String) async throws -> UserCredentials? {
        try await read { db in
            try await db.first("SELECT * FROM users WHERE email = ?", [.text(email.lowercased())])
                .map(Self.decodeCredentials)
        }
    }

    public func user(id: UserID) async throws -> User? {
        try await read { db in
            try await db.first("SELECT * FROM users WHERE id = ?", [SQLValue(id)]).map(Self.decodeCredentials)?.user
        }
    }

    /// A user and their role in each workspace, in one query: what authentication needs on
    /// every request.
    public func userWithRoles(id: UserID) async throws -> (User, [WorkspaceID: Role])? {
        let rows = try await read { db in
            try await db.query(
                """
                SELECT u.id, u.email, u.password_hash, u.created_at, m.workspace_id, m.role
                FROM users u LEFT JOIN memberships m ON m.user_id = u.id WHERE u.id = ?
                """, [SQLValue(id)])
        }
        guard let first = rows.first else { return nil }
        let user = try Self.decodeCredentials(first).user
        var roles: [WorkspaceID: Role] = [:]
        for row in rows {
            guard let workspace: WorkspaceID = try row.optionalID("workspace_id") else { continue }
            roles[workspace] = try Self.decodeRole(row)
        }
        return (user, roles)
    }

    static func decodeCredentials(_ row: SQLRow) throws -> UserCredentials {
        UserCredentials(
            user: User(id: try row.id("id"), email: try row.text("email"), createdAt: try row.date("created_at")),
            passwordHash: try row.text("password_hash"))
    }

    // MARK: Workspaces and memberships

    /// The workspaces a user belongs to, with their role in each.
    public func workspaces(of user: UserID) async throws -> [(Workspace, Role)] {
        try await read { db in
            try await db.query(
                """
                SELECT w.id, w.name, w.created_at, m.role FROM workspaces w
                JOIN memberships m ON m.workspace_id = w.id WHERE m.user_id = ? ORDER BY w.id
                """, [SQLValue(user)]
            ).map { row in
                (Workspace(id: try row.id("id"), name: try row.text("name"), createdAt: try row.date("created_at")),
                 try Self.decodeRole(row))
            }
        }
    }

    /// Creates a workspace with `owner` as its admin.
    public func createWorkspace(name: String, owner: UserID, audit: AuditContext) async throws -> Workspace {
        try await write(conflict: "workspace id collision") { db in
            let workspace = Workspace(id: .generate(), name: name, createdAt: Date())
            try await db.execute(
                "INSERT INTO workspaces (id, name, created_at) VALUES (?, ?, ?)",
                [SQLValue(workspace.id), .text(name), SQLValue(workspace.createdAt)])
            try await db.execute(
                "INSERT INTO memberships (workspace_id, user_id, role, created_at) VALUES (?, ?, ?, ?)",
                [SQLValue(workspace.id), SQLValue(owner), .text(Role.admin.rawValue), SQLValue(workspace.createdAt)])
            try await self.recordAudit(db, audit, workspace: workspace.id, action: "workspace.create",
                                       targetType: "workspace", targetID: workspace.id.rawValue)
            return workspace
        }
    }

    public func workspace(id: WorkspaceID) async throws -> Workspace? {
        try await read { db in
            try await db.first("SELECT * FROM workspaces WHERE id = ?", [SQLValue(id)]).map { row in
                Workspace(id: try row.id("id"), name: try row.text("name"), createdAt: try row.date("created_at"))
            }
        }
    }

    public func role(of user: UserID, in workspace: WorkspaceID) async throws -> Role? {
        try await read { db in
            try await db.first(
                "SELECT role FROM memberships WHERE workspace_id = ? AND user_id = ?",
                [SQLValue(workspace), SQLValue(user)]
            ).map(Self.decodeRole)
        }
    }

    static func decodeRole(_ row: SQLRow) throws -> Role {
        guard let role = Role(rawValue: try row.text("role")) else { throw StoreFailure.decoding("role") }
        return role
    }

    public func members(of workspace: WorkspaceID, page: PageRequest) async throws -> Page<Membership> {
        let rows = try await read { db in
            try await db.query(
                """
                SELECT m.workspace_id, m.user_id, u.email, m.role, m.created_at FROM memberships m
                JOIN users u ON u.id = m.user_id
                WHERE m.workspace_id = ? AND m.user_id > ? ORDER BY m.user_id LIMIT ?
                """, [SQLValue(workspace), .text(page.after ?? ""), .integer(Self.fetchLimit(page))]
            ).map(Self.decodeMembership)
        }
        return Self.makePage(rows, page: page) { $0.userID.rawValue }
    }

    static func decodeMembership(_ row: SQLRow) throws -> Membership {
        Membership(
            workspaceID: try row.id("workspace_id"), userID: try row.id("user_id"), email: try row.text("email"),
            role: try decodeRole(row), createdAt: try row.date("created_at"))
    }

    /// Changes a member's role. Refuses to demote the workspace's last admin, which would leave
    /// nobody able to manage it.
    public func setRole(
        _ role: Role, of user: UserID, in workspace: WorkspaceID, audit: AuditContext
    ) async throws -> Membership {
        try await write(conflict: "membership changed concurrently") { db in
            guard let current = try await db.first(
                "SELECT role FROM memberships WHERE workspace_id = ? AND user_id = ?",
                [SQLValue(workspace), SQLValue(user)]).map(Self.decodeRole)
            else { throw RailyardError.notFound("member") }
            if current == .admin, role != .admin {
                try await self.requireAnotherAdmin(db, workspace: workspace)
            }
            try await db.execute(
                "UPDATE memberships SET role = ? WHERE workspace_id = ? AND user_id = ?",
                [.text(role.rawValue), SQLValue(workspace), SQLValue(user)])
            try await self.recordAudit(db, audit, workspace: workspace, action: "member.role.\(role.rawValue)",
                                       targetType: "user", targetID: user.rawValue)
            guard let row = try await db.first(
                """
                SELECT m.workspace_id, m.user_id, u.email, m.role, m.created_at FROM memberships m
                JOIN users u ON u.id = m.user_id WHERE m.workspace_id = ? AND m.user_id = ?
                """, [SQLValue(workspace), SQLValue(user)])
            else { throw RailyardError.notFound("member") }
            return try Self.decodeMembership(row)
        }
    }

    public func removeMember(_ user: UserID, from workspace: WorkspaceID, audit: AuditContext) async throws {
        try await write(conflict: "membership changed concurrently") { db in
            guard let current = try await db.first(
                "SELECT role FROM memberships WHERE workspace_id = ? AND user_id = ?",
                [SQLValue(workspace), SQLValue(user)]).map(Self.decodeRole)
            else { throw RailyardError.notFound("member") }
            if current == .admin { try await self.requireAnotherAdmin(db, workspace: workspace) }
            try await db.execute(
                "DELETE FROM memberships WHERE workspace_id = ? AND user_id = ?", [SQLValue(workspace), SQLValue(user)])
            try await self.recordAudit(db, audit, workspace: workspace, action: "member.remove",
                                       targetType: "user", targetID: user.rawValue)
        }
    }

    /// Counts the other admins under a lock on the workspace row, so that two admins demoting
    /// each other at once cannot both succeed (PostgreSQL runs at READ COMMITTED).
    private func requireAnotherAdmin(_ db: any SQLExecutor, workspace: WorkspaceID) async throws {
        try await db.execute("UPDATE workspaces SET name = name WHERE id = ?", [SQLValue(workspace)])
        let admins = try await db.first(
            "SELECT COUNT(*) AS n FROM memberships WHERE workspace_id = ? AND role = ?",
            [SQLValue(workspace), .text(Role.admin.rawValue)])?.integer("n") ?? 0
        if admins <= 1 {
            throw RailyardError.conflict("the workspace's last admin cannot lose the admin role", field: "role")
        }
    }

    // MARK: Invites

    public func createInvite(
        workspace: WorkspaceID, email: String, role: Role, tokenHash: String, createdBy: UserID?,
        expiresAt: Date, audit: AuditContext
    ) async throws -> Invite {
        try await write(conflict: "invite already exists") { db in
            let invite = Invite(
                id: .generate(), workspaceID: workspace, email: email.lowercased(), role: role, createdAt: Date(),
                expiresAt: expiresAt, acceptedAt: nil)
            if try await db.first(
                """
                SELECT 1 AS one FROM memberships m JOIN users u ON u.id = m.user_id
                WHERE m.workspace_id = ? AND u.email = ?
                """, [SQLValue(workspace), .text(invite.email)]) != nil {
                throw RailyardError.conflict("\(invite.email) is already a member of this workspace", field: "email")
            }
            try await db.execute(
                """
                INSERT INTO invites (id, workspace_id, email, role, token_hash, created_by, created_at, expires_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [SQLValue(invite.id), SQLValue(workspace), .text(invite.email), .text(role.rawValue), .text(tokenHash),
                 SQLValue(createdBy), SQLValue(invite.createdAt), SQLValue(expiresAt)])
            try await self.recordAudit(db, audit, workspace: workspace, action: "invite.create",
                                       targetType: "invite", targetID: invite.id.rawValue)
            return invite
        }
    }

    /// The email an invite with this token hash is for, when it exists unused and unexpired.
    public func openInviteEmail(tokenHash: String) async throws -> String? {
        try await read { db in
            try await db.first(
                "SELECT email FROM invites WHERE token_hash = ? AND accepted_at IS NULL AND expires_at > ?",
                [.text(tokenHash), SQLValue(Date())]).map { try $0.text("email") }
        }
    }

    /// Uses an invite once: creates the account when the email has none (with `passwordHash`),
    /// then the membership. Expired, used and unknown invites are all "invalid". When the email
    /// has an account, it joins only if the caller proved to be its owner (`authenticatedUser`);
    /// the check is in the transaction, so an account made meanwhile is not joined unasked.
    public func acceptInvite(
        tokenHash: String, authenticatedUser: UserID? = nil, passwordHash: @escaping @Sendable () throws -> String,
        clientAddress: String?
    ) async throws -> (User, Membership) {
        try await write(conflict: "already a member of this workspace") { db in
            guard let row = try await db.first("SELECT * FROM invites WHERE token_hash = ?", [.text(tokenHash)]),
                  try row.optionalDate("accepted_at") == nil,
                  try row.date("expires_at") > Date()
            else { throw RailyardError.unauthorized("invite token is invalid, used or expired") }
            let inviteID: InviteID = try row.id("id")
            let workspace: WorkspaceID = try row.id("workspace_id")
            let email = try row.text("email")
            let role = try Self.decodeRole(row)
            let now = Date()
            let user: User
            if let existing = try await db.first("SELECT * FROM users WHERE email = ?", [.text(email)]) {
                user = try Self.decodeCredentials(existing).user
                guard user.id == authenticatedUser else {
                    throw RailyardError.unauthorized(
                        "\(email) already has an account: log in as it, or give its password, to accept the invite")
                }
            } else {
                user = User(id: .generate(), email: email, createdAt: now)
                try await self.insertUser(db, user, passwordHash: try passwordHash())
            }
            try await db.execute("UPDATE invites SET accepted_at = ? WHERE id = ?", [SQLValue(now), SQLValue(inviteID)])
            try await db.execute(
                "INSERT INTO memberships (workspace_id, user_id, role, created_at) VALUES (?, ?, ?, ?)",
                [SQLValue(workspace), SQLValue(user.id), .text(role.rawValue), SQLValue(now)])
            try await self.recordAudit(
                db, AuditContext(actor: "user:\(user.id)", clientAddress: clientAddress), workspace: workspace,
                action: "invite.accept", targetType: "invite", targetID: inviteID.rawValue)
            return (user, Membership(workspaceID: workspace, userID: user.id, email: email, role: role, createdAt: now))
        }
    }

    // MARK: Refresh tokens

    public struct RefreshTokenRecord: Sendable {
        public var id: RefreshTokenID
        public var userID: UserID
        public var familyID: String
        public var expiresAt: Date
        public var rotatedAt: Date?
        public var revokedAt: Date?
    }

    public func insertRefreshToken(
        id: RefreshTokenID, user: UserID, familyID: String, tokenHash: String, expiresAt: Date
    ) async throws {
        try await write(conflict: "refresh token collision") { db in
            try await db.execute(
                """
                INSERT INTO refresh_tokens (id, user_id, family_id, token_hash, created_at, expires_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
                [SQLValue(id), SQLValue(user), .text(familyID), .text(tokenHash), SQLValue(Date()), SQLValue(expiresAt)])
        }
    }

    /// Records a session that began while the store could not take writes (a full disk): its
    /// current refresh token, and the ones already spent, marked rotated, so that a replay of
    /// one revokes the family as with any other session.
    public func recordSession(
        user: UserID, familyID: String, tokenHash: String, expiresAt: Date, spentTokenHashes: [String]
    ) async throws {
        try await write(conflict: "refresh token collision") { db in
            let now = Date()
            for spent in spentTokenHashes {
                try await db.execute(
                    """
                    INSERT INTO refresh_tokens (id, user_id, family_id, token_hash, created_at, expires_at, rotated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                    [SQLValue(RefreshTokenID.generate()), SQLValue(user), .text(familyID), .text(spent), SQLValue(now),
                     SQLValue(expiresAt), SQLValue(now)])
            }
            try await db.execute(
                """
                INSERT INTO refresh_tokens (id, user_id, family_id, token_hash, created_at, expires_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
                [SQLValue(RefreshTokenID.generate()), SQLValue(user), .text(familyID), .text(tokenHash), SQLValue(now),
                 SQLValue(expiresAt)])
        }
    }

    /// Rotates a refresh token: marks it used and stores its successor in the same family, in
    /// one transaction. A token that was already rotated is being replayed: the whole family is
    /// revoked and nil returned, so a stolen token stops working for thief and owner alike.
    public func rotateRefreshToken(
        tokenHash: String, successorID: RefreshTokenID, successorHash: String, successorExpiresAt: Date
    ) async throws -> RefreshTokenRecord? {
        try await write(conflict: "refresh token collision") { db in
            guard let row = try await db.first("SELECT * FROM refresh_tokens WHERE token_hash = ?", [.text(tokenHash)])
            else { return nil }
            let record = try Self.decodeRefreshToken(row)
            let now = Date()
            if record.rotatedAt != nil || record.revokedAt != nil {
                try await db.execute(
                    "UPDATE refresh_tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL",
                    [SQLValue(now), .text(record.familyID)])
                return nil
            }
            guard record.expiresAt > now else { return nil }
            // Compare-and-set: of two concurrent rotations of one token, only one wins; the
            // other is a replay and revokes the family.
            guard try await db.first(
                """
                UPDATE refresh_tokens SET rotated_at = ? WHERE id = ? AND rotated_at IS NULL AND revoked_at IS NULL
                RETURNING id
                """, [SQLValue(now), SQLValue(record.id)]) != nil
            else {
                try await db.execute(
                    "UPDATE refresh_tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL",
                    [SQLValue(now), .text(record.familyID)])
                return nil
            }
            try await db.execute(
                """
                INSERT INTO refresh_tokens (id, user_id, family_id, token_hash, created_at, expires_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
                [SQLValue(successorID), SQLValue(record.userID), .text(record.familyID), .text(successorHash),
                 SQLValue(now), SQLValue(successorExpiresAt)])
            return record
        }
    }

    /// Revokes the family of the given refresh token (logout). Unknown tokens are ignored.
    public func revokeRefreshFamily(tokenHash: String) async throws {
        try await write(conflict: "") { db in
            guard let row = try await db.first("SELECT family_id FROM refresh_tokens WHERE token_hash = ?", [.text(tokenHash)])
            else { return }
            try await db.execute(
                "UPDATE refresh_tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL",
                [SQLValue(Date()), .text(try row.text("family_id"))])
        }
    }

    /// The user and session of a refresh token that may still be used (not rotated, revoked or
    /// expired), read without using it up. The dashboard's cookie is its session's refresh
    /// token, which it never rotates: a rotation elsewhere (the token taken to the API's
    /// refresh) ends the dashboard's session too.
    public func openSession(refreshTokenHash: String, now: Date = Date()) async throws -> (user: UserID, session: String)? {
        try await read { db in
            guard let row = try await db.first("SELECT * FROM refresh_tokens WHERE token_hash = ?", [.text(refreshTokenHash)])
            else { return nil }
            let record = try Self.decodeRefreshToken(row)
            guard record.rotatedAt == nil, record.revokedAt == nil, record.expiresAt > now else { return nil }
            return (record.userID, record.familyID)
        }
    }

    /// Whether the session (refresh token family) `familyID` exists and has not been revoked by
    /// a logout or a replayed refresh token. Access tokens name their session, and are refused
    /// once it is closed.
    public func sessionIsOpen(familyID: String) async throws -> Bool {
        try await read { db in
            guard let row = try await db.first(
                "SELECT COUNT(*) AS n, COUNT(revoked_at) AS revoked FROM refresh_tokens WHERE family_id = ?",
                [.text(familyID)])
            else { return false }
            return try row.integer("n") > 0 && row.integer("revoked") == 0
        }
    }

    static func decodeRefreshToken(_ row: SQLRow) throws -> RefreshTokenRecord {
        RefreshTokenRecord(
            id: try row.id("id"), userID: try row.id("user_id"), familyID: try row.text("family_id"),
            expiresAt: try row.date("expires_at"), rotatedAt: try row.optionalDate("rotated_at"),
            revokedAt: try row.optionalDate("revoked_at"))
    }
}
