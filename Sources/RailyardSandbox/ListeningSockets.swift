import Foundation

/// Which processes hold which listening TCP sockets, read from /proc. Until instances get
/// network namespaces of their own, they share the host's loopback: a domain's `targetPort`
/// may only reach a port that the domain's own instance listens on, never a host port (the
/// control API) or another tenant's.
public enum ListeningSockets {
    /// The socket inodes listening on `port` (IPv4 and IPv6, any address).
    public static func inodes(port: Int) -> Set<UInt64> {
        var result: Set<UInt64> = []
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            guard let text = try? String(contentsOfFile: table, encoding: .utf8) else { continue }
            result.formUnion(inodes(port: port, table: text))
        }
        return result
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
