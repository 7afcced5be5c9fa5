import Foundation
import Hummingbird
import RailyardControl
import RailyardCore
import RailyardStore

/// Databases: `railyard add --database` (a service running the host's PostgreSQL, Redis or
/// MariaDB on a volume of its own, its credentials as its variables) and their backups.
struct DatabaseController {
    let dependencies: APIDependencies
    let projects: ProjectController
    var store: Store { dependencies.store }
    var serviceState: ServiceStateController { ServiceStateController(dependencies: dependencies, projects: projects) }

    struct AddDatabaseRequest: Decodable {
        var engine: String
        var environmentId: EnvironmentID
        /// The service's name; the engine's (with a suffix when taken) when absent.
        var name: String?
        /// A service of the project to give references to the database's variables.
        var attachTo: ServiceID?
        var sizeBytes: Int64?
        /// The engine's major version (`15`); the newest the host has when absent.
        var version: String?
    }

    struct DatabaseAdded: Encodable {
        var service: Service
        var deployment: Deployment
        var volume: Volume
        /// The database's variables, by name (their values: `GET …/variables`).
        var variables: [String]
        /// The service given references, the names it got, and those it had set itself (left as
        /// they were).
        var attachedTo: Service?
        var references: [String]
        var kept: [String]
    }

    struct CreateBackupRequest: Decodable {
        var environmentId: EnvironmentID
        /// The last before the service is deleted (`railyard service delete --final-backup`).
        var final: Bool?
    }

    struct RestoreRequest: Decodable {
        /// The database service to restore into; the backup's own when absent.
        var serviceId: ServiceID?
        /// A new database service to add (of the backup's engine, in its environment) and
        /// restore into once it serves; not with `serviceId`.
        var newServiceName: String?
    }

    struct BackupList: Encodable {
        var items: [Backup]
    }

    func addRoutes(to group: RouterGroup<APIRequestContext>) {
        group.post("projects/{projectId}/databases", use: add)
        group.get("services/{serviceId}/backups", use: listBackups)
        group.post("services/{serviceId}/backups", use: createBackup)
        group.get("backups/{backupId}", use: getBackup)
        group.post("backups/{backupId}/restore", use: restore)
        group.delete("backups/{backupId}", use: deleteBackup)
        group.get("services/{serviceId}/backup-schedule", use: getBackupSchedule)
        group.put("services/{serviceId}/backup-schedule", use: setBackupSchedule)
        group.delete("services/{serviceId}/backup-schedule", use: deleteBackupSchedule)
    }

    @Sendable func add(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (project, caller) = try await projects.accessProject(context, .changeService)
        let body = try await JSONIO.decode(AddDatabaseRequest.self, from: request, context: context)
        guard let engine = DatabaseEngine.named(body.engine) else {
            throw RailyardError.invalid(DatabaseEngine.problem(with: body.engine), field: "engine")
        }
        guard let environment = try await store.environment(id: body.environmentId), environment.projectID == project.id
        else { throw RailyardError.invalid("environment is not part of this project", field: "environmentId") }
        _ = try caller.authorize(.changeService, workspace: project.workspaceID, project: project.id, environment: environment.id, notFound: "project")
        if let name = body.name, let problem = NameRules.serviceNameProblem(name) { throw RailyardError.invalid(problem, field: "name") }
        let size = body.sizeBytes ?? VolumeRules.defaultBytes
        if let problem = VolumeRules.sizeProblem(size) { throw RailyardError.invalid(problem, field: "sizeBytes") }
        var version: String?
        if let text = body.version {
            guard let parsed = DatabaseVersions.parse(text) else {
                throw RailyardError.invalid("version must be the engine's major version, such as 15 or 10.11", field: "version")
            }
            version = parsed
        }
        var attached: Service?
        if let target = body.attachTo {
            guard let service = try await store.service(id: target), service.projectID == project.id else {
                throw RailyardError.invalid("the service to attach is not part of this project", field: "attachTo")
            }
            attached = service
        }
        let added = try await addDatabase(
            engine, version: version, name: body.name, in: environment.id, of: project.id, attachTo: attached, sizeBytes: size,
            audit: context.audit(caller))
        return try JSONIO.response(added, status: .created)
    }

