import Foundation
import Testing
@testable import RailyardCore
@testable import RailyardStore

/// Backup schedules in the store, on SQLite and PostgreSQL alike: one per service and
/// environment, replaced whole, moved on only while unchanged, gone with their service.
struct BackupScheduleStoreTests {
    static let audit = StoreTests.audit

    @Test(arguments: Backend.allCases)
    func oneSchedulePerServiceAndEnvironment(backend: Backend) async throws {
        try await StoreHarness.withStore(backend) { store, _ in
            let (_, workspace) = try await StoreTests.bootstrap(store)
            let (project, production) = try await store.createProject(name: "p", in: workspace.id, audit: Self.audit)
            let staging = try await store.createEnvironment(name: "staging", in: project.id, audit: Self.audit)
            let db = try await store.createService(name: "db", in: project.id, database: .postgres, audit: Self.audit)
            let next = Date(timeIntervalSince1970: 1_900_000_000)
            #expect(try await store.backupSchedule(service: db.id, environment: production.id) == nil)
            let first = try await store.setBackupSchedule(
                service: db, environment: production.id, cron: "0 3 * * *", keep: 7, nextAt: next, audit: Self.audit)
            #expect(try await store.backupSchedule(service: db.id, environment: production.id) == first)
            // Set again: replaced whole, created_at kept.
            let second = try await store.setBackupSchedule(
                service: db, environment: production.id, cron: "@hourly", keep: 2, nextAt: next + 60, audit: Self.audit)
            #expect(second.createdAt == first.createdAt && second.cron == "@hourly" && second.keep == 2)
            _ = try await store.setBackupSchedule(
                service: db, environment: staging.id, cron: "@daily", keep: 1, nextAt: next - 60, audit: Self.audit)
            #expect(try await store.backupSchedules().map(\.environmentID) == [staging.id, production.id], "soonest first")
            // Moved on only from the expression it was computed from: a schedule set meanwhile wins.
            try await store.advanceBackupSchedule(service: db.id, environment: production.id, cron: "0 3 * * *", nextAt: next + 999)
            #expect(try await store.backupSchedule(service: db.id, environment: production.id)?.nextAt == next + 60)
            try await store.advanceBackupSchedule(service: db.id, environment: production.id, cron: "@hourly", nextAt: next + 3600)
            #expect(try await store.backupSchedule(service: db.id, environment: production.id)?.nextAt == next + 3600)
            // An environment of another project: not found. keep outside 1–1000: the table refuses it too.
            let (_, elsewhere) = try await store.createProject(name: "q", in: workspace.id, audit: Self.audit)
            await #expect(throws: RailyardError.self) {
                try await store.setBackupSchedule(service: db, environment: elsewhere.id, cron: "@daily", keep: 1, nextAt: next, audit: Self.audit)
            }
            await #expect(throws: (any Error).self) {
                try await store.setBackupSchedule(service: db, environment: production.id, cron: "@daily", keep: 0, nextAt: next, audit: Self.audit)
            }
            try await store.deleteBackupSchedule(service: db, environment: staging.id, audit: Self.audit)
            await #expect(throws: RailyardError.self) {
                try await store.deleteBackupSchedule(service: db, environment: staging.id, audit: Self.audit)
            }
            // The service's deletion takes its schedules.
            try await store.deleteService(db.id, audit: Self.audit)
            #expect(try await store.backupSchedules().isEmpty)
        }
    }
}
