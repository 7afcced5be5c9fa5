import Foundation
import RailyardCore

extension Store {
    // MARK: Projects

    /// Creates a project with its `production` environment.
    public func createProject(name: String, in workspace: WorkspaceID, audit: AuditContext) async throws -> (Project, Environment) {
        try await write(conflict: "a project named '\(name)' already exists in this workspace") { db in
            let now = Date()
            let project = Project(id: .generate(), workspaceID: workspace, name: name, createdAt: now)
            let environment = Environment(id: .generate(), projectID: project.id, name: Environment.defaultName, createdAt: now)
            try await db.execute(
                "INSERT INTO projects (id, workspace_id, name, created_at) VALUES (?, ?, ?, ?)",
                [SQLValue(project.id), SQLValue(workspace), .text(name), SQLValue(now)])
            try await self.insertEnvironment(db, environment)
            try await self.recordAudit(db, audit, workspace: workspace, action: "project.create",
                                       targetType: "project", targetID: project.id.rawValue)
            return (project, environment)
        }
    }

    public func project(id: ProjectID) async throws -> Project? {
        try await read { db in
            try await db.first("SELECT * FROM projects WHERE id = ?", [SQLValue(id)]).map(Self.decodeProject)
        }
    }

    public func projects(in workspaces: [WorkspaceID], page: PageRequest) async throws -> Page<Project> {
        guard !workspaces.isEmpty else { return Page(items: [], nextCursor: nil) }
        let placeholders = Array(repeating: "?", count: workspaces.count).joined(separator: ", ")
        let rows = try await read { db in
            try await db.query(
                "SELECT * FROM projects WHERE workspace_id IN (\(placeholders)) AND id > ? ORDER BY id LIMIT ?",
                workspaces.map { SQLValue($0) } + [.text(page.after ?? ""), .integer(Self.fetchLimit(page))]
            ).map(Self.decodeProject)
        }
        return Self.makePage(rows, page: page) { $0.id.rawValue }
    }

    /// Every project of the workspaces, by name (the dashboard's list, which it filters and
    /// pages itself).
    public func allProjects(in workspaces: [WorkspaceID]) async throws -> [Project] {
        guard !workspaces.isEmpty else { return [] }
        let placeholders = Array(repeating: "?", count: workspaces.count).joined(separator: ", ")
        return try await read { db in
            try await db.query(
                "SELECT * FROM projects WHERE workspace_id IN (\(placeholders)) ORDER BY lower(name), id",
                workspaces.map { SQLValue($0) }
            ).map(Self.decodeProject)
        }
    }

    public func renameProject(_ id: ProjectID, to name: String, audit: AuditContext) async throws -> Project {
        try await write(conflict: "a project named '\(name)' already exists in this workspace") { db in
            guard let row = try await db.first(
                "UPDATE projects SET name = ? WHERE id = ? RETURNING *", [.text(name), SQLValue(id)])
            else { throw RailyardError.notFound("project") }
            let project = try Self.decodeProject(row)
            try await self.recordAudit(db, audit, workspace: project.workspaceID, action: "project.rename",
                                       targetType: "project", targetID: id.rawValue)
            return project
        }
    }

    /// Deletes a project with its environments, services, variables and deployments.
    public func deleteProject(_ id: ProjectID, audit: AuditContext) async throws {
        try await write(conflict: "project changed concurrently") { db in
            guard let row = try await db.first("DELETE FROM projects WHERE id = ? RETURNING *", [SQLValue(id)])
            else { throw RailyardError.notFound("project") }
            let project = try Self.decodeProject(row)
            try await self.recordAudit(db, audit, workspace: project.workspaceID, action: "project.delete",
                                       targetType: "project", targetID: id.rawValue)
        }
    }

    static func decodeProject(_ row: SQLRow) throws -> Project {
        Project(id: try row.id("id"), workspaceID: try row.id("workspace_id"), name: try row.text("name"),
                createdAt: try row.date("created_at"))
    }

    /// The workspace a project belongs to, for access checks.
    func workspaceOf(project: ProjectID, _ db: any SQLExecutor) async throws -> WorkspaceID {
        guard let row = try await db.first("SELECT workspace_id FROM projects WHERE id = ?", [SQLValue(project)])
        else { throw RailyardError.notFound("project") }
        return try row.id("workspace_id")
    }

    // MARK: Environments

    public func createEnvironment(name: String, in project: ProjectID, audit: AuditContext) async throws -> Environment {
        try await write(conflict: "an environment named '\(name)' already exists in this project") { db in
            let workspace = try await self.workspaceOf(project: project, db)
            let environment = Environment(id: .generate(), projectID: project, name: name, createdAt: Date())
            try await self.insertEnvironment(db, environment)
            try await self.recordAudit(db, audit, workspace: workspace, action: "environment.create",
                                       targetType: "environment", targetID: environment.id.rawValue)
            return environment
        }
    }

