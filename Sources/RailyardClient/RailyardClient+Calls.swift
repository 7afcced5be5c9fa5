import Foundation
import NIOHTTP1
import RailyardCore

extension RailyardClient {
    public func setup(token: String, email: String, password: String) async throws -> SetupResult {
        try await send(.POST, "/api/v1/setup", body: ["token": token, "email": email, "password": password])
    }

    public func login(email: String, password: String) async throws -> TokenPair {
        try await send(.POST, "/api/v1/auth/login", body: ["email": email, "password": password])
    }

    public func refresh(_ refreshToken: String) async throws -> TokenPair {
        try await send(.POST, "/api/v1/auth/refresh", body: ["refreshToken": refreshToken])
    }

    public func logout(_ refreshToken: String) async throws {
        _ = try await sendRaw(.POST, "/api/v1/auth/logout", body: ["refreshToken": refreshToken])
    }

    public func me() async throws -> Me { try await send(.GET, "/api/v1/me") }

    /// Every item of a paginated list, following cursors.
    public func all<Item: Codable & Sendable>(_ path: String, query: [String: String?] = [:], as: Item.Type) async throws -> [Item] {
        var items: [Item] = []
        var cursor: String?
        repeat {
            var pageQuery = query
            pageQuery["limit"] = "200"
            pageQuery["cursor"] = cursor
            let page: Page<Item> = try await send(.GET, path, query: pageQuery)
            items += page.items
            cursor = page.nextCursor
        } while cursor != nil
        return items
    }

    public func projects() async throws -> [Project] { try await all("/api/v1/projects", as: Project.self) }

    public func createProject(name: String, workspace: WorkspaceID?) async throws -> ProjectCreated {
        struct Body: Encodable { var name: String; var workspaceId: WorkspaceID? }
        return try await send(.POST, "/api/v1/projects", body: Body(name: name, workspaceId: workspace))
    }

    public func project(_ id: ProjectID) async throws -> Project { try await send(.GET, "/api/v1/projects/\(id)") }

    public func deleteProject(_ id: ProjectID) async throws {
        _ = try await sendRaw(.DELETE, "/api/v1/projects/\(id)", body: Optional<Empty>.none)
    }

    public func environments(of project: ProjectID) async throws -> [Environment] {
        try await all("/api/v1/projects/\(project)/environments", as: Environment.self)
    }

    public func createEnvironment(name: String, in project: ProjectID) async throws -> Environment {
        try await send(.POST, "/api/v1/projects/\(project)/environments", body: ["name": name])
    }

    public func deleteEnvironment(_ id: EnvironmentID) async throws {
        _ = try await sendRaw(.DELETE, "/api/v1/environments/\(id)", body: Optional<Empty>.none)
    }

    public func services(of project: ProjectID) async throws -> [Service] {
        try await all("/api/v1/projects/\(project)/services", as: Service.self)
    }

    public func createService(name: String, in project: ProjectID, repository: GitSource? = nil) async throws -> Service {
        struct Body: Encodable {
            var name: String
            var repository: GitSource?
        }
        return try await send(.POST, "/api/v1/projects/\(project)/services", body: Body(name: name, repository: repository))
    }

    /// A change to a service's settings: nil leaves a setting alone, `.some(nil)` clears it.
    public struct ServiceChange: Encodable, Sendable {
        public var name: String?
        public var repository: GitSource??
        public var memoryLimit: Int64??
        public var cpuLimitMillis: Int??
        public var requestBodyLimit: Int64??
        public var processLimit: Int??
        public var databaseVersion: String?
        public var deploy = ServiceDeploySettings.Change()

        public init(
            name: String? = nil, repository: GitSource?? = nil, memoryLimit: Int64?? = nil, cpuLimitMillis: Int?? = nil,
            requestBodyLimit: Int64?? = nil, processLimit: Int?? = nil, deploy: ServiceDeploySettings.Change = .init()
        ) {
            self.deploy = deploy
            self.processLimit = processLimit
            self.name = name
            self.repository = repository
            self.memoryLimit = memoryLimit
            self.cpuLimitMillis = cpuLimitMillis
            self.requestBodyLimit = requestBodyLimit
        }

