import Atomics
import NIOCore
import Synchronization

/// One instance the edge may send requests to.
public final class Upstream: Sendable {
    public let host: String
    public let port: Int
    /// Requests sent to it and not yet answered, for least-outstanding balancing and draining:
    /// counted per event loop (`add(_:shard:)` with the loop's shard), read as the total.
    let outstanding = ShardedCounters(slots: 1)
    /// Passive health: after a failed connection it is avoided until this uptime (ns).
    let avoidedUntil = ManagedAtomic<UInt64>(0)

    let key: String
    /// What the control plane calls this instance (for HTTP logs), e.g. `DEPLOYMENT/REPLICA`.
    public let label: String?
    /// The address when `host` is an IP address (instances usually are): connecting to it then
    /// needs no name lookup, which NIO would hand to another thread for every new connection.
    let socketAddress: SocketAddress?

    public init(host: String, port: Int, label: String? = nil) {
        self.host = host
        self.port = port
        self.key = "\(host):\(port)"
        self.label = label
        self.socketAddress = try? SocketAddress(ipAddress: host, port: port)
    }

    var isAvoided: Bool { avoidedUntil.load(ordering: .relaxed) > NIODeadline.now().uptimeNanoseconds }

    func avoid(for duration: TimeAmount) {
        avoidedUntil.store(NIODeadline.now().uptimeNanoseconds + UInt64(max(duration.nanoseconds, 0)), ordering: .relaxed)
    }
}

/// Where one host name's requests go: the healthy instances of one service's active deployment.
public final class Route: Sendable {
    /// What the route serves, for logs (for example the service's id).
    public let service: String
    public let upstreams: [Upstream]
    /// Plain-HTTP requests get a permanent redirect to HTTPS (when the edge serves HTTPS).
    public let redirectsToHTTPS: Bool
    /// Request bodies larger than this get a 413; nil for no limit.
    public let maximumBodyBytes: Int?
    /// With no instance, a request waits (up to `EdgeLimits.hold`) for one to come rather than
    /// getting a 503 at once: a service with a volume has one writer, so its redeploy has a
    /// moment with no replica.
    public let holdsRequests: Bool
    let metrics: ServiceMetrics
    private let cursor = ManagedAtomic<Int>(0)

    public init(
        service: String, upstreams: [Upstream], redirectsToHTTPS: Bool = false, maximumBodyBytes: Int? = nil,
        holdsRequests: Bool = false, metrics: ServiceMetrics = ServiceMetrics()
    ) {
        self.service = service
        self.upstreams = upstreams
        self.redirectsToHTTPS = redirectsToHTTPS
        self.maximumBodyBytes = maximumBodyBytes
        self.holdsRequests = holdsRequests
        self.metrics = metrics
    }

    /// The instance with the fewest requests in flight, skipping those recently failed and
    /// those in `excluded`; ties go round robin. When every instance is avoided, the least busy
    /// of them is tried anyway rather than failing outright.
    func pick(excluding excluded: Set<String> = []) -> Upstream? {
        if upstreams.count == 1, excluded.isEmpty { return upstreams[0] }
        let candidates = excluded.isEmpty ? upstreams : upstreams.filter { !excluded.contains($0.key) }
        guard !candidates.isEmpty else { return nil }
        let start = cursor.loadThenWrappingIncrement(ordering: .relaxed)
        var best: Upstream?
        var bestLoad = Int.max
        for pass in [false, true] {
            for offset in 0..<candidates.count {
                let candidate = candidates[(start &+ offset) % candidates.count]
                if !pass && candidate.isAvoided { continue }
                let load = candidate.outstanding.total()
                if load < bestLoad {
                    best = candidate
                    bestLoad = load
                }
            }
            if best != nil { return best }
        }
        return best
    }
}

/// What the control plane says about one host name.
public struct RouteEntry: Sendable {
    /// What the route serves, for logs and metrics (for example the service's id).
    public var service: String
    /// The healthy instances, in the order to prefer on ties.
    public var addresses: [(host: String, port: Int)]
    /// The certificate installed for the host; nil serves a self-signed one over HTTPS.
    public var identity: TLSIdentity?
    public var redirectsToHTTPS: Bool
    public var maximumBodyBytes: Int?
    /// Requests wait for an instance while there is none (`Route.holdsRequests`).
    public var holdsRequests: Bool

    public init(
        service: String, addresses: [(host: String, port: Int)], identity: TLSIdentity? = nil,
        redirectsToHTTPS: Bool = false, maximumBodyBytes: Int? = nil, holdsRequests: Bool = false
    ) {
        self.service = service
        self.addresses = addresses
        self.identity = identity
        self.redirectsToHTTPS = redirectsToHTTPS
        self.maximumBodyBytes = maximumBodyBytes
        self.holdsRequests = holdsRequests
    }
}

/// Host name → route, replaced as a whole. Immutable once made.
public final class RouteTable: AtomicReference, Sendable {
    let routes: [String: Route]
    /// Host name → its installed certificate.
    let identities: [String: TLSIdentity]

    public init(routes: [String: Route] = [:], identities: [String: TLSIdentity] = [:]) {
        self.routes = routes
        self.identities = identities
    }

    func route(for host: String) -> Route? { routes[host] }

    public var hosts: [String] { routes.keys.sorted() }
}

