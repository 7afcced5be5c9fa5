import Foundation
import RailyardCore
import Synchronization

/// A status change as live readers see it: after the line `afterSeq`, before the next one.
public struct LogStatusMark: Sendable, Equatable {
    public var afterSeq: Int
    public var status: DeploymentStatus
    public var reason: String?
}

/// Lines waiting for the file: values, or HTTP lines already encoded (`EncodedLogLines`), whose
/// seqs run on from `firstSeq`.
enum PendingLines: Sendable {
    case line(LogLine)
    case encoded(EncodedLogLines, firstSeq: Int)

    var lastSeq: Int {
        switch self {
        case .line(let line): line.seq
        case .encoded(let lines, let firstSeq): firstSeq + lines.count - 1
        }
    }

    var phase: String {
        switch self {
        case .line(let line): line.phase
        case .encoded: "http"
        }
    }

    /// About what it takes in the file (a general line is counted at 160 bytes).
    var fileBytes: Int {
        switch self {
        case .line: 160
        case .encoded(let lines, _): lines.fileBytes
        }
    }
}

/// One deployment's log: lines wait in memory (within the hub's budget) until a batch is
/// written to the file; live readers are woken after each batch and read the file themselves,
/// so a slow reader holds no lines in memory, however far behind it is.
final class LogChannel: Sendable {
    let deployment: String
    let file: URL
    let limits: LogHub.Limits
    let budget: LogMemoryBudget
    let freed: FreedMemory

    private struct State {
        var nextSeq = 1
        var lastWritten = 0
        var pending: [PendingLines] = []
        /// What `pending` holds against the budget.
        var pendingBytes = 0
        var dropped = 0
        /// The phase of the last line dropped: the notice's, when no line is written with it.
        var droppedPhase = "deploy"
        var flushScheduled = false
        var subscribers: [Int: AsyncStream<Void>.Continuation] = [:]
        var nextSubscriber = 0
        /// The latest status changes; `statusesBefore` older ones were let go.
        var statuses: [LogStatusMark] = []
        var statusesBefore = 0
        var seqLoaded = false
    }

    /// Status changes kept for live readers that have not seen them yet (a deployment has a
    /// handful in its life).
    static let statusesKept = 32

    private let state = Mutex(State())
    /// Held while a batch goes to the file, while a file is rotated, and while a reader opens
    /// the files: a reader never sees the moment between a rotation's rename and the new file.
    private let writing = Mutex(())

    init(deployment: String, file: URL, limits: LogHub.Limits, budget: LogMemoryBudget, freed: FreedMemory) {
        self.deployment = deployment
        self.file = file
        self.limits = limits
        self.budget = budget
        self.freed = freed
    }

    /// What a line holds in memory while it waits: its text and its fields, plus the value.
    static func cost(message: String, fields: String?) -> Int {
        MemoryLayout<LogLine>.stride + 64 + message.utf8.count + (fields?.utf8.count ?? 0)
    }

    func append(phase: String, replica: Int?, stream: String, _ text: String, level systemLevel: String?) {
        let (message, level, fields) = systemLevel == nil ? LogLine.structured(text) : (text, systemLevel, nil)
        let now = Date()
        let first: Bool = state.withLock { state in
            loadSeqIfNeeded(&state)
            add(&state, cost: Self.cost(message: message, fields: fields), phase: phase) { seq in
                .line(LogLine(seq: seq, time: now, deploymentId: deployment, phase: phase, replica: replica, stream: stream,
                              message: message, level: level, fields: fields))
            }
            return Self.claimFlush(&state)
        }
        if first { flushSoon() }
    }

