import Foundation
import RailyardCore

/// A config file that cannot be used, naming the file, the field and what was expected.
public struct ConfigFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public let file: String
    public let field: String?
    public let problem: String

    public var description: String {
        if let field { return "\(file): \(field): \(problem)" }
        return "\(file): \(problem)"
    }
}

/// Finds and reads a service's config file. The first of `candidates` present wins.
public enum ConfigFileReader {
    public static let candidates = ["railyard.toml", "railyard.json", "railway.toml", "railway.json"]

    /// Railway fields we accept and do not act on yet; each is reported as a note in the plan.
    static let ignoredFields: Set<String> = [
        "build.nixpacksPlan", "build.nixpacksConfigPath", "build.nixpacksVersion", "build.railpackVersion",
        "build.buildEnvironment", "deploy.region", "deploy.multiRegionConfig", "deploy.limitOverride",
        "deploy.requiredMountPath", "deploy.runtime", "deploy.ipv6EgressEnabled",
    ]

    public struct Result: Sendable, Equatable {
        public var file: String
        public var config: ServiceConfig
        public var notes: [String]
    }

    /// The config file of `source`, parsed and checked, or nil when it has none.
    public static func read(from source: any SourceTree, rootDirectory: String = "") throws(ConfigFileError) -> Result? {
        for name in candidates {
            let path = rootDirectory.isEmpty ? name : rootDirectory + "/" + name
            guard source.exists(path) else { continue }
            guard let text = source.read(path) else {
                throw ConfigFileError(file: name, field: nil, problem: "cannot be read as UTF-8 text of at most 1 MiB")
            }
            return try parse(text, file: name)
        }
        return nil
    }

    public static func parse(_ text: String, file: String) throws(ConfigFileError) -> Result {
        // Bounded before any parser recurses over it.
        if let problem = file.hasSuffix(".toml") ? ConfigShapeCheck.problem(toml: text) : ConfigShapeCheck.problem(json: text) {
            throw ConfigFileError(file: file, field: nil, problem: problem)
        }
        let root: ConfigValue
        if file.hasSuffix(".toml") {
            do {
                root = try TOMLParser.parse(text)
            } catch {
                throw ConfigFileError(file: file, field: nil, problem: "is not valid TOML: \(error.message) (line \(error.line))")
            }
        } else {
            // Our own check first: it says where the error is, and refuses what Railway
            // refuses (a trailing comma) though Foundation would take it.
            if let problem = JSONSyntaxCheck.problem(text) {
                throw ConfigFileError(file: file, field: nil, problem: "is not valid JSON: \(problem)")
            }
            let body = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
            guard let value = try? JSONDecoder().decode(ConfigValue.self, from: Data(body.utf8)) else {
                throw ConfigFileError(file: file, field: nil, problem: "is not valid JSON")
            }
            root = value
        }
        var reader = FieldReader(file: file)
        let config = try reader.service(root, path: "", allowEnvironments: true)
        return Result(file: file, config: config, notes: reader.notes)
    }
}

/// Walks a config document, checking each field's type and range.
struct FieldReader {
    let file: String
    var notes: [String] = []

    func fail(_ field: String, _ problem: String) -> ConfigFileError {
        ConfigFileError(file: file, field: field, problem: problem)
    }

    func table(_ value: ConfigValue, _ field: String) throws(ConfigFileError) -> [String: ConfigValue] {
        guard case .table(let table) = value else { throw fail(field, "expected an object, found \(value.kindName)") }
        return table
    }

    func string(_ value: ConfigValue, _ field: String) throws(ConfigFileError) -> String {
        guard case .string(let text) = value else { throw fail(field, "expected a string, found \(value.kindName)") }
        return text
    }

    func integer(_ value: ConfigValue, _ field: String, in range: ClosedRange<Int>) throws(ConfigFileError) -> Int {
        let number: Int
        switch value {
        case .integer(let integer): number = integer
        case .double(let double) where double == double.rounded() && abs(double) < 1e15: number = Int(double)
        default: throw fail(field, "expected an integer from \(range.lowerBound) to \(range.upperBound), found \(value.kindName)")
        }
        guard range.contains(number) else {
            throw fail(field, "expected an integer from \(range.lowerBound) to \(range.upperBound), found \(number)")
        }
        return number
    }

    func bool(_ value: ConfigValue, _ field: String) throws(ConfigFileError) -> Bool {
        guard case .bool(let flag) = value else { throw fail(field, "expected true or false, found \(value.kindName)") }
        return flag
    }

    func command(_ value: ConfigValue, _ field: String) throws(ConfigFileError) -> String {
        let text = try string(value, field).trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty { throw fail(field, "expected a command, found an empty string") }
        return text
    }

