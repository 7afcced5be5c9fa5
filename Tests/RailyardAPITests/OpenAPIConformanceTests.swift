import Foundation
import HTTPTypes
import NIOCore
import Testing
@testable import RailyardAPI
@testable import RailyardCore

/// Where the OpenAPI document and the server must say the same thing; each case here was found
/// by schemathesis (scripts/schemathesis) disagreeing with one of them.
struct OpenAPIConformanceTests {
    static func servedDocument() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.served.utf8)) as? [String: Any])
    }

    static func schema(_ name: String) throws -> [String: Any] {
        let schemas = try #require((try servedDocument()["components"] as? [String: Any])?["schemas"] as? [String: Any])
        return try #require(schemas[name] as? [String: Any], "no schema \(name)")
    }

    /// A method the document does not list on a path it does list answers 405 with `Allow`
    /// naming the documented methods (RFC 9110); a path it does not list stays 404.
    @Test func anUndocumentedMethodOnAKnownPathAnswers405WithAllow() async throws {
        let harness = try await APIHarness.make()
        try await harness.test { api in
            let fixture = try await Fixture.make(api)
            let cases: [(HTTPRequest.Method, String, Set<String>)] = [
                (.init("TRACE")!, "/healthz", ["GET"]),
                (.put, "/api/v1/projects/\(fixture.project)", ["GET", "PATCH", "DELETE"]),
                (.post, "/api/v1/services/\(ProjectID.generate().rawValue)/variables", ["GET", "PATCH"]),
                (.get, "/api/v1/auth/login", ["POST"]),
            ]
            for (method, path, allowed) in cases {
                let reply = try await api.call(method, path, token: fixture.admin)
                #expect(reply.status == 405, "\(method) \(path): \(reply.status)")
                #expect(reply.errorCode == "method_not_allowed", "\(method) \(path)")
                let allow = Set((reply.headers[.allow] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
                #expect(allow == allowed, "\(method) \(path): Allow \(allow)")
            }
            for path in ["/api/v1/nothing-here", "/api/v1/projects/\(fixture.project)/nothing", "/api/v1/projects//services"] {
                let reply = try await api.call(.get, path, token: fixture.admin)
                #expect(reply.status == 404, "GET \(path): \(reply.status)")
                #expect(reply.headers[.allow] == nil, "GET \(path)")
            }
        }
    }

    /// An environment token naming an environment that is not one of its project's in this
    /// workspace is refused on that field (422), not with a 404 that would say the workspace in
    /// the path does not exist.
    @Test func aTokenForAnEnvironmentOutsideTheWorkspaceIsRefusedOnTheField() async throws {
        let harness = try await APIHarness.make()
        try await harness.test { api in
            let fixture = try await Fixture.make(api)
            let path = "/api/v1/workspaces/\(fixture.workspace)/tokens"
            let elsewhere = [ProjectID.generate().rawValue, EnvironmentID.generate().rawValue]
            for (project, environment) in [(fixture.project, elsewhere[1]), (elsewhere[0], fixture.environment)] {
                let reply = try await api.call(.post, path, token: fixture.admin,
                                               json: ["name": "ci", "projectId": project, "environmentId": environment])
                #expect(reply.status == 422, "\(String(buffer: reply.body))")
                #expect((reply.json["error"] as? [String: Any])?["field"] as? String == "environmentId")
            }
            try await api.expect(201, .post, path, token: fixture.admin,
                                 json: ["name": "ci", "projectId": fixture.project, "environmentId": fixture.environment])
        }
    }

    /// Every error code the server can send is one the document's `Error` schema lists.
    @Test func theErrorSchemaListsEveryCode() throws {
        let error = try Self.schema("Error")
        let inner = try #require((error["properties"] as? [String: Any])?["error"] as? [String: Any])
        let code = try #require((inner["properties"] as? [String: Any])?["code"] as? [String: Any])
        let listed = Set(try #require(code["enum"] as? [String]))
        #expect(listed == Set(RailyardError.Kind.allCases.map(\.rawValue)))
    }

    /// The document's pattern for a repository URL accepts exactly what the server accepts, so a
    /// client validating against the document neither sends what is refused nor refuses what works.
    @Test func theRepositoryURLPatternAgreesWithTheServer() throws {
        let gitSource = try Self.schema("GitSource")
        let url = try #require((gitSource["properties"] as? [String: Any])?["url"] as? [String: Any])
        let pattern = try NSRegularExpression(pattern: try #require(url["pattern"] as? String))
        let samples = [
            "https://example.com/a.git", "HTTP://0", "http://", "ssh://git@host/x", "git://h/x", "file:///srv/x.git",
            "FiLe://x", "git@github.com:org/app.git", "@host:path", "a@b:", "-x@host:path", "a/b@host:path", "host:path",
            "0000", "", "https://a b", "x@h:p q", "a@http://x", "ftp://host/x",
        ]
        for sample in samples {
            let matches = pattern.firstMatch(in: sample, range: NSRange(sample.startIndex..., in: sample)) != nil
            #expect(matches == (GitSource.urlProblem(sample) == nil), "\(sample): pattern \(matches)")
        }
        // null stands for "absent" in requests; the server accepts it for both.
        for field in ["branch", "rootDirectory"] {
            let property = try #require((gitSource["properties"] as? [String: Any])?[field] as? [String: Any])
            #expect((property["type"] as? [String])?.contains("null") == true, "\(field)")
        }
    }

    /// `after` on the logs is read as a 64-bit integer: the document says where it stops.
    @Test func theLogCursorStopsWhereTheServerDoes() throws {
        let parameters = try #require((try Self.servedDocument()["components"] as? [String: Any])?["parameters"] as? [String: Any])
        let after = try #require((parameters["LogAfter"] as? [String: Any])?["schema"] as? [String: Any])
        #expect((after["maximum"] as? NSNumber)?.int64Value == Int64.max)
        #expect(Int(String(Int64.max)) != nil)
    }

    /// Every `$ref` names a component the document has, and every component is named by a
    /// `$ref`: a component nothing uses is a request or answer the server no longer has, left to
    /// mislead clients generated from the document.
    @Test func everyComponentIsUsedAndEveryReferenceResolves() throws {
        let document = try Self.servedDocument()
        let components = try #require(document["components"] as? [String: Any])
        var defined: Set<String> = []
        for (kind, entries) in components {
            for name in (entries as? [String: Any] ?? [:]).keys { defined.insert("#/components/\(kind)/\(name)") }
        }
        var referenced: Set<String> = []
        func collect(_ value: Any) {
            if let object = value as? [String: Any] {
                if let reference = object["$ref"] as? String { referenced.insert(reference) }
                object.values.forEach(collect)
            } else if let array = value as? [Any] {
                array.forEach(collect)
            }
        }
        collect(document)
        #expect(defined.count > 50, "the document's components were not read: \(defined.count)")
        #expect(referenced.subtracting(defined).sorted() == [], "references to nothing")
        // Security schemes are named in `security`, not by `$ref`. The log stream's `status`
        // events have a schema that its description names: OpenAPI has no place for the schema
        // of a stream's events, and the text must go on naming it.
        let securitySchemes = Set((components["securitySchemes"] as? [String: Any])?.keys.map { "#/components/securitySchemes/\($0)" } ?? [])
        let streamEvents: Set<String> = ["#/components/schemas/LogStatusEvent"]
        #expect(OpenAPIDocument.served.contains("`status` (`data` a `LogStatusEvent`)"))
        #expect(defined.subtracting(referenced).subtracting(securitySchemes).subtracting(streamEvents).sorted() == [],
                "components nothing uses")
    }
}
