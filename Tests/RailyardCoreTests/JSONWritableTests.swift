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
        try Self.expectSame(Service(
            id: .generate(), projectID: .generate(), name: "postgres", requestBodyLimit: 1 << 20, processLimit: 64,
            database: .postgres, databaseVersion: "15", createdAt: now))
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
        for (replica, level, fields) in [(Int?.none, String?.none, String?.none), (2, "warn", #"{"level":"WARN","n":1}"#)] {
            try Self.expectSame(LogLine(
                seq: 42, time: now, deploymentId: "dep", phase: "deploy", replica: replica, stream: "stdout",
                message: Self.awkward, level: level, fields: fields))
        }
        try Self.expectSame(Page(items: [project, project], nextCursor: project.id.rawValue))
        try Self.expectSame(Page<Project>(items: [], nextCursor: nil))
    }
}

/// The byte scanner that reads level and message from JSON log lines must agree with
/// Foundation's parser on what is a JSON object and what its top-level strings are.
struct StructuredLogLineTests {
    static func reference(_ text: String) -> (message: String, level: String?, fields: String?) {
        guard text.first == "{", let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        else { return (text, nil, nil) }
        let message = (object["message"] as? String) ?? (object["msg"] as? String) ?? text
        let level = (object["level"] as? String) ?? (object["severity"] as? String)
        return (message, level?.lowercased(), text)
    }

    @Test func agreesWithFoundationsParser() {
        let lines = [
            #"{"level":"INFO","message":"served"}"#,
            #"{"msg":"only msg","severity":"Error","n":[1,2,{"message":"nested"}]}"#,
            #"{"message":"esc \" \\ \/ \n \t \u00e9 \ud83d\ude82 end","level":"debug"}"#,
            #"{ "message" : "spaced" , "level" : "warn" }"#,
            #"{"message":5,"msg":"number message falls back","level":null}"#,
            #"{"a":true,"b":false,"c":null,"d":-1.5e+3,"e":0,"f":{"g":[]},"message":"all kinds"}"#,
            #"{"message":"dup","message":"last wins"}"#,
            #"{}"#, #"{"message":"é 日本 🚂"}"#,
            // Not one JSON object: kept as plain text.
            #"{"message":"unterminated}"#, #"{"message":"x"} trailing"#, #"{"a":01}"#,
            #"{"a":1.}"#, #"{"a":tru}"#, #"{"a":"tab\#there"}"#, #"{"a":"\x"}"#, #"{"a":"\u12"}"#, #"{message:"x"}"#,
            "{\"a\":1", "{", "plain text", "[1,2]", "",
        ]
        for line in lines {
            let fast = LogLine.structured(line)
            let slow = Self.reference(line)
            #expect(fast.message == slow.message, "\(line)")
            #expect(fast.level == slow.level, "\(line)")
            #expect(fast.fields == slow.fields, "\(line)")
        }
        // Where Foundation is lenient or strict beyond the JSON grammar, the scanner follows the
        // grammar: trailing commas make plain text, a lone surrogate escape becomes U+FFFD.
        #expect(LogLine.structured(#"{"message":"x",}"#).fields == nil)
        #expect(LogLine.structured(#"{"a":[1,]}"#).fields == nil)
        #expect(LogLine.structured(#"{"message":"lone \ud800 surrogate"}"#).message == "lone \u{FFFD} surrogate")
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(LogLine.structured(#"{"a":"# + deep + "}").fields == nil, "nesting past 64 levels is plain text")
    }
}
