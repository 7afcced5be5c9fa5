import Foundation
import Testing
@testable import RailyardCore
@testable import RailyardStore

/// TCP proxies in the store, on SQLite and PostgreSQL alike: one per service per environment,
/// each port once on the server, the lowest free port of the range, a database's public URL
/// set and unset with its proxy, gone with their service.
struct TCPProxyStoreTests {
    static let audit = StoreTests.audit

    @Test(arguments: Backend.allCases)
    func onePerServiceAndEnvironmentEachPortOnce(backend: Backend) async throws {
        try await StoreHarness.withStore(backend) { store, _ in
            let (_, workspace) = try await StoreTests.bootstrap(store)
            let (project, production) = try await store.createProject(name: "p", in: workspace.id, audit: Self.audit)
            let staging = try await store.createEnvironment(name: "staging", in: project.id, audit: Self.audit)
            let db = try await store.createService(name: "db", in: project.id, audit: Self.audit)
            let web = try await store.createService(name: "web", in: project.id, audit: Self.audit)
            let range = 30000...30009
            let url = DatabaseEngine.postgres.publicURLVariable
            // The range's first port is held by another program (isFree says no): the next one.
            let first = try await store.createTCPProxy(
                service: db.id, environment: production.id, port: nil, range: range, targetPort: 5432, publicURL: url,
                isFree: { $0 != 30000 }, audit: Self.audit)
            #expect(first.port == 30001)
            let variables = try await store.variables(of: db.id, in: production.id, withValues: true)
            #expect(variables.first { $0.name == "DATABASE_PUBLIC_URL" }?.value == url.value)
            // A second for the same service and environment: refused; another environment: fine.
            await #expect(throws: RailyardError.self) {
                try await store.createTCPProxy(
                    service: db.id, environment: production.id, port: nil, range: range, targetPort: 5432, publicURL: nil,
                    isFree: { _ in true }, audit: Self.audit)
            }
            // A port another proxy has: refused; a free one asked for: given.
            await #expect(throws: RailyardError.self) {
                try await store.createTCPProxy(
                    service: web.id, environment: production.id, port: 30001, range: range, targetPort: 80, publicURL: nil,
                    isFree: { _ in true }, audit: Self.audit)
            }
            let asked = try await store.createTCPProxy(
                service: web.id, environment: production.id, port: 30005, range: range, targetPort: 80, publicURL: nil,
                isFree: { _ in true }, audit: Self.audit)
            #expect(asked.port == 30005)
            let staged = try await store.createTCPProxy(
                service: db.id, environment: staging.id, port: nil, range: range, targetPort: 5432, publicURL: nil,
                isFree: { _ in true }, audit: Self.audit)
            #expect(staged.port == 30000)
            #expect(try await store.tcpProxies(in: production.id).map(\.port).sorted() == [30001, 30005])
            // The resolver gives the service its proxy's platform variables, and the URL resolves.
            let environment = try #require(try await store.environment(id: production.id))
            try await store.updateVariables(
                of: db.id, in: production.id, set: ["PGUSER": "u", "PGPASSWORD": "pw", "PGDATABASE": "railway"], unset: [],
                audit: Self.audit)
            try await store.updateVariables(
                of: web.id, in: production.id, set: ["WHERE": "${{RAILWAY_TCP_PROXY_PORT}}"], unset: [], audit: Self.audit)
            let resolver = try await store.variableResolver(project: project, environment: environment, tcpProxyDomain: "db.example.com")
            let resolved = try resolver.resolve(service: "db")
            #expect(resolved.first { $0.name == "DATABASE_PUBLIC_URL" }?.value == "postgresql://u:pw@db.example.com:30001/railway")
            // web's proxy is its own: its port, not db's.
            #expect(try resolver.resolve(service: "web").first { $0.name == "WHERE" }?.value == "30005")
            // Removing it unsets the public URL in the same transaction.
            try await store.deleteTCPProxy(first.id, unsetVariable: url.name, audit: Self.audit)
            #expect(try await store.tcpProxy(service: db.id, environment: production.id) == nil)
            #expect(try await store.variables(of: db.id, in: production.id, withValues: false).allSatisfy { $0.name != "DATABASE_PUBLIC_URL" })
            // The service's deletion takes its proxies.
            try await store.deleteService(db.id, audit: Self.audit)
            #expect(try await store.allTCPProxies().map(\.id) == [asked.id])
        }
    }
}
