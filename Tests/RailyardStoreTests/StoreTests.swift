import Crypto
import Foundation
import Testing
@testable import RailyardCore
@testable import RailyardStore

/// One suite, run against SQLite and PostgreSQL alike.
struct StoreTests {
    static let audit = AuditContext(actor: "test", clientAddress: "127.0.0.1")

    static func bootstrap(_ store: Store) async throws -> (User, Workspace) {
        try await store.bootstrapAdmin(email: "Admin@Example.com", passwordHash: "hash", workspaceName: "main", audit: audit)
    }

    @Test(arguments: Backend.allCases)
    func migrationsApplyOnceAndAgainWithoutChange(backend: Backend) async throws {
        try await StoreHarness.withStore(backend) { store, _ in
            try await store.migrate()
            try await store.migrate()
            #expect(await store.readiness() == nil)
            #expect(try await store.userCount() == 0)
        }
    }

    @Test(arguments: Backend.allCases)
    func bootstrapCreatesOneAdminOnly(backend: Backend) async throws {
        try await StoreHarness.withStore(backend) { store, _ in
            let (user, workspace) = try await Self.bootstrap(store)
            #expect(user.email == "admin@example.com")
            #expect(try await store.role(of: user.id, in: workspace.id) == .admin)
            #expect(try await store.credentials(email: "ADMIN@example.com")?.user.id == user.id)
            await #expect(throws: RailyardError.self) { try await Self.bootstrap(store) }
            #expect(try await store.userCount() == 1)
        }
    }

