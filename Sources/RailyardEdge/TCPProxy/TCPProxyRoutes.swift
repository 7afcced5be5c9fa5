import Atomics
import NIOCore

/// What the edge's TCP proxies may use: a tenant's clients cannot take more than their
/// proxy's share of connections, nor every proxy together more than the server's.
public struct TCPProxyLimits: Sendable {
    /// To open a connection to an instance.
    public var connect: TimeAmount = .seconds(5)
    /// How long a new connection waits for an instance while its service has none and one is
    /// on its way (a database's redeploy stops the old replica before the new one starts: one
    /// writer), as `EdgeLimits.hold` does for HTTP; then it is closed.
    public var hold: TimeAmount = .seconds(30)
    /// How often a waiting connection looks at the table again.
    public var holdRecheck: TimeAmount = .milliseconds(50)
    /// Connections open at once through one proxy; past it a new one is closed at once.
    public var connectionsPerProxy = 256
    /// Connections open at once through every proxy together.
    public var maximumConnections = 4096

    public init() {}
}

/// What the control plane says about one proxy port.
public struct TCPProxyEntry: Sendable {
    /// What the proxy serves, for logs (the service's id).
    public var service: String
    /// The service's healthy instances, at the proxy's target port.
    public var addresses: [(host: String, port: Int)]
    /// With no instance, a new connection waits (up to `TCPProxyLimits.hold`) because one is
    /// on its way; without, it is closed at once.
    public var holdsConnections: Bool

    public init(service: String, addresses: [(host: String, port: Int)], holdsConnections: Bool = false) {
        self.service = service
        self.addresses = addresses
        self.holdsConnections = holdsConnections
    }
}

/// One instance a proxy connects to.
struct TCPProxyUpstream: Sendable {
    let key: String
    let host: String
    let port: Int
    /// Instances are at IP addresses: connected to without a name lookup.
    let address: SocketAddress?
}

/// Where one proxy port's connections go. Immutable but for its round-robin cursor.
final class TCPProxyRoute: Sendable {
    let service: String
    let upstreams: [TCPProxyUpstream]
    let holdsConnections: Bool
    private let cursor = ManagedAtomic<Int>(0)

    init(_ entry: TCPProxyEntry) {
        service = entry.service
        upstreams = entry.addresses.map {
            TCPProxyUpstream(key: "\($0.host):\($0.port)", host: $0.host, port: $0.port,
                             address: try? SocketAddress(ipAddress: $0.host, port: $0.port))
        }
        holdsConnections = entry.holdsConnections
    }

    /// The next instance round robin, skipping those in `excluded` (failed for this connection).
    func pick(excluding excluded: Set<String>) -> TCPProxyUpstream? {
        let candidates = excluded.isEmpty ? upstreams : upstreams.filter { !excluded.contains($0.key) }
        guard !candidates.isEmpty else { return nil }
        return candidates[cursor.loadThenWrappingIncrement(ordering: .relaxed) % candidates.count]
    }
}

/// Port → route, replaced as a whole. Immutable once made.
final class TCPProxyTable: AtomicReference, Sendable {
    let routes: [Int: TCPProxyRoute]
    init(routes: [Int: TCPProxyRoute] = [:]) { self.routes = routes }
}

/// The TCP proxies' current table. The control plane swaps it atomically with the HTTP
/// routes; each new connection reads it with one atomic load, no lock, so a redeploy's new
/// replica takes the next connection.
public final class TCPProxyRoutes: Sendable {
    private let table = ManagedAtomic(TCPProxyTable())
    /// Connections open now through every proxy.
    let openConnections = ManagedAtomic<Int>(0)

    public init() {}

    public func replace(with entries: [Int: TCPProxyEntry]) {
        table.store(TCPProxyTable(routes: entries.mapValues(TCPProxyRoute.init)), ordering: .releasing)
    }

    func route(port: Int) -> TCPProxyRoute? { table.load(ordering: .acquiring).routes[port] }

    /// The addresses a port's connections go to now (for tests and diagnostics).
    public func addresses(port: Int) -> [String] { route(port: port)?.upstreams.map(\.key) ?? [] }

    /// Connections open now through every proxy.
    public var openConnectionCount: Int { openConnections.load(ordering: .relaxed) }
}
