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
        httpsRedirect: Bool = false, certificate: DomainCertificate? = nil, audit: AuditContext
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
                targetPort: targetPort, httpsRedirect: httpsRedirect, certificate: certificate?.summary, createdAt: Date())
            try await db.execute(
                """
                INSERT INTO domains (id, service_id, environment_id, hostname, kind, target_port, https_redirect, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [SQLValue(domain.id), SQLValue(service), SQLValue(environment), .text(hostname), .text(kind.rawValue),
                 targetPort.map { .integer(Int64($0)) } ?? .null, .integer(httpsRedirect ? 1 : 0), SQLValue(domain.createdAt)])
            try await self.writeCertificate(certificate, of: domain.id, db)
            try await self.recordAudit(db, audit, workspace: try row.id("workspace_id"), action: "domain.create",
                                       targetType: "domain", targetID: domain.id.rawValue)
            return domain
        }
    }

    /// A generated domain: `SERVICE-PROJECT[-ENVIRONMENT].BASE`, with `-2`, `-3`… when the name
    /// is taken.
    public func createGeneratedDomain(
        service: Service, projectName: String, environment: Environment, base: String, targetPort: Int?,
        httpsRedirect: Bool = false, audit: AuditContext
    ) async throws -> Domain {
        for attempt in 1...100 {
            let hostname = DomainRules.generated(
                service: service.name, project: projectName, environment: environment.name, base: base, attempt: attempt)
            if try await domain(hostname: hostname) != nil { continue }
            return try await createDomain(
                service: service.id, environment: environment.id, hostname: hostname, kind: .generated,
                targetPort: targetPort, httpsRedirect: httpsRedirect, audit: audit)
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

    /// Renames a domain, changes its port, its redirect to HTTPS or its certificate; nil leaves
    /// a setting as it is (`.some(nil)` means the instance's PORT, or no installed certificate).
    public func updateDomain(
        _ id: DomainID, hostname: String?, targetPort: Int??, httpsRedirect: Bool? = nil,
        certificate: DomainCertificate?? = nil, audit: AuditContext
    ) async throws -> Domain {
        try await write(conflict: "the domain \(hostname ?? "") is already in use") { db in
            guard let row = try await db.first("SELECT * FROM domains WHERE id = ?", [SQLValue(id)])
            else { throw RailyardError.notFound("domain") }
            var domain = try Self.decodeDomain(row)
            if let hostname { domain.hostname = hostname }
            if let targetPort { domain.targetPort = targetPort }
            if let httpsRedirect { domain.httpsRedirect = httpsRedirect }
            try await db.execute(
                "UPDATE domains SET hostname = ?, target_port = ?, https_redirect = ? WHERE id = ?",
                [.text(domain.hostname), domain.targetPort.map { .integer(Int64($0)) } ?? .null,
                 .integer(domain.httpsRedirect ? 1 : 0), SQLValue(id)])
            if let certificate {
                try await self.writeCertificate(certificate, of: id, db)
                domain.certificate = certificate?.summary
            }
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

    /// The installed certificate of every domain that has one, keys opened, for the edge.
    public func domainCertificates() async throws -> [DomainID: DomainCertificate] {
        let rows = try await read { db in
            try await db.query("SELECT * FROM domains WHERE certificate_pem IS NOT NULL")
        }
        var result: [DomainID: DomainCertificate] = [:]
        for row in rows {
            if let certificate = try decodeCertificate(row) { result[try row.id("id")] = certificate }
        }
        return result
    }

    /// One domain's installed certificate, key opened; nil when it has none.
    public func domainCertificate(_ id: DomainID) async throws -> DomainCertificate? {
        let row = try await read { db in
            try await db.first("SELECT * FROM domains WHERE id = ? AND certificate_pem IS NOT NULL", [SQLValue(id)])
        }
        return try row.flatMap(decodeCertificate)
    }

    private func decodeCertificate(_ row: SQLRow) throws -> DomainCertificate? {
        let id: DomainID = try row.id("id")
        guard let summary = try Self.decodeCertificateSummary(row) else { return nil }
        let key = try secrets.open(try row.text("private_key_sealed"), context: Self.keySealContext(id))
        return DomainCertificate(chainPEM: try row.text("certificate_pem"), privateKeyPEM: key, summary: summary)
    }

    /// Stores (or, for nil, removes) a domain's certificate; the key is sealed first.
    private func writeCertificate(_ certificate: DomainCertificate?, of id: DomainID, _ db: any SQLExecutor) async throws {
        guard let certificate else {
            try await db.execute(
                """
                UPDATE domains SET certificate_pem = NULL, private_key_sealed = NULL, certificate_names = NULL,
                    certificate_issuer = NULL, certificate_expires_at = NULL WHERE id = ?
                """, [SQLValue(id)])
            return
        }
        let sealed = try secrets.seal(certificate.privateKeyPEM, context: Self.keySealContext(id))
        try await db.execute(
            """
            UPDATE domains SET certificate_pem = ?, private_key_sealed = ?, certificate_names = ?,
                certificate_issuer = ?, certificate_expires_at = ? WHERE id = ?
            """,
            [.text(certificate.chainPEM), .text(sealed), .text(certificate.summary.names.joined(separator: " ")),
             .text(certificate.summary.issuer), SQLValue(certificate.summary.expiresAt), SQLValue(id)])
    }

    /// Binds a sealed key to its domain: copied into another row, it does not open.
    static func keySealContext(_ id: DomainID) -> String { "domain-key:\(id.rawValue)" }

    static func decodeCertificateSummary(_ row: SQLRow) throws -> CertificateSummary? {
        guard try row.optionalText("certificate_pem") != nil, let expires = try row.optionalDate("certificate_expires_at")
        else { return nil }
        return CertificateSummary(
            names: (try row.optionalText("certificate_names") ?? "").split(separator: " ").map(String.init),
            issuer: try row.optionalText("certificate_issuer") ?? "", expiresAt: expires)
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
            httpsRedirect: try row.integer("https_redirect") != 0, certificate: try decodeCertificateSummary(row),
            createdAt: try row.date("created_at"))
    }
}
