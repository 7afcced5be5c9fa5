import Foundation
import RailyardCore

extension Store {
    /// The service's variables in one environment, with as much of their values as `disclosure` says.
    public func variables(
        of service: ServiceID, in environment: EnvironmentID, disclosure: VariableDisclosure
    ) async throws -> [Variable] {
        let rows = try await read { db in
            try await db.query(
                "SELECT name, sealed_value, sealed, updated_at FROM variables WHERE service_id = ? AND environment_id = ? ORDER BY name",
                [SQLValue(service), SQLValue(environment)])
        }
        return try rows.map { row in
            try decodeVariable(row, disclosure: disclosure) { Self.sealContext(service, environment, $0) }
        }
    }

    /// The service's variables in one environment, opened when `withValues` is true (sealed ones too).
    public func variables(
        of service: ServiceID, in environment: EnvironmentID, withValues: Bool
    ) async throws -> [Variable] {
        try await variables(of: service, in: environment, disclosure: withValues ? .allValues : .names)
    }

    /// The environment's shared variables (`${{shared.NAME}}`).
    public func sharedVariables(in environment: EnvironmentID, disclosure: VariableDisclosure) async throws -> [Variable] {
        let rows = try await read { db in
            try await db.query(
                "SELECT name, sealed_value, sealed, updated_at FROM shared_variables WHERE environment_id = ? ORDER BY name",
                [SQLValue(environment)])
        }
        return try rows.map { row in
            try decodeVariable(row, disclosure: disclosure) { Self.sharedSealContext(environment, $0) }
        }
    }

    /// Sets and removes variables in one transaction. Values are encrypted before they reach
    /// SQL. With `sealed`, the variables set are sealed; a variable once sealed stays sealed
    /// when it is set again, until it is unset.
    public func updateVariables(
        of service: ServiceID, in environment: EnvironmentID, set: [String: String], unset: [String],
        sealed: Bool = false, audit: AuditContext
    ) async throws {
        let encrypted = try set.map { name, value in
            (name, try secrets.seal(value, context: Self.sealContext(service, environment, name)))
        }
        try await write(conflict: "variables changed concurrently") { db in
            guard let row = try await db.first(
                """
                SELECT p.workspace_id FROM services s JOIN projects p ON p.id = s.project_id
                JOIN environments e ON e.project_id = p.id WHERE s.id = ? AND e.id = ?
                """, [SQLValue(service), SQLValue(environment)])
            else { throw RailyardError.notFound("service or environment") }
            let workspace: WorkspaceID = try row.id("workspace_id")
            let now = Date()
            for (name, encryptedValue) in encrypted {
                try await db.execute(
                    """
                    INSERT INTO variables (service_id, environment_id, name, sealed_value, sealed, updated_at) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (service_id, environment_id, name)
                    DO UPDATE SET sealed_value = excluded.sealed_value, updated_at = excluded.updated_at,
                        sealed = CASE WHEN variables.sealed = 1 THEN 1 ELSE excluded.sealed END
                    """,
                    [SQLValue(service), SQLValue(environment), .text(name), .text(encryptedValue), .integer(sealed ? 1 : 0),
                     SQLValue(now)])
            }
            for name in unset {
                try await db.execute(
                    "DELETE FROM variables WHERE service_id = ? AND environment_id = ? AND name = ?",
                    [SQLValue(service), SQLValue(environment), .text(name)])
            }
            let count = try await db.first(
                "SELECT COUNT(*) AS n FROM variables WHERE service_id = ? AND environment_id = ?",
                [SQLValue(service), SQLValue(environment)])?.integer("n") ?? 0
            if count > Self.maximumVariables {
                throw RailyardError.invalid(
                    "a service may have at most \(Self.maximumVariables) variables per environment", field: "set")
            }
            try await self.recordAudit(db, audit, workspace: workspace, action: "variables.update",
                                       targetType: "service", targetID: service.rawValue)
        }
    }

