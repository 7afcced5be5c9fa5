/// The settings a config file (`railyard.toml`/`.json`, or Railway's `railway.toml`/`.json`)
/// gives a service, with Railway's field names. Every field is optional: a field left out
/// leaves the detected plan's value, or the service's setting, in place.
public struct ServiceConfig: Sendable, Equatable {
    public struct Build: Sendable, Equatable {
        public var builder: Builder?
        public var buildCommand: String?
        public var watchPatterns: [String]?
        public var dockerfilePath: String?

        public init(builder: Builder? = nil, buildCommand: String? = nil, watchPatterns: [String]? = nil, dockerfilePath: String? = nil) {
            self.builder = builder
            self.buildCommand = buildCommand
            self.watchPatterns = watchPatterns
            self.dockerfilePath = dockerfilePath
        }
    }

    public struct Deploy: Sendable, Equatable {
        public var startCommand: String?
        /// Railway accepts a string or an array of commands, run in order.
        public var preDeployCommand: [String]?
        public var healthcheckPath: String?
        public var healthcheckTimeout: Int?
        public var restartPolicyType: RestartPolicy?
        public var restartPolicyMaxRetries: Int?
        public var numReplicas: Int?
        public var overlapSeconds: Int?
        public var drainingSeconds: Int?
        public var cronSchedule: String?
        public var sleepApplication: Bool?

        public init(
            startCommand: String? = nil, preDeployCommand: [String]? = nil, healthcheckPath: String? = nil,
            healthcheckTimeout: Int? = nil, restartPolicyType: RestartPolicy? = nil, restartPolicyMaxRetries: Int? = nil,
            numReplicas: Int? = nil, overlapSeconds: Int? = nil, drainingSeconds: Int? = nil, cronSchedule: String? = nil,
            sleepApplication: Bool? = nil
        ) {
            self.startCommand = startCommand
            self.preDeployCommand = preDeployCommand
            self.healthcheckPath = healthcheckPath
            self.healthcheckTimeout = healthcheckTimeout
            self.restartPolicyType = restartPolicyType
            self.restartPolicyMaxRetries = restartPolicyMaxRetries
            self.numReplicas = numReplicas
            self.overlapSeconds = overlapSeconds
            self.drainingSeconds = drainingSeconds
            self.cronSchedule = cronSchedule
            self.sleepApplication = sleepApplication
        }
    }

    public enum Builder: String, Sendable, Equatable, CaseIterable {
        case railpack = "RAILPACK"
        case nixpacks = "NIXPACKS"
        case dockerfile = "DOCKERFILE"
    }

    public enum RestartPolicy: String, Sendable, Equatable, CaseIterable, Codable {
        case onFailure = "ON_FAILURE"
        case always = "ALWAYS"
        case never = "NEVER"
    }

    public var build = Build()
    public var deploy = Deploy()
    /// Overrides per environment name (`environments.staging.deploy.numReplicas`).
    public var environments: [String: ServiceConfig] = [:]

    public init(build: Build = Build(), deploy: Deploy = Deploy(), environments: [String: ServiceConfig] = [:]) {
        self.build = build
        self.deploy = deploy
        self.environments = environments
    }

    /// The settings that apply in `environment`: its block's values first, then the base values.
    public func resolved(for environment: String) -> ServiceConfig {
        guard let override = environments[environment] else {
            return ServiceConfig(build: build, deploy: deploy)
        }
        var result = ServiceConfig(build: build, deploy: deploy)
        result.build.builder = override.build.builder ?? build.builder
        result.build.buildCommand = override.build.buildCommand ?? build.buildCommand
        result.build.watchPatterns = override.build.watchPatterns ?? build.watchPatterns
        result.build.dockerfilePath = override.build.dockerfilePath ?? build.dockerfilePath
        let base = deploy
        let top = override.deploy
        result.deploy = Deploy(
            startCommand: top.startCommand ?? base.startCommand,
            preDeployCommand: top.preDeployCommand ?? base.preDeployCommand,
            healthcheckPath: top.healthcheckPath ?? base.healthcheckPath,
            healthcheckTimeout: top.healthcheckTimeout ?? base.healthcheckTimeout,
            restartPolicyType: top.restartPolicyType ?? base.restartPolicyType,
            restartPolicyMaxRetries: top.restartPolicyMaxRetries ?? base.restartPolicyMaxRetries,
            numReplicas: top.numReplicas ?? base.numReplicas,
            overlapSeconds: top.overlapSeconds ?? base.overlapSeconds,
            drainingSeconds: top.drainingSeconds ?? base.drainingSeconds,
            cronSchedule: top.cronSchedule ?? base.cronSchedule,
            sleepApplication: top.sleepApplication ?? base.sleepApplication)
        return result
    }
}