    /// Adds a database service: its service (named `name`, else the engine's first free
    /// name), generated credentials as its variables, a volume, references on `attached`,
    /// and its first deployment. What `railyard add --database` and a restore into a new
    /// service both do; the caller has checked access, the name and the size. Nothing
    /// half-made stays when a step fails.
    func addDatabase(
        _ engine: DatabaseEngine, version: String? = nil, name: String?, in environment: EnvironmentID, of project: ProjectID, attachTo attached: Service?,
        sizeBytes size: Int64, audit: AuditContext
    ) async throws -> DatabaseAdded {
        guard let control = dependencies.control else {
            throw RailyardError.unavailable("databases need the deployment controller, which this server does not run")
        }
        if let problem = control.databaseProblem(engine, version: version) {
            throw RailyardError.conflict(problem, field: version == nil ? "engine" : "version")
        }
        // Recorded, so that the service keeps its version when the host gets a newer one.
        let recorded = version ?? control.installedDatabaseVersions(engine).first
        let service = try await createService(name, engine: engine, version: recorded, in: project, audit: audit)
        do {
            let variables = engine.variables(password: DatabaseCredentials.password())
            try await store.updateVariables(of: service.id, in: environment, set: variables, unset: [], audit: audit)
            let volume = try await control.addVolume(
                service: service.id, environment: environment, mountPath: engine.mountPath, sizeBytes: size, audit: audit)
            var references: [String: String] = [:]
            var kept: [String] = []
            if let attached {
                // The app's own values win: a DATABASE_URL it set is not replaced behind its back.
                let existing = Set(try await store.variables(of: attached.id, in: environment, disclosure: .names).map(\.name))
                for (name, reference) in engine.references(service: service.name) {
                    if existing.contains(name) { kept.append(name) } else { references[name] = reference }
                }
                if !references.isEmpty {
                    try await store.updateVariables(of: attached.id, in: environment, set: references, unset: [], audit: audit)
                }
            }
            let deployment = try await store.createDeployment(
                service: service.id, environment: environment, message: "add \(engine.displayName)",
                origin: DeploymentOrigin(source: .database), audit: audit)
            await control.nudge()
            return DatabaseAdded(
                service: service, deployment: deployment, volume: volume, variables: variables.keys.sorted(),
                attachedTo: attached, references: references.keys.sorted(), kept: kept.sorted())
        } catch {
            // Nothing half-made stays: the service goes, with its variables and volume.
            try? await projects.deletingVolumes { try await store.deleteService(service.id, audit: audit) }
            throw error
        }
    }

    /// Creates the database's service under `name`, or under the engine's name with the
    /// first free suffix (`postgres`, `postgres-2`, …).
    func createService(
        _ name: String?, engine: DatabaseEngine, version: String?, in project: ProjectID, audit: AuditContext
    ) async throws -> Service {
        if let name {
            return try await store.createService(name: name, in: project, database: engine, databaseVersion: version, audit: audit)
        }
        for attempt in 1...50 {
            let candidate = attempt == 1 ? engine.serviceName : "\(engine.serviceName)-\(attempt)"
            do {
                return try await store.createService(
                    name: candidate, in: project, database: engine, databaseVersion: version, audit: audit)
            } catch let error as RailyardError where error.kind == .conflict {
                continue
            }
        }
        throw RailyardError.conflict("every name from \(engine.serviceName) to \(engine.serviceName)-50 is taken in this project: give one with --name", field: "name")
    }

    // MARK: Backups

    @Sendable func listBackups(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (service, environment, _, _) = try await serviceState.accessInEnvironment(request, context, .read)
        return try JSONIO.response(BackupList(items: try await store.backups(in: environment.id, serviceName: service.name)))
    }