/// The edge's current route table. The control plane swaps it atomically; every request reads
/// it with one atomic load, no lock.
public final class EdgeRoutes: Sendable {
    private let table = ManagedAtomic(RouteTable())
    /// Bumped after each replacement, so that connections can keep the route they looked up
    /// last while it does not change (a plain integer load instead of a reference's).
    let version = ManagedAtomic<Int>(0)
    /// Every instance routed to lately, in the table or not, so that requests still in flight
    /// on one that left can be counted (the request path never takes this lock).
    private let known = Mutex<[String: Upstream]>([:])
    /// Per service, kept across table replacements.
    let metricsByService = Mutex<[String: ServiceMetrics]>([:])
    /// Client connections open now.
    let openConnections = ManagedAtomic<Int>(0)
    /// Set when this edge hands its clients over to another server's (an upgrade): every
    /// answer from then on closes its connection, so that clients reconnect to the new one.
    let draining = ManagedAtomic<Bool>(false)
    /// Where the edge serves HTTPS (0 when it does not), for redirects.
    let httpsPort = ManagedAtomic<Int>(0)
    /// Self-signed certificates of routed hosts that have none installed, made on first use.
    private let selfSigned = Mutex<[String: TLSIdentity]>([:])

    public init() {}

    /// Closes each client connection after its current answer from now on.
    public func startDraining() { draining.store(true, ordering: .relaxed) }

    /// Keeps client connections open again (a handover that did not happen).
    public func stopDraining() { draining.store(false, ordering: .relaxed) }

    /// Client connections open now (HTTP and HTTPS).
    public var openConnectionCount: Int { openConnections.load(ordering: .relaxed) }

    /// Requests in flight per service: the sum over its routed instances.
    func inFlightByService() -> [String: Int] {
        var result: [String: Int] = [:]
        for route in current.routes.values {
            var seen: Set<String> = []
            for upstream in route.upstreams where seen.insert(upstream.key).inserted {
                result[route.service, default: 0] += upstream.outstanding.total()
            }
        }
        return result
    }

    public var current: RouteTable { table.load(ordering: .acquiring) }

    /// The certificate to present to a client that asked for `serverName` (SNI): the host's
    /// installed one, else a self-signed one for a routed host; nil (the edge's default) for
    /// hosts it does not route, so that strangers' names cannot make it mint certificates.
    func identity(for serverName: String?) -> TLSIdentity? {
        guard let serverName, let host = Self.normalize(serverName) else { return nil }
        let table = current
        if let installed = table.identities[host] { return installed }
        guard table.routes[host] != nil else { return nil }
        return selfSigned.withLock { cache in
            if let made = cache[host] { return made }
            let made = try? TLSIdentity.selfSigned(for: host)
            cache[host] = made
            return made
        }
    }

    /// Replaces the table with `entries` (host → service, its instances' addresses and TLS
    /// settings). Instances already known keep their counters and passive-health state.
    public func replace(with entries: [String: RouteEntry], labels: [String: String] = [:]) {
        let table = known.withLock { known -> RouteTable in
            var routes: [String: Route] = [:]
            var identities: [String: TLSIdentity] = [:]
            var inUse: Set<String> = []
            for (host, entry) in entries {
                let upstreams = entry.addresses.map { address -> Upstream in
                    let key = "\(address.host):\(address.port)"
                    inUse.insert(key)
                    if let upstream = known[key], upstream.label == labels[key] { return upstream }
                    let upstream = Upstream(host: address.host, port: address.port, label: labels[key])
                    known[key] = upstream
                    return upstream
                }
                let metrics = metricsByService.withLock { all in
                    if let existing = all[entry.service] { return existing }
                    let created = ServiceMetrics()
                    all[entry.service] = created
                    return created
                }
                let name = Self.normalize(host) ?? host
                routes[name] = Route(
                    service: entry.service, upstreams: upstreams, redirectsToHTTPS: entry.redirectsToHTTPS,
                    maximumBodyBytes: entry.maximumBodyBytes, holdsRequests: entry.holdsRequests, metrics: metrics)
                if let identity = entry.identity { identities[name] = identity }
            }
            // Forget instances that left and have nothing in flight.
            known = known.filter { inUse.contains($0.key) || $0.value.outstanding.total() > 0 }
            return RouteTable(routes: routes, identities: identities)
        }
        self.table.store(table, ordering: .releasing)
        version.wrappingIncrement(ordering: .releasing)
        // Self-signed certificates of hosts no longer routed, or now with their own, go.
        selfSigned.withLock { cache in
            cache = cache.filter { table.routes[$0.key] != nil && table.identities[$0.key] == nil }
        }
    }

    /// Where the edge serves HTTPS, so that plain-HTTP requests can be redirected there.
    public func setHTTPSPort(_ port: Int) { httpsPort.store(port, ordering: .relaxed) }

    /// Requests in flight to the instance at `host:port`, whether or not it is still routed.
    public func inFlight(host: String = "127.0.0.1", port: Int) -> Int {
        known.withLock { $0["\(host):\(port)"]?.outstanding.total() ?? 0 }
    }

    /// A Host header's name, lowercased, without port or trailing dot; nil when it is not a
    /// plausible host name.
    public static func normalize(_ header: String) -> String? {
        // Usually already a plain lowercase name: returned as it is, without a copy.
        if !header.isEmpty, header.utf8.count <= 253, header.utf8.last != 0x2E,
           header.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D || $0 == 0x2E }) {
            return header
        }
        var host = Substring(header.lowercased())
        if host.hasPrefix("[") {
            guard let end = host.firstIndex(of: "]") else { return nil }
            host = host[host.index(after: host.startIndex)..<end]
        } else if let colon = host.lastIndex(of: ":") {
            let port = host[host.index(after: colon)...]
            guard port.allSatisfy(\.isNumber) else { return nil }
            host = host[..<colon]
        }
        if host.hasSuffix(".") { host = host.dropLast() }
        guard !host.isEmpty, host.utf8.count <= 253,
              host.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D || $0 == 0x2E || $0 == 0x3A })
        else { return nil }
        return String(host)
    }
}
