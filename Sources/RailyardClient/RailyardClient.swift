import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import RailyardCore

/// An error answered by the API (with its status and the error body's code and message), or a
/// failure to reach it.
public struct ClientError: Error, Sendable, CustomStringConvertible {
    public let status: Int
    public let code: String
    public let message: String
    public let field: String?

    public var description: String { message }

    static func unreachable(_ server: String, _ error: any Error) -> ClientError {
        if let error = error as? HTTPClientError, error == .deadlineExceeded || error == .readTimeout {
            // It took the connection: a server that is up but stuck, not a dead one.
            return ClientError(status: 0, code: "no_answer",
                               message: "the Railyard server at \(server) took the request but did not answer in time; it may be overloaded (see its log)",
                               field: nil)
        }
        return ClientError(status: 0, code: "unreachable",
                           message: "cannot reach the Railyard server at \(server) (\(error)); is `railyard server` running?",
                           field: nil)
    }
}

/// One HTTP client for the process. A refused connection fails at once rather than being retried
/// until the request's deadline, so that "is the server running?" is answered in milliseconds.
let sharedHTTPClient: HTTPClient = {
    var configuration = HTTPClient.Configuration()
    configuration.connectionPool.retryConnectionEstablishment = false
    configuration.timeout.connect = .seconds(10)
    return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
}()

/// A typed client of the REST API, used by the CLI and the tests.
public struct RailyardClient: Sendable {
    public let server: String
    public var bearer: String?

    public init(server: String, bearer: String?) {
        var server = server
        while server.hasSuffix("/") { server.removeLast() }
        self.server = server
        self.bearer = bearer
    }

    public struct Empty: Codable, Sendable { public init() {} }

    /// Sends a request and decodes the answer as `Response`; any non-2xx answer throws
    /// `ClientError` with the server's message.
    public func send<Response: Decodable>(
        _ method: HTTPMethod, _ path: String, query: [String: String?] = [:], body: (some Encodable)? = Optional<Empty>.none,
        as: Response.Type = Response.self
    ) async throws -> Response {
        let data = try await sendRaw(method, path, query: query, body: body)
        if Response.self == Empty.self, let empty = Empty() as? Response { return empty }
        return try decode(Response.self, data)
    }

    func decode<Response: Decodable>(_ type: Response.Type, _ data: Data) throws -> Response {
        do {
            return try JSONCoding.makeDecoder().decode(Response.self, from: data)
        } catch {
            throw ClientError(status: 0, code: "bad_response", message: "the server's answer was not understood: \(error)", field: nil)
        }
    }

    func url(_ path: String, query: [String: String?]) throws -> String {
        var components = URLComponents(string: server + path)
        let items = query.compactMap { key, value in value.map { URLQueryItem(name: key, value: $0) } }
        if !items.isEmpty { components?.queryItems = items.sorted { $0.name < $1.name } }
        guard let url = components?.string else {
            throw ClientError(status: 0, code: "bad_server", message: "'\(server)' is not a valid server URL", field: nil)
        }
        return url
    }

    public func sendRaw(
        _ method: HTTPMethod, _ path: String, query: [String: String?] = [:], body: (some Encodable)?
    ) async throws -> Data {
        let encoded = try body.map { ByteBuffer(data: try JSONCoding.makeEncoder().encode($0)) }
        return try await sendRaw(method, path, query: query, rawBody: encoded, contentType: "application/json")
    }

    func sendRaw(
        _ method: HTTPMethod, _ path: String, query: [String: String?], rawBody: ByteBuffer?, contentType: String,
        timeout: TimeAmount = .seconds(60)
    ) async throws -> Data {
        var request = HTTPClientRequest(url: try url(path, query: query))
        request.method = method
        if let bearer { request.headers.add(name: "Authorization", value: "Bearer \(bearer)") }
        if let rawBody {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(rawBody)
        }
        let response: HTTPClientResponse
        let bytes: ByteBuffer
        do {
            response = try await sharedHTTPClient.execute(request, timeout: timeout)
            bytes = try await response.body.collect(upTo: 64 << 20)
        } catch {
            throw ClientError.unreachable(server, error)
        }
        let data = Data(buffer: bytes)
        guard (200..<300).contains(Int(response.status.code)) else {
            throw Self.error(status: Int(response.status.code), reason: response.status.reasonPhrase, data)
        }
        return data
    }

    static func error(status: Int, reason: String, _ data: Data) -> ClientError {
        if let decoded = try? JSONDecoder().decode(APIErrorBody.self, from: data) {
            // The server answered: say so, so that nobody goes looking for a dead process when
            // its database or its disk is the trouble.
            let message = switch decoded.error.code {
            case RailyardError.Kind.storeUnavailable.rawValue: "the server is up but its store is unavailable: \(decoded.error.message)"
            case RailyardError.Kind.diskFull.rawValue: "the server is up but \(decoded.error.message)"
            default: decoded.error.message
            }
            return ClientError(status: status, code: decoded.error.code, message: message, field: decoded.error.field)
        }
        return ClientError(status: status, code: "http_\(status)", message: "the server answered \(status) \(reason)", field: nil)
    }
}

