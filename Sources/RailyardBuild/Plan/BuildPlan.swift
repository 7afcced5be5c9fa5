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
    /// Folders inside the sandbox put first on PATH for install, build, pre-deploy and start
    /// (`/srv/app/.venv/bin`, `/srv/app/node_modules/.bin`), so `gunicorn`, `python` and a
    /// package's bins mean the app's own.
    public var path: [String] = []
    /// Variables the provider sets for build and run unless the service sets them itself
    /// (`VIRTUAL_ENV`, `PYTHONUNBUFFERED`, …).
    public var environment: [String: String] = [:]
    /// The interpreter version the app asked for, if it asked.
    public var toolchainRequest: ToolchainRequest?
    /// The toolchain chosen for it (the request matched against the host's), nil for the
    /// host's default on PATH.
    public var toolchain: Toolchain?
    /// What the install step fills, kept and reused while its inputs are unchanged.
    public var dependencies: DependencyLayer?
    /// The database server this plan runs (a database service): it listens on the engine's
    /// port, is health-checked in the engine's protocol and stopped with the engine's signal.
    public var database: DatabaseEngine?

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

    private enum CodingKeys: String, CodingKey {
        case provider, install, build, start, staticRoot, preDeploy, configFile, healthcheckPath, healthcheckTimeout
        case restartPolicy, restartPolicyMaxRetries, numReplicas, overlapSeconds, drainingSeconds, watchPatterns, notes
        case path, environment, toolchainRequest, toolchain, dependencies, database
    }

    /// Plans stored by earlier versions lack the later fields: they read as empty.
    public init(from decoder: any Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        provider = try values.decode(String.self, forKey: .provider)
        install = try values.decode([String].self, forKey: .install)
        build = try values.decode([String].self, forKey: .build)
        start = try values.decodeIfPresent(String.self, forKey: .start)
        staticRoot = try values.decodeIfPresent(String.self, forKey: .staticRoot)
        preDeploy = try values.decode([String].self, forKey: .preDeploy)
        configFile = try values.decodeIfPresent(String.self, forKey: .configFile)
        healthcheckPath = try values.decodeIfPresent(String.self, forKey: .healthcheckPath)
        healthcheckTimeout = try values.decode(Int.self, forKey: .healthcheckTimeout)
        restartPolicy = try values.decode(ServiceConfig.RestartPolicy.self, forKey: .restartPolicy)
        restartPolicyMaxRetries = try values.decode(Int.self, forKey: .restartPolicyMaxRetries)
        numReplicas = try values.decode(Int.self, forKey: .numReplicas)
        overlapSeconds = try values.decode(Int.self, forKey: .overlapSeconds)
        drainingSeconds = try values.decode(Int.self, forKey: .drainingSeconds)
        watchPatterns = try values.decode([String].self, forKey: .watchPatterns)
        notes = try values.decode([String].self, forKey: .notes)
        path = try values.decodeIfPresent([String].self, forKey: .path) ?? []
        environment = try values.decodeIfPresent([String: String].self, forKey: .environment) ?? [:]
        toolchainRequest = try values.decodeIfPresent(ToolchainRequest.self, forKey: .toolchainRequest)
        toolchain = try values.decodeIfPresent(Toolchain.self, forKey: .toolchain)
        dependencies = try values.decodeIfPresent(DependencyLayer.self, forKey: .dependencies)
        database = try values.decodeIfPresent(DatabaseEngine.self, forKey: .database)
    }

    /// What the health check asks, in words for the log.
    public var healthCheckDescription: String {
        if let database { return "\(database.displayName) accepts connections on port \(database.port)" }
        return healthcheckPath ?? "port accepts connections"
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
        lines.append("replicas: \(numReplicas); health check: \(healthCheckDescription) within \(healthcheckTimeout) s; restart: \(restartPolicy.rawValue) (max \(restartPolicyMaxRetries))")
        lines += notes.map { "note:     \($0)" }
        return lines
    }
}

/// Why no plan could be made.
public struct PlanError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
