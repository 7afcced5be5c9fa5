import Foundation
import Hummingbird
import RailyardCore
import RailyardStore

/// Projects and their environments and services.
struct ProjectController {
    let dependencies: APIDependencies
    var store: Store { dependencies.store }

    struct CreateProjectRequest: Decodable {
        var name: String
        var workspaceId: WorkspaceID?
    }

    struct NameRequest: Decodable {
        var name: String
    }

    struct CreateServiceRequest: Decodable {
        var name: String
        var repository: GitSource?
    }

    /// PATCH services/{id}: a field left out stays as it is; `null` clears a limit or the
    /// repository.
    struct UpdateServiceRequest: Decodable {
        var name: String?
        var repository: GitSource??
        var memoryLimit: Int64??
        var cpuLimitMillis: Int??
        var requestBodyLimit: Int64??
        var processLimit: Int??
        /// A database service's engine version; `null` or absent leaves it as it is (it cannot
        /// be cleared).
        var databaseVersion: String?
        /// Start command, health check, replicas and restart policy: each field left out stays,
        /// `null` removes it.
        var deploy = ServiceDeploySettings.Change()

        enum CodingKeys: String, CodingKey {
            case name, repository, memoryLimit, cpuLimitMillis, requestBodyLimit, processLimit, databaseVersion, deploy
        }

        /// A change made by the dashboard's settings form: `.some(nil)` clears a limit.
        init(memoryLimit: Int64??, cpuLimitMillis: Int??, requestBodyLimit: Int64??, processLimit: Int??, deploy: ServiceDeploySettings.Change) {
            self.memoryLimit = memoryLimit
            self.cpuLimitMillis = cpuLimitMillis
            self.requestBodyLimit = requestBodyLimit
            self.processLimit = processLimit
            self.deploy = deploy
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decodeIfPresent(String.self, forKey: .name)
            repository = try container.decodeSetting(GitSource.self, forKey: .repository)
            memoryLimit = try container.decodeSetting(Int64.self, forKey: .memoryLimit)
            cpuLimitMillis = try container.decodeSetting(Int.self, forKey: .cpuLimitMillis)
            requestBodyLimit = try container.decodeSetting(Int64.self, forKey: .requestBodyLimit)
            processLimit = try container.decodeSetting(Int.self, forKey: .processLimit)
            databaseVersion = try container.decodeIfPresent(String.self, forKey: .databaseVersion)
            deploy = try container.decodeIfPresent(DeploySettingsChange.self, forKey: .deploy)?.change ?? .init()
        }
    }

    /// The `deploy` object of a PATCH: `null` for a field removes that setting.
    struct DeploySettingsChange: Decodable {
        var change: ServiceDeploySettings.Change

        enum CodingKeys: String, CodingKey {
            case startCommand, healthcheckPath, healthcheckTimeout, numReplicas, restartPolicyType, restartPolicyMaxRetries
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            change = ServiceDeploySettings.Change(
                startCommand: try container.decodeSetting(String.self, forKey: .startCommand),
                healthcheckPath: try container.decodeSetting(String.self, forKey: .healthcheckPath),
                healthcheckTimeout: try container.decodeSetting(Int.self, forKey: .healthcheckTimeout),
                numReplicas: try container.decodeSetting(Int.self, forKey: .numReplicas),
                restartPolicyType: try container.decodeSetting(ServiceConfig.RestartPolicy.self, forKey: .restartPolicyType),
                restartPolicyMaxRetries: try container.decodeSetting(Int.self, forKey: .restartPolicyMaxRetries))
        }
    }

    /// The smallest and largest memory limits: below 16 MiB hardly any runtime starts.
    static let memoryLimits: ClosedRange<Int64> = (16 << 20)...(1 << 40)
    static let cpuLimits: ClosedRange<Int> = 10...1_024_000
    static let requestBodyLimits: ClosedRange<Int64> = 1...(1 << 40)

    static func validate(_ repository: GitSource?) throws {
        guard let repository, let problem = repository.problem else { return }
        throw RailyardError.invalid(problem, field: "repository." + (repository.problemField ?? "url"))
    }

    struct ProjectCreated: Encodable {
        var project: Project
        var environments: [Environment]
    }

