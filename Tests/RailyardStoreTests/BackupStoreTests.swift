import Foundation
import Testing
@testable import RailyardCore
@testable import RailyardStore

/// Database services and their backups in the store, on SQLite and PostgreSQL alike.
struct BackupStoreTests {
    static let audit = StoreTests.audit

    @Test(arguments: Backend.allCases)
    func backupsOutliveTheirServiceNotTheirEnvironment(backend: Backend) async throws {
        try await StoreHarness.withStore(backend) { store, _ in
            let (_, workspace) = try await StoreTests.bootstrap(store)
            let (project, environment) = try await store.createProject(name: "app", in: workspace.id, audit: Self.audit)
            let postgres = try await store.createService(name: "postgres", in: project.id, database: .postgres, audit: Self.audit)
            #expect(try await store.service(id: postgres.id)?.database == .postgres)
            #expect(try await store.createService(name: "web", in: project.id, audit: Self.audit).database == nil)

            let first = try await store.createBackup(
                service: postgres, environment: environment.id, engine: .postgres, trigger: "manual", node: "n1", audit: Self.audit)
            let second = try await store.createBackup(
                service: postgres, environment: environment.id, engine: .postgres, trigger: "final", node: "n1", audit: Self.audit)
            #expect(try await store.unfinishedBackups(node: "n1").map(\.id) == [first.id, second.id])
            #expect(try await store.unfinishedBackups(node: "n2").isEmpty)
            try await store.finishBackup(first.id, status: .completed, file: "\(first.id).dump", sizeBytes: 1234, sha256: String(repeating: "a", count: 64))
            try await store.finishBackup(second.id, status: .failed, reason: "the dump program exited with status 1")
            try await store.recordRestore(first.id, status: .running)
            #expect(try await store.unfinishedBackups(node: "n1").map(\.id) == [first.id], "a running restore is unfinished")
            try await store.recordRestore(first.id, status: .completed)

            let listed = try await store.backups(in: environment.id, serviceName: "postgres")
            #expect(listed.map(\.id) == [second.id, first.id], "newest first")
            let completed = try #require(listed.last)
            #expect(completed.status == .completed && completed.sizeBytes == 1234 && completed.restoreStatus == .completed)
            #expect(completed.finishedAt != nil && completed.restoredAt != nil)
            #expect(listed.first?.reason == "the dump program exited with status 1")
            #expect(try await store.backupFile(id: first.id) == "\(first.id).dump")
            #expect(try await store.allBackupFiles() == ["\(first.id).dump"])

            // A final backup outlives its service (to be restored into another)…
            try await store.deleteService(postgres.id, audit: Self.audit)
            #expect(try await store.backups(in: environment.id, serviceName: "postgres").count == 2)
            try await store.deleteBackup(second.id, audit: Self.audit)
            await #expect(throws: RailyardError.self) { try await store.deleteBackup(second.id, audit: Self.audit) }
            // …not its environment.
            let staging = try await store.createEnvironment(name: "staging", in: project.id, audit: Self.audit)
            let redis = try await store.createService(name: "redis", in: project.id, database: .redis, audit: Self.audit)
            _ = try await store.createBackup(service: redis, environment: staging.id, engine: .redis, trigger: "manual", node: "n1", audit: Self.audit)
            #expect(try await store.backups(in: staging.id).count == 1)
            try await store.deleteEnvironment(staging.id, audit: Self.audit)
            #expect(try await store.backups(in: staging.id).isEmpty)
        }
    }
}
