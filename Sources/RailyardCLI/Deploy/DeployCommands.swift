import ArgumentParser
import Foundation
import RailyardClient
import RailyardCore

/// `railyard deploy`: deploys the latest commit of the service's git branch.
struct Deploy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Deploy the latest commit of the service's git repository and branch.",
        discussion: "Set the repository with `railyard service create NAME --repo URL` or `railyard service update --repo URL`.")

    @OptionGroup var client: ClientOptions
    @OptionGroup var target: ServiceTargetOptions
    @Flag(help: "Return at once, without following the deployment.") var detach = false
    @Option(name: [.customShort("m"), .long], help: "A message recorded on the deployment.") var message: String?

    func run() async throws {
        var session = try Session(client)
        let resolved = try await session.resolve(target)
        guard let repository = resolved.service.repository else {
            throw CLIError("\(resolved.service.name) has no git repository: set one with `railyard service update --repo URL`, or deploy a folder with `railyard up`")
        }
        if !client.json {
            Output.note("Deploying \(repository.url)\(repository.branch.map { " (branch \($0))" } ?? "") to \(resolved.service.name) in \(resolved.project.name)/\(resolved.environment.name)")
        }
        let created = try await session.call {
            try await $0.deploy(service: resolved.service.id, environment: resolved.environment.id, message: message)
        }
        try await settle(created, session: session, detach: detach, json: client.json)
    }
}

/// `railyard redeploy`: builds the service's latest source again.
struct Redeploy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Build and deploy the service's latest source again.")

    @OptionGroup var client: ClientOptions
    @OptionGroup var target: ServiceTargetOptions
    @Flag(help: "Return at once, without following the deployment.") var detach = false

    func run() async throws {
        var session = try Session(client)
        let resolved = try await session.resolve(target)
        let created = try await session.call {
            try await $0.redeploy(service: resolved.service.id, environment: resolved.environment.id, message: "redeploy")
        }
        try await settle(created, session: session, detach: detach, json: client.json)
    }
}

/// `railyard rollback [DEPLOYMENT]`: runs an earlier deployment's artifact again, no rebuild.
struct Rollback: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run an earlier deployment's build again, without rebuilding (default: the one before the current).")

    @Argument(help: "The deployment id to roll back to.") var deployment: String?
    @OptionGroup var client: ClientOptions
    @OptionGroup var target: ServiceTargetOptions
    @Flag(help: "Return at once, without following the deployment.") var detach = false

    func run() async throws {
        var session = try Session(client)
        let resolved = try await session.resolve(target)
        var wanted: DeploymentID?
        if let deployment {
            guard DeploymentID.isWellFormed(deployment) else { throw CLIError("'\(deployment)' is not a deployment id") }
            wanted = DeploymentID(rawValue: deployment)
        }
        let created = try await session.call {
            try await $0.rollback(service: resolved.service.id, environment: resolved.environment.id, to: wanted)
        }
        try await settle(created, session: session, detach: detach, json: client.json)
    }
}

/// `railyard restart`: restarts the running deployment's instances (or a crashed one).
struct Restart: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Restart the service's running (or crashed) deployment.")

    @OptionGroup var client: ClientOptions
    @OptionGroup var target: ServiceTargetOptions

    func run() async throws {
        var session = try Session(client)
        let resolved = try await session.resolve(target)
        let deployment = try await session.call {
            try await $0.restart(service: resolved.service.id, environment: resolved.environment.id)
        }
        if client.json { return try Output.json(deployment) }
        Output.line("Restarted \(resolved.service.name) (deployment \(deployment.id), \(deployment.status.rawValue)).")
    }
}

/// `railyard down`: stops the service's running deployment.
struct Down: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Stop the service's running deployment.")

    @OptionGroup var client: ClientOptions
    @OptionGroup var target: ServiceTargetOptions

    func run() async throws {
        var session = try Session(client)
        let resolved = try await session.resolve(target)
        let deployment = try await session.call {
            try await $0.down(service: resolved.service.id, environment: resolved.environment.id)
        }
        if client.json { return try Output.json(deployment) }
        Output.line("Stopped \(resolved.service.name): deployment \(deployment.id) is \(deployment.status.rawValue).")
    }
}

/// Follows a new deployment unless `detach`; the exit code is the deployment's result.
func settle(_ created: Deployment, session: Session, detach: Bool, json: Bool) async throws {
    if detach {
        if json { return try Output.json(created) }
        return Output.line("Deployment \(created.id) queued.")
    }
    var follower = DeploymentFollower(session: session, printLines: !json)
    let finished = try await follower.follow(created.id)
    if json { try Output.json(finished) } else { await Up.report(finished, session: session) }
    if finished.status != .success { throw ExitCode.failure }
}

/// `railyard deployment list`.
struct DeploymentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deployment", abstract: "List a service's deployments.", subcommands: [DeploymentList.self])
}

