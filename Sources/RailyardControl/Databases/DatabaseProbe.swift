import Foundation
import RailyardCore
import RailyardSandbox

/// Whether a database server accepts queries, asked in its own protocol and without
/// credentials: an open port alone is not enough (PostgreSQL accepts connections while it
/// replays its log, and refuses them with "the database system is starting up"; Redis answers
/// LOADING while it reads its data).
///
/// - PostgreSQL: a startup message; ready when it asks for authentication (`R`), not when it
///   answers an error (`E`).
/// - Redis: `PING` as a user that may do nothing else; ready on `+PONG`, not on `-LOADING` or
///   any other error.
/// - MariaDB: the server's greeting; ready on a handshake (protocol 10), not on an error packet.
///
/// Blocking sockets with deadlines, on a thread of the probe's own (`BlockingWork`): a server
/// that accepts and then says nothing costs the time-out, never a cooperative thread.
enum DatabaseProbe {
    /// nil when the server at `host`:`port` accepts queries, else why not.
    static func check(_ engine: DatabaseEngine, host: String, port: Int, timeout: Duration) async -> String? {
        do {
            return try await BlockingWork.run { exchange(engine, host: host, port: port, timeout: timeout) }
        } catch {
            return "\(error)"
        }
    }

    static func exchange(_ engine: DatabaseEngine, host: String, port: Int, timeout: Duration) -> String? {
        let deadline = ContinuousClock.now + timeout
        let socket: ProbeSocket
        switch ProbeSocket.connect(host: host, port: port, deadline: deadline) {
        case .success(let connected): socket = connected
        case .failure(let problem): return problem.description
        }
        defer { socket.close() }
        switch engine {
        case .postgres:
            // A user and database no one has: a server that accepts connections asks for a
            // password (or says there is no such role) only once it is past starting up.
            guard socket.send(postgresStartup(user: "railyard_probe", database: "railyard_probe"), deadline: deadline) else {
                return "PostgreSQL: the startup message could not be sent"
            }
            // The whole message is read before closing: a close with unread data resets the
            // connection, which the server logs at every probe.
            guard let head = socket.receive(atLeast: 5, atMost: 5, deadline: deadline) else {
                return "PostgreSQL: no answer to a startup message"
            }
            let length = Int(UInt32(head[1]) << 24 | UInt32(head[2]) << 16 | UInt32(head[3]) << 8 | UInt32(head[4]))
            let body = length > 4 && length < 65536 ? socket.receive(atLeast: length - 4, atMost: length - 4, deadline: deadline) ?? [] : []
            switch head[0] {
            case UInt8(ascii: "R"): return nil
            case UInt8(ascii: "E"): return "PostgreSQL: " + (postgresErrorMessage(body) ?? "an error")
            default: return "PostgreSQL: an unexpected answer to a startup message"
            }
        case .redis:
            // As the probe user the start script makes (it may PING, nothing else): a server
            // still loading its data answers -LOADING to it, where the default user would get
            // -NOAUTH whatever its state.
            let probe = "*3\r\n$4\r\nAUTH\r\n$14\r\nrailyard-probe\r\n$1\r\nx\r\n*1\r\n$4\r\nPING\r\n"
            guard socket.send(Array(probe.utf8), deadline: deadline) else { return "Redis: PING could not be sent" }
            guard let lines = socket.receiveLines(2, atMost: 1024, deadline: deadline), let line = lines.last else {
                return "Redis: no answer to PING"
            }
            if line.hasPrefix("+PONG") { return nil }
            return "Redis: " + String(line.prefix(200))
        case .mysql:
            guard let header = socket.receive(atLeast: 4, atMost: 4, deadline: deadline) else { return "MariaDB: no greeting" }
            let length = Int(header[0]) | Int(header[1]) << 8 | Int(header[2]) << 16
            guard length > 0, length < 65536, let payload = socket.receive(atLeast: length, atMost: length, deadline: deadline) else {
                return "MariaDB: an incomplete greeting"
            }
            switch payload[0] {
            case 0x0A: return nil
            case 0xFF:
                // Error code (2 bytes), then the message.
                let message = payload.count > 3 ? String(decoding: payload.dropFirst(3), as: UTF8.self) : "an error"
                return "MariaDB: " + String(message.prefix(200))
            default:
                return "MariaDB: an unexpected greeting"
            }
        }
    }

