/// How a service is started and kept, as its owner set it (dashboard, API, `railyard service
/// update`) rather than its source: Railway's service settings. Railway's order applies: the
/// source's config file (its environment's block, then its base values) first, then these, then
/// what the build detects. They are read when a deployment is built, so a change applies from
/// the next deployment (a redeploy), and a rollback keeps the settings its deployment ran with.
public struct ServiceDeploySettings: Codable, Sendable, Equatable {
    public var startCommand: String?
    public var healthcheckPath: String?
    /// Seconds a new deployment has to pass its health check.
    public var healthcheckTimeout: Int?
    public var numReplicas: Int?
    public var restartPolicyType: ServiceConfig.RestartPolicy?
    public var restartPolicyMaxRetries: Int?

    public init(
        startCommand: String? = nil, healthcheckPath: String? = nil, healthcheckTimeout: Int? = nil, numReplicas: Int? = nil,
        restartPolicyType: ServiceConfig.RestartPolicy? = nil, restartPolicyMaxRetries: Int? = nil
    ) {
        self.startCommand = startCommand
        self.healthcheckPath = healthcheckPath
        self.healthcheckTimeout = healthcheckTimeout
        self.numReplicas = numReplicas
        self.restartPolicyType = restartPolicyType
        self.restartPolicyMaxRetries = restartPolicyMaxRetries
    }

    public var isEmpty: Bool { self == ServiceDeploySettings() }

    // The ranges are the config file's (ConfigFileReader), so that a setting means the same
    // wherever it is given.
    public static let healthcheckTimeouts = 1...3600
    public static let replicaCounts = 1...64
    public static let restartRetries = 0...1000
    /// In Unicode scalars, as JSON Schema's maxLength counts.
    public static let startCommandLength = 4096
    public static let healthcheckPathLength = 1024

    /// Foundation's `whitespacesAndNewlines` (Unicode's Z* categories, U+0009–U+000D and
    /// U+0085), spelled out so that the API's schema states the same set.
    static func isBlank(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: true
        default: false
        }
    }

    /// A start command as it is kept (trimmed), or why it cannot be one: it runs through
    /// `sh -c`, which takes no NUL.
    public static func startCommand(_ text: String) -> Result<String, SettingProblem> {
        let scalars = text.unicodeScalars
        guard scalars.count <= startCommandLength else {
            return .failure(SettingProblem("startCommand is longer than \(startCommandLength) characters", field: "startCommand"))
        }
        guard !scalars.contains("\0") else {
            return .failure(SettingProblem("startCommand cannot contain NUL characters", field: "startCommand"))
        }
        guard scalars.contains(where: { !isBlank($0) }) else {
            return .failure(SettingProblem("startCommand is empty: give a command, or null to remove it", field: "startCommand"))
        }
        var start = scalars.startIndex
        var end = scalars.endIndex
        while isBlank(scalars[start]) { start = scalars.index(after: start) }
        while isBlank(scalars[scalars.index(before: end)]) { end = scalars.index(before: end) }
        return .success(String(String.UnicodeScalarView(scalars[start..<end])))
    }

    /// Why `path` cannot be a health check path: the probe sends it as the request target, so
    /// it is an absolute path of visible ASCII (percent-encode anything else).
    public static func healthcheckPathProblem(_ path: String) -> SettingProblem? {
        guard path.unicodeScalars.first == "/", path.unicodeScalars.count <= healthcheckPathLength,
              path.unicodeScalars.allSatisfy({ (0x21...0x7E).contains($0.value) })
        else {
            return SettingProblem(
                "healthcheckPath must be a path starting with /, of at most \(healthcheckPathLength) visible ASCII characters (percent-encode others)",
                field: "healthcheckPath")
        }
        return nil
    }

    /// Why `value` is out of `range` for `field`.
    public static func rangeProblem(_ value: Int, _ range: ClosedRange<Int>, field: String, unit: String = "") -> SettingProblem? {
        range.contains(value)
            ? nil : SettingProblem("\(field) must be from \(range.lowerBound) to \(range.upperBound)\(unit)", field: field)
    }
}

/// A setting refused, with the request field it is about.
public struct SettingProblem: Error, Sendable, Equatable {
    public let message: String
    public let field: String

