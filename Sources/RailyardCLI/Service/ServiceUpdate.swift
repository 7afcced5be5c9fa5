import ArgumentParser
import Foundation
import RailyardClient
import RailyardCore

/// `railyard service update`: renames a service, sets its limits or its repository.
struct ServiceUpdate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update", abstract: "Change a service's name, memory, CPU and request body limits, git repository, or database version.",
        discussion: """
            Memory and CPU limits apply to each replica from its next start (deploy, redeploy or restart); the body
            limit at once: the edge answers larger request bodies with 413.
            --memory and --max-body take bytes or a size such as 512M, 1.5G or 256MiB; --cpu takes cores such as 1,
            0.5 or 250m. `none` removes a limit, or the repository.
            --version changes a database service's engine version (one the server's machine has); its data is never
            converted in place, so another major version is refused once it holds data: back it up, add a database
            of the new version and restore into it.
            --start-command, --replicas, --healthcheck-path, --healthcheck-timeout, --restart-policy and
            --restart-retries are the service's own settings, as in Railway's dashboard: they apply from the next
            deployment (`railyard redeploy`), and the source's railway.json or railyard.toml overrides each one it
            sets. `none` removes one.
            """)

    @OptionGroup var client: ClientOptions
    @OptionGroup var target: ServiceTargetOptions
    @Option(help: "A new name.") var name: String?
    @Option(help: "Memory limit per replica (512M, 1G, none).") var memory: String?
    @Option(help: "CPU limit per replica, in cores (1, 0.5, 250m, none).") var cpu: String?
    @Option(help: "Largest request body the edge passes on (10M, 1G, none).") var maxBody: String?
    @Option(help: "Processes and threads per replica at once (16 to 65536, or none for the server's default).") var processes: String?
    @Option(help: "Git repository to deploy from, or none.") var repo: String?
    @Option(help: "Branch to deploy (with --repo, or to change the current repository's).") var branch: String?
    @Option(help: "The service's folder inside the repository.") var rootDir: String?
    @Option(help: "A database service's engine version (e.g. 15).") var version: String?
    @Option(help: "Start command, run through sh -c (none: the detected one).") var startCommand: String?
    @Option(help: "Replicas, 1 to 64 (none: 1).") var replicas: String?
    @Option(help: "Health check path, polled until it answers 200 (none: the port answering).") var healthcheckPath: String?
    @Option(help: "Seconds a new deployment has to pass its health check, 1 to 3600 (none: 300).") var healthcheckTimeout: String?
    @Option(help: "ON_FAILURE, ALWAYS or NEVER (none: ON_FAILURE).") var restartPolicy: String?
    @Option(help: "Restarts before giving up, 0 to 1000 (none: 10).") var restartRetries: String?

    /// The deploy settings the options change, checked by the rules the server applies.
    func deployChange() throws -> ServiceDeploySettings.Change {
        func whole(_ text: String?, _ option: String, _ range: ClosedRange<Int>) throws -> Int?? {
            guard let text else { return nil }
            if text == "none" { return .some(nil) }
            guard let number = Int(text), range.contains(number) else {
                throw CLIError("--\(option) must be a number from \(range.lowerBound) to \(range.upperBound), or none (got '\(text.prefix(20))')")
            }
            return .some(number)
        }
        var change = ServiceDeploySettings.Change(
            startCommand: startCommand.map { $0 == "none" ? nil : $0 }, healthcheckPath: healthcheckPath.map { $0 == "none" ? nil : $0 },
            healthcheckTimeout: try whole(healthcheckTimeout, "healthcheck-timeout", ServiceDeploySettings.healthcheckTimeouts),
            numReplicas: try whole(replicas, "replicas", ServiceDeploySettings.replicaCounts),
            restartPolicyMaxRetries: try whole(restartRetries, "restart-retries", ServiceDeploySettings.restartRetries))
        if let restartPolicy {
            if restartPolicy.lowercased() == "none" {
                change.restartPolicyType = .some(nil)
            } else {
                guard let policy = ServiceConfig.RestartPolicy(rawValue: restartPolicy.uppercased()) else {
                    throw CLIError("--restart-policy must be ON_FAILURE, ALWAYS, NEVER or none (got '\(restartPolicy.prefix(20))')")
                }
                change.restartPolicyType = .some(policy)
            }
        }
        switch change.checked() {
        case .success(let checked): return checked
        case .failure(let problem): throw CLIError(problem.message)
        }
    }

    func validate() throws {
        let deploy = try deployChange()
        if name == nil && memory == nil && cpu == nil && maxBody == nil && processes == nil && repo == nil && branch == nil && rootDir == nil
            && version == nil && deploy.isEmpty {
            throw CLIError(
                "nothing to change: give --name, --memory, --cpu, --max-body, --processes, --repo, --branch, --root-dir, --version, "
                    + "--start-command, --replicas, --healthcheck-path, --healthcheck-timeout, --restart-policy or --restart-retries")
        }
        if let version, DatabaseVersions.parse(version) == nil {
            throw CLIError("--version takes the engine's major version, such as 15 or 10.11 (got '\(version.prefix(20))')")
        }
        if let processes { _ = try Self.processLimit(processes) }
        if let name, let problem = NameRules.serviceNameProblem(name) { throw CLIError(problem) }
        if let memory { _ = try Self.memoryBytes(memory) }
        if let maxBody { _ = try Self.bytes(maxBody, option: "--max-body") }
        if let cpu { _ = try Self.cpuMillis(cpu) }
        if let repo, repo != "none", let problem = GitSource(url: repo, branch: branch, rootDirectory: rootDir).problem {
            throw CLIError(problem)
        }
        if repo == "none" && (branch != nil || rootDir != nil) { throw CLIError("--branch and --root-dir need a repository") }
    }

    func run() async throws {
        var session = try Session(client)
        let resolved = try await session.resolve(target)
        var change = RailyardClient.ServiceChange(name: name)
        if let memory { change.memoryLimit = .some(try Self.memoryBytes(memory)) }
        if let cpu { change.cpuLimitMillis = .some(try Self.cpuMillis(cpu)) }
        if let maxBody { change.requestBodyLimit = .some(try Self.bytes(maxBody, option: "--max-body")) }
        if let processes { change.processLimit = .some(try Self.processLimit(processes)) }
        change.databaseVersion = version
        change.deploy = try deployChange()
        if let repo {
            change.repository = repo == "none" ? .some(nil) : .some(GitSource(url: repo, branch: branch, rootDirectory: rootDir))
        } else if branch != nil || rootDir != nil {
            guard var current = resolved.service.repository else {
                throw CLIError("\(resolved.service.name) has no repository: give --repo")
            }
            if let branch { current.branch = branch }
            if let rootDir { current.rootDirectory = rootDir }
            if let problem = current.problem { throw CLIError(problem) }
            change.repository = .some(current)
        }
        let service = try await session.call { try await $0.updateService(resolved.service.id, change) }
        if client.json { return try Output.json(service) }
        Output.line("Updated service \(service.name): " + Self.describe(service))
    }

    static func describe(_ service: Service) -> String {
        let memory = service.memoryLimit.map(Output.size) ?? "no limit"
        let cpu = service.cpuLimitMillis.map { String(format: "%g", Double($0) / 1000) + " cores" } ?? "no limit"
        let repository = service.repository.map { $0.url + ($0.branch.map { " (\($0))" } ?? "") } ?? "none"
        let body = service.requestBodyLimit.map(Output.size) ?? "no limit"
        let processes = service.processLimit.map(String.init) ?? "the server's default"
        if let engine = service.database {
            let version = service.databaseVersion.map { " \($0)" } ?? ""
            return "\(engine.displayName)\(version), memory \(memory), cpu \(cpu), processes \(processes)"
        }
        return "memory \(memory), cpu \(cpu), processes \(processes), request body \(body), repository \(repository)"
            + describe(service.deploy)
    }

    /// The deploy settings that are set, or nothing.
    static func describe(_ settings: ServiceDeploySettings) -> String {
        let set: [String?] = [
            settings.startCommand.map { "start command \($0.prefix(200))" }, settings.numReplicas.map { "replicas \($0)" },
            settings.healthcheckPath.map { "health check \($0)" }, settings.healthcheckTimeout.map { "health check timeout \($0) s" },
            settings.restartPolicyType.map { "restart \($0.rawValue)" }, settings.restartPolicyMaxRetries.map { "restart retries \($0)" },
        ]
        let shown = set.compactMap { $0 }
        return shown.isEmpty ? "" : ", " + shown.joined(separator: ", ")
    }

    /// A process limit in `Service.processLimits`, or nil for `none`.
    static func processLimit(_ text: String) throws -> Int? {
        if text == "none" { return nil }
        guard let count = Int(text), Service.processLimits.contains(count) else {
            throw CLIError("--processes must be a number from \(Service.processLimits.lowerBound) to \(Service.processLimits.upperBound), or none (got '\(text)')")
        }
        return count
    }

    /// A memory limit: a size of at least 16 MiB, or nil for `none`.
    static func memoryBytes(_ text: String) throws -> Int64? {
        guard let bytes = try bytes(text, option: "--memory") else { return nil }
        guard bytes >= 16 << 20 else { throw CLIError("--memory must be at least 16M (got '\(text)')") }
        return bytes
    }

    /// `512M`, `1.5G`, `256MiB`, `1048576` (bytes); `none` for no limit. Binary units, as
    /// Kubernetes' Mi/Gi and Railway's GB both mean here.
    static func bytes(_ text: String, option: String) throws -> Int64? {
        let lowered = text.lowercased().trimmingCharacters(in: .whitespaces)
        if lowered == "none" || lowered == "0" { return nil }
        let (kib, mib, gib): (Double, Double, Double) = (1024, 1_048_576, 1_073_741_824)
        let units: [(String, Double)] = [
            ("kib", kib), ("mib", mib), ("gib", gib), ("kb", kib), ("mb", mib), ("gb", gib),
            ("ki", kib), ("mi", mib), ("gi", gib), ("k", kib), ("m", mib), ("g", gib), ("b", 1),
        ]
        var number = lowered
        var scale: Double = 1
        if let (suffix, factor) = units.first(where: { lowered.hasSuffix($0.0) }) {
            number = String(lowered.dropLast(suffix.count))
            scale = factor
        }
        guard let value = Double(number), value.isFinite, value * scale >= 1, value * scale <= Double(1 << 40) else {
            throw CLIError("\(option) must be a size from 1 byte to 1T such as 512M or 1G, or none (got '\(text)')")
        }
        return Int64(value * scale)
    }

    /// `1`, `0.5`, `2` cores or `250m` thousandths; `none` for no limit.
    static func cpuMillis(_ text: String) throws -> Int? {
        let lowered = text.lowercased().trimmingCharacters(in: .whitespaces)
        if lowered == "none" || lowered == "0" { return nil }
        let millis: Double?
        if lowered.hasSuffix("m") {
            millis = Double(lowered.dropLast())
        } else {
            millis = Double(lowered).map { $0 * 1000 }
        }
        guard let millis, millis.isFinite, millis >= 10, millis <= 1_024_000 else {
            throw CLIError("--cpu must be cores between 0.01 and 1024 such as 1 or 0.5 (or 250m), or none (got '\(text)')")
        }
        return Int(millis.rounded())
    }
}