    func insertEnvironment(_ db: any SQLExecutor, _ environment: Environment) async throws {
        try await db.execute(
            "INSERT INTO environments (id, project_id, name, created_at) VALUES (?, ?, ?, ?)",
            [SQLValue(environment.id), SQLValue(environment.projectID), .text(environment.name),
             SQLValue(environment.createdAt)])
    }

    public func environment(id: EnvironmentID) async throws -> Environment? {
        try await read { db in
            try await db.first("SELECT * FROM environments WHERE id = ?", [SQLValue(id)]).map(Self.decodeEnvironment)
        }
    }

    public func environments(in project: ProjectID, page: PageRequest) async throws -> Page<Environment> {
        let rows = try await read { db in
            try await db.query(
                "SELECT * FROM environments WHERE project_id = ? AND id > ? ORDER BY id LIMIT ?",
                [SQLValue(project), .text(page.after ?? ""), .integer(Self.fetchLimit(page))]
            ).map(Self.decodeEnvironment)
        }
        return Self.makePage(rows, page: page) { $0.id.rawValue }
    }

    /// Deletes an environment; a project keeps at least one.
    public func deleteEnvironment(_ id: EnvironmentID, audit: AuditContext) async throws {
        try await write(conflict: "environment changed concurrently") { db in
            guard let row = try await db.first("SELECT * FROM environments WHERE id = ?", [SQLValue(id)])
            else { throw RailyardError.notFound("environment") }
            let environment = try Self.decodeEnvironment(row)
            // Lock the project row so two deletions cannot each see the other's environment left.
            try await db.execute("UPDATE projects SET name = name WHERE id = ?", [SQLValue(environment.projectID)])
            let count = try await db.first(
                "SELECT COUNT(*) AS n FROM environments WHERE project_id = ?", [SQLValue(environment.projectID)]
            )?.integer("n") ?? 0
            if count <= 1 { throw RailyardError.conflict("a project must keep at least one environment") }
            let workspace = try await self.workspaceOf(project: environment.projectID, db)
            try await db.execute("DELETE FROM environments WHERE id = ?", [SQLValue(id)])
            try await self.recordAudit(db, audit, workspace: workspace, action: "environment.delete",
                                       targetType: "environment", targetID: id.rawValue)
        }
    }

    static func decodeEnvironment(_ row: SQLRow) throws -> Environment {
        Environment(id: try row.id("id"), projectID: try row.id("project_id"), name: try row.text("name"),
                    createdAt: try row.date("created_at"))
    }

    // MARK: Services

