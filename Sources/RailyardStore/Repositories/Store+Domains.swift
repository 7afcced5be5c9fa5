import Foundation
import RailyardCore

extension Store {
    /// A domain for the service in the environment. A host name in use anywhere, in any
    /// workspace, is a conflict that names nothing of its owner.
    /// At most this many domains per service and environment (checked in the transaction
    /// that adds one, so concurrent adds cannot pass it).
    public static let maximumDomains = 20

    public func createDomain(
        service: ServiceID, environment: EnvironmentID, hostname: String, kind: Domain.Kind, targetPort: Int?,
        audit: AuditContext
    ) async throws -> Domain {
        try await write(conflict: "the domain \(hostname) is already in use") { db in
            let count = try await db.first(
                "SELECT COUNT(*) AS n FROM domains WHERE service_id = ? AND environment_id = ?",
                [SQLValue(service), SQLValue(environment)])?.integer("n") ?? 0
            if count >= Self.maximumDomains {
                throw RailyardError.conflict("a service has at most \(Self.maximumDomains) domains in an environment")
            }
            guard let row = try await db.first(
                """
                SELECT p.workspace_id FROM services s JOIN projects p ON p.id = s.project_id
                JOIN environments e ON e.project_id = p.id WHERE s.id = ? AND e.id = ?
                """, [SQLValue(service), SQLValue(environment)])
            else { throw RailyardError.notFound("service or environment") }
            let domain = Domain(
                id: .generate(), serviceID: service, environmentID: environment, hostname: hostname, kind: kind,
                targetPort: targetPort, createdAt: Date())
            try await db.execute(
                """
                INSERT INTO domains (id, service_id, environment_id, hostname, kind, target_port, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
                [SQLValue(domain.id), SQLValue(service), SQLValue(environment), .text(hostname), .text(kind.rawValue),
                 targetPort.map { .integer(Int64($0)) } ?? .null, SQLValue(domain.createdAt)])
            try await self.recordAudit(db, audit, workspace: try row.id("workspace_id"), action: "domain.create",
                                       targetType: "domain", targetID: domain.id.rawValue)
            return domain
        }
    }

    /// A generated domain: `SERVICE-PROJECT[-ENVIRONMENT].BASE`, with `-2`, `-3`… when the name
    /// is taken.
    public func createGeneratedDomain(
        service: Service, projectName: String, environment: Environment, base: String, targetPort: Int?, audit: AuditContext
    ) async throws -> Domain {
        for attempt in 1...100 {
            let hostname = DomainRules.generated(
                service: service.name, project: projectName, environment: environment.name, base: base, attempt: attempt)
            if try await domain(hostname: hostname) != nil { continue }
            return try await createDomain(
                service: service.id, environment: environment.id, hostname: hostname, kind: .generated,
                targetPort: targetPort, audit: audit)
        }
        throw RailyardError.conflict("no free generated name for this service; add a custom domain instead")
    }

    public func domain(id: DomainID) async throws -> Domain? {
        try await read { db in
            try await db.first("SELECT * FROM domains WHERE id = ?", [SQLValue(id)]).map(Self.decodeDomain)
        }
    }

    public func domain(hostname: String) async throws -> Domain? {
        try await read { db in
            try await db.first("SELECT * FROM domains WHERE hostname = ?", [.text(hostname)]).map(Self.decodeDomain)
        }
    }

    /// The service's domains in the environment (every environment when nil), oldest first.
    public func domains(of service: ServiceID, in environment: EnvironmentID?) async throws -> [Domain] {
        try await read { db in
            if let environment {
                return try await db.query(
                    "SELECT * FROM domains WHERE service_id = ? AND environment_id = ? ORDER BY id",
                    [SQLValue(service), SQLValue(environment)]).map(Self.decodeDomain)
            }
            return try await db.query("SELECT * FROM domains WHERE service_id = ? ORDER BY id", [SQLValue(service)])
                .map(Self.decodeDomain)
        }
    }

    /// Every domain, for the edge's route table.
    public func allDomains() async throws -> [Domain] {
        try await read { db in try await db.query("SELECT * FROM domains ORDER BY id").map(Self.decodeDomain) }
    }

    /// Renames a domain or changes its port; nil leaves a setting as it is (`.some(nil)` for
    /// the port means the instance's PORT).
    public func updateDomain(_ id: DomainID, hostname: String?, targetPort: Int??, audit: AuditContext) async throws -> Domain {
        try await write(conflict: "the domain \(hostname ?? "") is already in use") { db in
            guard let row = try await db.first("SELECT * FROM domains WHERE id = ?", [SQLValue(id)])
            else { throw RailyardError.notFound("domain") }
            var domain = try Self.decodeDomain(row)
            if let hostname { domain.hostname = hostname }
            if let targetPort { domain.targetPort = targetPort }
            try await db.execute(
                "UPDATE domains SET hostname = ?, target_port = ? WHERE id = ?",
                [.text(domain.hostname), domain.targetPort.map { .integer(Int64($0)) } ?? .null, SQLValue(id)])
            let workspace = try await self.workspaceOf(service: domain.serviceID, db)
            try await self.recordAudit(db, audit, workspace: workspace, action: "domain.update",
                                       targetType: "domain", targetID: id.rawValue)
            return domain
        }
    }

    public func deleteDomain(_ id: DomainID, audit: AuditContext) async throws {
        try await write(conflict: "domain changed concurrently") { db in
            guard let row = try await db.first("SELECT * FROM domains WHERE id = ?", [SQLValue(id)])
            else { throw RailyardError.notFound("domain") }
            let domain = try Self.decodeDomain(row)
            try await db.execute("DELETE FROM domains WHERE id = ?", [SQLValue(id)])
            let workspace = try await self.workspaceOf(service: domain.serviceID, db)
            try await self.recordAudit(db, audit, workspace: workspace, action: "domain.delete",
                                       targetType: "domain", targetID: id.rawValue)
        }
    }

    func workspaceOf(service: ServiceID, _ db: any SQLExecutor) async throws -> WorkspaceID {
        guard let row = try await db.first(
            "SELECT p.workspace_id FROM services s JOIN projects p ON p.id = s.project_id WHERE s.id = ?", [SQLValue(service)])
        else { throw RailyardError.notFound("service") }
        return try row.id("workspace_id")
    }

    static func decodeDomain(_ row: SQLRow) throws -> Domain {
        guard let kind = Domain.Kind(rawValue: try row.text("kind")) else { throw StoreFailure.decoding("kind") }
        return Domain(
            id: try row.id("id"), serviceID: try row.id("service_id"), environmentID: try row.id("environment_id"),
            hostname: try row.text("hostname"), kind: kind, targetPort: try row.optionalInteger("target_port").map { Int($0) },
            createdAt: try row.date("created_at"))
    }
}
