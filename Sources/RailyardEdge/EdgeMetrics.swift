import Atomics
import Foundation

/// Counters for one service's traffic through the edge, updated with atomics on the request
/// path and read for the Prometheus exposition.
public final class ServiceMetrics: Sendable {
    /// Upper bounds of the latency histogram, in seconds (the last bucket is +Inf).
    static let bounds: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    static let classSlot = 0
    static let bucketSlot = 5
    static let durationSlot = bucketSlot + ServiceMetrics.bounds.count + 1
    static let bytesInSlot = durationSlot + 1
    static let bytesOutSlot = durationSlot + 2
    static let slotCount = durationSlot + 3

    let counters = ShardedCounters(slots: ServiceMetrics.slotCount)

    public init() {}

    func record(shard: Int, status: Int, seconds: Double, bytesIn: Int, bytesOut: Int) {
        counters.add(1, at: Self.classSlot + min(max(status / 100, 1), 5) - 1, shard: shard)
        var bucket = 0
        while bucket < Self.bounds.count, seconds > Self.bounds[bucket] { bucket += 1 }
        counters.add(1, at: Self.bucketSlot + bucket, shard: shard)
        counters.add(Int(max(seconds, 0) * 1_000_000), at: Self.durationSlot, shard: shard)
        if bytesIn != 0 { counters.add(bytesIn, at: Self.bytesInSlot, shard: shard) }
        if bytesOut != 0 { counters.add(bytesOut, at: Self.bytesOutSlot, shard: shard) }
    }

    var requestsByClass: [Int] { (0..<5).map { counters.total(Self.classSlot + $0) } }
    var bucketCounts: [Int] { (0...Self.bounds.count).map { counters.total(Self.bucketSlot + $0) } }
    var durationMicros: Int { counters.total(Self.durationSlot) }
    var bytesIn: Int { counters.total(Self.bytesInSlot) }
    var bytesOut: Int { counters.total(Self.bytesOutSlot) }
}

/// Integer counters kept once per event loop (by its shard number) and added up by readers:
/// each loop counts on cache lines of its own, so that two loops counting at once do not pass
/// a line back and forth (which costs more than the count itself). One block, each shard's
/// slots 128 bytes apart at least (a line and the neighbour the processor fetches with it).
final class ShardedCounters: @unchecked Sendable {
    static let shardCount = 8
    private static let alignment = 128
    /// Slots from one shard's first to the next one's.
    private let shardStride: Int
    private let storage: UnsafeMutablePointer<UnsafeAtomic<Int>.Storage>

    init(slots: Int) {
        let perLine = Self.alignment / MemoryLayout<UnsafeAtomic<Int>.Storage>.stride
        shardStride = (slots + perLine - 1) / perLine * perLine
        let count = shardStride * Self.shardCount
        let raw = UnsafeMutableRawPointer.allocate(
            byteCount: count * MemoryLayout<UnsafeAtomic<Int>.Storage>.stride, alignment: Self.alignment)
        storage = raw.bindMemory(to: UnsafeAtomic<Int>.Storage.self, capacity: count)
        storage.initialize(repeating: UnsafeAtomic<Int>.Storage(0), count: count)
    }

    deinit {
        storage.deinitialize(count: shardStride * Self.shardCount)
        UnsafeMutableRawPointer(storage).deallocate()
    }

    /// Only from the event loop whose shard it is (more loops than shards share some, which
    /// stays correct: the counters are atomic).
    @inline(__always)
    func add(_ value: Int, at slot: Int = 0, shard: Int) {
        UnsafeAtomic<Int>(at: storage + (shard % Self.shardCount) * shardStride + slot).wrappingIncrement(by: value, ordering: .relaxed)
    }

    func total(_ slot: Int = 0) -> Int {
        (0..<Self.shardCount).reduce(0) { $0 + UnsafeAtomic<Int>(at: storage + $1 * shardStride + slot).load(ordering: .relaxed) }
    }
}

extension EdgeRoutes {
    /// The services that have metrics, by the id the control plane gave their routes.
    public var measuredServices: [String] { metricsByService.withLock { Array($0.keys) }.sorted() }

