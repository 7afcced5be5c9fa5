import Foundation
import HTTPTypes
import Testing
@testable import RailyardAPI
import RailyardCore

/// Calls every route as a viewer, a member, an admin, a member of another workspace and nobody,
/// and checks the exact status of each. Routes that change or destroy their target get a fresh
/// target for every caller, so the order of calls does not matter.
struct PermissionMatrixTests {
    enum Caller: CaseIterable { case viewer, member, admin, outsider, anonymous }

    struct Route: Sendable {
        let name: String
        /// viewer, member, admin, outsider, anonymous
        let expected: [Int]
        let make: @Sendable (API, Fixture) async throws -> (HTTPRequest.Method, String, Any?)
    }

    static func unique(_ prefix: String) -> String { "\(prefix)\(UInt32.random(in: 0...UInt32.max))" }

    static func freshProject(_ api: API, _ f: Fixture) async throws -> String {
        let reply = try await api.expect(201, .post, "/api/v1/projects", token: f.admin, json: ["name": unique("p"), "workspaceId": f.workspace])
        return try #require((reply.json["project"] as? [String: Any])?["id"] as? String)
    }

    static func freshService(_ api: API, _ f: Fixture) async throws -> String {
        let reply = try await api.expect(201, .post, "/api/v1/projects/\(f.project)/services", token: f.admin, json: ["name": unique("s")])
        return try #require(reply.json["id"] as? String)
    }

    static func freshEnvironment(_ api: API, _ f: Fixture) async throws -> String {
        let reply = try await api.expect(201, .post, "/api/v1/projects/\(f.project)/environments", token: f.admin, json: ["name": unique("e")])
        return try #require(reply.json["id"] as? String)
    }

    static func freshMember(_ api: API, _ f: Fixture) async throws -> String {
        let token = try await Fixture.join(api, admin: f.admin, workspace: f.workspace, email: "\(unique("u"))@example.com", role: "member")
        return try await Fixture.userID(api, token: token)
    }

    static func freshToken(_ api: API, _ f: Fixture) async throws -> String {
        let reply = try await api.expect(201, .post, "/api/v1/workspaces/\(f.workspace)/tokens", token: f.admin, json: ["name": unique("t")])
        return try #require((reply.json["token"] as? [String: Any])?["id"] as? String)
    }

    static func deployment(_ api: API, _ f: Fixture) async throws -> String {
        let reply = try await api.expect(201, .post, "/api/v1/services/\(f.service)/deployments", token: f.admin, json: ["environmentId": f.environment])
        return try #require(reply.json["id"] as? String)
    }

