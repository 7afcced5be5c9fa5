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

        // A login takes a bcrypt verification (cost 12, a few hundred ms): stop the server while
        // it is being computed, and the answer still arrives.
        async let login = client.login(email: "ops@example.com", password: "ops-password")
        try await Task.sleep(for: .milliseconds(60))
        let status = server.stop(signal: SIGTERM)
        let pair = try await login
        #expect(pair.user.email == "ops@example.com")
        #expect(status == 0)
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
}