    /// Prometheus text for `services` (id → labels such as `service="web"`), plus the edge's
    /// open connections when `includeEdge`.
    public func prometheusText(services: [String: [(String, String)]], includeEdge: Bool) -> String {
        let metrics = metricsByService.withLock { $0 }
        let inFlight = inFlightByService()
        var lines: [String] = []
        func labels(_ pairs: [(String, String)], _ extra: [(String, String)] = []) -> String {
            let all = pairs + extra
            return "{" + all.map { "\($0.0)=\"\(Self.escape($0.1))\"" }.joined(separator: ",") + "}"
        }
        let ordered = services.keys.sorted().compactMap { id in metrics[id].map { (id, $0, services[id] ?? []) } }
        lines.append("# HELP railyard_http_requests_total Requests the edge answered, by status class.")
        lines.append("# TYPE railyard_http_requests_total counter")
        for (_, metric, pairs) in ordered {
            for (index, count) in metric.requestsByClass.enumerated() {
                lines.append("railyard_http_requests_total\(labels(pairs, [("class", "\(index + 1)xx")])) \(count)")
            }
        }
        lines.append("# HELP railyard_http_request_duration_seconds Time from a request's head to the end of its answer.")
        lines.append("# TYPE railyard_http_request_duration_seconds histogram")
        for (_, metric, pairs) in ordered {
            var cumulative = 0
            for (index, count) in metric.bucketCounts.enumerated() {
                cumulative += count
                let bound = index < ServiceMetrics.bounds.count ? String(ServiceMetrics.bounds[index]) : "+Inf"
                lines.append("railyard_http_request_duration_seconds_bucket\(labels(pairs, [("le", bound)])) \(cumulative)")
            }
            lines.append("railyard_http_request_duration_seconds_sum\(labels(pairs)) \(Double(metric.durationMicros) / 1e6)")
            lines.append("railyard_http_request_duration_seconds_count\(labels(pairs)) \(cumulative)")
        }
        lines.append("# HELP railyard_http_received_bytes_total Request body bytes received from clients.")
        lines.append("# TYPE railyard_http_received_bytes_total counter")
        for (_, metric, pairs) in ordered { lines.append("railyard_http_received_bytes_total\(labels(pairs)) \(metric.bytesIn)") }
        lines.append("# HELP railyard_http_sent_bytes_total Answer body bytes sent to clients.")
        lines.append("# TYPE railyard_http_sent_bytes_total counter")
        for (_, metric, pairs) in ordered { lines.append("railyard_http_sent_bytes_total\(labels(pairs)) \(metric.bytesOut)") }
        lines.append("# HELP railyard_http_requests_in_flight Requests (and open WebSockets) being served now.")
        lines.append("# TYPE railyard_http_requests_in_flight gauge")
        for (id, _, pairs) in ordered { lines.append("railyard_http_requests_in_flight\(labels(pairs)) \(inFlight[id] ?? 0)") }
        if includeEdge {
            lines.append("# HELP railyard_edge_open_connections Client connections open to the edge.")
            lines.append("# TYPE railyard_edge_open_connections gauge")
            lines.append("railyard_edge_open_connections \(openConnections.load(ordering: .relaxed))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A Prometheus label value: backslash, quote and newline escaped.
    public static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}

/// One service's edge counters at one moment (totals since the server started).
public struct ServiceMetricsSnapshot: Sendable {
    /// Answers by status class: 1xx, 2xx, 3xx, 4xx, 5xx.
    public var requestsByClass: [Int]
    /// Answers per latency bucket (`bucketBounds`, then one past the last bound).
    public var bucketCounts: [Int]
    public var durationMicros: Int
    public var bytesIn: Int
    public var bytesOut: Int
    public var inFlight: Int

    public static var bucketBounds: [Double] { ServiceMetrics.bounds }
    public var requests: Int { requestsByClass.reduce(0, +) }

    /// The latency under which at least `fraction` of the answers came: the bound of the
    /// histogram's bucket that holds that answer (so an upper estimate); nil with no answers,
    /// or when it is past the last bound.
    public func latencyBound(_ fraction: Double) -> Double? {
        let total = bucketCounts.reduce(0, +)
        guard total > 0 else { return nil }
        let wanted = Int((Double(total) * fraction).rounded(.up))
        var seen = 0
        for (index, count) in bucketCounts.enumerated() {
            seen += count
            if seen >= wanted { return index < Self.bucketBounds.count ? Self.bucketBounds[index] : nil }
        }
        return nil
    }
}

extension EdgeRoutes {
    /// The service's counters now (its routes' id is the service's id); nil when it has had no
    /// traffic since the server started.
    public func metricsSnapshot(service: String) -> ServiceMetricsSnapshot? {
        guard let metric = metricsByService.withLock({ $0[service] }) else { return nil }
        return ServiceMetricsSnapshot(
            requestsByClass: metric.requestsByClass, bucketCounts: metric.bucketCounts, durationMicros: metric.durationMicros,
            bytesIn: metric.bytesIn, bytesOut: metric.bytesOut, inFlight: inFlightByService()[service] ?? 0)
    }
}
