import Foundation
import Testing
@testable import RailyardSandbox

/// The pure half of private networking: addresses, subnets, names and rules. What runs `ip`
/// and `nft` is tested through a live server (PrivateNetworkTests).
struct PrivateNetworkPlanTests {
    @Test func addressesParseStrictlyAndFormatBack() {
        #expect(IPv4Subnet.parse("10.208.0.1") == 0x0AD0_0001)
        #expect(IPv4Subnet.format(0x0AD0_0001) == "10.208.0.1")
        for bad in ["", "10.208.0", "10.208.0.1.2", "10.208.0.256", "010.1.1.1", "1..1.1", "a.b.c.d", "10.208.0.-1", "１.1.1.1", " 10.1.1.1"] {
            #expect(IPv4Subnet.parse(bad) == nil, "\(bad)")
        }
        #expect(IPv4Subnet("10.208.7.9/12")?.description == "10.208.0.0/12", "host bits are dropped")
        for bad in ["10.208.0.0", "10.208.0.0/33", "10.208.0.0/-1", "10.208.0.0/", "/12", "10.208.0.0/12/1"] {
            #expect(IPv4Subnet(bad) == nil, "\(bad)")
        }
        let pool = IPv4Subnet("10.208.0.0/12")!
        #expect(pool.contains(IPv4Subnet.parse("10.223.255.255")!) && !pool.contains(IPv4Subnet.parse("10.224.0.0")!))
        #expect(pool.overlaps(IPv4Subnet("10.210.3.0/24")!) && IPv4Subnet("10.0.0.0/8")!.overlaps(pool))
        #expect(!pool.overlaps(IPv4Subnet("10.255.255.53/32")!))
    }

    @Test func environmentsTakeTheFirstFreeSubnetTheHostDoesNotUse() {
        let plan = PrivateAddressPlan(pool: "10.208.0.0/12")!
        #expect(plan.nextSubnet(avoiding: [])?.description == "10.208.0.0/24")
        // Taken by another environment, by a host route inside it, by a wider network around it.
        let taken = ["10.208.0.0/24", "10.208.1.7/32", "10.208.2.0/23"].compactMap(IPv4Subnet.init)
        #expect(plan.nextSubnet(avoiding: taken)?.description == "10.208.4.0/24")
        #expect(plan.nextSubnet(avoiding: [IPv4Subnet("10.0.0.0/8")!]) == nil, "the host's own 10/8 shadows the whole pool")
        let small = PrivateAddressPlan(pool: "192.168.50.0/24")!
        #expect(small.nextSubnet(avoiding: [IPv4Subnet("192.168.50.0/24")!]) == nil)
        #expect(PrivateAddressPlan(pool: "10.0.0.0/25") == nil && PrivateAddressPlan(pool: "0.0.0.0/0") == nil)
        #expect(PrivateAddressPlan(pool: "nonsense") == nil)
    }

    @Test func sandboxesGetTheNextFreeAddressRoundTheSubnetAndNeverTheGatewayOrBroadcast() {
        let subnet = IPv4Subnet("10.208.5.0/24")!
        func next(_ used: Set<UInt32>, after last: UInt32? = nil) -> String? {
            PrivateAddressPlan.nextHost(in: subnet, used: used, after: last).map(IPv4Subnet.format)
        }
        #expect(IPv4Subnet.format(PrivateAddressPlan.gateway(of: subnet)) == "10.208.5.1")
        #expect(next([]) == "10.208.5.2")
        let some: Set<UInt32> = [subnet.base + 2, subnet.base + 3, subnet.base + 5]
        #expect(next(some) == "10.208.5.4")
        // .2 was given back, .3 given last: .4 comes next, not .2 (the host may still map .2 to
        // the old sandbox's hardware address).
        #expect(next([subnet.base + 3], after: subnet.base + 3) == "10.208.5.4")
        // Round the end: after .254, .2 again.
        #expect(next([subnet.base + 254], after: subnet.base + 254) == "10.208.5.2")
        #expect(next([subnet.base + 254, subnet.base + 2], after: subnet.base + 254) == "10.208.5.3")
        // A last address outside the subnet (or the gateway) starts from .2.
        #expect(next([], after: 7) == "10.208.5.2" && next([], after: subnet.base + 1) == "10.208.5.2")
        let all = Set((2...254).map { subnet.base + UInt32($0) })
        #expect(next(all) == nil && next(all, after: subnet.base + 100) == nil, "a full /24 gives no .255 or .0")
        let almost = all.subtracting([subnet.base + 9])
        #expect(next(almost, after: subnet.base + 200) == "10.208.5.9")
    }