    /// Sets and removes shared variables of an environment, as `updateVariables` does a service's.
    public func updateSharedVariables(
        in environment: EnvironmentID, set: [String: String], unset: [String], sealed: Bool = false, audit: AuditContext
    ) async throws {
        let encrypted = try set.map { name, value in
            (name, try secrets.seal(value, context: Self.sharedSealContext(environment, name)))
        }
        try await write(conflict: "variables changed concurrently") { db in
            guard let row = try await db.first(
                "SELECT p.workspace_id FROM environments e JOIN projects p ON p.id = e.project_id WHERE e.id = ?",
                [SQLValue(environment)])
            else { throw RailyardError.notFound("environment") }
            let workspace: WorkspaceID = try row.id("workspace_id")
            let now = Date()
            for (name, encryptedValue) in encrypted {
                try await db.execute(
                    """
                    INSERT INTO shared_variables (environment_id, name, sealed_value, sealed, updated_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (environment_id, name)
                    DO UPDATE SET sealed_value = excluded.sealed_value, updated_at = excluded.updated_at,
                        sealed = CASE WHEN shared_variables.sealed = 1 THEN 1 ELSE excluded.sealed END
                    """,
                    [SQLValue(environment), .text(name), .text(encryptedValue), .integer(sealed ? 1 : 0), SQLValue(now)])
            }
            for name in unset {
                try await db.execute(
                    "DELETE FROM shared_variables WHERE environment_id = ? AND name = ?", [SQLValue(environment), .text(name)])
            }
            let count = try await db.first(
                "SELECT COUNT(*) AS n FROM shared_variables WHERE environment_id = ?", [SQLValue(environment)])?.integer("n") ?? 0
            if count > Self.maximumVariables {
                throw RailyardError.invalid(
                    "an environment may have at most \(Self.maximumVariables) shared variables", field: "set")
            }
            try await self.recordAudit(db, audit, workspace: workspace, action: "variables.update",
                                       targetType: "environment", targetID: environment.rawValue)
        }
    }

    /// Everything references in `environment` of `project` can reach: every service's
    /// variables (sealed values opened) and platform variables, and the shared variables.
    /// Nothing of another project or environment is in it, so nothing there can be reached.
    /// `tcpProxyDomain` is the host name the server's TCP proxies are reached at (its base
    /// domain), for services with one (`RAILWAY_TCP_PROXY_DOMAIN`).
    public func variableResolver(project: Project, environment: Environment, tcpProxyDomain: String) async throws -> VariableResolver {
        var resolver = VariableResolver()
        for variable in try await sharedVariables(in: environment.id, disclosure: .allValues) {
            resolver.shared.values[variable.name] = variable.value ?? ""
            if variable.sealed { resolver.shared.sealed.insert(variable.name) }
        }
        let services = try await read { db in
            try await db.query("SELECT * FROM services WHERE project_id = ? ORDER BY id", [SQLValue(project.id)])
                .map(Self.decodeService)
        }
        let proxies = try await tcpProxies(in: environment.id)
        for service in services {
            var platform = PlatformVariables.fixed(project: project, environment: environment, service: service)
            if let proxy = proxies.first(where: { $0.serviceID == service.id }) {
                platform.merge(PlatformVariables.tcpProxy(domain: tcpProxyDomain, port: proxy.port)) { $1 }
            }
            var variables = VariableResolver.Variables(
                platform: platform,
                defaults: PlatformVariables.defaults(domains: try await domains(of: service.id, in: environment.id)))
            for variable in try await self.variables(of: service.id, in: environment.id, disclosure: .allValues) {
                variables.values[variable.name] = variable.value ?? ""
                if variable.sealed { variables.sealed.insert(variable.name) }
            }
            resolver.services[service.name.lowercased()] = variables
        }
        return resolver
    }

    func decodeVariable(
        _ row: SQLRow, disclosure: VariableDisclosure, context: (String) -> String
    ) throws -> Variable {
        let name = try row.text("name")
        let sealed = try row.integer("sealed") != 0
        let value: String?
        switch disclosure {
        case .names: value = nil
        case .unsealedValues: value = sealed ? nil : try secrets.open(try row.text("sealed_value"), context: context(name))
        case .allValues: value = try secrets.open(try row.text("sealed_value"), context: context(name))
        }
        return Variable(name: name, value: value, sealed: sealed, updatedAt: try row.date("updated_at"))
    }

    /// Variables are listed whole (one page), so their number is bounded.
    public static let maximumVariables = 1000

    static func sealContext(_ service: ServiceID, _ environment: EnvironmentID, _ name: String) -> String {
        "variable/\(service.rawValue)/\(environment.rawValue)/\(name)"
    }

    static func sharedSealContext(_ environment: EnvironmentID, _ name: String) -> String {
        "shared-variable/\(environment.rawValue)/\(name)"
    }
}
