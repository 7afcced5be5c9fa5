import Foundation
import Synchronization
import Testing
@testable import RailyardEdge

/// The access log sink: batches reach its writer in order, and past its bound a batch is
/// dropped whole, counted by upstream and told to the writer, never queued without limit.
@Suite struct AccessLogSinkTests {
    static func record(_ upstream: String, _ index: Int) -> AccessRecord {
        AccessRecord(
            time: Date(), method: "GET", host: "web.localhost", path: "/\(index)", status: 200, durationSeconds: 0.001,
            bytesIn: 10, bytesOut: 20, requestID: .given("\(index)"), clientAddress: "127.0.0.1", service: "web", upstream: upstream)
    }

    @Test func batchesArriveInOrderAndPastTheBoundAreDroppedAndTold() async throws {
        var limits = AccessLogSink.Limits()
        limits.maximumQueued = 1000
        let delivered = Mutex<[String]>([])
        let droppedSeen = Mutex<[String: Int]>([:])
        let gate = DispatchSemaphore(value: 0)
        let sink = AccessLogSink(limits: limits) { batch, dropped in
            // The first batch holds the writer until the test has filled the queue.
            if batch.first?.path == "/0" { gate.wait() }
            delivered.withLock { $0.append(contentsOf: batch.map(\.path)) }
            droppedSeen.withLock { $0.merge(dropped, uniquingKeysWith: +) }
        }
        // 600 + 400 fill the bound exactly (the control: nothing dropped so far).
        sink.submit((0..<600).map { Self.record("d1/0", $0) })
        sink.submit((600..<1000).map { Self.record("d1/0", $0) })
        #expect(sink.dropped == 0 && sink.waiting == 1000)
        // One more record does not fit: its batch goes, counted by upstream.
        sink.submit([Self.record("d2/1", 1000), Self.record("d2/1", 1001), Self.record("d1/0", 1002)])
        #expect(sink.dropped == 3)
        #expect(sink.waiting == 1000, "a dropped batch is not queued")
        gate.signal()
        sink.drain()
        #expect(sink.waiting == 0)
        #expect(delivered.withLock { $0 } == (0..<1000).map { "/\($0)" }, "every kept record, in order")
        #expect(droppedSeen.withLock { $0 } == ["d2/1": 2, "d1/0": 1], "the writer was told what was dropped")
        // Room again: the next batch is kept.
        sink.submit([Self.record("d1/0", 2000)])
        sink.drain()
        #expect(delivered.withLock { $0.last } == "/2000" && sink.dropped == 3)
    }
}