        enum CodingKeys: String, CodingKey {
            case name, repository, memoryLimit, cpuLimitMillis, requestBodyLimit, processLimit, databaseVersion, deploy
        }

        enum DeployKeys: String, CodingKey {
            case startCommand, healthcheckPath, healthcheckTimeout, numReplicas, restartPolicyType, restartPolicyMaxRetries
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(name, forKey: .name)
            if let repository { try container.encode(repository, forKey: .repository) }
            if let memoryLimit { try container.encode(memoryLimit, forKey: .memoryLimit) }
            if let cpuLimitMillis { try container.encode(cpuLimitMillis, forKey: .cpuLimitMillis) }
            if let requestBodyLimit { try container.encode(requestBodyLimit, forKey: .requestBodyLimit) }
            if let processLimit { try container.encode(processLimit, forKey: .processLimit) }
            try container.encodeIfPresent(databaseVersion, forKey: .databaseVersion)
            guard !deploy.isEmpty else { return }
            // A field set to nil is sent as null, which removes the setting.
            var settings = container.nestedContainer(keyedBy: DeployKeys.self, forKey: .deploy)
            if let value = deploy.startCommand { try settings.encode(value, forKey: .startCommand) }
            if let value = deploy.healthcheckPath { try settings.encode(value, forKey: .healthcheckPath) }
            if let value = deploy.healthcheckTimeout { try settings.encode(value, forKey: .healthcheckTimeout) }
            if let value = deploy.numReplicas { try settings.encode(value, forKey: .numReplicas) }
            if let value = deploy.restartPolicyType { try settings.encode(value, forKey: .restartPolicyType) }
            if let value = deploy.restartPolicyMaxRetries { try settings.encode(value, forKey: .restartPolicyMaxRetries) }
        }
    }

    // MARK: Domains

    struct DomainList: Decodable {
        var items: [Domain]
    }

    public func domains(of service: ServiceID, in environment: EnvironmentID) async throws -> [Domain] {
        let list: DomainList = try await send(
            .GET, "/api/v1/services/\(service)/domains", query: ["environmentId": environment.rawValue])
        return list.items
    }

    /// A custom domain, or with no hostname a generated one.
    /// A domain: generated when `hostname` is nil. A certificate (PEM chain) comes with its key.
    public func createDomain(
        service: ServiceID, environment: EnvironmentID, hostname: String?, targetPort: Int?, httpsRedirect: Bool? = nil,
        certificate: String? = nil, privateKey: String? = nil
    ) async throws -> Domain {
        struct Body: Encodable {
            var hostname: String?
            var targetPort: Int?
            var httpsRedirect: Bool?
            var certificate: String?
            var privateKey: String?
        }
        return try await send(
            .POST, "/api/v1/services/\(service)/domains", query: ["environmentId": environment.rawValue],
            body: Body(hostname: hostname, targetPort: targetPort, httpsRedirect: httpsRedirect, certificate: certificate,
                       privateKey: privateKey))
    }

    /// A change to a domain: nil leaves a setting alone; `.some(nil)` means the instance's PORT
    /// again, or (certificate and key) no installed certificate.
    public struct DomainChange: Encodable, Sendable {
        public var hostname: String?
        public var targetPort: Int??
        public var httpsRedirect: Bool?
        public var certificate: String??
        public var privateKey: String??

        public init(
            hostname: String? = nil, targetPort: Int?? = nil, httpsRedirect: Bool? = nil, certificate: String?? = nil,
            privateKey: String?? = nil
        ) {
            self.hostname = hostname
            self.targetPort = targetPort
            self.httpsRedirect = httpsRedirect
            self.certificate = certificate
            self.privateKey = privateKey
        }

