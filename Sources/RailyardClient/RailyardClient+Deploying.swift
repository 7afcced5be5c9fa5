import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import RailyardCore

extension RailyardClient {
    /// Uploads a gzip tarball of a service's source; the answer is the new QUEUED deployment.
    /// `commitSHA` and `commitMessage`: the git commit the folder is at, when it is in a work tree.
    public func upload(
        _ archive: ByteBuffer, service: ServiceID, environment: EnvironmentID, message: String?,
        commitSHA: String? = nil, commitMessage: String? = nil
    ) async throws -> Deployment {
        var query: [String: String?] = ["environmentId": environment.rawValue]
        if let message { query["message"] = message }
        if let commitSHA { query["commitSha"] = commitSHA }
        if let commitMessage { query["commitMessage"] = commitMessage }
        let data = try await sendRaw(
            .POST, "/api/v1/services/\(service)/uploads", query: query, rawBody: archive, contentType: "application/gzip",
            timeout: .seconds(3600))
        return try decode(Deployment.self, data)
    }

    public func deployments(of service: ServiceID, in environment: EnvironmentID) async throws -> [Deployment] {
        try await all("/api/v1/services/\(service)/deployments", query: ["environmentId": environment.rawValue], as: Deployment.self)
    }

    public func deployment(_ id: DeploymentID) async throws -> Deployment { try await send(.GET, "/api/v1/deployments/\(id)") }

    struct EnvironmentBody: Encodable {
        var environmentId: EnvironmentID
        var message: String?
        var deploymentId: DeploymentID?
        var redeploy: Bool?
    }

    /// A fresh build of the service's latest source (the same upload or commit).
    public func redeploy(service: ServiceID, environment: EnvironmentID, message: String?) async throws -> Deployment {
        try await send(.POST, "/api/v1/services/\(service)/deployments",
                       body: EnvironmentBody(environmentId: environment, message: message, redeploy: true))
    }

    /// Deploys the latest commit of the service's git branch.
    public func deploy(service: ServiceID, environment: EnvironmentID, message: String?) async throws -> Deployment {
        try await send(.POST, "/api/v1/services/\(service)/deployments",
                       body: EnvironmentBody(environmentId: environment, message: message, redeploy: false))
    }

    public func rollback(service: ServiceID, environment: EnvironmentID, to deployment: DeploymentID?) async throws -> Deployment {
        try await send(.POST, "/api/v1/services/\(service)/rollback",
                       body: EnvironmentBody(environmentId: environment, deploymentId: deployment))
    }

    public func restart(service: ServiceID, environment: EnvironmentID) async throws -> Deployment {
        // A rolling restart answers once every replica was replaced, each after its successor
        // passed its health check (up to healthcheckTimeout apiece): far past the usual minute.
        let data = try await sendRaw(
            .POST, "/api/v1/services/\(service)/restart", query: ["environmentId": environment.rawValue], rawBody: nil,
            contentType: "application/json", timeout: .hours(2))
        return try decode(Deployment.self, data)
    }

    public func down(service: ServiceID, environment: EnvironmentID) async throws -> Deployment {
        try await send(.POST, "/api/v1/services/\(service)/down", query: ["environmentId": environment.rawValue])
    }

    struct LogPage: Decodable {
        var items: [LogLine]
        var nextCursor: String?
    }

    /// Every stored line after `after`; with `tail`, only the last that many (of `phase`);
    /// with `since`, only lines stamped then or later. The server reads the last lines from
    /// the end of the log and finds `since` by a binary search, so neither reads it all.
    public func logs(
        of deployment: DeploymentID, after: Int = 0, phase: String? = nil, tail: Int? = nil, since: Date? = nil
    ) async throws -> [LogLine] {
        var lines: [LogLine] = []
        var cursor = after
        var first = true
        while true {
            var query: [String: String?] = ["after": String(cursor), "limit": "5000", "phase": phase]
            // Where the lines start is chosen once; later pages go on from the cursor.
            if first {
                query["tail"] = tail.map { String($0) }
                query["since"] = since.map(JSONCoding.formatTimestamp)
            }
            first = false
            let page: LogPage = try await send(.GET, "/api/v1/deployments/\(deployment)/logs", query: query)
            lines += page.items
            // The last N lines are N lines: what a chatty app wrote since the first page is not
            // part of them (reading on could take as long as the app goes on writing).
            if let tail, lines.count >= tail { return Array(lines.prefix(tail)) }
            guard let next = page.nextCursor.flatMap(Int.init), next > cursor else { return lines }
            cursor = next
        }
    }

    /// What a log stream delivers.
    public enum LogStreamEvent: Sendable {
        case line(LogLine)
        case status(DeploymentStatus, reason: String?)
    }

    struct StatusEvent: Decodable {
        var status: DeploymentStatus
        var reason: String?
    }

    /// The live log (Server-Sent Events): the stored lines after `after`, then new lines and
    /// status changes as they happen. The stream ends when the server closes it or it drops;
    /// callers resume from the last line's `seq`.
    public func followLogs(
        of deployment: DeploymentID, after: Int = 0, phase: String? = nil, tail: Int? = nil, since: Date? = nil
    ) -> AsyncThrowingStream<LogStreamEvent, any Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    var query: [String: String?] = ["after": String(after), "follow": "true"]
                    if let phase { query["phase"] = phase }
                    if let tail { query["tail"] = String(tail) }
                    if let since { query["since"] = JSONCoding.formatTimestamp(since) }
                    var request = HTTPClientRequest(url: try url("/api/v1/deployments/\(deployment)/logs", query: query))
                    if let bearer { request.headers.add(name: "Authorization", value: "Bearer \(bearer)") }
                    request.headers.add(name: "Accept", value: "text/event-stream")
                    let response: HTTPClientResponse
                    do {
                        response = try await sharedHTTPClient.execute(request, timeout: .hours(24 * 365))
                    } catch {
                        throw ClientError.unreachable(server, error)
                    }
                    guard response.status == .ok else {
                        let data = Data(buffer: try await response.body.collect(upTo: 1 << 20))
                        throw Self.error(status: Int(response.status.code), reason: response.status.reasonPhrase, data, server: server)
                    }
                    var parser = ServerSentEventParser()
                    let decoder = JSONCoding.makeDecoder()
                    for try await chunk in response.body {
                        for event in parser.feed(chunk) {
                            switch event.name {
                            case "line":
                                continuation.yield(.line(try decoder.decode(LogLine.self, from: Data(event.data.utf8))))
                            case "status":
                                let status = try decoder.decode(StatusEvent.self, from: Data(event.data.utf8))
                                continuation.yield(.status(status.status, reason: status.reason))
                            default:
                                continue
                            }
                        }
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}
