import Crypto
import Foundation
import Hummingbird
import Logging
import RailyardControl
import RailyardEdge
import RailyardCore
import RailyardStore
import ServiceLifecycle

/// Everything the routes need, built once at start.
public struct APIDependencies: Sendable {
    public let store: Store
    public let tokens: TokenService
    public let passwords: PasswordHasher
    public let loginLimiter: LoginRateLimiter
    public let setupGate: SetupGate
    /// Called once the first admin exists (the server removes the setup-token file).
    public let onSetupComplete: @Sendable () -> Void
    /// The deployment pipeline; nil where the API runs without one (then deploy actions
    /// answer 503 and deployments stay queued).
    public var control: DeploymentController?
    public var logHub: LogHub?
    public var sourcesFolder: URL?
    public var artifactsFolder: URL?
    /// Largest source upload accepted, in bytes.
    public var uploadLimit: Int = APIDependencies.defaultUploadLimit
    public static let defaultUploadLimit = 200 << 20
    /// Storage limits and clean-up of sources and artifacts; nil where nothing is stored.
    public var storage: StorageGuard?
    /// The base of generated domains (`SERVICE-PROJECT.BASE`).
    public var baseDomain = "localhost"
    /// The edge's HTTP port, for the URLs of domains; nil when no edge listens.
    public var edgeHTTPPort: Int?
    /// Where the edge serves HTTPS, when it does.
    public var edgeHTTPSPort: Int?
    /// The edge's routes, for `/metrics`; nil when no edge runs.
    public var edgeRoutes: EdgeRoutes?
    /// Watches the data folder's free space (readiness, uploads); nil where there is none.
    public var diskMonitor: DiskSpaceMonitor?
    /// Sessions begun while the store's disk was full, until it records them.
    public let unsavedSessions = UnsavedSessions()

    public init(
        store: Store, tokens: TokenService, passwords: PasswordHasher = PasswordHasher(),
        loginLimiter: LoginRateLimiter = LoginRateLimiter(), setupGate: SetupGate,
        onSetupComplete: @escaping @Sendable () -> Void = {}
    ) {
        self.store = store
        self.tokens = tokens
        self.passwords = passwords
        self.loginLimiter = loginLimiter
        self.setupGate = setupGate
        self.onSetupComplete = onSetupComplete
    }
}

/// The API's routes and middleware: health probes, the OpenAPI document, and `/api/v1`.
public func buildRouter(_ dependencies: APIDependencies) -> Router<APIRequestContext> {
    let router = Router(context: APIRequestContext.self)
    router.addMiddleware {
        RequestLogMiddleware()
        ErrorMiddleware()
        AppCallerMiddleware()
    }
    router.get("healthz") { _, _ in try JSONIO.response(["status": "ok"]) }
    router.get("readyz") { _, context in
        // Not ready (503, whatever the cause) with the reason: the store, probed on a
        // connection of its own within a second, or a full disk.
        if let problem = await dependencies.store.readiness(limit: .seconds(1)) {
            context.logger.warning("not ready", metadata: ["error": "\(problem)"])
            return ErrorMiddleware.response(for: problem.apiError, status: .serviceUnavailable)
        }
        if let problem = dependencies.diskMonitor?.fullProblem() {
            return ErrorMiddleware.response(for: problem, status: .serviceUnavailable)
        }
        return try JSONIO.response(["status": "ready", "store": dependencies.store.backendName])
    }
    let api = router.group("api/v1")
    api.get("openapi.json") { _, _ in
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.served)))
    }
    let authenticated = api.add(middleware: AuthMiddleware(
        store: dependencies.store, tokens: dependencies.tokens, tokenUse: TokenUseRecorder(),
        unsavedSessions: dependencies.unsavedSessions))
    AuthController(dependencies: dependencies).addRoutes(to: authenticated)
    WorkspaceController(dependencies: dependencies).addRoutes(to: authenticated)
    let projects = ProjectController(dependencies: dependencies)
    projects.addRoutes(to: authenticated)
    ServiceStateController(dependencies: dependencies, projects: projects).addRoutes(to: authenticated)
    VariableController(dependencies: dependencies, projects: projects).addRoutes(to: authenticated)
    DeployController(dependencies: dependencies, projects: projects).addRoutes(to: authenticated)
    DomainController(dependencies: dependencies, projects: projects).addRoutes(to: authenticated)
    VolumeController(dependencies: dependencies, projects: projects).addRoutes(to: authenticated)
    TCPProxyController(dependencies: dependencies, projects: projects).addRoutes(to: authenticated)
    DatabaseController(dependencies: dependencies, projects: projects).addRoutes(to: authenticated)
    // Prometheus metrics of the edge, for a caller's own services (a scrape sends a token).
    router.group().add(middleware: AuthMiddleware(
        store: dependencies.store, tokens: dependencies.tokens, tokenUse: TokenUseRecorder(),
        unsavedSessions: dependencies.unsavedSessions))
        .get("metrics") { _, context in try await metricsResponse(dependencies: dependencies, context: context) }
    // The web dashboard, on the same origin as the API (its own session cookies, never Bearer).
    DashboardController(dependencies: dependencies, projects: projects).addRoutes(to: router)
    return router
}