        enum CodingKeys: String, CodingKey { case hostname, targetPort, httpsRedirect, certificate, privateKey }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(hostname, forKey: .hostname)
            if let targetPort { try container.encode(targetPort, forKey: .targetPort) }
            try container.encodeIfPresent(httpsRedirect, forKey: .httpsRedirect)
            if let certificate { try container.encode(certificate, forKey: .certificate) }
            if let privateKey { try container.encode(privateKey, forKey: .privateKey) }
        }
    }

    public func updateDomain(_ id: DomainID, _ change: DomainChange) async throws -> Domain {
        try await send(.PATCH, "/api/v1/domains/\(id)", body: change)
    }

    public func deleteDomain(_ id: DomainID) async throws {
        _ = try await sendRaw(.DELETE, "/api/v1/domains/\(id)", body: Optional<Empty>.none)
    }

    // MARK: Volumes

    struct VolumeList: Decodable {
        var items: [Volume]
    }

    /// The service's volume in the environment (none or one), with its use.
    public func volumes(of service: ServiceID, in environment: EnvironmentID) async throws -> [Volume] {
        let list: VolumeList = try await send(
            .GET, "/api/v1/services/\(service)/volumes", query: ["environmentId": environment.rawValue])
        return list.items
    }

    /// A volume for the service in the environment; nil size: the server's default (1 GiB).
    public func createVolume(
        service: ServiceID, environment: EnvironmentID, mountPath: String, sizeBytes: Int64?
    ) async throws -> Volume {
        struct Body: Encodable {
            var mountPath: String
            var sizeBytes: Int64?
        }
        return try await send(
            .POST, "/api/v1/services/\(service)/volumes", query: ["environmentId": environment.rawValue],
            body: Body(mountPath: mountPath, sizeBytes: sizeBytes))
    }

    /// Grows a volume (a smaller size is refused).
    public func resizeVolume(_ id: VolumeID, sizeBytes: Int64) async throws -> Volume {
        struct Body: Encodable { var sizeBytes: Int64 }
        return try await send(.PATCH, "/api/v1/volumes/\(id)", body: Body(sizeBytes: sizeBytes))
    }

    /// Deletes a volume and its data.
    public func deleteVolume(_ id: VolumeID) async throws {
        _ = try await sendRaw(.DELETE, "/api/v1/volumes/\(id)", body: Optional<Empty>.none)
    }

    // MARK: TCP proxies

    struct TCPProxyList: Decodable {
        var items: [TCPProxy]
    }

    /// The service's TCP proxy in the environment (none or one).
    public func tcpProxies(of service: ServiceID, in environment: EnvironmentID) async throws -> [TCPProxy] {
        let list: TCPProxyList = try await send(
            .GET, "/api/v1/services/\(service)/tcp-proxies", query: ["environmentId": environment.rawValue])
        return list.items
    }

    /// A TCP proxy for the service in the environment; nil port: the lowest free one of the
    /// server's range; nil target port: a database's engine port.
    public func createTCPProxy(
        service: ServiceID, environment: EnvironmentID, port: Int? = nil, targetPort: Int? = nil
    ) async throws -> TCPProxy {
        struct Body: Encodable {
            var port: Int?
            var targetPort: Int?
        }
        return try await send(
            .POST, "/api/v1/services/\(service)/tcp-proxies", query: ["environmentId": environment.rawValue],
            body: Body(port: port, targetPort: targetPort))
    }

    /// Removes the service's TCP proxy in the environment: its port closes with every
    /// connection through it.
    public func deleteTCPProxy(service: ServiceID, environment: EnvironmentID) async throws {
        _ = try await sendRaw(
            .DELETE, "/api/v1/services/\(service)/tcp-proxies", query: ["environmentId": environment.rawValue],
            body: Optional<Empty>.none)
    }

    public func updateService(_ id: ServiceID, _ change: ServiceChange) async throws -> Service {
        try await send(.PATCH, "/api/v1/services/\(id)", body: change)
    }

    public func deleteService(_ id: ServiceID) async throws {
        _ = try await sendRaw(.DELETE, "/api/v1/services/\(id)", body: Optional<Empty>.none)
    }

    public func variables(of service: ServiceID, in environment: EnvironmentID) async throws -> [Variable] {
        let page: Page<Variable> = try await send(
            .GET, "/api/v1/services/\(service)/variables", query: ["environmentId": environment.rawValue])
        return page.items
    }

    /// Sets and unsets variables; `sealed` seals the ones set. They apply at the next deploy.
    public func updateVariables(
        of service: ServiceID, in environment: EnvironmentID, set: [String: String], unset: [String], sealed: Bool = false
    ) async throws -> [Variable] {
        let page: Page<Variable> = try await send(
            .PATCH, "/api/v1/services/\(service)/variables", query: ["environmentId": environment.rawValue],
            body: VariablesChange(set: set, unset: unset, sealed: sealed ? true : nil))
        return page.items
    }

    /// The environment's shared variables (`${{shared.NAME}}`), sealed values left out.
    public func sharedVariables(in environment: EnvironmentID) async throws -> [Variable] {
        let page: Page<Variable> = try await send(.GET, "/api/v1/environments/\(environment)/variables")
        return page.items
    }

    public func updateSharedVariables(
        in environment: EnvironmentID, set: [String: String], unset: [String], sealed: Bool = false
    ) async throws -> [Variable] {
        let page: Page<Variable> = try await send(
            .PATCH, "/api/v1/environments/\(environment)/variables",
            body: VariablesChange(set: set, unset: unset, sealed: sealed ? true : nil))
        return page.items
    }

    /// The service's variables with references resolved, as a deploy now would give them;
    /// sealed values (and values made with them) left out.
    public func resolvedVariables(of service: ServiceID, in environment: EnvironmentID) async throws -> [Variable] {
        let page: Page<Variable> = try await send(
            .GET, "/api/v1/services/\(service)/variables/resolved", query: ["environmentId": environment.rawValue])
        return page.items
    }

    /// Every resolved variable, sealed values included: the environment `railyard run` gives a
    /// local command. Needs a role that may deploy.
    public func runEnvironment(of service: ServiceID, in environment: EnvironmentID) async throws -> [String: String] {
        struct Answer: Decodable { var variables: [String: String] }
        let answer: Answer = try await send(
            .GET, "/api/v1/services/\(service)/variables/run", query: ["environmentId": environment.rawValue])
        return answer.variables
    }

    public func createToken(
        name: String, in workspace: WorkspaceID, role: Role?, project: ProjectID?, environment: EnvironmentID?,
        expiresInDays: Int?
    ) async throws -> TokenCreated {
        struct Body: Encodable {
            var name: String; var role: Role?; var projectId: ProjectID?; var environmentId: EnvironmentID?
            var expiresInDays: Int?
        }
        return try await send(.POST, "/api/v1/workspaces/\(workspace)/tokens", body: Body(
            name: name, role: role, projectId: project, environmentId: environment, expiresInDays: expiresInDays))
    }

    public func tokens(in workspace: WorkspaceID) async throws -> [APIToken] {
        try await all("/api/v1/workspaces/\(workspace)/tokens", as: APIToken.self)
    }

    public func revokeToken(_ id: APITokenID) async throws -> APIToken {
        try await send(.DELETE, "/api/v1/tokens/\(id)")
    }

    public func invite(email: String, role: Role, to workspace: WorkspaceID) async throws -> InviteCreated {
        struct Body: Encodable { var email: String; var role: Role }
        return try await send(.POST, "/api/v1/workspaces/\(workspace)/invites", body: Body(email: email, role: role))
    }

    /// Accepts an invite: `password` creates a new account, or proves the caller owns the
    /// existing one; without it the client's own login must be the invited account's.
    public func acceptInvite(token: String, password: String?) async throws -> InviteAccepted {
        struct Body: Encodable { var token: String; var password: String? }
        return try await send(.POST, "/api/v1/invites/accept", body: Body(token: token, password: password))
    }

    public func members(of workspace: WorkspaceID) async throws -> [Membership] {
        try await all("/api/v1/workspaces/\(workspace)/members", as: Membership.self)
    }

    public func setRole(_ role: Role, of user: UserID, in workspace: WorkspaceID) async throws -> Membership {
        try await send(.PATCH, "/api/v1/workspaces/\(workspace)/members/\(user)", body: ["role": role])
    }

    public func auditEvents(in workspace: WorkspaceID, limit: Int) async throws -> [AuditEvent] {
        let page: Page<AuditEvent> = try await send(
            .GET, "/api/v1/workspaces/\(workspace)/audit", query: ["limit": String(limit)])
        return page.items
    }
}

struct VariablesChange: Encodable {
    var set: [String: String]
    var unset: [String]
    var sealed: Bool?
}