    static let routes: [Route] = [
        Route(name: "GET me", expected: [200, 200, 200, 200, 401]) { _, _ in (.get, "/api/v1/me", nil) },
        Route(name: "GET workspaces", expected: [200, 200, 200, 200, 401]) { _, _ in (.get, "/api/v1/workspaces", nil) },
        Route(name: "POST workspaces", expected: [201, 201, 201, 201, 401]) { _, _ in (.post, "/api/v1/workspaces", ["name": unique("w")]) },
        Route(name: "GET projects", expected: [200, 200, 200, 200, 401]) { _, _ in (.get, "/api/v1/projects", nil) },
        Route(name: "POST projects", expected: [403, 201, 201, 404, 401]) { _, f in
            (.post, "/api/v1/projects", ["name": unique("p"), "workspaceId": f.workspace])
        },
        Route(name: "GET project", expected: [200, 200, 200, 404, 401]) { _, f in (.get, "/api/v1/projects/\(f.project)", nil) },
        Route(name: "PATCH project", expected: [403, 200, 200, 404, 401]) { api, f in
            (.patch, "/api/v1/projects/\(try await freshProject(api, f))", ["name": unique("r")])
        },
        Route(name: "DELETE project", expected: [403, 403, 204, 404, 401]) { api, f in
            (.delete, "/api/v1/projects/\(try await freshProject(api, f))", nil)
        },
        Route(name: "GET environments", expected: [200, 200, 200, 404, 401]) { _, f in
            (.get, "/api/v1/projects/\(f.project)/environments", nil)
        },
        Route(name: "POST environments", expected: [403, 201, 201, 404, 401]) { _, f in
            (.post, "/api/v1/projects/\(f.project)/environments", ["name": unique("e")])
        },
        Route(name: "GET environment", expected: [200, 200, 200, 404, 401]) { _, f in (.get, "/api/v1/environments/\(f.environment)", nil) },
        Route(name: "DELETE environment", expected: [403, 204, 204, 404, 401]) { api, f in
            (.delete, "/api/v1/environments/\(try await freshEnvironment(api, f))", nil)
        },
        Route(name: "GET services", expected: [200, 200, 200, 404, 401]) { _, f in (.get, "/api/v1/projects/\(f.project)/services", nil) },
        Route(name: "POST services", expected: [403, 201, 201, 404, 401]) { _, f in
            (.post, "/api/v1/projects/\(f.project)/services", ["name": unique("s")])
        },
        Route(name: "GET service", expected: [200, 200, 200, 404, 401]) { _, f in (.get, "/api/v1/services/\(f.service)", nil) },
        Route(name: "PATCH service", expected: [403, 200, 200, 404, 401]) { api, f in
            (.patch, "/api/v1/services/\(try await freshService(api, f))", ["name": unique("n")])
        },
        Route(name: "DELETE service", expected: [403, 204, 204, 404, 401]) { api, f in
            (.delete, "/api/v1/services/\(try await freshService(api, f))", nil)
        },
        Route(name: "GET variables", expected: [200, 200, 200, 404, 401]) { _, f in
            (.get, "/api/v1/services/\(f.service)/variables?environmentId=\(f.environment)", nil)
        },
        Route(name: "PATCH variables", expected: [403, 200, 200, 404, 401]) { _, f in
            (.patch, "/api/v1/services/\(f.service)/variables?environmentId=\(f.environment)", ["set": ["KEY": "v"]])
        },
        Route(name: "GET resolved variables", expected: [200, 200, 200, 404, 401]) { _, f in
            (.get, "/api/v1/services/\(f.service)/variables/resolved?environmentId=\(f.environment)", nil)
        },
        // Sealed values included: only roles that may deploy.
        Route(name: "GET run environment", expected: [403, 200, 200, 404, 401]) { _, f in
            (.get, "/api/v1/services/\(f.service)/variables/run?environmentId=\(f.environment)", nil)
        },
        Route(name: "GET shared variables", expected: [200, 200, 200, 404, 401]) { _, f in
            (.get, "/api/v1/environments/\(f.environment)/variables", nil)
        },
        Route(name: "PATCH shared variables", expected: [403, 200, 200, 404, 401]) { _, f in
            (.patch, "/api/v1/environments/\(f.environment)/variables", ["set": ["KEY": "v"]])
        },
        Route(name: "GET volumes", expected: [200, 200, 200, 404, 401]) { _, f in
            (.get, "/api/v1/services/\(f.service)/volumes?environmentId=\(f.environment)", nil)
        },
        // A mount path the rules refuse: the roles are checked first, then the body (no
        // controller runs here to make a real volume; VolumeEndToEndTests does).
        Route(name: "POST volumes", expected: [403, 422, 422, 404, 401]) { _, f in
            (.post, "/api/v1/services/\(f.service)/volumes?environmentId=\(f.environment)", ["mountPath": "/proc/x", "sizeBytes": 1 << 30])
        },
        // An engine Debian has not: the roles are checked first, then the body (no controller
        // runs here to start a real database; DatabaseEndToEndTests does).
        Route(name: "POST databases", expected: [403, 422, 422, 404, 401]) { _, f in
            (.post, "/api/v1/projects/\(f.project)/databases", ["engine": "mongodb", "environmentId": f.environment])
        },
        Route(name: "GET backups", expected: [200, 200, 200, 404, 401]) { _, f in
            (.get, "/api/v1/services/\(f.service)/backups?environmentId=\(f.environment)", nil)
        },
        // The fixture's service is no database.
        Route(name: "POST backups", expected: [403, 422, 422, 404, 401]) { _, f in
            (.post, "/api/v1/services/\(f.service)/backups", ["environmentId": f.environment])
        },
        Route(name: "GET tcp proxies", expected: [200, 200, 200, 404, 401]) { _, f in
            (.get, "/api/v1/services/\(f.service)/tcp-proxies?environmentId=\(f.environment)", nil)
        },
        // A port that is not one: roles first, then the body (TCPProxyEndToEndTests opens real ones).
        Route(name: "POST tcp proxies", expected: [403, 422, 422, 404, 401]) { _, f in
            (.post, "/api/v1/services/\(f.service)/tcp-proxies?environmentId=\(f.environment)", ["port": 70000])
        },
        // The service has none: a member is told so, a viewer may not remove one at all.
        Route(name: "DELETE tcp proxies", expected: [403, 404, 404, 404, 401]) { _, f in
            (.delete, "/api/v1/services/\(f.service)/tcp-proxies?environmentId=\(f.environment)", nil)
        },
        Route(name: "GET deployments", expected: [200, 200, 200, 404, 401]) { _, f in
            (.get, "/api/v1/services/\(f.service)/deployments", nil)
        },
        Route(name: "POST deployments", expected: [403, 201, 201, 404, 401]) { _, f in
            (.post, "/api/v1/services/\(f.service)/deployments", ["environmentId": f.environment])
        },
        Route(name: "GET deployment", expected: [200, 200, 200, 404, 401]) { api, f in
            (.get, "/api/v1/deployments/\(try await deployment(api, f))", nil)
        },
        Route(name: "GET members", expected: [200, 200, 200, 404, 401]) { _, f in (.get, "/api/v1/workspaces/\(f.workspace)/members", nil) },
        Route(name: "PATCH member", expected: [403, 403, 200, 404, 401]) { api, f in
            (.patch, "/api/v1/workspaces/\(f.workspace)/members/\(try await freshMember(api, f))", ["role": "viewer"])
        },
        Route(name: "DELETE member", expected: [403, 403, 204, 404, 401]) { api, f in
            (.delete, "/api/v1/workspaces/\(f.workspace)/members/\(try await freshMember(api, f))", nil)
        },
        Route(name: "POST invites", expected: [403, 403, 201, 404, 401]) { _, f in
            (.post, "/api/v1/workspaces/\(f.workspace)/invites", ["email": "\(unique("i"))@example.com", "role": "viewer"])
        },
        Route(name: "GET tokens", expected: [403, 403, 200, 404, 401]) { _, f in (.get, "/api/v1/workspaces/\(f.workspace)/tokens", nil) },
        Route(name: "POST tokens", expected: [403, 403, 201, 404, 401]) { _, f in
            (.post, "/api/v1/workspaces/\(f.workspace)/tokens", ["name": unique("t"), "role": "viewer"])
        },
        Route(name: "DELETE token", expected: [403, 403, 200, 404, 401]) { api, f in
            (.delete, "/api/v1/tokens/\(try await freshToken(api, f))", nil)
        },
        Route(name: "GET audit", expected: [403, 403, 200, 404, 401]) { _, f in (.get, "/api/v1/workspaces/\(f.workspace)/audit", nil) },
    ]

