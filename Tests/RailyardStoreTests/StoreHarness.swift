import Crypto
import Foundation
import Logging
import Testing
@testable import RailyardStore

/// The two backends every store test runs against.
enum Backend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    var testDescription: String { rawValue }
}

/// Opens a fresh, migrated store on `backend` for one test: a new SQLite file in a temporary
/// folder, or a new database on the PostgreSQL server that scripts/test started
/// (`RAILYARD_TEST_POSTGRES_URL`). Without that server the PostgreSQL cases fail: they are
/// never skipped.
enum StoreHarness {
    static let logger: Logger = {
        var logger = Logger(label: "railyard.test")
        logger.logLevel = .warning
        return logger
    }()

    static func withStore<T: Sendable>(
        _ backend: Backend, key: SymmetricKey = SymmetricKey(size: .bits256),
        _ body: @Sendable (Store, Store.Location) async throws -> T
    ) async throws -> T {
        let location = try await makeLocation(backend)
        let store = try Store(location: location, secrets: SecretBox(key: key), logger: logger)
        return try await store.withRunning {
            try await store.migrate()
            return try await body(store, location)
        }
    }

    static func makeLocation(_ backend: Backend) async throws -> Store.Location {
        switch backend {
        case .sqlite:
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("railyard-store-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            return .sqlite(path: folder.appendingPathComponent("railyard.sqlite").path)
        case .postgres:
            let serverURL = try #require(
                ProcessInfo.processInfo.environment["RAILYARD_TEST_POSTGRES_URL"],
                "RAILYARD_TEST_POSTGRES_URL is not set: run the tests through scripts/test, which starts PostgreSQL")
            let name = "railyard_test_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased())"
            let admin = try Store(location: .postgres(url: serverURL), secrets: SecretBox(key: SymmetricKey(size: .bits256)), logger: logger)
            try await admin.withRunning {
                try await admin.driver.read(limit: nil) { db in try await db.execute("CREATE DATABASE \(name)") }
            }
            guard var components = URLComponents(string: serverURL) else { throw ConfigurationProblem("bad test URL") }
            components.path = "/\(name)"
            return .postgres(url: try #require(components.string))
        }
    }
}
