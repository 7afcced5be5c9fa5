import Crypto
import Foundation
import Testing
@testable import RailyardCore
@testable import RailyardStore

/// Shared and sealed variables and what the resolver is given, on SQLite and PostgreSQL alike.
struct SharedVariableStoreTests {
    static let audit = StoreTests.audit

    @Test(arguments: Backend.allCases)
    func sharedAndSealedVariables(backend: Backend) async throws {
        try await StoreHarness.withStore(backend) { store, location in
            let (_, workspace) = try await StoreTests.bootstrap(store)
            let (project, environment) = try await store.createProject(name: "app", in: workspace.id, audit: Self.audit)
            let (otherProject, otherEnvironment) = try await store.createProject(name: "other", in: workspace.id, audit: Self.audit)
            let web = try await store.createService(name: "web", in: project.id, audit: Self.audit)
            let db = try await store.createService(name: "db", in: project.id, audit: Self.audit)
            let foreign = try await store.createService(name: "cache", in: otherProject.id, audit: Self.audit)
            try await store.updateVariables(of: foreign.id, in: otherEnvironment.id, set: ["X": "theirs"], unset: [], audit: Self.audit)
            try await store.updateSharedVariables(in: otherEnvironment.id, set: ["THEIRS": "1"], unset: [], audit: Self.audit)

            try await store.updateVariables(of: db.id, in: environment.id, set: ["PASSWORD": "hunter2-db"], unset: [], sealed: true,
                                            audit: Self.audit)
            try await store.updateVariables(of: web.id, in: environment.id, set: ["URL": "${{db.PASSWORD}}"], unset: [], audit: Self.audit)
            try await store.updateSharedVariables(in: environment.id, set: ["REGION": "eu", "KEY": "hunter2-shared"], unset: [],
                                                  audit: Self.audit)
            try await store.updateSharedVariables(in: environment.id, set: ["KEY": "hunter2-shared-2"], unset: [], sealed: true,
                                                  audit: Self.audit)

            let listed = try await store.sharedVariables(in: environment.id, disclosure: .unsealedValues)
            #expect(listed.map(\.name) == ["KEY", "REGION"])
            #expect(listed.map(\.sealed) == [true, false])
            #expect(listed.map(\.value) == [nil, "eu"])
            #expect(try await store.sharedVariables(in: environment.id, disclosure: .names).allSatisfy { $0.value == nil })
            #expect(try await store.sharedVariables(in: environment.id, disclosure: .allValues).first?.value == "hunter2-shared-2")

            // Sealing lasts: set again without it, the variable stays sealed.
            try await store.updateVariables(of: db.id, in: environment.id, set: ["PASSWORD": "hunter2-db-2"], unset: [], audit: Self.audit)
            let dbVariables = try await store.variables(of: db.id, in: environment.id, disclosure: .unsealedValues)
            #expect(dbVariables.map(\.sealed) == [true])
            #expect(dbVariables.first?.value == nil)
            #expect(try await store.variables(of: db.id, in: environment.id, disclosure: .allValues).first?.value == "hunter2-db-2")
            // Until it is unset.
            try await store.updateVariables(of: db.id, in: environment.id, set: [:], unset: ["PASSWORD"], audit: Self.audit)
            try await store.updateVariables(of: db.id, in: environment.id, set: ["PASSWORD": "open"], unset: [], audit: Self.audit)
            #expect(try await store.variables(of: db.id, in: environment.id, disclosure: .unsealedValues).first?.value == "open")

            // The resolver holds this project's environment only.
            let resolver = try await store.variableResolver(project: project, environment: environment, tcpProxyDomain: "localhost")
            #expect(Set(resolver.services.keys) == ["web", "db"])
            #expect(resolver.shared.values == ["REGION": "eu", "KEY": "hunter2-shared-2"])
            #expect(resolver.shared.sealed == ["KEY"])
            #expect(resolver.services["db"]?.platform["RAILWAY_PRIVATE_DOMAIN"] == "db.railway.internal")
            #expect(resolver.services["db"]?.platform["RAILWAY_SERVICE_ID"] == db.id.rawValue)
            let resolved = try resolver.resolve(service: "web")
            #expect(resolved == [VariableResolver.Resolved(name: "URL", value: "open", sealed: false)])
            #expect(throws: VariableResolutionError.self) {
                try resolver.check([VariableResolver.Key(.service("cache"), "X"), VariableResolver.Key(.shared, "THEIRS")])
            }

            // Shared values are encrypted at rest like the others; they go with their environment.
            let stored = try await store.read { db in
                try await db.query("SELECT sealed_value FROM shared_variables").map { try $0.text("sealed_value") }
            }
            #expect(stored.count == 3)
            #expect(!stored.contains { $0.contains("hunter2") })
            if case .sqlite(let path) = location {
                for suffix in ["", "-wal"] {
                    let bytes = FileManager.default.contents(atPath: path + suffix) ?? Data()
                    #expect(bytes.range(of: Data("hunter2".utf8)) == nil, "plaintext found in \(path + suffix)")
                }
            }
            try await store.deleteProject(otherProject.id, audit: Self.audit)
            let left = try await store.read { db in try await db.query("SELECT name FROM shared_variables").map { try $0.text("name") } }
            #expect(Set(left) == ["REGION", "KEY"])
        }
    }

    /// A database made before shared and sealed variables keeps its variables, unsealed.
    @Test(arguments: Backend.allCases)
    func theMigrationKeepsExistingVariables(backend: Backend) async throws {
        let location = try await StoreHarness.makeLocation(backend)
        let store = try Store(location: location, secrets: SecretBox(key: SymmetricKey(size: .bits256)), logger: StoreHarness.logger)
        try await store.withRunning {
            let before = Array(migrations.prefix { $0.name != "0010_shared_and_sealed_variables" })
            #expect(before.count < migrations.count, "the migration is in the list")
            try await store.migrate(using: before)
            let (_, workspace) = try await StoreTests.bootstrap(store)
            let (project, environment) = try await store.createProject(name: "app", in: workspace.id, audit: Self.audit)
            // As a server of that time made it: later migrations' columns do not exist yet.
            let web = Service(id: .generate(), projectID: project.id, name: "web", createdAt: Date())
            try await store.driver.transaction(limit: nil) { db in
                try await db.execute(
                    "INSERT INTO services (id, project_id, name, created_at) VALUES (?, ?, ?, ?)",
                    [SQLValue(web.id), SQLValue(project.id), .text(web.name), SQLValue(web.createdAt)])
            }
            let encrypted = try store.secrets.seal("old value", context: Store.sealContext(web.id, environment.id, "OLD"))
            try await store.driver.transaction(limit: nil) { db in
                try await db.execute(
                    "INSERT INTO variables (service_id, environment_id, name, sealed_value, updated_at) VALUES (?, ?, ?, ?, ?)",
                    [SQLValue(web.id), SQLValue(environment.id), .text("OLD"), .text(encrypted), SQLValue(Date())])
            }
            try await store.migrate()
            let variables = try await store.variables(of: web.id, in: environment.id, disclosure: .unsealedValues)
            #expect(variables == [Variable(name: "OLD", value: "old value", sealed: false, updatedAt: try #require(variables.first?.updatedAt))])
            #expect(try await store.sharedVariables(in: environment.id, disclosure: .allValues).isEmpty)
        }
    }
}