    func addRoutes(to group: RouterGroup<APIRequestContext>) {
        group.get("projects", use: listProjects)
        group.post("projects", use: createProject)
        group.get("projects/{projectId}", use: getProject)
        group.patch("projects/{projectId}", use: renameProject)
        group.delete("projects/{projectId}", use: deleteProject)
        group.get("projects/{projectId}/environments", use: listEnvironments)
        group.post("projects/{projectId}/environments", use: createEnvironment)
        group.get("environments/{environmentId}", use: getEnvironment)
        group.delete("environments/{environmentId}", use: deleteEnvironment)
        group.get("projects/{projectId}/services", use: listServices)
        group.post("projects/{projectId}/services", use: createService)
        group.get("services/{serviceId}", use: getService)
        group.patch("services/{serviceId}", use: updateService)
        group.delete("services/{serviceId}", use: deleteService)
    }

    // MARK: Projects

    @Sendable func listProjects(_ request: Request, context: APIRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        let page = try request.pageRequest()
        var workspaces = Array(caller.roles.keys)
        if let only: WorkspaceID = try request.queryID("workspaceId", required: false) {
            workspaces = workspaces.filter { $0 == only }
        }
        if let project = caller.onlyProject {
            // An environment token sees its own project only.
            let visible = try await store.project(id: project).map { [$0] } ?? []
            return try JSONIO.response(Store.makePage(
                visible.filter { workspaces.contains($0.workspaceID) && $0.id.rawValue > (page.after ?? "") },
                page: page) { $0.id.rawValue })
        }
        return try JSONIO.response(try await store.projects(in: workspaces, page: page))
    }

    @Sendable func createProject(_ request: Request, context: APIRequestContext) async throws -> Response {
        _ = try context.requireCaller()
        let body = try await JSONIO.decode(CreateProjectRequest.self, from: request, context: context)
        let (project, environment) = try await createProject(body, context: context)
        return try JSONIO.response(ProjectCreated(project: project, environments: [environment]), status: .created)
    }

    /// The rules of making a project, for the API and the dashboard alike.
    func createProject(_ body: CreateProjectRequest, context: APIRequestContext) async throws -> (Project, Environment) {
        let caller = try context.requireCaller()
        let workspace: WorkspaceID
        if let given = body.workspaceId {
            workspace = given
        } else if caller.roles.count == 1, let only = caller.roles.keys.first {
            workspace = only
        } else {
            throw RailyardError.invalid("you belong to several workspaces: give workspaceId", field: "workspaceId")
        }
        _ = try caller.authorize(.changeProject, workspace: workspace, notFound: "workspace")
        if caller.onlyProject != nil { throw RailyardError.forbidden("an environment token cannot create projects") }
        if let problem = NameRules.displayNameProblem(body.name, what: "project name") {
            throw RailyardError.invalid(problem, field: "name")
        }
        return try await store.createProject(name: body.name, in: workspace, audit: context.audit(caller))
    }

    @Sendable func getProject(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (project, _) = try await accessProject(context, .read)
        return try JSONIO.response(project)
    }

    @Sendable func renameProject(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (project, caller) = try await accessProject(context, .changeProject)
        let body = try await JSONIO.decode(NameRequest.self, from: request, context: context)
        if let problem = NameRules.displayNameProblem(body.name, what: "project name") {
            throw RailyardError.invalid(problem, field: "name")
        }
        return try JSONIO.response(try await store.renameProject(project.id, to: body.name, audit: context.audit(caller)))
    }

    @Sendable func deleteProject(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (project, caller) = try await accessProject(context, .deleteProject)
        try await deletingVolumes { try await store.deleteProject(project.id, audit: context.audit(caller)) }
        return JSONIO.noContent()
    }

    /// The project named in the path, if the caller may do `action` on it.
    func accessProject(_ context: APIRequestContext, _ action: Action) async throws -> (Project, Caller) {
        let caller = try context.requireCaller()
        let id: ProjectID = try context.pathID("projectId", "project")
        guard let project = try await store.project(id: id) else { throw RailyardError.notFound("project") }
        _ = try caller.authorize(action, workspace: project.workspaceID, project: project.id, notFound: "project")
        return (project, caller)
    }

    // MARK: Environments

    @Sendable func listEnvironments(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (project, _) = try await accessProject(context, .read)
        return try JSONIO.response(try await store.environments(in: project.id, page: try request.pageRequest()))
    }

    @Sendable func createEnvironment(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (project, caller) = try await environmentCreator(context)
        let body = try await JSONIO.decode(NameRequest.self, from: request, context: context)
        return try JSONIO.response(try await createEnvironment(named: body.name, in: project, by: caller, context: context), status: .created)
    }