    /// A protocol 3.0 startup message.
    static func postgresStartup(user: String, database: String) -> [UInt8] {
        var body: [UInt8] = [0x00, 0x03, 0x00, 0x00]
        for (name, value) in [("user", user), ("database", database)] {
            body += Array(name.utf8) + [0] + Array(value.utf8) + [0]
        }
        body.append(0)
        let length = UInt32(body.count + 4)
        return withUnsafeBytes(of: length.bigEndian) { Array($0) } + body
    }

    /// The `M` (message) field of an ErrorResponse's body (after its length).
    static func postgresErrorMessage(_ bytes: [UInt8]) -> String? {
        guard bytes.count > 4 else { return nil }
        for field in bytes.dropFirst(4).split(separator: 0) where field.first == UInt8(ascii: "M") {
            return String(decoding: field.dropFirst(), as: UTF8.self)
        }
        return nil
    }
}

/// A TCP connection with deadlines on every step, for probes.
struct ProbeSocket {
    let descriptor: Int32

    struct Problem: Error, CustomStringConvertible {
        let description: String
    }

    static func connect(host: String, port: Int, deadline: ContinuousClock.Instant) -> Result<ProbeSocket, Problem> {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(clamping: port).bigEndian
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { return .failure(Problem(description: "\(host) is not an IPv4 address")) }
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return .failure(Problem(description: "no socket: errno \(errno)")) }
        let socket = ProbeSocket(descriptor: descriptor)
        let started = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        if started != 0 && errno != EINPROGRESS {
            let problem = String(cString: strerror(errno))
            socket.close()
            return .failure(Problem(description: "port \(port): \(problem)"))
        }
        guard socket.wait(for: Int16(POLLOUT), until: deadline) else {
            socket.close()
            return .failure(Problem(description: "no connection to port \(port) in time"))
        }
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &error, &length)
        guard error == 0 else {
            socket.close()
            return .failure(Problem(description: "port \(port): \(String(cString: strerror(error)))"))
        }
        return .success(socket)
    }

    func close() { _ = Glibc.close(descriptor) }

    /// Waits until the socket is ready for `events`; false at the deadline or on an error.
    func wait(for events: Int16, until deadline: ContinuousClock.Instant) -> Bool {
        while true {
            let left = deadline - ContinuousClock.now
            guard left > .zero else { return false }
            let milliseconds = Int32(clamping: max(1, left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000))
            var poller = pollfd(fd: descriptor, events: events, revents: 0)
            let ready = poll(&poller, 1, milliseconds)
            if ready > 0 { return poller.revents & (events | Int16(POLLHUP) | Int16(POLLERR)) != 0 }
            if ready < 0 && errno != EINTR { return false }
        }
    }

    func send(_ bytes: [UInt8], deadline: ContinuousClock.Instant) -> Bool {
        var sent = 0
        while sent < bytes.count {
            guard wait(for: Int16(POLLOUT), until: deadline) else { return false }
            let count = bytes[sent...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count < 0 && (errno == EAGAIN || errno == EINTR) { continue }
            guard count > 0 else { return false }
            sent += count
        }
        return true
    }

    /// Between `atLeast` and `atMost` bytes; nil when fewer than `atLeast` came in time.
    func receive(atLeast: Int, atMost: Int, deadline: ContinuousClock.Instant) -> [UInt8]? {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: atMost)
        while received.count < atLeast {
            guard wait(for: Int16(POLLIN), until: deadline) else { return nil }
            let count = buffer.withUnsafeMutableBytes { Glibc.recv(descriptor, $0.baseAddress, atMost - received.count, 0) }
            if count < 0 && (errno == EAGAIN || errno == EINTR) { continue }
            guard count > 0 else { return nil }
            received += buffer[0..<count]
        }
        return received
    }

    /// `count` lines (without their CR LF); nil when fewer came whole in time.
    func receiveLines(_ count: Int, atMost: Int, deadline: ContinuousClock.Instant) -> [String]? {
        var received: [UInt8] = []
        while received.count < atMost {
            guard let more = receive(atLeast: 1, atMost: atMost - received.count, deadline: deadline) else { return nil }
            received += more
            let lines = received.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            if lines.count > count {
                return lines.prefix(count).map {
                    String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                }
            }
        }
        return nil
    }
}
