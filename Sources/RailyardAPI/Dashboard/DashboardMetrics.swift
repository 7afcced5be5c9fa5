import Foundation
import Hummingbird
import RailyardControl
import RailyardCore
import RailyardEdge
import Synchronization

/// Points of each service's traffic over time, for the metrics page's charts: a point (the
/// counters' totals) at most every `spacing`, taken when a metrics page is built (a watched
/// page builds itself every second), the last `capacity` kept. So the chart covers the time
/// someone looked, up to half an hour; Prometheus (`/metrics`) keeps the whole history.
final class DashboardMetricsHistory: Sendable {
    struct Point: Sendable {
        var time: Date
        var requests: Int
        var serverErrors: Int
    }

    static let spacing: TimeInterval = 5
    static let capacity = 360
    /// Services with points, at most (the oldest looked-at ones go first).
    static let maximumServices = 1000
    private let points = Mutex<[String: [Point]]>([:])

    /// The service's points, with `snapshot` added when the last one is old enough.
    func record(_ service: String, _ snapshot: ServiceMetricsSnapshot?, now: Date = Date()) -> [Point] {
        points.withLock { all in
            var series = all[service] ?? []
            if let snapshot, series.last.map({ now.timeIntervalSince($0.time) >= Self.spacing }) ?? true {
                series.append(Point(time: now, requests: snapshot.requests, serverErrors: snapshot.requestsByClass[4]))
                if series.count > Self.capacity { series.removeFirst(series.count - Self.capacity) }
                if all[service] == nil, all.count >= Self.maximumServices,
                   let stalest = all.min(by: { ($0.value.last?.time ?? .distantPast) < ($1.value.last?.time ?? .distantPast) })?.key {
                    all[stalest] = nil
                }
                all[service] = series
            }
            return series
        }
    }
}

extension DashboardController {
    @Sendable func metricsPage(_ request: Request, context: APIRequestContext) async throws -> DashboardPage {
        let (service, project, caller) = try await projects.accessService(context, .read, environment: nil)
        let environment = try Self.environment(request)
        _ = try caller.authorize(.read, workspace: project.workspaceID, project: project.id, environment: environment, notFound: "service")
        guard let found = try await store.environment(id: environment), found.projectID == project.id else {
            throw RailyardError.notFound("environment")
        }
        let snapshot = dependencies.edgeRoutes?.metricsSnapshot(service: service.id.rawValue)
        let series = history.record(service.id.rawValue, snapshot)
        var model: [String: Any] = [
            "serviceID": service.id.rawValue, "name": service.name, "projectID": project.id.rawValue, "projectName": project.name,
            "environmentName": found.name, "query": "?environmentId=\(environment.rawValue)", "hasTraffic": snapshot != nil,
        ]
        if let snapshot {
            let total = max(snapshot.requests, 1)
            let classes = ["1xx", "2xx", "3xx", "4xx", "5xx"]
            model["classes"] = snapshot.requestsByClass.enumerated().map { index, count -> [String: Any] in
                [
                    "label": classes[index], "count": String(count), "y": String(index * 22),
                    "width": String(format: "%.1f", 400 * Double(count) / Double(total)), "tone": index == 4 ? "bad" : (index == 3 ? "busy" : "ok"),
                ]
            }
            model["requests"] = String(snapshot.requests)
            model["inFlight"] = String(snapshot.inFlight)
            model["p50"] = Self.latency(snapshot.latencyBound(0.5))
            model["p90"] = Self.latency(snapshot.latencyBound(0.9))
            model["p99"] = Self.latency(snapshot.latencyBound(0.99))
            model["mean"] = snapshot.requests > 0 ? Self.latency(Double(snapshot.durationMicros) / 1e6 / Double(snapshot.requests)) : "-"
            model["bytesIn"] = Self.bytes(snapshot.bytesIn)
            model["bytesOut"] = Self.bytes(snapshot.bytesOut)
        }
        let rates = Self.rates(series)
        model["hasChart"] = rates.count >= 2
        model["chart"] = Self.polyline(rates.map { $0.requests })
        model["errorChart"] = Self.polyline(rates.map { $0.errors }, scale: rates.map { $0.requests }.max() ?? 0)
        model["peak"] = String(format: "%.1f", rates.map { $0.requests }.max() ?? 0)
        if let first = series.first, let last = series.last {
            model["span"] = "\(Int(last.time.timeIntervalSince(first.time) / 60)) min"
        }
        var replicas: [[String: Any]] = []
        if let control = dependencies.control {
            for report in await control.replicaUsage() where report.serviceID == service.id && report.environmentID == environment {
                replicas.append([
                    "replica": String(report.replica),
                    "memory": report.usage.memoryBytes.map { Self.bytes(Int($0)) } ?? "-",
                    "cpu": report.usage.cpuMicroseconds.map { String(format: "%.1f s", Double($0) / 1e6) } ?? "-",
                ])
            }
        }
        model["replicas"] = replicas.sorted { ($0["replica"] as? String ?? "") < ($1["replica"] as? String ?? "") }
        model["hasReplicas"] = !replicas.isEmpty
        return DashboardPage(template: "metrics", title: "\(service.name) metrics", model: model)
    }

    /// Requests and 5xx answers per second between consecutive points.
    static func rates(_ series: [DashboardMetricsHistory.Point]) -> [(requests: Double, errors: Double)] {
        zip(series, series.dropFirst()).map { earlier, later in
            let seconds = max(later.time.timeIntervalSince(earlier.time), 0.001)
            return (Double(max(later.requests - earlier.requests, 0)) / seconds,
                    Double(max(later.serverErrors - earlier.serverErrors, 0)) / seconds)
        }
    }

    /// SVG polyline points for `values` in a 600×120 box, scaled to `scale` (their peak by default).
    static func polyline(_ values: [Double], scale: Double? = nil) -> String {
        guard values.count >= 2 else { return "" }
        let top = max(scale ?? values.max() ?? 0, 0.001)
        let step = 600 / Double(values.count - 1)
        return values.enumerated().map { index, value in
            String(format: "%.1f,%.1f", Double(index) * step, 118 - 116 * min(value / top, 1))
        }.joined(separator: " ")
    }

    static func latency(_ seconds: Double?) -> String {
        guard let seconds else { return "over 10 s" }
        return seconds < 1 ? String(format: "%.0f ms", seconds * 1000) : String(format: "%.1f s", seconds)
    }

    static func bytes(_ count: Int) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var value = Double(count)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(count) B" : String(format: "%.1f", value) + " " + units[unit]
    }
}