    /// The project in the path, when the caller may add environments to it.
    func environmentCreator(_ context: APIRequestContext) async throws -> (Project, Caller) {
        let (project, caller) = try await accessProject(context, .changeEnvironment)
        if caller.tokenScope.map({ if case .environment = $0 { true } else { false } }) == true {
            throw RailyardError.forbidden("an environment token cannot create environments")
        }
        return (project, caller)
    }

    /// Adds an environment (the caller was checked by `environmentCreator`), for the API and
    /// the dashboard alike.
    func createEnvironment(named name: String, in project: Project, by caller: Caller, context: APIRequestContext) async throws -> Environment {
        if let problem = NameRules.environmentNameProblem(name) { throw RailyardError.invalid(problem, field: "name") }
        return try await store.createEnvironment(name: name, in: project.id, audit: context.audit(caller))
    }

    @Sendable func getEnvironment(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (environment, _, _) = try await accessEnvironment(context, .read)
        return try JSONIO.response(environment)
    }

    @Sendable func deleteEnvironment(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (environment, _, caller) = try await accessEnvironment(context, .deleteEnvironment)
        try await deletingVolumes { try await store.deleteEnvironment(environment.id, audit: context.audit(caller)) }
        return JSONIO.noContent()
    }

    func accessEnvironment(_ context: APIRequestContext, _ action: Action) async throws -> (Environment, Project, Caller) {
        let caller = try context.requireCaller()
        let id: EnvironmentID = try context.pathID("environmentId", "environment")
        guard let environment = try await store.environment(id: id),
              let project = try await store.project(id: environment.projectID)
        else { throw RailyardError.notFound("environment") }
        _ = try caller.authorize(
            action, workspace: project.workspaceID, project: project.id, environment: environment.id,
            notFound: "environment")
        return (environment, project, caller)
    }

    // MARK: Services

    @Sendable func listServices(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (project, _) = try await accessProject(context, .read)
        return try JSONIO.response(try await store.services(in: project.id, page: try request.pageRequest()))
    }

    @Sendable func createService(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (project, caller) = try await accessProject(context, .changeService)
        let body = try await JSONIO.decode(CreateServiceRequest.self, from: request, context: context)
        return try JSONIO.response(try await createService(body, in: project, caller: caller, context: context), status: .created)
    }

    /// The rules of adding a service to a project the caller may change (`accessProject`), for
    /// the API and the dashboard alike.
    func createService(
        _ body: CreateServiceRequest, in project: Project, caller: Caller, context: APIRequestContext
    ) async throws -> Service {
        if let problem = NameRules.serviceNameProblem(body.name) { throw RailyardError.invalid(problem, field: "name") }
        try Self.validate(body.repository)
        return try await store.createService(
            name: body.name, in: project.id, repository: body.repository, audit: context.audit(caller))
    }

    @Sendable func getService(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (service, _, _) = try await accessService(context, .read, environment: nil)
        return try JSONIO.response(service)
    }

    @Sendable func updateService(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (service, _, caller) = try await accessService(context, .changeService, environment: nil)
        let body = try await JSONIO.decode(UpdateServiceRequest.self, from: request, context: context)
        return try JSONIO.response(try await updateService(service, with: body, caller: caller, context: context))
    }