    @Test func everyRouteAnswersEachCallerExactly() async throws {
        let harness = try await APIHarness.make()
        try await harness.test { api in
            let fixture = try await Fixture.make(api)
            var mismatches: [String] = []
            for route in Self.routes {
                for (index, caller) in Caller.allCases.enumerated() {
                    let token: String? = switch caller {
                    case .viewer: fixture.viewer
                    case .member: fixture.member
                    case .admin: fixture.admin
                    case .outsider: fixture.outsider
                    case .anonymous: nil
                    }
                    let (method, path, body) = try await route.make(api, fixture)
                    let reply = try await api.call(method, path, token: token, json: body)
                    if reply.status != route.expected[index] {
                        mismatches.append("\(route.name) as \(caller): \(reply.status), expected \(route.expected[index]): \(String(buffer: reply.body))")
                    }
                    if reply.status >= 400 {
                        #expect(reply.errorCode != nil, "\(route.name) as \(caller) did not answer the error shape")
                    }
                }
            }
            #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
        }
    }

    /// A volume's resize and removal: refused callers get 403 (viewer) or 404 (another
    /// workspace, nobody's volume), and nothing changes; members and admins get past the
    /// roles (to the controller, which this harness does not run: 503).
    @Test func volumesAnswerEachCallerExactly() async throws {
        let harness = try await APIHarness.make()
        try await harness.test { api in
            let f = try await Fixture.make(api)
            let volume = try await harness.store.createVolume(
                service: ServiceID(rawValue: f.service), environment: EnvironmentID(rawValue: f.environment),
                mountPath: "/data", sizeBytes: 64 << 20, audit: .system)
            let path = "/api/v1/volumes/\(volume.id)"
            for (token, status) in [(f.viewer, 403), (f.outsider, 404)] {
                try await api.expect(status, .patch, path, token: token, json: ["sizeBytes": 128 << 20])
                try await api.expect(status, .delete, path, token: token)
            }
            try await api.expect(401, .patch, path, token: nil, json: ["sizeBytes": 128 << 20])
            try await api.expect(401, .delete, path, token: nil)
            let after = try await harness.store.volume(id: volume.id)
            #expect(after?.sizeBytes == volume.sizeBytes && after?.mountPath == "/data", "refused callers changed nothing")
            // Another tenant's id, an id that names nothing, a malformed one: 404 alike.
            try await api.expect(404, .delete, "/api/v1/volumes/\(VolumeID.generate())", token: f.admin)
            try await api.expect(404, .patch, "/api/v1/volumes/not-an-id", token: f.admin, json: ["sizeBytes": 128 << 20])
            for token in [f.member, f.admin] {
                try await api.expect(503, .patch, path, token: token, json: ["sizeBytes": 128 << 20])
            }
            // Sizes and mount paths the rules refuse, before anything is made.
            let create = "/api/v1/services/\(f.service)/volumes?environmentId=\(f.environment)"
            for size in [0, -1, 1, 1 << 50] as [Int64] {
                try await api.expect(422, .post, create, token: f.member, json: ["mountPath": "/data", "sizeBytes": size])
                try await api.expect(422, .patch, path, token: f.member, json: ["sizeBytes": size])
            }
            for body in [#"{"mountPath":"/data","sizeBytes":1e30}"#, #"{"mountPath":"/data","sizeBytes":"1Q"}"#, #"{"mountPath":7}"#] {
                let reply = try await api.call(.post, create, token: f.member, raw: body)
                #expect(reply.status == 400 || reply.status == 422, "\(body): \(reply.status)")
            }
            for mount in ["/", "data", "/srv/app", "/srv", "/proc", "/dev/shm", "/etc", "/usr/local/x", "/tmp/x", "/data/../etc",
                          "/data/./x", "/da ta", "//data", "/data/", String(repeating: "/a", count: 101)] {
                try await api.expect(422, .post, create, token: f.member, json: ["mountPath": mount])
            }
        }
    }