struct DeploymentList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the service's deployments, newest first.")

    @OptionGroup var client: ClientOptions
    @OptionGroup var target: ServiceTargetOptions

    func run() async throws {
        var session = try Session(client)
        let resolved = try await session.resolve(target)
        let deployments = try await session.call {
            try await $0.deployments(of: resolved.service.id, in: resolved.environment.id)
        }
        if client.json { return try Output.json(deployments) }
        if deployments.isEmpty { return Output.line("No deployments of \(resolved.service.name) in \(resolved.environment.name) yet.") }
        Output.table(["ID", "STATUS", "SOURCE", "PROVIDER", "CREATED", "REASON"], deployments.map {
            [$0.id.rawValue, $0.status.rawValue, $0.source.rawValue, $0.provider ?? "-", Output.time($0.createdAt),
             $0.statusReason ?? ""]
        })
    }
}

/// `railyard logs`: a deployment's build or deploy log, optionally followed live.
struct Logs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show a deployment's logs (default: the latest deployment's).")

    @OptionGroup var client: ClientOptions
    @OptionGroup var target: ServiceTargetOptions
    @Option(name: [.customShort("d"), .long], help: "Deployment id (default: the newest).") var deployment: String?
    @Flag(name: [.customShort("b"), .long], help: "Show the build log (default: the deploy log).") var build = false
    @Flag(name: .long, help: "Show the HTTP log: each request the edge router answered (default deployment: the serving one).")
    var http = false
    @Flag(name: [.customShort("f"), .long], help: "Keep printing new lines as they come.") var follow = false
    @Option(help: "Only lines newer than this: 30s, 5m, 2h, 1d.") var since: String?
    @Option(name: [.customShort("n"), .long], help: "Only the last N lines (with --follow: then the new ones).") var lines: Int?

    func validate() throws {
        if build && http { throw ValidationError("--build and --http are different logs: give one") }
        if let since, Self.seconds(since) == nil { throw ValidationError("--since takes a duration such as 30s, 5m, 2h or 1d") }
        if let deployment, !DeploymentID.isWellFormed(deployment) { throw ValidationError("'\(deployment)' is not a deployment id") }
        if let lines, !(1...1_000_000).contains(lines) { throw ValidationError("--lines takes a number from 1 to 1000000") }
    }

    /// The deployment whose build `id` runs: a rollback builds nothing and runs the artifact of
    /// the deployment it went back to (itself perhaps a rollback), whose build log is the one
    /// that tells how it was made. Says so on stderr.
    static func buildOwner(of id: DeploymentID, session: inout Session, json: Bool) async throws -> DeploymentID {
        var current = try await session.call { try await $0.deployment(id) }
        var hops = 0
        while current.source == .rollback, let earlier = current.sourceDeploymentID, hops < 64 {
            current = try await session.call { try await $0.deployment(earlier) }
            hops += 1
        }
        if current.id != id && !json {
            Output.note("Deployment \(id) is a rollback: it built nothing and runs the build of deployment \(current.id), whose build log follows.")
        }
        return current.id
    }

    static func seconds(_ text: String) -> Double? {
        guard let unit = text.last, let value = Double(text.dropLast()), value >= 0 else { return nil }
        switch unit {
        case "s": return value
        case "m": return value * 60
        case "h": return value * 3600
        case "d": return value * 86400
        default: return nil
        }
    }

    func run() async throws {
        var session = try Session(client)
        var id: DeploymentID
        if let deployment {
            id = DeploymentID(rawValue: deployment)
        } else {
            let resolved = try await session.resolve(target)
            let all = try await session.call { try await $0.deployments(of: resolved.service.id, in: resolved.environment.id) }
            guard let newest = all.first else { throw CLIError("\(resolved.service.name) has no deployments yet") }
            id = http ? (all.first { $0.status == .success } ?? newest).id : newest.id
        }
        if build { id = try await Self.buildOwner(of: id, session: &session, json: client.json) }
        let phase = build ? "build" : http ? "http" : "deploy"
        let cutoff = since.flatMap(Self.seconds).map { Date().addingTimeInterval(-$0) }
        let follow = follow
        let show: (LogLine) throws -> Void = { line in
            if let cutoff, line.time < cutoff { return }
            let text = if client.json {
                String(decoding: try JSONCoding.makeEncoder().encode(line), as: UTF8.self)
            } else {
                "\(JSONCoding.formatTimestamp(line.time)) \(DeploymentFollower.format(line))"
            }
            if follow { Output.streamedLine(text) } else { Output.line(text) }
        }
        let tail = lines
        guard follow else {
            for line in try await session.call({ try await $0.logs(of: id, phase: phase, tail: tail, since: cutoff) }) { try show(line) }
            return
        }
        var lastSeq = 0
        while true {
            do {
                // Where to start is asked once; a stream that drops resumes after its last line.
                let stream = lastSeq == 0
                    ? session.client.followLogs(of: id, phase: phase, tail: tail, since: cutoff)
                    : session.client.followLogs(of: id, after: lastSeq, phase: phase)
                for try await event in stream {
                    if case .line(let line) = event {
                        lastSeq = line.seq
                        try show(line)
                    }
                }
                return
            } catch let error as ClientError where error.status >= 400 || error.code == "not_https" {
                throw error
            } catch {
                try await Task.sleep(for: .seconds(1))
            }
        }
    }
}
