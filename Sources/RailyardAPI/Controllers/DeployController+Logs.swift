import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOPosix
import RailyardControl
import RailyardCore
import ServiceLifecycle

/// Deployment logs: pages of stored lines, or a live Server-Sent Events stream. Lines go out
/// as they are stored (their JSON is not decoded and encoded again), read from the file a page
/// at a time: a reader holds one page in memory, however long the log or slow the client.
extension DeployController {
    /// What a request for logs asks for, checked.
    struct LogRequest {
        var query: LogQuery
        var limit = 1000
        var follow = false
    }

    static func logRequest(_ request: Request) throws -> LogRequest {
        let query = request.uri.queryParameters
        var parsed = LogRequest(query: LogQuery())
        let resumeFrom: String? = HTTPField.Name("Last-Event-ID").flatMap { request.headers[$0] }
        if let text = query.get("after").map({ String($0) }) ?? resumeFrom {
            guard let value = Int(text), value >= 0 else { throw RailyardError.badRequest("after must be a line number", field: "after") }
            parsed.query.after = value
        }
        let phase = query.get("phase").map { String($0) }
        if let phase, phase != "build" && phase != "deploy" && phase != "http" {
            throw RailyardError.badRequest("phase is build, deploy or http", field: "phase")
        }
        parsed.query.phase = phase
        if let text = query.get("limit") {
            guard let value = Int(text), (1...5000).contains(value) else {
                throw RailyardError.badRequest("limit is between 1 and 5000", field: "limit")
            }
            parsed.limit = value
        }
        if let text = query.get("tail") {
            guard let value = Int(text), (1...1_000_000).contains(value) else {
                throw RailyardError.badRequest("tail is a number of lines from 1 to 1000000", field: "tail")
            }
            parsed.query.tail = value
        }
        if let text = query.get("since") {
            guard let date = JSONCoding.parseTimestamp(String(text)) else {
                throw RailyardError.badRequest("since is a time such as 2026-11-27T02:37:01Z", field: "since")
            }
            parsed.query.since = date
        }
        switch query.get("follow") {
        case nil, "false": parsed.follow = false
        case "true": parsed.follow = true
        default: throw RailyardError.badRequest("follow is true or false", field: "follow")
        }
        return parsed
    }

    /// Reads files on the thread pool: a read is short, but a tail of a rare phase may look
    /// through a whole log, and the concurrency pool has only as many threads as cores.
    static func offPool<T: Sendable>(_ work: @escaping @Sendable () -> T) async throws -> T {
        try await NIOThreadPool.singleton.runIfActive(work)
    }