// MARK: Shapes of the API's answers

public struct TokenPair: Codable, Sendable {
    public var accessToken: String
    public var refreshToken: String
    public var expiresIn: Int
    public var user: User
}

public struct WorkspaceRole: Codable, Sendable {
    public var workspace: Workspace
    public var role: Role
}

public struct Me: Codable, Sendable {
    public var user: User?
    public var token: APIToken?
    /// For a token: the role it acts with now (its own, capped by its creator's current role).
    public var effectiveRole: Role?
    /// For a token: the actions its role and scope allow.
    public var allowedActions: [String]?
    public var workspaces: [WorkspaceRole]
}

public struct ProjectCreated: Codable, Sendable {
    public var project: Project
    public var environments: [Environment]
}

public struct TokenCreated: Codable, Sendable {
    public var token: APIToken
    public var secret: String
}

public struct InviteCreated: Codable, Sendable {
    public var invite: Invite
    public var token: String
}

public struct InviteAccepted: Codable, Sendable {
    public var user: User
    public var membership: Membership
}

public struct SetupResult: Codable, Sendable {
    public var user: User
    public var workspace: Workspace
}

// MARK: Typed calls

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

        public init(
            name: String? = nil, repository: GitSource?? = nil, memoryLimit: Int64?? = nil, cpuLimitMillis: Int?? = nil,
            requestBodyLimit: Int64?? = nil, processLimit: Int?? = nil
        ) {
            self.processLimit = processLimit
            self.name = name
            self.repository = repository
            self.memoryLimit = memoryLimit
            self.cpuLimitMillis = cpuLimitMillis
            self.requestBodyLimit = requestBodyLimit
        }

        enum CodingKeys: String, CodingKey { case name, repository, memoryLimit, cpuLimitMillis, requestBodyLimit, processLimit }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(name, forKey: .name)
            if let repository { try container.encode(repository, forKey: .repository) }
            if let memoryLimit { try container.encode(memoryLimit, forKey: .memoryLimit) }
            if let cpuLimitMillis { try container.encode(cpuLimitMillis, forKey: .cpuLimitMillis) }
            if let requestBodyLimit { try container.encode(requestBodyLimit, forKey: .requestBodyLimit) }
            if let processLimit { try container.encode(processLimit, forKey: .processLimit) }
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

    public func updateVariables(
        of service: ServiceID, in environment: EnvironmentID, set: [String: String], unset: [String]
    ) async throws -> [Variable] {
        struct Body: Encodable { var set: [String: String]; var unset: [String] }
        let page: Page<Variable> = try await send(
            .PATCH, "/api/v1/services/\(service)/variables", query: ["environmentId": environment.rawValue],
            body: Body(set: set, unset: unset))
        return page.items
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

// MARK: Deploying

extension RailyardClient {
    /// Uploads a gzip tarball of a service's source; the answer is the new QUEUED deployment.
    public func upload(
        _ archive: ByteBuffer, service: ServiceID, environment: EnvironmentID, message: String?
    ) async throws -> Deployment {
        var query: [String: String?] = ["environmentId": environment.rawValue]
        if let message { query["message"] = message }
        let data = try await sendRaw(
            .POST, "/api/v1/services/\(service)/uploads", query: query, rawBody: archive, contentType: "application/gzip",
            timeout: .seconds(3600))
        return try decode(Deployment.self, data)
    }

    public func deployments(of service: ServiceID, in environment: EnvironmentID) async throws -> [Deployment] {
        try await all("/api/v1/services/\(service)/deployments", query: ["environmentId": environment.rawValue], as: Deployment.self)
    }

    public func deployment(_ id: DeploymentID) async throws -> Deployment { try await send(.GET, "/api/v1/deployments/\(id)") }

    struct EnvironmentBody: Encodable {
        var environmentId: EnvironmentID
        var message: String?
        var deploymentId: DeploymentID?
        var redeploy: Bool?
    }

    /// A fresh build of the service's latest source (the same upload or commit).
    public func redeploy(service: ServiceID, environment: EnvironmentID, message: String?) async throws -> Deployment {
        try await send(.POST, "/api/v1/services/\(service)/deployments",
                       body: EnvironmentBody(environmentId: environment, message: message, redeploy: true))
    }

    /// Deploys the latest commit of the service's git branch.
    public func deploy(service: ServiceID, environment: EnvironmentID, message: String?) async throws -> Deployment {
        try await send(.POST, "/api/v1/services/\(service)/deployments",
                       body: EnvironmentBody(environmentId: environment, message: message, redeploy: false))
    }

    public func rollback(service: ServiceID, environment: EnvironmentID, to deployment: DeploymentID?) async throws -> Deployment {
        try await send(.POST, "/api/v1/services/\(service)/rollback",
                       body: EnvironmentBody(environmentId: environment, deploymentId: deployment))
    }

    public func restart(service: ServiceID, environment: EnvironmentID) async throws -> Deployment {
        // A rolling restart answers once every replica was replaced, each after its successor
        // passed its health check (up to healthcheckTimeout apiece): far past the usual minute.
        let data = try await sendRaw(
            .POST, "/api/v1/services/\(service)/restart", query: ["environmentId": environment.rawValue], rawBody: nil,
            contentType: "application/json", timeout: .hours(2))
        return try decode(Deployment.self, data)
    }

    public func down(service: ServiceID, environment: EnvironmentID) async throws -> Deployment {
        try await send(.POST, "/api/v1/services/\(service)/down", query: ["environmentId": environment.rawValue])
    }

    struct LogPage: Decodable {
        var items: [LogLine]
        var nextCursor: String?
    }

    /// Every stored line after `after`; with `tail`, only the last that many (of `phase`);
    /// with `since`, only lines stamped then or later. The server reads the last lines from
    /// the end of the log and finds `since` by a binary search, so neither reads it all.
    public func logs(
        of deployment: DeploymentID, after: Int = 0, phase: String? = nil, tail: Int? = nil, since: Date? = nil
    ) async throws -> [LogLine] {
        var lines: [LogLine] = []
        var cursor = after
        var first = true
        while true {
            var query: [String: String?] = ["after": String(cursor), "limit": "5000", "phase": phase]
            // Where the lines start is chosen once; later pages go on from the cursor.
            if first {
                query["tail"] = tail.map { String($0) }
                query["since"] = since.map(JSONCoding.formatTimestamp)
            }
            first = false
            let page: LogPage = try await send(.GET, "/api/v1/deployments/\(deployment)/logs", query: query)
            lines += page.items
            guard let next = page.nextCursor.flatMap(Int.init), next > cursor else { return lines }
            cursor = next
        }
    }

    /// What a log stream delivers.
    public enum LogStreamEvent: Sendable {
        case line(LogLine)
        case status(DeploymentStatus, reason: String?)
    }

    struct StatusEvent: Decodable {
        var status: DeploymentStatus
        var reason: String?
    }

    /// The live log (Server-Sent Events): the stored lines after `after`, then new lines and
    /// status changes as they happen. The stream ends when the server closes it or it drops;
    /// callers resume from the last line's `seq`.
    public func followLogs(
        of deployment: DeploymentID, after: Int = 0, phase: String? = nil, tail: Int? = nil, since: Date? = nil
    ) -> AsyncThrowingStream<LogStreamEvent, any Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    var query: [String: String?] = ["after": String(after), "follow": "true"]
                    if let phase { query["phase"] = phase }
                    if let tail { query["tail"] = String(tail) }
                    if let since { query["since"] = JSONCoding.formatTimestamp(since) }
                    var request = HTTPClientRequest(url: try url("/api/v1/deployments/\(deployment)/logs", query: query))
                    if let bearer { request.headers.add(name: "Authorization", value: "Bearer \(bearer)") }
                    request.headers.add(name: "Accept", value: "text/event-stream")
                    let response = try await sharedHTTPClient.execute(request, timeout: .hours(24 * 365))
                    guard response.status == .ok else {
                        let data = Data(buffer: try await response.body.collect(upTo: 1 << 20))
                        throw Self.error(status: Int(response.status.code), reason: response.status.reasonPhrase, data)
                    }
                    var parser = ServerSentEventParser()
                    let decoder = JSONCoding.makeDecoder()
                    for try await chunk in response.body {
                        for event in parser.feed(chunk) {
                            switch event.name {
                            case "line":
                                continuation.yield(.line(try decoder.decode(LogLine.self, from: Data(event.data.utf8))))
                            case "status":
                                let status = try decoder.decode(StatusEvent.self, from: Data(event.data.utf8))
                                continuation.yield(.status(status.status, reason: status.reason))
                            default:
                                continue
                            }
                        }
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}

/// Cuts a Server-Sent Events byte stream into events (`event:` and `data:` fields).
struct ServerSentEventParser {
    struct Event {
        var name: String
        var data: String
    }

    private var buffer: [UInt8] = []
    private var name = "message"
    private var data: [String] = []

    mutating func feed(_ chunk: ByteBuffer) -> [Event] {
        buffer.append(contentsOf: chunk.readableBytesView)
        var events: [Event] = []
        while let newline = buffer.firstIndex(of: 10) {
            var line = String(decoding: buffer[..<newline], as: UTF8.self)
            buffer.removeFirst(newline + 1)
            if line.hasSuffix("\r") { line.removeLast() }
            if line.isEmpty {
                if !data.isEmpty { events.append(Event(name: name, data: data.joined(separator: "\n"))) }
                name = "message"
                data = []
            } else if line.hasPrefix("event:") {
                name = line.dropFirst(6).trimmingCharacters(in: .whitespaces)
            } else if line.hasPrefix("data:") {
                var value = line.dropFirst(5)
                if value.first == " " { value = value.dropFirst() }
                data.append(String(value))
            }
        }
        return events
    }
}