/// The API application on `address`, with `services` (the store first) run beside the HTTP server
/// in one service group, so that shutdown drains requests before the store closes.
public func buildApplication(
    dependencies: APIDependencies, address: BindAddress, services: [any ServiceLifecycle.Service], logger: Logger,
    beforeServing: @escaping @Sendable () async throws -> Void = {},
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    var application = Application(
        router: buildRouter(dependencies),
        configuration: .init(address: address, serverName: "railyard"),
        services: services,
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
        logger: logger)
    application.beforeServerStarts {
        try await dependencies.store.migrate()
        try await beforeServing()
    }
    return application
}

/// The edge's metrics for the services the caller can read, labelled with their names; the
/// edge-wide figures for workspace admins.
func metricsResponse(dependencies: APIDependencies, context: APIRequestContext) async throws -> Response {
    let caller = try context.requireCaller()
    var services: [String: [(String, String)]] = [:]
    if let edge = dependencies.edgeRoutes {
        for id in edge.measuredServices where ServiceID.isWellFormed(id) {
            guard let service = try await dependencies.store.service(id: ServiceID(rawValue: id)),
                  let project = try await dependencies.store.project(id: service.projectID),
                  caller.roles[project.workspaceID] != nil,
                  caller.onlyProject == nil || caller.onlyProject == project.id
            else { continue }
            services[id] = [("service", service.name), ("project", project.name), ("service_id", id)]
        }
    }
    let includeEdge = caller.onlyProject == nil && caller.roles.values.contains(.admin)
    var text = dependencies.edgeRoutes?.prometheusText(services: services, includeEdge: includeEdge) ?? ""
    if let control = dependencies.control {
        text += try await replicaUsageText(await control.replicaUsage(), caller: caller, store: dependencies.store)
    }
    var headers = HTTPFields()
    headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
    return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
}

/// Each running replica's memory and CPU time (apps and databases, edge or not), for the
/// services the caller can read.
func replicaUsageText(_ reports: [ReplicaUsage], caller: Caller, store: Store) async throws -> String {
    var readable: [ServiceID: (service: Service, project: Project)?] = [:]
    var environments: [EnvironmentID: String] = [:]
    var memory: [String] = []
    var cpu: [String] = []
    for report in reports.sorted(by: { ($0.serviceID, $0.environmentID, $0.replica) < ($1.serviceID, $1.environmentID, $1.replica) }) {
        if readable[report.serviceID] == nil {
            var found: (Service, Project)?
            if let service = try await store.service(id: report.serviceID), let project = try await store.project(id: service.projectID),
               caller.roles[project.workspaceID] != nil, caller.onlyProject == nil || caller.onlyProject == project.id {
                found = (service, project)
            }
            readable[report.serviceID] = .some(found)
        }
        guard let (service, project) = readable[report.serviceID] ?? nil else { continue }
        if case .environment(_, _, let only) = caller.tokenScope, only != report.environmentID { continue }
        if environments[report.environmentID] == nil {
            environments[report.environmentID] = try await store.environment(id: report.environmentID)?.name ?? report.environmentID.rawValue
        }
        let labels = [("service", service.name), ("project", project.name), ("service_id", service.id.rawValue),
                      ("environment", environments[report.environmentID] ?? ""), ("replica", String(report.replica))]
            .map { "\($0.0)=\"\(EdgeRoutes.escape($0.1))\"" }.joined(separator: ",")
        if let bytes = report.usage.memoryBytes { memory.append("railyard_replica_memory_bytes{\(labels)} \(bytes)") }
        if let micros = report.usage.cpuMicroseconds { cpu.append("railyard_replica_cpu_seconds_total{\(labels)} \(Double(micros) / 1e6)") }
    }
    var lines = ["# HELP railyard_replica_memory_bytes Memory a replica's processes use now (page cache included, as its limit counts it).",
                 "# TYPE railyard_replica_memory_bytes gauge"] + memory
    lines += ["# HELP railyard_replica_cpu_seconds_total CPU time a replica's processes used since it started.",
              "# TYPE railyard_replica_cpu_seconds_total counter"] + cpu
    return lines.joined(separator: "\n") + "\n"
}
