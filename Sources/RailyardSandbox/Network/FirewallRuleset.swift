import Foundation

/// The nftables table one server keeps for its private networks (pure; `PrivateNetwork`
/// loads it with `nft -f`, whole, each time its environments change). Every rule names only
/// this server's own subnets and interfaces, or the pool they come from: the host's other
/// rules, routes and interfaces are never touched, and removing the table undoes it all.
public struct FirewallRuleset: Sendable, Equatable {
    public struct Environment: Sendable, Equatable {
        public var bridge: String
        public var subnet: IPv4Subnet
        public init(bridge: String, subnet: IPv4Subnet) {
            self.bridge = bridge
            self.subnet = subnet
        }
    }

    public var table: String
    public var pool: IPv4Subnet
    public var environments: [Environment]
    /// Set when Railyard turned IPv4 forwarding on: forwarding between interfaces that are
    /// not Railyard's is then dropped, so the host routes nothing it did not route before.
    public var guardsForwarding: Bool
    /// Sandboxes that may reach their environment but nothing beyond it (a service that turned
    /// outbound access off): kept in the table's set `withoutOutbound`, which `PrivateNetwork`
    /// also changes element by element as they come and go.
    public var withoutOutbound: [String] = []
    /// The prefix of every interface Railyard makes (bridges and veths).
    public static let interfacePrefix = "rly"
    public static let withoutOutboundSet = "withoutOutbound"

    public init(table: String, pool: IPv4Subnet, environments: [Environment], guardsForwarding: Bool) {
        self.table = table
        self.pool = pool
        self.environments = environments
        self.guardsForwarding = guardsForwarding
    }

    /// A script for `nft -f`: makes the table (so that deleting it never fails), deletes it,
    /// and makes it again with the rules; nft applies a script atomically.
    public var script: String {
        // First: whatever else a sandbox may do, these may not leave the pool.
        var forwarding: [String] = ["ip saddr @\(Self.withoutOutboundSet) ip daddr != \(pool) drop"]
        var incoming: [String] = []
        var translation: [String] = []
        // By the interface packets come in on and go out of: a sandbox cannot choose that (it
        // has no capabilities to change its address, and this holds even if it could).
        for environment in environments.sorted(by: { $0.subnet.base < $1.subnet.base }) {
            let (subnet, bridge) = (environment.subnet, "\"\(environment.bridge)\"")
            forwarding += [
                // Within the environment (bridged traffic passes here too when br_netfilter is on).
                "iifname \(bridge) oifname \(bridge) ip daddr \(subnet) accept",
                // Any other environment's network, on this server or another.
                "iifname \(bridge) ip daddr \(pool) drop",
                // Out to the world (package registries, APIs), translated below.
                "iifname \(bridge) accept",
                "oifname \(bridge) ct state established,related accept",
                // Nobody starts a connection into an environment through the host.
                "oifname \(bridge) drop",
            ]
            // The host itself, by any of its addresses (its loopback is out of reach anyway;
            // this covers the others, the bridge's own included): answers only. The host may
            // still connect to the sandboxes (the edge, the health probes).
            incoming += [
                "iifname \(bridge) ct state established,related accept",
                "iifname \(bridge) drop",
            ]
            translation.append("ip saddr \(subnet) ip daddr != \(pool) masquerade")
        }
        if guardsForwarding {
            let mine = "\"\(Self.interfacePrefix)*\""
            forwarding.append("iifname != \(mine) oifname != \(mine) drop")
        }
        func chain(_ name: String, _ hook: String, _ rules: [String]) -> String {
            let body = rules.map { "\t\t\($0)\n" }.joined()
            return "\tchain \(name) {\n\t\t\(hook)\n\(body)\t}\n"
        }
        let elements = withoutOutbound.sorted().joined(separator: ", ")
        let set = "\tset \(Self.withoutOutboundSet) {\n\t\ttype ipv4_addr\n" + (elements.isEmpty ? "" : "\t\telements = { \(elements) }\n") + "\t}\n"
        return "table inet \(table)\ndelete table inet \(table)\ntable inet \(table) {\n" + set
            + chain("forwarding", "type filter hook forward priority filter; policy accept;", forwarding)
            + chain("incoming", "type filter hook input priority filter; policy accept;", incoming)
            + chain("translation", "type nat hook postrouting priority srcnat; policy accept;", translation)
            + "}\n"
    }
}