    /// Lines of the `http` phase, already in their stored shape, added under one hold of the
    /// lock; past the budget the rest are dropped and counted like any line.
    func appendHTTP(_ lines: EncodedLogLines) {
        guard lines.count > 0 else { return }
        var lines = lines
        lines.compact()
        let first: Bool = state.withLock { state in
            loadSeqIfNeeded(&state)
            // As many as fit the deployment's share and the hub's budget, in order.
            var cost = 0
            var kept = 0
            while kept < lines.count {
                let next = lines.cost(of: kept)
                guard state.pendingBytes + cost + next <= limits.memoryPerDeployment, budget.take(next) else { break }
                cost += next
                kept += 1
            }
            if kept < lines.count {
                state.dropped += lines.count - kept
                state.droppedPhase = "http"
            }
            if kept > 0 {
                lines.keepFirst(kept)
                state.pendingBytes += cost
                state.pending.append(.encoded(lines, firstSeq: state.nextSeq))
                state.nextSeq += kept
            }
            return Self.claimFlush(&state)
        }
        if first { flushSoon() }
    }

    /// Adds the line `make` gives for the next seq, if it fits the deployment's share and the
    /// hub's budget (its own share first, so that one app cannot take the budget of all);
    /// else counts it dropped.
    private func add(_ state: inout State, cost: Int, phase: String, _ make: (Int) -> PendingLines) {
        guard state.pendingBytes + cost <= limits.memoryPerDeployment, budget.take(cost) else {
            state.dropped += 1
            state.droppedPhase = phase
            return
        }
        state.pendingBytes += cost
        state.pending.append(make(state.nextSeq))
        state.nextSeq += 1
    }

    /// True for the caller that must schedule the next flush (one per batch).
    private static func claimFlush(_ state: inout State) -> Bool {
        if state.flushScheduled { return false }
        state.flushScheduled = true
        return true
    }

    /// Writes what is pending once `flushInterval` has passed, so that lines go in batches.
    private func flushSoon() {
        let interval = limits.flushInterval
        Task.detached { [self] in
            try? await Task.sleep(for: interval)
            flush()
        }
    }

    /// After a restart the log goes on from the last stored line (read from the file's end).
    private func loadSeqIfNeeded(_ state: inout State) {
        guard !state.seqLoaded else { return }
        state.seqLoaded = true
        if let last = LogFileSnapshot(paths: partPaths).newest() {
            state.nextSeq = last.seq + 1
            state.lastWritten = last.seq
        }
    }

    var partPaths: [String] { [file.path + ".1", file.path] }

    func publish(_ status: DeploymentStatus, reason: String?) {
        flush()
        writing.withLock { _ in
            let subscribers = state.withLock { state in
                state.statuses.append(LogStatusMark(afterSeq: state.lastWritten, status: status, reason: reason))
                if state.statuses.count > Self.statusesKept {
                    state.statuses.removeFirst()
                    state.statusesBefore += 1
                }
                return Array(state.subscribers.values)
            }
            for subscriber in subscribers { subscriber.yield(()) }
        }
    }

    func flush() {
        writing.withLock { _ in
            // One hold of the lock: the notice's seq comes right after the batch's lines and
            // before any line appended meanwhile, so seqs stay in file order.
            let (batch, heldBytes) = state.withLock { state -> ([PendingLines], Int) in
                loadSeqIfNeeded(&state)
                var batch = state.pending
                if state.dropped > 0 {
                    batch.append(.line(LogLine(
                        seq: state.nextSeq, time: Date(), deploymentId: deployment, phase: batch.last?.phase ?? state.droppedPhase,
                        replica: nil, stream: "system",
                        message: "\(state.dropped) lines dropped: output came faster than it could be stored "
                            + "(log memory budget \(limits.memoryPerDeployment >> 10) KiB per deployment, "
                            + "\(budget.total >> 10) KiB in all)",
                        level: "warn", fields: nil)))
                    state.nextSeq += 1
                }
                let held = state.pendingBytes
                // A new array, not the old one emptied: a burst's capacity is given back.
                state.pending = []
                state.pendingBytes = 0
                state.dropped = 0
                state.flushScheduled = false
                return (batch, held)
            }
            guard let last = batch.last?.lastSeq else { return }
            write(batch)
            budget.give(heldBytes)
            let subscribers = state.withLock { state in
                state.lastWritten = last
                return Array(state.subscribers.values)
            }
            for subscriber in subscribers { subscriber.yield(()) }
        }
    }

