import Foundation
import RailyardCore
import Synchronization

/// Which stored lines a read wants.
public struct LogQuery: Sendable {
    /// Only lines with a greater seq.
    public var after = 0
    /// Only lines stamped at this time or later.
    public var since: Date?
    /// Only the last this many lines (of `phase`) of what the other conditions select.
    public var tail: Int?
    /// Only lines of this phase (`build`, `deploy`, `http`); every phase when nil.
    public var phase: String?

    public init(after: Int = 0, since: Date? = nil, tail: Int? = nil, phase: String? = nil) {
        self.after = after
        self.since = since
        self.tail = tail
        self.phase = phase
    }
}

/// The live and stored logs of every deployment: lines come in from build and instance output
/// (any thread), wait in memory within one fixed budget, go to a per-deployment file in
/// batches, and wake live readers, who read the file.
public final class LogHub: Sendable {
    public struct Limits: Sendable {
        /// Memory for lines waiting to be written, across every deployment. Past it lines are
        /// dropped and counted, and the log says how many.
        public var memoryBudget = 16 << 20
        /// The most of that budget one deployment may hold, so that a chatty app cannot leave
        /// nothing for the quiet ones.
        public var memoryPerDeployment = 4 << 20
        /// A deployment's log file is rotated past this size (one older part is kept).
        public var maximumFileBytes = 32 << 20
        /// Log files older than this are deleted.
        public var retention: Duration = .seconds(14 * 24 * 3600)
        /// How long a line may wait for others to be written with it.
        public var flushInterval: Duration = .milliseconds(50)
        public init() {}
    }

    /// One read answers at most this many bytes of lines (past its first line), so that a page
    /// of 64 KiB lines cannot take the server's memory.
    public static let maximumReadBytes = 4 << 20
    /// One read looks at no more than this much of a file: a page of a rare phase in a long log
    /// comes back short (with a cursor) rather than late.
    static let maximumScanBytes = 16 << 20

    let folder: URL
    let limits: Limits
    let budget: LogMemoryBudget
    let freed = FreedMemory()
    private let channels = Mutex<[String: LogChannel]>([:])

    public init(folder: URL, limits: Limits = Limits()) throws {
        self.folder = folder
        self.limits = limits
        self.budget = LogMemoryBudget(total: limits.memoryBudget)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    func channel(_ deployment: DeploymentID) -> LogChannel {
        channels.withLock { channels in
            if let channel = channels[deployment.rawValue] { return channel }
            let channel = LogChannel(deployment: deployment.rawValue, file: fileURL(deployment), limits: limits, budget: budget, freed: freed)
            channels[deployment.rawValue] = channel
            return channel
        }
    }

    func fileURL(_ deployment: DeploymentID) -> URL { folder.appendingPathComponent("\(deployment.rawValue).jsonl") }

    /// Adds a line; cheap and never blocking on I/O, so a chatty app cannot stall its reader.
    public func append(_ deployment: DeploymentID, phase: String, replica: Int?, stream: String, _ text: String) {
        channel(deployment).append(phase: phase, replica: replica, stream: stream, text, level: nil)
    }

    /// A deployment's HTTP log lines, made by the edge's access log writer (already in their
    /// stored shape: nothing is parsed), added at once.
    public func appendHTTP(_ deployment: DeploymentID, _ lines: EncodedLogLines) {
        channel(deployment).appendHTTP(lines)
    }

    /// A line from Railyard itself (the plan, exits, restarts, health checks).
    public func system(_ deployment: DeploymentID, phase: String, replica: Int? = nil, _ text: String, level: String = "info") {
        channel(deployment).append(phase: phase, replica: replica, stream: "system", text, level: level)
    }

    public func status(_ deployment: DeploymentID, _ status: DeploymentStatus, reason: String?) {
        channel(deployment).publish(status, reason: reason)
    }

    /// Writes out what is pending now (tests and shutdown; a timer does it otherwise).
    public func flush(_ deployment: DeploymentID) { channel(deployment).flush() }

    /// Writes every deployment's waiting lines now (the server's stop: nothing waits for a
    /// later batch).
    public func flushAll() {
        for channel in channels.withLock({ Array($0.values) }) { channel.flush() }
    }

    /// Bytes of lines waiting to be written, across every deployment.
    public var pendingBytes: Int { budget.inUse }

    // MARK: Reading

    /// The seq after which the lines `query` selects begin: reading on from it (`read`) gives
    /// them. With `flush`, what is pending is written first, so the answer covers every line
    /// that came in before the call.
    public func start(_ deployment: DeploymentID, _ query: LogQuery, flush: Bool = true) -> Int {
        let channel = channel(deployment)
        if flush { channel.flush() }
        let (snapshot, _) = channel.snapshot()
        var after = query.after
        if let since = query.since {
            after = max(after, snapshot.seq(before: JSONCoding.formatTimestamp(since)))
        }
        if let tail = query.tail {
            after = max(after, snapshot.seq(beforeLast: max(tail, 1), phase: query.phase, after: after))
        }
        return after
    }

    /// Stored lines after `after` (and up to `through`), of `phase` when given, at most `limit`
    /// of them and about `maximumReadBytes`; only lines stored when the call began.
    public func read(
        _ deployment: DeploymentID, after: Int, through: Int = .max, phase: String? = nil, limit: Int
    ) -> LogRead {
        let (snapshot, lastWritten) = channel(deployment).snapshot()
        let bound = min(through, lastWritten)
        guard after < bound else { return LogRead(lines: [], through: after, more: false) }
        let read = snapshot.lines(
            after: after, through: bound, phase: phase, limit: max(limit, 1), maximumBytes: Self.maximumReadBytes,
            scanBytes: Self.maximumScanBytes)
        freed.handled(read.scanned)
        return read
    }

    /// Every stored line after `after`, decoded (tests and small logs; the API pages).
    public func lines(_ deployment: DeploymentID, after: Int = 0) -> [LogLine] {
        flush(deployment)
        var lines: [LogLine] = []
        var cursor = after
        while true {
            let page = read(deployment, after: cursor, limit: 5000)
            lines += page.lines.compactMap { $0.decoded() }
            guard page.more, page.through > cursor else { return lines }
            cursor = page.through
        }
    }

    /// Wakes the caller after each batch stored and each status change, until `cancel`.
    public func follow(_ deployment: DeploymentID) -> LogFollower {
        let channel = channel(deployment)
        let (changes, id, seen) = channel.subscribe()
        return LogFollower(channel: channel, id: id, changes: changes, statusesSeen: seen)
    }

    /// Deletes log files past the retention age.
    public func removeExpired(now: Date = Date()) {
        let seconds = Double(limits.retention.components.seconds)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return }
        for name in names {
            let path = folder.appendingPathComponent(name).path
            if let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date,
               now.timeIntervalSince(modified) > seconds
            {
                try? FileManager.default.removeItem(atPath: path)
            }
        }
    }
}

/// A live reader's link to one deployment's log: `changes` yields after each batch stored and
/// each status change; the reader then reads the file and asks for new statuses.
public struct LogFollower: Sendable {
    let channel: LogChannel
    let id: Int
    public let changes: AsyncStream<Void>
    /// How many status changes were published before this reader joined.
    public let statusesSeen: Int

    /// Status changes from number `seen` on, each with the seq it came after, and the number
    /// to pass next time.
    public func statuses(from seen: Int) -> (marks: [LogStatusMark], seen: Int) {
        channel.statuses(from: seen)
    }

    public func cancel() { channel.unsubscribe(id) }
}
