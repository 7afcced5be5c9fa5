import RailyardCore

/// How to turn a source folder into something that runs: what was detected, the commands to
/// install and build, the command that starts an instance, and the deploy settings. Pure data,
/// made by `BuildPlanner` without running anything.
public struct BuildPlan: Sendable, Equatable, Codable {
    /// `python`, `node`, `static`, `go`, `swift`, `shell` or `procfile`.
    public var provider: String
    public var install: [String]
    public var build: [String]
    /// Nil for static sites, which Railyard's own static file server serves from `staticRoot`.
    public var start: String?
    public var staticRoot: String?
    public var preDeploy: [String]
    public var configFile: String?
    public var healthcheckPath: String?
    public var healthcheckTimeout: Int
    public var restartPolicy: ServiceConfig.RestartPolicy
    public var restartPolicyMaxRetries: Int
    public var numReplicas: Int
    public var overlapSeconds: Int
    public var drainingSeconds: Int
    public var watchPatterns: [String]
    /// What a person should know: which file supplied what, fields ignored, choices made.
    public var notes: [String]

    public init(provider: String, install: [String] = [], build: [String] = [], start: String? = nil, staticRoot: String? = nil) {
        self.provider = provider
        self.install = install
        self.build = build
        self.start = start
        self.staticRoot = staticRoot
        preDeploy = []
        configFile = nil
        healthcheckPath = nil
        healthcheckTimeout = 300
        restartPolicy = .onFailure
        restartPolicyMaxRetries = 10
        numReplicas = 1
        overlapSeconds = 0
        drainingSeconds = 0
        watchPatterns = []
        notes = []
    }

    /// The plan as the top of a build log shows it.
    public var summary: [String] {
        var lines = ["provider: \(provider)" + (configFile.map { " (with \($0))" } ?? "")]
        lines.append("install:  " + (install.isEmpty ? "(nothing)" : install.joined(separator: " && ")))
        lines.append("build:    " + (build.isEmpty ? "(nothing)" : build.joined(separator: " && ")))
        if let start {
            lines.append("start:    \(start)")
        } else if let staticRoot {
            lines.append("start:    (Railyard's static file server, serving \(staticRoot)/)")
        }
        if !preDeploy.isEmpty { lines.append("release:  " + preDeploy.joined(separator: " && ")) }
        lines.append("replicas: \(numReplicas); health check: \(healthcheckPath ?? "port accepts connections") within \(healthcheckTimeout) s; restart: \(restartPolicy.rawValue) (max \(restartPolicyMaxRetries))")
        lines += notes.map { "note:     \($0)" }
        return lines
    }
}

/// Why no plan could be made.
public struct PlanError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
