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
    /// The uids owning the client's end of the connection from `clientAddress:clientPort` to
    /// this server's `serverAddress:serverPort`: one lookup of that socket in the kernel's
    /// table (socket diagnostics, by its addresses), whatever the number of sockets on the
    /// host. A connection whose client end is not found has no owner here (empty).
    public static func uids(clientAddress: String, clientPort: Int, serverAddress: String, serverPort: Int) -> Set<UInt32> {
        if let owners = SocketDiagnostics.owners(
            of: SocketDiagnostics.Endpoint(address: clientAddress, port: clientPort),
            connectedTo: SocketDiagnostics.Endpoint(address: serverAddress, port: serverPort))
        {
            return owners
        }
        return uids(clientPort: clientPort, serverPort: serverPort)
    }

    /// The uids owning sockets whose local port is `clientPort` and remote port `serverPort`
    /// (the client's end of a connection to this server over loopback).
    public static func uids(clientPort: Int, serverPort: Int) -> Set<UInt32> {
        // The kernel's socket diagnostics, asked for established connections only: /proc/net/tcp
        // lists every socket, TIME-WAIT ones too, and on a busy host reading and parsing its
        // tens of thousands of lines took 140 ms per API request from loopback.
        if let owners = SocketDiagnostics.establishedOwners(localPort: clientPort, remotePort: serverPort) { return owners }
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

/// Established TCP sockets by their ports, through NETLINK_SOCK_DIAG (inet_diag): the kernel
/// filters by state, so the answer holds the machine's open connections, not its TIME-WAIT
/// ones.
enum SocketDiagnostics {
    /// The uids owning established IPv4 or IPv6 TCP sockets with these local and remote ports;
    /// nil when the kernel cannot be asked (no netlink socket diagnostics here).
    static func establishedOwners(localPort: Int, remotePort: Int) -> Set<UInt32>? {
        var owners: Set<UInt32> = []
        for family in [UInt8(AF_INET), UInt8(AF_INET6)] {
            guard let found = established(family: family, localPort: localPort, remotePort: remotePort) else { return nil }
            owners.formUnion(found)
        }
        return owners
    }

    /// An address and port of a connection's end, as the kernel's socket id holds them.
    struct Endpoint {
        /// AF_INET or AF_INET6, and the address's bytes (4 or 16) in network order.
        var family: UInt8
        var bytes: [UInt8]
        var port: Int

        /// nil when `address` is not an IP address. An IPv4 address mapped into IPv6 (a client
        /// of a dual-stack listener) is the IPv4 address: the client's socket is an IPv4 one.
        init?(address: String, port: Int) {
            guard (0...65535).contains(port) else { return nil }
            self.port = port
            var v4 = in_addr()
            var v6 = in6_addr()
            if inet_pton(AF_INET, address, &v4) == 1 {
                family = UInt8(AF_INET)
                bytes = withUnsafeBytes(of: &v4) { Array($0) }
            } else if inet_pton(AF_INET6, address, &v6) == 1 {
                let all = withUnsafeBytes(of: &v6) { Array($0) }
                if all[0..<10].allSatisfy({ $0 == 0 }), all[10] == 0xFF, all[11] == 0xFF {
                    family = UInt8(AF_INET)
                    bytes = Array(all[12..<16])
                } else {
                    family = UInt8(AF_INET6)
                    bytes = all
                }
            } else {
                return nil
            }
        }
    }

    /// The uid owning the TCP socket whose own end is `local` and whose peer is `remote`: the
    /// kernel looks that one socket up (no dump of the table; a dump walked every socket of
    /// the host, and at 300 API requests a second took two thirds of the server's time). Empty
    /// when there is none; nil when the kernel cannot be asked.
    static func owners(of local: Endpoint?, connectedTo remote: Endpoint?) -> Set<UInt32>? {
        guard let local, let remote, local.family == remote.family else { return nil }
        // The socket id: its ports in network order, its addresses, no interface, and no
        // cookie (all ones).
        guard let descriptor = ask(family: local.family, states: UInt32.max, flags: 0x1 /* NLM_F_REQUEST: one socket */, { request in
            request[24] = UInt8(local.port >> 8)
            request[25] = UInt8(local.port & 0xFF)
            request[26] = UInt8(remote.port >> 8)
            request[27] = UInt8(remote.port & 0xFF)
            request.replaceSubrange(28..<28 + local.bytes.count, with: local.bytes)
            request.replaceSubrange(44..<44 + remote.bytes.count, with: remote.bytes)
            for index in 64..<72 { request[index] = 0xFF }
        }) else { return nil }
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: 8 << 10)
        var count = 0
        repeat {
            count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        } while count < 0 && errno == EINTR
        guard count >= 20 else { return nil }
        let type = UInt16(buffer[4]) | UInt16(buffer[5]) << 8
        if type == messageError {
            // The kernel's answer for no such socket.
            return Int32(bitPattern: read32(buffer, 16)) == -ENOENT ? [] : nil
        }
        // inet_diag_msg after the header: its uid at offset 64 (see `established`).
        guard type == sockDiagByFamily, count >= 16 + 72 else { return nil }
        return [read32(buffer, 16 + 64)]
    }

    // From linux/netlink.h and linux/sock_diag.h, which Glibc does not bring in.
    static let sockDiagByFamily: UInt16 = 20
    static let tcpEstablished: UInt32 = 1
    static let messageError: UInt16 = 2
    static let messageDone: UInt16 = 3

    /// A NETLINK_SOCK_DIAG socket that has sent the kernel a request (nlmsghdr, 16 bytes, and
    /// inet_diag_req_v2, 56) about `family`'s TCP sockets in `states`; `fill` sets the rest
    /// (the socket id). nil when the kernel cannot be asked. The caller reads and closes it.
    private static func ask(family: UInt8, states: UInt32, flags: UInt16, _ fill: (inout [UInt8]) -> Void = { _ in }) -> Int32? {
        let descriptor = socket(AF_NETLINK, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 4 /* NETLINK_SOCK_DIAG */)
        guard descriptor >= 0 else { return nil }
        var timeout = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var request = [UInt8](repeating: 0, count: 72)
        func put32(_ value: UInt32, at offset: Int) { withUnsafeBytes(of: value.littleEndian) { request.replaceSubrange(offset..<offset + 4, with: $0) } }
        func put16(_ value: UInt16, at offset: Int) { withUnsafeBytes(of: value.littleEndian) { request.replaceSubrange(offset..<offset + 2, with: $0) } }
        put32(72, at: 0)
        put16(sockDiagByFamily, at: 4)
        put16(flags, at: 6)
        put32(1, at: 8)
        request[16] = family
        request[17] = UInt8(IPPROTO_TCP)
        put32(states, at: 20)
        fill(&request)
        // sockaddr_nl of the kernel: family AF_NETLINK, pad, pid 0, groups 0.
        var kernel = [UInt8](repeating: 0, count: 12)
        withUnsafeBytes(of: UInt16(AF_NETLINK).littleEndian) { kernel.replaceSubrange(0..<2, with: $0) }
        let sent = request.withUnsafeBytes { bytes in
            kernel.withUnsafeBytes { address in
                sendto(descriptor, bytes.baseAddress, bytes.count, 0, address.baseAddress?.assumingMemoryBound(to: sockaddr.self), socklen_t(12))
            }
        }
        guard sent == request.count else {
            close(descriptor)
            return nil
        }
        return descriptor
    }

    private static func read32(_ buffer: [UInt8], _ at: Int) -> UInt32 {
        UInt32(buffer[at]) | UInt32(buffer[at + 1]) << 8 | UInt32(buffer[at + 2]) << 16 | UInt32(buffer[at + 3]) << 24
    }

    static func established(family: UInt8, localPort: Int, remotePort: Int) -> Set<UInt32>? {
        // A dump of one family's TCP sockets in the established state; the socket id is left zero.
        guard let descriptor = ask(family: family, states: 1 << tcpEstablished, flags: 0x1 /* NLM_F_REQUEST */ | 0x300 /* NLM_F_DUMP */)
        else { return nil }
        defer { close(descriptor) }
        var owners: Set<UInt32> = []
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return nil }
            var offset = 0
            while offset + 16 <= count {
                let length = Int(read32(buffer, offset))
                let type = UInt16(buffer[offset + 4]) | UInt16(buffer[offset + 5]) << 8
                guard length >= 16, offset + length <= count else { return nil }
                if type == messageDone { return owners }
                if type == messageError { return nil }
                // inet_diag_msg: family, state, timer, retrans (4), then the socket id: source
                // port and destination port in network order (4), addresses (32), interface and
                // cookie (12); then expires, rqueue, wqueue (12), uid, inode.
                let message = offset + 16
                if length >= 16 + 72 {
                    let local = Int(buffer[message + 4]) << 8 | Int(buffer[message + 5])
                    let remote = Int(buffer[message + 6]) << 8 | Int(buffer[message + 7])
                    if local == localPort && remote == remotePort { owners.insert(read32(buffer, message + 64)) }
                }
                offset += (length + 3) & ~3
            }
        }
    }
}