    @Test func theHostsFileNamesEveryReplicaUnderBothDomains() {
        let text = PrivateNames.hostsFile(["db": ["10.208.0.3"], "api": ["10.208.0.5", "10.208.0.4"]])
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.first == "127.0.0.1\tlocalhost")
        #expect(lines.contains("10.208.0.4\tapi.railway.internal api.railyard.internal"))
        #expect(lines.contains("10.208.0.5\tapi.railway.internal api.railyard.internal"))
        #expect(lines.contains("10.208.0.3\tdb.railway.internal db.railyard.internal"))
        #expect(lines.count == 5)
        #expect(PrivateNames.privateDomain(of: "db") == "db.railway.internal")
        #expect(PrivateNames.hostsFile([:]).split(separator: "\n").count == 2)
    }

    @Test func theRulesNameOnlyThisServersBridgesAndThePool() {
        let pool = IPv4Subnet("10.208.0.0/12")!
        var ruleset = FirewallRuleset(
            table: "railyard_abc123", pool: pool,
            environments: [.init(bridge: "rlybabc1230001", subnet: IPv4Subnet("10.208.1.0/24")!)], guardsForwarding: false)
        let script = ruleset.script
        // Made, deleted and made again in one script: loading it twice is the same as once.
        #expect(script.hasPrefix("table inet railyard_abc123\ndelete table inet railyard_abc123\ntable inet railyard_abc123 {"))
        for rule in [
            "iifname \"rlybabc1230001\" oifname \"rlybabc1230001\" ip daddr 10.208.1.0/24 accept",
            "iifname \"rlybabc1230001\" ip daddr 10.208.0.0/12 drop",
            "iifname \"rlybabc1230001\" accept",
            "oifname \"rlybabc1230001\" ct state established,related accept",
            "oifname \"rlybabc1230001\" drop",
            "iifname \"rlybabc1230001\" drop",
            "ip saddr 10.208.1.0/24 ip daddr != 10.208.0.0/12 masquerade",
        ] {
            #expect(script.contains(rule), "missing: \(rule)")
        }
        // Another environment's traffic is dropped before the outbound accept.
        let forwarding = script.components(separatedBy: "chain incoming")[0]
        let drop = forwarding.range(of: "ip daddr 10.208.0.0/12 drop")!.lowerBound
        let accept = forwarding.range(of: "iifname \"rlybabc1230001\" accept")!.lowerBound
        #expect(drop < accept)
        #expect(!script.contains("iifname != \"rly*\""), "forwarding is guarded only when Railyard turned it on")
        ruleset.guardsForwarding = true
        #expect(ruleset.script.contains("iifname != \"rly*\" oifname != \"rly*\" drop"))
        // No environment yet: the chains exist and accept everything else as before (the one
        // drop names an empty set).
        let empty = FirewallRuleset(table: "railyard_abc123", pool: pool, environments: [], guardsForwarding: false).script
        #expect(!empty.contains("masquerade") && empty.components(separatedBy: "drop").count == 2, "\(empty)")
        #expect(!empty.contains("elements"))
        // Sandboxes without outbound access: in the set, dropped before anything accepts them.
        ruleset.withoutOutbound = ["10.208.1.9", "10.208.1.7"]
        let closed = ruleset.script
        #expect(closed.contains("elements = { 10.208.1.7, 10.208.1.9 }"), "\(closed)")
        let first = closed.components(separatedBy: "chain forwarding")[1].split(separator: "\n")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !$0.hasPrefix("type ") && $0 != "{" }.first
        #expect(first == "ip saddr @withoutOutbound ip daddr != 10.208.0.0/12 drop", "\(String(describing: first))")
    }
}