    /// A backup's reading, restore and deletion: viewers read it and nothing more, another
    /// workspace finds nothing, and members and admins get past the roles (to the controller,
    /// which this harness does not run: 503). Ids of other things, and of nothing, are 404.
    @Test func backupsAnswerEachCallerExactly() async throws {
        let harness = try await APIHarness.make()
        try await harness.test { api in
            let f = try await Fixture.make(api)
            let service = try #require(try await harness.store.service(id: ServiceID(rawValue: f.service)))
            let backup = try await harness.store.createBackup(
                service: service, environment: EnvironmentID(rawValue: f.environment), engine: .postgres, trigger: "manual",
                node: "test", audit: .system)
            let path = "/api/v1/backups/\(backup.id)"
            for token in [f.viewer, f.member, f.admin] { try await api.expect(200, .get, path, token: token) }
            try await api.expect(404, .get, path, token: f.outsider)
            try await api.expect(401, .get, path, token: nil)
            for (token, status) in [(f.viewer, 403), (f.outsider, 404)] {
                try await api.expect(status, .post, path + "/restore", token: token, json: [:])
                try await api.expect(status, .delete, path, token: token)
            }
            #expect(try await harness.store.backup(id: backup.id) != nil, "refused callers deleted nothing")
            for token in [f.member, f.admin] {
                try await api.expect(503, .post, path + "/restore", token: token, json: [:])
                try await api.expect(503, .delete, path, token: token)
            }
            for id in [BackupID.generate().rawValue, f.service, "not-an-id", "../\(backup.id)"] {
                try await api.expect(404, .get, "/api/v1/backups/\(id)", token: f.admin)
            }
            // A restore into a service of another project is refused on the field.
            let other = try #require(try await api.call(.post, "/api/v1/projects", token: f.admin, json: ["name": "other", "workspaceId": f.workspace]).json["project"] as? [String: Any])
            let foreign = try await api.call(.post, "/api/v1/projects/\(try #require(other["id"] as? String))/services", token: f.admin, json: ["name": "elsewhere"])
            let foreignID = try #require(foreign.json["id"] as? String)
            try await api.expect(422, .post, path + "/restore", token: f.admin, json: ["serviceId": foreignID])
            // Adding a database: names, sizes and services the rules refuse, before anything is made.
            let add = "/api/v1/projects/\(f.project)/databases"
            for body: [String: Any] in [
                ["engine": "postgres", "environmentId": f.environment, "name": "Bad Name"],
                ["engine": "postgres", "environmentId": f.environment, "sizeBytes": 1],
                ["engine": "postgres", "environmentId": f.environment, "attachTo": foreignID],
                ["engine": String(repeating: "x", count: 100_000), "environmentId": f.environment],
                ["engine": "postgres", "environmentId": EnvironmentID.generate().rawValue],
            ] {
                try await api.expect(422, .post, add, token: f.member, json: body)
            }
        }
    }

