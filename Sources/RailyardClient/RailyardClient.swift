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
        ClientError(status: 0, code: "unreachable",
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
        do {
            return try JSONCoding.makeDecoder().decode(Response.self, from: data)
        } catch {
            throw ClientError(status: 0, code: "bad_response", message: "the server's answer was not understood: \(error)", field: nil)
        }
    }

    public func sendRaw(
        _ method: HTTPMethod, _ path: String, query: [String: String?] = [:], body: (some Encodable)?
    ) async throws -> Data {
        var components = URLComponents(string: server + path)
        let items = query.compactMap { key, value in value.map { URLQueryItem(name: key, value: $0) } }
        if !items.isEmpty { components?.queryItems = items.sorted { $0.name < $1.name } }
        guard let url = components?.string else {
            throw ClientError(status: 0, code: "bad_server", message: "'\(server)' is not a valid server URL", field: nil)
        }
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let bearer { request.headers.add(name: "Authorization", value: "Bearer \(bearer)") }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: try JSONCoding.makeEncoder().encode(body)))
        }
        let response: HTTPClientResponse
        let bytes: ByteBuffer
        do {
            response = try await sharedHTTPClient.execute(request, timeout: .seconds(60))
            bytes = try await response.body.collect(upTo: 64 << 20)
        } catch {
            throw ClientError.unreachable(server, error)
        }
        let data = Data(buffer: bytes)
        guard (200..<300).contains(Int(response.status.code)) else {
            if let decoded = try? JSONDecoder().decode(APIErrorBody.self, from: data) {
                throw ClientError(status: Int(response.status.code), code: decoded.error.code,
                                  message: decoded.error.message, field: decoded.error.field)
            }
            throw ClientError(status: Int(response.status.code), code: "http_\(response.status.code)",
                              message: "the server answered \(response.status.code) \(response.status.reasonPhrase)", field: nil)
        }
        return data
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

    public func createService(name: String, in project: ProjectID) async throws -> Service {
        try await send(.POST, "/api/v1/projects/\(project)/services", body: ["name": name])
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
