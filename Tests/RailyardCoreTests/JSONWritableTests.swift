import Foundation
import Testing
@testable import RailyardCore

/// The hand-written JSON of each `JSONWritable` type must mean exactly what its `Encodable`
/// conformance says: same keys, same values, absent optionals left out.
struct JSONWritableTests {
    static func parsed(_ data: Data) throws -> NSDictionary {
        try #require(try JSONSerialization.jsonObject(with: data) as? NSDictionary)
    }

    static func expectSame<T: JSONWritable>(_ value: T, sourceLocation: SourceLocation = #_sourceLocation) throws {
        var output = JSONOutput()
        value.writeJSON(to: &output)
        let fast = try parsed(Data(output.bytes))
        let reference = try parsed(try JSONCoding.makeEncoder().encode(value))
        #expect(fast == reference, "\(String(decoding: output.bytes, as: UTF8.self))", sourceLocation: sourceLocation)
    }

    static let awkward = "quote \" backslash \\ newline \n tab \t bell \u{7} nul-free é 日本 🚂 </script>"

    @Test func everyWritableTypeMatchesItsEncodable() throws {
        let now = Date(timeIntervalSince1970: 1_795_833_421.906)
        let project = Project(id: .generate(), workspaceID: .generate(), name: Self.awkward, createdAt: now)
        try Self.expectSame(project)
        try Self.expectSame(Environment(id: .generate(), projectID: .generate(), name: "staging", createdAt: now))
        try Self.expectSame(Service(id: .generate(), projectID: .generate(), name: "web", createdAt: now))
        try Self.expectSame(Service(
            id: .generate(), projectID: .generate(), name: "web",
            repository: GitSource(url: "file:///srv/repo \"x\"", branch: "main", rootDirectory: nil),
            memoryLimit: 512 << 20, cpuLimitMillis: 1500, createdAt: now))
        for (message, reason) in [(String?.none, String?.none), (Self.awkward, "healthy")] {
            try Self.expectSame(Deployment(
                id: .generate(), serviceID: .generate(), environmentID: .generate(), status: .success, message: message,
                statusReason: reason, createdAt: now, updatedAt: now.addingTimeInterval(1)))
        }
        try Self.expectSame(Deployment(
            id: .generate(), serviceID: .generate(), environmentID: .generate(), status: .deploying, message: nil,
            statusReason: nil, source: .rollback, sourceDeploymentID: .generate(), commitSHA: "abc123",
            commitMessage: Self.awkward, provider: "python",
            instances: [DeploymentInstance(replica: 0, address: "127.0.0.1:4000", state: "healthy", restarts: 2),
                        DeploymentInstance(replica: 1, address: "127.0.0.1:4001", state: "starting", restarts: 0)],
            warnings: ["no cgroup limits", Self.awkward], createdAt: now, updatedAt: now))
        for address in [String?.none, "::1"] {
            try Self.expectSame(AuditEvent(
                id: .generate(), workspaceID: .generate(), actor: "user:x", action: "project.create", targetType: "project",
                targetID: "id", clientAddress: address, createdAt: now))
        }
        try Self.expectSame(Page(items: [project, project], nextCursor: project.id.rawValue))
        try Self.expectSame(Page<Project>(items: [], nextCursor: nil))
    }
}
