import Foundation
import Testing
@testable import RailyardBuild
@testable import RailyardCore

struct ConfigFileTests {
    static let railwayJSON = """
        {
          "$schema": "https://railway.com/railway.schema.json",
          "build": { "builder": "RAILPACK", "buildCommand": "make", "watchPatterns": ["src/**"] },
          "deploy": {
            "startCommand": "./serve", "preDeployCommand": "./migrate", "healthcheckPath": "/health",
            "healthcheckTimeout": 60, "restartPolicyType": "ALWAYS", "restartPolicyMaxRetries": 5,
            "numReplicas": 3, "overlapSeconds": 10, "drainingSeconds": 20, "region": "us-west1"
          },
          "environments": { "staging": { "deploy": { "numReplicas": 1, "startCommand": "./serve --debug" } } }
        }
        """

    static let railwayTOML = """
        [build]
        builder = "RAILPACK"
        buildCommand = "make"
        watchPatterns = ["src/**"]

        [deploy]
        startCommand = "./serve"
        preDeployCommand = ["./migrate"]
        healthcheckPath = "/health"
        healthcheckTimeout = 60
        restartPolicyType = "ALWAYS"
        restartPolicyMaxRetries = 5
        numReplicas = 3
        overlapSeconds = 10
        drainingSeconds = 20
        region = "us-west1"

        [environments.staging.deploy]
        numReplicas = 1
        startCommand = "./serve --debug"
        """

    @Test(arguments: [("railway.json", railwayJSON), ("railway.toml", railwayTOML)])
    func railwayFieldsAreReadFromJSONAndTOMLAlike(file: String, text: String) throws {
        let result = try ConfigFileReader.parse(text, file: file)
        let deploy = result.config.deploy
        #expect(result.config.build.builder == .railpack)
        #expect(result.config.build.buildCommand == "make")
        #expect(result.config.build.watchPatterns == ["src/**"])
        #expect(deploy.startCommand == "./serve")
        #expect(deploy.preDeployCommand == ["./migrate"])
        #expect(deploy.healthcheckPath == "/health")
        #expect(deploy.healthcheckTimeout == 60)
        #expect(deploy.restartPolicyType == .always)
        #expect(deploy.restartPolicyMaxRetries == 5)
        #expect(deploy.numReplicas == 3)
        #expect(deploy.overlapSeconds == 10)
        #expect(deploy.drainingSeconds == 20)
        #expect(result.notes.contains { $0.contains("deploy.region") })

        let staging = result.config.resolved(for: "staging")
        #expect(staging.deploy.numReplicas == 1)
        #expect(staging.deploy.startCommand == "./serve --debug")
        #expect(staging.deploy.healthcheckPath == "/health", "unset fields fall back to the base values")
        #expect(result.config.resolved(for: "production").deploy.numReplicas == 3)
    }

