import Foundation

/// Where a sandbox is on its environment's private network: the namespace it runs in, its
/// address there, and the hosts file that names its environment's services.
public struct SandboxNetwork: Sendable, Equatable {
    /// `/run/netns/NAME`, entered with nsenter before the sandbox starts.
    public var namespacePath: String
    public var address: String
    /// Bound read-only at /etc/hosts.
    public var hostsFile: String

    public init(namespacePath: String, address: String, hostsFile: String) {
        self.namespacePath = namespacePath
        self.address = address
        self.hostsFile = hostsFile
    }
}

/// The private networks of one server: a bridge per project environment, with a /24 of its
/// own (`PrivateAddressPlan`); a network namespace per sandbox (instance, build, pre-deploy
/// command, clone), joined to its environment's bridge by a veth pair; the names of the
/// environment's services in a hosts file per environment (`PrivateNames`); and one nftables
/// table (`FirewallRuleset`) that keeps environments apart, keeps sandboxes off the host, and
/// translates their outbound connections. Everything it makes is named after its run
/// (`rly…RUN…`, `railyard_RUN`) and removed at `shutdown`, or by the next server to start on
/// the same data folder after a crash.
public actor PrivateNetwork {
    public static let tablePrefix = "railyard_"

    public let plan: PrivateAddressPlan
    /// What sandboxes will lack on this host (a resolver they cannot reach), for the log.
    public nonisolated let warnings: [String]
    private let runID: String
    private let folder: URL
    private let table: String
    /// Set once this run turned IPv4 forwarding on (with its first environment's network).
    private var forwarding: (claimed: Bool, guarded: Bool) = (false, false)
    private var environments: [String: EnvironmentNetwork] = [:]
    private var members: [String: Member] = [:]
    private var counter: UInt32 = 0
    private var closed = false
    /// One change at a time: every change waits on `ip`, and the actor would otherwise take
    /// the next call in meanwhile.
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    private struct EnvironmentNetwork {
        let bridge: String
        let subnet: IPv4Subnet
        let hostsFile: URL
        var used: Set<UInt32> = []
        /// The address given last (`PrivateAddressPlan.nextHost` goes on after it).
        var last: UInt32?
        var names: [String: [String]] = [:]
        var namesVersion: UInt64 = 0
    }

    private struct Member {
        let environment: String
        let address: UInt32
        let namespace: String
        let veth: String
        let outbound: Bool
    }

    public struct Unavailable: Error, CustomStringConvertible {
        public let description: String
    }

    private init(plan: PrivateAddressPlan, runID: String, folder: URL, warnings: [String]) {
        self.plan = plan
        self.runID = runID
        self.folder = folder
        self.table = Self.tablePrefix + runID
        self.warnings = warnings
    }

    // MARK: Starting and stopping

    /// Sets up the private networks of a server whose data folder is `data`, first removing
    /// what servers that died on this machine left behind. Fails, saying why, without
    /// root, iproute2, nftables or the kernel's network namespaces; the server then runs
    /// sandboxes on the host's network and says so.
    public static func start(data: URL, pool: String = PrivateAddressPlan.defaultPool) async -> Result<PrivateNetwork, Unavailable> {
        guard let plan = PrivateAddressPlan(pool: pool) else {
            return .failure(Unavailable(description: "the private network \(pool) is not an IPv4 network of /8 to /24"))
        }
        guard geteuid() == 0 else { return .failure(Unavailable(description: "private networking needs Railyard to run as root")) }
        guard HostNetworking.ip != nil else { return .failure(Unavailable(description: "ip is not installed (apt-get install iproute2)")) }
        guard let nft = HostNetworking.nft else { return .failure(Unavailable(description: "nft is not installed (apt-get install nftables)")) }
        let runs = data.appendingPathComponent("network")
        await removeLeftovers(data: runs)
        var runID = String(format: "%06x", UInt32.random(in: 0...0xFF_FFFF))
        while FileManager.default.fileExists(atPath: "\(HostNetworking.runsFolder)/\(runID)") {
            runID = String(format: "%06x", UInt32.random(in: 0...0xFF_FFFF))
        }
        let folder = runs.appendingPathComponent(runID)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: HostNetworking.runsFolder, withIntermediateDirectories: true)
            try HostNetworking.write(Self.ownerRecord(), to: "\(HostNetworking.runsFolder)/\(runID)")
        } catch {
            return .failure(Unavailable(description: "cannot make \(folder.path): \(error)"))
        }
        // Nothing on the host changes until the first environment gets its network (then the
        // rules and forwarding): a server that never deploys leaves no trace.
        let network = PrivateNetwork(plan: plan, runID: runID, folder: folder, warnings: Self.resolverWarnings())
        do {
            // The kernel can make namespaces and veth pairs here (a container may not allow it).
            try await network.probe()
        } catch {
            await Self.removeRun(runID, folder: folder, nft: nft)
            return .failure(Unavailable(description: "private networks cannot be made here: \(error)"))
        }
        return .success(network)
    }

    /// Removes every namespace, interface and rule of this run, and puts forwarding back
    /// when no other Railyard server needs it.
    public func shutdown() async {
        await enter()
        defer { leave() }
        closed = true
        members.removeAll()
        environments.removeAll()
        if let nft = HostNetworking.nft { await Self.removeRun(runID, folder: folder, nft: nft) }
    }

    private func probe() async throws {
        let namespace = "rly-\(runID)-probe"
        do {
            try await HostNetworking.batch([
                "netns add \(namespace)",
                "link add rlyp\(runID) type veth peer name eth0 netns \(namespace)",
                "link del rlyp\(runID)",
                "netns del \(namespace)",
            ], scratch: folder)
        } catch {
            await removeNamespace(namespace, veth: "rlyp\(runID)")
            throw error
        }
    }

    /// The record that says which process a run belongs to: its pid and its start time (so that
    /// a reused pid is not mistaken for it).
    private static func ownerRecord(pid: Int32 = getpid()) -> String {
        "\(pid) \(startTime(of: pid) ?? "")"
    }

    /// The start time of process `pid` (in clock ticks since boot); nil when there is no such
    /// process, or only its zombie (killed, not yet reaped by its parent).
    private static func startTime(of pid: Int32) -> String? {
        guard let stat = ProcFile.read("/proc/\(pid)/stat"), let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 19, fields[0] != "Z", fields[0] != "X" else { return nil }
        return String(fields[19])
    }

    /// Removes what runs of servers that are gone (killed, crashed) left on this machine, whatever
    /// their data folder (a test's may be deleted already), and this data folder's files of
    /// runs that are over. A running server's networks are left alone, one replacing another on
    /// the same data folder included.
    private static func removeLeftovers(data runs: URL) async {
        guard let nft = HostNetworking.nft else { return }
        let records = (try? FileManager.default.contentsOfDirectory(atPath: HostNetworking.runsFolder)) ?? []
        var alive: Set<String> = []
        for runID in records where runID.count == 6 && runID.allSatisfy(\.isHexDigit) {
            let owner = (try? String(contentsOfFile: "\(HostNetworking.runsFolder)/\(runID)", encoding: .utf8)) ?? ""
            let parts = owner.split(separator: " ")
            if let pid = parts.first.flatMap({ Int32($0) }), parts.count == 2, startTime(of: pid) == String(parts[1]) {
                alive.insert(runID)
                continue
            }
            await removeRun(runID, folder: nil, nft: nft)
        }
        for runID in (try? FileManager.default.contentsOfDirectory(atPath: runs.path)) ?? [] where !alive.contains(runID) {
            try? FileManager.default.removeItem(at: runs.appendingPathComponent(runID))
        }
    }

    private static func removeRun(_ runID: String, folder: URL?, nft: String) async {
        guard let ip = HostNetworking.ip else { return }
        let namespaces = (try? FileManager.default.contentsOfDirectory(atPath: "/run/netns")) ?? []
        for namespace in namespaces where namespace.hasPrefix("rly-\(runID)-") {
            _ = try? await HostNetworking.run([ip, "netns", "del", namespace])
        }
        let links = (try? await HostNetworking.run([ip, "-o", "link", "show"])) ?? ""
        for line in links.split(separator: "\n") {
            let words = line.split(separator: " ")
            guard words.count > 1 else { continue }
            let name = words[1].split(separator: ":").first.map { String($0.split(separator: "@").first ?? $0) } ?? ""
            if name.hasPrefix("rlyb\(runID)") || name.hasPrefix("rlyv\(runID)") || name == "rlyp\(runID)" {
                _ = try? await HostNetworking.run([ip, "link", "del", name])
            }
        }
        _ = try? await HostNetworking.locked {
            _ = try? await HostNetworking.run([nft, "delete", "table", "inet", tablePrefix + runID])
            await HostNetworking.releaseForwarding()
        }
        if let folder { try? FileManager.default.removeItem(at: folder) }
        try? FileManager.default.removeItem(atPath: "\(HostNetworking.runsFolder)/\(runID)")
    }

    /// Sandboxes keep the host's /etc/resolv.conf: a resolver on the host's loopback
    /// (systemd-resolved's 127.0.0.53) is out of their reach.
    private static func resolverWarnings() -> [String] {
        let text = (try? String(contentsOfFile: "/etc/resolv.conf", encoding: .utf8)) ?? ""
        let servers = text.split(separator: "\n").compactMap { line -> String? in
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            return words.count >= 2 && words[0] == "nameserver" ? String(words[1]) : nil
        }
        let reachable = servers.filter { !$0.hasPrefix("127.") && $0 != "::1" }
        guard reachable.isEmpty else { return [] }
        return ["apps and builds cannot resolve public names: the host's resolver (\(servers.joined(separator: ", ")), from /etc/resolv.conf) is on its loopback, which their network cannot reach; name a resolver on another address there"]
    }

    // MARK: Sandboxes

    /// Puts a new namespace for sandbox `id` on environment `environment`'s network (making
    /// the network first if it has none yet on this server). Without `outbound` it reaches its
    /// environment only: nothing beyond the host (a service that turned outbound access off).
    public func attach(_ id: String, environment: String, outbound: Bool = true) async throws -> SandboxNetwork {
        await enter()
        defer { leave() }
        guard !closed else { throw Unavailable(description: "the server is stopping") }
        if let member = members[id], let network = environments[member.environment] {
            return sandboxNetwork(member, network)
        }
        var network = try await environmentNetwork(environment)
        guard let address = PrivateAddressPlan.nextHost(in: network.subnet, used: network.used, after: network.last) else {
            throw Unavailable(description: "the environment's network has no free address (\(network.subnet) is full)")
        }
        let (namespace, veth) = nextNames()
        let gateway = IPv4Subnet.format(PrivateAddressPlan.gateway(of: network.subnet))
        network.used.insert(address)
        network.last = address
        environments[environment] = network
        do {
            try await HostNetworking.batch([
                "netns add \(namespace)",
                "link add \(veth) type veth peer name eth0 netns \(namespace)",
                "link set \(veth) master \(network.bridge) up",
                // Whatever the host last knew of this address belonged to an earlier sandbox.
                "neigh flush to \(IPv4Subnet.format(address)) dev \(network.bridge)",
            ], scratch: folder)
            try await HostNetworking.batch([
                "addr add \(IPv4Subnet.format(address))/\(network.subnet.prefixLength) dev eth0",
                "link set eth0 up",
                "link set lo up",
                "route add default via \(gateway)",
            ], in: namespace, scratch: folder)
        } catch {
            await removeNamespace(namespace, veth: veth)
            environments[environment]?.used.remove(address)
            throw error
        }
        let member = Member(environment: environment, address: address, namespace: namespace, veth: veth, outbound: outbound)
        if !outbound {
            // Before anything runs in the namespace: it never has a moment with outbound access.
            do {
                try await setOutbound(false, address: address)
            } catch {
                await removeNamespace(namespace, veth: veth)
                environments[environment]?.used.remove(address)
                throw error
            }
        }
        members[id] = member
        return sandboxNetwork(member, network)
    }

    /// Removes sandbox `id`'s namespace (cutting off anything still in it) and frees its address.
    public func detach(_ id: String) async {
        await enter()
        defer { leave() }
        guard let member = members.removeValue(forKey: id) else { return }
        await removeNamespace(member.namespace, veth: member.veth)
        if !member.outbound { try? await setOutbound(true, address: member.address) }
        environments[member.environment]?.used.remove(member.address)
    }

    /// Sets the names of `environment`'s services: each service's live addresses, written at
    /// once into the hosts file its sandboxes read. `version` orders the calls (they may arrive
    /// out of order): an older one changes nothing.
    public func publishNames(_ names: [String: [String]], environment: String, version: UInt64) async {
        await enter()
        defer { leave() }
        guard var network = environments[environment], network.namesVersion < version else { return }
        network.namesVersion = version
        environments[environment] = network
        guard network.names != names else { return }
        network.names = names
        environments[environment] = network
        try? HostNetworking.overwrite(network.hostsFile.path, with: PrivateNames.hostsFile(names))
    }

    /// The environments with a network on this server.
    public var environmentIDs: [String] { Array(environments.keys) }

    private func sandboxNetwork(_ member: Member, _ network: EnvironmentNetwork) -> SandboxNetwork {
        SandboxNetwork(
            namespacePath: "/run/netns/\(member.namespace)", address: IPv4Subnet.format(member.address),
            hostsFile: network.hostsFile.path)
    }

    private func nextNames() -> (namespace: String, veth: String) {
        while true {
            counter = (counter + 1) & 0xFFFF
            let suffix = String(format: "%04x", counter)
            let namespace = "rly-\(runID)-\(suffix)"
            if !members.values.contains(where: { $0.namespace == namespace }),
               !FileManager.default.fileExists(atPath: "/run/netns/\(namespace)") {
                return (namespace, "rlyv\(runID)\(suffix)")
            }
        }
    }

    private func removeNamespace(_ namespace: String, veth: String) async {
        guard let ip = HostNetworking.ip else { return }
        // The host's end first: that cuts the pair even while a process keeps the namespace.
        _ = try? await HostNetworking.run([ip, "link", "del", veth])
        _ = try? await HostNetworking.run([ip, "netns", "del", namespace])
    }

    private func environmentNetwork(_ environment: String) async throws -> EnvironmentNetwork {
        if let network = environments[environment] { return network }
        guard let ip = HostNetworking.ip else { throw Unavailable(description: "ip is not installed") }
        let bridge = "rlyb\(runID)\(String(format: "%04x", environments.count & 0xFFFF))"
        let hostsFile = folder.appendingPathComponent("hosts-\(environments.count)")
        try HostNetworking.overwrite(hostsFile.path, with: PrivateNames.hostsFile([:]))
        let plan = self.plan
        let folder = self.folder
        let claimed = forwarding.claimed
        let (subnet, guarded): (IPv4Subnet, Bool?) = try await HostNetworking.locked {
            let taken = try await HostNetworking.takenNetworks()
            guard let subnet = plan.nextSubnet(avoiding: taken) else {
                throw Unavailable(description: "no /24 of \(plan.pool) is free on this host")
            }
            let gateway = IPv4Subnet.format(PrivateAddressPlan.gateway(of: subnet))
            do {
                try await HostNetworking.batch([
                    "link add \(bridge) type bridge",
                    "addr add \(gateway)/\(subnet.prefixLength) dev \(bridge)",
                    "link set \(bridge) up",
                ], scratch: folder)
            } catch {
                _ = try? await HostNetworking.run([ip, "link", "del", bridge])
                throw error
            }
            return (subnet, claimed ? nil : try HostNetworking.claimForwarding())
        }
        if let guarded { forwarding = (true, guarded) }
        let network = EnvironmentNetwork(bridge: bridge, subnet: subnet, hostsFile: hostsFile)
        environments[environment] = network
        do {
            try await loadRules()
        } catch {
            environments[environment] = nil
            _ = try? await HostNetworking.run([ip, "link", "del", bridge])
            throw error
        }
        return network
    }

    private func setOutbound(_ allowed: Bool, address: UInt32) async throws {
        guard let nft = HostNetworking.nft else { throw Unavailable(description: "nft is not installed") }
        try await HostNetworking.run([
            nft, allowed ? "delete" : "add", "element", "inet", table, FirewallRuleset.withoutOutboundSet,
            "{ \(IPv4Subnet.format(address)) }",
        ])
    }

    private func loadRules() async throws {
        guard let nft = HostNetworking.nft else { throw Unavailable(description: "nft is not installed") }
        var ruleset = FirewallRuleset(
            table: table, pool: plan.pool,
            environments: environments.values.map { FirewallRuleset.Environment(bridge: $0.bridge, subnet: $0.subnet) },
            guardsForwarding: forwarding.guarded)
        ruleset.withoutOutbound = members.values.filter { !$0.outbound }.map { IPv4Subnet.format($0.address) }
        let file = folder.appendingPathComponent("rules.nft")
        try Data(ruleset.script.utf8).write(to: file)
        try await HostNetworking.run([nft, "-f", file.path])
    }

    private func enter() async {
        guard busy else {
            busy = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    private func leave() {
        if waiting.isEmpty {
            busy = false
        } else {
            waiting.removeFirst().resume()
        }
    }
}
