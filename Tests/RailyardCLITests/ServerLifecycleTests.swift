import Foundation
#if canImport(Glibc)
import Glibc
#endif
import RailyardClient
import RailyardCore
import Testing

/// The server process itself: probes, graceful shutdown with a request in flight, junk on the
/// socket.
struct ServerLifecycleTests {
    @Test func inFlightRequestsFinishOnSIGTERM() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("railyard-life-\(UUID().uuidString)").path
        let server = ServerProcess(dataDirectory: data, environment: [
            "RAILYARD_ADMIN_EMAIL": "ops@example.com", "RAILYARD_ADMIN_PASSWORD": "ops-password",
        ])
        try await server.start()
        defer { server.stop(signal: SIGKILL) }
        let client = RailyardClient(server: server.url, bearer: nil)
        let ready: [String: String] = try await client.send(.GET, "/readyz")
        #expect(ready["status"] == "ready")

        // A login whose body is half sent: in flight for as long as the test likes, without
        // guessing how long anything takes. The server is stopped once it has read what was
        // sent (the kernel's receive queue for its end of the connection is empty), and the
        // rest of the body follows once it has stopped listening.
        let body = #"{"email":"ops@example.com","password":"ops-password"}"#
        let socket = try RawSocket(port: server.port)
        defer { socket.close() }
        socket.send("POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n" + body.prefix(20))
        let clientPort = try #require(socket.localPort)
        #expect(try await Self.waitUntil { RawSocket.unread(serverPort: server.port, clientPort: clientPort) == 0 },
                "the server reads the request's head")
        let pid = try #require(server.process?.processIdentifier)
        kill(pid, SIGTERM)
        #expect(try await Self.waitUntil { (try? RawSocket(port: server.port)).map { $0.close() } == nil },
                "the server stops listening")
        socket.send(String(body.dropFirst(20)))
        let answer = try await onOwnThread { socket.receiveAll(timeout: 60) }
        #expect(answer.hasPrefix("HTTP/1.1 200"), "\(answer.prefix(200))")
        #expect(answer.contains("accessToken"), "\(answer.prefix(200))")
        #expect(server.stop(signal: SIGTERM) == 0)
    }

    /// Checks `condition` every 50 ms for up to a minute; says whether it came to hold.
    static func waitUntil(_ condition: @Sendable () -> Bool) async throws -> Bool {
        let started = ContinuousClock.now
        while !condition() {
            if ContinuousClock.now - started > .seconds(60) { return false }
            try await Task.sleep(for: .milliseconds(50))
        }
        return true
    }

    @Test func junkOnTheSocketDoesNotHurtTheServer() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("railyard-junk-\(UUID().uuidString)").path
        let server = ServerProcess(dataDirectory: data)
        try await server.start()
        defer { server.stop() }
        for junk in ["GARBAGE\r\n\r\n", "GET / HTTP/9.9\r\n\r\n", String(repeating: "A", count: 100_000), "\u{0}\u{1}\u{2}"] {
            let socket = try RawSocket(port: server.port)
            socket.send(junk)
            socket.close()
        }
        let client = RailyardClient(server: server.url, bearer: nil)
        let health: [String: String] = try await client.send(.GET, "/healthz")
        #expect(health["status"] == "ok")
    }
}

/// A plain TCP connection to loopback, for sending bytes no HTTP client would.
struct RawSocket {
    let descriptor: Int32

    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { throw ProcessProblem("connect failed") }
    }

    func send(_ text: String) {
        _ = text.utf8CString.withUnsafeBufferPointer { buffer in
            Glibc.send(descriptor, buffer.baseAddress, max(0, buffer.count - 1), Int32(MSG_NOSIGNAL))
        }
    }

    func close() { _ = Glibc.close(descriptor) }

    /// The port this end of the connection was given.
    var localPort: Int? {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let result = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        return result == 0 ? Int(UInt16(bigEndian: address.sin_port)) : nil
    }

    /// Reads until the peer closes or `timeout` seconds pass without a byte. Blocking: call it
    /// on a thread of its own.
    func receiveAll(timeout: Int) -> String {
        var limit = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var received = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count <= 0 { break }
            received += buffer[0..<count]
        }
        return String(decoding: received, as: UTF8.self)
    }

    /// Bytes the server's end of a loopback connection has received and its process has not
    /// read yet (from /proc/net/tcp), or nil when there is no such connection.
    static func unread(serverPort: Int, clientPort: Int) -> Int? {
        // Read to the end by hand: the kernel makes this file up page by page as it is read,
        // and it reports a size of 0.
        let descriptor = open("/proc/net/tcp", O_RDONLY)
        guard descriptor >= 0 else { return nil }
        defer { _ = Glibc.close(descriptor) }
        var bytes = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = read(descriptor, &buffer, buffer.count)
            if count <= 0 { break }
            bytes += buffer[0..<count]
        }
        let table = String(decoding: bytes, as: UTF8.self)
        let local = String(format: "0100007F:%04X", serverPort)
        let remote = String(format: "0100007F:%04X", clientPort)
        for line in table.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ")
            guard fields.count > 4, fields[1] == local, fields[2] == remote else { continue }
            return fields[4].split(separator: ":").last.flatMap { Int($0, radix: 16) }
        }
        return nil
    }
}