    public func createService(
        name: String, in project: ProjectID, repository: GitSource? = nil, database: DatabaseEngine? = nil,
        databaseVersion: String? = nil, audit: AuditContext
    ) async throws -> Service {
        try await write(conflict: "a service named '\(name)' already exists in this project") { db in
            let workspace = try await self.workspaceOf(project: project, db)
            let service = Service(
                id: .generate(), projectID: project, name: name, repository: repository, database: database,
                databaseVersion: databaseVersion, createdAt: Date())
            try await db.execute(
                """
                INSERT INTO services (id, project_id, name, created_at, repository_url, repository_branch, repository_root,
                    database_engine, database_version)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [SQLValue(service.id), SQLValue(project), .text(name), SQLValue(service.createdAt),
                 SQLValue(repository?.url), SQLValue(repository?.branch), SQLValue(repository?.rootDirectory),
                 SQLValue(database?.rawValue), SQLValue(databaseVersion)])
            try await self.recordAudit(db, audit, workspace: workspace, action: "service.create",
                                       targetType: "service", targetID: service.id.rawValue)
            return service
        }
    }

    public func service(id: ServiceID) async throws -> Service? {
        try await read { db in
            try await db.first("SELECT * FROM services WHERE id = ?", [SQLValue(id)]).map(Self.decodeService)
        }
    }

    public func services(in project: ProjectID, page: PageRequest) async throws -> Page<Service> {
        let rows = try await read { db in
            try await db.query(
                "SELECT * FROM services WHERE project_id = ? AND id > ? ORDER BY id LIMIT ?",
                [SQLValue(project), .text(page.after ?? ""), .integer(Self.fetchLimit(page))]
            ).map(Self.decodeService)
        }
        return Self.makePage(rows, page: page) { $0.id.rawValue }
    }

    public func renameService(_ id: ServiceID, to name: String, audit: AuditContext) async throws -> Service {
        try await write(conflict: "a service named '\(name)' already exists in this project") { db in
            guard let row = try await db.first(
                "UPDATE services SET name = ? WHERE id = ? RETURNING *", [.text(name), SQLValue(id)])
            else { throw RailyardError.notFound("service") }
            let service = try Self.decodeService(row)
            let workspace = try await self.workspaceOf(project: service.projectID, db)
            try await self.recordAudit(db, audit, workspace: workspace, action: "service.rename",
                                       targetType: "service", targetID: id.rawValue)
            return service
        }
    }

    public func deleteService(_ id: ServiceID, audit: AuditContext) async throws {
        try await write(conflict: "service changed concurrently") { db in
            guard let row = try await db.first("DELETE FROM services WHERE id = ? RETURNING *", [SQLValue(id)])
            else { throw RailyardError.notFound("service") }
            let service = try Self.decodeService(row)
            let workspace = try await self.workspaceOf(project: service.projectID, db)
            try await self.recordAudit(db, audit, workspace: workspace, action: "service.delete",
                                       targetType: "service", targetID: id.rawValue)
        }
    }

    /// Changes a service's settings; a nil argument leaves that setting as it is.
    public func updateService(
        _ id: ServiceID, name: String? = nil, repository: GitSource?? = nil, memoryLimit: Int64?? = nil,
        cpuLimitMillis: Int?? = nil, requestBodyLimit: Int64?? = nil, processLimit: Int?? = nil,
        databaseVersion: String? = nil, deploy: ServiceDeploySettings.Change = .init(), audit: AuditContext
    ) async throws -> Service {
        try await write(conflict: "a service named '\(name ?? "")' already exists in this project") { db in
            guard let row = try await db.first("SELECT * FROM services WHERE id = ?", [SQLValue(id)])
            else { throw RailyardError.notFound("service") }
            var service = try Self.decodeService(row)
            if let name { service.name = name }
            if let repository { service.repository = repository }
            if let memoryLimit { service.memoryLimit = memoryLimit }
            if let cpuLimitMillis { service.cpuLimitMillis = cpuLimitMillis }
            if let requestBodyLimit { service.requestBodyLimit = requestBodyLimit }
            if let processLimit { service.processLimit = processLimit }
            if let databaseVersion { service.databaseVersion = databaseVersion }
            // Applied to the settings read in this transaction: two changes to different
            // settings at once both hold.
            service.deploy = deploy.applied(to: service.deploy)
            try await db.execute(
                """
                UPDATE services SET name = ?, repository_url = ?, repository_branch = ?, repository_root = ?,
                    memory_limit = ?, cpu_limit_millis = ?, max_request_body = ?, process_limit = ?,
                    database_version = ?, deploy_settings = ? WHERE id = ?
                """,
                [.text(service.name), SQLValue(service.repository?.url), SQLValue(service.repository?.branch),
                 SQLValue(service.repository?.rootDirectory), service.memoryLimit.map { .integer($0) } ?? .null,
                 service.cpuLimitMillis.map { .integer(Int64($0)) } ?? .null,
                 service.requestBodyLimit.map { .integer($0) } ?? .null,
                 service.processLimit.map { .integer(Int64($0)) } ?? .null, SQLValue(service.databaseVersion),
                 SQLValue(try Self.encodeDeploySettings(service.deploy)), SQLValue(id)])
            let workspace = try await self.workspaceOf(project: service.projectID, db)
            try await self.recordAudit(db, audit, workspace: workspace, action: "service.update",
                                       targetType: "service", targetID: id.rawValue)
            return service
        }
    }

    static func decodeService(_ row: SQLRow) throws -> Service {
        let repository = try row.optionalText("repository_url").map { url in
            GitSource(url: url, branch: try row.optionalText("repository_branch"),
                      rootDirectory: try row.optionalText("repository_root"))
        }
        return Service(
            id: try row.id("id"), projectID: try row.id("project_id"), name: try row.text("name"), repository: repository,
            memoryLimit: try row.optionalInteger("memory_limit"),
            cpuLimitMillis: try row.optionalInteger("cpu_limit_millis").map { Int($0) },
            requestBodyLimit: try row.optionalInteger("max_request_body"),
            processLimit: try row.optionalInteger("process_limit").map { Int($0) },
            database: try row.optionalText("database_engine").flatMap(DatabaseEngine.init(rawValue:)),
            databaseVersion: try row.optionalText("database_version"),
            deploy: try row.optionalText("deploy_settings").map(Self.decodeDeploySettings) ?? ServiceDeploySettings(),
            createdAt: try row.date("created_at"))
    }

    static func encodeDeploySettings(_ settings: ServiceDeploySettings) throws -> String? {
        guard !settings.isEmpty else { return nil }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(settings), as: UTF8.self)
    }

    static func decodeDeploySettings(_ text: String) throws -> ServiceDeploySettings {
        try JSONDecoder().decode(ServiceDeploySettings.self, from: Data(text.utf8))
    }

    /// The request body limit of every service that has one, for the edge.
    public func requestBodyLimits() async throws -> [ServiceID: Int64] {
        let rows = try await read { db in
            try await db.query("SELECT id, max_request_body FROM services WHERE max_request_body IS NOT NULL")
        }
        var limits: [ServiceID: Int64] = [:]
        for row in rows { limits[try row.id("id")] = try row.optionalInteger("max_request_body") }
        return limits
    }
}
