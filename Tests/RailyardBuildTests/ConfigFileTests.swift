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
        ("railway.json", "{not json", "railway.json: is not valid JSON"),
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
}
