import Foundation
import Synchronization

/// The host's networking programs (iproute2 and nftables), run by absolute path, and the
/// host-wide state several servers on one machine share: a lock held while a subnet is chosen
/// and a bridge made (so that two servers never take the same one), and whether IPv4
/// forwarding was on before any Railyard server turned it on (restored when the last leaves).
enum HostNetworking {
    static let ip = ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static let nft = ["/usr/sbin/nft", "/sbin/nft", "/usr/bin/nft"].first { FileManager.default.isExecutableFile(atPath: $0) }

    static let lockPath = "/run/railyard-network.lock"
    /// One file per running server's networks (`PrivateNetwork`): its owner's pid and start
    /// time, so that any server can tell a dead one's leftovers from a live one's networks.
    static let runsFolder = "/run/railyard-networks"
    static let forwardingPath = "/proc/sys/net/ipv4/ip_forward"
    /// What `ip_forward` was before the first Railyard server on this machine turned it on.
    static let forwardingRecord = "/run/railyard-network.forwarding"

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Runs a program to completion; its output, or a failure naming the command and what it said.
    /// Never cut short by the caller's cancellation (only by `timeLimit`): these commands undo
    /// what an earlier one made, and a server stopping (whose tasks are cancelled) or a
    /// superseded build must still remove its namespaces and rules.
    @discardableResult
    static func run(_ arguments: [String], timeLimit: Duration = .seconds(20)) async throws -> String {
        let output = Mutex<[String]>([])
        let outcome = try await Task {
            try await StreamingProcess.run(arguments, timeLimit: timeLimit) { _, line in
                output.withLock { $0.append(line) }
            }
        }.value
        let text = output.withLock { $0.joined(separator: "\n") }
        guard outcome.status == 0, !outcome.timedOut else {
            throw Failure(description: "`\(arguments.joined(separator: " "))` failed (\(outcome.exit)): \(text.prefix(400))")
        }
        return text
    }

    /// Runs `ip -batch` over `commands` (one `ip` process for many changes), in namespace
    /// `namespace` when given.
    static func batch(_ commands: [String], in namespace: String? = nil, scratch: URL) async throws {
        guard let ip else { throw Failure(description: "ip (iproute2) is not installed") }
        let file = scratch.appendingPathComponent("batch-\(UUID().uuidString)")
        try Data((commands.joined(separator: "\n") + "\n").utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        try await run([ip] + (namespace.map { ["-n", $0] } ?? []) + ["-batch", file.path])
    }

    /// Runs `body` holding the host-wide lock (flock on `lockPath`), off the caller's thread
    /// while it waits for it.
    static func locked<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else { throw Failure(description: "cannot open \(lockPath): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        try await BlockingWork.run {
            while flock(descriptor, LOCK_EX) != 0 {
                guard errno == EINTR else { throw Failure(description: "cannot lock \(lockPath): \(String(cString: strerror(errno)))") }
            }
        }
        defer { flock(descriptor, LOCK_UN) }
        return try await body()
    }

    /// Every IPv4 network the host has an address or a route in (`ip -o -4 addr`, `ip -4 route`).
    static func takenNetworks() async throws -> [IPv4Subnet] {
        guard let ip else { throw Failure(description: "ip (iproute2) is not installed") }
        let addresses = try await run([ip, "-o", "-4", "addr", "show"])
        let routes = try await run([ip, "-4", "route", "show", "table", "all"])
        var taken: [IPv4Subnet] = []
        for line in addresses.split(separator: "\n") {
            let words = line.split(separator: " ")
            if let index = words.firstIndex(of: "inet"), index + 1 < words.count, let subnet = IPv4Subnet(String(words[index + 1])) {
                taken.append(subnet)
            }
        }
        for line in routes.split(separator: "\n") {
            var first = line.split(separator: " ").first.map(String.init) ?? ""
            if ["broadcast", "local", "unicast", "multicast", "blackhole", "unreachable", "prohibit"].contains(first) {
                first = line.split(separator: " ").dropFirst().first.map(String.init) ?? ""
            }
            // `default` covers everything: it is where traffic goes, not a network the host is in.
            guard first != "default" else { continue }
            if let subnet = IPv4Subnet(first.contains("/") ? first : first + "/32") { taken.append(subnet) }
        }
        return taken
    }

    /// Turns IPv4 forwarding on if it is off, noting (once per machine) what it was; returns
    /// whether it was off before any Railyard server touched it. Call holding the lock.
    static func claimForwarding() throws -> Bool {
        if let recorded = try? String(contentsOfFile: forwardingRecord, encoding: .utf8) {
            try write("1", to: forwardingPath)
            return recorded.trimmingCharacters(in: .whitespacesAndNewlines) == "0"
        }
        let current = (try? String(contentsOfFile: forwardingPath, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard current == "0" || current == "1" else { throw Failure(description: "cannot read \(forwardingPath)") }
        try write(current, to: forwardingRecord)
        if current == "0" { try write("1", to: forwardingPath) }
        return current == "0"
    }

    /// Puts forwarding back as it was when no Railyard table is left on the machine. Call
    /// holding the lock, after removing this server's table.
    static func releaseForwarding() async {
        guard let nft, let recorded = try? String(contentsOfFile: forwardingRecord, encoding: .utf8) else { return }
        guard let tables = try? await run([nft, "list", "tables"]) else { return }
        guard !tables.split(separator: "\n").contains(where: { $0.contains("inet \(PrivateNetwork.tablePrefix)") }) else { return }
        try? write(recorded.trimmingCharacters(in: .whitespacesAndNewlines), to: forwardingPath)
        try? FileManager.default.removeItem(atPath: forwardingRecord)
    }

    static func write(_ text: String, to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard descriptor >= 0 else { throw Failure(description: "cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        let bytes = Array(text.utf8)
        guard bytes.withUnsafeBytes({ Foundation.write(descriptor, $0.baseAddress, $0.count) }) == bytes.count else {
            throw Failure(description: "cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Replaces a file's content where it is (same inode): sandboxes see it through a bind
    /// mount, which a rename would leave on the old file. The new text is written over the
    /// old and the rest cut off, so a reader sees the old or new lines, never an empty file.
    static func overwrite(_ path: String, with text: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard descriptor >= 0 else { throw Failure(description: "cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        let bytes = Array(text.utf8)
        guard bytes.withUnsafeBytes({ pwrite(descriptor, $0.baseAddress, $0.count, 0) }) == bytes.count,
              ftruncate(descriptor, off_t(bytes.count)) == 0
        else { throw Failure(description: "cannot write \(path): \(String(cString: strerror(errno)))") }
    }
}