    /// What one write(2) takes at most: a large batch is encoded and written in pieces, so
    /// that no buffer of megabytes is allocated (and kept by the allocator) for it.
    static let writePiece = 256 << 10

    private func write(_ batch: [PendingLines]) {
        let path = file.path
        var status = stat()
        // Rotated before the batch, as a whole: a batch never straddles two files.
        let batchBytes = batch.reduce(0) { $0 + $1.fileBytes }
        if stat(path, &status) == 0, Int(status.st_size) + batchBytes > limits.maximumFileBytes {
            let older = path + ".1"
            unlink(older)
            rename(path, older)
        }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        // Hand-written JSON: Foundation's encoder was over half the server's CPU time under an
        // app printing 100,000 lines a second.
        var output = JSONOutput(capacity: Self.writePiece + (Self.writePiece >> 2))
        var written = 0
        func writeIfFull(last: Bool) {
            guard output.bytes.count >= Self.writePiece || (last && !output.bytes.isEmpty) else { return }
            written += output.bytes.count
            Self.writeAll(descriptor, output.bytes)
            output = JSONOutput(capacity: Self.writePiece + (Self.writePiece >> 2))
        }
        for (index, pending) in batch.enumerated() {
            let lastPending = index == batch.count - 1
            switch pending {
            case .line(let line):
                line.writeJSON(to: &output)
                output.raw("\n")
                writeIfFull(last: lastPending)
            case .encoded(let lines, let firstSeq):
                for line in 0..<lines.count {
                    lines.write(line, seq: firstSeq + line, to: &output)
                    writeIfFull(last: lastPending && line == lines.count - 1)
                }
            }
        }
        freed.handled(written)
    }

    private static func writeAll(_ descriptor: Int32, _ data: [UInt8]) {
        data.withUnsafeBytes { bytes in
            guard let base = bytes.baseAddress else { return }
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(descriptor, base + offset, bytes.count - offset)
                if written < 0 && errno == EINTR { continue }
                if written <= 0 { break }
                offset += written
            }
        }
    }

    // MARK: Readers

    /// The stored log as it is now, and the seq of its last stored line.
    func snapshot() -> (LogFileSnapshot, lastWritten: Int) {
        writing.withLock { _ in
            let lastWritten = state.withLock { state in
                loadSeqIfNeeded(&state)
                return state.lastWritten
            }
            return (LogFileSnapshot(paths: partPaths), lastWritten)
        }
    }

    /// A stream that yields after every batch stored and every status change (several may
    /// come as one), and the number of status changes so far.
    func subscribe() -> (changes: AsyncStream<Void>, id: Int, statusesSeen: Int) {
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let (id, seen) = state.withLock { state in
            let id = state.nextSubscriber
            state.nextSubscriber += 1
            state.subscribers[id] = continuation
            return (id, state.statusesBefore + state.statuses.count)
        }
        continuation.onTermination = { [weak self] _ in self?.unsubscribe(id) }
        return (stream, id, seen)
    }

    func unsubscribe(_ id: Int) {
        let continuation = state.withLock { $0.subscribers.removeValue(forKey: id) }
        continuation?.finish()
    }

    /// The status changes from number `seen` on (older ones let go are skipped), and the count
    /// to pass next time.
    func statuses(from seen: Int) -> ([LogStatusMark], Int) {
        state.withLock { state in
            let total = state.statusesBefore + state.statuses.count
            let first = max(seen, state.statusesBefore) - state.statusesBefore
            return (first < state.statuses.count ? Array(state.statuses[first...]) : [], total)
        }
    }

    var subscriberCount: Int { state.withLock { $0.subscribers.count } }
    var pendingBytes: Int { state.withLock { $0.pendingBytes } }
}
