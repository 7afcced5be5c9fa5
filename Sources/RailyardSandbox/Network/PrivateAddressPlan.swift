import Foundation

/// Which addresses the private networks use (pure; `PrivateNetwork` applies it). Each project
/// environment gets a /24 of `pool` on each server, with the bridge (the host's side, the
/// gateway) at .1 and its sandboxes from .2 up; a /24 is taken only when no interface or route
/// of the host overlaps it, so that Railyard never shadows a network the host already reaches.
public struct PrivateAddressPlan: Sendable, Equatable {
    public static let defaultPool = "10.208.0.0/12"
    public static let subnetPrefixLength = 24

    public let pool: IPv4Subnet

    /// nil when `cidr` is not a network of at least one /24 (a prefix length of 8 to 24).
    public init?(pool cidr: String) {
        guard let pool = IPv4Subnet(cidr), (8...Self.subnetPrefixLength).contains(pool.prefixLength) else { return nil }
        self.pool = pool
    }

    /// The first /24 of the pool that overlaps none of `taken`; nil when none is left.
    public func nextSubnet(avoiding taken: [IPv4Subnet]) -> IPv4Subnet? {
        let count = UInt32(1) << UInt32(Self.subnetPrefixLength - pool.prefixLength)
        for index in 0..<count {
            let candidate = IPv4Subnet(containing: pool.base + index << 8, prefixLength: Self.subnetPrefixLength)
            if !taken.contains(where: { $0.overlaps(candidate) }) { return candidate }
        }
        return nil
    }

    /// The host's address on an environment's bridge: the gateway of its sandboxes.
    public static func gateway(of subnet: IPv4Subnet) -> UInt32 { subnet.base + 1 }

    /// The next address of `subnet` for a sandbox (.2 to .254) not in `used`, after `last`
    /// (round the subnet, from .2 when nil); nil when full. Not the lowest free one: an address
    /// given back is taken again only after the others, so that the host's neighbour cache,
    /// which still holds the old sandbox's hardware address for a while, is not asked for it.
    public static func nextHost(in subnet: IPv4Subnet, used: Set<UInt32>, after last: UInt32? = nil) -> UInt32? {
        let count = UInt32(subnet.size - 3)
        let start = last.map { subnet.contains($0) && $0 >= subnet.base + 2 ? $0 - subnet.base - 1 : 0 } ?? 0
        return (0..<count).lazy.map { subnet.base + 2 + (start + $0) % count }.first { !used.contains($0) }
    }
}

/// The names sandboxes find each other by (pure): `SERVICE.railway.internal` (Railway's, so
/// that apps written for Railway work unchanged) and `SERVICE.railyard.internal`, written as a
/// hosts file per environment, which each sandbox of the environment sees as /etc/hosts.
public enum PrivateNames {
    public static let domains = ["railway.internal", "railyard.internal"]

    /// The name Railway's `RAILWAY_PRIVATE_DOMAIN` holds for `service`.
    public static func privateDomain(of service: String) -> String { "\(service.lowercased()).\(domains[0])" }

    /// A hosts file: the usual loopback lines, then each service's names on every address it
    /// has (glibc's resolver returns all of them; `multi on` is Debian's default).
    public static func hostsFile(_ services: [String: [String]]) -> String {
        var lines = ["127.0.0.1\tlocalhost", "::1\tlocalhost ip6-localhost ip6-loopback"]
        for (service, addresses) in services.sorted(by: { $0.key < $1.key }) {
            let names = domains.map { "\(service.lowercased()).\($0)" }.joined(separator: " ")
            for address in addresses.sorted() { lines.append("\(address)\t\(names)") }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
