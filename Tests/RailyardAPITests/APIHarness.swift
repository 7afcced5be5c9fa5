import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing
@testable import RailyardAPI
@testable import RailyardCore
@testable import RailyardStore

/// The real application over a real SQLite file, driven through HummingbirdTesting.
/// bcrypt runs at cost 4 here to keep the suite fast; the cost is a parameter, not a code path.
struct APIHarness {
    static let setupToken = "rys_test-setup-token"
    static let logger: Logger = {
        var logger = Logger(label: "railyard.api-test")
        logger.logLevel = .critical
        return logger
    }()

    let store: Store
    let dependencies: APIDependencies

    static func make(loginPolicy: LoginRateLimiter.Policy = .init(window: 60, failuresPerAccountAndAddress: 3, failuresPerAddress: 50))
        async throws -> APIHarness
    {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("railyard-api-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let store = try Store(
            location: .sqlite(path: folder.appendingPathComponent("railyard.sqlite").path),
            secrets: SecretBox(key: SymmetricKey(size: .bits256)), logger: logger)
        try await store.migrate()
        let dependencies = APIDependencies(
            store: store, tokens: await TokenService(signingKey: SymmetricKey(size: .bits256)),
            passwords: PasswordHasher(cost: 4), loginLimiter: LoginRateLimiter(policy: loginPolicy),
            setupGate: SetupGate(token: setupToken))
        return APIHarness(store: store, dependencies: dependencies)
    }

    func application() -> some ApplicationProtocol {
        buildApplication(
            dependencies: dependencies, address: .hostname("127.0.0.1", port: 0), services: [store], logger: Self.logger)
    }

    /// Runs `body` against the application in process.
    func test(_ body: @Sendable (API) async throws -> Void) async throws {
        try await application().test(.router) { client in try await body(API(client: client)) }
    }
}

/// A thin JSON layer over the test client.
struct API: Sendable {
    let client: any TestClientProtocol

    struct Reply: Sendable {
        let status: Int
        let headers: HTTPFields
        let body: ByteBuffer

        var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any]) ?? [:]
        }

        func decode<T: Decodable>(_ type: T.Type) throws -> T {
            try JSONCoding.makeDecoder().decode(T.self, from: Data(buffer: body))
        }

        var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
        var errorMessage: String? { (json["error"] as? [String: Any])?["message"] as? String }
    }

    @discardableResult
    func call(
        _ method: HTTPRequest.Method, _ path: String, token: String? = nil, json: Any? = nil, raw: String? = nil,
        headers extra: HTTPFields = [:]
    ) async throws -> Reply {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        var body: ByteBuffer?
        if let json {
            body = ByteBuffer(data: try JSONSerialization.data(withJSONObject: json))
            headers[.contentType] = "application/json"
        } else if let raw {
            body = ByteBuffer(string: raw)
            headers[.contentType] = "application/json"
        }
        return try await client.execute(uri: path, method: method, headers: headers, body: body) { response in
            Reply(status: Int(response.status.code), headers: response.headers, body: response.body)
        }
    }

    /// Calls and checks the status, failing the test with the body when it differs.
    @discardableResult
    func expect(
        _ status: Int, _ method: HTTPRequest.Method, _ path: String, token: String? = nil, json: Any? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> Reply {
        let reply = try await call(method, path, token: token, json: json)
        #expect(reply.status == status, "\(method) \(path): \(String(buffer: reply.body))", sourceLocation: sourceLocation)
        return reply
    }

    func login(_ email: String, _ password: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        let reply = try await expect(200, .post, "/api/v1/auth/login", json: ["email": email, "password": password],
                                     sourceLocation: sourceLocation)
        return try #require(reply.json["accessToken"] as? String, sourceLocation: sourceLocation)
    }
}

/// A workspace with an admin, a member and a viewer, a project with a service, and an outsider
/// who administers a workspace of their own.
struct Fixture: Sendable {
    let workspace: String
    let project: String
    let environment: String
    let service: String
    let admin: String
    let member: String
    let viewer: String
    let outsider: String
    let outsiderWorkspace: String

    static let password = "correct horse battery"

    static func make(_ api: API) async throws -> Fixture {
        try await api.expect(201, .post, "/api/v1/setup", json: [
            "token": APIHarness.setupToken, "email": "admin@example.com", "password": password, "workspaceName": "acme",
        ])
        let admin = try await api.login("admin@example.com", password)
        let me = try await api.expect(200, .get, "/api/v1/me", token: admin)
        let workspaces = try #require(me.json["workspaces"] as? [[String: Any]])
        let workspace = try #require((workspaces.first?["workspace"] as? [String: Any])?["id"] as? String)
        let member = try await join(api, admin: admin, workspace: workspace, email: "member@example.com", role: "member")
        let viewer = try await join(api, admin: admin, workspace: workspace, email: "viewer@example.com", role: "viewer")

        // The outsider joins, starts their own workspace, and is then removed from ours.
        let outsider = try await join(api, admin: admin, workspace: workspace, email: "outsider@example.com", role: "viewer")
        let own = try await api.expect(201, .post, "/api/v1/workspaces", token: outsider, json: ["name": "elsewhere"])
        let outsiderWorkspace = try #require((own.json["workspace"] as? [String: Any])?["id"] as? String)
        let outsiderID = try await userID(api, token: outsider)
        try await api.expect(204, .delete, "/api/v1/workspaces/\(workspace)/members/\(outsiderID)", token: admin)

        let created = try await api.expect(201, .post, "/api/v1/projects", token: admin, json: ["name": "shop", "workspaceId": workspace])
        let project = try #require((created.json["project"] as? [String: Any])?["id"] as? String)
        let environment = try #require((created.json["environments"] as? [[String: Any]])?.first?["id"] as? String)
        let service = try #require(
            try await api.expect(201, .post, "/api/v1/projects/\(project)/services", token: admin, json: ["name": "web"])
                .json["id"] as? String)
        // A repository gives `POST deployments` a source to deploy (no control loop runs here,
        // so nothing is cloned).
        try await api.expect(200, .patch, "/api/v1/services/\(service)", token: admin,
                             json: ["repository": ["url": "https://example.com/shop.git", "branch": "main"]])
        return Fixture(
            workspace: workspace, project: project, environment: environment, service: service, admin: admin,
            member: member, viewer: viewer, outsider: outsider, outsiderWorkspace: outsiderWorkspace)
    }

    /// Invites `email` with `role`, accepts, and logs in; returns the access token.
    static func join(_ api: API, admin: String, workspace: String, email: String, role: String) async throws -> String {
        let invite = try await api.expect(201, .post, "/api/v1/workspaces/\(workspace)/invites", token: admin,
                                          json: ["email": email, "role": role])
        let token = try #require(invite.json["token"] as? String)
        try await api.expect(201, .post, "/api/v1/invites/accept", json: ["token": token, "password": password])
        return try await api.login(email, password)
    }

    static func userID(_ api: API, token: String) async throws -> String {
        let me = try await api.expect(200, .get, "/api/v1/me", token: token)
        return try #require((me.json["user"] as? [String: Any])?["id"] as? String)
    }
}