    public init(_ message: String, field: String) {
        self.message = message
        self.field = field
    }
}

extension ServiceDeploySettings {
    /// A change to the settings: for each field, nil leaves it, `.some(nil)` removes it.
    public struct Change: Sendable, Equatable {
        public var startCommand: String??
        public var healthcheckPath: String??
        public var healthcheckTimeout: Int??
        public var numReplicas: Int??
        public var restartPolicyType: ServiceConfig.RestartPolicy??
        public var restartPolicyMaxRetries: Int??

        public init(
            startCommand: String?? = nil, healthcheckPath: String?? = nil, healthcheckTimeout: Int?? = nil, numReplicas: Int?? = nil,
            restartPolicyType: ServiceConfig.RestartPolicy?? = nil, restartPolicyMaxRetries: Int?? = nil
        ) {
            self.startCommand = startCommand
            self.healthcheckPath = healthcheckPath
            self.healthcheckTimeout = healthcheckTimeout
            self.numReplicas = numReplicas
            self.restartPolicyType = restartPolicyType
            self.restartPolicyMaxRetries = restartPolicyMaxRetries
        }

        /// The change every field of `settings` makes: all of them set, or removed.
        public init(replacingWith settings: ServiceDeploySettings) {
            self.init(
                startCommand: .some(settings.startCommand), healthcheckPath: .some(settings.healthcheckPath),
                healthcheckTimeout: .some(settings.healthcheckTimeout), numReplicas: .some(settings.numReplicas),
                restartPolicyType: .some(settings.restartPolicyType), restartPolicyMaxRetries: .some(settings.restartPolicyMaxRetries))
        }

        public var isEmpty: Bool { self == Change() }

        /// The change with its start command trimmed, or the first setting it cannot make.
        public func checked() -> Result<Change, SettingProblem> {
            var checked = self
            if case .some(.some(let command)) = startCommand {
                switch ServiceDeploySettings.startCommand(command) {
                case .success(let kept): checked.startCommand = .some(kept)
                case .failure(let problem): return .failure(problem)
                }
            }
            if case .some(.some(let path)) = healthcheckPath, let problem = ServiceDeploySettings.healthcheckPathProblem(path) {
                return .failure(problem)
            }
            let ranges: [(Int??, ClosedRange<Int>, String, String)] = [
                (healthcheckTimeout, ServiceDeploySettings.healthcheckTimeouts, "healthcheckTimeout", " seconds"),
                (numReplicas, ServiceDeploySettings.replicaCounts, "numReplicas", ""),
                (restartPolicyMaxRetries, ServiceDeploySettings.restartRetries, "restartPolicyMaxRetries", ""),
            ]
            for (value, range, field, unit) in ranges {
                if case .some(.some(let number)) = value,
                   let problem = ServiceDeploySettings.rangeProblem(number, range, field: field, unit: unit) {
                    return .failure(problem)
                }
            }
            return .success(checked)
        }

        public func applied(to settings: ServiceDeploySettings) -> ServiceDeploySettings {
            var result = settings
            if let startCommand { result.startCommand = startCommand }
            if let healthcheckPath { result.healthcheckPath = healthcheckPath }
            if let healthcheckTimeout { result.healthcheckTimeout = healthcheckTimeout }
            if let numReplicas { result.numReplicas = numReplicas }
            if let restartPolicyType { result.restartPolicyType = restartPolicyType }
            if let restartPolicyMaxRetries { result.restartPolicyMaxRetries = restartPolicyMaxRetries }
            return result
        }
    }
}

extension ServiceConfig.Deploy {
    /// These values, with those they leave out taken from the service's settings.
    public func filled(from settings: ServiceDeploySettings) -> ServiceConfig.Deploy {
        var result = self
        result.startCommand = startCommand ?? settings.startCommand
        result.healthcheckPath = healthcheckPath ?? settings.healthcheckPath
        result.healthcheckTimeout = healthcheckTimeout ?? settings.healthcheckTimeout
        result.numReplicas = numReplicas ?? settings.numReplicas
        result.restartPolicyType = restartPolicyType ?? settings.restartPolicyType
        result.restartPolicyMaxRetries = restartPolicyMaxRetries ?? settings.restartPolicyMaxRetries
        return result
    }
}