    @Sendable func createBackup(_ request: Request, context: APIRequestContext) async throws -> Response {
        _ = try context.requireCaller()
        let body = try await JSONIO.decode(CreateBackupRequest.self, from: request, context: context)
        let (service, project, caller) = try await projects.accessService(context, .deploy, environment: body.environmentId)
        guard let environment = try await store.environment(id: body.environmentId), environment.projectID == project.id
        else { throw RailyardError.invalid("environment is not part of this service's project", field: "environmentId") }
        guard service.database != nil else {
            throw RailyardError.invalid("\(service.name) is not a database service: only databases have backups", field: "serviceId")
        }
        let backup = try await requireControl().startBackup(of: service, in: environment.id, trigger: body.final == true ? "final" : "manual", audit: context.audit(caller))
        return try JSONIO.response(backup, status: .accepted)
    }

    @Sendable func getBackup(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (backup, _) = try await access(context, .read)
        return try JSONIO.response(backup)
    }

    @Sendable func restore(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (backup, caller) = try await access(context, .changeService)
        let body = try await JSONIO.decode(RestoreRequest.self, from: request, context: context)
        if let name = body.newServiceName {
            return try await restoreIntoNew(backup, name: name, alsoGiven: body.serviceId, caller: caller, context: context)
        }
        let target: Service
        if let id = body.serviceId {
            guard let service = try await store.service(id: id), service.projectID == backup.projectID else {
                throw RailyardError.invalid("the service to restore into is not part of the backup's project", field: "serviceId")
            }
            target = service
        } else {
            guard let service = try await store.service(id: backup.serviceID) else {
                throw RailyardError.conflict("the backup's service was deleted: restore it into another database service (serviceId)", field: "serviceId")
            }
            target = service
        }
        let restoring = try await requireControl().startRestore(backup, into: target, audit: context.audit(caller))
        return try JSONIO.response(restoring, status: .accepted)
    }

    /// Adds a database service named `name` as `railyard add --database` does (in the
    /// backup's environment, of its engine, its volume as large as the backed-up service's
    /// was), and restores the backup into it once it serves.
    func restoreIntoNew(_ backup: Backup, name: String, alsoGiven serviceID: ServiceID?, caller: Caller, context: APIRequestContext) async throws -> Response {
        if serviceID != nil {
            throw RailyardError.invalid("give serviceId (an existing database) or newServiceName (a new one), not both", field: "newServiceName")
        }
        if let problem = NameRules.serviceNameProblem(name) { throw RailyardError.invalid(problem, field: "newServiceName") }
        let control = try requireControl()
        // Refused before anything is made: a backup that cannot be restored adds no service.
        _ = try await control.restorableFile(of: backup)
        let size = try await store.volume(service: backup.serviceID, environment: backup.environmentID)?.sizeBytes ?? VolumeRules.defaultBytes
        let audit = context.audit(caller)
        let added = try await addDatabase(
            backup.engine, name: name, in: backup.environmentID, of: backup.projectID, attachTo: nil, sizeBytes: size, audit: audit)
        do {
            let restoring = try await control.startRestore(backup, intoNew: added.service, deployment: added.deployment.id, audit: audit)
            return try JSONIO.response(restoring, status: .accepted)
        } catch {
            try? await projects.deletingVolumes { try await store.deleteService(added.service.id, audit: audit) }
            throw error
        }
    }

    @Sendable func deleteBackup(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (backup, caller) = try await access(context, .deleteService)
        try await requireControl().deleteBackup(backup, audit: context.audit(caller))
        return JSONIO.noContent()
    }

    func requireControl() throws -> DeploymentController {
        guard let control = dependencies.control else {
            throw RailyardError.unavailable("backups need the deployment controller, which this server does not run")
        }
        return control
    }

    /// The backup in the path, when the caller may do `action` in its environment; another
    /// workspace's backup is not found.
    private func access(_ context: APIRequestContext, _ action: Action) async throws -> (Backup, Caller) {
        let caller = try context.requireCaller()
        let id: BackupID = try context.pathID("backupId", "backup")
        guard let backup = try await store.backup(id: id), let project = try await store.project(id: backup.projectID)
        else { throw RailyardError.notFound("backup") }
        _ = try caller.authorize(action, workspace: project.workspaceID, project: project.id, environment: backup.environmentID, notFound: "backup")
        return (backup, caller)
    }
}