    /// History as JSON pages (`after` is the last seq seen; `tail` and `since` choose where
    /// the first page starts), or with `follow=true` a Server-Sent Events stream: history
    /// first, then live lines and status changes, each line once.
    @Sendable func logs(_ request: Request, context: APIRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        let id: DeploymentID = try context.pathID("deploymentId", "deployment")
        guard let deployment = try await store.deployment(id: id),
              let service = try await store.service(id: deployment.serviceID),
              let project = try await store.project(id: service.projectID)
        else { throw RailyardError.notFound("deployment") }
        _ = try caller.authorize(
            .read, workspace: project.workspaceID, project: project.id, environment: deployment.environmentID,
            notFound: "deployment")
        let parsed = try Self.logRequest(request)
        guard let hub = dependencies.logHub else {
            return Self.page(LogRead(lines: [], through: 0, more: false))
        }
        let query = parsed.query
        guard parsed.follow else {
            // The last N lines as of now: lines a chatty app writes meanwhile are the next page's.
            let limit = query.tail.map { min(parsed.limit, $0) } ?? parsed.limit
            let read = try await Self.offPool {
                hub.read(id, after: hub.start(id, query), phase: query.phase, limit: limit)
            }
            return Self.page(read)
        }
        // Joined before the history is read, so that nothing stored in between is missed.
        let follower = hub.follow(id)
        let start: Int
        do {
            start = try await Self.offPool { hub.start(id, query) }
        } catch {
            follower.cancel()
            throw error
        }
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        let store = self.store
        let body = ResponseBody { writer in
            defer { follower.cancel() }
            var stream = LogEventWriter(hub: hub, deployment: id, phase: query.phase, sent: start, statusesSeen: follower.statusesSeen)
            try await stream.lines(through: .max, to: &writer)
            // The status as it is now, so that a client that joins late still learns how it ended.
            if let current = try await store.deployment(id: id) {
                if current.status.isTerminal {
                    // Its last lines may have been stored since the history was read.
                    hub.flush(id)
                    try await stream.lines(through: .max, to: &writer)
                    stream.ended = true
                }
                try await stream.status(current.status, reason: current.statusReason, to: &writer)
            }
            if !stream.ended {
                // Woken after each stored batch and status change, and every few seconds for
                // a heartbeat, so that a client gone away is noticed at the next write.
                let (wakes, wake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
                let forward = Task {
                    for await _ in follower.changes { wake.yield(()) }
                    wake.finish()
                }
                let heartbeat = Task {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .seconds(5))
                        wake.yield(())
                    }
                }
                defer {
                    forward.cancel()
                    heartbeat.cancel()
                }
                try await withGracefulShutdownHandler {
                    for await _ in wakes {
                        try await stream.changes(follower, to: &writer)
                        if stream.ended { break }
                    }
                } onGracefulShutdown: {
                    wake.finish()
                }
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    /// A page as JSON (`{"items": [...], "nextCursor": "N"}`) from the stored lines' own text.
    static func page(_ read: LogRead) -> Response {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(read.lines.reduce(64) { $0 + $1.json.count + 1 })
        buffer.writeString(#"{"items":["#)
        for (index, line) in read.lines.enumerated() {
            if index > 0 { buffer.writeString(",") }
            buffer.writeBytes(line.json)
        }
        buffer.writeString("]")
        if read.more { buffer.writeString(#","nextCursor":"\#(read.through)""#) }
        buffer.writeString("}")
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: buffer))
    }

    struct StatusEvent: Encodable {
        var status: DeploymentStatus
        var reason: String?
    }
}

/// Writes one follower's events: lines read from the file a page at a time, status changes
/// between the lines they came after, and heartbeats when nothing else was written.
struct LogEventWriter {
    let hub: LogHub
    let deployment: DeploymentID
    let phase: String?
    /// The last seq sent (or looked at and skipped).
    var sent: Int
    var statusesSeen: Int
    var ended = false
    var lastWrite = ContinuousClock.now

    static let pageLines = 1000

    mutating func lines(through: Int, to writer: inout any ResponseBodyWriter) async throws {
        while true {
            let (hub, deployment, after, phase) = (self.hub, self.deployment, sent, self.phase)
            let read = try await DeployController.offPool {
                hub.read(deployment, after: after, through: through, phase: phase, limit: Self.pageLines)
            }
            // One write per page: each write hops to the connection's event loop, and a writer
            // on another thread that hops once per line outruns it, queueing lines in memory
            // faster than the socket's back-pressure can stop it (measured: 100 MB queued while a
            // debug server sent a long backlog).
            if !read.lines.isEmpty {
                var buffer = ByteBuffer()
                buffer.reserveCapacity(read.lines.reduce(0) { $0 + $1.json.count + 40 })
                for line in read.lines { Self.event("line", id: line.seq, line.json, into: &buffer) }
                try await writer.write(buffer)
                lastWrite = .now
            }
            sent = max(sent, read.through)
            if !read.more { return }
        }
    }

    mutating func status(_ status: DeploymentStatus, reason: String?, to writer: inout any ResponseBodyWriter) async throws {
        let data = try JSONCoding.makeEncoder().encode(DeployController.StatusEvent(status: status, reason: reason))
        try await event("status", id: nil, Array(data), to: &writer)
        if status.isTerminal { ended = true }
    }

    /// What changed since the last call: new statuses, each after the lines before it, then
    /// new lines; a heartbeat comment when nothing was written for a while.
    mutating func changes(_ follower: LogFollower, to writer: inout any ResponseBodyWriter) async throws {
        let (marks, seen) = follower.statuses(from: statusesSeen)
        statusesSeen = seen
        for mark in marks {
            try await lines(through: mark.afterSeq, to: &writer)
            try await status(mark.status, reason: mark.reason, to: &writer)
            if ended { return }
        }
        try await lines(through: .max, to: &writer)
        if ContinuousClock.now - lastWrite >= .seconds(4) {
            try await writer.write(ByteBuffer(string: ": heartbeat\n\n"))
            lastWrite = .now
        }
    }

    private mutating func event(_ name: String, id: Int?, _ data: [UInt8], to writer: inout any ResponseBodyWriter) async throws {
        var buffer = ByteBuffer()
        Self.event(name, id: id, data, into: &buffer)
        try await writer.write(buffer)
        lastWrite = .now
    }

    static func event(_ name: String, id: Int?, _ data: [UInt8], into buffer: inout ByteBuffer) {
        buffer.writeString("event: \(name)\n")
        if let id { buffer.writeString("id: \(id)\n") }
        buffer.writeString("data: ")
        buffer.writeBytes(data)
        buffer.writeString("\n\n")
    }
}
