import Foundation
import Testing

/// `RAILYARD_SECRET_KEY`: servers that share a PostgreSQL store share the key that seals
/// variables, so one reads what another wrote; a server with another key cannot.
extension DeployEndToEndTests {
    @Test func serversSharingAStoreAndASecretKeyReadEachOthersVariables() async throws {
        let database = try TestPostgres.freshDatabaseURL()
        let key = Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        func server(_ name: String, key: String) -> ServerProcess {
            let data = FileManager.default.temporaryDirectory.appendingPathComponent("railyard-\(name)-\(UUID().uuidString)").path
            return ServerProcess(dataDirectory: data, databaseURL: database, environment: [
                "RAILYARD_ADMIN_EMAIL": "admin@example.com", "RAILYARD_ADMIN_PASSWORD": "admin-password",
                "RAILYARD_SECRET_KEY": key,
            ])
        }
        let secret = "s3cret-\(UUID().uuidString)"

        // The first server seals a variable, and stops (a clean stop gives up the store's lease).
        let first = server("first", key: key)
        try await first.start()
        let api = LiveAPI(url: first.url)
        let token = try await api.login("admin@example.com", "admin-password")
        let me = try await api.call(.GET, "/api/v1/me", token: token)
        let workspace = try #require(((me.json["workspaces"] as? [[String: Any]])?.first?["workspace"] as? [String: Any])?["id"] as? String)
        let project = try await api.call(.POST, "/api/v1/projects", token: token, json: ["name": "shared", "workspaceId": workspace])
        let projectID = try #require((project.json["project"] as? [String: Any])?["id"] as? String)
        let environmentID = try #require((project.json["environments"] as? [[String: Any]])?.first?["id"] as? String)
        let service = try await api.call(.POST, "/api/v1/projects/\(projectID)/services", token: token, json: ["name": "web"])
        let serviceID = try #require(service.json["id"] as? String)
        let path = "/api/v1/services/\(serviceID)/variables?environmentId=\(environmentID)"
        #expect(try await api.call(.PATCH, path, token: token, json: ["set": ["TOKEN": secret]]).status == 200)
        #expect(first.stop() == 0)
        #expect(!FileManager.default.fileExists(atPath: first.dataDirectory + "/secret.key"), "the key came from the environment")

        // Another server, another data folder, the same store and key: the value reads back.
        let second = server("second", key: key)
        try await second.start()
        let secondAPI = LiveAPI(url: second.url)
        let secondToken = try await secondAPI.login("admin@example.com", "admin-password")
        let read = try await secondAPI.call(.GET, path, token: secondToken)
        #expect(read.status == 200, "\(read.text)")
        let values = (read.json["items"] as? [[String: Any]] ?? []).compactMap { $0["value"] as? String }
        #expect(values == [secret], "\(read.text)")
        #expect(second.stop() == 0)

        // A third with a key of its own does not read it.
        let otherKey = Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        let third = server("third", key: otherKey)
        defer { third.stop(signal: SIGKILL) }
        do {
            try await third.start()
            let thirdAPI = LiveAPI(url: third.url)
            let thirdToken = try await thirdAPI.login("admin@example.com", "admin-password")
            let refused = try await thirdAPI.call(.GET, path, token: thirdToken)
            #expect(!refused.text.contains(secret), "another key must not open the value: \(refused.text)")
            #expect(refused.status != 200, "\(refused.status) \(refused.text)")
        } catch {
            // Refusing to start on a store sealed with another key is as good.
            #expect(!third.log.contains(secret))
        }
    }
}
