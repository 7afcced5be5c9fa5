import Foundation

/// A port on the edge that forwards raw TCP to one service in one environment (Railway's TCP
/// proxy): one per service per environment. It is how a database, private by default, is
/// reached from outside the server: `railyard domain --tcp --service postgres`.
public struct TCPProxy: Codable, Sendable, Equatable {
    public var id: TCPProxyID
    public var serviceID: ServiceID
    public var environmentID: EnvironmentID
    /// Where the edge listens for it; unique across the server.
    public var port: Int
    /// The port inside the service's replicas it reaches: a database's engine port, or one the
    /// service's own processes were seen listening on.
    public var targetPort: Int
    public var createdAt: Date
    /// The host name clients connect to (the server's base domain), set by the server in its
    /// answers: `RAILWAY_TCP_PROXY_DOMAIN`.
    public var domain: String?

    public init(
        id: TCPProxyID, serviceID: ServiceID, environmentID: EnvironmentID, port: Int, targetPort: Int, createdAt: Date,
        domain: String? = nil
    ) {
        self.id = id
        self.serviceID = serviceID
        self.environmentID = environmentID
        self.port = port
        self.targetPort = targetPort
        self.createdAt = createdAt
        self.domain = domain
    }

    enum CodingKeys: String, CodingKey {
        case id, serviceID = "serviceId", environmentID = "environmentId", port, targetPort, createdAt, domain
    }
}

/// What TCP proxies may be: the server's port range and how it is written. Pure.
public enum TCPProxyRules {
    /// The ports the edge takes TCP proxies' ports from unless `--tcp-proxy-ports` says other:
    /// a thousand, above the registered ports services commonly use and below Linux's
    /// ephemeral range (32768–60999), so that the server's own outgoing connections never
    /// hold one.
    public static let defaultPorts: ClosedRange<Int> = 20000...20999

    /// `20000-20999` (or one port, `20000`); nil for anything else, a reversed range, or ports
    /// outside 1–65535.
    public static func parseRange(_ text: String) -> ClosedRange<Int>? {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "-", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count),
              parts.allSatisfy({ !$0.isEmpty && $0.count <= 5 && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let low = Int(parts[0]), let high = Int(parts.last ?? ""), (1...65535).contains(low), (1...65535).contains(high),
              low <= high
        else { return nil }
        return low...high
    }

    /// Why `port` cannot be asked for as a proxy's port on a server whose range is `range`; nil
    /// when it can.
    public static func portProblem(_ port: Int, range: ClosedRange<Int>) -> String? {
        range.contains(port) ? nil : "port \(port) is outside this server's TCP proxy ports, \(range.lowerBound)-\(range.upperBound)"
    }

    /// Why `port` cannot be a target port; nil when it can.
    public static func targetPortProblem(_ port: Int) -> String? {
        (1...65535).contains(port) ? nil : "targetPort must be a port from 1 to 65535"
    }
}
