import Foundation

/// Which processes hold which listening TCP sockets, read from /proc. A domain's `targetPort`
/// may only reach a port that the domain's own instance listens on: on a private network
/// nothing else is there to reach, and where instances share the host's network (no root),
/// this keeps a domain off the host's ports (the control API) and other tenants'.
public enum ListeningSockets {
    /// The socket inodes listening on `port` (IPv4 and IPv6, any address), in the network
    /// namespace of process `pid` (the server's own when nil).
    public static func inodes(port: Int, seenBy pid: Int32? = nil) -> Set<UInt64> {
        var result: Set<UInt64> = []
        let folder = pid.map { "/proc/\($0)/net" } ?? "/proc/net"
        for table in ["\(folder)/tcp", "\(folder)/tcp6"] {
            guard let text = ProcFile.read(table) else { continue }
            result.formUnion(inodes(port: port, table: text))
        }
        return result
    }

    /// Whether something listens on `port` in process `pid`'s network namespace, and only on
    /// its loopback (127.0.0.0/8 or ::1): out of reach of anything outside that namespace.
    public static func onlyOnLoopback(port: Int, seenBy pid: Int32) -> Bool {
        var addresses: [String] = []
        for table in ["/proc/\(pid)/net/tcp", "/proc/\(pid)/net/tcp6"] {
            guard let text = ProcFile.read(table) else { continue }
            addresses += localAddresses(port: port, table: text)
        }
        let loopback = ["0100007F", "00000000000000000000000001000000"]
        return !addresses.isEmpty && addresses.allSatisfy { address in
            loopback.contains(address) || (address.count == 8 && address.hasSuffix("7F"))
        }
    }

    /// The hexadecimal local addresses (as the table writes them) listening on `port`.
    static func localAddresses(port: Int, table: String) -> [String] {
        table.split(separator: "\n").dropFirst().compactMap { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 4, fields[3] == "0A", let colon = fields[1].lastIndex(of: ":"),
                  Int(fields[1][fields[1].index(after: colon)...], radix: 16) == port
            else { return nil }
            return String(fields[1][..<colon])
        }
    }

    /// Parses a /proc/net/tcp table: `sl local_address rem_address st … uid timeout inode`,
    /// addresses as HEX_ADDRESS:HEX_PORT, state 0A for LISTEN.
    static func inodes(port: Int, table: String) -> Set<UInt64> {
        var result: Set<UInt64> = []
        for line in table.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 10, fields[3] == "0A",
                  let colon = fields[1].lastIndex(of: ":"),
                  Int(fields[1][fields[1].index(after: colon)...], radix: 16) == port,
                  let inode = UInt64(fields[9]), inode != 0
            else { continue }
            result.insert(inode)
        }
        return result
    }

    /// Whether one of `pids` holds one of the sockets `inodes` names.
    public static func held(_ inodes: Set<UInt64>, byAnyOf pids: [Int32]) -> Bool {
        guard !inodes.isEmpty else { return false }
        for pid in pids {
            let folder = "/proc/\(pid)/fd"
            guard let descriptors = try? FileManager.default.contentsOfDirectory(atPath: folder) else { continue }
            for descriptor in descriptors {
                guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: folder + "/" + descriptor),
                      target.hasPrefix("socket:["), target.hasSuffix("]"),
                      let inode = UInt64(target.dropFirst(8).dropLast())
                else { continue }
                if inodes.contains(inode) { return true }
            }
        }
        return false
    }
}

/// Which user opened a TCP connection on this machine, read from /proc/net/tcp{,6}: the API
/// refuses connections that apps (sandboxed, as their service's user) open to it, without
/// relying on network namespaces being there.
public enum ConnectionOwners {
    /// The uids owning sockets whose local port is `clientPort` and remote port `serverPort`
    /// (the client's end of a connection to this server over loopback).
    public static func uids(clientPort: Int, serverPort: Int) -> Set<UInt32> {
        var result: Set<UInt32> = []
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            guard let text = ProcFile.read(table) else { continue }
            result.formUnion(uids(clientPort: clientPort, serverPort: serverPort, table: text))
        }
        return result
    }

    /// `sl local_address rem_address st tx:rx tr:when retrnsmt uid …`, ports in hex.
    static func uids(clientPort: Int, serverPort: Int, table: String) -> Set<UInt32> {
        var result: Set<UInt32> = []
        for line in table.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 8,
                  let localColon = fields[1].lastIndex(of: ":"), let remoteColon = fields[2].lastIndex(of: ":"),
                  Int(fields[1][fields[1].index(after: localColon)...], radix: 16) == clientPort,
                  Int(fields[2][fields[2].index(after: remoteColon)...], radix: 16) == serverPort,
                  let uid = UInt32(fields[7])
            else { continue }
            result.insert(uid)
        }
        return result
    }
}

/// Reads a file of /proc whole. Such files claim a size of 0, and Foundation's readers stop
/// after the first page of them: a socket table past a few dozen lines came back cut.
public enum ProcFile {
    public static func read(_ path: String, limit: Int = 64 << 20) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while bytes.count < limit {
            let count = chunk.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            bytes += chunk[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
