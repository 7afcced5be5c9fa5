import Foundation
import HummingbirdTesting
import NIOCore
import Testing
@testable import RailyardAPI
@testable import RailyardClient
@testable import RailyardCore

/// The application on a real socket, driven by the typed client the CLI uses.
struct LiveServerTests {
    @Test func clientRoundTripOverLoopback() async throws {
        let harness = try await APIHarness.make()
        try await harness.application().test(.live) { testClient in
            let port = try #require(testClient.port)
            let anonymous = RailyardClient(server: "http://127.0.0.1:\(port)", bearer: nil)
            _ = try await anonymous.setup(token: APIHarness.setupToken, email: "live@example.com", password: "live-password")
            let pair = try await anonymous.login(email: "live@example.com", password: "live-password")
            let client = RailyardClient(server: anonymous.server, bearer: pair.accessToken)
            let workspace = try #require(try await client.me().workspaces.first?.workspace.id)
            for index in 0..<7 {
                _ = try await client.createProject(name: "p\(index)", workspace: workspace)
            }
            // Pages of 2 followed to the end give every project once, in creation order.
            var names: [String] = []
            var cursor: String?
            repeat {
                let page: Page<Project> = try await client.send(.GET, "/api/v1/projects", query: ["limit": "2", "cursor": cursor])
                #expect(page.items.count <= 2)
                names += page.items.map(\.name)
                cursor = page.nextCursor
            } while cursor != nil
            #expect(names == (0..<7).map { "p\($0)" })
            #expect(try await client.projects().count == 7)

            let rotated = try await anonymous.refresh(pair.refreshToken)
            #expect(rotated.refreshToken != pair.refreshToken)
            do {
                _ = try await anonymous.refresh(pair.refreshToken)
                Issue.record("a rotated refresh token must not work twice")
            } catch let error as ClientError {
                #expect(error.status == 401)
            }
            let document = try await anonymous.sendRaw(.GET, "/api/v1/openapi.json", body: Optional<RailyardClient.Empty>.none)
            let parsed = try #require(try JSONSerialization.jsonObject(with: document) as? [String: Any])
            #expect(parsed["openapi"] as? String == "3.1.0")
            #expect((parsed["paths"] as? [String: Any])?.keys.contains("/api/v1/services/{serviceId}/variables") == true)
        }
    }

    /// The served document adds the store's failures to every `/api/v1` operation (503
    /// store_unavailable; 507 disk_full where the operation writes) and keeps the rest as
    /// written (booleans stay booleans through the re-encoding).
    @Test func theServedDocumentNamesTheStoresFailures() throws {
        let served = try #require(try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.served.utf8)) as? [String: Any])
        let written = try #require(try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json.utf8)) as? [String: Any])
        let paths = try #require(served["paths"] as? [String: [String: Any]])
        #expect(paths.count == (written["paths"] as? [String: Any])?.count)
        var checked = 0
        for (path, operations) in paths where path.hasPrefix("/api/v1/") && path != "/api/v1/openapi.json" {
            for (method, operation) in operations where ["get", "post", "put", "patch", "delete"].contains(method) {
                let responses = try #require((operation as? [String: Any])?["responses"] as? [String: Any])
                #expect(responses["503"] != nil, "\(method) \(path) documents no 503")
                if method != "get" { #expect(responses["507"] != nil, "\(method) \(path) documents no 507") }
                checked += 1
            }
        }
        #expect(checked >= 38)
        let components = try #require((served["components"] as? [String: Any])?["responses"] as? [String: Any])
        #expect(components["StoreUnavailable"] != nil && components["DiskFull"] != nil)
        let retryAfter = try #require(
            ((components["TooManyRequests"] as? [String: Any])?["headers"] as? [String: Any])?["Retry-After"] as? [String: Any])
        #expect(retryAfter["required"] as? Bool == true)
    }

    /// Every link in the served document leads to an operation that exists and names only
    /// parameters that operation takes, so the stateful fuzzing (and any client following the
    /// links) passes real ids where they belong; and none of the table's links went missing.
    @Test func theServedLinksNameRealOperationsAndParameters() throws {
        let served = try #require(try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.served.utf8)) as? [String: Any])
        let paths = try #require(served["paths"] as? [String: [String: Any]])
        let shared = try #require((served["components"] as? [String: Any])?["parameters"] as? [String: [String: Any]])
        func parameterNames(_ list: Any?) -> Set<String> {
            Set((list as? [[String: Any]] ?? []).compactMap { parameter in
                if let reference = parameter["$ref"] as? String {
                    return shared[String(reference.split(separator: "/").last ?? "")]?["name"] as? String
                }
                return parameter["name"] as? String
            })
        }
        var parametersOf: [String: Set<String>] = [:]
        for (_, item) in paths {
            for (method, value) in item where method != "parameters" {
                if let operation = value as? [String: Any], let id = operation["operationId"] as? String {
                    parametersOf[id] = parameterNames(item["parameters"]).union(parameterNames(operation["parameters"]))
                }
            }
        }
        var found = 0
        for (_, item) in paths {
            for (method, value) in item where method != "parameters" {
                let responses = (value as? [String: Any])?["responses"] as? [String: Any] ?? [:]
                for (_, response) in responses {
                    for (name, link) in (response as? [String: Any])?["links"] as? [String: [String: Any]] ?? [:] {
                        found += 1
                        let target = try #require(link["operationId"] as? String, "link \(name) names no operation")
                        let known = try #require(parametersOf[target], "link \(name) names no operation \(target)")
                        let given = Set((link["parameters"] as? [String: String] ?? [:]).keys)
                        #expect(!given.isEmpty && given.isSubset(of: known), "link \(name) gives \(given), \(target) takes \(known)")
                    }
                }
            }
        }
        #expect(found == OpenAPIDocument.links.count)
        #expect(found >= 40)
    }

    /// Every operation in the OpenAPI document reaches a route (an unknown id answers "… not
    /// found", never "route not found"), so the document names no route that does not exist.
    @Test func everyDocumentedOperationIsRouted() async throws {
        let document = try #require(try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json.utf8)) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: [String: Any]]).mapValues { Array($0.keys) }
        let harness = try await APIHarness.make()
        try await harness.test { api in
            let fixture = try await Fixture.make(api)
            var operations = 0
            for (template, methods) in paths {
                let path = template.replacingOccurrences(of: #"\{[A-Za-z]+\}"#, with: ProjectID.generate().rawValue, options: .regularExpression)
                for method in methods where ["get", "post", "patch", "delete"].contains(method) {
                    operations += 1
                    let reply = try await api.call(.init(method.uppercased())!, path, token: fixture.admin, raw: "{}")
                    let message = (reply.json["error"] as? [String: Any])?["message"] as? String
                    #expect(message != "route not found", "\(method.uppercased()) \(template) is documented but not routed")
                    #expect(reply.status < 500, "\(method.uppercased()) \(template): \(reply.status)")
                }
            }
            #expect(operations >= 38)
        }
    }
}