    @Test func viewersSeeVariableNamesButNeverValues() async throws {
        let harness = try await APIHarness.make()
        try await harness.test { api in
            let f = try await Fixture.make(api)
            let path = "/api/v1/services/\(f.service)/variables?environmentId=\(f.environment)"
            try await api.expect(200, .patch, path, token: f.member, json: ["set": ["SECRET": "s3cr3t-value"]])
            let asViewer = try await api.expect(200, .get, path, token: f.viewer)
            #expect(!String(buffer: asViewer.body).contains("s3cr3t-value"))
            #expect(String(buffer: asViewer.body).contains("SECRET"))
            let asMember = try await api.expect(200, .get, path, token: f.member)
            #expect(String(buffer: asMember.body).contains("s3cr3t-value"))
        }
    }

    @Test func environmentTokensStayInTheirEnvironment() async throws {
        let harness = try await APIHarness.make()
        try await harness.test { api in
            let f = try await Fixture.make(api)
            let staging = try await api.expect(201, .post, "/api/v1/projects/\(f.project)/environments", token: f.admin, json: ["name": "staging"])
            let stagingID = try #require(staging.json["id"] as? String)
            let created = try await api.expect(201, .post, "/api/v1/workspaces/\(f.workspace)/tokens", token: f.admin,
                                               json: ["name": "ci", "projectId": f.project, "environmentId": f.environment])
            let token = try #require(created.json["secret"] as? String)
            try await api.expect(200, .patch, "/api/v1/services/\(f.service)/variables?environmentId=\(f.environment)", token: token, json: ["set": ["A": "1"]])
            // Another environment of its project: 403, naming the environment the token grants
            // (it was "service not found", for a service that is there).
            let otherEnvironment = try await api.expect(403, .patch, "/api/v1/services/\(f.service)/variables?environmentId=\(stagingID)", token: token, json: ["set": ["A": "1"]])
            #expect(otherEnvironment.errorMessage?.contains("only grants environment 'production'") == true, "\(otherEnvironment.errorMessage ?? "")")
            try await api.expect(403, .get, "/api/v1/services/\(f.service)/variables?environmentId=\(stagingID)", token: token)
            try await api.expect(201, .post, "/api/v1/services/\(f.service)/deployments", token: token, json: ["environmentId": f.environment])
            try await api.expect(403, .post, "/api/v1/services/\(f.service)/deployments", token: token, json: ["environmentId": stagingID])
            try await api.expect(403, .post, "/api/v1/projects", token: token, json: ["name": "nope", "workspaceId": f.workspace])
            try await api.expect(403, .get, "/api/v1/workspaces/\(f.workspace)/tokens", token: token)
            let other = try await api.expect(201, .post, "/api/v1/projects", token: f.admin, json: ["name": "other", "workspaceId": f.workspace])
            let otherID = try #require((other.json["project"] as? [String: Any])?["id"] as? String)
            try await api.expect(404, .get, "/api/v1/projects/\(otherID)", token: token)
            // Nothing outside its environment: not the project's services, not the project, not the workspace.
            try await api.expect(403, .delete, "/api/v1/services/\(f.service)", token: token)
            try await api.expect(403, .post, "/api/v1/projects/\(f.project)/services", token: token, json: ["name": "sneaky"])
            try await api.expect(403, .patch, "/api/v1/projects/\(f.project)", token: token, json: ["name": "renamed"])
            try await api.expect(403, .delete, "/api/v1/environments/\(stagingID)", token: token)
            try await api.expect(403, .get, "/api/v1/workspaces/\(f.workspace)/members", token: token)
            try await api.expect(403, .get, "/api/v1/workspaces/\(f.workspace)/audit", token: token)
            try await api.expect(200, .get, "/api/v1/services/\(f.service)", token: token)
            try await api.expect(200, .get, "/api/v1/projects/\(f.project)/environments", token: token)
            let listed = try await api.expect(200, .get, "/api/v1/projects", token: token)
            #expect((listed.json["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [f.project])
        }
    }
}
