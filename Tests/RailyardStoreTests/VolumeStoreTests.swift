import Foundation
import Testing
@testable import RailyardCore
@testable import RailyardStore

/// Volumes in the store, on SQLite and PostgreSQL alike: one per service per environment, kept
/// until removed, gone with their service.
struct VolumeStoreTests {
    static let audit = StoreTests.audit

    @Test(arguments: Backend.allCases)
    func oneVolumePerServiceAndEnvironment(backend: Backend) async throws {
        try await StoreHarness.withStore(backend) { store, _ in
            let (_, workspace) = try await StoreTests.bootstrap(store)
            let (project, production) = try await store.createProject(name: "p", in: workspace.id, audit: Self.audit)
            let staging = try await store.createEnvironment(name: "staging", in: project.id, audit: Self.audit)
            let web = try await store.createService(name: "web", in: project.id, audit: Self.audit)
            let volume = try await store.createVolume(
                service: web.id, environment: production.id, mountPath: "/data", sizeBytes: 64 << 20, audit: Self.audit)
            #expect(volume.name == "web-volume")
            #expect(try await store.volume(id: volume.id)?.mountPath == "/data")
            #expect(try await store.volume(service: web.id, environment: production.id)?.id == volume.id)
            // A second one for the same service and environment: 409; another environment: fine.
            await #expect(throws: RailyardError.self) {
                try await store.createVolume(service: web.id, environment: production.id, mountPath: "/other", sizeBytes: 64 << 20, audit: Self.audit)
            }
            let other = try await store.createVolume(
                service: web.id, environment: staging.id, mountPath: "/data", sizeBytes: 32 << 20, audit: Self.audit)
            #expect(try await store.volumes(of: web.id).map(\.id) == [volume.id, other.id])
            // An environment of another project: not found.
            let (_, elsewhere) = try await store.createProject(name: "q", in: workspace.id, audit: Self.audit)
            await #expect(throws: RailyardError.self) {
                try await store.createVolume(service: web.id, environment: elsewhere.id, mountPath: "/data", sizeBytes: 32 << 20, audit: Self.audit)
            }
            #expect(try await store.resizeVolume(volume.id, sizeBytes: 128 << 20, audit: Self.audit).sizeBytes == 128 << 20)
            #expect(try await store.volume(id: volume.id)?.sizeBytes == 128 << 20)
            try await store.deleteVolume(other.id, audit: Self.audit)
            #expect(try await store.volume(id: other.id) == nil)
            // The service's deletion takes its volumes' rows (the server deletes their data).
            try await store.deleteService(web.id, audit: Self.audit)
            #expect(try await store.allVolumes().isEmpty)
        }
    }
}