    /// Changes a service the caller may change (`accessService`), for the API and the dashboard.
    func updateService(_ service: Service, with body: UpdateServiceRequest, caller: Caller, context: APIRequestContext) async throws -> Service {
        if let name = body.name, let problem = NameRules.serviceNameProblem(name) { throw RailyardError.invalid(problem, field: "name") }
        if case .some(let repository) = body.repository { try Self.validate(repository) }
        if case .some(.some) = body.repository, service.database != nil {
            throw RailyardError.conflict("\(service.name) is a database service: it runs the host's server and takes no repository", field: "repository")
        }
        if case .some(.some(let memory)) = body.memoryLimit, !Self.memoryLimits.contains(memory) {
            throw RailyardError.invalid("memoryLimit must be between 16 MiB and 1 TiB, in bytes", field: "memoryLimit")
        }
        if case .some(.some(let cpu)) = body.cpuLimitMillis, !Self.cpuLimits.contains(cpu) {
            throw RailyardError.invalid("cpuLimitMillis must be between 10 (0.01 core) and 1024000, in thousandths of a core", field: "cpuLimitMillis")
        }
        if case .some(.some(let bytes)) = body.requestBodyLimit, !Self.requestBodyLimits.contains(bytes) {
            throw RailyardError.invalid("requestBodyLimit must be between 1 byte and 1 TiB, in bytes", field: "requestBodyLimit")
        }
        if case .some(.some(let processes)) = body.processLimit, !Service.processLimits.contains(processes) {
            throw RailyardError.invalid(
                "processLimit must be between \(Service.processLimits.lowerBound) and \(Service.processLimits.upperBound) processes",
                field: "processLimit")
        }
        let deploy: ServiceDeploySettings.Change
        switch body.deploy.checked() {
        case .success(let checked): deploy = checked
        case .failure(let problem): throw RailyardError.invalid(problem.message, field: "deploy." + problem.field)
        }
        if !deploy.isEmpty, service.database != nil {
            throw RailyardError.conflict(
                "\(service.name) is a database service: Railyard starts, checks and restarts its server, so it takes no deploy settings",
                field: "deploy")
        }
        var version: String?
        if let text = body.databaseVersion {
            version = try await databaseVersionChange(service, to: text)
        }
        let updated = try await store.updateService(
            service.id, name: body.name, repository: body.repository, memoryLimit: body.memoryLimit,
            cpuLimitMillis: body.cpuLimitMillis, requestBodyLimit: body.requestBodyLimit, processLimit: body.processLimit,
            databaseVersion: version, deploy: deploy, audit: context.audit(caller))
        if body.requestBodyLimit != nil { await dependencies.control?.routingChanged() }
        return updated
    }

    /// The version a database service may switch to (`text`, checked): one the host has, and
    /// a different major version only while the service holds no data (no deployment of it
    /// has run: one that did initialised its volume). The next deployment runs it.
    private func databaseVersionChange(_ service: Service, to text: String) async throws -> String {
        guard let engine = service.database else {
            throw RailyardError.conflict("\(service.name) is not a database service: only databases have a version", field: "databaseVersion")
        }
        guard let version = DatabaseVersions.parse(text) else {
            throw RailyardError.invalid("databaseVersion must be the engine's major version, such as 15 or 10.11", field: "databaseVersion")
        }
        guard let control = dependencies.control else {
            throw RailyardError.unavailable("databases need the deployment controller, which this server does not run")
        }
        let ran = try await store.deployments(of: service.id, in: nil, page: PageRequest(limit: 100, after: nil)).items
            .contains { [.success, .crashed, .removed].contains($0.status) || !$0.instances.isEmpty }
        if let problem = DatabaseVersions.changeProblem(
            engine, service: service.name, current: service.databaseVersion, requested: version,
            installed: control.installedDatabaseVersions(engine), holdsData: ran
        ) {
            throw RailyardError.conflict(problem, field: "databaseVersion")
        }
        return version
    }

    @Sendable func deleteService(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (service, _, caller) = try await accessService(context, .deleteService, environment: nil)
        try await deletingVolumes { try await store.deleteService(service.id, audit: context.audit(caller)) }
        // Its domains went with it.
        await dependencies.control?.routingChanged()
        return JSONIO.noContent()
    }

    /// Runs a deletion that takes volumes' rows with it (a service, an environment, a
    /// project: the caller confirmed it, `--yes`), then deletes those volumes' data.
    func deletingVolumes(_ deletion: () async throws -> Void) async throws {
        let before = try await store.allVolumes()
        try await deletion()
        guard !before.isEmpty, let control = dependencies.control else { return }
        let remaining = Set(try await store.allVolumes().map(\.id))
        await control.destroyVolumes(before.filter { !remaining.contains($0.id) })
    }

    /// The service named in the path, if the caller may do `action` on it (in `environment`,
    /// when the action is about one environment).
    func accessService(
        _ context: APIRequestContext, _ action: Action, environment: EnvironmentID?
    ) async throws -> (Service, Project, Caller) {
        let caller = try context.requireCaller()
        let id: ServiceID = try context.pathID("serviceId", "service")
        guard let service = try await store.service(id: id), let project = try await store.project(id: service.projectID)
        else { throw RailyardError.notFound("service") }
        _ = try caller.authorize(
            action, workspace: project.workspaceID, project: project.id, environment: environment, notFound: "service")
        return (service, project, caller)
    }
}