    @Test(arguments: [
        ("railway.json", #"{"deploy":{"numReplicas":"two"}}"#, "railway.json: deploy.numReplicas: expected an integer from 1 to 64, found a string"),
        ("railway.json", #"{"deploy":{"numReplicas":0}}"#, "railway.json: deploy.numReplicas: expected an integer from 1 to 64, found 0"),
        ("railway.json", #"{"deploy":{"restartPolicyType":"SOMETIMES"}}"#, #"railway.json: deploy.restartPolicyType: expected one of ON_FAILURE, ALWAYS, NEVER, found "SOMETIMES""#),
        ("railway.json", #"{"deploy":{"healthcheckPath":"health"}}"#, #"railway.json: deploy.healthcheckPath: expected a path starting with /, found "health""#),
        ("railway.json", #"{"deploy":{"startComand":"x"}}"#, "railway.json: deploy.startComand: unknown field"),
        ("railway.json", #"{"deploy":{"startCommand":""}}"#, "railway.json: deploy.startCommand: expected a command, found an empty string"),
        ("railway.json", #"{"deploy":{"preDeployCommand":[1]}}"#, "railway.json: deploy.preDeployCommand[0]: expected a string, found an integer"),
        ("railway.json", #"{"deploy":{"cronSchedule":"* *"}}"#, #"railway.json: deploy.cronSchedule: expected a 5-field crontab expression, found "* *""#),
        ("railway.json", #"{"deploy":[]}"#, "railway.json: deploy: expected an object, found an array"),
        ("railway.json", #"{"environments":{"staging":{"environments":{}}}}"#, "railway.json: environments.staging.environments: unknown field (expected build, deploy)"),
        ("railway.json", "{not json", "railway.json: is not valid JSON: line 1, column 2: expected a key (a string in double quotes), found 'not'"),
        ("railyard.toml", "[deploy]\nnumReplicas = 1.5\n", "railyard.toml: deploy.numReplicas: expected an integer from 1 to 64, found a number"),
        ("railyard.toml", "[deploy]\nsleepApplication = \"yes\"\n", "railyard.toml: deploy.sleepApplication: expected true or false, found a string"),
    ])
    func wrongFieldsNameTheFileTheFieldAndWhatWasExpected(file: String, text: String, message: String) {
        #expect {
            try ConfigFileReader.parse(text, file: file)
        } throws: { error in
            (error as? ConfigFileError)?.description == message
        }
    }

    @Test func invalidTOMLSaysWhere() {
        #expect {
            try ConfigFileReader.parse("[deploy\nstartCommand = 1", file: "railway.toml")
        } throws: { error in
            let text = (error as? ConfigFileError)?.description ?? ""
            return text.hasPrefix("railway.toml: is not valid TOML") && text.contains("line 1")
        }
    }

    @Test func railyardFilesComeBeforeRailwayFiles() throws {
        let source = InMemorySource([
            "railway.json": #"{"deploy":{"numReplicas":2}}"#, "railyard.toml": "[deploy]\nnumReplicas = 4\n", "index.html": "",
        ])
        let plan = try BuildPlanner.plan(source)
        #expect(plan.configFile == "railyard.toml")
        #expect(plan.numReplicas == 4)
    }

    @Test func directorySourcesStayInsideTheirRoot() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("railyard-source-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("app"), withIntermediateDirectories: true)
        try Data("secret".utf8).write(to: root.appendingPathComponent("outside.txt"))
        try Data("web: run".utf8).write(to: root.appendingPathComponent("app/Procfile"))
        let source = DirectorySource(root: root.appendingPathComponent("app"))
        #expect(source.read("Procfile") == "web: run")
        #expect(source.read("../outside.txt") == nil)
        #expect(!source.exists("/etc/passwd"))
        #expect(source.read(".") == nil, "folders are not files")
    }

    // MARK: JSON syntax: where the error is, and Railway's strictness

    @Test(arguments: [
        // Foundation takes trailing commas; Railway does not.
        ("{\n  \"deploy\": {\n    \"numReplicas\": 2,\n  }\n}", 4, 3, "a trailing comma before '}': JSON allows none; remove the comma"),
        ("{\"build\": {\"watchPatterns\": [\"src/**\",]}}", 1, 39, "a trailing comma before ']': JSON allows none; remove the comma"),
        ("{\n  \"deploy\": {\"startCommand\": \"x\"}\n  \"build\": {}\n}", 3, 3, "expected ',' or '}', found '\"'"),
        ("{\"deploy\": {\"startCommand\": 'x'}}", 1, 29, "expected a value, found \"'\": JSON strings take double quotes"),
        ("{\"deploy\" {}}", 1, 11, "expected ':' after the key, found '{'"),
        ("{deploy: {}}", 1, 2, "expected a key (a string in double quotes), found 'deploy'"),
        ("{\"a\": tru}", 1, 7, "expected a value, found 'tru'"),
        ("{\"a\": 01}", 1, 7, "'01' is not a JSON number"),
        ("{\"a\": +1}", 1, 7, "expected a value, found '+1'"),
        ("{\"a\": 1.}", 1, 7, "'1.' is not a JSON number"),
        ("{\"a\": \"x\\q\"}", 1, 9, "unknown escape in a string: 'q' after '\\' (use \\\\ for a backslash)"),
        ("{\"a\": \"\\u12\"}", 1, 8, "\\u in a string takes four hexadecimal digits"),
        ("{\"a\": \"tab\there\"}", 1, 11, "a control character inside a string (write it as an escape such as \\t)"),
        ("{\"a\": \"no end\n}", 1, 7, "this string does not end on its line (a line break inside a string must be written \\n)"),
        ("{\"a\": \"no end", 1, 7, "this string does not end: its closing '\"' is missing"),
        ("{\"a\": 1} {}", 1, 10, "expected the end of the file after the document, found '{'"),
        ("{\"é\": ]}", 1, 7, "expected a value, found ']'"),
        ("{\"a\": [1, 2}", 1, 12, "expected ',' or ']', found '}'"),
        ("{\"a\": 1", 1, 8, "expected ',' or '}', found the end of the file"),
        ("", 1, 1, "expected a value, found the end of the file"),
        ("// a comment\n{}", 1, 1, "expected a value, found '/'"),
    ])
    func jsonSyntaxErrorsSayLineAndColumn(text: String, line: Int, column: Int, message: String) {
        let problem = JSONSyntaxCheck.problem(text)
        #expect(problem == JSONSyntaxCheck.Problem(line: line, column: column, message: message), "\(text)")
        #expect {
            try ConfigFileReader.parse(text, file: "railway.json")
        } throws: { error in
            (error as? ConfigFileError)?.description == "railway.json: is not valid JSON: line \(line), column \(column): \(message)"
        }
    }

    /// Every document Foundation reads strictly is valid to the check too, and the reader
    /// still reads it (a byte-order mark included).
    @Test(arguments: [
        "{}", " { } ", "[]", "0", "-0", "-1.5E+3", "\"\\u00e9\\n\\\"\\/\"", "true", "null", "[[], {}, [1, [2, [3]]]]",
        "{\"a\": {\"b\": [true, false, null, \"é\"]}}\r\n", "\u{FEFF}{\"deploy\": {\"numReplicas\": 2}}",
    ])
    func validJSONPassesTheCheck(text: String) throws {
        #expect(JSONSyntaxCheck.problem(text) == nil, "\(text)")
        let body = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
        #expect((try? JSONSerialization.jsonObject(with: Data(body.utf8), options: [.fragmentsAllowed])) != nil, "\(text)")
        if text.contains("deploy") {
            #expect(try ConfigFileReader.parse(text, file: "railway.json").config.deploy.numReplicas == 2)
        }
    }

    /// Hostile input: deep, long, truncated at every byte, or noise. The check never crashes
    /// nor loops, and always answers with a position inside the text.
    @Test func theJSONCheckSurvivesHostileInput() {
        let deep = String(repeating: "[", count: 200_000) + String(repeating: "]", count: 200_000)
        #expect(JSONSyntaxCheck.problem(deep)?.message == "nests more than 512 levels deep")
        #expect(JSONSyntaxCheck.problem(String(repeating: "[", count: 100), maximumDepth: 1_000)?.message
            == "expected a value or ']', found the end of the file")
        let long = "[" + Array(repeating: "\"\(String(repeating: "x", count: 100))\"", count: 20_000).joined(separator: ",") + "]"
        #expect(JSONSyntaxCheck.problem(long) == nil)
        #expect(JSONSyntaxCheck.problem("1e999") == nil, "a number's size is not the syntax's business")
        let document = #"{"build": {"builder": "NIXPACKS", "watchPatterns": ["a/**", "\u00e9\n"]}, "deploy": {"numReplicas": -1.5e3, "x": [true, null, {}]}}"#
        var bytes = Array(document.utf8)
        for end in 0..<bytes.count {
            let prefix = String(decoding: bytes[..<end], as: UTF8.self)
            let problem = JSONSyntaxCheck.problem(prefix)
            #expect(problem != nil, "a truncated document is invalid: \(prefix)")
            #expect((problem?.column ?? 0) >= 1 && (problem?.column ?? 0) <= end + 1)
        }
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array(#"{}[]:,"\u0123456789abcdefnrt-+.eE "#.utf8) + [10, 0, 0xC3, 0xA9]
        for _ in 0..<2_000 {
            for _ in 0..<4 { bytes[Int.random(in: 0..<bytes.count, using: &generator)] = alphabet.randomElement(using: &generator)! }
            let text = String(decoding: bytes, as: UTF8.self)
            let problem = JSONSyntaxCheck.problem(text)
            // What the check takes, a strict parser takes too.
            if problem == nil && !text.contains("\\u") {
                #expect((try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])) != nil, "\(text)")
            }
            bytes = Array(document.utf8)
        }
    }
}
