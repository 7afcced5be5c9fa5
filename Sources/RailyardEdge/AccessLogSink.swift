import Atomics
import Dispatch
import Foundation
import NIOCore
import Synchronization

/// Where the edge's access records go: in batches, off the event loops. Each loop gathers its
/// records in an array of its own (no lock, no allocation past the array's growth) and hands
/// the array over every `interval` or every `batchSize` records; one writer thread takes the
/// batches in turn (`deliver`). At the product path's rates (tens of thousands of requests a
/// second) that is a handful of handovers a second per loop instead of a lock, a JSON line
/// and a scan per request on the loop.
///
/// Memory is bounded: at most `maximumQueued` records wait for the writer, across loops (a
/// record is about 250 bytes with its strings, so the default holds about 25 MB). Past it a
/// batch is dropped whole and counted per upstream, and the writer is told how many, so that
/// the log says so instead of losing lines silently.
public final class AccessLogSink: Sendable {
    public struct Limits: Sendable {
        /// How long a record may wait on its loop for others to go with it.
        public var interval: TimeAmount = .milliseconds(50)
        /// A loop hands its records over once it has this many, whatever the time.
        public var batchSize = 4096
        /// Records handed over and not yet written, across loops.
        public var maximumQueued = 100_000
        public init() {}
    }

    public let limits: Limits
    private let deliver: @Sendable (_ batch: [AccessRecord], _ dropped: [String: Int]) -> Void
    private let queue = DispatchQueue(label: "railyard.edge.access-log", qos: .utility)
    private let queued = ManagedAtomic<Int>(0)
    /// Records dropped since the writer last heard, by upstream label.
    private let droppedByUpstream = Mutex<[String: Int]>([:])
    private let everDropped = ManagedAtomic<Int>(0)

    /// `deliver` runs on the sink's one writer thread, a batch at a time, with the records
    /// dropped (by upstream label) since the previous call.
    public init(limits: Limits = Limits(), deliver: @escaping @Sendable (_ batch: [AccessRecord], _ dropped: [String: Int]) -> Void) {
        self.limits = limits
        self.deliver = deliver
    }

    /// Records dropped since the server started (the log says so too).
    public var dropped: Int { everDropped.load(ordering: .relaxed) }

    /// Records handed over and not yet written.
    public var waiting: Int { queued.load(ordering: .relaxed) }

    /// Takes a loop's batch: queued for the writer, or dropped and counted when the queue is full.
    func submit(_ batch: [AccessRecord]) {
        let count = batch.count
        guard count > 0 else { return }
        if queued.loadThenWrappingIncrement(by: count, ordering: .relaxed) + count > limits.maximumQueued {
            queued.wrappingDecrement(by: count, ordering: .relaxed)
            everDropped.wrappingIncrement(by: count, ordering: .relaxed)
            var counts: [String: Int] = [:]
            for record in batch { counts[record.upstream ?? "", default: 0] += 1 }
            droppedByUpstream.withLock { dropped in dropped.merge(counts, uniquingKeysWith: +) }
            // The writer reports them with its next batch; with none coming, it is woken.
            queue.async { [self] in report(nil) }
            return
        }
        queue.async { [self] in report(batch) }
    }

    private func report(_ batch: [AccessRecord]?) {
        let dropped = droppedByUpstream.withLock { dropped -> [String: Int] in
            defer { dropped = [:] }
            return dropped
        }
        guard batch != nil || !dropped.isEmpty else { return }
        deliver(batch ?? [], dropped)
        if let batch { queued.wrappingDecrement(by: batch.count, ordering: .relaxed) }
    }

    /// Waits until every batch handed over so far has been delivered (tests, shutdown).
    public func drain() {
        queue.sync {}
    }
}

/// One event loop's records waiting to be handed to the sink. Used only on its loop.
final class AccessLogBatcher {
    let sink: AccessLogSink
    private var records: [AccessRecord] = []
    private var handOverScheduled = false

    init(sink: AccessLogSink) {
        self.sink = sink
    }

    func add(_ record: AccessRecord, on eventLoop: any EventLoop) {
        records.append(record)
        if records.count >= sink.limits.batchSize {
            handOver()
        } else if !handOverScheduled {
            handOverScheduled = true
            let bound = NIOLoopBound(self, eventLoop: eventLoop)
            eventLoop.scheduleTask(in: sink.limits.interval) {
                bound.value.handOverScheduled = false
                bound.value.handOver()
            }
        }
    }

    /// Hands over what waits here now (the edge's shutdown, so that the last answers' records
    /// are not left on the loop).
    func handOver() {
        guard !records.isEmpty else { return }
        let batch = records
        // A new array sized like the last batch: a steady load reuses no memory the writer holds.
        records = []
        records.reserveCapacity(min(batch.count, sink.limits.batchSize))
        sink.submit(batch)
    }
}
