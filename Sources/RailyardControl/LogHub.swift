import Foundation
import RailyardCore
import RailyardSandbox
import Synchronization

/// What a log subscriber receives.
public enum LogEvent: Sendable, Equatable {
    case line(LogLine)
    case status(DeploymentStatus, reason: String?)
}

/// The live and stored logs of every deployment: lines come in from build and instance output
/// (any thread), go to a per-deployment file in batches, and fan out to live subscribers.
public final class LogHub: Sendable {
    public struct Limits: Sendable {
        /// Lines waiting to be written per deployment; past it lines are dropped and counted.
        public var pendingLines = 20_000
        /// A deployment's log file is rotated past this size (one older part is kept).
        public var maximumFileBytes = 32 << 20
        /// Log files older than this are deleted.
        public var retention: Duration = .seconds(14 * 24 * 3600)
        public init() {}
    }

    let folder: URL
    let limits: Limits
    private let channels = Mutex<[String: LogChannel]>([:])

    public init(folder: URL, limits: Limits = Limits()) throws {
        self.folder = folder
        self.limits = limits
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    func channel(_ deployment: DeploymentID) -> LogChannel {
        channels.withLock { channels in
            if let channel = channels[deployment.rawValue] { return channel }
            let channel = LogChannel(deployment: deployment.rawValue, file: fileURL(deployment), limits: limits)
            channels[deployment.rawValue] = channel
            return channel
        }
    }

    func fileURL(_ deployment: DeploymentID) -> URL { folder.appendingPathComponent("\(deployment.rawValue).jsonl") }

    /// Adds a line; cheap and never blocking on I/O, so a chatty app cannot stall its reader.
    public func append(_ deployment: DeploymentID, phase: String, replica: Int?, stream: String, _ text: String) {
        channel(deployment).append(phase: phase, replica: replica, stream: stream, text, level: nil)
    }

    /// A line from Railyard itself (the plan, exits, restarts, health checks).
    public func system(_ deployment: DeploymentID, phase: String, replica: Int? = nil, _ text: String, level: String = "info") {
        channel(deployment).append(phase: phase, replica: replica, stream: "system", text, level: level)
    }

    public func status(_ deployment: DeploymentID, _ status: DeploymentStatus, reason: String?) {
        channel(deployment).publish(.status(status, reason: reason))
    }

    /// Writes out what is pending now (tests and shutdown; a timer does it otherwise).
    public func flush(_ deployment: DeploymentID) { channel(deployment).flush() }

    /// The stored lines after `after`, then (with `follow`) every new line and status change,
    /// with no line missing or repeated between the two.
    public func read(
        _ deployment: DeploymentID, after: Int = 0, follow: Bool
    ) -> (history: [LogLine], live: AsyncStream<LogEvent>?) {
        let channel = channel(deployment)
        guard follow else {
            channel.flush()
            return (Self.readFile(channel.file).filter { $0.seq > after }, nil)
        }
        let (stream, lastWritten) = channel.subscribe(after: after)
        let history = Self.readFile(channel.file).filter { $0.seq > after && $0.seq <= lastWritten }
        return (history, stream)
    }

    static func readFile(_ file: URL) -> [LogLine] {
        let decoder = JSONCoding.makeDecoder()
        var lines: [LogLine] = []
        for part in [file.appendingPathExtension("1"), file] {
            guard let data = try? Data(contentsOf: part) else { continue }
            for raw in data.split(separator: 10) {
                if let line = try? decoder.decode(LogLine.self, from: raw) { lines.append(line) }
            }
        }
        return lines
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

/// One deployment's log.
final class LogChannel: Sendable {
    let deployment: String
    let file: URL
    let limits: LogHub.Limits

    private struct State {
        var nextSeq = 1
        var lastWritten = 0
        var pending: [LogLine] = []
        var dropped = 0
        var flushScheduled = false
        var subscribers: [Int: AsyncStream<LogEvent>.Continuation] = [:]
        var nextSubscriber = 0
        var seqLoaded = false
    }

    private let state = Mutex(State())
    /// Held while a batch goes to the file and to subscribers, and while a subscriber joins.
    private let writing = Mutex(())

    init(deployment: String, file: URL, limits: LogHub.Limits) {
        self.deployment = deployment
        self.file = file
        self.limits = limits
    }

    func append(phase: String, replica: Int?, stream: String, _ text: String, level systemLevel: String?) {
        let (message, level, fields) = systemLevel == nil ? LogLine.structured(text) : (text, systemLevel, nil)
        let schedule: Bool = state.withLock { state in
            loadSeqIfNeeded(&state)
            if state.pending.count >= limits.pendingLines {
                state.dropped += 1
                return false
            }
            state.pending.append(LogLine(
                seq: state.nextSeq, time: Date(), deploymentId: deployment, phase: phase, replica: replica, stream: stream,
                message: message, level: level, fields: fields))
            state.nextSeq += 1
            if state.flushScheduled { return false }
            state.flushScheduled = true
            return true
        }
        if schedule {
            Task.detached { [self] in
                try? await Task.sleep(for: .milliseconds(50))
                flush()
            }
        }
    }

    /// After a restart the log goes on from the last stored line.
    private func loadSeqIfNeeded(_ state: inout State) {
        guard !state.seqLoaded else { return }
        state.seqLoaded = true
        if let last = LogHub.readFile(file).last {
            state.nextSeq = last.seq + 1
            state.lastWritten = last.seq
        }
    }

    func publish(_ event: LogEvent) {
        flush()
        writing.withLock { _ in
            let subscribers = state.withLock { Array($0.subscribers.values) }
            for subscriber in subscribers { subscriber.yield(event) }
        }
    }

    func flush() {
        writing.withLock { _ in
            var (batch, dropped) = state.withLock { state -> ([LogLine], Int) in
                loadSeqIfNeeded(&state)
                defer {
                    state.pending.removeAll(keepingCapacity: true)
                    state.dropped = 0
                    state.flushScheduled = false
                }
                return (state.pending, state.dropped)
            }
            if dropped > 0 {
                let notice = state.withLock { state -> LogLine in
                    defer { state.nextSeq += 1 }
                    return LogLine(
                        seq: state.nextSeq, time: Date(), deploymentId: deployment, phase: batch.last?.phase ?? "deploy",
                        replica: nil, stream: "system",
                        message: "\(dropped) lines dropped: output came faster than it could be stored", level: "warn",
                        fields: nil)
                }
                batch.append(notice)
                dropped = 0
            }
            guard !batch.isEmpty else { return }
            write(batch)
            let subscribers = state.withLock { state in
                state.lastWritten = batch[batch.count - 1].seq
                return Array(state.subscribers.values)
            }
            for subscriber in subscribers {
                for line in batch { subscriber.yield(.line(line)) }
            }
        }
    }

    private func write(_ batch: [LogLine]) {
        // Hand-written JSON: Foundation's encoder was over half the server's CPU time under an
        // app printing 100,000 lines a second.
        var output = JSONOutput(capacity: batch.count * 160)
        for line in batch {
            line.writeJSON(to: &output)
            output.raw("\n")
        }
        let data = output.bytes
        let path = file.path
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int,
           size + data.count > limits.maximumFileBytes
        {
            let older = path + ".1"
            try? FileManager.default.removeItem(atPath: older)
            try? FileManager.default.moveItem(atPath: path, toPath: older)
        }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        data.withUnsafeBytes { bytes in
            guard let base = bytes.baseAddress else { return }
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(descriptor, base + offset, bytes.count - offset)
                if written <= 0 { break }
                offset += written
            }
        }
    }

    /// A live stream of what comes after the stored lines, and the seq of the last stored line.
    func subscribe(after: Int) -> (AsyncStream<LogEvent>, Int) {
        flush()
        let (stream, continuation) = AsyncStream<LogEvent>.makeStream(bufferingPolicy: .bufferingOldest(50_000))
        let lastWritten: Int = writing.withLock { _ in
            state.withLock { state in
                let id = state.nextSubscriber
                state.nextSubscriber += 1
                state.subscribers[id] = continuation
                continuation.onTermination = { [weak self] _ in
                    self?.state.withLock { _ = $0.subscribers.removeValue(forKey: id) }
                }
                return state.lastWritten
            }
        }
        return (stream, lastWritten)
    }
}
