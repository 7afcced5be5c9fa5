import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// Who may deploy, roll back, restart, stop, read logs, change domains and scrape metrics,
/// against a live `railyard server` with a deployed app (the in-process matrix has no deploy
/// controller behind these routes).
extension DeployEndToEndTests {
    /// JSON over HTTP to the live server's API.
    struct LiveAPI {
        let url: String

        struct Reply {
            let status: Int
            let text: String
            var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? [:] }
        }

        func call(
            _ method: HTTPMethod, _ path: String, token: String? = nil, json: Any? = nil, raw: ByteBuffer? = nil,
            contentType: String = "application/json"
        ) async throws -> Reply {
            var request = HTTPClientRequest(url: url + path)
            request.method = method
            if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
            if let json {
                request.headers.add(name: "Content-Type", value: contentType)
                request.body = .bytes(ByteBuffer(data: try JSONSerialization.data(withJSONObject: json)))
            } else if let raw {
                request.headers.add(name: "Content-Type", value: contentType)
                request.body = .bytes(raw)
            }
            // Long enough for a rolling restart, which answers when it is done.
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(300))
            let body = try await response.body.collect(upTo: 4 << 20)
            return Reply(status: Int(response.status.code), text: String(buffer: body))
        }

        func login(_ email: String, _ password: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
            let reply = try await call(.POST, "/api/v1/auth/login", json: ["email": email, "password": password])
            #expect(reply.status == 200, "\(reply.text)", sourceLocation: sourceLocation)
            return try #require(reply.json["accessToken"] as? String, sourceLocation: sourceLocation)
        }

        /// Invites `email` to `workspace` with `role`, accepts, logs in: the access token.
        func join(admin: String, workspace: String, email: String, role: String) async throws -> String {
            let invite = try await call(.POST, "/api/v1/workspaces/\(workspace)/invites", token: admin, json: ["email": email, "role": role])
            #expect(invite.status == 201, "\(invite.text)")
            let secret = try #require(invite.json["token"] as? String)
            let accepted = try await call(.POST, "/api/v1/invites/accept", json: ["token": secret, "password": "joiner-password"])
            #expect(accepted.status == 201, "\(accepted.text)")
            return try await login(email, "joiner-password")
        }
    }

    @Test func deployOperationsAndMetricsFollowRoles() async throws {
        let world = try await World.make()
        defer { world.stop() }
        let api = LiveAPI(url: world.server.url)
        let admin = try await api.login("admin@example.com", "admin-password")
        let me = try await api.call(.GET, "/api/v1/me", token: admin)
        let workspace = try #require(((me.json["workspaces"] as? [[String: Any]])?.first?["workspace"] as? [String: Any])?["id"] as? String)
        let member = try await api.join(admin: admin, workspace: workspace, email: "member@example.com", role: "member")
        let viewer = try await api.join(admin: admin, workspace: workspace, email: "viewer@example.com", role: "viewer")
        // The outsider joins, starts a workspace of their own (with a service), and is removed from ours.
        let outsider = try await api.join(admin: admin, workspace: workspace, email: "outsider@example.com", role: "viewer")
        let own = try await api.call(.POST, "/api/v1/workspaces", token: outsider, json: ["name": "elsewhere"])
        let ownWorkspace = try #require((own.json["workspace"] as? [String: Any])?["id"] as? String)
        let outsiderMe = try await api.call(.GET, "/api/v1/me", token: outsider)
        let outsiderID = try #require((outsiderMe.json["user"] as? [String: Any])?["id"] as? String)
        #expect(try await api.call(.DELETE, "/api/v1/workspaces/\(workspace)/members/\(outsiderID)", token: admin).status == 204)
        let theirProject = try await api.call(.POST, "/api/v1/projects", token: outsider, json: ["name": "theirs", "workspaceId": ownWorkspace])
        let theirProjectID = try #require((theirProject.json["project"] as? [String: Any])?["id"] as? String)
        #expect(try await api.call(.POST, "/api/v1/projects/\(theirProjectID)/services", token: outsider, json: ["name": "mine"]).status == 201)

        // Two deployments of `web` (so that there is one to roll back to), and a domain.
        try await world.service("web")
        for version in ["v1", "v2"] {
            let result = try await world.up(try Self.app(["main.py": Self.pythonServer(version)]), service: "web")
            #expect(result.status == 0, "\(result.log)")
        }
        let generated = try #require(try await world.cli.execJSON(["domain", "--service", "web"]) as? [String: Any])
        let serviceID = try #require((generated["serviceID"] ?? generated["serviceId"]) as? String, "\(generated)")
        let environmentID = try #require((generated["environmentID"] ?? generated["environmentId"]) as? String, "\(generated)")
        let deployments = try await world.deployments("web")
        let deploymentID = try #require(deployments.first?["id"] as? String)
        let query = "?environmentId=\(environmentID)"
        func domain() async throws -> String {
            let reply = try await api.call(.POST, "/api/v1/services/\(serviceID)/domains\(query)", token: admin,
                                           json: ["hostname": "d\(UInt32.random(in: 0...UInt32.max)).example.com"])
            #expect(reply.status == 201, "\(reply.text)")
            return try #require(reply.json["id"] as? String)
        }
        try await Self.waitFor("the app through the edge") { await Self.viaEdge(world, host: "web-apps.localhost")?.body == "v2" }

        // Refused callers first, for every operation: nothing they do may change anything.
        let refusals: [(String, Int)] = [(viewer, 403), (outsider, 404)]
        for (token, status) in refusals {
            let upload = try await api.call(.POST, "/api/v1/services/\(serviceID)/uploads\(query)", token: token,
                                            raw: ByteBuffer(string: "not an archive"), contentType: "application/gzip")
            #expect(upload.status == status, "upload: \(upload.text)")
            for operation in ["rollback", "restart", "down"] {
                let reply = operation == "rollback"
                    ? try await api.call(.POST, "/api/v1/services/\(serviceID)/rollback", token: token, json: ["environmentId": environmentID])
                    : try await api.call(.POST, "/api/v1/services/\(serviceID)/\(operation)\(query)", token: token)
                #expect(reply.status == status, "\(operation) as \(status == 403 ? "viewer" : "outsider"): \(reply.text)")
            }
            let target = try await domain()
            let renamed = try await api.call(.PATCH, "/api/v1/domains/\(target)", token: token, json: ["hostname": "taken-over.example.com"])
            #expect(renamed.status == status, "domain update: \(renamed.text)")
            #expect(try await api.call(.DELETE, "/api/v1/domains/\(target)", token: token).status == status, "domain delete")
        }
        let logs = try await api.call(.GET, "/api/v1/deployments/\(deploymentID)/logs", token: outsider)
        #expect(logs.status == 404, "an outsider reads no logs: \(logs.text.prefix(200))")
        #expect(try await api.call(.GET, "/api/v1/deployments/\(deploymentID)/logs").status == 401)
        #expect(try await api.call(.POST, "/api/v1/services/\(serviceID)/restart\(query)").status == 401)
        #expect(await Self.viaEdge(world, host: "web-apps.localhost")?.body == "v2", "still served as before")
        #expect(try await world.deployments("web").count == deployments.count, "no deployment was made by a refused caller")

        // A viewer reads logs; a member does the rest.
        let viewerLogs = try await api.call(.GET, "/api/v1/deployments/\(deploymentID)/logs", token: viewer)
        #expect(viewerLogs.status == 200, "\(viewerLogs.text.prefix(200))")
        let upload = try await api.call(.POST, "/api/v1/services/\(serviceID)/uploads\(query)", token: member,
                                        raw: ByteBuffer(string: "not an archive"), contentType: "application/gzip")
        #expect(![401, 403, 404].contains(upload.status), "a member may upload (this body is no archive): \(upload.text)")
        let target = try await domain()
        #expect(try await api.call(.PATCH, "/api/v1/domains/\(target)", token: member, json: ["hostname": "renamed-\(UInt32.random(in: 0...UInt32.max)).example.com"]).status == 200)
        #expect(try await api.call(.DELETE, "/api/v1/domains/\(target)", token: member).status == 204)
        let rolled = try await api.call(.POST, "/api/v1/services/\(serviceID)/rollback", token: member, json: ["environmentId": environmentID])
        #expect((200..<300).contains(rolled.status), "rollback: \(rolled.text)")
        try await Self.waitFor("the rollback serving v1") { await Self.viaEdge(world, host: "web-apps.localhost")?.body == "v1" }
        let restarted = try await api.call(.POST, "/api/v1/services/\(serviceID)/restart\(query)", token: member)
        #expect((200..<300).contains(restarted.status), "restart: \(restarted.text)")

        // Volumes: a viewer and an outsider neither add, resize nor remove one (the data
        // stays); a member does all three.
        let volumes = "/api/v1/services/\(serviceID)/volumes\(query)"
        for (token, status) in refusals {
            let added = try await api.call(.POST, volumes, token: token, json: ["mountPath": "/data", "sizeBytes": 32 << 20])
            #expect(added.status == status, "volume add: \(added.text)")
        }
        let volume = try await api.call(.POST, volumes, token: admin, json: ["mountPath": "/data", "sizeBytes": 32 << 20])
        #expect(volume.status == 201, "\(volume.text)")
        let volumeID = try #require(volume.json["id"] as? String)
        let image = world.data + "/volumes/\(volumeID).img"
        for (token, status) in refusals {
            let resized = try await api.call(.PATCH, "/api/v1/volumes/\(volumeID)", token: token, json: ["sizeBytes": 64 << 20])
            #expect(resized.status == status, "volume resize: \(resized.text)")
            #expect(try await api.call(.DELETE, "/api/v1/volumes/\(volumeID)", token: token).status == status, "volume remove")
            #expect(FileManager.default.fileExists(atPath: image), "a refused caller deleted no data")
        }
        #expect(try await api.call(.DELETE, "/api/v1/volumes/\(volumeID)").status == 401)
        #expect(try await api.call(.GET, volumes, token: viewer).json["items"] is [Any], "a viewer reads it")
        #expect(try await api.call(.PATCH, "/api/v1/volumes/\(volumeID)", token: member, json: ["sizeBytes": 64 << 20]).status == 200)
        #expect(try await api.call(.DELETE, "/api/v1/volumes/\(volumeID)", token: member).status == 204)
        #expect(!FileManager.default.fileExists(atPath: image))

        // Metrics: each caller sees the services of their own workspaces only.
        let mine = try await api.call(.GET, "/metrics", token: viewer)
        #expect(mine.status == 200)
        #expect(mine.text.contains("project=\"apps\""), "\(mine.text.prefix(600))")
        let theirs = try await api.call(.GET, "/metrics", token: outsider)
        #expect(theirs.status == 200)
        #expect(!theirs.text.contains("project=\"apps\"") && !theirs.text.contains("service=\"web\""), "\(theirs.text.prefix(600))")

        let stopped = try await api.call(.POST, "/api/v1/services/\(serviceID)/down\(query)", token: member)
        #expect((200..<300).contains(stopped.status), "down: \(stopped.text)")
        try await Self.waitFor("the domain to answer 503 once the service is down") {
            await Self.viaEdge(world, host: "web-apps.localhost")?.status == 503
        }
    }
}