    @Test(arguments: Backend.allCases)
    func projectsComeWithProductionAndPaginate(backend: Backend) async throws {
        try await StoreHarness.withStore(backend) { store, _ in
            let (_, workspace) = try await Self.bootstrap(store)
            var created: [ProjectID] = []
            for index in 0..<5 {
                let (project, environment) = try await store.createProject(name: "p\(index)", in: workspace.id, audit: Self.audit)
                #expect(environment.name == "production")
                #expect(environment.projectID == project.id)
                created.append(project.id)
            }
            var seen: [ProjectID] = []
            var page = PageRequest(limit: 2)
            while true {
                let result = try await store.projects(in: [workspace.id], page: page)
                seen += result.items.map(\.id)
                guard let next = result.nextCursor else { break }
                page.after = next
            }
            #expect(seen == created)
            await #expect(throws: RailyardError.conflict("a project named 'p1' already exists in this workspace")) {
                _ = try await store.createProject(name: "p1", in: workspace.id, audit: Self.audit)
            }
            let renamed = try await store.renameProject(created[0], to: "renamed", audit: Self.audit)
            #expect(renamed.name == "renamed")
            #expect(try await store.projects(in: [WorkspaceID.generate()], page: PageRequest()).items.isEmpty)
        }
    }

    @Test(arguments: Backend.allCases)
    func serviceNamesAreUniquePerProject(backend: Backend) async throws {
        try await StoreHarness.withStore(backend) { store, _ in
            let (_, workspace) = try await Self.bootstrap(store)
            let (first, _) = try await store.createProject(name: "a", in: workspace.id, audit: Self.audit)
            let (second, _) = try await store.createProject(name: "b", in: workspace.id, audit: Self.audit)
            _ = try await store.createService(name: "web", in: first.id, audit: Self.audit)
            _ = try await store.createService(name: "web", in: second.id, audit: Self.audit)
            await #expect(throws: RailyardError.self) {
                _ = try await store.createService(name: "web", in: first.id, audit: Self.audit)
            }
            await #expect(throws: RailyardError.notFound("project")) {
                _ = try await store.createService(name: "web", in: ProjectID.generate(), audit: Self.audit)
            }
        }
    }

    @Test(arguments: Backend.allCases)
    func concurrentWritesAllLand(backend: Backend) async throws {
        try await StoreHarness.withStore(backend) { store, _ in
            let (_, workspace) = try await Self.bootstrap(store)
            let (project, _) = try await store.createProject(name: "busy", in: workspace.id, audit: Self.audit)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<25 {
                    group.addTask { _ = try await store.createService(name: "s\(index)", in: project.id, audit: Self.audit) }
                }
                try await group.waitForAll()
            }
            #expect(try await store.services(in: project.id, page: PageRequest(limit: 200)).items.count == 25)
        }
    }

    @Test(arguments: Backend.allCases)
    func variablesAreSealedAtRest(backend: Backend) async throws {
        let secretValue = "postgres://user:hunter2-\(UUID().uuidString)@db/app"
        try await StoreHarness.withStore(backend) { store, location in
            let (_, workspace) = try await Self.bootstrap(store)
            let (project, environment) = try await store.createProject(name: "app", in: workspace.id, audit: Self.audit)
            let service = try await store.createService(name: "web", in: project.id, audit: Self.audit)
            try await store.updateVariables(
                of: service.id, in: environment.id, set: ["DATABASE_URL": secretValue, "A": "1"], unset: [],
                audit: Self.audit)
            let opened = try await store.variables(of: service.id, in: environment.id, withValues: true)
            #expect(opened.map(\.name) == ["A", "DATABASE_URL"])
            #expect(opened.last?.value == secretValue)
            let hidden = try await store.variables(of: service.id, in: environment.id, withValues: false)
            #expect(hidden.allSatisfy { $0.value == nil })

            // What the database holds is not the value.
            let stored = try await store.read { db in
                try await db.query("SELECT sealed_value FROM variables").map { try $0.text("sealed_value") }
            }
            #expect(stored.count == 2)
            #expect(!stored.contains { $0.contains("hunter2") })
            if case .sqlite(let path) = location {
                for suffix in ["", "-wal"] {
                    let bytes = FileManager.default.contents(atPath: path + suffix) ?? Data()
                    #expect(bytes.range(of: Data("hunter2".utf8)) == nil, "plaintext found in \(path + suffix)")
                }
            }

            try await store.updateVariables(of: service.id, in: environment.id, set: ["A": "2"], unset: ["DATABASE_URL"], audit: Self.audit)
            let after = try await store.variables(of: service.id, in: environment.id, withValues: true)
            #expect(after.map { "\($0.name)=\($0.value ?? "")" } == ["A=2"])
        }
    }

    @Test func anExistingKeyFileIsNeverReplaced() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("railyard-key-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("secret.key").path
        let first = try SecretBox.loadOrCreate(keyFile: path)
        let sealed = try first.seal("value", context: "c")
        #expect(try SecretBox.loadOrCreate(keyFile: path).open(sealed, context: "c") == "value")
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        try Data("damaged".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: (any Error).self) { try SecretBox.loadOrCreate(keyFile: path) }
        #expect(FileManager.default.contents(atPath: path) == Data("damaged".utf8))
    }

    @Test func sealedValuesDoNotOpenUnderAnotherKeyOrRow() throws {
        let box = SecretBox(key: SymmetricKey(size: .bits256))
        let sealed = try box.seal("secret", context: "row-1")
        #expect(try box.open(sealed, context: "row-1") == "secret")
        #expect(throws: (any Error).self) { try box.open(sealed, context: "row-2") }
        #expect(throws: (any Error).self) { try SecretBox(key: SymmetricKey(size: .bits256)).open(sealed, context: "row-1") }
        #expect(throws: (any Error).self) { try SecretBox(base64Key: "too-short") }
    }

    @Test(arguments: Backend.allCases)
    func deploymentsFollowTheStateMachine(backend: Backend) async throws {
        try await StoreHarness.withStore(backend) { store, _ in
            let (_, workspace) = try await Self.bootstrap(store)
            let (project, environment) = try await store.createProject(name: "app", in: workspace.id, audit: Self.audit)
            let service = try await store.createService(name: "web", in: project.id, audit: Self.audit)
            let deployment = try await store.createDeployment(
                service: service.id, environment: environment.id, message: "first", audit: Self.audit)
            #expect(deployment.status == .queued)
            _ = try await store.transitionDeployment(deployment.id, to: .building, reason: nil, audit: Self.audit)
            await #expect(throws: RailyardError.self) {
                _ = try await store.transitionDeployment(deployment.id, to: .success, reason: nil, audit: Self.audit)
            }
            _ = try await store.transitionDeployment(deployment.id, to: .deploying, reason: nil, audit: Self.audit)
            let done = try await store.transitionDeployment(deployment.id, to: .success, reason: "healthy", audit: Self.audit)
            #expect(done.status == .success)
            #expect(done.statusReason == "healthy")
            let second = try await store.createDeployment(service: service.id, environment: environment.id, message: nil, audit: Self.audit)
            let listed = try await store.deployments(of: service.id, in: environment.id, page: PageRequest(limit: 1))
            #expect(listed.items.map(\.id) == [second.id])
            let rest = try await store.deployments(of: service.id, in: nil, page: PageRequest(limit: 1, after: listed.nextCursor))
            #expect(rest.items.map(\.id) == [deployment.id])
        }
    }

    @Test(arguments: Backend.allCases)
    func refreshTokenReuseRevokesTheFamily(backend: Backend) async throws {
        try await StoreHarness.withStore(backend) { store, _ in
            let (user, _) = try await Self.bootstrap(store)
            let later = Date().addingTimeInterval(3600)
            try await store.insertRefreshToken(id: .generate(), user: user.id, familyID: "f1", tokenHash: "h1", expiresAt: later)
            #expect(try await store.sessionIsOpen(familyID: "f1"))
            #expect(try await !store.sessionIsOpen(familyID: "never-issued"))
            let first = try await store.rotateRefreshToken(tokenHash: "h1", successorID: .generate(), successorHash: "h2", successorExpiresAt: later)
            #expect(first?.userID == user.id)
            // A rotation keeps the session open.
            #expect(try await store.sessionIsOpen(familyID: "f1"))
            // h1 again: a replay. Nothing is issued and h2 dies with the family.
            #expect(try await store.rotateRefreshToken(tokenHash: "h1", successorID: .generate(), successorHash: "h3", successorExpiresAt: later) == nil)
            #expect(try await store.rotateRefreshToken(tokenHash: "h2", successorID: .generate(), successorHash: "h4", successorExpiresAt: later) == nil)
            #expect(try await !store.sessionIsOpen(familyID: "f1"))
            // Logout closes a session.
            try await store.insertRefreshToken(id: .generate(), user: user.id, familyID: "f3", tokenHash: "l1", expiresAt: later)
            try await store.revokeRefreshFamily(tokenHash: "l1")
            #expect(try await !store.sessionIsOpen(familyID: "f3"))
            // Expired tokens do not rotate.
            try await store.insertRefreshToken(id: .generate(), user: user.id, familyID: "f2", tokenHash: "old", expiresAt: Date().addingTimeInterval(-1))
            #expect(try await store.rotateRefreshToken(tokenHash: "old", successorID: .generate(), successorHash: "h5", successorExpiresAt: later) == nil)
        }
    }

    @Test(arguments: Backend.allCases)
    func invitesAreSingleUseAndRolesKeepAnAdmin(backend: Backend) async throws {
        try await StoreHarness.withStore(backend) { store, _ in
            let (admin, workspace) = try await Self.bootstrap(store)
            _ = try await store.createInvite(
                workspace: workspace.id, email: "V@example.com", role: .viewer, tokenHash: "invite", createdBy: admin.id,
                expiresAt: Date().addingTimeInterval(60), audit: Self.audit)
            let (viewer, membership) = try await store.acceptInvite(tokenHash: "invite", passwordHash: { "pw" }, clientAddress: nil)
            #expect(membership.role == .viewer)
            #expect(viewer.email == "v@example.com")
            await #expect(throws: RailyardError.self) {
                _ = try await store.acceptInvite(tokenHash: "invite", passwordHash: { "pw" }, clientAddress: nil)
            }
            await #expect(throws: RailyardError.self) {
                _ = try await store.createInvite(
                    workspace: workspace.id, email: "v@example.com", role: .member, tokenHash: "again", createdBy: admin.id,
                    expiresAt: Date().addingTimeInterval(60), audit: Self.audit)
            }
            _ = try await store.createInvite(
                workspace: workspace.id, email: "late@example.com", role: .member, tokenHash: "expired", createdBy: admin.id,
                expiresAt: Date().addingTimeInterval(-1), audit: Self.audit)
            await #expect(throws: RailyardError.self) {
                _ = try await store.acceptInvite(tokenHash: "expired", passwordHash: { "pw" }, clientAddress: nil)
            }
            #expect(try await store.setRole(.member, of: viewer.id, in: workspace.id, audit: Self.audit).role == .member)
            await #expect(throws: RailyardError.self) {
                _ = try await store.setRole(.viewer, of: admin.id, in: workspace.id, audit: Self.audit)
            }
            #expect(try await store.members(of: workspace.id, page: PageRequest()).items.count == 2)
        }
    }

    /// An invite for an email that already has an account joins that account only when the
    /// caller proved to be its owner; anyone else's acceptance leaves the invite open.
    @Test(arguments: Backend.allCases)
    func invitesForExistingAccountsNeedTheirOwner(backend: Backend) async throws {
        try await StoreHarness.withStore(backend) { store, _ in
            let (admin, workspace) = try await Self.bootstrap(store)
            _ = try await store.createInvite(
                workspace: workspace.id, email: "v@example.com", role: .viewer, tokenHash: "first", createdBy: admin.id,
                expiresAt: Date().addingTimeInterval(60), audit: Self.audit)
            let (victim, _) = try await store.acceptInvite(tokenHash: "first", passwordHash: { "pw" }, clientAddress: nil)
            let other = try await store.createWorkspace(name: "other", owner: admin.id, audit: Self.audit)
            _ = try await store.createInvite(
                workspace: other.id, email: "v@example.com", role: .admin, tokenHash: "second", createdBy: admin.id,
                expiresAt: Date().addingTimeInterval(60), audit: Self.audit)
            for stranger in [nil, admin.id] {
                await #expect(throws: RailyardError.self) {
                    _ = try await store.acceptInvite(
                        tokenHash: "second", authenticatedUser: stranger, passwordHash: { "pw" }, clientAddress: nil)
                }
            }
            #expect(try await store.openInviteEmail(tokenHash: "second") == "v@example.com")
            #expect(try await store.role(of: victim.id, in: other.id) == nil)
            let (joined, membership) = try await store.acceptInvite(
                tokenHash: "second", authenticatedUser: victim.id, passwordHash: { "pw" }, clientAddress: nil)
            #expect(joined.id == victim.id)
            #expect(membership.role == .admin)
            #expect(try await store.openInviteEmail(tokenHash: "second") == nil)
        }
    }

    @Test(arguments: Backend.allCases)
    func tokensAndAuditTrail(backend: Backend) async throws {
        try await StoreHarness.withStore(backend) { store, _ in
            let (admin, workspace) = try await Self.bootstrap(store)
            let (project, environment) = try await store.createProject(name: "app", in: workspace.id, audit: Self.audit)
            let token = try await store.createAPIToken(
                name: "ci", role: .member, scope: .environment(workspace.id, project.id, environment.id), tokenHash: "t1",
                createdBy: admin.id, expiresAt: nil, audit: Self.audit)
            #expect(try await store.apiToken(hash: "t1")?.scope == .environment(workspace.id, project.id, environment.id))
            // Refused on the field: the workspace exists, so a 404 would mislead.
            await #expect(throws: RailyardError.invalid(
                "environmentId must be an environment of projectId, in this workspace", field: "environmentId")) {
                _ = try await store.createAPIToken(
                    name: "bad", role: .member, scope: .environment(workspace.id, project.id, EnvironmentID.generate()),
                    tokenHash: "t2", createdBy: admin.id, expiresAt: nil, audit: Self.audit)
            }
            let revoked = try await store.revokeAPIToken(token.id, audit: Self.audit)
            #expect(revoked.revokedAt != nil)
            let events = try await store.auditEvents(in: workspace.id, page: PageRequest())
            #expect(events.items.map(\.action) == ["token.revoke", "token.create", "project.create", "setup"])
            #expect(events.items.first?.clientAddress == "127.0.0.1")
            try await store.deleteProject(project.id, audit: Self.audit)
            #expect(try await store.project(id: project.id) == nil)
            #expect(try await store.apiToken(hash: "t1") == nil, "environment tokens go with their project")
        }
    }

    @Test(arguments: Backend.allCases)
    func cancelledTransactionRollsBackAndLeavesTheStoreWritable(backend: Backend) async throws {
        try await StoreHarness.withStore(backend) { store, _ in
            let (_, workspace) = try await Self.bootstrap(store)
            let started = AsyncStream<Void>.makeStream()
            let task = Task {
                try await store.driver.transaction(limit: nil) { db in
                    try await db.execute(
                        "INSERT INTO projects (id, workspace_id, name, created_at) VALUES (?, ?, ?, ?)",
                        [SQLValue(ProjectID.generate()), SQLValue(workspace.id), .text("half-done"), .integer(0)])
                    started.continuation.yield()
                    try await Task.sleep(for: .seconds(30))
                }
            }
            for await _ in started.stream { break }
            task.cancel()
            await #expect(throws: CancellationError.self) { try await task.value }
            let (project, _) = try await store.createProject(name: "after", in: workspace.id, audit: Self.audit)
            let names = try await store.projects(in: [workspace.id], page: PageRequest()).items.map(\.name)
            #expect(names == [project.name], "the cancelled insert was rolled back and later writes work")
        }
    }

    @Test(arguments: Backend.allCases)
    func concurrentRotationsOfOneRefreshTokenLetAtMostOneWin(backend: Backend) async throws {
        try await StoreHarness.withStore(backend) { store, _ in
            let (user, _) = try await Self.bootstrap(store)
            let later = Date().addingTimeInterval(3600)
            try await store.insertRefreshToken(id: .generate(), user: user.id, familyID: "race", tokenHash: "r0", expiresAt: later)
            let winners = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<8 {
                    group.addTask {
                        try await store.rotateRefreshToken(
                            tokenHash: "r0", successorID: .generate(), successorHash: "r\(index + 1)", successorExpiresAt: later) != nil
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(winners == 1)
        }
    }
}