    func choice<T: RawRepresentable & CaseIterable>(_ value: ConfigValue, _ field: String, as: T.Type) throws(ConfigFileError) -> T
    where T.RawValue == String {
        let text = try string(value, field)
        guard let result = T(rawValue: text.uppercased()) else {
            let options = T.allCases.map(\.rawValue).joined(separator: ", ")
            throw fail(field, "expected one of \(options), found \"\(text)\"")
        }
        return result
    }

    func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : path + "." + key }

    mutating func service(_ value: ConfigValue, path: String, allowEnvironments: Bool) throws(ConfigFileError) -> ServiceConfig {
        var config = ServiceConfig()
        for (key, item) in try table(value, path.isEmpty ? "(top level)" : path).sorted(by: { $0.key < $1.key }) {
            let field = join(path, key)
            switch key {
            case "$schema": continue
            case "build": config.build = try build(item, path: field)
            case "deploy": config.deploy = try deploy(item, path: field)
            case "environments" where allowEnvironments:
                for (name, block) in try table(item, field).sorted(by: { $0.key < $1.key }) {
                    config.environments[name] = try service(block, path: join(field, name), allowEnvironments: false)
                }
            default:
                throw fail(field, "unknown field (expected build, deploy\(allowEnvironments ? " or environments" : ""))")
            }
        }
        return config
    }

    mutating func build(_ value: ConfigValue, path: String) throws(ConfigFileError) -> ServiceConfig.Build {
        var build = ServiceConfig.Build()
        for (key, item) in try table(value, path).sorted(by: { $0.key < $1.key }) {
            let field = join(path, key)
            switch key {
            case "builder": build.builder = try choice(item, field, as: ServiceConfig.Builder.self)
            case "buildCommand": build.buildCommand = try command(item, field)
            case "dockerfilePath": build.dockerfilePath = try string(item, field)
            case "watchPatterns":
                guard case .array(let items) = item else { throw fail(field, "expected an array of strings, found \(item.kindName)") }
                var patterns: [String] = []
                for (index, pattern) in items.enumerated() { patterns.append(try string(pattern, "\(field)[\(index)]")) }
                build.watchPatterns = patterns
            default:
                try ignoreOrReject(field: "build." + key, at: field)
            }
        }
        return build
    }

    mutating func deploy(_ value: ConfigValue, path: String) throws(ConfigFileError) -> ServiceConfig.Deploy {
        var deploy = ServiceConfig.Deploy()
        for (key, item) in try table(value, path).sorted(by: { $0.key < $1.key }) {
            let field = join(path, key)
            switch key {
            case "startCommand": deploy.startCommand = try command(item, field)
            case "preDeployCommand":
                switch item {
                case .string: deploy.preDeployCommand = [try command(item, field)]
                case .array(let items):
                    var commands: [String] = []
                    for (index, entry) in items.enumerated() { commands.append(try command(entry, "\(field)[\(index)]")) }
                    deploy.preDeployCommand = commands
                default: throw fail(field, "expected a command or an array of commands, found \(item.kindName)")
                }
            case "healthcheckPath":
                let path = try string(item, field)
                guard path.hasPrefix("/"), !path.contains(where: { $0.isWhitespace }) else {
                    throw fail(field, "expected a path starting with /, found \"\(path)\"")
                }
                deploy.healthcheckPath = path
            case "healthcheckTimeout": deploy.healthcheckTimeout = try integer(item, field, in: ServiceDeploySettings.healthcheckTimeouts)
            case "restartPolicyType": deploy.restartPolicyType = try choice(item, field, as: ServiceConfig.RestartPolicy.self)
            case "restartPolicyMaxRetries": deploy.restartPolicyMaxRetries = try integer(item, field, in: ServiceDeploySettings.restartRetries)
            case "numReplicas": deploy.numReplicas = try integer(item, field, in: ServiceDeploySettings.replicaCounts)
            case "overlapSeconds": deploy.overlapSeconds = try integer(item, field, in: 0...3600)
            case "drainingSeconds": deploy.drainingSeconds = try integer(item, field, in: 0...3600)
            case "sleepApplication": deploy.sleepApplication = try bool(item, field)
            case "cronSchedule":
                let schedule = try string(item, field)
                guard schedule.split(separator: " ", omittingEmptySubsequences: true).count == 5 else {
                    throw fail(field, "expected a 5-field crontab expression, found \"\(schedule)\"")
                }
                deploy.cronSchedule = schedule
            default:
                try ignoreOrReject(field: "deploy." + key, at: field)
            }
        }
        return deploy
    }

    mutating func ignoreOrReject(field canonical: String, at field: String) throws(ConfigFileError) {
        guard ConfigFileReader.ignoredFields.contains(canonical) else { throw fail(field, "unknown field") }
        notes.append("\(file): \(field) is a Railway field Railyard does not use yet; ignored")
    }
}
