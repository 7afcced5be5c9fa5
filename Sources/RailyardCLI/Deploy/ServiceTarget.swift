import ArgumentParser
import Foundation
import RailyardClient
import RailyardCore

/// Flags of commands that act on one service in one environment.
struct ServiceTargetOptions: ParsableArguments {
    @OptionGroup var target: TargetOptions
    @Option(name: [.customShort("s"), .long], help: "Service name or id (default: the linked service).") var service: String?
}

struct ResolvedService {
    let project: Project
    let environment: Environment
    let service: Service
}

extension Session {
    mutating func resolve(_ options: ServiceTargetOptions) async throws -> ResolvedService {
        let project = try await project(options.target.project)
        let environment = try await environment(options.target.environment, in: project)
        let service = try await service(options.service, in: project)
        return ResolvedService(project: project, environment: environment, service: service)
    }
}

/// Follows a deployment until it ends, printing its log; the exit code comes from the
/// deployment's status, never from the log stream: a dropped stream is resumed from the last
/// line seen, and if it cannot be, the status is polled.
struct DeploymentFollower {
    var session: Session
    let printLines: Bool

    /// Statuses at which `up` stops waiting.
    static func isSettled(_ status: DeploymentStatus) -> Bool {
        status != .queued && status != .building && status != .deploying
    }

    mutating func follow(_ id: DeploymentID) async throws -> Deployment {
        var lastSeq = 0
        var failures = 0
        while true {
            do {
                for try await event in session.client.followLogs(of: id, after: lastSeq) {
                    failures = 0
                    switch event {
                    case .line(let line):
                        lastSeq = max(lastSeq, line.seq)
                        if printLines { FileHandle.standardError.write(Data((Self.format(line) + "\n").utf8)) }
                    case .status(let status, _):
                        if Self.isSettled(status) { return try await session.call { try await $0.deployment(id) } }
                    }
                }
            } catch let error as ClientError where error.status == 401 && session.usesLogin {
                try await session.refreshSession(staleAccessToken: session.client.bearer)
                continue
            } catch let error as ClientError where (400..<500).contains(error.status) {
                throw error
            } catch {
                failures += 1
            }
            // The stream ended or dropped: the status decides whether to wait on.
            let deployment = try await session.call { try await $0.deployment(id) }
            if Self.isSettled(deployment.status) { return deployment }
            try await Task.sleep(for: .milliseconds(min(200 * (1 << min(failures, 5)), 5000)))
        }
    }

    static func format(_ line: LogLine) -> String {
        let source = line.replica.map { "replica \($0)" } ?? line.phase
        let marker = line.stream == "system" ? "==>" : (line.stream == "stderr" ? "!" : "|")
        return "[\(source)] \(marker) \(line.message)"
    }
}
